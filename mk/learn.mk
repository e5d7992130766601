# learn, ctrnn, rate: gradient checks against PyTorch, training benchmarks
# beside PyTorch, and the accuracy figures of the training recipes.
#   make test-torch-grad     neurodyn's BPTT vs torch autograd on shared weights
#                            (part of make test; installs python3-torch through
#                            scripts/ensure-deps.sh as root, else says what to install)
#   make bench-train         Go training benchmarks (BenchmarkTrain…), then the
#                            same epoch in PyTorch (one thread), and the speed-up
#   make train-accuracy      train every recipe (ctrnn, rate; Lorenz, flip-flop)
#                            and print the Done-when figures (about 12 minutes)
#   make train-accuracy-quick  the Quick recipes (about 1 minute)

TORCH_PY     ?= /usr/bin/python3
TORCH_EPOCHS ?= 6

TEST_TARGETS  += test-torch-grad
BENCH_TARGETS += bench-train

.PHONY: test-torch-grad bench-train bench-train-torch train-accuracy train-accuracy-quick

test-torch-grad:
	@scripts/ensure-deps.sh torch
	$(TORCH_PY) python/tests/test_torch_grad.py

bench-train: bench-tools
	@scripts/ensure-deps.sh torch
	$(call run-bench,train,^BenchmarkTrain)
	@$(MAKE) --no-print-directory bench-train-torch

# The PyTorch epoch right after the Go one (same machine, same sitting).
bench-train-torch:
	@mkdir -p $(BENCH_DIR)
	@if $(TORCH_PY) -c 'import torch' 2>/dev/null; then \
		echo "bench-train-torch: load average $$(cut -d' ' -f1-3 /proc/loadavg)"; \
		OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
			$(TORCH_PY) bench/torch/ctrnn_epoch.py --epochs $(TORCH_EPOCHS) | tee $(BENCH_DIR)/torch.jsonl; \
		if [ -x $(TORCH2_PY) ]; then \
			OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 \
				$(TORCH2_PY) bench/torch/ctrnn_epoch.py --impl fused --compile --epochs $(TORCH_EPOCHS) | tee -a $(BENCH_DIR)/torch.jsonl; \
		else \
			echo "bench-train-torch: no PyTorch 2 ($(TORCH2_PY)): torch.compile not run (make torch2-venv)"; \
		fi; \
		$(TORCH_PY) bench/torch/compare.py $(BENCH_DIR)/train.txt $(BENCH_DIR)/torch.jsonl; \
	else \
		echo "bench-train-torch: SKIP (no torch for $(TORCH_PY); apt-get install -y python3-torch)"; \
	fi

train-accuracy:
	NEURODYN_TRAIN_ACCURACY=full $(GO) test -count=1 -timeout 60m -run '^TestTrainAccuracy$$' -v ./bench/

train-accuracy-quick:
	NEURODYN_TRAIN_ACCURACY=quick $(GO) test -count=1 -timeout 20m -run '^TestTrainAccuracy$$' -v ./bench/
