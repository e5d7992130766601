package pipeline

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/sweep"
	"github.com/neurodyn/neurodyn/tasks"
)

func init() {
	sweep.Register(nvarEvaluator{})
}

var (
	lorenzOnce sync.Once
	lorenzData *tasks.Dataset
	lorenzErr  error
)

// defaultLorenz returns the tutorial's Lorenz dataset (default recipe),
// generated once per process, for sweep evaluators.
func defaultLorenz() (*tasks.Dataset, error) {
	lorenzOnce.Do(func() {
		lorenzData, lorenzErr = tasks.GenerateLorenz(DefaultConfig().Data.Lorenz.LorenzConfig())
	})
	return lorenzData, lorenzErr
}

// nvarEvaluator sweeps the quadratic NVAR baseline on the Lorenz task.
type nvarEvaluator struct{}

func (nvarEvaluator) Name() string { return "nvar" }
func (nvarEvaluator) Describe() string {
	return "quadratic NVAR on the tutorial's Lorenz-63 task; params (default): lags (2) an integer in 1…the window length (50); ridge (0) the ridge regularization, >= 0, used as given (0: none); metrics test_rmse, test_mae, val_rmse (original units), features"
}
func (nvarEvaluator) Params() []string { return []string{"lags", "ridge"} }
func (nvarEvaluator) Metrics() []string {
	return []string{"test_rmse", "test_mae", "val_rmse", "features"}
}

// nvarMaxLags is the window length of the tutorial's Lorenz task, the
// most lags an NVAR may take: read from the embedded defaults once, since
// Spec.Validate checks every configuration of a sweep (parsing the
// defaults took 180 µs a point, 18 s for 100,000 points).
var nvarMaxLags = sync.OnceValue(func() int { return DefaultConfig().Data.Lorenz.SeqLength })

// nvarParams returns the lags and ridge of a point, checked.
func nvarParams(p sweep.Point) (int, float64, error) {
	lags, ok := p.Params["lags"]
	if !ok {
		lags = 2
	}
	if maxLags := nvarMaxLags(); lags != math.Trunc(lags) || lags < 1 || lags > float64(maxLags) {
		return 0, 0, param.New("nvar", "lags", lags, fmt.Sprintf("an integer in [1, %d]", maxLags))
	}
	ridge := p.Params["ridge"]
	if err := param.NonNegative("nvar", "ridge", ridge); err != nil {
		return 0, 0, err
	}
	return int(lags), ridge, nil
}

// CheckPoint checks a point's parameters without fitting (sweep.PointChecker).
func (nvarEvaluator) CheckPoint(p sweep.Point) error {
	_, _, err := nvarParams(p)
	return err
}

func (nvarEvaluator) Evaluate(ctx context.Context, p sweep.Point) (map[string]float64, error) {
	lags, ridge, err := nvarParams(p)
	if err != nil {
		return nil, err
	}
	d, err := defaultLorenz()
	if err != nil {
		return nil, err
	}
	v, err := analysis.FitNVAR(d, lags, []float64{ridge})
	if err != nil {
		return nil, err
	}
	m, err := analysis.EvaluateForecaster(d, "test", v)
	if err != nil {
		return nil, err
	}
	mv, err := analysis.EvaluateForecaster(d, "val", v)
	if err != nil {
		return nil, err
	}
	return map[string]float64{"test_rmse": m.RMSE, "test_mae": m.MAE, "val_rmse": mv.RMSE, "features": float64(v.Features())}, ctx.Err()
}
