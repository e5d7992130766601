package kernel_test

import (
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// TestFloat32Overflow: every number stored as float32 (weights, device
// weights, neuron parameters, initial state, input weights and series)
// refuses a value beyond float32's range, which would become ±Inf, with an
// error naming the field and showing the value given; a constant current
// (i_e_pa) is bounded as a device's (1e30 pA). Before, weights = { value =
// 1e39 } wrote +Inf weights to edges.h5, a weight_list's 1e39 was refused
// as "weight[0] = +Inf", and i_e_pa = 1e40 was accepted.
func TestFloat32Overflow(t *testing.T) {
	const big = 1e39
	base := func() kernel.Spec {
		return kernel.Spec{
			Populations: []kernel.PopulationSpec{{Name: "N", N: 3}, {Name: "D", N: 2, Model: "lif_delta"}},
			Projections: []kernel.ProjectionSpec{{Source: "N", Target: "N", Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapses.Weights{Value: 1}, DelayMs: 1}},
			Devices: []kernel.DeviceSpec{
				{Kind: "poisson", Target: "N", RateHz: 10, Weight: 1},
				{Kind: "time_series", Target: "N", Series: [][]float64{{1}}, SeriesDtMs: 1, InputWeights: synapses.Weights{Value: 1}},
			},
		}
	}
	list := func(s *kernel.Spec, ws []float64) {
		s.Projections[0] = kernel.ProjectionSpec{Source: "N", Target: "N", Rule: synapses.Rule{Kind: "list"},
			Sources: []int{0, 1}, Targets: []int{1, 2}, WeightList: ws, DelayMs: 1}
	}
	for _, tc := range []struct {
		name string
		mod  func(*kernel.Spec)
		want string // "" for valid
	}{
		{"valid", func(*kernel.Spec) {}, ""},
		{"largest_float32", func(s *kernel.Spec) { s.Projections[0].Weights.Value = 3.4028234e38 }, ""},
		{"weights.value", func(s *kernel.Spec) { s.Projections[0].Weights.Value = big }, "projection[0].weights.value = 1e+39: must be finite and at most 3.4028235e+38 in magnitude (stored as float32)"},
		{"weights.value_negative", func(s *kernel.Spec) { s.Projections[0].Weights.Value = -big }, "projection[0].weights.value = -1e+39"},
		{"weights.high", func(s *kernel.Spec) { s.Projections[0].Weights = synapses.Weights{Dist: "uniform", High: big} }, "projection[0].weights.high = 1e+39"},
		{"weights.mean", func(s *kernel.Spec) { s.Projections[0].Weights = synapses.Weights{Dist: "normal", Mean: big} }, "projection[0].weights.mean = 1e+39"},
		{"weights.std", func(s *kernel.Spec) { s.Projections[0].Weights = synapses.Weights{Dist: "normal", Std: big} }, "projection[0].weights.std = 1e+39"},
		{"weight_list", func(s *kernel.Spec) { list(s, []float64{1, big}) }, "projection[0].weight_list[1] = 1e+39: must be finite and at most"},
		{"list_weights.value", func(s *kernel.Spec) { list(s, nil); s.Projections[0].Weights.Value = big }, "projection[0].weights.value = 1e+39"},
		{"plasticity.w_max", func(s *kernel.Spec) {
			s.Projections[0].Plasticity = synapses.Plasticity{Kind: "stdp", WMax: big, Lambda: 0.01, Alpha: 1, TauPlusMs: 20}
		}, "projection[0].plasticity.w_max = 1e+39"},
		{"device_weight", func(s *kernel.Spec) { s.Devices[0].Weight = big }, "device[0].weight = 1e+39: must be finite and at most"},
		{"input_weights", func(s *kernel.Spec) { s.Devices[1].InputWeights.Value = big }, "device[1].input_weights.value = 1e+39"},
		{"series", func(s *kernel.Spec) { s.Devices[1].Series[0][0] = big }, "device[1].series[0][0] = 1e+39"},
		{"params.v_th_mv", func(s *kernel.Spec) { s.Populations[0].Params = map[string]float64{"v_th_mv": big} }, "population[0].params.v_th_mv = 1e+39: must be finite and at most"},
		{"params.i_e_pa", func(s *kernel.Spec) { s.Populations[0].Params = map[string]float64{"i_e_pa": 1e40} }, "population[0].params.i_e_pa = 1e+40: must be finite, at most 1e30 pA in magnitude"},
		{"lif_delta_params.i_e_pa", func(s *kernel.Spec) { s.Populations[1].Params = map[string]float64{"i_e_pa": 1e31} }, "population[1].params.i_e_pa = 1e+31"},
		{"v_init", func(s *kernel.Spec) { s.Populations[0].VInit = kernel.Dist{Value: -big} }, "population[0].v_init.value = -1e+39"},
		{"init_list", func(s *kernel.Spec) {
			s.Populations[0].Init = map[string]kernel.Dist{"Ie": {Dist: "list", Values: []float64{0, 0, big}}}
		}, "population[0].init.Ie.values[2] = 1e+39"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mod(&s)
			checkValidate(t, s, nonEmpty(tc.want)...)
		})
	}
}
