package analysis

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		eig      []complex128
		kind     Kind
		unstable int
	}{
		{[]complex128{-1, -2}, StableNode, 0},
		{[]complex128{complex(-1, 2), complex(-1, -2)}, StableSpiral, 0},
		{[]complex128{1, -1}, Saddle, 1},
		{[]complex128{complex(0.1, 10), complex(0.1, -10), -13}, Saddle, 2},
		{[]complex128{1, 2}, UnstableNode, 2},
		{[]complex128{complex(1, 1), complex(1, -1)}, UnstableSpiral, 2},
		{[]complex128{complex(0, 1), complex(0, -1)}, Center, 0},
		{[]complex128{0, -1}, Center, 0},
	} {
		k, u := Classify(tc.eig, 1e-9)
		if k != tc.kind || u != tc.unstable {
			t.Errorf("Classify(%v) = %v, %d; want %v, %d", tc.eig, k, u, tc.kind, tc.unstable)
		}
	}
	if Saddle.String() != "saddle" || !StableSpiral.Stable() || Saddle.Stable() {
		t.Error("Kind names or Stable wrong")
	}
}

// grid returns the points of a k^dim grid over [lo, hi]^dim.
func fpGrid(dim, k int, lo, hi float64) []float64 {
	total := 1
	for range dim {
		total *= k
	}
	out := make([]float64, 0, total*dim)
	for i := 0; i < total; i++ {
		r := i
		for d := 0; d < dim; d++ {
			out = append(out, lo+(hi-lo)*float64(r%k)/float64(k-1))
			r /= k
		}
	}
	return out
}

func nearVec(a, b []float64, tol float64) bool {
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

func TestFixedPointsDoubleWell(t *testing.T) {
	r, err := FixedPoints(AsDynamics(DoubleWell{}), nil, fpGrid(2, 9, -2, 2), FixedPointConfig{Starts: 64})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != 3 {
		t.Fatalf("%d points, want 3: %+v", len(r.Points), r.Points)
	}
	want := []struct {
		h    []float64
		kind Kind
		eig  []complex128
	}{
		{[]float64{-1, 0}, StableNode, []complex128{-1, -2}},
		{[]float64{1, 0}, StableNode, []complex128{-1, -2}},
		{[]float64{0, 0}, Saddle, []complex128{1, -1}},
	}
	for i, w := range want {
		p := r.Points[i]
		if !nearVec(p.H, w.h, 1e-10) || p.Kind != w.kind || p.Slow || p.Speed > 1e-12 {
			t.Fatalf("point %d: %+v, want %v at %v", i, p, w.kind, w.h)
		}
		for k, e := range w.eig {
			if cmplx.Abs(p.Eigenvalues[k]-e) > 1e-9 {
				t.Fatalf("point %d eigenvalues %v, want %v", i, p.Eigenvalues, w.eig)
			}
		}
	}
	if u := r.Points[2].UnstableModes; len(u) != 1 || math.Abs(math.Abs(u[0][0])-1) > 1e-9 {
		t.Fatalf("saddle unstable mode %v, want ±(1, 0)", u)
	}
}

func TestFixedPointsLorenz(t *testing.T) {
	d := dsLorenz(t)
	r, err := FixedPoints(AsDynamics(Lorenz63{}), nil, d.raw[:3*5000], FixedPointConfig{Starts: 128})
	if err != nil {
		t.Fatal(err)
	}
	fixed := r.Fixed()
	if len(fixed) != 3 || len(r.Points) != 3 {
		t.Fatalf("%d fixed points (%d points), want Lorenz's 3", len(fixed), len(r.Points))
	}
	c := math.Sqrt(8.0 / 3 * 27)
	// Sorted by unstable modes: the origin (1), then C− and C+ (2 each).
	want := [][]float64{{0, 0, 0}, {-c, -c, 27}, {c, c, 27}}
	for i, p := range fixed {
		if !nearVec(p.H, want[i], 1e-9) {
			t.Fatalf("point %d at %v, want %v", i, p.H, want[i])
		}
		t.Logf("%v: %v, %d unstable, eigenvalues %.4f (%d starts)", want[i], p.Kind, p.Unstable, p.Eigenvalues, p.Starts)
	}
	if fixed[0].Kind != Saddle || fixed[0].Unstable != 1 || math.Abs(real(fixed[0].Eigenvalues[0])-11.8277) > 1e-3 {
		t.Fatalf("origin: %v with %d unstable, eigenvalues %v", fixed[0].Kind, fixed[0].Unstable, fixed[0].Eigenvalues)
	}
	for _, p := range fixed[1:] {
		// Saddle-foci: 0.0940 ± 10.1945i and −13.8546.
		if p.Kind != Saddle || p.Unstable != 2 || math.Abs(real(p.Eigenvalues[0])-0.0940) > 1e-3 ||
			math.Abs(math.Abs(imag(p.Eigenvalues[0]))-10.1945) > 1e-3 || math.Abs(real(p.Eigenvalues[2])+13.8546) > 1e-3 {
			t.Fatalf("C±: %v with %d unstable, eigenvalues %v", p.Kind, p.Unstable, p.Eigenvalues)
		}
	}
}

// bitsOf thresholds outputs at 0.5.
func bitsOf(y []float64) string {
	s := ""
	for _, v := range y {
		if v > 0.5 {
			s += "1"
		} else {
			s += "0"
		}
	}
	return s
}

func TestFixedPointsFlipFlopNet(t *testing.T) {
	for _, extra := range []int{0, 5} {
		t.Run(fmt.Sprintf("N=%d", 3+extra), func(t *testing.T) {
			net, err := NewFlipFlopNet(0, 0, extra)
			if err != nil {
				t.Fatal(err)
			}
			n := net.StateDim()
			// Visited states: a grid over the memory units, extra units at
			// rest, plus noise (added by FixedPoints).
			g := fpGrid(3, 5, -1, 1)
			visited := make([]float64, 0, len(g)/3*n)
			for i := 0; i < len(g)/3; i++ {
				visited = append(visited, g[3*i:3*i+3]...)
				visited = append(visited, make([]float64, extra)...)
			}
			r, err := FixedPoints(net, []float64{0, 0, 0}, visited, FixedPointConfig{Starts: 300})
			if err != nil {
				t.Fatal(err)
			}
			byUnstable := map[int]int{}
			patterns := map[string]bool{}
			for _, p := range r.Points {
				if p.Slow {
					t.Fatalf("unexpected slow point %+v", p)
				}
				byUnstable[p.Unstable]++
				if p.Kind.Stable() {
					b := bitsOf(p.Output)
					patterns[b] = true
					for i := 0; i < 3; i++ {
						if want := float64(b[i] - '0'); math.Abs(p.Output[i]-want) > 0.1 {
							t.Fatalf("stable state %s decodes to %v", b, p.Output)
						}
					}
				}
			}
			t.Logf("%d points: by unstable modes %v; stable patterns %d; rejected %d", len(r.Points), byUnstable, len(patterns), r.Rejected)
			if len(r.Points) != 27 || byUnstable[0] != 8 || byUnstable[1] != 12 || byUnstable[2] != 6 || byUnstable[3] != 1 || len(patterns) != 8 {
				t.Fatalf("found %d points %v with %d stable patterns; want 27 = 8 stable nodes + 12 + 6 saddles + 1 unstable node", len(r.Points), byUnstable, len(patterns))
			}
		})
	}
}

// ghost is the saddle-node ghost dx/dt = x² + ε, dy/dt = −y: no
// equilibrium, but a bottleneck at the origin where the flow is slow.
type ghost struct{ eps float64 }

func (ghost) Dim() int { return 2 }
func (g ghost) VectorField(dst, x []float64) {
	dst[0] = x[0]*x[0] + g.eps
	dst[1] = -x[1]
}
func (ghost) Jacobian(jac, x []float64) {
	jac[0], jac[1], jac[2], jac[3] = 2*x[0], 0, 0, -1
}

func TestFixedPointsSlowPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	visited := make([]float64, 2*50)
	for i := range visited {
		visited[i] = 0.5 * rng.NormFloat64()
	}
	r, err := FixedPoints(AsDynamics(ghost{1e-4}), nil, visited, FixedPointConfig{Starts: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != 1 || !r.Points[0].Slow {
		t.Fatalf("points %+v, want one slow point", r.Points)
	}
	p := r.Points[0]
	// Over 100 time units from x = 0: x(t) = √ε·tan(√ε·t) = 0.01·tan(1).
	if !nearVec(p.H, []float64{0, 0}, 1e-6) || math.Abs(p.Speed-1e-4) > 1e-9 || math.Abs(p.Drift-0.01*math.Tan(1)) > 1e-5 {
		t.Fatalf("slow point %+v; want (0, 0), speed 1e-4, drift %v", p, 0.01*math.Tan(1))
	}
	if p.Kind != Center {
		t.Fatalf("kind %v, want center (zero eigenvalue)", p.Kind)
	}
	// With a larger ε the bottleneck is passed quickly: no slow point.
	r, err = FixedPoints(AsDynamics(ghost{0.01}), nil, visited, FixedPointConfig{Starts: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Points) != 0 || r.Rejected != 20 {
		t.Fatalf("ε = 0.01: %d points, %d rejected; want none and 20", len(r.Points), r.Rejected)
	}
}

func TestFixedPointsErrors(t *testing.T) {
	net, _ := NewFlipFlopNet(0, 0, 0)
	v := fpGrid(3, 3, -1, 1)
	for _, tc := range []struct {
		name string
		x, v []float64
		c    FixedPointConfig
	}{
		{"input length", []float64{0}, v, FixedPointConfig{}},
		{"ragged visited", []float64{0, 0, 0}, v[:4], FixedPointConfig{}},
		{"starts", []float64{0, 0, 0}, v, FixedPointConfig{Starts: -1}},
		{"slow below fixed", []float64{0, 0, 0}, v, FixedPointConfig{SlowSpeed: 1e-10, FixedTol: 1e-6}},
		{"nan input", []float64{0, math.NaN(), 0}, v, FixedPointConfig{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := FixedPoints(net, tc.x, tc.v, tc.c); !errors.Is(err, param.ErrInvalid) {
				t.Fatalf("err = %v, want a param error", err)
			}
		})
	}
}
