# snn: a trained spiking network exported to NIR must load with nir.read
# (Python, nir==1.0.6) with our graph, parameters and weights. A Go program
# trains the quick recipe and writes model.nir plus a JSON sidecar; pytest
# reads both in its own process.

SNN_NIR_DIR ?= build/nir

TEST_TARGETS += test-snn-nir

.PHONY: test-snn-nir
ifneq (,$(findstring nohdf5,$(TAGS)))
test-snn-nir:
	@echo "test-snn-nir: skipped (built with nohdf5)"
else
test-snn-nir:
	$(GO) run $(GOTAGS) ./snn/internal/cmd/nirsample -out $(SNN_NIR_DIR)
	NEURODYN_NIR_DIR=$(abspath $(SNN_NIR_DIR)) $$(scripts/ensure-venv.sh) -m pytest -q python/tests/test_nir.py
endif
