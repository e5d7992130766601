package detlinalg_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/internal/detlinalg"
)

func Example() {
	// A rotation by 90° scaled by 2: eigenvalues ±2i, spectral radius 2.
	re, im, _ := detlinalg.Eigenvalues([]float64{0, -2, 2, 0}, 2)
	fmt.Println(re, im)
	// The least-squares line through (0, 1), (1, 3), (2, 5).
	x, ok := detlinalg.NewQR([]float64{1, 0, 1, 1, 1, 2}, 3, 2).Solve([]float64{1, 3, 5}, 1)
	fmt.Printf("%.12f %.12f %v\n", x[0], x[1], ok)
	// Output:
	// [0 0] [-2 2]
	// 1.000000000000 2.000000000000 true
}
