package leaky

import (
	"fmt"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/ode"
)

// Rows of n samples are stored "augmented": [h (N) | x (I) | 1], stride
// S = N+I+1, so that one GEMM with Waug = [W | U | b] gives every
// pre-activation z = W h + U x + b, and one GEMM with the stored rows gives
// the gradient of all three.

// fast reports whether the net uses the fused single-step Euler path.
func (n *Net[T]) fast() bool { return n.Method == ode.Euler && n.Substeps == 1 }

// tape records, for BPTT through the general (Runge–Kutta) path, every
// active stage of every solver step: its augmented input rows and its
// activations, plus, with dopri5, the step sizes taken in each interval
// (the fixed-step solvers take Substeps steps of Interval/Substeps).
type tape[T asm.Float] struct {
	rowsY, rowsA int // values per slot
	Y, A         []T
	slots        int
	steps        [][]float64 // dopri5's step sizes per interval
	limit        float64     // bytes the tape may take (its Forward's memory limit)
}

func (tp *tape[T]) reset(intervals, rowsY, rowsA int, limit int64) {
	tp.rowsY, tp.rowsA, tp.limit = rowsY, rowsA, float64(limit)
	tp.slots = 0
	if cap(tp.steps) < intervals {
		tp.steps = make([][]float64, intervals)
	}
	tp.steps = tp.steps[:intervals]
	for i := range tp.steps {
		tp.steps[i] = tp.steps[i][:0]
	}
}

// fits returns an error wrapping nderr.ErrMemoryExceeded if slots more slots
// would take the tape beyond tp.limit: each slot's augmented rows and
// activations, and Backward's gradient of them (a quarter more), with
// buffers grown by half again (growth 1.5) or reserved exactly (1).
func (tp *tape[T]) fits(slots int, growth float64) error {
	need := mul(float64(tp.slots+slots), mul(float64(tp.rowsY+tp.rowsA), growth)+mul(float64(tp.rowsA), 1.25), sizeOf[T]())
	if need <= tp.limit {
		return nil
	}
	return memlimit.Exceeded(fmt.Sprintf("leaky: the BPTT tape (%d solver stages of %d values: augmented rows and activations)", tp.slots+slots, tp.rowsY+tp.rowsA), need, int64(tp.limit))
}

// reserve makes room for slots slots at once (the fixed-step solvers know
// their number up front), so that the buffers do not grow by copies.
func (tp *tape[T]) reserve(slots int) {
	if need := slots * tp.rowsY; len(tp.Y) < need {
		tp.Y = make([]T, need)
	}
	if need := slots * tp.rowsA; len(tp.A) < need {
		tp.A = make([]T, need)
	}
}

// next appends a slot and returns its Y (augmented rows) and A buffers.
func (tp *tape[T]) next() (y, a []T) {
	k := tp.slots
	tp.slots++
	tp.Y = growTo(tp.Y, tp.slots*tp.rowsY)
	tp.A = growTo(tp.A, tp.slots*tp.rowsA)
	return tp.Y[k*tp.rowsY : (k+1)*tp.rowsY], tp.A[k*tp.rowsA : (k+1)*tp.rowsA]
}

// growTo returns s with at least need elements, keeping its contents.
func growTo[T asm.Float](s []T, need int) []T {
	if need <= len(s) {
		return s
	}
	t := make([]T, need+need/2)
	copy(t, s)
	return t
}

// core is the scratch memory to advance n rows by one sample interval.
type core[T asm.Float] struct {
	net   *Net[T]
	n     int
	hc    []T   // contiguous state n×N
	yc    []T   // contiguous stage argument n×N
	k     [][]T // stage derivatives, one n×N block per tableau stage
	aug   []T   // stage rows n×S when there is no tape
	a     []T   // activations n×N when there is no tape
	xc    []T   // contiguous inputs n×I (dopri5's vector field)
	dp    *ode.Dopri5Solver[T]
	f     ode.Func[T]
	field *field[T]
	useT  bool // preact may use net.waugT (the caller refreshed it)
}

func newCore[T asm.Float](net *Net[T], n int) *core[T] {
	N, S := net.N, net.Stride()
	c := &core[T]{net: net, n: n}
	c.hc = make([]T, n*N)
	c.yc = make([]T, n*N)
	c.k = make([][]T, len(net.tab.C))
	for i := range c.k {
		c.k[i] = make([]T, n*N)
	}
	c.aug = make([]T, n*S)
	c.a = make([]T, n*N)
	c.xc = make([]T, n*net.I)
	return c
}

// preact writes the pre-activations z = [h | x | 1]·Waugᵀ of the n
// augmented rows into z (n×N): through the transposed copy WaugT (whose
// rows the GEMM packs by plain copies) when useT is set, else through Waug.
func (c *core[T]) preact(z, rows []T) {
	net := c.net
	N, S, n := net.N, net.Stride(), c.n
	if c.useT {
		asm.Gemm(false, false, n, N, S, 1, rows, S, net.waugT, N, 0, z, N)
		return
	}
	asm.Gemm(false, true, n, N, S, 1, rows, S, net.Waug, S, 0, z, N)
}

// setRows changes the number of rows (at most the allocated number).
func (c *core[T]) setRows(n int) {
	if n != c.n && c.dp != nil {
		c.dp, c.field = nil, nil
	}
	c.n = n
	N, S := c.net.N, c.net.Stride()
	c.hc, c.yc, c.a = c.hc[:n*N], c.yc[:n*N], c.a[:n*N]
	for i := range c.k {
		c.k[i] = c.k[i][:n*N]
	}
	c.aug, c.xc = c.aug[:n*S], c.xc[:n*c.net.I]
}

// gatherState copies the state parts of augmented rows into dst (n×N).
func gatherState[T asm.Float](dst, rows []T, n, N, S int) {
	for b := 0; b < n; b++ {
		copy(dst[b*N:(b+1)*N], rows[b*S:b*S+N])
	}
}

// scatterState copies src (n×N) into the state parts of augmented rows.
func scatterState[T asm.Float](rows, src []T, n, N, S int) {
	for b := 0; b < n; b++ {
		copy(rows[b*S:b*S+N], src[b*N:(b+1)*N])
	}
}

// interval advances the n augmented rows hin by one sample interval and
// writes the new state into the state parts of hout (its input parts are
// left alone). With tp non-nil the general path records its stages; the
// fast path records its activations in aFast (n×N) when non-nil.
func (c *core[T]) interval(hin, hout []T, tp *tape[T], t int, aFast []T) error {
	net := c.net
	N, S, n := net.N, net.Stride(), c.n
	if net.fast() {
		a := aFast
		if a == nil {
			a = c.a
		}
		c.preact(a, hin)
		for b := 0; b < n; b++ {
			copy(hout[b*S:b*S+N], hin[b*S:b*S+N])
		}
		net.stepRows(hout, S, a, a, n, net.Interval)
		return nil
	}
	gatherState(c.hc, hin, n, N, S)
	if net.Method.Adaptive() {
		// Only a tape needs the accepted step sizes (to replay them).
		var rec *[]float64
		if tp != nil {
			rec = &tp.steps[t]
		}
		if err := c.adaptiveSteps(hin, rec); err != nil {
			return err
		}
		if tp == nil {
			// The solver's own solution is the result.
			scatterState(hout, c.dp.Y(), n, N, S)
			return nil
		}
		if err := tp.fits(len(tp.steps[t])*len(net.active), 1.5); err != nil {
			return err
		}
		for _, h := range tp.steps[t] {
			c.rkStep(hin, h, tp)
		}
	} else {
		// Substeps equal steps, taken without a list of them: memory does
		// not grow with Substeps (Backward retakes the same size).
		h := net.fixedStep()
		for range net.Substeps {
			c.rkStep(hin, h, tp)
		}
	}
	scatterState(hout, c.hc, n, N, S)
	return nil
}

// fixedStep is the step size of the fixed-step solvers, Interval/Substeps.
func (n *Net[T]) fixedStep() float64 { return n.Interval / float64(n.Substeps) }

// rkStep advances c.hc by one explicit Runge–Kutta step of size h, with the
// inputs of the augmented rows hin, recording every active stage in tp.
func (c *core[T]) rkStep(hin []T, h float64, tp *tape[T]) {
	net := c.net
	tab := &net.tab
	N, S, I, n := net.N, net.Stride(), net.I, c.n
	for _, i := range net.active {
		// Stage argument Y_i = h + dt·Σ_j a_ij k_j.
		copy(c.yc, c.hc)
		for j, aij := range tab.A[i] {
			if aij != 0 {
				asm.Axpy(T(h*aij), c.k[j], c.yc)
			}
		}
		yaug, a := c.aug, c.a
		if tp != nil {
			yaug, a = tp.next()
		}
		for b := 0; b < n; b++ {
			copy(yaug[b*S:b*S+N], c.yc[b*N:(b+1)*N])
			copy(yaug[b*S+N:(b+1)*S], hin[b*S+N:b*S+N+I+1])
		}
		c.preact(a, yaug)
		// k_i = (φ(z) − Y_i)/τ through the fused step with dt = 1.
		ki := c.k[i]
		copy(ki, c.yc)
		net.stepRows(ki, N, a, a, n, 1)
		asm.Axpy(-1, c.yc, ki)
	}
	for _, i := range net.active {
		if b := tab.B[i]; b != 0 {
			asm.Axpy(T(h*b), c.k[i], c.hc)
		}
	}
}

// adaptiveSteps integrates the interval with dopri5 from the state in c.hc,
// appends the accepted step sizes to *rec (emptied first) unless rec is
// nil, and leaves the solution in c.dp.Y().
func (c *core[T]) adaptiveSteps(hin []T, rec *[]float64) error {
	net := c.net
	N, S, I, n := net.N, net.Stride(), net.I, c.n
	if c.dp == nil {
		dp, err := ode.NewDopri5[T](n*N, ode.Options{Rtol: net.Rtol, Atol: net.Atol})
		if err != nil {
			return err
		}
		c.dp = dp
		c.field = newField(net, n)
		c.f = func(_ float64, y, dydt []T) { c.field.Eval(dydt, y, c.xc, n) }
	}
	for b := 0; b < n; b++ {
		copy(c.xc[b*I:(b+1)*I], hin[b*S+N:b*S+N+I])
	}
	if err := c.dp.Init(c.f, 0, c.hc, net.Interval); err != nil {
		return fmt.Errorf("leaky: dopri5: %w", err)
	}
	if rec != nil {
		*rec = (*rec)[:0]
	}
	for !c.dp.Done() {
		if err := c.dp.Step(); err != nil {
			return fmt.Errorf("leaky: dopri5: %w", err)
		}
		if rec != nil {
			_, h := c.dp.LastStep()
			*rec = append(*rec, h)
		}
	}
	return nil
}

// decode writes y = D h[0:R] + d for the n augmented rows into out (n×O).
func (n *Net[T]) decode(out, rows []T, rows_ int) {
	O, R, S := n.O, n.R, n.Stride()
	asm.Gemm(false, true, rows_, O, R, 1, rows, S, n.Dec, R+1, 0, out, O)
	for b := 0; b < rows_; b++ {
		for o := 0; o < O; o++ {
			out[b*O+o] += n.Dec[o*(R+1)+R]
		}
	}
}
