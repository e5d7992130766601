package synapses

import (
	"math"
	"testing"
)

// TestShortTermSpike: the rest state, the steady state of a regular train
// against its closed form, recovery after a long pause, and pure depression.
func TestShortTermSpike(t *testing.T) {
	classes := map[string]ShortTerm{
		"facilitating":    {Kind: "tsodyks2", U: 0.16, TauRecMs: 45, TauFacMs: 376},
		"depressing":      {Kind: "tsodyks2", U: 0.25, TauRecMs: 706, TauFacMs: 21},
		"pseudo-linear":   {Kind: "tsodyks2", U: 0.32, TauRecMs: 144, TauFacMs: 62},
		"pure depression": {Kind: "tsodyks2", U: 0.5, TauRecMs: 800},
	}
	for name, s := range classes {
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		// At rest the first spike has u = U and x = 1, whatever h.
		for _, h := range []float64{0, 0.1, 1e9, math.Inf(1)} {
			if u, x := s.Spike(0, 1, h); u != s.U || x != 1 {
				t.Errorf("%s: first spike after %g ms: u %v, x %v; want %v, 1", name, h, u, x, s.U)
			}
		}
		for _, T := range []float64{5, 25, 100, 1000} { // 200, 40, 10, 1 Hz
			u, x := 0.0, 1.0
			for range 5000 {
				u, x = s.Spike(u, x, T)
			}
			fac := 0.0
			if s.TauFacMs > 0 {
				fac = math.Exp(-T / s.TauFacMs)
			}
			rec := math.Exp(-T / s.TauRecMs)
			uss := s.U / (1 - (1-s.U)*fac)
			xss := (1 - rec) / (1 - (1-uss)*rec)
			if math.Abs(u-uss) > 1e-14 || math.Abs(x-xss) > 1e-14 {
				t.Errorf("%s at %g ms intervals: steady state u %v, x %v; closed form %v, %v", name, T, u, x, uss, xss)
			}
			// A pause of 100 time constants recovers the rest efficacy U
			// (u decays to 0 and jumps by U; x recovers to 1).
			u1, x1 := s.Spike(u, x, 100*max(s.TauRecMs, s.TauFacMs))
			if math.Abs(u1-s.U) > 1e-15 || math.Abs(x1-1) > 1e-15 {
				t.Errorf("%s: after a long pause u %v, x %v; want %v, 1", name, u1, x1, s.U)
			}
		}
	}
	// Pure depression keeps u = U; two spikes at once leave x·(1 − U).
	s := classes["pure depression"]
	if u, x := s.Spike(s.U, 1, 0); u != s.U || x != 0.5 {
		t.Errorf("pure depression, second spike at once: u %v, x %v; want 0.5, 0.5", u, x)
	}
	// One step of the formulas by hand.
	f := classes["facilitating"]
	u, x := f.Spike(0.3, 0.6, 10)
	wantU := 0.16 + 0.3*0.84*math.Exp(-10.0/376)
	wantX := 1 + (0.6-0.6*0.3-1)*math.Exp(-10.0/45)
	if math.Abs(u-wantU) > 1e-15 || math.Abs(x-wantX) > 1e-15 {
		t.Errorf("facilitating: u %v, x %v; want %v, %v", u, x, wantU, wantX)
	}
}

// TestShortTermRelax: the relaxed state against its closed form, and a spike
// after relaxing acts as Spike says: Spike(u, x, h) = (U + u_r(1 − U), x_r)
// for (u_r, x_r) = Relax(u, x, h).
func TestShortTermRelax(t *testing.T) {
	for _, s := range []ShortTerm{
		{Kind: "tsodyks2", U: 0.16, TauRecMs: 45, TauFacMs: 376},
		{Kind: "tsodyks2", U: 0.5, TauRecMs: 800},
	} {
		for _, h := range []float64{0, 0.1, 7, 300, 5000} {
			u, x := 0.37, 0.42
			ur, xr := s.Relax(u, x, h)
			fac := 0.0
			if s.TauFacMs > 0 {
				fac = math.Exp(-h / s.TauFacMs)
			}
			if want := u * fac; math.Abs(ur-want) > 1e-15 {
				t.Errorf("%+v, h %g: u_r %v, want %v", s, h, ur, want)
			}
			if want := 1 - (1-x*(1-u))*math.Exp(-h/s.TauRecMs); math.Abs(xr-want) > 1e-15 {
				t.Errorf("%+v, h %g: x_r %v, want %v", s, h, xr, want)
			}
			us, xs := s.Spike(u, x, h)
			if math.Abs(us-(s.U+ur*(1-s.U))) > 1e-15 || math.Abs(xs-xr) > 1e-15 {
				t.Errorf("%+v, h %g: Spike (%v, %v), Relax then jump (%v, %v)", s, h, us, xs, s.U+ur*(1-s.U), xr)
			}
		}
	}
}
