package bench

// TestTrainAccuracy trains every recipe of ctrnn and rate and prints the
// figures of their Done-when targets: one-step test RMSE in original units
// beside the best AR(k) and the NVAR baseline, closed-loop valid prediction
// time on the long evaluation trajectory (analysis.ValidTime: 100 starts,
// 50-step warm-up, threshold 0.4, Lyapunov times with λ₁ = 0.906), and
// flip-flop bit accuracy on the reference test split. It runs only when
// NEURODYN_TRAIN_ACCURACY is "full" (the Default recipes) or "quick" (the
// Quick ones): `make train-accuracy` / `make train-accuracy-quick`.
// NEURODYN_TRAIN_ONLY restricts it to recipes whose name contains the
// given text.

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/tasks"
)

// forecaster is what the figures need from a trained model.
type forecaster interface {
	learn.Stepper
	PredictLast(x []float32, n, L int) ([]float32, error)
	Forward(x []float32, n, L int, hidden bool) (*leaky.Output[float32], error)
}

var (
	accOnce sync.Once
	accLor  *tasks.Dataset
	accFF   *tasks.FlipFlop
	accErr  error
)

func accuracyData(t *testing.T) (*tasks.Dataset, *tasks.FlipFlop) {
	accOnce.Do(func() {
		if accLor, accErr = tasks.GenerateLorenz(tasks.LorenzConfig{}); accErr != nil {
			return
		}
		accFF, accErr = tasks.GenerateFlipFlop(tasks.FlipFlopConfig{})
	})
	if accErr != nil {
		t.Fatal(accErr)
	}
	return accLor, accFF
}

// lorenzRMSE is the one-step test RMSE in original units over every test
// window.
func lorenzRMSE(t *testing.T, m forecaster, d *tasks.Dataset) float64 {
	w, err := d.Windows("test")
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 0, w.Len()*w.InputSize())
	truth := make([]float64, 0, w.Len()*3)
	for i := 0; i < w.Len(); i++ {
		x = append(x, w.Input32(i)...)
		truth = append(truth, w.Target(i)...)
	}
	p, err := m.PredictLast(x, w.Len(), w.SeqLength)
	if err != nil {
		t.Fatal(err)
	}
	pred := make([]float64, len(p))
	for i, v := range p {
		pred[i] = float64(v)
	}
	d.Denormalize(pred, pred)
	d.Denormalize(truth, truth)
	met, err := analysis.Evaluate(pred, truth, 3)
	if err != nil {
		t.Fatal(err)
	}
	return met.RMSE
}

// bitAccuracy is the fraction of test bits whose output, thresholded at
// 0.5, equals the target.
func bitAccuracy(t *testing.T, m forecaster, ff *tasks.FlipFlop) float64 {
	s := &ff.Test
	out, err := m.Forward(s.Inputs, s.Trials, s.Steps, false)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for i, y := range out.All {
		if (y > 0.5) == (s.Targets[i] > 0.5) {
			ok++
		}
	}
	return float64(ok) / float64(len(out.All))
}

func progress(name string) leaky.TrainOptions {
	return leaky.TrainOptions{Progress: func(p int, e learn.EpochRecord) {
		if e.Epoch%10 == 0 {
			fmt.Printf("  %s phase %d epoch %d: train %.3g val %.3g metric %.3g lr %.2g horizon %d (%.1fs)\n",
				name, p, e.Epoch, e.TrainLoss, e.ValLoss, e.Metric, e.LR, e.Horizon, e.Seconds)
		}
	}}
}

// valValidTime is the tutorial's epoch-selection criterion for the Lorenz
// recipes: the negated median closed-loop valid time (Lyapunov times) on
// the validation split, 30 starts, 50-step warm-up, at most 800 free steps.
func valValidTime(d *tasks.Dataset) func(learn.Model) (float64, error) {
	return func(m learn.Model) (float64, error) {
		s, ok := m.(learn.Stepper)
		if !ok {
			return math.NaN(), nil
		}
		vt, err := analysis.ValidTime(s, d.Val.Data, 3, analysis.ClosedLoopConfig{Starts: 30, Horizon: 800})
		if err != nil {
			return 0, err
		}
		return -vt.InLyapunov.Median, nil
	}
}

func TestTrainAccuracy(t *testing.T) {
	mode := os.Getenv("NEURODYN_TRAIN_ACCURACY")
	if mode != "full" && mode != "quick" {
		t.Skip("set NEURODYN_TRAIN_ACCURACY=full or quick (make train-accuracy)")
	}
	only := os.Getenv("NEURODYN_TRAIN_ONLY")
	quick := mode == "quick"
	d, ff := accuracyData(t)
	ctx := context.Background()
	pick := func(def, q any) any {
		if quick {
			return q
		}
		return def
	}
	fmt.Printf("load average at start: %s", loadavg())

	if only == "" || strings.Contains("ctrnn-lorenz rate-lorenz baselines", only) {
		rows, err := analysis.BaselineTable(d, analysis.BaselineConfig{})
		if err != nil {
			t.Fatal(err)
		}
		best := math.Inf(1)
		bestName := ""
		for _, r := range rows {
			if strings.HasPrefix(r.Name, "AR(") && r.Metrics.RMSE < best {
				best, bestName = r.Metrics.RMSE, r.Name
			}
			if strings.HasPrefix(r.Name, "NVAR") {
				fmt.Printf("baseline %-8s test RMSE %.5f (original units)\n", r.Name, r.Metrics.RMSE)
			}
		}
		fmt.Printf("baseline %-8s test RMSE %.5f (best AR(k), original units)\n", bestName, best)
	}

	lorenz := []struct {
		name  string
		train func() (forecaster, float64, error)
	}{
		{"ctrnn-lorenz", func() (forecaster, float64, error) {
			r := pick(ctrnn.LorenzDefault(), ctrnn.LorenzQuick()).(ctrnn.Recipe)
			o := progress(r.Name)
			o.ValMetric = valValidTime(d)
			m, res, err := ctrnn.TrainLorenz(ctx, r, d, o)
			return m, seconds(res), err
		}},
		{"rate-lorenz", func() (forecaster, float64, error) {
			r := pick(rate.LorenzDefault(), rate.LorenzQuick()).(rate.Recipe)
			o := progress(r.Name)
			o.ValMetric = valValidTime(d)
			m, res, err := rate.TrainLorenz(ctx, r, d, o)
			return m, seconds(res), err
		}},
	}
	for _, c := range lorenz {
		if only != "" && !strings.Contains(c.name, only) {
			continue
		}
		m, sec, err := c.train()
		if err != nil {
			t.Fatal(err)
		}
		rmse := lorenzRMSE(t, m, d)
		vt, err := analysis.ValidTime(m, d.Eval.Data, 3, analysis.ClosedLoopConfig{})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s: trained in %.0f s; one-step test RMSE %.5f (original units); closed-loop valid time median %.2f Lyapunov times (quartiles %.2f, %.2f; %d starts, %d censored)\n",
			c.name, sec, rmse, vt.InLyapunov.Median, vt.InLyapunov.Q1, vt.InLyapunov.Q3, len(vt.Starts), vt.NumCensored)
	}

	flip := []struct {
		name  string
		train func() (forecaster, float64, error)
	}{
		{"ctrnn-flipflop", func() (forecaster, float64, error) {
			r := pick(ctrnn.FlipFlopDefault(), ctrnn.FlipFlopQuick()).(ctrnn.Recipe)
			m, res, err := ctrnn.TrainFlipFlop(ctx, r, ff, progress(r.Name))
			return m, seconds(res), err
		}},
		{"rate-flipflop", func() (forecaster, float64, error) {
			r := pick(rate.FlipFlopDefault(), rate.FlipFlopQuick()).(rate.Recipe)
			m, res, err := rate.TrainFlipFlop(ctx, r, ff, progress(r.Name))
			return m, seconds(res), err
		}},
	}
	for _, c := range flip {
		if only != "" && !strings.Contains(c.name, only) {
			continue
		}
		m, sec, err := c.train()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s: trained in %.0f s; test bit accuracy %.4f%%\n", c.name, sec, 100*bitAccuracy(t, m, ff))
	}
	fmt.Printf("load average at end: %s", loadavg())
}

func seconds(r *leaky.Result) float64 {
	if r == nil {
		return math.NaN()
	}
	return r.Seconds
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown\n"
	}
	return string(b)
}

var _ = time.Second
