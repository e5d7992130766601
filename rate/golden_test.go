package rate_test

import (
	"context"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/internal/goldsum"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/tasks"
)

// TestTrainGolden pins the parameters' bits after short trainings computed
// on amd64: a balanced rate network (softplus Dale reparametrization) on
// three sinusoids with AdamW and a cosine decay in two gradient shards, and
// the flip-flop network cut to 24 units on a small flip-flop. make
// asm-arm64 runs it under qemu-aarch64, where a multiply-add fused anywhere
// in training (the forward and backward passes, the Dale map, ode's
// solver, the losses, Adam, the data's normalization and the flip-flop's
// generation) changes a hash.
func TestTrainGolden(t *testing.T) {
	x := make([]float64, 801*3)
	for i := range x {
		x[i] = math.Sin(0.1*float64(i/3)*(1+0.3*float64(i%3)) + float64(i%3))
	}
	d, err := tasks.FromSeries(tasks.RawSeries{Data: x, Len: 801, Dim: 3}, tasks.SeriesConfig{SeqLength: 20, Horizon: 1})
	if err != nil {
		t.Fatal(err)
	}
	one := leaky.CosineTrain(2, 16, 5e-3, 0.1, learn.Loss{Kind: learn.LossNext, Warmup: 5}, 7)
	one.Shards = 2
	lorenz := rate.Recipe{Name: "golden", Model: rate.Config{NE: 16, NI: 4, Dale: rate.DaleSoftplus, Seed: 5},
		Phases: []leaky.Phase{{Train: one, Window: 20, Stride: 10, ValWindow: 20}}}
	ff := rate.FlipFlopQuick()
	ff.Model.NE, ff.Model.NI = 20, 4
	ff.Phases[0].Train.Epochs = 2
	flip, err := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{Steps: 40, TrainTrials: 32, ValTrials: 8, TestTrials: 8})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		train func() (*rate.Model[float32], error)
		want  uint64
	}{
		{"series", func() (*rate.Model[float32], error) {
			m, _, err := rate.TrainLorenz(context.Background(), lorenz, d, leaky.TrainOptions{})
			return m, err
		}, 0xfda2fc005d01a41e},
		{"flipflop", func() (*rate.Model[float32], error) {
			m, _, err := rate.TrainFlipFlop(context.Background(), ff, flip, leaky.TrainOptions{})
			return m, err
		}, 0xe016918cb5f601da},
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
