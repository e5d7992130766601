package kernel

import (
	"errors"
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/neurons"
)

// izhikevichParamVars are the per-neuron parameters of izhikevich
// populations that init sets (as state variables: neurons.Izhikevich's
// slices A, B, C, D).
var izhikevichParamVars = []string{"a", "b", "c", "d"}

// checkIzhikevich checks that an izhikevich population's v_min_mv, if
// given, is finite, and the per-neuron parameters its init gives (a, b, c
// in mV, d) against the population's parameters and the step: every value
// of a list, a constant, both ends of a uniform range. Normal draws are
// checked when the network is built (initIzhikevich).
func checkIzhikevich(where string, p neurons.IzhikevichParams, ps PopulationSpec, dt float64) error {
	// No bound is v_min_mv left out: an explicit −inf would make the spec
	// one JSON cannot write (the C API, Python, checkpoints' fingerprint).
	if v, ok := ps.Params["v_min_mv"]; ok && math.IsInf(v, 0) {
		return param.New(pkg, where+".params.v_min_mv", v, "finite (left out: no lower bound)")
	}
	init := ps.Init
	for _, name := range izhikevichParamVars {
		d, ok := init[name]
		if !ok {
			continue
		}
		var vals []float64
		var keys []string
		switch d.Dist {
		case "list":
			vals = d.Values
			for k := range vals {
				keys = append(keys, fmt.Sprintf("values[%d]", k))
			}
		case "", "constant":
			vals, keys = []float64{d.Value}, []string{"value"}
		case "uniform":
			vals, keys = []float64{d.Low, d.High}, []string{"low", "high"}
		}
		for k, x := range vals {
			if err := p.ValidateNeuron(name, x, dt); err != nil {
				if pe := (*param.Error)(nil); errors.As(err, &pe) { // < VThmV → < v_th_mv
					names := specKeys(&p)
					names["DtMs"] = "dt_ms"
					pe.Allowed = replaceWords(pe.Allowed, names)
				}
				return fmt.Errorf("kernel: %s.init.%s.%s: %w", where, name, keys[k], err)
			}
		}
	}
	return nil
}

// initIzhikevich completes an izhikevich population's initial state after
// v_init and init: U = b·V per neuron unless init sets U (Izhikevich's
// u = b.*v, with the neuron's own b), then every neuron's a, b, c, d is
// checked (normal draws included).
func initIzhikevich(m *neurons.Izhikevich, pp popPlan, i int) error {
	if _, ok := pp.spec.Init["U"]; !ok {
		m.SetUFromV()
	}
	if err := m.Check(); err != nil {
		return fmt.Errorf("kernel: population[%d].init: %w", i, err)
	}
	return nil
}
