package analysis

import (
	"errors"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/tasks"
)

// lastInput predicts the window's last sample (persistence) in batch.
type lastInput struct{ dim int }

func (p lastInput) PredictLast(x []float32, n, L int) ([]float32, error) {
	out := make([]float32, 0, n*p.dim)
	for i := 0; i < n; i++ {
		w := x[i*L*p.dim : (i+1)*L*p.dim]
		out = append(out, w[(L-1)*p.dim:]...)
	}
	return out, nil
}

func TestEvaluateBatchMatchesPerWindow(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 20, ValT: 5, TestT: 5, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := EvaluateBatch(d, "test", lastInput{3})
	if err != nil {
		t.Fatal(err)
	}
	want, err := EvaluateForecaster(d, "test", NewPersistence(3))
	if err != nil {
		t.Fatal(err)
	}
	// The batch path sees float32 inputs: agreement to float32 rounding of
	// the normalized values.
	if math.Abs(got.RMSE-want.RMSE) > 1e-5*want.RMSE || got.N != want.N {
		t.Errorf("batch RMSE %v (n %d), per-window %v (n %d)", got.RMSE, got.N, want.RMSE, want.N)
	}
}

func TestBitAccuracy(t *testing.T) {
	acc, err := BitAccuracy([]float32{0.9, 0.2, 0.6, 0.4}, []float32{1, 0, 0, 0}, 0.5)
	if err != nil || acc != 0.75 {
		t.Errorf("BitAccuracy = %v, %v; want 0.75", acc, err)
	}
	if _, err := BitAccuracy([]float32{1}, nil, 0.5); !errors.Is(err, param.ErrInvalid) {
		t.Errorf("mismatched lengths: %v", err)
	}
}

func TestBitAccuracyNonFinite(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name      string
		outputs   []float32
		threshold float32
		want      float64 // NaN: want a param error naming threshold
	}{
		{"all NaN outputs", []float32{nan, nan, nan, nan}, 0.5, 0},
		{"one NaN output", []float32{0, nan, 0, 1}, 0.5, 0.75},
		{"NaN threshold", []float32{0, 0, 0, 1}, nan, math.NaN()},
		{"+Inf threshold", []float32{0, 0, 0, 1}, float32(math.Inf(1)), math.NaN()},
		{"-Inf threshold", []float32{0, 0, 0, 1}, float32(math.Inf(-1)), math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acc, err := BitAccuracy(tc.outputs, []float32{0, 0, 0, 1}, tc.threshold)
			if math.IsNaN(tc.want) {
				var pe *param.Error
				if !errors.As(err, &pe) || pe.Name != "threshold" {
					t.Fatalf("BitAccuracy = %v, %v; want a param error naming threshold", acc, err)
				}
				return
			}
			if err != nil || acc != tc.want {
				t.Fatalf("BitAccuracy = %v, %v; want %v", acc, err, tc.want)
			}
		})
	}
}
