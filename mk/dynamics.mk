# analysis: the dynamical-systems targets on trained models (issue 8).
#   make analysis-trained        train (or reuse the checkpoints of) the reference
#                                CT-RNN recipes for the flip-flop and Lorenz, then
#                                assert: 8 memory states as stable fixed/slow points
#                                decoding to their bits plus saddles; closed-loop
#                                λ₁ within 15% of 0.906 and D₂ within 0.1 of 2.05
#   make analysis-trained-quick  the same on 5–10-epoch models (prints figures only)
# Checkpoints are kept in $(ANALYSIS_CACHE) and reused by later runs.

ANALYSIS_CACHE ?= build/analysis-trained

.PHONY: analysis-trained analysis-trained-quick

analysis-trained:
	@mkdir -p $(ANALYSIS_CACHE)
	NEURODYN_ANALYSIS_TRAINED=full NEURODYN_ANALYSIS_CACHE=$(abspath $(ANALYSIS_CACHE)) \
		$(GO) test -count=1 -timeout 90m -run '^TestTrained' -v ./analysis/

analysis-trained-quick:
	@mkdir -p $(ANALYSIS_CACHE)
	NEURODYN_ANALYSIS_TRAINED=quick NEURODYN_ANALYSIS_CACHE=$(abspath $(ANALYSIS_CACHE)) \
		$(GO) test -count=1 -timeout 30m -run '^TestTrained' -v ./analysis/
