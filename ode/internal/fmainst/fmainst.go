// Package fmainst instantiates ode's generic solvers for both element types
// in a package of its own, for TestNoFusedMultiplyAdd: the gc compiler
// emits a generic function's code only in the packages that instantiate it,
// so ode's own assembly listing holds none of its solvers, and a multiply-add
// fused in them would show only in the listings of their users (tasks,
// ctrnn, rate, learn/leaky). It is imported by nothing.
package fmainst

import "github.com/neurodyn/neurodyn/ode"

// Entries holds every generic entry point of ode for float32 and float64;
// the functions they call (the initial step, the dense output's
// coefficients, the grid checks) are instantiated with them.
var Entries = []any{
	ode.New[float32], ode.New[float64],
	(*ode.Dopri5Solver[float32]).Init, (*ode.Dopri5Solver[float64]).Init,
	(*ode.Dopri5Solver[float32]).Step, (*ode.Dopri5Solver[float64]).Step,
	(*ode.Dopri5Solver[float32]).DenseOutput, (*ode.Dopri5Solver[float64]).DenseOutput,
	(*ode.Dopri5Solver[float32]).Solve, (*ode.Dopri5Solver[float64]).Solve,
	(*ode.Fixed[float32]).Step, (*ode.Fixed[float64]).Step,
	(*ode.Fixed[float32]).Integrate, (*ode.Fixed[float64]).Integrate,
	(*ode.Fixed[float32]).Solve, (*ode.Fixed[float64]).Solve,
}
