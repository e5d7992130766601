package neurons

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
)

// IzhikevichParams are the parameters of Izhikevich's (2003) simple model
// of spiking neurons (NEST izhikevich):
//
//	dV/dt = 0.04 V² + 5 V + 140 − U + I_e + I,   dU/dt = a (b V − U)
//	V ≥ V_th:  V ← c,  U ← U + d
//
// with V in mV, t in ms and the currents with coefficient 1 (NEST's "R = 1":
// a pA of I_e moves V by 1 mV/ms; U has that unit too, which NEST labels
// mV). Synapses are delta synapses on one receptor: a spike of weight w
// (mV) adds w to V. There is no refractory period.
//
// A step of length h follows NEST's update (izhikevich.cpp) in its order:
// the step's input (spike weights x of the ring-buffer slot, cleared) and
// integration, then the lower bound V_min, then the threshold test and
// reset, the spike emitted at the end of the step:
//
//	consistent_integration = 1 (forward Euler, NEST's default and advice):
//	    V' = V + (h·f(V, U) + x),   U' = U + h·a·(b·V − U)        (both from the step's start)
//	consistent_integration = 0 (Izhikevich 2003's published scheme, as NEST implements it):
//	    V½ = V + h/2·(f(V, U) + x),  V' = V½ + h/2·(f(V½, U) + x),  U' = U + h·a·(b·V' − U)
//	V' ← max(V', V_min)
//	V' ≥ V_th:  V' ← c, U' ← U' + d, spike
//
// with f(V, U) = 0.04·V·V + 5·V + 140 − U + I, I = I_e plus the step's
// device currents, every product rounded as written (the same bits on every
// architecture). In the 2003 scheme a spike's weight is, as in NEST and in
// Izhikevich's code, a current held over the step: it moves V by h·w (w at
// Izhikevich's h = 1 ms), plus its effect through the second half step.
//
// Departures from NEST, all forced by the engine: (1) NEST's CurrentEvents
// (device currents) act one step after they are buffered; here, as for
// every neurodyn model, a step's device currents act in that step.
// (2) Delay-0 inputs (NEST has none) move V between steps (Jump) by w mV
// in either scheme; V is bounded by V_min at the next step's start (where
// NEST bounds after adding input), and a V that such a jump took to V_th
// is reset at the next step's start (the time of the crossing) and the
// step is integrated from the reset, its spike reported at the step's end
// (the first the engine can report), so the crossing is neither lost nor
// delayed in the dynamics. A second crossing within that step is not
// reset: V stays above V_th and fires at the start of the step after (one
// spike per step). A V(0) at or above V_th is reset at the first step's
// start, where NEST integrates the step first and resets at its end. (3)
// The state and the per-neuron parameters a, b, c, d are float32 (each
// step computes in float64 from them and rounds V and U once); parameters
// are checked as the float32 values the step uses. (4) U starts at b·V(0),
// as in Izhikevich's code (u = b.*v): −13 at the defaults. NEST starts U_m
// at its default −13 whatever b and V_m (the population's init U = −13
// gives that).
//
// The step must keep both Euler steps meaningful: |a|·h ≤ 1 (U's step no
// longer than its time constant 1/|a|, beyond which U overshoots b·V), and
// V's step h_V (h, or h/2 in the 2003 scheme) at most 1 ms: forward Euler
// on V is stable where h_V·|∂f/∂V| = h_V·|0.08·V + 5| ≤ 2, i.e. for V ≥
// −62.5 − 25/h_V mV, and below it the step overshoots upwards and can
// fire; at 1 ms that bound is −87.5 mV, 17.5 mV below the regular-spiking
// neuron's rest (Izhikevich's 1 ms steps with V in half steps of 0.5 ms:
// −112.5 mV; 0.1 ms: −312.5 mV), beyond it a few mV of inhibition (at 2
// ms: 5 mV) would make spikes. Both are errors naming DtMs (for a
// per-neuron a, naming a). The scheme is first order:
// at h = 0.1 ms interspike intervals are a few per cent off an accurate
// solution's (TestIzhikevichAgainstRK4 gives the figures per firing
// class), at 0.01 ms ten times less.
//
// a, b, c and d may differ per neuron (Izhikevich's network draws them):
// the population's values are the defaults of the slices A, B, C, D, which
// a network spec's init map sets per neuron (kernel.PopulationSpec.Init).
// Start from DefaultIzhikevich.
type IzhikevichParams struct {
	A      float64 `toml:"a" json:"a"`               // time scale of U (1/ms), finite, |a|·h ≤ 1; default 0.02
	B      float64 `toml:"b" json:"b"`               // sensitivity of U to V, finite; default 0.2
	CmV    float64 `toml:"c_mv" json:"c_mv"`         // reset of V (mV), in [VMinmV, VThmV); default −65
	D      float64 `toml:"d" json:"d"`               // increment of U at a spike, finite; default 8
	VThmV  float64 `toml:"v_th_mv" json:"v_th_mv"`   // spike threshold (mV), finite; default 30
	VMinmV float64 `toml:"v_min_mv" json:"v_min_mv"` // lower bound of V (mV), < VThmV, or −Inf: none (default; in a spec: left out)
	IePA   float64 `toml:"i_e_pa" json:"i_e_pa"`     // constant input current (pA, coefficient 1), finite; default 0
	// ConsistentIntegration is 1 (default) for forward Euler on V and U
	// from the step's start, 0 for Izhikevich (2003)'s scheme (two half
	// steps of V, then U from the new V), NEST's consistent_integration.
	ConsistentIntegration float64 `toml:"consistent_integration" json:"consistent_integration"`
}

// IzhikevichV0mV is a new population's membrane potential (mV): NEST's V_m
// default and Izhikevich's v(0).
const IzhikevichV0mV = -65.0

// DefaultIzhikevich returns NEST's izhikevich defaults: the regular-spiking
// neuron a = 0.02, b = 0.2, c = −65 mV, d = 8, V_th = 30 mV, no V_min,
// forward Euler.
func DefaultIzhikevich() IzhikevichParams {
	return IzhikevichParams{A: 0.02, B: 0.2, CmV: -65, D: 8, VThmV: 30, VMinmV: math.Inf(-1), ConsistentIntegration: 1}
}

// Validate reports the first invalid parameter (those that depend on the
// step: ValidateStep).
func (p IzhikevichParams) Validate() error {
	if p.ConsistentIntegration != 0 && p.ConsistentIntegration != 1 {
		return param.New(pkg, "ConsistentIntegration", p.ConsistentIntegration, "1 (forward Euler) or 0 (Izhikevich 2003's scheme)")
	}
	if err := param.Finite(pkg, "VThmV", p.VThmV); err != nil {
		return err
	}
	if !(p.VMinmV < p.VThmV) {
		return param.New(pkg, "VMinmV", p.VMinmV, fmt.Sprintf("< VThmV = %g, or -Inf (no bound)", p.VThmV))
	}
	return param.First(
		p.ValidateNeuron("A", p.A, 0),
		p.ValidateNeuron("B", p.B, 0),
		p.ValidateNeuron("CmV", p.CmV, 0),
		p.ValidateNeuron("D", p.D, 0),
		finite32("IePA", p.IePA),
	)
}

// izhMaxVStepMs is the longest Euler step of V (ms): stable down to
// −87.5 mV (see IzhikevichParams).
const izhMaxVStepMs = 1.0

// vStep returns the length of V's Euler steps for the step dtMs.
func (p IzhikevichParams) vStep(dtMs float64) float64 {
	if p.ConsistentIntegration == 0 {
		return dtMs / 2
	}
	return dtMs
}

// ValidateStep reports whether the step dtMs keeps the scheme meaningful
// (see IzhikevichParams): V's Euler step at most 1 ms, |A|·dtMs ≤ 1.
func (p IzhikevichParams) ValidateStep(dtMs float64) error {
	if err := checkDt(dtMs); err != nil {
		return err
	}
	if hv := p.vStep(dtMs); hv > izhMaxVStepMs {
		return param.New(pkg, "DtMs", dtMs, fmt.Sprintf("at most %g ms (V's Euler step, here %g ms, at most 1 ms: see IzhikevichParams)", dtMs*izhMaxVStepMs/hv, hv))
	}
	if math.Abs(p.A)*dtMs > 1 {
		return param.New(pkg, "DtMs", dtMs, fmt.Sprintf("at most 1/|A| = %g ms (U's time constant)", 1/math.Abs(p.A)))
	}
	return nil
}

// ValidateNeuron reports whether x is a valid value of the per-neuron
// parameter name ("a", "b", "c" or "d"; "A", "B", "CmV", "D" for the
// population's) with these parameters' V_th and the step dtMs (0: not
// checked against the step). The error names name.
func (p IzhikevichParams) ValidateNeuron(name string, x, dtMs float64) error {
	if err := finite32(name, x); err != nil {
		return err
	}
	x = float64(float32(x)) // the value the step uses
	switch name {
	case "a", "A":
		if dtMs > 0 && math.Abs(x)*dtMs > 1 {
			return param.New(pkg, name, x, fmt.Sprintf("at most 1/DtMs = %g in magnitude (U's time constant 1/|a| no shorter than the step)", 1/dtMs))
		}
	case "c", "CmV":
		if !(x < p.VThmV) {
			return param.New(pkg, name, x, fmt.Sprintf("< VThmV = %g as a float32 (a reset at or above the threshold fires every step)", p.VThmV))
		}
		if x < p.VMinmV {
			return param.New(pkg, name, x, fmt.Sprintf("≥ VMinmV = %g (a reset below the lower bound of V)", p.VMinmV))
		}
	}
	return nil
}

// finite32 reports whether x is finite and within float32 range (the
// model stores the parameters and the current I_e as float32).
func finite32(name string, x float64) error {
	if math.IsNaN(x) || math.Abs(x) > math.MaxFloat32 {
		return param.New(pkg, name, x, "finite, within float32 range (|x| ≤ 3.4e38)")
	}
	return nil
}

// Izhikevich is a prepared population of Izhikevich neurons: V (mV,
// absolute) and U, and the per-neuron parameters A (1/ms), B, C (mV) and
// D, which start at the parameters' values and may be set per neuron
// between runs (Check validates them; the kernel calls it before every
// run).
type Izhikevich struct {
	P    IzhikevichParams
	DtMs float64

	V, U       []float32
	A, B, C, D []float32

	hv         float64 // V's Euler step: DtMs, or DtMs/2 in the 2003 scheme
	vth, vmin  float64
	bias       float32
	consistent bool
}

// NewIzhikevich validates p and the step dtMs and allocates n neurons with
// V = IzhikevichV0mV, the parameters a, b, c, d of p and U = b·V.
func NewIzhikevich(n int, p IzhikevichParams, dtMs float64) (*Izhikevich, error) {
	if _, err := prepare(n, dtMs, p.Validate, 0); err != nil {
		return nil, err
	}
	if err := p.ValidateStep(dtMs); err != nil {
		return nil, err
	}
	m := &Izhikevich{P: p, DtMs: dtMs,
		V: make([]float32, n), U: make([]float32, n),
		A: make([]float32, n), B: make([]float32, n), C: make([]float32, n), D: make([]float32, n),
		hv: p.vStep(dtMs), vth: p.VThmV, vmin: p.VMinmV, bias: float32(p.IePA), consistent: p.ConsistentIntegration == 1}
	for j := range n {
		m.V[j] = IzhikevichV0mV
		m.A[j], m.B[j], m.C[j], m.D[j] = float32(p.A), float32(p.B), float32(p.CmV), float32(p.D)
	}
	m.SetUFromV()
	return m, nil
}

// SetUFromV sets every neuron's U to b·V (Izhikevich's initial condition).
func (m *Izhikevich) SetUFromV() {
	for j := range m.U {
		m.U[j] = float32(float64(m.B[j]) * float64(m.V[j]))
	}
}

// Check reports the first neuron whose a, b, c or d is invalid for the
// parameters and the step (see IzhikevichParams.ValidateNeuron); the error
// names the parameter and the neuron, e.g. "a[3]".
func (m *Izhikevich) Check() error {
	for j := range m.V {
		for _, q := range [...]struct {
			name string
			x    float32
		}{{"a", m.A[j]}, {"b", m.B[j]}, {"c", m.C[j]}, {"d", m.D[j]}} {
			if err := m.P.ValidateNeuron(q.name, float64(q.x), m.DtMs); err != nil {
				var pe *param.Error
				if errors.As(err, &pe) {
					pe.Name = fmt.Sprintf("%s[%d]", q.name, j)
				}
				return err
			}
		}
	}
	return nil
}

// Kind returns "izhikevich".
func (m *Izhikevich) Kind() string { return "izhikevich" }

// Len returns the number of neurons.
func (m *Izhikevich) Len() int { return len(m.V) }

// Receptors returns 1: excitatory and inhibitory inputs share one slot (the
// sign of the weight decides).
func (m *Izhikevich) Receptors() int { return 1 }

// Bias returns the constant current I_e in pA.
func (m *Izhikevich) Bias() float32 { return m.bias }

// izhRate returns f(V, U) = 0.04·V·V + 5·V + 140 − U + I (mV/ms), NEST's
// order of operations, every product rounded.
func izhRate(v, u, i float64) float64 {
	return float64(float64(0.04*v)*v) + float64(5*v) + 140 - u + i
}

// Step advances neurons [lo, hi) by one step of the scheme of
// IzhikevichParams, in float64 from the float32 state, with I = dc[j] when
// dc is not nil (it then includes I_e), else I_e:
//
//	v = max(v, V_min)
//	if v >= V_th { v = c; u += d; spike }      (raised there by a delay-0 input since the last step)
//	integrate the step (consistent or 2003 scheme) with the input x = in[0][j]; in = 0
//	v = max(v, V_min)
//	if v >= V_th and no spike yet { v = c; u += d; spike }
//
// It never allocates.
func (m *Izhikevich) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int {
	v := m.V[lo:hi]
	n := len(v)
	u, a, b, c, d := m.U[lo:hi], m.A[lo:hi], m.B[lo:hi], m.C[lo:hi], m.D[lo:hi]
	u, a, b, c, d = u[:n], a[:n], b[:n], c[:n], d[:n]
	x := in[0][lo:hi]
	x = x[:n]
	_ = spikes[:n]
	var cur []float32
	if dc != nil {
		cur = dc[lo:hi]
		cur = cur[:n]
	}
	h, hv, vth, vmin, consistent := m.DtMs, m.hv, m.vth, m.vmin, m.consistent
	i := float64(m.bias)
	ns := 0
	for j := range n {
		vj, uj, xj := float64(v[j]), float64(u[j]), float64(x[j])
		x[j] = 0
		if cur != nil {
			i = float64(cur[j])
		}
		if vj < vmin {
			vj = vmin
		}
		fired := vj >= vth
		if fired {
			vj, uj = float64(c[j]), uj+float64(d[j])
		}
		ha, bj := float64(h*float64(a[j])), float64(b[j])
		if consistent {
			vn := vj + (float64(h*izhRate(vj, uj, i)) + xj)
			uj += float64(ha * (float64(bj*vj) - uj))
			vj = vn
		} else {
			vj += float64(hv * (izhRate(vj, uj, i) + xj))
			vj += float64(hv * (izhRate(vj, uj, i) + xj))
			uj += float64(ha * (float64(bj*vj) - uj))
		}
		if vj < vmin {
			vj = vmin
		}
		if vj >= vth && !fired {
			vj, uj = float64(c[j]), uj+float64(d[j])
			fired = true
		}
		if fired {
			spikes[ns] = int32(j + lo)
			ns++
		}
		v[j], u[j] = float32(vj), float32(uj)
	}
	return ns
}

// Jump returns V: a delay-0 input of weight w moves V by w mV at once (in
// either scheme); a V it takes to V_th is reset at the next step's start
// and fires at its end.
func (m *Izhikevich) Jump(int) []float32 { return m.V }

var izhikevichVars = []string{"V", "U", "a", "b", "c", "d"}

// VarNames returns V (mV), U, and the per-neuron parameters a (1/ms), b, c
// (mV) and d.
func (m *Izhikevich) VarNames() []string { return izhikevichVars }

// VarSlice returns a state or per-neuron parameter slice; every offset is
// 0 (V is absolute).
func (m *Izhikevich) VarSlice(name string) ([]float32, float32, error) {
	switch name {
	case "V":
		return m.V, 0, nil
	case "U":
		return m.U, 0, nil
	case "a":
		return m.A, 0, nil
	case "b":
		return m.B, 0, nil
	case "c":
		return m.C, 0, nil
	case "d":
		return m.D, 0, nil
	}
	return nil, 0, unknownVar(m.Kind(), name, izhikevichVars)
}

// SaveState writes V, U and the per-neuron parameters A, B, C, D.
func (m *Izhikevich) SaveState(w io.Writer) error {
	return writeAll(w, int64(len(m.V)), m.V, m.U, m.A, m.B, m.C, m.D)
}

// LoadState reads what SaveState wrote and checks the per-neuron
// parameters (Check).
func (m *Izhikevich) LoadState(r io.Reader) error {
	if err := readAll(r, m.Kind(), len(m.V), m.V, m.U, m.A, m.B, m.C, m.D); err != nil {
		return err
	}
	return m.Check()
}
