package asm

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// Differential fuzzing: each target turns the fuzz bytes into float32 and
// float64 values (any bit pattern: NaNs, infinities, subnormals), runs the
// kernel on every available path and demands results bit-identical to the
// pure-Go reference. Run with e.g. `go test -fuzz FuzzBlas1 -fuzztime 30s ./asm`,
// with and without -tags noasm.

func floats32(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func floats64(b []byte) []float64 {
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// onPaths runs f on every available path (restoring the default after).
func onPaths(f func()) {
	defer Reset()
	for _, p := range Paths() {
		_ = Select(p)
		f()
	}
}

func fuzzSeeds(f *testing.F) {
	f.Add([]byte{}, 1.5)
	f.Add(make([]byte, 200), -0.25)
	b := make([]byte, 0, 600)
	for i := range 150 {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(i)*0.37-20))
	}
	f.Add(b, 0.75)
	f.Add(append(b, 0xff, 0xff, 0xc0, 0x7f, 0, 0, 0x80, 0x7f), 3.0)
}

func FuzzBlas1(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, alpha float64) {
		fuzzBlas1(t, floats32(data), float32(alpha))
		fuzzBlas1(t, floats64(data), alpha)
	})
}

func fuzzBlas1[T Float](t *testing.T, v []T, alpha T) {
	n := len(v) / 2
	x, y := v[:n], v[n:2*n]
	wantDot := dotGeneric(x, y)
	wantAxpy := slices.Clone(y)
	axpyGeneric(alpha, x, wantAxpy)
	wantAdd, wantMul, wantScal := make([]T, n), make([]T, n), slices.Clone(x)
	addGeneric(wantAdd, x, y)
	mulGeneric(wantMul, x, y)
	scalGeneric(alpha, wantScal)
	onPaths(func() {
		if got := Dot(x, y); !sameBits(got, wantDot) {
			t.Fatalf("%s n=%d: Dot = %v, want %v", Path(), n, got, wantDot)
		}
		got := slices.Clone(y)
		Axpy(alpha, x, got)
		if i := firstDiff(got, wantAxpy); i >= 0 {
			t.Fatalf("%s: Axpy[%d] = %v, want %v", Path(), i, got[i], wantAxpy[i])
		}
		Add(got, x, y)
		if i := firstDiff(got, wantAdd); i >= 0 {
			t.Fatalf("%s: Add[%d] = %v, want %v", Path(), i, got[i], wantAdd[i])
		}
		Mul(got, x, y)
		if i := firstDiff(got, wantMul); i >= 0 {
			t.Fatalf("%s: Mul[%d] = %v, want %v", Path(), i, got[i], wantMul[i])
		}
		copy(got, x)
		Scal(alpha, got)
		if i := firstDiff(got, wantScal); i >= 0 {
			t.Fatalf("%s: Scal[%d] = %v, want %v", Path(), i, got[i], wantScal[i])
		}
	})
}

func FuzzTanhStep(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, alpha float64) {
		fuzzAct(t, floats32(data), float32(alpha))
		fuzzAct(t, floats64(data), alpha)
	})
}

func fuzzAct[T Float](t *testing.T, v []T, alpha T) {
	n := len(v) / 2
	z, h0 := v[:n], v[n:2*n]
	want := make([]T, n)
	tanhGeneric(want, z)
	onPaths(func() {
		got := make([]T, n)
		Tanh(got, z)
		if i := firstDiff(got, want); i >= 0 {
			t.Fatalf("%s: tanh(%v) = %v, want %v", Path(), z[i], got[i], want[i])
		}
	})
	for _, act := range allActs {
		wh, wa := slices.Clone(h0), make([]T, n)
		stepGeneric(act, wh, wa, z, alpha)
		wdz, wdh := make([]T, n), slices.Clone(h0)
		stepBackwardGeneric(act, wdz, wdh, wa, alpha)
		onPaths(func() {
			h, a := slices.Clone(h0), make([]T, n)
			Step(act, h, a, z, alpha)
			if i := firstDiff(a, wa); i >= 0 {
				t.Fatalf("%s %v: a[%d] = %v, want %v", Path(), act, i, a[i], wa[i])
			}
			if i := firstDiff(h, wh); i >= 0 {
				t.Fatalf("%s %v: h[%d] = %v, want %v", Path(), act, i, h[i], wh[i])
			}
			dz, dh := make([]T, n), slices.Clone(h0)
			StepBackward(act, dz, dh, wa, nil, alpha)
			if i := firstDiff(dz, wdz); i >= 0 {
				t.Fatalf("%s %v: dz[%d] = %v, want %v", Path(), act, i, dz[i], wdz[i])
			}
			if i := firstDiff(dh, wdh); i >= 0 {
				t.Fatalf("%s %v: dh[%d] = %v, want %v", Path(), act, i, dh[i], wdh[i])
			}
		})
	}
}

// FuzzGemm covers Gemv and Gemm: the first bytes choose the shape, the
// transposes and the leading-dimension padding; the rest fill the matrices.
func FuzzGemm(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, alpha float64) {
		if len(data) < 6 {
			return
		}
		hdr, body := data[:6], data[6:]
		fuzzGemm(t, hdr, floats32(body), float32(alpha))
		fuzzGemm(t, hdr, floats64(body), alpha)
	})
}

func fuzzGemm[T Float](t *testing.T, hdr []byte, v []T, alpha T) {
	m, n, k := int(hdr[0]%40), int(hdr[1]%40), int(hdr[2]%40)
	ta, tb := hdr[3]&1 != 0, hdr[3]&2 != 0
	pad := int(hdr[4] % 3)
	beta := []T{0, 1, -0.5, alpha}[hdr[5]%4]
	at := func(i int) T {
		if len(v) == 0 {
			return T(i%7) - 3
		}
		return v[i%len(v)]
	}
	fillFrom := func(s []T, off int) {
		for i := range s {
			s[i] = at(off + i)
		}
	}
	ar, ac := m, k
	if ta {
		ar, ac = k, m
	}
	br, bc := k, n
	if tb {
		br, bc = n, k
	}
	lda, ldb, ldc := max(1, ac)+pad, max(1, bc)+pad, max(1, n)+pad
	a := make([]T, max(0, (ar-1)*lda+ac))
	b := make([]T, max(0, (br-1)*ldb+bc))
	c := make([]T, max(0, (m-1)*ldc+n))
	fillFrom(a, 0)
	fillFrom(b, 7)
	fillFrom(c, 13)
	want := slices.Clone(c)
	if m > 0 && n > 0 {
		gemmGeneric(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	}
	// Gemv on A as stored (ar×ac, leading dimension lda), transposed when ta.
	lx, ly := ac, ar
	if ta {
		lx, ly = ar, ac
	}
	x, y0 := make([]T, lx), make([]T, ly)
	fillFrom(x, 3)
	fillFrom(y0, 5)
	wantY := slices.Clone(y0)
	if len(a) > 0 || ar == 0 || ac == 0 {
		gemvGeneric(ta, ar, ac, alpha, a, lda, x, beta, wantY)
	}
	onPaths(func() {
		got := slices.Clone(c)
		Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
		if i := firstDiff(got, want); i >= 0 {
			t.Fatalf("%s m=%d n=%d k=%d ta=%v tb=%v: c[%d] = %v, want %v", Path(), m, n, k, ta, tb, i, got[i], want[i])
		}
		y := slices.Clone(y0)
		Gemv(ta, ar, ac, alpha, a, lda, x, beta, y)
		if i := firstDiff(y, wantY); i >= 0 {
			t.Fatalf("%s Gemv m=%d n=%d ta=%v: y[%d] = %v, want %v", Path(), ar, ac, ta, i, y[i], wantY[i])
		}
	})
}

// FuzzLIF runs LIFStep from fuzzed states and inputs on every path.
func FuzzLIF(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, theta float64) {
		vals := floats32(data)
		n := len(vals) / 6
		p := LIFProp{P22: 0.99, P11e: 0.95, P11i: 0.98, P21e: 0.0004, P21i: 0.0003, P20: 0.04,
			Theta: float32(theta), VReset: -0.5, RefSteps: int32(len(data) % 5)}
		state := func() (v, ie, ii, inE, inI, dc []float32, refr []int32) {
			v, ie, ii = slices.Clone(vals[:n]), slices.Clone(vals[n:2*n]), slices.Clone(vals[2*n:3*n])
			inE, inI, dc = slices.Clone(vals[3*n:4*n]), slices.Clone(vals[4*n:5*n]), slices.Clone(vals[5*n:6*n])
			refr = make([]int32, n)
			for j := range refr {
				refr[j] = int32(j % 3)
			}
			return
		}
		for _, withDC := range []bool{true, false} {
			wv, wie, wii, winE, winI, wdc, wrefr := state()
			if !withDC {
				wdc = nil
			}
			ws := make([]int32, n)
			wn := lifStepGeneric(&p, wv, wie, wii, winE, winI, wdc, wrefr, ws)
			onPaths(func() {
				gv, gie, gii, ginE, ginI, gdc, grefr := state()
				if !withDC {
					gdc = nil
				}
				gs := make([]int32, n)
				gn := LIFStep(&p, gv, gie, gii, ginE, ginI, gdc, grefr, gs)
				if gn != wn || !slices.Equal(gs[:gn], ws[:wn]) || firstDiff(gv, wv) >= 0 || firstDiff(gie, wie) >= 0 ||
					firstDiff(gii, wii) >= 0 || !slices.Equal(grefr, wrefr) {
					t.Fatalf("%s dc=%v n=%d: LIFStep differs from the reference", Path(), withDC, n)
				}
			})
		}
	})
}
