package kernel

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/timegrid"
	"github.com/neurodyn/neurodyn/synapses"
)

// ErrNIRUnsupported is matched (errors.Is) by the errors of ImportNIR and
// FromNIR for a graph the kernel cannot simulate exactly: a node type
// without a kernel model (Conv, Flatten, Delay, Threshold, nested graphs,
// …), a continuous signal where the kernel carries spikes, a cycle
// of weight nodes. Every error of the import also matches nderr.ErrInvalid.
var ErrNIRUnsupported = errors.New("kernel: NIR graph the kernel cannot simulate")

// nirTypesSupported lists the node types ImportNIR maps, in the order its
// errors give them.
const nirTypesSupported = "Input, Output, Affine, Linear, Scale, LIF, CubaLIF, IF, LI, CubaLI, I"

// NIRNoThresholdMV is the threshold (v_th_mv) of the kernel neurons that
// LI and CubaLI nodes become: the largest float32, which their float32
// membrane potential cannot reach, so that they never spike.
const NIRNoThresholdMV = math.MaxFloat32

// NIRNoLeakTauMs is the membrane time constant (tau_mem_ms) of the kernel
// neurons that IF and I nodes (integrators without a leak) become: so long
// that the step's decay e^{−h/τ} is 1 in float64 and float32 and the factor
// of a current is h/C exactly, for any step h up to 10⁹ ms: a perfect
// integrator.
const NIRNoLeakTauMs = 1e30

// NIROptions control ImportNIR and FromNIR. The zero value of every field
// means its documented default.
type NIROptions struct {
	// DtMs is the spec's step (ms), finite and > 0. 0 takes the graph's
	// metadata dt_s (neurodyn snn's export writes it), × 1000; without it
	// 0 is an error.
	DtMs float64
	// SpikeAreaS is the integral over time (s) of one spike of a NIR
	// spike train, NIR leaving its normalisation to the frameworks: 0
	// means 1, NIR's stated semantics (a spike is a Dirac δ(t), t in s,
	// so a spike of weight w makes a CubaLIF current jump by
	// w·w_in/τ_syn), except for graphs written by neurodyn's snn
	// (metadata source = "neurodyn snn"), whose spikes are one step long
	// (SpikeAreaS = dt_s). Frameworks that export a discrete-time model
	// with r = τ/dt or w_in = τ_syn/dt mean spikes of area dt, the
	// exporter's dt, which need not be the simulation's: snnTorch's
	// export_nir hard-codes dt = 1e-4 s (set SpikeAreaS = 1e-4 for its
	// graphs, whatever DtMs; one snnTorch step is 0.1 ms of NIR time),
	// neurodyn's snn writes its dt_s. With it each spike makes the jump
	// the framework trained with (w per spike).
	SpikeAreaS float64
	// RefractoryMs is the absolute refractory period of every LIF,
	// CubaLIF and IF neuron (ms, a multiple of the step). NIR has none: 0 means
	// none, except for graphs written by neurodyn's snn, whose metadata
	// refractory_s gives it; a negative value means none for every graph
	// (it overrides refractory_s).
	RefractoryMs float64
	// InputSpikesMs gives the spike trains of the Input nodes:
	// InputSpikesMs[node][k] are the spike times (ms, finite, ascending,
	// at most one per step, and > 0; a time within 1e-9 of a step of 0
	// acts at the first step, as spike_source's) of channel k of Input
	// node node. Channels and nodes left out get
	// spike_source devices without spikes, for the user to fill in
	// (spike_times_ms in the spec).
	InputSpikesMs map[string][][]float64
}

// NIRNeuron is where one neuron of a NIR node went: its population and
// its index there.
type NIRNeuron struct {
	Population string `json:"population"`
	Index      int    `json:"index"`
}

// NIROutputTerm is one term of a NIR Output node, W·x(t): the signal x of
// Node (an Input or neuron node), mapped by the Rows×Cols matrix W (the
// product of the weight nodes between them, or the identity). W is
// sparse: W[Row[k]][Col[k]] = Weight[k] for every k, in row-major order,
// its other entries 0 (an identity of n is n entries; Dense expands it).
// Signal is "spikes" for Input, LIF, CubaLIF and IF nodes (spike trains,
// each spike of area SpikeAreaS), "V" for LI, CubaLI and I nodes (their membrane
// potential in mV, which is NIR's v). Recorders name the recorders of the
// spec that hold x, one per population of Node (NIRImport.Neurons maps
// Node's neurons to them).
type NIROutputTerm struct {
	Node      string    `json:"node"`
	Signal    string    `json:"signal"`
	Recorders []string  `json:"recorders"`
	Rows      int       `json:"rows"`
	Cols      int       `json:"cols"`
	Row       []int     `json:"row"`
	Col       []int     `json:"col"`
	Weight    []float64 `json:"weight"`
}

// Dense returns W, Rows×Cols in row-major order.
func (t NIROutputTerm) Dense() []float64 {
	w := make([]float64, t.Rows*t.Cols)
	for k, x := range t.Weight {
		w[t.Row[k]*t.Cols+t.Col[k]] = x
	}
	return w
}

// NIROutput is a NIR Output node as a function of what the spec records:
// y(t) = Σ_i W_i·x_i(t) + Bias over its Terms (Bias nil: 0).
type NIROutput struct {
	Size  int             `json:"size"`
	Terms []NIROutputTerm `json:"terms"`
	Bias  []float64       `json:"bias,omitempty"`
}

// NIRImport is a NIR graph imported into a network spec (ImportNIR).
type NIRImport struct {
	// Spec is the network: populations, list projections, input and bias
	// devices, recorders of the Output nodes' signals.
	Spec Spec `json:"-"`
	// Neurons maps every Input and neuron node to where its neurons went:
	// Neurons[node][k] holds NIR neuron k (row-major over the node's
	// shape).
	Neurons map[string][]NIRNeuron `json:"neurons"`
	// Outputs describes every Output node by name.
	Outputs map[string]NIROutput `json:"outputs"`
	// DtMs, SpikeAreaS and RefractoryMs are the values used (options or
	// their defaults).
	DtMs         float64 `json:"dt_ms"`
	SpikeAreaS   float64 `json:"spike_area_s"`
	RefractoryMs float64 `json:"refractory_ms"`
}

// FromNIR returns the network spec of NIR graph g (ImportNIR's Spec); the
// spec then runs as any other (New, neurodyn simulate).
func FromNIR(g *export.NIRGraph, opt NIROptions) (Spec, error) {
	im, err := ImportNIR(g, opt)
	if err != nil {
		return Spec{}, err
	}
	return im.Spec, nil
}

// ImportNIR maps NIR graph g (read by export.ReadNIR from a file of
// snnTorch, Norse, Spyx, Rockpool or Lava-DL, nir 1.0.6; neurodyn snn's
// graphs are refused, their input being analog: see Inputs)
// onto the kernel's models, keeping NIR's continuous-time dynamics. Times
// in NIR are seconds, in the kernel ms; NIR's potentials are taken as mV,
// so the kernel's traces are NIR's v.
//
// # Neurons
//
// A CubaLIF node,
//
//	τ_syn dI/dt = −I + w_in·S,   τ_mem dv/dt = (v_leak − v) + r·I,
//	spike when v > v_threshold, then v = v_reset,
//
// becomes lif_exp neurons (NEST's iaf_psc_exp, integrated exactly) with
// tau_mem_ms = 1000·τ_mem, tau_syn_ex_ms = tau_syn_in_ms = 1000·τ_syn,
// e_l_mv = v_leak, v_th_mv = v_threshold, v_reset_mv = v_reset,
// cm_pf = tau_mem_ms and t_ref_ms = RefractoryMs. With C_m = τ_m (pF, ms)
// the kernel's membrane equation τ_m dV/dt = −(V − E_L) + (τ_m/C_m)·I_k
// is NIR's with I_k = r·I in pA: the kernel current is NIR's current
// times r (per neuron), and V = v in mV. A spike of NIR weight w (the
// product of the weight nodes on its way) and area a (SpikeAreaS) makes I
// jump by w_in·w·a/τ_syn (τ_syn in s), so the synapse's weight is
//
//	w_k = r·w_in·a/τ_syn · w   (pA),
//
// signed, on the exc receptor (whose τ equals the inh one's). A LIF node,
// τ dv/dt = (v_leak − v) + r·I with I the weighted spikes, becomes
// lif_delta neurons (NEST's iaf_psc_delta) with tau_mem_ms = 1000·τ,
// cm_pf = tau_mem_ms and the same potentials; a spike makes v jump by
//
//	w_k = r·a/τ · w   (mV).
//
// An IF node, dv/dt = r·I (no leak), becomes lif_delta neurons with
// tau_mem_ms = NIRNoLeakTauMs (a perfect integrator), cm_pf = 1000 (a
// current of r·c pA raises V by r·c mV per s, as NIR's v), e_l_mv = 0 and
// its v_threshold and v_reset; a spike makes v jump by
//
//	w_k = r·a · w   (mV).
//
// IF neurons start at v = 0. V is float32, as every kernel state, so each
// step's increment is rounded to V's precision: a slow ramp (increments
// below about 10⁻⁴ of V) drifts over long integrations, e.g. at r·b = 0.2
// mV/s, dt 0.1 ms and v_threshold 1 mV, the period comes out 4,996.9 ms
// for 5,000 (0.06 %).
//
// LI and CubaLI nodes (no spikes) become lif_delta and lif_exp neurons
// with the threshold NIRNoThresholdMV, which their float32 potential
// cannot reach, v_reset_mv = v_leak (so v_leak must be below it) and
// t_ref_ms = 0; an I node (dv/dt = r·I, no spikes) becomes an IF node's
// neurons with that threshold and v_reset_mv = 0, starting at v = 0. Conv,
// Flatten, pooling, Delay, Threshold and nested graphs have no kernel
// model and are refused: the error names the node, its type and the
// supported types (errors.Is(err, ErrNIRUnsupported)). Potentials must lie within float32
// range, the precision of the kernel's state.
//
// NIR stores parameters per neuron; the kernel's are per population. A
// node whose neurons differ in their kernel parameters is split into
// populations of equal parameters, <node>_0, <node>_1, … in the order of
// their first neurons (a homogeneous node keeps its name); r and w_in
// need no split, being folded into the weights and bias currents.
// Neurons start as NIR's do, exactly: v = v_leak and I = 0. The kernel
// spikes when V ≥ θ where NIR says v > v_threshold, which differs only
// when v lands exactly on the threshold. During a refractory period
// (RefractoryMs) lif_exp holds V at v_reset while I evolves; lif_delta
// neurons do not fire, but delay-0 inputs still move V (as in Brian2),
// and a neuron that ends its period at or above the threshold fires at
// the end of the first step after it.
//
// # Weights and biases
//
// Affine (y = W·x + b), Linear (y = W·x) and Scale (y = s ⊙ x) nodes
// between neuron nodes are composed: chains multiply, edges into a node
// sum. Each pair of (source, target) populations with a non-zero weight
// becomes a projection of rule kind "list" with explicit signed weights
// (weight_list; zeros, also weights that round to 0 in float32, are
// omitted; the kernel keeps weights and states in float32) and delay 0.
// Matrices are kept sparse (identities, Scale nodes and products with
// them cost their non-zeros, not rows × columns).
//
// An Affine bias b reaching a neuron is a constant input, taken exactly.
// Onto LIF, LI, IF and I neurons it is the constant current r·b. Onto CubaLIF
// and CubaLI neurons it enters through the synaptic filter, τ_syn dI/dt =
// −I + w_in·b, so that from I(0) = 0 the kernel current r·I ramps up to
// c = r·w_in·b as c·(1 − e^{−t/τ_syn}): the population gets the constant
// current c and the initial synaptic current Ie = −c (PopulationSpec.Init,
// a list when its neurons' differ), which decays with tau_syn_ex_ms =
// 1000·τ_syn, their sum being NIR's r·I. The constant current is the
// population's i_e_pa when equal for all its neurons, else a time_series
// device "<population>:bias" of one sample with the currents as
// input_matrix.
//
// # Inputs, outputs and delays
//
// NIR edges carry spikes: an Input node of n channels becomes a relay
// population of n lif_delta neurons named after it (threshold 0.5 mV,
// each spike of its spike_source device "<node>:<k>" a jump of 1 mV),
// which fire at the first grid point at or after each input spike time
// (the one at which a spike_source acts), so that their projections act
// there. Onto CubaLIF and CubaLI neurons this is exactly what a
// spike_source onto the targets would do: I jumps at that grid point.
// Onto LIF, LI, IF and I neurons v jumps at that grid point too, but after
// the step's threshold check, so a LIF or IF neuron that the jump takes to the
// threshold fires at the end of the next step: one step later than under
// a spike_source onto it, up to two steps after the input spike time.
// Spike times come from InputSpikesMs, or are left for the user to fill.
// Analog inputs are not supported: a graph whose metadata says its input
// is analog (input_signal = "analog", as neurodyn snn writes; or a
// neurodyn snn graph from before that key, which has n_excitatory) is
// refused (ErrNIRUnsupported); other graphs' Input nodes are taken as
// spike trains, which nothing in a NIR file can check. An Output node is described in
// Outputs as a linear function of recorded signals: a spikes recorder per
// population of a spiking source (Input, LIF, CubaLIF, IF), a state recorder
// of V every step per population of an LI, CubaLI or I source; the
// weights between a source and the Output, which act on that signal, are
// not simulated. A continuous signal (the state of an LI, CubaLI or I
// node) feeding a neuron node is refused: projections carry spikes.
//
// NIR has no delays, so every projection has delay 0, the kernel's "acts
// at the spike time": a spike emitted at the end of a step (the first
// grid point at or after the threshold crossing) changes its targets'
// state at that time, before the next step. Between grid points states
// evolve exactly; thresholds are checked at grid points. In the kernel's
// own history (every input and spike acting at a grid point), a crossing
// between grid points (CubaLIF neurons, LIF and IF neurons driven by their
// bias) is reported at the next grid point, less than one step after it,
// and a LIF or IF neuron that a spike's jump takes to the threshold at a grid point
// fires at the end of the next step, one step after it (and restarts from
// v_reset there). NIR's continuous solution, in which spikes act at their
// exact times, is the limit dt → 0; at a finite step these delays add up
// along chains of spikes.
//
// # Metadata
//
// Graphs written by neurodyn's snn (metadata source = "neurodyn snn")
// give the defaults of DtMs (dt_s), SpikeAreaS (dt_s) and RefractoryMs
// (refractory_s); other graphs give DtMs through dt_s when present
// (export.ReadNIR gives numeric metadata as decimal strings); a
// spike_area_s entry gives SpikeAreaS's default for any graph. Graphs
// whose input is analog are refused (see Inputs).
func ImportNIR(g *export.NIRGraph, opt NIROptions) (*NIRImport, error) {
	if g == nil || len(g.Nodes) == 0 {
		return nil, nirErr(false, "kernel: NIR graph: no nodes: must have at least one")
	}
	im := &nirImporter{g: g, nodes: map[string]*nirNode{}, outs: map[string]*nirLin{}, busy: map[string]bool{}}
	if err := im.options(opt); err != nil {
		return nil, err
	}
	if err := analogInput(g); err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(g.Nodes) {
		nd, err := parseNIRNode(name, g.Nodes[name])
		if err != nil {
			return nil, err
		}
		im.nodes[name] = nd
	}
	if err := im.checkEdges(); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(sortedKeys(im.nodes), func(k string) bool { return im.nodes[k].kind == nirInput || im.nodes[k].kind == nirNeuron }) {
		var all []string
		for _, name := range sortedKeys(im.nodes) {
			all = append(all, fmt.Sprintf("%s (%s)", name, im.nodes[name].typ))
		}
		return nil, nirErr(false, "kernel: NIR graph (nodes %s): has no Input or neuron node: nothing for the kernel to simulate", strings.Join(all, ", "))
	}
	return im.build(opt)
}

// analogInput refuses a graph whose Input nodes carry analog values: the
// metadata input_signal = "analog" (neurodyn snn's export), or a neurodyn
// snn export written before it recorded input_signal (its metadata has
// n_excitatory; its input was always analog).
func analogInput(g *export.NIRGraph) error {
	md := g.Metadata
	sig, has := md["input_signal"]
	_, old := md["n_excitatory"]
	if sig == "analog" || (!has && old && md["source"] == "neurodyn snn") {
		var in []string
		for _, name := range sortedKeys(g.Nodes) {
			if g.Nodes[name].Type == "Input" {
				in = append(in, name)
			}
		}
		return nirErr(true, "kernel: NIR graph: Input node %s carries analog values (metadata input_signal = analog: neurodyn snn's normalized samples held over each step), not spike trains: the kernel's inputs are spike trains (spike_source devices), so analog inputs are not supported; run the network with neurodyn's snn model instead (neurodyn train snn, or the Python SNN)", strings.Join(in, ", "))
	}
	return nil
}

// nirError is an error of the import: it matches nderr.ErrInvalid, and
// ErrNIRUnsupported when the graph is valid but has no kernel equivalent.
type nirError struct {
	msg         string
	unsupported bool
}

func (e *nirError) Error() string { return e.msg }

func (e *nirError) Is(target error) bool {
	return target == param.ErrInvalid || (e.unsupported && target == ErrNIRUnsupported)
}

func nirErr(unsupported bool, format string, a ...any) error {
	return &nirError{msg: fmt.Sprintf(format, a...), unsupported: unsupported}
}

type nirKind int

const (
	nirInput nirKind = iota
	nirOutput
	nirWeight
	nirNeuron
)

// nirNode is a parsed node: its size (neurons; a weight node's output),
// its input size, and its parameters broadcast to the neurons.
type nirNode struct {
	name, typ string
	kind      nirKind
	n, in     int
	w         []float64 // Affine, Linear: n×in row-major; Scale: the n scales
	b         []float64 // Affine's bias
	p         map[string][]float64
}

func (nd *nirNode) label() string { return fmt.Sprintf("NIR node %s (%s)", nd.name, nd.typ) }

// spiking reports whether the node's output is spikes (Input, LIF,
// CubaLIF, IF); LI, CubaLI and I give their potential.
func (nd *nirNode) spiking() bool {
	return nd.kind == nirInput || nd.typ == "LIF" || nd.typ == "CubaLIF" || nd.typ == "IF"
}

// nirNeuronParams lists each neuron type's parameters; v_reset may be left
// out (nir.read takes 0, as here).
var nirNeuronParams = map[string][]string{
	"LIF":     {"tau", "r", "v_leak", "v_threshold", "v_reset"},
	"CubaLIF": {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"},
	"LI":      {"tau", "r", "v_leak"},
	"CubaLI":  {"tau_syn", "tau_mem", "r", "v_leak", "w_in"},
	"IF":      {"r", "v_threshold", "v_reset"},
	"I":       {"r"},
}

// parseNIRNode checks node n's type and parameters and returns it parsed.
func parseNIRNode(name string, n export.NIRNode) (*nirNode, error) {
	nd := &nirNode{name: name, typ: n.Type}
	var want []string
	switch n.Type {
	case "Input", "Output":
		want = []string{"shape"}
	case "Affine":
		want = []string{"weight", "bias"}
	case "Linear":
		want = []string{"weight"}
	case "Scale":
		want = []string{"scale"}
	case "LIF", "CubaLIF", "LI", "CubaLI", "IF", "I":
		want = nirNeuronParams[n.Type]
	case "NIRGraph":
		return nil, nirErr(true, "kernel: %s: nested graphs are not supported (flatten the subgraph into the graph first); the kernel simulates %s nodes",
			nd.label(), nirTypesSupported)
	default:
		return nil, nirErr(true, "kernel: %s: type not supported: the kernel simulates %s nodes", nd.label(), nirTypesSupported)
	}
	for _, k := range sortedKeys(n.Params) {
		if !slices.Contains(want, k) {
			return nil, nirErr(false, "kernel: %s: parameter %s: must be one of %s", nd.label(), k, strings.Join(want, ", "))
		}
		if a := n.Params[k]; !a.Int {
			for i, v := range a.Data {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, nirErr(false, "kernel: %s: %s[%d] = %g: must be finite", nd.label(), k, i, v)
				}
			}
		}
	}
	get := func(k string) (export.NIRArray, error) {
		a, ok := n.Params[k]
		if !ok {
			return a, nirErr(false, "kernel: %s: parameter %s missing: must have %s", nd.label(), k, strings.Join(want, ", "))
		}
		size := 1
		for _, d := range a.Shape {
			size *= d
		}
		if size != len(a.Data) {
			return a, nirErr(false, "kernel: %s: %s has %d values: must match its shape %v", nd.label(), k, len(a.Data), a.Shape)
		}
		return a, nil
	}
	switch n.Type {
	case "Input", "Output":
		a, err := get("shape")
		if err != nil {
			return nil, err
		}
		nd.kind, nd.n = nirInput, 1
		if n.Type == "Output" {
			nd.kind = nirOutput
		}
		if len(a.Data) == 0 {
			return nil, nirErr(false, "kernel: %s: shape %v: must have at least one dimension", nd.label(), a.Data)
		}
		for _, d := range a.Data {
			if d < 1 || d != math.Trunc(d) || float64(nd.n)*d > math.MaxInt32 {
				return nil, nirErr(false, "kernel: %s: shape %v: must be positive integers, at most 2^31−1 in all", nd.label(), a.Data)
			}
			nd.n *= int(d)
		}
		nd.in = nd.n
	case "Affine", "Linear":
		a, err := get("weight")
		if err != nil {
			return nil, err
		}
		if len(a.Shape) != 2 || a.Shape[0] < 1 || a.Shape[1] < 1 {
			return nil, nirErr(true, "kernel: %s: weight shape %v: must be 2-D (out × in, both ≥ 1)", nd.label(), a.Shape)
		}
		nd.kind, nd.n, nd.in, nd.w = nirWeight, a.Shape[0], a.Shape[1], a.Data
		if n.Type == "Affine" {
			b, err := get("bias")
			if err != nil {
				return nil, err
			}
			if len(b.Data) != nd.n {
				return nil, nirErr(false, "kernel: %s: bias has %d values: must have %d (the weight's rows)", nd.label(), len(b.Data), nd.n)
			}
			nd.b = b.Data
		}
	case "Scale":
		a, err := get("scale")
		if err != nil {
			return nil, err
		}
		if len(a.Data) == 0 {
			return nil, nirErr(false, "kernel: %s: scale is empty: must have a value per channel", nd.label())
		}
		nd.kind, nd.n, nd.in, nd.w = nirWeight, len(a.Data), len(a.Data), a.Data
	default:
		nd.kind, nd.p = nirNeuron, map[string][]float64{}
		for _, k := range want {
			if _, ok := n.Params[k]; !ok && k == "v_reset" {
				continue // broadcast below
			}
			a, err := get(k)
			if err != nil {
				return nil, err
			}
			nd.n = max(nd.n, len(a.Data))
		}
		if nd.n == 0 {
			return nil, nirErr(false, "kernel: %s: parameters have no values: must have one per neuron", nd.label())
		}
		if nd.n > math.MaxInt32 {
			return nil, nirErr(false, "kernel: %s: %d neurons: must be at most 2^31−1", nd.label(), nd.n)
		}
		for _, k := range want {
			a, ok := n.Params[k]
			v := a.Data
			switch {
			case !ok:
				v = []float64{0} // v_reset, as nir.read
			case len(v) != nd.n && len(v) != 1:
				return nil, nirErr(false, "kernel: %s: %s has %d values: must have %d (one per neuron) or 1", nd.label(), k, len(v), nd.n)
			}
			if len(v) == 1 {
				v = slices.Repeat(v, nd.n)
			}
			nd.p[k] = v
		}
		nd.in = nd.n
		if err := nd.checkNeuron(); err != nil {
			return nil, err
		}
	}
	return nd, nil
}

// checkNeuron checks a neuron node's values: time constants > 0,
// potentials within float32 range, v_reset < v_threshold, and for LI and
// CubaLI v_leak (their kernel v_reset) < NIRNoThresholdMV (the kernel's
// models need all).
func (nd *nirNode) checkNeuron() error {
	for _, k := range []string{"tau", "tau_mem", "tau_syn"} {
		for j, v := range nd.p[k] {
			if !(v > 0) {
				return nirErr(false, "kernel: %s: %s[%d] = %g: must be > 0 (a time constant in s)", nd.label(), k, j, v)
			}
		}
	}
	for _, k := range []string{"v_leak", "v_threshold", "v_reset"} {
		for j, v := range nd.p[k] {
			if math.Abs(v) > math.MaxFloat32 {
				return nirErr(false, "kernel: %s: %s[%d] = %g: must be within float32 range, ±%g (the kernel's potentials are float32)", nd.label(), k, j, v, math.MaxFloat32)
			}
		}
	}
	if !nd.spiking() {
		for j, v := range nd.p["v_leak"] {
			if !(v < NIRNoThresholdMV) {
				return nirErr(false, "kernel: %s: v_leak[%d] = %g: must be < NIRNoThresholdMV = %g (the threshold of the kernel neurons LI and CubaLI nodes become, which must stay above their reset, v_leak)", nd.label(), j, v, NIRNoThresholdMV)
			}
		}
	}
	if th, ok := nd.p["v_threshold"]; ok {
		for j, v := range nd.p["v_reset"] {
			if !(v < th[j]) {
				return nirErr(false, "kernel: %s: v_reset[%d] = %g: must be < v_threshold[%d] = %g (the kernel's LIF models reset below threshold)", nd.label(), j, v, j, th[j])
			}
		}
	}
	return nil
}

type nirImporter struct {
	g     *export.NIRGraph
	nodes map[string]*nirNode
	into  map[string][]string // incoming edges' sources per node, in edge order
	outs  map[string]*nirLin  // weight nodes' outputs (memo)
	busy  map[string]bool     // weight nodes being expanded (cycle check)

	dt, area, tref float64
}

// options settles DtMs, SpikeAreaS and RefractoryMs from opt and the
// graph's metadata.
func (im *nirImporter) options(opt NIROptions) error {
	md := im.g.Metadata
	ours := md["source"] == "neurodyn snn"
	mdSeconds := func(key string) (float64, bool, error) {
		s, ok := md[key]
		if !ok {
			return 0, false, nil
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || !(v >= 0) || math.IsInf(v, 0) {
			return 0, true, nirErr(false, "kernel: NIR metadata %s = %q: must be a finite time ≥ 0 in s", key, s)
		}
		return v, true, nil
	}
	dtS, hasDt, err := mdSeconds("dt_s")
	im.dt = opt.DtMs
	if im.dt == 0 {
		if err != nil {
			return err
		}
		if !hasDt || dtS == 0 {
			return param.New(pkg, "DtMs", opt.DtMs, "finite and > 0 (the graph's metadata has no dt_s to take it from)")
		}
		im.dt = dtS * 1000
	}
	if !(im.dt > 0) || math.IsInf(im.dt, 0) {
		return param.New(pkg, "DtMs", opt.DtMs, "finite and > 0")
	}
	im.area = opt.SpikeAreaS
	if im.area == 0 {
		im.area = 1
		if ours && hasDt && err == nil && dtS > 0 {
			im.area = dtS
		}
		if a, has, aerr := mdSeconds("spike_area_s"); aerr == nil && has && a > 0 {
			im.area = a
		}
	}
	if !(im.area > 0) || math.IsInf(im.area, 0) {
		return param.New(pkg, "SpikeAreaS", opt.SpikeAreaS, "finite and > 0 (s; 0: 1, a Dirac spike)")
	}
	im.tref = opt.RefractoryMs
	switch {
	case im.tref < 0:
		im.tref = 0 // none, whatever the metadata
	case im.tref == 0 && ours:
		r, has, err := mdSeconds("refractory_s")
		if err != nil {
			return err
		}
		if has {
			im.tref = r * 1000
		}
	}
	if k, ok := timegrid.Steps(im.tref, im.dt); !(im.tref >= 0) || !ok || k > math.MaxInt32 {
		if opt.RefractoryMs == 0 {
			return nirErr(false, "kernel: NIR metadata refractory_s = %s: must be a multiple of the step %g ms (set RefractoryMs)", md["refractory_s"], im.dt)
		}
		return param.New(pkg, "RefractoryMs", opt.RefractoryMs, fmt.Sprintf("a multiple of the step %g ms", im.dt))
	}
	return nil
}

// checkEdges checks that edges join nodes, that none enters an Input or
// leaves an Output, and collects each node's incoming edges.
func (im *nirImporter) checkEdges() error {
	im.into = map[string][]string{}
	for i, e := range im.g.Edges {
		for _, end := range e {
			if _, ok := im.nodes[end]; !ok {
				return nirErr(false, "kernel: NIR edge %d (%s → %s): node %q: must be a node of the graph", i, e[0], e[1], end)
			}
		}
		from, to := im.nodes[e[0]], im.nodes[e[1]]
		if to.kind == nirInput {
			return nirErr(false, "kernel: NIR edge %d (%s → %s): enters %s: an Input node has no inputs", i, e[0], e[1], to.label())
		}
		if from.kind == nirOutput {
			return nirErr(false, "kernel: NIR edge %d (%s → %s): leaves %s: an Output node has no outputs", i, e[0], e[1], from.label())
		}
		if from.n != to.in {
			return nirErr(false, "kernel: NIR edge %d (%s → %s): %s gives %d values, %s takes %d: must match", i, e[0], e[1], from.label(), from.n, to.label(), to.in)
		}
		im.into[e[1]] = append(im.into[e[1]], e[0])
	}
	return nil
}

// nirLin is a linear function of the source nodes' signals (Input and
// neuron nodes): Σ_s terms[s]·x_s + bias.
type nirLin struct {
	rows  int
	terms map[string]*nirMat
	order []string  // sources in the order first met
	bias  []float64 // nil: 0
}

// nirMat is a rows×cols matrix in compressed sparse rows: the non-zero
// entries of row i are val[ptr[i]:ptr[i+1]], in the ascending columns
// col[ptr[i]:ptr[i+1]]. Exact zeros are not stored, so an identity or a
// Scale node costs its n entries, not n².
type nirMat struct {
	rows, cols int
	ptr        []int
	col        []int32
	val        []float64
}

// nirEye returns the n×n identity.
func nirEye(n int) *nirMat {
	m := &nirMat{rows: n, cols: n, ptr: make([]int, n+1), col: make([]int32, n), val: make([]float64, n)}
	for i := range n {
		m.ptr[i+1], m.col[i], m.val[i] = i+1, int32(i), 1
	}
	return m
}

// nnz returns the number of entries stored.
func (m *nirMat) nnz() int { return len(m.val) }

// push appends entry (current row, j) = x, unless x is 0; rows are closed
// by endRow.
func (m *nirMat) push(j int, x float64) {
	if x != 0 {
		m.col = append(m.col, int32(j))
		m.val = append(m.val, x)
	}
}

func (m *nirMat) endRow() { m.ptr = append(m.ptr, len(m.val)) }

// plus returns m + o (same shape), entry by entry as m's value + o's.
func (m *nirMat) plus(o *nirMat) *nirMat {
	s := &nirMat{rows: m.rows, cols: m.cols, ptr: make([]int, 1, m.rows+1)}
	for i := range m.rows {
		a, ae, b, be := m.ptr[i], m.ptr[i+1], o.ptr[i], o.ptr[i+1]
		for a < ae || b < be {
			switch {
			case b == be || (a < ae && m.col[a] < o.col[b]):
				s.push(int(m.col[a]), m.val[a])
				a++
			case a == ae || o.col[b] < m.col[a]:
				s.push(int(o.col[b]), o.val[b])
				b++
			default:
				s.push(int(m.col[a]), m.val[a]+o.val[b])
				a++
				b++
			}
		}
		s.endRow()
	}
	return s
}

// transpose returns mᵀ: row j lists the rows i of m with an entry in
// column j, ascending.
func (m *nirMat) transpose() *nirMat {
	t := &nirMat{rows: m.cols, cols: m.rows, ptr: make([]int, m.cols+1), col: make([]int32, m.nnz()), val: make([]float64, m.nnz())}
	for _, j := range m.col {
		t.ptr[j+1]++
	}
	for j := range m.cols {
		t.ptr[j+1] += t.ptr[j]
	}
	next := slices.Clone(t.ptr[:m.cols])
	for i := range m.rows {
		for p := m.ptr[i]; p < m.ptr[i+1]; p++ {
			j := m.col[p]
			t.col[next[j]], t.val[next[j]] = int32(i), m.val[p]
			next[j]++
		}
	}
	return t
}

// add adds term m of source s.
func (l *nirLin) add(s string, m *nirMat) {
	t, ok := l.terms[s]
	if !ok {
		l.terms[s] = m
		l.order = append(l.order, s)
		return
	}
	l.terms[s] = t.plus(m)
}

func (l *nirLin) addBias(b []float64) {
	if b == nil {
		return
	}
	if l.bias == nil {
		l.bias = make([]float64, l.rows)
	}
	for i, v := range b {
		l.bias[i] += v
	}
}

// input returns what enters node name: the sum over its incoming edges.
func (im *nirImporter) input(name string) (*nirLin, error) {
	nd := im.nodes[name]
	l := &nirLin{rows: nd.in, terms: map[string]*nirMat{}}
	for _, src := range im.into[name] {
		s := im.nodes[src]
		if s.kind != nirWeight {
			l.add(src, nirEye(s.n))
			continue
		}
		o, err := im.output(src)
		if err != nil {
			return nil, err
		}
		for _, k := range o.order {
			l.add(k, o.terms[k])
		}
		l.addBias(o.bias)
	}
	return l, nil
}

// output returns the output of weight node name, W·input + b, composed
// down to the source nodes.
func (im *nirImporter) output(name string) (*nirLin, error) {
	if o, ok := im.outs[name]; ok {
		return o, nil
	}
	nd := im.nodes[name]
	if im.busy[name] {
		return nil, nirErr(true, "kernel: %s: weight nodes form a cycle without a neuron node (an instantaneous loop the kernel cannot simulate)", nd.label())
	}
	im.busy[name] = true
	in, err := im.input(name)
	if err != nil {
		return nil, err
	}
	delete(im.busy, name)
	o := &nirLin{rows: nd.n, terms: map[string]*nirMat{}, order: in.order}
	for _, s := range in.order {
		o.terms[s] = nd.apply(in.terms[s])
	}
	if in.bias != nil {
		o.bias = nd.applyVec(in.bias)
	}
	o.addBias(nd.b)
	im.outs[name] = o
	return o, nil
}

// apply returns the weight node's matrix times m. Each entry is the sum
// over k ascending of W[i][k]·m[k][j] (zeros of W skipped).
func (nd *nirNode) apply(m *nirMat) *nirMat {
	out := &nirMat{rows: nd.n, cols: m.cols, ptr: make([]int, 1, nd.n+1)}
	if nd.typ == "Scale" {
		for i := range nd.n {
			for p := m.ptr[i]; p < m.ptr[i+1]; p++ {
				out.push(int(m.col[p]), nd.w[i]*m.val[p])
			}
			out.endRow()
		}
		return out
	}
	acc := make([]float64, m.cols) // row i of the product
	hit := make([]bool, m.cols)
	var cols []int
	for i := range nd.n {
		for k, w := range nd.w[i*nd.in : (i+1)*nd.in] {
			if w == 0 {
				continue
			}
			for p := m.ptr[k]; p < m.ptr[k+1]; p++ {
				j := int(m.col[p])
				acc[j] += float64(w * m.val[p]) // rounded: the same weights on every architecture
				if !hit[j] {
					hit[j] = true
					cols = append(cols, j)
				}
			}
		}
		if len(cols) > m.cols/8 { // a dense row: scan rather than sort
			cols = cols[:0]
			for j, h := range hit {
				if h {
					cols = append(cols, j)
				}
			}
		} else {
			slices.Sort(cols)
		}
		for _, j := range cols {
			out.push(j, acc[j])
			acc[j], hit[j] = 0, false
		}
		cols = cols[:0]
		out.endRow()
	}
	return out
}

// applyVec returns the weight node's matrix times the vector x.
func (nd *nirNode) applyVec(x []float64) []float64 {
	out := make([]float64, nd.n)
	for i := range nd.n {
		if nd.typ == "Scale" {
			out[i] = nd.w[i] * x[i]
			continue
		}
		for k, w := range nd.w[i*nd.in : (i+1)*nd.in] {
			if w != 0 {
				out[i] += float64(w * x[k]) // rounded: no fused multiply-add
			}
		}
	}
	return out
}

// nirPop is a population made of some neurons of a node.
type nirPop struct {
	name    string
	node    *nirNode
	neurons []int // the node's neurons, ascending
}

// build makes the spec.
func (im *nirImporter) build(opt NIROptions) (*NIRImport, error) {
	out := &NIRImport{Neurons: map[string][]NIRNeuron{}, Outputs: map[string]NIROutput{},
		DtMs: im.dt, SpikeAreaS: im.area, RefractoryMs: im.tref}
	spec := Spec{DtMs: im.dt}
	var names []string // sorted: Input nodes, then neuron nodes
	for _, kind := range []nirKind{nirInput, nirNeuron} {
		for _, name := range sortedKeys(im.nodes) {
			if im.nodes[name].kind == kind {
				names = append(names, name)
			}
		}
	}
	for _, name := range sortedKeys(opt.InputSpikesMs) {
		if nd, ok := im.nodes[name]; !ok || nd.kind != nirInput {
			return nil, param.New(pkg, "InputSpikesMs", name, "keys naming Input nodes of the graph")
		}
	}
	used := map[string]bool{}
	for name := range im.nodes {
		used[name] = true
	}
	pops := map[string][]*nirPop{} // per node
	popOf := map[string][]int{}    // per node and neuron: its population in pops
	popIndex := map[*nirPop]int{}
	for _, name := range names {
		nd := im.nodes[name]
		groups := nd.groups()
		place := make([]NIRNeuron, nd.n)
		popOf[name] = make([]int, nd.n)
		for gi, idx := range groups {
			pn := name
			if len(groups) > 1 {
				pn = fmt.Sprintf("%s_%d", name, gi)
				for used[pn] {
					pn += "_"
				}
				used[pn] = true
			}
			pp := &nirPop{name: pn, node: nd, neurons: idx}
			for k, j := range idx {
				place[j] = NIRNeuron{Population: pn, Index: k}
				popOf[name][j] = gi
			}
			popIndex[pp] = len(spec.Populations)
			spec.Populations = append(spec.Populations, im.population(pp))
			pops[name] = append(pops[name], pp)
		}
		out.Neurons[name] = place
		if nd.kind == nirInput {
			devs, err := im.inputDevices(nd, opt.InputSpikesMs[name])
			if err != nil {
				return nil, err
			}
			spec.Devices = append(spec.Devices, devs...)
		}
	}
	// Projections and bias currents, per target node. The synapses are
	// the non-zeros of each source's matrix, visited by source neuron
	// then target neuron, gathered per pair of populations.
	for _, name := range names {
		nd := im.nodes[name]
		if nd.kind != nirNeuron {
			continue
		}
		in, err := im.input(name)
		if err != nil {
			return nil, err
		}
		gain := nd.gain(im.area)
		prs := map[[3]int]*ProjectionSpec{} // (target population, source, source population)
		for si, s := range in.order {
			src := im.nodes[s]
			if !src.spiking() {
				return nil, nirErr(true, "kernel: %s takes the potential of %s, a continuous signal: the kernel's projections carry spikes (LI and CubaLI nodes can only feed Output nodes)",
					nd.label(), src.label())
			}
			t := in.terms[s].transpose() // row i: the targets of source neuron i
			for i := range src.n {
				for p := t.ptr[i]; p < t.ptr[i+1]; p++ {
					j, x := int(t.col[p]), t.val[p]
					w := gain[j] * x
					if !(math.Abs(w) <= math.MaxFloat32) {
						return nil, nirErr(false, "kernel: NIR weight from %s neuron %d onto %s neuron %d: %g × gain %g = %g: must be within float32 range",
							s, i, name, j, x, gain[j], w)
					}
					if float32(w) == 0 {
						continue
					}
					key := [3]int{popOf[name][j], si, popOf[s][i]}
					pr := prs[key]
					if pr == nil {
						pr = nirProjection(pops[s][key[2]], pops[name][key[0]])
						prs[key] = pr
					}
					pr.Sources = append(pr.Sources, out.Neurons[s][i].Index)
					pr.Targets = append(pr.Targets, out.Neurons[name][j].Index)
					pr.WeightList = append(pr.WeightList, w)
				}
			}
		}
		keys := slices.SortedFunc(maps.Keys(prs), func(a, b [3]int) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]), cmp.Compare(a[2], b[2]))
		})
		for _, k := range keys {
			spec.Projections = append(spec.Projections, *prs[k])
		}
		if in.bias != nil {
			cur := nd.current(in.bias)
			for _, tp := range pops[name] {
				if err := im.bias(&spec, popIndex[tp], tp, cur); err != nil {
					return nil, err
				}
			}
		}
	}
	// Outputs: recorders of their sources' signals.
	recorded := map[string]bool{}
	for _, name := range sortedKeys(im.nodes) {
		nd := im.nodes[name]
		if nd.kind != nirOutput {
			continue
		}
		in, err := im.input(name)
		if err != nil {
			return nil, err
		}
		o := NIROutput{Size: nd.n, Bias: in.bias}
		for k, b := range in.bias {
			if math.IsInf(b, 0) || math.IsNaN(b) {
				return nil, nirErr(false, "kernel: %s: bias[%d] reaching it = %g: must be finite (the weight nodes' products overflow float64)", nd.label(), k, b)
			}
		}
		for _, s := range in.order {
			src, m := im.nodes[s], in.terms[s]
			t := NIROutputTerm{Node: s, Signal: "spikes", Rows: m.rows, Cols: m.cols,
				Row: make([]int, 0, m.nnz()), Col: make([]int, 0, m.nnz()), Weight: slices.Clone(m.val)}
			for i := range m.rows {
				for p := m.ptr[i]; p < m.ptr[i+1]; p++ {
					if x := m.val[p]; math.IsInf(x, 0) || math.IsNaN(x) {
						return nil, nirErr(false, "kernel: %s: weight[%d] of %s neuron %d = %g: must be finite (the weight nodes' products overflow float64)", nd.label(), i, s, m.col[p], x)
					}
					t.Row = append(t.Row, i)
					t.Col = append(t.Col, int(m.col[p]))
				}
			}
			if !src.spiking() {
				t.Signal = "V"
			}
			for _, sp := range pops[s] {
				r := RecorderSpec{Kind: "spikes", Population: sp.name}
				if t.Signal == "V" {
					r = RecorderSpec{Kind: "state", Population: sp.name, Variable: "V"}
				}
				t.Recorders = append(t.Recorders, r.name())
				if !recorded[r.name()] {
					recorded[r.name()] = true
					spec.Recorders = append(spec.Recorders, r)
				}
			}
			o.Terms = append(o.Terms, t)
		}
		out.Outputs[name] = o
	}
	if err := spec.Validate(); err != nil {
		return nil, fmt.Errorf("kernel: NIR import made an invalid spec (a bug): %w", err)
	}
	out.Spec = spec
	return out, nil
}

// groups returns the node's neurons grouped by equal kernel parameters, in
// the order of their first neurons.
func (nd *nirNode) groups() [][]int {
	if nd.kind == nirInput {
		all := make([]int, nd.n)
		for j := range all {
			all[j] = j
		}
		return [][]int{all}
	}
	var keys []string
	switch nd.typ {
	case "LIF":
		keys = []string{"tau", "v_leak", "v_threshold", "v_reset"}
	case "CubaLIF":
		keys = []string{"tau_mem", "tau_syn", "v_leak", "v_threshold", "v_reset"}
	case "LI":
		keys = []string{"tau", "v_leak"}
	case "CubaLI":
		keys = []string{"tau_mem", "tau_syn", "v_leak"}
	case "IF":
		keys = []string{"v_threshold", "v_reset"}
	}
	type key [5]float64
	at := map[key]int{}
	var out [][]int
	for j := range nd.n {
		var k key
		for i, name := range keys {
			k[i] = nd.p[name][j]
		}
		g, ok := at[k]
		if !ok {
			g = len(out)
			at[k] = g
			out = append(out, nil)
		}
		out[g] = append(out[g], j)
	}
	return out
}

// population returns the kernel population of pp (see ImportNIR).
func (im *nirImporter) population(pp *nirPop) PopulationSpec {
	nd := pp.node
	ps := PopulationSpec{Name: pp.name, N: len(pp.neurons)}
	if nd.kind == nirInput {
		// a relay: each input spike (1 mV) crosses the threshold in the
		// step it arrives, and the reset leaves V at rest
		ps.Model = "lif_delta"
		ps.Params = map[string]float64{"tau_mem_ms": 1, "cm_pf": 1, "e_l_mv": 0, "v_reset_mv": 0, "v_th_mv": 0.5, "t_ref_ms": 0}
		return ps
	}
	j := pp.neurons[0]
	p := func(k string) float64 { return nd.p[k][j] }
	ms := func(s float64) float64 { return s * 1000 }
	switch nd.typ {
	case "LIF", "LI":
		ps.Model = "lif_delta"
		tau := ms(p("tau"))
		ps.Params = map[string]float64{"tau_mem_ms": tau, "cm_pf": tau, "e_l_mv": p("v_leak")}
	case "IF", "I":
		ps.Model = "lif_delta"
		ps.Params = map[string]float64{"tau_mem_ms": NIRNoLeakTauMs, "cm_pf": 1000, "e_l_mv": 0}
	default:
		ps.Model = "lif_exp"
		tau := ms(p("tau_mem"))
		ps.Params = map[string]float64{"tau_mem_ms": tau, "cm_pf": tau, "e_l_mv": p("v_leak"),
			"tau_syn_ex_ms": ms(p("tau_syn")), "tau_syn_in_ms": ms(p("tau_syn"))}
	}
	if nd.spiking() {
		ps.Params["v_th_mv"], ps.Params["v_reset_mv"], ps.Params["t_ref_ms"] = p("v_threshold"), p("v_reset"), im.tref
	} else {
		vr := 0.0 // I
		if nd.typ != "I" {
			vr = p("v_leak")
		}
		ps.Params["v_th_mv"], ps.Params["v_reset_mv"], ps.Params["t_ref_ms"] = NIRNoThresholdMV, vr, 0
	}
	return ps
}

// gain returns, per neuron of a neuron node, the kernel weight of a spike
// of NIR weight 1 and area area (s): r·w_in·area/τ_syn pA onto CubaLIF
// and CubaLI, r·area/τ mV onto LIF and LI, r·area mV onto IF and I.
func (nd *nirNode) gain(area float64) []float64 {
	g := make([]float64, nd.n)
	for j := range g {
		switch {
		case nd.p["w_in"] != nil:
			g[j] = nd.p["r"][j] * nd.p["w_in"][j] * (area / nd.p["tau_syn"][j])
		case nd.p["tau"] != nil:
			g[j] = nd.p["r"][j] * (area / nd.p["tau"][j])
		default: // IF, I: dv/dt = r·I
			g[j] = nd.p["r"][j] * area
		}
	}
	return g
}

// current returns, per neuron, the constant kernel current (pA) of a
// constant NIR input c: r·w_in·c onto CubaLIF and CubaLI (the synaptic
// current it leads to), r·c onto LIF, LI, IF and I.
func (nd *nirNode) current(c []float64) []float64 {
	out := make([]float64, nd.n)
	for j := range out {
		out[j] = nd.p["r"][j] * c[j]
		if w, ok := nd.p["w_in"]; ok {
			out[j] = nd.p["r"][j] * w[j] * c[j]
		}
	}
	return out
}

// nirProjection returns an empty list projection from population sp to tp.
func nirProjection(sp, tp *nirPop) *ProjectionSpec {
	pr := &ProjectionSpec{Source: sp.name, Target: tp.name, Rule: synapses.Rule{Kind: "list"}}
	if tp.node.typ == "CubaLIF" || tp.node.typ == "CubaLI" {
		pr.Receptor = "exc" // signed weights; τ_syn_ex = τ_syn_in
	}
	return pr
}

// bias gives population tp (spec.Populations[pi]) the constant currents
// cur[j] of its node's neurons j (node.current): i_e_pa when equal, else a
// time_series device. Onto lif_exp (CubaLIF, CubaLI), whose NIR current
// starts at 0 and reaches cur through the synaptic filter, the initial
// synaptic current Ie is −cur: Ie decays with τ_syn, so the sum is
// cur·(1 − e^{−t/τ_syn}).
func (im *nirImporter) bias(spec *Spec, pi int, tp *nirPop, cur []float64) error {
	vals := make([]float64, len(tp.neurons))
	for k, j := range tp.neurons {
		vals[k] = cur[j]
		if !(math.Abs(cur[j]) <= math.MaxFloat32) {
			return nirErr(false, "kernel: NIR bias onto %s neuron %d: current %g pA: must be within float32 range", tp.node.name, j, cur[j])
		}
	}
	if !slices.ContainsFunc(vals, func(v float64) bool { return v != 0 }) {
		return nil
	}
	ps := &spec.Populations[pi]
	uniform := !slices.ContainsFunc(vals, func(v float64) bool { return v != vals[0] })
	if ps.Model == "lif_exp" {
		ie := Dist{Dist: "constant", Value: -vals[0]}
		if !uniform {
			ie = Dist{Dist: "list", Values: make([]float64, len(vals))}
			for k, v := range vals {
				ie.Values[k] = -v
			}
		}
		ps.Init = map[string]Dist{"Ie": ie}
	}
	if uniform {
		ps.Params["i_e_pa"] = vals[0]
		return nil
	}
	m := make([][]float64, len(vals))
	for k, v := range vals {
		m[k] = []float64{v}
	}
	spec.Devices = append(spec.Devices, DeviceSpec{Name: tp.name + ":bias", Kind: "time_series", Target: tp.name,
		Series: [][]float64{{1}}, SeriesDtMs: im.dt, InputMatrix: m})
	return nil
}

// inputDevices returns the spike_source devices of Input node nd's relay
// population, channel k's with the spike times trains[k] (ms).
func (im *nirImporter) inputDevices(nd *nirNode, trains [][]float64) ([]DeviceSpec, error) {
	if len(trains) > nd.n {
		return nil, param.New(pkg, fmt.Sprintf("InputSpikesMs[%s]", nd.name), fmt.Sprintf("%d channels", len(trains)), fmt.Sprintf("at most %d (the channels of %s)", nd.n, nd.label()))
	}
	devs := make([]DeviceSpec, nd.n)
	for k := range devs {
		// spike_times_ms = [] rather than left out: the key to fill in
		devs[k] = DeviceSpec{Name: fmt.Sprintf("%s:%d", nd.name, k), Kind: "spike_source", Target: nd.name, Neurons: []int{k}, Weight: 1, SpikeTimesMs: []float64{}}
		if k >= len(trains) {
			continue
		}
		last := 0.0
		for i, t := range trains[k] {
			step := max(1, math.Ceil(t/im.dt-1e-9)) // the grid point the spike acts at, as spike_source
			var bad string
			switch {
			case !(t > 0) || math.IsInf(t, 0):
				bad = "finite and > 0"
			case !(step > last):
				bad = fmt.Sprintf("ascending, and at most one spike per step of %g ms (each channel is one neuron)", im.dt)
			}
			if bad != "" {
				return nil, param.New(pkg, fmt.Sprintf("InputSpikesMs[%s][%d][%d]", nd.name, k, i), t, bad)
			}
			last = step
		}
		devs[k].SpikeTimesMs = slices.Clone(trains[k])
	}
	return devs, nil
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
