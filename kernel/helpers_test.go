package kernel_test

import "github.com/neurodyn/neurodyn/synapses"

func synapsesNormal(m, s float64) synapses.Weights {
	return synapses.Weights{Dist: "normal", Mean: m, Std: s}
}

func synapsesConst(v float64) synapses.Weights { return synapses.Weights{Value: v} }
