package ctrnn_test

import (
	"context"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/internal/goldsum"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/tasks"
)

// TestTrainGolden pins the parameters' bits after short trainings
// computed on amd64: a CT-RNN (RK4 substeps) on three sinusoids with AdamW
// and a cosine decay in two gradient shards, then closed-loop L-BFGS; and
// a CT-RNN (Euler) on a small flip-flop. make asm-arm64 runs it under
// qemu-aarch64, where a multiply-add fused anywhere in training (the
// forward and backward passes, ode's solver, the losses, Adam, L-BFGS's
// line search, the data's normalization and the flip-flop's generation)
// changes a hash. (dopri5's step control takes its powers from detmath;
// its data path is pinned by tasks' TestLorenzDopri5Golden.)
func TestTrainGolden(t *testing.T) {
	one := leaky.CosineTrain(2, 16, 5e-3, 0.1, learn.Loss{Kind: learn.LossNext, Warmup: 5}, 7)
	one.Shards = 2
	lb := leaky.LBFGSTrain(1, 3, learn.Loss{Kind: learn.LossClosedLoop, Warmup: 10, Horizon: 5})
	lorenz := ctrnn.Recipe{Name: "golden", Model: ctrnn.Config{Hidden: 12, Seed: 3, Solver: ode.RK4, Substeps: 2},
		Phases: []leaky.Phase{{Train: one, Window: 20, Stride: 10, ValWindow: 20}, {Train: lb, Window: 20, Stride: 10, ValWindow: 20}}}
	ff := ctrnn.FlipFlopQuick()
	ff.Model.Hidden = 12
	ff.Phases[0].Train.Epochs = 2
	flip, err := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{Steps: 40, TrainTrials: 32, ValTrials: 8, TestTrials: 8})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		train func() (*ctrnn.Model[float32], error)
		want  uint64
	}{
		{"series", func() (*ctrnn.Model[float32], error) {
			m, _, err := ctrnn.TrainLorenz(context.Background(), lorenz, series(t, 3, 1), leaky.TrainOptions{})
			return m, err
		}, 0xc83a3237d044f17c},
		{"flipflop", func() (*ctrnn.Model[float32], error) {
			m, _, err := ctrnn.TrainFlipFlop(context.Background(), ff, flip, leaky.TrainOptions{})
			return m, err
		}, 0xfc6ddceb31f61bad},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := c.train()
			if err != nil {
				t.Fatal(err)
			}
			if got := goldsum.Float32s(m.Params().Flat()); got != c.want {
				t.Errorf("parameter hash %#016x, want %#016x", got, c.want)
			}
		})
	}
}
