package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// HHConst field offsets (bytes): fifteen float64, then VSpike (float32)
// and RefSteps (int32); asm's TestHHConstLayout checks them.
const (
	hcHOverC = 8 * iota
	hcH
	hcGL
	hcGNa
	hcGK
	hcENa
	hcEK
	hcEEx
	hcEIn
	hcUOff
	hcPe
	hcPi
	hcMe
	hcMi
	hcBias
	hcVSpike
	hcRefSteps = hcVSpike + 4
)

// hhULo and hhUHi bound u = V − V_T for the vector kernel: within them
// every exponent of the rates is below 32 (the first to reach it, that of
// α_m, does so at u = −115 mV; that of β_m at u = 200 mV), where ExpTab is
// ExpNeg or its reciprocal. asm's hhVectorULo and hhVectorUHi are the same.
const (
	hhULo = -110.0
	hhUHi = 195.0
)

// genHH emits HHStep with and without the current slice dc.
func genHH() {
	genHHStep(true)
	genHHStep(false)
}

// genHHStep emits HHStep for four neurons per vector (float64 arithmetic,
// float32 state) in exactly the order of hhStepGeneric and HHRates. It
// processes whole vectors of four from the start and returns (done, ns):
// done is where it stopped, len(v) or the first vector with a u outside
// [hhULo, hhUHi] (or NaN), or with −h/C·g ≥ 31 (g the total conductance of
// the membrane update, the synaptic ones scaled by M_e, M_i: below −31·C/h,
// unphysical), which the caller steps with the reference before
// calling it again from done + 4; spikes[:ns] holds the spiking neurons
// (indices in v) of [0, done) in ascending order. The caller guarantees
// len(v) is a multiple of 4.
func genHHStep(withDC bool) {
	name, what := "hhStep", ""
	if !withDC {
		name += "NoDC"
		what = ", the current being Bias (dc unused)"
	}
	name += "AVX2"
	TEXT(name, 0, "func(c *[16]uint64, tab *float64, v, m, h, n, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) (done, ns int)")
	Pragma("noescape")
	Doc(name + " computes HHStep on whole vectors of four neurons" + what + ", stopping at the first whose V − V_T leaves [−110, 195] mV or whose −h/C·g reaches 31. Reference: hhStepGeneric.")
	cp := Load(Param("c"), GP64())
	f := newFrame(58)
	bcast := func(disp int) Mem { return f.param64(cp, disp) }
	konst, bits := f.konst, f.bits
	cHOverC, cH, cGL, cGNa, cGK := bcast(hcHOverC), bcast(hcH), bcast(hcGL), bcast(hcGNa), bcast(hcGK)
	cENa, cEK, cEEx, cEIn, cUOff := bcast(hcENa), bcast(hcEK), bcast(hcEEx), bcast(hcEIn), bcast(hcUOff)
	cPe, cPi, cMe, cMi, cBias := bcast(hcPe), bcast(hcPi), bcast(hcMe), bcast(hcMi), bcast(hcBias)
	cVSpike, cRef := f.param32(cp, hcVSpike), f.param32(cp, hcRefSteps)
	ec := f.exp()
	cAbs := bits(1<<63 - 1)
	cULo, cUHi := konst(hhULo), konst(hhUHi)
	cTiny, cMTiny := konst(1e-6), konst(-1e-6)
	cNeg, cX31 := bits(1<<63), konst(31)
	sU, sAm, sBm, sAh, sBh, sAn, sBn := f.slot(), f.slot(), f.slot(), f.slot(), f.slot(), f.slot(), f.slot() // scratch
	tab := Load(Param("tab"), GP64())
	ptr := map[string]reg.Register{}
	names := []string{"v", "m", "h", "n", "ge", "gi", "inE", "inI", "refr"}
	if withDC {
		names = append(names, "dc")
	}
	for _, s := range names[:6] { // the others are loaded where used: 15 general registers would not hold them all
		ptr[s] = Load(Param(s).Base(), GP64())
	}
	j := GP64()
	XORQ(j, j)
	cnt := GP64()
	XORQ(cnt, cnt)
	at := func(s string) Mem {
		b, ok := ptr[s]
		if !ok {
			b = Load(Param(s).Base(), GP64())
		}
		return Mem{Base: b, Index: j, Scale: 4}
	}
	load := func(s string) reg.VecVirtual {
		x := YMM()
		VCVTPS2PD(at(s), x)
		return x
	}
	reg1 := func(m Mem) reg.VecVirtual {
		x := YMM()
		VMOVUPD(m, x)
		return x
	}
	// expTab returns ExpTab(x) for lanes below 32 (the caller's range).
	expTab := func(x reg.VecVirtual) reg.VecVirtual {
		y := YMM()
		VANDPD(cAbs, x, y)
		e := expNegVec(y, tab, ec)
		inv := reg1(ec.one)
		VDIVPD(e, inv, inv)
		pos := YMM()
		VCMPPD(U8(0x1e), ec.zero, x, pos) // x > 0 (GT_OQ): the reciprocal
		VBLENDVPD(pos, inv, e, e)
		return e
	}
	// lin returns hhLin(k, a, s): k·a/(ExpTab(a·(1/s)) − 1), or
	// (k·s)/(1 + x·0.5) where −1e-6 < x < 1e-6.
	lin := func(k, s float64, a reg.VecVirtual) reg.VecVirtual {
		x := YMM()
		VMULPD(konst(1/s), a, x)
		e := expTab(x)
		VSUBPD(ec.one, e, e)
		ka := YMM()
		VMULPD(konst(k), a, ka)
		VDIVPD(e, ka, ka)
		ser := YMM()
		VMULPD(ec.half, x, ser)
		VADDPD(ec.one, ser, ser)
		ks := reg1(konst(k * s)) // k·s rounded, as the reference's float64(k*s)
		VDIVPD(ser, ks, ks)
		in, lo := YMM(), YMM()
		VCMPPD(U8(0x1e), cMTiny, x, in) // x > −1e-6
		VCMPPD(U8(0x11), cTiny, x, lo)  // x < 1e-6 (LT_OQ)
		VANDPD(lo, in, in)
		VBLENDVPD(in, ks, ka, ka)
		return ka
	}
	// minus returns c − u.
	minus := func(c float64, u reg.VecVirtual) reg.VecVirtual {
		x := reg1(konst(c))
		VSUBPD(u, x, x)
		return x
	}
	// gate steps gate s with rates a, b and stores it.
	gate := func(s string, a, b reg.VecVirtual) {
		sum := YMM()
		VADDPD(b, a, sum)
		VDIVPD(sum, a, a) // x_∞ = a/(a + b)
		VMULPD(cH, sum, sum)
		e := expNegVec(sum, tab, ec)
		np := YMM()
		VCMPPD(U8(0x0a), ec.zero, sum, np) // !(s·h > 0): ExpNeg is 1
		VBLENDVPD(np, ec.one, e, e)
		x := load(s)
		VSUBPD(a, x, x)
		VMULPD(e, x, x)
		VADDPD(a, x, x)
		f := XMM()
		VCVTPD2PSY(x, f)
		VMOVUPS(f, at(s))
	}
	// The rate constants, rounded as the reference rounds them (k·s and 1/s
	// at run time in float64: the same here).
	k, s4, s5 := 0.32, 4.0, 5.0
	for _, c := range [][2]float64{{k, s4}, {0.28, s5}, {0.032, s5}} {
		konst(c[0])
		konst(c[0] * c[1])
		konst(1 / c[1])
	}
	for _, c := range []float64{13, 40, 17, 15, 10, 1.0 / 18, 1.0 / 5, 1.0 / 40, 0.128, 4} {
		konst(c)
	}
	f.seal()

	Label("loop")
	nn := Load(Param("v").Len(), GP64())
	CMPQ(j, nn)
	JGE(LabelRef("done"))
	vd := load("v")
	u := YMM()
	VADDPD(cUOff, vd, u)
	// stop at a vector with u outside [hhULo, hhUHi] (or NaN)
	okLo, okHi := YMM(), YMM()
	VCMPPD(U8(0x1d), cULo, u, okLo) // u ≥ lo (GE_OQ)
	VCMPPD(U8(0x12), cUHi, u, okHi) // u ≤ hi (LE_OQ)
	VANDPD(okHi, okLo, okLo)
	ok := GP32()
	VMOVMSKPD(okLo, ok)
	CMPL(ok, U8(15))
	JNE(LabelRef("done"))
	// V with the gates of the step's start
	mm, hh := load("m"), load("h")
	gna := YMM()
	VMULPD(mm, mm, gna)
	VMULPD(mm, gna, gna)
	VMULPD(hh, gna, gna)
	VMULPD(cGNa, gna, gna)
	n0 := load("n")
	n2, gk := YMM(), YMM()
	VMULPD(n0, n0, n2)
	VMULPD(n2, n2, gk)
	VMULPD(cGK, gk, gk)
	// the conductances of the membrane update: a = g_ex·M_e, b = g_in·M_i
	ge, gi := load("ge"), load("gi")
	ae, ai := YMM(), YMM()
	VMULPD(cMe, ge, ae)
	VMULPD(cMi, gi, ai)
	g := YMM()
	VADDPD(cGL, ae, g)
	VADDPD(ai, g, g)
	VADDPD(gna, g, g)
	VADDPD(gk, g, g)
	num, t := YMM(), YMM()
	VMULPD(cEEx, ae, num)
	VMULPD(cEIn, ai, t)
	VADDPD(t, num, num)
	VMULPD(cENa, gna, t)
	VADDPD(t, num, num)
	VMULPD(cEK, gk, t)
	VADDPD(t, num, num)
	if withDC {
		VADDPD(load("dc"), num, num)
	} else {
		VADDPD(cBias, num, num)
	}
	VDIVPD(g, num, num) // v_∞
	// x = −h/C·g; a vector with an x beyond 31 (or NaN) goes to the
	// reference (no state is written for it yet)
	VMULPD(cHOverC, g, g)
	VXORPD(cNeg, g, g)
	okx := YMM()
	VCMPPD(U8(0x11), cX31, g, okx) // x < 31 (LT_OQ; false for NaN)
	okg := GP32()
	VMOVMSKPD(okx, okg)
	CMPL(okg, U8(15))
	JNE(LabelRef("done"))
	ev := expTab(g)
	VSUBPD(num, vd, vd)
	VMULPD(ev, vd, vd)
	VADDPD(num, vd, vd)
	vn := XMM()
	VCVTPD2PSY(vd, vn)
	VMOVUPS(vn, at("v"))
	// conductances
	for _, p := range [][2]string{{"ge", "inE"}, {"gi", "inI"}} {
		x, c := ge, cPe
		if p[0] == "gi" {
			x, c = gi, cPi
		}
		VMULPD(c, x, x)
		f := XMM()
		VCVTPD2PSY(x, f)
		VADDPS(at(p[1]), f, f)
		VMOVUPS(f, at(p[0]))
	}
	zx := XMM()
	VPXOR(zx, zx, zx)
	VMOVUPS(zx, at("inE"))
	VMOVUPS(zx, at("inI"))
	// the rates at u (HHRates' order), each kept in a slot, then the gates
	VMOVUPD(u, sU)
	rate := func(dst Mem, f func(u reg.VecVirtual) reg.VecVirtual) {
		u := reg1(sU)
		VMOVUPD(f(u), dst)
	}
	rate(sAm, func(u reg.VecVirtual) reg.VecVirtual { return lin(k, s4, minus(13, u)) })
	rate(sBm, func(u reg.VecVirtual) reg.VecVirtual {
		a := YMM()
		VSUBPD(konst(40), u, a) // u − 40
		return lin(0.28, s5, a)
	})
	rate(sAh, func(u reg.VecVirtual) reg.VecVirtual {
		x := minus(17, u)
		VMULPD(konst(1.0/18), x, x)
		e := expTab(x)
		VMULPD(konst(0.128), e, e)
		return e
	})
	rate(sBh, func(u reg.VecVirtual) reg.VecVirtual {
		x := minus(40, u)
		VMULPD(konst(1.0/5), x, x)
		e := expTab(x)
		VADDPD(ec.one, e, e)
		four := reg1(konst(4))
		VDIVPD(e, four, four)
		return four
	})
	rate(sAn, func(u reg.VecVirtual) reg.VecVirtual { return lin(0.032, s5, minus(15, u)) })
	rate(sBn, func(u reg.VecVirtual) reg.VecVirtual {
		x := minus(10, u)
		VMULPD(konst(1.0/40), x, x)
		e := expTab(x)
		VMULPD(ec.half, e, e)
		return e
	})
	gate("m", reg1(sAm), reg1(sBm))
	gate("h", reg1(sAh), reg1(sBh))
	gate("n", reg1(sAn), reg1(sBn))
	// detection: refr > 0 → refr − 1; else V ≥ V_spike → spike, refr = RefSteps
	vn = XMM()
	VMOVUPS(at("v"), vn)
	zx = XMM()
	VPXOR(zx, zx, zx)
	rf := XMM()
	VMOVDQU(at("refr"), rf)
	rpos := XMM()
	VPCMPGTD(zx, rf, rpos) // refr > 0
	sm := XMM()
	VCMPPS(U8(0x1d), cVSpike, vn, sm) // V ≥ V_spike (GE_OQ)
	VANDNPS(sm, rpos, sm)             // and not refractory
	ones, dec := XMM(), XMM()
	VPCMPEQD(ones, ones, ones)
	VPADDD(ones, rf, dec)
	VBLENDVPS(sm, cRef, rf, rf)
	VBLENDVPS(rpos, dec, rf, rf)
	VMOVDQU(rf, at("refr"))
	sb := GP64()
	VMOVMSKPS(sm, sb.As32())
	spikeList(sb, j, cnt, func() reg.Register { return Load(Param("spikes").Base(), GP64()) }, "spk", "next")
	ADDQ(U32(4), j)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	Store(j, ReturnIndex(0))
	Store(cnt, ReturnIndex(1))
	RET()
}
