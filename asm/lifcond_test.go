package asm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// lifCondConst prepares LIFCondConst for step h (ms), as neurons.LIFCond
// does: C_m (pF), g_L (nS), E_L, E_ex, E_in (mV), τ_ex, τ_in (ms), V_th,
// V_reset (mV), t_ref (ms), I_e (pA); the conductances held at their
// start-of-step values (Me = Mi = 1; withMean gives the step-mean factors).
func lifCondConst(h, cm, gl, el, eex, ein, tauex, tauin, vth, vreset, tref, ie float64) LIFCondConst {
	return LIFCondConst{HOverC: h / cm, GL: gl, EEx: eex - el, EIn: ein - el, Pe: math.Exp(-h / tauex), Pi: math.Exp(-h / tauin),
		Me: 1, Mi: 1, Bias: ie, Theta: float32(vth - el), VReset: float32(vreset - el), RefSteps: int32(math.Round(tref / h))}
}

// withMean returns c with the step-mean factors (τ/h)(1 − e^{−h/τ}) for
// step h and decay times τ_ex, τ_in (ms), as neurons.LIFCond's "mean"
// scheme computes them.
func withMean(c LIFCondConst, h, tauex, tauin float64) LIFCondConst {
	c.Me, c.Mi = -math.Expm1(-h/tauex)*tauex/h, -math.Expm1(-h/tauin)*tauin/h
	return c
}

// TestLIFCondConstLayout pins the field offsets the assembly reads
// LIFCondConst with (_gen/lifcond.go).
func TestLIFCondConstLayout(t *testing.T) {
	var c LIFCondConst
	offs := []uintptr{unsafe.Offsetof(c.HOverC), unsafe.Offsetof(c.GL), unsafe.Offsetof(c.EEx), unsafe.Offsetof(c.EIn),
		unsafe.Offsetof(c.Pe), unsafe.Offsetof(c.Pi), unsafe.Offsetof(c.Me), unsafe.Offsetof(c.Mi), unsafe.Offsetof(c.Bias),
		unsafe.Offsetof(c.Theta), unsafe.Offsetof(c.VReset), unsafe.Offsetof(c.RefSteps)}
	want := []uintptr{0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 76, 80}
	if !slices.Equal(offs, want) || unsafe.Sizeof(c) != 88 {
		t.Fatalf("LIFCondConst offsets %v (size %d), the assembly expects %v (88)", offs, unsafe.Sizeof(c), want)
	}
}

// TestLIFCondStep compares every path with the reference, bit for bit:
// states around the threshold, refractory neurons, conductances from 0 to
// beyond ExpNeg's range (h·g/C ≥ 32) and negative ones (ExpNeg is 1 there),
// −0, with and without dc, at lengths that are not multiples of 4, with
// the conductances at their start-of-step values (Me = Mi = 1) and at
// their step means; the spike list must be the same, in ascending order.
func TestLIFCondStep(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	cases := []LIFCondConst{
		lifCondConst(0.1, 200, 10, -60, 0, -80, 5, 10, -50, -60, 5, 0),
		lifCondConst(0.1, 200, 10, -60, 0, -80, 5, 10, -50, -60, 5, 200),
		lifCondConst(1, 100, 50, -70, 0, -85, 2, 8, -55, -65, 0, 30),
		withMean(lifCondConst(0.1, 200, 10, -60, 0, -80, 5, 10, -50, -60, 5, 0), 0.1, 5, 10),
		withMean(lifCondConst(0.1, 200, 10, -60, 0, -80, 5, 10, -50, -60, 5, 200), 0.1, 5, 10),
		withMean(lifCondConst(1, 100, 50, -70, 0, -85, 2, 8, -55, -65, 0, 30), 1, 2, 8),
	}
	forEachPath(t, func(t *testing.T) {
		for ci, c := range cases {
			for _, n := range append(testLengths(r), 131) {
				v, ge, gi := make([]float32, n), make([]float32, n), make([]float32, n)
				inE, inI, dc := make([]float32, n), make([]float32, n), make([]float32, n)
				refr := make([]int32, n)
				for j := range n {
					v[j] = float32(float64(c.Theta) + 12*(r.Float64()-0.7))
					ge[j] = float32(60 * r.Float64() * r.Float64())
					gi[j] = float32(300 * r.Float64() * r.Float64())
					switch r.IntN(12) {
					case 0:
						ge[j], gi[j] = 0, 0
					case 1:
						ge[j] = float32(32 / c.HOverC * (1 + r.Float64())) // ExpNeg's argument beyond 32
					case 2:
						ge[j] = float32(-c.GL - 10*r.Float64()) // g ≤ 0
					case 3:
						v[j] = float32(math.Copysign(0, -1))
					case 4:
						v[j] = c.Theta
					}
					inE[j], inI[j], dc[j] = float32(5*r.Float64()), float32(40*r.Float64()), float32(500*r.Float64())
					if r.IntN(4) == 0 {
						refr[j] = int32(r.IntN(60))
					}
				}
				for _, d := range [][]float32{dc, nil} {
					type state struct {
						v, ge, gi, inE, inI []float32
						refr, spikes        []int32
						n                   int
					}
					run := func(f func(*LIFCondConst, []float32, []float32, []float32, []float32, []float32, []float32, []int32, []int32) int) state {
						s := state{v: slices.Clone(v), ge: slices.Clone(ge), gi: slices.Clone(gi), inE: slices.Clone(inE),
							inI: slices.Clone(inI), refr: slices.Clone(refr), spikes: make([]int32, n)}
						s.n = f(&c, s.v, s.ge, s.gi, s.inE, s.inI, d, s.refr, s.spikes)
						return s
					}
					want, got := run(lifCondStepGeneric), run(LIFCondStep)
					if got.n != want.n || !slices.Equal(got.spikes[:got.n], want.spikes[:want.n]) {
						t.Fatalf("case %d n=%d dc=%v: spikes %v, want %v", ci, n, d != nil, got.spikes[:got.n], want.spikes[:want.n])
					}
					for name, p := range map[string][2][]float32{"v": {got.v, want.v}, "ge": {got.ge, want.ge}, "gi": {got.gi, want.gi},
						"inE": {got.inE, want.inE}, "inI": {got.inI, want.inI}} {
						if i := firstDiff(p[0], p[1]); i >= 0 {
							t.Fatalf("case %d n=%d dc=%v: %s[%d] = %v, want %v (v %v, ge %v, gi %v, refr %d)", ci, n, d != nil, name, i, p[0][i], p[1][i], v[i], ge[i], gi[i], refr[i])
						}
					}
					if !slices.Equal(got.refr, want.refr) {
						t.Fatalf("case %d n=%d: refr differs", ci, n)
					}
					for k := 1; k < got.n; k++ {
						if got.spikes[k] <= got.spikes[k-1] {
							t.Fatalf("spike list not ascending: %v", got.spikes[:got.n])
						}
					}
				}
			}
		}
	})
}

// TestLIFCondStepLengths checks that mismatched lengths panic.
func TestLIFCondStepLengths(t *testing.T) {
	c := lifCondConst(0.1, 200, 10, -60, 0, -80, 5, 10, -50, -60, 5, 0)
	s, r := make([]float32, 8), make([]int32, 8)
	for name, f := range map[string]func(){
		"dc":     func() { LIFCondStep(&c, s, s, s, s, s, s[:7], r, r) },
		"gi":     func() { LIFCondStep(&c, s, s, s[:4], s, s, nil, r, r) },
		"refr":   func() { LIFCondStep(&c, s, s, s, s, s, nil, r[:7], r) },
		"spikes": func() { LIFCondStep(&c, s, s, s, s, s, nil, r, r[:7]) },
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
