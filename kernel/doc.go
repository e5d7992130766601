// Package kernel is neurodyn's spiking engine: a network spec (populations,
// projections, devices, recorders) that the CLI, the C API and Python share,
// and the simulator that builds and runs it — in grid mode (the fast
// default) or in precise mode (off-grid spike times).
//
// # The spec
//
// A Spec is plain Go structs with validation; DecodeTOML and DecodeJSON read
// it (unknown keys are rejected, errors name the key, e.g.
// "kernel: projection[0].delay_ms = 0.15: must be ≥ 0 and a multiple of
// dt"). Omitted optional fields take their documented defaults; model
// parameters omitted from params keep the model's defaults: NEST's for
// lif_exp (iaf_psc_exp: neurons.DefaultLIFExp), lif_alpha (iaf_psc_alpha:
// DefaultLIFAlpha), lif_delta (iaf_psc_delta:
// DefaultLIFDelta), adex_cond (aeif_cond_exp: DefaultAdExCond), hh_cond
// (hh_cond_exp_traub: DefaultHHCond) and izhikevich (DefaultIzhikevich),
// but lif_cond's are the COBA neuron of Vogels & Abbott (2005) and Brette
// et al. (2007) (DefaultLIFCond: C_m 200 pF, g_L 10 nS, E_L −60 mV,
// V_th −50 mV, V_reset −60 mV, τ_syn 5/10 ms, t_ref 5 ms, E_in −80 mV),
// not iaf_cond_exp's (250 pF, 16.67 nS, −70 mV, −55 mV, −60 mV, 0.2/2 ms,
// 2 ms, −85 mV): see "Differences from NEST and Brian2". A complete
// example (ExampleSpecTOML):
//
//	dt_ms   = 0.1
//	seed    = 42
//	workers = 1
//	precise = false
//
//	[[population]]
//	name  = "E"
//	n     = 400
//	model = "lif_exp"          # lif_exp | lif_alpha | lif_delta | lif_cond | adex_cond | hh_cond | izhikevich | spike_generator | parrot
//	sign  = 1                  # Dale: +1 excitatory, -1 inhibitory, 0 none
//	params = { tau_mem_ms = 20.0, tau_syn_ex_ms = 5.0, tau_syn_in_ms = 10.0, t_ref_ms = 2.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0, cm_pf = 250.0 }
//	v_init = { dist = "uniform", low = -60.0, high = -50.0 }
//
//	[[population]]
//	name  = "I"
//	n     = 100
//	sign  = -1
//	params = { tau_mem_ms = 10.0, v_th_mv = -50.0, e_l_mv = -60.0, v_reset_mv = -60.0 }
//
//	[[projection]]
//	source   = "E"
//	target   = "E"
//	receptor = "exc"
//	rule     = { kind = "fixed_prob", p = 0.02 }     # fixed_prob | fixed_indegree | fixed_outdegree | all_to_all | list
//	weights  = { dist = "normal", mean = 30.0, std = 5.0 }   # pA (mV for lif_delta and izhikevich, nS for lif_cond, adex_cond and hh_cond)
//	delay_ms = 1.5
//	delay_max_ms = 3.0
//
//	[[projection]]
//	source  = "I"
//	target  = "E"
//	rule    = { kind = "fixed_outdegree", k = 10 }
//	weights = { value = 120.0 }                      # −120 pA on the inh receptor (Dale)
//	delay_ms = 1.0
//
//	[[projection]]
//	source  = "I"
//	target  = "I"
//	rule    = { kind = "list" }
//	sources = [0, 1, 2]
//	targets = [1, 2, 0]
//	weight_list   = [-50.0, -50.0, -50.0]
//	delay_list_ms = [1.0, 2.0, 3.0]
//
//	[[device]]
//	name    = "drive"
//	kind    = "poisson"        # poisson | dc | step_current | noise | spike_source | time_series
//	target  = "E"
//	rate_hz = 8000.0
//	weight  = 40.0
//
//	[[device]]
//	name         = "lorenz"
//	kind         = "time_series"
//	target       = "I"
//	series_dt_ms = 1.0
//	series       = [[0.1, -0.2, 0.3], [0.2, -0.1, 0.25]]
//	input_weights = { dist = "uniform", low = -50.0, high = 50.0 }
//
//	[[recorder]]
//	name       = "exc_spikes"
//	kind       = "spikes"      # spikes | state | rate | filtered_spikes | weights
//	population = "E"
//
//	[[recorder]]
//	kind        = "state"
//	population  = "E"
//	neurons     = [0, 1, 2]
//	variable    = "V"
//	interval_ms = 1.0
//
// (ExampleSpecTOML has the remaining device and recorder kinds: dc, noise,
// spike_source, rate, filtered_spikes, weights.) Presets (cuba, coba, cobahh, brunel, brunel_alpha, vogels, scale,
// izhikevich2003) give the standard benchmark networks at any size.
//
// Izhikevich populations (model "izhikevich", NEST's izhikevich; weights in
// mV) take the parameters a, b, c, d per neuron through init, as
// Izhikevich's (2003) network draws them, and U starts at b·V(0) with each
// neuron's b unless init sets it (PopulationSpec.Init):
//
//	params = { consistent_integration = 0 }   # his published scheme (NEST's default 1: forward Euler)
//	init   = { c = { dist = "list", values = [-65.0, -52.3] }, d = { dist = "list", values = [8.0, 2.6] } }
//
// lif_cond and hh_cond populations take their string-valued parameter in
// options: conductance_scheme "mean" (the default: the synaptic
// conductances' exact means over each step in the exponential-Euler
// membrane update) or "start" (held at their start-of-step values,
// Brian2's exponential_euler; neurons.LIFCondParams, HHCondParams):
//
//	options = { conductance_scheme = "start" }
//
// # Spike generators
//
// A population of model "spike_generator" emits exactly the spikes it is
// given and nothing else: NEST's spike_generator (one per neuron) or
// Brian2's SpikeGeneratorGroup, whose two arrays spike_indices and
// spike_times_ms are (neuron spike_indices[k] spikes at spike_times_ms[k]):
//
//	[[population]]
//	name  = "input"
//	n     = 3
//	model = "spike_generator"
//	sign  = 1                                 # Dale sign of its projections
//	spike_indices  = [0, 2, 0, 1]
//	spike_times_ms = [1.0, 1.25, 7.5, 12.0]  # > 0, non-decreasing for each neuron
//
// It is the source of projections like any population: every rule,
// weights, delays, receptors, plasticity (STDP pairs its spikes as
// presynaptic ones) and short-term plasticity; spikes recorders
// (SONATA's spikes.h5), rate and filtered_spikes recorders record it. On
// the grid a spike is emitted at the first grid point at or after its time
// (a time within 1e-9·dt past a grid point counts as that point), as
// spike_source devices deliver theirs and as NEST's spike_generator with
// allow_offgrid_times = true (by default NEST refuses times off the grid
// by more than half a tic; Brian2 moves them to the start of their step,
// where it stamps every spike); in precise mode at its time, exactly (the
// recorded time is the float64 given, but for those within 1e-9·dt past a
// grid point). A time given twice is two spikes
// (NEST's multiplicity): both act, and STDP pairs each, as NEST's
// stdp_synapse does spikes of one time. It takes no params, options,
// v_init or init, receives no projection and no device, and has no state
// variable to record; its only state is where it is in its trains, which
// checkpoints hold (8 bytes), the same for any number of workers. It costs
// 8 bytes per spike (16 in precise mode) while the network lives, beside
// the spec's arrays, and one check per step and worker; the other
// populations' steps are as before.
//
// A population of model "parrot" (NEST's parrot_neuron) re-emits every
// spike that reaches it, at the end of the step it arrives in (a spike
// of delay d at t + d, delay 0: the next step), several in one step as
// several spikes; it has no membrane, no refractory period and no state
// variable. Poisson and spike_source devices and projections (weights left
// out or 1: every spike counts once, as parrot_neuron ignores weights; no
// plasticity onto it) drive it, so a Poisson train becomes the source of
// projections, the same train for every target:
//
//	[[population]]
//	name  = "shared"
//	n     = 100
//	model = "parrot"
//
//	[[device]]
//	kind   = "poisson"
//	target = "shared"
//	rate_hz = 10.0
//	weight = 1.0
//
// It runs on the grid (precise = false). Between a spike_generator and
// plastic synapses, where NEST needs one (its devices connect through
// static synapses only), it only delays the spikes: make the projections
// from the generator plastic.
//
// # Connectivity from SONATA files
//
// A projection with rule kind "sonata" reads its synapses from a SONATA
// edges file: the edges.h5 that WriteSONATANetwork (neurodyn simulate)
// wrote, which rebuilds that network spike for spike, or another tool's:
//
//	[[projection]]
//	source = "E"
//	target = "I"
//	rule   = { kind = "sonata" }
//	edges_file       = "run1/edges.h5"   # syn_weight (the receptor's unit) and delay (ms) per edge
//	edges_population = "E_to_I"          # may be left out when one population connects E to I
//
// See ProjectionSpec.EdgesFile. Spike reports written by RecordSONATA record
// the interval they cover (export.SpikeInterval).
//
// # Networks from NIR graphs
//
// FromNIR and ImportNIR turn a NIR 1.0.6 graph (export.ReadNIR: written by
// snnTorch, Norse, Spyx, Rockpool or Lava-DL; neurodyn snn's graphs, whose
// input is analog, are refused) into a Spec
// the engine runs: CubaLIF nodes become lif_exp populations, LIF nodes
// lif_delta ones and IF nodes lif_delta ones without a leak (LI, CubaLI
// and I the same without a threshold), chains of
// Affine, Linear and Scale nodes list projections with delay 0, Input
// nodes relay populations driven by spike_source devices, Output nodes
// recorders of what feeds them. ImportNIR gives the equations of the
// mapping (times s → ms, potentials as mV, a spike's area) and where each
// NIR neuron went; `neurodyn import-nir` writes the spec. Neurons start as
// in NIR, exactly: v = v_leak and I = 0, an Affine bias reaching CubaLIF
// neurons ramping in through their synaptic filter (a constant current and
// an initial synaptic current init = { Ie = … } of the opposite sign).
// Between grid points the dynamics are exact; thresholds are checked at
// grid points, so a spike is reported at the first grid point at or after
// its crossing, and a LIF neuron that a spike's jump (delay 0) takes to
// the threshold fires at the end of the next step. A spike's area is
// NIR's Dirac δ (1 s) unless NIROptions.SpikeAreaS or the graph's
// spike_area_s metadata says otherwise: snnTorch's graphs mean its
// exporter's dt, 1e-4 s.
//
// # Plasticity
//
// A projection with a plasticity table has plastic weights. Kind "stdp" is
// NEST's stdp_synapse (synapses.Plasticity): pair-based STDP with
// all-to-all pairing, potentiation and depression applied when a
// presynaptic spike is delivered, the delay counted as dendritic:
//
//	[[projection]]
//	source     = "E"
//	target     = "E"
//	rule       = { kind = "fixed_indegree", k = 100 }
//	weights    = { value = 0.1 }
//	delay_ms   = 1.5
//	plasticity = { kind = "stdp", tau_plus_ms = 20.0, tau_minus_ms = 20.0, lambda = 0.01, alpha = 1.05, mu_plus = 0.0, mu_minus = 0.0, w_max = 0.2 }
//
// lambda, alpha and w_max must be given; w_max is signed as the weights
// (Dale's law; onto conductance-based neurons |w_max|, the weights being
// magnitudes), and every initial weight must lie between 0 and w_max.
//
// Kind "vogels_sprekeler" is NEST's vogels_sprekeler_synapse, the
// inhibitory plasticity of Vogels et al. (2011): pairings in either order
// strengthen |w| by eta times the other side's trace, every presynaptic
// spike weakens it by alpha·eta. On inhibitory synapses it holds each
// target near the rate alpha/(2τ), whatever its excitatory drive:
//
//	[[projection]]
//	source     = "I"
//	target     = "E"
//	rule       = { kind = "fixed_prob", p = 0.02 }
//	weights    = { value = 0.0 }
//	plasticity = { kind = "vogels_sprekeler", eta = 1.0, alpha = 0.2, w_max = 300.0 }   # target 5 Hz with τ± 20 ms
//
// eta (in the weights' unit), alpha (> 0) and w_max must be given; lambda,
// mu_plus and mu_minus stay out.
//
// Kind "stdp_triplet" is NEST's stdp_triplet_synapse, the triplet rule of
// Pfister & Gerstner (2006), all-to-all: a postsynaptic spike adds
// r₁·(a2_plus + a3_plus·o₂) to |w|, a presynaptic one takes
// o₁·(a2_minus + a3_minus·r₂) away, o₂ and r₂ (slow traces, τ_y and τₓ)
// taken just before the spike itself; the amplitudes are in the weights'
// unit, as NEST's:
//
//	plasticity = { kind = "stdp_triplet", w_max = 0.2, a2_plus = 5e-11, a3_plus = 6.2e-4, a2_minus = 7e-4, a3_minus = 2.3e-5 }
//
// Only w_max must be given: the time constants default to Pfister &
// Gerstner's all-to-all minimal visual-cortex model (tau_plus_ms 16.8,
// tau_plus_triplet_ms 101, tau_minus_ms 33.7, tau_minus_triplet_ms 125),
// and so do the amplitudes when all four are left out (5e-10, 6.2e-3,
// 7e-3, 2.3e-4: fractions of the initial weight, NEST's default weight
// being 1; the example scales them to weights of 0.1 mV); lambda, alpha,
// mu_plus, mu_minus and eta stay out.
//
// All three kinds share everything below.
// Weights are stored as float32 and updated in float64 with the same bits
// on every architecture. The presynaptic traces are kept per source neuron,
// the postsynaptic spikes per target neuron for as long as a pairing with
// them can count (32·τ₊, then they are applied and dropped), so a plastic
// projection costs, beyond a constant-weight one, 4 bytes per synapse, 17
// bytes per source neuron per worker, 48 bytes per target neuron plus 16 per
// spike it fired in the last 32·τ₊ + the prune interval (16·τ₊, at least
// 1,000 steps) + the longest delay, and two decay tables of up to 512 KiB;
// stdp_triplet 8 bytes more per source neuron per worker, 32 per target
// neuron and 8 per spike, and two more tables.
//
// Projection(i).Weight holds the stored weights: NEST's, which take a
// pairing in when the next presynaptic spike arrives, except that the
// pairings of a presynaptic spike are taken in once complete (32·τ₊ after
// it) at the next multiple of the prune interval — the same bits as later,
// and a function of the time only, so that weights read after any split of
// a run, or after Restore, are the same. (A run that ends in the step of a
// presynaptic spike has that spike's update in the stored weights already;
// NEST takes it in when the spike is delivered, at the next step of a
// split run. Later weights agree again.) Network.EffectiveWeights gives the
// weights with the pending pairings taken in (what a synapse would
// transmit now); WriteSONATANetwork writes those, and checkpoints carry the
// stored weights with the traces and histories. Plasticity runs in grid
// mode.
// ExampleProjectionSpec_plasticity measures the STDP window.
//
// A weights recorder (NEST's weight_recorder, Brian2's StateMonitor of w)
// samples the weights of a projection, named as its edge population in
// edges.h5, over time:
//
//	[[recorder]]
//	kind        = "weights"
//	projection  = "E_to_E"           # <source>_to_<target>, _1, _2, … for further ones
//	synapses    = [0, 1, 2, 500]     # in Projection(i)'s order; default all
//	interval_ms = 10.0               # a positive multiple of dt
//
// Its samples are the weights as they are at the end of the step, with
// every pairing whose postsynaptic spike has reached the synapse taken in,
// also those Projection(i).Weight holds back (ExampleRecorderSpec_weights);
// recording changes no spike and no weight. A static projection's weights
// can be recorded too; with short-term plasticity the weight w is
// recorded, not the efficacy w·u·x (RecorderSpec).
//
// # Short-term plasticity
//
// A projection with a short_term table has dynamic synapses. Kind
// "tsodyks2" is NEST's tsodyks2_synapse (synapses.ShortTerm): the
// Tsodyks–Markram model with depression (τ_rec) and facilitation (τ_fac),
// here with Gupta et al. (2000)'s depressing class:
//
//	short_term = { kind = "tsodyks2", u = 0.25, tau_rec_ms = 706.0, tau_fac_ms = 21.0 }
//
// A spike acts with weight w·u·x, computed when it is emitted from the
// interval since its source's previous spike (exact in precise mode) and
// delivered with the projection's delays; with plasticity, w is the
// plastic weight. u and tau_rec_ms must be given; tau_fac_ms = 0 means no
// facilitation. The state (u, x and the last spike) is kept once per
// source neuron and projection, 32 bytes each, which equals NEST's per
// synapse because the parameters are the projection's; it is updated by one
// goroutine in the exchange phase, in the canonical spike order, so results
// do not depend on the workers. Delivered weights are float32(w·float32(u·x)).
// Checkpoints carry the state, and Network.ShortTermState reads each
// source's u and x at the current time. It runs in grid and precise mode.
//
// # Time, delays and phases
//
// Time is an integer step count; all times in the spec are ms and must be
// multiples of dt. A spike emitted at the end of step n (time (n+1)·dt)
// with delay d acts d·dt later; delay 0 means it acts on the next step, as
// Brian2's synapses without delay (but for one departure: a lif_delta
// neuron that a delay-0 jump takes to the threshold fires at the end of the
// next step, where Brian2 decays v first and loses the crossing; NIR's LIF
// fires at the jump; an izhikevich neuron is reset at the next step's start
// and fires at its end). Run advances in slices of
// L = max(1, minimum delay) steps through fixed phases — integrate (devices,
// neuron update, threshold and reset, state sampling) → exchange (merge the
// workers' spikes, record) → deliver (into ring buffers, or into the target
// state for delay 0) — so the workers synchronize twice per slice, and a
// single worker not at all.
//
// # Differences from NEST and Brian2
//
// What a spec carried over from NEST or Brian2 should expect:
//
//   - Defaults: lif_cond's are the COBA neuron's, not iaf_cond_exp's (see
//     "The spec"); give every parameter the other simulator sets. A weight
//     is required (NEST's default is 1), and so is a device's.
//   - Initial state: V starts at E_L (NEST's default V_m is E_L too; Brian2
//     starts at 0 unless set), izhikevich at −65 mV with U = b·V (NEST: U =
//     −13 whatever b); v_init and init set them.
//   - Spike times on the grid: a threshold crossing in the step (t, t + dt]
//     is stamped t + dt, as NEST does; Brian2 stamps it t, the start of the
//     step, and counts the refractory period from there. A LIF neuron
//     (τ_m 10 ms, C_m 250 pF, E_L = V_reset −70 mV, V_th −55 mV, t_ref
//     2 ms) under 400 pA at dt 0.1 ms fires at 27.8, 57.6, 87.4 ms here
//     and in NEST (iaf_psc_exp), at 27.7, 57.4, 87.1 ms in Brian2; the
//     exact times are 27.726, 57.452, 87.178 ms (precise mode gives them).
//   - Receptors of current-based neurons: onto lif_exp or lif_alpha with
//     τ_syn_ex ≠ τ_syn_in a negative weight acts on the inh receptor when
//     none is given, as in NEST's iaf_psc_exp and iaf_psc_alpha, also per
//     synapse for weights of both signs (ProjectionSpec.Receptor); onto
//     conductance-based models the sign picks it (iaf_cond_exp). Brian2 has no receptors: write its
//     separate synaptic variables as receptor = "exc" and "inh".
//   - lif_alpha's weight is the peak of its current (pA, at τ_syn after
//     the arrival), as iaf_psc_alpha's; NEST's V_min (−∞ by default) is
//     not modelled.
//   - Delay 0 means the next step, as Brian2's synapses without delay;
//     NEST's smallest delay is one step (see "Time, delays and phases"),
//     and its dc and step current generators act one step later
//     (DeviceSpec).
//   - Given spike trains are a population, spike_generator (see "Spike
//     generators"): NEST's spike_generator, one per neuron, connected to
//     neurons directly or through a parrot_neuron, and Brian2's
//     SpikeGeneratorGroup become one, the source of projections with any
//     rule, delays, receptors and plasticity; every spike given is
//     emitted, also several of one neuron in one step (which Brian2
//     refuses, and NEST emits as here). On the grid an off-grid time
//     moves to the next grid point (NEST's allow_offgrid_times = true;
//     NEST refuses it by default, Brian2 moves it to the step's start).
//     Poisson inputs and spike_source devices stay devices, which act on
//     their targets alone; a population of model parrot (NEST's
//     parrot_neuron, in grid mode) passes their spikes on, every one, as
//     the source of projections. Relaying them through lif_delta neurons
//     (what neurodyn specs did before spike_generator and parrot) merges
//     or drops spikes: a relay fires at most once per step and not during
//     its t_ref; 1,000 relays driven at 50 Hz for 10 s at dt 0.1 ms (about
//     500,000 input spikes) emit 497,019 spikes with t_ref 0.1 ms, 499,488
//     with t_ref 0.
//
// # Precise mode
//
// With precise = true, lif_exp neurons (NEST's iaf_psc_exp_ps) and
// lif_delta neurons (iaf_psc_delta_ps) keep their state in float64 and
// spikes carry their time within the step: an input acts at its own time,
// a threshold crossing is located on the exact solution (for lif_delta,
// at the time of the jump that reaches θ, jumps at one time summed first,
// or analytically under the current), and the refractory period starts
// and ends off the grid (neurons.LIFExpPrecise, neurons.LIFDeltaPrecise;
// lif_delta's t_ref must be at least one step, as NEST's). Delays must be
// at least one step; static and
// short-term-plastic projections run, long-term plasticity (stdp,
// stdp_triplet, vogels_sprekeler) does not. spike_source spikes
// act at their exact times, spike_generator neurons emit theirs at them, poisson spikes at uniform times within their
// step (NEST's poisson_generator_ps; the same counts per step as on the
// grid), current devices (dc, step_current, noise, time_series) as
// currents held over the step, summed with I_e in float64 (dc and
// step_current amplitudes exact; noise and time_series currents are
// float32 values). Most steps of most neurons are provably subthreshold
// and are integrated in one batched pass; the rest event to event. With
// the same inputs (weights are float32 here, double in NEST) spike times
// agree with NEST 3.10's within 1.3e-11 ms for lif_exp and 4.5e-12 ms for
// lif_delta (bench/nest/tests/test_nest_precise.py,
// test_nest_precise_delta.py). A spike is queued once per worker and delay
// of its projection, with its offset, and expanded into its targets'
// events only in the step it arrives, block of neurons by block (a
// counting sort into a buffer that stays in cache); a projection with
// fewer than 8 synapses per source neuron and delay queues an event per
// synapse. A step of the CUBA network costs about 13× a grid step (scalar
// float64, exponentials per input event), a step of the Brunel network
// about 7× (6.7 input events per neuron and step); NEST's precise models
// take 2.2–5.5× as long as ours (bench/README.md).
//
// # Determinism
//
// Every random draw derives from Spec.Seed by counter-based streams:
// connectivity per source row (synapses), initial potentials per neuron, and
// Poisson input per (device, neuron, step) and noise currents per (device,
// neuron, interval) from Philox-2×64-10 (the noise's normal deviates by a
// ziggurat whose rare rejection steps draw further blocks of the same
// counter under derived keys, its tables computed at start-up with
// detmath's Log and Exp and rounded products: the same bits on every
// architecture), so nothing
// depends on the number of workers or on the order in which they run.
// Spikes are merged in (step, population, neuron) order and delivered in
// that order, so every floating-point sum is the same for any number of
// workers, any kernel path (asm.Select) and any split of a run into Run
// calls. Checkpoint and Restore continue a run exactly.
//
// # Units
//
// ms, mV, pA, pF, nS, Hz, as in the field names.
//
// # Recording
//
// Recorders write through small sink interfaces (SpikeSink, FrameSink): in
// memory by default, or any sink set with SetSink (the export package's
// streaming SONATA writers). Spikes are handed over in blocks of at most
// 16,384 and frames one by one, so recording memory stays bounded with a
// file sink. In memory, frames grow by a known amount per step and spikes
// by what the dynamics produce: Run refuses a run after which the frames
// (exactly) and the spikes held so far would exceed the memory limit
// (Network.RecorderMemory, CheckRecorderMemory); the spikes a run adds are
// not bounded (clear or stream them).
// Sampled recorders (state, rate, filtered_spikes, weights) become SONATA
// frame reports (RecordSONATA, Network.FrameOptions), one file each
// (FrameReportFile); Validate refuses recorders that would share a file
// or take spikes.h5, nodes.h5 or edges.h5. A weights report
// maps its columns to source neurons (node ids) and edge ids (element
// ids). Spikes recorders become the groups /spikes/<population> of one
// spike report, one recorder per population (ErrSpikeReportPopulation). A
// rate report's one column (node id 0) is the population rate, marked so in
// the file (RateAggregate). A recording begun with
// SONATAOptions.Stream.SegmentByCut is cut into crash-safe segments by
// SONATARecording.Cut between runs (neurodyn simulate --segment-ms).
// WriteSONATANetwork writes node_types.csv and edge_types.csv beside
// nodes.h5 and edges.h5 (NetworkFiles). Recorders keep no state across a checkpoint but filtered traces
// and partial rate bins: after Restore, every one samples on from the next
// step due.
//
// # Who may import it
//
// Layer 4 of the map in DEVELOPERS.md: it imports neurons, synapses, events,
// export (SONATA files, checkpoints' provenance) and internal packages; the
// SIMD kernels (asm) reach it through neurons' models.
//
// # Concurrency
//
// A Network is not safe for concurrent use; it runs its own workers. Close
// stops them.
package kernel
