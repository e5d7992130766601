package snn

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
)

// TestReservoirExplicitZeros: with ExplicitZeros a zero field is a zero
// (G 0: inhibitory weight 0; P 0: no projection; RefractoryMs 0), not the
// default that WithDefaults puts in its place otherwise; a zero that means
// nothing is refused; and the JSON of a configuration without it (the
// pipeline's cache keys, model files) is unchanged.
func TestReservoirExplicitZeros(t *testing.T) {
	base := ReservoirConfig{N: 20, FracE: 0.8, DtMs: 1, SampleMs: 20, TauMemMs: 20, TauSynMs: 5, InputScale: 1, BiasMean: 1,
		P: 0.1, WeightPA: 20, DelayMs: 1, ExplicitZeros: true}
	if d := (ReservoirConfig{}).WithDefaults(); d.G != 4 || d.RefractoryMs != 2 || d.BiasStd != 0.3 {
		t.Fatalf("defaults: %+v", d)
	}
	if d := base.WithDefaults(); d.G != 0 || d.RefractoryMs != 0 || d.BiasStd != 0 || d.N != 20 || d.Washout != 100 || len(d.ReadoutTauMs) != 2 {
		t.Fatalf("ExplicitZeros: %+v", d)
	}
	s, err := base.Spec(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range s.Projections {
		if pr.Source == "I" && pr.Weights.Value != 0 {
			t.Errorf("G 0: I→%s weight %g", pr.Target, pr.Weights.Value)
		}
	}
	if err := s.Validate(); err != nil { // the engine takes the zero weights as given
		t.Errorf("G 0: %v", err)
	}
	if s.Populations[0].Params["t_ref_ms"] != 0 {
		t.Errorf("t_ref_ms %g", s.Populations[0].Params["t_ref_ms"])
	}
	noP := base
	noP.P = 0
	if s, err := noP.Spec(2); err != nil || len(s.Projections) != 0 {
		t.Errorf("P 0: %d projections (%v)", len(s.Projections), err)
	}
	for name, c := range map[string]ReservoirConfig{"DtMs": {DtMs: 0}, "FracE": {FracE: 0, DtMs: 1}, "TauMemMs": {DtMs: 1, FracE: 0.8}} {
		c.ExplicitZeros, c.SampleMs, c.N = true, 20, 20
		if name != "TauMemMs" {
			c.TauMemMs = 20
		}
		c.TauSynMs = 5
		if err := c.Validate(); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s 0: %v", name, err)
		}
	}
	b, _ := json.Marshal(ReservoirConfig{N: 100})
	if strings.Contains(string(b), "Explicit") {
		t.Errorf("JSON names ExplicitZeros: %s", b)
	}
}
