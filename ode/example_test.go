package ode_test

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/ode"
)

// Integrate a harmonic oscillator with the adaptive solver, sampling the
// solution at requested times through the dense output, and compare with a
// fixed-step classic RK4 on the same grid.
func Example() {
	f := func(t float64, y, dydt []float64) {
		dydt[0] = y[1]
		dydt[1] = -y[0]
	}
	ts := []float64{0.5, 1, math.Pi}
	out := make([]float64, 2*len(ts))

	s, err := ode.NewDopri5[float64](2, ode.Options{Rtol: 1e-10, Atol: 1e-12})
	if err != nil {
		panic(err)
	}
	if err := s.Solve(f, 0, []float64{1, 0}, ts, out); err != nil {
		panic(err)
	}
	for i, t := range ts {
		fmt.Printf("t=%.4f  y=%.8f  cos(t)=%.8f\n", t, out[2*i], math.Cos(t))
	}

	rk, _ := ode.NewFixed[float64](ode.RK4, 2)
	y := []float64{1, 0}
	if err := rk.Integrate(f, 0, math.Pi, 100, y); err != nil {
		panic(err)
	}
	fmt.Printf("rk4, 100 steps: y(pi)=%.8f\n", y[0])

	_, err = ode.NewDopri5[float64](2, ode.Options{Rtol: -1})
	fmt.Println(err)
	// Output:
	// t=0.5000  y=0.87758256  cos(t)=0.87758256
	// t=1.0000  y=0.54030231  cos(t)=0.54030231
	// t=3.1416  y=-1.00000000  cos(t)=-1.00000000
	// rk4, 100 steps: y(pi)=-1.00000000
	// ode: Rtol = -1: must be finite and > 0
}
