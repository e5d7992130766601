package rate_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/rate"
)

// The two reference configurations, and the balance metrics of the
// notebook-02 network's states on a constant input.
func Example() {
	a, _ := rate.New[float64](rate.Config{Seed: 1})
	b, _ := rate.New[float64](rate.FlipFlopConfig())
	fmt.Println(a.Config(), "|", a.Params().Count(), "parameters")
	fmt.Println(b.Config(), "|", b.Params().Count(), "parameters")

	const L = 50
	x := make([]float64, L*3)
	for i := range x {
		x[i] = 1
	}
	out, _ := a.Forward(x, 1, L, true)
	states := out.Hidden[(L/2)*64:] // the second half of the run
	bal, _ := a.BalanceOf(states, L+1-L/2)
	fmt.Printf("balance over %d states: E rate %.3f, cancellation in [0, 1]: %v\n",
		bal.States, bal.RateEMean, bal.Cancellation >= 0 && bal.Cancellation <= 1)
	// Output:
	// balanced rate E=48 I=16 τ=1/0.5 relu Dale=abs euler dt=0.1 p=1 | 4499 parameters
	// balanced rate E=96 I=24 τ=5/2.5 halftanh Dale=softplus euler dt=1 p=1 | 15171 parameters
	// balance over 26 states: E rate 0.104, cancellation in [0, 1]: true
}
