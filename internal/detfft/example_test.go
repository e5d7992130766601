package detfft_test

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/detfft"
)

// The coefficients of 1 + cos(2π·2j/6), a length (6) that is not a power
// of two: n at frequency 0, n/2 at frequency 2, zero elsewhere.
func Example() {
	x := make([]float64, 6)
	for j := range x {
		x[j] = 1 + math.Cos(2*math.Pi*2*float64(j)/6)
	}
	// clean maps rounding residues (about 1e-16) to 0 for printing.
	clean := func(v float64) float64 {
		if math.Abs(v) < 1e-9 {
			return 0
		}
		return v
	}
	for k, c := range detfft.New(len(x)).Coefficients(nil, x) {
		fmt.Printf("X_%d = %.6f%+.6fi\n", k, clean(real(c)), clean(imag(c)))
	}
	// Output:
	// X_0 = 6.000000+0.000000i
	// X_1 = 0.000000+0.000000i
	// X_2 = 3.000000+0.000000i
	// X_3 = 0.000000+0.000000i
}
