# neurodyn — the two commands users need:
#   make tutorial   the whole tutorial pipeline on the embedded default config
#   make test       everything CI checks (about 20 minutes on 2 cores)
# Other targets: make build, make bench, make help.
#
# Component makefiles in mk/*.mk add their own targets and append to
# TEST_TARGETS (run by `make test` after the Go checks) and BENCH_TARGETS.

SHELL      := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO         ?= go
# The commit, +dirty for any change to the tree (untracked files included):
# scripts/revision.sh.
REV        := $(shell scripts/revision.sh)
LDFLAGS    := -X github.com/neurodyn/neurodyn/internal/buildinfo.revision=$(REV)
BIN        := bin
TAGS       ?=
ifdef NOHDF5
TAGS       += nohdf5
endif
GOTAGS     := $(if $(strip $(TAGS)),-tags '$(strip $(TAGS))',)
TEST_TIMEOUT ?= 15m

TEST_TARGETS  :=
BENCH_TARGETS :=

.PHONY: all help deps build tutorial test test-disk test-go test-vet test-fmt test-noasm test-arm64 test-nocgo bench clean

all: build

help:
	@echo "make tutorial   run the tutorial pipeline (writes results/)"
	@echo "make test       run every check CI runs"
	@echo "make build      build bin/neurodyn"
	@echo "make bench      run the benchmark suites and compare with bench/baseline/<area>.txt (benchstat)"

deps:
	@scripts/ensure-deps.sh core

build: deps
	$(GO) build $(GOTAGS) -ldflags '$(LDFLAGS)' -o $(BIN)/neurodyn ./cmd/neurodyn

tutorial: build
	$(BIN)/neurodyn tutorial $(TUTORIAL_FLAGS)

test: test-disk deps test-fmt test-vet test-go test-noasm test-arm64 test-nocgo
	@$(MAKE) --no-print-directory $(TEST_TARGETS) $(if $(TEST_TARGETS),,test-none)
	@echo "make test: all checks passed"

test-none:
	@true

# Warns (only) when a cold run would not fit on the disk: see scripts/check-disk.sh.
test-disk:
	@scripts/check-disk.sh

test-fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go') 2>&1); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

test-vet:
	$(GO) vet $(GOTAGS) ./...

test-go:
	$(GO) test $(GOTAGS) -timeout $(TEST_TIMEOUT) ./...

test-noasm:
	$(GO) test -short -tags 'noasm $(TAGS)' -timeout $(TEST_TIMEOUT) ./...

# Other architectures type-check: arm64 (its kernels run under qemu in
# asm-arm64) and 32-bit x86, where int is 32 bits wide (there the tests of
# sizes whose products would wrap an int also run).
test-arm64:
	GOARCH=arm64 $(GO) vet ./...
	GOARCH=386 CGO_ENABLED=0 $(GO) vet ./...
	GOARCH=386 CGO_ENABLED=0 $(GO) test -count 1 -run 'BlockSize|DelayGroups' ./kernel

test-nocgo:
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) build -tags nohdf5 ./...

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_TARGETS) $(if $(BENCH_TARGETS),,test-none)

clean:
	rm -rf $(BIN) build

-include mk/*.mk
