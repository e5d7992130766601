package ode

import (
	"fmt"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Float is the set of element types a solver's state may have.
type Float interface{ ~float32 | ~float64 }

// Func is a vector field: it writes dy/dt at time t and state y into dydt.
// It must not modify y and must not retain y or dydt after returning.
type Func[T Float] func(t float64, y, dydt []T)

// Method names an integration scheme.
type Method string

// The schemes. The empty Method is not valid; configurations that accept a
// Method document their own default.
const (
	Euler    Method = "euler"    // forward Euler, order 1
	Midpoint Method = "midpoint" // explicit midpoint, order 2
	RK4      Method = "rk4"      // classic Runge–Kutta, order 4
	RK38     Method = "rk38"     // Kutta's 3/8 rule, order 4 (torchdiffeq's "rk4")
	Dopri5   Method = "dopri5"   // Dormand–Prince 5(4), adaptive
)

// Methods lists every valid Method.
var Methods = []Method{Euler, Midpoint, RK4, RK38, Dopri5}

// Validate returns a param error unless m is one of Methods.
func (m Method) Validate() error {
	for _, v := range Methods {
		if m == v {
			return nil
		}
	}
	return param.New("ode", "Method", string(m), "one of euler, midpoint, rk4, rk38, dopri5")
}

// Adaptive reports whether m controls its own step size.
func (m Method) Adaptive() bool { return m == Dopri5 }

// StabilityLimit returns the length x of m's stability interval on the
// negative real axis: a step h of y' = −y/τ neither grows nor oscillates
// without bound as long as h/τ ≤ x, and a longer step amplifies the
// decaying mode (|R(−h/τ)| > 1 for the method's stability polynomial R).
// Euler and midpoint: 2; RK4 and RK38 (every four-stage fourth-order method
// has R(z) = 1 + z + z²/2 + z³/6 + z⁴/24): 2.785293563405282; dopri5's
// fifth-order solution: 3.306567892634947 (its controller keeps it inside).
// It returns 0 for an unknown Method.
func (m Method) StabilityLimit() float64 {
	switch m {
	case Euler, Midpoint:
		return 2
	case RK4, RK38:
		return 2.785293563405282
	case Dopri5:
		return 3.306567892634947
	}
	return 0
}

// Tableau is the Butcher tableau of an explicit Runge–Kutta method with s
// stages: stage i evaluates k_i = f(t + C[i]·h, y + h·Σ_{j<i} A[i][j]·k_j),
// and the step is y + h·Σ_i B[i]·k_i. A[i] has exactly i entries (A[0] is
// empty). An embedded pair also has BHat, the weights of the lower-order
// solution used for the error estimate.
type Tableau struct {
	Name          string
	C             []float64
	A             [][]float64
	B             []float64
	BHat          []float64 // nil for methods without an embedded pair
	Order         int       // order of the B solution
	EmbeddedOrder int       // order of the BHat solution, 0 without one
	// FSAL is true when the last stage is evaluated at the new solution
	// (C[s-1] = 1 and A[s-1] = B), so it is the next step's first stage.
	FSAL bool
}

// Stages returns the number of stages s.
func (tb *Tableau) Stages() int { return len(tb.C) }

// Clone returns a deep copy of tb.
func (tb *Tableau) Clone() Tableau {
	c := *tb
	c.C = append([]float64(nil), tb.C...)
	c.B = append([]float64(nil), tb.B...)
	if tb.BHat != nil {
		c.BHat = append([]float64(nil), tb.BHat...)
	}
	c.A = make([][]float64, len(tb.A))
	for i, row := range tb.A {
		c.A[i] = append([]float64{}, row...)
	}
	return c
}

// Check returns an error unless the tableau's shapes are consistent: s ≥ 1
// stages, len(A) = len(B) = s, len(A[i]) = i, len(BHat) = s if present.
func (tb *Tableau) Check() error {
	s := len(tb.C)
	if s == 0 {
		return param.New("ode", "Tableau.C", s, "at least one stage")
	}
	if len(tb.B) != s || len(tb.A) != s {
		return param.New("ode", "Tableau", fmt.Sprintf("len(C)=%d len(A)=%d len(B)=%d", s, len(tb.A), len(tb.B)), "len(A) = len(B) = len(C)")
	}
	for i, row := range tb.A {
		if len(row) != i {
			return param.New("ode", fmt.Sprintf("Tableau.A[%d]", i), len(row), fmt.Sprintf("exactly %d entries (strictly lower triangular)", i))
		}
	}
	if tb.BHat != nil && len(tb.BHat) != s {
		return param.New("ode", "Tableau.BHat", len(tb.BHat), fmt.Sprintf("length %d or nil", s))
	}
	return nil
}

// Tableau returns a fresh copy of m's Butcher tableau, or a param error for
// an unknown Method.
func (m Method) Tableau() (Tableau, error) {
	var tb *Tableau
	switch m {
	case Euler:
		tb = &eulerTableau
	case Midpoint:
		tb = &midpointTableau
	case RK4:
		tb = &rk4Tableau
	case RK38:
		tb = &rk38Tableau
	case Dopri5:
		tb = &dopri5Tableau
	default:
		return Tableau{}, m.Validate()
	}
	return tb.Clone(), nil
}

var eulerTableau = Tableau{
	Name:  "euler",
	C:     []float64{0},
	A:     [][]float64{{}},
	B:     []float64{1},
	Order: 1,
}

var midpointTableau = Tableau{
	Name:  "midpoint",
	C:     []float64{0, 0.5},
	A:     [][]float64{{}, {0.5}},
	B:     []float64{0, 1},
	Order: 2,
}

var rk4Tableau = Tableau{
	Name:  "rk4",
	C:     []float64{0, 0.5, 0.5, 1},
	A:     [][]float64{{}, {0.5}, {0, 0.5}, {0, 0, 1}},
	B:     []float64{1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6},
	Order: 4,
}

var rk38Tableau = Tableau{
	Name:  "rk38",
	C:     []float64{0, 1.0 / 3, 2.0 / 3, 1},
	A:     [][]float64{{}, {1.0 / 3}, {-1.0 / 3, 1}, {1, -1, 1}},
	B:     []float64{1.0 / 8, 3.0 / 8, 3.0 / 8, 1.0 / 8},
	Order: 4,
}

// Dormand & Prince (1980), as in Hairer, Nørsett & Wanner, Solving ODEs I,
// Table II.5.2.
var dopri5Tableau = Tableau{
	Name: "dopri5",
	C:    []float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1},
	A: [][]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	},
	B:             []float64{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
	BHat:          []float64{5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40},
	Order:         5,
	EmbeddedOrder: 4,
	FSAL:          true,
}

// Dopri5Dense returns the coefficients d_i of the 4th-order continuous
// extension of Dormand–Prince 5(4) (Hairer's CONTD5): with θ = (t−t₀)/h,
//
//	y(t₀+θh) ≈ y₀ + θ(Δ + (1−θ)(B + θ(Δ − h·k₇ − B + (1−θ)·h·Σ d_i k_i)))
//
// where Δ = y₁ − y₀ and B = h·k₁ − Δ. Entry 1 (stage 2) is zero.
func Dopri5Dense() [7]float64 { return dopri5Dense }

var dopri5Dense = [7]float64{
	-12715105075.0 / 11282082432.0,
	0,
	87487479700.0 / 32700410799.0,
	-10690763975.0 / 1880347072.0,
	701980252875.0 / 199316789632.0,
	-1453857185.0 / 822651844.0,
	69997945.0 / 29380423.0,
}
