package neurons

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/timegrid"
)

const pkg = "neurons"

// Receptor indices shared by the models with separate excitatory and
// inhibitory inputs.
const (
	Exc = 0 // excitatory receptor (positive weights)
	Inh = 1 // inhibitory receptor
)

// Model is a prepared population of neurons of one model stepped on the
// grid (identical parameters, except Izhikevich's per-neuron a, b, c, d).
// The kernel drives every model through this interface; the concrete types
// (*LIFExp, *LIFAlpha, *LIFDelta, *LIFCond, *AdExCond, *HHCond, *Izhikevich) also expose their state slices
// directly.
type Model interface {
	// Kind is the model's name as written in a network spec ("lif_exp", …).
	Kind() string
	// Len is the number of neurons.
	Len() int
	// Receptors is the number of input channels (slots in Step's in).
	Receptors() int
	// Step advances neurons [lo, hi) by one time step. in[r] is the input
	// slot of receptor r for the whole population (indexed by neuron); its
	// elements in [lo, hi) are read and cleared. dc is the constant current
	// per neuron in pA for this step (whole population, indexed by neuron)
	// in place of the model's own I_e (the kernel passes I_e plus its
	// devices' currents), or nil for I_e alone. The indices of the neurons that spiked are written in
	// ascending order to spikes[0:n], n is returned; spikes must have room for
	// hi−lo entries.
	Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int
	// Jump returns the state slice that receives, for receptor r, jumps that
	// act immediately (delay-0 delivery between steps).
	Jump(r int) []float32
	// VarNames lists the state variables VarSlice knows.
	VarNames() []string
	// VarSlice returns the storage of a state variable and the offset to add
	// to it to obtain the variable in its documented unit (E_L for "V").
	VarSlice(name string) (s []float32, offset float32, err error)
	// SaveState writes the full dynamic state (not the parameters) to w.
	SaveState(w io.Writer) error
	// LoadState reads a state written by SaveState of a model of the same
	// kind and size.
	LoadState(r io.Reader) error
}

// refSteps converts a refractory period to whole steps; it must be a multiple
// of the step within 1e-9 relative.
func refSteps(name string, tRefMs, dtMs float64) (int32, error) {
	k, ok := timegrid.Steps(tRefMs, dtMs)
	if !ok || k > math.MaxInt32 {
		return 0, param.New(pkg, name, tRefMs, fmt.Sprintf("a multiple of the step %g ms", dtMs))
	}
	return int32(k), nil
}

// shiftSpikes adds lo to the k neuron indices at the start of spikes (the
// spike list of a kernel run on neurons [lo, hi)) and returns k.
func shiftSpikes(spikes []int32, k, lo int) int {
	for j := range spikes[:k] {
		spikes[j] += int32(lo)
	}
	return k
}

// prepare checks a population's size n, the step dtMs and the parameters
// (validate), in that order, and returns the refractory period tRefMs in
// steps.
func prepare(n int, dtMs float64, validate func() error, tRefMs float64) (int32, error) {
	if n < 0 {
		return 0, param.New(pkg, "n", n, ">= 0")
	}
	if err := checkDt(dtMs); err != nil {
		return 0, err
	}
	if err := validate(); err != nil {
		return 0, err
	}
	return refSteps("TRefMs", tRefMs, dtMs)
}

func checkDt(dtMs float64) error {
	if !(dtMs > 0) || math.IsInf(dtMs, 0) {
		return param.New(pkg, "DtMs", dtMs, "finite and > 0")
	}
	return nil
}

// expm1x returns expm1(x)/x, with its limit 1 at x = 0.
func expm1x(x float64) float64 {
	if x == 0 {
		return 1
	}
	return detmath.Expm1(x) / x
}

// leakProp returns the propagators of a leaky membrane over one step h
// (ms), V ← P·V + Q·I: the decay P = e^{−h/τ} rounded to float32, and the
// factor Q of a constant current I (mV per pA). float32 holds e^{−h/τ}
// with an absolute error of at most 2⁻²⁵, so 1 − P errs by a fraction
// e = |1 − P − (1 − e^{−h/τ})|/(1 − e^{−h/τ}) ≤ 2⁻²⁵·τ/h (about). Q is
// (1 − P)·τ/C from the rounded P, so that the float32 iteration's fixed
// point is exactly τ·I/C, as long as e ≤ 1e-2 (sure for τ ≤ 335,000·h, so
// for every usual τ and step): the trajectory's error is then at most
// 0.37·e·τ·I/C, reached at t = τ, and the rheobase is exact. Beyond, the
// rounded form would make every ramp's slope wrong by e from the start (by
// up to 100 %, and Q = 0 when P rounds to 1, τ/h above 3.4·10⁷: a constant
// current would be ignored), so Q is exactly (1 − e^{−h/τ})·τ/C instead: a
// ramp from rest, V = I·t/C for t ≪ τ, has the right slope, and e shows
// only as the ramp bends, by up to e·V at the fixed point, which is at
// least 335,000 steps away. A very long τ (10³⁰ ms, say) is a perfect
// integrator: P = 1 and Q = h/C.
func leakProp(h, tau, c float64) (p, q float32) {
	p = float32(Exp(-h / tau))
	m := -detmath.Expm1(-h / tau) // 1 − e^{−h/τ}, to full float64 precision
	if r := 1 - float64(p); math.Abs(r-m) <= 1e-2*m {
		return p, float32(r * tau / c)
	}
	return p, float32(m * tau / c)
}

// PropSyn returns the exact propagator from a synaptic current with time
// constant tauSynMs to the membrane potential over one step h (mV per pA):
//
//	P21 = 1/C · τ_m τ_s/(τ_m − τ_s) · (e^{−h/τ_m} − e^{−h/τ_s})
//	    = h/C · e^{−h/τ_m} · expm1(h·(1/τ_m − 1/τ_s)) / (h·(1/τ_m − 1/τ_s)),
//
// the second form being numerically stable for τ_m ≈ τ_s and equal to its
// limit h/C·e^{−h/τ} at τ_m = τ_s.
func PropSyn(hMs, tauMemMs, tauSynMs, cmPF float64) float64 {
	a := 1/tauMemMs - 1/tauSynMs
	return hMs / cmPF * Exp(-hMs/tauMemMs) * expm1x(hMs*a)
}

func writeAll(w io.Writer, data ...any) error {
	for _, d := range data {
		if err := binary.Write(w, binary.LittleEndian, d); err != nil {
			return fmt.Errorf("neurons: save state: %w", err)
		}
	}
	return nil
}

func readAll(r io.Reader, kind string, n int, data ...any) error {
	var hdr struct{ N int64 }
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return fmt.Errorf("neurons: load %s state: %w", kind, err)
	}
	if hdr.N != int64(n) {
		return param.New(pkg, "state size", hdr.N, fmt.Sprintf("%d neurons (the %s population's size)", n, kind))
	}
	for _, d := range data {
		if err := binary.Read(r, binary.LittleEndian, d); err != nil {
			return fmt.Errorf("neurons: load %s state: %w", kind, err)
		}
	}
	return nil
}

func unknownVar(kind, name string, names []string) error {
	return param.New(pkg, "variable", name, fmt.Sprintf("one of %v for %s", names, kind))
}
