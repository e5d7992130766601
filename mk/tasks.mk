# tasks: datasets written by neurodyn must load in Python (h5py, numpy.load)
# with the reference tutorial's keys. A Go program writes them, pytest reads.

TASKS_DATASETS ?= build/datasets

TEST_TARGETS += test-tasks-python

.PHONY: test-tasks-python
test-tasks-python:
	$(GO) run $(GOTAGS) ./tasks/internal/writedatasets -dir $(TASKS_DATASETS)
	NEURODYN_DATASETS=$(TASKS_DATASETS) scripts/ensure-venv.sh -m pytest -q python/tests/test_datasets.py
