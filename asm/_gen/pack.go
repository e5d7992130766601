package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
)

// Gemm's packing loops and prefetches: pure data movement, so the result
// is the same whatever moves the bytes. In Go (one load and one store per
// 8 bytes, bounds checks) packing the two 8000×256 float32 operands of the
// Open Neuromorphic n = 256 weight gradient slice by slice took 2.3 ms
// alone, here 0.8 to 1.1 ms; inside the product, where the kernels overlap
// part of it, the gain measured 2.4% (11.74 → 11.46 ms, 6 interleaved runs).
func genPack() {
	// packB without transpose: each row of B holds one 64-byte line of
	// every panel (16 float32 or 8 float64), dealt four panels at a time.
	genDeal("packLinesAVX2", 64, 4, "packB")
	// packABlock with A transposed: each row of the storage holds the six
	// values of every 6-row tile for one step (24 bytes for float32, 48 for
	// float64), dealt six tiles at a time.
	for _, t := range types {
		genDeal(fmt.Sprintf("packA6f%dAVX2", t.bits), 6*t.size, 6, "packABlock")
	}
	genPrefetch()
}

// genDeal writes a kernel that deals the rows of a source into units: for
// each row p and unit u, the unit bytes at src + p·stride + u·unit go to
// dst + u·ustride + p·unit, so each unit's rows end up contiguous (a panel
// of B, a tile of A). The units are filled block units at a time, row after
// row, so each unit is written in order: row by row over all units, the
// unit stride (16 KiB for a panel, 6 KiB for a float32 tile at kc = 256)
// put all of a row's stores into one or two sets of L1 and they thrashed —
// per 8000×256 float32 operand, panels 0.33 ms against 0.17 ms in blocks of
// four, tiles 0.80 against 0.29 ms in blocks of six (the Go loops: 0.68 and
// 0.86 ms).
func genDeal(name string, unit, block int, ref string) {
	TEXT(name, NOSPLIT, "func(dst, src *byte, rows, units, stride, ustride int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies, for each row p < rows and unit u < units (both > 0), the %d bytes at", name, unit),
		fmt.Sprintf("src + p·stride + u·%d to dst + u·ustride + p·%d (strides in bytes). Reference: %s.", unit, unit, ref))
	d := Load(Param("dst"), GP64())
	s := Load(Param("src"), GP64())
	u := Load(Param("units"), GP64())
	stride := Load(Param("stride"), GP64())
	us := Load(Param("ustride"), GP64())
	// move copies one unit with the widest moves that fit it.
	move := func(src, dst Mem) {
		for o := 0; o < unit; {
			switch r := unit - o; {
			case r >= 32:
				y := YMM()
				VMOVUPS(src.Offset(o), y)
				VMOVUPS(y, dst.Offset(o))
				o += 32
			case r >= 16:
				x := XMM()
				VMOVUPS(src.Offset(o), x)
				VMOVUPS(x, dst.Offset(o))
				o += 16
			default: // the 8 bytes left of a float32 tile
				g := GP64()
				MOVQ(src.Offset(o), g)
				MOVQ(g, dst.Offset(o))
				o += 8
			}
		}
	}
	// rowLoop copies n units of every row, from s and d on.
	sp, dp, d3, k := GP64(), GP64(), GP64(), GP64()
	rowLoop := func(label string, n int) {
		MOVQ(s, sp)
		MOVQ(d, dp)
		if n > 3 {
			LEAQ(Mem{Base: d, Index: us, Scale: 2}, d3)
			ADDQ(us, d3)
		}
		Load(Param("rows"), k)
		Label(label)
		for j := range n {
			dm := Mem{Base: dp}
			if j >= 3 {
				dm = Mem{Base: d3}
			}
			if j%3 > 0 {
				dm = dm.Idx(us, uint8(j%3))
			}
			move(Mem{Base: sp, Disp: j * unit}, dm)
		}
		ADDQ(stride, sp)
		ADDQ(U32(unit), dp)
		if n > 3 {
			ADDQ(U32(unit), d3)
		}
		DECQ(k)
		JNZ(LabelRef(label))
	}
	Label("block")
	CMPQ(u, U32(block))
	JL(LabelRef("single"))
	rowLoop("brow", block)
	ADDQ(U32(block*unit), s)
	LEAQ(Mem{Base: d, Index: us, Scale: 4}, d) // d += block·ustride
	for range block - 4 {
		ADDQ(us, d)
	}
	SUBQ(U32(block), u)
	JMP(LabelRef("block"))

	Label("single")
	TESTQ(u, u)
	JZ(LabelRef("done"))
	rowLoop("srow", 1)
	ADDQ(U32(unit), s)
	ADDQ(us, d)
	DECQ(u)
	JMP(LabelRef("single"))
	Label("done")
	VZEROUPPER()
	RET()
}

// genPrefetch writes the kernel that asks for rows of memory ahead of their
// use (Go has no prefetch): the rows of A of the next tile read in place,
// the next k-slice's rows to pack.
func genPrefetch() {
	TEXT("prefetchRowsAVX2", NOSPLIT, "func(p *byte, rows, stride, lines int)")
	Pragma("noescape")
	Doc("prefetchRowsAVX2 prefetches (into L2) lines > 0 64-byte lines from p + r·stride for each row r < rows (> 0).")
	p := Load(Param("p"), GP64())
	rows := Load(Param("rows"), GP64())
	stride := Load(Param("stride"), GP64())
	Label("row")
	q := Load(Param("lines"), GP64())
	pp := GP64()
	MOVQ(p, pp)
	Label("line")
	PREFETCHT1(Mem{Base: pp})
	ADDQ(U32(64), pp)
	DECQ(q)
	JNZ(LabelRef("line"))
	ADDQ(stride, p)
	DECQ(rows)
	JNZ(LabelRef("row"))
	RET()
}
