package learn

// The small interfaces that models implement and that analysis, the closed-loop
// protocol and the faces (CLI, C API, Python) consume. They are in float64:
// analysis works in float64 whatever precision a model computes in; a float32
// model converts at the boundary.
//
// Conventions: vectors are []float64 of the stated length; matrices are
// row-major []float64 (r×c, element (i,j) at i*c+j). dst-style arguments come
// first and are written; the others are read only. Implementations may panic
// on wrong lengths (programming errors), never on values.

// Stepper is a model run as a stream: one call consumes one input sample and
// advances the state by one sample interval. It is what closed-loop generation,
// valid-prediction-time measurement and two-trajectory Lyapunov estimates need,
// and every forecaster implements it (CT-RNN, rate, SNN, reservoir, AR(k),
// NVAR).
type Stepper interface {
	// InputDim returns the size of x in Step.
	InputDim() int
	// OutputDim returns the size of y in Step.
	OutputDim() int
	// StateDim returns the length of the vectors State and SetState use.
	StateDim() int
	// Reset sets the state to the one a sequence starts from (zero state for
	// the reference's models).
	Reset()
	// Step feeds input x (normalized units), advances one sample interval and
	// writes the decoded output y, the prediction of the next sample.
	Step(y, x []float64)
	// State copies the full internal state into dst (StateDim values).
	// For spiking models the state includes membrane potentials, synaptic
	// currents, refractory counters and pending spikes, so that
	// SetState(State()) continues bit-identically.
	State(dst []float64)
	// SetState restores a state written by State from src (StateDim values).
	SetState(src []float64)
}

// Dynamics is the continuous-time vector field of a model held at a constant
// input: dh/dt = F(h, x). Fixed-point and slow-point analysis and Lyapunov
// spectra of flows use it.
type Dynamics interface {
	// StateDim returns the length of h.
	StateDim() int
	// InputDim returns the length of x.
	InputDim() int
	// OutputDim returns the length of the readout y written by Decode.
	OutputDim() int
	// VectorField writes F(h, x) to dst (per time unit of the model).
	VectorField(dst, h, x []float64)
	// Jacobian writes ∂F/∂h at (h, x) to jac (StateDim×StateDim).
	Jacobian(jac, h, x []float64)
	// Decode writes the readout of state h to y.
	Decode(y, h []float64)
}

// StepMap is the discrete-time map one Step applies to the state,
// h' = G(h, x), with its Jacobians. The closed-loop map h' = G(h, D h + d) of
// a model with linear decoder y = D h + d has Jacobian ∂G/∂h + ∂G/∂x·D; this
// is what Lyapunov spectra of trained models running closed loop use.
type StepMap interface {
	Stepper
	// StepJacobian writes ∂G/∂h (StateDim×StateDim) to jh and ∂G/∂x
	// (StateDim×InputDim) to jx, at state h and input x.
	StepJacobian(jh, jx, h, x []float64)
	// DecoderJacobian writes ∂y/∂h (OutputDim×StateDim) to jd.
	DecoderJacobian(jd []float64)
	// StepTime is the model time one Step covers, in the units exponents
	// are reported per (the Lorenz data step 0.01 for the tutorial's
	// models).
	StepTime() float64
}
