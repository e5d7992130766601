package detmath_test

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

// The functions are called like their math counterparts; the results have
// the same bits on every architecture, so they can be printed to the last
// digit, hashed and compared across machines.
func Example() {
	for _, x := range []float64{1e-10, 0.5, 3} {
		c, e, l := detmath.Cos(x), detmath.Expm1(x), detmath.Log1p(x)
		fmt.Printf("x = %-5g Cos %-20.17g Expm1 %-24.17g Log1p %.17g\n", x, c, e, l)
	}
	fmt.Printf("Cos(1e22) = %.17g [%#016x]\n", detmath.Cos(1e22), math.Float64bits(detmath.Cos(1e22)))
	fmt.Println(detmath.Expm1(math.Inf(-1)), detmath.Log1p(-1), detmath.Cos(math.Inf(1)))
	// Output:
	// x = 1e-10 Cos 1                    Expm1 1.00000000005e-10        Log1p 9.9999999995000007e-11
	// x = 0.5   Cos 0.87758256189037276  Expm1 0.64872127070012819      Log1p 0.40546510810816438
	// x = 3     Cos -0.98999249660044542 Expm1 19.085536923187668       Log1p 1.3862943611198906
	// Cos(1e22) = 0.52321478539513888 [0x3fe0be2cef01c8f3]
	// -1 -Inf NaN
}
