# asm: the amd64 kernels are generated with avo (asm/_gen, its own module).
#   make asm-generate   regenerate every *_amd64.s and its stubs
#   make asm-check      regenerate and fail if the committed files differ (make test)
#   make asm-fuzz       short differential fuzzing, with and without noasm (make test)
#   make asm-arm64      the package's tests built for arm64 and run under qemu-aarch64
#                       (qemu-user, installed by scripts/ensure-deps.sh as root), where
#                       the pure-Go path must reproduce the amd64 golden checksums
# The generator's modules (avo v0.6.0, x/tools v0.52.0) come from the module
# proxy the first time: go run downloads what asm/_gen/go.sum pins.

ASM_GENERATED := $(foreach f,blas1 gemv gemm act lif,asm/$(f)_amd64.s asm/$(f)_amd64.go)
ASM_FUZZTIME ?= 3s

TEST_TARGETS += asm-check asm-fuzz asm-arm64

.PHONY: asm-generate asm-check asm-fuzz asm-arm64
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
	@for tags in '' noasm; do \
		for target in FuzzBlas1 FuzzTanhStep FuzzGemm FuzzLIF; do \
			echo "fuzz $$target tags=[$$tags] $(ASM_FUZZTIME)"; \
			$(GO) test -tags "$$tags" -run '^$$' -fuzz "^$$target\$$" -fuzztime $(ASM_FUZZTIME) ./asm >/dev/null || exit 1; \
		done; \
	done
	@echo "asm-fuzz: no difference between the paths and the references"

asm-arm64:
	@scripts/ensure-deps.sh qemu
	mkdir -p build && GOARCH=arm64 $(GO) test -c -o build/asm_arm64.test ./asm
	cd asm && qemu-aarch64 ../build/asm_arm64.test -test.short
	@echo "asm-arm64: the pure-Go path on arm64 reproduces the amd64 results"
