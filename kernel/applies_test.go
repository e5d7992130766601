package kernel_test

import (
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// TestFieldsOfOtherKinds: a field that the chosen kind (of a device,
// recorder, rule, dist) does not use is an error naming the field and the
// kinds it applies to, not ignored; from TOML as from Go.
func TestFieldsOfOtherKinds(t *testing.T) {
	dev := func(d kernel.DeviceSpec) func(*kernel.Spec) {
		return func(s *kernel.Spec) { d.Target = "E"; s.Devices = append(s.Devices, d) }
	}
	rec := func(r kernel.RecorderSpec) func(*kernel.Spec) {
		return func(s *kernel.Spec) { r.Name = "r"; s.Recorders = append(s.Recorders, r) }
	}
	proj := func(f func(*kernel.ProjectionSpec)) func(*kernel.Spec) {
		return func(s *kernel.Spec) { f(&s.Projections[0]) }
	}
	for _, tc := range []struct {
		name string
		mod  func(*kernel.Spec)
		want string // "" for a valid spec
	}{
		{"poisson window", dev(kernel.DeviceSpec{Kind: "poisson", RateHz: 100, Weight: 1, StartMs: 10, StopMs: 20}), ""},
		{"poisson stop before start", dev(kernel.DeviceSpec{Kind: "poisson", RateHz: 100, Weight: 1, StartMs: 10, StopMs: 5}), "device[3].stop_ms = 5: must be 0 or ≥ start_ms"},
		{"poisson start off grid", dev(kernel.DeviceSpec{Kind: "poisson", RateHz: 100, Weight: 1, StartMs: 0.05}), "device[3].start_ms = 0.05"},
		{"poisson amplitude", dev(kernel.DeviceSpec{Kind: "poisson", RateHz: 100, Weight: 1, AmplitudePA: 3}), `device[3].amplitude_pa = 3: must be left out for kind = "poisson": amplitude_pa applies to kind dc`},
		{"dc rate", dev(kernel.DeviceSpec{Kind: "dc", AmplitudePA: 1, RateHz: 5}), `device[3].rate_hz = 5: must be left out for kind = "dc": rate_hz applies to kind poisson`},
		{"dc weight", dev(kernel.DeviceSpec{Kind: "dc", AmplitudePA: 1, Weight: 5}), `device[3].weight = 5: must be left out for kind = "dc": weight applies to kind poisson, spike_source`},
		{"dc std", dev(kernel.DeviceSpec{Kind: "dc", AmplitudePA: 1, StdPA: 5}), `device[3].std_pa = 5: must be left out for kind = "dc": std_pa applies to kind noise`},
		{"dc receptor", dev(kernel.DeviceSpec{Kind: "dc", AmplitudePA: 1, Receptor: "inh"}), `device[3].receptor = inh: must be left out for kind = "dc": receptor applies to kind poisson, spike_source`},
		{"step_current start", dev(kernel.DeviceSpec{Kind: "step_current", TimesMs: []float64{1}, AmplitudesPA: []float64{1}, StartMs: 1}), `device[3].start_ms = 1: must be left out for kind = "step_current"`},
		{"spike_source start", dev(kernel.DeviceSpec{Kind: "spike_source", Weight: 1, SpikeTimesMs: []float64{1}, StartMs: 5}), `device[3].start_ms = 5: must be left out for kind = "spike_source": start_ms applies to kind poisson, dc, noise`},
		{"noise series", dev(kernel.DeviceSpec{Kind: "noise", StdPA: 1, Series: [][]float64{{1}}}), `device[3].series = [1 values]: must be left out for kind = "noise": series applies to kind time_series`},
		{"time_series weight", func(s *kernel.Spec) { s.Devices[2].Weight = 2 }, `device[2].weight = 2: must be left out for kind = "time_series"`},
		{"spikes interval", rec(kernel.RecorderSpec{Kind: "spikes", Population: "E", IntervalMs: 1}), `recorder[1].interval_ms = 1: must be left out for kind = "spikes": interval_ms applies to kind state, filtered_spikes, weights`},
		{"spikes variable", rec(kernel.RecorderSpec{Kind: "spikes", Population: "E", Variable: "V"}), `recorder[1].variable = V: must be left out for kind = "spikes": variable applies to kind state`},
		{"state bin", rec(kernel.RecorderSpec{Kind: "state", Population: "E", BinMs: 1}), `recorder[1].bin_ms = 1: must be left out for kind = "state": bin_ms applies to kind rate`},
		{"rate tau", rec(kernel.RecorderSpec{Kind: "rate", Population: "E", TauMs: 5}), `recorder[1].tau_ms = 5: must be left out for kind = "rate": tau_ms applies to kind filtered_spikes`},
		{"state neurons", rec(kernel.RecorderSpec{Kind: "state", Population: "E", Neurons: []int{}}), ""},
		{"fixed_prob sources", proj(func(p *kernel.ProjectionSpec) { p.Sources, p.Targets = []int{1}, []int{2} }), `projection[0].sources = [1]: must be left out for rule.kind = "fixed_prob": sources applies to rule.kind list`},
		{"fixed_prob delay list", proj(func(p *kernel.ProjectionSpec) { p.DelayListMs = []float64{1} }), `projection[0].delay_list_ms = [1]: must be left out for rule.kind = "fixed_prob"`},
		{"fixed_prob k", proj(func(p *kernel.ProjectionSpec) { p.Rule.K = 3 }), `projection[0].rule.k = 3: must be left out for rule.kind = "fixed_prob": k applies to rule.kind fixed_indegree, fixed_outdegree`},
		{"all_to_all p", proj(func(p *kernel.ProjectionSpec) { p.Rule = synapses.Rule{Kind: "all_to_all", P: 0.5} }), `projection[0].rule.p = 0.5: must be left out for rule.kind = "all_to_all": p applies to rule.kind fixed_prob`},
		{"list normal weights", proj(func(p *kernel.ProjectionSpec) {
			*p = kernel.ProjectionSpec{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "list"}, Sources: []int{0}, Targets: []int{1},
				Weights: synapses.Weights{Dist: "normal", Mean: 5, Std: 1}, DelayMs: 1}
		}), `projection[0].weights.dist = normal: must be "constant" (or left out) for rule.kind = "list"`},
		{"list value", proj(func(p *kernel.ProjectionSpec) {
			*p = kernel.ProjectionSpec{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "list"}, Sources: []int{0}, Targets: []int{1},
				Weights: synapses.Weights{Value: 5}, DelayMs: 1}
		}), ""},
		{"weights mean without dist", proj(func(p *kernel.ProjectionSpec) { p.Weights = synapses.Weights{Mean: 30, Std: 5} }),
			`weights.mean = 30: must be left out for dist = "" (constant), or set weights.dist = "normal" or "lognormal"`},
		{"weights low without dist", proj(func(p *kernel.ProjectionSpec) { p.Weights = synapses.Weights{Low: 1, High: 2} }),
			`weights.low = 1: must be left out for dist = "" (constant), or set weights.dist = "uniform"`},
		{"weights value with normal", proj(func(p *kernel.ProjectionSpec) { p.Weights = synapses.Weights{Dist: "normal", Value: 3, Mean: 1} }),
			`weights.value = 3: must be left out for dist = "normal", or set weights.dist = "constant"`},
		{"weights normal", proj(func(p *kernel.ProjectionSpec) { p.Weights = synapses.Weights{Dist: "normal", Mean: 30, Std: 5} }), ""},
		{"input_weights std without dist", func(s *kernel.Spec) { s.Devices[2].InputWeights = synapses.Weights{Value: 1, Std: 2} }, `weights.std = 2: must be left out for dist = "" (constant)`},
		{"v_init mean without dist", func(s *kernel.Spec) { s.Populations[0].VInit = kernel.Dist{Mean: -60, Std: 2} },
			`population[0].v_init.mean = -60: must be left out for dist = "" (constant), or set population[0].v_init.dist = "normal"`},
		{"v_init high without dist", func(s *kernel.Spec) { s.Populations[0].VInit = kernel.Dist{High: -50} },
			`population[0].v_init.high = -50: must be left out for dist = "" (constant), or set population[0].v_init.dist = "uniform"`},
		{"v_init uniform value", func(s *kernel.Spec) {
			s.Populations[0].VInit = kernel.Dist{Dist: "uniform", Low: -60, High: -50, Value: -55}
		},
			`population[0].v_init.value = -55: must be left out for dist = "uniform"`},
		{"init normal", func(s *kernel.Spec) { s.Populations[0].Init = map[string]kernel.Dist{"Ie": {Dist: "normal", Std: 3}} }, ""},
		{"init std without dist", func(s *kernel.Spec) { s.Populations[0].Init = map[string]kernel.Dist{"Ie": {Std: 3}} }, `population[0].init.Ie.std = 3`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := smallSpec()
			tc.mod(&s)
			checkValidate(t, s, nonEmpty(tc.want)...)
		})
	}
}

// TestFieldsOfOtherKindsTOML: the review's cases, as TOML.
func TestFieldsOfOtherKindsTOML(t *testing.T) {
	const head = "[[population]]\nname = \"E\"\nn = 3\n"
	for _, tc := range []struct{ name, toml, want string }{
		{"v_init", head + "v_init = {mean = -60.0, std = 2.0}\n", "population[0].v_init.mean"},
		{"weights", head + "[[projection]]\nsource = \"E\"\ntarget = \"E\"\nrule = {kind = \"all_to_all\"}\nweights = {mean = 30.0, std = 5.0}\n", "weights.mean"},
		{"spikes interval", head + "[[recorder]]\nkind = \"spikes\"\npopulation = \"E\"\ninterval_ms = 1.0\n", "recorder[0].interval_ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := kernel.DecodeTOML(strings.NewReader(tc.toml))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate: %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestPoissonWindow: a poisson device with start_ms and stop_ms acts as
// NEST's poisson_generator: its spikes fall in (start, stop], and they are
// the spikes an unbounded device gives there (its streams depend on the
// step only). Each input spike of 100 mV takes a lif_delta neuron with no
// refractory period from reset to threshold, so the neurons' spikes are the
// steps with input.
func TestPoissonWindow(t *testing.T) {
	spec := func(start, stop float64, precise bool) kernel.Spec {
		p := map[string]float64{"t_ref_ms": 0, "tau_mem_ms": 10}
		if precise {
			p["t_ref_ms"] = 0.1 // at least a step in precise mode
		}
		return kernel.Spec{Seed: 4, Precise: precise,
			Populations: []kernel.PopulationSpec{{Name: "E", N: 40, Model: "lif_delta", Params: p}},
			Devices:     []kernel.DeviceSpec{{Kind: "poisson", Target: "E", RateHz: 300, Weight: 100, StartMs: start, StopMs: stop}},
			Recorders:   []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}}}
	}
	run := func(s kernel.Spec) kernel.SpikeMemory {
		t.Helper()
		net, err := kernel.New(s)
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		if err := net.Run(60); err != nil {
			t.Fatal(err)
		}
		return *net.Recorder("spikes:E").Spikes()
	}
	for _, precise := range []bool{false, true} {
		const start, stop = 20.0, 35.0
		got := run(spec(start, stop, precise))
		all := run(spec(0, 0, precise))
		var want kernel.SpikeMemory
		for i, tm := range all.TimesMs {
			if tm > start && tm <= stop {
				want.TimesMs, want.IDs = append(want.TimesMs, tm), append(want.IDs, all.IDs[i])
			}
		}
		if len(want.IDs) < 20 || len(want.IDs) == len(all.IDs) {
			t.Fatalf("precise %v: %d of %d spikes in (%g, %g]: too few to test", precise, len(want.IDs), len(all.IDs), start, stop)
		}
		for _, tm := range got.TimesMs {
			if !(tm > start && tm <= stop) {
				t.Errorf("precise %v: a spike at %g ms, outside (%g, %g]", precise, tm, start, stop)
				break
			}
		}
		if !precise && !sameSpikes(got, want) {
			t.Errorf("%d spikes in the window, the unbounded device's %d there", len(got.IDs), len(want.IDs))
		}
		if precise && len(got.IDs) == 0 {
			t.Error("precise: no spikes in the window")
		}
	}
}
