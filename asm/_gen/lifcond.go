package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// LIFCondConst field offsets (bytes): nine float64, then Theta and
// VReset (float32) and RefSteps (int32); asm's TestLIFCondConstLayout
// checks them.
const (
	lcHOverC = 8 * iota
	lcGL
	lcEEx
	lcEIn
	lcPe
	lcPi
	lcMe
	lcMi
	lcBias
	lcTheta
	lcVReset   = lcTheta + 4
	lcRefSteps = lcTheta + 8
)

// genLIFCond emits LIFCondStep with and without the current slice dc.
func genLIFCond() {
	genLIFCondStep(true)
	genLIFCondStep(false)
}

// genLIFCondStep emits LIFCondStep for four neurons per vector (the
// membrane in float64, the state in float32), in exactly the order of
// lifCondStepGeneric: a = g_ex·M_e, b = g_in·M_i, g = (g_L + a) + b,
// V_∞ = ((a·E_ex + b·E_in) + I)/g, V ← V_∞ + (V − V_∞)·ExpNeg(h/C·g) rounded once to float32, the
// conductances' decay rounded to float32 before the input is added, the
// refractory countdown and the threshold test by blends, and the spike list
// in ascending order from the vector's sign mask. The caller guarantees
// len(v) is a multiple of 4.
func genLIFCondStep(withDC bool) {
	name, what := "lifCondStep", ""
	if !withDC {
		name += "NoDC"
		what = ", the current being Bias (dc unused)"
	}
	name += "AVX2"
	TEXT(name, NOSPLIT, "func(c *[11]uint64, tab *float64, v, ge, gi, inE, inI, dc []float32, refr []int32, spikes []int32) int")
	Pragma("noescape")
	Doc(name + " computes LIFCondStep on len(v) neurons, a multiple of 4" + what + ". Reference: lifCondStepGeneric.")
	cp := Load(Param("c"), GP64())
	const (
		sHOverC = iota
		sGL
		sEEx
		sEIn
		sPe
		sPi
		sMe
		sMi
		sBias
		sTheta // float32 lanes (the low 16 bytes used)
		sVReset
		sRef
		sSlots
	)
	f := newFrame(sSlots + 9) // and expNegVec's nine constants
	cs := make([]Mem, sSlots)
	for i, off := range []int{lcHOverC, lcGL, lcEEx, lcEIn, lcPe, lcPi, lcMe, lcMi, lcBias} {
		cs[i] = f.param64(cp, off)
	}
	ec := f.exp()
	for i, off := range []int{lcTheta, lcVReset, lcRefSteps} {
		cs[sTheta+i] = f.param32(cp, off)
	}
	f.seal()
	slot := func(i int) Mem { return cs[i] }
	tab := Load(Param("tab"), GP64())
	ptr := map[string]reg.Register{}
	names := []string{"v", "ge", "gi", "inE", "inI", "refr"}
	if withDC {
		names = append(names, "dc")
	}
	for _, s := range names {
		ptr[s] = Load(Param(s).Base(), GP64())
	}
	sp := Load(Param("spikes").Base(), GP64())
	n := Load(Param("v").Len(), GP64())
	j := GP64()
	XORQ(j, j)
	cnt := GP64()
	XORQ(cnt, cnt)
	at := func(s string) Mem { return Mem{Base: ptr[s], Index: j, Scale: 4} }

	Label("loop")
	CMPQ(j, n)
	JGE(LabelRef("done"))
	vf := XMM()
	VMOVUPS(at("v"), vf)
	vd, ge, gi := YMM(), YMM(), YMM()
	VCVTPS2PD(vf, vd)
	VCVTPS2PD(at("ge"), ge)
	VCVTPS2PD(at("gi"), gi)
	// the conductances of the membrane update: a = g_ex·M_e, b = g_in·M_i
	ae, ai := YMM(), YMM()
	VMULPD(slot(sMe), ge, ae)
	VMULPD(slot(sMi), gi, ai)
	// g = (g_L + a) + b; V_∞ = ((a·E_ex + b·E_in) + I)/g
	g := YMM()
	VADDPD(slot(sGL), ae, g)
	VADDPD(ai, g, g)
	a, b := YMM(), YMM()
	VMULPD(slot(sEEx), ae, a)
	VMULPD(slot(sEIn), ai, b)
	VADDPD(b, a, a)
	if withDC {
		d := YMM()
		VCVTPS2PD(at("dc"), d)
		VADDPD(d, a, a)
	} else {
		VADDPD(slot(sBias), a, a)
	}
	VDIVPD(g, a, a) // V_∞
	// V ← V_∞ + (V − V_∞)·ExpNeg(h/C·g)
	VMULPD(slot(sHOverC), g, g)
	e := expNegVec(g, tab, ec)
	np := YMM()
	VCMPPD(U8(0x0a), ec.zero, g, np) // !(h/C·g > 0) (NGT_US, true for NaN): ExpNeg is 1
	VBLENDVPD(np, ec.one, e, e)
	VSUBPD(a, vd, vd)
	VMULPD(e, vd, vd)
	VADDPD(a, vd, vd)
	vn := XMM()
	VCVTPD2PSY(vd, vn)
	// refractory: V held and the count down
	rf := XMM()
	VMOVDQU(at("refr"), rf)
	zero := XMM()
	VPXOR(zero, zero, zero)
	nr := XMM()
	VPCMPEQD(zero, rf, nr) // refr == 0
	VBLENDVPS(nr, vn, vf, vf)
	ones, dec := XMM(), XMM()
	VPCMPEQD(ones, ones, ones)
	VPADDD(ones, rf, dec)
	VBLENDVPS(nr, rf, dec, rf) // refr = refr == 0 ? 0 : refr − 1
	// conductances: float32(g·P) + input; the input slots cleared
	for _, s := range [][3]string{{"ge", "inE"}, {"gi", "inI"}} {
		x := ge
		p := slot(sPe)
		if s[0] == "gi" {
			x, p = gi, slot(sPi)
		}
		VMULPD(p, x, x)
		f := XMM()
		VCVTPD2PSY(x, f)
		VADDPS(at(s[1]), f, f)
		VMOVUPS(f, at(s[0]))
		VMOVUPS(zero, at(s[1]))
	}
	// threshold: V ≥ θ (GE_OQ) → V_reset, refractory
	sm := XMM()
	VCMPPS(U8(0x1d), slot(sTheta), vf, sm)
	VBLENDVPS(sm, slot(sVReset), vf, vf)
	VBLENDVPS(sm, slot(sRef), rf, rf)
	VMOVUPS(vf, at("v"))
	VMOVDQU(rf, at("refr"))
	bits := GP64()
	VMOVMSKPS(sm, bits.As32())
	spikeList(bits, j, cnt, func() reg.Register { return sp }, "spk", "next")
	ADDQ(U32(4), j)
	JMP(LabelRef("loop"))
	Label("done")
	VZEROUPPER()
	Store(cnt, ReturnIndex(0))
	RET()
}
