package snn_test

import (
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/snn"
)

// An snn model is an analysis.BatchPredictor through Predictor.
var _ analysis.BatchPredictor = snn.Predictor[float32]{}

// TestPredictor: Predictor's PredictLast is the model's with the options it
// holds, bit for bit (Silence included).
func TestPredictor(t *testing.T) {
	c := snn.LorenzDefault().Model
	c.NE, c.NI = 32, 8
	m, err := snn.New[float32](c)
	if err != nil {
		t.Fatal(err)
	}
	s := sineSeries(30)
	const n, L = 2, 10
	x := s.Data32[:n*L*3]
	for _, o := range []snn.RunOptions{{}, {Silence: true}, {Batch: 1}} {
		want, err := m.PredictLast(x, n, L, o)
		if err != nil {
			t.Fatal(err)
		}
		var p analysis.BatchPredictor = m.Predictor(o)
		got, err := p.PredictLast(x, n, L)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("options %+v: Predictor gives %v, %v; the model %v", o, got, err, want)
		}
	}
}
