package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

func genGemv() {
	for _, t := range types {
		genGemvN(t)
		genGemvT(t)
	}
}

// isZero sets a GP register to 1 if the scalar x is ±0, else 0 (NaN gives 0).
func isZero(t typ, x reg.VecVirtual) reg.Register {
	zero := XMM()
	VXORPS(zero, zero, zero)
	z, p := GP64(), GP64()
	XORQ(z, z)
	XORQ(p, p)
	t.ucomi(zero, x)
	SETEQ(z.As8())
	SETPC(p.As8()) // parity clear: ordered
	ANDQ(p, z)
	return z
}

// genGemvN emits y[i] = E(alpha, Dot(A[i, :n], x), beta, y[i]) for all m rows.
// Rows go in chunks of vw: inside a chunk, blocks of 3, 2 or 1 rows share the
// loads of x, each row accumulated in the canonical Dot lanes and folded to
// one vector (folds w = 2·vw, vw), which is parked in a stack slot; then the
// vw parked vectors are folded together (w = vw/2 … 1, the same pairwise sums
// as the reference, computed for all rows at once with shuffles) into one
// vector of row sums, and the epilogue runs on that vector. The caller
// handles alpha == 0 and n == 0.
func genGemvN(t typ) {
	name := t.name("gemvN")
	TEXT(name, NOSPLIT, fmt.Sprintf("func(m, n int, alpha %s, a []%s, lda int, x []%s, beta %s, y []%s)", t.gt, t.gt, t.gt, t.gt, t.gt))
	Pragma("noescape")
	Doc(name + " computes Gemv without transpose for alpha ≠ 0, n > 0. Reference: gemvGeneric.")
	slots := AllocLocal(t.vw * vb)
	m := Load(Param("m"), GP64())
	pa := Load(Param("a").Base(), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(Imm(t.shift), lda)
	py := Load(Param("y").Base(), GP64())
	betaZero := isZero(t, t.loadScalar("beta"))
	L := 4 * t.vw

	// Rows no longer than one vector: each row is one masked fma into +0
	// (the lanes Dot would hold), so vw rows go straight into the fold
	// network without parking. The folds w = 2·vw and vw that this skips
	// add +0 to every lane, which changes a −0 lane into +0 and nothing
	// else; the fold network then gives the reference's sum except that a
	// −0 row sum must be +0 (an addition yields −0 only from two −0
	// operands), so the row sums get one +0 added (foldRowsEpilogue, plusZero).
	nn := Load(Param("n"), GP64())
	CMPQ(nn, U32(t.vw))
	JG(LabelRef("chunk"))
	smask := t.tailMask(nn) // n = vw gives all lanes
	sx := YMM()
	t.maskload(Mem{Base: Load(Param("x").Base(), GP64())}, smask, sx)
	salpha, sbeta := t.broadcastParam("alpha"), t.broadcastParam("beta")
	Label("small")
	TESTQ(m, m)
	JZ(LabelRef("end"))
	src := GP64()
	MOVQ(U32(t.vw), src)
	CMPQ(m, src)
	CMOVQLT(m, src)
	row := GP64()
	MOVQ(pa, row)
	sv := make([]reg.VecVirtual, t.vw)
	for r := range sv {
		sv[r] = YMM()
		VXORPS(sv[r], sv[r], sv[r])
	}
	for r := range sv {
		CMPQ(src, U32(r+1))
		JL(LabelRef("small_rows"))
		av := YMM()
		t.maskload(Mem{Base: row}, smask, av)
		t.fma231(av, sx, sv[r])
		ADDQ(lda, row)
	}
	Label("small_rows")
	MOVQ(row, pa)
	foldRowsEpilogue(t, sv, src, py, betaZero, rowFold{pfx: "small_", plusZero: true, alpha: salpha, beta: sbeta})
	Label("small_next")
	SUBQ(src, m)
	SHLQ(Imm(t.shift), src)
	ADDQ(src, py)
	JMP(LabelRef("small"))

	Label("chunk")
	TESTQ(m, m)
	JZ(LabelRef("end"))
	rc := GP64() // rows in this chunk
	MOVQ(U32(t.vw), rc)
	CMPQ(m, rc)
	CMOVQLT(m, rc)
	left := GP64()
	MOVQ(rc, left)
	slot := GP64()
	LEAQ(slots, slot)

	for _, R := range []int{3, 2, 1} {
		lbl := func(s string) string { return fmt.Sprintf("r%d_%s", R, s) }
		Label(lbl("rows"))
		CMPQ(left, U32(R))
		JL(LabelRef(lbl("end")))
		rows := make([]reg.Register, R)
		rows[0] = GP64()
		MOVQ(pa, rows[0])
		for r := 1; r < R; r++ {
			rows[r] = GP64()
			LEAQ(Mem{Base: rows[r-1], Index: lda, Scale: 1}, rows[r])
		}
		px := Load(Param("x").Base(), GP64())
		n := Load(Param("n"), GP64())
		acc := make([][4]reg.VecVirtual, R)
		for r := range acc {
			for j := range 4 {
				acc[r][j] = YMM()
				VXORPS(acc[r][j], acc[r][j], acc[r][j])
			}
		}
		Label(lbl("loop"))
		CMPQ(n, U32(L))
		JL(LabelRef(lbl("tail")))
		for j := range 4 {
			xv := YMM()
			t.movu(Mem{Base: px, Disp: j * vb}, xv)
			for r := range R {
				t.fma231(Mem{Base: rows[r], Disp: j * vb}, xv, acc[r][j])
			}
		}
		for r := range R {
			ADDQ(U32(4*vb), rows[r])
		}
		ADDQ(U32(4*vb), px)
		SUBQ(U32(L), n)
		JMP(LabelRef(lbl("loop")))

		Label(lbl("tail"))
		for j := range 3 {
			CMPQ(n, U32(t.vw))
			JL(LabelRef(lbl(fmt.Sprintf("part%d", j))))
			xv := YMM()
			t.movu(Mem{Base: px}, xv)
			for r := range R {
				t.fma231(Mem{Base: rows[r]}, xv, acc[r][j])
				ADDQ(U32(vb), rows[r])
			}
			ADDQ(U32(vb), px)
			SUBQ(U32(t.vw), n)
		}
		for j := 3; j >= 0; j-- {
			Label(lbl(fmt.Sprintf("part%d", j)))
			TESTQ(n, n)
			JZ(LabelRef(lbl("fold")))
			mask := t.tailMask(n)
			xv := YMM()
			t.maskload(Mem{Base: px}, mask, xv)
			t.negZeroPast(mask, xv)
			for r := range R {
				av := YMM()
				t.maskload(Mem{Base: rows[r]}, mask, av)
				t.fma231(av, xv, acc[r][j])
			}
			JMP(LabelRef(lbl("fold")))
		}
		Label(lbl("fold"))
		for r := range R {
			t.add(acc[r][2], acc[r][0], acc[r][0]) // w = 2·vw
			t.add(acc[r][3], acc[r][1], acc[r][1])
			t.add(acc[r][1], acc[r][0], acc[r][0]) // w = vw
			t.movu(acc[r][0], Mem{Base: slot, Disp: r * vb})
		}
		ADDQ(U32(R*vb), slot)
		for range R {
			ADDQ(lda, pa)
		}
		SUBQ(U32(R), left)
		JMP(LabelRef(lbl("rows")))
		Label(lbl("end"))
	}

	// Fold the parked row vectors together: lane 0 of row r ends in lane r.
	v := make([]reg.VecVirtual, t.vw)
	for r := range v {
		v[r] = YMM()
		t.movu(slots.Offset(r*vb), v[r])
	}
	foldRowsEpilogue(t, v, rc, py, betaZero, rowFold{})
	Label("next")
	SUBQ(rc, m)
	SHLQ(Imm(t.shift), rc)
	ADDQ(rc, py)
	JMP(LabelRef("chunk"))
	Label("end")
	VZEROUPPER()
	RET()
}

// rowFold configures foldRowsEpilogue: the label prefix; plusZero adds +0 to
// the row sums (rows that skipped the folds w = 2·vw and vw, see genGemvN);
// alpha and beta, when set, hold the broadcast scalars (else they are loaded
// at each use).
type rowFold struct {
	pfx         string
	plusZero    bool
	alpha, beta reg.VecVirtual
}

// foldRowsEpilogue folds vw row vectors together (lane 0 of row r ends in
// lane r, by the pairwise sums of the halving folds w = vw/2 … 1), runs the
// epilogue for the rc rows of the chunk at py and jumps to pfx+"next".
func foldRowsEpilogue(t typ, v []reg.VecVirtual, rc, py, betaZero reg.Register, o rowFold) {
	pfx := o.pfx
	var sums reg.VecVirtual
	if t.bits == 32 {
		// w = 4: pair rows (0,1), (2,3), (4,5), (6,7) across the 128-bit halves.
		s := make([]reg.VecVirtual, 4)
		for p := range s {
			lo, hi := YMM(), YMM()
			VPERM2F128(Imm(0x20), v[2*p+1], v[2*p], lo)
			VPERM2F128(Imm(0x31), v[2*p+1], v[2*p], hi)
			s[p] = YMM()
			VADDPS(hi, lo, s[p])
		}
		// w = 2: lanes j + j+2.
		u := make([]reg.VecVirtual, 2)
		for p := range u {
			a, b := YMM(), YMM()
			VSHUFPS(Imm(0x44), s[2*p+1], s[2*p], a)
			VSHUFPS(Imm(0xee), s[2*p+1], s[2*p], b)
			u[p] = YMM()
			VADDPS(b, a, u[p])
		}
		// w = 1: lanes j + j+1; rows land in order 0 2 4 6 | 1 3 5 7.
		c, d := YMM(), YMM()
		VSHUFPS(Imm(0x88), u[1], u[0], c)
		VSHUFPS(Imm(0xdd), u[1], u[0], d)
		VADDPS(d, c, c)
		idx := YMM()
		VMOVDQU(permIndex(), idx)
		sums = YMM()
		VPERMPS(c, idx, sums)
	} else {
		// w = 2: pair rows (0,1), (2,3) across the 128-bit halves.
		s := make([]reg.VecVirtual, 2)
		for p := range s {
			lo, hi := YMM(), YMM()
			VPERM2F128(Imm(0x20), v[2*p+1], v[2*p], lo)
			VPERM2F128(Imm(0x31), v[2*p+1], v[2*p], hi)
			s[p] = YMM()
			VADDPD(hi, lo, s[p])
		}
		// w = 1: rows land in order 0 2 | 1 3.
		c, d := YMM(), YMM()
		VUNPCKLPD(s[1], s[0], c)
		VUNPCKHPD(s[1], s[0], d)
		VADDPD(d, c, c)
		sums = YMM()
		VPERMPD(Imm(0xd8), c, sums)
	}

	if o.plusZero {
		z := YMM()
		VXORPS(z, z, z)
		t.add(z, sums, sums) // −0 + +0 = +0; every other sum unchanged
	}

	// Epilogue on rc rows.
	alpha, beta := o.alpha, o.beta
	if alpha == nil {
		alpha = t.broadcastParam("alpha")
	}
	betaOf := func() reg.VecVirtual {
		if beta != nil {
			return beta
		}
		return t.broadcastParam("beta")
	}
	CMPQ(rc, U32(t.vw))
	JNE(LabelRef(pfx + "partial"))
	TESTQ(betaZero, betaZero)
	JZ(LabelRef(pfx + "full_fma"))
	t.mul(alpha, sums, sums)
	t.movu(sums, Mem{Base: py})
	JMP(LabelRef(pfx + "next"))
	Label(pfx + "full_fma")
	c := YMM()
	t.movu(Mem{Base: py}, c)
	t.mul(betaOf(), c, c)
	t.fma231(sums, alpha, c)
	t.movu(c, Mem{Base: py})
	JMP(LabelRef(pfx + "next"))
	Label(pfx + "partial")
	mask := t.tailMask(rc)
	TESTQ(betaZero, betaZero)
	JZ(LabelRef(pfx + "partial_fma"))
	t.mul(alpha, sums, sums)
	t.maskstore(sums, mask, Mem{Base: py})
	JMP(LabelRef(pfx + "next"))
	Label(pfx + "partial_fma")
	c2 := YMM()
	t.maskload(Mem{Base: py}, mask, c2)
	t.mul(betaOf(), c2, c2)
	t.fma231(sums, alpha, c2)
	t.maskstore(c2, mask, Mem{Base: py})

}

// permIndex is the VPERMPS index that puts rows 0 2 4 6 1 3 5 7 back in order.
var permIdx Mem

func permIndex() Mem {
	if permIdx.Symbol.Name == "" {
		permIdx = GLOBL(*family+"permidx", RODATA|NOPTR)
		for i, v := range []uint32{0, 4, 1, 5, 2, 6, 3, 7} {
			DATA(4*i, U32(v))
		}
	}
	return permIdx
}

// genGemvT emits y[j] = E(alpha, t_j, beta, y[j]) with t_j the ascending-row
// fma chain Σ_i A[i, j]·x[i], in column blocks of 8 vectors, then single
// vectors, then one masked vector. The caller handles alpha == 0 and m == 0.
func genGemvT(t typ) {
	name := t.name("gemvT")
	TEXT(name, NOSPLIT, fmt.Sprintf("func(m, n int, alpha %s, a []%s, lda int, x []%s, beta %s, y []%s)", t.gt, t.gt, t.gt, t.gt, t.gt))
	Pragma("noescape")
	Doc(name + " computes Gemv with transpose for alpha ≠ 0, m > 0. Reference: gemvGeneric.")
	n := Load(Param("n"), GP64())
	pa := Load(Param("a").Base(), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(Imm(t.shift), lda)
	py := Load(Param("y").Base(), GP64())
	alphaS := t.loadScalar("alpha")
	betaS := t.loadScalar("beta")
	betaZero := isZero(t, betaS)
	alpha, beta := YMM(), YMM()
	t.bcast(alphaS, alpha)
	t.bcast(betaS, beta)

	block := func(B int, masked bool, lbl string) {
		var mask reg.VecVirtual
		if masked {
			mask = t.tailMask(n)
		}
		acc := make([]reg.VecVirtual, B)
		for v := range acc {
			acc[v] = YMM()
			VXORPS(acc[v], acc[v], acc[v])
		}
		row := GP64()
		MOVQ(pa, row)
		px := Load(Param("x").Base(), GP64())
		i := Load(Param("m"), GP64())
		Label(lbl + "_k")
		xb := YMM()
		t.bcast(Mem{Base: px}, xb)
		for v := range B {
			if masked {
				av := YMM()
				t.maskload(Mem{Base: row, Disp: v * vb}, mask, av)
				t.fma231(av, xb, acc[v])
			} else {
				t.fma231(Mem{Base: row, Disp: v * vb}, xb, acc[v])
			}
		}
		ADDQ(lda, row)
		ADDQ(U32(t.size), px)
		DECQ(i)
		JNZ(LabelRef(lbl + "_k"))
		TESTQ(betaZero, betaZero)
		JZ(LabelRef(lbl + "_fma"))
		for v := range B {
			t.mul(alpha, acc[v], acc[v])
		}
		JMP(LabelRef(lbl + "_store"))
		Label(lbl + "_fma")
		for v := range B {
			c := YMM()
			if masked {
				t.maskload(Mem{Base: py, Disp: v * vb}, mask, c)
			} else {
				t.movu(Mem{Base: py, Disp: v * vb}, c)
			}
			t.mul(beta, c, c)
			t.fma231(acc[v], alpha, c) // c = alpha·t + beta·y
			VMOVAPS(c, acc[v])
		}
		Label(lbl + "_store")
		for v := range B {
			if masked {
				t.maskstore(acc[v], mask, Mem{Base: py, Disp: v * vb})
			} else {
				t.movu(acc[v], Mem{Base: py, Disp: v * vb})
			}
		}
	}
	for _, B := range []int{8, 1} {
		lbl := fmt.Sprintf("b%d", B)
		Label(lbl)
		CMPQ(n, U32(B*t.vw))
		JL(LabelRef(lbl + "_end"))
		block(B, false, lbl)
		ADDQ(U32(B*vb), pa)
		ADDQ(U32(B*vb), py)
		SUBQ(U32(B*t.vw), n)
		JMP(LabelRef(lbl))
		Label(lbl + "_end")
	}
	TESTQ(n, n)
	JZ(LabelRef("done"))
	block(1, true, "bm")
	Label("done")
	VZEROUPPER()
	RET()
}
