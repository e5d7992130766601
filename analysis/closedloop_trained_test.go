package analysis_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/tasks"
)

// TestTrainedLorenzClosedLoop: the CT-RNN trained on Lorenz-63, run closed
// loop for 10⁵ steps (1000 time units), has λ₁ within 15% of 0.906 (QR on
// the model's closed-loop Jacobians) and D₂ within 0.1 of 2.05. Also
// prints the valid prediction time and the attractor comparison. See
// fixedpoints_trained_test.go for when it runs.
func TestTrainedLorenzClosedLoop(t *testing.T) {
	mode := trainedMode(t)
	r := ctrnn.LorenzDefault()
	if mode == "quick" {
		r = ctrnn.LorenzQuick()
	}
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{})
	if err != nil {
		t.Fatal(err)
	}
	m, res, err := ctrnn.TrainLorenz(context.Background(), r, d, trainOptions(t, r.Name))
	if err != nil {
		t.Fatal(err)
	}
	eval := d.Eval.Data
	vt, err := analysis.ValidTime(m, eval, 3, analysis.ClosedLoopConfig{})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%s (trained %.0f s): valid prediction time median %.2f Lyapunov times (quartiles %.2f, %.2f; %d starts, %d censored)\n",
		r.Name, res.Seconds, vt.InLyapunov.Median, vt.InLyapunov.Q1, vt.InLyapunov.Q3, len(vt.Starts), vt.NumCensored)

	const steps = 100000
	warm := eval[:3*50]
	spec, err := analysis.ModelSpectrum(m, warm, analysis.MapSpectrumConfig{K: 3, Steps: steps, Renorm: 10})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("  closed-loop spectrum (QR on model Jacobians, %g time units): %.4f ± %.4f, %.4f ± %.4f, %.4f ± %.4f\n",
		spec.Time, spec.Exponents[0], spec.StdErr[0], spec.Exponents[1], spec.StdErr[1], spec.Exponents[2], spec.StdErr[2])

	gen := make([]float64, 3*steps)
	if err := analysis.FreeRun(m, warm, steps, gen); err != nil {
		t.Fatal(err)
	}
	d.Denormalize(gen, gen)
	truth := slices.Clone(eval)
	d.Denormalize(truth, truth)
	cmp, err := analysis.CompareAttractors(gen, truth, 3, analysis.AttractorConfig{Dt: d.Dt})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("  autonomous run vs truth: λ₁ (Rosenstein on x) %.3f vs %.3f; D₂ %.3f vs %.3f; W1/std %.3f; histogram TV %.3f; return map %.3f / %.3f; notes %q %q\n",
		cmp.Gen.Lambda1, cmp.True.Lambda1, cmp.Gen.D2, cmp.True.D2, cmp.WassersteinRel, cmp.HistTV,
		cmp.ReturnGenToTrue, cmp.ReturnTrueToGen, cmp.Gen.Notes, cmp.True.Notes)
	if mode != "full" {
		return
	}
	if e := spec.Exponents[0]/analysis.LorenzLambda1 - 1; math.Abs(e) > 0.15 {
		t.Errorf("closed-loop λ₁ = %.4f, want 0.906 within 15%% (off by %.1f%%)", spec.Exponents[0], 100*e)
	}
	if math.Abs(cmp.Gen.D2-2.05) > 0.1 {
		t.Errorf("D₂ of the autonomous run = %.3f, want 2.05 ± 0.1", cmp.Gen.D2)
	}
}
