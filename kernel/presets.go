package kernel

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/timegrid"
	"github.com/neurodyn/neurodyn/synapses"
)

// PresetOptions scale a preset network. Zero values mean the preset's
// defaults, as the CLI's flags' 0 (neurodyn simulate --preset); the C API
// (neurodyn_preset_spec, neurodyn_network_preset) and Python
// (Network.preset), whose options can be left out instead, refuse an
// explicit 0 of N, K, DtMs, Seed or Workers.
type PresetOptions struct {
	N       int     // total neurons (cuba, coba, cobahh: 4000; brunel, brunel_alpha: 12500; vogels: 10000; scale: 1e6; izhikevich2003: 1000)
	K       int     // synapses per neuron for the scaled networks, ≤ N (default cuba, coba, cobahh: 80; vogels: 200; scale: 100; at most N); brunel, brunel_alpha (in-degree 0.1·N) and izhikevich2003 (all-to-all) refuse it
	DtMs    float64 // step (default 0.1 ms; izhikevich2003: 1 ms, the only step it takes)
	Seed    uint64  // seed; 0 means the default, 1, as zero values do in every config of neurodyn (for a spec of seed 0, set the returned Spec's Seed)
	Workers int     // workers (default 1)
	Record  bool    // add a spikes recorder per population
}

// Presets lists the preset names.
func Presets() []string {
	names := make([]string, 0, len(presets))
	for k := range presets {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

var presets = map[string]func(PresetOptions) (Spec, error){
	"cuba":   cubaSpec,
	"coba":   cobaSpec,
	"brunel": brunelSpec,

	"brunel_alpha": brunelAlphaSpec,
	"scale":        scaleSpec,
	"vogels":       vogelsSpec,
	"cobahh":       cobahhSpec,

	"izhikevich2003": izhikevich2003Spec,
}

// presetFixedK holds the presets whose synapses per neuron follow from N,
// and how.
var presetFixedK = map[string]string{"brunel": "its in-degree is 0.1·N (Brunel's ε = 0.1)",
	"brunel_alpha": "its in-degrees are 0.1·N_E and 0.1·N_I (ε = 0.1)", "izhikevich2003": "its synapses are all-to-all"}

// presetDtMs holds the default step (ms) of the presets whose default is
// not 0.1 ms.
var presetDtMs = map[string]float64{"izhikevich2003": 1}

// Preset returns the spec of a standard network:
//
//   - cuba: the Vogels & Abbott (2005) current-based network as in Brette et
//     al. (2007) benchmark 2 and Brian2's CUBA example: 80 % excitatory,
//     p = K/N (0.02 at N = 4000), τ_m 20 ms, τ_e 5 ms, τ_i 10 ms, E_L −49 mV,
//     V_th −50 mV, V_reset −60 mV, refractory 5 ms, w_e = 1.62 mV and
//     w_i = −9 mV of "voltage" current (Brian2's ge/gi, as pA through
//     C_m/τ_m), no delay (effect on the next step), V initially uniform in
//     [V_reset, V_th).
//   - coba: the conductance-based version (benchmark 1): C_m 200 pF, g_L
//     10 nS, E_L −60, E_ex 0, E_in −80 mV, Δg_ex 6 nS, Δg_in 67 nS,
//     exponential-Euler integration with the conductances' step means
//     (lif_cond's default scheme); V initially normal(−55, 5) mV.
//   - brunel: Brunel (2000) model A: N_E = 0.8 N, N_I = 0.2 N, p = 0.1
//     (binomial in-degrees), J = 0.1 mV, g = 5, D = 1.5 ms, τ = 20 ms,
//     θ = 20 mV, V_r = 10 mV, τ_rp = 2 ms, each neuron driven by its own
//     Poisson input of C_E sources at ν_ext = 2 ν_thr.
//   - brunel_alpha: NEST's example brunel_alpha_nest.py, Brunel's model A
//     with NEST's iaf_psc_alpha neurons (lif_alpha): N_E = 0.8 N, N_I =
//     0.2 N, fixed in-degrees C_E = 0.1 N_E from E and C_I = 0.1 N_I from
//     I onto every neuron (autapses and multapses allowed, NEST's
//     defaults), τ_m 20 ms, C_m 250 pF, τ_syn 0.5 ms, θ 20 mV, V_r = E_L
//     = 0, τ_rp 2 ms, V(0) = 0; the excitatory PSC amplitude J_ex makes
//     a PSP of J = 0.1 mV peak (AlphaPSCForPSP: 20.68 pA at C_m 250 pF,
//     τ_m 20, τ_syn 0.5 ms), inhibitory −g·J_ex with g = 5, D = 1.5 ms, and
//     each neuron driven by its own Poisson input at η·ν_thr·C_E, ν_thr =
//     θ·C_m/(J_ex·C_E·e·τ_m·τ_syn) (η = 2), of weight J_ex and delay D.
//   - scale: the brunel network at N neurons with K synapses per neuron
//     (default 10⁶ × 100), J scaled by 1000/(0.8 K) to keep the drive.
//   - vogels: the network of Vogels, Sprekeler, Zenke, Clopath & Gerstner
//     (2011) as in Brian2's example: 80 % excitatory, the coba neurons
//     driven by I_e = 200 pA, V initially uniform in [E_L, V_th), p = K/N
//     (0.02 at N = 10,000), no delay, E→E and E→I 0.3 nS, I→I 3 nS, and
//     I→E starting at 0 nS with inhibitory plasticity (kind
//     vogels_sprekeler: τ 20 ms, η 0.01 nS, α 0.12, a target rate of 3 Hz,
//     w_max 100 nS), which brings the E rate from about 150 Hz down to 10 Hz
//     in 5 s and towards 3 Hz over minutes (bench/README.md).
//   - cobahh: the COBAHH network (Brette et al. 2007, benchmark 3) as in
//     Brian2's example: 80 % excitatory hh_cond neurons (Traub–Miles; NEST
//     hh_cond_exp_traub's parameters, a 20,000 µm² membrane), p = K/N
//     (0.02 at N = 4000), Δg_ex 6 nS, Δg_in 67 nS, no delay, spikes
//     detected at V ≥ −20 mV with 3 ms refractoriness, V initially
//     normal(−65, 5) mV, g_ex normal(40, 15) nS, g_in normal(200, 120) nS
//     and the gates m, h, n at 0 (Brian2's initial values); exponential
//     Euler with the conductances' step means (hh_cond's default scheme;
//     Brian2's example holds them at their start values, hh_cond's
//     "start").
//   - izhikevich2003: the network of Izhikevich (2003), "Simple model of
//     spiking neurons" (IEEE Trans. Neural Netw. 14:1569), as its MATLAB
//     program: N = 1000 izhikevich neurons (0.8 N excitatory, the rest
//     inhibitory; N scales it), with r_e, r_i ~ U(0, 1) per neuron: E
//     a = 0.02, b = 0.2, c = −65 + 15 r_e² mV, d = 8 − 6 r_e²; I a = 0.02 +
//     0.08 r_i, b = 0.25 − 0.05 r_i, c = −65 mV, d = 2 (init lists, drawn
//     from the seed by a PCG stream of the preset's own); all-to-all
//     synapses, self-connections kept (the paper's S has a diagonal),
//     weights (mV/ms of current held over the step) S_E ~ 0.5·U(0, 1) and
//     S_I ~ −U(0, 1) per synapse, times 1000/N at other sizes (each
//     neuron's summed input stays the paper's: E 7.5–7.6 Hz, I 6.4–7.2 Hz
//     at N = 1000 to 10,000; unscaled, N = 10,000 saturates, every neuron firing in
//     99 % of the steps); thalamic input as noise devices,
//     5·N(0, 1) pA onto E and 2·N(0, 1) pA onto I, drawn anew every 1 ms
//     per neuron; V(0) = −65 mV, U(0) = b·V(0); V_th 30 mV, no V_min;
//     consistent_integration = 0 (the paper's two half steps of V, then U
//     from the new V) at dt = 1 ms, the only step accepted; delay 1 ms.
//     The delay makes the engine's order the paper's loop: there, the
//     neurons found at v ≥ 30 at the start of iteration t (raised there by
//     iteration t − 1) are reset and their column of S is added to I of
//     iteration t; here the threshold test and reset end step t − 1 (on
//     the same V, U: nothing happens between), and a spike of step t − 1
//     with a delay of one step lands in the ring slot that step t reads as
//     its input current, in both half steps, as the paper's I. (A delay of
//     0 would instead jump V by w before the step.) The loop written out
//     with this network and input fires in the same steps as the preset
//     (kernel/izhikevich2003_test.go), and with its own draws at the same
//     rates, E 7.6 Hz and I 7.2–7.3 Hz, with alpha (7.5–8.75 Hz) and
//     gamma-band (20–40 Hz) rhythms.
//
// Brian2 counts refractoriness from the start of the step in which a neuron
// fires, so its 5 ms clamp v for 5 ms/dt − 1 steps after the spike; the cuba
// and coba presets use t_ref = 5 ms − dt, which reproduces that (cobahh
// 3 ms − dt).
func Preset(name string, o PresetOptions) (Spec, error) {
	f, ok := presets[name]
	if !ok {
		return Spec{}, param.New(pkg, "preset", name, "one of "+strings.Join(Presets(), ", "))
	}
	if o.DtMs == 0 {
		o.DtMs = 0.1
		if dt, ok := presetDtMs[name]; ok {
			o.DtMs = dt
		}
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if why := presetFixedK[name]; why != "" && o.K != 0 {
		return Spec{}, param.New(pkg, "K", o.K, fmt.Sprintf("0 (left out) for preset %s: %s (presets cuba, coba, cobahh, vogels and scale take K)", name, why))
	}
	if o.N < 0 || o.K < 0 {
		return Spec{}, param.New(pkg, "preset size", fmt.Sprintf("N=%d K=%d", o.N, o.K), "≥ 0")
	}
	s, err := f(o)
	if pe := (*param.Error)(nil); o.N > 0 && (err == nil && tooSmall(s) || errors.As(err, &pe) && (pe.Name == "NE" || pe.Name == "NI") && pe.Value == 0) {
		err = presetMinN(name, f, o)
	}
	if err != nil {
		return Spec{}, err
	}
	s.DtMs, s.Seed, s.Workers = o.DtMs, o.Seed, o.Workers
	if o.Record {
		for _, p := range s.Populations {
			s.Recorders = append(s.Recorders, RecorderSpec{Kind: "spikes", Population: p.Name})
		}
	}
	return s, s.Validate()
}

// tooSmall reports whether a population of s has no neuron.
func tooSmall(s Spec) bool {
	return slices.ContainsFunc(s.Populations, func(p PopulationSpec) bool { return p.N < 1 })
}

// presetMinN returns the error of a size o.N too small for every
// population of preset name to have a neuron, naming N and the smallest
// size that has.
func presetMinN(name string, f func(PresetOptions) (Spec, error), o PresetOptions) error {
	for n := o.N + 1; n <= o.N+1000; n++ {
		q := o
		q.N = n
		if s, err := f(q); err == nil && !tooSmall(s) {
			pops := make([]string, len(s.Populations))
			for i, p := range s.Populations {
				pops[i] = p.Name
			}
			return param.New(pkg, "N", o.N, fmt.Sprintf("at least %d for preset %s: each of its populations %s needs a neuron", n, name, strings.Join(pops, ", ")))
		}
	}
	return param.New(pkg, "N", o.N, fmt.Sprintf("large enough for every population of preset %s to have a neuron", name))
}

// presetDt returns a param error naming DtMs unless the step is positive
// and divides each of the preset's fixed times ms (refractory period,
// delay), which are whole numbers of steps in the engine.
func presetDt(dt float64, what string, ms ...float64) error {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return param.New(pkg, "DtMs", dt, "finite and > 0")
	}
	for _, t := range ms {
		if k, ok := timegrid.Steps(t, dt); k < 1 || !ok {
			times := make([]string, len(ms))
			for i, t := range ms {
				times[i] = fmt.Sprintf("%g", t)
			}
			return param.New(pkg, "DtMs", dt, fmt.Sprintf("a step that divides the preset's %s (%s ms), e.g. 0.1, 0.05 or 0.25 ms", what, strings.Join(times, " and ")))
		}
	}
	return nil
}

func split80(n int) (int, int) {
	ne := int(math.Round(0.8 * float64(n)))
	return ne, n - ne
}

// connProb returns the connection probability K/N of a scaled preset; K > N
// is an error (it would need more than one synapse per pair).
func connProb(n, k int) (float64, error) {
	if k > n {
		return 0, param.New(pkg, "K", k, fmt.Sprintf("≤ N = %d (p = K/N ≤ 1)", n))
	}
	return float64(k) / float64(n), nil
}

// scaled returns the sizes of a scaled preset with o's N and K, or the
// defaults n and k (at most N): 80 % excitatory, p = K/N.
func scaled(o PresetOptions, n, k int) (ne, ni int, p float64, err error) {
	if o.N != 0 {
		n = o.N
	}
	k = min(k, n)
	if o.K != 0 {
		k = o.K
	}
	ne, ni = split80(n)
	p, err = connProb(n, k)
	return ne, ni, p, err
}

// cobaParams are the coba and vogels presets' lif_cond neurons at step dt
// (Brian2's 5 ms refractory period).
func cobaParams(dt float64) map[string]float64 {
	return map[string]float64{"cm_pf": 200, "g_l_ns": 10, "e_l_mv": -60, "e_ex_mv": 0, "e_in_mv": -80,
		"tau_syn_ex_ms": 5, "tau_syn_in_ms": 10, "t_ref_ms": 5 - dt, "v_reset_mv": -60, "v_th_mv": -50}
}

func cobahhSpec(o PresetOptions) (Spec, error) {
	if err := presetDt(o.DtMs, "refractory period", 3); err != nil {
		return Spec{}, err
	}
	ne, ni, p, err := scaled(o, 4000, 80)
	if err != nil {
		return Spec{}, err
	}
	params := map[string]float64{"v_spike_mv": -20, "t_ref_ms": 3 - o.DtMs}
	vinit := Dist{Dist: "normal", Mean: -65, Std: 5}
	init := map[string]Dist{"Ge": {Dist: "normal", Mean: 40, Std: 15}, "Gi": {Dist: "normal", Mean: 200, Std: 120},
		"M": {}, "H": {}, "N": {}}
	return Spec{
		Populations: []PopulationSpec{
			{Name: "E", N: ne, Model: "hh_cond", Sign: 1, Params: params, VInit: vinit, Init: init},
			{Name: "I", N: ni, Model: "hh_cond", Params: maps.Clone(params), VInit: vinit, Init: maps.Clone(init)},
		},
		Projections: []ProjectionSpec{condProj("E", "E", "exc", p, 6), condProj("E", "I", "exc", p, 6),
			condProj("I", "E", "inh", p, 67), condProj("I", "I", "inh", p, 67)},
	}, nil
}

func cubaSpec(o PresetOptions) (Spec, error) {
	if err := presetDt(o.DtMs, "refractory period", 5); err != nil {
		return Spec{}, err
	}
	ne, ni, p, err := scaled(o, 4000, 80)
	if err != nil {
		return Spec{}, err
	}
	const cm, taum = 250.0, 20.0
	params := map[string]float64{"cm_pf": cm, "tau_mem_ms": taum, "tau_syn_ex_ms": 5, "tau_syn_in_ms": 10,
		"t_ref_ms": 5 - o.DtMs, "e_l_mv": -49, "v_reset_mv": -60, "v_th_mv": -50}
	vinit := Dist{Dist: "uniform", Low: -60, High: -50}
	we, wi := cm*1.62/taum, cm*-9.0/taum // pA
	return Spec{
		Populations: []PopulationSpec{
			{Name: "E", N: ne, Model: "lif_exp", Sign: 1, Params: params, VInit: vinit},
			{Name: "I", N: ni, Model: "lif_exp", Sign: -1, Params: maps.Clone(params), VInit: vinit},
		},
		Projections: allPairs([]string{"E", "I"}, synapses.Rule{Kind: "fixed_prob", P: p, Autapses: true},
			map[string]float64{"E": we, "I": wi}, 0),
	}, nil
}

func cobaSpec(o PresetOptions) (Spec, error) {
	if err := presetDt(o.DtMs, "refractory period", 5); err != nil {
		return Spec{}, err
	}
	ne, ni, p, err := scaled(o, 4000, 80)
	if err != nil {
		return Spec{}, err
	}
	params := cobaParams(o.DtMs)
	vinit := Dist{Dist: "normal", Mean: -55, Std: 5}
	return Spec{
		Populations: []PopulationSpec{
			{Name: "E", N: ne, Model: "lif_cond", Sign: 1, Params: params, VInit: vinit},
			{Name: "I", N: ni, Model: "lif_cond", Params: maps.Clone(params), VInit: vinit}, // conductances are ≥ 0 on the inh receptor
		},
		Projections: []ProjectionSpec{condProj("E", "E", "exc", p, 6), condProj("E", "I", "exc", p, 6),
			condProj("I", "E", "inh", p, 67), condProj("I", "I", "inh", p, 67)},
	}, nil
}

// condProj is a fixed_prob projection (p, autapses) onto receptor recep
// with the constant conductance w (nS).
func condProj(src, tgt, recep string, p, w float64) ProjectionSpec {
	return ProjectionSpec{Source: src, Target: tgt, Receptor: recep, Rule: synapses.Rule{Kind: "fixed_prob", P: p, Autapses: true},
		Weights: synapses.Weights{Value: w}}
}

// vogelsPlasticity is the vogels preset's I→E rule.
var vogelsPlasticity = synapses.Plasticity{Kind: "vogels_sprekeler", TauPlusMs: 20, TauMinusMs: 20,
	Eta: 0.01, Alpha: 2 * 3.0 * 20 / 1000, WMax: 100}

func vogelsSpec(o PresetOptions) (Spec, error) {
	if err := presetDt(o.DtMs, "refractory period", 5); err != nil {
		return Spec{}, err
	}
	ne, ni, p, err := scaled(o, 10000, 200)
	if err != nil {
		return Spec{}, err
	}
	params := cobaParams(o.DtMs)
	params["i_e_pa"] = 200
	vinit := Dist{Dist: "uniform", Low: -60, High: -50}
	ie := condProj("I", "E", "inh", p, 0)
	ie.Plasticity = vogelsPlasticity
	return Spec{
		Populations: []PopulationSpec{
			{Name: "E", N: ne, Model: "lif_cond", Sign: 1, Params: params, VInit: vinit},
			{Name: "I", N: ni, Model: "lif_cond", Params: maps.Clone(params), VInit: vinit}, // conductances are ≥ 0 on the inh receptor
		},
		Projections: []ProjectionSpec{condProj("E", "E", "exc", p, 0.3), condProj("E", "I", "exc", p, 0.3),
			condProj("I", "I", "inh", p, 3), ie},
	}, nil
}

// allPairs connects every population in names to every one with the given
// rule, weight per source and delay.
func allPairs(names []string, rule synapses.Rule, w map[string]float64, delayMs float64) []ProjectionSpec {
	var out []ProjectionSpec
	for _, s := range names {
		for _, t := range names {
			out = append(out, ProjectionSpec{Source: s, Target: t, Rule: rule, Weights: synapses.Weights{Value: w[s]}, DelayMs: delayMs})
		}
	}
	return out
}

// BrunelParams are the parameters of Brunel (2000) model A used by the
// brunel and scale presets. Validate checks them.
type BrunelParams struct {
	NE, NI         int     // excitatory and inhibitory neurons, ≥ 1
	Epsilon        float64 // connection probability, in (0, 1]
	JmV, G, Eta    float64 // EPSP size (mV, > 0), relative inhibition (≥ 0), ν_ext/ν_thr (≥ 0)
	DelayMs        float64 // synaptic delay (ms), ≥ 0
	TauMs, ThetamV float64 // membrane time constant (ms) and threshold (mV above rest), > 0
	VResetmV       float64 // reset potential (mV above rest), < ThetamV
	TRef           float64 // refractory period (ms), ≥ 0
}

// Validate reports the first invalid field, by its Go name (e.g. "Eta").
// Preset runs it; callers of BrunelSpec should, since the spec's own
// Validate reports a bad BrunelParams only through its consequences (a
// negative Eta as a negative device rate).
func (b BrunelParams) Validate() error {
	if b.NE < 1 || b.NE > math.MaxInt32 {
		return param.New(pkg, "NE", b.NE, "in [1, 2^31)")
	}
	if b.NI < 1 || b.NI > math.MaxInt32 {
		return param.New(pkg, "NI", b.NI, "in [1, 2^31)")
	}
	if !(b.Epsilon > 0 && b.Epsilon <= 1) {
		return param.New(pkg, "Epsilon", b.Epsilon, "in (0, 1]")
	}
	if err := param.First(
		param.Positive(pkg, "JmV", b.JmV),
		param.NonNegative(pkg, "G", b.G),
		param.NonNegative(pkg, "Eta", b.Eta),
		param.NonNegative(pkg, "DelayMs", b.DelayMs),
		param.Positive(pkg, "TauMs", b.TauMs),
		param.Positive(pkg, "ThetamV", b.ThetamV),
		param.NonNegative(pkg, "TRef", b.TRef),
	); err != nil {
		return err
	}
	if !(b.VResetmV < b.ThetamV) || math.IsInf(b.VResetmV, 0) {
		return param.New(pkg, "VResetmV", b.VResetmV, fmt.Sprintf("finite and < ThetamV (%g)", b.ThetamV))
	}
	return nil
}

// CE returns the mean number of excitatory inputs, ε·N_E.
func (b BrunelParams) CE() float64 { return b.Epsilon * float64(b.NE) }

// NuThrHz returns ν_thr = θ/(J·C_E·τ) in Hz.
func (b BrunelParams) NuThrHz() float64 { return b.ThetamV / (b.JmV * b.CE() * b.TauMs) * 1000 }

// DefaultBrunel returns model A with g = 5, ν_ext/ν_thr = 2 (the
// asynchronous-irregular state).
func DefaultBrunel() BrunelParams {
	return BrunelParams{NE: 10000, NI: 2500, Epsilon: 0.1, JmV: 0.1, G: 5, Eta: 2, DelayMs: 1.5,
		TauMs: 20, ThetamV: 20, VResetmV: 10, TRef: 2}
}

// BrunelSpec returns the spec of Brunel's model A with parameters b, which
// it does not check: run b.Validate first (Preset does).
func BrunelSpec(b BrunelParams) Spec {
	params := map[string]float64{"tau_mem_ms": b.TauMs, "t_ref_ms": b.TRef, "e_l_mv": 0,
		"v_reset_mv": b.VResetmV, "v_th_mv": b.ThetamV}
	vinit := Dist{Dist: "uniform", Low: 0, High: b.ThetamV}
	rate := b.Eta * b.NuThrHz() * b.CE() // total external rate per neuron
	rule := synapses.Rule{Kind: "fixed_prob", P: b.Epsilon, Autapses: true}
	s := Spec{
		Populations: []PopulationSpec{
			{Name: "E", N: b.NE, Model: "lif_delta", Sign: 1, Params: params, VInit: vinit},
			{Name: "I", N: b.NI, Model: "lif_delta", Sign: -1, Params: maps.Clone(params), VInit: vinit},
		},
		Projections: allPairs([]string{"E", "I"}, rule, map[string]float64{"E": b.JmV, "I": -b.G * b.JmV}, b.DelayMs),
	}
	for _, p := range []string{"E", "I"} {
		s.Devices = append(s.Devices, DeviceSpec{Name: "ext_" + p, Kind: "poisson", Target: p, RateHz: rate, Weight: b.JmV})
	}
	return s
}

func brunelSpec(o PresetOptions) (Spec, error) {
	if err := presetDt(o.DtMs, "refractory period and delay", DefaultBrunel().TRef, DefaultBrunel().DelayMs); err != nil {
		return Spec{}, err
	}
	b := DefaultBrunel()
	if o.N != 0 {
		b.NE, b.NI = split80(o.N)
	}
	if err := b.Validate(); err != nil {
		return Spec{}, err
	}
	return BrunelSpec(b), nil
}

// AlphaPSCForPSP returns the peak (pA) of the alpha-shaped current
// (lif_alpha's weight) whose PSP, from rest, peaks at psp mV in a membrane
// of cm pF and τ_m tauMemMs under synaptic time constant tauSynMs, as
// NEST's examples' ComputePSPnorm: psp over the peak PSP of a 1 pA current,
// found at the time where dV/dt = 0, I(t)/C_m = V(t)/τ_m (bisection on
// the closed form in float64; the same on every architecture).
func AlphaPSCForPSP(psp, cm, tauMemMs, tauSynMs float64) float64 {
	// V(t) for a current (t/τ_s)·e^{1−t/τ_s} pA: (e/(τ_s·C))·∫₀ᵗ e^{−(t−s)/τ_m}·s·e^{−s/τ_s} ds
	v := func(t float64) float64 {
		k := math.E / (tauSynMs * cm)
		g := 1/tauMemMs - 1/tauSynMs
		if x := float64(g * t); math.Abs(x) < 1e-3 {
			return float64(k*math.Exp(-t/tauMemMs)) * t * t * (0.5 + x/3 + float64(float64(x*x)/8))
		}
		return float64(k*math.Exp(-t/tauMemMs)) * (float64(t*math.Exp(g*t))/g - math.Expm1(g*t)/float64(g*g))
	}
	i := func(t float64) float64 { return t / tauSynMs * math.Exp(1-t/tauSynMs) }
	lo, hi := 1e-9*tauSynMs, 100*(tauMemMs+tauSynMs) // I/C − V/τ_m > 0 at lo, < 0 at hi
	for range 200 {
		mid := lo + float64(float64(hi-lo)/2)
		if i(mid)/cm-v(mid)/tauMemMs > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return psp / v(lo)
}

func brunelAlphaSpec(o PresetOptions) (Spec, error) {
	const tauSyn, tauMem, cm, theta, jMV, g, eta, delay, tRef = 0.5, 20.0, 250.0, 20.0, 0.1, 5.0, 2.0, 1.5, 2.0
	if err := presetDt(o.DtMs, "refractory period and delay", tRef, delay); err != nil {
		return Spec{}, err
	}
	ne, ni := 10000, 2500
	if o.N != 0 {
		ne, ni = split80(o.N)
	}
	ce, ci := int(0.1*float64(ne)), int(0.1*float64(ni))
	if ne < 1 || ni < 1 || ce < 1 || ci < 1 {
		return Spec{}, param.New(pkg, "N", o.N, "≥ 48 for preset brunel_alpha (an in-degree 0.1·N_I of at least 1)")
	}
	jEx := AlphaPSCForPSP(jMV, cm, tauMem, tauSyn)
	nuThr := theta * cm / (jEx * float64(ce) * math.E * tauMem * tauSyn) // per ms
	rate := 1000 * eta * nuThr * float64(ce)                             // Hz, per neuron
	params := map[string]float64{"cm_pf": cm, "tau_mem_ms": tauMem, "tau_syn_ex_ms": tauSyn, "tau_syn_in_ms": tauSyn,
		"t_ref_ms": tRef, "e_l_mv": 0, "v_reset_mv": 0, "v_th_mv": theta}
	s := Spec{Populations: []PopulationSpec{
		{Name: "E", N: ne, Model: "lif_alpha", Sign: 1, Params: params},
		{Name: "I", N: ni, Model: "lif_alpha", Sign: -1, Params: maps.Clone(params)},
	}}
	for _, src := range []struct {
		name string
		k    int
		w    float64
	}{{"E", ce, jEx}, {"I", ci, -g * jEx}} {
		for _, tgt := range []string{"E", "I"} {
			s.Projections = append(s.Projections, ProjectionSpec{Source: src.name, Target: tgt,
				Rule:    synapses.Rule{Kind: "fixed_indegree", K: src.k, Autapses: true, Multapses: true},
				Weights: synapses.Weights{Value: src.w}, DelayMs: delay})
		}
	}
	for _, p := range []string{"E", "I"} {
		s.Devices = append(s.Devices, DeviceSpec{Name: "ext_" + p, Kind: "poisson", Target: p, RateHz: rate, Weight: jEx})
	}
	return s, nil
}

func scaleSpec(o PresetOptions) (Spec, error) {
	if err := presetDt(o.DtMs, "refractory period and delay", DefaultBrunel().TRef, DefaultBrunel().DelayMs); err != nil {
		return Spec{}, err
	}
	b := DefaultBrunel()
	var err error
	if b.NE, b.NI, b.Epsilon, err = scaled(o, 1000000, 100); err != nil {
		return Spec{}, err
	}
	b.JmV = 0.1 * 1000 / b.CE()
	if err := b.Validate(); err != nil {
		return Spec{}, err
	}
	return BrunelSpec(b), nil
}

// izhikevich2003Stream is the PCG stream of the izhikevich2003 preset's
// per-neuron draws (r_e, r_i), seeded by the preset's seed.
const izhikevich2003Stream = 0x1a2003

// izhikevich2003Params returns the per-neuron parameters of the
// izhikevich2003 preset's ne excitatory and ni inhibitory neurons for a
// seed: c (mV) and d of E from r_e, then a and b of I from r_i, r_e and
// r_i uniform in [0, 1) from a PCG stream of the seed (every product
// rounded: the same values on every architecture).
func izhikevich2003Params(ne, ni int, seed uint64) (cE, dE, aI, bI []float64) {
	rng := rand.New(rand.NewPCG(seed, izhikevich2003Stream))
	cE, dE = make([]float64, ne), make([]float64, ne)
	for j := range ne {
		r := rng.Float64()
		r2 := float64(r * r)
		cE[j], dE[j] = -65+float64(15*r2), 8-float64(6*r2)
	}
	aI, bI = make([]float64, ni), make([]float64, ni)
	for j := range ni {
		r := rng.Float64()
		aI[j], bI[j] = 0.02+float64(0.08*r), 0.25-float64(0.05*r)
	}
	return cE, dE, aI, bI
}

func izhikevich2003Spec(o PresetOptions) (Spec, error) {
	if o.DtMs != 1 {
		return Spec{}, param.New(pkg, "DtMs", o.DtMs, "1 ms (0: the default): izhikevich2003 is the paper's map on 1 ms steps (its two half steps, thalamic input drawn per ms, spikes acting as currents over one step)")
	}
	n := 1000
	if o.N != 0 {
		n = o.N
	}
	ne, ni := split80(n)
	if ne < 1 || ni < 1 || float64(ne)*float64(ne) > synapses.MaxSynapses {
		return Spec{}, param.New(pkg, "N", n, "in [3, 81920]: one inhibitory neuron at least (0.8·N excitatory, the rest inhibitory), at most 2^32 synapses from E to E (all-to-all)")
	}
	cE, dE, aI, bI := izhikevich2003Params(ne, ni, o.Seed)
	list := func(v []float64) Dist { return Dist{Dist: "list", Values: v} }
	g := 1000 / float64(n) // the paper's summed input per neuron at any N
	w := map[string]synapses.Weights{"E": {Dist: "uniform", Low: 0, High: float64(0.5 * g)}, "I": {Dist: "uniform", Low: -g, High: 0}}
	s := Spec{
		Populations: []PopulationSpec{
			{Name: "E", N: ne, Model: "izhikevich", Sign: 1, Params: map[string]float64{"consistent_integration": 0, "a": 0.02, "b": 0.2},
				Init: map[string]Dist{"c": list(cE), "d": list(dE)}},
			{Name: "I", N: ni, Model: "izhikevich", Sign: -1, Params: map[string]float64{"consistent_integration": 0, "c_mv": -65, "d": 2},
				Init: map[string]Dist{"a": list(aI), "b": list(bI)}},
		},
		Devices: []DeviceSpec{
			{Name: "thalamic_E", Kind: "noise", Target: "E", StdPA: 5, NoiseDtMs: 1},
			{Name: "thalamic_I", Kind: "noise", Target: "I", StdPA: 2, NoiseDtMs: 1},
		},
	}
	for _, src := range []string{"E", "I"} {
		for _, tgt := range []string{"E", "I"} {
			s.Projections = append(s.Projections, ProjectionSpec{Source: src, Target: tgt,
				Rule: synapses.Rule{Kind: "all_to_all", Autapses: true}, Weights: w[src], DelayMs: 1})
		}
	}
	return s, nil
}
