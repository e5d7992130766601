package neurons

import (
	"io"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Precise is a model of the kernel's precise mode (off-grid spike times):
// its state is float64 and is advanced from event to event within a step.
// LIFExpPrecise (NEST's iaf_psc_exp_ps) and LIFDeltaPrecise
// (iaf_psc_delta_ps) implement it. Times within a step are offsets in ms
// from its start, 0 ≤ t ≤ h; a spike's offset is in (0, h] except for a
// neuron that starts a run above threshold, which fires at offset 0.
//
// Per neuron and step the kernel either integrates by superposition
// (Quiet, then StepQuiet and AddQuiet for each jump, or StepQuietRange for
// many neurons without jumps), or, where a spike is possible, event to
// event: Advance to the time of the next jumps, Receive each of the jumps
// that arrive together at that time, Fire, and so on, then Advance to the
// end of the step.
type Precise interface {
	Model
	// IePA returns the constant current I_e in pA, unrounded.
	IePA() float64
	// Quiet reports whether neuron j's step can be integrated by
	// superposition: it is not refractory at the step's start and cannot
	// reach threshold within it under the constant current cur (pA),
	// given the sum wPos of the positive jumps that arrive in the step and
	// the sum wAbs of all their magnitudes (in the unit of the model's
	// weights).
	Quiet(j int, step int64, cur, wPos, wAbs float64) bool
	// CurrentTerm returns what StepQuiet takes for the current cur (pA).
	CurrentTerm(cur float64) float64
	// StepQuiet advances neuron j through a Quiet step as if no jump
	// arrived in it.
	StepQuiet(j int, curTerm float64)
	// AddQuiet adds, after StepQuiet, the effect at the end of the step
	// of a jump w on receptor r at offset off.
	AddQuiet(j, r int, off, w float64)
	// StepQuietRange advances the neurons j of [lo, hi) without jumps
	// (inputs[j−lo] = 0) whose step is Quiet and Syncs them; it appends
	// the others (with jumps, or refused) to todo in ascending order and
	// returns it.
	StepQuietRange(lo, hi int, step int64, cur, curTerm float64, inputs, todo []int32) []int32
	// Advance propagates neuron j through step from offset a to b under
	// the current cur (pA) and appends the offsets of its spikes in
	// (a, b] to offs.
	Advance(j int, step int64, a, b, cur float64, offs []float64) []float64
	// Receive takes the jump w on receptor r at offset t, to which
	// neuron j has been advanced; Fire must follow the last jump at t
	// (LIFDeltaPrecise applies their sum only there).
	Receive(j int, step int64, t float64, r int, w float64)
	// Fire completes the jumps received at offset t and emits a spike at
	// t if they took neuron j to threshold, appending t to offs.
	Fire(j int, step int64, t float64, offs []float64) []float64
	// Sync copies the float64 state of [lo, hi) to the float32 mirrors
	// that VarSlice returns.
	Sync(lo, hi int)
	// SyncFromFloat32 copies the float32 mirrors (as written through
	// VarSlice) to the float64 state.
	SyncFromFloat32()
}

// LIFDeltaPrecise is the LIFDelta neuron with spike times located off the
// grid (as NEST's iaf_psc_delta_ps): V is float64 and is propagated exactly
// from event to event, V(t) = V₀ + (V₀ − V∞)·expm1(−t/τ_m) with
// V∞ = I·τ_m/C_m; an input jump acts at its own time, and if it takes V to
// θ the neuron fires at that very time; jumps arriving together are summed
// before the threshold is tested (NEST's accumulation of simultaneous
// spikes); between jumps V moves monotonically towards V∞, so a crossing
// under the current (V∞ > θ) is found from the state at the interval's
// end and located analytically, t = τ_m·ln1p((θ − V₀)/(V∞ − θ)). The
// refractory period (at least one step, a multiple of it) starts and ends
// off the grid; V is held at V_reset through it, and jumps arriving in it
// are discarded (at the very offset at which it ends, they count).
//
// A step in which V provably cannot reach θ (Quiet) is integrated by
// superposition, each jump decayed to the end of the step (StepQuiet,
// AddQuiet): the same solution to float64 rounding at one exponential per
// jump. Against NEST 3.10's iaf_psc_delta_ps (bench/nest/tests/
// test_nest_precise_delta.py, make test-nest) a spike fired by an input
// is at the input's time on both sides, and crossings under the current
// agree within 8e-13 ms alone and 4.5e-12 ms in a recurrent network,
// given the same inputs (the kernel holds weights in float32).
type LIFDeltaPrecise struct {
	P    LIFDeltaParams
	DtMs float64

	V       []float64 // relative to E_L (mV)
	RefStep []int64   // the refractory period ends in step RefStep …
	RefOff  []float64 // … at offset RefOff (ms)

	// Now is the step that Step integrates (Advance takes it explicitly).
	Now int64

	v32  []float32 // float32 mirror for recording
	pend []float64 // jumps received at the current offset, summed (Receive), for Fire

	theta, vReset float64
	rs            int64   // the refractory period in steps (≥ 1)
	r             float64 // τ_m/C_m (mV/pA)
	em, x         float64 // e^{−h/τ_m} and expm1(−h/τ_m)
	g, gTheta     float64 // h/C_m and 1e-9·|θ|, mayReach's constants
}

// NewLIFDeltaPrecise validates p (TRefMs must be a positive multiple of
// dtMs: at least one step, as NEST's iaf_psc_delta_ps requires, which
// rounds other values to whole steps where neurodyn refuses them) and
// allocates n neurons at rest.
func NewLIFDeltaPrecise(n int, p LIFDeltaParams, dtMs float64) (*LIFDeltaPrecise, error) {
	rs, err := prepare(n, dtMs, p.Validate, p.TRefMs)
	if err != nil {
		return nil, err
	}
	if rs < 1 {
		return nil, param.New(pkg, "TRefMs", p.TRefMs, "at least one step in precise mode (as NEST's iaf_psc_delta_ps)")
	}
	m := &LIFDeltaPrecise{P: p, DtMs: dtMs,
		V: make([]float64, n), RefStep: make([]int64, n), RefOff: make([]float64, n),
		v32: make([]float32, n), pend: make([]float64, n), theta: p.VThmV - p.ELmV, vReset: p.VResetmV - p.ELmV, rs: int64(rs),
		r: p.TauMemMs / p.CmPF, em: Exp(-dtMs / p.TauMemMs), x: detmath.Expm1(-dtMs / p.TauMemMs)}
	m.g, m.gTheta = dtMs/p.CmPF, 1e-9*math.Abs(m.theta)
	for j := range m.RefStep {
		m.RefStep[j] = math.MinInt64 / 2
	}
	return m, nil
}

// Kind returns "lif_delta".
func (m *LIFDeltaPrecise) Kind() string { return "lif_delta" }

// Len returns the number of neurons.
func (m *LIFDeltaPrecise) Len() int { return len(m.V) }

// Receptors returns 1 (the sign of a weight decides).
func (m *LIFDeltaPrecise) Receptors() int { return 1 }

// Bias returns the constant current I_e in pA.
func (m *LIFDeltaPrecise) Bias() float32 { return float32(m.P.IePA) }

// IePA returns the constant current I_e in pA.
func (m *LIFDeltaPrecise) IePA() float64 { return m.P.IePA }

// Step is the grid step of the Model interface for step Now: the inputs of
// in[0] act together at the end of the step, integrated in float64 with an
// off-grid crossing under the current (the spike offsets are not returned;
// use Advance for those).
func (m *LIFDeltaPrecise) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	ns := 0
	var offs [4]float64
	h := m.DtMs
	for j := lo; j < hi; j++ {
		cur := m.P.IePA
		if dc != nil {
			cur = float64(dc[j])
		}
		o := m.Advance(j, m.Now, 0, h, cur, offs[:0])
		m.Receive(j, m.Now, h, 0, float64(in[0][j]))
		in[0][j] = 0
		o = m.Fire(j, m.Now, h, o)
		if len(o) > 0 {
			spikes[ns] = int32(j)
			ns++
		}
	}
	m.Sync(lo, hi)
	return ns
}

// Jump is not supported in precise mode (delays are ≥ 1 step); it returns
// the float32 mirror of V, which is overwritten by Sync.
func (m *LIFDeltaPrecise) Jump(int) []float32 { return m.v32 }

// refractory reports whether neuron j is refractory at offset t of step.
func (m *LIFDeltaPrecise) refractory(j int, step int64, t float64) bool {
	rs := m.RefStep[j]
	return step < rs || (step == rs && t < m.RefOff[j])
}

// free returns V after d ms without jumps under the current cur (pA),
// from v: v + v·expm1(−d/τ_m) − V∞·expm1(−d/τ_m), the form that stays
// accurate where V is near V∞ (NEST's).
func (m *LIFDeltaPrecise) free(v, cur, d float64) float64 {
	x := m.x
	if d != m.DtMs {
		x = m.expm1(d)
	}
	// every product rounded (float64()): no fused multiply-add on arm64
	return v + float64(v*x) - float64(float64(cur*m.r)*x)
}

// expm1 returns expm1(−d/τ_m) (d ≥ 0 in use): by a Taylor polynomial
// where one is exact to float64 (expm1Tiny up to d/τ_m = 1/128, which is
// every interval of a 0.1 ms step with τ_m ≥ 12.8 ms; expm1Short up to
// 1/16), else by detmath's.
func (m *LIFDeltaPrecise) expm1(d float64) float64 {
	y := -d / m.P.TauMemMs
	switch {
	case d >= 0 && -y <= tinyArg:
		return expm1Tiny(y)
	case d >= 0 && -y <= shortArg:
		return expm1Short(y)
	}
	return detmath.Expm1(y)
}

// tinyArg bounds |x| for expm1Tiny.
const tinyArg = 1.0 / 128

// expm1Tiny returns e^x − 1 for |x| ≤ tinyArg: Σ_{k=1}^{7} x^k/k! by
// Horner's rule, every product rounded before its sum (the same bits on
// every platform). The remainder is below |x|^8/8! ≤ 4.4e-20·|x|, far
// under float64's rounding, so it is within 2 ulp of e^x − 1, at five
// fewer multiply-adds than expm1Short.
func expm1Tiny(x float64) float64 {
	p := invFact[7]
	for k := 6; k >= 1; k-- {
		p = invFact[k] + float64(p*x)
	}
	return float64(p * x)
}

// spike resets neuron j at offset t of step and starts its refractory
// period.
func (m *LIFDeltaPrecise) spike(j int, step int64, t float64, offs []float64) []float64 {
	m.RefStep[j], m.RefOff[j] = step+m.rs, t
	return append(offs, t)
}

// Advance propagates neuron j through step from offset a to b (0 ≤ a ≤ b
// ≤ h) under the constant current cur (pA), handling refractoriness and
// crossings under the current; the offsets of the spikes emitted (in
// (a, b], or at a for a neuron above threshold there) are appended to
// offs, which is returned.
func (m *LIFDeltaPrecise) Advance(j int, step int64, a, b, cur float64, offs []float64) []float64 {
	v := m.V[j]
	for a < b {
		if m.refractory(j, step, a) {
			a = b
			if step == m.RefStep[j] && m.RefOff[j] < b {
				a = m.RefOff[j]
			}
			v = m.vReset
			continue
		}
		if v >= m.theta { // above threshold at a (a run's initial state)
			offs = m.spike(j, step, a, offs)
			v = m.vReset
			continue
		}
		vb := m.free(v, cur, b-a)
		if !(vb >= m.theta) { // (a NaN V does not fire)
			v = vb
			break
		}
		// V rises monotonically towards V∞ > θ: the crossing, from the
		// start of the interval
		t := b
		if vinf := float64(cur * m.r); vinf > m.theta { // rounded: no fused multiply-subtract below
			tc := m.P.TauMemMs * detmath.Log1p((m.theta-v)/(vinf-m.theta))
			t = min(a+max(tc, 0), b)
		}
		offs = m.spike(j, step, t, offs)
		v = m.vReset
		a = t
	}
	m.V[j] = v
	return offs
}

// Receive adds the jump w (mV) for neuron j at offset t of step to the sum
// that Fire adds to V, unless the neuron is refractory there (the jump is
// then discarded); r is ignored (one receptor).
func (m *LIFDeltaPrecise) Receive(j int, step int64, t float64, _ int, w float64) {
	if !m.refractory(j, step, t) {
		m.pend[j] += w
	}
}

// Fire adds the jumps received at offset t of step, summed, to neuron j's
// V (as NEST's iaf_psc_delta_ps accumulates simultaneous spikes) and, if V
// has reached θ and the neuron is not refractory there, emits a spike at
// t, appending it to offs.
func (m *LIFDeltaPrecise) Fire(j int, step int64, t float64, offs []float64) []float64 {
	m.V[j] += m.pend[j]
	m.pend[j] = 0
	if m.V[j] >= m.theta && !m.refractory(j, step, t) {
		offs = m.spike(j, step, t, offs)
		m.V[j] = m.vReset
	}
	return offs
}

// Quiet reports whether neuron j's step can be integrated by superposition
// (StepQuiet, then AddQuiet for each jump): it is not refractory at the
// start of the step and V cannot reach θ within it, given the sum wPos
// (mV) of the positive jumps and the sum wAbs of the magnitudes of all
// jumps arriving in it. Over t ∈ [0, h] the free solution's terms are
// bounded, v·e^{−t/τ_m} ≤ v (v ≥ 0) or v·e^{−h/τ_m} (v < 0) and
// V∞·(1 − e^{−t/τ_m}) ≤ max(I, 0)·h/C_m, and a jump adds at most
// max(w, 0); the bound must clear θ by a margin far above float64
// rounding (1e-9 relative), so that the superposition never misses a
// crossing that the event-to-event path would find.
func (m *LIFDeltaPrecise) Quiet(j int, step int64, cur, wPos, wAbs float64) bool {
	if rs := m.RefStep[j]; step < rs || (step == rs && m.RefOff[j] > 0) {
		return false
	}
	return !m.mayReach(m.V[j], cur, wPos, wAbs)
}

func (m *LIFDeltaPrecise) mayReach(v, cur, wPos, wAbs float64) bool {
	vt := v
	if v < 0 {
		vt = float64(v * m.em)
	}
	// products rounded (float64()) before the sums: the same decision on
	// every platform
	ub := vt + float64(max(cur, 0)*m.g) + wPos
	margin := float64(1e-9*(math.Abs(v)+float64(math.Abs(cur)*m.g)+wAbs)) + m.gTheta
	return ub+margin >= m.theta
}

// CurrentTerm returns V∞·expm1(−h/τ_m) (mV) for the current cur (pA), the
// current's term in V's solution over a whole step, as StepQuiet takes it.
func (m *LIFDeltaPrecise) CurrentTerm(cur float64) float64 {
	return float64(float64(cur*m.r) * m.x)
}

// StepQuiet advances neuron j through a whole Quiet step under the current
// whose CurrentTerm is curTerm, as if no jump arrived in it: Advance over
// the step without the threshold checks (the same operations: the same
// bits).
func (m *LIFDeltaPrecise) StepQuiet(j int, curTerm float64) {
	v := m.V[j]
	m.V[j] = v + float64(v*m.x) - curTerm
}

// AddQuiet adds, after StepQuiet, the effect at the end of the step of a
// jump of w mV at offset off (ms): w·e^{−(h − off)/τ_m} (r is ignored).
func (m *LIFDeltaPrecise) AddQuiet(j, _ int, off, w float64) {
	d := m.DtMs - off
	var e float64
	if y := -d / m.P.TauMemMs; d >= 0 && -y <= tinyArg { // expm1's first case, inlined: most steps
		e = expm1Tiny(y)
	} else {
		e = m.expm1(d)
	}
	m.V[j] += float64(w * (1 + e))
}

// StepQuietRange advances through step every neuron j in [lo, hi) that
// receives no jump in it (inputs[j−lo] = 0; non-zero for those that do)
// and whose step is Quiet, under the current cur (pA) shared by all, whose
// CurrentTerm is curTerm. It appends the others, ascending, to todo and
// returns it: those with jumps, and those it refuses (refractory, or
// possibly reaching θ), which must be advanced with Advance. It makes
// Quiet's test and StepQuiet's update (the same operations: the same bits)
// and Syncs the neurons it advances.
func (m *LIFDeltaPrecise) StepQuietRange(lo, hi int, step int64, cur, curTerm float64, inputs, todo []int32) []int32 {
	V, v32 := m.V[:hi], m.v32[:hi]
	rstep, roff := m.RefStep[:hi], m.RefOff[:hi]
	inputs = inputs[:hi-lo]
	x, em, theta := m.x, m.em, m.theta
	curUp := float64(max(cur, 0) * m.g)
	curMargin := float64(math.Abs(cur) * m.g)
	for j := lo; j < hi; j++ {
		if rs := rstep[j]; inputs[j-lo] != 0 || step < rs || (step == rs && roff[j] > 0) {
			todo = append(todo, int32(j)) // jumps arrive, or refractory
			continue
		}
		v := V[j]
		// mayReach(v, cur, 0, 0), term by term
		vt := v
		if v < 0 {
			vt = float64(v * em)
		}
		ub := vt + curUp + 0
		margin := float64(1e-9*(math.Abs(v)+curMargin+0)) + m.gTheta
		if ub+margin >= theta {
			todo = append(todo, int32(j))
			continue
		}
		vn := v + float64(v*x) - curTerm
		V[j], v32[j] = vn, float32(vn)
	}
	return todo
}

// Sync copies V of [lo, hi) to the float32 mirror that VarSlice returns.
func (m *LIFDeltaPrecise) Sync(lo, hi int) {
	for j := lo; j < hi; j++ {
		m.v32[j] = float32(m.V[j])
	}
}

// SyncFromFloat32 copies the float32 mirror (as written through VarSlice)
// to the float64 state.
func (m *LIFDeltaPrecise) SyncFromFloat32() {
	for j := range m.V {
		m.V[j] = float64(m.v32[j])
	}
}

// VarNames returns V (mV).
func (m *LIFDeltaPrecise) VarNames() []string { return lifDeltaVars }

// VarSlice returns the float32 mirror of V (updated by Sync) and its
// offset E_L.
func (m *LIFDeltaPrecise) VarSlice(name string) ([]float32, float32, error) {
	if name == "V" {
		return m.v32, float32(m.P.ELmV), nil
	}
	return nil, 0, unknownVar(m.Kind(), name, lifDeltaVars)
}

// SaveState writes the float64 state and the refractory bookkeeping.
func (m *LIFDeltaPrecise) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.RefStep, m.RefOff)
}

// LoadState reads what SaveState wrote.
func (m *LIFDeltaPrecise) LoadState(r io.Reader) error {
	if err := readAll(r, m.Kind(), len(m.V), m.V, m.RefStep, m.RefOff); err != nil {
		return err
	}
	m.Sync(0, len(m.V))
	return nil
}
