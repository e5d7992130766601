package synapses

import (
	"math"
	"strings"
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

// TestTripletRule: stdp_triplet's updates against their formulas on
// normalized weights (amplitudes divided by |w_max|), the clipping at 0
// and 1, the defaults (Pfister & Gerstner's all-to-all minimal
// visual-cortex model, NEST's) and the validation of every field.
func TestTripletRule(t *testing.T) {
	r := Plasticity{Kind: "stdp_triplet", WMax: -2, A2Plus: 0.02, A3Plus: 0.01, A2Minus: 0.04, A3Minus: 0.006}.TripletRule()
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"potentiate", r.Potentiate(0.3, 0.5, 2), 0.3 + 0.5*(0.01+0.005*2)},
		{"potentiate without o2", r.Potentiate(0.3, 0.5, 0), 0.3 + 0.5*0.01},
		{"potentiate clips at 1", r.Potentiate(0.99, 3, 10), 1},
		{"depress", r.Depress(0.6, 0.8, 1.5), 0.6 - 0.8*(0.02+0.003*1.5)},
		{"depress without r2", r.Depress(0.6, 0.8, 0), 0.6 - 0.8*0.02},
		{"depress without o1", r.Depress(0.6, 0, 7), 0.6},
		{"depress clips at 0", r.Depress(0.01, 5, 3), 0},
	} {
		if math.Abs(tc.got-tc.want) > 1e-15 {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	// defaults: all amplitudes left out give NEST's; one given, the others 0
	d := Plasticity{Kind: "stdp_triplet", WMax: 1}.TripletRule()
	if want := (TripletRule{5e-10, 6.2e-3, 7e-3, 2.3e-4}); d != want {
		t.Errorf("default rule %+v, want %+v", d, want)
	}
	if got := (Plasticity{Kind: "stdp_triplet", WMax: 1, A3Minus: 1e-3}).TripletRule(); got != (TripletRule{a3Minus: 1e-3}) {
		t.Errorf("rule with a3_minus alone %+v", got)
	}
	q := Plasticity{Kind: "stdp_triplet", WMax: 1}.WithDefaults()
	if q.TauPlusMs != 16.8 || q.TauMinusMs != 33.7 || q.TauPlusTripletMs != 101 || q.TauMinusTripletMs != 125 {
		t.Errorf("default time constants %+v", q)
	}
	// the pair kinds' defaults are unchanged, and set no triplet field
	if q := (Plasticity{Kind: "stdp", WMax: 1}).WithDefaults(); q != (Plasticity{Kind: "stdp", WMax: 1, TauPlusMs: 20, TauMinusMs: 20}) {
		t.Errorf("stdp defaults %+v", q)
	}
	for _, tc := range []struct {
		p    Plasticity
		want string // "" valid
	}{
		{Plasticity{Kind: "stdp_triplet", WMax: 1}, ""},
		{Plasticity{Kind: "stdp_triplet", WMax: -1, A2Plus: 1e-3, A2Minus: 1e-3}, ""},
		{Plasticity{Kind: "stdp_triplet"}, "plasticity.w_max"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, A2Plus: -1}, "plasticity.a2_plus"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, A3Plus: math.Inf(1)}, "plasticity.a3_plus"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, A2Minus: math.NaN()}, "plasticity.a2_minus"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1e-300, A3Minus: 1e10}, "plasticity.a3_minus"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, TauPlusTripletMs: -1}, "plasticity.tau_plus_triplet_ms"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, TauMinusTripletMs: math.Inf(1)}, "plasticity.tau_minus_triplet_ms"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, TauPlusMs: -16.8}, "plasticity.tau_plus_ms"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, Lambda: 0.1}, "plasticity.lambda"},
		{Plasticity{Kind: "stdp_triplet", WMax: 1, Eta: 0.1}, "plasticity.eta"},
		{Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 1, A2Minus: 1}, "plasticity.a2_minus"},
		{Plasticity{Kind: "vogels_sprekeler", Eta: 0.01, Alpha: 1, WMax: 1, TauPlusTripletMs: 101}, "plasticity.tau_plus_triplet_ms"},
		{Plasticity{A3Plus: 1}, "plasticity.kind"},
	} {
		err := tc.p.Validate()
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %q", tc.p, err, tc.want)
		}
	}
}
