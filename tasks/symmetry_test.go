package tasks

import (
	"math"
	"strings"
	"testing"
)

// TestReflectLorenz checks that the reflected train split is (−x, −y, z) of
// the original in original units and that it satisfies the Lorenz equations
// as well as the original does: the central-difference residual
// (x_{t+1} − x_{t−1})/2dt − f(x_t) of the image is the image of the
// original's residual, so its norm matches at every sample.
func TestReflectLorenz(t *testing.T) {
	d, err := GenerateLorenz(LorenzConfig{TrainT: 20, ValT: 5, TestT: 5, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	sym := d.Symmetries()
	if len(sym) != 1 || len(sym[0]) != 2 || sym[0][0] != 0 || sym[0][1] != 1 {
		t.Fatalf("Symmetries() = %v, want [[0 1]]", sym)
	}
	r, err := d.Reflect(&d.Train, sym[0])
	if err != nil {
		t.Fatal(err)
	}
	if r.Len != d.Train.Len || r.Dim != 3 || len(r.Data32) != len(r.Data) {
		t.Fatalf("reflected series: Len %d Dim %d, %d float32 values", r.Len, r.Dim, len(r.Data32))
	}
	orig, refl := make([]float64, len(d.Train.Data)), make([]float64, len(r.Data))
	d.Denormalize(orig, d.Train.Data)
	d.Denormalize(refl, r.Data)
	for i := 0; i < d.Train.Len; i++ {
		want := [3]float64{-orig[3*i], -orig[3*i+1], orig[3*i+2]}
		for j := range 3 {
			if math.Abs(refl[3*i+j]-want[j]) > 1e-9*(1+math.Abs(want[j])) {
				t.Fatalf("sample %d variable %d: reflected %v, want %v", i, j, refl[3*i+j], want[j])
			}
		}
	}
	sys := Lorenz{}.withDefaults()
	resid := func(x []float64, i int) float64 {
		f := make([]float64, 3)
		sys.VectorField(0, x[3*i:3*i+3], f)
		var s float64
		for j := range 3 {
			e := (x[3*(i+1)+j]-x[3*(i-1)+j])/(2*d.Dt) - f[j]
			s += e * e
		}
		return math.Sqrt(s)
	}
	for i := 1; i+1 < d.Train.Len; i += 7 {
		ro, rr := resid(orig, i), resid(refl, i)
		if math.Abs(ro-rr) > 1e-6*(1+ro) {
			t.Fatalf("sample %d: Lorenz residual %v of the image, %v of the original", i, rr, ro)
		}
	}
}

func TestSymmetriesUserData(t *testing.T) {
	d := &Dataset{Name: "my-series", Dim: 3, Mean: []float64{0, 0, 0}, Std: []float64{1, 1, 1}}
	if s := d.Symmetries(); s != nil {
		t.Fatalf("a user's series has symmetries %v", s)
	}
}

func TestReflectErrors(t *testing.T) {
	d, err := GenerateLorenz(LorenzConfig{TrainT: 5, ValT: 2, TestT: 2, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reflect(&d.Train, []int{3}); err == nil || !strings.Contains(err.Error(), "vars") {
		t.Fatalf("variable 3 of 3: err %v, want one naming vars", err)
	}
	other := Series{Name: "x", Len: 2, Dim: 2, Data: make([]float64, 4)}
	if _, err := d.Reflect(&other, []int{0}); err == nil || !strings.Contains(err.Error(), "dimension") {
		t.Fatalf("2-dimensional series: err %v", err)
	}
}

func TestJoin(t *testing.T) {
	d, err := GenerateLorenz(LorenzConfig{TrainT: 5, ValT: 2, TestT: 2, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewWindows(&d.Train, 10, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	r, err := d.Reflect(&d.Train, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewWindows(&r, 10, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	j, err := Join(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if j.Len() != a.Len()+b.Len() || j.InputSize() != 30 || j.TargetSize() != 3 {
		t.Fatalf("Join: Len %d InputSize %d TargetSize %d", j.Len(), j.InputSize(), j.TargetSize())
	}
	x, y := make([]float32, 30), make([]float32, 3)
	wx, wy := make([]float32, 30), make([]float32, 3)
	for _, i := range []int{0, a.Len() - 1, a.Len(), j.Len() - 1} {
		j.Fill(i, x, y)
		if i < a.Len() {
			a.Fill(i, wx, wy)
		} else {
			b.Fill(i-a.Len(), wx, wy)
		}
		for k := range x {
			if x[k] != wx[k] {
				t.Fatalf("sample %d input %d: %v, want %v", i, k, x[k], wx[k])
			}
		}
		for k := range y {
			if y[k] != wy[k] {
				t.Fatalf("sample %d target %d: %v, want %v", i, k, y[k], wy[k])
			}
		}
	}
	c, err := NewWindows(&d.Train, 12, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Join(a, c); err == nil || !strings.Contains(err.Error(), "source 1") {
		t.Fatalf("Join of windows of 10 and 12 samples: err %v", err)
	}
	if _, err := Join(); err == nil {
		t.Fatal("Join(): no error")
	}
}
