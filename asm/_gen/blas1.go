package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

func genBlas1() {
	for _, t := range types {
		genDot(t)
		genAxpy(t)
		genScal(t)
		genAddMul(t, "add", "Add", "x[i] + y[i]")
		genAddMul(t, "mul", "Mul", "x[i]·y[i]")
	}
	genFMAScalar()
	genProbe()
}

// genProbe emits the FMA-throughput probe: 12 independent chains of
// 256-bit float32 FMAs (enough to cover the FMA latency on two pipes), no
// memory traffic. Each iteration is 12·16 = 192 flops.
const probeChains = 12

func genProbe() {
	TEXT("fmaProbeAVX2", NOSPLIT, "func(iters int)")
	Doc("fmaProbeAVX2 runs iters iterations of 12 independent VFMADD231PS; each is 192 flops.")
	n := Load(Param("iters"), GP64())
	x, y := YMM(), YMM()
	VXORPS(x, x, x)
	VXORPS(y, y, y)
	acc := make([]reg.VecVirtual, probeChains)
	for j := range acc {
		acc[j] = YMM()
		VXORPS(acc[j], acc[j], acc[j])
	}
	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("loop")
	for j := range acc {
		VFMADD231PS(y, x, acc[j])
	}
	DECQ(n)
	JNZ(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	RET()
}

// genDot emits the canonical Dot: 4 accumulators of vw lanes (L = 4·vw lanes),
// element i into lane i mod L, tail blocks into the next accumulators and the
// last partial block masked (its lanes past the end add −0, which leaves them
// unchanged), then halving folds.
func genDot(t typ) {
	TEXT(t.name("dot"), NOSPLIT, fmt.Sprintf("func(x, y []%s) %s", t.gt, t.gt))
	Pragma("noescape")
	Doc(t.name("dot") + " computes Dot with AVX2+FMA; len(y) ≥ len(x). Reference: dotGeneric.")
	px := Load(Param("x").Base(), GP64())
	py := Load(Param("y").Base(), GP64())
	n := Load(Param("x").Len(), GP64())
	var acc [4]reg.VecVirtual
	for j := range acc {
		acc[j] = YMM()
		VXORPS(acc[j], acc[j], acc[j])
	}
	L := 4 * t.vw
	Label("loop")
	CMPQ(n, U32(L))
	JL(LabelRef("tail"))
	for j := range acc {
		v := YMM()
		t.movu(Mem{Base: px, Disp: j * vb}, v)
		t.fma231(Mem{Base: py, Disp: j * vb}, v, acc[j])
	}
	ADDQ(U32(4*vb), px)
	ADDQ(U32(4*vb), py)
	SUBQ(U32(L), n)
	JMP(LabelRef("loop"))

	Label("tail")
	for j := range 3 {
		CMPQ(n, U32(t.vw))
		JL(LabelRef(fmt.Sprintf("part%d", j)))
		v := YMM()
		t.movu(Mem{Base: px}, v)
		t.fma231(Mem{Base: py}, v, acc[j])
		ADDQ(U32(vb), px)
		ADDQ(U32(vb), py)
		SUBQ(U32(t.vw), n)
	}
	for j := 3; j >= 0; j-- {
		Label(fmt.Sprintf("part%d", j))
		TESTQ(n, n)
		JZ(LabelRef("fold"))
		mask := t.tailMask(n)
		v, w := YMM(), YMM()
		t.maskload(Mem{Base: px}, mask, v)
		t.maskload(Mem{Base: py}, mask, w)
		t.negZeroPast(mask, v)
		t.fma231(w, v, acc[j])
		JMP(LabelRef("fold"))
	}
	Label("fold")
	t.add(acc[2], acc[0], acc[0]) // w = 2·vw
	t.add(acc[3], acc[1], acc[1])
	t.add(acc[1], acc[0], acc[0]) // w = vw
	x := t.hsum(acc[0])
	VZEROUPPER()
	t.storeResult(x)
	RET()
}

func genAxpy(t typ) {
	var alpha reg.VecVirtual
	genMap(t, mapSpec{
		name:   t.name("axpy"),
		doc:    []string{t.name("axpy") + " computes y[i] = fma(alpha, x[i], y[i]); len(y) ≥ len(x). Reference: axpyGeneric."},
		sig:    fmt.Sprintf("func(alpha %s, x, y []%s)", t.gt, t.gt),
		ins:    []string{"x", "y"},
		outs:   []string{"y"},
		unroll: 4,
		setup:  func() { alpha = t.broadcastParam("alpha") },
		body: func(in []reg.VecVirtual) []reg.VecVirtual {
			t.fma231(in[0], alpha, in[1])
			return []reg.VecVirtual{in[1]}
		},
	})
}

func genScal(t typ) {
	var alpha reg.VecVirtual
	genMap(t, mapSpec{
		name:   t.name("scal"),
		doc:    []string{t.name("scal") + " computes x[i] = alpha·x[i]. Reference: scalGeneric."},
		sig:    fmt.Sprintf("func(alpha %s, x []%s)", t.gt, t.gt),
		ins:    []string{"x"},
		outs:   []string{"x"},
		unroll: 4,
		setup:  func() { alpha = t.broadcastParam("alpha") },
		body: func(in []reg.VecVirtual) []reg.VecVirtual {
			t.mul(in[0], alpha, in[0])
			return in
		},
	})
}

func genAddMul(t typ, op, ref, formula string) {
	genMap(t, mapSpec{
		name:   t.name(op),
		doc:    []string{fmt.Sprintf("%s computes dst[i] = %s; len(x), len(y) ≥ len(dst). Reference: %sGeneric.", t.name(op), formula, op)},
		sig:    fmt.Sprintf("func(%s)", sliceSig(t, "dst", "x", "y")),
		ins:    []string{"x", "y"},
		outs:   []string{"dst"},
		lenOf:  "dst",
		unroll: 4,
		body: func(in []reg.VecVirtual) []reg.VecVirtual {
			if op == "add" {
				t.add(in[1], in[0], in[0])
			} else {
				t.mul(in[1], in[0], in[0])
			}
			return in[:1]
		},
	})
}

// genFMAScalar emits the hardware single-precision FMA, which the tests use
// to check the pure-Go fma32.
func genFMAScalar() {
	TEXT("fmaf32AVX2", NOSPLIT, "func(a, b, c float32) float32")
	Doc("fmaf32AVX2 returns a·b+c rounded once (VFMADD231SS); for tests of fma32.")
	a, b, c := f32.loadScalar("a"), f32.loadScalar("b"), f32.loadScalar("c")
	VFMADD231SS(a, b, c)
	f32.storeResult(c)
	RET()
}
