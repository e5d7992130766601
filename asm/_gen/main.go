// Command _gen generates neurodyn's amd64 assembly kernels with avo.
//
// Each run writes one family of kernels (-family) to an assembly file (-out)
// and its Go stubs (-stubs); the //go:generate lines in asm/generate.go run it
// for every family. float32 and float64 kernels come from the same Go code,
// parameterised by the element type (type typ). The arithmetic of every
// kernel mirrors the pure-Go references in asm/*_generic.go exactly; the
// package documentation (asm/doc.go) is the specification.
package main

import (
	"flag"
	"fmt"
	"os"

	. "github.com/mmcloughlin/avo/build"
)

var family = flag.String("family", "", "kernel family: blas1, gemv, gemm, act, lif, cond, avx512")

func main() {
	flag.Parse()
	ConstraintExpr("amd64,gc,!noasm,!purego")
	switch *family {
	case "blas1":
		genBlas1()
	case "gemv":
		genGemv()
	case "gemm":
		genGemm()
	case "act":
		genAct()
	case "avx512":
		genAVX512()
	case "cond":
		genAdEx()
		genLIFCond()
		genHH()
	case "lif":
		genLIF()
		genLIFScan()
	default:
		fmt.Fprintf(os.Stderr, "unknown -family %q\n", *family)
		os.Exit(2)
	}
	Generate()
}
