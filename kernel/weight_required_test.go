package kernel_test

import (
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// TestWeightRequired: a static projection without weights and a poisson or
// spike_source device without weight are errors naming the field and the
// weight's unit (NEST's default weight is 1; here a missing weight made
// zero-weight synapses, and a 100 kHz Poisson input without weight had no
// effect); a weight of 0 given as dist = "constant" and a plastic
// projection's weights left out (starting at 0) are accepted.
func TestWeightRequired(t *testing.T) {
	pops := func(model string) []kernel.PopulationSpec {
		return []kernel.PopulationSpec{{Name: "N", N: 10, Model: model}}
	}
	proj := func(p kernel.ProjectionSpec) kernel.ProjectionSpec {
		p.Source, p.Target, p.DelayMs = "N", "N", 1
		if p.Rule.Kind == "" {
			p.Rule = synapses.Rule{Kind: "fixed_prob", P: 0.1}
		}
		return p
	}
	for _, tc := range []struct {
		name  string
		model string
		proj  *kernel.ProjectionSpec
		dev   *kernel.DeviceSpec
		want  []string // in the error; none: valid
	}{
		{name: "projection_lif_exp", model: "lif_exp", proj: &kernel.ProjectionSpec{}, want: []string{"projection[0].weights = missing", "in pA", "required"}},
		{name: "projection_lif_delta", model: "lif_delta", proj: &kernel.ProjectionSpec{}, want: []string{"projection[0].weights", "in mV"}},
		{name: "projection_lif_cond", model: "lif_cond", proj: &kernel.ProjectionSpec{}, want: []string{"projection[0].weights", "in nS"}},
		{name: "projection_sign_only", model: "lif_exp", proj: &kernel.ProjectionSpec{Weights: synapses.Weights{Sign: -1}}, want: []string{"projection[0].weights = missing"}},
		{name: "list_without_weights", model: "lif_exp", proj: &kernel.ProjectionSpec{Rule: synapses.Rule{Kind: "list"}, Sources: []int{0}, Targets: []int{1}},
			want: []string{"projection[0].weight_list = missing", "in pA"}},
		{name: "poisson", model: "lif_exp", dev: &kernel.DeviceSpec{Kind: "poisson", RateHz: 100000}, want: []string{"device[0].weight = missing (0)", "in pA"}},
		{name: "spike_source_izhikevich", model: "izhikevich", dev: &kernel.DeviceSpec{Kind: "spike_source", SpikeTimesMs: []float64{1}}, want: []string{"device[0].weight", "in mV"}},
		{name: "explicit_zero", model: "lif_exp", proj: &kernel.ProjectionSpec{Weights: synapses.Weights{Dist: "constant"}}},
		{name: "list_value", model: "lif_exp", proj: &kernel.ProjectionSpec{Rule: synapses.Rule{Kind: "list"}, Sources: []int{0}, Targets: []int{1}, Weights: synapses.Weights{Value: 5}}},
		{name: "list_weight_list", model: "lif_exp", proj: &kernel.ProjectionSpec{Rule: synapses.Rule{Kind: "list"}, Sources: []int{0}, Targets: []int{1}, WeightList: []float64{0}}},
		{name: "normal_mean_0", model: "lif_exp", proj: &kernel.ProjectionSpec{Weights: synapses.Weights{Dist: "normal", Std: 1}}},
		{name: "plastic_from_0", model: "lif_exp", proj: &kernel.ProjectionSpec{Plasticity: synapses.Plasticity{Kind: "stdp", WMax: 10, Lambda: 0.01, Alpha: 1, TauPlusMs: 20}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kernel.Spec{Populations: pops(tc.model)}
			if tc.proj != nil {
				s.Projections = []kernel.ProjectionSpec{proj(*tc.proj)}
			}
			if tc.dev != nil {
				d := *tc.dev
				d.Target = "N"
				s.Devices = []kernel.DeviceSpec{d}
			}
			checkValidate(t, s, tc.want...)
		})
	}
}
