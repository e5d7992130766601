package analysis

import (
	"math"
	"sync"
	"testing"

	"github.com/neurodyn/neurodyn/ode"
)

// dsLorenzData is a normalized Lorenz-63 trajectory shared by the tests:
// 20000 samples dt = 0.01 apart after a transient of 10, z-scored with its
// own mean and population std.
type dsLorenzData struct {
	raw, norm []float64
	mean, std [3]float64
	n         int
	dt        float64
}

var (
	dsLorenzOnce sync.Once
	dsLorenzTD   dsLorenzData
	dsLorenzErr  error
)

func dsLorenz(t testing.TB) *dsLorenzData {
	t.Helper()
	dsLorenzOnce.Do(func() {
		const n = 20000
		raw, err := SampleFlow(Lorenz63{}, []float64{1, 1, 1}, 0.01, n, 10)
		if err != nil {
			dsLorenzErr = err
			return
		}
		d := dsLorenzData{raw: raw, n: n, dt: 0.01, norm: make([]float64, len(raw))}
		for j := 0; j < 3; j++ {
			var s float64
			for i := 0; i < n; i++ {
				s += raw[3*i+j]
			}
			d.mean[j] = s / n
			var v float64
			for i := 0; i < n; i++ {
				e := raw[3*i+j] - d.mean[j]
				v += e * e
			}
			d.std[j] = math.Sqrt(v / n)
		}
		for i, v := range raw {
			d.norm[i] = (v - d.mean[i%3]) / d.std[i%3]
		}
		dsLorenzTD = d
	})
	if dsLorenzErr != nil {
		t.Fatal(dsLorenzErr)
	}
	return &dsLorenzTD
}

// exactLorenz is a learn.Stepper that forecasts normalized Lorenz data by
// integrating the true equations over one sample interval (classic RK4,
// 10 substeps). Its state is empty: the forecast depends on the input only.
// kick, when non-zero, is added to the input of the kickAt-th step after a
// Reset (counting from 0).
type exactLorenz struct {
	d      *dsLorenzData
	solver *ode.Fixed[float64]
	buf    []float64
	steps  int
	kick   float64
	kickAt int
}

func newExactLorenz(t testing.TB, d *dsLorenzData) *exactLorenz {
	s, err := ode.NewFixed[float64](ode.RK4, 3)
	if err != nil {
		t.Fatal(err)
	}
	return &exactLorenz{d: d, solver: s, buf: make([]float64, 3)}
}

func (e *exactLorenz) InputDim() int          { return 3 }
func (e *exactLorenz) OutputDim() int         { return 3 }
func (e *exactLorenz) StateDim() int          { return 0 }
func (e *exactLorenz) Reset()                 { e.steps = 0 }
func (e *exactLorenz) State(dst []float64)    {}
func (e *exactLorenz) SetState(src []float64) {}
func (e *exactLorenz) Step(y, x []float64) {
	for j := 0; j < 3; j++ {
		e.buf[j] = x[j]*e.d.std[j] + e.d.mean[j]
	}
	if e.kick != 0 && e.steps == e.kickAt {
		e.buf[0] += e.kick * e.d.std[0]
	}
	e.steps++
	l := Lorenz63{}
	f := func(_ float64, y, dydt []float64) { l.VectorField(dydt, y) }
	if err := e.solver.Integrate(f, 0, e.d.dt, 10, e.buf); err != nil {
		panic(err)
	}
	for j := 0; j < 3; j++ {
		y[j] = (e.buf[j] - e.d.mean[j]) / e.d.std[j]
	}
}

// persistence forecasts the next sample as the current input.
type holdModel struct{ dim int }

func (p holdModel) InputDim() int          { return p.dim }
func (p holdModel) OutputDim() int         { return p.dim }
func (p holdModel) StateDim() int          { return 0 }
func (p holdModel) Reset()                 {}
func (p holdModel) State(dst []float64)    {}
func (p holdModel) SetState(src []float64) {}
func (p holdModel) Step(y, x []float64)    { copy(y, x) }

// TestSystemsExactParameters: a zero field means the default (Henon{A: 0}
// is a = 1.4, Rossler{A: 0} a = 0.2); NewHenon and NewRossler take zeros
// as given, which had no way to be expressed.
func TestSystemsExactParameters(t *testing.T) {
	x := []float64{0.5, 0.2}
	var def, exact [2]float64
	Henon{B: 0.3}.Next(def[:], x)
	NewHenon(0, 0.3).Next(exact[:], x)
	if math.Abs(def[0]-0.85) > 1e-15 || exact[0] != 1.2 || exact[1] != 0.3*0.5 {
		t.Fatalf("Hénon a = 0: default %v, exact %v", def, exact)
	}
	// b = 0 is the one-dimensional quadratic map.
	NewHenon(1.4, 0).Next(exact[:], x)
	if exact[1] != 0 {
		t.Fatalf("Hénon b = 0: %v", exact)
	}
	var jd, je [9]float64
	y := []float64{1, 2, 3}
	Rossler{}.Jacobian(jd[:], y)
	NewRossler(0, 0.2, 5.7).Jacobian(je[:], y)
	if jd[4] != 0.2 || je[4] != 0 || je[8] != 1-5.7 {
		t.Fatalf("Rössler a = 0: default ∂ẏ/∂y %v, exact %v", jd[4], je[4])
	}
	var f [3]float64
	NewRossler(0.2, 0, 5.7).VectorField(f[:], y)
	if math.Abs(f[2]+14.1) > 1e-12 {
		t.Fatalf("Rössler b = 0: dz/dt = %v", f[2])
	}
	if NewHenon(1.4, 0.3).Dim() != 2 || (Henon{}) != (Henon{A: 0}) {
		t.Fatal("Henon values")
	}
}
