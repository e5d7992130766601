package analysis

import (
	"context"
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/tasks"
)

// BatchPredictor is a model that predicts the sample after each of n input
// windows of length L at once: x holds n windows (n×L×dim, normalized
// units, float32 as models compute), the result n×dim. ctrnn and rate
// models (Model[float32]) implement it, snn models through
// Model.Predictor(RunOptions) (snn.Model's own PredictLast takes run
// options); it is how a model's one-step skill is measured without a
// per-window call.
type BatchPredictor interface {
	// PredictLast returns the n×dim predictions of the sample after each of
	// the n windows of L samples in x (n×L×dim, normalized units).
	PredictLast(x []float32, n, L int) ([]float32, error)
}

// EvalBatch is the number of windows PredictSplitBatch hands a model per
// call, which bounds the memory of an evaluation whatever the split's size.
const EvalBatch = 512

// PredictSplitBatch runs p on every window of the named split, EvalBatch
// windows per call, and returns the predictions and targets in original
// units (row-major, windows × Dim).
func PredictSplitBatch(d *tasks.Dataset, split string, p BatchPredictor) (pred, truth []float64, err error) {
	return predictSplitBatch(context.Background(), d, split, p)
}

// predictSplitBatch is PredictSplitBatch, stopped when ctx is done (it
// looks before each batch) with an error wrapping ctx.Err().
func predictSplitBatch(ctx context.Context, d *tasks.Dataset, split string, p BatchPredictor) (pred, truth []float64, err error) {
	w, err := d.Windows(split)
	if err != nil {
		return nil, nil, err
	}
	n := w.Len()
	if n == 0 {
		return nil, nil, param.New("analysis", "split", split, "a split with at least one window")
	}
	pred = make([]float64, n*d.Dim)
	truth = make([]float64, n*d.Dim)
	x := make([]float32, min(EvalBatch, n)*w.InputSize())
	for b := 0; b < n; b += EvalBatch {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("analysis: evaluation stopped after %d of %d windows: %w", b, n, err)
		}
		k := min(EvalBatch, n-b)
		for j := 0; j < k; j++ {
			copy(x[j*w.InputSize():], w.Input32(b+j))
			copy(truth[(b+j)*d.Dim:], w.Target(b+j))
		}
		y, err := p.PredictLast(x[:k*w.InputSize()], k, w.SeqLength)
		if err != nil {
			return nil, nil, err
		}
		if len(y) != k*d.Dim {
			return nil, nil, fmt.Errorf("analysis: PredictLast returned %d values for %d windows of dimension %d", len(y), k, d.Dim)
		}
		for j, v := range y {
			pred[b*d.Dim+j] = float64(v)
		}
	}
	d.Denormalize(pred, pred)
	d.Denormalize(truth, truth)
	return pred, truth, nil
}

// EvaluateBatch returns p's one-step metrics on the named split, in
// original units.
func EvaluateBatch(d *tasks.Dataset, split string, p BatchPredictor) (Metrics, error) {
	return EvaluateBatchContext(context.Background(), d, split, p)
}

// EvaluateBatchContext is EvaluateBatch, stopped when ctx is done: it
// looks at ctx before each batch of EvalBatch windows and then returns an
// error wrapping ctx.Err() (and no metrics). Metrics that are not stopped
// are EvaluateBatch's, bit for bit.
func EvaluateBatchContext(ctx context.Context, d *tasks.Dataset, split string, p BatchPredictor) (Metrics, error) {
	pred, truth, err := predictSplitBatch(ctx, d, split, p)
	if err != nil {
		return Metrics{}, err
	}
	return Evaluate(pred, truth, d.Dim)
}

// BitAccuracy is the flip-flop score: the fraction of outputs that, compared
// with threshold (0.5 for the reference), fall on the same side as their
// target. A NaN output counts as wrong. It returns a param error for
// mismatched or empty slices and for a non-finite threshold.
func BitAccuracy(outputs, targets []float32, threshold float32) (float64, error) {
	if len(outputs) == 0 || len(outputs) != len(targets) {
		return 0, param.New("analysis", "outputs/targets", fmt.Sprintf("lengths %d/%d", len(outputs), len(targets)), "equal and non-zero")
	}
	if err := param.Finite("analysis", "threshold", float64(threshold)); err != nil {
		return 0, err
	}
	ok := 0
	for i, y := range outputs {
		if !math.IsNaN(float64(y)) && (y > threshold) == (targets[i] > threshold) {
			ok++
		}
	}
	return float64(ok) / float64(len(outputs)), nil
}
