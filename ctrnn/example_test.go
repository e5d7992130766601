package ctrnn_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/ctrnn"
)

// Build the reference CT-RNN, run one window through it, and continue in
// closed loop from the same warm-up.
func Example() {
	m, err := ctrnn.New[float32](ctrnn.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Config())
	fmt.Println("parameters:", m.Params().Count())

	const L = 50
	x := make([]float32, L*3) // one window of 50 Lorenz samples (normalized)
	for t := range L {
		x[t*3] = float32(t) / L
	}
	out, _ := m.Forward(x, 1, L, true)
	fmt.Println("outputs:", len(out.All)/3, "hidden states:", len(out.Hidden)/64)

	gen, _ := m.Generate(x, 1, L, 100) // 50 warm-up steps, then 100 free-running
	fmt.Println("generated samples:", len(gen)/3)
	// Output:
	// CT-RNN H=64 I=3 O=3 τ=1 tanh euler interval=1 substeps=1
	// parameters: 4547
	// outputs: 50 hidden states: 51
	// generated samples: 100
}
