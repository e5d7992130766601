package analysis_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/analysis"
)

// ExampleFixedPoints finds the equilibria of a user-defined flow, the 2-D
// double well dx/dt = x − x³, dy/dt = −y, starting from a few states.
func ExampleFixedPoints() {
	visited := []float64{-2, 1, -0.5, -1, 0.2, 0.3, 0.7, -0.4, 1.8, 1.2}
	r, err := analysis.FixedPoints(analysis.AsDynamics(analysis.DoubleWell{}), nil, visited, analysis.FixedPointConfig{Starts: 32})
	if err != nil {
		panic(err)
	}
	for _, p := range r.Points {
		fmt.Printf("(%.1f, %.1f): %v, %d unstable, eigenvalues %.1f\n", p.H[0], p.H[1], p.Kind, p.Unstable, p.Eigenvalues)
	}
	// Output:
	// (-1.0, 0.0): stable node, 0 unstable, eigenvalues [(-1.0+0.0i) (-2.0+0.0i)]
	// (1.0, 0.0): stable node, 0 unstable, eigenvalues [(-1.0+0.0i) (-2.0+0.0i)]
	// (0.0, 0.0): saddle, 1 unstable, eigenvalues [(1.0+0.0i) (-1.0+0.0i)]
}
