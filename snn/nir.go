package snn

import (
	"fmt"
	"strconv"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// NIR returns the network as a NIR graph (Neural Intermediate
// Representation, read by Norse, snnTorch, Spyx, Rockpool, Lava-DL and
// neuromorphic toolchains), times in seconds:
//
//	input (Input, Inputs)
//	  → input_weights (Affine: the input matrix, E rows first, and the bias currents)
//	  → lif (CubaLIF, N neurons) ⇄ recurrent (Linear N×N: the effective weights,
//	                                          Dale signs and masks applied)
//	lif → filter_k (LI, τ = ReadoutTauMs[k]) → readout_k (readout_0 Affine with
//	      the bias, the others Linear; columns of neurons not read out are 0)
//	      → output (Output, Outputs)
//	input → skip (Linear, with Skip) → output
//
// Edges into a node sum. The discrete step maps onto NIR's continuous
// CubaLIF (τ_syn dI/dt = −I + w_in·S, τ_mem dv/dt = v_leak − v + r·I) with
// tau_mem and tau_syn the configured time constants, r = R, and
// w_in = τ_syn/dt: the synaptic current integrates a jump of its input
// every step, whose steady state (1 − α)⁻¹ ≈ τ_syn/dt times the input is
// what the continuous equation gives for an input held constant. The
// filters are LI nodes with r = τ/dt for the same reason. What NIR cannot
// express is recorded in the metadata: the step (dt_s), how many steps a
// sample is held (substeps), the discretization, a soft reset, the
// refractory period and the readout population. Count and membrane
// readouts have no NIR equivalent (NIR edges carry spikes): NIR returns an
// error for them.
func (m *Model[T]) NIR() (*export.NIRGraph, error) {
	c := m.cfg
	if c.Readout != ReadoutFiltered {
		return nil, param.New(pkg, "Readout", c.Readout.String(), "filtered to export to NIR (NIR edges carry spikes; count and membrane readouts have no NIR node)")
	}
	N, NE, I, O, RN := c.N(), c.NE, c.Inputs, c.Outputs, c.ReadoutNeurons()
	dt := c.DtMs / 1000
	f64 := func(v []T) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	}
	win, bias := m.InputWeights()
	tauMem := make([]float64, N)
	for j := range tauMem {
		tauMem[j] = c.TauMemEMs / 1000
		if j >= NE {
			tauMem[j] = c.TauMemIMs / 1000
		}
	}
	g := &export.NIRGraph{Nodes: map[string]export.NIRNode{}}
	node := func(name, typ string, p map[string]export.NIRArray) {
		g.Nodes[name] = export.NIRNode{Type: typ, Params: p}
	}
	edge := func(a, b string) { g.Edges = append(g.Edges, [2]string{a, b}) }
	node("input", "Input", map[string]export.NIRArray{"shape": export.NIRShape(I)})
	node("output", "Output", map[string]export.NIRArray{"shape": export.NIRShape(O)})
	node("input_weights", "Affine", map[string]export.NIRArray{"weight": export.NIRMatrix(N, I, f64(win)), "bias": export.NIRVec(f64(bias)...)})
	node("lif", "CubaLIF", map[string]export.NIRArray{
		"tau_mem":     export.NIRVec(tauMem...),
		"tau_syn":     export.NIRFill(N, c.TauSynMs/1000),
		"r":           export.NIRFill(N, c.R),
		"v_leak":      export.NIRFill(N, c.VLeak),
		"v_threshold": export.NIRFill(N, c.VTh),
		"v_reset":     export.NIRFill(N, c.VReset),
		"w_in":        export.NIRFill(N, c.TauSynMs/c.DtMs),
	})
	node("recurrent", "Linear", map[string]export.NIRArray{"weight": export.NIRMatrix(N, N, f64(m.Recurrent()))})
	edge("input", "input_weights")
	edge("input_weights", "lif")
	edge("lif", "recurrent")
	edge("recurrent", "lif")
	dec := m.params.Get(NameDec)
	for k, tau := range c.ReadoutTauMs {
		fn, rn := fmt.Sprintf("filter_%d", k), fmt.Sprintf("readout_%d", k)
		node(fn, "LI", map[string]export.NIRArray{
			"tau": export.NIRFill(N, tau/1000), "r": export.NIRFill(N, tau/c.DtMs), "v_leak": export.NIRFill(N, 0),
		})
		w := make([]float64, O*N)
		for o := 0; o < O; o++ {
			for j := 0; j < RN; j++ {
				w[o*N+j] = float64(dec[o*c.Features()+k*RN+j])
			}
		}
		if k == 0 {
			node(rn, "Affine", map[string]export.NIRArray{"weight": export.NIRMatrix(O, N, w), "bias": export.NIRVec(f64(m.params.Get(NameDecBias))...)})
		} else {
			node(rn, "Linear", map[string]export.NIRArray{"weight": export.NIRMatrix(O, N, w)})
		}
		edge("lif", fn)
		edge(fn, rn)
		edge(rn, "output")
	}
	if c.Skip {
		node("skip", "Linear", map[string]export.NIRArray{"weight": export.NIRMatrix(O, I, f64(m.params.Get(NameSkip)))})
		edge("input", "skip")
		edge("skip", "output")
	}
	pop := "E"
	if c.ReadoutAll {
		pop = "E+I"
	}
	g.Metadata = map[string]string{
		"source":             "neurodyn snn",
		"time_unit":          "s",
		"dt_s":               strconv.FormatFloat(dt, 'g', -1, 64),
		"substeps":           strconv.Itoa(c.SubSteps),
		"discretization":     c.Discretization.String(),
		"reset":              c.Reset.String(),
		"refractory_s":       strconv.FormatFloat(c.RefractoryMs/1000, 'g', -1, 64),
		"n_excitatory":       strconv.Itoa(NE),
		"n_inhibitory":       strconv.Itoa(c.numI()),
		"readout":            "filtered spikes",
		"readout_population": pop,
		"dale":               c.Dale.String(),
		"surrogate":          c.Surrogate.Kind.String(),
		"surrogate_alpha":    strconv.FormatFloat(c.Surrogate.Alpha, 'g', -1, 64),
	}
	return g, nil
}

// WriteNIR writes the network's NIR graph (see NIR) to path through
// export.WriteNIR.
func (m *Model[T]) WriteNIR(path string, opts ...export.Option) error {
	g, err := m.NIR()
	if err != nil {
		return err
	}
	return export.WriteNIR(path, g, opts...)
}
