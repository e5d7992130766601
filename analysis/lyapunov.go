package analysis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
)

// Spectrum is a Lyapunov spectrum estimated by the Benettin/QR method,
// with convergence diagnostics.
type Spectrum struct {
	// Exponents are the K exponents per time unit (per iteration for maps),
	// in the order the QR decomposition produces them (descending once
	// converged).
	Exponents []float64
	// StdErr estimates the standard error of each exponent from batch
	// means: the averaging period is cut into Blocks equal blocks, each
	// gives an estimate, and StdErr = std(block estimates)/√Blocks; NaN
	// with a single block (Blocks 1 or a single renormalisation).
	StdErr []float64
	// Time is the averaging time (time units; iterations for maps) and
	// Renorms the number of QR renormalisations it contains.
	Time    float64
	Renorms int
	// History holds running estimates at evenly spaced checkpoints: row i
	// is the estimate after HistoryTime[i] time units of averaging.
	History     [][]float64
	HistoryTime []float64
}

// Sum returns the sum of the exponents (the mean phase-space contraction
// rate when K equals the dimension: the mean divergence of a flow, the mean
// log|det J| of a map).
func (s *Spectrum) Sum() float64 {
	var t float64
	for _, v := range s.Exponents {
		t += v
	}
	return t
}

// KaplanYorke returns the Lyapunov (Kaplan–Yorke) dimension
// j + (λ₁+…+λⱼ)/|λⱼ₊₁|, where j is the largest index with a non-negative
// partial sum, computed from the exponents sorted in descending order. It
// returns 0 when λ₁ < 0 and K when the partial sum of all K exponents is
// non-negative.
func (s *Spectrum) KaplanYorke() float64 {
	l := append([]float64(nil), s.Exponents...)
	for i := 1; i < len(l); i++ { // insertion sort, descending
		for j := i; j > 0 && l[j] > l[j-1]; j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
	var sum float64
	for j, v := range l {
		if sum+v < 0 {
			return float64(j) + sum/math.Abs(v)
		}
		sum += v
	}
	return float64(len(l))
}

// Drift returns, per exponent, the change of the running estimate over the
// second half of the averaging period (last history row minus the row at
// half time); small values indicate convergence.
func (s *Spectrum) Drift() []float64 {
	h := len(s.History)
	if h < 2 {
		return make([]float64, len(s.Exponents))
	}
	mid, last := s.History[(h-1)/2], s.History[h-1]
	d := make([]float64, len(last))
	for i := range d {
		d[i] = last[i] - mid[i]
	}
	return d
}

// FlowSpectrumConfig configures FlowSpectrum. The zero value means K = Dim,
// classic RK4 with step 0.01, a transient of 100 time units, averaging over
// 1000 time units, renormalisation every 0.1 time units, 10 blocks and 100
// history checkpoints.
type FlowSpectrumConfig struct {
	// K is the number of exponents (0 → the flow's dimension).
	K int
	// Method is the fixed-step Runge–Kutta scheme integrating the state
	// and the variational equation together ("" → ode.RK4; ode.Dopri5 is
	// not accepted: the tangent dynamics need a fixed step).
	Method ode.Method
	// Dt is the integration step (0 → 0.01).
	Dt float64
	// Transient is the time integrated (tangent vectors included, with
	// renormalisations) before averaging starts (0 → 100; < 0 → none).
	Transient float64
	// Duration is the averaging time (0 → 1000), rounded to a whole
	// number of renormalisation intervals (Spectrum.Time reports it).
	Duration float64
	// Renorm is the time between QR renormalisations (0 → 0.1); it is
	// rounded to a whole number of steps (at least one).
	Renorm float64
	// Blocks is the number of batches for StdErr (0 → 10).
	Blocks int
	// Checkpoints is the number of History rows (0 → 100); it and Blocks
	// are capped at the number of renormalisations.
	Checkpoints int
	// Seed seeds the random orthonormal start of the tangent vectors
	// (0 → 1). Random, because the first K unit vectors can lie in an
	// invariant subspace (a decoupled stable coordinate) and never leave
	// it.
	Seed uint64
}

func (c FlowSpectrumConfig) withDefaults(dim int) FlowSpectrumConfig {
	if c.K == 0 {
		c.K = dim
	}
	if c.Method == "" {
		c.Method = ode.RK4
	}
	if c.Dt == 0 {
		c.Dt = 0.01
	}
	if c.Transient == 0 {
		c.Transient = 100
	} else if c.Transient < 0 {
		c.Transient = 0
	}
	if c.Duration == 0 {
		c.Duration = 1000
	}
	if c.Renorm == 0 {
		c.Renorm = 0.1
	}
	if c.Blocks == 0 {
		c.Blocks = 10
	}
	if c.Checkpoints == 0 {
		c.Checkpoints = 100
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

func (c FlowSpectrumConfig) validate(dim int) error {
	if c.K < 1 || c.K > dim {
		return param.New("analysis", "K", c.K, fmt.Sprintf("in [1, %d] (the dimension)", dim))
	}
	if err := c.Method.Validate(); err != nil {
		return err
	}
	if c.Method.Adaptive() {
		return param.New("analysis", "Method", c.Method, "a fixed-step method (euler, midpoint, rk4, rk38)")
	}
	return param.First(
		param.Positive("analysis", "Dt", c.Dt),
		param.NonNegative("analysis", "Transient", c.Transient),
		param.Positive("analysis", "Duration", c.Duration),
		param.Positive("analysis", "Renorm", c.Renorm),
		param.PositiveInt("analysis", "Blocks", c.Blocks),
		param.PositiveInt("analysis", "Checkpoints", c.Checkpoints),
	)
}

// MapSpectrumConfig configures MapSpectrum and ModelSpectrum. The zero
// value means K = the dimension, 1000 transient iterations, 100000
// averaged iterations, renormalisation every iteration, 10 blocks, 100
// history checkpoints and seed 1.
type MapSpectrumConfig struct {
	// K is the number of exponents (0 → the dimension).
	K int
	// Transient is the number of iterations (tangent vectors included)
	// before averaging starts (0 → 1000; < 0 → none), rounded up to a
	// whole number of Renorm intervals.
	Transient int
	// Steps is the number of averaged iterations (0 → 100000), rounded
	// down to a whole number of Renorm intervals: ⌊Steps/Renorm⌋
	// renormalisations are averaged, and Spectrum.Time reports the
	// iterations (Steps 1000 with Renorm 7 averages 994). Steps < Renorm
	// is an error.
	Steps int
	// Renorm is the number of iterations between QR renormalisations
	// (0 → 1).
	Renorm int
	// Blocks is the number of batches for StdErr (0 → 10).
	Blocks int
	// Checkpoints is the number of History rows (0 → 100); it and Blocks
	// are capped at the number of renormalisations.
	Checkpoints int
	// Seed seeds the random orthonormal start of the tangent vectors
	// (0 → 1). Random, because the first K unit vectors can lie in an
	// invariant subspace (a decoupled stable coordinate) and never leave
	// it.
	Seed uint64
}

func (c MapSpectrumConfig) withDefaults(dim int) MapSpectrumConfig {
	if c.K == 0 {
		c.K = dim
	}
	if c.Transient == 0 {
		c.Transient = 1000
	} else if c.Transient < 0 {
		c.Transient = 0
	}
	if c.Steps == 0 {
		c.Steps = 100000
	}
	if c.Renorm == 0 {
		c.Renorm = 1
	}
	if c.Blocks == 0 {
		c.Blocks = 10
	}
	if c.Checkpoints == 0 {
		c.Checkpoints = 100
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

func (c MapSpectrumConfig) validate(dim int) error {
	if c.K < 1 || c.K > dim {
		return param.New("analysis", "K", c.K, fmt.Sprintf("in [1, %d] (the dimension)", dim))
	}
	if c.Steps < c.Renorm {
		return param.New("analysis", "Steps", c.Steps, fmt.Sprintf(">= Renorm = %d", c.Renorm))
	}
	return param.First(
		param.PositiveInt("analysis", "Renorm", c.Renorm),
		param.PositiveInt("analysis", "Blocks", c.Blocks),
		param.PositiveInt("analysis", "Checkpoints", c.Checkpoints),
	)
}

// tangent holds k tangent vectors of dimension n, stored one after the
// other (vector c is v[c*n:(c+1)*n]), and accumulates the log growth of
// each through QR renormalisations.
type tangent struct {
	n, k     int
	v        []float64
	r        []float64 // diagonal of R of the last QR
	sums     []float64
	blocks   [][]float64
	total    int // renormalisations planned for the averaging period
	count    int // renormalisations accumulated so far
	interval float64
	hist     [][]float64
	histT    []float64
	nextHist int
	ckpts    int
	log      func(float64) float64 // logNorm unless set
}

// newTangent returns k tangent vectors of dimension n for total
// renormalisations of interval time units each, blocks batches and ckpts
// history rows (both capped at total), starting from a random orthonormal
// set drawn from seed: independent normal components, orthonormalized.
// The first k unit vectors would do for a generic system, but they can lie
// in an invariant subspace (a decoupled coordinate) and then never leave
// it: Lorenz with a stable coordinate dx₀/dt = −x₀ placed first gave
// λ₁ = −1 instead of 0.906.
func newTangent(n, k, total, blocks, ckpts int, interval float64, seed uint64) *tangent {
	t := &tangent{n: n, k: k, v: make([]float64, n*k), r: make([]float64, k),
		sums: make([]float64, k), total: total, interval: interval, ckpts: min(ckpts, total)}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i := range t.v {
		t.v[i] = detrand.NormFloat64(rng)
	}
	t.orthonormalize()
	if blocks > total {
		blocks = total
	}
	t.blocks = make([][]float64, blocks)
	for b := range t.blocks {
		t.blocks[b] = make([]float64, k)
	}
	return t
}

// orthonormalize runs modified Gram–Schmidt twice ("twice is enough") on
// the k vectors, leaving them orthonormal, and stores the norms (the
// diagonal of R) in r. A vector that vanishes keeps norm 0 and is replaced
// by zeros.
func (t *tangent) orthonormalize() {
	n := t.n
	for c := 0; c < t.k; c++ {
		vc := t.v[c*n : (c+1)*n]
		for pass := 0; pass < 2; pass++ {
			for p := 0; p < c; p++ {
				vp := t.v[p*n : (p+1)*n]
				var d float64
				for i, x := range vp {
					d += float64(x * vc[i]) // rounded products: no fused multiply-add, the same bits everywhere
				}
				for i, x := range vp {
					vc[i] -= float64(d * x)
				}
			}
		}
		var s float64
		for _, x := range vc {
			s += float64(x * x)
		}
		nrm := math.Sqrt(s)
		t.r[c] = nrm
		if nrm > 0 {
			inv := 1 / nrm
			for i := range vc {
				vc[i] *= inv
			}
		}
	}
}

// logNorm is the natural logarithm of a norm: detmath.Log for positive
// normal numbers, the same bits on every architecture and, for those,
// math.Log's on amd64 (whose assembly performs the same operations; no
// difference in 2·10⁷ inputs); math.Log for 0 (−Inf), subnormals, +Inf and
// NaN. math.Log is pure Go on arm64 and fuses multiply-adds there, so the
// spectra differed from amd64 in their last bits.
func logNorm(x float64) float64 {
	if x >= 0x1p-1022 && x <= math.MaxFloat64 {
		return detmath.Log(x)
	}
	return math.Log(x)
}

// renorm orthonormalizes and, when accumulate is set, adds the log norms to
// the sums, the current block and (at checkpoints) the history.
func (t *tangent) renorm(accumulate bool) {
	t.orthonormalize()
	if !accumulate {
		return
	}
	b := t.count * len(t.blocks) / t.total
	log := logNorm
	if t.log != nil {
		log = t.log
	}
	for c := 0; c < t.k; c++ {
		l := log(t.r[c])
		t.sums[c] += l
		t.blocks[b][c] += l
	}
	t.count++
	// Checkpoint i (1-based) is taken after ⌈i·total/ckpts⌉ renormalisations.
	for t.nextHist < t.ckpts && t.count*t.ckpts >= (t.nextHist+1)*t.total {
		row := make([]float64, t.k)
		T := float64(t.count) * t.interval
		for c := range row {
			row[c] = t.sums[c] / T
		}
		t.hist = append(t.hist, row)
		t.histT = append(t.histT, T)
		t.nextHist++
	}
}

// result builds the Spectrum.
func (t *tangent) result() *Spectrum {
	T := float64(t.count) * t.interval
	s := &Spectrum{Exponents: make([]float64, t.k), StdErr: make([]float64, t.k), Time: T, Renorms: t.count,
		History: t.hist, HistoryTime: t.histT}
	for c := range s.Exponents {
		s.Exponents[c] = t.sums[c] / T
	}
	nb := len(t.blocks)
	if nb < 2 {
		// One batch has no spread to measure.
		for c := range s.StdErr {
			s.StdErr[c] = math.NaN()
		}
	} else {
		est := make([]float64, nb)
		for c := 0; c < t.k; c++ {
			var m float64
			for b := range est {
				// Block b holds renormalisations [b·total/nb, (b+1)·total/nb).
				cnt := ceilDiv((b+1)*t.total, nb) - ceilDiv(b*t.total, nb)
				est[b] = t.blocks[b][c] / (float64(cnt) * t.interval)
				m += est[b]
			}
			m /= float64(nb)
			var v float64
			for _, e := range est {
				v += float64((e - m) * (e - m))
			}
			s.StdErr[c] = math.Sqrt(v/float64(nb-1)) / math.Sqrt(float64(nb))
		}
	}
	return s
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// mulTangent replaces each tangent vector v by jac·v (jac n×n row-major),
// using scratch (n·k) as output buffer, and swaps the buffers.
func (t *tangent) mulTangent(jac, scratch []float64) []float64 {
	// Vectors are rows of the k×n matrix V; new V = V·Jᵀ.
	asm.Gemm(false, true, t.k, t.n, t.n, 1, t.v, t.n, jac, t.n, 0, scratch, t.n)
	t.v, scratch = scratch, t.v
	return scratch
}

func checkVector(name string, x []float64, n int) error {
	if len(x) != n {
		return param.New("analysis", name, fmt.Sprintf("length %d", len(x)), fmt.Sprintf("length %d", n))
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return param.New("analysis", fmt.Sprintf("%s[%d]", name, i), v, "finite")
		}
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

// FlowSpectrum estimates the K largest Lyapunov exponents of the flow f by
// the Benettin/QR method: the state x and K tangent vectors (starting from
// a random orthonormal set, see Seed) are integrated together, dx/dt = f(x),
// dv/dt = J(x)·v, by a fixed-step Runge–Kutta scheme (the Jacobian is
// evaluated at every stage's state); every Renorm time units the tangent
// vectors are re-orthonormalized (modified Gram–Schmidt, twice) and, after
// the transient, the logs of the norms (the diagonal of R in V = QR) are
// summed. λᵢ = Σ ln Rᵢᵢ / T over the averaging time T.
func FlowSpectrum(f Flow, x0 []float64, c FlowSpectrumConfig) (*Spectrum, error) {
	n := f.Dim()
	c = c.withDefaults(n)
	if err := c.validate(n); err != nil {
		return nil, err
	}
	if err := checkVector("x0", x0, n); err != nil {
		return nil, err
	}
	k := c.K
	steps := max(1, int(math.Round(c.Renorm/c.Dt)))
	interval := float64(steps) * c.Dt
	total := int(math.Round(c.Duration / interval))
	if total < 1 {
		return nil, param.New("analysis", "Duration", c.Duration, fmt.Sprintf(">= the renormalisation interval %g", interval))
	}
	transient := int(math.Round(c.Transient / interval))
	solver, err := ode.NewFixed[float64](c.Method, n*(1+k))
	if err != nil {
		return nil, err
	}
	tg := newTangent(n, k, total, c.Blocks, c.Checkpoints, interval, c.Seed)
	y := make([]float64, n*(1+k))
	copy(y, x0)
	copy(y[n:], tg.v)
	jac := make([]float64, n*n)
	rhs := func(_ float64, y, dydt []float64) {
		x := y[:n]
		f.VectorField(dydt[:n], x)
		f.Jacobian(jac, x)
		asm.Gemm(false, true, k, n, n, 1, y[n:], n, jac, n, 0, dydt[n:], n)
	}
	var t float64
	for r := 0; r < transient+total; r++ {
		for s := 0; s < steps; s++ {
			solver.Step(rhs, t, c.Dt, y)
			t += c.Dt
		}
		if !allFinite(y) {
			return nil, fmt.Errorf("analysis: FlowSpectrum: state or tangent vectors not finite at t = %g: %w", t, ode.ErrNonFinite)
		}
		copy(tg.v, y[n:])
		tg.renorm(r >= transient)
		copy(y[n:], tg.v)
	}
	return tg.result(), nil
}

// MapSpectrum estimates the K largest Lyapunov exponents (per iteration) of
// the map m by the Benettin/QR method: x ← g(x) and v ← J(x)·v (the
// Jacobian at the pre-image) for K tangent vectors starting from a random
// orthonormal set (see Seed), re-orthonormalized every Renorm iterations;
// after the transient, λᵢ = Σ ln Rᵢᵢ / (iterations).
func MapSpectrum(m Map, x0 []float64, c MapSpectrumConfig) (*Spectrum, error) {
	n := m.Dim()
	c = c.withDefaults(n)
	if err := c.validate(n); err != nil {
		return nil, err
	}
	if err := checkVector("x0", x0, n); err != nil {
		return nil, err
	}
	total := c.Steps / c.Renorm
	transient := ceilDiv(c.Transient, c.Renorm)
	tg := newTangent(n, c.K, total, c.Blocks, c.Checkpoints, float64(c.Renorm), c.Seed)
	x := append([]float64(nil), x0...)
	nx := make([]float64, n)
	jac := make([]float64, n*n)
	scratch := make([]float64, n*c.K)
	for r := 0; r < transient+total; r++ {
		for s := 0; s < c.Renorm; s++ {
			m.Jacobian(jac, x)
			m.Next(nx, x)
			x, nx = nx, x
			scratch = tg.mulTangent(jac, scratch)
		}
		if !allFinite(x) || !allFinite(tg.v) {
			return nil, fmt.Errorf("analysis: MapSpectrum: state or tangent vectors not finite after %d iterations: %w", (r+1)*c.Renorm, ode.ErrNonFinite)
		}
		tg.renorm(r >= transient)
	}
	return tg.result(), nil
}

// ModelSpectrum estimates the K largest Lyapunov exponents of a trained
// model running closed loop, per unit of model time (StepTime per step).
// The model is reset, fed the warm-up samples (row-major, InputDim each;
// teacher forcing), then runs free with its output fed back: with state h
// and fed-back input x = y (the decoded output of the previous step), one
// step is h' = G(h, x), and the closed-loop map h ↦ G(h, D·h + d) has
// Jacobian
//
//	J = ∂G/∂h + ∂G/∂x · D,
//
// assembled each step from StepJacobian (at the current state and input)
// and DecoderJacobian D. The tangent vectors (a random orthonormal set in the
// StateDim-dimensional state, see Seed) follow v ← J·v and are
// re-orthonormalized
// every Renorm steps; the first Transient free-running steps are not
// averaged. The model must have InputDim = OutputDim and a decoder that is
// linear in the state (D constant), as the learn.StepMap contract states.
func ModelSpectrum(m learn.StepMap, warmup []float64, c MapSpectrumConfig) (*Spectrum, error) {
	return ModelSpectrumContext(context.Background(), m, warmup, c)
}

// ModelSpectrumContext is ModelSpectrum, stopped when ctx is done: it
// looks at ctx every ctxSteps steps of the warm-up and before every
// free-running step (each costs a K×n×n product), and then returns an error
// wrapping ctx.Err() (and no spectrum). Spectra that are not stopped are
// ModelSpectrum's, bit for bit.
func ModelSpectrumContext(ctx context.Context, m learn.StepMap, warmup []float64, c MapSpectrumConfig) (*Spectrum, error) {
	n, in, out := m.StateDim(), m.InputDim(), m.OutputDim()
	if err := checkClosedLoop(m, in); err != nil {
		return nil, err
	}
	if _, err := checkSeries("warmup", warmup, in); err != nil {
		return nil, err
	}
	c = c.withDefaults(n)
	if err := c.validate(n); err != nil {
		return nil, err
	}
	dt := m.StepTime()
	if err := param.Positive("analysis", "StepTime()", dt); err != nil {
		return nil, err
	}
	total := c.Steps / c.Renorm
	transient := ceilDiv(c.Transient, c.Renorm)
	tg := newTangent(n, c.K, total, c.Blocks, c.Checkpoints, float64(c.Renorm)*dt, c.Seed)
	h := make([]float64, n)
	x := make([]float64, in)
	y := make([]float64, out)
	jh := make([]float64, n*n)
	jx := make([]float64, n*in)
	jd := make([]float64, out*n)
	scratch := make([]float64, n*c.K)
	m.DecoderJacobian(jd)
	m.Reset()
	for i := 0; i < len(warmup)/in; i++ {
		if i%ctxSteps == ctxSteps-1 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("analysis: ModelSpectrum stopped in the warm-up: %w", err)
			}
		}
		copy(x, warmup[i*in:(i+1)*in])
		m.Step(y, x)
	}
	for r := 0; r < transient+total; r++ {
		for s := 0; s < c.Renorm; s++ {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("analysis: ModelSpectrum stopped after %d of %d free-running steps: %w", r*c.Renorm+s, (transient+total)*c.Renorm, err)
			}
			m.State(h)
			copy(x, y)
			m.StepJacobian(jh, jx, h, x)
			// J = ∂G/∂h + ∂G/∂x·D.
			asm.Gemm(false, false, n, n, in, 1, jx, in, jd, n, 1, jh, n)
			m.Step(y, x)
			scratch = tg.mulTangent(jh, scratch)
		}
		if !allFinite(y) || !allFinite(tg.v) {
			return nil, fmt.Errorf("analysis: ModelSpectrum: output or tangent vectors not finite after %d free-running steps: %w", (r+1)*c.Renorm, ode.ErrNonFinite)
		}
		tg.renorm(r >= transient)
	}
	return tg.result(), nil
}
