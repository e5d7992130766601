package rate_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/nderr"
	"github.com/neurodyn/neurodyn/rate"
)

// TestSetSampleDt: SetSampleDt changes the time unit (StepTime,
// Config().SampleDt) and nothing else: the outputs of a stream are the
// same bits; a step that is not > 0 is refused, the model unchanged.
func TestSetSampleDt(t *testing.T) {
	m, err := rate.New[float32](rate.Config{NE: 12, NI: 4, Inputs: 3, Outputs: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	run := func() []float64 {
		m.Reset()
		x, y := make([]float64, 3), make([]float64, 3)
		var out []float64
		for k := range 40 {
			for i := range x {
				x[i] = math.Sin(0.2*float64(k) + float64(i))
			}
			m.Step(y, x)
			out = append(out, y...)
		}
		return out
	}
	before := run()
	if m.StepTime() != 0.01 {
		t.Fatalf("StepTime %v before, want the default 0.01", m.StepTime())
	}
	if err := m.SetSampleDt(0.05); err != nil {
		t.Fatal(err)
	}
	if m.StepTime() != 0.05 || m.Config().SampleDt != 0.05 {
		t.Errorf("StepTime %v, SampleDt %v, want 0.05", m.StepTime(), m.Config().SampleDt)
	}
	if !slices.Equal(run(), before) {
		t.Error("the outputs changed with SampleDt")
	}
	for _, dt := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if err := m.SetSampleDt(dt); !errors.Is(err, nderr.ErrInvalid) {
			t.Errorf("SetSampleDt(%v) = %v, want a parameter error", dt, err)
		}
	}
	if m.StepTime() != 0.05 {
		t.Errorf("a refused SampleDt changed StepTime to %v", m.StepTime())
	}
}
