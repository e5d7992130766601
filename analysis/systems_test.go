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
