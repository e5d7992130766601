# asm: the amd64 kernels are generated with avo (asm/_gen, its own module).
#   make asm-generate   regenerate every *_amd64.s and its stubs
#   make asm-check      regenerate and fail if the committed files differ (make test)
#   make asm-fuzz       short differential fuzzing, with and without noasm (make test)
#   make asm-arm64      the package's tests, internal/detmath's, the kernel's golden tests and
#                       events' ring tests (a fused multiply-add shows there) and
#                       analysis' goldens (QR spectra of Lorenz and Hénon, Rosenstein's λ₁, the
#                       embedding choice, the correlation dimension, the attractor comparison,
#                       the baselines' metrics and valid times, fixed points, PulseLIF, least
#                       squares, PCA, mean periods and population spectra),
#                       internal/detlinalg's, internal/detrand's and internal/detfft's
#                       tests, learn's orthogonal-initialization golden, learn/leaky's activation
#                       golden, snn's ESN and surrogate/Dale-function goldens, rate's Dale golden,
#                       the flip-flop, Gaussian and Lorenz goldens of tasks (RK4 and dopri5) and
#                       the training goldens of ctrnn and rate,
#                       built for arm64 and run under qemu-aarch64 (qemu-user, installed by
#                       scripts/ensure-deps.sh as root), where the pure-Go path must
#                       reproduce the amd64 golden checksums
#   make asm-avx512     the package's path tests on an emulated AVX-512 CPU (a Linux
#                       kernel booted in Bochs, scripts/avx512-bochs.sh; packages from
#                       scripts/ensure-deps.sh bochs): avx512, avx2 and generic must
#                       agree bit for bit, the CT-RNN forward pass of 1,000 steps included
# The generator's modules (avo v0.6.0, x/tools v0.52.0) come from the module
# proxy the first time: go run downloads what asm/_gen/go.sum pins.

ASM_GENERATED := $(foreach f,blas1 gemv gemm act lif cond avx512,asm/$(f)_amd64.s asm/$(f)_amd64.go)
# Fuzzing budgets are execution counts (about 3 s each here), not durations:
# a duration -fuzztime can fail with a bare "context deadline exceeded" and
# no crasher on a loaded machine (a race in Go's fuzz coordinator,
# go.dev/issue/75804, unfixed in Go 1.26). ASM_FUZZ_SCALE multiplies them.
ASM_FUZZ_SCALE ?= 1
ASM_FUZZ_EXECS := FuzzBlas1:20000 FuzzTanhStep:10000 FuzzGemm:5000 FuzzLIF:15000 FuzzAdEx:10000 FuzzLIFCond:10000 FuzzHH:10000

TEST_TARGETS += asm-check asm-fuzz asm-arm64 asm-avx512

.PHONY: asm-generate asm-check asm-fuzz asm-arm64 asm-avx512
asm-generate:
	cd asm && $(GO) generate .

asm-check: asm-generate
	@if ! git diff --quiet -- $(ASM_GENERATED) || [ -n "$$(git ls-files --others --exclude-standard -- $(ASM_GENERATED))" ]; then \
		git --no-pager diff --stat -- $(ASM_GENERATED); \
		echo "asm-check: the generated assembly differs from asm/_gen's output: run make asm-generate and commit"; \
		exit 1; \
	fi
	@echo "asm-check: generated assembly up to date"

asm-fuzz:
	@mkdir -p build; for tags in '' noasm; do \
		for te in $(ASM_FUZZ_EXECS); do \
			target=$${te%%:*}; n=$$(( $${te#*:} * $(ASM_FUZZ_SCALE) )); \
			echo "fuzz $$target tags=[$$tags] $${n} executions"; \
			if ! $(GO) test -tags "$$tags" -run '^$$' -fuzz "^$$target\$$" -fuzztime $${n}x ./asm >build/asm-fuzz.log 2>&1; then \
				tail -40 build/asm-fuzz.log; echo "asm-fuzz: $$target tags=[$$tags] failed; a failing input is in asm/testdata/fuzz/$$target"; exit 1; \
			fi; \
		done; \
	done
	@echo "asm-fuzz: no difference between the paths and the references"

# arm64-test builds package $(1)'s tests for arm64 (without cgo) and runs
# those matching $(2) (every test when empty), -short, under qemu-aarch64 in
# the package's directory, where their testdata is.
define arm64-test
	CGO_ENABLED=0 GOARCH=arm64 $(GO) test -c -o build/$(subst /,_,$(1))_arm64.test ./$(1)
	cd $(1) && qemu-aarch64 "$(CURDIR)/build/$(subst /,_,$(1))_arm64.test" -test.run '$(2)' -test.short
endef

asm-arm64:
	@scripts/ensure-deps.sh qemu
	mkdir -p build
	$(call arm64-test,asm,)
	$(call arm64-test,internal/detmath,)
	$(call arm64-test,kernel,Golden)
	$(call arm64-test,events,Ring)
	$(call arm64-test,analysis,Golden)
	$(call arm64-test,tasks,Golden)
	$(call arm64-test,ctrnn,TrainGolden)
	$(call arm64-test,rate,TrainGolden|DaleGolden)
	$(call arm64-test,learn/leaky,ActivationGolden)
	$(call arm64-test,internal/detlinalg,)
	$(call arm64-test,internal/detrand,)
	$(call arm64-test,internal/detfft,)
	$(call arm64-test,learn,OrthogonalGolden)
	$(call arm64-test,snn,ESNGolden|FunctionsGolden)
	@echo "asm-arm64: the pure-Go path on arm64 reproduces the amd64 results (asm, detmath, detlinalg, detrand, detfft, the kernel's state, initializations, data generation, CT-RNN and rate training, the analysis figures)"

asm-avx512:
	@scripts/ensure-deps.sh bochs
	scripts/avx512-bochs.sh build/avx512
