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
	genPackLines()
	for _, t := range types {
		genPackA6(t)
	}
	genPrefetch()
}

// genPackLines writes the kernel of packB without transpose: each row of
// the source holds one 64-byte line of every panel (16 float32 or 8
// float64). Panels are filled four at a time, row after row, so each
// panel is written in order: row by row over all panels, the panel
// stride (16 KiB at kc = 256) put all of a row's lines into one set of L1,
// 0.33 ms per 8000×256 B against 0.17 ms in blocks of four (Go: 0.68 ms).
func genPackLines() {
	TEXT("packLinesAVX2", NOSPLIT, "func(dst, src *byte, rows, lines, lds, panel int)")
	Pragma("noescape")
	Doc("packLinesAVX2 copies, for each row p < rows and line q < lines (both > 0), the 64 bytes at",
		"src + p·lds + q·64 to dst + q·panel + p·64 (lds and panel in bytes). Reference: packB.")
	d := Load(Param("dst"), GP64())
	s := Load(Param("src"), GP64())
	q := Load(Param("lines"), GP64())
	lds := Load(Param("lds"), GP64())
	panel := Load(Param("panel"), GP64())
	line := func(src, dst Mem) {
		y0, y1 := YMM(), YMM()
		VMOVUPS(src, y0)
		VMOVUPS(src.Offset(32), y1)
		VMOVUPS(y0, dst)
		VMOVUPS(y1, dst.Offset(32))
	}
	sp, dp, d3, k := GP64(), GP64(), GP64(), GP64()
	Label("block")
	CMPQ(q, U32(4))
	JL(LabelRef("single"))
	MOVQ(s, sp)
	MOVQ(d, dp)
	LEAQ(Mem{Base: d, Index: panel, Scale: 2}, d3)
	ADDQ(panel, d3)
	Load(Param("rows"), k)
	Label("brow")
	line(Mem{Base: sp}, Mem{Base: dp})
	line(Mem{Base: sp, Disp: 64}, Mem{Base: dp, Index: panel, Scale: 1})
	line(Mem{Base: sp, Disp: 128}, Mem{Base: dp, Index: panel, Scale: 2})
	line(Mem{Base: sp, Disp: 192}, Mem{Base: d3})
	ADDQ(lds, sp)
	ADDQ(U32(64), dp)
	ADDQ(U32(64), d3)
	DECQ(k)
	JNZ(LabelRef("brow"))
	ADDQ(U32(256), s)
	LEAQ(Mem{Base: d, Index: panel, Scale: 4}, d)
	SUBQ(U32(4), q)
	JMP(LabelRef("block"))

	Label("single")
	TESTQ(q, q)
	JZ(LabelRef("done"))
	MOVQ(s, sp)
	MOVQ(d, dp)
	Load(Param("rows"), k)
	Label("srow")
	line(Mem{Base: sp}, Mem{Base: dp})
	ADDQ(lds, sp)
	ADDQ(U32(64), dp)
	DECQ(k)
	JNZ(LabelRef("srow"))
	ADDQ(U32(64), s)
	ADDQ(panel, d)
	DECQ(q)
	JMP(LabelRef("single"))
	Label("done")
	VZEROUPPER()
	RET()
}

// genPackA6 writes the kernel of packABlock with A transposed: row p of
// the storage holds step p of every 6-row tile, six contiguous values that
// go to the tile's slot for step p (24 bytes for float32, 48 for float64).
// Tiles are packed six at a time, step after step, so each tile's slots are
// written in order: step by step over all tiles, the 6·kc-value tile
// stride (6 KiB for float32 at kc = 256) put every tile's line into the
// same two sets of L1 and the stores thrashed: 0.80 ms per 8000×256 A
// against 0.29 ms in blocks of six tiles (the Go loop took 0.86 ms).
func genPackA6(t typ) {
	name := fmt.Sprintf("packA6f%dAVX2", t.bits)
	cb := 6 * t.size
	TEXT(name, NOSPLIT, fmt.Sprintf("func(dst, src *%s, kc, tiles, lda int)", t.gt))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s copies, for each step p < kc and tile u < tiles (both > 0), the six values", name),
		"src[p·lda + 6u …] to dst[6·kc·u + 6p …]. Reference: packABlock.")
	d := Load(Param("dst"), GP64())
	s := Load(Param("src"), GP64())
	u := Load(Param("tiles"), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(Imm(t.shift), lda)
	tile := Load(Param("kc"), GP64()) // bytes between tiles: 6·kc·size
	IMUL3Q(U32(cb), tile, tile)
	// copy moves one tile's six values from src to dst.
	copy := func(src, dst Mem) {
		if t.bits == 32 {
			x, g := XMM(), GP64()
			VMOVUPS(src, x)
			MOVQ(src.Offset(16), g)
			VMOVUPS(x, dst)
			MOVQ(g, dst.Offset(16))
		} else {
			y, x := YMM(), XMM()
			VMOVUPS(src, y)
			VMOVUPS(src.Offset(32), x)
			VMOVUPS(y, dst)
			VMOVUPS(x, dst.Offset(32))
		}
	}
	sp, dp, d3, k := GP64(), GP64(), GP64(), GP64()
	Label("block")
	CMPQ(u, U32(6))
	JL(LabelRef("single"))
	MOVQ(s, sp)
	MOVQ(d, dp)
	LEAQ(Mem{Base: d, Index: tile, Scale: 2}, d3)
	ADDQ(tile, d3)
	Load(Param("kc"), k)
	Label("bstep")
	for j := range 6 {
		dm := Mem{Base: dp}
		if j >= 3 {
			dm = Mem{Base: d3}
		}
		if j%3 > 0 {
			dm = dm.Idx(tile, uint8(j%3))
		}
		copy(Mem{Base: sp, Disp: j * cb}, dm)
	}
	ADDQ(lda, sp)
	ADDQ(U32(cb), dp)
	ADDQ(U32(cb), d3)
	DECQ(k)
	JNZ(LabelRef("bstep"))
	ADDQ(U32(6*cb), s)
	LEAQ(Mem{Base: d, Index: tile, Scale: 4}, d)
	ADDQ(tile, d)
	ADDQ(tile, d)
	SUBQ(U32(6), u)
	JMP(LabelRef("block"))

	Label("single")
	TESTQ(u, u)
	JZ(LabelRef("done"))
	MOVQ(s, sp)
	MOVQ(d, dp)
	Load(Param("kc"), k)
	Label("sstep")
	copy(Mem{Base: sp}, Mem{Base: dp})
	ADDQ(lda, sp)
	ADDQ(U32(cb), dp)
	DECQ(k)
	JNZ(LabelRef("sstep"))
	ADDQ(U32(cb), s)
	ADDQ(tile, d)
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
