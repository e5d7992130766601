package synapses

import (
	"math"
	"testing"
)

// TestPlasticityRules: the update rules against their formulas, the
// weight-dependence powers against math.Pow, the clipping at 0 and 1.
func TestPlasticityRules(t *testing.T) {
	for _, mu := range []float64{0, 0.25, 0.5, 0.7, 1} {
		for _, x := range []float64{0, 1e-300, 1e-9, 0.01, 0.3, 0.5, 0.99, 1} {
			got, want := powUnit(x, mu), math.Pow(x, mu)
			// exp(μ·ln x): the rounding of μ·ln x grows with it
			if math.Abs(got-want) > (1+math.Abs(mu*math.Log(x)))*4e-16*want {
				t.Errorf("powUnit(%g, %g) = %v, want %v", x, mu, got, want)
			}
		}
	}
	p := Plasticity{Kind: "stdp", Lambda: 0.1, Alpha: 1.5, MuPlus: 0.5, MuMinus: 1, WMax: 2}.PairRule()
	vs := Plasticity{Kind: "vogels_sprekeler", Eta: 0.2, Alpha: 0.25, WMax: -2}.PairRule() // λ = 0.1 on w/WMax
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"potentiate", p.Potentiate(0.36, 0.5), 0.36 + 0.1*0.8*0.5},
		{"potentiate clips at 1", p.Potentiate(0.99, 5), 1},
		{"depress", p.Pre(0.4, 0.5), 0.4 - 1.5*0.1*0.4*0.5},
		{"depress clips at 0", p.Pre(0.1, 100), 0},
		{"additive", Plasticity{Kind: "stdp", Lambda: 0.1, Alpha: 1}.PairRule().Pre(0.5, 1), 0.4},
		{"vogels_sprekeler potentiate", vs.Potentiate(0.36, 0.5), 0.36 + 0.1*0.5},
		{"vogels_sprekeler potentiate clips at 1", vs.Potentiate(0.99, 5), 1},
		{"vogels_sprekeler pre", vs.Pre(0.4, 0.5), 0.4 + 0.1*0.5 - 0.25*0.1},
		{"vogels_sprekeler pre without trace", vs.Pre(0.4, 0), 0.4 - 0.25*0.1},
		{"vogels_sprekeler pre clips at 1 first", vs.Pre(0.99, 5), 1 - 0.25*0.1},
		{"vogels_sprekeler pre clips at 0", vs.Pre(0.01, 0), 0},
		{"decay", Decay(2), math.Exp(-2)},
	} {
		if math.Abs(tc.got-tc.want) > 1e-15 {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	q := Plasticity{Kind: "stdp", WMax: 1}.WithDefaults()
	if q.TauPlusMs != 20 || q.TauMinusMs != 20 || q.Lambda != 0 || q.Alpha != 0 || q.MuPlus != 0 || q.MuMinus != 0 {
		t.Errorf("defaults %+v, want NEST's τ± (20 ms), nothing else", q)
	}
	if !vs.EveryPre() || p.EveryPre() || (Plasticity{Kind: "vogels_sprekeler", Eta: 1, WMax: 1}).PairRule().EveryPre() {
		t.Error("EveryPre: want true for vogels_sprekeler with alpha > 0 only")
	}
	if err := (Plasticity{}).Validate(); err != nil {
		t.Errorf("static: %v", err)
	}
}
