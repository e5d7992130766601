package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBlas1(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testBlas1[float32])
		t.Run("float64", testBlas1[float64])
	})
}

func testBlas1[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range testLengths(r) {
		for off := range 4 {
			specials := (n+off)%3 == 0
			x, xb := guarded[T](n, off)
			y, yb := guarded[T](n, (off+1)%4)
			d, db := guarded[T](n, (off+2)%4)
			fill(r, x, specials)
			fill(r, y, specials)
			x0, y0 := slices.Clone(x), slices.Clone(y)
			alpha := T(4*r.Float64() - 2)
			name := fmt.Sprintf("n=%d/off=%d", n, off)

			if got, want := Dot(x, y), dotNaive(x0, y0); !sameBits(got, want) {
				t.Fatalf("%s: Dot = %v, want %v", name, got, want)
			}
			if firstDiff(x, x0) >= 0 || firstDiff(y, y0) >= 0 {
				t.Fatalf("%s: Dot changed its inputs", name)
			}

			want := slices.Clone(y0)
			axpyGeneric(alpha, x0, want)
			Axpy(alpha, x, y)
			if i := firstDiff(y, want); i >= 0 {
				t.Fatalf("%s: Axpy y[%d] = %v, want %v", name, i, y[i], want[i])
			}
			if firstDiff(x, x0) >= 0 {
				t.Fatalf("%s: Axpy changed x", name)
			}
			copy(y, y0)

			want = slices.Clone(x0)
			scalGeneric(alpha, want)
			Scal(alpha, x)
			if i := firstDiff(x, want); i >= 0 {
				t.Fatalf("%s: Scal x[%d] = %v, want %v", name, i, x[i], want[i])
			}
			copy(x, x0)

			want = make([]T, n)
			addGeneric(want, x0, y0)
			Add(d, x, y)
			if i := firstDiff(d, want); i >= 0 {
				t.Fatalf("%s: Add dst[%d] = %v, want %v", name, i, d[i], want[i])
			}
			mulGeneric(want, x0, y0)
			Mul(d, x, y)
			if i := firstDiff(d, want); i >= 0 {
				t.Fatalf("%s: Mul dst[%d] = %v, want %v", name, i, d[i], want[i])
			}
			if firstDiff(x, x0) >= 0 || firstDiff(y, y0) >= 0 {
				t.Fatalf("%s: Add/Mul changed their inputs", name)
			}
			checkGuards(t, name+" x", xb, off, n)
			checkGuards(t, name+" y", yb, (off+1)%4, n)
			checkGuards(t, name+" dst", db, (off+2)%4, n)
		}
	}
}

// TestDotAccuracy bounds the reference's error against an exact sum:
// |Dot − Σ| ≤ (n+1)·eps·Σ|x·y| (the classic bound; the lane order is a
// reassociation of the sequential sum).
func TestDotAccuracy(t *testing.T) {
	t.Run("float32", testDotAccuracy[float32])
	t.Run("float64", testDotAccuracy[float64])
}

func testDotAccuracy[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	eps := 0x1p-24
	if !is32[T]() {
		eps = 0x1p-53
	}
	for _, n := range []int{1, 7, 31, 32, 33, 100, 1000, 4096} {
		x, y := make([]T, n), make([]T, n)
		fill(r, x, false)
		fill(r, y, false)
		var exact, abs float64
		var c float64 // Kahan–Babuška in float64 is exact enough at these sizes for float32
		for i := range x {
			p := float64(x[i]) * float64(y[i])
			s := exact + p
			if math.Abs(exact) >= math.Abs(p) {
				c += (exact - s) + p
			} else {
				c += (p - s) + exact
			}
			exact = s
			abs += math.Abs(p)
		}
		exact += c
		got := float64(dotGeneric(x, y))
		if bound := float64(n+1) * eps * abs * 1.01; math.Abs(got-exact) > bound {
			t.Errorf("n=%d: Dot = %v, exact %v, error %g > bound %g", n, got, exact, math.Abs(got-exact), bound)
		}
	}
}

// TestDotOrder pins the canonical order on data where the order shows: large
// terms of opposite sign sit in lanes 0 and 1, small ones in lanes 2 and 0.
func TestDotOrder(t *testing.T) {
	x := make([]float32, 40)
	y := make([]float32, 40)
	for i := range y {
		y[i] = 1
	}
	x[0], x[1], x[2], x[32] = 1e8, -1e8, 1, 1
	// The documented order, written out independently of dotGeneric.
	var acc [32]float32
	for i := range x {
		acc[i%32] = fma32(x[i], y[i], acc[i%32])
	}
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			acc[j] += acc[j+w]
		}
	}
	forEachPath(t, func(t *testing.T) {
		if got := Dot(x, y); got != acc[0] {
			t.Fatalf("Dot = %v, documented order gives %v", got, acc[0])
		}
	})
}

func TestLengthPanics(t *testing.T) {
	cases := map[string]func(){
		"Dot":  func() { Dot([]float32{1}, []float32{1, 2}) },
		"Axpy": func() { Axpy(1, []float64{1}, nil) },
		"Add":  func() { Add(make([]float32, 2), []float32{1, 2}, []float32{1}) },
		"Mul":  func() { Mul(make([]float32, 1), []float32{1, 2}, []float32{1, 2}) },
		"Tanh": func() { Tanh(make([]float32, 1), []float32{1, 2}) },
		"Step": func() { Step(ActTanh, make([]float32, 1), make([]float32, 2), make([]float32, 2), 1) },
		"Gemv": func() { Gemv(false, 2, 2, 1, make([]float32, 3), 2, make([]float32, 2), 0, make([]float32, 2)) },
		"GemvLda": func() {
			Gemv(false, 2, 3, 1, make([]float32, 6), 2, make([]float32, 3), 0, make([]float32, 2))
		},
		"Gemm": func() {
			Gemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 3), 2, 0, make([]float32, 4), 2)
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if s, ok := r.(string); !ok || len(s) < 5 || s[:5] != "asm: " {
					t.Fatalf("panic %v does not start with \"asm: \"", r)
				}
			}()
			f()
		})
	}
}
