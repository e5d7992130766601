package learn

// pass runs a model's workers over a whole Source, chunk by chunk: the one
// mechanism behind Evaluate (the loss) and full-batch L-BFGS (the loss and
// its gradient).
type pass struct {
	workers []Worker
	x, y    [][]float32 // per worker: a chunk's inputs and targets
	g       [][]float32 // per worker: a chunk's gradient (nil: the loss only)
	sums    []LossSum
	errs    []error
}

// newPass prepares workers for chunks of batch samples of is inputs and ts
// targets; nparams > 0 gives each worker a gradient of that length.
func newPass(workers []Worker, batch, is, ts, nparams int) *pass {
	w := len(workers)
	p := &pass{workers: workers, x: make([][]float32, w), y: make([][]float32, w),
		sums: make([]LossSum, w), errs: make([]error, w)}
	if nparams > 0 {
		p.g = make([][]float32, w)
	}
	for k := range workers {
		p.x[k], p.y[k] = make([]float32, batch*is), make([]float32, batch*ts)
		if p.g != nil {
			p.g[k] = make([]float32, nparams)
		}
	}
	return p
}

// run returns the summed loss of kind loss over all of src in chunks of
// batch samples, one chunk per worker at a time on at most maxParallel
// goroutines (0 → GOMAXPROCS); a gradient pass also adds the chunks'
// gradients to gsum. Chunks are added in chunk order, so the result depends
// on neither the number of workers nor maxParallel.
func (p *pass) run(src Source, loss Loss, batch, maxParallel int, gsum []float64) (LossSum, error) {
	is, ts := src.InputSize(), src.TargetSize()
	n := src.Len()
	nb := (n + batch - 1) / batch
	w := len(p.workers)
	var total LossSum
	for r := 0; r < nb; r += w {
		m := min(w, nb-r)
		runShards(m, maxParallel, func(k int) {
			lo := (r + k) * batch
			cnt := min(batch, n-lo)
			for i := 0; i < cnt; i++ {
				src.Fill(lo+i, p.x[k][i*is:(i+1)*is], p.y[k][i*ts:(i+1)*ts])
			}
			var g []float32
			if p.g != nil {
				g = p.g[k]
			}
			p.sums[k], p.errs[k] = p.workers[k].Batch(g, p.x[k][:cnt*is], p.y[k][:cnt*ts], cnt, loss)
		})
		for k := 0; k < m; k++ {
			if p.errs[k] != nil {
				return LossSum{}, p.errs[k]
			}
			total = total.Add(p.sums[k])
			if p.g != nil {
				for i, v := range p.g[k] {
					gsum[i] += float64(v)
				}
			}
		}
	}
	return total, nil
}
