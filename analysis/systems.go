package analysis

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/tasks"
)

// Flow is an autonomous continuous-time system dx/dt = f(x) with its
// Jacobian, the interface a user implements to analyse their own system
// (Lyapunov spectra, fixed points through AsDynamics). Vectors have length
// Dim(); the Jacobian is row-major Dim×Dim. Implementations write dst and
// jac and must not modify or retain x.
type Flow interface {
	Dim() int
	// VectorField writes f(x) to dst.
	VectorField(dst, x []float64)
	// Jacobian writes ∂f/∂x at x to jac.
	Jacobian(jac, x []float64)
}

// Map is a discrete-time system x' = g(x) with its Jacobian, the
// interface a user implements for maps (Lyapunov spectra per iteration).
// Vectors have length Dim(); the Jacobian is row-major Dim×Dim.
type Map interface {
	Dim() int
	// Next writes g(x) to dst (dst and x do not alias).
	Next(dst, x []float64)
	// Jacobian writes ∂g/∂x at x to jac.
	Jacobian(jac, x []float64)
}

// Lorenz63 is the Lorenz-63 flow of package tasks as a Flow (the zero value
// is σ=10, ρ=28, β=8/3; Lyapunov spectrum ≈ (0.906, 0, −14.572), correlation
// dimension ≈ 2.05).
type Lorenz63 struct {
	tasks.Lorenz
}

// Dim returns 3.
func (Lorenz63) Dim() int { return 3 }

// VectorField writes the Lorenz vector field at x to dst.
func (l Lorenz63) VectorField(dst, x []float64) { l.Lorenz.VectorField(0, x, dst) }

// Jacobian writes the Lorenz Jacobian at x to jac.
func (l Lorenz63) Jacobian(jac, x []float64) { l.Lorenz.Jacobian(jac, x) }

// Rossler is the Rössler flow
//
//	dx/dt = −y − z,  dy/dt = x + a·y,  dz/dt = b + z(x − c).
//
// The zero value means a = 0.2, b = 0.2, c = 5.7 (Lyapunov spectrum
// ≈ (0.0714, 0, −5.39)).
type Rossler struct {
	A, B, C float64
}

func (r Rossler) abc() (a, b, c float64) {
	a, b, c = r.A, r.B, r.C
	if a == 0 {
		a = 0.2
	}
	if b == 0 {
		b = 0.2
	}
	if c == 0 {
		c = 5.7
	}
	return a, b, c
}

// Dim returns 3.
func (Rossler) Dim() int { return 3 }

// VectorField writes the Rössler vector field at x to dst.
func (r Rossler) VectorField(dst, x []float64) {
	a, b, c := r.abc()
	_, _ = dst[2], x[2]
	dst[0] = -x[1] - x[2]
	dst[1] = x[0] + a*x[1]
	dst[2] = b + x[2]*(x[0]-c)
}

// Jacobian writes the Rössler Jacobian at x to jac.
func (r Rossler) Jacobian(jac, x []float64) {
	a, _, c := r.abc()
	_, _ = jac[8], x[2]
	jac[0], jac[1], jac[2] = 0, -1, -1
	jac[3], jac[4], jac[5] = 1, a, 0
	jac[6], jac[7], jac[8] = x[2], 0, x[0]-c
}

// Henon is the Hénon map (x, y) → (1 − a·x² + y, b·x). The zero value means
// a = 1.4, b = 0.3 (Lyapunov exponents ≈ (0.419, −1.624) per iteration, sum
// ln b).
type Henon struct {
	A, B float64
}

func (h Henon) ab() (a, b float64) {
	a, b = h.A, h.B
	if a == 0 {
		a = 1.4
	}
	if b == 0 {
		b = 0.3
	}
	return a, b
}

// Dim returns 2.
func (Henon) Dim() int { return 2 }

// Next writes the image of x to dst.
func (h Henon) Next(dst, x []float64) {
	a, b := h.ab()
	_, _ = dst[1], x[1]
	dst[0] = 1 - a*x[0]*x[0] + x[1]
	dst[1] = b * x[0]
}

// Jacobian writes the Hénon Jacobian at x to jac.
func (h Henon) Jacobian(jac, x []float64) {
	a, b := h.ab()
	_, _ = jac[3], x[1]
	jac[0], jac[1] = -2*a*x[0], 1
	jac[2], jac[3] = b, 0
}

// DoubleWell is the 2-D flow dx/dt = x − x³, dy/dt = −y: two stable nodes
// at (±1, 0) (eigenvalues −2, −1) and a saddle at the origin (eigenvalues
// 1, −1), separated by the line x = 0.
type DoubleWell struct{}

// Dim returns 2.
func (DoubleWell) Dim() int { return 2 }

// VectorField writes the vector field at x to dst.
func (DoubleWell) VectorField(dst, x []float64) {
	_, _ = dst[1], x[1]
	dst[0] = x[0] - x[0]*x[0]*x[0]
	dst[1] = -x[1]
}

// Jacobian writes the Jacobian at x to jac.
func (DoubleWell) Jacobian(jac, x []float64) {
	_, _ = jac[3], x[1]
	jac[0], jac[1] = 1-3*x[0]*x[0], 0
	jac[2], jac[3] = 0, -1
}

// FlipFlopNet is a hand-built continuous-time RNN that stores three bits:
//
//	dh/dt = −h + tanh(W h + U x),   y = ½ + ½·h_{0..2}/h*,
//
// with N = 3 + Extra units. W has Gain on the diagonal of the first three
// units (each alone is bistable for Gain > 1, with stable states ±h*,
// h* = tanh(Gain·h*)), a weak fixed coupling Coupling·C between them
// (C has zero diagonal and entries ±1 in a fixed pattern), and the Extra
// units are driven by the memory units with weight Coupling and decay on
// their own (self weight 0.5). U feeds input i to unit i with weight
// 2·Gain (a pulse ±1 sets the bit). For small Coupling the network has 27
// fixed points at zero input: 8 stable nodes (one per bit pattern, decoding
// to it), 12 saddles with one unstable mode, 6 with two and an unstable
// node near the origin. The zero value means Gain 2, Coupling 0.05,
// Extra 0.
type FlipFlopNet struct {
	Gain, Coupling float64
	Extra          int
}

func (f FlipFlopNet) gc() (g, c float64) {
	g, c = f.Gain, f.Coupling
	if g == 0 {
		g = 2
	}
	if c == 0 {
		c = 0.05
	}
	return g, c
}

// coupling is the fixed sign pattern C of FlipFlopNet.
var flipFlopC = [3][3]float64{{0, 1, -1}, {-1, 0, 1}, {1, 1, 0}}

// StateDim returns 3 + Extra.
func (f FlipFlopNet) StateDim() int { return 3 + f.Extra }

// InputDim returns 3.
func (FlipFlopNet) InputDim() int { return 3 }

// OutputDim returns 3.
func (FlipFlopNet) OutputDim() int { return 3 }

// Weights returns W (N×N) and U (N×3), row-major.
func (f FlipFlopNet) Weights() (w, u []float64) {
	g, c := f.gc()
	n := f.StateDim()
	w = make([]float64, n*n)
	u = make([]float64, n*3)
	for i := 0; i < 3; i++ {
		w[i*n+i] = g
		for j := 0; j < 3; j++ {
			w[i*n+j] += c * flipFlopC[i][j]
		}
		u[i*3+i] = 2 * g
	}
	for e := 3; e < n; e++ {
		w[e*n+e] = 0.5
		w[e*n+(e%3)] = c
	}
	return w, u
}

// pre writes W h + U x to dst.
func (f FlipFlopNet) pre(dst, h, x []float64) {
	w, u := f.Weights()
	n := f.StateDim()
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < n; j++ {
			s += w[i*n+j] * h[j]
		}
		for j := 0; j < 3; j++ {
			s += u[i*3+j] * x[j]
		}
		dst[i] = s
	}
}

// VectorField writes −h + tanh(W h + U x) to dst.
func (f FlipFlopNet) VectorField(dst, h, x []float64) {
	f.pre(dst, h, x)
	for i := range dst[:f.StateDim()] {
		dst[i] = -h[i] + math.Tanh(dst[i])
	}
}

// Jacobian writes −I + diag(1 − tanh²(W h + U x))·W to jac.
func (f FlipFlopNet) Jacobian(jac, h, x []float64) {
	n := f.StateDim()
	a := make([]float64, n)
	f.pre(a, h, x)
	w, _ := f.Weights()
	for i := 0; i < n; i++ {
		t := math.Tanh(a[i])
		d := 1 - t*t
		for j := 0; j < n; j++ {
			jac[i*n+j] = d * w[i*n+j]
		}
		jac[i*n+i]--
	}
}

// HStar returns h*, the positive stable state of one isolated memory unit
// (the root of h = tanh(Gain·h)).
func (f FlipFlopNet) HStar() float64 {
	g, _ := f.gc()
	h := 1.0
	for range 200 {
		t := math.Tanh(g * h)
		// Newton on h − tanh(g h).
		d := 1 - g*(1-t*t)
		h -= (h - t) / d
	}
	return h
}

// Decode writes ½ + ½·h_i/h* for the three memory units to y.
func (f FlipFlopNet) Decode(y, h []float64) {
	hs := f.HStar()
	for i := 0; i < 3; i++ {
		y[i] = 0.5 + 0.5*h[i]/hs
	}
}

var _ learn.Dynamics = FlipFlopNet{}

// flowDynamics adapts a Flow to learn.Dynamics.
type flowDynamics struct{ f Flow }

func (d flowDynamics) StateDim() int                   { return d.f.Dim() }
func (d flowDynamics) InputDim() int                   { return 0 }
func (d flowDynamics) OutputDim() int                  { return d.f.Dim() }
func (d flowDynamics) VectorField(dst, h, _ []float64) { d.f.VectorField(dst, h) }
func (d flowDynamics) Jacobian(jac, h, _ []float64)    { d.f.Jacobian(jac, h) }
func (d flowDynamics) Decode(y, h []float64)           { copy(y, h) }

// AsDynamics presents a Flow as a learn.Dynamics with no input and the
// identity as decoder, so that the functions written for models (fixed
// points, slow points) run on a user's own system.
func AsDynamics(f Flow) learn.Dynamics { return flowDynamics{f} }

// inputFlow is a Dynamics held at a constant input.
type inputFlow struct {
	d learn.Dynamics
	x []float64
}

func (f inputFlow) Dim() int                     { return f.d.StateDim() }
func (f inputFlow) VectorField(dst, h []float64) { f.d.VectorField(dst, h, f.x) }
func (f inputFlow) Jacobian(jac, h []float64)    { f.d.Jacobian(jac, h, f.x) }

// AtInput returns the flow of d held at the constant input x (copied), for
// example to compute the Lyapunov spectrum of a model's continuous dynamics.
func AtInput(d learn.Dynamics, x []float64) (Flow, error) {
	if len(x) != d.InputDim() {
		return nil, param.New("analysis", "input", fmt.Sprintf("length %d", len(x)), fmt.Sprintf("length InputDim = %d", d.InputDim()))
	}
	return inputFlow{d, append([]float64(nil), x...)}, nil
}

// SampleFlow integrates f from x0 with the adaptive Dormand–Prince solver of
// package ode (rtol 1e-10, atol 1e-12), discards the first transient time
// units, and returns n samples dt apart (row-major, n×Dim), the first at
// time transient.
func SampleFlow(f Flow, x0 []float64, dt float64, n int, transient float64) ([]float64, error) {
	dim := f.Dim()
	if len(x0) != dim {
		return nil, param.New("analysis", "x0", fmt.Sprintf("length %d", len(x0)), fmt.Sprintf("length Dim = %d", dim))
	}
	if err := param.First(
		param.Positive("analysis", "dt", dt),
		param.PositiveInt("analysis", "n", n),
		param.NonNegative("analysis", "transient", transient),
	); err != nil {
		return nil, err
	}
	s, err := ode.NewDopri5[float64](dim, ode.Options{Rtol: 1e-10, Atol: 1e-12, MaxSteps: math.MaxInt32})
	if err != nil {
		return nil, err
	}
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = transient + float64(i)*dt
	}
	out := make([]float64, n*dim)
	fn := func(_ float64, y, dydt []float64) { f.VectorField(dydt, y) }
	if err = s.Solve(fn, 0, x0, ts, out); err != nil {
		return nil, fmt.Errorf("analysis: SampleFlow: %w", err)
	}
	return out, nil
}

// SampleMap iterates m from x0, discards the first transient iterates and
// returns the next n (row-major, n×Dim).
func SampleMap(m Map, x0 []float64, n, transient int) ([]float64, error) {
	dim := m.Dim()
	if len(x0) != dim {
		return nil, param.New("analysis", "x0", fmt.Sprintf("length %d", len(x0)), fmt.Sprintf("length Dim = %d", dim))
	}
	if n <= 0 {
		return nil, param.New("analysis", "n", n, "> 0")
	}
	if transient < 0 {
		return nil, param.New("analysis", "transient", transient, ">= 0")
	}
	x := append([]float64(nil), x0...)
	nx := make([]float64, dim)
	for range transient {
		m.Next(nx, x)
		x, nx = nx, x
	}
	out := make([]float64, n*dim)
	for i := 0; i < n; i++ {
		copy(out[i*dim:], x)
		m.Next(nx, x)
		x, nx = nx, x
	}
	return out, nil
}
