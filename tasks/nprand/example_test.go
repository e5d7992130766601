package nprand_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/tasks/nprand"
)

// The reference tutorial's train initial state: (1,1,1) + 0.1·randn(3)
// after np.random.seed(42).
func Example() {
	r := nprand.New(42)
	for i := 0; i < 3; i++ {
		fmt.Printf("%.8f\n", 1+0.1*r.Randn())
	}
	r.Seed(42)
	fmt.Printf("rand: %.8f\n", r.Rand())
	// Output:
	// 1.04967142
	// 0.98617357
	// 1.06476885
	// rand: 0.37454012
}
