package learn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/internal/param"
)

// GradCheckConfig configures GradCheck. The zero value checks every
// coordinate with a relative step of 1e-6 and tolerances suited to float64
// models with smooth activations.
type GradCheckConfig struct {
	// Step is the finite-difference step relative to max(1, |θ_i|)
	// (0 → 1e-6).
	Step float64
	// RelTol and AbsTol: coordinate i passes when
	// |fd − g| ≤ AbsTol + RelTol·max(|fd|, |g|) (0 → 1e-6 and 1e-8).
	RelTol, AbsTol float64
	// MaxChecks, when positive, checks that many coordinates drawn without
	// replacement from PCG(Seed, 0) instead of all.
	MaxChecks int
	Seed      uint64
}

// GradCheckResult reports the comparison.
type GradCheckResult struct {
	Checked   int     // coordinates compared
	Failed    int     // coordinates outside the tolerance
	MaxAbsErr float64 // largest |fd − g|
	MaxRelErr float64 // largest |fd − g| / max(|fd|, |g|, AbsTol)
	Worst     int     // coordinate of MaxRelErr
	WorstFD   float64 // finite difference at Worst
	WorstGrad float64 // analytic gradient at Worst
}

// OK reports whether every checked coordinate passed.
func (r GradCheckResult) OK() bool { return r.Failed == 0 && r.Checked > 0 }

// String summarizes the result.
func (r GradCheckResult) String() string {
	return fmt.Sprintf("%d/%d failed, max abs err %.3g, max rel err %.3g at %d (fd %.10g, grad %.10g)",
		r.Failed, r.Checked, r.MaxAbsErr, r.MaxRelErr, r.Worst, r.WorstFD, r.WorstGrad)
}

// GradCheck compares grad, the analytic gradient of f at theta, with
// central differences (f(θ + h·e_i) − f(θ − h·e_i)) / 2h. f must not keep
// theta; theta is restored before GradCheck returns. Any error of f is
// returned.
func GradCheck(f func(theta []float64) (float64, error), theta, grad []float64, c GradCheckConfig) (GradCheckResult, error) {
	if len(theta) != len(grad) {
		return GradCheckResult{}, param.New("learn", "grad", len(grad), fmt.Sprintf("the length of theta (%d)", len(theta)))
	}
	if c.Step == 0 {
		c.Step = 1e-6
	}
	if c.RelTol == 0 {
		c.RelTol = 1e-6
	}
	if c.AbsTol == 0 {
		c.AbsTol = 1e-8
	}
	if err := param.First(param.Positive("learn", "Step", c.Step), param.Positive("learn", "RelTol", c.RelTol),
		param.Positive("learn", "AbsTol", c.AbsTol)); err != nil {
		return GradCheckResult{}, err
	}
	idx := make([]int, len(theta))
	for i := range idx {
		idx[i] = i
	}
	if c.MaxChecks > 0 && c.MaxChecks < len(idx) {
		r := rand.New(rand.NewPCG(c.Seed, 0))
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		idx = idx[:c.MaxChecks]
	}
	var res GradCheckResult
	res.Worst = -1
	for _, i := range idx {
		old := theta[i]
		h := float64(c.Step * math.Max(1, math.Abs(old)))
		theta[i] = old + h
		fp, err := f(theta)
		if err != nil {
			theta[i] = old
			return res, err
		}
		theta[i] = old - h
		fm, err := f(theta)
		theta[i] = old
		if err != nil {
			return res, err
		}
		fd := (fp - fm) / (2 * h)
		g := grad[i]
		ae := math.Abs(fd - g)
		scale := math.Max(math.Abs(fd), math.Abs(g))
		re := ae / math.Max(scale, c.AbsTol)
		res.Checked++
		if !(ae <= c.AbsTol+float64(c.RelTol*scale)) {
			res.Failed++
		}
		res.MaxAbsErr = math.Max(res.MaxAbsErr, ae)
		if re > res.MaxRelErr || res.Worst < 0 || math.IsNaN(re) {
			res.MaxRelErr, res.Worst, res.WorstFD, res.WorstGrad = re, i, fd, g
		}
	}
	return res, nil
}
