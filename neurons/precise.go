package neurons

import (
	"io"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// LIFExpPrecise is the LIFExp neuron with spike times located off the grid
// (as NEST's iaf_psc_exp_ps): the state is float64 and is propagated exactly
// from event to event inside a step; input jumps act at their own times
// (offsets within the step); a threshold crossing is located by root finding
// on the exact solution (Newton's method safeguarded by bisection, to
// 1e-12 ms); the refractory period starts and ends off the grid; and a
// crossing that happens and reverts between two events is caught by checking
// the interior maximum of V (exact when τ_syn,ex = τ_syn,in; with two
// different synaptic time constants V may have two extrema in an interval
// and only the one bracketed by the sign change of V' at the ends is checked).
//
// The kernel drives it event by event through Advance and AddInput; the
// grid Step of the Model interface is not used in precise mode. A step in
// which V provably cannot reach θ (Quiet: a bound on V over the step, from
// the state and the jumps arriving in it) is integrated by superposition
// instead (StepQuiet, AddQuiet): the same solution to float64 rounding at a
// fraction of the exponentials, which is most steps of a network. Against NEST
// 3.10's iaf_psc_exp_ps (bench/nest/tests/test_nest_precise.py, make
// test-nest) the spike times agree within 1.3e-11 ms (the test's bound is
// 1e-10 ms), alone and in a recurrent network, given the same inputs (the
// kernel holds weights in float32).
type LIFExpPrecise struct {
	P    LIFExpParams
	DtMs float64

	V, Ie, Ii []float64 // V relative to E_L (mV), currents (pA)
	RefStep   []int64   // the refractory period ends in step RefStep …
	RefOff    []float64 // … at offset RefOff (ms)

	// Now is the step that Step integrates (Advance takes it explicitly).
	Now int64

	v32, ie32, ii32 []float32 // float32 mirrors for recording
	theta, vReset   float64

	// step holds the propagators of a whole step (d = DtMs), computed from P
	// at construction: most steps of most neurons hold no event, and this
	// spares them the six exponentials free would evaluate (the same values,
	// so the results are bit-identical).
	step preciseProp
	// g = h/C_m and gTheta = 1e-9·|θ|, mayReachWith's constants.
	g, gTheta float64
}

// preciseProp holds the propagators of free for one interval d: e^{−d/τ_m},
// PropSyn for both receptors, expm1(−d/τ_m) and both synaptic decays.
type preciseProp struct {
	em, pe, pi, x, de, di float64
}

func newPreciseProp(p *LIFExpParams, d float64) preciseProp {
	if d >= 0 && d/p.TauMemMs <= shortArg && d/p.TauSynExMs <= shortArg && d/p.TauSynInMs <= shortArg {
		x := expm1Short(-d / p.TauMemMs) // once for both receptors
		em := 1 + x                      // expShort's
		pe, de := propShortEm(p, d, p.TauSynExMs, em)
		pi, di := propShortEm(p, d, p.TauSynInMs, em)
		return preciseProp{em: em, pe: pe, pi: pi, x: x, de: de, di: di}
	}
	return preciseProp{
		em: Exp(-d / p.TauMemMs),
		pe: PropSyn(d, p.TauMemMs, p.TauSynExMs, p.CmPF),
		pi: PropSyn(d, p.TauMemMs, p.TauSynInMs, p.CmPF),
		x:  detmath.Expm1(-d / p.TauMemMs),
		de: Exp(-d / p.TauSynExMs),
		di: Exp(-d / p.TauSynInMs),
	}
}

// NewLIFExpPrecise validates p (TRefMs must be a multiple of dtMs) and
// allocates n neurons at rest.
func NewLIFExpPrecise(n int, p LIFExpParams, dtMs float64) (*LIFExpPrecise, error) {
	if n < 0 {
		return nil, param.New(pkg, "n", n, ">= 0")
	}
	if _, err := p.Prop(dtMs); err != nil {
		return nil, err
	}
	m := &LIFExpPrecise{P: p, DtMs: dtMs,
		V: make([]float64, n), Ie: make([]float64, n), Ii: make([]float64, n),
		RefStep: make([]int64, n), RefOff: make([]float64, n),
		v32: make([]float32, n), ie32: make([]float32, n), ii32: make([]float32, n),
		theta: p.VThmV - p.ELmV, vReset: p.VResetmV - p.ELmV}
	m.step = newPreciseProp(&m.P, dtMs)
	m.g, m.gTheta = dtMs/p.CmPF, 1e-9*math.Abs(m.theta)
	for j := range m.RefStep {
		m.RefStep[j] = math.MinInt64 / 2
	}
	return m, nil
}

// Kind returns "lif_exp".
func (m *LIFExpPrecise) Kind() string { return "lif_exp" }

// Len returns the number of neurons.
func (m *LIFExpPrecise) Len() int { return len(m.V) }

// Receptors returns 2 (Exc, Inh).
func (m *LIFExpPrecise) Receptors() int { return 2 }

// Bias returns the constant current I_e in pA.
func (m *LIFExpPrecise) Bias() float32 { return float32(m.P.IePA) }

// IePA returns the constant current I_e in pA.
func (m *LIFExpPrecise) IePA() float64 { return m.P.IePA }

// Step is the grid step of the Model interface for step Now: every input
// slot acts at the end of the step, like LIFExp, but integrated in float64
// with off-grid threshold crossings (the spike offsets are not returned; use
// Advance for those).
func (m *LIFExpPrecise) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	ns := 0
	var offs [4]float64
	for j := lo; j < hi; j++ {
		cur := m.P.IePA
		if dc != nil {
			cur = float64(dc[j])
		}
		o := m.Advance(j, m.Now, 0, m.DtMs, cur, offs[:0])
		m.AddInput(j, Exc, float64(in[Exc][j]))
		m.AddInput(j, Inh, float64(in[Inh][j]))
		in[Exc][j], in[Inh][j] = 0, 0
		if len(o) > 0 {
			spikes[ns] = int32(j)
			ns++
		}
	}
	m.Sync(lo, hi)
	return ns
}

// AddInput adds a jump of w pA to receptor r of neuron j (at the time the
// neuron has been advanced to).
func (m *LIFExpPrecise) AddInput(j, r int, w float64) {
	if r == Exc {
		m.Ie[j] += w
	} else {
		m.Ii[j] += w
	}
}

// Receive adds the jump w (pA) on receptor r to neuron j (AddInput; the
// step and offset t, to which the neuron has been advanced, are not
// needed: a current jump cannot cross the threshold by itself).
func (m *LIFExpPrecise) Receive(j int, _ int64, _ float64, r int, w float64) { m.AddInput(j, r, w) }

// Fire returns offs: V is continuous at a jump of the synaptic current,
// so no spike happens at the jump itself (Advance finds the crossings).
func (m *LIFExpPrecise) Fire(_ int, _ int64, _ float64, offs []float64) []float64 { return offs }

// Jump is not supported in precise mode (delays are ≥ 1 step); it returns
// the float32 mirror of the current, which is overwritten by Sync.
func (m *LIFExpPrecise) Jump(r int) []float32 {
	if r == Exc {
		return m.ie32
	}
	return m.ii32
}

// free returns V, Ie, Ii after d ms of subthreshold evolution under the
// constant current cur (pA), from (v, ie, ii).
func (m *LIFExpPrecise) free(v, ie, ii, cur, d float64) (float64, float64, float64) {
	p := &m.P
	q := &m.step
	var qd preciseProp
	if d != m.DtMs {
		qd = newPreciseProp(p, d)
		q = &qd
	}
	// every product rounded (float64()): no fused multiply-add on arm64
	vn := float64(v*q.em) + float64(ie*q.pe) + float64(ii*q.pi) - float64(cur*p.TauMemMs/p.CmPF*q.x)
	return vn, ie * q.de, ii * q.di
}

// slope returns dV/dt (mV/ms).
func (m *LIFExpPrecise) slope(v, ie, ii, cur float64) float64 {
	return -v/m.P.TauMemMs + (ie+ii+cur)/m.P.CmPF
}

// Advance propagates neuron j through step from local time a to b (ms from
// the start of the step, 0 ≤ a ≤ b ≤ h) under the constant current cur (pA),
// handling refractoriness and threshold crossings; the offsets of the spikes
// emitted (in (a, b]) are appended to offs, which is returned.
func (m *LIFExpPrecise) Advance(j int, step int64, a, b, cur float64, offs []float64) []float64 {
	v, ie, ii := m.V[j], m.Ie[j], m.Ii[j]
	for a < b {
		// refractory part
		if rs := m.RefStep[j]; step < rs || (step == rs && a < m.RefOff[j]) {
			end := b
			if step == rs && m.RefOff[j] < b {
				end = m.RefOff[j]
			}
			_, ie, ii = m.free(0, ie, ii, 0, end-a)
			v = m.vReset
			a = end
			continue
		}
		vb, ieb, iib := m.free(v, ie, ii, cur, b-a)
		tc := -1.0
		if vb >= m.theta {
			tc = m.root(v, ie, ii, cur, 0, b-a)
		} else if m.slope(v, ie, ii, cur) > 0 && m.slope(vb, ieb, iib, cur) < 0 && m.mayReach(v, ie, ii, cur) {
			// an interior maximum: locate it (V' changes sign once) and test it
			lo, hi := 0.0, b-a
			for range 200 {
				mid := 0.5 * (lo + hi)
				vm, iem, iim := m.free(v, ie, ii, cur, mid)
				if m.slope(vm, iem, iim, cur) > 0 {
					lo = mid
				} else {
					hi = mid
				}
				if hi-lo < 1e-14 {
					break
				}
			}
			if vm, _, _ := m.free(v, ie, ii, cur, hi); vm >= m.theta {
				tc = m.root(v, ie, ii, cur, 0, hi)
			}
		}
		if tc < 0 {
			v, ie, ii = vb, ieb, iib
			break
		}
		t := a + tc
		_, ie, ii = m.free(v, ie, ii, cur, tc)
		v = m.vReset
		offs = append(offs, t)
		rs := m.refsteps()
		m.RefStep[j] = step + rs
		m.RefOff[j] = t
		if rs == 0 {
			// no refractoriness: continue from the reset just after t
			a = t
			if t >= b {
				break
			}
			continue
		}
		a = t
	}
	m.V[j], m.Ie[j], m.Ii[j] = v, ie, ii
	return offs
}

// Quiet reports whether neuron j's step can be integrated by superposition
// (StepQuiet, then AddQuiet for each input jump): the neuron is not
// refractory at the start of the step and its V cannot reach θ within it,
// given the sum wPos (pA) of the positive jumps and the sum wAbs of the
// magnitudes of all jumps that arrive in the step (the bound of mayReach,
// each jump adding at most max(w, 0)·h/C_m to V).
func (m *LIFExpPrecise) Quiet(j int, step int64, cur, wPos, wAbs float64) bool {
	if rs := m.RefStep[j]; step < rs || (step == rs && m.RefOff[j] > 0) {
		return false
	}
	return !m.mayReachWith(m.V[j], m.Ie[j], m.Ii[j], cur, wPos, wAbs)
}

// CurrentTerm returns the term of a constant current cur (pA) in V's
// solution over a whole step, cur·τ_m/C_m·expm1(−h/τ_m) (mV), as StepQuiet
// takes it: a caller stepping many neurons under the same current computes
// it once.
func (m *LIFExpPrecise) CurrentTerm(cur float64) float64 {
	return float64(cur * m.P.TauMemMs / m.P.CmPF * m.step.x)
}

// StepQuiet advances neuron j through a whole step under a constant
// current whose CurrentTerm is curTerm, as if no jump arrived in it; the
// step must be Quiet. It is Advance(j, step, 0, h, cur, nil) without the
// threshold checks that Quiet has made unnecessary (the same float64
// operations: the same bits).
func (m *LIFExpPrecise) StepQuiet(j int, curTerm float64) {
	q := &m.step
	v, ie, ii := m.V[j], m.Ie[j], m.Ii[j]
	m.V[j] = float64(v*q.em) + float64(ie*q.pe) + float64(ii*q.pi) - curTerm
	m.Ie[j], m.Ii[j] = ie*q.de, ii*q.di
}

// StepQuietRange advances through step every neuron j in [lo, hi) that
// receives no jump in it (inputs[j−lo] = 0; non-zero for those that do)
// and whose step is Quiet, under the current cur (pA) shared by all, whose
// CurrentTerm is curTerm. It appends the others, ascending, to todo and
// returns it: those with jumps, and those it refuses (refractory, or
// possibly reaching θ), which must be advanced with Advance. Per neuron it
// makes Quiet's test and StepQuiet's update (the same operations: the same
// bits) without a call per neuron, and Syncs the neurons it advances.
func (m *LIFExpPrecise) StepQuietRange(lo, hi int, step int64, cur, curTerm float64, inputs, todo []int32) []int32 {
	q := &m.step
	g, theta, gTheta := m.g, m.theta, m.gTheta
	curPos, curAbs := max(cur, 0), math.Abs(cur)
	V, Ie, Ii := m.V[:hi], m.Ie[:hi], m.Ii[:hi]
	rstep, roff := m.RefStep[:hi], m.RefOff[:hi]
	v32, ie32, ii32 := m.v32[:hi], m.ie32[:hi], m.ii32[:hi]
	inputs = inputs[:hi-lo]
	for j := lo; j < hi; j++ {
		if rs := rstep[j]; inputs[j-lo] != 0 || step < rs || (step == rs && roff[j] > 0) {
			todo = append(todo, int32(j)) // jumps arrive, or refractory
			continue
		}
		v, ie, ii := V[j], Ie[j], Ii[j]
		// mayReachWith(v, ie, ii, cur, 0, 0), term by term
		vt := v
		if v < 0 {
			vt = float64(v * q.em)
		}
		ub := vt + float64((max(ie, 0)+max(ii, 0)+curPos+0)*g)
		margin := float64(1e-9*(math.Abs(v)+float64((math.Abs(ie)+math.Abs(ii)+curAbs+0)*g))) + gTheta
		if ub+margin >= theta {
			todo = append(todo, int32(j))
			continue
		}
		vn := float64(v*q.em) + float64(ie*q.pe) + float64(ii*q.pi) - curTerm
		ien, iin := ie*q.de, ii*q.di
		V[j], Ie[j], Ii[j] = vn, ien, iin
		v32[j], ie32[j], ii32[j] = float32(vn), float32(ien), float32(iin)
	}
	return todo
}

// AddQuiet adds, after StepQuiet, the effect at the end of the step of a
// jump of w pA on receptor r at offset off (ms, 0 ≤ off ≤ h): the dynamics
// are linear between spikes, so the jump's current decayed over h − off
// and its exact contribution to V (PropSyn over h − off) are added. Over a
// Quiet step this equals propagating from event to event, up to float64
// rounding, at three exponentials per jump instead of twelve.
func (m *LIFExpPrecise) AddQuiet(j, r int, off, w float64) {
	p := &m.P
	d := m.DtMs - off
	tauS := p.TauSynInMs
	if r == Exc {
		tauS = p.TauSynExMs
	}
	var ps, ds float64
	if d >= 0 && d/p.TauMemMs <= shortArg && d/tauS <= shortArg {
		ps, ds = propShort(p, d, tauS)
	} else {
		ps, ds = PropSyn(d, p.TauMemMs, tauS, p.CmPF), Exp(-d/tauS)
	}
	// products rounded (float64()) before the sums: no fused multiply-add
	m.V[j] += float64(w * ps)
	if r == Exc {
		m.Ie[j] += float64(w * ds)
	} else {
		m.Ii[j] += float64(w * ds)
	}
}

// shortArg bounds |x| for expShort and expm1Short: on [−1/16, 1/16] their
// Taylor polynomials of degree 12 are exact to float64 (the remainder is
// below 1e-22 relative), so the precise mode's intervals within a step
// (d/τ ≤ 1/16: d ≤ 0.1 ms with τ ≥ 1.6 ms) skip detmath's range reduction.
const shortArg = 1.0 / 16

// invFact[k] = 1/k!, computed once by IEEE division (the same on every
// platform).
var invFact = func() (f [13]float64) {
	f[0] = 1
	for k := 1; k < len(f); k++ {
		f[k] = f[k-1] / float64(k)
	}
	return f
}()

// expm1Short returns e^x − 1 for |x| ≤ shortArg: Σ_{k=1}^{12} x^k/k! by
// Horner's rule, every product rounded before its sum (no fused
// multiply-add: the same bits on every platform), within 2 ulp.
func expm1Short(x float64) float64 {
	p := invFact[12]
	for k := 11; k >= 1; k-- {
		p = invFact[k] + float64(p*x)
	}
	return float64(p * x)
}

// expShort returns e^x for |x| ≤ shortArg (1 + expm1Short(x)).
func expShort(x float64) float64 { return 1 + expm1Short(x) }

// propShort returns PropSyn(d, τ_m, tauS, C_m) and e^{−d/tauS} through
// expShort and expm1Short (the same formula as PropSyn); d ≥ 0 and d/τ_m
// and d/tauS at most shortArg, so |d·(1/τ_m − 1/tauS)| ≤ max(d/τ_m, d/tauS)
// is too (both terms are non-negative).
func propShort(p *LIFExpParams, d, tauS float64) (float64, float64) {
	x := d * (1/p.TauMemMs - 1/tauS)
	m, s := -d/p.TauMemMs, -d/tauS
	// expm1Short of x, m and s, their Horner chains interleaved (the same
	// operations per chain: the same bits; three independent chains keep
	// the multipliers busy: AddQuiet's path, where delegating to
	// propShortEm after expShort(m) cost 1-2 %)
	px, pm, ps := invFact[12], invFact[12], invFact[12]
	for k := 11; k >= 1; k-- {
		px = invFact[k] + float64(px*x)
		pm = invFact[k] + float64(pm*m)
		ps = invFact[k] + float64(ps*s)
	}
	e := 1.0
	if x != 0 {
		e = float64(px*x) / x
	}
	return float64(float64(d/p.CmPF*(1+float64(pm*m))) * e), 1 + float64(ps*s)
}

// propShortEm is propShort given em = expShort(−d/τ_m), which
// newPreciseProp computes once for both receptors (the same bits).
func propShortEm(p *LIFExpParams, d, tauS, em float64) (float64, float64) {
	x, s := d*(1/p.TauMemMs-1/tauS), -d/tauS
	// expm1Short of x and s, their Horner chains interleaved (the same
	// operations per chain: the same bits; independent chains keep the
	// multipliers busy)
	px, ps := invFact[12], invFact[12]
	for k := 11; k >= 1; k-- {
		px = invFact[k] + float64(px*x)
		ps = invFact[k] + float64(ps*s)
	}
	e := 1.0
	if x != 0 {
		e = float64(px*x) / x
	}
	return float64(float64(d/p.CmPF*em) * e), 1 + float64(ps*s)
}

// mayReach reports whether V may reach θ within an interval of at most one
// step from (v, ie, ii) under cur; false means it cannot, which spares the
// search for an interior maximum (dozens of exponentials) on most of the
// steps where V' changes sign. Over t ∈ [0, d], d ≤ h, each term of V(t) is
// bounded: v·e^{−t/τ_m} ≤ v (v ≥ 0) or v·e^{−h/τ_m} (v < 0); a synaptic
// current's term I·PropSyn(t) ≤ max(I, 0)·t/C_m, since PropSyn(t) ≤ t/C_m;
// the constant current's cur·τ_m/C_m·(1 − e^{−t/τ_m}) ≤ max(cur, 0)·t/C_m.
// The bound must clear θ by a margin far above the float64 rounding of the
// V that the search would compute (1e-9 relative), so that skipping the
// search never changes a result.
func (m *LIFExpPrecise) mayReach(v, ie, ii, cur float64) bool {
	return m.mayReachWith(v, ie, ii, cur, 0, 0)
}

// mayReachWith is mayReach with input jumps in the interval: wPos is the
// sum of the positive jumps (pA), wAbs the sum of all jumps' magnitudes.
func (m *LIFExpPrecise) mayReachWith(v, ie, ii, cur, wPos, wAbs float64) bool {
	vt := v
	if v < 0 {
		vt = float64(v * m.step.em)
	}
	// products rounded (float64()) before the sums, so that the decision is
	// the same on every platform (no fused multiply-add)
	g := m.g
	ub := vt + float64((max(ie, 0)+max(ii, 0)+max(cur, 0)+wPos)*g)
	margin := float64(1e-9*(math.Abs(v)+float64((math.Abs(ie)+math.Abs(ii)+math.Abs(cur)+wAbs)*g))) + m.gTheta
	return ub+margin >= m.theta
}

func (m *LIFExpPrecise) refsteps() int64 {
	return int64(math.Round(m.P.TRefMs / m.DtMs))
}

// root returns the t in (lo, hi] with V(t) = θ, given V(lo) < θ ≤ V(hi) and
// a single crossing in between: Newton's method on the exact solution, kept
// inside the shrinking bracket by bisection, until |V − θ| < 1e-12 mV or the
// bracket is below 1e-13 ms.
func (m *LIFExpPrecise) root(v, ie, ii, cur, lo, hi float64) float64 {
	t := hi
	for range 200 {
		vt, iet, iit := m.free(v, ie, ii, cur, t)
		f := vt - m.theta
		if math.Abs(f) < 1e-12 {
			return t
		}
		if f > 0 {
			hi = t
		} else {
			lo = t
		}
		if hi-lo < 1e-13 {
			return hi
		}
		d := m.slope(vt, iet, iit, cur)
		nt := t - f/d
		if !(d > 0) || !(nt > lo && nt < hi) {
			nt = 0.5 * (lo + hi)
		}
		t = nt
	}
	return hi
}

// Sync copies the float64 state of [lo, hi) to the float32 mirrors that
// VarSlice returns.
func (m *LIFExpPrecise) Sync(lo, hi int) {
	for j := lo; j < hi; j++ {
		m.v32[j], m.ie32[j], m.ii32[j] = float32(m.V[j]), float32(m.Ie[j]), float32(m.Ii[j])
	}
}

// SyncFromFloat32 copies the float32 mirrors (as written through VarSlice) to
// the float64 state.
func (m *LIFExpPrecise) SyncFromFloat32() {
	for j := range m.V {
		m.V[j], m.Ie[j], m.Ii[j] = float64(m.v32[j]), float64(m.ie32[j]), float64(m.ii32[j])
	}
}

var lifExpPreciseVars = []string{"V", "Ie", "Ii"}

// VarNames returns V (mV), Ie and Ii (pA).
func (m *LIFExpPrecise) VarNames() []string { return lifExpPreciseVars }

// VarSlice returns the float32 mirror of a state variable (updated by Sync)
// and its offset (E_L for V).
func (m *LIFExpPrecise) VarSlice(name string) ([]float32, float32, error) {
	switch name {
	case "V":
		return m.v32, float32(m.P.ELmV), nil
	case "Ie":
		return m.ie32, 0, nil
	case "Ii":
		return m.ii32, 0, nil
	}
	return nil, 0, unknownVar(m.Kind(), name, lifExpPreciseVars)
}

// SaveState writes the float64 state and the refractory bookkeeping.
func (m *LIFExpPrecise) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.Ie, m.Ii, m.RefStep, m.RefOff)
}

// LoadState reads what SaveState wrote.
func (m *LIFExpPrecise) LoadState(r io.Reader) error {
	if err := readAll(r, m.Kind(), len(m.V), m.V, m.Ie, m.Ii, m.RefStep, m.RefOff); err != nil {
		return err
	}
	m.Sync(0, len(m.V))
	return nil
}
