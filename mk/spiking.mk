# Spiking engine (issue 5): benchmarks against Brian2 2.5.1 C++ standalone.
#   make bench-spiking        neurodyn vs Brian2, interleaved, 6 rounds, single thread
#                             (CUBA 4,000, Brunel 12,500, Brunel 12,500 with STDP
#                             on E->E and with short-term depression on E->, Vogels
#                             et al. 2011's 10,000 neurons with inhibitory STDP, COBA
#                             4,000 with AdEx neurons, COBA 4,000, COBAHH 4,000
#                             (Hodgkin-Huxley neurons), Izhikevich 2003's 1,000, 1 s:
#                             compare.py's default nets; report in
#                             build/bench/spiking_brian2_compare.txt), then the Go
#                             spiking benchmarks (SPIKING_BENCH) through run-bench
#                             (mk/bench.mk): -count $(BENCH_COUNT), -benchtime 1x (one
#                             1 s run per sample, whatever BENCH_TIME), -cpu 1, into
#                             build/bench/spiking.txt, then benchstat against
#                             bench/baseline/spiking.txt
#   make bench-nest           neurodyn vs NEST 3.10 (PyPI wheel in the venv build/nest), the same
#                             eight networks with NEST's own models and cuba and brunel in
#                             precise mode (iaf_psc_exp_ps, iaf_psc_delta_ps), interleaved,
#                             6 rounds, single thread, each NEST run a fresh process:
#                             bench/nest/compare.py -> build/bench-spiking-nest.txt
#                             (about 60 min; not in BENCH_TARGETS)
#   make bench-spiking-scale  10^6 neurons x 10^8 synapses, build + 1 s (alone: peak memory)
#   make brian2-freeze        re-freeze Brian2's CUBA statistics (10 seeds) used by the tests
#   make test-brian2-harness  (make test) bench/brian2/tests: where compare.py builds, its
#                             report, and that bench-spiking compares with a baseline
#                             holding every benchmark it runs (no Brian2 or Go runs; 1 s)

BENCH_TARGETS += bench-spiking
TEST_TARGETS += test-brian2-harness

.PHONY: bench-spiking bench-nest bench-spiking-scale brian2-freeze test-brian2-harness

# The Go benchmarks of bench-spiking, all of which bench/baseline/spiking.txt holds.
SPIKING_BENCH := ^BenchmarkSpiking(CUBA|CUBAPrecise|PrecisePoisson|BrunelPreciseDelays|COBA|COBAAdEx|COBAHH|Brunel|BrunelAlpha|BrunelSTDP|BrunelSTP|Vogels)$$

# One run of a network per sample: a spiking benchmark's op is a whole 1 s
# simulation (up to 12 s), so a time-based -benchtime would only repeat it.
bench-spiking: override BENCH_TIME = 1x
bench-spiking: bench-tools
	@scripts/ensure-deps.sh brian
	@mkdir -p $(BENCH_DIR)
	@echo "bench spiking (Brian2 rounds): load average $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
	/usr/bin/python3 bench/brian2/compare.py --rounds 6 --out $(BENCH_DIR)/spiking_brian2_compare.txt
	$(call run-bench,spiking,$(SPIKING_BENCH))

bench-nest:
	@mkdir -p build
	PY=$$(VENV=build/nest REQ=bench/nest/requirements-nest.txt scripts/ensure-venv.sh) && \
		"$$PY" bench/nest/compare.py --rounds 6 --out build/bench-spiking-nest.txt

bench-spiking-scale:
	$(GO) test ./bench -run '^$$' -bench '^BenchmarkSpikingScale$$' -benchtime 1x -count 1 -timeout 60m

brian2-freeze:
	@scripts/ensure-deps.sh brian
	/usr/bin/python3 bench/brian2/freeze.py

test-brian2-harness:
	scripts/ensure-venv.sh -m unittest discover -s bench/brian2/tests
