package snn

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// NIRInfo is what a NIR graph records besides the network (NIRWith): the
// normalization of the inputs and outputs and where the model came from.
// The zero value records nothing of these.
type NIRInfo struct {
	// Mean and Std are the per-variable statistics the model's inputs and
	// outputs are normalized with, x_norm = (x − Mean)/Std (the train
	// split's), written as the metadata input_mean and input_std
	// (comma-separated decimals). Both or neither; Inputs values each.
	Mean, Std []float64
	// Model names the model file the graph was exported from (metadata
	// model_file).
	Model string
	// Extra metadata entries (keys as export.NIRGraph.Validate allows); they
	// may not replace the ones NIRWith writes.
	Extra map[string]string
}

// NIR returns the network as a NIR graph: NIRWith without normalization or
// model file.
func (m *Model[T]) NIR() (*export.NIRGraph, error) { return m.NIRWith(NIRInfo{}) }

// NIRWith returns the network as a NIR graph (Neural Intermediate
// Representation, nir 1.0.6), times in seconds, whose continuous-time
// meaning reproduces the model's forward pass (see below):
//
//	input (Input, Inputs: the normalized samples, analog)
//	  → input_weights (Affine: the input matrix, E rows first, and the bias currents)
//	  → lif (CubaLIF, N neurons) ⇄ recurrent (Linear N×N: the effective weights,
//	                                          Dale signs and masks applied)
//	lif → filter_k (LI, τ = ReadoutTauMs[k]) → readout_k (readout_0 Affine with
//	      the bias, the others Linear; columns of neurons not read out are 0)
//	      → output (Output, Outputs: the prediction of the next normalized sample)
//	input → skip (Linear, with Skip) → output
//
// Edges into a node sum. Who reads the file: nir.read (Python nir 1.0.6)
// and neurodyn import-nir (which refuses it: its input is analog, not
// spikes). snnTorch 1.0.0's import_from_nir and Norse 1.1.0's from_nir do
// not: neither maps LI nodes (snnTorch: "Unknown node type LI"; Norse:
// KeyError 'filter_0'), and snnTorch simulates every CubaLIF by Euler at a
// hard-coded dt of 0.1 ms whatever the graph's dt_s.
//
// # The map from the discrete step to NIR's equations
//
// One step of dt of the model is, per neuron (α, β its decay factors:
// e^{−dt/τ} with Exact, 1 − dt/τ with Euler; R the resistance; x the
// input current W_in·x + b; s the spikes, binary):
//
//	i_k = α·i_{k−1} + x_k + W·s_{k−1}
//	u_k = v_leak + β·(v_{k−1} − v_leak) + (1 − β)·R·i_k,   s_k = [u_k > θ]
//	v_k = v_reset where s_k, else u_k;   f_k = λ·f_{k−1} + s_k (λ = e^{−dt/τ_f})
//	y   = D·f_k + S·x + d after the last step of a sample.
//
// NIR's CubaLIF is τ_syn·dI/dt = −I + w_in·S, τ_mem·dv/dt = v_leak − v +
// r·I, a spike when v > v_threshold and v ← v_reset. Over one step from
// I(0) = I₀, v(0) = v₀ with a constant input c (S = c) its exact solution
// is, with a = e^{−dt/τ_syn}, b = e^{−dt/τ_mem}:
//
//	I(dt) = a·I₀ + (1 − a)·w_in·c
//	v(dt) = v_leak + b·(v₀ − v_leak) + r·[(1 − b)·w_in·c + P·(I₀ − w_in·c)],
//	P = τ_syn·(a − b)/(τ_syn − τ_mem)   (dt/τ·a when the τ's are equal).
//
// A spike on an edge is an impulse of area dt (metadata spike_area_s, the
// value 1 held for one step as snnTorch's and Norse's discrete readers feed
// it): it makes I jump by w_in·w·dt/τ_syn at the grid point it is emitted
// at. The exported τ's are the continuous ones whose exact decays are the
// model's: τ = −dt/ln(decay) (the configured τ with Exact; 1 − dt/τ → its
// e-folding time with Euler, e.g. τ_mem 2 ms at dt 1 ms becomes 1.443 ms).
// Then a spike at t_k changes v at t_{k+n} by r·J·P·Σ_{m<n} a^m·b^{n−1−m}
// against the model's (1 − β)·R·w·Σ_{m<n} α^m·β^{n−1−m}: the same
// sequence (a = α, b = β), with r = τ_mem/dt, w_in = τ_syn/dt (the
// convention of snnTorch's exporter: r·dt/τ_mem = w_in·dt/τ_syn = 1) and the
// recurrent weights scaled per postsynaptic neuron by
//
//	γ = R·(1 − β)·(ln α − ln β)/(α − β)   (R·(1 − β)/α when α = β),
//
// so that the spike edges, the membrane between spikes, the threshold and
// the hard reset are exactly the model's on the grid of dt. The LI filters
// (τ·dv/dt = −v + r·I, τ = τ_f, r = τ_f/dt) jump by 1 per spike and decay
// by λ per step: the model's traces, read at t_k after the step's spikes.
//
// The analog input reaches the network as NIR's Input holds it: each
// normalized sample constant over its SubSteps steps (zero-order hold),
// through the Affine. The model's current takes a step's input in at the
// start of the step, a continuous current only gradually, so no scale
// makes this path exact; the input weights and bias currents are scaled by
//
//	ρ = R·ln α·ln β/(1 − α)
//
// which makes the response to a constant input, r·w_in·ρ·x = R·x/(1 − α),
// exactly the model's: the DC gain, and the input current is 1 − α of the
// way behind the model's within a step. TestNIRSimulated measures the
// rest: simulated per NIR on the grid, the test network spikes as the model
// does with the input as impulses at the start of each step (the only
// difference), and within a few per cent with the input held.
//
// Readouts: y is read at the end of each sample, after its last step's
// spikes reached the filters; the skip term reads the sample held.
//
// What NIR cannot express is refused: a soft reset (Reset; NIR resets to
// v_reset), Smooth spikes (NIR spikes are binary), count and membrane
// readouts (Readout; NIR edges carry spikes), and, with Euler, a time
// constant equal to DtMs (its decay 1 − dt/τ = 0 has no continuous
// counterpart). A refractory period, which NIR's CubaLIF lacks, is
// recorded in the metadata (refractory_s: the membrane is held at v_reset
// that long after a spike, the current integrating), as are the step
// (dt_s), the steps a sample is held (substeps), the discretization, the
// input and output meaning, the normalization (info), the populations and
// the provenance (neurodyn version and revision, seed, configuration).
// Errors are param errors (errors.Is(err, nderr.ErrInvalid)).
func (m *Model[T]) NIRWith(info NIRInfo) (*export.NIRGraph, error) {
	c := m.cfg
	if c.Readout != ReadoutFiltered {
		return nil, param.New(pkg, "Readout", c.Readout.String(), "filtered to export to NIR (NIR edges carry spikes; count and membrane readouts have no NIR node)")
	}
	if c.Reset != ResetHard {
		return nil, param.New(pkg, "Reset", c.Reset.String(), "hard to export to NIR (NIR's CubaLIF resets v to v_reset; a soft reset, v ← u − (θ − v_reset), has no NIR node)")
	}
	if c.Smooth {
		return nil, param.New(pkg, "Smooth", true, "false to export to NIR (NIR neurons emit binary spikes; Smooth's graded ones have no NIR node)")
	}
	N, NE, I, O, RN := c.N(), c.NE, c.Inputs, c.Outputs, c.ReadoutNeurons()
	if (info.Mean == nil) != (info.Std == nil) || (info.Mean != nil && (len(info.Mean) != I || len(info.Std) != I)) {
		return nil, param.New(pkg, "NIRInfo.Mean/Std", fmt.Sprintf("%d/%d values", len(info.Mean), len(info.Std)), fmt.Sprintf("both empty or both Inputs (%d) values", I))
	}
	dt := c.DtMs / 1000
	// decays and continuous time constants (s)
	cont := func(name string, tau float64) (decay, tauS, lnDecay float64, err error) {
		decay = c.decay(tau)
		if !(decay > 0) {
			return 0, 0, 0, param.New(pkg, name, tau, fmt.Sprintf("> DtMs (%g ms) to export an Euler network to NIR (the decay 1 − dt/τ = 0 has no continuous time constant)", c.DtMs))
		}
		if c.Discretization == Exact {
			return decay, tau / 1000, -c.DtMs / tau, nil
		}
		lnDecay = detmath.Log(decay)
		return decay, -dt / lnDecay, lnDecay, nil
	}
	alpha, tauSyn, lnA, err := cont("TauSynMs", c.TauSynMs)
	if err != nil {
		return nil, err
	}
	type memT struct{ tau, gamma, rho float64 }
	mems := [2]memT{}
	for p, tc := range []struct {
		name string
		tau  float64
	}{{"TauMemEMs", c.TauMemEMs}, {"TauMemIMs", c.TauMemIMs}} {
		if p == 1 && c.numI() == 0 {
			break
		}
		be, tau, ln, err := cont(tc.name, tc.tau)
		if err != nil {
			return nil, err
		}
		mems[p] = memT{tau: tau,
			gamma: c.R * (1 - be) * lnRatio(alpha, be),
			rho:   c.R * float64(lnA*ln) / (1 - alpha)}
	}
	mem := func(j int) memT {
		if j >= NE {
			return mems[1]
		}
		return mems[0]
	}
	f64 := func(v []T) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	}
	winT, biasT := m.InputWeights()
	win, bias := f64(winT), f64(biasT)
	rec := f64(m.Recurrent())
	tauMem, r := make([]float64, N), make([]float64, N)
	for j := 0; j < N; j++ {
		mj := mem(j)
		tauMem[j], r[j] = mj.tau, mj.tau/dt
		for i := 0; i < I; i++ {
			win[j*I+i] *= mj.rho
		}
		bias[j] *= mj.rho
		for i := 0; i < N; i++ {
			rec[j*N+i] *= mj.gamma
		}
	}
	g := &export.NIRGraph{Nodes: map[string]export.NIRNode{}}
	node := func(name, typ string, p map[string]export.NIRArray) {
		g.Nodes[name] = export.NIRNode{Type: typ, Params: p}
	}
	edge := func(a, b string) { g.Edges = append(g.Edges, [2]string{a, b}) }
	node("input", "Input", map[string]export.NIRArray{"shape": export.NIRShape(I)})
	node("output", "Output", map[string]export.NIRArray{"shape": export.NIRShape(O)})
	node("input_weights", "Affine", map[string]export.NIRArray{"weight": export.NIRMatrix(N, I, win), "bias": export.NIRVec(bias...)})
	node("lif", "CubaLIF", map[string]export.NIRArray{
		"tau_mem":     export.NIRVec(tauMem...),
		"tau_syn":     export.NIRFill(N, tauSyn),
		"r":           export.NIRVec(r...),
		"v_leak":      export.NIRFill(N, c.VLeak),
		"v_threshold": export.NIRFill(N, c.VTh),
		"v_reset":     export.NIRFill(N, c.VReset),
		"w_in":        export.NIRFill(N, tauSyn/dt),
	})
	node("recurrent", "Linear", map[string]export.NIRArray{"weight": export.NIRMatrix(N, N, rec)})
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
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	cfgJSON, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("snn: NIR: encode the configuration: %w", err)
	}
	g.Metadata = map[string]string{
		"source":             "neurodyn snn",
		"neurodyn_version":   buildinfo.Version,
		"neurodyn_revision":  buildinfo.Revision(),
		"seed":               strconv.FormatUint(c.Seed, 10),
		"config":             string(cfgJSON),
		"time_unit":          "s",
		"dt_s":               num(dt),
		"spike_area_s":       num(dt),
		"substeps":           strconv.Itoa(c.SubSteps),
		"discretization":     c.Discretization.String(),
		"reset":              c.Reset.String(),
		"refractory_s":       num(c.RefractoryMs / 1000),
		"n_excitatory":       strconv.Itoa(NE),
		"n_inhibitory":       strconv.Itoa(c.numI()),
		"input_signal":       "analog",
		"input":              fmt.Sprintf("analog: one normalized sample (%d values, x_norm = (x − input_mean)/input_std) held constant for substeps steps of dt_s, read by the Affine input_weights; not spikes", I),
		"output":             fmt.Sprintf("the prediction of the next normalized sample (%d values; x = input_mean + input_std·y), read at the end of each sample after its last step's spikes", O),
		"readout":            "filtered spikes",
		"readout_population": pop,
		"dale":               c.Dale.String(),
		"surrogate":          c.Surrogate.Kind.String(),
		"surrogate_alpha":    num(c.Surrogate.Alpha),
	}
	if info.Mean != nil {
		g.Metadata["input_mean"] = joinFloats(info.Mean)
		g.Metadata["input_std"] = joinFloats(info.Std)
	} else {
		g.Metadata["normalization"] = "not recorded (input_mean, input_std unknown to the exporter)"
	}
	if info.Model != "" {
		g.Metadata["model_file"] = info.Model
	}
	for k, v := range info.Extra {
		if _, ok := g.Metadata[k]; ok {
			return nil, param.New(pkg, "NIRInfo.Extra", k, "keys other than the metadata NIRWith writes")
		}
		g.Metadata[k] = v
	}
	return g, nil
}

// lnRatio returns (ln a − ln b)/(a − b) for a, b > 0, accurate when a ≈ b
// (1/b at a = b): log1p(x)/(b·x) with x = (a − b)/b.
func lnRatio(a, b float64) float64 {
	x := (a - b) / b
	if x == 0 {
		return 1 / b
	}
	return detmath.Log1p(x) / float64(b*x)
}

func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

// WriteNIR writes the network's NIR graph (see NIRWith) to path through
// export.WriteNIR.
func (m *Model[T]) WriteNIR(path string, opts ...export.Option) error {
	return m.WriteNIRWith(path, NIRInfo{}, opts...)
}

// WriteNIRWith writes the network's NIR graph with info (see NIRWith) to
// path through export.WriteNIR.
func (m *Model[T]) WriteNIRWith(path string, info NIRInfo, opts ...export.Option) error {
	g, err := m.NIRWith(info)
	if err != nil {
		return err
	}
	return export.WriteNIR(path, g, opts...)
}
