package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// typ describes an element type: every instruction the kernels use is chosen
// here, so one generator function emits both the float32 and the float64
// kernel.
type typ struct {
	bits  int    // 32 or 64
	gt    string // Go type name
	size  int    // bytes per element
	shift uint64 // log2(size)
	vw    int    // lanes per vector
	zmm   bool   // 512-bit vectors (AVX-512F); otherwise 256-bit (AVX2)
}

var (
	f32 = typ{bits: 32, gt: "float32", size: 4, shift: 2, vw: 8}
	f64 = typ{bits: 64, gt: "float64", size: 8, shift: 3, vw: 4}
)

var types = []typ{f32, f64}

// The 512-bit variants, for the AVX-512 kernels (avx512.go).
var (
	f32z = typ{bits: 32, gt: "float32", size: 4, shift: 2, vw: 16, zmm: true}
	f64z = typ{bits: 64, gt: "float64", size: 8, shift: 3, vw: 8, zmm: true}
)

// vb is the number of bytes in a vector.
const vb = 32

func (t typ) name(base string) string {
	if t.zmm {
		return fmt.Sprintf("%s%dAVX512", base, t.bits)
	}
	return fmt.Sprintf("%s%dAVX2", base, t.bits)
}

// vec allocates a vector register of t's width.
func (t typ) vec() reg.VecVirtual {
	if t.zmm {
		return ZMM()
	}
	return YMM()
}

// vbytes is the number of bytes in one of t's vectors.
func (t typ) vbytes() int {
	if t.zmm {
		return 64
	}
	return vb
}

// zero clears v (VXORPS for 256 bits, as the AVX2 kernels always did;
// VPXORD for 512 bits, where the EVEX VXORPS needs AVX512DQ).
func (t typ) zero(v reg.VecVirtual) {
	if t.zmm {
		VPXORD(v, v, v)
	} else {
		VXORPS(v, v, v)
	}
}

func (t typ) pick(a, b func(...Op)) func(...Op) {
	if t.bits == 32 {
		return a
	}
	return b
}

// logic picks a bitwise instruction: the float forms for 256 bits, the
// integer forms for 512 bits (the EVEX float forms need AVX512DQ; the bits
// are the same).
func (t typ) logic(ps, pd, d32, q64 func(...Op)) func(...Op) {
	if t.zmm {
		return t.pick(d32, q64)
	}
	return t.pick(ps, pd)
}

func (t typ) movu(src, dst Op) {
	if t.bits == 32 {
		VMOVUPS(src, dst)
	} else {
		VMOVUPD(src, dst)
	}
}
func (t typ) add(a, b, d Op)     { t.pick(VADDPS, VADDPD)(a, b, d) }
func (t typ) sub(a, b, d Op)     { t.pick(VSUBPS, VSUBPD)(a, b, d) } // d = b − a
func (t typ) mul(a, b, d Op)     { t.pick(VMULPS, VMULPD)(a, b, d) }
func (t typ) div(a, b, d Op)     { t.pick(VDIVPS, VDIVPD)(a, b, d) } // d = b / a
func (t typ) min(a, b, d Op)     { t.pick(VMINPS, VMINPD)(a, b, d) } // d = b < a ? b : a
func (t typ) max(a, b, d Op)     { t.pick(VMAXPS, VMAXPD)(a, b, d) } // d = b > a ? b : a
func (t typ) and(a, b, d Op)     { t.logic(VANDPS, VANDPD, VPANDD, VPANDQ)(a, b, d) }
func (t typ) or(a, b, d Op)      { t.logic(VORPS, VORPD, VPORD, VPORQ)(a, b, d) }
func (t typ) xor(a, b, d Op)     { t.logic(VXORPS, VXORPD, VPXORD, VPXORQ)(a, b, d) }
func (t typ) fma231(a, b, d Op)  { t.pick(VFMADD231PS, VFMADD231PD)(a, b, d) }   // d = b·a + d
func (t typ) fma213(a, b, d Op)  { t.pick(VFMADD213PS, VFMADD213PD)(a, b, d) }   // d = b·d + a
func (t typ) fnma231(a, b, d Op) { t.pick(VFNMADD231PS, VFNMADD231PD)(a, b, d) } // d = −(b·a) + d
func (t typ) bcast(m, d Op) {
	if t.bits == 32 {
		VBROADCASTSS(m, d)
	} else {
		VBROADCASTSD(m, d)
	}
}
func (t typ) cmp(imm, a, b, d Op) { t.pick(VCMPPS, VCMPPD)(imm, a, b, d) } // d = b OP a

// maskload: d = lanes of m where mask is set, 0 elsewhere (never faults on
// masked-out lanes). maskstore writes only the lanes where mask is set.
//
// For 512 bits the mask is a K register (tail, kMask): a zeroing masked load and
// a masked store, which suppress faults on the masked-out lanes.
func (t typ) maskload(m, mask, d Op) {
	if t.zmm {
		if t.bits == 32 {
			VMOVUPS_Z(m, mask, d)
		} else {
			VMOVUPD_Z(m, mask, d)
		}
		return
	}
	if t.bits == 32 {
		VMASKMOVPS(m, mask, d)
	} else {
		VMASKMOVPD(m, mask, d)
	}
}
func (t typ) maskstore(s, mask, m Op) {
	if t.zmm {
		if t.bits == 32 {
			VMOVUPS(s, mask, m)
		} else {
			VMOVUPD(s, mask, m)
		}
		return
	}
	if t.bits == 32 {
		VMASKMOVPS(s, mask, m)
	} else {
		VMASKMOVPD(s, mask, m)
	}
}

// scalar versions, on the low lane of an XMM register.
func (t typ) smul(a, b, d Op) {
	if t.bits == 32 {
		VMULSS(a, b, d)
	} else {
		VMULSD(a, b, d)
	}
}
func (t typ) sadd(a, b, d Op) {
	if t.bits == 32 {
		VADDSS(a, b, d)
	} else {
		VADDSD(a, b, d)
	}
}
func (t typ) sfma231(a, b, d Op) {
	if t.bits == 32 {
		VFMADD231SS(a, b, d)
	} else {
		VFMADD231SD(a, b, d)
	}
}
func (t typ) smov(src, dst Op) {
	if t.bits == 32 {
		VMOVSS(src, dst)
	} else {
		VMOVSD(src, dst)
	}
}

// ucomi compares the low lanes (flags as UCOMISS/UCOMISD).
func (t typ) ucomi(a, b Op) {
	if t.bits == 32 {
		VUCOMISS(a, b)
	} else {
		VUCOMISD(a, b)
	}
}

// constant returns a memory operand holding the scalar v in type t.
func (t typ) constant(name string, v float64) Mem {
	if t.bits == 32 {
		return t.constBits(name, uint64(math.Float32bits(float32(v))))
	}
	return t.constBits(name, math.Float64bits(v))
}

// consts memoises the constant data symbols of the file being generated.
var consts = map[string]Mem{}

// constBits returns a memory operand holding the raw bits b (low t.bits bits).
func (t typ) constBits(name string, b uint64) Mem {
	key := fmt.Sprintf("%s%s%d", *family, name, t.bits)
	if m, ok := consts[key]; ok {
		return m
	}
	var m Mem
	if t.bits == 32 {
		m = ConstData(key, U32(uint32(b)))
	} else {
		m = ConstData(key, U64(b))
	}
	consts[key] = m
	return m
}

// broadcastConst loads the scalar constant v into every lane of a new register.
func (t typ) broadcastConst(name string, v float64) reg.VecVirtual {
	r := t.vec()
	t.bcast(t.constant(name, v), r)
	return r
}

// broadcastBits loads the raw bits b (low t.bits bits) into every lane of a
// new register.
func (t typ) broadcastBits(name string, b uint64) reg.VecVirtual {
	r := t.vec()
	t.bcast(t.constBits(name, b), r)
	return r
}

// broadcastParam loads the scalar parameter name into every lane.
func (t typ) broadcastParam(name string) reg.VecVirtual {
	r := t.vec()
	t.bcast(paramMem(name), r)
	return r
}

// paramMem returns the stack slot of a scalar parameter or result.
func paramMem(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

// loadScalar loads a float parameter with a VEX move (VMOVSS/VMOVSD). avo's
// Load would emit the legacy-SSE MOVSS, which stalls for hundreds of cycles
// on Zen 3 when the upper halves of the YMM registers are in use.
func (t typ) loadScalar(name string) reg.VecVirtual {
	x := XMM()
	t.smov(paramMem(name), x)
	return x
}

// storeResult stores the low lane of x to the function's result with a VEX move.
func (t typ) storeResult(x reg.VecVirtual) {
	b, err := ReturnIndex(0).Resolve()
	if err != nil {
		panic(err)
	}
	t.smov(x, b.Addr)
}

// maskTable is 8 all-ones 32-bit words followed by 8 zero words: the 32 bytes
// at offset 32 − r·size are a mask whose first r lanes are set.
var maskTable Mem

func maskTab() Mem {
	if maskTable.Symbol.Name == "" {
		maskTable = GLOBL(*family+"masktab", RODATA|NOPTR)
		for i := range 16 {
			v := uint32(0)
			if i < 8 {
				v = 0xffffffff
			}
			DATA(4*i, U32(v))
		}
	}
	return maskTable
}

// tail returns the mask of maskload and maskstore whose first r lanes (r in
// 1…vw−1, in a GP register) are set: tailMask for 256 bits, kMask for 512.
func (t typ) tail(r reg.Register) reg.Register {
	if t.zmm {
		return kMask(r)
	}
	return t.tailMask(r)
}

// tailMask returns a vector whose first r lanes (r in 1…vw−1, in a GP
// register) are all ones and the others zero.
func (t typ) tailMask(r reg.Register) reg.VecVirtual {
	off := GP64()
	MOVQ(r, off)
	SHLQ(Imm(t.shift), off)
	NEGQ(off)
	base := GP64()
	LEAQ(maskTab(), base)
	m := YMM()
	VMOVDQU(Mem{Base: base, Index: off, Scale: 1, Disp: 32}, m)
	return m
}

// negZeroPast sets the lanes of v outside mask to −0. v is the masked load
// of the last partial vector of x in a reduction; the matching lanes of the
// other factor are +0 (masked load), so their product is −0, the identity of
// addition: fma(+0, −0, acc) = acc for every acc, −0 included. The lanes past
// the end thus keep their partial sums bit for bit, as in the reference,
// where they receive no term (a +0 product would turn a −0 sum into +0).
func (t typ) negZeroPast(mask, v reg.VecVirtual) {
	nz := YMM()
	t.bcast(t.constBits("negzero", 1<<(t.bits-1)), nz)
	if t.bits == 32 {
		VBLENDVPS(mask, v, nz, v) // v = mask ? v : −0
	} else {
		VBLENDVPD(mask, v, nz, v)
	}
}

// hsum folds the vw lanes of v by halving (lane j += lane j+w for w = vw/2 … 1)
// and returns an XMM register whose low lane holds the sum.
func (t typ) hsum(v reg.VecVirtual) reg.VecVirtual {
	hi := XMM()
	VEXTRACTF128(Imm(1), v, hi)
	lo := v.AsX()
	x := XMM()
	if t.bits == 32 {
		VADDPS(hi, lo, x) // w = 4
		h := XMM()
		VMOVHLPS(x, x, h) // h = [x2 x3 x2 x3]
		VADDPS(h, x, x)   // w = 2
		VMOVSHDUP(x, h)   // h = [x1 x1 x3 x3]
		VADDSS(h, x, x)   // w = 1
	} else {
		VADDPD(hi, lo, x) // w = 2
		h := XMM()
		VUNPCKHPD(x, x, h) // h = [x1 x1]
		VADDSD(h, x, x)    // w = 1
	}
	return x
}

// kMask returns a K register whose low r bits (r in 0…16, in a GP register)
// are set: BZHI clears the bits of all-ones from index r up.
func kMask(r reg.Register) reg.Register {
	ones, b := GP64(), GP64()
	MOVQ(I32(-1), ones)
	BZHIQ(r, ones, b)
	k := K()
	KMOVW(b.As32(), k)
	return k
}
