package bench

import (
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// vogelsPlasticity is the inhibitory plasticity of BenchmarkSpikingVogels'
// I→E projection: NEST's vogels_sprekeler_synapse (synapses.Plasticity)
// with Vogels et al. (2011)'s τ = 20 ms, η = 0.01 nS and α = 2·ρ₀·τ = 0.12
// (target rate ρ₀ = 3 Hz), the weights bounded by w_max = 100 nS (the
// bound of Brian2's frompapers/Vogels_et_al_2011 example, not reached).
// bench/brian2/vogels.py uses the same values.
var vogelsPlasticity = synapses.Plasticity{Kind: "vogels_sprekeler", TauPlusMs: 20, TauMinusMs: 20,
	Eta: 0.01, Alpha: 2 * 3.0 * 20 / 1000, WMax: 100}

// vogelsSpec returns the network of Vogels et al. (2011) at step dt (ms)
// and seed: 8,000 E and 2,000 I lif_cond neurons (neurons.DefaultLIFCond:
// C 200 pF, g_L 10 nS, E_L −60, E_ex 0, E_in −80 mV, τ_ex 5, τ_in 10 ms,
// reset −60, threshold −50 mV) each driven by I_e = 200 pA, V initially
// uniform in [E_L, V_th), fixed_prob 0.02 with autapses and no delay (a
// spike acts from the next step, as Brian2's synapses without delay):
// E→E and E→I 0.3 nS, I→I 3 nS, and I→E plastic (vogelsPlasticity)
// starting at 0 nS. The refractory period is 5 ms − dt, Brian2's 5 ms as
// the kernel's cuba and coba presets count it. It returns the index of the
// I→E projection too.
func vogelsSpec(dt float64, seed uint64) (kernel.Spec, int) {
	params := map[string]float64{"cm_pf": 200, "g_l_ns": 10, "e_l_mv": -60, "e_ex_mv": 0, "e_in_mv": -80,
		"tau_syn_ex_ms": 5, "tau_syn_in_ms": 10, "t_ref_ms": 5 - dt, "v_reset_mv": -60, "v_th_mv": -50,
		"i_e_pa": 200}
	vinit := kernel.Dist{Dist: "uniform", Low: -60, High: -50}
	rule := synapses.Rule{Kind: "fixed_prob", P: 0.02, Autapses: true}
	proj := func(src, tgt, recep string, w float64) kernel.ProjectionSpec {
		return kernel.ProjectionSpec{Source: src, Target: tgt, Receptor: recep, Rule: rule, Weights: synapses.Weights{Value: w}}
	}
	ie := proj("I", "E", "inh", 0)
	ie.Plasticity = vogelsPlasticity
	spec := kernel.Spec{
		DtMs: dt, Seed: seed, Workers: 1,
		Populations: []kernel.PopulationSpec{
			{Name: "E", N: 8000, Model: "lif_cond", Sign: 1, Params: params, VInit: vinit},
			{Name: "I", N: 2000, Model: "lif_cond", Params: params, VInit: vinit}, // conductances are ≥ 0 on the inh receptor
		},
		Projections: []kernel.ProjectionSpec{proj("E", "E", "exc", 0.3), proj("E", "I", "exc", 0.3),
			proj("I", "I", "inh", 3), ie},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}, {Kind: "spikes", Population: "I"}},
	}
	return spec, 3
}

// meanAbsWeight returns the mean |w| of a projection's synapses.
func meanAbsWeight(c *synapses.CSR) float64 {
	sum := 0.0
	for k := range c.Len() {
		sum += math.Abs(float64(c.W(uint64(k))))
	}
	return sum / float64(c.Len())
}

// BenchmarkSpikingVogels: the network of Vogels et al. (2011) (vogelsSpec;
// 10,000 neurons, 2 M synapses of which 320,000 plastic I→E) for 1 s with
// inhibitory plasticity from the start, one worker. Besides runSpiking's
// metrics it reports the mean rates of the E and I populations over the run
// (E-Hz, I-Hz) and the mean I→E weight at its end (wIE-nS; 0 at the
// start), to check the regime against Brian2's (bench/brian2/vogels.py).
func BenchmarkSpikingVogels(b *testing.B) {
	const ms = 1000.0
	spec, ie := vogelsSpec(0.1, 1)
	if err := spec.Validate(); err != nil {
		b.Fatal(err)
	}
	size := map[string]int{}
	for _, p := range spec.Populations {
		size[p.Name] = p.N
	}
	var rateE, rateI, w float64
	runs := 0
	runSpikingSpec(b, spec, ms, false, func(net *kernel.Network) {
		runs++
		rateE += float64(len(net.Recorder("spikes:E").Spikes().IDs)) / (float64(size["E"]) * ms / 1000)
		rateI += float64(len(net.Recorder("spikes:I").Spikes().IDs)) / (float64(size["I"]) * ms / 1000)
		w += meanAbsWeight(net.Projection(ie))
	})
	b.ReportMetric(rateE/float64(runs), "E-Hz")
	b.ReportMetric(rateI/float64(runs), "I-Hz")
	b.ReportMetric(w/float64(runs), "wIE-nS")
}
