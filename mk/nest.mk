# nest: neurodyn's neuron, synapse and device models cross-checked against
# NEST 3.10 itself (PyPI wheel, pinned in bench/nest/requirements-nest.txt,
# installed into build/nest once).
#   make test-nest   (make test) build/capi's library, then pytest
#                    bench/nest/tests: lif_exp and lif_delta (grid and
#                    precise), lif_alpha, lif_cond, adex_cond, hh_cond, izhikevich, stdp,
#                    vogels_sprekeler, stdp_triplet, tsodyks2 and the devices
#                    (noise, and Poisson in precise mode, included) against
#                    iaf_psc_exp, iaf_psc_exp_ps and iaf_psc_delta_ps (with
#                    poisson_generator_ps), iaf_psc_alpha, iaf_psc_delta, iaf_cond_exp,
#                    aeif_cond_exp, hh_cond_exp_traub, izhikevich,
#                    stdp_synapse, vogels_sprekeler_synapse,
#                    stdp_triplet_synapse, tsodyks2_synapse and NEST's
#                    generators; the measured figures are printed at the end
#                    (about 20 s once the venv exists)

NEST_VENV := build/nest
NEST_REQ  := bench/nest/requirements-nest.txt

TEST_TARGETS += test-nest

.PHONY: test-nest

test-nest: capi-install
	NEURODYN_LIB=$(CAPI_PREFIX)/lib/libneurodyn.so PYTHONPATH=python PYNEST_QUIET=1 \
		VENV=$(NEST_VENV) REQ=$(NEST_REQ) scripts/ensure-venv.sh -m pytest -q -p no:cacheprovider bench/nest/tests
