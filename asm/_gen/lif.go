package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// LIFProp field offsets (bytes): the kernel receives the struct as *[9]uint32
// (eight float32 fields, then RefSteps int32); asm's TestLIFPropLayout checks
// them.
const (
	offP22 = 4 * iota
	offP11e
	offP11i
	offP21e
	offP21i
	offP20
	offTheta
	offVReset
	offRefSteps
)

// genLIF emits one LIFStep kernel per combination of the optional slices:
// dc, inE and inI present or nil.
func genLIF() {
	for _, withE := range []bool{true, false} {
		for _, withI := range []bool{true, false} {
			genLIFStep(true, withE, withI)
			genLIFStep(false, withE, withI)
		}
	}
}

// genLIFStep emits LIFStep for 8 neurons per vector, with (withDC) or
// without the constant drive, with or without the input slots inE and inI
// (a missing slot adds +0, exactly what a slot of zeros adds, and is neither
// read nor cleared), in exactly the order of lifStepGeneric: the four
// products and three sums of the membrane update unfused, the synaptic
// decays unfused, the threshold test v ≥ Theta, the reset and the refractory
// countdown by blends, and the spike list written in ascending order from the
// vector's sign mask.
func genLIFStep(withDC, withE, withI bool) {
	name, what := "lifStep", ""
	if !withDC {
		name += "NoDC"
		what += ", without constant drive (dc unused)"
	}
	if !withE {
		name += "NoE"
		what += ", without excitatory input (inE unused)"
	}
	if !withI {
		name += "NoI"
		what += ", without inhibitory input (inI unused)"
	}
	name += "AVX2"
	sig := "func(p *[9]uint32, v, ie, ii, inE, inI, dc []float32, refr []int32, spikes []int32) int"
	TEXT(name, NOSPLIT, sig)
	Pragma("noescape")
	Doc(name + " computes LIFStep for float32 neurons" + what + ". Reference: lifStepGeneric.")
	pp := Load(Param("p"), GP64())
	// Broadcast the propagators into stack slots, used as memory operands.
	slots := AllocLocal(9 * vb)
	for i, off := range []int{offP22, offP11e, offP11i, offP21e, offP21i, offP20, offTheta, offVReset, offRefSteps} {
		t := YMM()
		VBROADCASTSS(Mem{Base: pp, Disp: off}, t)
		VMOVUPS(t, slots.Offset(i*vb))
	}
	cP22, cP11e, cP11i, cP21e, cP21i, cP20, cTheta, cVReset, cRef := slots.Offset(0), slots.Offset(vb), slots.Offset(2*vb),
		slots.Offset(3*vb), slots.Offset(4*vb), slots.Offset(5*vb), slots.Offset(6*vb), slots.Offset(7*vb), slots.Offset(8*vb)

	ptr := map[string]reg.Register{}
	names := []string{"v", "ie", "ii"}
	if withE {
		names = append(names, "inE")
	}
	if withI {
		names = append(names, "inI")
	}
	names = append(names, "refr")
	if withDC {
		names = append(names, "dc")
	}
	for _, s := range names {
		ptr[s] = Load(Param(s).Base(), GP64())
	}
	sp := Load(Param("spikes").Base(), GP64())
	n := Load(Param("v").Len(), GP64())
	j := GP64() // index of lane 0
	XORQ(j, j)
	cnt := GP64()
	XORQ(cnt, cnt)

	block := func(mask reg.VecVirtual, lbl string) {
		load := func(s string) reg.VecVirtual {
			x := YMM()
			if mask != nil {
				if s == "refr" {
					VPMASKMOVD(Mem{Base: ptr[s]}, mask, x)
				} else {
					VMASKMOVPS(Mem{Base: ptr[s]}, mask, x)
				}
			} else {
				VMOVUPS(Mem{Base: ptr[s]}, x)
			}
			return x
		}
		store := func(x reg.VecVirtual, s string) {
			if mask != nil {
				if s == "refr" {
					VPMASKMOVD(x, mask, Mem{Base: ptr[s]})
				} else {
					VMASKMOVPS(x, mask, Mem{Base: ptr[s]})
				}
			} else {
				VMOVUPS(x, Mem{Base: ptr[s]})
			}
		}
		v, ie, ii, rf := load("v"), load("ie"), load("ii"), load("refr")
		zero := YMM()
		VPXOR(zero, zero, zero)
		nr := YMM()
		VPCMPEQD(zero, rf, nr) // refr == 0
		t1, t2 := YMM(), YMM()
		VMULPS(cP22, v, t1)
		VMULPS(cP21e, ie, t2)
		VADDPS(t2, t1, t1)
		VMULPS(cP21i, ii, t2)
		VADDPS(t2, t1, t1)
		if withDC {
			d := load("dc")
			VMULPS(cP20, d, t2)
			VADDPS(t2, t1, t1)
		}
		VBLENDVPS(nr, t1, v, v) // v = refr == 0 ? update : v
		ones := YMM()
		VPCMPEQD(ones, ones, ones)
		dec := YMM()
		VPADDD(ones, rf, dec)
		VBLENDVPS(nr, rf, dec, rf) // refr = refr == 0 ? 0 : refr − 1
		VMULPS(cP11e, ie, ie)
		if withE {
			VADDPS(load("inE"), ie, ie)
		} else {
			VADDPS(zero, ie, ie) // a missing slot adds +0, as a slot of zeros would
		}
		store(ie, "ie")
		VMULPS(cP11i, ii, ii)
		if withI {
			VADDPS(load("inI"), ii, ii)
		} else {
			VADDPS(zero, ii, ii)
		}
		store(ii, "ii")
		if withE {
			store(zero, "inE")
		}
		if withI {
			store(zero, "inI")
		}
		s := YMM()
		VCMPPS(Imm(0x1d), cTheta, v, s) // v >= Theta (GE_OQ)
		VBLENDVPS(s, cVReset, v, v)
		VBLENDVPS(s, cRef, rf, rf)
		store(v, "v")
		store(rf, "refr")
		bits := GP64()
		VMOVMSKPS(s, bits.As32())
		if mask != nil {
			lim := GP64()
			VMOVMSKPS(mask, lim.As32()) // the lanes that exist
			ANDQ(lim, bits)
		}
		spikeList(bits, j, cnt, func() reg.Register { return sp }, lbl+"_spk", lbl+"_nospk")
	}

	Label("loop")
	CMPQ(n, U32(8))
	JL(LabelRef("tail"))
	block(nil, "full")
	for _, s := range names { // in a fixed order: the output must be reproducible
		ADDQ(U32(vb), ptr[s])
	}
	ADDQ(U32(8), j)
	SUBQ(U32(8), n)
	JMP(LabelRef("loop"))
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	block(f32.tailMask(n), "tail")
	Label("done")
	VZEROUPPER()
	Store(cnt, ReturnIndex(0))
	RET()
}

// spikeList appends the neurons whose bits are set in bits (a sign mask,
// lane k for neuron j + k) to the spike list at base()[cnt:], in ascending
// order, incrementing cnt; bits is cleared. The code loops at label loop and
// goes on at label end. base is called where the list's address is needed
// (a kernel short of general registers loads it there).
func spikeList(bits, j, cnt reg.Register, base func() reg.Register, loop, end string) {
	Label(loop)
	TESTQ(bits, bits)
	JZ(LabelRef(end))
	idx := GP64()
	BSFQ(bits, idx)
	ADDQ(j, idx)
	MOVL(idx.As32(), Mem{Base: base(), Index: cnt, Scale: 4})
	INCQ(cnt)
	low := GP64()
	LEAQ(Mem{Base: bits, Disp: -1}, low)
	ANDQ(low, bits)
	JMP(LabelRef(loop))
	Label(end)
}
