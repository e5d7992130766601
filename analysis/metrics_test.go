package analysis

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// Hand-computed case: 3 samples × 2 variables.
//
//	truth = [1 10; 2 20; 3 30], pred = [1 12; 3 20; 2 27]
//	errors: 0 2; 1 0; −1 −3 → SSE = 0+4+1+0+1+9 = 15, MSE = 2.5, MAE = 7/6
//	range of truth = 29 → NRMSE(range) = √2.5/29
//	population var of all truth: mean 11, Σ(t−11)² = 100+1+81+81+64+361 = 688 → var 688/6
//	R² dim 0: SSres 2, SStot 2 → 0; dim 1: SSres 13, SStot 200 → 0.935
//	grand mean R²: 1 − 15/688
//	Pearson: pred mean 65/6
func TestMetricsHandComputed(t *testing.T) {
	truth := []float64{1, 10, 2, 20, 3, 30}
	pred := []float64{1, 12, 3, 20, 2, 27}
	m, err := Evaluate(pred, truth, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Pearson by hand: deviations of pred from 65/6 and truth from 11.
	var sxy, sxx, syy float64
	for i := range pred {
		a, b := pred[i]-65.0/6, truth[i]-11
		sxy += a * b
		sxx += a * a
		syy += b * b
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"MSE", m.MSE, 2.5},
		{"RMSE", m.RMSE, math.Sqrt(2.5)},
		{"MAE", m.MAE, 7.0 / 6},
		{"NRMSERange", m.NRMSERange, math.Sqrt(2.5) / 29},
		{"NRMSEStd", m.NRMSEStd, math.Sqrt(2.5) / math.Sqrt(688.0/6)},
		{"R2[0]", m.R2[0], 0},
		{"R2[1]", m.R2[1], 1 - 13.0/200},
		{"MeanR2", m.MeanR2, (1 - 13.0/200) / 2},
		{"R2GrandMean", m.R2GrandMean, 1 - 15/(688+1e-10)},
		{"Pearson", m.Pearson, sxy / math.Sqrt(sxx*syy)},
	} {
		if !near(c.got, c.want, 1e-14) {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
	if m.N != 3 || m.Dim != 2 {
		t.Errorf("N, Dim = %d, %d", m.N, m.Dim)
	}
}

// The grand-mean R² flatters: predicting each variable's own mean gives
// per-dimension R² = 0 but a large grand-mean R² when the means differ.
func TestR2GrandMeanFlatters(t *testing.T) {
	truth := []float64{-1, 99, 1, 101, -1, 99, 1, 101}
	pred := []float64{0, 100, 0, 100, 0, 100, 0, 100}
	r2 := R2PerDim(pred, truth, 2)
	if r2[0] != 0 || r2[1] != 0 {
		t.Errorf("per-dim R² %v, want 0 0", r2)
	}
	// SS_res = 8; around the grand mean 50: 4·51² + 4·49² → R² ≈ 0.9992.
	want := 1 - 8/(4*51.0*51+4*49.0*49+1e-10)
	if g := R2GrandMean(pred, truth); !near(g, want, 1e-14) || g < 0.99 {
		t.Errorf("grand-mean R² %v, want %v", g, want)
	}
	if p := Pearson([]float64{1, 2, 3}, []float64{2, 4, 6}); !near(p, 1, 1e-15) {
		t.Errorf("Pearson of proportional series %v", p)
	}
	if p := Pearson([]float64{1, 2, 3}, []float64{3, 2, 1}); !near(p, -1, 1e-15) {
		t.Errorf("Pearson of reversed series %v", p)
	}
}

func TestEvaluateErrors(t *testing.T) {
	cases := []struct {
		pred, truth []float64
		dim         int
		want        string
	}{
		{[]float64{1, 2}, []float64{1, 2}, 0, "analysis: dim = 0: must be > 0"},
		{[]float64{1, 2}, []float64{1, 2, 3}, 1, "lengths 2/3"},
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, 2, "multiples of dim = 2"},
		{[]float64{1, math.NaN()}, []float64{1, 2}, 1, "pred = NaN at sample 1, variable 0: must be finite"},
		{[]float64{1, 2}, []float64{math.Inf(1), 2}, 2, "truth = +Inf at sample 0"},
		{nil, nil, 1, "lengths 0/0"},
	}
	for _, c := range cases {
		_, err := Evaluate(c.pred, c.truth, c.dim)
		if err == nil || !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	paramtest.Panics(t, "analysis: prediction and truth lengths do not match", func() { MSE([]float64{1}, []float64{1, 2}) })
}

// TestR2ConstantVariable: a variable constant in truth has R² 1 when
// predicted exactly and −Inf otherwise, as documented; the exact case was
// NaN (0/0), which made Evaluate's MeanR2 NaN with no error.
func TestR2ConstantVariable(t *testing.T) {
	truth := []float64{1, 5, 2, 5, 3, 5}
	for _, tc := range []struct {
		name     string
		pred     []float64
		r2, mean float64
	}{
		{"exact", []float64{1, 5, 2, 5, 3.1, 5}, 1, (0.995 + 1) / 2},
		{"mispredicted", []float64{1, 5, 2, 5.5, 3, 5}, math.Inf(-1), math.Inf(-1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Evaluate(tc.pred, truth, 2)
			if err != nil {
				t.Fatal(err)
			}
			if m.R2[1] != tc.r2 || !near(m.MeanR2, tc.mean, 1e-12) && m.MeanR2 != tc.mean {
				t.Fatalf("R² %v, mean %v; want R²[1] = %v, mean %v", m.R2, m.MeanR2, tc.r2, tc.mean)
			}
		})
	}
}
