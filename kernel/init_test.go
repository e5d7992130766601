package kernel_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/neurons"
)

// TestPopulationInit sets synaptic currents and the membrane per neuron at
// the start and follows them: with no input, lif_exp's V moves only through
// the decaying currents, V(t) − E_L = Σ I₀·τ_s·τ_m/(C_m(τ_m − τ_s))·(e^{−t/τ_m} −
// e^{−t/τ_s}) + (V₀ − E_L)·e^{−t/τ_m} (exact integration: to float32
// rounding).
func TestPopulationInit(t *testing.T) {
	ie := []float64{-12.5, 0, 40}
	s := kernel.Spec{DtMs: 0.1, Seed: 3,
		Populations: []kernel.PopulationSpec{{Name: "A", N: 3, Model: "lif_exp",
			Params: map[string]float64{"v_th_mv": 1e6},
			VInit:  kernel.Dist{Dist: "list", Values: []float64{-70, -65, -60}},
			Init:   map[string]kernel.Dist{"Ie": {Dist: "list", Values: ie}, "Ii": {Value: -5}}}}}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	m := net.Model("A").(*neurons.LIFExp)
	p := m.P
	for j, want := range ie {
		if m.Ie[j] != float32(want) || m.Ii[j] != -5 {
			t.Fatalf("neuron %d: Ie %v, Ii %v at the start; want %v, -5", j, m.Ie[j], m.Ii[j], want)
		}
	}
	if err := net.Run(20); err != nil {
		t.Fatal(err)
	}
	const tms = 20.0
	kern := func(tau float64) float64 {
		return tau * p.TauMemMs / (p.CmPF * (p.TauMemMs - tau)) * (math.Exp(-tms/p.TauMemMs) - math.Exp(-tms/tau))
	}
	for j, v0 := range []float64{-70, -65, -60} {
		want := ie[j]*kern(p.TauSynExMs) - 5*kern(p.TauSynInMs) + (v0-p.ELmV)*math.Exp(-tms/p.TauMemMs)
		if got := float64(m.V[j]); math.Abs(got-want) > 1e-4 {
			t.Errorf("neuron %d at 20 ms: V − E_L = %.6f mV, want %.6f", j, got, want)
		}
	}
}

// TestPopulationInitErrors: init names a variable of the model other than
// V; a list has one finite value per neuron; values only with list.
func TestPopulationInitErrors(t *testing.T) {
	for _, tc := range []struct {
		model string
		vinit kernel.Dist
		init  map[string]kernel.Dist
		want  string
	}{
		{"lif_exp", kernel.Dist{}, map[string]kernel.Dist{"W": {}}, `population[0].init = W: must be a state variable of lif_exp other than V (v_init sets it): [Ie Ii]`},
		{"lif_exp", kernel.Dist{}, map[string]kernel.Dist{"V": {}}, `population[0].init = V: must be`},
		{"lif_delta", kernel.Dist{}, map[string]kernel.Dist{"Ie": {}}, "a state variable of lif_delta other than V"},
		{"adex_cond", kernel.Dist{}, map[string]kernel.Dist{"W": {Dist: "list", Values: []float64{1}}}, "population[0].init.W.values = 1 values: must be one per neuron: 2"},
		{"lif_exp", kernel.Dist{Dist: "list", Values: []float64{1, math.NaN()}}, nil, "population[0].v_init.values[1]"},
		{"lif_exp", kernel.Dist{Value: -70, Values: []float64{1, 2}}, nil, `population[0].v_init.values = 2 values: must be only with dist = "list"`},
		{"lif_cond", kernel.Dist{}, map[string]kernel.Dist{"Ge": {Dist: "gamma"}}, "population[0].init.Ge.dist"},
	} {
		s := kernel.Spec{DtMs: 0.1, Populations: []kernel.PopulationSpec{{Name: "A", N: 2, Model: tc.model, VInit: tc.vinit, Init: tc.init}}}
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v %v: error %v, want one containing %q", tc.model, tc.vinit, tc.init, err, tc.want)
		}
	}
}

// TestSpikeSourceEarliest: a spike time within 1e-9·dt of 0 acts as any
// time in (0, dt] does (it used to map to step −1 and never act).
func TestSpikeSourceEarliest(t *testing.T) {
	for _, tm := range []float64{1e-12, 0.05, 0.1} {
		s := kernel.Spec{DtMs: 0.1, Seed: 1,
			Populations: []kernel.PopulationSpec{{Name: "A", N: 1, Model: "lif_delta"}},
			Devices:     []kernel.DeviceSpec{{Kind: "spike_source", Target: "A", SpikeTimesMs: []float64{tm}, Weight: 30}},
			Recorders:   []kernel.RecorderSpec{{Kind: "spikes", Population: "A"}}}
		net, err := kernel.New(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Run(1); err != nil {
			t.Fatal(err)
		}
		if got := net.Recorder("spikes:A").Spikes(); len(got.IDs) != 1 {
			t.Errorf("input at %g ms: %d spikes of a neuron its 30 mV jump takes over threshold, want 1", tm, len(got.IDs))
		}
		net.Close()
	}
}

// TestHHSubStepsSpec: hh_cond's substeps from a spec: the same spikes for
// 1 and 3 workers, and an invalid value named.
func TestHHSubStepsSpec(t *testing.T) {
	s, err := kernel.Preset("cobahh", kernel.PresetOptions{N: 400, K: 40, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.Populations {
		s.Populations[i].Params["substeps"] = 4
	}
	ref := spikesOf(t, s, 1, 60)
	n := 0
	for _, m := range ref {
		n += len(m.IDs)
	}
	if n == 0 {
		t.Fatal("no spikes in 60 ms")
	}
	if got := spikesOf(t, s, 3, 60); !reflect.DeepEqual(got, ref) {
		t.Fatal("3 workers differ from 1")
	}
	s.Populations[0].Params["substeps"] = 2.5
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "population[0].params.substeps = 2.5") {
		t.Fatalf("substeps 2.5: error %v, want one naming population[0].params.substeps", err)
	}
}
