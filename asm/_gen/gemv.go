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

// epiScalar stores E(alpha, s, beta, *dst) to dst for the low lane of s:
// alpha·s when beta == 0 (flag betaZero set), else fma(alpha, s, beta·dst).
func epiScalar(t typ, s reg.VecVirtual, betaZero reg.Register, dst Mem, label string) {
	alpha := Load(Param("alpha"), XMM())
	TESTQ(betaZero, betaZero)
	JZ(LabelRef(label + "_fma"))
	t.smul(alpha, s, s)
	t.smov(s, dst)
	JMP(LabelRef(label + "_done"))
	Label(label + "_fma")
	c := XMM()
	t.smov(dst, c)
	beta := Load(Param("beta"), XMM())
	t.smul(beta, c, c)
	t.sfma231(s, alpha, c) // c = alpha·s + c
	t.smov(c, dst)
	Label(label + "_done")
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

// genGemvN emits y[i] = E(alpha, Dot(A[i, :n], x), beta, y[i]) for all m rows,
// three rows at a time sharing the loads of x, each row reduced in exactly
// the canonical Dot order. The caller handles alpha == 0 and n == 0.
func genGemvN(t typ) {
	name := t.name("gemvN")
	TEXT(name, NOSPLIT, fmt.Sprintf("func(m, n int, alpha %s, a []%s, lda int, x []%s, beta %s, y []%s)", t.gt, t.gt, t.gt, t.gt, t.gt))
	Pragma("noescape")
	Doc(name + " computes Gemv without transpose for alpha ≠ 0, n > 0. Reference: gemvGeneric.")
	m := Load(Param("m"), GP64())
	pa := Load(Param("a").Base(), GP64())
	lda := Load(Param("lda"), GP64())
	SHLQ(Imm(t.shift), lda)
	py := Load(Param("y").Base(), GP64())
	betaZero := isZero(t, Load(Param("beta"), XMM()).(reg.VecVirtual))
	L := 4 * t.vw

	for _, R := range []int{3, 1} {
		lbl := func(s string) string { return fmt.Sprintf("r%d_%s", R, s) }
		Label(lbl("rows"))
		CMPQ(m, U32(R))
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
			for r := range R {
				av := YMM()
				t.maskload(Mem{Base: rows[r]}, mask, av)
				t.fma231(av, xv, acc[r][j])
			}
			JMP(LabelRef(lbl("fold")))
		}
		Label(lbl("fold"))
		for r := range R {
			t.add(acc[r][2], acc[r][0], acc[r][0])
			t.add(acc[r][3], acc[r][1], acc[r][1])
			t.add(acc[r][1], acc[r][0], acc[r][0])
			s := t.hsum(acc[r][0])
			epiScalar(t, s, betaZero, Mem{Base: py, Disp: r * t.size}, lbl(fmt.Sprintf("epi%d", r)))
		}
		ADDQ(U32(R*t.size), py)
		for range R {
			ADDQ(lda, pa)
		}
		SUBQ(U32(R), m)
		JMP(LabelRef(lbl("rows")))
		Label(lbl("end"))
	}
	VZEROUPPER()
	RET()
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
	alphaS := Load(Param("alpha"), XMM())
	betaS := Load(Param("beta"), XMM()).(reg.VecVirtual)
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
