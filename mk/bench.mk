# bench: benchmark suite with committed baselines, one file per area
# (bench/baseline/<area>.txt), compared through benchstat.
#   make bench                  run every area (BENCH_TARGETS) and compare
#   make bench-asm              the asm kernels only
#   make bench-baseline AREA=asm  copy the last run of an area over its baseline
# Single-threaded (-cpu 1), BENCH_COUNT samples per benchmark (benchstat needs
# at least 6 for confidence intervals). Results go to build/bench/<area>.txt.
# Areas add themselves: `bench-<area>: bench-tools; $(call run-bench,<area>,<regexp>)`
# and `BENCH_TARGETS += bench-<area>`.

BENCH_COUNT ?= 6
BENCH_TIME  ?= 0.5s
BENCH_DIR   := build/bench
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
BENCHSTAT := $(shell $(GO) env GOPATH)/bin/benchstat

BENCH_TARGETS += bench-asm

.PHONY: bench-tools bench-asm bench-baseline
bench-tools:
	@test -x $(BENCHSTAT) || $(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

# run-bench AREA REGEXP: run the benchmarks of ./bench matching REGEXP, keep
# the output in build/bench/AREA.txt, compare with bench/baseline/AREA.txt.
define run-bench
	@mkdir -p $(BENCH_DIR)
	@echo "bench $(1): load average $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
	$(GO) test -run '^$$' -bench '$(2)' -benchmem -count $(BENCH_COUNT) -benchtime $(BENCH_TIME) -cpu 1 -timeout 60m ./bench/ | tee $(BENCH_DIR)/$(1).txt
	@if [ -f bench/baseline/$(1).txt ]; then \
		$(BENCHSTAT) bench/baseline/$(1).txt $(BENCH_DIR)/$(1).txt; \
	else \
		echo "no baseline for $(1): make bench-baseline AREA=$(1)"; \
	fi
endef

bench-asm: bench-tools
	$(call run-bench,asm,^BenchmarkAsm)

bench-baseline:
	@test -n "$(AREA)" || { echo "usage: make bench-baseline AREA=<area>"; exit 1; }
	@test -f $(BENCH_DIR)/$(AREA).txt || { echo "run make bench-$(AREA) first"; exit 1; }
	cp $(BENCH_DIR)/$(AREA).txt bench/baseline/$(AREA).txt
