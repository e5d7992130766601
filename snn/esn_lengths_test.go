package snn_test

import (
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/snn"
)

// TestESNShortSlices: State and SetState with a slice shorter than
// StateDim panic naming the method and the lengths (State copied part of
// the state silently, SetState panicked "slice bounds out of range").
func TestESNShortSlices(t *testing.T) {
	e, err := snn.NewESN(snn.ESNConfig{N: 20, SpectralRadius: 0.7, Seed: 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, want string
		call       func()
	}{
		{"State", "", func() { e.State(make([]float64, 20)) }},
		{"State short", "snn: ESN.State: len(dst) = 5, want at least StateDim = 20", func() { e.State(make([]float64, 5)) }},
		{"SetState", "", func() { e.SetState(make([]float64, 20)) }},
		{"SetState short", "snn: ESN.SetState: len(src) = 1, want at least StateDim = 20", func() { e.SetState([]float64{1}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if (r != nil) != (tc.want != "") || !strings.HasPrefix(msg, tc.want) {
					t.Fatalf("panic %v, want %q", r, tc.want)
				}
			}()
			tc.call()
		})
	}
}
