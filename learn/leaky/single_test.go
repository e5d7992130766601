package leaky_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/tasks"
)

// stepper is what the tests need of a CT-RNN or rate model.
type stepper interface {
	learn.Stepper
	Params() *learn.Params[float32]
	Reset()
	State(dst []float64)
	SetState(src []float64)
	PredictLast(x []float32, n, L int) ([]float32, error)
}

// run feeds xs to m from its current state and returns the outputs.
func run(m stepper, xs [][]float64) [][]float64 {
	out := make([][]float64, len(xs))
	for i, x := range xs {
		out[i] = make([]float64, m.OutputDim())
		m.Step(out[i], x)
	}
	return out
}

func sameBits(t *testing.T, what string, got, want [][]float64) {
	t.Helper()
	for i := range want {
		for k := range want[i] {
			if math.Float64bits(got[i][k]) != math.Float64bits(want[i][k]) {
				t.Fatalf("%s: step %d output %d = %v, want %v", what, i, k, got[i][k], want[i][k])
			}
		}
	}
}

var inputs = [][]float64{{0.3, -0.2, 0.5}, {-0.1, 0.4, 0.2}, {0.7, 0.1, -0.6}}

// Step uses the parameters as they are now, however they were changed: by
// LoadParamsNPZ (the review's case: Step gave [-0.114 0.222 0.456] with the
// Seed-1 weights while PredictLast gave [0.117 0.0186 -0.106] with the
// loaded Seed-99 ones), by a write to Params().Flat() in mid-stream, or by
// learn.Trainer.Fit, all without a Reset.
func TestStepUsesCurrentParams(t *testing.T) {
	models := []struct {
		name string
		make func(seed uint64) stepper
	}{
		{"ctrnn", func(seed uint64) stepper {
			m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 8, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
		{"rate", func(seed uint64) stepper {
			m, err := rate.New[float32](rate.Config{NE: 6, NI: 2, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}},
	}
	for _, mc := range models {
		t.Run(mc.name+"/load", func(t *testing.T) {
			saved := mc.make(99)
			path := filepath.Join(t.TempDir(), "p.npz")
			if err := learn.SaveParams(path, saved.Params(), ""); err != nil {
				t.Fatal(err)
			}
			m := mc.make(1)
			run(m, inputs[:1]) // a stream already under way with the old weights
			m.Reset()
			if _, err := learn.LoadParamsNPZ(m.Params(), path); err != nil {
				t.Fatal(err)
			}
			saved.Reset()
			sameBits(t, "after LoadParamsNPZ", run(m, inputs), run(saved, inputs))
			// PredictLast from the zero state over the same input agrees.
			fresh := mc.make(1)
			if _, err := learn.LoadParamsNPZ(fresh.Params(), path); err != nil {
				t.Fatal(err)
			}
			y := make([]float64, fresh.OutputDim())
			fresh.Step(y, inputs[0])
			p, err := fresh.PredictLast([]float32{0.3, -0.2, 0.5}, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			for k := range y {
				if math.Abs(y[k]-float64(p[k])) > 1e-6 {
					t.Errorf("Step %v, PredictLast %v", y, p)
				}
			}
		})
		t.Run(mc.name+"/write", func(t *testing.T) {
			m, ref := mc.make(1), mc.make(1)
			run(m, inputs[:2])
			h := make([]float64, m.StateDim())
			m.State(h)
			other := mc.make(7)
			copy(m.Params().Flat(), other.Params().Flat())
			// The reference takes the new weights explicitly, in the same
			// state.
			copy(ref.Params().Flat(), other.Params().Flat())
			ref.SetState(h)
			sameBits(t, "after writing Params().Flat()", run(m, inputs), run(ref, inputs))
		})
	}
	t.Run("ctrnn/fit", func(t *testing.T) {
		n := 120
		x := make([]float64, 3*n)
		for i := range x {
			x[i] = math.Sin(0.2*float64(i/3) + float64(i%3))
		}
		d, err := tasks.FromSeries(tasks.RawSeries{Data: x, Len: n, Dim: 3}, tasks.SeriesConfig{SeqLength: 10})
		if err != nil {
			t.Fatal(err)
		}
		w, err := d.Windows("train")
		if err != nil {
			t.Fatal(err)
		}
		m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 8, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		before := run(m, inputs[:1])
		m.Reset()
		tr, err := learn.NewTrainer(m, learn.TrainConfig{Epochs: 1, BatchSize: 8, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Fit(context.Background(), w, nil); err != nil {
			t.Fatal(err)
		}
		ref, _ := ctrnn.New[float32](ctrnn.Config{Hidden: 8, Seed: 3})
		copy(ref.Params().Flat(), m.Params().Flat())
		ref.Reset()
		got, want := run(m, inputs), run(ref, inputs)
		sameBits(t, "after Trainer.Fit", got, want)
		if got[0][0] == before[0][0] {
			t.Error("training changed nothing: the test proves nothing")
		}
	})
}

// Step allocates nothing, whether the parameters changed or not.
func TestStepAllocs(t *testing.T) {
	m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, 3)
	p := m.Params().Flat()
	if a := testing.AllocsPerRun(100, func() { m.Step(y, inputs[0]) }); a != 0 {
		t.Errorf("Step: %v allocations", a)
	}
	if a := testing.AllocsPerRun(100, func() { p[0] += 1e-3; m.Step(y, inputs[0]) }); a != 0 {
		t.Errorf("Step after a change: %v allocations", a)
	}
}

// BenchmarkSingleStep is one Step of the reference CT-RNN (64 units, Euler)
// and of the zero rate Config (48 E, 16 I): the cost of checking the
// parameters for changes beside the step itself.
func BenchmarkSingleStep(b *testing.B) {
	c, err := ctrnn.New[float32](ctrnn.Config{})
	if err != nil {
		b.Fatal(err)
	}
	r, err := rate.New[float32](rate.Config{})
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []struct {
		name string
		m    stepper
	}{{"model=ctrnn", c}, {"model=rate", r}} {
		b.Run(m.name, func(b *testing.B) {
			y := make([]float64, 3)
			b.ReportAllocs()
			for b.Loop() {
				m.m.Step(y, inputs[0])
			}
		})
	}
}
