package ctrnn_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/tasks"
)

// series returns a dataset of dim sinusoids of 801 samples with windows of
// 20 samples and the given horizon.
func series(t *testing.T, dim, horizon int) *tasks.Dataset {
	t.Helper()
	n := 801
	x := make([]float64, n*dim)
	for i := range x {
		x[i] = math.Sin(0.1*float64(i/dim)*(1+0.3*float64(i%dim)) + float64(i%dim))
	}
	d, err := tasks.FromSeries(tasks.RawSeries{Data: x, Len: n, Dim: dim}, tasks.SeriesConfig{SeqLength: 20, Horizon: horizon})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The recipes refuse, before training, models whose sizes are not the
// data's dimension (Inputs 4 on 2-D data read each 20×2 window as 10 steps
// of 4 inputs and trained), datasets whose target is not the next sample,
// windows longer than a split, and losses longer than the windows, each
// named by the recipe's own field.
func TestTrainLorenzRefusesMismatch(t *testing.T) {
	phase := func(mod func(*leaky.Phase)) []leaky.Phase {
		p := leaky.Phase{Train: learn.TrainConfig{Epochs: 2, Seed: 1}, Window: 20, ValWindow: 20}
		if mod != nil {
			mod(&p)
		}
		return []leaky.Phase{p}
	}
	cl := learn.Loss{Kind: learn.LossClosedLoop, Warmup: 10, Horizon: 5}
	for _, tc := range []struct {
		name   string
		model  ctrnn.Config
		dim, h int
		phases []leaky.Phase
		want   string
	}{
		{"inputs 4 on 2-D data", ctrnn.Config{Hidden: 8, Inputs: 4, Outputs: 2}, 2, 1, phase(nil),
			"ctrnn: Model.Inputs = 4: must be the data's dimension 2 (Dataset.Dim)"},
		{"inputs 1 on 2-D data", ctrnn.Config{Hidden: 8, Inputs: 1, Outputs: 2}, 2, 1, phase(nil),
			"ctrnn: Model.Inputs = 1: must be the data's dimension 2"},
		{"outputs 3 on 2-D data", ctrnn.Config{Hidden: 8, Inputs: 2, Outputs: 3}, 2, 1, phase(nil),
			"ctrnn: Model.Outputs = 3: must be the data's dimension 2"},
		{"horizon 5", ctrnn.Config{Hidden: 8, Inputs: 1, Outputs: 1}, 1, 5, phase(nil),
			"ctrnn: Dataset.Horizon = 5: must be 1 (or 0)"},
		{"val window beyond the val split", ctrnn.Config{Hidden: 8, Inputs: 1, Outputs: 1}, 1, 1,
			phase(func(p *leaky.Phase) { p.ValWindow = 200 }), "ctrnn: Phases[0].ValWindow = 200: must be <= 119: the val split has 120 samples"},
		{"window beyond the train split", ctrnn.Config{Hidden: 8, Inputs: 1, Outputs: 1}, 1, 1,
			phase(func(p *leaky.Phase) { p.Window = 1000 }), "ctrnn: Phases[0].Window = 1000: must be <= 560: the train split has 561 samples"},
		{"horizon schedule beyond the window", ctrnn.Config{Hidden: 8, Inputs: 1, Outputs: 1}, 1, 1,
			phase(func(p *leaky.Phase) {
				p.Train.Loss, p.Train.Epochs = cl, 4
				p.Train.Horizon = learn.HorizonSchedule{Start: 5, End: 20, Step: 5}
			}), "phase 0: learn: Loss with the Horizon schedule's horizon 20 (epoch 4): Warmup+Horizon-1 = 10+20-1 = 29: must be <= the train windows' length 20"},
		{"val loss beyond the val window", ctrnn.Config{Hidden: 8, Inputs: 1, Outputs: 1}, 1, 1,
			phase(func(p *leaky.Phase) { p.Train.ValLoss, p.ValWindow = &cl, 12 }),
			"phase 0: learn: ValLoss: Warmup+Horizon-1 = 10+5-1 = 14: must be <= the val windows' length 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			epochs := 0
			o := leaky.TrainOptions{Progress: func(int, learn.EpochRecord) { epochs++ }}
			r := ctrnn.Recipe{Name: "x", Model: tc.model, Phases: tc.phases}
			_, _, err := ctrnn.TrainLorenz(context.Background(), r, series(t, tc.dim, tc.h), o)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) || epochs != 0 {
				t.Fatalf("TrainLorenz = %v after %d epochs, want a param error containing %q before any", err, epochs, tc.want)
			}
		})
	}
	m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 8, Inputs: 3, Outputs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ctrnn.FitLorenz(context.Background(), m, ctrnn.Recipe{Phases: phase(nil)}, series(t, 2, 1), leaky.TrainOptions{}); !errors.Is(err, param.ErrInvalid) ||
		!strings.Contains(err.Error(), "Model.Inputs = 3: must be the data's dimension 2") {
		t.Errorf("FitLorenz of a 3-input model on 2-D data = %v", err)
	}
	ff, err := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{TrainTrials: 4, ValTrials: 2, TestTrials: 2, Steps: 10})
	if err != nil {
		t.Fatal(err)
	}
	r := ctrnn.FlipFlopQuick()
	r.Model.Inputs = 2
	if _, _, err := ctrnn.TrainFlipFlop(context.Background(), r, ff, leaky.TrainOptions{}); !errors.Is(err, param.ErrInvalid) ||
		!strings.Contains(err.Error(), "Model.Inputs/Outputs = 2/3: must be the task's Bits (3) or 0") {
		t.Errorf("TrainFlipFlop with 2 inputs for 3 bits = %v", err)
	}
}

// Resuming a recipe's checkpoints with another model configuration of the
// same shapes (Tau 2 → 5) or other windows is refused, naming the fields;
// the recipe's name and the run-control fields (Epochs without decay) may
// change.
func TestResumeOtherModelRefused(t *testing.T) {
	d := series(t, 2, 1)
	r := ctrnn.Recipe{Name: "tau", Model: ctrnn.Config{Hidden: 8, Inputs: 2, Outputs: 2, Tau: 2},
		Phases: []leaky.Phase{{Train: learn.TrainConfig{Epochs: 2, Seed: 1}, Window: 20, ValWindow: 20}}}
	stem := filepath.Join(t.TempDir(), "ck")
	o := leaky.TrainOptions{Checkpoint: stem, NPZ: true}
	if _, _, err := ctrnn.TrainLorenz(context.Background(), r, d, o); err != nil {
		t.Fatal(err)
	}
	o.Resume = true
	for _, tc := range []struct {
		name string
		mod  func(r *ctrnn.Recipe)
		want string // "" accepted
	}{
		{"tau", func(r *ctrnn.Recipe) { r.Model.Tau = 5 }, "Model.Tau (checkpoint 2, now 5) differ"},
		{"tau and solver", func(r *ctrnn.Recipe) { r.Model.Tau, r.Model.Substeps = 5, 2 },
			"Model.Substeps (checkpoint 0, now 2), Model.Tau (checkpoint 2, now 5) differ"},
		{"window", func(r *ctrnn.Recipe) { r.Phases[0].Window = 19 }, "Phases[0].Window (checkpoint 20, now 19) differ"},
		{"name and epochs", func(r *ctrnn.Recipe) { r.Name, r.Phases[0].Train.Epochs = "renamed", 3 }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r2 := r
			r2.Phases = append([]leaky.Phase(nil), r.Phases...)
			tc.mod(&r2)
			_, res, err := ctrnn.TrainLorenz(context.Background(), r2, d, o)
			if tc.want == "" {
				if err != nil || res.Phases[0].Resumed != 2 {
					t.Fatalf("TrainLorenz = %v, want a run resumed after 2 epochs", err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("TrainLorenz = %v, want a param error containing %q", err, tc.want)
			}
		})
	}
}
