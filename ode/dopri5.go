package ode

import (
	"errors"
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Errors of an adaptive integration, wrapped with the time they occurred.
var (
	// ErrMaxSteps: Options.MaxSteps steps were attempted without reaching
	// the end time.
	ErrMaxSteps = errors.New("ode: maximum number of steps reached")
	// ErrStepTooSmall: the step size fell below the resolution of t
	// (the problem is likely stiff or singular).
	ErrStepTooSmall = errors.New("ode: step size too small")
	// ErrNonFinite: the vector field or the state became NaN or infinite.
	ErrNonFinite = errors.New("ode: non-finite value")
	// ErrFinished: Step was called after the end time was reached.
	ErrFinished = errors.New("ode: integration already reached its end time")
)

// Controller selects the step-size controller of Dopri5.
type Controller int

const (
	// ControllerPI is Hairer's proportional–integral controller (the
	// default, Options.Beta = 0.04 unless set).
	ControllerPI Controller = iota
	// ControllerI is the standard controller h·safety·err^(−1/5)
	// (Options.Beta must be 0).
	ControllerI
)

// DefaultMaxSteps is Options.MaxSteps's default, 100,000 attempted steps.
// Models that integrate each sample interval with a fixed-step method bound
// their steps per interval by it too (ctrnn.MaxSubsteps, rate.MaxSubsteps,
// learn.AdjointConfig.Substeps), so that no solver is asked for more steps
// per interval than dopri5 may take.
const DefaultMaxSteps = 100000

// Options configures Dopri5. The zero value means the documented defaults.
type Options struct {
	// Rtol is the relative tolerance; 0 means 1e-7 (torchdiffeq's default).
	// It must be at least MinRtol[T] (1e-15 for float64, 7.45e-9 for
	// float32).
	Rtol float64
	// Atol is the absolute tolerance for every component; 0 means 1e-9.
	Atol float64
	// AtolVec, when non-nil, gives one absolute tolerance per component
	// (length n, each > 0) and overrides Atol.
	AtolVec []float64
	// InitialStep is the size of the first step attempted; 0 means chosen
	// automatically (Hairer's HINIT).
	InitialStep float64
	// MaxStep bounds |h|; 0 means unbounded.
	MaxStep float64
	// MaxSteps bounds the number of attempted steps per Solve or per
	// Init…Step sequence; 0 means DefaultMaxSteps.
	MaxSteps int
	// Safety is the factor applied to the optimal step; 0 means 0.9.
	Safety float64
	// MinFactor and MaxFactor bound h_new/h; 0 means 0.2 and 10.
	MinFactor, MaxFactor float64
	// Controller selects PI (default) or I control.
	Controller Controller
	// Beta is the PI controller's β; 0 means 0.04 with ControllerPI.
	Beta float64
	// NormDim, when positive, restricts error control to components
	// [0, NormDim): the error norm is the RMS over them alone (and the
	// initial step is estimated from them), the rest are integrated
	// without error control, though a non-finite value there still fails
	// the step. It is the seminorm of Kidger, Chen & Lyons (2021) that
	// torchdiffeq's adjoint uses for the parameter gradients. 0 means all
	// n components.
	NormDim int
}

// withDefaults validates o for dimension n and returns it with defaults
// filled in.
func (o Options) withDefaults(n int) (Options, error) {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Rtol, 1e-7)
	def(&o.Atol, 1e-9)
	def(&o.Safety, 0.9)
	def(&o.MinFactor, 0.2)
	def(&o.MaxFactor, 10)
	if o.MaxSteps == 0 {
		o.MaxSteps = DefaultMaxSteps
	}
	switch o.Controller {
	case ControllerPI:
		def(&o.Beta, 0.04)
	case ControllerI:
		if o.Beta != 0 {
			return o, param.New("ode", "Beta", o.Beta, "0 with ControllerI")
		}
	default:
		return o, param.New("ode", "Controller", int(o.Controller), "ControllerPI or ControllerI")
	}
	if err := param.First(
		param.Positive("ode", "Rtol", o.Rtol),
		param.Positive("ode", "Atol", o.Atol),
		param.NonNegative("ode", "InitialStep", o.InitialStep),
		param.NonNegative("ode", "MaxStep", o.MaxStep),
		param.PositiveInt("ode", "MaxSteps", o.MaxSteps),
		param.InRange("ode", "Beta", o.Beta, 0, 0.2),
	); err != nil {
		return o, err
	}
	if !(o.Safety > 0 && o.Safety < 1) {
		return o, param.New("ode", "Safety", o.Safety, "in (0, 1)")
	}
	if !(o.MinFactor > 0 && o.MinFactor < 1) {
		return o, param.New("ode", "MinFactor", o.MinFactor, "in (0, 1)")
	}
	if !(o.MaxFactor > 1) || math.IsInf(o.MaxFactor, 0) {
		return o, param.New("ode", "MaxFactor", o.MaxFactor, "finite and > 1")
	}
	if o.NormDim < 0 || o.NormDim > n {
		return o, param.New("ode", "NormDim", o.NormDim, fmt.Sprintf("in [0, n = %d] (0: all components)", n))
	}
	if o.NormDim == 0 {
		o.NormDim = n
	}
	if o.AtolVec != nil {
		if len(o.AtolVec) != n {
			return o, param.New("ode", "AtolVec", fmt.Sprintf("length %d", len(o.AtolVec)), fmt.Sprintf("nil or length n = %d", n))
		}
		for i, a := range o.AtolVec {
			if err := param.Positive("ode", fmt.Sprintf("AtolVec[%d]", i), a); err != nil {
				return o, err
			}
		}
		o.AtolVec = append([]float64(nil), o.AtolVec...)
	}
	return o, nil
}

// MinRtol returns the smallest relative tolerance NewDopri5 accepts for a
// state of type T: max(1e-15, ε/16) with ε the machine epsilon of T, so
// 1e-15 for float64 (4.5 ε) and 2⁻²⁷ ≈ 7.45e-9 for float32. Below it the
// error estimate is dominated by the rounding of the state rather than by
// the truncation error. Measured with float32 on Lorenz-63 from (1, 1, 1)
// to t = 2 (Atol = Rtol/100): Rtol 1e-7 takes 131 steps, 1e-8 206, 1e-9
// 528, 1e-10 4,638, 1e-11 45,285 and 1e-12 stops at t = 0.40 after the
// default 100,000 steps, while the solution at t = 2 stops improving below
// Rtol 1e-8 (it moves by about 1e-6 relative either way).
func MinRtol[T Float]() float64 {
	return max(1e-15, epsilon[T]()/16)
}

// epsilon returns the machine epsilon of T (2⁻²³ for float32, 2⁻⁵² for
// float64).
func epsilon[T Float]() float64 {
	v := 1 + 0x1p-30
	if float64(T(v)) == 1 {
		return 0x1p-23
	}
	return 0x1p-52
}

// precisionName returns "float32" or "float64" for T's precision.
func precisionName[T Float]() string {
	if epsilon[T]() > 0x1p-52 {
		return "float32"
	}
	return "float64"
}

// Dopri5Solver is the adaptive Dormand–Prince 5(4) integrator with error
// control, PI step-size control and 4th-order dense output (see the package
// documentation). Use Solve for whole integrations, or Init followed by Step
// and DenseOutput to drive it step by step.
type Dopri5Solver[T Float] struct {
	n   int
	opt Options

	f          Func[T]
	t, h, tEnd float64
	dir        float64
	tOld, hOld float64
	y, yNew    []T
	k          [7][]T
	ys         []T
	rcont      [5][]T
	facOld     float64
	rejected   bool
	ready      bool
	stats      Stats

	a     [7][6]float64
	e     [7]float64
	dense [7]float64
}

// NewDopri5 returns an adaptive Dormand–Prince 5(4) solver for dimension n.
func NewDopri5[T Float](n int, o Options) (*Dopri5Solver[T], error) {
	if err := param.PositiveInt("ode", "n", n); err != nil {
		return nil, err
	}
	o, err := o.withDefaults(n)
	if err != nil {
		return nil, err
	}
	if lo := MinRtol[T](); o.Rtol < lo {
		return nil, param.New("ode", "Rtol", o.Rtol, fmt.Sprintf(">= %.3g with a %s state: below it the rounding of the state swamps the error estimate, steps multiply and the controller cannot converge", lo, precisionName[T]()))
	}
	s := &Dopri5Solver[T]{n: n, opt: o}
	s.y = make([]T, n)
	s.yNew = make([]T, n)
	s.ys = make([]T, n)
	for i := range s.k {
		s.k[i] = make([]T, n)
	}
	for i := range s.rcont {
		s.rcont[i] = make([]T, n)
	}
	for i, row := range dopri5Tableau.A {
		copy(s.a[i][:], row)
	}
	for i := range s.e {
		s.e[i] = dopri5Tableau.B[i] - dopri5Tableau.BHat[i]
	}
	s.dense = dopri5Dense
	return s, nil
}

// Dim returns the state dimension.
func (s *Dopri5Solver[T]) Dim() int { return s.n }

// Options returns the options in force, defaults filled in.
func (s *Dopri5Solver[T]) Options() Options { return s.opt }

// Stats returns the counters since the last Init or Solve.
func (s *Dopri5Solver[T]) Stats() Stats { return s.stats }

// T returns the current time (the end of the last accepted step).
func (s *Dopri5Solver[T]) T() float64 { return s.t }

// Y returns the current state. The slice is the solver's buffer: valid
// until the next Step, and must not be modified.
func (s *Dopri5Solver[T]) Y() []T { return s.y }

// StepSize returns the size of the next step to be attempted (signed).
func (s *Dopri5Solver[T]) StepSize() float64 { return s.h }

// LastStep returns the interval [tOld, tOld+h] of the last accepted step,
// the interval DenseOutput can evaluate.
func (s *Dopri5Solver[T]) LastStep() (tOld, h float64) { return s.tOld, s.hOld }

// Done reports whether the end time has been reached.
func (s *Dopri5Solver[T]) Done() bool { return s.ready && s.t == s.tEnd }

// Init prepares an integration of f from (t0, y0) towards tEnd (which may
// lie before t0 for backward integration). It evaluates f at t0 and, unless
// Options.InitialStep is set, chooses the first step.
func (s *Dopri5Solver[T]) Init(f Func[T], t0 float64, y0 []T, tEnd float64) error {
	if len(y0) != s.n {
		panic("ode: y0 length does not match the solver dimension")
	}
	if err := param.First(param.Finite("ode", "t0", t0), param.Finite("ode", "tEnd", tEnd)); err != nil {
		return err
	}
	if f == nil {
		return param.New("ode", "f", "nil", "a vector field")
	}
	if err := checkFinite(y0, t0); err != nil {
		return param.New("ode", "y0", "non-finite values", "finite")
	}
	s.f = f
	s.t, s.tEnd = t0, tEnd
	s.tOld, s.hOld = t0, 0
	s.dir = 1
	if tEnd < t0 {
		s.dir = -1
	}
	copy(s.y, y0)
	s.stats = Stats{}
	s.facOld = 1e-4
	s.rejected = false
	s.ready = true
	f(t0, s.y, s.k[0])
	s.stats.Evals++
	if err := checkFinite(s.k[0], t0); err != nil {
		s.ready = false
		return fmt.Errorf("%w: vector field at t0", err)
	}
	if s.opt.InitialStep > 0 {
		s.h = s.dir * s.opt.InitialStep
	} else {
		s.h = s.initialStep()
	}
	if s.opt.MaxStep > 0 && math.Abs(s.h) > s.opt.MaxStep {
		s.h = s.dir * s.opt.MaxStep
	}
	return nil
}

func (s *Dopri5Solver[T]) atol(i int) float64 {
	if s.opt.AtolVec != nil {
		return s.opt.AtolVec[i]
	}
	return s.opt.Atol
}

// initialStep is Hairer's HINIT for a method of order 5.
func (s *Dopri5Solver[T]) initialStep() float64 {
	y, f0 := s.y, s.k[0]
	var dnf, dny float64
	for i := range y[:s.opt.NormDim] {
		sk := s.atol(i) + float64(s.opt.Rtol*math.Abs(float64(y[i])))
		dnf += sq(float64(f0[i]) / sk)
		dny += sq(float64(y[i]) / sk)
	}
	var h float64
	if dnf <= 1e-10 || dny <= 1e-10 {
		h = 1e-6
	} else {
		h = math.Sqrt(dny/dnf) * 0.01
	}
	hmax := math.Abs(s.tEnd - s.t)
	if s.opt.MaxStep > 0 {
		hmax = math.Min(hmax, s.opt.MaxStep)
	}
	if hmax > 0 {
		h = math.Min(h, hmax)
	}
	h = float64(h * s.dir)
	// One explicit Euler step to estimate the second derivative.
	y1, f1 := s.ys, s.k[1]
	ht := T(h)
	for i := range y1 {
		y1[i] = y[i] + T(ht*f0[i])
	}
	s.f(s.t+h, y1, f1)
	s.stats.Evals++
	var der2 float64
	for i := range y[:s.opt.NormDim] {
		sk := s.atol(i) + float64(s.opt.Rtol*math.Abs(float64(y[i])))
		der2 += sq((float64(f1[i]) - float64(f0[i])) / sk)
	}
	der2 = math.Sqrt(der2) / math.Abs(h)
	der12 := math.Max(der2, math.Sqrt(dnf))
	var h1 float64
	if !(der12 > 1e-15) { // also catches NaN
		h1 = math.Max(1e-6, math.Abs(h)*1e-3)
	} else {
		h1 = pow(0.01/der12, 1.0/5)
	}
	h = math.Min(100*math.Abs(h), h1)
	if hmax > 0 {
		h = math.Min(h, hmax)
	}
	return s.dir * h
}

func sq(x float64) float64 { return float64(x * x) }

// pow is x^y for the step control (x ≥ 0 or +Inf, 0 ≤ y ≤ 1), as e^(y·ln x)
// from internal/detmath, which gives the same bits on every architecture:
// math.Pow calls math.Log and math.Exp, assembly on amd64 and, for Exp, on
// arm64, whose last bits differ, and one step size in the last bit moves a
// chaotic trajectory (Lorenz-63) entirely within a few tens of time units.
// Its relative error, a few ulp, does not matter to a step-size factor.
func pow(x, y float64) float64 {
	if y == 0 {
		return 1
	}
	return detmath.Exp(float64(y * detmath.Log(x)))
}

// Step advances the solution by one accepted step, retrying with smaller
// steps after rejections. It returns ErrFinished once the end time has been
// reached, and ErrMaxSteps, ErrStepTooSmall or ErrNonFinite (wrapped with the
// time) when the integration fails.
func (s *Dopri5Solver[T]) Step() error {
	if !s.ready {
		return errors.New("ode: Step called before a successful Init")
	}
	if s.t == s.tEnd {
		return ErrFinished
	}
	o := &s.opt
	expo1 := 0.2 - float64(o.Beta*0.75)
	facc1, facc2 := 1/o.MinFactor, 1/o.MaxFactor
	n := s.n
	for {
		if s.stats.Steps >= o.MaxSteps {
			return fmt.Errorf("%w (%d) at t=%g", ErrMaxSteps, o.MaxSteps, s.t)
		}
		h := s.h
		if math.Abs(h)*0.1 <= math.Abs(s.t)*0x1p-52 || h == 0 {
			return fmt.Errorf("%w: h=%g at t=%g", ErrStepTooSmall, h, s.t)
		}
		last := false
		if (s.t+float64(1.01*h)-s.tEnd)*s.dir > 0 {
			h = s.tEnd - s.t
			last = true
		}
		s.stats.Steps++
		// Stages 2..7; stage 7 is evaluated at the new solution (FSAL).
		ys := s.ys[:n]
		for st := 1; st < 7; st++ {
			dst := ys
			if st == 6 {
				dst = s.yNew[:n]
			}
			copy(dst, s.y[:n])
			for j := 0; j < st; j++ {
				a := s.a[st][j]
				if a == 0 {
					continue
				}
				w := T(h * a)
				kj := s.k[j][:n]
				for i := range dst {
					dst[i] += T(w * kj[i])
				}
			}
			s.f(s.t+float64(dopri5Tableau.C[st]*h), dst, s.k[st])
		}
		s.stats.Evals += 6
		// Error estimate in Hairer's norm.
		var errSum float64
		yNew := s.yNew[:n]
		for i := range yNew {
			var e float64
			for j := 0; j < 7; j++ {
				e += float64(s.e[j] * float64(s.k[j][i]))
			}
			e *= h
			if i >= o.NormDim {
				errSum += float64(0 * e) // NaN when e is not finite, else 0
				continue
			}
			sk := s.atol(i) + float64(o.Rtol*math.Max(math.Abs(float64(s.y[i])), math.Abs(float64(yNew[i]))))
			errSum += sq(e / sk)
		}
		errNorm := math.Sqrt(errSum / float64(o.NormDim))
		if math.IsNaN(errNorm) {
			return fmt.Errorf("%w: vector field or state during the step from t=%g (h=%g)", ErrNonFinite, s.t, h)
		}
		fac11 := pow(errNorm, expo1)
		if errNorm <= 1 {
			// Accepted.
			fac := fac11 / pow(s.facOld, o.Beta)
			fac = math.Max(facc2, math.Min(facc1, fac/o.Safety))
			hNew := h / fac
			s.facOld = math.Max(errNorm, 1e-4)
			s.stats.Accepted++
			s.prepareDense(h)
			s.tOld, s.hOld = s.t, h
			if last {
				s.t = s.tEnd
			} else {
				s.t += h
			}
			s.y, s.yNew = s.yNew, s.y
			s.k[0], s.k[6] = s.k[6], s.k[0]
			if o.MaxStep > 0 && math.Abs(hNew) > o.MaxStep {
				hNew = s.dir * o.MaxStep
			}
			if s.rejected {
				hNew = s.dir * math.Min(math.Abs(hNew), math.Abs(h))
			}
			s.rejected = false
			s.h = hNew
			return nil
		}
		// Rejected: shrink (an infinite error shrinks by MinFactor).
		s.h = h / math.Min(facc1, fac11/o.Safety)
		s.rejected = true
		s.stats.Rejected++
	}
}

// prepareDense computes the continuous-extension coefficients of the step
// just accepted (y → yNew over h), before the buffers are swapped.
func (s *Dopri5Solver[T]) prepareDense(h float64) {
	n := s.n
	y, yNew := s.y[:n], s.yNew[:n]
	r0, r1, r2, r3, r4 := s.rcont[0][:n], s.rcont[1][:n], s.rcont[2][:n], s.rcont[3][:n], s.rcont[4][:n]
	k1, k3, k4, k5, k6, k7 := s.k[0][:n], s.k[2][:n], s.k[3][:n], s.k[4][:n], s.k[5][:n], s.k[6][:n]
	d := &s.dense
	ht := T(h)
	for i := range y {
		ydiff := yNew[i] - y[i]
		bspl := T(ht*k1[i]) - ydiff
		r0[i] = y[i]
		r1[i] = ydiff
		r2[i] = bspl
		r3[i] = ydiff - T(ht*k7[i]) - bspl
		r4[i] = T(h * (float64(d[0]*float64(k1[i])) + float64(d[2]*float64(k3[i])) + float64(d[3]*float64(k4[i])) +
			float64(d[4]*float64(k5[i])) + float64(d[5]*float64(k6[i])) + float64(d[6]*float64(k7[i]))))
	}
}

// DenseOutput writes the continuous extension of the last accepted step at
// time t into dst. t should lie in that step (see LastStep); evaluating
// outside extrapolates. At the step's end it returns the step's solution
// exactly.
func (s *Dopri5Solver[T]) DenseOutput(t float64, dst []T) {
	n := s.n
	if len(dst) != n {
		panic("ode: dst length does not match the solver dimension")
	}
	if s.hOld == 0 {
		copy(dst, s.y)
		return
	}
	if t == s.t {
		copy(dst, s.y)
		return
	}
	theta := (t - s.tOld) / s.hOld
	theta1 := 1 - theta
	th, th1 := T(theta), T(theta1)
	r0, r1, r2, r3, r4 := s.rcont[0][:n], s.rcont[1][:n], s.rcont[2][:n], s.rcont[3][:n], s.rcont[4][:n]
	for i := range dst {
		dst[i] = r0[i] + T(th*(r1[i]+T(th1*(r2[i]+T(th*(r3[i]+T(th1*r4[i])))))))
	}
}

// Solve integrates f from (t0, y0) and writes the solution at each ts[i]
// into out[i*n:(i+1)*n], interpolating with the dense output (times equal
// to t0 get y0 exactly). See Solver for the requirements on ts.
func (s *Dopri5Solver[T]) Solve(f Func[T], t0 float64, y0 []T, ts []float64, out []T) error {
	if err := checkGrid(s.n, t0, y0, ts, out); err != nil {
		return err
	}
	n := s.n
	tEnd := ts[len(ts)-1]
	i := 0
	for ; i < len(ts) && ts[i] == t0; i++ {
		copy(out[i*n:(i+1)*n], y0)
	}
	if i == len(ts) {
		s.stats = Stats{}
		return nil
	}
	if err := s.Init(f, t0, y0, tEnd); err != nil {
		return err
	}
	for i < len(ts) {
		if err := s.Step(); err != nil {
			return err
		}
		for ; i < len(ts) && (ts[i]-s.t)*s.dir <= 0; i++ {
			s.DenseOutput(ts[i], out[i*n:(i+1)*n])
		}
	}
	return nil
}
