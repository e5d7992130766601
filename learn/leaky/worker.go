package leaky

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// Mapping connects a model's own parameters to the effective tensors of a
// Net: Effective fills net.Waug and net.Dec from the current parameters
// (Dale transforms, masks, bias placement); Pullback overwrites grad (the
// model's parameter layout) with the gradient given the gradients of the
// effective tensors. Both only read the model's parameters, so workers of
// one model may call them concurrently.
type Mapping[T asm.Float] interface {
	Effective(net *Net[T])
	Pullback(grad []T, g *Grads[T])
}

// Gradient selects how a Worker computes gradients.
type Gradient struct {
	// Adjoint, when non-nil, uses the continuous adjoint method with this
	// configuration instead of backpropagation through the solver steps.
	Adjoint *learn.AdjointConfig
	// CheckpointEvery is the adjoint's forward-state checkpoint spacing in
	// intervals (0: none).
	CheckpointEvery int
	// InputNoise is the standard deviation of Gaussian noise added to the
	// observed inputs of training batches (Batch with a gradient; never in
	// evaluation, never to targets or fed-back outputs). It teaches the
	// network to contract perturbations of its inputs, which its own
	// closed-loop errors are. The noise is drawn from a PCG seeded by a
	// hash of the batch's inputs, so it is deterministic and independent of
	// how batches are split over goroutines.
	InputNoise float64
}

// Worker evaluates learn.Loss objectives for a model described by a Spec
// and a Mapping: it implements learn.Worker (for T = float32) and is the
// float64 path of gradient checks. Each worker has its own Net copy and
// scratch, so workers run concurrently.
type Worker[T asm.Float] struct {
	m    Mapping[T]
	net  *Net[T]
	gcfg Gradient
	seq  *Seq[T]
	aseq *AdjointSeq[T]
	g    *Grads[T]
	dY   []T
	xn   []T
}

// NewWorker returns a worker for the network shape s.
func NewWorker[T asm.Float](s Spec, m Mapping[T], gc Gradient) (*Worker[T], error) {
	net, err := NewNet[T](s)
	if err != nil {
		return nil, err
	}
	if gc.Adjoint != nil {
		if err := gc.Adjoint.Validate(); err != nil {
			return nil, err
		}
	}
	if gc.CheckpointEvery < 0 {
		return nil, param.New("leaky", "CheckpointEvery", gc.CheckpointEvery, ">= 0")
	}
	if err := param.NonNegative("leaky", "InputNoise", gc.InputNoise); err != nil {
		return nil, err
	}
	return &Worker[T]{m: m, net: net, gcfg: gc, g: NewGrads(net)}, nil
}

// Net returns the worker's network (its effective weights are those of the
// last Batch).
func (w *Worker[T]) Net() *Net[T] { return w.net }

// PlanRun returns the run a loss makes on windows of L samples.
func PlanRun(loss learn.Loss, L int) (Run, error) {
	steps, err := loss.Steps(L)
	if err != nil {
		return Run{}, err
	}
	r := Run{Steps: steps, Feedback: steps, OutFrom: 0}
	switch loss.Kind {
	case learn.LossLast:
		r.OutFrom = steps - 1
	case learn.LossNext:
		r.OutFrom = loss.Warmup - 1
	case learn.LossClosedLoop:
		r.Feedback = loss.Warmup
		r.Forcing = loss.Forcing
		r.OutFrom = loss.Warmup - 1
		if loss.WarmupWeight != 0 {
			r.OutFrom = min(loss.WarmupFrom, loss.Warmup-1)
		}
	}
	return r, nil
}

// Batch runs the model on n sample-major sequences x (n·L·I values) with
// targets y (n·O values for last, next and closedloop; n·L·O for all),
// returns the summed weighted squared error and, when grad is non-nil,
// overwrites grad with its gradient with respect to the model's
// parameters. The target of the output after step t is, for next and
// closedloop, the input sample t+1 of the window (y after the last).
func (w *Worker[T]) Batch(grad []T, x, y []T, n int, loss learn.Loss) (learn.LossSum, error) {
	net := w.net
	I, O := net.I, net.O
	if n <= 0 || len(x) == 0 || len(x)%(n*I) != 0 {
		return learn.LossSum{}, param.New("leaky", "x", fmt.Sprintf("%d values for %d samples", len(x), n), fmt.Sprintf("a positive multiple of n·I = %d", n*I))
	}
	L := len(x) / (n * I)
	r, err := PlanRun(loss, L)
	if err != nil {
		return learn.LossSum{}, err
	}
	wantY, per := n*O, fmt.Sprintf("the model's %d outputs per sample", O)
	if loss.Kind == learn.LossAll {
		wantY, per = n*L*O, fmt.Sprintf("the model's %d outputs per step of the %d-step samples", O, L)
	}
	if len(y) != wantY {
		return learn.LossSum{}, param.New("leaky", "y", fmt.Sprintf("%d values for %d samples", len(y), n),
			fmt.Sprintf("%d values for loss %v (%s)", wantY, loss.Kind, per))
	}
	if (loss.Kind == learn.LossNext || loss.Kind == learn.LossClosedLoop) && I != O {
		return learn.LossSum{}, param.New("leaky", "loss", loss.Kind.String(), fmt.Sprintf("last or all: %v needs inputs = outputs (have %d and %d)", loss.Kind, I, O))
	}
	w.m.Effective(net)
	r.Tape = grad != nil && w.gcfg.Adjoint == nil
	xin := x
	if grad != nil && w.gcfg.InputNoise > 0 {
		xin = w.noisy(x)
	}
	var output func(t int) []T
	if w.gcfg.Adjoint != nil {
		if w.aseq == nil || w.aseq.nmax < n || w.aseq.L < r.Steps {
			if w.aseq, err = NewAdjointSeq(net, n, r.Steps, w.gcfg.CheckpointEvery, *w.gcfg.Adjoint); err != nil {
				return learn.LossSum{}, err
			}
		}
		w.aseq.SetRows(n)
		w.aseq.LoadInputs(xin, L, r.Steps)
		if err := w.aseq.Forward(r); err != nil {
			return learn.LossSum{}, err
		}
		output = w.aseq.Output
	} else {
		if w.seq == nil || w.seq.nmax < n || w.seq.L < r.Steps {
			if w.seq, err = NewSeq(net, n, r.Steps); err != nil {
				return learn.LossSum{}, err
			}
		}
		w.seq.SetRows(n)
		w.seq.LoadInputs(xin, L, r.Steps, nil)
		if err := w.seq.Forward(r); err != nil {
			return learn.LossSum{}, err
		}
		output = w.seq.Output
	}
	if grad != nil {
		if need := r.Steps * n * O; len(w.dY) < need {
			w.dY = make([]T, need)
		}
		clear(w.dY[:r.Steps*n*O])
	}
	var ls learn.LossSum
	for t := r.OutFrom; t < r.Steps; t++ {
		wt := loss.Weight(t, r.Steps)
		if wt == 0 {
			continue
		}
		out := output(t)
		for b := 0; b < n; b++ {
			var target []T
			switch {
			case loss.Kind == learn.LossAll:
				target = y[(b*L+t)*O : (b*L+t+1)*O]
			case loss.Kind == learn.LossLast || t+1 >= L:
				target = y[b*O : (b+1)*O]
			default:
				target = x[(b*L+t+1)*I : (b*L+t+2)*I]
			}
			var dy []T
			if grad != nil {
				dy = w.dY[(t*n+b)*O : (t*n+b+1)*O]
			}
			ls.Sum += learn.SquaredError(dy, out[b*O:(b+1)*O], target, wt)
		}
		ls.Count += float64(wt * float64(n*O))
	}
	if grad == nil {
		return ls, nil
	}
	w.g.Zero()
	if w.gcfg.Adjoint != nil {
		err = w.aseq.Backward(w.dY, w.g)
	} else {
		err = w.seq.Backward(w.dY, w.g)
	}
	if err != nil {
		return ls, err
	}
	w.m.Pullback(grad, w.g)
	return ls, nil
}

// noisy returns x plus Gaussian noise of standard deviation InputNoise,
// drawn from a PCG seeded by an FNV-1a hash of x's bits.
func (w *Worker[T]) noisy(x []T) []T {
	if cap(w.xn) < len(x) {
		w.xn = make([]T, len(x))
	}
	xn := w.xn[:len(x)]
	h := uint64(14695981039346656037)
	for _, v := range x {
		h ^= math.Float64bits(float64(v))
		h *= 1099511628211
	}
	r := rand.New(rand.NewPCG(h, 0x6e6f697365))
	s := w.gcfg.InputNoise
	for i, v := range x {
		xn[i] = v + T(s*detrand.NormFloat64(r))
	}
	return xn
}
