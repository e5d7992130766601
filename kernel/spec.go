package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/strictdec"
	"github.com/neurodyn/neurodyn/internal/timegrid"
	"github.com/neurodyn/neurodyn/neurons"
	"github.com/neurodyn/neurodyn/synapses"
)

const pkg = "kernel"

// Spec describes a whole network: the one schema shared by the Go API, the
// CLI, the C API and Python (see the package doc for a complete example).
// The zero value of every optional field means its documented default.
// Times in ms (start_ms, stop_ms, times_ms, intervals, delays: whole
// steps of dt; spike_times_ms: any) span at most MaxTimeSteps steps of dt
// (2³¹−1: 2147483.647 ms at dt = 0.001 ms), as does one Run call's
// duration; delays at most 65,535 steps.
//
// Decoding (DecodeTOML, DecodeJSON) is strict in both formats: keys are
// spelled exactly as the toml or json tags (case-sensitive), a key given
// twice and an unknown key are errors naming it, and so is a negative
// seed (>= 0). The lists are tables of arrays with singular names in TOML
// ([[population]], [[projection]], [[device]], [[recorder]]) and plural
// keys in JSON (populations, …); JSON accepts the singular names too, so
// that a TOML spec read as a dict passes back. A TOML key path may be at
// most 64 levels deep and 1024 bytes long (internal/strictdec), far beyond
// any spec; JSON nesting is limited by encoding/json (10000).
type Spec struct {
	DtMs        float64          `toml:"dt_ms" json:"dt_ms"`            // step (ms), > 0; default 0.1
	Seed        uint64           `toml:"seed" json:"seed"`              // seed of every random draw, in [0, 2^63-1] (a TOML integer)
	Workers     int              `toml:"workers" json:"workers"`        // worker goroutines in [0, MaxWorkers]; 0 means 1; capped at the largest population's neurons. Results do not depend on it.
	Precise     bool             `toml:"precise" json:"precise"`        // precise (off-grid) spike times; lif_exp, lif_delta and spike_generator, delays ≥ 1 step
	Populations []PopulationSpec `toml:"population" json:"populations"` // at least one
	Projections []ProjectionSpec `toml:"projection" json:"projections"`
	Devices     []DeviceSpec     `toml:"device" json:"devices"`
	Recorders   []RecorderSpec   `toml:"recorder" json:"recorders"`
}

// PopulationSpec is a group of identical neurons.
type PopulationSpec struct {
	Name  string `toml:"name" json:"name"`   // unique, non-empty
	N     int    `toml:"n" json:"n"`         // number of neurons, ≥ 1
	Model string `toml:"model" json:"model"` // lif_exp (default), lif_alpha, lif_delta, lif_cond, adex_cond, hh_cond, izhikevich, spike_generator, parrot
	// Sign is the population's Dale sign: +1 excitatory, −1 inhibitory, 0
	// unconstrained. Projections from it take their weight sign and default
	// receptor from it.
	Sign int `toml:"sign" json:"sign"`
	// Params overrides the model's defaults (neurons.DefaultLIFExp,
	// DefaultLIFAlpha, DefaultLIFDelta, DefaultLIFCond, DefaultAdExCond, DefaultHHCond,
	// DefaultIzhikevich); keys are the parameter tags, e.g. tau_mem_ms,
	// v_th_mv, i_e_pa (izhikevich's consistent_integration: 1 or 0).
	Params map[string]float64 `toml:"params" json:"params"`
	// Options sets the model's string-valued parameters by their tags:
	// lif_cond's and hh_cond's conductance_scheme, "mean" (default) or
	// "start" (neurons.LIFCondParams, HHCondParams), e.g.
	// options = { conductance_scheme = "start" }.
	Options map[string]string `toml:"options,omitempty" json:"options,omitempty"`
	// VInit is the initial membrane potential in mV (absolute); default E_L
	// (izhikevich: −65 mV, NEST's and Izhikevich's).
	VInit Dist `toml:"v_init" json:"v_init"`
	// Init sets the initial values of the model's other state variables
	// by name (lif_exp: Ie, Ii in pA; lif_alpha: Ie, Ii and their rise
	// variables IeRise, IiRise in pA, a spike of weight w adding w to
	// its receptor's; lif_cond: Ge, Gi in nS; adex_cond: W
	// in pA, Ge, Gi in nS; hh_cond: the gates M, H, N, Ge, Gi; V is
	// VInit's; izhikevich: U and the per-neuron parameters a, b, c in mV,
	// d), default 0 (hh_cond's gates: their steady state at E_L;
	// izhikevich's a, b, c, d: the population's params; its U: b·V(0) per
	// neuron, Izhikevich's u = b·v; NEST starts U at −13 whatever b and V), e.g.
	// init = { Ie = { dist = "list", values = [-12.5, -3.0] } }. Izhikevich's
	// (2003) network draws parameters per neuron (excitatory: c = −65 +
	// 15 r², d = 8 − 6 r²), which lists give:
	// init = { c = { dist = "list", values = [...] }, d = { dist = "list", values = [...] } }.
	// Every value of a, b, c, d must be valid with the population's params
	// and dt (neurons.IzhikevichParams.ValidateNeuron; normal draws are
	// checked when the network is built).
	Init map[string]Dist `toml:"init,omitempty" json:"init,omitempty"`
	// SpikeIndices and SpikeTimesMs are the spikes of a spike_generator
	// population (Model "spike_generator"; NEST's spike_generator, one per
	// neuron, or Brian2's SpikeGeneratorGroup, whose indices and times
	// arrays they are): neuron SpikeIndices[k] emits a spike at
	// SpikeTimesMs[k], and emits nothing else. One entry each per spike
	// (left out or empty: no spike); indices in [0, N); times in ms, finite
	// and > 0, any order between neurons but non-decreasing for each
	// neuron; a time given twice is two spikes. On the grid a spike is
	// emitted at the first grid point at or after its time (as NEST's
	// spike_generator with allow_offgrid_times, and spike_source devices;
	// a time within 1e-9·dt past a grid point counts as that point), in
	// precise mode at its time. A spike_generator takes no params,
	// options, v_init or init, receives no projection and no device, and
	// has no state variable to record; it is the source of projections
	// like any population (Sign gives their Dale sign). Other models leave
	// both out. A parrot population (NEST's parrot_neuron, grid mode only)
	// takes no params, options, v_init, init or spikes: it re-emits every
	// spike that reaches it (see the package doc, "Spike generators").
	SpikeIndices []int     `toml:"spike_indices,omitempty" json:"spike_indices,omitempty"`
	SpikeTimesMs []float64 `toml:"spike_times_ms,omitempty" json:"spike_times_ms,omitempty"`
}

// Dist is a scalar distribution over a population's neurons: constant
// Value (default when Dist is empty), uniform [Low, High), normal (Mean,
// Std), or list: Values, one per neuron. A field the dist does not take
// is an error naming it (mean and std without dist = "normal" would
// otherwise leave every neuron at value).
type Dist struct {
	Dist   string    `toml:"dist" json:"dist"`
	Value  float64   `toml:"value" json:"value"`
	Low    float64   `toml:"low" json:"low"`
	High   float64   `toml:"high" json:"high"`
	Mean   float64   `toml:"mean" json:"mean"`
	Std    float64   `toml:"std" json:"std"`
	Values []float64 `toml:"values,omitempty" json:"values,omitempty"`
}

// ProjectionSpec connects a source population to a target population.
type ProjectionSpec struct {
	Source string `toml:"source" json:"source"`
	Target string `toml:"target" json:"target"`
	// Receptor is exc or inh; default inh when the source's Sign is −1
	// (onto conductance-based neurons: when the projection's sign,
	// Weights.Sign else the source's, is −1), else exc. Onto lif_exp and
	// lif_alpha neurons whose τ_syn_ex ≠ τ_syn_in the default is NEST's
	// routing (iaf_psc_exp, iaf_psc_alpha): a negative weight acts on inh, any other on exc. The
	// projection's sign (Weights.Sign, else the source's) decides for all
	// its weights; without one, a plastic projection's WMax decides, else
	// the weights built: all ≥ 0 go to exc, all ≤ 0 to inh, and weights of
	// both signs (a list's, an edges file's, a uniform range or normal
	// draw across 0) are routed synapse by synapse, by the sign bit of each
	// weight (such projections only; about 1.6× the delivery time per
	// synaptic event of one receptor). With τ_syn_ex = τ_syn_in the
	// receptors act alike and the source's sign picks, as before. Models
	// with one receptor (lif_delta, izhikevich) ignore it.
	Receptor string `toml:"receptor" json:"receptor"`
	// Rule picks the pairs; Kind "list" takes Sources/Targets below, Kind
	// "sonata" reads them from EdgesFile.
	Rule synapses.Rule `toml:"rule" json:"rule"`
	// Weights in the receptor's unit (pA, mV, nS); Sign 0 inherits the
	// source population's sign (Dale's law). Required (NEST's default
	// weight 1 is not taken): weights left out (no dist and every number 0)
	// are an error naming weights (weight_list for a list rule), unless
	// the projection is plastic (its weights then start at 0); a static
	// weight of 0 is written dist = "constant", value = 0.0. Onto parrot
	// neurons weights are left out or 1 (each spike counts once; no
	// plasticity, no short-term plasticity). Onto conductance-based neurons
	// (lif_cond, adex_cond, hh_cond) weights are conductances, stored as magnitudes:
	// the projection's sign (weights.sign, else the source's) picks the
	// receptor when Receptor is left out (−1: inh, as NEST's iaf_cond_exp
	// reads negative weights; receptor exc with sign −1 is an error); drawn
	// weights are folded to |w|; onto the exc receptor without a sign, a
	// negative constant, a uniform low end below 0, or a normal or lognormal
	// mean below 0 is an error; explicit weights (a list's, an edges file's,
	// whatever the sign) are taken as |w| on the inh receptor and must be
	// ≥ 0 on exc.
	Weights synapses.Weights `toml:"weights" json:"weights"`
	// DelayMs is the delay (a multiple of dt, ≥ 0): a spike emitted at t
	// acts at t + delay. 0 means the next step (Brian2's "no delay"; a
	// lif_delta target that the jump takes to the threshold fires at the
	// end of that step, where Brian2 loses the crossing: see the package
	// doc's "Time, delays and phases"). With
	// DelayMaxMs > DelayMs, each synapse draws a uniform delay in steps in
	// [DelayMs, DelayMaxMs]. Delays are stored in 16 bits: at most 65,535
	// steps (6553.5 ms at dt = 0.1 ms), for DelayListMs and edges files too.
	DelayMs    float64 `toml:"delay_ms" json:"delay_ms"`
	DelayMaxMs float64 `toml:"delay_max_ms" json:"delay_max_ms"`
	// Explicit synapses for Rule.Kind == "list": Sources[k] → Targets[k]
	// with WeightList[k] (or Weights.Value) and DelayListMs[k] (or DelayMs).
	Sources     []int     `toml:"sources" json:"sources"`
	Targets     []int     `toml:"targets" json:"targets"`
	WeightList  []float64 `toml:"weight_list" json:"weight_list"`
	DelayListMs []float64 `toml:"delay_list_ms" json:"delay_list_ms"`
	// EdgesFile, for Rule.Kind == "sonata", is a SONATA edges file (the
	// edges.h5 of neurodyn simulate, or another tool's) whose edge
	// population EdgesPopulation gives the synapses: source_node_id →
	// target_node_id, syn_weight in the receptor's unit (Weights.Value, the
	// only Weights field then allowed besides Sign, when the file has none)
	// and delay in ms (a multiple of dt; DelayMs when the file has none).
	// Weights are signed as a rule's: with a sign (Weights.Sign, else the
	// source population's) |w| takes it, so neurodyn's signed weights and
	// the magnitudes BMTK stores read alike; without one they stay as
	// stored (onto conductance-based neurons: see Weights). EdgesPopulation may be left out
	// when one population of the file connects Source to Target; the one
	// named must. The file is read when the spec is validated or built, and
	// a checkpoint remembers what was read. A relative path is relative to
	// the working directory (neurodyn simulate: to the spec file). One weight
	// or delay for every edge is stored once, as a rule's; reading takes
	// about 100 bytes per edge while the network is built (Brunel's 15.6 M
	// synapses: 1.8 s, 1.5 GB peak).
	EdgesFile       string `toml:"edges_file,omitempty" json:"edges_file,omitempty"`
	EdgesPopulation string `toml:"edges_population,omitempty" json:"edges_population,omitempty"`
	// Plasticity makes the weights plastic: kind "stdp" is NEST's
	// stdp_synapse, "vogels_sprekeler" its vogels_sprekeler_synapse,
	// "stdp_triplet" its stdp_triplet_synapse (synapses.Plasticity), in
	// grid mode. WMax takes the
	// projection's sign as the weights do (onto conductance-based neurons
	// |WMax|: the weights are magnitudes), and every weight must lie
	// between 0 and WMax. The weights then change as the network runs
	// (Projection(i).Weight); checkpoints and edges files carry them, with
	// the plasticity state (see Network.Checkpoint).
	Plasticity synapses.Plasticity `toml:"plasticity,omitempty" json:"plasticity,omitzero"`
	// ShortTerm makes the synapses' efficacy depend on their source
	// neuron's recent spikes: kind "tsodyks2" is NEST's tsodyks2_synapse
	// (synapses.ShortTerm), in grid and precise mode. A spike acts with
	// weight w·u·x, computed when it is emitted (the delay does not enter);
	// with Plasticity, w is the plastic weight. Checkpoints carry the state.
	ShortTerm synapses.ShortTerm `toml:"short_term,omitempty" json:"short_term,omitzero"`
}

// DeviceSpec is an input device. Kind selects the fields used (Name, Kind,
// Target and Neurons apply to every kind); a field of another kind set is
// an error naming it and the kinds it applies to (Validate):
//
//   - poisson: every target neuron receives its own Poisson spike train of
//     RateHz (the sum of all its sources), each spike a jump of Weight on
//     Receptor (default exc; onto lif_exp or lif_alpha with τ_syn_ex ≠ τ_syn_in a
//     negative Weight's is inh, NEST's routing), from StartMs to StopMs (0 = end): its spikes fall in
//     (StartMs, StopMs], the steps starting at StartMs up to the one ending
//     at StopMs, as NEST's poisson_generator's; independent counter-based
//     streams per neuron (exact Poisson counts per step, no Gaussian
//     approximation; a step's counts do not depend on the window). In
//     precise mode each spike has its own time, uniform within the step
//     (NEST's poisson_generator_ps): a Poisson process in continuous time,
//     with the same counts per step as on the grid.
//   - dc: constant current AmplitudePA (pA) from StartMs to StopMs (0 = end).
//   - step_current: piecewise constant current AmplitudesPA[i] from
//     TimesMs[i] on (before TimesMs[0]: 0). A dc or step current from
//     StartMs (TimesMs[i]) acts on the step that starts there, so V first
//     moves at StartMs + dt. NEST's dc_generator and
//     step_current_generator act one step later (their current reaches the
//     neuron through a connection of delay dt): give NEST times one step
//     earlier to reproduce a neurodyn run (bench/nest/tests).
//   - noise: NEST's noise_generator, from StartMs to StopMs (0 = end):
//     every target neuron receives its own current MeanPA + σ_j·ξ (pA),
//     ξ ~ N(0, 1) drawn anew for each interval j of NoiseDtMs (a multiple
//     of dt; 0 = 10·dt, NEST's default) counted from StartMs, independently
//     per neuron and interval; σ_j = StdPA, or with StdModPA > 0 (≤ StdPA)
//     √(StdPA² + StdModPA²·sin(2π·FrequencyHz·t_j + PhaseDeg·π/180)), t_j
//     the end of the interval's first step (ms) counted from StartMs, as
//     NEST's oscillator runs from the device's activation. It acts one step
//     before NEST's, as dc does. Counter-based streams of
//     (seed, device, neuron, interval): independent of workers, checkpoints
//     and kernel path. ξ comes from a 256-layer ziggurat (Marsaglia & Tsang
//     2000; exact, unbounded tail) on one 64-bit word of Philox-2×64-10 per
//     neuron (a block per pair of neurons); the 1.5 % of words that miss
//     its fast path take further blocks of the same counter under derived
//     keys (kernel/ziggurat.go). A leaky membrane (τ_m, C_m) driven by it
//     has the stationary variance (StdPA·τ_m/C_m)²·(1 − q)/(1 + q),
//     q = e^{−NoiseDtMs/τ_m}, at the interval boundaries: the same std acts
//     more strongly for a longer NoiseDtMs (scale StdPA by 1/√NoiseDtMs to
//     keep it).
//   - spike_source: spikes at SpikeTimesMs (> 0), each a jump of Weight on
//     Receptor (default as poisson's) of every target neuron, at the first grid point ≥ t (exactly
//     at t in precise mode).
//   - time_series: drives the population from a multivariate series through
//     input weights: I_j(t) = Σ_d W[j][d]·x_d(t) pA, x held for SeriesDtMs
//     per sample (Series[i] is sample i, all of the same dimension, finite);
//     W is drawn from InputWeights (constant, uniform or normal; Sign
//     ignored) unless given explicitly as InputMatrix (n × dims, finite).
type DeviceSpec struct {
	Name     string `toml:"name" json:"name"`
	Kind     string `toml:"kind" json:"kind"`
	Target   string `toml:"target" json:"target"`
	Neurons  []int  `toml:"neurons" json:"neurons"` // subset of the target (ascending, distinct); default all
	Receptor string `toml:"receptor" json:"receptor"`

	RateHz float64 `toml:"rate_hz" json:"rate_hz"`
	// Weight is each spike's jump (poisson, spike_source) in the
	// receptor's unit (pA, mV, nS); required, non-zero.
	Weight float64 `toml:"weight" json:"weight"`

	AmplitudePA float64 `toml:"amplitude_pa" json:"amplitude_pa"`
	StartMs     float64 `toml:"start_ms" json:"start_ms"`
	StopMs      float64 `toml:"stop_ms" json:"stop_ms"`

	TimesMs      []float64 `toml:"times_ms" json:"times_ms"`
	AmplitudesPA []float64 `toml:"amplitudes_pa" json:"amplitudes_pa"`

	// noise (left out of encodings when 0, so other specs encode as before)
	MeanPA      float64 `toml:"mean_pa,omitzero" json:"mean_pa,omitempty"`           // mean current (pA), finite
	StdPA       float64 `toml:"std_pa,omitzero" json:"std_pa,omitempty"`             // standard deviation (pA), ≥ 0
	NoiseDtMs   float64 `toml:"noise_dt_ms,omitzero" json:"noise_dt_ms,omitempty"`   // interval (ms), a multiple of dt; 0 = 10·dt
	StdModPA    float64 `toml:"std_mod_pa,omitzero" json:"std_mod_pa,omitempty"`     // modulation of the std (pA), in [0, StdPA]
	FrequencyHz float64 `toml:"frequency_hz,omitzero" json:"frequency_hz,omitempty"` // of the modulation (Hz), ≥ 0
	PhaseDeg    float64 `toml:"phase_deg,omitzero" json:"phase_deg,omitempty"`       // of the modulation (degrees), finite

	SpikeTimesMs []float64 `toml:"spike_times_ms" json:"spike_times_ms"`

	Series       [][]float64      `toml:"series" json:"series"`
	SeriesDtMs   float64          `toml:"series_dt_ms" json:"series_dt_ms"`
	InputWeights synapses.Weights `toml:"input_weights" json:"input_weights"`
	InputMatrix  [][]float64      `toml:"input_matrix" json:"input_matrix"`
}

// RecorderSpec records from a population, or from a projection. Kind
// selects what, and the fields used (a field of another kind set is an
// error naming it):
//
//   - spikes: spike times (ms) and neuron indices.
//   - state: a state variable (Variable, default "V", in its unit: mV, pA,
//     nS) of Neurons (default all), sampled every IntervalMs (default dt)
//     at the end of the step.
//   - rate: the population rate (Hz) in bins of BinMs (default 1 ms).
//   - filtered_spikes: per neuron, the spike train filtered by an
//     exponential of TauMs (r ← r·e^{−h/τ} + spike), sampled every
//     IntervalMs; the spike features of reservoir readouts.
//   - weights: the weights of Synapses (default all) of Projection, in the
//     weights' unit (pA, mV, nS; signed as Projection(i).Weight holds them,
//     conductances as magnitudes, also on the inh receptor, where edges.h5
//     writes them negative, NEST's convention), sampled every IntervalMs
//     (required: a positive multiple of dt) at the end of the step;
//     Population and Neurons stay out. A plastic projection's sample is the
//     weight the synapse has at the end of the step: the updates of the
//     presynaptic spikes so far, and every pairing whose postsynaptic spike
//     has reached the synapse by then (the delay being dendritic), also
//     those the kernel takes in only later, at the next presynaptic spike
//     or prune, which Projection(i).Weight lags by (Network.Projection;
//     Network.EffectiveWeights gives them between runs). Recording changes
//     no spike and no weight. A static projection's weights are recorded
//     too (they do not change). With short-term plasticity the recorded
//     weight is w (static or plastic), not a spike's efficacy w·u·x, which
//     depends on the source neuron only (Network.ShortTermState). Each
//     synapse recorded costs 16 bytes of index lists, and a float32 per
//     frame of a slice (slice/interval + 1, in steps; the slice is the
//     shortest delay, Network.SliceSteps) on a plastic projection, one on
//     a static one; frames kept in memory (the default sink) add 4 bytes
//     per synapse and frame. A projection that drew no synapses gives a
//     recorder of no column, which RecordSONATA writes no report for.
type RecorderSpec struct {
	// Name is unique; default "<kind>:<population>", for weights
	// "weights:<projection>". A sampled recorder's SONATA frame report is
	// FrameReportFile(name) (state:E writes state_E.h5): no two may share
	// one, nor take one of SONATAFixedFiles, names compared regardless of
	// case (Validate refuses them). A spikes recorder writes no file of its
	// own: it is its population's group in spikes.h5 (RecordSONATA takes
	// one spikes recorder per population).
	Name       string  `toml:"name" json:"name"`
	Kind       string  `toml:"kind" json:"kind"` // spikes, state, rate, filtered_spikes or weights
	Population string  `toml:"population" json:"population"`
	Neurons    []int   `toml:"neurons" json:"neurons"`
	Variable   string  `toml:"variable" json:"variable"`
	IntervalMs float64 `toml:"interval_ms" json:"interval_ms"`
	BinMs      float64 `toml:"bin_ms" json:"bin_ms"`
	TauMs      float64 `toml:"tau_ms" json:"tau_ms"`
	// Projection, for kind weights, names the projection recorded by its
	// edge population's name in edges.h5 (Network.SONATANetwork):
	// "<source>_to_<target>", then "<source>_to_<target>_1", "_2", … for
	// further projections between the same populations, in spec order.
	Projection string `toml:"projection,omitempty" json:"projection,omitempty"`
	// Synapses, for kind weights, are the indices of the synapses recorded
	// (ascending, distinct; left out: all), in the projection's synapse
	// order: that of Network.Projection(i) and of its edge population in
	// edges.h5, by source neuron, then target (a list rule's synapses sorted
	// so, stably). An empty list is an error (encoding drops it, so it would
	// read back as all), and so are indices beyond the projection's
	// synapses, when the network is built (a rule draws them).
	Synapses []int `toml:"synapses,omitempty" json:"synapses,omitempty"`
}

// name returns the recorder's name: Name, else "<kind>:<population>"
// ("weights:<projection>").
func (r RecorderSpec) name() string {
	if r.Name != "" {
		return r.Name
	}
	if r.Kind == "weights" {
		return r.Kind + ":" + r.Projection
	}
	return r.Kind + ":" + r.Population
}

// DecodeTOML reads a Spec from TOML; unknown keys are rejected with an error
// naming the first ones (strictdec.MaxUnknownKeys) and their count. A key
// path deeper than strictdec.MaxDepth (64) levels or longer than
// strictdec.MaxKeyBytes (1024) bytes is refused before decoding, and so is a
// negative seed (as every unsigned field: must be >= 0).
func DecodeTOML(r io.Reader) (Spec, error) {
	text, err := io.ReadAll(r)
	if err != nil {
		return Spec{}, fmt.Errorf("kernel: spec: %w", err)
	}
	if i := invalidUTF8(text); i >= 0 {
		return Spec{}, param.New(pkg, "spec", fmt.Sprintf("invalid UTF-8 at byte %d", i), "UTF-8 text (TOML)")
	}
	var s Spec
	_, err = strictdec.TOML(pkg, "spec", string(text), &s)
	var uk *strictdec.UnknownKeysError
	switch {
	case errors.As(err, &uk):
		allowed := "a known key (see kernel.Spec)"
		for _, k := range uk.Keys {
			if len(k) == 1 && jsonPlural[k[0]] != "" {
				allowed += fmt.Sprintf("; in TOML the key %s is %s ([[%s]] tables)", k[0], jsonPlural[k[0]], jsonPlural[k[0]])
				break
			}
		}
		return Spec{}, param.New(pkg, "spec key", uk.List(), allowed)
	case errors.Is(err, param.ErrInvalid):
		return Spec{}, err
	case err != nil: // the TOML library's syntax and type errors name the line and key
		return Spec{}, param.New(pkg, "spec", strings.TrimPrefix(err.Error(), "toml: "), "a TOML network spec (see kernel.Spec)")
	}
	return s, nil
}

// jsonPlural maps the JSON keys of Spec's lists to their TOML names.
var jsonPlural = map[string]string{"populations": "population", "projections": "projection", "devices": "device", "recorders": "recorder"}

// invalidUTF8 returns the offset of the first byte of b that is not part
// of valid UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// DecodeJSON reads a Spec from JSON, strictly (strictdec.JSON): keys are
// spelled exactly as the json tags (case-sensitive), none may repeat in an
// object, and nothing may follow the spec's object; errors name the key's
// path. The lists may also take their TOML names (population, projection,
// device, recorder), so that a TOML spec read as a dict (Python's
// tomllib.loads(net.spec)) passes back as JSON; giving a list under both
// names is an error.
func DecodeJSON(r io.Reader) (Spec, error) {
	text, err := io.ReadAll(r)
	if err != nil {
		return Spec{}, fmt.Errorf("kernel: spec: %w", err)
	}
	var w struct {
		Spec
		Population []PopulationSpec `json:"population"`
		Projection []ProjectionSpec `json:"projection"`
		Device     []DeviceSpec     `json:"device"`
		Recorder   []RecorderSpec   `json:"recorder"`
	}
	if err := strictdec.JSON(pkg, "spec", text, &w); err != nil {
		return Spec{}, err
	}
	s := w.Spec
	for _, a := range []struct {
		name       string
		toml, json bool
		set        func()
	}{
		{"population", w.Population != nil, s.Populations != nil, func() { s.Populations = w.Population }},
		{"projection", w.Projection != nil, s.Projections != nil, func() { s.Projections = w.Projection }},
		{"device", w.Device != nil, s.Devices != nil, func() { s.Devices = w.Device }},
		{"recorder", w.Recorder != nil, s.Recorders != nil, func() { s.Recorders = w.Recorder }},
	} {
		if a.toml && a.json {
			return Spec{}, param.New(pkg, "spec key", a.name+" and "+a.name+"s", "one of them (the TOML and the JSON name of one list)")
		}
		if a.toml {
			a.set()
		}
	}
	return s, nil
}

// EncodeTOML writes s as TOML (DecodeTOML reads it back).
func EncodeTOML(w io.Writer, s Spec) error { return toml.NewEncoder(w).Encode(s) }

// fingerprint identifies a spec for checkpoints (its canonical JSON).
func (s Spec) fingerprint() []byte {
	b, _ := json.Marshal(s)
	return b
}

// fingerprint identifies the network for checkpoints: its spec's without
// what does not change results (Workers: a checkpoint restores under any
// number of workers; the paths of edges files: the same file reached by
// another path restores), followed by the digest of what each edges file
// held (nothing more without one, so checkpoints of rule-built networks are
// unchanged). Everything else in the spec changes results or the state a
// checkpoint holds (recorders carry running state) and stays in. specLen
// is the length of the spec's part.
func (net *Network) fingerprint() (fp []byte, specLen int) {
	return net.fingerprintOf(net.spec)
}

// altFingerprint is the fingerprint of the network with its step written
// the other way when it is the default: dt_ms = 0.1 for a spec leaving it
// out (0), 0 for one giving 0.1. The two specs build the same network, and
// the C API and Python report a spec with the step in effect, so a network
// built from that report restores a checkpoint of the original and the
// other way round. ok is false for another step.
func (net *Network) altFingerprint() (fp []byte, ok bool) {
	s := net.spec
	switch s.DtMs {
	case 0:
		s.DtMs = 0.1
	case 0.1:
		s.DtMs = 0
	default:
		return nil, false
	}
	fp, _ = net.fingerprintOf(s)
	return fp, true
}

// fingerprintOf is the fingerprint of net with spec s (net's, or one
// building the same network).
func (net *Network) fingerprintOf(s Spec) (fp []byte, specLen int) {
	s.Workers = 0
	s.Projections = slices.Clone(s.Projections)
	for i := range s.Projections {
		s.Projections[i].EdgesFile = ""
	}
	// the conductance scheme as resolved: a checkpoint of a lif_cond or
	// hh_cond network written before the scheme existed (held conductances,
	// "start") is refused rather than continued under "mean"
	s.Populations = slices.Clone(s.Populations)
	for i, ps := range s.Populations {
		if (ps.Model == "lif_cond" || ps.Model == "hh_cond") && ps.Options["conductance_scheme"] == "" {
			o := maps.Clone(ps.Options)
			if o == nil {
				o = map[string]string{}
			}
			o["conductance_scheme"] = "mean"
			s.Populations[i].Options = o
		}
	}
	fp = s.fingerprint()
	specLen = len(fp)
	for _, pp := range net.plan.projs {
		fp = append(fp, pp.edgesDigest...)
	}
	return fp, specLen
}

func (s Spec) dt() float64 {
	if s.DtMs == 0 {
		return 0.1
	}
	return s.DtMs
}

// MaxTimeSteps is the most steps of dt a time or duration of a spec
// (start_ms, times_ms, delays, intervals, …) or of one Run call may
// span: 2³¹−1 (a longer run takes several calls, or RunSteps).
const MaxTimeSteps = math.MaxInt32

// steps converts a duration to whole steps (a multiple of dt within 1e-9
// relative), at most MaxTimeSteps.
func steps(name string, ms, dt float64) (int, error) {
	k, ok := timegrid.Steps(ms, dt)
	if ms >= 0 && !math.IsInf(ms, 0) && k > MaxTimeSteps {
		return 0, param.New(pkg, name, ms, fmt.Sprintf("at most 2^31-1 = %d steps of dt = %g ms (%.10g ms)", MaxTimeSteps, dt, float64(MaxTimeSteps)*dt))
	}
	if !(ms >= 0) || math.IsInf(ms, 0) || !ok {
		return 0, param.New(pkg, name, ms, fmt.Sprintf("≥ 0 and a multiple of dt = %g ms", dt))
	}
	return int(k), nil
}

// modelNames lists the neuron models a population may use.
const modelNames = "lif_exp, lif_alpha, lif_delta, lif_cond, adex_cond, hh_cond, izhikevich, spike_generator, parrot"

// modelParams returns the model's parameter struct (pointer) with defaults.
func modelParams(model string) (any, error) {
	switch model {
	case "", "lif_exp":
		p := neurons.DefaultLIFExp()
		return &p, nil
	case "lif_alpha":
		p := neurons.DefaultLIFAlpha()
		return &p, nil
	case "lif_delta":
		p := neurons.DefaultLIFDelta()
		return &p, nil
	case "lif_cond":
		p := neurons.DefaultLIFCond()
		return &p, nil
	case "adex_cond":
		p := neurons.DefaultAdExCond()
		return &p, nil
	case "hh_cond":
		p := neurons.DefaultHHCond()
		return &p, nil
	case "izhikevich":
		p := neurons.DefaultIzhikevich()
		return &p, nil
	}
	return nil, param.New(pkg, "model", model, "one of "+modelNames)
}

// applyParams sets the number fields of the struct dst tagged with the
// keys of m (a population's params).
func applyParams(dst any, m map[string]float64, where string) error {
	return setFields(dst, m, reflect.Float64, where+".params", "a parameter of the model", reflect.Value.SetFloat)
}

// applyOptions sets the string fields of the struct dst tagged with the
// keys of m (a population's options).
func applyOptions(dst any, m map[string]string, where string) error {
	return setFields(dst, m, reflect.String, where+".options", "a string-valued parameter of the model", reflect.Value.SetString)
}

// setFields sets the fields of kind kind of the struct dst tagged with the
// keys of m; a key naming no such field is an error at where.key.
func setFields[T any](dst any, m map[string]T, kind reflect.Kind, where, what string, set func(reflect.Value, T)) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	known := map[string]int{}
	var names, others []string
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("toml"), ",")[0]
		if t.Field(i).Type.Kind() != kind {
			others = append(others, tag)
			continue
		}
		known[tag] = i
		names = append(names, tag)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		i, ok := known[k]
		if !ok {
			allowed := what + ": one of " + strings.Join(names, ", ")
			if len(names) == 0 {
				allowed = what + ": the model has none"
			}
			if slices.Contains(others, k) {
				allowed += fmt.Sprintf(" (%s is set in %s)", k, map[reflect.Kind]string{reflect.Float64: "options", reflect.String: "params"}[kind])
			}
			return param.New(pkg, where+"."+k, m[k], allowed)
		}
		set(v.Field(i), m[k])
	}
	return nil
}

func (d Dist) validate(name string, n int) error {
	if d.Dist != "list" && len(d.Values) > 0 {
		return param.New(pkg, name+".values", fmt.Sprintf("%d values", len(d.Values)), `only with dist = "list"`)
	}
	if err := checkDistFields(name, d); err != nil {
		return err
	}
	// initial state, float32: from here on every field is finite
	if err := float32Fields(name, d.Value, d.Low, d.High, d.Mean, d.Std); err != nil {
		return err
	}
	switch d.Dist {
	case "list":
		if len(d.Values) != n {
			return param.New(pkg, name+".values", fmt.Sprintf("%d values", len(d.Values)), fmt.Sprintf("one per neuron: %d", n))
		}
		return finiteSample(name+".values", d.Values)
	case "", "constant":
		return nil
	case "uniform":
		if !(d.Low <= d.High) {
			return param.New(pkg, name+".high", d.High, fmt.Sprintf("finite and ≥ %s.low", name))
		}
		return nil
	case "normal":
		return param.NonNegative(pkg, name+".std", d.Std)
	}
	return param.New(pkg, name+".dist", d.Dist, "one of constant, uniform, normal, list")
}

func checkIndices(name string, idx []int, n int) error {
	for k, i := range idx {
		if i < 0 || i >= n {
			return param.New(pkg, fmt.Sprintf("%s[%d]", name, k), i, fmt.Sprintf("in [0, %d)", n))
		}
		if k > 0 && i <= idx[k-1] {
			return param.New(pkg, fmt.Sprintf("%s[%d]", name, k), i, "ascending and distinct")
		}
	}
	return nil
}

// Validate checks the whole spec and reports the first problem, naming the
// offending key (e.g. "population[1].n", "projection[0].delay_ms").
func (s Spec) Validate() error {
	_, err := s.resolve()
	return err
}
