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
		t.lb = newLBFGS(c.lbfgs(), nil, len(p))
	}
	t.lb.f = f
	x := make([]float64, len(p))
	for i, v := range p {
		x[i] = float64(v)
	}
	fx, progress, err := t.lb.run(x)
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
// writes its gradient to g. Chunks of BatchSize samples are computed by the
// workers (at most Workers at once) and added in chunk order, so the result
// depends on neither. A non-finite loss or gradient returns +Inf (the line
// search then backs off); frozen tensors get a zero gradient.
func (t *Trainer) fullGradient(src Source, loss Loss, g []float64) (float64, error) {
	c := &t.cfg
	is, ts := src.InputSize(), src.TargetSize()
	b := c.BatchSize
	if t.lbw == nil {
		if err := t.lbfgsWorkers(b*is, b*ts); err != nil {
			return 0, err
		}
	}
	w := len(t.lbw)
	for i := range g {
		g[i] = 0
	}
	n := src.Len()
	nb := (n + b - 1) / b
	var total LossSum
	for r := 0; r < nb; r += w {
		m := min(w, nb-r)
		runShards(m, w, func(k int) {
			lo := (r + k) * b
			cnt := min(b, n-lo)
			for i := 0; i < cnt; i++ {
				src.Fill(lo+i, t.lbx[k][i*is:(i+1)*is], t.lby[k][i*ts:(i+1)*ts])
			}
			t.lbs[k], t.lbe[k] = t.lbw[k].Batch(t.lbg[k], t.lbx[k][:cnt*is], t.lby[k][:cnt*ts], cnt, loss)
		})
		for k := 0; k < m; k++ {
			if t.lbe[k] != nil {
				return 0, t.lbe[k]
			}
			total = total.Add(t.lbs[k])
			for i, v := range t.lbg[k] {
				g[i] += float64(v)
			}
		}
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

// lbfgsWorkers creates the workers of the full-batch loss: Workers of them
// (0: GOMAXPROCS), each with its chunk buffers of xn inputs and yn targets.
func (t *Trainer) lbfgsWorkers(xn, yn int) error {
	w := t.cfg.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	t.lbw = make([]Worker, w)
	t.lbx, t.lby, t.lbg = make([][]float32, w), make([][]float32, w), make([][]float32, w)
	t.lbs, t.lbe = make([]LossSum, w), make([]error, w)
	for k := range t.lbw {
		var err error
		if t.lbw[k], err = t.model.NewWorker(); err != nil {
			return err
		}
		t.lbx[k], t.lby[k] = make([]float32, xn), make([]float32, yn)
		t.lbg[k] = make([]float32, t.params.Len())
	}
	return nil
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
