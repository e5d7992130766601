package learn

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
)

// AdamConfig configures Adam and AdamW. The zero value is PyTorch's default
// Adam: LR 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay.
type AdamConfig struct {
	// LR is the initial learning rate (0 → 1e-3). Schedulers change the
	// rate passed to Step; this is where they start.
	LR float64
	// Beta1 and Beta2 are the moment decay rates, in (0, 0.9999999]; 0
	// means the defaults 0.9 and 0.999, so neither can be 0 (β1 = 0, no
	// first-moment averaging, is RMSprop-like: take a tiny β1 such as
	// 1e-12 instead).
	Beta1, Beta2 float64
	// Eps is added to the root of the second moment (0 → 1e-8).
	Eps float64
	// WeightDecay is the decay coefficient (0 → none). With Decoupled
	// (AdamW, Loshchilov & Hutter) every step first multiplies the
	// parameters by 1 − lr·WeightDecay, so LR·WeightDecay must be below 1
	// (schedulers only lower the rate); without it (Adam's L2 penalty)
	// WeightDecay·θ is added to the gradient.
	WeightDecay float64
	Decoupled   bool
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c AdamConfig) WithDefaults() AdamConfig {
	if c.LR == 0 {
		c.LR = 1e-3
	}
	if c.Beta1 == 0 {
		c.Beta1 = 0.9
	}
	if c.Beta2 == 0 {
		c.Beta2 = 0.999
	}
	if c.Eps == 0 {
		c.Eps = 1e-8
	}
	return c
}

// Validate returns a param error naming the first bad field.
func (c AdamConfig) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		param.Positive("learn", "Adam.LR", c.LR),
		betaRange("Adam.Beta1", c.Beta1, 0.9),
		betaRange("Adam.Beta2", c.Beta2, 0.999),
		param.Positive("learn", "Adam.Eps", c.Eps),
		param.NonNegative("learn", "Adam.WeightDecay", c.WeightDecay),
	); err != nil {
		return err
	}
	if c.Decoupled && c.LR*c.WeightDecay >= 1 {
		return param.New("learn", "Adam.LR·Adam.WeightDecay", fmt.Sprintf("%g·%g = %g", c.LR, c.WeightDecay, c.LR*c.WeightDecay),
			"< 1 with Decoupled (each step multiplies the parameters by 1 − LR·WeightDecay, which must stay positive)")
	}
	return nil
}

// betaRange checks a moment decay rate after defaults: in (0, 0.9999999],
// 0 having been replaced by the default def.
func betaRange(name string, v, def float64) error {
	if !(v > 0 && v <= 0.9999999) {
		return param.New("learn", name, v, fmt.Sprintf("in (0, 0.9999999] (0 means the default %g)", def))
	}
	return nil
}

// Adam is the Adam / AdamW optimizer over one flat parameter vector, with
// PyTorch's update order (torch.optim.Adam and AdamW, single-tensor path):
//
//	t ← t+1
//	AdamW: θ ← θ·(1 − lr·wd)          Adam with wd: g ← g + wd·θ
//	m ← m + (1−β1)(g − m);  v ← β2·v + (1−β2)·g²
//	θ ← θ − (lr/(1−β1ᵗ)) · m / (√v/√(1−β2ᵗ) + eps)
//
// Moments are kept in the parameters' precision; the scalar coefficients in
// float64. The update runs element by element in index order, so it is
// deterministic. Adam is not safe for concurrent use.
type Adam[T asm.Float] struct {
	cfg AdamConfig
	// M and V are the first and second moments (the layout of the
	// parameters); Steps is the number of steps taken. They are exported
	// for checkpoints.
	M, V  []T
	Steps int64
}

// NewAdam returns an optimizer for n parameters.
func NewAdam[T asm.Float](n int, c AdamConfig) (*Adam[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := param.PositiveInt("learn", "n", n); err != nil {
		return nil, err
	}
	return &Adam[T]{cfg: c.WithDefaults(), M: make([]T, n), V: make([]T, n)}, nil
}

// Config returns the optimizer's configuration (defaults filled in).
func (a *Adam[T]) Config() AdamConfig { return a.cfg }

// Reset clears the moments and the step counter.
func (a *Adam[T]) Reset() {
	clear(a.M)
	clear(a.V)
	a.Steps = 0
}

// Step applies one update with learning rate lr to theta using grad. Scalars
// whose frozen entry is true (frozen may be nil) are not touched, and their
// moments stay zero. It panics if the lengths differ.
func (a *Adam[T]) Step(theta, grad []T, lr float64, frozen []bool) {
	n := len(a.M)
	if len(theta) != n || len(grad) != n || (frozen != nil && len(frozen) != n) {
		panic("learn: Adam.Step: vector lengths do not match")
	}
	a.Steps++
	c := a.cfg
	b1, b2 := c.Beta1, c.Beta2
	bc1 := 1 - math.Pow(b1, float64(a.Steps))
	bc2 := 1 - math.Pow(b2, float64(a.Steps))
	stepSize := lr / bc1
	bc2sqrt := math.Sqrt(bc2)
	decay := 1 - float64(lr*c.WeightDecay)
	l2 := c.WeightDecay
	if c.Decoupled {
		l2 = 0
	}
	m, v := a.M[:n], a.V[:n]
	theta, grad = theta[:n], grad[:n]
	for i := range m {
		if frozen != nil && frozen[i] {
			continue
		}
		th := float64(theta[i])
		g := float64(grad[i])
		if c.Decoupled && c.WeightDecay != 0 {
			th = float64(T(th * decay))
		} else if l2 != 0 {
			g = float64(T(g + float64(l2*th)))
		}
		mi := float64(m[i])
		mi = float64(T(mi + float64((1-b1)*(g-mi))))
		vi := float64(T(float64(b2*float64(v[i])) + float64((1-b2)*g*g)))
		m[i], v[i] = T(mi), T(vi)
		den := math.Sqrt(vi)/bc2sqrt + c.Eps
		theta[i] = T(th - stepSize*mi/den)
	}
}

// ClipGradNorm scales grad so that its Euclidean norm is at most maxNorm
// (PyTorch's clip_grad_norm_: the factor is maxNorm/(norm + 1e-6), applied
// only when it is below 1) and returns the norm before clipping. The norm is
// summed in float64 in index order. maxNorm ≤ 0 only measures the norm.
func ClipGradNorm[T asm.Float](grad []T, maxNorm float64) float64 {
	norm := Norm(grad)
	if maxNorm > 0 {
		if coef := maxNorm / (norm + 1e-6); coef < 1 {
			asm.Scal(T(coef), grad)
		}
	}
	return norm
}

// Norm returns the Euclidean norm of v, summed in float64 in index order
// (NaN if any element is NaN, +Inf if any is infinite).
func Norm[T asm.Float](v []T) float64 {
	s := 0.0
	for _, x := range v {
		f := float64(x)
		s += float64(f * f)
	}
	return math.Sqrt(s)
}
