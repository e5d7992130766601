package analysis

import (
	"math"

	"github.com/neurodyn/neurodyn/tasks"
)

// MaxLambda1Samples bounds the stretch of a dataset's train split whose λ₁
// TrainLambda1 estimates: its last MaxLambda1Samples samples (as many as
// the pipeline's full free run).
const MaxLambda1Samples = 20000

// TrainLambda1 estimates the largest Lyapunov exponent of a dataset's
// system, per time unit of the data, from its train split, the longest:
// Rosenstein's method (LargestFromSeries with Dt = d.Dt, the embedding
// chosen automatically) on its first variable in original units, over the
// split's last MaxLambda1Samples samples. It returns the estimate and the
// number of samples it used; the estimate's Lambda is NaN when the
// divergence curve does not rise (a periodic or quasi-periodic series).
// The pipeline (the true λ₁ of a user's series) and the C API (the
// Lyapunov times of a model trained or fitted on a series) both take it.
func TrainLambda1(d *tasks.Dataset) (*Rosenstein, int, error) {
	s := &d.Train
	from := max(0, s.Len-MaxLambda1Samples)
	x := make([]float64, s.Len-from)
	for i := range x {
		x[i] = float64(s.Data[(from+i)*d.Dim]*d.Std[0]) + d.Mean[0] // rounded product: arm64 does not fuse
	}
	r, err := LargestFromSeries(x, 1, RosensteinConfig{Dt: d.Dt})
	return r, len(x), err
}

// LorenzSystemLambda1 returns the largest Lyapunov exponent of the
// Lorenz-63 system l, per time unit: LorenzLambda1 at the classic σ = 10,
// ρ = 28, β = 8/3, otherwise the first exponent of the QR (Benettin)
// spectrum of its Jacobian from (1, 1, 1) (FlowSpectrum, K = 1: 1000 time
// units after 100), which may be ≤ 0 where the system is not chaotic.
func LorenzSystemLambda1(l tasks.Lorenz) (float64, error) {
	if l == (tasks.Lorenz{Sigma: 10, Rho: 28, Beta: 8.0 / 3}) {
		return LorenzLambda1, nil
	}
	sp, err := FlowSpectrum(Lorenz63{Lorenz: l}, []float64{1, 1, 1}, FlowSpectrumConfig{K: 1})
	if err != nil {
		return math.NaN(), err
	}
	return sp.Exponents[0], nil
}
