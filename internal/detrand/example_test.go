package detrand_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/internal/detrand"
)

func Example() {
	// The same deviates as r.NormFloat64() on amd64, on every architecture.
	r, s := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	x := detrand.NormFloat64(r)
	fmt.Println(x == s.NormFloat64())
	// Output:
	// true
}
