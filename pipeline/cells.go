package pipeline

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/analysis"
)

// Table cell helpers shared by the stages.

// vptCell formats a valid time: median [Q1, Q3] in Lyapunov times, the
// 95% confidence interval of the median (ValidTimes.MedianCI), and the
// number of censored starts.
func vptCell(vt *analysis.ValidTimes) string {
	if vt == nil {
		return "—"
	}
	q := vt.InLyapunov
	s := fmt.Sprintf("%.3g [%.3g, %.3g]", q.Median, q.Q1, q.Q3)
	if lo, hi := vt.MedianCI(); !math.IsNaN(lo) {
		s += fmt.Sprintf("; median's 95%% CI %.3g–%.3g", lo, hi)
	}
	if vt.NumCensored > 0 {
		s += fmt.Sprintf(" (%d of %d censored at the horizon)", vt.NumCensored, len(vt.Starts))
	}
	return s
}

// attr returns the generated and true λ₁ (lambda) or D₂ of a forecast's
// attractor comparison (NaN when not measured).
func attr(f *Forecast, lambda bool) [2]float64 {
	if f.Attractor == nil {
		return [2]float64{math.NaN(), math.NaN()}
	}
	if lambda {
		return [2]float64{f.Attractor.Gen.Lambda1, f.Attractor.True.Lambda1}
	}
	return [2]float64{f.Attractor.Gen.D2, f.Attractor.True.D2}
}

// pairCell formats "generated / true".
func pairCell(v [2]float64) string { return num(v[0]) + " / " + num(v[1]) }

// num formats a figure with 4 significant digits, "—" when not finite.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return fmt.Sprintf("%.4g", v)
}
