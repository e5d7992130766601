package analysis_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/synapses"
)

// Stable chaos: 200 LIF neurons, each inhibited by 50 others with pulses of
// −4 mV, fire irregularly (ISI CV about 1), yet nearby trajectories
// converge: apart from the zero exponent of the flow, the spectrum is
// negative (Jahnke, Memmesheimer & Timme 2008; Monteforte & Wolf 2012).
func ExamplePulseLIFLyapunov() {
	const n = 200
	conn, err := synapses.Build(n, n, synapses.Rule{Kind: "fixed_indegree", K: 50}, synapses.Weights{Value: 4, Sign: -1},
		synapses.Delays{}, synapses.Options{Seed: 3, Same: true})
	if err != nil {
		panic(err)
	}
	r := rand.New(rand.NewPCG(3, 7))
	p := &analysis.PulseLIF{TauMs: 10, VThMV: 20, VResetMV: 10, Conn: conn,
		VInfMV: make([]float64, n), V0MV: make([]float64, n)}
	for i := range n {
		p.VInfMV[i] = 40 + 4*r.Float64() // mV: twice the threshold
		p.V0MV[i] = 10 + 10*r.Float64()
	}
	s, err := analysis.PulseLIFLyapunov(p, analysis.PulseLIFConfig{K: 3, WarmupMs: 500, DurationMs: 3000})
	if err != nil {
		panic(err)
	}
	fmt.Printf("rate %.0f Hz, ISI CV %.1f\n", s.RateHz, s.ISICV)
	fmt.Println("|λ₁| < 0.1 /s (the flow):", math.Abs(s.Exponents[0]) < 0.1)
	fmt.Printf("λ₂ ≈ %.0f /s; λ₃ < -65 /s: %v\n", s.Exponents[1], s.Exponents[2] < -65)
	// Output:
	// rate 17 Hz, ISI CV 1.0
	// |λ₁| < 0.1 /s (the flow): true
	// λ₂ ≈ -70 /s; λ₃ < -65 /s: true
}
