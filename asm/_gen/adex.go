package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// AdExConst field indices (float64 words): the kernel receives the struct as
// *[18]float64; asm's TestAdExConstLayout checks them.
const (
	acGL = iota
	acGLDT
	acInvDT
	acUT
	acUPeak
	acEEx
	acEIn
	acInvC
	acA
	acInvTauW
	acH
	acH2
	acH6
	acPeHalf
	acPiHalf
	acPe
	acPi
	acBias
	acWords
)

// adexChunk is the number of neurons whose stages the kernel computes pass
// by pass: each stage's vectors are independent, so the processor overlaps
// them (one neuron's four stages are a chain of about 600 cycles). It is
// asm's adexChunk, the reference's chunk.
const adexChunk = 32

// The kernel's own constants, broadcast into the stack slots after the
// struct's.
const (
	akOne = acWords + iota
	akHalf
	akSixth
	akTwentyFourth
	akSixtyFour
	akSixtyFourth
	akClamp
	akThirtyTwo
	akAbs
	akZero
	akSlots
)

// genAdEx emits AdExRK4 with and without the current slice dc.
func genAdEx() {
	genAdExRK4(true)
	genAdExRK4(false)
}

// genAdExRK4 emits AdExRK4 for four float64 neurons per vector, in exactly
// the order of adexRK4Generic and AdExConst.Deriv: every product rounded
// (none fused), 2k as k + k (both exact), the exponential term as ExpNeg's
// table (a gather) times its polynomial, and its reciprocal for lanes above
// V_T. The caller guarantees len(su) is a multiple of 4 and that the
// exponent at UPeak is below 32 (adexVector).
func genAdExRK4(withDC bool) {
	name, what := "adexRK4", ""
	if !withDC {
		name += "NoDC"
		what = ", the current being Bias (dc unused)"
	}
	name += "AVX2"
	// Not NOSPLIT: the 28 broadcast constants take 896 bytes of frame, beyond
	// the nosplit limit; the prologue grows the stack when needed.
	TEXT(name, 0, "func(c *[18]float64, tab *float64, v, w, ge, gi, dc []float32, su, sw []float64)")
	Pragma("noescape")
	Doc(name + " computes AdExRK4 on len(su) neurons, a multiple of 4" + what + ", for constants whose exponent at UPeak is below 32 with InvDT > 0 (adexVector). Reference: adexRK4Generic.")
	cp := Load(Param("c"), GP64())
	f := newFrame(akSlots)
	cs := make([]Mem, akSlots)
	for i := range acWords {
		cs[i] = f.param64(cp, 8*i)
	}
	ec := f.exp()
	cs[akOne], cs[akHalf], cs[akSixth], cs[akTwentyFourth], cs[akSixtyFour] = ec.one, ec.half, ec.sixth, ec.c24, ec.c64
	cs[akSixtyFourth], cs[akClamp], cs[akThirtyTwo], cs[akZero] = ec.inv64, ec.clamp, ec.c32, ec.zero
	cs[akAbs] = f.bits(1<<63 - 1)
	f.seal()
	slot := func(i int) Mem { return cs[i] }
	tab := Load(Param("tab"), GP64())
	ptr := map[string]reg.Register{}
	names := []string{"v", "w", "ge", "gi", "su", "sw"}
	if withDC {
		names = append(names, "dc")
	}
	for _, s := range names {
		ptr[s] = Load(Param(s).Base(), GP64())
	}
	n := Load(Param("su").Len(), GP64())
	// The chunk's neurons j (from i) and their scratch index jj (from 0):
	// each pass walks the chunk with them.
	i, j, jj, end := GP64(), GP64(), GP64(), GP64()
	scratch := AllocLocal(2 * adexChunk * 8) // au, aw: k1 + 2k2 + 2k3 + k4 so far
	acc := func(w int) Mem {
		m := scratch.Offset(w * adexChunk * 8)
		m.Index, m.Scale = jj, 8
		return m
	}
	at := func(s string) Mem { return Mem{Base: ptr[s], Index: j, Scale: 8} }
	// load converts four float32 of slice s at j to float64.
	load := func(s string) reg.VecVirtual {
		x := YMM()
		VCVTPS2PD(Mem{Base: ptr[s], Index: j, Scale: 4}, x)
		return x
	}
	cur := func() Op {
		if withDC {
			return load("dc")
		}
		return slot(acBias)
	}

	// expTerm returns ExpTerm for x = (u − u_T)·(1/Δ_T) < 32 in every lane.
	expTerm := func(x reg.VecVirtual) reg.VecVirtual {
		y := YMM()
		VANDPD(slot(akAbs), x, y) // y = |x|: −x where x ≤ 0
		e := expNegVec(y, tab, ec)
		inv := YMM()
		VMOVUPD(ec.one, inv)
		VDIVPD(e, inv, inv)
		pos := YMM()
		VCMPPD(U8(0x1e), ec.zero, x, pos) // x > 0 (GT_OQ): the reciprocal
		VBLENDVPD(pos, inv, e, e)
		return e
	}
	// deriv returns du/dt and dw/dt (AdExConst.Deriv) at u, w, ge, gi, cur.
	deriv := func(u, w, ge, gi reg.VecVirtual, cur Op) (reg.VecVirtual, reg.VecVirtual) {
		uc := YMM()
		VMINPD(slot(acUPeak), u, uc) // u < u_peak ? u : u_peak
		x := YMM()
		VSUBPD(slot(acUT), uc, x)
		VMULPD(slot(acInvDT), x, x)
		e := expTerm(x)
		VMULPD(slot(acGLDT), e, e) // the spike current
		t := YMM()
		VMULPD(slot(acGL), uc, t)
		VSUBPD(t, e, e) // −(g_L·u) + spike, as spike − g_L·u (x − y is x + (−y) exactly)
		VSUBPD(slot(acEEx), uc, t)
		VMULPD(ge, t, t)
		VSUBPD(t, e, e)
		VSUBPD(slot(acEIn), uc, t)
		VMULPD(gi, t, t)
		VSUBPD(t, e, e)
		VSUBPD(w, e, e)
		VADDPD(cur, e, e)
		VMULPD(slot(acInvC), e, e)
		dw := YMM()
		VMULPD(slot(acA), uc, dw)
		VSUBPD(w, dw, dw)
		VMULPD(slot(acInvTauW), dw, dw)
		return e, dw
	}
	// advance stores u0 + hk·ku and w0 + hk·kw to su, sw: the next stage's state.
	advance := func(hk int, ku, kw reg.VecVirtual) {
		VMULPD(slot(hk), ku, ku)
		VADDPD(load("v"), ku, ku)
		VMOVUPD(ku, at("su"))
		VMULPD(slot(hk), kw, kw)
		VADDPD(load("w"), kw, kw)
		VMOVUPD(kw, at("sw"))
	}
	decayed := func(s string, k int) reg.VecVirtual {
		g := load(s)
		VMULPD(slot(k), g, g)
		return g
	}
	state := func() (reg.VecVirtual, reg.VecVirtual) {
		s, t := YMM(), YMM()
		VMOVUPD(at("su"), s)
		VMOVUPD(at("sw"), t)
		return s, t
	}
	// pass walks the chunk [i, end) four neurons at a time.
	pass := func(name string, body func()) {
		MOVQ(i, j)
		XORQ(jj, jj)
		Label(name)
		body()
		ADDQ(U32(4), j)
		ADDQ(U32(4), jj)
		CMPQ(j, end)
		JL(LabelRef(name))
	}

	XORQ(i, i)
	Label("chunk")
	CMPQ(i, n)
	JGE(LabelRef("done"))
	MOVQ(i, end)
	ADDQ(U32(adexChunk), end)
	CMPQ(end, n)
	CMOVQGT(n, end)
	// stage 1 at the start
	pass("stage1", func() {
		ku, kw := deriv(load("v"), load("w"), load("ge"), load("gi"), cur())
		VMOVUPD(ku, acc(0))
		VMOVUPD(kw, acc(1))
		advance(acH2, ku, kw)
	})
	// stages 2 and 3 at the middle
	for st, hk := range []int{acH2, acH} {
		pass(fmt.Sprintf("stage%d", st+2), func() {
			s, t := state()
			ku, kw := deriv(s, t, decayed("ge", acPeHalf), decayed("gi", acPiHalf), cur())
			for w, k := range []reg.VecVirtual{ku, kw} {
				d := YMM()
				VADDPD(k, k, d) // 2k, exact
				VADDPD(acc(w), d, d)
				VMOVUPD(d, acc(w))
			}
			advance(hk, ku, kw)
		})
	}
	// stage 4 at the end: u0 + h6·(acc + k4)
	pass("stage4", func() {
		s, t := state()
		ku, kw := deriv(s, t, decayed("ge", acPe), decayed("gi", acPi), cur())
		for w, k := range []reg.VecVirtual{ku, kw} {
			VADDPD(acc(w), k, k)
			VMULPD(slot(acH6), k, k)
			VADDPD(load([]string{"v", "w"}[w]), k, k)
			VMOVUPD(k, at([]string{"su", "sw"}[w]))
		}
	})
	MOVQ(end, i)
	JMP(LabelRef("chunk"))
	Label("done")
	VZEROUPPER()
	RET()
}

// expConsts are the memory operands (broadcast stack slots) of expNegVec's
// constants.
type expConsts struct {
	one, half, sixth, c24, c64, inv64 Mem // 1, 1/2, 1/6, 1/24, 64, 1/64
	clamp, c32, zero                  Mem // Nextafter(32, 0), 32, +0
}

// expNegVec returns ExpNeg(y) for the lanes of y (float64) that are > 0,
// as asm.ExpNeg computes it: e^{−k/64} from the table at tab (a gather), k
// = ⌊64y⌋, times 1 − r·(1 − r·(1/2 − r·(1/6 − r·(1/24)))), r = y − k/64,
// every operation rounded; 0 where y ≥ 32. Lanes ≤ 0 or NaN give an
// unspecified finite value (ExpNeg is 1 there): the caller blends them.
// The index is clamped to [0, 32) (a NaN to 32's predecessor), so the
// gather stays within the 2,048 entries whatever y holds.
func expNegVec(y reg.VecVirtual, tab reg.Register, c expConsts) reg.VecVirtual {
	yc := YMM()
	VMINPD(c.clamp, y, yc) // y < clamp ? y : clamp (a NaN gives the clamp)
	VMAXPD(c.zero, yc, yc) // and ≥ 0
	s := YMM()
	VMULPD(c.c64, yc, s)
	k := XMM()
	VCVTTPD2DQY(s, k) // ⌊64y⌋
	r := YMM()
	VCVTDQ2PD(k, r)
	VMULPD(c.inv64, r, r) // k/64, exact
	VSUBPD(r, yc, r)      // r = y − k/64
	q := YMM()
	VMULPD(c.c24, r, q)
	for _, m := range []Mem{c.sixth, c.half, c.one} {
		a := YMM()
		VMOVUPD(m, a) // the minuend of a subtraction must be a register
		VSUBPD(q, a, q)
		VMULPD(r, q, q)
	}
	p := YMM()
	VMOVUPD(c.one, p)
	VSUBPD(q, p, p)
	msk := YMM()
	VPCMPEQD(msk, msk, msk)
	e := YMM()
	VXORPD(e, e, e)
	VGATHERDPD(msk, Mem{Base: tab, Index: k, Scale: 8}, e) // e^{−k/64}
	VMULPD(p, e, e)
	big := YMM()
	VCMPPD(U8(0x1d), c.c32, y, big) // y ≥ 32 (GE_OQ): 0
	VANDNPD(e, big, e)
	return e
}
