// Package ode integrates systems of ordinary differential equations
// dy/dt = f(t, y): fixed-step explicit Runge–Kutta methods (Euler, midpoint,
// classic RK4, the 3/8-rule RK4) and the adaptive Dormand–Prince 5(4) pair
// with error control, step-size control and dense output.
//
// # Types and units
//
// The state is generic over Float (float32 or float64); time is always
// float64, in whatever unit the vector field uses (model time units for the
// CT-RNN, the Lorenz system's own time). A vector field is a Func: it writes
// dy/dt at (t, y) into dydt, must not modify y and must not retain either
// slice. Stage arithmetic runs in the state's precision; error norms and
// step-size control run in float64.
//
// # Methods
//
// Method names the schemes ("euler", "midpoint", "rk4", "rk38", "dopri5").
// Note that torchdiffeq's "rk4" is the 3/8 rule, RK38 here; RK4 is the
// classic scheme. Every scheme's Butcher tableau is exported (Method.Tableau)
// so that models can differentiate through each stage of the same method,
// with the length of its real stability interval (Method.StabilityLimit: a
// fixed step h of y' = −y/τ stays stable while h/τ ≤ 2 for Euler and
// midpoint, 2.785 for RK4 and RK38).
//
// Fixed takes one step per interval of the requested time grid (torchdiffeq's
// fixed-grid semantics) or a given number of equal steps. Dopri5 chooses its
// own steps: the local error estimate is measured in Hairer's norm
//
//	err = sqrt( (1/n) Σ_i ( e_i / (atol_i + rtol·max(|y_i|, |ŷ_i|)) )² )
//
// and a step is accepted when err ≤ 1. The next step is h·1/fac with
// fac = clamp(err^(1/5−0.75β) / errPrev^β / safety, 1/MaxFactor, 1/MinFactor)
// (Hairer's PI controller, β = 0.04 by default; ControllerI sets β = 0, the
// standard controller h·safety·err^(−1/5)). After a rejected step the step may
// not grow. The initial step follows Hairer's HINIT. Solutions at requested
// times come from the 4th-order continuous extension of Dormand and Prince
// (Hairer's CONTD5), so the solver never shortens steps to hit output times.
//
// # Errors
//
// Bad options return param errors (*nderr.ParamError; errors.Is(err, nderr.ErrInvalid)) naming
// the option; Rtol must be at least MinRtol[T], which follows the state's
// precision (1e-15 for float64, 7.45e-9 for float32). Runtime failures wrap ErrMaxSteps, ErrStepTooSmall or
// ErrNonFinite. Length mismatches between the solver's dimension and the
// slices passed are programming errors and panic with an "ode:" message.
//
// # Allocation and concurrency
//
// A solver allocates its stage buffers at construction; stepping and solving
// allocate nothing. A solver is not safe for concurrent use; create one per
// goroutine (they are small).
//
// Package ode is layer 2 of the map in DEVELOPERS.md: it imports only
// internal packages, and every higher layer may import it.
package ode
