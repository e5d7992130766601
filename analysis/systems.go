package analysis

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
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
	// Dim returns the dimension of the state x.
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
	// Dim returns the dimension of the state x.
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
// ≈ (0.0714, 0, −5.39)): a field left 0 takes its default, so
// Rossler{A: 0.1} is a = 0.1, b = 0.2, c = 5.7. A parameter that should
// be 0 (a = 0 is a legitimate Rössler system) needs NewRossler, which
// uses all three as given.
type Rossler struct {
	A, B, C float64
	exact   bool // set by NewRossler: 0 means 0
}

// NewRossler returns the Rössler flow with exactly a, b and c, zeros
// included.
func NewRossler(a, b, c float64) Rossler { return Rossler{A: a, B: b, C: c, exact: true} }

func (r Rossler) abc() (a, b, c float64) {
	a, b, c = r.A, r.B, r.C
	if r.exact {
		return a, b, c
	}
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
	dst[1] = x[0] + float64(a*x[1])
	dst[2] = b + float64(x[2]*(x[0]-c))
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
// ln b): a field left 0 takes its default, so Henon{A: 1.2} is a = 1.2,
// b = 0.3. A parameter that should be 0 (b = 0 is the one-dimensional
// quadratic map, a = 0 a linear map) needs NewHenon, which uses both as
// given.
type Henon struct {
	A, B  float64
	exact bool // set by NewHenon: 0 means 0
}

// NewHenon returns the Hénon map with exactly a and b, zeros included.
func NewHenon(a, b float64) Henon { return Henon{A: a, B: b, exact: true} }

func (h Henon) ab() (a, b float64) {
	a, b = h.A, h.B
	if h.exact {
		return a, b
	}
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
	dst[0] = 1 - float64(a*x[0]*x[0]) + x[1]
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
	dst[0] = x[0] - float64(x[0]*x[0]*x[0])
	dst[1] = -x[1]
}

// Jacobian writes the Jacobian at x to jac.
func (DoubleWell) Jacobian(jac, x []float64) {
	_, _ = jac[3], x[1]
	jac[0], jac[1] = 1-float64(3*x[0]*x[0]), 0
	jac[2], jac[3] = 0, -1
}

// FlipFlopNet is a hand-built continuous-time RNN that stores three bits:
//
//	dh/dt = −h + tanh(W h + U x),   y_i = ½ + ½·h_i/h*  (i = 0, 1, 2),
//
// with N = 3 + Extra units. W has Gain on the diagonal of the first three
// (memory) units — each alone is bistable for Gain > 1, with stable states
// ±h*, h* = tanh(Gain·h*) — plus a weak fixed coupling Coupling·C between
// them (C has zero diagonal and entries ±1 in a fixed pattern); each extra
// unit decays on its own (self weight 0.5) and is driven by memory unit
// e mod 3 with weight Coupling. U feeds input i to memory unit i with
// weight 2·Gain (a pulse ±1 sets the bit). For small Coupling the network
// has 27 fixed points at zero input: 8 stable ones (one per bit pattern,
// decoding to it), 12 saddles with one unstable mode, 6 with two and an
// unstable node near the origin. Create it with NewFlipFlopNet.
type FlipFlopNet struct {
	gain, coupling float64
	n              int
	w, u           []float64
	hstar          float64
	a              []float64
}

// NewFlipFlopNet returns the network with the given gain (0 → 2), coupling
// (0 → 0.05) and number of extra units (≥ 0).
func NewFlipFlopNet(gain, coupling float64, extra int) (*FlipFlopNet, error) {
	if gain == 0 {
		gain = 2
	}
	if coupling == 0 {
		coupling = 0.05
	}
	if err := param.First(param.Finite("analysis", "coupling", coupling), param.Finite("analysis", "gain", gain)); err != nil {
		return nil, err
	}
	if !(gain > 1) {
		return nil, param.New("analysis", "gain", gain, "> 1 (bistable memory units)")
	}
	if extra < 0 {
		return nil, param.New("analysis", "extra", extra, ">= 0")
	}
	n := 3 + extra
	f := &FlipFlopNet{gain: gain, coupling: coupling, n: n, w: make([]float64, n*n), u: make([]float64, n*3), a: make([]float64, n)}
	for i := 0; i < 3; i++ {
		f.w[i*n+i] = gain
		for j := 0; j < 3; j++ {
			f.w[i*n+j] += float64(coupling * flipFlopC[i][j])
		}
		f.u[i*3+i] = 2 * gain
	}
	for e := 3; e < n; e++ {
		f.w[e*n+e] = 0.5
		f.w[e*n+(e%3)] = coupling
	}
	h := 1.0
	for range 100 { // Newton on h − tanh(g h)
		t := detmath.Tanh(gain * h)
		h -= (h - t) / (1 - float64(gain*(1-float64(t*t))))
	}
	f.hstar = h
	return f, nil
}

// flipFlopC is the fixed sign pattern C of FlipFlopNet.
var flipFlopC = [3][3]float64{{0, 1, -1}, {-1, 0, 1}, {1, 1, 0}}

// StateDim returns 3 + extra.
func (f *FlipFlopNet) StateDim() int { return f.n }

// InputDim returns 3.
func (*FlipFlopNet) InputDim() int { return 3 }

// OutputDim returns 3.
func (*FlipFlopNet) OutputDim() int { return 3 }

// Weights returns copies of W (N×N) and U (N×3), row-major.
func (f *FlipFlopNet) Weights() (w, u []float64) {
	return append([]float64(nil), f.w...), append([]float64(nil), f.u...)
}

// HStar returns h*, the positive stable state of one isolated memory unit
// (the root of h = tanh(Gain·h)).
func (f *FlipFlopNet) HStar() float64 { return f.hstar }

// pre writes W h + U x to f.a. Not safe for concurrent use.
func (f *FlipFlopNet) pre(h, x []float64) {
	n := f.n
	for i := 0; i < n; i++ {
		var s float64
		for j, v := range f.w[i*n : (i+1)*n] {
			s += float64(v * h[j])
		}
		for j := 0; j < 3; j++ {
			s += float64(f.u[i*3+j] * x[j])
		}
		f.a[i] = s
	}
}

// VectorField writes −h + tanh(W h + U x) to dst.
func (f *FlipFlopNet) VectorField(dst, h, x []float64) {
	f.pre(h, x)
	for i := 0; i < f.n; i++ {
		dst[i] = -h[i] + detmath.Tanh(f.a[i])
	}
}

// Jacobian writes −I + diag(1 − tanh²(W h + U x))·W to jac.
func (f *FlipFlopNet) Jacobian(jac, h, x []float64) {
	n := f.n
	f.pre(h, x)
	for i := 0; i < n; i++ {
		t := detmath.Tanh(f.a[i])
		d := 1 - float64(t*t)
		for j := 0; j < n; j++ {
			jac[i*n+j] = d * f.w[i*n+j]
		}
		jac[i*n+i]--
	}
}

// Decode writes ½ + ½·h_i/h* for the three memory units to y.
func (f *FlipFlopNet) Decode(y, h []float64) {
	for i := 0; i < 3; i++ {
		y[i] = 0.5 + 0.5*h[i]/f.hstar
	}
}

var _ learn.Dynamics = (*FlipFlopNet)(nil)

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
		ts[i] = transient + float64(float64(i)*dt)
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
