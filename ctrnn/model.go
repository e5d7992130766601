package ctrnn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
)

// Parameter names, as in the reference's state_dict.
const (
	NameWRec    = "cell.W_rec.weight" // H×H recurrent weights (row = post-synaptic unit)
	NameWIn     = "cell.W_in.weight"  // H×I input weights
	NameBias    = "cell.W_in.bias"    // H biases
	NameDec     = "decoder.weight"    // O×H decoder weights
	NameDecBias = "decoder.bias"      // O decoder biases
)

// Model is a CT-RNN, τ dh/dt = −h + φ(W_rec h + W_in x + b), y = D h + d,
// with its parameters. Model[float32] is what training uses (it implements
// learn.Model); Model[float64] runs gradient checks. Every Model implements
// learn.Stepper, learn.Dynamics and learn.StepMap (in float64, converting at
// the boundary) for one stream of inputs.
//
// A Model is not safe for concurrent use, except that the workers made by
// NewWorker may run concurrently while the parameters are not modified.
type Model[T asm.Float] struct {
	// Single provides Stepper, Dynamics and StepMap for one stream.
	*leaky.Single[T]
	cfg    Config
	params *learn.Params[T]
	spec   leaky.Spec
}

// New returns a model initialized as the reference: W_rec orthogonal × 0.9,
// W_in Xavier-uniform, b = 0, decoder weight and bias U(±1/√H). Each tensor
// draws from its own stream PCG(Seed, k), k = 1, 2, 4, 5.
func New[T asm.Float](c Config) (*Model[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	if c.Solver == ode.Dopri5 && c.Rtol != 0 && c.Rtol < ode.MinRtol[T]() {
		var zero T
		return nil, param.New("ctrnn", "Rtol", c.Rtol, fmt.Sprintf("at least %.3g for %T state (ode.MinRtol: below it dopri5 cannot meet the tolerance and runs into its step limit), or 0 for the default", ode.MinRtol[T](), zero))
	}
	H, I, O := c.Hidden, c.Inputs, c.Outputs
	p, err := learn.NewParams[T](
		learn.ParamSpec{Name: NameWRec, Shape: []int{H, H}},
		learn.ParamSpec{Name: NameWIn, Shape: []int{H, I}},
		learn.ParamSpec{Name: NameBias, Shape: []int{H}},
		learn.ParamSpec{Name: NameDec, Shape: []int{O, H}},
		learn.ParamSpec{Name: NameDecBias, Shape: []int{O}},
	)
	if err != nil {
		return nil, err
	}
	m := &Model[T]{cfg: c, params: p, spec: c.spec()}
	rng := func(k uint64) *rand.Rand { return rand.New(rand.NewPCG(c.Seed, k)) }
	learn.Orthogonal(p.Get(NameWRec), H, H, 0.9, rng(1))
	learn.XavierUniform(p.Get(NameWIn), I, H, 1, rng(2))
	bd := 1 / math.Sqrt(float64(H))
	learn.Uniform(p.Get(NameDec), -bd, bd, rng(4))
	learn.Uniform(p.Get(NameDecBias), -bd, bd, rng(5))
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
	if err := param.Positive("ctrnn", "SampleDt", dt); err != nil {
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

// Config returns the model's configuration (defaults filled in).
func (m *Model[T]) Config() Config { return m.cfg }

// Params returns the parameters (aliased: the optimizer updates them in
// place).
func (m *Model[T]) Params() *learn.Params[T] { return m.params }

// Spec returns the engine shape of the model.
func (m *Model[T]) Spec() leaky.Spec { return m.spec }

// Effective fills net's effective tensors from the parameters:
// Waug = [W_rec | W_in | b], Dec = [D | d]. It implements leaky.Mapping.
func (m *Model[T]) Effective(net *leaky.Net[T]) {
	c := m.cfg
	H, I, O := c.Hidden, c.Inputs, c.Outputs
	S := H + I + 1
	w, u, b := m.params.Get(NameWRec), m.params.Get(NameWIn), m.params.Get(NameBias)
	for i := 0; i < H; i++ {
		row := net.Waug[i*S : (i+1)*S]
		copy(row[:H], w[i*H:(i+1)*H])
		copy(row[H:H+I], u[i*I:(i+1)*I])
		row[H+I] = b[i]
	}
	d, db := m.params.Get(NameDec), m.params.Get(NameDecBias)
	for o := 0; o < O; o++ {
		copy(net.Dec[o*(H+1):o*(H+1)+H], d[o*H:(o+1)*H])
		net.Dec[o*(H+1)+H] = db[o]
	}
}

// Pullback writes the parameter gradient given the effective-tensor
// gradients g. It implements leaky.Mapping.
func (m *Model[T]) Pullback(grad []T, g *leaky.Grads[T]) {
	c := m.cfg
	H, I, O := c.Hidden, c.Inputs, c.Outputs
	S := H + I + 1
	p := m.params
	gw, gu, gb := p.View(grad, p.Index(NameWRec)), p.View(grad, p.Index(NameWIn)), p.View(grad, p.Index(NameBias))
	for i := 0; i < H; i++ {
		row := g.Waug[i*S : (i+1)*S]
		copy(gw[i*H:(i+1)*H], row[:H])
		copy(gu[i*I:(i+1)*I], row[H:H+I])
		gb[i] = row[H+I]
	}
	gd, gdb := p.View(grad, p.Index(NameDec)), p.View(grad, p.Index(NameDecBias))
	for o := 0; o < O; o++ {
		copy(gd[o*H:(o+1)*H], g.Dec[o*(H+1):o*(H+1)+H])
		gdb[o] = g.Dec[o*(H+1)+H]
	}
}

// Worker returns a loss/gradient worker computing gradients by BPTT, or by
// the adjoint method when the configuration asks for it.
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
		return nil, param.New("ctrnn", "Model", fmt.Sprintf("%T", m), "a float32 model to train with learn.Trainer")
	}
	return lw, nil
}

// Net returns a fresh engine network holding the current effective
// weights (for batched runs with leaky.Seq or leaky.Stream).
func (m *Model[T]) Net() (*leaky.Net[T], error) {
	net, err := leaky.NewNet[T](m.spec)
	if err != nil {
		return nil, err
	}
	m.Effective(net)
	return net, nil
}

// Forward runs n sequences x (sample-major n×L×Inputs, observed inputs)
// from the zero state and returns the output after the last step, after
// every step and, with hidden, the hidden trajectory h_0 … h_L.
func (m *Model[T]) Forward(x []T, n, L int, hidden bool) (*leaky.Output[T], error) {
	net, err := m.Net()
	if err != nil {
		return nil, err
	}
	return leaky.RunBatch(net, x, n, L, hidden)
}

// PredictLast returns the output after the last step of each sequence
// (n×Outputs): the one-step forecasts of n windows.
func (m *Model[T]) PredictLast(x []T, n, L int) ([]T, error) {
	net, err := m.Net()
	if err != nil {
		return nil, err
	}
	return leaky.PredictLast(net, x, n, L, predictBatch)
}

// Generate runs closed loop, correctly (unlike the reference's generate,
// tutorial-spec §6.2): each of the n streams warms up on its W observed
// inputs (warm: n×W×Inputs, normalized units) from the zero state, then
// feeds its output back as input with the training interval and the state
// carried over. It returns steps outputs per stream (n×steps×Outputs),
// output 0 being the prediction after the last warm-up sample.
func (m *Model[T]) Generate(warm []T, n, W, steps int) ([]T, error) {
	net, err := m.Net()
	if err != nil {
		return nil, err
	}
	return leaky.Generate(net, warm, n, W, steps)
}

// GenerateContext is Generate, stopped when ctx is done (before any step of
// the streams): it also returns the number of outputs per stream computed,
// and when stopped an error wrapping ctx.Err() with the outputs so far
// (leaky.GenerateContext). Outputs that are not stopped are Generate's,
// bit for bit.
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
