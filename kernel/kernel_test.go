package kernel_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// spikesOf runs spec for ms with the given workers and returns every
// recorder's spikes.
func spikesOf(t testing.TB, s kernel.Spec, workers int, ms float64) map[string]*kernel.SpikeMemory {
	t.Helper()
	var out map[string]*kernel.SpikeMemory
	runNet(t, s, workers, func(net *kernel.Network) { out = recorderSpikes(net) }, ms)
	return out
}

func smallPresets(t testing.TB) map[string]kernel.Spec {
	out := map[string]kernel.Spec{}
	for _, tc := range []struct {
		name string
		o    kernel.PresetOptions
	}{
		{"cuba", kernel.PresetOptions{N: 1000, Record: true}},
		{"coba", kernel.PresetOptions{N: 800, Record: true}},
		{"cobahh", kernel.PresetOptions{N: 800, Record: true}},
		{"brunel", kernel.PresetOptions{N: 1250, Record: true}},
		{"izhikevich2003", kernel.PresetOptions{N: 1000, Record: true}},
	} {
		s, err := kernel.Preset(tc.name, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		out[tc.name] = s
	}
	// per-synapse weights and delays, a dc device, a spike source
	b := out["brunel"]
	b.Projections[0].Weights = synapsesNormal(0.1, 0.02)
	b.Projections[0].DelayMaxMs = 3
	b.Devices = append(b.Devices, kernel.DeviceSpec{Kind: "dc", Target: "I", AmplitudePA: 100, StartMs: 20, StopMs: 60},
		kernel.DeviceSpec{Kind: "spike_source", Target: "E", Neurons: []int{1, 2, 3}, SpikeTimesMs: []float64{5.05, 7}, Weight: 30})
	out["brunel_mixed"] = b
	out["izhikevich"] = izhikevichNet(t) // per-neuron parameters, both schemes, delay-0 jumps
	// lif_alpha (pure Go): cuba's network with alpha currents, its weights
	// divided by e (an alpha current of the same peak carries e times the
	// charge), mixed-sign weights E→E routed by sign (τ_ex ≠ τ_in)
	a := out["cuba"]
	a.Populations = slices.Clone(a.Populations)
	a.Projections = slices.Clone(a.Projections)
	for i := range a.Populations {
		a.Populations[i].Model = "lif_alpha"
	}
	a.Populations[0].Sign = 0 // E's weights onto E have both signs
	for i := range a.Projections {
		a.Projections[i].Weights.Value /= math.E
	}
	a.Projections[0].Weights = synapses.Weights{Dist: "uniform", Low: -4, High: 12}
	out["cuba_alpha"] = a
	return out
}

// TestWorkersIdentical: the same seed gives bit-identical spike trains with
// 1, 2, 3 and 4 workers.
func TestWorkersIdentical(t *testing.T) {
	ms := 200.0
	if testing.Short() {
		ms = 60
	}
	for name, s := range smallPresets(t) {
		t.Run(name, func(t *testing.T) {
			ref := spikesOf(t, s, 1, ms)
			total := 0
			for _, m := range ref {
				total += len(m.IDs)
			}
			if total == 0 {
				t.Fatalf("no spikes in %g ms", ms)
			}
			for _, w := range []int{2, 3, 4} {
				if got := spikesOf(t, s, w, ms); !reflect.DeepEqual(got, ref) {
					t.Fatalf("workers=%d: spike trains differ from workers=1", w)
				}
			}
		})
	}
}

// TestKernelPathsIdentical: every asm kernel path gives the same spikes
// (the -tags noasm rerun of make test covers the pure-Go build): cuba
// (lif_exp), coba (lif_cond), cobahh (hh_cond, whose kernel hands
// vectors beyond its range to the reference; some neurons start with a
// negative total conductance) and izhikevich (pure Go: the network's other
// arithmetic, delivery and draws, on every path).
func TestKernelPathsIdentical(t *testing.T) {
	defer asm.Reset()
	for _, name := range []string{"cuba", "coba", "cobahh", "izhikevich", "izhikevich2003", "cuba_alpha"} {
		s := smallPresets(t)[name]
		var ref map[string]*kernel.SpikeMemory
		for _, p := range asm.Paths() {
			if err := asm.Select(p); err != nil {
				t.Fatal(err)
			}
			got := spikesOf(t, s, 2, 100)
			if ref == nil {
				ref = got
				continue
			}
			if !reflect.DeepEqual(got, ref) {
				t.Fatalf("%s, path %s: spike trains differ from %s", name, p, asm.Paths()[0])
			}
		}
	}
}

// TestRunSplitIdentical: one Run of 100 ms equals ten of 10 ms and uneven
// splits.
func TestRunSplitIdentical(t *testing.T) {
	s := smallPresets(t)["brunel_mixed"]
	ref := spikesOf(t, s, 1, 100)
	net, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	for _, d := range []float64{0.1, 9.9, 33.3, 0.2, 56.5} {
		if err := net.Run(d); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(net.Recorder("spikes:E").Spikes(), ref["spikes:E"]) {
		t.Fatal("split runs differ from one run")
	}
}

// TestCheckpointRestore: a run checkpointed halfway and restored (into a
// fresh network, with another number of workers) ends identical to an
// uninterrupted one.
func TestCheckpointRestore(t *testing.T) {
	for _, name := range []string{"cuba", "brunel_mixed", "cobahh", "izhikevich", "izhikevich2003", "cuba_alpha", "precise", "precise_delta", "precise_mixed"} {
		t.Run(name, func(t *testing.T) {
			s := smallPresets(t)[name]
			switch name {
			case "precise":
				s = preciseNet(t)
			case "precise_delta":
				s = preciseBrunel(t)
			case "precise_mixed":
				s = preciseMixed(t)
			}
			full, err := kernel.New(s)
			if err != nil {
				t.Fatal(err)
			}
			defer full.Close()
			if err := full.Run(100); err != nil {
				t.Fatal(err)
			}
			first, _ := kernel.New(s, kernel.WithWorkers(2))
			defer first.Close()
			if err := first.Run(50); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := first.Checkpoint(&buf); err != nil {
				t.Fatal(err)
			}
			second, _ := kernel.New(s, kernel.WithWorkers(3))
			defer second.Close()
			if err := second.Restore(&buf); err != nil {
				t.Fatal(err)
			}
			if second.Step() != first.Step() {
				t.Fatalf("restored at step %d, want %d", second.Step(), first.Step())
			}
			if err := second.Run(50); err != nil {
				t.Fatal(err)
			}
			for _, r := range full.Recorders() {
				if r.Spikes() == nil {
					continue
				}
				want := tail(r.Spikes(), 50)
				got := second.Recorder(r.Name()).Spikes()
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: %d spikes after restore, want %d (identical)", r.Name(), len(got.IDs), len(want.IDs))
				}
			}
			if full.Stats().Spikes != second.Stats().Spikes {
				t.Fatalf("spike counters %d vs %d", full.Stats().Spikes, second.Stats().Spikes)
			}
		})
	}
	// a checkpoint of another spec is refused
	a, _ := kernel.Preset("cuba", kernel.PresetOptions{N: 100})
	b, _ := kernel.Preset("cuba", kernel.PresetOptions{N: 200})
	na, _ := kernel.New(a)
	nb, _ := kernel.New(b)
	defer na.Close()
	defer nb.Close()
	var buf bytes.Buffer
	_ = na.Checkpoint(&buf)
	if err := nb.Restore(&buf); !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("restoring another spec: %v", err)
	}
}

func tail(m *kernel.SpikeMemory, fromMs float64) *kernel.SpikeMemory {
	out := &kernel.SpikeMemory{}
	for i, tm := range m.TimesMs {
		if tm > fromMs+1e-9 {
			out.TimesMs = append(out.TimesMs, tm)
			out.IDs = append(out.IDs, m.IDs[i])
		}
	}
	return out
}

// TestZeroAllocs: a steady-state step allocates nothing.
func TestZeroAllocs(t *testing.T) {
	for name, s := range smallPresets(t) {
		t.Run(name, func(t *testing.T) { checkZeroAllocs(t, s) })
	}
}

// checkZeroAllocs checks that s (without its recorders), after 50 ms,
// runs 30 steps without allocating, with 1 and 2 workers.
func checkZeroAllocs(t *testing.T, s kernel.Spec) {
	t.Helper()
	s.Recorders = nil
	for _, w := range []int{1, 2} {
		net, err := kernel.New(s, kernel.WithWorkers(w))
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Run(50); err != nil { // warm up the buffers
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(20, func() { _ = net.RunSteps(30) })
		net.Close()
		if allocs != 0 {
			t.Fatalf("workers=%d: %g allocations per 30 steps", w, allocs)
		}
	}
}

func TestPoissonCounts(t *testing.T) {
	// 4000 neurons that never fire, Poisson input of 2 spikes per step of
	// weight 1 mV into delta synapses with τ = ∞-like decay: V counts the
	// input; mean and variance are λ·steps.
	s := kernel.Spec{
		Populations: []kernel.PopulationSpec{{Name: "P", N: 4000, Model: "lif_delta",
			Params: map[string]float64{"tau_mem_ms": 1e12, "v_th_mv": 1e9, "e_l_mv": 0, "v_reset_mv": 0}}},
		Devices: []kernel.DeviceSpec{{Kind: "poisson", Target: "P", RateHz: 20000, Weight: 1}},
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.RunSteps(100); err != nil {
		t.Fatal(err)
	}
	v, _, _ := net.Model("P").VarSlice("V")
	var m, m2 float64
	for _, x := range v {
		m += float64(x)
		m2 += float64(x) * float64(x)
	}
	n := float64(len(v))
	m /= n
	vr := m2/n - m*m
	lam := 2.0 * 100
	if math.Abs(m-lam) > 4*math.Sqrt(lam/n) || math.Abs(vr/lam-1) > 0.1 {
		t.Fatalf("mean %g var %g, want %g and %g (Poisson)", m, vr, lam, lam)
	}
}

func TestTimeSeriesDevice(t *testing.T) {
	// I = W·x with W = 2 pA per unit: V relaxes to τ·I/C.
	s := kernel.Spec{
		Populations: []kernel.PopulationSpec{{Name: "R", N: 3, Params: map[string]float64{"v_th_mv": 1e6}}},
		Devices: []kernel.DeviceSpec{{Name: "in", Kind: "time_series", Target: "R", SeriesDtMs: 1,
			Series: [][]float64{{100, 50}}, InputWeights: synapsesConst(2)}},
		Recorders: []kernel.RecorderSpec{{Kind: "state", Population: "R", IntervalMs: 100}},
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(200); err != nil {
		t.Fatal(err)
	}
	fr := net.Recorder("state:R").Frames()
	if len(fr.TimesMs) != 2 || fr.TimesMs[1] != 200 {
		t.Fatalf("frames at %v", fr.TimesMs)
	}
	want := -70 + 10.0*300/250 // E_L + τ·I/C
	for _, v := range fr.Frame(1) {
		if math.Abs(float64(v)-want) > 1e-3 {
			t.Fatalf("V = %g, want %g", v, want)
		}
	}
	if err := net.SetSeries("in", [][]float64{{0, 0}}); err != nil {
		t.Fatal(err)
	}
	_ = net.Run(200)
	if v := fr.Frame(3)[0]; math.Abs(float64(v)+70) > 1e-3 {
		t.Fatalf("after a zero series V = %g, want −70", v)
	}
}

func TestSpecErrorsNameKey(t *testing.T) {
	base := func() kernel.Spec { s, _ := kernel.Preset("cuba", kernel.PresetOptions{N: 100}); return s }
	for _, tc := range []struct {
		key string
		mod func(*kernel.Spec)
	}{
		{"dt_ms", func(s *kernel.Spec) { s.DtMs = -1 }},
		{"population[1].n", func(s *kernel.Spec) { s.Populations[1].N = 0 }},
		{"population[0].model", func(s *kernel.Spec) { s.Populations[0].Model = "hh" }},
		{"population[0].params.tau_m", func(s *kernel.Spec) { s.Populations[0].Params = map[string]float64{"tau_m": 3} }},
		{"population[0].params.tau_mem_ms = -3", func(s *kernel.Spec) { s.Populations[0].Params = map[string]float64{"tau_mem_ms": -3} }},
		{"projection[2].target", func(s *kernel.Spec) { s.Projections[2].Target = "X" }},
		{"projection[0].delay_ms", func(s *kernel.Spec) { s.Projections[0].DelayMs = 0.15 }},
		{"rule.p", func(s *kernel.Spec) { s.Projections[1].Rule.P = 2 }},
		{"device[0].kind", func(s *kernel.Spec) {
			s.Devices = []kernel.DeviceSpec{{Kind: "laser", Target: "E"}}
		}},
		{"recorder[0].variable", func(s *kernel.Spec) {
			s.Recorders = []kernel.RecorderSpec{{Kind: "state", Population: "E", Variable: "Ge"}}
		}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			s := base()
			tc.mod(&s)
			_, err := kernel.New(s)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("error %v does not name %s", err, tc.key)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	s, err := kernel.DecodeTOML(strings.NewReader(kernel.ExampleSpecTOML))
	if err != nil {
		t.Fatal(err)
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(20); err != nil {
		t.Fatal(err)
	}
	net.Close()
	var buf bytes.Buffer
	if err := kernel.EncodeTOML(&buf, s); err != nil {
		t.Fatal(err)
	}
	s2, err := kernel.DecodeTOML(&buf)
	if err != nil || !reflect.DeepEqual(s2.Populations, s.Populations) {
		t.Fatalf("TOML round trip: %v", err)
	}
	_, err = kernel.DecodeTOML(strings.NewReader("dt_ms = 0.1\n[[population]]\nname = \"A\"\nn = 3\nsize = 4\n"))
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "population.size") {
		t.Fatalf("unknown TOML key: %v", err)
	}
	// TOML keys are case-sensitive: the library matched them
	// case-insensitively (n = 400 then N = 500 built 500 neurons).
	for _, text := range []string{"dt_ms = 0.1\n[[population]]\nname = \"A\"\nn = 400\nN = 500\n", "dt_ms = 0.1\n[[population]]\nname = \"A\"\nN = 401\n"} {
		_, err = kernel.DecodeTOML(strings.NewReader(text))
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "spec key = population.N:") {
			t.Fatalf("miscased TOML key: %v", err)
		}
	}
	_, err = kernel.DecodeTOML(strings.NewReader("\xff\xfedt_ms = 0.1\n"))
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "invalid UTF-8 at byte 0") {
		t.Fatalf("bytes that are not UTF-8: %v", err)
	}
	_, err = kernel.DecodeJSON(strings.NewReader(`{"dt_ms": 0.1, "populations": [{"name": "A", "n": 3, "tau": 1}]}`))
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "tau") {
		t.Fatalf("unknown JSON key: %v", err)
	}
	j, err := kernel.DecodeJSON(strings.NewReader(`{"dt_ms": 0.1, "seed": 3, "populations": [{"name": "A", "n": 3}]}`))
	if err != nil || j.Seed != 3 || j.Populations[0].N != 3 {
		t.Fatalf("JSON: %+v, %v", j, err)
	}
}

func TestRecorders(t *testing.T) {
	s, _ := kernel.Preset("brunel", kernel.PresetOptions{N: 1250})
	s.Recorders = []kernel.RecorderSpec{
		{Kind: "spikes", Population: "E"},
		{Kind: "rate", Population: "E", BinMs: 5},
		{Kind: "state", Population: "E", Neurons: []int{0, 7, 999}, IntervalMs: 0.5},
		{Kind: "filtered_spikes", Population: "E", TauMs: 10, IntervalMs: 1},
	}
	net, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(100); err != nil {
		t.Fatal(err)
	}
	sp := net.Recorder("spikes:E").Spikes()
	rate := net.Recorder("rate:E").Frames()
	if len(rate.TimesMs) != 20 {
		t.Fatalf("%d rate bins, want 20", len(rate.TimesMs))
	}
	var sum float64
	for _, r := range rate.Data {
		sum += float64(r) * 5 / 1000 * 1000
	}
	if int(math.Round(sum)) != len(sp.IDs) {
		t.Fatalf("rate bins add up to %g spikes, recorder has %d", sum, len(sp.IDs))
	}
	st := net.Recorder("state:E").Frames()
	if len(st.TimesMs) != 200 || st.Width != 3 || st.TimesMs[0] != 0.5 {
		t.Fatalf("state frames %d × %d from %g", len(st.TimesMs), st.Width, st.TimesMs[0])
	}
	fs := net.Recorder("filtered_spikes:E").Frames()
	if len(fs.TimesMs) != 100 || fs.Width != 1000 {
		t.Fatalf("filtered frames %d × %d", len(fs.TimesMs), fs.Width)
	}
	// the filtered trace of neuron j at 100 ms is Σ e^{−(100 − t_s)/τ} over its spikes
	want := make([]float64, 1000)
	for i, tm := range sp.TimesMs {
		want[sp.IDs[i]] += math.Exp(-(100 - tm) / 10)
	}
	last := fs.Frame(99)
	for j := range want {
		if math.Abs(float64(last[j])-want[j]) > 1e-4*(1+want[j]) {
			t.Fatalf("filtered trace of %d = %g, want %g", j, last[j], want[j])
		}
	}
}

func ExampleNew() {
	spec, err := kernel.DecodeTOML(strings.NewReader(kernel.ExampleSpecTOML))
	if err != nil {
		panic(err)
	}
	net, err := kernel.New(spec)
	if err != nil {
		panic(err)
	}
	defer net.Close()
	if err := net.Run(100); err != nil {
		panic(err)
	}
	st := net.Stats()
	fmt.Println(st.Steps, "steps,", st.Synapses, "synapses, spikes recorded:", len(net.Recorder("exc_spikes").Spikes().IDs) > 0)
	// Output: 1000 steps, 6211 synapses, spikes recorded: true
}

// TestSpikeTimesOnTheGrid: a spike of the grid mode is stamped at the end of
// its step with the network's time then, k·dt to the bit (step·dt + dt
// differs from it by an ulp for some k, which put the last spikes of a run
// after TimeMs and out of the [0, T] window of readers such as Neo).
func TestSpikeTimesOnTheGrid(t *testing.T) {
	spec, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Seed: 3, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	const ms = 1000.0
	times, _ := runSpikes(t, spec, ms)
	dt := spec.DtMs
	end := math.Round(ms/dt) * dt // TimeMs after the run: steps·dt
	for _, tm := range times {
		if k := math.Round(tm / dt); tm != k*dt || tm > end || tm <= 0 {
			t.Fatalf("spike at %v ms: not %v·%v = %v, or outside (0, %v]", tm, k, dt, k*dt, end)
		}
	}
	if len(times) < 1000 {
		t.Fatalf("%d spikes: too few to test", len(times))
	}
}

// kernelGolden holds TestKernelGolden's checksums on amd64; the pure-Go
// path on arm64 reproduces them under qemu-aarch64 (make asm-arm64). A
// deliberate change of the engine's arithmetic updates them.
var kernelGolden = map[string]uint64{
	"cuba": 0xe5d357000e8bfdd4, "coba": 0x91e80171e6e05288, "brunel_mixed": 0xa94a498ddd6f1cb5,
	"cobahh": 0x9d2d1fa726e9ac4d, "izhikevich": 0xd87546b2b57f5bee,
	"izhikevich2003": 0x2883b18385fe7116, "cuba_alpha": 0x08ddde52366a997c,
}

// TestKernelGolden pins the state and spikes of the presets (lif_exp,
// lif_cond, lif_delta, hh_cond; normal weights, potentials and initial
// conductances, Poisson input, a dc device, a spike source) and of the
// Izhikevich network (per-neuron parameters, both schemes, delay-0 jumps)
// and the izhikevich2003 preset (all-to-all uniform weights, noise devices)
// and cuba with lif_alpha neurons (mixed-sign weights routed by sign)
// after 80 ms to checksums: the same bits on every architecture and kernel
// path.
func TestKernelGolden(t *testing.T) {
	presets := smallPresets(t)
	for _, name := range []string{"cuba", "coba", "brunel_mixed", "cobahh", "izhikevich", "izhikevich2003", "cuba_alpha"} {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, presets[name], 80, nil, 1, kernelGolden[name])
		})
	}
}

// TestRestoreSpecWorkers: a checkpoint of a spec with Workers = 1 restores
// into the same spec with Workers = 2 (and 0) and continues bit-identically:
// Workers does not change results, so it is not part of the fingerprint.
func TestRestoreSpecWorkers(t *testing.T) {
	s := smallPresets(t)["brunel_mixed"]
	s.Workers = 1
	full, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	if err := full.Run(100); err != nil {
		t.Fatal(err)
	}
	first, _ := kernel.New(s)
	defer first.Close()
	if err := first.Run(50); err != nil {
		t.Fatal(err)
	}
	var ck bytes.Buffer
	if err := first.Checkpoint(&ck); err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 0} {
		s2 := s
		s2.Workers = w
		second, err := kernel.New(s2)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		if err := second.Restore(bytes.NewReader(ck.Bytes())); err != nil {
			t.Fatalf("workers %d: %v", w, err)
		}
		if err := second.Run(50); err != nil {
			t.Fatal(err)
		}
		for _, r := range full.Recorders() {
			if r.Spikes() == nil {
				continue
			}
			if got, want := second.Recorder(r.Name()).Spikes(), tail(r.Spikes(), 50); !reflect.DeepEqual(got, want) {
				t.Fatalf("workers %d: %s: %d spikes after restore, want %d (identical)", w, r.Name(), len(got.IDs), len(want.IDs))
			}
		}
	}
}

// TestCheckpointWorkerIndependent: a checkpoint's bytes do not depend on
// the number of workers, in grid mode, precise mode (whose event queues
// are per worker) and with plasticity.
func TestCheckpointWorkerIndependent(t *testing.T) {
	for name, s := range map[string]kernel.Spec{"cuba": smallPresets(t)["cuba"], "precise": dynamicPrecise(t), "precise_delta": preciseBrunel(t), "precise_mixed": preciseMixed(t), "plastic": plasticBrunel(t)} {
		var cks [][]byte
		for _, w := range []int{1, 3} {
			net, err := kernel.New(s, kernel.WithWorkers(w))
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Run(60); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := net.Checkpoint(&b); err != nil {
				t.Fatal(err)
			}
			net.Close()
			cks = append(cks, b.Bytes())
		}
		if !bytes.Equal(cks[0], cks[1]) {
			t.Errorf("%s: checkpoints of 1 and 3 workers differ", name)
		}
	}
}
