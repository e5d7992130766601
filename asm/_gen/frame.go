package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// frame holds a kernel's constants in 32-byte stack slots: each is
// broadcast once, before the kernel's loop, and read there as a memory
// operand (AVX2 has no embedded broadcast). Constants from data are
// memoized by their bits; after seal a new one panics, so that no
// broadcast lands inside the loop.
type frame struct {
	mem    Mem
	n, cap int
	memo   map[uint64]Mem
	sealed bool
}

// newFrame allocates nslots slots on the kernel's stack.
func newFrame(nslots int) *frame {
	return &frame{mem: AllocLocal(nslots * vb), cap: nslots, memo: map[uint64]Mem{}}
}

// slot returns the next free slot (scratch, or for a constant).
func (f *frame) slot() Mem {
	if f.n == f.cap {
		panic("frame: more slots than allocated")
	}
	m := f.mem.Offset(f.n * vb)
	f.n++
	return m
}

// param64 broadcasts the float64 at base+disp into a new slot.
func (f *frame) param64(base reg.Register, disp int) Mem {
	m, t := f.slot(), YMM()
	VBROADCASTSD(Mem{Base: base, Disp: disp}, t)
	VMOVUPD(t, m)
	return m
}

// param32 broadcasts the 32-bit word at base+disp into a new slot.
func (f *frame) param32(base reg.Register, disp int) Mem {
	m, t := f.slot(), YMM()
	VBROADCASTSS(Mem{Base: base, Disp: disp}, t)
	VMOVUPS(t, m)
	return m
}

// bits returns the slot holding the 64-bit pattern b in every lane.
func (f *frame) bits(b uint64) Mem {
	if m, ok := f.memo[b]; ok {
		return m
	}
	if f.sealed {
		panic(fmt.Sprintf("frame: constant %#x first used inside the loop: create it before", b))
	}
	m, t := f.slot(), YMM()
	VBROADCASTSD(f64.constBits(fmt.Sprintf("k%x", b), b), t)
	VMOVUPD(t, m)
	f.memo[b] = m
	return m
}

// konst returns the slot holding v in every float64 lane.
func (f *frame) konst(v float64) Mem { return f.bits(math.Float64bits(v)) }

// exp returns the slots of expNegVec's constants.
func (f *frame) exp() expConsts {
	return expConsts{one: f.konst(1), half: f.konst(0.5), sixth: f.konst(1.0 / 6), c24: f.konst(1.0 / 24),
		c64: f.konst(64), inv64: f.konst(1.0 / 64), clamp: f.konst(math.Nextafter(32, 0)), c32: f.konst(32),
		zero: f.konst(0)}
}

// seal ends the constants' set-up: the kernel's loop follows.
func (f *frame) seal() { f.sealed = true }
