package analysis

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
)

func sameLen(pred, truth []float64) {
	if len(pred) != len(truth) {
		panic("analysis: prediction and truth lengths do not match")
	}
	if len(pred) == 0 {
		panic("analysis: empty prediction")
	}
}

// MSE returns the mean squared error over all elements.
func MSE(pred, truth []float64) float64 {
	sameLen(pred, truth)
	var s float64
	for i := range pred {
		d := pred[i] - truth[i]
		s += float64(d * d)
	}
	return s / float64(len(pred))
}

// RMSE returns √MSE.
func RMSE(pred, truth []float64) float64 { return math.Sqrt(MSE(pred, truth)) }

// MAE returns the mean absolute error over all elements.
func MAE(pred, truth []float64) float64 {
	sameLen(pred, truth)
	var s float64
	for i := range pred {
		s += math.Abs(pred[i] - truth[i])
	}
	return s / float64(len(pred))
}

// NRMSERange returns RMSE / (max(truth) − min(truth)) over all elements: the
// reference tutorial's "NRMSE" (which its notebooks mislabel as a fraction
// of the signal's std). It is +Inf for a constant truth (NaN, 0/0, when
// the prediction matches it exactly).
func NRMSERange(pred, truth []float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range truth {
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	return RMSE(pred, truth) / (hi - lo)
}

// NRMSEStd returns RMSE / std(truth), the population std of all truth
// elements around their grand mean. It is +Inf for a constant truth (NaN,
// 0/0, when the prediction matches it exactly).
func NRMSEStd(pred, truth []float64) float64 {
	return RMSE(pred, truth) / math.Sqrt(variance(truth))
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func variance(x []float64) float64 {
	m := mean(x)
	var s float64
	for _, v := range x {
		d := v - m
		s += float64(d * d)
	}
	return s / float64(len(x))
}

// R2PerDim returns, for each of the dim variables of row-major blocks, the
// coefficient of determination 1 − SS_res/SS_tot with SS_tot taken around
// that variable's own mean. A variable that is constant in truth (SS_tot
// = 0) has no variance to explain: it gets 1 when predicted exactly
// (SS_res = 0) and −Inf otherwise. (1 − 0/0 was NaN for the exact
// prediction.)
func R2PerDim(pred, truth []float64, dim int) []float64 {
	sameLen(pred, truth)
	if dim <= 0 || len(truth)%dim != 0 {
		panic("analysis: R2PerDim needs a dim dividing the length")
	}
	n := len(truth) / dim
	means := make([]float64, dim)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			means[j] += truth[i*dim+j]
		}
	}
	for j := range means {
		means[j] /= float64(n)
	}
	res := make([]float64, dim)
	tot := make([]float64, dim)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			k := i*dim + j
			d := pred[k] - truth[k]
			res[j] += float64(d * d)
			e := truth[k] - means[j]
			tot[j] += float64(e * e)
		}
	}
	r2 := make([]float64, dim)
	for j := range r2 {
		switch {
		case tot[j] > 0:
			r2[j] = 1 - res[j]/tot[j]
		case res[j] == 0:
			r2[j] = 1
		default:
			r2[j] = math.Inf(-1)
		}
	}
	return r2
}

// R2GrandMean returns the reference tutorial's R²: 1 − SS_res/(SS_tot +
// 1e-10) with SS_tot taken around the grand mean of all elements, as its
// compute_prediction_metrics does. Because the variables' means differ
// (Lorenz z ≈ 23.5), SS_tot is inflated and so is R²: a model that only
// predicts each variable's mean scores ≈ 0.66 on Lorenz. For comparison
// with the reference only; report R2PerDim.
func R2GrandMean(pred, truth []float64) float64 {
	sameLen(pred, truth)
	m := mean(truth)
	var res, tot float64
	for i := range pred {
		d := pred[i] - truth[i]
		res += float64(d * d)
		e := truth[i] - m
		tot += float64(e * e)
	}
	return 1 - res/(tot+1e-10)
}

// Pearson returns the Pearson correlation coefficient of the flattened
// prediction and truth (NaN if either is constant).
func Pearson(pred, truth []float64) float64 {
	sameLen(pred, truth)
	mp, mt := mean(pred), mean(truth)
	var sxy, sxx, syy float64
	for i := range pred {
		a, b := pred[i]-mp, truth[i]-mt
		sxy += float64(a * b)
		sxx += float64(a * a)
		syy += float64(b * b)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Metrics is the full set of forecast metrics of one prediction.
type Metrics struct {
	N   int // samples
	Dim int // variables per sample
	MSE, RMSE, MAE,
	NRMSERange, NRMSEStd float64
	// R2 holds the per-variable R² (R2PerDim); MeanR2 their unweighted
	// average over the variables (−Inf when a variable constant in truth
	// is mispredicted, never NaN for finite input).
	R2     []float64
	MeanR2 float64
	// R2GrandMean is the reference's inflated R² (comparison only).
	R2GrandMean float64
	Pearson     float64
}

// Evaluate computes every metric of pred against truth (row-major,
// samples × dim). It returns a param error for mismatched or empty input
// or non-finite values.
func Evaluate(pred, truth []float64, dim int) (Metrics, error) {
	if dim <= 0 {
		return Metrics{}, param.PositiveInt("analysis", "dim", dim)
	}
	if len(truth) == 0 || len(truth)%dim != 0 || len(pred) != len(truth) {
		return Metrics{}, param.New("analysis", "pred/truth", fmt.Sprintf("lengths %d/%d", len(pred), len(truth)), fmt.Sprintf("equal, non-zero multiples of dim = %d", dim))
	}
	for i := range pred {
		if math.IsNaN(pred[i]) || math.IsInf(pred[i], 0) {
			return Metrics{}, param.New("analysis", "pred", fmt.Sprintf("%v at sample %d, variable %d", pred[i], i/dim, i%dim), "finite")
		}
		if math.IsNaN(truth[i]) || math.IsInf(truth[i], 0) {
			return Metrics{}, param.New("analysis", "truth", fmt.Sprintf("%v at sample %d, variable %d", truth[i], i/dim, i%dim), "finite")
		}
	}
	m := Metrics{N: len(truth) / dim, Dim: dim}
	m.MSE = MSE(pred, truth)
	m.RMSE = math.Sqrt(m.MSE)
	m.MAE = MAE(pred, truth)
	m.NRMSERange = NRMSERange(pred, truth)
	m.NRMSEStd = NRMSEStd(pred, truth)
	m.R2 = R2PerDim(pred, truth, dim)
	for _, r := range m.R2 {
		m.MeanR2 += r
	}
	m.MeanR2 /= float64(dim)
	m.R2GrandMean = R2GrandMean(pred, truth)
	m.Pearson = Pearson(pred, truth)
	return m, nil
}
