package analysis

import (
	"context"
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/synapses"
)

// PulseLIF is a network of leaky integrate-and-fire neurons coupled by
// instantaneous inhibitory pulses, in continuous time (no grid): between
// spikes every potential relaxes exponentially,
//
//	τ dV_i/dt = V∞_i − V_i,
//
// and when V_j reaches VThMV it is reset to VResetMV and every target i of
// j jumps at once by the synapse's weight J_ij ≤ 0 (mV). This is the
// spiking network whose Lyapunov spectrum PulseLIFLyapunov computes
// exactly, as Monteforte & Wolf (2012) did for such networks: a hybrid
// system, smooth between spikes and reset at them.
type PulseLIF struct {
	// TauMs is the membrane time constant (ms), > 0.
	TauMs float64
	// VThMV is the threshold and VResetMV the reset potential (mV),
	// VResetMV < VThMV.
	VThMV, VResetMV float64
	// VInfMV holds, per neuron, the potential it relaxes to (mV): E_L plus
	// its constant input times the membrane resistance. A neuron with
	// V∞ > VThMV fires on its own; one below it only decays.
	VInfMV []float64
	// Conn holds the pulses: source j → target Target[k] with weight W(k)
	// (mV), every weight ≤ 0 and every delay 0 (an excitatory pulse could
	// make its target fire at the pulse's instant, a non-smooth event this
	// method does not treat). synapses.Build with Weights.Sign −1 and zero
	// Delays builds one; self-connections are allowed.
	Conn *synapses.CSR
	// V0MV holds the initial potentials (mV), each below VThMV.
	V0MV []float64
}

// N returns the number of neurons.
func (p *PulseLIF) N() int { return len(p.VInfMV) }

func (p *PulseLIF) validate() error {
	const pkg = "analysis"
	n := len(p.VInfMV)
	if err := param.First(
		param.Positive(pkg, "PulseLIF.TauMs", p.TauMs),
		param.Finite(pkg, "PulseLIF.VThMV", p.VThMV),
		param.PositiveInt(pkg, "len(PulseLIF.VInfMV)", n),
	); err != nil {
		return err
	}
	if !(p.VResetMV < p.VThMV) || math.IsInf(p.VResetMV, 0) {
		return param.New(pkg, "PulseLIF.VResetMV", p.VResetMV, fmt.Sprintf("finite and < VThMV (%g mV)", p.VThMV))
	}
	if len(p.V0MV) != n {
		return param.New(pkg, "len(PulseLIF.V0MV)", len(p.V0MV), fmt.Sprintf("%d, as len(VInfMV)", n))
	}
	for i := range n {
		if err := param.Finite(pkg, fmt.Sprintf("PulseLIF.VInfMV[%d]", i), p.VInfMV[i]); err != nil {
			return err
		}
		if v := p.V0MV[i]; !(v < p.VThMV) || math.IsInf(v, 0) {
			return param.New(pkg, fmt.Sprintf("PulseLIF.V0MV[%d]", i), v, fmt.Sprintf("finite and < VThMV (%g mV)", p.VThMV))
		}
	}
	c := p.Conn
	if c == nil {
		return param.New(pkg, "PulseLIF.Conn", "nil", "the pulses (a synapses.CSR; one without synapses for uncoupled neurons)")
	}
	if c.NSrc != n || c.NTgt != n {
		return param.New(pkg, "PulseLIF.Conn", fmt.Sprintf("%d×%d", c.NSrc, c.NTgt), fmt.Sprintf("%d×%d (sources × targets, as len(VInfMV))", n, n))
	}
	if len(c.Ptr) != n+1 || c.Ptr[n] != uint64(len(c.Target)) || (c.Weight != nil && len(c.Weight) != len(c.Target)) {
		return param.New(pkg, "PulseLIF.Conn", fmt.Sprintf("%d row pointers, %d targets, %d weights", len(c.Ptr), len(c.Target), len(c.Weight)),
			fmt.Sprintf("a well-formed CSR: %d row pointers ending at the number of targets, one weight per target or none", n+1))
	}
	for k := range n {
		if c.Ptr[k] > c.Ptr[k+1] {
			return param.New(pkg, fmt.Sprintf("PulseLIF.Conn.Ptr[%d]", k+1), c.Ptr[k+1], fmt.Sprintf("≥ Ptr[%d] = %d", k, c.Ptr[k]))
		}
	}
	for k, t := range c.Target {
		if int(t) >= n {
			return param.New(pkg, fmt.Sprintf("PulseLIF.Conn.Target[%d]", k), t, fmt.Sprintf("< %d", n))
		}
	}
	if c.Delay != nil || c.DelaySteps != 0 {
		return param.New(pkg, "PulseLIF.Conn delays", "non-zero", "0: pulses act at once")
	}
	for k := range c.Len() {
		if w := float64(c.W(uint64(k))); !(w <= 0) || math.IsInf(w, 0) {
			return param.New(pkg, fmt.Sprintf("PulseLIF.Conn weight %d", k), w, "finite and ≤ 0 (inhibitory pulses)")
		}
	}
	return nil
}

// PulseLIFConfig sets up PulseLIFLyapunov. Zero fields take the defaults
// given.
type PulseLIFConfig struct {
	// K is the number of exponents, in [1, N] (0 → N, the whole spectrum).
	K int
	// WarmupMs is the time simulated before averaging (ms; 0 → 1,000;
	// < 0 → none, as the other configurations' Transient), during which
	// the tangent vectors align too.
	WarmupMs float64
	// DurationMs is the averaging time (ms; 0 → 10,000).
	DurationMs float64
	// RenormMs is the time between QR renormalisations (ms; 0 →
	// min(5·TauMs, DurationMs); at most 100·TauMs, beyond which the
	// tangent vectors, which are not decayed between renormalisations,
	// could overflow). DurationMs and WarmupMs are cut into whole numbers
	// of intervals, the nearest to RenormMs. Between renormalisations the
	// tangent vectors spread by about e^{|λ_K − λ_1|·RenormMs/1000}, which
	// must stay far below 10¹²; the exponents of these networks lie within
	// about 1/τ of each other, so the default's spread is about e⁵. A
	// renormalisation costs 4·K²·N operations.
	RenormMs float64
	// Blocks is the number of batch means for StdErr (0 → 10) and
	// Checkpoints the number of History rows (0 → 20); both are capped at
	// the number of renormalisations.
	Blocks, Checkpoints int
	// Seed seeds the random orthonormal start of the tangent vectors (0 →
	// 1). Random, because unit vectors can start inside an invariant
	// subspace (a silent neuron's coordinate, a group whose pulses stay
	// within it) and never leave it.
	Seed uint64
}

func (c PulseLIFConfig) withDefaults(n int, tauMs float64) PulseLIFConfig {
	if c.K == 0 {
		c.K = n
	}
	if c.WarmupMs == 0 {
		c.WarmupMs = 1000
	} else if c.WarmupMs < 0 {
		c.WarmupMs = 0
	}
	if c.DurationMs == 0 {
		c.DurationMs = 10000
	}
	if c.RenormMs == 0 {
		c.RenormMs = min(5*tauMs, c.DurationMs)
	}
	if c.Blocks == 0 {
		c.Blocks = 10
	}
	if c.Checkpoints == 0 {
		c.Checkpoints = 20
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

func (c PulseLIFConfig) validate(n int, tauMs float64) error {
	const pkg = "analysis"
	if c.K < 1 || c.K > n {
		return param.New(pkg, "PulseLIFConfig.K", c.K, fmt.Sprintf("in [1, %d] (0: all)", n))
	}
	if err := param.First(
		param.NonNegative(pkg, "PulseLIFConfig.WarmupMs", c.WarmupMs),
		param.Positive(pkg, "PulseLIFConfig.DurationMs", c.DurationMs),
		param.Positive(pkg, "PulseLIFConfig.RenormMs", c.RenormMs),
		param.PositiveInt(pkg, "PulseLIFConfig.Blocks", c.Blocks),
		param.PositiveInt(pkg, "PulseLIFConfig.Checkpoints", c.Checkpoints),
	); err != nil {
		return err
	}
	if c.DurationMs/c.RenormMs > 1e9 { // name the duration: RenormMs may be the default
		return param.New(pkg, "PulseLIFConfig.DurationMs", c.DurationMs, fmt.Sprintf("at most 10⁹·RenormMs (%g ms): at most 10⁹ renormalizations (raise RenormMs, ≤ %g ms, for a longer run)", 1e9*c.RenormMs, 100*tauMs))
	}
	if r := c.DurationMs / c.RenormMs; r < 1 || c.RenormMs > 100*tauMs {
		return param.New(pkg, "PulseLIFConfig.RenormMs", c.RenormMs, fmt.Sprintf("between DurationMs/10⁹ and min(DurationMs, 100·TauMs) (%g ms)", min(c.DurationMs, 100*tauMs)))
	}
	if c.WarmupMs/c.RenormMs > 1e9 {
		return param.New(pkg, "PulseLIFConfig.WarmupMs", c.WarmupMs, fmt.Sprintf("at most 10⁹·RenormMs (%g ms)", 1e9*c.RenormMs))
	}
	return nil
}

// PulseLIFBytes estimates the memory PulseLIFLyapunov needs for n neurons
// and the given number of synapses with configuration c (defaults applied
// as PulseLIFLyapunov applies them), in bytes: the network's state, the K
// tangent vectors, the batch means and the History rows. Callers that must
// stay within a budget (the C API) check it first.
func PulseLIFBytes(n, synapses int, tauMs float64, c PulseLIFConfig) float64 {
	c = c.withDefaults(n, tauMs)
	k := float64(min(max(c.K, 1), max(n, 1)))
	total := math.Max(1, math.Round(c.DurationMs/c.RenormMs))
	if math.IsNaN(total) {
		total = 1
	}
	rows := math.Min(float64(c.Blocks), total) + math.Min(float64(c.Checkpoints), total)
	return float64(float64(n)*(120+float64(8*k))) + float64(float64(synapses)*48) + float64(8*k*(rows+4)) + float64(8*k*k)
}

// PulseLIFSpectrum is the result of PulseLIFLyapunov.
type PulseLIFSpectrum struct {
	// Spectrum holds the exponents per second (1/s), with StdErr and
	// History in the same unit and Time in seconds. While neurons fire, one
	// exponent is 0 up to the statistical error: the direction of the flow
	// (a shift in time) neither grows nor shrinks; a silent neuron adds
	// one of exactly −1/τ, and a silent network has only those.
	Spectrum
	// Spikes is the number of spikes in the averaging period and RateHz
	// the mean rate per neuron.
	Spikes int64
	RateHz float64
	// ISICV is the mean, over neurons with at least 3 spikes in the
	// averaging period, of the coefficient of variation of their
	// interspike intervals: near 0 for regular firing, near 1 for Poisson;
	// NaN when no neuron has 3 spikes.
	ISICV float64
	// ContractionRate is the exact mean phase-space contraction rate of
	// the averaging period (1/s): −N/τ plus, per spike of neuron j, the log
	// of its reset's volume factor (V∞_j − V_reset − J_jj)/(V∞_j − V_th)
	// over the time. With K = N, Spectrum.Sum() equals it up to rounding:
	// a check of the whole computation.
	ContractionRate float64
}

// PulseLIFLyapunov computes the K largest Lyapunov exponents of a PulseLIF
// network exactly: an event-driven simulation (spike times from the exact
// solution between events, no time step) carries K tangent vectors through
// the linearized dynamics, renormalized by QR (Benettin's method).
//
// Between spikes the linearization is the uniform decay e^{−t/τ}. At a
// spike of neuron j, perturbations compared at equal times change by the
// saltation matrix of the reset: a perturbation δV_j makes j fire earlier
// by δt = τ·δV_j/(V∞_j − V_th); after the reset that lead is a perturbation
// (V∞_j − V_reset)/(V∞_j − V_th)·δV_j, and a target i that receives the
// pulse J_ij earlier by δt ends lower by J_ij·δt/τ, a perturbation
// −J_ij/(V∞_j − V_th)·δV_j. The result is exact up to the rounding of the
// event times and of the QR steps; only the finite averaging time limits
// it (Spectrum.StdErr).
//
// Inhibitory networks of this kind fire irregularly yet have no positive
// exponent ("stable chaos": Zillmer et al. 2006; Jahnke, Memmesheimer &
// Timme 2008; Monteforte & Wolf 2012): nearby trajectories converge, and
// only finite perturbations (a missed or added spike) diverge. The cost is
// about K·(synapses per neuron) operations per spike plus 4·K²·N per
// renormalisation. It is single-threaded, and its results have the same bits on
// every architecture (internal/detmath, every product rounded; tested under
// qemu by make asm-arm64).
func PulseLIFLyapunov(p *PulseLIF, c PulseLIFConfig) (*PulseLIFSpectrum, error) {
	return PulseLIFLyapunovContext(context.Background(), p, c)
}

// PulseLIFLyapunovContext is PulseLIFLyapunov, stopped when ctx is done: it
// looks at ctx before every renormalization interval (RenormMs of
// simulated time) and then returns an error wrapping ctx.Err() and no
// result. A run that is not stopped is PulseLIFLyapunov's, bit for bit.
func PulseLIFLyapunovContext(ctx context.Context, p *PulseLIF, c PulseLIFConfig) (*PulseLIFSpectrum, error) {
	if p == nil {
		return nil, param.New("analysis", "PulseLIF", "nil", "a network")
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	n := p.N()
	c = c.withDefaults(n, p.TauMs)
	if err := c.validate(n, p.TauMs); err != nil {
		return nil, err
	}
	sim := newPulseSim(p)
	total := int(math.Round(c.DurationMs / c.RenormMs))
	tg := newTangent(n, c.K, total, c.Blocks, c.Checkpoints, c.DurationMs/float64(total)/1000, c.Seed)
	tg.log = detmath.Log
	// Warm-up: state and tangent vectors, renormalized without averaging.
	warm := int(math.Round(c.WarmupMs / c.RenormMs))
	for r := 1; r <= warm; r++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("analysis: pulse-LIF spectrum stopped in the warm-up, interval %d of %d: %w", r, warm, err)
		}
		sim.run(c.WarmupMs*float64(r)/float64(warm), tg.v, c.K)
		tg.renorm(false)
	}
	t0, spikes0 := sim.t, sim.spikes
	sim.isi = newISIStats(n)
	logs0 := append([]float64(nil), sim.logA...)
	for r := 1; r <= total; r++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("analysis: pulse-LIF spectrum stopped at interval %d of %d: %w", r, total, err)
		}
		sim.run(t0+c.DurationMs*float64(r)/float64(total), tg.v, c.K)
		tg.renorm(true)
	}
	res := &PulseLIFSpectrum{Spectrum: *tg.result(), Spikes: sim.spikes - spikes0}
	// The tangent vectors were not decayed between events: the uniform
	// decay e^{−t/τ} lowers every exponent by 1/τ.
	decay := 1000 / p.TauMs
	for i := range res.Exponents {
		res.Exponents[i] -= decay
	}
	for _, row := range res.History {
		for i := range row {
			row[i] -= decay
		}
	}
	T := c.DurationMs / 1000
	res.RateHz = float64(res.Spikes) / (float64(n) * T)
	var sumLog float64
	for j := range n {
		sumLog += sim.logA[j] - logs0[j]
	}
	res.ContractionRate = sumLog/T - float64(float64(n)*decay)
	res.ISICV = sim.isi.meanCV()
	return res, nil
}

// pulseSim is the event-driven simulation of a PulseLIF network and of its
// tangent vectors.
type pulseSim struct {
	p      *PulseLIF
	v      []float64 // potential at last[i] (mV)
	last   []float64 // time of the potential (ms)
	t      float64   // time (ms)
	heap   spikeHeap // next spike time per neuron
	a      []float64 // per neuron: the reset's volume factor (V∞ − V_r − J_jj)/(V∞ − V_th)
	reset  []float64 // per neuron: the potential right after its spike, V_r plus its pulses to itself
	m      []float64 // per synapse: −J/(V∞_source − V_th)
	logA   []float64 // per neuron: Σ ln a over its spikes (the sum rule)
	spikes int64
	qj     []float64 // scratch: the spiking neuron's tangent components
	isi    *isiStats // interspike intervals, when collected
}

// isiStats accumulates, per neuron, the interspike intervals' count, sum
// and sum of squares.
type isiStats struct {
	last    []float64
	n       []int
	sum, sq []float64
}

func newISIStats(n int) *isiStats {
	s := &isiStats{last: make([]float64, n), n: make([]int, n), sum: make([]float64, n), sq: make([]float64, n)}
	for i := range s.last {
		s.last[i] = math.NaN()
	}
	return s
}

func (s *isiStats) spike(j int, t float64) {
	if d := t - s.last[j]; d == d { // not the first spike
		s.n[j]++
		s.sum[j] += d
		s.sq[j] += float64(d * d)
	}
	s.last[j] = t
}

// meanCV returns the mean ISI CV over neurons with at least two intervals
// (NaN if none has), as nanMean(SpikeTrains.ISICV()) but from running sums.
func (s *isiStats) meanCV() float64 {
	cv := make([]float64, len(s.n))
	for j, k := range s.n {
		cv[j] = math.NaN()
		if k >= 2 {
			mean := s.sum[j] / float64(k)
			cv[j] = math.Sqrt(max(s.sq[j]/float64(k)-float64(mean*mean), 0)) / mean
		}
	}
	return nanMean(cv)
}

func newPulseSim(p *PulseLIF) *pulseSim {
	n := p.N()
	c := p.Conn
	s := &pulseSim{p: p, v: append([]float64(nil), p.V0MV...), last: make([]float64, n),
		a: make([]float64, n), reset: make([]float64, n), m: make([]float64, c.Len()), logA: make([]float64, n)}
	for j := range n {
		d := p.VInfMV[j] - p.VThMV
		if !(d > 0) { // never fires: its factors are never used
			s.a[j] = 1
			continue
		}
		s.a[j], s.reset[j] = (p.VInfMV[j]-p.VResetMV)/d, p.VResetMV
		for k := c.Ptr[j]; k < c.Ptr[j+1]; k++ {
			s.m[k] = -float64(c.W(k)) / d
			if int(c.Target[k]) == j { // the pulse to itself arrives with the reset
				s.a[j] += s.m[k]
				s.reset[j] += float64(c.W(k))
			}
		}
	}
	s.heap.init(n)
	for i := range n {
		s.heap.set(i, s.nextSpike(i))
	}
	return s
}

// potential returns neuron i's potential at time t ≥ last[i].
func (s *pulseSim) potential(i int, t float64) float64 {
	vinf := s.p.VInfMV[i]
	return vinf + float64((s.v[i]-vinf)*detmath.Exp(-(t-s.last[i])/s.p.TauMs))
}

// nextSpike returns the time neuron i reaches the threshold by itself
// (+Inf if it never does).
func (s *pulseSim) nextSpike(i int) float64 {
	vinf, th := s.p.VInfMV[i], s.p.VThMV
	if !(vinf > th) {
		return math.Inf(1)
	}
	return s.last[i] + float64(s.p.TauMs*detmath.Log1p((th-s.v[i])/(vinf-th)))
}

// run simulates up to time tEnd (ms), applying every spike's saltation
// matrix to the k tangent vectors in tv (vector c: tv[c·n : (c+1)·n]).
func (s *pulseSim) run(tEnd float64, tv []float64, k int) {
	p, c := s.p, s.p.Conn
	n := p.N()
	if cap(s.qj) < k {
		s.qj = make([]float64, k)
	}
	qj := s.qj[:k]
	for {
		j, ts := s.heap.min()
		if !(ts <= tEnd) {
			break
		}
		s.t = ts
		s.spikes++
		if s.isi != nil {
			s.isi.spike(j, ts)
		}
		s.logA[j] += detmath.Log(s.a[j]) // a_j ≥ 1
		// Saltation: column j of the identity becomes (a_j at j, m at the
		// targets); the targets' rows take m·(row j's old value).
		for cc := range k {
			qj[cc] = tv[cc*n+j]
			tv[cc*n+j] = s.a[j] * qj[cc]
		}
		for kk := c.Ptr[j]; kk < c.Ptr[j+1]; kk++ {
			i := int(c.Target[kk])
			if i == j {
				continue // in a_j and reset_j
			}
			m := s.m[kk]
			for cc := range k {
				tv[cc*n+i] += float64(m * qj[cc])
			}
			s.v[i] = s.potential(i, ts) + float64(c.W(kk))
			s.last[i] = ts
		}
		s.v[j], s.last[j] = s.reset[j], ts
		s.heap.set(j, s.nextSpike(j))
		for kk := c.Ptr[j]; kk < c.Ptr[j+1]; kk++ {
			if i := int(c.Target[kk]); i != j {
				s.heap.set(i, s.nextSpike(i))
			}
		}
	}
	s.t = tEnd
}

// spikeHeap is an indexed binary min-heap of the neurons' next spike
// times; ties go to the lower index, so the earliest neuron does not depend
// on the order of updates.
type spikeHeap struct {
	key []float64 // per neuron
	pos []int     // per neuron: position in ord
	ord []int     // heap order of neurons
}

func (h *spikeHeap) init(n int) {
	h.key, h.pos, h.ord = make([]float64, n), make([]int, n), make([]int, n)
	for i := range n {
		h.key[i] = math.Inf(1)
		h.pos[i], h.ord[i] = i, i
	}
}

func (h *spikeHeap) less(a, b int) bool {
	ka, kb := h.key[h.ord[a]], h.key[h.ord[b]]
	return ka < kb || ka == kb && h.ord[a] < h.ord[b]
}

func (h *spikeHeap) swap(a, b int) {
	h.ord[a], h.ord[b] = h.ord[b], h.ord[a]
	h.pos[h.ord[a]], h.pos[h.ord[b]] = a, b
}

// min returns the neuron with the earliest next spike and its time.
func (h *spikeHeap) min() (int, float64) { return h.ord[0], h.key[h.ord[0]] }

// set gives neuron i the key t and restores the heap order.
func (h *spikeHeap) set(i int, t float64) {
	h.key[i] = t
	x := h.pos[i]
	for x > 0 && h.less(x, (x-1)/2) { // up
		h.swap(x, (x-1)/2)
		x = (x - 1) / 2
	}
	n := len(h.ord)
	for { // down
		l, r, m := 2*x+1, 2*x+2, x
		if l < n && h.less(l, m) {
			m = l
		}
		if r < n && h.less(r, m) {
			m = r
		}
		if m == x {
			return
		}
		h.swap(x, m)
		x = m
	}
}
