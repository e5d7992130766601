package kernel_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// preciseNet is a small recurrent network in precise mode.
func preciseNet(t testing.TB) kernel.Spec {
	p := map[string]float64{"tau_syn_ex_ms": 2, "tau_syn_in_ms": 3}
	return kernel.Spec{
		Precise: true, Seed: 5,
		Populations: []kernel.PopulationSpec{
			{Name: "E", N: 200, Sign: 1, Params: p, VInit: kernel.Dist{Dist: "uniform", Low: -70, High: -55}},
			{Name: "I", N: 50, Sign: -1, Params: p, VInit: kernel.Dist{Dist: "uniform", Low: -70, High: -55}},
		},
		Projections: []kernel.ProjectionSpec{
			{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.1}, Weights: synapses.Weights{Value: 40}, DelayMs: 1, DelayMaxMs: 2},
			{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.1}, Weights: synapses.Weights{Value: 40}, DelayMs: 1},
			{Source: "I", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2}, Weights: synapses.Weights{Value: 100}, DelayMs: 0.5},
		},
		Devices: []kernel.DeviceSpec{
			{Kind: "dc", Target: "E", AmplitudePA: 390},
			{Kind: "dc", Target: "I", AmplitudePA: 380},
			{Kind: "spike_source", Target: "E", Neurons: []int{3, 4}, SpikeTimesMs: []float64{1.2345, 17.77}, Weight: 300},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}, {Kind: "spikes", Population: "I"}},
	}
}

// TestPreciseWorkersIdentical: precise-mode spike times do not depend on
// the number of workers (lif_exp: preciseNet; lif_delta: preciseBrunel;
// both, with every kind of input: preciseMixed).
func TestPreciseWorkersIdentical(t *testing.T) {
	for name, s := range map[string]kernel.Spec{"lif_exp": preciseNet(t), "lif_delta": preciseBrunel(t), "mixed": preciseMixed(t)} {
		ref := spikesOf(t, s, 1, 100)
		if len(ref["spikes:E"].IDs) == 0 {
			t.Fatalf("%s: no spikes", name)
		}
		for _, w := range []int{2, 3} {
			got := spikesOf(t, s, w, 100)
			for k := range ref {
				if !slices.Equal(got[k].IDs, ref[k].IDs) || !slices.Equal(got[k].TimesMs, ref[k].TimesMs) {
					t.Fatalf("%s, workers=%d %s: spikes differ", name, w, k)
				}
			}
		}
	}
}

// singleNeuron returns a precise-mode spec of one NEST-default iaf_psc_exp
// neuron with constant current iePA and input spikes (weights in pA).
func singleNeuron(dt, iePA float64, precise bool, inputs []float64, w float64) kernel.Spec {
	s := kernel.Spec{DtMs: dt, Precise: precise,
		Populations: []kernel.PopulationSpec{{Name: "N", N: 1,
			Params: map[string]float64{"i_e_pa": iePA, "v_reset_mv": -70, "tau_syn_ex_ms": 2, "tau_syn_in_ms": 2}}},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "N"}},
	}
	if inputs != nil {
		s.Devices = []kernel.DeviceSpec{{Kind: "spike_source", Target: "N", SpikeTimesMs: inputs, Weight: w}}
	}
	return s
}

// TestPreciseAnalyticRate: under constant current the precise mode fires at
// the analytic LIF rate 1/T, T = t_ref + τ_m ln((μ − V_reset)/(μ − θ)), within
// 0.1 % from 5 to 200 Hz (NEST's Siegert-test parameters: τ_m 10 ms, t_ref
// 2 ms, θ 15 mV and V_reset 0 above rest, C_m 250 pF).
func TestPreciseAnalyticRate(t *testing.T) {
	tauM, tRef, theta, c := 10.0, 2.0, 15.0, 250.0
	for _, rate := range []float64{5, 10, 20, 50, 100, 200} {
		x := (1000/rate - tRef) / tauM
		mu := math.Exp(x) * theta / math.Expm1(x)
		T := tRef + tauM*math.Log(mu/(mu-theta))
		s := singleNeuron(0.1, mu*c/tauM, true, nil, 0)
		ms := math.Ceil(11*T/0.1) * 0.1
		sp := spikesOf(t, s, 1, ms)["spikes:N"]
		if len(sp.TimesMs) < 10 {
			t.Fatalf("rate %g: %d spikes", rate, len(sp.TimesMs))
		}
		n := len(sp.TimesMs)
		got := (sp.TimesMs[n-1] - sp.TimesMs[0]) / float64(n-1)
		if rel := math.Abs(got-T) / T; rel > 1e-3 {
			t.Errorf("rate %g Hz: mean ISI %.6f ms, analytic %.6f (%.2g relative)", rate, got, T, rel)
		}
		// the first spike, from rest, at τ_m ln(μ/(μ − θ))
		// (near the rheobase the slope at θ is tiny, so float64 rounding of V
		// moves the crossing by up to ~1e-7·T)
		if first := tauM * math.Log(mu/(mu-theta)); math.Abs(sp.TimesMs[0]-first) > 1e-6*T {
			t.Errorf("rate %g Hz: first spike %.9f ms, analytic %.9f", rate, sp.TimesMs[0], first)
		}
	}
}

// TestPreciseConvergence: spike times of a neuron driven by a current and
// off-grid input spikes do not depend on the step (the integration is exact
// and crossings are found by root finding): dt = 0.1 agrees with dt = 0.01
// to ≤ 1e-6 ms, far better than second order.
func TestPreciseConvergence(t *testing.T) {
	inputs := []float64{1.03, 3.337, 3.4, 8.91, 12.345, 12.3451, 20.2, 33.07, 40.001, 51.5, 63.33, 70.07, 88.8}
	run := func(dt float64) []float64 {
		return spikesOf(t, singleNeuron(dt, 420, true, inputs, 600), 1, 100)["spikes:N"].TimesMs
	}
	ref := run(0.01)
	if len(ref) < 5 {
		t.Fatalf("%d spikes", len(ref))
	}
	for _, dt := range []float64{0.1, 0.05, 0.025} {
		got := run(dt)
		if len(got) != len(ref) {
			t.Fatalf("dt=%g: %d spikes, want %d", dt, len(got), len(ref))
		}
		for i := range ref {
			if d := math.Abs(got[i] - ref[i]); d > 1e-6 {
				t.Errorf("dt=%g spike %d: %.9f vs %.9f (|Δ| %.2g ms)", dt, i, got[i], ref[i], d)
			}
		}
	}
	// the grid mode is off by up to dt
	grid := spikesOf(t, singleNeuron(0.1, 420, false, inputs, 600), 1, 100)["spikes:N"].TimesMs
	if len(grid) == 0 || math.Abs(grid[0]-ref[0]) > 0.1+1e-9 {
		t.Fatalf("grid first spike %v vs precise %v", grid, ref[0])
	}
}

// TestPreciseDCExact: in precise mode dc and step_current amplitudes act
// exactly (summed with I_e in float64): a lif_exp or lif_delta neuron
// driven by a dc device, or a step_current from t = 0, of 376.123456789 pA
// (not a float32; just above both models' 375 pA rheobase) fires at the
// bit-identical times of one whose I_e is that current (float32 rounding
// of it moves them by ~1e-4 ms).
func TestPreciseDCExact(t *testing.T) {
	const amp = 376.123456789
	for _, model := range []string{"lif_exp", "lif_delta"} {
		spec := func(ie float64, dev ...kernel.DeviceSpec) kernel.Spec {
			s := singleNeuron(0.1, ie, true, nil, 0)
			if model == "lif_delta" {
				s = deltaNeuron(0.1, ie, true, nil, nil, 0)
			}
			s.Devices = append(s.Devices, dev...)
			return s
		}
		want := spikesOf(t, spec(amp), 1, 300)["spikes:N"].TimesMs
		if len(want) < 5 {
			t.Fatalf("%s: %d spikes", model, len(want))
		}
		for _, dev := range []kernel.DeviceSpec{
			{Kind: "dc", Target: "N", AmplitudePA: amp},
			{Kind: "step_current", Target: "N", TimesMs: []float64{0}, AmplitudesPA: []float64{amp}},
		} {
			got := spikesOf(t, spec(0, dev), 1, 300)["spikes:N"].TimesMs
			if !slices.Equal(got, want) {
				t.Fatalf("%s, %s of %v pA: spikes %v, want I_e's %v", model, dev.Kind, amp, got, want)
			}
		}
	}
}

// TestPreciseIeExactWithDevices: in precise mode a population's I_e acts in
// float64 whether or not a current device drives the population: a dc
// device that switches on only after the run leaves every spike time
// bit-identical (it once folded I_e into the devices' float32 buffer,
// moving the first spike of this neuron by 5.5e-5 ms).
func TestPreciseIeExactWithDevices(t *testing.T) {
	base := singleNeuron(0.1, 376.1, true, nil, 0)
	with := singleNeuron(0.1, 376.1, true, nil, 0)
	with.Devices = []kernel.DeviceSpec{{Kind: "dc", Target: "N", AmplitudePA: 100, StartMs: 10000}}
	a, b := spikesOf(t, base, 1, 300)["spikes:N"], spikesOf(t, with, 1, 300)["spikes:N"]
	if len(a.TimesMs) < 5 || len(a.TimesMs) != len(b.TimesMs) {
		t.Fatalf("%d spikes without the device, %d with it", len(a.TimesMs), len(b.TimesMs))
	}
	for i := range a.TimesMs {
		if a.TimesMs[i] != b.TimesMs[i] {
			t.Fatalf("spike %d at %.17g ms without the device, %.17g with it", i, a.TimesMs[i], b.TimesMs[i])
		}
	}
}

// TestPreciseSourceOffsetAtStepEnd: a spike_source time within 1e-9·dt past
// a grid point (0.30000000000000004 at dt 0.1 is 0.3 in float64 arithmetic
// noise) acts at that grid point, the end of the step: the same spikes as
// at 0.3 exactly, within 1e-12 ms (the offsets themselves:
// TestSpikeSourceOffsetsWithinStep).
func TestPreciseSourceOffsetAtStepEnd(t *testing.T) {
	in := func(tm float64) kernel.Spec {
		s := singleNeuron(0.1, 300, true, []float64{tm, 2 * tm, 10 * tm}, 900)
		s.Recorders = append(s.Recorders, kernel.RecorderSpec{Kind: "state", Population: "N", Variable: "V"})
		return s
	}
	x, y := 0.1, 0.2 // variables: a constant 0.1 + 0.2 is exactly 0.3
	a, b := spikesOf(t, in(0.3), 1, 100)["spikes:N"], spikesOf(t, in(x+y), 1, 100)["spikes:N"]
	if x+y == 0.3 {
		t.Fatal("0.1 + 0.2 == 0.3 in float64: the test needs a time just past the grid point")
	}
	if len(a.TimesMs) == 0 || len(a.TimesMs) != len(b.TimesMs) {
		t.Fatalf("%d spikes with inputs at 0.3 ms, %d at 0.1+0.2 ms", len(a.TimesMs), len(b.TimesMs))
	}
	for i := range a.TimesMs {
		if d := math.Abs(a.TimesMs[i] - b.TimesMs[i]); d > 1e-12 {
			t.Fatalf("spike %d: %.17g ms with inputs at 0.3, %.17g at 0.1+0.2 (|Δ| %.3g)", i, a.TimesMs[i], b.TimesMs[i], d)
		}
	}
}

// TestPrecisePoisson: a Poisson device in precise mode is a Poisson process
// in continuous time. On neurons that cannot fire (V_th out of reach), the
// excitatory current's stationary mean and variance are shot noise's,
// ν·w·τ_s and ν·w²·τ_s/2, within 0.5 % and 3 % (about 9 and 5 standard
// errors; 500 neurons, frames every 10 ms over 1 s after 50 ms); the
// counts per step equal the grid mode's (the
// same seed: the grid's mean current exceeds it by exactly the step-end
// factor); the states are identical for 1 and 3 workers; and the offsets
// are off the grid (V at the step ends differs from the grid mode's).
func TestPrecisePoisson(t *testing.T) {
	const rate, w, tauS = 8000.0, 25.0, 4.0
	spec := func(precise bool, workers int) kernel.Spec {
		return kernel.Spec{Precise: precise, Seed: 11, Workers: workers,
			Populations: []kernel.PopulationSpec{{Name: "N", N: 500,
				Params: map[string]float64{"tau_syn_ex_ms": tauS, "v_th_mv": 1e6}}},
			Devices: []kernel.DeviceSpec{{Kind: "poisson", Target: "N", RateHz: rate, Weight: w}},
			Recorders: []kernel.RecorderSpec{
				{Name: "Ie", Kind: "state", Population: "N", Variable: "Ie", IntervalMs: 10},
				{Name: "V", Kind: "state", Population: "N", Variable: "V", IntervalMs: 10}},
		}
	}
	run := func(s kernel.Spec) (ie, v [][]float32) {
		net, err := kernel.New(s)
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		if err := net.Run(1050); err != nil {
			t.Fatal(err)
		}
		rows := func(m *kernel.FrameMemory) [][]float32 {
			var out [][]float32
			for i := range m.TimesMs {
				out = append(out, m.Data[i*m.Width:(i+1)*m.Width])
			}
			return out
		}
		return rows(net.Recorder("Ie").Frames()), rows(net.Recorder("V").Frames())
	}
	ie, v := run(spec(true, 1))
	var n, sum, sum2 float64
	for _, f := range ie[5:] {
		for _, x := range f {
			n++
			sum += float64(x)
			sum2 += float64(x) * float64(x)
		}
	}
	mean := sum / n
	variance := sum2/n - mean*mean
	wantMean, wantVar := rate/1000*w*tauS, rate/1000*w*w*tauS/2
	if math.Abs(mean/wantMean-1) > 0.005 || math.Abs(variance/wantVar-1) > 0.03 {
		t.Fatalf("I_ex mean %.4g pA (shot noise %.4g), variance %.4g pA² (%.4g)", mean, wantMean, variance, wantVar)
	}
	t.Logf("I_ex mean %.4g pA (theory %.4g), variance %.4g pA² (theory %.4g)", mean, wantMean, variance, wantVar)
	ie3, v3 := run(spec(true, 3))
	for i := range ie {
		for j := range ie[i] {
			if ie[i][j] != ie3[i][j] || v[i][j] != v3[i][j] {
				t.Fatalf("frame %d, neuron %d: 1 worker (%v, %v), 3 workers (%v, %v)", i, j, ie[i][j], v[i][j], ie3[i][j], v3[i][j])
			}
		}
	}
	ieGrid, vGrid := run(spec(false, 1))
	same := 0
	for j := range v[len(v)-1] {
		if v[len(v)-1][j] == vGrid[len(v)-1][j] {
			same++
		}
	}
	if same > 10 {
		t.Fatalf("%d of 500 neurons end with the grid mode's V: the offsets do not act", same)
	}
	// The same counts: on the grid every spike of a step acts at its end, so
	// I_ex sampled at step ends is higher on average by the factor
	// (h/τ_s)/(1 − e^{−h/τ_s}) (1.0125 here) that a uniform offset removes;
	// the precise mean times that factor must equal the grid's closely,
	// since both see the same spikes per step.
	var gSum float64
	for _, f := range ieGrid[5:] {
		for _, x := range f {
			gSum += float64(x)
		}
	}
	h := 0.1
	factor := (h / tauS) / -math.Expm1(-h/tauS)
	if d := math.Abs(gSum/sum/factor - 1); d > 1e-3 {
		t.Fatalf("mean I_ex precise %.6g, grid %.6g pA: ratio %.6g, want %.6g (the same counts)", sum/n, gSum/n, gSum/sum, factor)
	}
	t.Logf("mean I_ex grid/precise %.6g, the step-end factor %.6g", gSum/sum, factor)
}

// preciseBrunel is the brunel preset at 1,250 neurons in precise mode
// (lif_delta, NEST's iaf_psc_delta_ps; Poisson input at off-grid times),
// with currents above the rheobase, so that neurons also cross under the
// current: I_e 255 pA in E (V∞ 20.4 mV, θ 20 mV; one current for the
// population) and a dc device of 180 pA on half of I (V∞ 14.4 mV; a
// current per neuron).
func preciseBrunel(t testing.TB) kernel.Spec {
	s, err := kernel.Preset("brunel", kernel.PresetOptions{N: 1250, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Precise = true
	s.Populations[0].Params["i_e_pa"] = 255
	half := make([]int, 0, 125)
	for j := 0; j < 250; j += 2 {
		half = append(half, j)
	}
	s.Devices = append(s.Devices, kernel.DeviceSpec{Kind: "dc", Target: "I", Neurons: half, AmplitudePA: 180})
	return s
}

// preciseDeltaGolden is TestPreciseDeltaGolden's checksum.
const preciseDeltaGolden = 0x879ae0fc12a2afe7

// TestPreciseDeltaGolden pins the state and spikes of preciseBrunel after
// 80 ms to a checksum: the same bits on every architecture.
func TestPreciseDeltaGolden(t *testing.T) {
	checkGolden(t, preciseBrunel(t), 80, nil, 1000, preciseDeltaGolden)
}

// deltaNeuron returns a precise-mode spec of one lif_delta neuron (θ 15 mV
// above rest, V_reset 5 mV above it, t_ref 2 ms) with constant current
// iePA and input spikes of w mV (and of −w mV at inhTimes).
func deltaNeuron(dt, iePA float64, precise bool, inputs, inhTimes []float64, w float64) kernel.Spec {
	s := kernel.Spec{DtMs: dt, Precise: precise,
		Populations: []kernel.PopulationSpec{{Name: "N", N: 1, Model: "lif_delta",
			Params: map[string]float64{"i_e_pa": iePA, "v_reset_mv": -65}}},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "N"}},
	}
	if inputs != nil {
		s.Devices = append(s.Devices, kernel.DeviceSpec{Kind: "spike_source", Target: "N", SpikeTimesMs: inputs, Weight: w})
	}
	if inhTimes != nil {
		s.Devices = append(s.Devices, kernel.DeviceSpec{Kind: "spike_source", Target: "N", SpikeTimesMs: inhTimes, Weight: -w})
	}
	return s
}

// TestPreciseDeltaConvergence: spike times of a lif_delta neuron driven by
// a current (V∞ 16 mV, above θ: crossings under it) and off-grid jumps do not depend on the
// step: dt = 0.1, 0.05 and 0.025 ms agree with 0.01 ms to 1e-9 ms; a jump
// that fires the neuron does so at its own time; the grid mode is off by
// up to dt.
func TestPreciseDeltaConvergence(t *testing.T) {
	inputs := []float64{1.03, 3.337, 3.4, 8.91, 12.345, 12.3451, 20.2, 33.07, 40.001, 51.5, 63.33, 70.07, 88.8}
	run := func(dt float64, precise bool) []float64 {
		return spikesOf(t, deltaNeuron(dt, 400, precise, inputs, nil, 4), 1, 100)["spikes:N"].TimesMs
	}
	ref := run(0.01, true)
	if len(ref) < 5 {
		t.Fatalf("%d spikes", len(ref))
	}
	onInput := 0
	for _, x := range ref {
		if slices.Contains(inputs, x) {
			onInput++
		}
	}
	if onInput == 0 || onInput == len(ref) {
		t.Fatalf("spikes %v: %d at input times, want some but not all", ref, onInput)
	}
	for _, dt := range []float64{0.1, 0.05, 0.025} {
		got := run(dt, true)
		if len(got) != len(ref) {
			t.Fatalf("dt=%g: %d spikes, want %d", dt, len(got), len(ref))
		}
		for i := range ref {
			if d := math.Abs(got[i] - ref[i]); d > 1e-9 {
				t.Errorf("dt=%g spike %d: %.12f vs %.12f (|Δ| %.2g ms)", dt, i, got[i], ref[i], d)
			}
		}
	}
	grid := run(0.1, false)
	if len(grid) == 0 || grid[0] == ref[0] || math.Abs(grid[0]-ref[0]) > 0.1+1e-9 {
		t.Fatalf("grid first spike %v vs precise %v", grid, ref[0])
	}
}

// TestPreciseDeltaSimultaneous: an excitatory and an inhibitory jump at the
// same time are summed before the threshold test (NEST's iaf_psc_delta_ps
// accumulates simultaneous spikes): +20 and −20 mV together fire nothing,
// +20 mV alone fires at its time.
func TestPreciseDeltaSimultaneous(t *testing.T) {
	at := []float64{5.0437}
	if sp := spikesOf(t, deltaNeuron(0.1, 0, true, at, at, 20), 1, 10)["spikes:N"]; len(sp.TimesMs) != 0 {
		t.Fatalf("±20 mV together fired at %v", sp.TimesMs)
	}
	if sp := spikesOf(t, deltaNeuron(0.1, 0, true, at, nil, 20), 1, 10)["spikes:N"]; !slices.Equal(sp.TimesMs, at) {
		t.Fatalf("+20 mV alone: spikes %v, want %v", sp.TimesMs, at)
	}
}

// TestPreciseDeltaTRef: Validate reports what only the constructors check,
// naming t_ref: precise lif_delta needs a refractory period of at least
// one step (as NEST's iaf_psc_delta_ps), and any t_ref must be a multiple
// of the step.
func TestPreciseDeltaTRef(t *testing.T) {
	for _, c := range []struct {
		precise bool
		tRef    float64
		says    string
	}{{true, 0, "at least one step"}, {false, 0.25, "multiple of the step"}, {true, 0.25, "multiple of the step"}} {
		s := deltaNeuron(0.1, 0, c.precise, nil, nil, 1)
		s.Populations[0].Params["t_ref_ms"] = c.tRef
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), "population[0].params.t_ref_ms") || !strings.Contains(err.Error(), c.says) {
			t.Errorf("precise %v, t_ref %g ms: Validate = %v, want an error naming population[0].params.t_ref_ms, %q", c.precise, c.tRef, err, c.says)
		}
	}
	s := deltaNeuron(0.1, 0, true, nil, nil, 1)
	s.Populations[0].Params["t_ref_ms"] = 0.1
	if err := s.Validate(); err != nil {
		t.Fatalf("t_ref one step: %v", err)
	}
}
