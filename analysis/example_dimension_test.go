package analysis_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/analysis"
)

// ExampleCorrelationDimension estimates the correlation dimension of the
// Lorenz attractor from 10⁴ points.
func ExampleCorrelationDimension() {
	x, err := analysis.SampleFlow(analysis.Lorenz63{}, []float64{1, 1, 1}, 0.1, 10000, 50)
	if err != nil {
		panic(err)
	}
	d, err := analysis.CorrelationDimension(x, 3, analysis.DimensionConfig{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("D₂ = %.1f (scaling region found: %v)\n", d.D2, d.Found)
	// Output:
	// D₂ = 2.1 (scaling region found: true)
}
