package kernel

// ExampleSpecTOML is a complete network spec in TOML, showing every section
// (it is also the example in the package doc and is tested to build and
// run).
const ExampleSpecTOML = `# A small balanced network of current-based LIF neurons.
dt_ms   = 0.1     # step (ms)
seed    = 42      # every random draw derives from it
workers = 1       # results do not depend on it
precise = false   # off-grid spike times (lif_exp and lif_delta, delays >= dt)

[[population]]
name  = "E"
n     = 400
model = "lif_exp"          # lif_exp | lif_alpha | lif_delta | lif_cond | adex_cond | hh_cond | izhikevich | spike_generator | parrot
sign  = 1                  # Dale: +1 excitatory, -1 inhibitory, 0 none
params = { tau_mem_ms = 20.0, tau_syn_ex_ms = 5.0, tau_syn_in_ms = 10.0, t_ref_ms = 2.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0, cm_pf = 250.0 }
v_init = { dist = "uniform", low = -60.0, high = -50.0 }   # mV

[[population]]
name  = "I"
n     = 100
model = "lif_exp"
sign  = -1
params = { tau_mem_ms = 10.0, v_th_mv = -50.0, e_l_mv = -60.0, v_reset_mv = -60.0 }

[[projection]]
source   = "E"
target   = "E"
receptor = "exc"                                   # default from the source's sign
rule     = { kind = "fixed_prob", p = 0.02 }       # fixed_prob | fixed_indegree | fixed_outdegree | all_to_all | list
weights  = { dist = "normal", mean = 30.0, std = 5.0 }   # pA; sign follows the source (Dale)
delay_ms = 1.5
delay_max_ms = 3.0                                 # per-synapse uniform delays in [1.5, 3] ms

[[projection]]
source   = "E"
target   = "I"
rule     = { kind = "fixed_indegree", k = 20 }
weights  = { value = 30.0 }
delay_ms = 1.0
# STDP (NEST's stdp_synapse): the weights change as the network runs, within [0, w_max]
plasticity = { kind = "stdp", lambda = 0.01, alpha = 1.05, tau_plus_ms = 20.0, tau_minus_ms = 20.0, mu_plus = 0.0, mu_minus = 0.0, w_max = 60.0 }

[[projection]]
source   = "I"
target   = "E"
rule     = { kind = "fixed_outdegree", k = 10 }
weights  = { value = 120.0 }                       # becomes -120 pA on the inh receptor
delay_ms = 1.0
# short-term plasticity (Tsodyks-Markram, NEST's tsodyks2_synapse): a spike acts with w*u*x
short_term = { kind = "tsodyks2", u = 0.25, tau_rec_ms = 706.0, tau_fac_ms = 21.0 }

[[projection]]
source  = "I"
target  = "I"
rule    = { kind = "list" }
sources = [0, 1, 2]
targets = [1, 2, 0]
weight_list   = [-50.0, -50.0, -50.0]
delay_list_ms = [1.0, 2.0, 3.0]

[[device]]
name    = "drive"
kind    = "poisson"        # poisson | dc | step_current | noise | spike_source | time_series
target  = "E"
rate_hz = 8000.0           # per neuron, the sum of all its external sources
weight  = 40.0             # pA per spike

[[device]]
kind         = "dc"
target       = "I"
amplitude_pa = 300.0
start_ms     = 10.0
stop_ms      = 0.0         # 0: until the end

[[device]]
kind        = "noise"      # NEST's noise_generator: its own current per neuron
target      = "E"
mean_pa     = 0.0
std_pa      = 50.0         # a new N(mean, std²) draw every noise_dt_ms
noise_dt_ms = 1.0          # a multiple of dt; 0: 10·dt

[[device]]
kind           = "spike_source"
target         = "E"
neurons        = [0, 1, 2]
spike_times_ms = [5.0, 5.25]
weight         = 500.0

[[device]]
name         = "lorenz"
kind         = "time_series"
target       = "I"
series_dt_ms = 1.0
series       = [[0.1, -0.2, 0.3], [0.2, -0.1, 0.25]]
input_weights = { dist = "uniform", low = -50.0, high = 50.0 }

[[recorder]]
name       = "exc_spikes"
kind       = "spikes"      # spikes | state | rate | filtered_spikes | weights
population = "E"

[[recorder]]
kind        = "state"
population  = "E"
neurons     = [0, 1, 2]
variable    = "V"
interval_ms = 1.0

[[recorder]]
kind       = "rate"
population = "I"
bin_ms     = 5.0

[[recorder]]
kind        = "filtered_spikes"
population  = "E"
tau_ms      = 20.0
interval_ms = 1.0

[[recorder]]
kind        = "weights"    # the STDP weights of E -> I over time
projection  = "E_to_I"     # <source>_to_<target> (_1, _2, ... for further ones), as in edges.h5
synapses    = [0, 1, 2]    # indices in the projection's synapse order (default all)
interval_ms = 5.0
`
