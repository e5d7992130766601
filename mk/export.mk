# export: files written by neurodyn must read back in Python with h5py, numpy
# and libsonata (SpikeReader, ElementReportReader, NodeStorage, EdgeStorage)
# with the names, dtypes, enum values and contents the Go side wrote. A Go
# program writes the samples and expected.json; pytest reads them in its own
# process (the pip wheels bundle their own HDF5, never loaded next to ours).

EXPORT_SAMPLES ?= build/export-samples

TEST_TARGETS += test-export-formats test-compare-results

.PHONY: test-export-formats test-compare-results

# scripts/compare-results.py compares two result trees bit for bit (arrays of
# .npz and .h5 files, result.json numbers, the wall clock left out).
test-compare-results:
	scripts/ensure-venv.sh -m pytest -q python/tests/test_compare_results.py

ifneq (,$(findstring nohdf5,$(TAGS)))
test-export-formats:
	@echo "test-export-formats: skipped (built with nohdf5)"
else
test-export-formats:
	rm -rf $(EXPORT_SAMPLES)
	$(GO) run $(GOTAGS) ./export/internal/cmd/formatsample -out $(EXPORT_SAMPLES)
	NEURODYN_FORMAT_SAMPLES=$(abspath $(EXPORT_SAMPLES)) scripts/ensure-venv.sh -m pytest -q python/tests/formats
endif
