package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// tanhInputs returns inputs covering every binade that matters, the clamp,
// specials and random values.
func tanhInputs[T Float](r *rand.Rand, n int) []T {
	xs := []T{0, T(math.Copysign(0, -1)), 1, -1, 0.5, 9.1, 9.5, 10, 10.5, 19, 20, 21, 1e30,
		T(math.Inf(1)), T(math.Inf(-1)), T(math.NaN()), T(math.SmallestNonzeroFloat32), 1e-40}
	for len(xs) < n {
		e := r.Float64()*40 - 35 // |x| from 1e-11 to 32
		v := T(math.Exp2(e) * (1 + r.Float64()))
		if r.IntN(2) == 0 {
			v = -v
		}
		xs = append(xs, v)
	}
	return xs
}

func TestTanh(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testTanh[float32])
		t.Run("float64", testTanh[float64])
	})
}

func testTanh[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, n := range testLengths(r) {
		off := n % 4
		x, xb := guarded[T](n, off)
		d, db := guarded[T](n, (off+1)%4)
		copy(x, tanhInputs[T](r, n))
		r.Shuffle(n, func(i, j int) { x[i], x[j] = x[j], x[i] })
		x0 := slices.Clone(x)
		want := make([]T, n)
		tanhGeneric(want, x0)
		Tanh(d, x)
		if i := firstDiff(d, want); i >= 0 {
			t.Fatalf("n=%d: tanh(%v) = %v, want %v", n, x[i], d[i], want[i])
		}
		if firstDiff(x, x0) >= 0 {
			t.Fatalf("n=%d: Tanh changed x", n)
		}
		checkGuards(t, "x", xb, off, n)
		checkGuards(t, "dst", db, (off+1)%4, n)
		Tanh(x, x) // in place
		if i := firstDiff(x, want); i >= 0 {
			t.Fatalf("n=%d in place: tanh = %v, want %v", n, x[i], want[i])
		}
	}
}

// TestTanhAccuracy measures the ulp error of the reference formula against
// math.Tanh (float32: against float32(math.Tanh(float64(x))), which is the
// correctly rounded value except in rare double-rounding cases; float64:
// against math.Tanh, itself within about 1 ulp) over the whole real line.
func TestTanhAccuracy(t *testing.T) {
	step := uint32(97)
	if testing.Short() {
		step = 9973
	}
	worst32 := 0.0
	for b := uint32(0); b < 0x7f800000; b += step {
		x := math.Float32frombits(b)
		got := tanh32Ref(x)
		want := float32(math.Tanh(float64(x)))
		if d := ulpDiff(got, want); d > worst32 {
			worst32 = d
		}
		if tanh32Ref(-x) != -got {
			t.Fatalf("tanh32 not odd at %g", x)
		}
	}
	r := rand.New(rand.NewPCG(43, 44))
	worst64 := 0.0
	n := 2000000
	if testing.Short() {
		n = 50000
	}
	for range n {
		x := math.Float64frombits(r.Uint64() & (1<<63 - 1))
		if r.IntN(2) == 0 {
			x = math.Exp2(r.Float64()*60-50) * (1 + r.Float64())
		}
		if math.IsNaN(x) {
			continue
		}
		if d := ulpDiff(tanh64Ref(x), math.Tanh(x)); d > worst64 {
			worst64 = d
		}
	}
	t.Logf("max ulp error: float32 %v, float64 %v", worst32, worst64)
	if worst32 > 2 || worst64 > 2 {
		t.Fatalf("tanh error above the documented 2 ulp: float32 %v, float64 %v", worst32, worst64)
	}
	for _, c := range []struct{ x, want float64 }{{0, 0}, {math.Inf(1), 1}, {math.Inf(-1), -1}, {1e-40, 1e-40}} {
		if got := float64(tanh32Ref(float32(c.x))); got != float64(float32(c.want)) {
			t.Errorf("tanh32(%g) = %g, want %g", c.x, got, c.want)
		}
		if got := tanh64Ref(c.x); got != c.want {
			t.Errorf("tanh64(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if !math.IsNaN(tanh64Ref(math.NaN())) || !math.IsNaN(float64(tanh32Ref(float32(math.NaN())))) {
		t.Error("tanh(NaN) is not NaN")
	}
	if math.Signbit(tanh64Ref(math.Copysign(0, -1))) != true {
		t.Error("tanh(-0) is not -0")
	}
}

var allActs = []Activation{ActTanh, ActReLU, ActSigmoid, ActHalfTanh, ActIdentity}

func TestStep(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testStep[float32])
		t.Run("float64", testStep[float64])
	})
}

func testStep[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	for _, act := range allActs {
		for _, n := range testLengths(r) {
			off := n % 4
			name := fmt.Sprintf("%v/n=%d", act, n)
			h, hb := guarded[T](n, off)
			a, ab := guarded[T](n, (off+1)%4)
			z, zb := guarded[T](n, (off+2)%4)
			fill(r, h, n%5 == 0)
			copy(z, tanhInputs[T](r, n))
			r.Shuffle(n, func(i, j int) { z[i], z[j] = z[j], z[i] })
			alpha := T(0.2)
			h0, z0 := slices.Clone(h), slices.Clone(z)
			wh, wa := slices.Clone(h0), make([]T, n)
			stepGeneric(act, wh, wa, z0, alpha)
			Step(act, h, a, z, alpha)
			if i := firstDiff(a, wa); i >= 0 {
				t.Fatalf("%s: a[%d] = %v, want %v (z=%v)", name, i, a[i], wa[i], z[i])
			}
			if i := firstDiff(h, wh); i >= 0 {
				t.Fatalf("%s: h[%d] = %v, want %v", name, i, h[i], wh[i])
			}
			if firstDiff(z, z0) >= 0 {
				t.Fatalf("%s: z changed", name)
			}
			// Backward, with dh random.
			dz, dzb := guarded[T](n, (off+3)%4)
			dh := slices.Clone(h0)
			wdz, wdh := make([]T, n), slices.Clone(dh)
			stepBackwardGeneric(act, wdz, wdh, wa, alpha)
			StepBackward(act, dz, dh, a, z, alpha)
			if i := firstDiff(dz, wdz); i >= 0 {
				t.Fatalf("%s backward: dz[%d] = %v, want %v", name, i, dz[i], wdz[i])
			}
			if i := firstDiff(dh, wdh); i >= 0 {
				t.Fatalf("%s backward: dh[%d] = %v, want %v", name, i, dh[i], wdh[i])
			}
			checkGuards(t, name+" h", hb, off, n)
			checkGuards(t, name+" a", ab, (off+1)%4, n)
			checkGuards(t, name+" z", zb, (off+2)%4, n)
			checkGuards(t, name+" dz", dzb, (off+3)%4, n)
		}
	}
}

// TestStepSemantics checks the reference's φ and φ' against math and a
// finite-difference derivative.
func TestStepSemantics(t *testing.T) {
	phi := map[Activation]func(float64) float64{
		ActTanh:     math.Tanh,
		ActReLU:     func(z float64) float64 { return math.Max(z, 0) },
		ActSigmoid:  func(z float64) float64 { return 1 / (1 + math.Exp(-z)) },
		ActHalfTanh: func(z float64) float64 { return 0.5 + 0.5*math.Tanh(z) },
		ActIdentity: func(z float64) float64 { return z },
	}
	for _, act := range allActs {
		for _, z := range []float64{-3, -0.7, -0.1, 0.2, 0.9, 2.5} {
			a := actRef(act, z)
			if math.Abs(a-phi[act](z)) > 1e-15 {
				t.Errorf("%v(%v) = %v, want %v", act, z, a, phi[act](z))
			}
			const h = 1e-6
			fd := (phi[act](z+h) - phi[act](z-h)) / (2 * h)
			if d := dactRef(act, a); math.Abs(d-fd) > 1e-8 {
				t.Errorf("%v'(%v) = %v, finite difference %v", act, z, d, fd)
			}
		}
		h, a, z := []float64{0.5}, []float64{0}, []float64{0.3}
		Step(act, h, a, z, 0.25)
		if want := 0.5 + 0.25*(phi[act](0.3)-0.5); math.Abs(h[0]-want) > 1e-15 {
			t.Errorf("%v: Step h = %v, want %v", act, h[0], want)
		}
		dz, dh := []float64{0}, []float64{2}
		StepBackward(act, dz, dh, a, nil, 0.25)
		if dh[0] != 1.5 || math.Abs(dz[0]-0.5*dactRef(act, a[0])) > 1e-16 {
			t.Errorf("%v: StepBackward dz=%v dh=%v", act, dz[0], dh[0])
		}
	}
	if _, err := ParseActivation("softsign"); err == nil {
		t.Error("ParseActivation accepted an unknown name")
	}
	for _, act := range allActs {
		if got, err := ParseActivation(act.String()); err != nil || got != act {
			t.Errorf("ParseActivation(%q) = %v, %v", act.String(), got, err)
		}
	}
	if Activation(9).Validate() == nil {
		t.Error("Activation(9) validated")
	}
}
