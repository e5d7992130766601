package leaky_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
)

// A two-population network (E with τ = 1, I with τ = 0.5) integrated with
// RK4: one batched forward pass with a tape, then backpropagation of the
// gradient of the last output's first component.
func Example() {
	spec := leaky.Spec{
		N: 3, I: 1, O: 1, R: 2, Act: leaky.Tanh,
		Pops:   []leaky.Pop{{Start: 0, Len: 2, Tau: 1}, {Start: 2, Len: 1, Tau: 0.5}},
		Method: ode.RK4, Interval: 0.5, Substeps: 2,
	}
	net, err := leaky.NewNet[float64](spec)
	if err != nil {
		panic(err)
	}
	// Waug rows are [W (3) | U (1) | b (1)]; Dec is [D (2) | d].
	copy(net.Waug, []float64{
		0.5, -0.2, -0.3, 1.0, 0.1,
		0.3, 0.4, -0.1, -0.5, 0.0,
		0.6, 0.2, -0.4, 0.2, -0.1,
	})
	copy(net.Dec, []float64{1, -1, 0.5})

	const n, L = 1, 4
	seq, _ := leaky.NewSeq(net, n, L)
	seq.LoadInputs([]float64{1, 0.5, 0, -0.5}, L, L, nil)
	if err := seq.Forward(leaky.Run{Steps: L, Feedback: L, OutFrom: L - 1, Tape: true}); err != nil {
		panic(err)
	}
	fmt.Printf("y = %.6f\n", seq.Output(L - 1)[0])

	dY := make([]float64, L*n*1)
	dY[(L-1)*n] = 1 // ∂L/∂y after the last step
	g := leaky.NewGrads(net)
	if err := seq.Backward(dY, g); err != nil {
		panic(err)
	}
	fmt.Printf("∂y/∂d = %.0f, ∂y/∂W[0][0] = %.6f\n", g.Dec[2], g.Waug[0])
	// Output:
	// y = 0.563736
	// ∂y/∂d = 1, ∂y/∂W[0][0] = 0.225744
}
