package learn_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

// seqModel is linModel saying sequence widths, as every Stepper does.
type seqModel struct {
	*linModel
	in, out int
}

func (m seqModel) InputDim() int  { return m.in }
func (m seqModel) OutputDim() int { return m.out }

// sizes is a Source of zero samples of the given sizes.
type sizes struct{ n, is, ts int }

func (s sizes) Len() int                   { return s.n }
func (s sizes) InputSize() int             { return s.is }
func (s sizes) TargetSize() int            { return s.ts }
func (s sizes) Fill(i int, x, y []float32) { clear(x); clear(y) }

func shaped(t *testing.T, steps, in, out, h int) learn.Source {
	t.Helper()
	ts := out
	if h == 0 {
		ts = steps * out
	}
	s, err := learn.Shaped(sizes{10, steps * in, ts}, steps, in, out, h)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// CheckData (and Fit, before its first epoch) refuses data that do not fit
// the model or the losses, naming what does not fit; a Source that says
// its shape is checked against the model's widths, a plain one is read
// with them.
func TestCheckData(t *testing.T) {
	next := learn.Loss{Kind: learn.LossNext, Warmup: 5}
	cl := learn.Loss{Kind: learn.LossClosedLoop, Warmup: 10, Horizon: 5}
	for _, tc := range []struct {
		name       string
		in, out    int
		c          learn.TrainConfig
		train, val func(t *testing.T) learn.Source
		want       string // "" accepted
	}{
		{"fits", 2, 2, learn.TrainConfig{}, func(t *testing.T) learn.Source { return shaped(t, 20, 2, 2, 1) }, nil, ""},
		// 20 steps of 2 values would be read as 10 steps of 4 inputs.
		{"inputs", 4, 2, learn.TrainConfig{}, func(t *testing.T) learn.Source { return shaped(t, 20, 2, 2, 1) }, nil,
			"train = sequences of 2 values per step: must be sequences of the model's 4 inputs per step (InputDim)"},
		{"outputs", 2, 3, learn.TrainConfig{}, func(t *testing.T) learn.Source { return shaped(t, 20, 2, 2, 1) }, nil,
			"train = targets of 2 values per step: must be targets of the model's 3 outputs (OutputDim)"},
		{"plain source not a multiple", 3, 2, learn.TrainConfig{}, func(*testing.T) learn.Source { return sizes{10, 40, 2} }, nil,
			"train = samples of 40 input values: must be a multiple of the model's 3 inputs per step"},
		{"next on horizon 5", 1, 1, learn.TrainConfig{Loss: next}, func(t *testing.T) learn.Source { return shaped(t, 20, 1, 1, 5) }, nil,
			"train windows' horizon = 5: must be 1 for Loss.Kind next"},
		{"closedloop on horizon 2", 1, 1, learn.TrainConfig{Loss: cl}, func(t *testing.T) learn.Source { return shaped(t, 20, 1, 1, 2) }, nil,
			"train windows' horizon = 2: must be 1 for Loss.Kind closedloop"},
		{"last on horizon 5", 1, 1, learn.TrainConfig{}, func(t *testing.T) learn.Source { return shaped(t, 20, 1, 1, 5) }, nil, ""},
		{"all on one target", 2, 2, learn.TrainConfig{Loss: learn.Loss{Kind: learn.LossAll}}, func(t *testing.T) learn.Source { return shaped(t, 20, 2, 2, 1) }, nil,
			"Loss.Kind = all: must be last, next or closedloop for the train data"},
		{"last on per-step targets", 2, 2, learn.TrainConfig{}, func(t *testing.T) learn.Source { return shaped(t, 20, 2, 2, 0) }, nil,
			"Loss.Kind = last: must be all for the train data"},
		{"schedule beyond the window", 1, 1,
			learn.TrainConfig{Epochs: 5, Loss: cl, Horizon: learn.HorizonSchedule{Start: 5, End: 30, Step: 5}},
			func(t *testing.T) learn.Source { return shaped(t, 20, 1, 1, 1) }, nil,
			"Loss with the Horizon schedule's horizon 25 (epoch 5): Warmup+Horizon-1 = 10+25-1 = 34: must be <= the train windows' length 20"},
		{"schedule within the window", 1, 1,
			learn.TrainConfig{Epochs: 2, Loss: cl, Horizon: learn.HorizonSchedule{Start: 5, End: 30, Step: 5}, ValLoss: &next},
			func(t *testing.T) learn.Source { return shaped(t, 20, 1, 1, 1) }, func(t *testing.T) learn.Source { return shaped(t, 20, 1, 1, 1) }, ""},
		{"val loss beyond the val windows", 1, 1, learn.TrainConfig{Loss: next, ValLoss: &cl},
			func(t *testing.T) learn.Source { return shaped(t, 20, 1, 1, 1) }, func(t *testing.T) learn.Source { return shaped(t, 12, 1, 1, 1) },
			"ValLoss: Warmup+Horizon-1 = 10+5-1 = 14: must be <= the val windows' length 12"},
		{"next warmup beyond the window", 1, 1, learn.TrainConfig{Loss: learn.Loss{Kind: learn.LossNext, Warmup: 30}},
			func(*testing.T) learn.Source { return sizes{10, 20, 1} }, nil, "Loss.Warmup = 30: must be <= the train windows' length 20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := seqModel{newLin(3, 2), tc.in, tc.out}
			train := tc.train(t)
			var val learn.Source
			if tc.val != nil {
				val = tc.val(t)
			}
			err := learn.CheckData(m, tc.c, train, val)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckData = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckData = %v, want a param error containing %q", err, tc.want)
			}
			c := tc.c
			epochs := 0
			c.Progress = func(learn.EpochRecord) { epochs++ }
			tr, err := learn.NewTrainer(m, c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Fit(context.Background(), train, val); err == nil || err.Error() != learn.CheckData(m, tc.c, train, val).Error() || epochs != 0 {
				t.Fatalf("Fit = %v after %d epochs, want CheckData's error before any", err, epochs)
			}
		})
	}
}

// Shaped refuses shapes that do not match the Source's sizes.
func TestShaped(t *testing.T) {
	for _, tc := range []struct {
		src               learn.Source
		steps, in, out, h int
		ok                bool
	}{
		{sizes{1, 40, 2}, 20, 2, 2, 1, true},
		{sizes{1, 40, 40}, 20, 2, 2, 0, true},
		{sizes{1, 40, 2}, 20, 4, 2, 1, false},
		{sizes{1, 40, 2}, 20, 2, 2, 0, false},
		{sizes{1, 40, 2}, 20, 2, 2, -1, false},
	} {
		_, err := learn.Shaped(tc.src, tc.steps, tc.in, tc.out, tc.h)
		if tc.ok != (err == nil) || (err != nil && !errors.Is(err, param.ErrInvalid)) {
			t.Errorf("Shaped(%v, %d, %d, %d, %d) = %v, want ok %v", tc.src, tc.steps, tc.in, tc.out, tc.h, err, tc.ok)
		}
	}
}

// The tasks package's own windows and flip-flop splits say their shapes,
// so raw tasks data given to a Trainer are checked too: a Horizon-5 window
// is refused for a next-step loss, and a flip-flop split's per-step
// targets for the default last-sample loss.
func TestCheckDataTasksSources(t *testing.T) {
	x := make([]float64, 200)
	for i := range x {
		x[i] = math.Sin(0.1 * float64(i))
	}
	d, err := tasks.FromSeries(tasks.RawSeries{Data: x, Len: 200, Dim: 1}, tasks.SeriesConfig{SeqLength: 20, Horizon: 5})
	if err != nil {
		t.Fatal(err)
	}
	w, err := d.Windows("train")
	if err != nil {
		t.Fatal(err)
	}
	ff, err := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{Bits: 3, Steps: 50, TrainTrials: 4, ValTrials: 2, TestTrials: 2})
	if err != nil {
		t.Fatal(err)
	}
	next := learn.TrainConfig{Loss: learn.Loss{Kind: learn.LossNext, Warmup: 5}}
	for _, tc := range []struct {
		name    string
		in, out int
		c       learn.TrainConfig
		src     learn.Source
		want    string
	}{
		{"windows next horizon 5", 1, 1, next, w, "train windows' horizon = 5: must be 1 for Loss.Kind next"},
		{"windows last horizon 5", 1, 1, learn.TrainConfig{}, w, ""},
		{"windows inputs 2", 2, 1, learn.TrainConfig{}, w, "must be sequences of the model's 2 inputs per step"},
		{"flip-flop last", 3, 3, learn.TrainConfig{}, &ff.Train, "Loss.Kind = last: must be all for the train data"},
		{"flip-flop all", 3, 3, learn.TrainConfig{Loss: learn.Loss{Kind: learn.LossAll}}, &ff.Train, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := learn.CheckData(seqModel{newLin(3, 2), tc.in, tc.out}, tc.c, tc.src, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckData = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckData = %v, want a param error containing %q", err, tc.want)
			}
		})
	}
}
