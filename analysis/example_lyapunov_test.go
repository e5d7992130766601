package analysis_test

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/analysis"
)

// ExampleFlowSpectrum computes the Lyapunov spectrum of Lorenz-63 from its
// equations (Benettin/QR on the variational equation).
func ExampleFlowSpectrum() {
	s, err := analysis.FlowSpectrum(analysis.Lorenz63{}, []float64{1, 1, 1}, analysis.FlowSpectrumConfig{Duration: 500})
	if err != nil {
		panic(err)
	}
	fmt.Printf("λ₁ = %.2f, |λ₂| < 0.01: %v, λ₃ = %.1f, sum %.3f, Kaplan–Yorke dimension %.2f\n",
		s.Exponents[0], math.Abs(s.Exponents[1]) < 0.01, s.Exponents[2], s.Sum(), s.KaplanYorke())
	// Output:
	// λ₁ = 0.90, |λ₂| < 0.01: true, λ₃ = -14.6, sum -13.667, Kaplan–Yorke dimension 2.06
}

// ExampleMapSpectrum shows that a user-defined system only needs Dim, Next
// and Jacobian: here the Hénon map.
func ExampleMapSpectrum() {
	s, err := analysis.MapSpectrum(analysis.Henon{}, []float64{0.1, 0.1}, analysis.MapSpectrumConfig{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("λ = (%.2f, %.2f) per iteration\n", s.Exponents[0], s.Exponents[1])
	// Output:
	// λ = (0.42, -1.62) per iteration
}
