package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// The tanh constants; asm/act_generic.go holds the same values for the
// reference (the differential tests compare every path with it).
var (
	tanhQ32 = []float64{
		0.00019891980628017336, 0.0013934541493654251, 0.00833331048488617,
		0.04166645556688309, 0.1666666716337204, 0.5,
	}
	tanhQ64 = []float64{
		2.0915442297780116e-09, 2.5106274733573296e-08, 2.75572718102198e-07,
		2.755725283351691e-06, 2.4801587327007187e-05, 0.00019841269876864356,
		0.0013888888888883327, 0.008333333333325544, 0.04166666666666667,
		0.1666666666666667, 0.5,
	}
)

type tanhConsts struct {
	clamp, log2e, magic, negLn2Hi, negLn2Lo, one, two, q []Mem
	abs, sign, oneBits                                   Mem
}

func genAct() {
	for _, t := range types {
		genTanh(t)
		for _, act := range acts {
			genStep(t, act)
			genStepBackward(t, act)
		}
	}
}

var acts = []string{"Tanh", "ReLU", "Sigmoid", "HalfTanh", "Identity"}

// tanhVec emits dst = tanh(x) for one vector, exactly the sequence of
// tanh32Ref / tanh64Ref (see the Tanh documentation). x is not modified.
func tanhVec(t typ, x reg.VecVirtual) reg.VecVirtual {
	var clamp, log2e, magic, nhi, nlo float64
	var q []float64
	var absBits, signBits, oneBits uint64
	if t.bits == 32 {
		clamp, log2e, magic = 10, 1.4426950216293335, 1.5*(1<<23)
		nhi, nlo = -0.6931471824645996, 1.9046542121259336e-09
		q = tanhQ32
		absBits, signBits, oneBits = 0x7fffffff, 0x80000000, uint64(math.Float32bits(1))
	} else {
		clamp, log2e, magic = 20, 1.4426950408889634, 1.5*(1<<52)
		nhi, nlo = -0.6931471805599453, -2.3190468138462996e-17
		q = tanhQ64
		absBits, signBits, oneBits = 1<<63-1, 1<<63, math.Float64bits(1)
	}
	bc := func(name string, v float64) reg.VecVirtual { return t.broadcastConst(name, v) }
	bb := t.broadcastBits
	a := t.vec()
	t.and(bb("tanhabs", absBits), x, a)
	c := bc("tanhclamp", clamp)
	t.min(a, c, a) // a = clamp < a ? clamp : a (NaN stays)
	u := t.vec()
	t.add(a, a, u)
	y := t.vec()
	t.mul(bc("tanhlog2e", log2e), u, y)
	mg := bc("tanhmagic", magic)
	t.add(mg, y, y)
	k := t.vec()
	t.sub(mg, y, k)                       // k = y − magic
	t.fma231(bc("tanhnln2hi", nhi), k, u) // r = k·(−ln2hi) + u
	t.fma231(bc("tanhnln2lo", nlo), k, u) // r = k·(−ln2lo) + r
	r := u
	qq := bc(fmt.Sprintf("tanhq%d", 0), q[0])
	for i, ci := range q[1:] {
		t.fma213(bc(fmt.Sprintf("tanhq%d", i+1), ci), r, qq) // q = r·q + c
	}
	r2 := t.vec()
	t.mul(r, r, r2)
	t.fma231(qq, r2, r) // p = r2·q + r
	s := t.vec()
	if t.bits == 32 {
		VPSLLD(Imm(23), y, s)
		VPADDD(bb("tanhonebits", oneBits), s, s)
	} else {
		VPSLLQ(Imm(52), y, s)
		VPADDQ(bb("tanhonebits", oneBits), s, s)
	}
	e := t.vec()
	one := bc("one", 1)
	t.sub(one, s, e)  // e = s − 1
	t.fma231(r, s, e) // e = s·p + (s − 1)
	den := t.vec()
	t.add(bc("two", 2), e, den)
	t.div(den, e, e) // e / (e + 2)
	sg := t.vec()
	t.and(bb("tanhsign", signBits), x, sg)
	t.or(sg, e, e)
	return e
}

func genTanh(t typ) {
	genMap(t, mapSpec{
		name:   t.name("tanh"),
		doc:    []string{t.name("tanh") + " computes dst[i] = tanh(x[i]); len(x) ≥ len(dst). Reference: tanhGeneric."},
		sig:    fmt.Sprintf("func(%s)", sliceSig(t, "dst", "x")),
		ins:    []string{"x"},
		outs:   []string{"dst"},
		lenOf:  "dst",
		unroll: 1,
		body: func(in []reg.VecVirtual) []reg.VecVirtual {
			return []reg.VecVirtual{tanhVec(t, in[0])}
		},
	})
}

// actVec emits a = φ(z) for activation act.
func actVec(t typ, act string, z reg.VecVirtual) reg.VecVirtual {
	switch act {
	case "Tanh":
		return tanhVec(t, z)
	case "ReLU":
		a, zero := t.vec(), t.vec()
		t.zero(zero)
		t.max(z, zero, a) // a = 0 > z ? 0 : z (NaN stays)
		return a
	case "Sigmoid", "HalfTanh":
		half := t.broadcastConst("half", 0.5)
		arg := z
		if act == "Sigmoid" {
			arg = t.vec()
			t.mul(z, half, arg) // 0.5·z
		}
		th := tanhVec(t, arg)
		t.fma213(half, half, th) // 0.5·tanh + 0.5
		return th
	}
	return z
}

func genStep(t typ, act string) {
	var alpha reg.VecVirtual
	name := t.name("step" + act)
	genMap(t, mapSpec{
		name:   name,
		doc:    []string{fmt.Sprintf("%s computes Step(Act%s): a[i] = φ(z[i]); h[i] = fma(alpha, a[i] − h[i], h[i]). Reference: stepGeneric.", name, act)},
		sig:    fmt.Sprintf("func(%s, alpha %s)", sliceSig(t, "h", "a", "z"), t.gt),
		ins:    []string{"h", "z"},
		outs:   []string{"a", "h"},
		unroll: map[bool]int{true: 1, false: 2}[act == "Tanh" || act == "Sigmoid" || act == "HalfTanh"],
		setup:  func() { alpha = t.broadcastParam("alpha") },
		body: func(in []reg.VecVirtual) []reg.VecVirtual {
			h, z := in[0], in[1]
			a := actVec(t, act, z)
			d := t.vec()
			t.sub(h, a, d)        // d = a − h
			t.fma231(alpha, d, h) // h = d·alpha + h
			return []reg.VecVirtual{a, h}
		},
	})
}

func genStepBackward(t typ, act string) {
	var alpha, oma reg.VecVirtual
	name := t.name("stepBackward" + act)
	genMap(t, mapSpec{
		name:   name,
		doc:    []string{fmt.Sprintf("%s computes StepBackward(Act%s): dz[i] = (alpha·dh[i])·φ'(a[i]); dh[i] = dh[i]·oma, oma = 1 − alpha. Reference: stepBackwardGeneric.", name, act)},
		sig:    fmt.Sprintf("func(%s, alpha, oma %s)", sliceSig(t, "dz", "dh", "a"), t.gt),
		ins:    []string{"dh", "a"},
		outs:   []string{"dz", "dh"},
		lenOf:  "dz",
		unroll: 2,
		setup: func() {
			alpha = t.broadcastParam("alpha")
			oma = t.broadcastParam("oma")
		},
		body: func(in []reg.VecVirtual) []reg.VecVirtual {
			dh, a := in[0], in[1]
			dz := YMM()
			t.mul(dh, alpha, dz) // alpha·dh
			switch act {
			case "Tanh":
				d := t.broadcastConst("one", 1)
				t.fnma231(a, a, d) // d = −(a·a) + 1
				t.mul(d, dz, dz)
			case "ReLU":
				zero, m := YMM(), YMM()
				VXORPS(zero, zero, zero)
				t.cmp(Imm(0x1e), zero, a, m) // m = a > 0 (GT_OQ)
				t.and(t.broadcastConst("one", 1), m, m)
				t.mul(m, dz, dz)
			case "Sigmoid", "HalfTanh":
				d := YMM()
				t.sub(a, t.broadcastConst("one", 1), d) // 1 − a
				t.mul(a, d, d)                          // a·(1 − a)
				if act == "HalfTanh" {
					t.add(d, d, d) // 2·(a·(1 − a)), exact
				}
				t.mul(d, dz, dz)
			}
			t.mul(oma, dh, dh)
			return []reg.VecVirtual{dz, dh}
		},
	})
}
