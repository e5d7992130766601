package neurons

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPreciseSubthreshold: event to event, the float64 state equals the
// closed form whatever the split of the interval, including τ_m = τ_syn.
func TestPreciseSubthreshold(t *testing.T) {
	for _, tauSyn := range []float64{2, 10} {
		p := DefaultLIFExp()
		p.TauSynExMs, p.TauSynInMs = tauSyn, 3
		p.VThmV = 1e6
		m, err := NewLIFExpPrecise(1, p, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		v0, ie0, ii0, cur := 3.0, 800.0, -300.0, 120.0
		m.V[0], m.Ie[0], m.Ii[0] = v0, ie0, ii0
		q := p
		q.IePA = cur
		// advance 1000 steps in uneven pieces
		pieces := []float64{0, 0.013, 0.05, 0.0999, 0.1}
		for k := range 1000 {
			for i := 1; i < len(pieces); i++ {
				m.Advance(0, int64(k), pieces[i-1], pieces[i], cur, nil)
			}
		}
		want := closedLIFExp(q, v0, ie0, ii0, 100)
		if d := math.Abs(m.V[0] - want); d > 1e-10 {
			t.Fatalf("τs=%g: V(100 ms) = %.15g, closed form %.15g (|Δ| %.2g)", tauSyn, m.V[0], want, d)
		}
	}
}

// TestPreciseSpikeAndRefractoriness: a neuron above threshold fires at the
// analytic time, is held at V_reset for exactly t_ref (off the grid), then
// fires again after t_ref + the same crossing time.
func TestPreciseSpikeAndRefractoriness(t *testing.T) {
	p := DefaultLIFExp()
	p.IePA = 500 // μ = 20 mV above rest, θ = 15
	m, _ := NewLIFExpPrecise(1, p, 0.1)
	var times []float64
	offs := make([]float64, 0, 4)
	for k := range 400 {
		offs = m.Advance(0, int64(k), 0, 0.1, p.IePA, offs[:0])
		for _, o := range offs {
			times = append(times, float64(k)*0.1+o)
		}
	}
	tc := 10 * math.Log(20.0/5)
	if len(times) < 2 || math.Abs(times[0]-tc) > 1e-9 || math.Abs(times[1]-times[0]-(2+tc)) > 1e-9 {
		t.Fatalf("spikes %v, want %g then every %g ms", times, tc, 2+tc)
	}
	var buf bytes.Buffer
	if err := m.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	m2, _ := NewLIFExpPrecise(1, p, 0.1)
	if err := m2.LoadState(&buf); err != nil || m2.V[0] != m.V[0] || m2.RefStep[0] != m.RefStep[0] {
		t.Fatalf("state round trip: %v", err)
	}
}

// TestPreciseTransientCrossing: an input that lifts V above threshold and
// lets it fall back within one interval is still detected (the interior
// maximum is checked).
func TestPreciseTransientCrossing(t *testing.T) {
	p := DefaultLIFExp()
	p.TauSynExMs, p.TRefMs = 0.5, 20
	m, err := NewLIFExpPrecise(1, p, 20)
	if err != nil {
		t.Fatal(err)
	}
	// a brief current pulse: V peaks above θ = 15 mV and has decayed far
	// below it by the end of the 20 ms interval
	v0, ie0 := 14.5, 2000.0
	if end := closedLIFExp(p, v0, ie0, 0, 20); end >= 15 {
		t.Fatalf("test set-up: V(20 ms) = %g is not below threshold", end)
	}
	m.V[0], m.Ie[0] = v0, ie0
	offs := m.Advance(0, 0, 0, 20, 0, nil)
	if len(offs) != 1 || offs[0] <= 0 || offs[0] >= 2 {
		t.Fatalf("spikes at %v, want one early in the interval", offs)
	}
	if v := closedLIFExp(p, v0, ie0, 0, offs[0]); math.Abs(v-15) > 1e-9 {
		t.Fatalf("V at the spike = %.12g, want θ = 15", v)
	}
}

// TestPreciseQuietSuperposition: over random states and input jumps, a step
// that Quiet admits is one in which propagating event to event (Advance,
// AddInput) emits no spike, and superposing the jumps (StepQuiet, AddQuiet)
// gives its end state within float64 rounding. States are drawn close to
// θ, so that Quiet must refuse many steps (a bound that refused none, or
// admitted a spiking one, fails), with τ_syn,ex = τ_m among the cases.
func TestPreciseQuietSuperposition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	// the third case is CUBA's: E_L above V_th, so θ < 0 and V < 0 decays up
	for _, c := range []struct{ tauEx, elMv float64 }{{2, -70}, {10, -70}, {5, -49}} {
		tauEx := c.tauEx
		p := DefaultLIFExp()
		p.TauSynExMs, p.TauSynInMs = tauEx, 5
		p.ELmV, p.VThmV, p.VResetmV = c.elMv, -50, -60
		const h = 0.1
		seq, err := NewLIFExpPrecise(1, p, h)
		if err != nil {
			t.Fatal(err)
		}
		sup, _ := NewLIFExpPrecise(1, p, h)
		theta := p.VThmV - p.ELmV
		admitted, refused := 0, 0
		for trial := range 20000 {
			v := theta - 3*math.Pow(rng.Float64(), 4)                                   // mostly within 0.2 mV of θ
			ie, ii := 2000*math.Pow(rng.Float64(), 3), -2000*math.Pow(rng.Float64(), 3) // often small: the jumps or the leak decide
			cur := 3000 * (rng.Float64() - 0.3) * rng.Float64()
			k := rng.IntN(4)
			offs, ws, rs := make([]float64, k), make([]float64, k), make([]int, k)
			wPos, wAbs := 0.0, 0.0
			for i := range k {
				offs[i] = h * rng.Float64()
				ws[i] = 3000 * (rng.Float64() - 0.4)
				rs[i] = Exc
				if ws[i] < 0 {
					rs[i] = Inh
				}
				wPos += max(ws[i], 0)
				wAbs += math.Abs(ws[i])
			}
			sortOffsets(offs, ws, rs)
			for _, m := range []*LIFExpPrecise{seq, sup} {
				m.V[0], m.Ie[0], m.Ii[0] = v, ie, ii
				m.RefStep[0] = math.MinInt64 / 2
			}
			step := int64(trial)
			if !sup.Quiet(0, step, cur, wPos, wAbs) {
				refused++
				continue
			}
			admitted++
			var spikes []float64
			a := 0.0
			for i := range k {
				spikes = seq.Advance(0, step, a, offs[i], cur, spikes)
				seq.AddInput(0, rs[i], ws[i])
				a = offs[i]
			}
			spikes = seq.Advance(0, step, a, h, cur, spikes)
			if len(spikes) > 0 {
				t.Fatalf("τ_ex %g, trial %d: Quiet admitted a step that spikes at %v (v %g, ie %g, ii %g, cur %g, jumps %v at %v)",
					tauEx, trial, spikes, v, ie, ii, cur, ws, offs)
			}
			sup.StepQuiet(0, sup.CurrentTerm(cur))
			for i := range k {
				sup.AddQuiet(0, rs[i], offs[i], ws[i])
			}
			for _, c := range []struct {
				name string
				a, b float64
				mag  float64
			}{{"V", seq.V[0], sup.V[0], math.Abs(v) + 1}, {"Ie", seq.Ie[0], sup.Ie[0], ie + wAbs}, {"Ii", seq.Ii[0], sup.Ii[0], -ii + wAbs}} {
				if d := math.Abs(c.a - c.b); d > 1e-13*c.mag {
					t.Fatalf("τ_ex %g, trial %d: %s event to event %.17g, superposed %.17g (|Δ| %.3g)", tauEx, trial, c.name, c.a, c.b, d)
				}
			}
		}
		if admitted < 2000 || refused < 2000 {
			t.Fatalf("τ_ex %g: Quiet admitted %d and refused %d of 20000 steps: the draws do not test both sides", tauEx, admitted, refused)
		}
		t.Logf("τ_ex %g: Quiet admitted %d, refused %d", tauEx, admitted, refused)
	}
}

// sortOffsets sorts the jumps (offs, ws, rs) by offset.
func sortOffsets(offs, ws []float64, rs []int) {
	for i := 1; i < len(offs); i++ {
		for j := i; j > 0 && offs[j] < offs[j-1]; j-- {
			offs[j], offs[j-1] = offs[j-1], offs[j]
			ws[j], ws[j-1] = ws[j-1], ws[j]
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// TestPreciseStepQuietRange: the batched step equals Quiet + StepQuiet
// neuron by neuron, bit for bit: it skips the busy neurons (some below lo),
// advances and syncs the admitted ones and lists the refused (refractory
// or possibly reaching θ) in ascending order, under positive, zero and
// negative currents.
func TestPreciseStepQuietRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := DefaultLIFExp()
	p.TauSynExMs, p.TauSynInMs = 3, 6
	const n, step = 3000, 40
	for _, cur := range []float64{250, 0, -120} {
		a, _ := NewLIFExpPrecise(n, p, 0.1)
		b, _ := NewLIFExpPrecise(n, p, 0.1)
		theta := p.VThmV - p.ELmV
		var busy []int32
		for j := range n {
			v := theta - 4*math.Pow(rng.Float64(), 3)
			ie, ii := 1500*math.Pow(rng.Float64(), 3), -1500*rng.Float64()
			a.V[j], a.Ie[j], a.Ii[j] = v, ie, ii
			b.V[j], b.Ie[j], b.Ii[j] = v, ie, ii
			switch rng.IntN(10) {
			case 0: // refractory to the step's end
				a.RefStep[j], b.RefStep[j] = step, step
				a.RefOff[j], b.RefOff[j] = 0.05, 0.05
			case 1: // refractoriness ended at the step's start
				a.RefStep[j], b.RefStep[j] = step, step
			case 2:
				busy = append(busy, int32(j))
			}
		}
		checkStepQuietRange(t, a, b, n, step, cur, busy)
		for j := range n {
			if math.Float64bits(a.V[j]) != math.Float64bits(b.V[j]) || a.Ie[j] != b.Ie[j] || a.Ii[j] != b.Ii[j] ||
				a.v32[j] != b.v32[j] || a.ie32[j] != b.ie32[j] || a.ii32[j] != b.ii32[j] {
				t.Fatalf("cur %g, neuron %d: batched (%v %v %v) and one by one (%v %v %v) differ", cur, j,
					a.V[j], a.Ie[j], a.Ii[j], b.V[j], b.Ie[j], b.Ii[j])
			}
		}
	}
}

// checkStepQuietRange runs a's StepQuietRange over [7, n−5) in step under
// the current cur, with the neurons busy (with jumps; some outside the
// range) skipped, and b's Quiet and StepQuiet (and Sync) neuron by neuron
// over the same range: the neurons left to do must be the busy ones and
// the refused ones, in ascending order, and the refused between a tenth
// and four fifths of all; the caller then compares the two models' states.
func checkStepQuietRange(t *testing.T, a, b Precise, n int, step int64, cur float64, busy []int32) {
	t.Helper()
	lo, hi := 7, n-5
	ct := a.CurrentTerm(cur)
	inputs := make([]int32, hi-lo)
	for _, j := range busy {
		if int(j) >= lo && int(j) < hi {
			inputs[int(j)-lo] = 1 + j%3 // any count > 0
		}
	}
	todo := a.StepQuietRange(lo, hi, step, cur, ct, inputs, []int32{-1})
	var want []int32
	refused := 0
	for j := lo; j < hi; j++ {
		if slices.Contains(busy, int32(j)) {
			want = append(want, int32(j))
			continue
		}
		if !b.Quiet(j, step, cur, 0, 0) {
			want = append(want, int32(j))
			refused++
			continue
		}
		b.StepQuiet(j, ct)
		b.Sync(j, j+1)
	}
	if todo[0] != -1 || !slices.Equal(todo[1:], want) {
		t.Fatalf("cur %g: %d left to do, want %d (busy and Quiet's refused), appended", cur, len(todo)-1, len(want))
	}
	if refused < n/10 || refused > n-n/5 {
		t.Fatalf("cur %g: %d of %d refused: the draws do not test both sides", cur, refused, n)
	}
}

// TestExpShort: on [−1/16, 1/16] the precise mode's Taylor exp and expm1
// are within 2 ulp of math.Exp and math.Expm1 (themselves within 1 ulp),
// down to |x| = 1e-300, and exact at 0.
func TestExpShort(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	ulp := func(y float64) float64 { return math.Nextafter(math.Abs(y), math.Inf(1)) - math.Abs(y) }
	for i := range 200000 {
		x := shortArg * (2*rng.Float64() - 1)
		if i%4 == 0 {
			x *= math.Pow(10, -300*rng.Float64()) // small magnitudes too
		}
		if d := math.Abs(expm1Short(x) - math.Expm1(x)); d > 2*ulp(math.Expm1(x)) {
			t.Fatalf("expm1Short(%.17g) = %.17g, math.Expm1 %.17g (%.2g ulp)", x, expm1Short(x), math.Expm1(x), d/ulp(math.Expm1(x)))
		}
		if d := math.Abs(expShort(x) - math.Exp(x)); d > 2*ulp(math.Exp(x)) {
			t.Fatalf("expShort(%.17g) = %.17g, math.Exp %.17g (%.2g ulp)", x, expShort(x), math.Exp(x), d/ulp(math.Exp(x)))
		}
	}
	if expm1Short(0) != 0 || expShort(0) != 1 {
		t.Fatalf("expm1Short(0) = %v, expShort(0) = %v", expm1Short(0), expShort(0))
	}
}

// TestPropShortChains: propShort's interleaved Horner chains (and
// propShortEm's, given expShort(−d/τ_m)) give exactly the bits of PropSyn's
// formula through expm1Short and expShort, and stay
// within 1e-15 relative (a few ulp) of PropSyn itself (detmath's exp).
func TestPropShortChains(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	p := DefaultLIFExp()
	for range 100000 {
		p.TauMemMs = 2 + 30*rng.Float64()
		tauS := 1.6 + 30*rng.Float64()
		if rng.IntN(10) == 0 {
			tauS = p.TauMemMs // the limit form
		}
		d := min(p.TauMemMs, tauS) / 16 * rng.Float64()
		x := d * (1/p.TauMemMs - 1/tauS)
		e := 1.0
		if x != 0 {
			e = expm1Short(x) / x
		}
		wantP, wantD := float64(float64(d/p.CmPF*expShort(-d/p.TauMemMs))*e), expShort(-d/tauS)
		gotP, gotD := propShort(&p, d, tauS)
		if gotP != wantP || gotD != wantD {
			t.Fatalf("d %v, τ_m %v, τ_s %v: propShort (%v, %v), one chain at a time (%v, %v)", d, p.TauMemMs, tauS, gotP, gotD, wantP, wantD)
		}
		if emP, emD := propShortEm(&p, d, tauS, expShort(-d/p.TauMemMs)); emP != wantP || emD != wantD {
			t.Fatalf("d %v, τ_m %v, τ_s %v: propShortEm (%v, %v), one chain at a time (%v, %v)", d, p.TauMemMs, tauS, emP, emD, wantP, wantD)
		}
		if ref := PropSyn(d, p.TauMemMs, tauS, p.CmPF); math.Abs(gotP-ref) > 1e-15*ref {
			t.Fatalf("d %v, τ_m %v, τ_s %v: propShort %v, PropSyn %v", d, p.TauMemMs, tauS, gotP, ref)
		}
	}
}
