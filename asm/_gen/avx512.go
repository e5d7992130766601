package main

import (
	"fmt"
	"math/bits"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// genAVX512 emits the AVX-512F kernels of a CT-RNN forward step: Gemv without
// transpose, Tanh and Step for every activation. They compute exactly what
// the AVX2 kernels and the references compute: element-wise kernels do the
// same operations per lane on 16 (float32) or 8 (float64) lanes at once, and
// Gemv keeps the canonical L lanes of Dot in two 512-bit accumulators
// (lanes 0…vw−1 and vw…L−1), so its folds are the reference's.
func genAVX512() {
	for _, t := range []typ{f32z, f64z} {
		genTanh(t)
		for _, act := range acts {
			genStep(t, act)
		}
		genGemvN512(t)
	}
}

// genGemvN512 emits y[i] = E(alpha, Dot(A[i, :n], x), beta, y[i]) for all m
// rows, one row at a time: L = 2·vw lanes in two accumulators, full blocks
// of L elements, then the last n mod L elements with merge-masked FMAs (the
// lanes past the end receive no term, as in the reference); folds w = L/2
// (the two accumulators), L/4 (the halves of the sum) and then hsum's folds
// of one 256-bit vector. The caller handles alpha == 0 and n == 0.
func genGemvN512(t typ) {
	name := t.name("gemvN")
	TEXT(name, NOSPLIT, fmt.Sprintf("func(m, n int, alpha %s, a []%s, lda int, x []%s, beta %s, y []%s)", t.gt, t.gt, t.gt, t.gt, t.gt))
	Pragma("noescape")
	Doc(name + " computes Gemv without transpose for alpha ≠ 0, n > 0. Reference: gemvGeneric.")
	ymm := f32
	if t.bits == 64 {
		ymm = f64
	}
	L := 2 * t.vw
	vbz := t.vbytes()
	m := Load(Param("m"), GP64())
	n := Load(Param("n"), GP64())
	pa := Load(Param("a").Base(), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(Imm(t.shift), lda)
	px := Load(Param("x").Base(), GP64())
	py := Load(Param("y").Base(), GP64())
	alpha, beta := t.loadScalar("alpha"), t.loadScalar("beta")
	betaZero := isZero(t, beta)

	// The last partial block: r = n mod L elements, the first min(r, vw)
	// in accumulator A, the rest in B.
	r := GP64()
	MOVQ(n, r)
	ANDQ(U32(L-1), r)
	ra := GP64()
	MOVQ(U32(t.vw), ra)
	CMPQ(r, ra)
	CMOVQLT(r, ra)
	rb := GP64()
	MOVQ(r, rb)
	SUBQ(ra, rb)
	ka, kb := kMask(ra), kMask(rb)
	full := GP64()
	MOVQ(n, full)
	SHRQ(U8(bits.TrailingZeros(uint(L))), full) // L is a power of two

	Label("row")
	TESTQ(m, m)
	JZ(LabelRef("end"))
	acc := []reg.VecVirtual{t.vec(), t.vec()}
	t.zero(acc[0])
	t.zero(acc[1])
	pr, pxx, k := GP64(), GP64(), GP64()
	MOVQ(pa, pr)
	MOVQ(px, pxx)
	MOVQ(full, k)
	Label("block")
	TESTQ(k, k)
	JZ(LabelRef("partial"))
	for j := range acc {
		xv := t.vec()
		t.movu(Mem{Base: pxx, Disp: j * vbz}, xv)
		t.fma231(Mem{Base: pr, Disp: j * vbz}, xv, acc[j]) // acc = x·a + acc
	}
	ADDQ(U32(2*vbz), pr)
	ADDQ(U32(2*vbz), pxx)
	DECQ(k)
	JMP(LabelRef("block"))

	Label("partial")
	TESTQ(r, r)
	JZ(LabelRef("fold"))
	for j, km := range []reg.Register{ka, kb} {
		av, xv := t.vec(), t.vec()
		t.maskload(Mem{Base: pr, Disp: j * vbz}, km, av)
		t.maskload(Mem{Base: pxx, Disp: j * vbz}, km, xv)
		t.pick(VFMADD231PS, VFMADD231PD)(xv, av, km, acc[j]) // merge-masked: other lanes unchanged
	}

	Label("fold")
	t.add(acc[1], acc[0], acc[0]) // w = L/2
	hi := YMM()
	VEXTRACTF64X4(U8(1), acc[0], hi)
	s := YMM()
	ymm.add(hi, acc[0].AsY(), s) // w = L/4
	sum := ymm.hsum(s)

	c := XMM()
	TESTQ(betaZero, betaZero)
	JNZ(LabelRef("betazero"))
	t.smov(Mem{Base: py}, c)
	t.smul(beta, c, c)       // c = beta·y
	t.sfma231(alpha, sum, c) // c = alpha·t + beta·y
	JMP(LabelRef("store"))
	Label("betazero")
	t.smul(alpha, sum, c) // c = alpha·t
	Label("store")
	t.smov(c, Mem{Base: py})
	ADDQ(lda, pa)
	ADDQ(U32(t.size), py)
	DECQ(m)
	JMP(LabelRef("row"))

	Label("end")
	VZEROUPPER()
	RET()
}
