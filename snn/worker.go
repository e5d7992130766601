package snn

import (
	"fmt"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
)

// Worker evaluates learn.Loss objectives of a Model by running its network
// on batches and backpropagating through time with the surrogate spike
// derivative. It implements learn.Worker for T = float32 and is the float64
// path of gradient checks. Each worker has its own copy of the effective
// weights and its own tape, so workers of one model run concurrently while
// the parameters are not modified.
type Worker[T asm.Float] struct {
	m  *Model[T]
	e  *net[T]
	q  *seq[T]
	g  *netGrad[T]
	dY []T
}

// Worker returns a loss and gradient worker.
func (m *Model[T]) Worker() (*Worker[T], error) {
	e := newNet[T](m.cfg)
	return &Worker[T]{m: m, e: e, g: newNetGrad(e)}, nil
}

// ensure makes the runs hold n sequences of steps samples (with a tape when
// asked).
func (w *Worker[T]) ensure(n, steps int, tape bool) {
	if w.q == nil || w.q.nmax < n || w.q.smax < steps || (tape && len(w.q.lists) == 0) {
		nm, sm := n, steps
		if w.q != nil {
			nm, sm = max(nm, w.q.nmax), max(sm, w.q.smax)
			tape = tape || len(w.q.lists) > 0
		}
		w.q = newSeq(w.e, nm, sm, tape)
	}
	w.q.setRows(n)
}

// Batch runs the model on n sample-major sequences x (n·L·Inputs values)
// with targets y (n·Outputs values for last, next and closedloop; n·L·Outputs
// for all), returns the summed weighted squared error and, when grad is
// non-nil, overwrites grad with its gradient with respect to the model's
// parameters (frozen tensors and masks get 0). Each sequence starts from the
// zero state; sample j is held for SubSteps steps and the output after it
// predicts sample j+1 (the target after the last sample).
func (w *Worker[T]) Batch(grad []T, x, y []T, n int, loss learn.Loss) (learn.LossSum, error) {
	e := w.e
	I, O := e.I, e.O
	if n <= 0 || len(x) == 0 || len(x)%(n*I) != 0 {
		return learn.LossSum{}, param.New(pkg, "x", fmt.Sprintf("%d values for %d samples", len(x), n), fmt.Sprintf("a positive multiple of n·Inputs = %d", n*I))
	}
	L := len(x) / (n * I)
	r, err := leaky.PlanRun(loss, L)
	if err != nil {
		return learn.LossSum{}, err
	}
	wantY := n * O
	if loss.Kind == learn.LossAll {
		wantY = n * L * O
	}
	if len(y) != wantY {
		return learn.LossSum{}, param.New(pkg, "y", fmt.Sprintf("%d values", len(y)), fmt.Sprintf("%d values for loss %v", wantY, loss.Kind))
	}
	if (loss.Kind == learn.LossNext || loss.Kind == learn.LossClosedLoop) && I != O {
		return learn.LossSum{}, param.New(pkg, "loss", loss.Kind.String(), fmt.Sprintf("last or all: %v needs Inputs = Outputs (have %d and %d)", loss.Kind, I, O))
	}
	if grad != nil && len(grad) != w.m.params.Len() {
		return learn.LossSum{}, param.New(pkg, "grad", len(grad), fmt.Sprintf("the parameter count %d", w.m.params.Len()))
	}
	w.m.effective(e)
	w.ensure(n, r.Steps, grad != nil)
	q := w.q
	q.load(x, L, r.Steps)
	q.forward(r, grad != nil)
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
		out := q.output(t)
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
	w.g.zero()
	q.backward(w.dY[:r.Steps*n*O], w.g)
	w.m.pullback(grad, w.g)
	return ls, nil
}
