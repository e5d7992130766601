package asm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// hhConst prepares HHConst for step h (ms) from hh_cond_exp_traub's
// parameters, as neurons.HHCond does, with the conductances held at their
// start-of-step values (Me = Mi = 1; hhMean gives the step-mean factors).
func hhConst(h, cm, gl, el, gna, ena, gk, ek, vt, eex, ein, tauex, tauin, vspike, tref, ie float64) HHConst {
	return HHConst{HOverC: h / cm, H: h, GL: gl, GNa: gna, GK: gk, ENa: ena - el, EK: ek - el, EEx: eex - el,
		EIn: ein - el, UOff: el - vt, Pe: math.Exp(-h / tauex), Pi: math.Exp(-h / tauin), Me: 1, Mi: 1, Bias: ie,
		VSpike: float32(vspike - el), RefSteps: int32(math.Round(tref / h))}
}

// hhMean returns c with the step-mean factors (τ/h)(1 − e^{−h/τ}) for its
// step and decay times τ_ex, τ_in (ms), as neurons.HHCond's "mean" scheme
// computes them.
func hhMean(c HHConst, tauex, tauin float64) HHConst {
	c.Me, c.Mi = -math.Expm1(-c.H/tauex)*tauex/c.H, -math.Expm1(-c.H/tauin)*tauin/c.H
	return c
}

// TestHHConstLayout pins the field offsets the assembly reads HHConst
// with (_gen/hh.go).
func TestHHConstLayout(t *testing.T) {
	var c HHConst
	offs := []uintptr{unsafe.Offsetof(c.HOverC), unsafe.Offsetof(c.H), unsafe.Offsetof(c.GL), unsafe.Offsetof(c.GNa),
		unsafe.Offsetof(c.GK), unsafe.Offsetof(c.ENa), unsafe.Offsetof(c.EK), unsafe.Offsetof(c.EEx),
		unsafe.Offsetof(c.EIn), unsafe.Offsetof(c.UOff), unsafe.Offsetof(c.Pe), unsafe.Offsetof(c.Pi),
		unsafe.Offsetof(c.Me), unsafe.Offsetof(c.Mi), unsafe.Offsetof(c.Bias), unsafe.Offsetof(c.VSpike),
		unsafe.Offsetof(c.RefSteps)}
	for i, o := range offs {
		want := uintptr(8 * i)
		if i == 16 {
			want = 124
		}
		if o != want {
			t.Fatalf("field %d of HHConst at offset %d, the assembly expects %d", i, o, want)
		}
	}
	if unsafe.Sizeof(c) != 128 {
		t.Fatalf("HHConst is %d bytes, the assembly expects 128", unsafe.Sizeof(c))
	}
}

// TestHHStep compares every path with the reference, bit for bit: states
// over the whole action potential and beyond the kernel's range (V − V_T
// outside [−110, 195] mV and NaN, which the reference steps), gates in
// [0, 1], negative total conductances (within and beyond the kernel's
// range), the rates' removable singularities (u = 13, 15 and 40 mV and a
// few ulps away), refractory neurons, with and without dc, at lengths that
// are not multiples of 4, with the conductances at their start-of-step
// values (Me = Mi = 1) and at their step means (the kernel's range check
// then sees the scaled conductances: the cases beyond it are beyond it
// after the scaling).
func TestHHStep(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	cases := []HHConst{
		hhConst(0.1, 200, 10, -60, 20000, 50, 6000, -90, -63, 0, -80, 5, 10, -33, 2, 0),
		hhConst(0.1, 200, 10, -60, 20000, 50, 6000, -90, -63, 0, -80, 5, 10, -20, 3, 300),
		hhConst(0.01, 100, 30, -65, 12000, 55, 3600, -77, -58, 0, -75, 2, 6, 0, 1, 0),
		hhMean(hhConst(0.1, 200, 10, -60, 20000, 50, 6000, -90, -63, 0, -80, 5, 10, -33, 2, 0), 5, 10),
		hhMean(hhConst(0.1, 200, 10, -60, 20000, 50, 6000, -90, -63, 0, -80, 5, 10, -20, 3, 300), 5, 10),
		hhMean(hhConst(0.5, 100, 30, -65, 12000, 55, 3600, -77, -58, 0, -75, 0.3, 6, 0, 1, 0), 0.3, 6),
	}
	forEachPath(t, func(t *testing.T) {
		for ci, c := range cases {
			for _, n := range append(testLengths(r), 131) {
				v, m, h, nn := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
				ge, gi, inE, inI, dc := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
				refr := make([]int32, n)
				for j := range n {
					v[j] = float32(-40 + 160*r.Float64())
					switch r.IntN(16) {
					case 0:
						v[j] = float32(-c.UOff - 120 - 50*r.Float64()) // u below the kernel's range
					case 1:
						v[j] = float32(-c.UOff + 200 + 50*r.Float64()) // above
					case 2:
						v[j] = float32(math.NaN())
					case 3, 4: // the removable singularities and a few ulps away
						x := float32([]float64{13, 15, 40}[r.IntN(3)] - c.UOff)
						for range r.IntN(3) {
							x = math.Nextafter32(x, float32(math.Inf(2*r.IntN(2)-1)))
						}
						v[j] = x
					}
					m[j], h[j], nn[j] = float32(r.Float64()), float32(r.Float64()), float32(r.Float64())
					ge[j], gi[j] = float32(80*r.Float64()), float32(400*r.Float64())
					switch r.IntN(12) {
					case 0: // a negative total conductance: V grows away from v_∞
						gi[j] = float32(-60 - 200*r.Float64())
					case 1: // beyond the kernel's range (−h/C·g ≥ 31, g with gi·Mi)
						gi[j] = float32((-31/c.HOverC - 1e4*r.Float64()) / c.Mi)
					case 2: // just inside and just beyond it: −h/C·g within 1e-4 of 31 (g_ex = 0)
						gna := c.GNa * float64(m[j]*m[j]*m[j]*h[j])
						gk := c.GK * float64(nn[j]*nn[j]*nn[j]*nn[j])
						ge[j] = 0
						gi[j] = float32((-31/c.HOverC - c.GL - gna - gk + (2*r.Float64()-1)*1e-4/c.HOverC) / c.Mi)
					}
					inE[j], inI[j], dc[j] = float32(6*r.Float64()), float32(67*r.Float64()), float32(1000*(r.Float64()-0.3))
					if r.IntN(4) == 0 {
						refr[j] = int32(r.IntN(40))
					}
				}
				for _, d := range [][]float32{dc, nil} {
					type state struct {
						s      [8][]float32
						refr   []int32
						spikes []int32
						n      int
					}
					run := func(f func(*HHConst, []float32, []float32, []float32, []float32, []float32, []float32, []float32, []float32, []float32, []int32, []int32) int) state {
						var st state
						for i, x := range [][]float32{v, m, h, nn, ge, gi, inE, inI} {
							st.s[i] = slices.Clone(x)
						}
						st.refr, st.spikes = slices.Clone(refr), make([]int32, n)
						st.n = f(&c, st.s[0], st.s[1], st.s[2], st.s[3], st.s[4], st.s[5], st.s[6], st.s[7], d, st.refr, st.spikes)
						return st
					}
					want, got := run(hhStepGeneric), run(HHStep)
					if got.n != want.n || !slices.Equal(got.spikes[:got.n], want.spikes[:want.n]) {
						t.Fatalf("case %d n=%d dc=%v: spikes %v, want %v", ci, n, d != nil, got.spikes[:got.n], want.spikes[:want.n])
					}
					for i, name := range []string{"v", "m", "h", "n", "ge", "gi", "inE", "inI"} {
						if k := firstDiff(got.s[i], want.s[i]); k >= 0 {
							t.Fatalf("case %d n=%d dc=%v: %s[%d] = %v, want %v (v %v m %v h %v n %v)", ci, n, d != nil, name, k, got.s[i][k], want.s[i][k], v[k], m[k], h[k], nn[k])
						}
					}
					if !slices.Equal(got.refr, want.refr) {
						t.Fatalf("case %d n=%d: refr differs", ci, n)
					}
				}
			}
		}
	})
}
