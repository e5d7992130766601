package neurons

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestHHCondSubSteps: ten substeps per 0.1 ms step give the accuracy of
// the 0.01 ms step (plus the 0.1 ms grid on which spikes are reported)
// against the RK4 reference over the first 10 spikes: the 10th comes
// 0.9–2.8 ms late instead of one step's 7.9–23.8 ms
// (TestHHCondConstantCurrent).
func TestHHCondSubSteps(t *testing.T) {
	for _, ie := range []float64{0, 500, 1000} {
		t.Run(fmt.Sprintf("I=%gpA", ie), func(t *testing.T) {
			p := DefaultHHCond()
			ms := map[float64]float64{0: 800, 500: 135, 1000: 85}[ie]
			ref := hhRefTraceFor(t, p, ms, 0.1, ie, nil)
			one := hhModelTrace(t, p, 0.1, ms, 0.1, ie, nil)
			fine := hhModelTrace(t, p, 0.01, ms, 0.1, ie, nil)
			p.SubSteps = 10
			sub := hhModelTrace(t, p, 0.1, ms, 0.1, ie, nil)
			w1, _, ok1 := hhSpikeErr(one.spikes, ref.spikes, 10)
			wf, _, okf := hhSpikeErr(fine.spikes, ref.spikes, 10)
			ws, d, oks := hhSpikeErr(sub.spikes, ref.spikes, 10)
			if !ok1 || !okf || !oks {
				t.Fatalf("fewer than 10 spikes: %d, %d, %d (reference %d)", len(one.spikes), len(fine.spikes), len(sub.spikes), len(ref.spikes))
			}
			t.Logf("worst error over 10 spikes: dt 0.1 %.3f ms, dt 0.01 %.3f ms, dt 0.1 with 10 substeps %.3f ms (%.3f)", w1, wf, ws, d)
			if ws > wf+0.1+1e-9 {
				t.Errorf("10 substeps: worst error %.4f ms, more than dt = 0.01's %.4f plus the 0.1 ms grid", ws, wf)
			}
			if ws > w1/5 {
				t.Errorf("10 substeps: worst error %.4f ms, not 5 times better than one step's %.4f", ws, w1)
			}
		})
	}
}

// TestHHCondSubStepsRanges: with substeps, stepping the neurons in several
// ranges gives the bits of one range (each range uses its own scratch), a
// neuron is listed once per step, and the input slots are read once, at
// the end of the step, and cleared.
func TestHHCondSubStepsRanges(t *testing.T) {
	p := DefaultHHCond()
	p.SubSteps = 4
	p.TRefMs = 0.3
	const n = 37
	mk := func() *HHCond {
		m, err := NewHHCond(n, p, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		for j := range n {
			m.V[j] = float32(j) // 0–36 mV above E_L: some start on the upswing
		}
		return m
	}
	a, b := mk(), mk()
	ina := [][]float32{make([]float32, n), make([]float32, n)}
	inb := [][]float32{make([]float32, n), make([]float32, n)}
	dc := make([]float32, n)
	for j := range dc {
		dc[j] = float32(30 * j)
	}
	spa, spb := make([]int32, n), make([]int32, n)
	total := 0
	for step := range 3000 {
		for j := range n {
			x := float32((step*7+j*3)%11) * 0.5
			ina[Exc][j], inb[Exc][j] = x, x
			ina[Inh][j], inb[Inh][j] = 2*x, 2*x
		}
		ka := a.Step(0, n, ina, dc, spa)
		kb := b.Step(0, 17, inb, dc, spb)
		kb += b.Step(17, n, inb, dc, spb[kb:])
		if !slices.Equal(spa[:ka], spb[:kb]) {
			t.Fatalf("step %d: spikes %v in one range, %v in two", step, spa[:ka], spb[:kb])
		}
		if !slices.IsSorted(spa[:ka]) || len(slices.Compact(slices.Clone(spa[:ka]))) != ka {
			t.Fatalf("step %d: spike list %v not ascending and distinct", step, spa[:ka])
		}
		total += ka
		for j := range n {
			if ina[Exc][j] != 0 || ina[Inh][j] != 0 {
				t.Fatalf("step %d: input slot of neuron %d not cleared", step, j)
			}
		}
	}
	for _, v := range [][2][]float32{{a.V, b.V}, {a.M, b.M}, {a.Ge, b.Ge}, {a.Gi, b.Gi}} {
		for j := range n {
			if math.Float32bits(v[0][j]) != math.Float32bits(v[1][j]) {
				t.Fatalf("neuron %d: state differs between one and two ranges", j)
			}
		}
	}
	if total == 0 {
		t.Fatal("no spikes")
	}
}

// TestHHCondSubStepsErrors: SubSteps is a whole number in [1, 1000].
func TestHHCondSubStepsErrors(t *testing.T) {
	for _, s := range []float64{0, 0.5, 2.5, 1001, math.NaN()} {
		p := DefaultHHCond()
		p.SubSteps = s
		if _, err := NewHHCond(1, p, 0.1); err == nil {
			t.Errorf("SubSteps %v accepted", s)
		}
	}
}
