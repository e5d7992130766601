package bench

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/neurodyn/neurodyn/asm"
)

// kernels selects the asm kernel path for every benchmark that does not
// compare paths itself (the Asm… benchmarks run each path, impl=…): `go test
// -bench 'Train|Snn' ./bench -args -kernels=avx512` times the models on
// that path, to set beside a run with -kernels=avx2.
var kernels = flag.String("kernels", "", "asm kernel path for the benchmarks: one of asm.Paths() (default: the path asm chooses for this CPU)")

func TestMain(m *testing.M) {
	flag.Parse()
	if *kernels != "" {
		if err := asm.Select(*kernels); err != nil {
			fmt.Fprintf(os.Stderr, "bench: -kernels: %v\n", err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

// restorePath returns a function that selects the kernel path in use now
// again (the -kernels choice), for benchmarks that switch paths.
func restorePath() func() {
	p := asm.Path()
	return func() {
		if err := asm.Select(p); err != nil {
			panic(err) // p was in use, so it is available
		}
	}
}
