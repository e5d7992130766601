package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// genLIFScan emits the element-wise LIF scans of a dense spiking layer
// (LIFScan and LIFScanBackward), float32 and float64: vw neurons per
// vector, the last partial vector through masked loads and stores, every
// operation in the order of the references in asm/lifscan_generic.go and
// none fused.
func genLIFScan() {
	for _, t := range types {
		genLIFScanForward(t)
		genLIFScanBackward(t)
		genSpikeDeriv(t)
	}
}

// scanLoop walks the slices named in ptrs (all of length n) one vector at a
// time, calling body with a load and a store function for each vector;
// the last partial vector is masked.
func scanLoop(t typ, names []string, body func(load func(string) reg.VecVirtual, store func(reg.VecVirtual, string))) {
	ptr := map[string]reg.Register{}
	for _, s := range names {
		ptr[s] = Load(Param(s).Base(), GP64())
	}
	n := Load(Param(names[0]).Len(), GP64())
	i := GP64()
	XORQ(i, i)
	emit := func(mask reg.VecVirtual) {
		at := func(s string) Mem { return Mem{Base: ptr[s], Index: i, Scale: uint8(t.size)} }
		load := func(s string) reg.VecVirtual {
			x := YMM()
			if mask != nil {
				t.maskload(at(s), mask, x)
			} else {
				t.movu(at(s), x)
			}
			return x
		}
		store := func(x reg.VecVirtual, s string) {
			if mask != nil {
				t.maskstore(x, mask, at(s))
			} else {
				t.movu(x, at(s))
			}
		}
		body(load, store)
	}
	last := GP64()
	MOVQ(n, last)
	SUBQ(U32(t.vw), last)
	Label("vec")
	CMPQ(i, last)
	JG(LabelRef("tail"))
	emit(nil)
	ADDQ(U32(t.vw), i)
	JMP(LabelRef("vec"))
	Label("tail")
	SUBQ(i, n) // lanes left, 0 … vw−1
	JZ(LabelRef("done"))
	emit(t.tailMask(n))
	Label("done")
	VZEROUPPER()
	RET()
}

func genLIFScanForward(t typ) {
	name := t.name("lifScan")
	TEXT(name, NOSPLIT, fmt.Sprintf("func(u, s, v, cur, bias []%s, alpha, beta, cin, vleak, vreset, theta %s)", t.gt, t.gt))
	Pragma("noescape")
	Doc(name + " computes LIFScan. Reference: lifScanGeneric.")
	alpha, beta, cin := t.broadcastParam("alpha"), t.broadcastParam("beta"), t.broadcastParam("cin")
	vleak, vreset, theta := t.broadcastParam("vleak"), t.broadcastParam("vreset"), t.broadcastParam("theta")
	one := t.broadcastConst("one", 1)
	scanLoop(t, []string{"u", "s", "v", "cur", "bias"}, func(load func(string) reg.VecVirtual, store func(reg.VecVirtual, string)) {
		// I = α·I + (u + b)
		c := load("cur")
		t.mul(alpha, c, c)
		in := load("u")
		t.add(load("bias"), in, in)
		t.add(in, c, c)
		store(c, "cur")
		// x = (vL + β·(v − vL)) + c_in·I
		v := load("v")
		t.sub(vleak, v, v)
		t.mul(beta, v, v)
		t.add(vleak, v, v)
		t.mul(cin, c, c)
		t.add(c, v, v)
		store(v, "u")
		// z = x > θ; v = x − z·(x − v_reset)
		z := YMM()
		t.cmp(U8(0x1e), theta, v, z) // GT_OQ: false for NaN, as x > θ in Go
		t.and(one, z, z)
		store(z, "s")
		d := YMM()
		t.sub(vreset, v, d)
		t.mul(z, d, d)
		t.sub(d, v, v)
		store(v, "v")
	})
}

func genLIFScanBackward(t typ) {
	name := t.name("lifScanBackward")
	TEXT(name, NOSPLIT, fmt.Sprintf("func(u, s, ds, g, dv, di []%s, alpha, beta, cin, vreset %s)", t.gt, t.gt))
	Pragma("noescape")
	Doc(name + " computes LIFScanBackward. Reference: lifScanBackwardGeneric.")
	alpha, beta, cin, vreset := t.broadcastParam("alpha"), t.broadcastParam("beta"), t.broadcastParam("cin"), t.broadcastParam("vreset")
	one := t.broadcastConst("one", 1)
	scanLoop(t, []string{"u", "s", "ds", "g", "dv", "di"}, func(load func(string) reg.VecVirtual, store func(reg.VecVirtual, string)) {
		d := load("dv")
		// du = d·(1 − z) + (ds + d·(v_reset − u))·g
		a := load("s")
		t.sub(a, one, a)
		t.mul(d, a, a)
		b := load("u")
		t.sub(b, vreset, b)
		t.mul(d, b, b)
		t.add(load("ds"), b, b)
		t.mul(load("g"), b, b)
		t.add(b, a, a)
		// dv = β·du; e = di + c_in·du; u = e; di = α·e
		t.mul(beta, a, d)
		store(d, "dv")
		t.mul(cin, a, a)
		t.add(load("di"), a, a)
		store(a, "u")
		t.mul(alpha, a, a)
		store(a, "di")
	})
}

// genSpikeDeriv emits SpikeDeriv: dst = scale/(d·d), d = alpha·|u − theta| + 1,
// the operations of spikeDerivGeneric in its order (IEEE division, exact in
// both), none fused.
func genSpikeDeriv(t typ) {
	name := t.name("spikeDeriv")
	TEXT(name, NOSPLIT, fmt.Sprintf("func(dst, u []%s, theta, alpha, scale %s)", t.gt, t.gt))
	Pragma("noescape")
	Doc(name + " computes SpikeDeriv. Reference: spikeDerivGeneric.")
	theta, alpha, scale := t.broadcastParam("theta"), t.broadcastParam("alpha"), t.broadcastParam("scale")
	one := t.broadcastConst("one", 1)
	abs := t.broadcastBits("abs", 1<<(t.bits-1)-1) // all but the sign bit
	// scanLoop takes n from its first slice, u.
	scanLoop(t, []string{"u", "dst"}, func(load func(string) reg.VecVirtual, store func(reg.VecVirtual, string)) {
		d := load("u")
		t.sub(theta, d, d) // u − θ
		t.and(abs, d, d)
		t.mul(alpha, d, d)
		t.add(one, d, d)
		t.mul(d, d, d)
		q := YMM()
		t.div(d, scale, q) // scale / d²
		store(q, "dst")
	})
}
