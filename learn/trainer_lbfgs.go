package learn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/neurodyn/neurodyn/asm"
)

// lbfgsEpoch runs epoch e (0-based) of full-batch L-BFGS: LBFGS.Iterations
// iterations from the current parameters with an empty memory. converged
// reports an epoch that could not decrease the loss.
func (t *Trainer) lbfgsEpoch(ctx context.Context, src Source, e int) (rec EpochRecord, converged bool, err error) {
	c := &t.cfg
	t0 := time.Now()
	loss := c.lossAt(e)
	rec = EpochRecord{Epoch: e + 1}
	if loss.Kind == LossClosedLoop {
		rec.Horizon = loss.Horizon
	}
	p := t.params.Flat()
	f := func(x, g []float64) (float64, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		// The iterate is rounded to the float32 parameters it stands for.
		for i, v := range x {
			p[i] = float32(v)
			x[i] = float64(p[i])
		}
		return t.fullGradient(src, loss, g)
	}
	if t.lb == nil {
		t.lb = newLBFGS(c.lbfgs(), len(p))
	}
	x := make([]float64, len(p))
	for i, v := range p {
		x[i] = float64(v)
	}
	fx, progress, err := t.lb.run(f, x)
	for i, v := range x { // the accepted iterate, not the last trial point
		p[i] = float32(v)
	}
	if err != nil {
		if errors.Is(err, errNonFiniteStart) {
			return rec, false, fmt.Errorf("%w: full-batch loss at the start of epoch %d", ErrNonFinite, e+1)
		}
		return rec, false, fmt.Errorf("learn: epoch %d (L-BFGS): %w", e+1, err)
	}
	rec.TrainLoss = fx
	rec.GradNorm = math.Sqrt(asm.Dot(t.lb.g, t.lb.g))
	rec.Seconds = time.Since(t0).Seconds()
	return rec, !progress, nil
}

// fullGradient returns the mean loss of kind loss over all of src and
// writes its gradient to g: a gradient pass with Workers workers
// (0: GOMAXPROCS) over chunks of BatchSize samples, added in chunk order so
// that the result does not depend on the number of workers. A non-finite
// loss or gradient returns +Inf (the line search then backs off); frozen
// tensors get a zero gradient.
func (t *Trainer) fullGradient(src Source, loss Loss, g []float64) (float64, error) {
	c := &t.cfg
	if t.full == nil {
		w := c.Workers
		if w <= 0 {
			w = runtime.GOMAXPROCS(0)
		}
		ws := make([]Worker, w)
		for k := range ws {
			var err error
			if ws[k], err = t.model.NewWorker(); err != nil {
				return 0, err
			}
		}
		t.full = newPass(ws, min(c.BatchSize, src.Len()), src.InputSize(), src.TargetSize(), t.params.Len())
	}
	clear(g)
	total, err := t.full.run(src, loss, min(c.BatchSize, src.Len()), len(t.full.workers), g)
	if err != nil {
		return 0, err
	}
	v := total.Mean()
	if total.Count > 0 {
		asm.Scal(1/total.Count, g)
	}
	for i, fz := range t.frozen {
		if fz {
			g[i] = 0
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || !allFinite(g) {
		return math.Inf(1), nil
	}
	return v, nil
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
