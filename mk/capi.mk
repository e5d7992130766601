# capi (issue 9): libneurodyn, the C interface (go build -buildmode=c-shared),
# installed with its hand-written header and pkg-config file into a prefix
# under build/, the C example built against that prefix with pkg-config, and
# the Python package's tests.
#   make capi           build/capi/libneurodyn.so (+ cgo's generated header, not installed)
#   make capi-install   lib/libneurodyn.so.$(CAPI_ABI), include/neurodyn.h, lib/pkgconfig/neurodyn.pc in CAPI_PREFIX
#   make test-capi      (make test) C example and header checks, pytest python/tests/test_capi_*.py
#   make bench-capi     (make bench) per-call overhead from C and Python, 10^6 spikes into numpy

CAPI_DIR     := build/capi
CAPI_LIB     := $(CAPI_DIR)/libneurodyn.so
CAPI_PREFIX  ?= $(abspath $(CAPI_DIR)/prefix)
CAPI_ABI     := 3
CAPI_VERSION := $(shell sed -n 's/^const Version = "\(.*\)"/\1/p' internal/buildinfo/buildinfo.go)
CAPI_CC      ?= cc
CAPI_PC      := PKG_CONFIG_PATH=$(CAPI_PREFIX)/lib/pkgconfig pkg-config

TEST_TARGETS  += test-capi
BENCH_TARGETS += bench-capi

.PHONY: capi capi-install test-capi test-capi-c test-capi-python bench-capi

# Always invoked: go build relinks only when a source changed (or the flags:
# an edit of capi/exports.map alone needs go build -a or a touched source).
# capi/exports.map, a linker version script, keeps every symbol but neurodyn_*
# local.
capi: deps
	$(GO) build $(GOTAGS) -buildmode=c-shared -ldflags '$(LDFLAGS) -extldflags "-Wl,-soname,libneurodyn.so.$(CAPI_ABI) -Wl,--version-script=$(abspath capi/exports.map)"' \
		-o $(CAPI_LIB) ./capi

capi-install: capi
	install -d $(CAPI_PREFIX)/lib/pkgconfig $(CAPI_PREFIX)/include
	install -m 644 capi/include/neurodyn.h $(CAPI_PREFIX)/include/neurodyn.h
	install -m 755 $(CAPI_LIB) $(CAPI_PREFIX)/lib/libneurodyn.so.$(CAPI_ABI)
	ln -sf libneurodyn.so.$(CAPI_ABI) $(CAPI_PREFIX)/lib/libneurodyn.so
	sed -e 's|@PREFIX@|$(CAPI_PREFIX)|' -e 's|@VERSION@|$(CAPI_VERSION)|' capi/neurodyn.pc.in \
		> $(CAPI_PREFIX)/lib/pkgconfig/neurodyn.pc

test-capi: test-capi-c test-capi-python

# The header alone compiles as strict C99 and as C++; the example builds with
# -Werror against the installed prefix through pkg-config and runs; then
# capi/testdata/misuse_test.c checks that misuse (NULL, negative sizes, NaN,
# freed handles, an object given as its own task) fails cleanly and never hangs,
# capi/testdata/config_test.c that configurations are decoded strictly, errors
# name the argument at fault and failed trainings and checkpoints leave state
# and files alone,
# capi/testdata/cancel_test.c that neurodyn_cancel stops a run, a training and the
# other long calls (fits, harvests, closed loops, evaluations, analyses)
# and what state they leave, capi/testdata/thread_test.c that runs with
# several workers keep off the caller's thread (its context switches,
# counted) with the same bits, and nm that only neurodyn_* is exported.
test-capi-c: capi-install
	@test "$$($(CAPI_PC) --modversion neurodyn)" = "$(CAPI_VERSION)"
	echo '#include <neurodyn.h>' | $(CAPI_CC) -std=c99 -pedantic -Wall -Wextra -Werror $$($(CAPI_PC) --cflags neurodyn) -x c -fsyntax-only -
	echo '#include <neurodyn.h>' | c++ -std=c++11 -pedantic -Wall -Wextra -Werror $$($(CAPI_PC) --cflags neurodyn) -x c++ -fsyntax-only -
	$(CAPI_CC) -std=c11 -O2 -Wall -Wextra -Werror -pedantic $$($(CAPI_PC) --cflags neurodyn) examples/c/neurodyn_example.c \
		-o $(CAPI_DIR)/neurodyn_example $$($(CAPI_PC) --libs neurodyn) -lm -Wl,-rpath,$$($(CAPI_PC) --variable=libdir neurodyn)
	rm -rf $(CAPI_DIR)/example-out && mkdir -p $(CAPI_DIR)/example-out
	$(CAPI_DIR)/neurodyn_example $(CAPI_DIR)/example-out | tee $(CAPI_DIR)/example-out/output.txt
	grep -q 'restored copy reproduces the .* spikes after 250 ms: yes' $(CAPI_DIR)/example-out/output.txt
	$(CAPI_CC) -std=c11 -O2 -Wall -Wextra -Werror -pedantic $$($(CAPI_PC) --cflags neurodyn) capi/testdata/misuse_test.c \
		-o $(CAPI_DIR)/misuse_test $$($(CAPI_PC) --libs neurodyn) -Wl,-rpath,$$($(CAPI_PC) --variable=libdir neurodyn)
	$(CAPI_DIR)/misuse_test
	$(CAPI_CC) -std=c11 -O2 -Wall -Wextra -Werror -pedantic $$($(CAPI_PC) --cflags neurodyn) capi/testdata/config_test.c \
		-o $(CAPI_DIR)/config_test $$($(CAPI_PC) --libs neurodyn) -Wl,-rpath,$$($(CAPI_PC) --variable=libdir neurodyn)
	$(CAPI_DIR)/config_test
	$(CAPI_CC) -std=c11 -O2 -Wall -Wextra -Werror -pedantic $$($(CAPI_PC) --cflags neurodyn) capi/testdata/cancel_test.c \
		-o $(CAPI_DIR)/cancel_test $$($(CAPI_PC) --libs neurodyn) -lpthread -lm -Wl,-rpath,$$($(CAPI_PC) --variable=libdir neurodyn)
	$(CAPI_DIR)/cancel_test
	$(CAPI_CC) -std=c11 -O2 -Wall -Wextra -Werror -pedantic $$($(CAPI_PC) --cflags neurodyn) capi/testdata/thread_test.c \
		-o $(CAPI_DIR)/thread_test $$($(CAPI_PC) --libs neurodyn) -lm -Wl,-rpath,$$($(CAPI_PC) --variable=libdir neurodyn)
	$(CAPI_DIR)/thread_test
	@# Only the C interface is exported (capi/exports.map): a program defining
	@# a symbol of the same name as one of the library's helpers must not
	@# interpose on it.
	@extra=$$(nm -D --defined-only $(CAPI_PREFIX)/lib/libneurodyn.so | awk '$$3 !~ /^neurodyn_/ {print $$3}'); \
	if [ -n "$$extra" ]; then echo "libneurodyn exports symbols other than neurodyn_*:" $$extra; exit 1; fi; \
	echo "exports: $$(nm -D --defined-only $(CAPI_PREFIX)/lib/libneurodyn.so | wc -l) symbols, all neurodyn_*"

test-capi-python: capi-install
	rm -rf $(CAPI_DIR)/reference && $(GO) run $(GOTAGS) ./capi/internal/reference -out $(CAPI_DIR)/reference
	NEURODYN_LIB=$(CAPI_PREFIX)/lib/libneurodyn.so NEURODYN_REFERENCE=$(abspath $(CAPI_DIR)/reference) \
		scripts/ensure-venv.sh -m pytest -q python/tests/test_capi_*.py
	NEURODYN_LIB=$(CAPI_PREFIX)/lib/libneurodyn.so scripts/ensure-venv.sh -m pytest -q python/tests/test_interop.py

# Per-call overhead from C and from Python and the time to fetch 10^6 spikes
# into numpy, as Go-style benchmark lines in build/bench/capi.txt (compared
# with bench/baseline/capi.txt when there is one). Single machine, quote the
# load average printed first.
bench-capi: capi-install bench-tools
	@mkdir -p $(BENCH_DIR)
	@echo "bench capi: load average $$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
	$(CAPI_CC) -std=c11 -O2 -Wall -Wextra -Werror $$($(CAPI_PC) --cflags neurodyn) bench/capi_overhead.c \
		-o $(CAPI_DIR)/capi_overhead $$($(CAPI_PC) --libs neurodyn) -Wl,-rpath,$$($(CAPI_PC) --variable=libdir neurodyn)
	GOMAXPROCS=1 $(CAPI_DIR)/capi_overhead -count $(BENCH_COUNT) | tee $(BENCH_DIR)/capi.txt
	GOMAXPROCS=1 NEURODYN_LIB=$(CAPI_PREFIX)/lib/libneurodyn.so scripts/ensure-venv.sh bench/capi_bench.py --count $(BENCH_COUNT) \
		| tee -a $(BENCH_DIR)/capi.txt
	@if [ -f bench/baseline/capi.txt ]; then $(BENCHSTAT) bench/baseline/capi.txt $(BENCH_DIR)/capi.txt; \
	else echo "no baseline for capi: make bench-baseline AREA=capi"; fi
