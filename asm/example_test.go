package asm_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/asm"
)

// One Euler step of a 2-unit CT-RNN, h ← h + (dt/τ)(−h + tanh(W h + b)),
// written with the kernels: a Gemv for the recurrent input, then the fused
// Step epilogue.
func Example() {
	w := []float32{
		0.5, -0.25,
		0.25, 0.5,
	}
	h := []float32{1, -1}
	z := []float32{0.1, 0.2} // bias
	a := make([]float32, 2)
	asm.Gemv(false, 2, 2, 1, w, 2, h, 1, z) // z = W·h + b
	asm.Step(asm.ActTanh, h, a, z, 0.1)     // a = tanh(z); h += 0.1·(a − h)
	fmt.Printf("z = %.4f\na = %.4f\nh = %.4f\n", z, a, h)
	fmt.Println("dot:", asm.Dot([]float64{1, 2, 3}, []float64{4, 5, 6}))
	// Output:
	// z = [0.8500 -0.0500]
	// a = [0.6911 -0.0500]
	// h = [0.9691 -0.9050]
	// dot: 32
}
