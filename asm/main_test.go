package asm

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// onlyPaths restricts forEachPath: the emulated AVX-512 run (make
// asm-avx512, about 100 times slower than the host) passes -asm.paths=avx512,
// the other paths having been tested natively; the tests still compare with
// the references.
var onlyPaths = flag.String("asm.paths", "", "comma-separated kernel paths that forEachPath tests (default: every available path)")

func TestMain(m *testing.M) {
	flag.Parse()
	// The avx512 path's tests check its AVX-512 Gemv at every row length,
	// not only from the crossover on, where it takes over from AVX2.
	gemvN512MinBytes = 1
	fmt.Fprintf(os.Stderr, "asm: kernel path %s (available: %v)\n", Path(), Paths())
	os.Exit(m.Run())
}

// forEachPath runs f as a subtest on every available path (or those named by
// -asm.paths), then restores the default path.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer Reset()
	only := strings.Split(*onlyPaths, ",")
	for _, p := range Paths() {
		if *onlyPaths != "" && !slices.Contains(only, p) {
			continue
		}
		if err := Select(p); err != nil {
			t.Fatal(err)
		}
		t.Run("path="+p, f)
	}
}
