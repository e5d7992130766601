package neurons

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// closedLIFDelta returns V(t) = V∞ + (v − V∞)·e^{−t/τ_m} (relative to E_L)
// under the constant current cur, in math's float64.
func closedLIFDelta(p LIFDeltaParams, v, cur, t float64) float64 {
	vinf := cur * p.TauMemMs / p.CmPF
	return vinf + (v-vinf)*math.Exp(-t/p.TauMemMs)
}

// TestPreciseDeltaSubthreshold: event to event, V equals the closed form
// whatever the split of the interval, under positive and negative
// currents.
func TestPreciseDeltaSubthreshold(t *testing.T) {
	for _, cur := range []float64{330, -200} {
		p := DefaultLIFDelta()
		p.VThmV = 1e6
		m, err := NewLIFDeltaPrecise(1, p, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		v0 := 3.0
		m.V[0] = v0
		pieces := []float64{0, 0.013, 0.05, 0.0999, 0.1}
		for k := range 1000 {
			for i := 1; i < len(pieces); i++ {
				m.Advance(0, int64(k), pieces[i-1], pieces[i], cur, nil)
			}
		}
		if want := closedLIFDelta(p, v0, cur, 100); math.Abs(m.V[0]-want) > 1e-12 {
			t.Fatalf("cur %g: V(100 ms) = %.15g, closed form %.15g", cur, m.V[0], want)
		}
	}
}

// TestPreciseDeltaCurrentCrossings: under a constant current above the
// rheobase the neuron fires at the analytic times, τ_m ln(V∞/(V∞ − θ))
// from rest and then every t_ref + τ_m ln((V∞ − V_r)/(V∞ − θ)), with
// t_ref exact off the grid; the state survives SaveState and LoadState.
func TestPreciseDeltaCurrentCrossings(t *testing.T) {
	p := DefaultLIFDelta() // θ 15 mV above rest, V_r at rest, t_ref 2 ms
	p.VResetmV, p.IePA = -65, 500
	vinf := p.IePA * p.TauMemMs / p.CmPF // 20 mV
	m, err := NewLIFDeltaPrecise(1, p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	var times []float64
	offs := make([]float64, 0, 4)
	for k := range 1000 {
		offs = m.Advance(0, int64(k), 0, 0.1, p.IePA, offs[:0])
		for _, o := range offs {
			times = append(times, float64(k)*0.1+o)
		}
	}
	first := p.TauMemMs * math.Log(vinf/(vinf-15))
	isi := p.TRefMs + p.TauMemMs*math.Log((vinf-5)/(vinf-15))
	if len(times) < 5 {
		t.Fatalf("%d spikes", len(times))
	}
	for i, x := range times {
		if want := first + float64(i)*isi; math.Abs(x-want) > 1e-11 {
			t.Fatalf("spike %d at %.12f ms, analytic %.12f", i, x, want)
		}
	}
	var buf bytes.Buffer
	if err := m.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	m2, _ := NewLIFDeltaPrecise(1, p, 0.1)
	if err := m2.LoadState(&buf); err != nil || m2.V[0] != m.V[0] || m2.RefStep[0] != m.RefStep[0] ||
		m2.RefOff[0] != m.RefOff[0] || m2.v32[0] != float32(m.V[0]) {
		t.Fatalf("state round trip: %v", err)
	}
}

// TestPreciseDeltaJumps: a jump that takes V to θ fires the neuron at its
// own time; jumps arriving while it is refractory are discarded, one at
// the very offset where the refractory period ends counts; jumps at one
// offset are summed before the threshold test (an excitatory and an
// inhibitory one together do not fire it).
func TestPreciseDeltaJumps(t *testing.T) {
	p := DefaultLIFDelta() // θ 15 mV above rest, t_ref 2 ms = 20 steps
	m, err := NewLIFDeltaPrecise(1, p, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	m.V[0] = 14
	var offs []float64
	// step 0: +0.5 mV at 0.03 ms (V ≈ 14.46), +0.7 mV at 0.0731 ms (≈ 15.1): fires there
	offs = m.Advance(0, 0, 0, 0.03, 0, offs)
	m.Receive(0, 0, 0.03, 0, 0.5)
	offs = m.Fire(0, 0, 0.03, offs)
	offs = m.Advance(0, 0, 0.03, 0.0731, 0, offs)
	m.Receive(0, 0, 0.0731, 0, 0.7)
	offs = m.Fire(0, 0, 0.0731, offs)
	if !slices.Equal(offs, []float64{0.0731}) || m.V[0] != 0 || m.RefStep[0] != 20 || m.RefOff[0] != 0.0731 {
		t.Fatalf("spikes %v, V %g, refractory to step %d + %g ms; want one at 0.0731", offs, m.V[0], m.RefStep[0], m.RefOff[0])
	}
	offs = m.Advance(0, 0, 0.0731, 0.1, 0, offs[:0])
	// a 20 mV jump in step 20 before the refractory period ends is lost ...
	for k := int64(1); k < 20; k++ {
		offs = m.Advance(0, k, 0, 0.1, 0, offs)
	}
	offs = m.Advance(0, 20, 0, 0.05, 0, offs)
	m.Receive(0, 20, 0.05, 0, 20)
	offs = m.Fire(0, 20, 0.05, offs)
	if len(offs) != 0 || m.V[0] != 0 {
		t.Fatalf("refractory: spikes %v, V %g", offs, m.V[0])
	}
	// ... one at its end counts
	offs = m.Advance(0, 20, 0.05, 0.0731, 0, offs)
	m.Receive(0, 20, 0.0731, 0, 20)
	offs = m.Fire(0, 20, 0.0731, offs)
	if !slices.Equal(offs, []float64{0.0731}) {
		t.Fatalf("at the end of the refractory period: spikes %v, want one at 0.0731", offs)
	}
	// simultaneous +1 and −1 mV at 14.5 mV: summed, no spike
	m2, _ := NewLIFDeltaPrecise(1, p, 0.1)
	m2.V[0] = 14.5
	o := m2.Advance(0, 0, 0, 0.05, 0, nil)
	m2.Receive(0, 0, 0.05, 0, 1)
	m2.Receive(0, 0, 0.05, 0, -1)
	if o = m2.Fire(0, 0, 0.05, o); len(o) != 0 {
		t.Fatalf("simultaneous ±1 mV fired at %v", o)
	}
}

// TestPreciseDeltaInitialAboveThreshold: a neuron that starts a run at or
// above θ fires at offset 0 of its first step and is then refractory.
func TestPreciseDeltaInitialAboveThreshold(t *testing.T) {
	m, _ := NewLIFDeltaPrecise(1, DefaultLIFDelta(), 0.1)
	m.V[0] = 15
	if m.Quiet(0, 0, 0, 0, 0) {
		t.Fatal("Quiet admitted a neuron at θ")
	}
	offs := m.Advance(0, 0, 0, 0.1, 0, nil)
	if !slices.Equal(offs, []float64{0}) || m.V[0] != 0 || m.RefStep[0] != 20 {
		t.Fatalf("spikes %v, V %g, RefStep %d", offs, m.V[0], m.RefStep[0])
	}
}

// TestPreciseDeltaQuietSuperposition: over random states, currents and
// jumps drawn close to θ, a step that Quiet admits is one in which the
// event-to-event path emits no spike, and StepQuiet + AddQuiet give its end
// state within float64 rounding; Quiet must refuse many steps and admit
// many (a bound that refused all, or admitted a spiking step, fails).
func TestPreciseDeltaQuietSuperposition(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	for _, c := range []struct{ tau, h, theta float64 }{
		{20, 0.1, 20},  // Brunel's
		{1, 0.1, 20},   // the detmath branch of expm1
		{20, 1, 20},    // a long step: expm1Short
		{20, 0.1, -3},  // θ below rest: V < 0 rises towards it
		{5, 0.5, -0.2}, // and close to rest
	} {
		tau, h := c.tau, c.h
		p := BrunelLIFDelta()
		p.TauMemMs, p.TRefMs, p.VThmV, p.VResetmV = tau, 2*h, c.theta, c.theta-10
		seq, err := NewLIFDeltaPrecise(1, p, h)
		if err != nil {
			t.Fatal(err)
		}
		sup, _ := NewLIFDeltaPrecise(1, p, h)
		admitted, refused := 0, 0
		for trial := range 20000 {
			v := c.theta - 3*math.Pow(rng.Float64(), 4)
			cur := 600 * (rng.Float64() - 0.3) * h / 0.1
			k := rng.IntN(6)
			offs, ws := make([]float64, k), make([]float64, k)
			wPos, wAbs := 0.0, 0.0
			for i := range k {
				offs[i] = h * rng.Float64()
				ws[i] = rng.Float64() - 0.4
				wPos += max(ws[i], 0)
				wAbs += math.Abs(ws[i])
			}
			rs := make([]int, k)
			sortOffsets(offs, ws, rs)
			for _, m := range []*LIFDeltaPrecise{seq, sup} {
				m.V[0] = v
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
				seq.Receive(0, step, offs[i], 0, ws[i])
				spikes = seq.Fire(0, step, offs[i], spikes)
				a = offs[i]
			}
			spikes = seq.Advance(0, step, a, h, cur, spikes)
			if len(spikes) > 0 {
				t.Fatalf("τ %g, trial %d: Quiet admitted a step that spikes at %v", tau, trial, spikes)
			}
			sup.StepQuiet(0, sup.CurrentTerm(cur))
			for i := range k {
				sup.AddQuiet(0, 0, offs[i], ws[i])
			}
			if d := math.Abs(seq.V[0] - sup.V[0]); d > 1e-13*(math.Abs(v)+wAbs+1) {
				t.Fatalf("τ %g, trial %d: V event to event %.17g, superposed %.17g", tau, trial, seq.V[0], sup.V[0])
			}
		}
		if admitted < 2000 || refused < 2000 {
			t.Fatalf("τ %g: Quiet admitted %d and refused %d: the draws do not test both sides", tau, admitted, refused)
		}
	}
}

// TestPreciseDeltaStepQuietRange: the batched step equals Quiet +
// StepQuiet neuron by neuron, bit for bit, skipping the busy neurons and
// listing the refused in ascending order, under positive, zero and
// negative currents.
func TestPreciseDeltaStepQuietRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	p := BrunelLIFDelta()
	const n, step = 3000, 40
	for _, cur := range []float64{250, 0, -120} {
		a, _ := NewLIFDeltaPrecise(n, p, 0.1)
		b, _ := NewLIFDeltaPrecise(n, p, 0.1)
		var busy []int32
		for j := range n {
			v := 20.3 - 4*math.Pow(rng.Float64(), 3) // some above θ = 20 mV
			a.V[j], b.V[j] = v, v
			switch rng.IntN(10) {
			case 0:
				a.RefStep[j], b.RefStep[j] = step, step
				a.RefOff[j], b.RefOff[j] = 0.05, 0.05
			case 1:
				a.RefStep[j], b.RefStep[j] = step, step
			case 2:
				busy = append(busy, int32(j))
			}
		}
		checkStepQuietRange(t, a, b, n, step, cur, busy)
		for j := range n {
			if math.Float64bits(a.V[j]) != math.Float64bits(b.V[j]) || a.v32[j] != b.v32[j] {
				t.Fatalf("cur %g, neuron %d: batched %v, one by one %v", cur, j, a.V[j], b.V[j])
			}
		}
	}
}

// TestPreciseDeltaStepQuietIsAdvance: StepQuiet gives the bits of Advance
// over a whole step.
func TestPreciseDeltaStepQuietIsAdvance(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	p := BrunelLIFDelta()
	a, _ := NewLIFDeltaPrecise(1, p, 0.1)
	b, _ := NewLIFDeltaPrecise(1, p, 0.1)
	for range 10000 {
		v, cur := 19*rng.Float64()-5, 300*(rng.Float64()-0.5)
		a.V[0], b.V[0] = v, v
		a.Advance(0, 0, 0, 0.1, cur, nil)
		b.StepQuiet(0, b.CurrentTerm(cur))
		if math.Float64bits(a.V[0]) != math.Float64bits(b.V[0]) {
			t.Fatalf("v %v, cur %v: Advance %v, StepQuiet %v", v, cur, a.V[0], b.V[0])
		}
	}
}

// TestExpm1Tiny: on [−1/128, 1/128] the degree-7 polynomial is within 2
// ulp of math.Expm1, down to |x| = 1e-300, and exact at 0.
func TestExpm1Tiny(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 19))
	ulp := func(y float64) float64 { return math.Nextafter(math.Abs(y), math.Inf(1)) - math.Abs(y) }
	for i := range 200000 {
		x := tinyArg * (2*rng.Float64() - 1)
		if i%4 == 0 {
			x *= math.Pow(10, -300*rng.Float64())
		}
		if d := math.Abs(expm1Tiny(x) - math.Expm1(x)); d > 2*ulp(math.Expm1(x)) {
			t.Fatalf("expm1Tiny(%.17g) = %.17g, math.Expm1 %.17g (%.2g ulp)", x, expm1Tiny(x), math.Expm1(x), d/ulp(math.Expm1(x)))
		}
	}
	if expm1Tiny(0) != 0 {
		t.Fatal("expm1Tiny(0) != 0")
	}
}

// TestPreciseDeltaValidation: precise mode needs a refractory period of at
// least one step (as NEST's iaf_psc_delta_ps); the error names TRefMs.
func TestPreciseDeltaValidation(t *testing.T) {
	p := DefaultLIFDelta()
	p.TRefMs = 0
	if _, err := NewLIFDeltaPrecise(1, p, 0.1); err == nil || !bytes.Contains([]byte(err.Error()), []byte("TRefMs")) {
		t.Fatalf("t_ref 0: err = %v", err)
	}
	p.TRefMs = 0.25
	if _, err := NewLIFDeltaPrecise(1, p, 0.1); err == nil {
		t.Fatal("t_ref 0.25 ms with a 0.1 ms step: no error")
	}
}
