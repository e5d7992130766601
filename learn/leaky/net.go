package leaky

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/ode"
)

// Activation is the nonlinearity φ of the network: the asm kernels'
// activations plus softplus.
type Activation int

// The activations. HalfTanh is 0.5 + 0.5·tanh(z), the reference rate
// network's "tanh" (range [0, 1]); Softplus is ln(1 + eˣ).
const (
	Tanh Activation = iota
	ReLU
	Sigmoid
	HalfTanh
	Softplus
	Identity
)

var actNames = [...]string{"tanh", "relu", "sigmoid", "halftanh", "softplus", "identity"}

// String returns the activation's name.
func (a Activation) String() string {
	if a >= 0 && int(a) < len(actNames) {
		return actNames[a]
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the activation called name.
func ParseActivation(name string) (Activation, error) {
	for i, n := range actNames {
		if n == name {
			return Activation(i), nil
		}
	}
	return 0, param.New("leaky", "activation", name, "one of tanh, relu, sigmoid, halftanh, softplus, identity")
}

// Validate returns a param error unless a is defined.
func (a Activation) Validate() error {
	if a >= 0 && int(a) < len(actNames) {
		return nil
	}
	return param.New("leaky", "Activation", int(a), "one of tanh, relu, sigmoid, halftanh, softplus, identity")
}

// kernel returns the asm activation, or ok = false for softplus (computed
// by the pure-Go helpers of this package).
func (a Activation) kernel() (asm.Activation, bool) {
	switch a {
	case Tanh:
		return asm.ActTanh, true
	case ReLU:
		return asm.ActReLU, true
	case Sigmoid:
		return asm.ActSigmoid, true
	case HalfTanh:
		return asm.ActHalfTanh, true
	case Identity:
		return asm.ActIdentity, true
	}
	return 0, false
}

// Apply returns φ(z) in float64 (for analysis and tests).
func (a Activation) Apply(z float64) float64 {
	switch a {
	case Tanh:
		return detmath.Tanh(z)
	case ReLU:
		return math.Max(z, 0)
	case Sigmoid:
		return 1 / (1 + detmath.Exp(-z))
	case HalfTanh:
		return 0.5 + float64(0.5*detmath.Tanh(z))
	case Softplus:
		return softplus(z)
	}
	return z
}

// Deriv returns φ'(z) in float64.
func (a Activation) Deriv(z float64) float64 {
	switch a {
	case Tanh:
		t := detmath.Tanh(z)
		return 1 - float64(t*t)
	case ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case Sigmoid:
		s := 1 / (1 + detmath.Exp(-z))
		return s * (1 - s)
	case HalfTanh:
		t := detmath.Tanh(z)
		return 0.5 * (1 - float64(t*t))
	case Softplus:
		return 1 / (1 + detmath.Exp(-z))
	}
	return 1
}

// softplus is ln(1 + eᶻ) without overflow.
func softplus(z float64) float64 {
	return math.Max(z, 0) + detmath.Log1p(detmath.Exp(-math.Abs(z)))
}

// Pop is a population: units [Start, Start+Len) sharing the time constant
// Tau (model time units).
type Pop struct {
	Start, Len int
	Tau        float64
}

// Spec is the shape and numerics of a network: N units, I inputs, O
// outputs decoded from the first R units, populations covering 0…N−1 in
// order, the activation, the solver and the sample interval.
type Spec struct {
	N, I, O, R int
	Act        Activation
	Pops       []Pop
	// Method is the ODE solver (euler, midpoint, rk4, rk38, dopri5).
	Method ode.Method
	// Interval is the model time one input sample is held for (> 0).
	Interval float64
	// Substeps is the number of fixed solver steps per interval (in [1,
	// ode.DefaultMaxSteps]; ignored by dopri5).
	Substeps int
	// Rtol and Atol are dopri5's tolerances (0 → 1e-7 and 1e-9).
	Rtol, Atol float64
}

// Validate returns a param error naming the first bad field.
func (s Spec) Validate() error {
	if err := param.First(
		param.PositiveInt("leaky", "N", s.N), param.PositiveInt("leaky", "I", s.I),
		param.PositiveInt("leaky", "O", s.O), param.PositiveInt("leaky", "R", s.R),
		s.Act.Validate(), s.Method.Validate(),
		param.Positive("leaky", "Interval", s.Interval),
		param.PositiveInt("leaky", "Substeps", s.Substeps),
		param.NonNegative("leaky", "Rtol", s.Rtol), param.NonNegative("leaky", "Atol", s.Atol),
	); err != nil {
		return err
	}
	if s.Substeps > ode.DefaultMaxSteps {
		return param.New("leaky", "Substeps", s.Substeps, fmt.Sprintf("in [1, %d] (ode.DefaultMaxSteps, dopri5's step budget per interval)", ode.DefaultMaxSteps))
	}
	if s.R > s.N {
		return param.New("leaky", "R", s.R, fmt.Sprintf("<= N (%d)", s.N))
	}
	if len(s.Pops) == 0 {
		return param.New("leaky", "Pops", "none", "at least one population")
	}
	next := 0
	for i, p := range s.Pops {
		if p.Start != next || p.Len <= 0 {
			return param.New("leaky", fmt.Sprintf("Pops[%d]", i), p, fmt.Sprintf("Start = %d and Len > 0 (populations cover 0…N−1 in order)", next))
		}
		if err := param.Positive("leaky", fmt.Sprintf("Pops[%d].Tau", i), p.Tau); err != nil {
			return err
		}
		next += p.Len
	}
	if next != s.N {
		return param.New("leaky", "Pops", fmt.Sprintf("cover %d units", next), fmt.Sprintf("cover all N = %d units", s.N))
	}
	return nil
}

// Net is the effective network the solver integrates: for each unit i,
//
//	τ_i dh_i/dt = −h_i + φ(z_i),   z = W h + U x + b,   y = D h[0:R] + d
//
// stored as Waug = [W | U | b] (N × (N+I+1), row i = post-synaptic unit i)
// and Dec = [D | d] (O × (R+1)). Models own their trainable parameters and
// fill Waug and Dec from them (Dale transforms, masks) before each batch.
type Net[T asm.Float] struct {
	Spec
	// Waug is [W | U | b], row-major N×(N+I+1).
	Waug []T
	// Dec is [D | d], row-major O×(R+1).
	Dec []T

	tab    ode.Tableau
	active []int // stages that influence the step (others are skipped)
	waugT  []T   // Waugᵀ (S×N), refreshed by transpose at the start of a batched run
}

// NewNet returns a network of shape s with zero weights.
func NewNet[T asm.Float](s Spec) (*Net[T], error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	tab, err := s.Method.Tableau()
	if err != nil {
		return nil, err
	}
	net := &Net[T]{Spec: s, tab: tab}
	net.Pops = append([]Pop(nil), s.Pops...)
	net.Waug = make([]T, s.N*(s.N+s.I+1))
	net.Dec = make([]T, s.O*(s.R+1))
	net.active = activeStages(tab)
	return net, nil
}

// transpose refreshes waugT from Waug.
func (n *Net[T]) transpose() {
	N, S := n.N, n.Stride()
	if len(n.waugT) != N*S {
		n.waugT = make([]T, N*S)
	}
	for i := 0; i < N; i++ {
		row := n.Waug[i*S : (i+1)*S]
		for j, v := range row {
			n.waugT[j*N+i] = v
		}
	}
}

// Stride is the row length of Waug and of augmented state rows, N+I+1.
func (n *Net[T]) Stride() int { return n.N + n.I + 1 }

// W returns element (i, j) of the recurrent matrix.
func (n *Net[T]) W(i, j int) T { return n.Waug[i*n.Stride()+j] }

// Tableau returns the solver's tableau.
func (n *Net[T]) Tableau() ode.Tableau { return n.tab.Clone() }

// Grads holds the gradient of a loss with respect to the effective tensors,
// in their layouts: dWaug (N×(N+I+1)) and dDec (O×(R+1)).
type Grads[T asm.Float] struct {
	Waug, Dec []T
}

// NewGrads returns zeroed gradients for net.
func NewGrads[T asm.Float](net *Net[T]) *Grads[T] {
	return &Grads[T]{Waug: make([]T, len(net.Waug)), Dec: make([]T, len(net.Dec))}
}

// Zero clears g.
func (g *Grads[T]) Zero() {
	clear(g.Waug)
	clear(g.Dec)
}

// singleAlpha returns the common dt/τ factor if every population has the
// same τ.
func (n *Net[T]) singleTau() (float64, bool) {
	tau := n.Pops[0].Tau
	for _, p := range n.Pops[1:] {
		if p.Tau != tau {
			return 0, false
		}
	}
	return tau, true
}

// stepRows applies the fused Euler epilogue a = φ(z); h += (dt/τ)(a − h)
// to rows rows: h rows start every hs values (first N of each), a and z are
// contiguous rows×N.
func (n *Net[T]) stepRows(h []T, hs int, a, z []T, rows int, dt float64) {
	N := n.N
	act, ok := n.Act.kernel()
	if tau, same := n.singleTau(); same && hs == N {
		alpha := T(dt / tau)
		if ok {
			asm.Step(act, h[:rows*N], a[:rows*N], z[:rows*N], alpha)
		} else {
			softplusStep(h[:rows*N], a[:rows*N], z[:rows*N], alpha)
		}
		return
	}
	for r := 0; r < rows; r++ {
		hr, ar, zr := h[r*hs:r*hs+N], a[r*N:(r+1)*N], z[r*N:(r+1)*N]
		for _, p := range n.Pops {
			lo, hi := p.Start, p.Start+p.Len
			alpha := T(dt / p.Tau)
			if ok {
				asm.Step(act, hr[lo:hi], ar[lo:hi], zr[lo:hi], alpha)
			} else {
				softplusStep(hr[lo:hi], ar[lo:hi], zr[lo:hi], alpha)
			}
		}
	}
}

// stepBackRows is the adjoint of stepRows on contiguous rows×N blocks:
// dz = (α·dh)·φ'(a); dh ← dh·(1 − α), α = dt/τ per population.
func (n *Net[T]) stepBackRows(dz, dh, a []T, rows int, dt float64) {
	N := n.N
	act, ok := n.Act.kernel()
	if tau, same := n.singleTau(); same {
		alpha := T(dt / tau)
		if ok {
			asm.StepBackward(act, dz[:rows*N], dh[:rows*N], a[:rows*N], nil, alpha)
		} else {
			softplusStepBackward(dz[:rows*N], dh[:rows*N], a[:rows*N], alpha)
		}
		return
	}
	for r := 0; r < rows; r++ {
		o := r * N
		for _, p := range n.Pops {
			lo, hi := o+p.Start, o+p.Start+p.Len
			alpha := T(dt / p.Tau)
			if ok {
				asm.StepBackward(act, dz[lo:hi], dh[lo:hi], a[lo:hi], nil, alpha)
			} else {
				softplusStepBackward(dz[lo:hi], dh[lo:hi], a[lo:hi], alpha)
			}
		}
	}
}

// softplusStep is the pure-Go Step for softplus (no asm kernel has it; an
// asm softplus activation would replace this loop):
// a = softplus(z); h = h + α(a − h).
func softplusStep[T asm.Float](h, a, z []T, alpha T) {
	for i := range h {
		ai := T(softplus(float64(z[i])))
		a[i] = ai
		h[i] += T(alpha * (ai - h[i]))
	}
}

// softplusStepBackward: dz = (α·dh)·(1 − e^(−a)) (the logistic of z, from
// a = softplus(z)); dh ← dh·(1 − α).
func softplusStepBackward[T asm.Float](dz, dh, a []T, alpha T) {
	one := 1 - alpha
	for i := range dh {
		d := T(-detmath.Expm1(-float64(a[i])))
		dz[i] = (alpha * dh[i]) * d
		dh[i] *= one
	}
}

// MarshalText writes the activation's name (for JSON and TOML configs).
func (a Activation) MarshalText() ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return []byte(a.String()), nil
}

// UnmarshalText parses an activation name.
func (a *Activation) UnmarshalText(b []byte) error {
	v, err := ParseActivation(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
