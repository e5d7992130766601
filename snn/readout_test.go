package snn_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/nderr"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// sineSeries is n samples of a three-dimensional sine.
func sineSeries(n int) *tasks.Series {
	s := &tasks.Series{Len: n, Dim: 3, Data: make([]float64, 3*n), Data32: make([]float32, 3*n)}
	for i := range s.Data {
		s.Data[i] = math.Sin(0.1*float64(i/3) + float64(i%3))
		s.Data32[i] = float32(s.Data[i])
	}
	return s
}

// TestFitReadoutHorizon: FitReadout's rows take the next sample as target,
// so windows whose target lies further ahead (Horizon > 1) would mix the
// horizons silently; they are refused, naming the split and Horizon.
func TestFitReadoutHorizon(t *testing.T) {
	c := snn.LorenzDefault().Model
	c.NE, c.NI = 32, 8
	for _, tc := range []struct {
		name        string
		train, val  int // horizons
		wantInvalid string
	}{
		{"next sample", 1, 1, ""},
		{"train horizon 3", 3, 1, "train Horizon = 3"},
		{"val horizon 2", 1, 2, "val Horizon = 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := snn.New[float32](c)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := tasks.NewWindows(sineSeries(120), 20, tc.train, 5)
			if err != nil {
				t.Fatal(err)
			}
			va, err := tasks.NewWindows(sineSeries(60), 20, tc.val, 5)
			if err != nil {
				t.Fatal(err)
			}
			_, err = snn.FitReadout(m, tr, va, 5, nil)
			if tc.wantInvalid == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, nderr.ErrInvalid) || !strings.Contains(err.Error(), tc.wantInvalid) {
				t.Fatalf("FitReadout: error %v, want one naming %q", err, tc.wantInvalid)
			}
		})
	}
}
