package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// Gemm micro-kernels: an R×(2·vw) tile of C (R = 1…6), accumulated over the
// whole k in registers (one unbroken ascending fma chain per output), from
// A read in place (row r, step p at a + r·rs + p·ps, so both A and Aᵀ work)
// and a packed panel of B (2·vw values per p, zero-padded past n); and the
// multi-tile kernel that runs many 6-row tiles of packed A on one panel.
func genGemm() {
	for _, t := range types {
		for R := 1; R <= 6; R++ {
			genGemmKernel(t, R)
		}
		genGemmTiles(t)
	}
	genPack()
}

func genGemmKernel(t typ, R int) {
	name := fmt.Sprintf("gemm%dx%df%dAVX2", R, 2*t.vw, t.bits)
	TEXT(name, NOSPLIT, fmt.Sprintf("func(k int, a *%s, rs, ps int, b *%s, c *%s, ldc int, alpha, beta %s, nc int, w *%s, ldw, flags int)", t.gt, t.gt, t.gt, t.gt, t.gt))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s advances a %d×%d tile of fma chains t[r, j] += Σ_p A[r, p]·B[p, j] over k > 0 steps.", name, R, 2*t.vw),
		"The chains start at 0, or at the partial values in w (row stride ldw) when flags&1 is set;",
		"when flags&2 is set they end in C[r, j] = E(alpha, t, beta, C[r, j]) for j < nc, else they are",
		"parked in w for the next block of k. Splitting k this way never changes the chain. Reference: gemmGeneric.")
	k := Load(Param("k"), GP64())
	a0 := Load(Param("a"), GP64())
	rs := Load(Param("rs"), GP64())
	SHLQ(Imm(t.shift), rs)
	ps := Load(Param("ps"), GP64())
	SHLQ(Imm(t.shift), ps)
	pb := Load(Param("b"), GP64())
	var a3 reg.Register
	if R > 3 {
		a3 = GP64()
		LEAQ(Mem{Base: a0, Index: rs, Scale: 2}, a3)
		ADDQ(rs, a3)
	}
	rowMem := func(r int) Mem {
		base := a0
		if r >= 3 {
			base, r = a3, r-3
		}
		if r == 0 {
			return Mem{Base: base}
		}
		return Mem{Base: base, Index: rs, Scale: uint8(r)}
	}
	acc := gemmAcc(R)
	flags := Load(Param("flags"), GP64())
	pw := Load(Param("w"), GP64())
	ldw := Load(Param("ldw"), GP64())
	SHLQ(Imm(t.shift), ldw)
	gemmStart(t, acc, flags, func() {
		wr := GP64()
		MOVQ(pw, wr)
		gemmWalk(t, acc, wr, ldw, false)
	})
	// Main loop: A read in place, so each step advances its row pointers.
	gemmKLoop(k, func(u int) {
		gemmStep(t, acc, pb, u, rowMem)
		ADDQ(ps, a0)
		if R > 3 {
			ADDQ(ps, a3)
		}
	}, func(steps int) { ADDQ(U32(steps*2*vb), pb) })

	// Park the partial chains, or run the epilogue.
	TESTQ(U32(2), flags)
	JNZ(LabelRef("final"))
	gemmWalk(t, acc, pw, ldw, true)
	JMP(LabelRef("done"))
	Label("final")
	gemmEpilogue(t, acc, Load(Param("c"), GP64()), "done")
	Label("done")
	VZEROUPPER()
	RET()
}

// gemmEpilogue writes the finished chains acc (one row of C per element,
// from pc on) as C[r, j] = E(alpha, t, beta, C[r, j]) for j < nc, then jumps
// to done (or falls through at the end of the masked path). pc is walked.
func gemmEpilogue(t typ, acc [][2]reg.VecVirtual, pc reg.Register, done string) {
	ldc := Load(Param("ldc"), GP64())
	SHLQ(Imm(t.shift), ldc)
	alphaS := t.loadScalar("alpha")
	betaS := t.loadScalar("beta")
	betaZero := isZero(t, betaS)
	alpha, beta := YMM(), YMM()
	t.bcast(alphaS, alpha)
	t.bcast(betaS, beta)
	nc := Load(Param("nc"), GP64())
	CMPQ(nc, U32(2*t.vw))
	JNE(LabelRef("masked"))
	// Full tile.
	TESTQ(betaZero, betaZero)
	JZ(LabelRef("full_fma"))
	for r := range acc {
		for h := range 2 {
			t.mul(alpha, acc[r][h], acc[r][h])
			t.movu(acc[r][h], Mem{Base: pc, Disp: h * vb})
		}
		if r < len(acc)-1 {
			ADDQ(ldc, pc)
		}
	}
	JMP(LabelRef(done))
	Label("full_fma")
	for r := range acc {
		for h := range 2 {
			c := YMM()
			t.movu(Mem{Base: pc, Disp: h * vb}, c)
			t.mul(beta, c, c)
			t.fma231(acc[r][h], alpha, c)
			t.movu(c, Mem{Base: pc, Disp: h * vb})
		}
		if r < len(acc)-1 {
			ADDQ(ldc, pc)
		}
	}
	JMP(LabelRef(done))

	// Partial tile: lanes j < nc only, masks reloaded from the table at each use.
	Label("masked")
	n0, n1, lim := GP64(), GP64(), GP64()
	MOVQ(U32(t.vw), lim)
	MOVQ(nc, n0)
	CMPQ(n0, lim)
	CMOVQGT(lim, n0) // n0 = min(nc, vw)
	MOVQ(nc, n1)
	SUBQ(n0, n1) // n1 = nc − n0
	tab := GP64()
	LEAQ(maskTab(), tab)
	SHLQ(Imm(t.shift), n0)
	SHLQ(Imm(t.shift), n1)
	m0, m1 := GP64(), GP64()
	MOVQ(tab, m0)
	SUBQ(n0, m0)
	MOVQ(tab, m1)
	SUBQ(n1, m1)
	maskOf := func(h int) reg.VecVirtual {
		mk := YMM()
		base := m0
		if h == 1 {
			base = m1
		}
		VMOVDQU(Mem{Base: base, Disp: 32}, mk)
		return mk
	}
	TESTQ(betaZero, betaZero)
	JZ(LabelRef("masked_fma"))
	for r := range acc {
		for h := range 2 {
			t.mul(alpha, acc[r][h], acc[r][h])
			t.maskstore(acc[r][h], maskOf(h), Mem{Base: pc, Disp: h * vb})
		}
		if r < len(acc)-1 {
			ADDQ(ldc, pc)
		}
	}
	JMP(LabelRef(done))
	Label("masked_fma")
	for r := range acc {
		for h := range 2 {
			c := YMM()
			mk := maskOf(h)
			t.maskload(Mem{Base: pc, Disp: h * vb}, mk, c)
			t.mul(beta, c, c)
			t.fma231(acc[r][h], alpha, c)
			t.maskstore(c, mk, Mem{Base: pc, Disp: h * vb})
		}
		if r < len(acc)-1 {
			ADDQ(ldc, pc)
		}
	}
}

// gemmWalk parks the chains acc in w (store) or resumes them from it (load),
// row r at pw + r·ldw bytes; pw is walked to the last row.
func gemmWalk(t typ, acc [][2]reg.VecVirtual, pw, ldw reg.Register, store bool) {
	for r := range acc {
		for h := range 2 {
			m := Mem{Base: pw, Disp: h * vb}
			if store {
				t.movu(acc[r][h], m)
			} else {
				t.movu(m, acc[r][h])
			}
		}
		if r < len(acc)-1 {
			ADDQ(ldw, pw)
		}
	}
}

// genGemmTiles writes the multi-tile kernel: tiles full 6-row tiles of one
// panel, one after the other, from A packed slice-major (tile u's rows at
// a + u·6·k, row r of step p at 6p + r), each the same chain as the 6-row
// kernel; w and C advance by 6 rows per tile. One call replaces a run of
// tiles single-tile calls (their call overhead was 5% of a large product).
func genGemmTiles(t typ) {
	name := fmt.Sprintf("gemm6x%df%dTilesAVX2", 2*t.vw, t.bits)
	TEXT(name, NOSPLIT, fmt.Sprintf("func(k int, a *%s, b *%s, c *%s, ldc int, alpha, beta %s, nc int, w *%s, ldw, flags, tiles int)", t.gt, t.gt, t.gt, t.gt, t.gt))
	Pragma("noescape")
	Doc(fmt.Sprintf("%s runs %s on tiles > 0 consecutive 6-row tiles of one panel of B:", name, fmt.Sprintf("gemm6x%df%dAVX2", 2*t.vw, t.bits)),
		"tile u reads A packed at a + 6·k·u (A[r, p] at 6p + r), parks in or resumes from w + 6·ldw·u and",
		"finishes in c + 6·ldc·u. Each tile's chains are those of the single-tile kernel. Reference: gemmGeneric.")
	const R = 6
	a0 := Load(Param("a"), GP64())
	pc := Load(Param("c"), GP64())
	pw := Load(Param("w"), GP64())
	n := Load(Param("tiles"), GP64())
	acc := gemmAcc(R)
	Label("tile")
	k := Load(Param("k"), GP64())
	pb := Load(Param("b"), GP64())
	flags := Load(Param("flags"), GP64())
	gemmStart(t, acc, flags, func() {
		ldw := Load(Param("ldw"), GP64())
		SHLQ(Imm(t.shift), ldw)
		wr := GP64()
		MOVQ(pw, wr)
		gemmWalk(t, acc, wr, ldw, false)
	})
	// Main loop: A packed, step u's rows at a0 + (u·6 + r)·size.
	gemmKLoop(k, func(u int) {
		gemmStep(t, acc, pb, u, func(r int) Mem { return Mem{Base: a0, Disp: (u*R + r) * t.size} })
	}, func(steps int) {
		ADDQ(U32(steps*R*t.size), a0)
		ADDQ(U32(steps*2*vb), pb)
	})
	f := Load(Param("flags"), GP64())
	TESTQ(U32(2), f)
	JNZ(LabelRef("final"))
	lw := Load(Param("ldw"), GP64())
	SHLQ(Imm(t.shift), lw)
	ww := GP64()
	MOVQ(pw, ww)
	gemmWalk(t, acc, ww, lw, true)
	JMP(LabelRef("next"))
	Label("final")
	cw := GP64()
	MOVQ(pc, cw)
	gemmEpilogue(t, acc, cw, "next")
	Label("next")
	// pw += 6·ldw, pc += 6·ldc (in bytes).
	s := Load(Param("ldw"), GP64())
	IMUL3Q(U32(R*t.size), s, s)
	ADDQ(s, pw)
	s2 := Load(Param("ldc"), GP64())
	IMUL3Q(U32(R*t.size), s2, s2)
	ADDQ(s2, pc)
	DECQ(n)
	JNZ(LabelRef("tile"))
	VZEROUPPER()
	RET()
}

// gemmAcc allocates the R×2 accumulator registers of a tile.
func gemmAcc(R int) [][2]reg.VecVirtual {
	acc := make([][2]reg.VecVirtual, R)
	for r := range acc {
		for h := range 2 {
			acc[r][h] = YMM()
		}
	}
	return acc
}

// gemmStart starts the chains at 0, or when flags&1 is set runs resume
// (which reloads them from the workspace), then falls into the k-loop.
func gemmStart(t typ, acc [][2]reg.VecVirtual, flags reg.Register, resume func()) {
	TESTQ(U32(1), flags)
	JNZ(LabelRef("resume"))
	for r := range acc {
		for h := range 2 {
			VXORPS(acc[r][h], acc[r][h], acc[r][h])
		}
	}
	JMP(LabelRef("loop"))
	Label("resume")
	resume()
}

// gemmKLoop emits the k-loop over k steps (k > 0 in a register, counted
// down): unrolled by 4, then single steps; step(u) emits the u-th step of
// an unrolled group, advance(n) moves the pointers past n steps. It ends
// at the label "chains".
func gemmKLoop(k reg.Register, step func(u int), advance func(steps int)) {
	Label("loop")
	CMPQ(k, U32(4))
	JL(LabelRef("single"))
	for u := range 4 {
		step(u)
	}
	advance(4)
	SUBQ(U32(4), k)
	JMP(LabelRef("loop"))
	Label("single")
	TESTQ(k, k)
	JZ(LabelRef("chains"))
	step(0)
	advance(1)
	DECQ(k)
	JMP(LabelRef("single"))
	Label("chains")
}

// gemmStep emits one step p of the chains: the two vectors of B at
// pb + u·2·vb, each row's A value broadcast from row(r), two fmas per row.
func gemmStep(t typ, acc [][2]reg.VecVirtual, pb reg.Register, u int, row func(r int) Mem) {
	b0, b1 := YMM(), YMM()
	t.movu(Mem{Base: pb, Disp: u * 2 * vb}, b0)
	t.movu(Mem{Base: pb, Disp: u*2*vb + vb}, b1)
	for r := range acc {
		bc := YMM()
		t.bcast(row(r), bc)
		t.fma231(b0, bc, acc[r][0])
		t.fma231(b1, bc, acc[r][1])
	}
}
