package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/internal/ctxtest"
	"github.com/neurodyn/neurodyn/tasks"
)

// sameBits reports whether two results print the same with %+v: Go prints
// a float64 with the fewest digits that read back to the same bits (and
// NaN as NaN), so equal strings mean equal bits.
func sameBits(a, b any) bool { return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b) }

// cancelCase is one context-taking function: run calls it with ctx and
// returns its result (nil when it failed) and error; plain calls the
// function without a context.
type cancelCase struct {
	name  string
	run   func(ctx context.Context) (any, error)
	plain func() (any, error)
}

// TestContextVariants checks every context-taking function of the package
// the same way: with a context that is never cancelled it gives the plain
// function's result bit for bit (the checks change nothing), and stopped at
// its first, second, middle or last look at the context it returns an
// error wrapping context.Canceled and no result.
func TestContextVariants(t *testing.T) {
	d := dsLorenz(t)
	rnn := newTanhRNN(8, 3, 2.5, 3)
	warm := make([]float64, 3*100)
	for i := range warm {
		warm[i] = math.Sin(float64(i))
	}
	spec := MapSpectrumConfig{Steps: 500, Transient: 50, Renorm: 2}
	lorenz, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 20, ValT: 5, TestT: 5, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	vt := ClosedLoopConfig{Starts: 10, Horizon: 300, Curve: true}
	dimCfg := DimensionConfig{Centers: 1000}
	xs := column(d.raw[:3*4000], 3, 0)
	pulse := inhibitoryPulseNet(t, 30, 5, 2, 22, 30, 11)
	pulseCfg := PulseLIFConfig{K: 3, WarmupMs: 50, DurationMs: 200}
	fp := FixedPointConfig{Starts: 16}
	cases := []cancelCase{
		{"ValidTime",
			func(ctx context.Context) (any, error) { return ValidTimeContext(ctx, holdModel{3}, d.norm, 3, vt) },
			func() (any, error) { return ValidTime(holdModel{3}, d.norm, 3, vt) }},
		{"ModelSpectrum",
			func(ctx context.Context) (any, error) { return ModelSpectrumContext(ctx, rnn, warm, spec) },
			func() (any, error) { return ModelSpectrum(rnn, warm, spec) }},
		{"FixedPoints",
			func(ctx context.Context) (any, error) {
				return FixedPointsContext(ctx, AsDynamics(DoubleWell{}), nil, fpGrid(2, 9, -2, 2), fp)
			},
			func() (any, error) { return FixedPoints(AsDynamics(DoubleWell{}), nil, fpGrid(2, 9, -2, 2), fp) }},
		{"EvaluateBatch",
			func(ctx context.Context) (any, error) {
				m, err := EvaluateBatchContext(ctx, lorenz, "train", lastInput{3})
				if err != nil {
					return nil, err
				}
				return m, nil
			},
			func() (any, error) { return EvaluateBatch(lorenz, "train", lastInput{3}) }},
		{"FreeRun",
			func(ctx context.Context) (any, error) {
				dst := make([]float64, 3*1000)
				n, err := FreeRunContext(ctx, newExactLorenz(t, d), d.norm[:150], 1000, dst)
				if err != nil {
					return nil, err
				}
				if n != 1000 {
					return nil, fmt.Errorf("done = %d without a cancel", n)
				}
				return dst, nil
			},
			func() (any, error) {
				dst := make([]float64, 3*1000)
				err := FreeRun(newExactLorenz(t, d), d.norm[:150], 1000, dst)
				return dst, err
			}},
		// The analyses of arrays (the C API's _cancellable variants).
		{"CorrelationDimension",
			func(ctx context.Context) (any, error) {
				return CorrelationDimensionContext(ctx, d.raw[:3*3000], 3, dimCfg)
			},
			func() (any, error) { return CorrelationDimension(d.raw[:3*3000], 3, dimCfg) }},
		{"LargestFromSeries",
			func(ctx context.Context) (any, error) {
				return LargestFromSeriesContext(ctx, xs, 1, RosensteinConfig{Dt: 0.01})
			},
			func() (any, error) { return LargestFromSeries(xs, 1, RosensteinConfig{Dt: 0.01}) }},
		{"FalseNeighbours",
			func(ctx context.Context) (any, error) { return FalseNeighboursContext(ctx, xs, 10, 4, 0) },
			func() (any, error) { return FalseNeighbours(xs, 10, 4, 0) }},
		{"MutualInformation",
			func(ctx context.Context) (any, error) { return MutualInformationContext(ctx, xs, 40, 0) },
			func() (any, error) { return MutualInformation(xs, 40, 0) }},
		{"PulseLIFLyapunov",
			func(ctx context.Context) (any, error) { return PulseLIFLyapunovContext(ctx, pulse, pulseCfg) },
			func() (any, error) { return PulseLIFLyapunov(pulse, pulseCfg) }},
		{"BaselineTable",
			func(ctx context.Context) (any, error) {
				rows, err := BaselineTableContext(ctx, lorenz, BaselineConfig{MaxARLag: 2})
				if err != nil {
					return nil, err
				}
				return baselineMetrics(rows), nil
			},
			func() (any, error) {
				rows, err := BaselineTable(lorenz, BaselineConfig{MaxARLag: 2})
				return baselineMetrics(rows), err
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := c.plain()
			if err != nil {
				t.Fatal(err)
			}
			never := ctxtest.New(-1)
			got, err := c.run(never)
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(got, want) {
				t.Fatalf("with a context never cancelled: %+v\nwithout: %+v", got, want)
			}
			looks := never.Looks()
			if looks < 2 {
				t.Fatalf("%d looks at the context", looks)
			}
			for _, k := range []int64{0, 1, looks / 2, looks - 1} {
				got, err := c.run(ctxtest.New(k))
				if !errors.Is(err, context.Canceled) || got != nil && !isNilResult(got) {
					t.Fatalf("stopped at look %d of %d: result %v, error %v; want no result and context.Canceled", k, looks, got != nil, err)
				}
			}
			t.Logf("%d looks at the context", looks)
		})
	}
}

// baselineMetrics returns the names and metrics of baseline rows (their
// fitted forecasters hold functions, which do not print by value).
func baselineMetrics(rows []BaselineRow) []string {
	if rows == nil {
		return nil
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprintf("%s %s %+v", r.Name, r.Params, r.Metrics)
	}
	return out
}

// isNilResult reports whether a result returned as any is a nil pointer or
// slice.
func isNilResult(v any) bool {
	switch r := v.(type) {
	case *Dimension:
		return r == nil
	case *Rosenstein:
		return r == nil
	case *PulseLIFSpectrum:
		return r == nil
	case []string:
		return r == nil
	case *ValidTimes:
		return r == nil
	case *Spectrum:
		return r == nil
	case *FixedPointResult:
		return r == nil
	case []float64:
		return r == nil
	}
	return false
}

// TestFreeRunContextKeepsFinishedOutputs: stopped, FreeRunContext reports
// how many outputs it wrote; they are FreeRun's, and the rest of dst is
// untouched.
func TestFreeRunContextKeepsFinishedOutputs(t *testing.T) {
	d := dsLorenz(t)
	want := make([]float64, 3*1000)
	if err := FreeRun(newExactLorenz(t, d), d.norm[:150], 1000, want); err != nil {
		t.Fatal(err)
	}
	for _, k := range []int64{1, 3, 10} {
		dst := make([]float64, 3*1000)
		for i := range dst {
			dst[i] = math.NaN()
		}
		n, err := FreeRunContext(ctxtest.New(k), newExactLorenz(t, d), d.norm[:150], 1000, dst)
		if !errors.Is(err, context.Canceled) || n <= 0 || n >= 1000 {
			t.Fatalf("stopped at look %d: done %d, error %v", k, n, err)
		}
		if !sameBits(dst[:3*n], want[:3*n]) {
			t.Fatalf("stopped at look %d: the %d outputs written differ from FreeRun's", k, n)
		}
		for _, v := range dst[3*n:] {
			if !math.IsNaN(v) {
				t.Fatalf("stopped at look %d after %d outputs: dst written beyond them", k, n)
			}
		}
	}
}
