package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurodyn/neurodyn/internal/detlinalg"
	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
)

// Kind classifies an equilibrium of a flow by the eigenvalues of its
// Jacobian (continuous time: stability is the sign of the real parts).
type Kind int

// The kinds of equilibria. An eigenvalue is unstable if Re λ > tol,
// stable if Re λ < −tol, and marginal otherwise; oscillatory means some
// |Im λ| > tol.
const (
	// StableNode: every eigenvalue stable, all real.
	StableNode Kind = iota
	// StableSpiral: every eigenvalue stable, some complex.
	StableSpiral
	// Saddle: stable and unstable eigenvalues, none marginal; its number
	// of unstable modes is FixedPoint.Unstable.
	Saddle
	// UnstableNode: every eigenvalue unstable, all real.
	UnstableNode
	// UnstableSpiral: every eigenvalue unstable, some complex.
	UnstableSpiral
	// Center: some eigenvalue marginal (non-hyperbolic point: a centre,
	// or a line of equilibria, or a bifurcation).
	Center
)

var kindNames = [...]string{"stable node", "stable spiral", "saddle", "unstable node", "unstable spiral", "center"}

// String returns the kind's name ("stable node", "saddle", …).
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Stable reports whether k is a stable node or spiral.
func (k Kind) Stable() bool { return k == StableNode || k == StableSpiral }

// Classify returns the kind of an equilibrium with the given Jacobian
// eigenvalues and its number of unstable modes (Re λ > tol).
func Classify(eig []complex128, tol float64) (Kind, int) {
	var unstable, stable, marginal int
	osc := false
	for _, l := range eig {
		switch re := real(l); {
		case re > tol:
			unstable++
		case re < -tol:
			stable++
		default:
			marginal++
		}
		if math.Abs(imag(l)) > tol {
			osc = true
		}
	}
	switch {
	case marginal > 0:
		return Center, unstable
	case unstable == 0 && osc:
		return StableSpiral, 0
	case unstable == 0:
		return StableNode, 0
	case stable == 0 && osc:
		return UnstableSpiral, unstable
	case stable == 0:
		return UnstableNode, unstable
	default:
		return Saddle, unstable
	}
}

// FixedPointConfig configures FixedPoints. The zero value means the
// defaults given with each field. Scale below is the RMS distance of the
// visited states from their mean.
type FixedPointConfig struct {
	// Starts is the number of minimisations (0 → 256). Start k is the
	// visited state with a seeded random index, plus Gaussian noise.
	Starts int
	// Noise is the standard deviation of the noise added to each
	// coordinate of a start (0 → 0.1·Scale/√StateDim; < 0 → none).
	Noise float64
	// Seed drives the choice of starts and the noise (0 → 1).
	Seed uint64
	// MaxIter bounds the L-BFGS iterations per start (0 → 2000).
	MaxIter int
	// NewtonIter bounds the Newton refinement steps (0 → 30).
	NewtonIter int
	// FixedTol is the speed ‖F(h)‖ at or below which a point is a fixed
	// point (0 → 1e-6: a float32 model evaluates F with rounding errors of
	// about 1e-8 relative, so its equilibria cannot be resolved much
	// further; float64 systems reach ~1e-15 after Newton refinement).
	FixedTol float64
	// SlowSpeed is the largest speed a minimum of q may have to be tested
	// as a slow point (0 → 0.1).
	SlowSpeed float64
	// SlowSteps, SlowDt and SlowDrift define a slow point: starting at the
	// point with the input held, the flow is integrated over SlowSteps
	// steps of SlowDt model time units (classic RK4, 10 substeps per step)
	// and the decoded output may move by at most SlowDrift in any
	// component at any step (0 → 100 steps, 1 time unit, 0.1).
	SlowSteps int
	SlowDt    float64
	SlowDrift float64
	// DedupTol merges fixed points closer than this (Euclidean, 0 →
	// 1e-4·Scale); SlowDedupTol merges slow points (0 → 0.05·Scale).
	DedupTol, SlowDedupTol float64
	// EigTol is the tolerance on real and imaginary parts used by Classify
	// (0 → 1e-7).
	EigTol float64
}

// FixedPoint is one equilibrium or slow point found by FixedPoints.
type FixedPoint struct {
	// H is the state; Output its decoded output.
	H, Output []float64
	// Speed is ‖F(H)‖ and Q = ½·Speed².
	Speed, Q float64
	// Slow is true for a slow point (Speed > FixedTol, small drift) and
	// false for a fixed point.
	Slow bool
	// Drift is the largest change of any output component over the slow
	// test (computed for every point).
	Drift float64
	// Eigenvalues of the Jacobian at H, by decreasing real part (ties by
	// imaginary part).
	Eigenvalues []complex128
	// UnstableModes holds the unit eigenvectors (real parts, normalized)
	// of the eigenvalues with Re λ > EigTol, in the order of Eigenvalues;
	// each complex eigenvector is scaled so that its largest component is
	// real and positive before its real part is taken.
	UnstableModes [][]float64
	// Kind and Unstable classify the point (Classify with EigTol).
	Kind     Kind
	Unstable int
	// Starts counts the minimisations that ended at this point.
	Starts int
}

// FixedPointResult is the result of FixedPoints.
type FixedPointResult struct {
	// Points are the distinct fixed points, then the slow points; each
	// group sorted by number of unstable modes, then by decoded output
	// and state (lexicographically).
	Points []FixedPoint
	// Rejected counts starts that ended neither at a fixed point nor at
	// a slow point.
	Rejected int
	// Scale is the RMS distance of the visited states from their mean.
	Scale float64
}

// Fixed returns the fixed points (not the slow points).
func (r *FixedPointResult) Fixed() []FixedPoint {
	var out []FixedPoint
	for _, p := range r.Points {
		if !p.Slow {
			out = append(out, p)
		}
	}
	return out
}

// FixedPoints finds the fixed points and slow points of the dynamics
// dh/dt = F(h, x) of d held at the constant input x (length InputDim).
// visited (row-major, StateDim per row) holds states the system visits, for
// example hidden states recorded while it runs a task; starts are drawn
// from them (seeded) with added noise.
//
// From each start, q(h) = ½‖F(h)‖² is minimised by L-BFGS (15 correction
// pairs, Armijo backtracking) with the analytic gradient ∇q = JᵀF (J =
// ∂F/∂h from d.Jacobian), then refined by Newton steps J·δ = −F (solved by
// Householder QR, accepted only while q decreases). An end point with
// ‖F‖ ≤ FixedTol is a fixed point. An end point with ‖F‖ ≤ SlowSpeed is a
// slow point if its decoded output drifts by less than SlowDrift over
// SlowSteps steps of the flow (see FixedPointConfig); other end points are
// rejected. Points closer than DedupTol (SlowDedupTol for slow points) are
// merged, keeping the slowest. Each point's Jacobian eigenvalues (Hessenberg
// reduction and Francis QR) classify it (Classify), and inverse iteration
// gives the eigenvectors of its unstable modes.
//
// The result is deterministic for a given Seed, and has the same bits on
// every kernel path and architecture (the default build, -tags noasm, 386,
// arm64) when d's VectorField and Jacobian do: the optimizer, the solves
// and the eigenvalues are internal/detlinalg's and this package's loops,
// not gonum's.
func FixedPoints(d learn.Dynamics, x, visited []float64, c FixedPointConfig) (*FixedPointResult, error) {
	return FixedPointsContext(context.Background(), d, x, visited, c)
}

// FixedPointsContext is FixedPoints, stopped when ctx is done: it looks at
// ctx before every start, every L-BFGS and Newton iteration and every
// point's eigenvalues, and then returns an error wrapping ctx.Err() (and
// no result). Results that are not stopped are FixedPoints', bit for bit.
func FixedPointsContext(ctx context.Context, d learn.Dynamics, x, visited []float64, c FixedPointConfig) (*FixedPointResult, error) {
	n := d.StateDim()
	if len(x) != d.InputDim() {
		return nil, param.New("analysis", "input", fmt.Sprintf("length %d", len(x)), fmt.Sprintf("length InputDim = %d", d.InputDim()))
	}
	nv, err := checkSeries("visited", visited, n)
	if err != nil {
		return nil, err
	}
	if c.Starts == 0 {
		c.Starts = 256
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.MaxIter == 0 {
		c.MaxIter = 2000
	}
	if c.NewtonIter == 0 {
		c.NewtonIter = 30
	}
	if c.FixedTol == 0 {
		c.FixedTol = 1e-6
	}
	if c.SlowSpeed == 0 {
		c.SlowSpeed = 0.1
	}
	if c.SlowSteps == 0 {
		c.SlowSteps = 100
	}
	if c.SlowDt == 0 {
		c.SlowDt = 1
	}
	if c.SlowDrift == 0 {
		c.SlowDrift = 0.1
	}
	if c.EigTol == 0 {
		c.EigTol = 1e-7
	}
	if err := param.First(
		param.PositiveInt("analysis", "Starts", c.Starts),
		param.PositiveInt("analysis", "MaxIter", c.MaxIter),
		param.PositiveInt("analysis", "NewtonIter", c.NewtonIter),
		param.PositiveInt("analysis", "SlowSteps", c.SlowSteps),
		param.Positive("analysis", "FixedTol", c.FixedTol),
		param.Positive("analysis", "SlowSpeed", c.SlowSpeed),
		param.Positive("analysis", "SlowDt", c.SlowDt),
		param.Positive("analysis", "SlowDrift", c.SlowDrift),
		param.Positive("analysis", "EigTol", c.EigTol),
		param.NonNegative("analysis", "DedupTol", c.DedupTol),
		param.NonNegative("analysis", "SlowDedupTol", c.SlowDedupTol),
		param.Finite("analysis", "Noise", c.Noise),
	); err != nil {
		return nil, err
	}
	if c.SlowSpeed < c.FixedTol {
		return nil, param.New("analysis", "SlowSpeed", c.SlowSpeed, fmt.Sprintf(">= FixedTol = %g", c.FixedTol))
	}
	if err := checkVector("input", x, len(x)); err != nil {
		return nil, err
	}
	// Scale of the visited cloud.
	mean := make([]float64, n)
	for i := 0; i < nv; i++ {
		for j := 0; j < n; j++ {
			mean[j] += visited[i*n+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(nv)
	}
	var ss float64
	for i := 0; i < nv; i++ {
		for j := 0; j < n; j++ {
			e := visited[i*n+j] - mean[j]
			ss += float64(e * e)
		}
	}
	scale := math.Sqrt(ss / float64(nv))
	if !(scale > 0) {
		scale = 1
	}
	noise := c.Noise
	if noise == 0 {
		noise = 0.1 * scale / math.Sqrt(float64(n))
	} else if noise < 0 {
		noise = 0
	}
	if c.DedupTol == 0 {
		c.DedupTol = 1e-4 * scale
	}
	if c.SlowDedupTol == 0 {
		c.SlowDedupTol = 0.05 * scale
	}

	fp := newFPWork(d, x)
	fp.stop = func() bool { return ctx.Err() != nil }
	rng := rand.New(rand.NewPCG(c.Seed, 0x2545f4914f6cdd1d))
	res := &FixedPointResult{Scale: scale}
	var cands []FixedPoint
	h0 := make([]float64, n)
	for s := 0; s < c.Starts; s++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("analysis: FixedPoints stopped after %d of %d starts: %w", s, c.Starts, err)
		}
		k := rng.IntN(nv)
		for j := range h0 {
			h0[j] = visited[k*n+j] + float64(noise*detrand.NormFloat64(rng))
		}
		h := fp.minimise(h0, c)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("analysis: FixedPoints stopped in start %d of %d: %w", s+1, c.Starts, err)
		}
		speed := fp.speed(h)
		if math.IsNaN(speed) || speed > c.SlowSpeed {
			res.Rejected++
			continue
		}
		p := FixedPoint{H: h, Speed: speed, Q: 0.5 * speed * speed, Slow: speed > c.FixedTol, Starts: 1}
		p.Drift = fp.drift(h, c)
		if p.Slow && !(p.Drift < c.SlowDrift) {
			res.Rejected++
			continue
		}
		cands = append(cands, p)
	}
	// Deduplicate: slowest first, then by state for determinism.
	slices.SortStableFunc(cands, func(a, b FixedPoint) int {
		if c := cmp.Compare(a.Speed, b.Speed); c != 0 {
			return c
		}
		return slices.Compare(a.H, b.H)
	})
	var kept []FixedPoint
	for _, p := range cands {
		merged := false
		for i := range kept {
			tol := c.DedupTol
			if p.Slow || kept[i].Slow {
				tol = math.Max(tol, c.SlowDedupTol)
			}
			if dist(p.H, kept[i].H) <= tol {
				kept[i].Starts++
				merged = true
				break
			}
		}
		if !merged {
			kept = append(kept, p)
		}
	}
	for i := range kept {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("analysis: FixedPoints stopped after describing %d of %d points: %w", i, len(kept), err)
		}
		if err := fp.describe(&kept[i], c.EigTol); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(kept, func(a, b FixedPoint) int {
		if a.Slow != b.Slow {
			if a.Slow {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.Unstable, b.Unstable); c != 0 {
			return c
		}
		if c := slices.Compare(a.Output, b.Output); c != 0 {
			return c
		}
		return slices.Compare(a.H, b.H)
	})
	res.Points = kept
	return res, nil
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		e := a[i] - b[i]
		s += float64(e * e)
	}
	return math.Sqrt(s)
}

// fpWork holds the buffers of one fixed-point search.
type fpWork struct {
	d      learn.Dynamics
	x      []float64
	n      int
	f, jac []float64
	// stop reports whether the search was cancelled (nil: never).
	stop func() bool
}

func newFPWork(d learn.Dynamics, x []float64) *fpWork {
	n := d.StateDim()
	return &fpWork{d: d, x: x, n: n, f: make([]float64, n), jac: make([]float64, n*n)}
}

// speed returns ‖F(h)‖.
func (w *fpWork) speed(h []float64) float64 {
	w.d.VectorField(w.f, h, w.x)
	var s float64
	for _, v := range w.f {
		s += float64(v * v)
	}
	return math.Sqrt(s)
}

// minimise runs L-BFGS on q from h0, then Newton refinement; it returns
// the end point.
func (w *fpWork) minimise(h0 []float64, c FixedPointConfig) []float64 {
	n := w.n
	f := make([]float64, n)
	jac := make([]float64, n*n)
	qOf := func(h []float64) float64 {
		w.d.VectorField(f, h, w.x)
		var s float64
		for _, v := range f {
			s += float64(v * v)
		}
		return 0.5 * s
	}
	gradOf := func(grad, h []float64) {
		w.d.VectorField(f, h, w.x)
		w.d.Jacobian(jac, h, w.x)
		for j := range grad {
			grad[j] = 0
		}
		for i := 0; i < n; i++ {
			fi := f[i]
			row := jac[i*n : (i+1)*n]
			for j, v := range row {
				grad[j] += float64(v * fi)
			}
		}
	}
	h := lbfgsMinimise(qOf, gradOf, h0, lbfgsSettings{maxIter: c.MaxIter, gradTol: 1e-14, absTol: 1e-24, relTol: 1e-9, stall: 20, stop: w.stop})
	if !allFinite(h) || !(qOf(h) <= qOf(h0)) {
		h = append(h[:0], h0...)
	}
	// Newton refinement with backtracking on q.
	q := qOf(h)
	trial := make([]float64, n)
	for it := 0; it < c.NewtonIter && q > 0; it++ {
		if w.stop != nil && w.stop() {
			break
		}
		w.d.VectorField(f, h, w.x)
		w.d.Jacobian(jac, h, w.x)
		delta := newtonStep(jac, f, n)
		if delta == nil {
			break
		}
		improved := false
		for step := 1.0; step >= 1.0/64; step /= 2 {
			for i := range trial {
				trial[i] = h[i] + float64(step*delta[i])
			}
			if qt := qOf(trial); qt < q {
				copy(h, trial)
				q = qt
				improved = true
				break
			}
		}
		if !improved {
			break
		}
	}
	return h
}

// drift integrates the flow from h for c.SlowSteps steps of c.SlowDt
// (RK4, 10 substeps each) and returns the largest change of any decoded
// output component from its value at h.
func (w *fpWork) drift(h []float64, c FixedPointConfig) float64 {
	out := w.d.OutputDim()
	y0 := make([]float64, out)
	y := make([]float64, out)
	w.d.Decode(y0, h)
	s, err := ode.NewFixed[float64](ode.RK4, w.n)
	if err != nil {
		return math.Inf(1)
	}
	state := append([]float64(nil), h...)
	fn := func(_ float64, hh, dh []float64) { w.d.VectorField(dh, hh, w.x) }
	var maxDrift float64
	for k := 0; k < c.SlowSteps; k++ {
		if err := s.Integrate(fn, 0, c.SlowDt, 10, state); err != nil {
			return math.Inf(1)
		}
		w.d.Decode(y, state)
		for i := range y {
			maxDrift = math.Max(maxDrift, math.Abs(y[i]-y0[i]))
		}
	}
	return maxDrift
}

// describe fills the output, eigenvalues, unstable modes and kind of p.
func (w *fpWork) describe(p *FixedPoint, tol float64) error {
	n := w.n
	p.Output = make([]float64, w.d.OutputDim())
	w.d.Decode(p.Output, p.H)
	w.d.Jacobian(w.jac, p.H, w.x)
	re, im, err := detlinalg.Eigenvalues(w.jac, n)
	if err != nil {
		return fmt.Errorf("analysis: FixedPoints: eigenvalues failed at a point with speed %g: %w", p.Speed, err)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(re[b], re[a]); c != 0 {
			return c
		}
		return cmp.Compare(im[b], im[a])
	})
	p.Eigenvalues = make([]complex128, n)
	for k, i := range order {
		p.Eigenvalues[k] = complex(re[i], im[i])
		if re[i] > tol {
			v := eigenvectorReal(w.jac, n, re[i], im[i])
			if v == nil {
				return fmt.Errorf("analysis: FixedPoints: no eigenvector for %g%+gi at a point with speed %g", re[i], im[i], p.Speed)
			}
			p.UnstableModes = append(p.UnstableModes, v)
		}
	}
	p.Kind, p.Unstable = Classify(p.Eigenvalues, tol)
	return nil
}
