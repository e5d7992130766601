package analysis_test

import (
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/snn"
)

// TestPerturbationLyapunovLIFNetwork runs the two-trajectory method on a
// spiking network of package snn through its learn.Stepper state (layout
// i, v, refractory counters, previous spikes, readout traces, step count;
// Mask = the 2N continuous variables i and v). Below threshold the network
// is linear, i ← α·i + input, v ← β·v + (1−β)·R·i with α = e^{−dt/τ_syn},
// β = e^{−dt/τ_mem}, so the exponent is ln max(α, β)/dt = −1/τ_mem,E
// exactly. With a strong drive the neurons spike; a perturbation of 1e-8
// practically never moves a spike to another step, the hard resets erase
// membrane differences and the currents decay with α, so the exponent
// cannot exceed −1/τ_mem,E (the silent or rarely firing neurons keep it
// there).
func TestPerturbationLyapunovLIFNetwork(t *testing.T) {
	base := snn.Config{NE: 40, NI: 10, DtMs: 1, Discretization: snn.Exact, TauMemEMs: 20, TauMemIMs: 10, TauSynMs: 5, Seed: 3}
	run := func(c snn.Config, amp float64) (*analysis.Perturbation, int) {
		m, err := snn.New[float64](c)
		if err != nil {
			t.Fatal(err)
		}
		const steps = 3000
		drive := make([]float64, 3*(steps+1000))
		for k := 0; k < len(drive)/3; k++ {
			for j := 0; j < 3; j++ {
				drive[3*k+j] = amp * (1 + math.Sin(0.05*float64(k)+float64(j)))
			}
		}
		n := c.NE + c.NI
		mask := make([]int, 2*n)
		for i := range mask {
			mask[i] = i
		}
		r, err := analysis.PerturbationLyapunov(m, analysis.PerturbationConfig{Dt: c.DtMs, Drive: drive, Mask: mask, Steps: steps})
		if err != nil {
			t.Fatal(err)
		}
		// Count the spikes of the reference trajectory.
		m.Reset()
		y := make([]float64, 3)
		st := make([]float64, m.StateDim())
		spikes := 0
		for k := 0; k < steps; k++ {
			m.Step(y, drive[3*k:3*k+3])
			m.State(st)
			for i := 3 * n; i < 4*n; i++ { // previous spikes
				if st[i] != 0 {
					spikes++
				}
			}
		}
		return r, spikes
	}
	quiet := base
	quiet.InputScale = 1e-3
	r, spikes := run(quiet, 1)
	t.Logf("sub-threshold LIF network: λ = %.6f per ms (want −1/20), %d spikes, %d collapsed", r.Lambda, spikes, r.Collapsed)
	if spikes != 0 || math.Abs(r.Lambda+0.05) > 1e-6 || r.Collapsed != 0 {
		t.Fatalf("sub-threshold: λ = %v with %d spikes, want −0.05 and none", r.Lambda, spikes)
	}
	loud := base
	loud.InputScale = 3
	r2, spikes2 := run(loud, 1)
	t.Logf("driven, spiking LIF network: λ = %.4f ± %.4f per ms, %d spikes, %d of %d intervals collapsed", r2.Lambda, r2.StdErr, spikes2, r2.Collapsed, r2.Intervals+r2.Collapsed)
	if spikes2 == 0 {
		t.Fatal("strong drive produced no spikes")
	}
	if r2.Lambda > -0.05+1e-4 || r2.Collapsed != 0 || r2.Intervals != 300 {
		t.Fatalf("spiking network: λ = %v (%d collapsed); want at most the leak rate −0.05", r2.Lambda, r2.Collapsed)
	}
	again, _ := run(loud, 1)
	if again.Lambda != r2.Lambda || again.Collapsed != r2.Collapsed {
		t.Fatalf("not deterministic: %v vs %v", again.Lambda, r2.Lambda)
	}
}
