package rate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
)

// Parameter names (post × pre for the recurrent blocks).
const (
	NameWEE     = "W_ee"           // NE×NE, E → E
	NameWEI     = "W_ei"           // NE×NI, I → E
	NameWIE     = "W_ie"           // NI×NE, E → I
	NameWII     = "W_ii"           // NI×NI, I → I
	NameWInE    = "W_in_e"         // NE×Inputs
	NameWInI    = "W_in_i"         // NI×Inputs
	NameBE      = "b_e"            // NE
	NameBI      = "b_i"            // NI
	NameDec     = "decoder.weight" // Outputs×NE
	NameDecBias = "decoder.bias"   // Outputs
)

// block is one recurrent block: its parameter, its place in the effective
// matrix and its sign.
type block struct {
	name, mask   string
	row0, col0   int
	rows, cols   int
	sign         float64
	presynapticE bool
}

// Model is a balanced E/I rate network,
//
//	τ_E dr_E/dt = −r_E + φ(T(W_ee) r_E − T(W_ei) r_I + W_in_e x + b_e)
//	τ_I dr_I/dt = −r_I + φ(T(W_ie) r_E − T(W_ii) r_I + W_in_i x + b_i)
//	y = D r_E + d
//
// with T the Dale transform (|·|, softplus or ReLU) applied to raw
// parameters (times the fixed connection masks when ConnProb < 1), so every
// excitatory column is ≥ 0 and every inhibitory one ≤ 0. The state is
// r = [r_E, r_I]. Like ctrnn.Model it implements learn.Model (float32),
// learn.Stepper, learn.Dynamics and learn.StepMap.
type Model[T asm.Float] struct {
	*leaky.Single[T]
	cfg    Config
	params *learn.Params[T]
	spec   leaky.Spec
	blocks []block
}

// New returns a model initialized by c.Init (see Init). Tensor k draws from
// PCG(Seed, k): W_ee 1, W_ei 2, W_ie 3, W_ii 4, W_in_e 5, W_in_i 6, b_e 7,
// b_i 8, decoder weight 9, decoder bias 10, masks 11–14.
func New[T asm.Float](c Config) (*Model[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	if c.Solver == ode.Dopri5 && c.Rtol != 0 && c.Rtol < ode.MinRtol[T]() {
		var zero T
		return nil, param.New("rate", "Rtol", c.Rtol, fmt.Sprintf("at least %.3g for %T state (ode.MinRtol: below it dopri5 cannot meet the tolerance and runs into its step limit), or 0 for the default", ode.MinRtol[T](), zero))
	}
	NE, NI, I, O := c.NE, c.NI, c.Inputs, c.Outputs
	m := &Model[T]{cfg: c, spec: c.spec()}
	m.blocks = []block{
		{NameWEE, "mask_ee", 0, 0, NE, NE, 1, true},
		{NameWEI, "mask_ei", 0, NE, NE, NI, -1, false},
		{NameWIE, "mask_ie", NE, 0, NI, NE, 1, true},
		{NameWII, "mask_ii", NE, NE, NI, NI, -1, false},
	}
	specs := []learn.ParamSpec{}
	for _, b := range m.blocks {
		specs = append(specs, learn.ParamSpec{Name: b.name, Shape: []int{b.rows, b.cols}})
	}
	specs = append(specs,
		learn.ParamSpec{Name: NameWInE, Shape: []int{NE, I}},
		learn.ParamSpec{Name: NameWInI, Shape: []int{NI, I}},
		learn.ParamSpec{Name: NameBE, Shape: []int{NE}},
		learn.ParamSpec{Name: NameBI, Shape: []int{NI}},
		learn.ParamSpec{Name: NameDec, Shape: []int{O, NE}},
		learn.ParamSpec{Name: NameDecBias, Shape: []int{O}},
	)
	if c.ConnProb < 1 {
		for _, b := range m.blocks {
			specs = append(specs, learn.ParamSpec{Name: b.mask, Shape: []int{b.rows, b.cols}, Frozen: true})
		}
	}
	p, err := learn.NewParams[T](specs...)
	if err != nil {
		return nil, err
	}
	m.params = p
	rng := func(k uint64) *rand.Rand { return rand.New(rand.NewPCG(c.Seed, k)) }
	for k, b := range m.blocks {
		w := p.Get(b.name)
		switch c.Init {
		case InitGaussian:
			pre := NE
			if !b.presynapticE {
				pre = NI
			}
			learn.Normal(w, c.RecScale/math.Sqrt(float64(pre)), rng(uint64(k+1)))
		case InitUniform:
			s := 1 / math.Sqrt(float64(NE))
			if !b.presynapticE {
				s = c.G / math.Sqrt(float64(NI))
			}
			learn.Uniform(w, 0, s, rng(uint64(k+1)))
		}
	}
	switch c.Init {
	case InitGaussian:
		bnd := 1 / math.Sqrt(float64(I))
		learn.Uniform(p.Get(NameWInE), -bnd, bnd, rng(5))
		learn.Uniform(p.Get(NameWInI), -bnd, bnd, rng(6))
		learn.Uniform(p.Get(NameBE), -bnd, bnd, rng(7))
		learn.Uniform(p.Get(NameBI), -bnd, bnd, rng(8))
	case InitUniform:
		learn.XavierUniform(p.Get(NameWInE), I, NE, 1, rng(5))
		learn.XavierUniform(p.Get(NameWInI), I, NI, 1, rng(6))
		for _, name := range []string{NameBE, NameBI} {
			for i := range p.Get(name) {
				p.Get(name)[i] = T(c.BiasInit)
			}
		}
	}
	bd := 1 / math.Sqrt(float64(NE))
	learn.Uniform(p.Get(NameDec), -bd, bd, rng(9))
	learn.Uniform(p.Get(NameDecBias), -bd, bd, rng(10))
	if c.ConnProb < 1 {
		for k, b := range m.blocks {
			r := rng(uint64(11 + k))
			msk := p.Get(b.mask)
			for i := range msk {
				if r.Float64() < c.ConnProb {
					msk[i] = 1
				}
			}
		}
	}
	if m.Single, err = leaky.NewSingle[T](m.spec, m, c.SampleDt); err != nil {
		return nil, err
	}
	m.Single.Reset()
	return m, nil
}

// SetSampleDt sets the data time one step covers (Config.SampleDt,
// > 0): the time unit of StepTime and so of Lyapunov exponents. It does
// not enter the dynamics, the parameters or the training; the stream is
// reset. The C API sets it to the dataset's dt when a model is trained
// on one, as the pipeline does (SampleDt = the data's dt).
func (m *Model[T]) SetSampleDt(dt float64) error {
	if err := param.Positive("rate", "SampleDt", dt); err != nil {
		return err
	}
	s, err := leaky.NewSingle[T](m.spec, m, dt)
	if err != nil {
		return err
	}
	s.Reset()
	m.Single, m.cfg.SampleDt = s, dt
	return nil
}

// Config returns the configuration (defaults filled in).
func (m *Model[T]) Config() Config { return m.cfg }

// Params returns the parameters (aliased).
func (m *Model[T]) Params() *learn.Params[T] { return m.params }

// Spec returns the engine shape.
func (m *Model[T]) Spec() leaky.Spec { return m.spec }

// dale returns T(w) and T'(w).
func (m *Model[T]) dale(w float64) (float64, float64) {
	switch m.cfg.Dale {
	case DaleSoftplus:
		sp := math.Max(w, 0) + detmath.Log1p(detmath.Exp(-math.Abs(w)))
		return sp, 1 / (1 + detmath.Exp(-w))
	case DaleReLU:
		if w > 0 {
			return w, 1
		}
		return 0, 0
	}
	switch {
	case w > 0:
		return w, 1
	case w < 0:
		return -w, -1
	}
	return 0, 0
}

// EffectiveWeights writes the signed effective recurrent matrix
// [[T(W_ee), −T(W_ei)], [T(W_ie), −T(W_ii)]] (masks applied) into dst
// (N×N, row = post-synaptic unit), the reference's
// compute_ei_weight_matrix.
func (m *Model[T]) EffectiveWeights(dst []float64) {
	N := m.cfg.NE + m.cfg.NI
	p := m.params
	for _, b := range m.blocks {
		w := p.Get(b.name)
		var msk []T
		if m.cfg.ConnProb < 1 {
			msk = p.Get(b.mask)
		}
		for i := 0; i < b.rows; i++ {
			for j := 0; j < b.cols; j++ {
				v, _ := m.dale(float64(w[i*b.cols+j]))
				if msk != nil {
					v *= float64(msk[i*b.cols+j])
				}
				dst[(b.row0+i)*N+b.col0+j] = b.sign * v
			}
		}
	}
}

// Effective fills the engine's tensors (the Dale transform is element-wise
// pure Go; an asm softplus/abs kernel would replace it). It implements
// leaky.Mapping.
func (m *Model[T]) Effective(net *leaky.Net[T]) {
	c := m.cfg
	NE, NI, I, O := c.NE, c.NI, c.Inputs, c.Outputs
	N := NE + NI
	S := N + I + 1
	p := m.params
	for _, b := range m.blocks {
		w := p.Get(b.name)
		var msk []T
		if c.ConnProb < 1 {
			msk = p.Get(b.mask)
		}
		for i := 0; i < b.rows; i++ {
			row := net.Waug[(b.row0+i)*S+b.col0:]
			for j := 0; j < b.cols; j++ {
				v, _ := m.dale(float64(w[i*b.cols+j]))
				if msk != nil {
					v *= float64(msk[i*b.cols+j])
				}
				row[j] = T(b.sign * v)
			}
		}
	}
	ue, ui := p.Get(NameWInE), p.Get(NameWInI)
	be, bi := p.Get(NameBE), p.Get(NameBI)
	for i := 0; i < N; i++ {
		row := net.Waug[i*S : (i+1)*S]
		if i < NE {
			copy(row[N:N+I], ue[i*I:(i+1)*I])
			row[N+I] = be[i]
		} else {
			copy(row[N:N+I], ui[(i-NE)*I:(i-NE+1)*I])
			row[N+I] = bi[i-NE]
		}
	}
	d, db := p.Get(NameDec), p.Get(NameDecBias)
	for o := 0; o < O; o++ {
		copy(net.Dec[o*(NE+1):o*(NE+1)+NE], d[o*NE:(o+1)*NE])
		net.Dec[o*(NE+1)+NE] = db[o]
	}
}

// Pullback writes the parameter gradient from the effective-tensor
// gradients (chain rule through the Dale transform and the masks; frozen
// masks get zero). It implements leaky.Mapping.
func (m *Model[T]) Pullback(grad []T, g *leaky.Grads[T]) {
	c := m.cfg
	NE, NI, I, O := c.NE, c.NI, c.Inputs, c.Outputs
	N := NE + NI
	S := N + I + 1
	p := m.params
	for _, b := range m.blocks {
		w := p.Get(b.name)
		gw := p.View(grad, p.Index(b.name))
		var msk []T
		if c.ConnProb < 1 {
			msk = p.Get(b.mask)
			clear(p.View(grad, p.Index(b.mask)))
		}
		for i := 0; i < b.rows; i++ {
			row := g.Waug[(b.row0+i)*S+b.col0:]
			for j := 0; j < b.cols; j++ {
				_, d := m.dale(float64(w[i*b.cols+j]))
				v := b.sign * d * float64(row[j])
				if msk != nil {
					v *= float64(msk[i*b.cols+j])
				}
				gw[i*b.cols+j] = T(v)
			}
		}
	}
	gue, gui := p.View(grad, p.Index(NameWInE)), p.View(grad, p.Index(NameWInI))
	gbe, gbi := p.View(grad, p.Index(NameBE)), p.View(grad, p.Index(NameBI))
	for i := 0; i < N; i++ {
		row := g.Waug[i*S : (i+1)*S]
		if i < NE {
			copy(gue[i*I:(i+1)*I], row[N:N+I])
			gbe[i] = row[N+I]
		} else {
			copy(gui[(i-NE)*I:(i-NE+1)*I], row[N:N+I])
			gbi[i-NE] = row[N+I]
		}
	}
	gd, gdb := p.View(grad, p.Index(NameDec)), p.View(grad, p.Index(NameDecBias))
	for o := 0; o < O; o++ {
		copy(gd[o*NE:(o+1)*NE], g.Dec[o*(NE+1):o*(NE+1)+NE])
		gdb[o] = g.Dec[o*(NE+1)+NE]
	}
}

// Worker returns a loss/gradient worker (BPTT, or the adjoint method when
// configured).
func (m *Model[T]) Worker() (*leaky.Worker[T], error) {
	return leaky.NewWorker[T](m.spec, m, m.gradient())
}

// ForwardBytes, PredictBytes and GenerateBytes estimate the memory (bytes)
// of Forward and PredictLast over n sequences of L samples and of Generate
// for n streams of steps outputs (leaky.RunBatchBytes, PredictLastBytes,
// GenerateBytes); none depends on Substeps, since a forward run keeps
// nothing per solver step. The C API checks them against its memory limit.
func (m *Model[T]) ForwardBytes(n, L int, hidden bool) float64 {
	return leaky.RunBatchBytes[T](m.spec, n, L, hidden)
}

// PredictBytes: see ForwardBytes.
func (m *Model[T]) PredictBytes(n, L int) float64 {
	return leaky.PredictLastBytes[T](m.spec, n, L, predictBatch)
}

// GenerateBytes: see ForwardBytes.
func (m *Model[T]) GenerateBytes(n, steps int) float64 {
	return leaky.GenerateBytes[T](m.spec, n, steps)
}

// predictBatch is the number of sequences PredictLast runs at once.
const predictBatch = 256

// gradient is the workers' gradient method.
func (m *Model[T]) gradient() leaky.Gradient {
	return leaky.Gradient{Adjoint: m.cfg.Adjoint, CheckpointEvery: m.cfg.CheckpointEvery, InputNoise: m.cfg.InputNoise}
}

// BatchBytes estimates the memory (bytes) a worker takes for n samples of
// inputSize values (windows of inputSize/Inputs samples), with the
// gradient (grad) or only the loss (leaky.WorkerBytes). With a fixed-step
// solver and BPTT it grows linearly with Substeps: the tape keeps every
// stage of every substep. It implements learn.BatchMemory, by which
// learn.Trainer.Fit refuses training beyond the memory limit.
func (m *Model[T]) BatchBytes(n, inputSize int, grad bool) float64 {
	return leaky.WorkerBytes[T](m.spec, m.gradient(), n, inputSize/m.cfg.Inputs, grad)
}

// NewWorker implements learn.Model (for Model[float32]).
func (m *Model[T]) NewWorker() (learn.Worker, error) {
	w, err := m.Worker()
	if err != nil {
		return nil, err
	}
	lw, ok := any(w).(learn.Worker)
	if !ok {
		return nil, param.New("rate", "Model", fmt.Sprintf("%T", m), "a float32 model to train with learn.Trainer")
	}
	return lw, nil
}

// Net returns a fresh engine network holding the current effective
// weights.
func (m *Model[T]) Net() (*leaky.Net[T], error) {
	net, err := leaky.NewNet[T](m.spec)
	if err != nil {
		return nil, err
	}
	m.Effective(net)
	return net, nil
}

// Forward runs n sequences (n×L×Inputs) from the zero state; see
// ctrnn.Model.Forward. Hidden holds r = [r_E, r_I].
func (m *Model[T]) Forward(x []T, n, L int, hidden bool) (*leaky.Output[T], error) {
	net, err := m.Net()
	if err != nil {
		return nil, err
	}
	return leaky.RunBatch(net, x, n, L, hidden)
}

// PredictLast returns the output after the last step of each sequence.
func (m *Model[T]) PredictLast(x []T, n, L int) ([]T, error) {
	net, err := m.Net()
	if err != nil {
		return nil, err
	}
	return leaky.PredictLast(net, x, n, L, predictBatch)
}

// Generate runs n streams closed loop after W warm-up inputs each; see
// ctrnn.Model.Generate.
func (m *Model[T]) Generate(warm []T, n, W, steps int) ([]T, error) {
	net, err := m.Net()
	if err != nil {
		return nil, err
	}
	return leaky.Generate(net, warm, n, W, steps)
}

// GenerateContext is Generate, stopped when ctx is done; see
// ctrnn.Model.GenerateContext.
func (m *Model[T]) GenerateContext(ctx context.Context, warm []T, n, W, steps int) ([]T, int, error) {
	net, err := m.Net()
	if err != nil {
		return nil, 0, err
	}
	return leaky.GenerateContext(ctx, net, warm, n, W, steps)
}

// Model[float32] trains with learn.Trainer; every Model streams, has a
// vector field and step Jacobians for analysis.
var (
	_ learn.Model       = (*Model[float32])(nil)
	_ learn.BatchMemory = (*Model[float32])(nil)
	_ learn.StepMap     = (*Model[float32])(nil)
	_ learn.Dynamics    = (*Model[float64])(nil)
)
