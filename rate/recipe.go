package rate

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

// Recipe is a complete training set-up: the model, the trainer and the
// windows the data are cut into.
type Recipe struct {
	Name  string
	Model Config
	Train learn.TrainConfig
	// Window is the length of the training windows (for the closed-loop
	// loss: Warmup + the largest horizon − 1) and Stride the step between
	// their starts (0 → 50 and 1).
	Window, Stride int
	// ValWindow is the length of the validation windows (0 → 50, the
	// reference's one-step windows, with ValLoss the one-step loss).
	ValWindow int
}

func (r Recipe) withDefaults() Recipe {
	if r.Window == 0 {
		r.Window = 50
	}
	if r.Stride == 0 {
		r.Stride = 1
	}
	if r.ValWindow == 0 {
		r.ValWindow = 50
	}
	return r
}

// Validate returns a param error naming the first bad field.
func (r Recipe) Validate() error {
	r = r.withDefaults()
	if err := param.First(r.Model.Validate(), r.Train.Validate(),
		param.PositiveInt("rate", "Window", r.Window), param.PositiveInt("rate", "Stride", r.Stride),
		param.PositiveInt("rate", "ValWindow", r.ValWindow)); err != nil {
		return err
	}
	return nil
}

// JSON returns the recipe as JSON (stored in checkpoints as Meta).
func (r Recipe) JSON() string {
	b, err := json.Marshal(r)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// LorenzReference is notebook 02's recipe (its training cell has no saved
// output): one-step loss on 50-sample windows, AdamW lr 1e-3, weight decay
// 1e-5, clipping 1, batch 64, plateau patience 10, early stopping 20, 150
// epochs; except that the best parameters really are restored.
func LorenzReference() Recipe {
	return Recipe{
		Name:  "rate-lorenz-reference",
		Model: Config{},
		Train: learn.TrainConfig{
			Epochs: 150, BatchSize: 64,
			Adam:    learn.AdamConfig{LR: 1e-3, WeightDecay: 1e-5, Decoupled: true},
			Plateau: learn.PlateauConfig{Patience: 10}, Patience: 20,
			Loss: learn.Loss{Kind: learn.LossLast},
			Seed: 42,
		},
	}
}

// FlipFlopReference is notebook 05's recipe for the balanced network:
// FlipFlopConfig, loss on every step, batch 32, 150 epochs, AdamW 1e-3 /
// 1e-5, plateau patience 12, early stopping 25.
func FlipFlopReference() Recipe {
	return Recipe{
		Name:  "rate-flipflop-reference",
		Model: FlipFlopConfig(),
		Train: learn.TrainConfig{
			Epochs: 150, BatchSize: 32,
			Adam:    learn.AdamConfig{LR: 1e-3, WeightDecay: 1e-5, Decoupled: true},
			Plateau: learn.PlateauConfig{Patience: 12}, Patience: 25,
			Loss: learn.Loss{Kind: learn.LossAll},
			Seed: 42,
		},
	}
}

// LorenzWindows returns the training and validation windows of recipe r on
// d.
func LorenzWindows(r Recipe, d *tasks.Dataset) (train, val tasks.Windows, err error) {
	r = r.withDefaults()
	if train, err = tasks.NewWindows(&d.Train, r.Window, 1, r.Stride); err != nil {
		return
	}
	val, err = tasks.NewWindows(&d.Val, r.ValWindow, 1, 1)
	return
}

// TrainLorenz builds the model of r and trains it on the Lorenz dataset d
// (normalized train and val splits). The returned model holds the best
// parameters (by validation loss) unless r.Train.KeepLast.
func TrainLorenz(ctx context.Context, r Recipe, d *tasks.Dataset) (*Model[float32], *learn.Result, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	r = r.withDefaults()
	train, val, err := LorenzWindows(r, d)
	if err != nil {
		return nil, nil, err
	}
	return trainOn(ctx, r, train, val)
}

// TrainFlipFlop builds the model of r and trains it on the flip-flop task
// (train and val trials, loss on every step).
func TrainFlipFlop(ctx context.Context, r Recipe, ff *tasks.FlipFlop) (*Model[float32], *learn.Result, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	r = r.withDefaults()
	if r.Model.Inputs == 0 {
		r.Model.Inputs = ff.Train.Bits
	}
	if r.Model.Outputs == 0 {
		r.Model.Outputs = ff.Train.Bits
	}
	return trainOn(ctx, r, &ff.Train, &ff.Val)
}

func trainOn(ctx context.Context, r Recipe, train, val learn.Source) (*Model[float32], *learn.Result, error) {
	m, err := New[float32](r.Model)
	if err != nil {
		return nil, nil, err
	}
	tc := r.Train
	if tc.Meta == "" {
		tc.Meta = r.JSON()
	}
	tr, err := learn.NewTrainer(m, tc)
	if err != nil {
		return nil, nil, err
	}
	res, err := tr.Fit(ctx, train, val)
	if err != nil {
		return m, res, fmt.Errorf("rate: %s: %w", r.Name, err)
	}
	m.Reset()
	return m, res, nil
}
