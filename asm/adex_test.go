package asm

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// adexConst prepares AdExConst for step h (ms) from aeif_cond_exp
// parameters, as a model package would: C_m (pF), g_L (nS), E_L, V_T, Δ_T,
// V_peak (mV), a (nS), τ_w (ms), E_ex, E_in (mV), τ_ex, τ_in (ms), I_e (pA).
func adexConst(h, cm, gl, el, vt, dt, vpeak, a, tauw, eex, ein, tauex, tauin, ie float64) AdExConst {
	return AdExConst{GL: gl, GLDT: gl * dt, InvDT: 1 / dt, UT: vt - el, UPeak: vpeak - el, EEx: eex - el, EIn: ein - el,
		InvC: 1 / cm, A: a, InvTauW: 1 / tauw, H: h, H2: h / 2, H6: h / 6,
		PeHalf: math.Exp(-h / 2 / tauex), PiHalf: math.Exp(-h / 2 / tauin), Pe: math.Exp(-h / tauex), Pi: math.Exp(-h / tauin),
		Bias: ie}
}

// TestAdExConstLayout pins the field offsets the assembly reads AdExConst
// with (_gen/adex.go).
func TestAdExConstLayout(t *testing.T) {
	var c AdExConst
	offs := []uintptr{unsafe.Offsetof(c.GL), unsafe.Offsetof(c.GLDT), unsafe.Offsetof(c.InvDT), unsafe.Offsetof(c.UT),
		unsafe.Offsetof(c.UPeak), unsafe.Offsetof(c.EEx), unsafe.Offsetof(c.EIn), unsafe.Offsetof(c.InvC),
		unsafe.Offsetof(c.A), unsafe.Offsetof(c.InvTauW), unsafe.Offsetof(c.H), unsafe.Offsetof(c.H2),
		unsafe.Offsetof(c.H6), unsafe.Offsetof(c.PeHalf), unsafe.Offsetof(c.PiHalf), unsafe.Offsetof(c.Pe),
		unsafe.Offsetof(c.Pi), unsafe.Offsetof(c.Bias)}
	if len(offs) != adexConstWords || unsafe.Sizeof(c) != 8*adexConstWords {
		t.Fatalf("AdExConst has %d bytes, the assembly expects %d", unsafe.Sizeof(c), 8*adexConstWords)
	}
	for i, o := range offs {
		if o != uintptr(8*i) {
			t.Fatalf("field %d of AdExConst at offset %d, the assembly expects %d", i, o, 8*i)
		}
	}
}

// TestAdExRK4 compares every path with the reference, bit for bit, on
// states drawn around the places where the arithmetic branches: far below
// threshold (ExpNeg's argument beyond 32, where it is 0), at V_T (the
// exponent +0 where V_T − E_L is representable, and a few ulps either
// side), on the upswing (the reciprocal),
// at and above V_peak (the cap), −0; with and without dc, at lengths that
// are not multiples of 4, and for parameter sets whose exponent at V_peak
// is at or beyond 32 (the reference alone).
func TestAdExRK4(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	cases := []struct {
		name string
		c    AdExConst
	}{
		{"nest", adexConst(0.1, 281, 30, -70.6, -50.4, 2, 0, 4, 144, 0, -85, 0.2, 2, 0)},
		{"coba", adexConst(0.1, 200, 10, -60, -50, 2, 0, 2, 150, 0, -80, 5, 10, 120)},
		{"bursting", adexConst(0.05, 200, 12, -70, -50, 2, 0, 2, 300, 0, -85, 1, 3, 160)},
		{"large dt", adexConst(1, 281, 30, -70.6, -50.4, 2, 0, -8, 20, 0, -85, 5, 10, 0)},
		{"sharp (exponent 40 at V_peak)", adexConst(0.1, 281, 30, -70.6, -50.4, 0.5, -30.4, 4, 144, 0, -85, 0.2, 2, 0)},
		{"exponent 32 at V_peak", adexConst(0.1, 281, 30, -70.6, -50.4, 1, -18.4, 4, 144, 0, -85, 0.2, 2, 0)},
	}
	draw := func(c *AdExConst) float32 {
		switch r.IntN(8) {
		case 0:
			return float32(c.UT - 80*r.Float64()/c.InvDT) // ExpNeg's argument up to 80
		case 1: // at V_T and a few ulps away
			u := float32(c.UT)
			for range r.IntN(4) {
				u = math.Nextafter32(u, float32(math.Inf(2*r.IntN(2)-1)))
			}
			return u
		case 2:
			return float32(c.UPeak + 5*(r.Float64()-0.5)) // around V_peak
		case 3:
			return float32(math.Copysign(0, -1))
		case 4:
			return float32(c.UT + (c.UPeak-c.UT)*r.Float64()) // the upswing
		}
		return float32(c.UT + 30*(r.Float64()-0.7))
	}
	forEachPath(t, func(t *testing.T) {
		for _, tc := range cases {
			c := tc.c
			for _, n := range append(testLengths(r), 131) {
				v, w, ge, gi, dc := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
				for j := range n {
					v[j] = draw(&c)
					w[j] = float32(600 * (r.Float64() - 0.3))
					ge[j] = float32(40 * r.Float64() * r.Float64())
					gi[j] = float32(200 * r.Float64() * r.Float64())
					dc[j] = float32(1000 * (r.Float64() - 0.3))
					if r.IntN(10) == 0 {
						ge[j], gi[j] = 0, 0
					}
				}
				for _, d := range [][]float32{dc, nil} {
					wu, ww := make([]float64, n), make([]float64, n)
					gu, gw := make([]float64, n), make([]float64, n)
					adexRK4Generic(&c, v, w, ge, gi, d, wu, ww)
					AdExRK4(&c, v, w, ge, gi, d, gu, gw)
					if i := firstDiff(gu, wu); i >= 0 {
						t.Fatalf("%s n=%d dc=%v: u[%d] = %v, want %v (v %v, w %v, ge %v, gi %v)", tc.name, n, d != nil, i, gu[i], wu[i], v[i], w[i], ge[i], gi[i])
					}
					if i := firstDiff(gw, ww); i >= 0 {
						t.Fatalf("%s n=%d dc=%v: w[%d] = %v, want %v", tc.name, n, d != nil, i, gw[i], ww[i])
					}
				}
			}
		}
	})
}

// TestAdExRK4Lengths checks that mismatched lengths panic.
func TestAdExRK4Lengths(t *testing.T) {
	c := adexConst(0.1, 281, 30, -70.6, -50.4, 2, 0, 4, 144, 0, -85, 0.2, 2, 0)
	s := make([]float32, 8)
	o := make([]float64, 8)
	for name, f := range map[string]func(){
		"dc":  func() { AdExRK4(&c, s, s, s, s, s[:7], o, o) },
		"sw":  func() { AdExRK4(&c, s, s, s, s, nil, o, o[:4]) },
		"ge":  func() { AdExRK4(&c, s, s, s[:1], s, nil, o, o) },
		"out": func() { AdExRK4(&c, s, s, s, s, nil, o[:7], o[:7]) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic for mismatched lengths", name)
				}
			}()
			f()
		}()
	}
}

// TestAdExVector checks which parameter sets the AVX2 kernel covers: an
// exponent at V_peak below 32.
func TestAdExVector(t *testing.T) {
	for _, tc := range []struct {
		dt, vpeak float64
		want      bool
	}{{2, 0, true}, {1, -18.4, false}, {1, -18.40001, true}, {0.5, -30.4, false}, {-2, -100, false}} {
		c := adexConst(0.1, 281, 30, -70.6, -50.4, tc.dt, tc.vpeak, 4, 144, 0, -85, 0.2, 2, 0)
		if got := c.adexVector(); got != tc.want {
			t.Errorf("Δ_T %v, V_peak %v: adexVector %v, want %v (exponent %v)", tc.dt, tc.vpeak, got, tc.want, (c.UPeak-c.UT)*c.InvDT)
		}
	}
}

// TestExpNeg checks ExpNeg against math.Exp: relative error below 10⁻¹¹,
// 0 from 32 on, 1 at and below 0.
func TestExpNeg(t *testing.T) {
	for x := 0.0; x < 40; x += 0.0137 {
		got, want := ExpNeg(x), math.Exp(-x)
		if x >= 32 {
			want = 0
		}
		if math.Abs(got-want) > 1e-11*want+1e-300 {
			t.Fatalf("ExpNeg(%g) = %.17g, want %.17g", x, got, want)
		}
	}
	if ExpNeg(-1) != 1 || ExpNeg(0) != 1 || ExpNeg(math.Copysign(0, -1)) != 1 {
		t.Fatal("ExpNeg(x ≤ 0) must be 1")
	}
}
