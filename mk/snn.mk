# snn: a trained spiking network exported to NIR must load with nir.read
# (Python, nir==1.0.6) with our graph, parameters and weights. A Go program
# trains the quick recipe and writes model.nir plus a JSON sidecar; pytest
# reads both in its own process. Then a graph written with nir.write must
# import (neurodyn import-nir) into the spec kernel.ImportNIR's mapping gives.

SNN_NIR_DIR ?= build/nir

TEST_TARGETS += test-snn-nir

.PHONY: test-snn-nir
ifneq (,$(findstring nohdf5,$(TAGS)))
test-snn-nir:
	@echo "test-snn-nir: skipped (built with nohdf5)"
else
test-snn-nir:
	$(GO) run $(GOTAGS) ./snn/internal/cmd/nirsample -out $(SNN_NIR_DIR)
	NEURODYN_NIR_DIR=$(abspath $(SNN_NIR_DIR)) scripts/ensure-venv.sh -m pytest -q python/tests/test_nir.py
	$(GO) build $(GOTAGS) -o build/neurodyn-nir ./cmd/neurodyn
	NEURODYN_BIN=$(abspath build/neurodyn-nir) scripts/ensure-venv.sh -m pytest -q python/tests/test_nir_import.py
endif

# The Open Neuromorphic workload against bench/torch/snn_onn.py on the same
# weights and input (bench.TestWriteOnnCase writes them): the silent
# workload and the firing variant, the same spikes and gradients in float64,
# and in float32 up to near-threshold flips (python/tests/test_torch_onn.py;
# about 2 minutes; skips without torch).
TEST_TARGETS += test-snn-torch-onn

.PHONY: test-snn-torch-onn
test-snn-torch-onn:
	@scripts/ensure-deps.sh torch
	$(TORCH_PY) python/tests/test_torch_onn.py

# Benchmarks: the Open Neuromorphic training workload (Linear n→n + LIF,
# batch 16, 500 steps, forward + backward) at n = 256, 1024, 4096 (silent,
# as the benchmark has it: loss and spike-prob 0) and its firing variant
# (input ×8, 3.6% of the neuron-steps spike) at ONN_FIRING_N, BPTT of
# the Lorenz recipe, reservoir harvest (neuron-steps/s) and ridge readout;
# then the same workload in PyTorch (one thread, /usr/bin/python3 with
# python3-torch) in the same sitting, and the speed-ups. At n = 4096 one
# forward + backward takes seconds on each side: the whole target takes
# about 10 minutes on a quiet machine with BENCH_COUNT=6.
#
# PyTorch's best set-up for this workload is PyTorch 2's torch.compile up
# to n = 1,024 (its fused loops remove most of the LIF loop's overhead;
# Debian's 1.13 has no torch.compile; at n = 4,096 1.13's TorchScript on
# OpenBLAS was faster on the Zen 4): `make torch2-venv` installs torch
# 2.15.0 from PyPI into build/torch2 (about 5 GB, the CUDA libraries its
# wheel requires included), and from then on bench-snn runs every
# implementation with it as well and compares with the best of both.
# Compiling the 500 unrolled steps takes 4 (Zen 4) to 10 (Zen 3) minutes per
# n the first time (excluded from the timings; Inductor caches it).

TORCH_PY ?= /usr/bin/python3
ONN_FIRING_N ?= 256,1024
TORCH2_VENV ?= build/torch2
TORCH2_PY ?= $(TORCH2_VENV)/bin/python

BENCH_TARGETS += bench-snn

.PHONY: bench-snn bench-snn-torch torch2-venv
torch2-venv:
	VENV=$(TORCH2_VENV) REQ=bench/torch/requirements-torch2.txt scripts/ensure-venv.sh
bench-snn: bench-tools
	$(call run-bench,snn,^BenchmarkSnn)
	@$(MAKE) --no-print-directory bench-snn-torch

bench-snn-torch:
	@mkdir -p $(BENCH_DIR)
	@if $(TORCH_PY) -c 'import torch' 2>/dev/null; then \
		echo "bench-snn-torch: load average $$(cut -d' ' -f1-3 /proc/loadavg)"; \
		OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
			$(TORCH_PY) bench/torch/snn_onn.py --repeats $(BENCH_COUNT) | tee $(BENCH_DIR)/snn_torch.jsonl; \
		OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
			$(TORCH_PY) bench/torch/snn_onn.py --firing --n $(ONN_FIRING_N) --repeats $(BENCH_COUNT) | tee -a $(BENCH_DIR)/snn_torch.jsonl; \
		$(TORCH_PY) bench/torch/sgemm.py --repeats $(BENCH_COUNT) | tee $(BENCH_DIR)/snn_torch_sgemm.jsonl; \
		if [ -x $(TORCH2_PY) ]; then \
			OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
				$(TORCH2_PY) bench/torch/snn_onn.py --repeats $(BENCH_COUNT) | tee -a $(BENCH_DIR)/snn_torch.jsonl; \
			OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
				$(TORCH2_PY) bench/torch/snn_onn.py --firing --n $(ONN_FIRING_N) --repeats $(BENCH_COUNT) | tee -a $(BENCH_DIR)/snn_torch.jsonl; \
			$(TORCH2_PY) bench/torch/sgemm.py --repeats $(BENCH_COUNT) | tee -a $(BENCH_DIR)/snn_torch_sgemm.jsonl; \
		else \
			echo "bench-snn-torch: no PyTorch 2 ($(TORCH2_PY)): its torch.compile, the best set-up, not run (make torch2-venv)"; \
		fi; \
		$(TORCH_PY) bench/torch/snn_compare.py $(BENCH_DIR)/snn.txt $(BENCH_DIR)/snn_torch.jsonl; \
	else \
		echo "bench-snn-torch: SKIP (no torch for $(TORCH_PY); apt-get install -y python3-torch)"; \
	fi

# The Done-when figures of the spiking models (trained SNN, liquid-state
# machine with closed-loop valid time, ESN): about 4 minutes on one core.
.PHONY: snn-figures
snn-figures:
	$(GO) run $(GOTAGS) ./snn/internal/cmd/snnfigures
