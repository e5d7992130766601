package bench

import (
	"maps"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/neurons"
)

// adexCOBASpec is the COBA network (Brette et al. 2007, benchmark 1: 4,000
// neurons, 80 % excitatory, p = 0.02, Δg_ex 6 nS, Δg_in 67 nS, 1 s) with
// adaptive exponential neurons (adex_cond) in place of its LIF neurons: the
// same membrane (C_m 200 pF, g_L 10 nS, E_L −60 mV, V_T −50 mV, reset −60
// mV, 5 ms refractory) and conductances, plus a 2 mV exponential upswing to
// V_peak = 0 mV and adaptation (a = 2 nS, b = 20 pA, τ_w = 150 ms, NEST's
// aeif_cond_exp order of magnitude).
func adexCOBASpec(b *testing.B) kernel.Spec {
	spec, err := kernel.Preset("coba", kernel.PresetOptions{N: 4000, Workers: 1, Record: true})
	if err != nil {
		b.Fatal(err)
	}
	for i := range spec.Populations {
		p := maps.Clone(spec.Populations[i].Params)
		for k, v := range map[string]float64{"delta_t_mv": 2, "v_peak_mv": 0, "a_ns": 2, "b_pa": 20, "tau_w_ms": 150} {
			p[k] = v
		}
		spec.Populations[i].Model, spec.Populations[i].Params = "adex_cond", p
	}
	return spec
}

// BenchmarkSpikingCOBAAdEx: the COBA network with AdEx neurons, 1 s, one
// worker; it reports the E and I rates beside runSpikingSpec's metrics. It
// reports no rate of neuron steps: the time per neuron-step is cpu-s over
// the 4,000 × 10,000 neuron-steps of the run (bench/README.md quotes it).
func BenchmarkSpikingCOBAAdEx(b *testing.B) {
	const ms = 1000.0
	spec := adexCOBASpec(b)
	runSpikingEI(b, spec, ms, nil)
}

// BenchmarkSpikingAdExStep: one step of 10,000 AdEx neurons (NEST's
// aeif_cond_exp defaults, 600 pA: tonic firing) without synaptic input; it
// reports ns per neuron-step, the model's own cost in a network.
func BenchmarkSpikingAdExStep(b *testing.B) {
	const n = 10000
	p := neurons.DefaultAdExCond()
	p.IePA = 600
	m, err := neurons.NewAdExCond(n, p, 0.1)
	if err != nil {
		b.Fatal(err)
	}
	benchModelStep(b, m)
}

// benchModelStep times Step of all of m's neurons without synaptic input,
// after 1,000 steps (past the first spikes), and reports ns per
// neuron-step, the model's own cost in a network.
func benchModelStep(b *testing.B, m neurons.Model) {
	n := m.Len()
	in := make([][]float32, m.Receptors())
	for r := range in {
		in[r] = make([]float32, n)
	}
	spikes := make([]int32, n)
	for range 1000 {
		m.Step(0, n, in, nil, spikes)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.Step(0, n, in, nil, spikes)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/neuron-step")
}
