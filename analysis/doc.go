// Package analysis measures what models do: honest forecast metrics, the
// baselines every forecaster must be compared with, and dynamical-systems
// analysis — Lyapunov exponents, dimensions, fixed points, spike statistics
// and closed-loop skill. It works on the interfaces of
// package learn and on plain float64 data, never on concrete models.
//
// # Metrics
//
// Metrics take predictions and truths as row-major float64 blocks
// (samples × dim) in the units the caller chooses; reports use original
// (denormalized) units, as the reference tutorial does. NRMSE is named for
// what it divides by (NRMSERange: the truth's global max − min, which is
// the reference's "NRMSE"; NRMSEStd: the truth's global std). R2PerDim is
// the coefficient of determination of each variable around its own mean;
// R2GrandMean is the reference's variant, taken around the grand mean of
// all variables, which flatters weak models (Lorenz z has mean ≈ 23.5) and
// exists for comparison only.
//
// # Baselines
//
// FitBaselines fits, on a dataset's train windows, the predictors any
// one-step forecaster must beat: persistence, linear extrapolation, the
// train mean, least-squares vector autoregressions AR(k) (k = 1…10, with
// intercept, on the window's last k samples) and a quadratic NVAR (lagged
// inputs and their unique quadratic monomials, ridge readout with the
// regularization chosen on the val split). Each is a Forecaster (window in,
// prediction out) and a learn.Stepper (sample in, prediction out) so that
// closed-loop tools can run it. BaselineTable evaluates them all on the test
// split in original units. On noiseless Lorenz at dt 0.01 one-step
// prediction is nearly linear: AR(4) reaches RMSE ≈ 0.002, so a model's
// report always sits next to the best AR(k) and the NVAR.
//
// # Closed loop
//
// ValidTime is the closed-loop protocol every forecaster is judged by: 100
// deterministic starts spread over a long evaluation trajectory, a 50-step
// teacher-forced warm-up, then free running with the output fed back; the
// valid time is how long ‖e‖/RMS(x) stays ≤ 0.4, in time units and in
// Lyapunov times (λ₁ = 0.906). ValidTimes.MedianCI (MedianInterval) gives
// the median's distribution-free 95% confidence interval over the starts,
// about ±0.3 Lyapunov times for a trained Lorenz forecaster: the resolution
// of a single run. FreeRun runs a model autonomously;
// CompareAttractors and NewAttractorReference compare a long free run with
// the true attractor (λ₁, D₂, the return map of successive maxima,
// per-variable distances).
//
// # Dynamical systems
//
// FlowSpectrum, MapSpectrum and ModelSpectrum compute Lyapunov spectra by the
// Benettin/QR method (flows and maps implement Flow or Map, so the same
// functions run on user-defined systems; trained models implement
// learn.StepMap and run closed loop). LargestFromSeries estimates λ₁ from a
// time series (Rosenstein, with documented automatic choices of lag,
// dimension, Theiler window and linear region; a series whose
// false-neighbour search does not converge, such as noise, is refused
// rather than fitted, since a straight divergence curve with a high FitR2
// is no evidence of chaos); PerturbationLyapunov uses two
// trajectories on a learn.Stepper's state (spiking networks).
// PulseLIFLyapunov gives the exact spectrum of a spiking network, one of LIF
// neurons coupled by instantaneous inhibitory pulses, in continuous time:
// an event-driven simulation carries the tangent vectors through the
// saltation matrices of the resets, and the sum of the spectrum equals the
// exact phase-space contraction rate.
// CorrelationDimension is Grassberger–Procaccia with k-d tree counts and an
// automatic scaling region. FixedPoints finds, refines, deduplicates and
// classifies the fixed and slow points of a learn.Dynamics. FitPCA projects
// states; SpikeTrains gives rates, ISI CV, Fano factors, correlations and
// the population-rate spectrum. SynthesisTable is the comparison table of
// the tutorial, written as Markdown and HDF5. Exponents are per time unit of
// the Dt or StepTime given.
//
// # Layer, errors and concurrency
//
// analysis is layer 5 of DEVELOPERS.md: it imports learn, tasks, lower
// layers and gonum; only pipeline and the faces import it. Metric functions
// panic on mismatched lengths (programming errors); Evaluate and the fitting
// functions return param errors for bad data (*nderr.ParamError;
// errors.Is(err, nderr.ErrInvalid)). Fitted baselines hold scratch
// buffers and stream state: use one per goroutine. Every random draw comes
// from an explicit seed, and the estimators are single-threaded and
// deterministic. Every figure has the same bits in every build (default,
// -tags noasm, 386, arm64; goldens in *_golden_test.go, run under
// qemu-aarch64 by make asm-arm64): products are rounded before they are
// added (float64(x*y) + z, so arm64 fuses nothing; TestNoFusedMultiplyAdd),
// logarithms come from internal/detmath, and the dense linear algebra (the
// AR and NVAR least squares, FitPCA, FixedPoints' Newton solves,
// eigenvalues and L-BFGS) from internal/detlinalg and this package's
// loops, not from gonum, whose BLAS kernels are assembly on amd64 and pure
// Go (fused on arm64) otherwise. MeanPeriod and
// SpikeTrains.PopulationSpectrum take their Fourier transforms from
// internal/detfft (radix-2, or Bluestein's for other lengths, products
// rounded), not from gonum's FFT, which arm64 fuses. FixedPoints has
// the bits of the Dynamics it is given (FlipFlopNet takes detmath.Tanh; the
// CT-RNN's float32 kernels are the same everywhere).
package analysis
