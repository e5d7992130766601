package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

// lifProp computes the iaf_psc_exp propagators for step h (ms), as a model
// package would.
func lifProp(h, tauM, tauE, tauI, cM, theta, vReset, tRef float64) LIFProp {
	p22 := math.Exp(-h / tauM)
	p21 := func(tauS float64) float64 {
		return tauS * tauM / (cM * (tauM - tauS)) * (math.Exp(-h/tauM) - math.Exp(-h/tauS))
	}
	return LIFProp{
		P22: float32(p22), P11e: float32(math.Exp(-h / tauE)), P11i: float32(math.Exp(-h / tauI)),
		P21e: float32(p21(tauE)), P21i: float32(p21(tauI)), P20: float32(tauM / cM * (1 - p22)),
		Theta: float32(theta), VReset: float32(vReset), RefSteps: int32(math.Round(tRef / h)),
	}
}

// TestLIFRate checks the firing rate under constant current against the
// closed form r = 1/(t_ref + τ_m·ln((μ − V_reset)/(μ − θ))), NEST's Siegert
// test parameters (θ = 15 mV, V_reset = 0, τ_m = 10 ms, t_ref = 2 ms,
// C_m = 250 pF), μ = I·τ_m/C_m.
func TestLIFRate(t *testing.T) {
	const h, tauM, cM, theta, tRef = 0.1, 10.0, 250.0, 15.0, 2.0
	p := lifProp(h, tauM, 2, 2.5, cM, theta, 0, tRef)
	currents := []float64{400, 500, 800, 1200}
	n := len(currents)
	v, ie, ii, inE, inI := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	dc := make([]float32, n)
	for j, c := range currents {
		dc[j] = float32(c)
	}
	refr, spikes := make([]int32, n), make([]int32, n)
	counts := make([]int, n)
	steps := int(20000 / h) // 20 s
	for range steps {
		k := LIFStep(&p, v, ie, ii, inE, inI, dc, refr, spikes)
		for _, j := range spikes[:k] {
			counts[j]++
		}
	}
	for j, c := range currents {
		mu := c * tauM / cM
		isi := tRef + tauM*math.Log(mu/(mu-theta))
		want := 20000 / isi
		// On a grid of step h each interval is rounded up to a whole step.
		if math.Abs(float64(counts[j])-want) > want*h/isi+2 {
			t.Errorf("I=%v pA: %d spikes in 20 s, closed form %.1f", c, counts[j], want)
		}
	}
}

// TestLIFStep compares every path with the reference on random input,
// refractory neurons and the cleared ring-buffer slots.
func TestLIFStep(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	p := lifProp(0.1, 10, 2, 5, 250, 15, 0, 2)
	forEachPath(t, func(t *testing.T) {
		for _, n := range testLengths(r) {
			v, vb := guarded[float32](n, n%4)
			ie, ii := make([]float32, n), make([]float32, n)
			for j := range v {
				v[j] = float32(r.Float64()*20 - 2)
				if r.IntN(50) == 0 {
					v[j] = special[float32](r)
				}
				ie[j] = float32(r.Float64() * 300)
				ii[j] = float32(-r.Float64() * 300)
			}
			refr := make([]int32, n)
			for j := range refr {
				if r.IntN(4) == 0 {
					refr[j] = int32(r.IntN(20))
				}
			}
			inE, inI, dc := make([]float32, n), make([]float32, n), make([]float32, n)
			for j := range inE {
				inE[j], inI[j], dc[j] = float32(r.Float64()*50), float32(-r.Float64()*50), float32(r.Float64()*400)
			}
			for _, withDC := range []bool{true, false} {
				d := dc
				if !withDC {
					d = nil
				}
				wv, wie, wii, winE, winI, wrefr := slices.Clone(v), slices.Clone(ie), slices.Clone(ii), slices.Clone(inE), slices.Clone(inI), slices.Clone(refr)
				gv, gie, gii, ginE, ginI, grefr := slices.Clone(v), slices.Clone(ie), slices.Clone(ii), slices.Clone(inE), slices.Clone(inI), slices.Clone(refr)
				ws, gs := make([]int32, n), make([]int32, n)
				wn := lifStepGeneric(&p, wv, wie, wii, winE, winI, d, wrefr, ws)
				gn := LIFStep(&p, gv, gie, gii, ginE, ginI, d, grefr, gs)
				if wn != gn || !slices.Equal(ws[:wn], gs[:gn]) {
					t.Fatalf("n=%d dc=%v: spikes %v, want %v", n, withDC, gs[:gn], ws[:wn])
				}
				for name, pair := range map[string][2][]float32{"v": {gv, wv}, "ie": {gie, wie}, "ii": {gii, wii}, "inE": {ginE, winE}, "inI": {ginI, winI}} {
					if i := firstDiff(pair[0], pair[1]); i >= 0 {
						t.Fatalf("n=%d dc=%v: %s[%d] = %v, want %v", n, withDC, name, i, pair[0][i], pair[1][i])
					}
				}
				if !slices.Equal(grefr, wrefr) {
					t.Fatalf("n=%d: refr differs", n)
				}
				for j := range ginE {
					if ginE[j] != 0 || ginI[j] != 0 {
						t.Fatalf("n=%d: ring-buffer slot %d not cleared", n, j)
					}
				}
				checkGuards(t, "v", vb, n%4, n)
				for k := 1; k < gn; k++ {
					if gs[k] <= gs[k-1] {
						t.Fatalf("spike list not ascending: %v", gs[:gn])
					}
				}
			}
		}
	})
}

// TestLIFPropLayout pins the field offsets the assembly reads LIFProp with.
func TestLIFPropLayout(t *testing.T) {
	var p LIFProp
	offs := []uintptr{unsafe.Offsetof(p.P22), unsafe.Offsetof(p.P11e), unsafe.Offsetof(p.P11i),
		unsafe.Offsetof(p.P21e), unsafe.Offsetof(p.P21i), unsafe.Offsetof(p.P20),
		unsafe.Offsetof(p.Theta), unsafe.Offsetof(p.VReset), unsafe.Offsetof(p.RefSteps)}
	for i, o := range offs {
		if o != uintptr(4*i) {
			t.Fatalf("field %d of LIFProp at offset %d, the assembly expects %d", i, o, 4*i)
		}
	}
	if unsafe.Sizeof(p) != 36 {
		t.Fatalf("LIFProp is %d bytes, the assembly expects 36", unsafe.Sizeof(p))
	}
}

// TestLIFStepNilInputs checks that a nil inE or inI is read as a slot of
// zeros, bit for bit, on every path: currents that decay to −0 (negative
// subnormals, −0 itself) come out as +0 either way, and the slots that are
// given are still cleared.
func TestLIFStepNilInputs(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 64))
	p := lifProp(0.1, 10, 2, 5, 250, 15, 0, 2)
	negZero := float32(math.Copysign(0, -1))
	forEachPath(t, func(t *testing.T) {
		for _, n := range testLengths(r) {
			v, ie, ii := make([]float32, n), make([]float32, n), make([]float32, n)
			inE, inI, dc := make([]float32, n), make([]float32, n), make([]float32, n)
			refr := make([]int32, n)
			for j := range v {
				v[j] = float32(r.Float64()*20 - 2)
				ie[j] = []float32{negZero, -math.SmallestNonzeroFloat32, 0, float32(r.Float64() * 300)}[r.IntN(4)]
				ii[j] = []float32{negZero, -math.SmallestNonzeroFloat32, float32(-r.Float64() * 300)}[r.IntN(3)]
				inE[j], inI[j], dc[j] = float32(r.Float64()*50), float32(-r.Float64()*50), float32(r.Float64()*400)
				if r.IntN(4) == 0 {
					refr[j] = int32(r.IntN(3))
				}
			}
			for c := range 8 {
				withDC, withE, withI := c&1 == 0, c&2 == 0, c&4 == 0
				name := fmt.Sprintf("n=%d/dc=%v/inE=%v/inI=%v", n, withDC, withE, withI)
				args := func(zeroSlots bool) (gv, gie, gii, ginE, ginI, gdc []float32, grefr []int32) {
					gv, gie, gii, grefr = slices.Clone(v), slices.Clone(ie), slices.Clone(ii), slices.Clone(refr)
					if withDC {
						gdc = dc
					}
					if withE {
						ginE = slices.Clone(inE)
					} else if zeroSlots {
						ginE = make([]float32, n)
					}
					if withI {
						ginI = slices.Clone(inI)
					} else if zeroSlots {
						ginI = make([]float32, n)
					}
					return
				}
				zv, zie, zii, zinE, zinI, zdc, zrefr := args(true)
				zs := make([]int32, n)
				zn := lifStepGeneric(&p, zv, zie, zii, zinE, zinI, zdc, zrefr, zs)
				for _, ref := range []bool{true, false} {
					gv, gie, gii, ginE, ginI, gdc, grefr := args(false)
					gs := make([]int32, n)
					var gn int
					if ref {
						gn = lifStepGeneric(&p, gv, gie, gii, ginE, ginI, gdc, grefr, gs)
					} else {
						gn = LIFStep(&p, gv, gie, gii, ginE, ginI, gdc, grefr, gs)
					}
					if gn != zn || !slices.Equal(gs[:gn], zs[:zn]) || !slices.Equal(grefr, zrefr) {
						t.Fatalf("%s ref=%v: spikes or refractory counts differ from slots of zeros", name, ref)
					}
					for what, pair := range map[string][2][]float32{"v": {gv, zv}, "ie": {gie, zie}, "ii": {gii, zii}} {
						if i := firstDiff(pair[0], pair[1]); i >= 0 {
							t.Fatalf("%s ref=%v: %s[%d] = %v, slots of zeros give %v", name, ref, what, i, pair[0][i], pair[1][i])
						}
					}
					for j := range n {
						if (withE && ginE[j] != 0) || (withI && ginI[j] != 0) {
							t.Fatalf("%s ref=%v: input slot %d not cleared", name, ref, j)
						}
					}
				}
			}
		}
	})
}
