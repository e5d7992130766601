package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// Protocol defaults of the closed-loop skill test (ValidTime).
const (
	// DefaultStarts is the number of start positions spread over the
	// evaluation trajectory.
	DefaultStarts = 100
	// DefaultWarmup is the number of teacher-forced steps before each free
	// run.
	DefaultWarmup = 50
	// DefaultHorizon is the longest free run per start, in steps (25 time
	// units of Lorenz data, about 22.6 Lyapunov times).
	DefaultHorizon = 2500
	// DefaultThreshold is the normalized error ‖e(t)‖/RMS(x) above which a
	// forecast stops being valid.
	DefaultThreshold = 0.4
	// DefaultDt is the sample interval of the tutorial's Lorenz data.
	DefaultDt = 0.01
	// LorenzLambda1 is the largest Lyapunov exponent of Lorenz-63
	// (σ=10, ρ=28, β=8/3), per time unit; one Lyapunov time is 1/λ₁.
	LorenzLambda1 = 0.906
)

// maxZ bounds the size of every variable's mean and standard deviation in
// a trajectory ValidTime takes as normalized (see ValidTime).
const maxZ = 3.0

// ClosedLoopConfig configures ValidTime. The zero value is the protocol:
// 100 starts, 50 warm-up steps, at most 2500 free-running steps, threshold
// 0.4, sample interval 0.01, λ₁ = 0.906.
type ClosedLoopConfig struct {
	// Starts is the number of start positions (0 → 100).
	Starts int
	// Warmup is the number of teacher-forced steps per start (0 → 50).
	Warmup int
	// Horizon is the longest free run per start, in steps (0 → 2500). A
	// start whose error never crosses the threshold within Horizon steps is
	// reported as censored, with valid time Horizon·Dt.
	Horizon int
	// Threshold is the normalized error that ends a valid forecast
	// (0 → 0.4).
	Threshold float64
	// Dt is the time one step covers, in the system's time units
	// (0 → 0.01).
	Dt float64
	// Lambda1 is the largest Lyapunov exponent of the true system, per time
	// unit, used to report valid times in Lyapunov times (0 → 0.906).
	Lambda1 float64
	// Curve runs every start to Horizon (instead of stopping at the first
	// crossing) and returns the mean normalized error per step.
	Curve bool
}

// WithDefaults returns c with zero fields replaced by the protocol defaults.
func (c ClosedLoopConfig) WithDefaults() ClosedLoopConfig {
	if c.Starts == 0 {
		c.Starts = DefaultStarts
	}
	if c.Warmup == 0 {
		c.Warmup = DefaultWarmup
	}
	if c.Horizon == 0 {
		c.Horizon = DefaultHorizon
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.Dt == 0 {
		c.Dt = DefaultDt
	}
	if c.Lambda1 == 0 {
		c.Lambda1 = LorenzLambda1
	}
	return c
}

// Validate reports the first bad field (after defaults) as a param error.
func (c ClosedLoopConfig) Validate() error {
	c = c.WithDefaults()
	return param.First(
		param.PositiveInt("analysis", "Starts", c.Starts),
		param.PositiveInt("analysis", "Warmup", c.Warmup),
		param.PositiveInt("analysis", "Horizon", c.Horizon),
		param.Positive("analysis", "Threshold", c.Threshold),
		param.Positive("analysis", "Dt", c.Dt),
		param.Positive("analysis", "Lambda1", c.Lambda1),
	)
}

// Quartiles summarises a sample by its first quartile, median and third
// quartile, computed by linear interpolation between order statistics
// (NumPy's default "linear" method: the p-quantile of n sorted values is at
// position p·(n−1)).
type Quartiles struct {
	Q1, Median, Q3 float64
}

// quantileSorted returns the p-quantile of sorted values s by NumPy's linear
// method. It returns NaN for an empty slice.
func quantileSorted(s []float64, p float64) float64 {
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	pos := float64(p * float64(n-1))
	lo := int(math.Floor(pos))
	if lo >= n-1 {
		return s[n-1]
	}
	f := pos - float64(lo)
	return s[lo] + float64(f*(s[lo+1]-s[lo]))
}

// quartilesOf returns the quartiles of v (not modified).
func quartilesOf(v []float64) Quartiles {
	s := slices.Clone(v)
	slices.Sort(s)
	return Quartiles{Q1: quantileSorted(s, 0.25), Median: quantileSorted(s, 0.5), Q3: quantileSorted(s, 0.75)}
}

// ValidTimes is the result of ValidTime: per-start valid prediction times
// and their quartiles, in time units and in Lyapunov times.
type ValidTimes struct {
	// Config is the configuration used (defaults filled in).
	Config ClosedLoopConfig
	// RMS is the normalizing scale sqrt(mean over samples of ‖x_t‖²) of the
	// whole evaluation trajectory.
	RMS float64
	// Starts holds, per start, the index of the first warm-up sample.
	Starts []int
	// Steps holds, per start, the number of free-running predictions made
	// before the first one whose normalized error exceeded Threshold.
	Steps []int
	// Censored marks starts whose error never exceeded Threshold within
	// Horizon steps (their Steps is Horizon).
	Censored []bool
	// Time is Steps·Dt (time units); Lyapunov is Time·Lambda1.
	Time, Lyapunov []float64
	// InTime and InLyapunov are the quartiles of Time and Lyapunov.
	InTime, InLyapunov Quartiles
	// NumCensored counts the censored starts.
	NumCensored int
	// ErrorCurve (only with Config.Curve) is, for j = 0..Horizon−1, the
	// mean over starts of ‖e_j‖/RMS; non-finite errors count as +Inf.
	ErrorCurve []float64
}

// StartPositions returns the deterministic start positions ValidTime uses on
// a trajectory of n samples: the first warm-up sample of start s is
// ⌊s·(n − Warmup − Horizon)/(Starts − 1)⌋ for s = 0..Starts−1 (evenly spread
// from the first sample to the last position that leaves room for the warm-up
// and the full horizon; a single start uses position 0).
func StartPositions(n int, c ClosedLoopConfig) ([]int, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	span := n - c.Warmup - c.Horizon
	if span < c.Starts-1 {
		return nil, param.New("analysis", "trajectory", fmt.Sprintf("%d samples", n),
			fmt.Sprintf("at least Warmup+Horizon+Starts-1 = %d samples", c.Warmup+c.Horizon+c.Starts-1))
	}
	pos := make([]int, c.Starts)
	if c.Starts == 1 {
		return pos, nil
	}
	for s := range pos {
		pos[s] = s * span / (c.Starts - 1)
	}
	return pos, nil
}

// checkSeries validates a row-major series of samples of dimension dim.
func checkSeries(name string, x []float64, dim int) (int, error) {
	if dim <= 0 {
		return 0, param.New("analysis", "dim", dim, "> 0")
	}
	if len(x) == 0 || len(x)%dim != 0 {
		return 0, param.New("analysis", name, fmt.Sprintf("length %d", len(x)), fmt.Sprintf("a non-empty multiple of dim = %d", dim))
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, param.New("analysis", fmt.Sprintf("%s[%d]", name, i), v, "finite")
		}
	}
	return len(x) / dim, nil
}

// checkClosedLoop verifies that m can run closed loop on samples of
// dimension dim.
func checkClosedLoop(m learn.Stepper, dim int) error {
	if m.InputDim() != dim || m.OutputDim() != dim {
		return param.New("analysis", "model", fmt.Sprintf("InputDim %d, OutputDim %d", m.InputDim(), m.OutputDim()),
			fmt.Sprintf("InputDim = OutputDim = %d (the trajectory's dimension) to run closed loop", dim))
	}
	return nil
}

// ValidTime measures closed-loop forecasting skill, the protocol every
// forecaster is compared by. traj is the normalized evaluation trajectory
// (row-major, samples × dim; dim must equal m's input and output sizes).
//
// For each start position p (StartPositions): m.Reset(); the Warmup samples
// traj[p], …, traj[p+Warmup−1] are fed as inputs (teacher forcing); the
// output of the last warm-up step is prediction 0, the forecast of sample
// p+Warmup. Then the model runs free: prediction j is the forecast of sample
// p+Warmup+j, and the next step is fed prediction j as its input. The error
// of prediction j is
//
//	E_j = ‖ŷ_j − x_{p+Warmup+j}‖ / RMS,  RMS = sqrt( (1/N) Σ_t ‖x_t‖² ),
//
// with ‖·‖ the Euclidean norm over the dim variables and the mean over all N
// samples of traj (for z-scored data RMS ≈ √dim). RMS includes the
// variables' means, so it is the trajectory's spread only when the data
// are normalized as the protocol specifies (z-scored, usually with the
// training statistics): a trajectory with a variable whose mean or standard
// deviation exceeds 3 in size is a param error naming traj. Raw Lorenz-63
// (z mean 23.5, standard deviations about 8; RMS 27.66 against √Σvar 14.95)
// would make the threshold 1.85 times looser. A normalized segment may sit
// off zero (one wing of the attractor has x and y means near ±0.8, a short
// quick-mode series 0.30 of the mean squared norm in its means), so the
// bound is on each variable's size, not on the means' share; the
// tutorial's splits are measured exactly as before. The valid prediction time
// of the start is j*·Dt, where j* is the first j with E_j > Threshold (a
// non-finite error counts as above it), i.e. the time for which every
// prediction stayed valid. It is reported in time units and in Lyapunov
// times (× Lambda1). Starts are run one after the other on m; the result is
// deterministic.
func ValidTime(m learn.Stepper, traj []float64, dim int, c ClosedLoopConfig) (*ValidTimes, error) {
	return ValidTimeContext(context.Background(), m, traj, dim, c)
}

// ctxSteps is the number of model steps the context-taking closed-loop
// functions (ValidTimeContext, FreeRunContext) run between two looks at
// their context: an atomic load each, nothing next to a step.
const ctxSteps = 64

// ValidTimeContext is ValidTime, stopped when ctx is done: it looks at ctx
// before each start and every ctxSteps steps, and then returns an error
// wrapping ctx.Err() (and no result; the model is left in the state of
// the step it stopped at, as ValidTime leaves it after its last start).
// Results that are not stopped are ValidTime's, bit for bit.
func ValidTimeContext(ctx context.Context, m learn.Stepper, traj []float64, dim int, c ClosedLoopConfig) (*ValidTimes, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	n, err := checkSeries("traj", traj, dim)
	if err != nil {
		return nil, err
	}
	if err := checkClosedLoop(m, dim); err != nil {
		return nil, err
	}
	starts, err := StartPositions(n, c)
	if err != nil {
		return nil, err
	}
	var ss float64
	for _, v := range traj {
		ss += float64(v * v)
	}
	rms := math.Sqrt(ss / float64(n))
	if !(rms > 0) {
		return nil, param.New("analysis", "traj", "all zeros", "a trajectory with RMS > 0")
	}
	for d := 0; d < dim; d++ {
		var m, v float64
		for i := 0; i < n; i++ {
			m += traj[i*dim+d]
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			e := traj[i*dim+d] - m
			v += float64(e * e) // rounded: no fused multiply-add
		}
		if sd := math.Sqrt(v / float64(n)); math.Abs(m) > maxZ || sd > maxZ {
			return nil, param.New("analysis", "traj", fmt.Sprintf("not normalized (variable %d has mean %.3g and standard deviation %.3g)", d, m, sd),
				fmt.Sprintf("a normalized trajectory (z-scored, e.g. with the training statistics: every variable's mean and standard deviation at most %g in size), as the protocol's error scale RMS assumes", maxZ))
		}
	}
	r := &ValidTimes{
		Config: c, RMS: rms, Starts: starts,
		Steps:    make([]int, c.Starts),
		Censored: make([]bool, c.Starts),
		Time:     make([]float64, c.Starts),
		Lyapunov: make([]float64, c.Starts),
	}
	if c.Curve {
		r.ErrorCurve = make([]float64, c.Horizon)
	}
	x := make([]float64, dim)
	y := make([]float64, dim)
	thr := c.Threshold
	stop := func(s int) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("analysis: valid time stopped in start %d of %d: %w", s+1, c.Starts, err)
		}
		return nil
	}
	for s, p := range starts {
		if err := stop(s); err != nil {
			return nil, err
		}
		m.Reset()
		for k := 0; k < c.Warmup; k++ {
			if k%ctxSteps == ctxSteps-1 {
				if err := stop(s); err != nil {
					return nil, err
				}
			}
			copy(x, traj[(p+k)*dim:(p+k+1)*dim])
			m.Step(y, x)
		}
		steps := -1
		for j := 0; j < c.Horizon; j++ {
			if j%ctxSteps == ctxSteps-1 {
				if err := stop(s); err != nil {
					return nil, err
				}
			}
			truth := traj[(p+c.Warmup+j)*dim : (p+c.Warmup+j+1)*dim]
			var e2 float64
			for d, v := range truth {
				e := y[d] - v
				e2 += float64(e * e)
			}
			e := math.Sqrt(e2) / rms
			if c.Curve {
				if math.IsNaN(e) {
					e = math.Inf(1)
				}
				r.ErrorCurve[j] += e
			}
			if steps < 0 && !(e <= thr) {
				steps = j
				if !c.Curve {
					break
				}
			}
			if j+1 < c.Horizon {
				copy(x, y)
				m.Step(y, x)
			}
		}
		if steps < 0 {
			steps = c.Horizon
			r.Censored[s] = true
			r.NumCensored++
		}
		r.Steps[s] = steps
		r.Time[s] = float64(steps) * c.Dt
		r.Lyapunov[s] = r.Time[s] * c.Lambda1
	}
	if c.Curve {
		for j := range r.ErrorCurve {
			r.ErrorCurve[j] /= float64(c.Starts)
		}
	}
	r.InTime = quartilesOf(r.Time)
	r.InLyapunov = quartilesOf(r.Lyapunov)
	return r, nil
}

// FreeRun generates an autonomous trajectory: it resets m, feeds the warm-up
// samples (row-major, len a multiple of m.InputDim()) as inputs, then runs n
// steps closed loop, feeding each output back as the next input. dst
// (n×OutputDim) receives the n outputs; output 0 is the prediction that
// follows the last warm-up sample. The model must have InputDim = OutputDim.
// The outputs of a model that diverges are written as they are (±Inf or
// NaN from the step it blows up on) without an error: checking them is the
// caller's choice (DescribeAttractor and CompareAttractors reject them,
// naming the first non-finite value).
func FreeRun(m learn.Stepper, warmup []float64, n int, dst []float64) error {
	_, err := FreeRunContext(context.Background(), m, warmup, n, dst)
	return err
}

// FreeRunContext is FreeRun, stopped when ctx is done: it looks at ctx
// every ctxSteps steps and returns the number of outputs written to dst
// (n when it was not stopped); when stopped, with an error wrapping
// ctx.Err(), dst holds the outputs written before (rows 0 … done−1, those
// of FreeRun bit for bit) and the rest of dst is untouched.
func FreeRunContext(ctx context.Context, m learn.Stepper, warmup []float64, n int, dst []float64) (done int, err error) {
	dim := m.InputDim()
	if err := checkClosedLoop(m, dim); err != nil {
		return 0, err
	}
	if _, err := checkSeries("warmup", warmup, dim); err != nil {
		return 0, err
	}
	if n <= 0 {
		return 0, param.New("analysis", "n", n, "> 0")
	}
	if len(dst) != n*dim {
		return 0, param.New("analysis", "dst", fmt.Sprintf("length %d", len(dst)), fmt.Sprintf("n·dim = %d", n*dim))
	}
	x := make([]float64, dim)
	y := make([]float64, dim)
	m.Reset()
	for k := 0; k < len(warmup)/dim; k++ {
		if k%ctxSteps == ctxSteps-1 {
			if err := ctx.Err(); err != nil {
				return 0, fmt.Errorf("analysis: free run stopped in the warm-up: %w", err)
			}
		}
		copy(x, warmup[k*dim:(k+1)*dim])
		m.Step(y, x)
	}
	for j := 0; j < n; j++ {
		if j%ctxSteps == ctxSteps-1 {
			if err := ctx.Err(); err != nil {
				return j, fmt.Errorf("analysis: free run stopped after %d of %d steps: %w", j, n, err)
			}
		}
		copy(dst[j*dim:(j+1)*dim], y)
		if j+1 < n {
			copy(x, y)
			m.Step(y, x)
		}
	}
	return n, nil
}
