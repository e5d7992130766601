package snn

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
	"github.com/neurodyn/neurodyn/tasks"
)

// ReservoirConfig describes a liquid-state machine: a fixed random E/I
// network of NEST iaf_psc_exp neurons simulated by the event-driven engine
// (package kernel), driven by the input series through its time_series
// device, read out by a linear map of exponentially filtered spike trains
// plus the input and a bias (Reservoir), fitted in closed form.
//
// Units: ms, mV, pA, pF. The input current of neuron j while sample x is
// held is I_j = I_rh·(Σ_d W_jd·x_d + b_j), with I_rh = C_m·(V_th − E_L)/τ_m
// the rheobase current, W_jd drawn from N(0, InputScale²) and b_j from
// N(BiasMean, BiasStd²): b = 1 puts a neuron at threshold. The zero value
// is our default: 800 E / 200 I, dt 1 ms, 20 ms per sample, τ_m 20 ms,
// τ_syn 5 ms, refractory 2 ms, recurrent connection probability 0.1 with
// 20 pA excitatory and −80 pA inhibitory current jumps after 1 ms, and
// filters of 10 and 50 ms on every neuron (2,000 spike features).
type ReservoirConfig struct {
	// N is the number of neurons (0 → 1000) and FracE the excitatory
	// fraction (0 → 0.8).
	N     int
	FracE float64
	// DtMs is the integration step (0 → 1) and SampleMs the time each
	// input sample is held (0 → 20; a multiple of DtMs).
	DtMs, SampleMs float64
	// TauMemMs, TauSynMs and RefractoryMs are the neuron time constants
	// (0 → 20, 5 and 2; RefractoryMs < 0 → none).
	TauMemMs, TauSynMs, RefractoryMs float64
	// InputScale is the standard deviation of the input weights and
	// BiasMean, BiasStd the distribution of the bias currents, all in
	// rheobase units (0 → 1, 1 and 0.3).
	InputScale, BiasMean, BiasStd float64
	// P is the recurrent connection probability (0 → 0.1; < 0 → no
	// recurrent synapses); WeightPA the excitatory current jump (0 → 20)
	// and G the inhibitory/excitatory ratio (0 → 4); DelayMs the synaptic
	// delay (0 → 1).
	P, WeightPA, G, DelayMs float64
	// ReadoutTauMs lists the filter time constants of the spike features
	// (nil → {10, 50}).
	ReadoutTauMs []float64
	// DynamicSynapses gives the recurrent synapses Tsodyks–Markram
	// short-term plasticity (kernel: NEST's tsodyks2_synapse) with the
	// mean parameters of Maass, Natschläger & Markram (2002) by connection
	// type, U / τ_rec / τ_fac: E→E 0.5 / 1,100 / 50 ms (depressing), E→I
	// 0.05 / 125 / 1,200 ms (facilitating), I→E 0.25 / 700 / 20 ms, I→I
	// 0.32 / 144 / 60 ms. A spike then acts with its weight (WeightPA,
	// −G·WeightPA from I) times u·x, at rest times U.
	DynamicSynapses bool `json:",omitempty"`
	// ExplicitZeros makes a zero in FracE, DtMs, SampleMs, TauMemMs,
	// TauSynMs, RefractoryMs, InputScale, BiasMean, BiasStd, P, WeightPA, G
	// and DelayMs mean zero rather than the default, for callers that fill
	// in every one of those fields themselves (the sweep evaluator): then
	// InputScale, BiasMean, BiasStd and WeightPA 0 are used as given, G 0
	// means no inhibition (inhibitory synapses of weight 0), RefractoryMs 0
	// no refractory period, P 0 no recurrent synapses, DelayMs 0 a delay of
	// one step (the engine's delay 0), and a zero FracE, DtMs, SampleMs,
	// TauMemMs or TauSynMs is refused by Validate. N, Washout,
	// ReadoutTauMs and Lambdas keep their defaults either way.
	ExplicitZeros bool `json:",omitempty"`
	// Washout is the number of initial training samples left out of the
	// fit (0 → 100).
	Washout int
	// TrainSamples limits the training samples used (0: the whole split).
	TrainSamples int
	// Lambdas is the regularization grid (nil → DefaultLambdas).
	Lambdas []float64
	// Seed seeds the connectivity, the input weights and biases and the
	// initial potentials; Workers is the engine's worker count (results do
	// not depend on it).
	Seed    uint64
	Workers int
}

// WithDefaults returns c with zero fields replaced by the defaults (with
// ExplicitZeros: N, Washout and ReadoutTauMs only).
func (c ReservoirConfig) WithDefaults() ReservoirConfig {
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if c.N == 0 {
		c.N = 1000
	}
	if c.Washout == 0 {
		c.Washout = 100
	}
	if len(c.ReadoutTauMs) == 0 {
		c.ReadoutTauMs = []float64{10, 50}
	}
	c.ReadoutTauMs = append([]float64(nil), c.ReadoutTauMs...)
	if c.ExplicitZeros {
		return c
	}
	deff(&c.FracE, 0.8)
	deff(&c.DtMs, 1)
	deff(&c.SampleMs, 20)
	deff(&c.TauMemMs, 20)
	deff(&c.TauSynMs, 5)
	deff(&c.RefractoryMs, 2)
	deff(&c.InputScale, 1)
	deff(&c.BiasMean, 1)
	deff(&c.BiasStd, 0.3)
	deff(&c.P, 0.1)
	deff(&c.WeightPA, 20)
	deff(&c.G, 4)
	deff(&c.DelayMs, 1)
	return c
}

// Validate returns a param error naming the first bad field.
func (c ReservoirConfig) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		param.PositiveInt(pkg, "N", c.N),
		param.InRange(pkg, "FracE", c.FracE, 0, 1),
		param.Positive(pkg, "DtMs", c.DtMs),
		param.Positive(pkg, "SampleMs", c.SampleMs),
		param.Positive(pkg, "TauMemMs", c.TauMemMs),
		param.Positive(pkg, "TauSynMs", c.TauSynMs),
		param.NonNegative(pkg, "InputScale", c.InputScale),
		param.Finite(pkg, "BiasMean", c.BiasMean),
		param.NonNegative(pkg, "BiasStd", c.BiasStd),
		param.Finite(pkg, "P", c.P),
		param.Finite(pkg, "WeightPA", c.WeightPA),
		param.NonNegative(pkg, "G", c.G),
		param.NonNegative(pkg, "DelayMs", c.DelayMs),
		param.PositiveInt(pkg, "Washout", c.Washout),
		param.NonNegative(pkg, "TrainSamples", float64(c.TrainSamples)),
		param.NonNegative(pkg, "Workers", float64(c.Workers)),
	); err != nil {
		return err
	}
	if c.P > 1 {
		return param.New(pkg, "P", c.P, "<= 1 (< 0: no recurrent synapses)")
	}
	if f := c.N * len(c.ReadoutTauMs); f > MaxFeatures {
		return param.New(pkg, "N·len(ReadoutTauMs)", f, fmt.Sprintf("<= %d spike features (the readout solves a dense Gram of them)", MaxFeatures))
	}
	if k := math.Round(c.SampleMs / c.DtMs); k < 1 || math.Abs(float64(k*c.DtMs)-c.SampleMs) > 1e-9*c.SampleMs {
		return param.New(pkg, "SampleMs", c.SampleMs, fmt.Sprintf("a positive multiple of DtMs (%g)", c.DtMs))
	}
	if ne := c.NumE(); ne < 1 || ne > c.N {
		return param.New(pkg, "FracE", c.FracE, fmt.Sprintf("giving 1…%d excitatory neurons", c.N))
	}
	for k, tau := range c.ReadoutTauMs {
		if err := param.Positive(pkg, fmt.Sprintf("ReadoutTauMs[%d]", k), tau); err != nil {
			return err
		}
	}
	return checkLambdas(c.Lambdas)
}

// checkLambdas returns a param error naming the first regularization
// strength of a ridge readout's grid that is negative or not finite.
func checkLambdas(ls []float64) error {
	for k, l := range ls {
		if !(l >= 0) || math.IsInf(l, 0) {
			return param.New(pkg, fmt.Sprintf("Lambdas[%d]", k), l, "finite and >= 0")
		}
	}
	return nil
}

// NumE returns the number of excitatory neurons, round(FracE·N) (of a
// configuration with its defaults); they are numbered first.
func (c ReservoirConfig) NumE() int { return int(math.Round(c.FracE * float64(c.N))) }

// Features returns the number of spike features: N per filter time
// constant.
func (c ReservoirConfig) Features() int {
	c = c.WithDefaults()
	return c.N * len(c.ReadoutTauMs)
}

// Neuron constants of the reservoir (NEST iaf_psc_exp defaults).
const (
	resCmPF   = 250.0
	resELmV   = -70.0
	resVThmV  = -55.0
	resVResmV = -70.0
)

// RheobasePA returns the rheobase current C_m·(V_th − E_L)/τ_m in pA.
func (c ReservoirConfig) RheobasePA() float64 {
	c = c.WithDefaults()
	return resCmPF * (resVThmV - resELmV) / c.TauMemMs
}

// Spec returns the engine network of c for inputs of dim dimensions: the
// populations E and I, the four recurrent projections, one time_series
// device per population (named "in:E", "in:I", input matrix [W | b]·I_rh
// over the series [x, 1]), one filtered_spikes recorder per population
// and filter ("f<k>:E", "f<k>:I", one frame per sample) and one spikes
// recorder per population ("spikes:E", "spikes:I", for firing rates).
func (c ReservoirConfig) Spec(dim int) (kernel.Spec, error) {
	if err := c.Validate(); err != nil {
		return kernel.Spec{}, err
	}
	if err := param.PositiveInt(pkg, "dim", dim); err != nil {
		return kernel.Spec{}, err
	}
	c = c.WithDefaults()
	NE := c.NumE()
	NI := c.N - NE
	params := map[string]float64{
		"cm_pf": resCmPF, "tau_mem_ms": c.TauMemMs, "tau_syn_ex_ms": c.TauSynMs, "tau_syn_in_ms": c.TauSynMs,
		"t_ref_ms": max(c.RefractoryMs, 0), "e_l_mv": resELmV, "v_reset_mv": resVResmV, "v_th_mv": resVThmV,
	}
	vinit := kernel.Dist{Dist: "uniform", Low: resELmV, High: resVThmV}
	s := kernel.Spec{DtMs: c.DtMs, Seed: c.Seed, Workers: c.Workers}
	s.Populations = append(s.Populations, kernel.PopulationSpec{Name: "E", N: NE, Model: "lif_exp", Sign: 1, Params: params, VInit: vinit})
	if NI > 0 {
		s.Populations = append(s.Populations, kernel.PopulationSpec{Name: "I", N: NI, Model: "lif_exp", Sign: -1, Params: params, VInit: vinit})
	}
	irh := c.RheobasePA()
	for k, pop := range s.Populations {
		r := rand.New(rand.NewPCG(c.Seed, uint64(100+k)))
		m := make([][]float64, pop.N)
		for j := range m {
			row := make([]float64, dim+1)
			for d := 0; d < dim; d++ {
				row[d] = irh * c.InputScale * detrand.NormFloat64(r)
			}
			row[dim] = irh * (c.BiasMean + float64(c.BiasStd*detrand.NormFloat64(r)))
			m[j] = row
		}
		zero := make([]float64, dim+1)
		s.Devices = append(s.Devices, kernel.DeviceSpec{
			Name: "in:" + pop.Name, Kind: "time_series", Target: pop.Name,
			Series: [][]float64{zero}, SeriesDtMs: c.SampleMs, InputMatrix: m,
		})
	}
	if c.P > 0 {
		for _, src := range s.Populations {
			w := c.WeightPA
			if src.Sign < 0 {
				w *= c.G
			}
			for _, tgt := range s.Populations {
				pr := kernel.ProjectionSpec{
					Source: src.Name, Target: tgt.Name,
					Rule:    kernelRule(c.P),
					Weights: weightDist(w),
					DelayMs: c.DelayMs,
				}
				if c.DynamicSynapses {
					pr.ShortTerm = maassSynapse(src.Sign, tgt.Sign)
				}
				s.Projections = append(s.Projections, pr)
			}
		}
	}
	for k, tau := range c.ReadoutTauMs {
		for _, pop := range s.Populations {
			s.Recorders = append(s.Recorders, kernel.RecorderSpec{
				Name: fmt.Sprintf("f%d:%s", k, pop.Name), Kind: "filtered_spikes", Population: pop.Name,
				TauMs: tau, IntervalMs: c.SampleMs,
			})
		}
	}
	for _, pop := range s.Populations {
		s.Recorders = append(s.Recorders, kernel.RecorderSpec{Name: "spikes:" + pop.Name, Kind: "spikes", Population: pop.Name})
	}
	return s, nil
}

// maassSynapse returns the short-term plasticity of Maass, Natschläger &
// Markram (2002) for a connection from a population of Dale sign src to
// one of sign tgt (their means; they drew each synapse's from a Gaussian
// of 50% standard deviation).
func maassSynapse(src, tgt int) synapses.ShortTerm {
	s := synapses.ShortTerm{Kind: "tsodyks2"}
	switch {
	case src > 0 && tgt > 0:
		s.U, s.TauRecMs, s.TauFacMs = 0.5, 1100, 50
	case src > 0:
		s.U, s.TauRecMs, s.TauFacMs = 0.05, 125, 1200
	case tgt > 0:
		s.U, s.TauRecMs, s.TauFacMs = 0.25, 700, 20
	default:
		s.U, s.TauRecMs, s.TauFacMs = 0.32, 144, 60
	}
	return s
}

func kernelRule(p float64) synapses.Rule { return synapses.Rule{Kind: "fixed_prob", P: p} }

func weightDist(w float64) synapses.Weights {
	if w == 0 { // ExplicitZeros' G or WeightPA 0: a weight of 0 given, which the engine refuses left out
		return synapses.Weights{Dist: "constant"}
	}
	return synapses.Weights{Value: w}
}

// colSink receives the frames of one filtered_spikes recorder and writes
// them into columns [off, off+width) of successive rows of a feature
// matrix (row stride ld), starting at row 0 after each rewind.
type colSink struct {
	m   *[]float32
	ld  int
	off int
	row int
}

func (s *colSink) WriteFrame(_ float64, v []float32) error {
	copy((*s.m)[s.row*s.ld+s.off:s.row*s.ld+s.off+len(v)], v)
	s.row++
	return nil
}

// countSink counts the spikes of every neuron of a spikes recorder.
type countSink struct{ counts []int64 }

func (s *countSink) WriteSpikes(_ []float64, ids []uint32) error {
	for _, id := range ids {
		s.counts[id]++
	}
	return nil
}

// Reservoir is a liquid-state machine: the engine network of a
// ReservoirConfig, its initial state, and a linear readout of the filtered
// spike trains of all neurons plus the input and a bias. It implements
// learn.Stepper (one stream): Reset restores the initial state, Step holds a
// sample for SampleMs and decodes the prediction of the next one. A
// Reservoir is not safe for concurrent use; Close releases the engine's
// workers.
type Reservoir struct {
	cfg         ReservoirConfig
	dim, F      int
	net         *kernel.Network
	init        []byte
	sampleSteps int64
	sinks       []*colSink
	counts      []*countSink
	feat        []float32 // harvest matrix or the stream's one row
	series      [][]float64
	stateDim    int
	// Readout is the fitted readout on [features (F), input (dim)] → dim
	// (nil until fitted).
	Readout *Linear
	row     []float64
	frame   []float32
}

// NewReservoir builds the engine network of c for inputs of dim
// dimensions and records its initial state.
func NewReservoir(c ReservoirConfig, dim int) (*Reservoir, error) {
	spec, err := c.Spec(dim)
	if err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	net, err := kernel.New(spec)
	if err != nil {
		return nil, err
	}
	r := &Reservoir{cfg: c, dim: dim, F: c.Features(), net: net, sampleSteps: int64(math.Round(c.SampleMs / c.DtMs))}
	off := 0
	for _, rs := range spec.Recorders {
		var sink any
		if rs.Kind == "spikes" {
			cs := &countSink{counts: make([]int64, len(net.Recorder(rs.Name).Neurons()))}
			r.counts = append(r.counts, cs)
			sink = cs
		} else {
			s := &colSink{m: &r.feat, ld: r.F, off: off}
			off += len(net.Recorder(rs.Name).Neurons())
			r.sinks = append(r.sinks, s)
			sink = s
		}
		if err := net.SetSink(rs.Name, sink); err != nil {
			net.Close()
			return nil, err
		}
	}
	// A checkpoint holds each input device's series from the sample held
	// on, one sample at every sample boundary after Step or Harvest (the
	// series SetSeries put in), none for the spec's: the spec's one zero
	// sample set again (the same drive) gives the initial state that one
	// sample too, so that State's length is the same in every state.
	for _, name := range r.devices() {
		if err := net.SetSeries(name, [][]float64{make([]float64, dim+1)}); err != nil {
			net.Close()
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := net.Checkpoint(&buf); err != nil {
		net.Close()
		return nil, err
	}
	r.init = buf.Bytes()
	r.stateDim = 1 + (len(r.init)+stateBytes-1)/stateBytes
	r.row = make([]float64, r.F+dim)
	return r, nil
}

// Config returns the configuration (defaults filled in).
func (r *Reservoir) Config() ReservoirConfig { return r.cfg }

// Features returns the number of spike features.
func (r *Reservoir) Features() int { return r.F }

// Network returns the engine network (for statistics; do not run it).
func (r *Reservoir) Network() *kernel.Network { return r.net }

// Close stops the engine's workers.
func (r *Reservoir) Close() error { return r.net.Close() }

// reset restores the initial state and rewinds the feature sinks.
func (r *Reservoir) reset() error {
	if err := r.net.Restore(bytes.NewReader(r.init)); err != nil {
		return err
	}
	for _, s := range r.sinks {
		s.row = 0
	}
	return nil
}

// setSeries feeds samples x (rows×dim) from now on, each with the bias
// input 1.
func (r *Reservoir) setSeries(x []float64, rows int) error {
	d := r.dim
	if cap(r.series) < rows {
		r.series = make([][]float64, rows)
	}
	r.series = r.series[:rows]
	for t := 0; t < rows; t++ {
		if cap(r.series[t]) < d+1 {
			r.series[t] = make([]float64, d+1)
		}
		s := r.series[t][:d+1]
		copy(s, x[t*d:(t+1)*d])
		s[d] = 1
		r.series[t] = s
	}
	for _, name := range r.devices() {
		if err := r.net.SetSeries(name, r.series); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reservoir) devices() []string {
	if r.cfg.NumE() == r.cfg.N {
		return []string{"in:E"}
	}
	return []string{"in:E", "in:I"}
}

// Harvest runs the reservoir from its initial state over the series x
// (rows×dim, normalized), in chunks of chunk samples (0 → 1024), and calls
// f with each chunk's features (n×F, the filtered traces at the end of
// samples lo … lo+n−1). The slice passed to f is reused.
func (r *Reservoir) Harvest(x []float64, rows, chunk int, f func(lo, n int, feat []float32) error) error {
	return r.HarvestContext(context.Background(), x, rows, chunk, f)
}

// harvestPiece is the number of samples the engine runs between two looks
// at the context in HarvestContext: at the default 1,000 neurons about
// 10 ms of work, and the features do not depend on it (the engine gives
// the same state however a run is split).
const harvestPiece = 64

// HarvestContext is Harvest, stopped when ctx is done: it looks at ctx
// every harvestPiece samples, and then returns an error wrapping ctx.Err()
// after f was called for every chunk finished before (the samples of the
// unfinished chunk are not passed to f). The features of a run that is not
// stopped are those of Harvest, bit for bit.
func (r *Reservoir) HarvestContext(ctx context.Context, x []float64, rows, chunk int, f func(lo, n int, feat []float32) error) error {
	if rows <= 0 || len(x) < rows*r.dim {
		return param.New(pkg, "x", fmt.Sprintf("%d values for %d rows", len(x), rows), fmt.Sprintf("rows·dim = %d values", rows*r.dim))
	}
	if chunk <= 0 {
		chunk = 1024
	}
	if err := r.reset(); err != nil {
		return err
	}
	if err := r.setSeries(x, rows); err != nil {
		return err
	}
	if need := min(chunk, rows) * r.F; len(r.feat) < need {
		r.feat = make([]float32, need)
	}
	for lo := 0; lo < rows; lo += chunk {
		n := min(chunk, rows-lo)
		for _, s := range r.sinks {
			s.row = 0
		}
		for done := 0; done < n; {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("snn: harvest stopped after %d of %d samples (%d passed on): %w", lo+done, rows, lo, err)
			}
			k := min(harvestPiece, n-done)
			if err := r.net.RunSteps(int64(k) * r.sampleSteps); err != nil {
				return err
			}
			done += k
		}
		if err := f(lo, n, r.feat[:n*r.F]); err != nil {
			return err
		}
	}
	return nil
}

// stateBytes is the number of checkpoint bytes packed into one float64 of
// State (48 bits: exactly representable, never a NaN pattern).
const stateBytes = 6

// InputDim and OutputDim are the input and output sizes (learn.Stepper).
func (r *Reservoir) InputDim() int { return r.dim }

// OutputDim is the output size (learn.Stepper).
func (r *Reservoir) OutputDim() int { return r.dim }

// StateDim is the length of State: the engine checkpoint packed 6 bytes per
// value, after its length.
func (r *Reservoir) StateDim() int { return r.stateDim }

// Reset restores the initial state (learn.Stepper).
func (r *Reservoir) Reset() {
	if err := r.reset(); err != nil {
		panic("snn: Reservoir.Reset: " + err.Error())
	}
}

// Step holds sample x for SampleMs and writes the readout's prediction of
// the next sample into y (learn.Stepper). It panics if the readout is not
// fitted.
func (r *Reservoir) Step(y, x []float64) {
	if r.Readout == nil {
		panic("snn: Reservoir.Step before the readout is fitted")
	}
	if len(r.frame) < r.F {
		r.frame = make([]float32, r.F)
	}
	saved := r.feat
	r.feat = r.frame
	defer func() { r.feat = saved }()
	for _, s := range r.sinks {
		s.row = 0
	}
	if err := r.setSeries(x, 1); err != nil {
		panic("snn: Reservoir.Step: " + err.Error())
	}
	if err := r.net.RunSteps(r.sampleSteps); err != nil {
		panic("snn: Reservoir.Step: " + err.Error())
	}
	for k, v := range r.frame[:r.F] {
		r.row[k] = float64(v)
	}
	copy(r.row[r.F:], x[:r.dim])
	r.Readout.Predict(y, r.row, len(r.row), 1)
}

// State packs the engine's checkpoint into dst (StateDim values).
func (r *Reservoir) State(dst []float64) {
	var buf bytes.Buffer
	if err := r.net.Checkpoint(&buf); err != nil {
		panic("snn: Reservoir.State: " + err.Error())
	}
	b := buf.Bytes()
	if 1+(len(b)+stateBytes-1)/stateBytes > r.stateDim {
		panic(fmt.Sprintf("snn: Reservoir.State: a checkpoint of %d bytes does not fit StateDim (taken within Harvest? call it between Steps)", len(b)))
	}
	clear(dst[:r.stateDim])
	dst[0] = float64(len(b))
	for i, v := range b {
		k := 1 + i/stateBytes
		dst[k] += float64(uint64(v) << (8 * uint(i%stateBytes)))
	}
}

// SetState restores a state written by State.
func (r *Reservoir) SetState(src []float64) {
	n := int(src[0])
	b := make([]byte, n)
	for i := range b {
		w := uint64(src[1+i/stateBytes])
		b[i] = byte(w >> (8 * uint(i%stateBytes)))
	}
	if err := r.net.Restore(bytes.NewReader(b)); err != nil {
		panic("snn: Reservoir.SetState: " + err.Error())
	}
}

// ReservoirFit reports a reservoir's readout fit on a forecasting dataset.
type ReservoirFit struct {
	// Lambda is the regularization chosen on the validation split.
	Lambda float64
	// TrainRows is the number of fitted rows and Features the regressors
	// per row (spike features + input; the intercept is extra).
	TrainRows, Features int
	// ValRMSE, TestRMSE and TestMAE are one-step errors in original
	// units on the validation and test splits (targets from sample
	// SeqLength on, as the reference's windows).
	ValRMSE, TestRMSE, TestMAE float64
	// SilencedRMSE is the test RMSE of the fitted readout with the spike
	// features set to zero (input and bias only); InputOnlyRMSE that of a
	// readout refitted on the input and bias alone (an AR(1) model).
	SilencedRMSE, InputOnlyRMSE float64
	// RateE and RateI are the mean firing rates (Hz) over the training
	// run; BelowRate1Hz and AboveRate50Hz the fractions of neurons
	// outside 1–50 Hz.
	RateE, RateI                float64
	BelowRate1Hz, AboveRate50Hz float64
	// NeuronSteps is the number of neuron updates of the training harvest,
	// HarvestSeconds the wall-clock time of all harvests and FitSeconds
	// that of the Gram accumulation and the solves.
	NeuronSteps                int64
	HarvestSeconds, FitSeconds float64
}

// FitLorenz harvests the reservoir's features on the dataset's splits (each
// split run from the initial state as one stream) and fits the readout by
// ridge regression: rows are [features after sample t, x_t] with target
// x_{t+1}, for t ≥ Washout in the training split; the regularization is
// chosen by the validation RMSE of the predictions of samples SeqLength …
// end (the targets of the reference's windows), and the test split is
// scored the same way.
func (r *Reservoir) FitLorenz(d *tasks.Dataset) (*ReservoirFit, error) {
	return r.FitLorenzContext(context.Background(), d)
}

// FitLorenzContext is FitLorenz, stopped when ctx is done: it looks at ctx
// between pieces of the harvests (HarvestContext) and between the
// regularizations it tries, and then returns an error wrapping ctx.Err()
// with the readout unchanged (the previous fit's, or nil if there was
// none): Readout is set only once the fit is complete. A fit that is not
// stopped is FitLorenz's, bit for bit.
func (r *Reservoir) FitLorenzContext(ctx context.Context, d *tasks.Dataset) (*ReservoirFit, error) {
	if d.Dim != r.dim {
		return nil, param.New(pkg, "dataset", fmt.Sprintf("dimension %d", d.Dim), fmt.Sprintf("the reservoir's input dimension %d", r.dim))
	}
	c := r.cfg
	F, dim := r.F, r.dim
	D := F + dim
	g, err := NewGram(D, dim)
	if err != nil {
		return nil, err
	}
	for _, s := range r.counts {
		clear(s.counts)
	}
	rows := d.Train.Len
	if c.TrainSamples > 0 {
		rows = min(rows, c.TrainSamples)
	}
	if rows < c.Washout+2 {
		return nil, param.New(pkg, "TrainSamples", rows, fmt.Sprintf("> Washout+1 = %d", c.Washout+1))
	}
	fit := &ReservoirFit{Features: D}
	const chunk = 1024
	des := make([]float32, chunk*D)
	tgt := make([]float32, chunk*dim)
	var tFit time.Duration
	t0 := time.Now()
	x := d.Train.Data
	err = r.HarvestContext(ctx, x, rows, chunk, func(lo, n int, feat []float32) error {
		t1 := time.Now()
		k := 0
		for i := 0; i < n; i++ {
			t := lo + i
			if t < c.Washout || t+1 >= rows {
				continue
			}
			copy(des[k*D:k*D+F], feat[i*F:(i+1)*F])
			for j := 0; j < dim; j++ {
				des[k*D+F+j] = float32(x[t*dim+j])
				tgt[k*dim+j] = float32(x[(t+1)*dim+j])
			}
			k++
		}
		AddRows(g, des[:k*D], D, tgt[:k*dim], dim, k)
		tFit += time.Since(t1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	fit.TrainRows = g.Rows
	fit.NeuronSteps = int64(rows) * r.sampleSteps * int64(c.N)
	secs := float64(rows) * c.SampleMs / 1000
	NE := c.NumE()
	var se, si int64
	var below, above int
	for k, s := range r.counts {
		for _, cnt := range s.counts {
			rate := float64(cnt) / secs
			if rate < 1 {
				below++
			}
			if rate > 50 {
				above++
			}
			if k == 0 {
				se += cnt
			} else {
				si += cnt
			}
		}
	}
	fit.RateE = float64(se) / secs / float64(NE)
	if NI := c.N - NE; NI > 0 {
		fit.RateI = float64(si) / secs / float64(NI)
	}
	fit.BelowRate1Hz = float64(below) / float64(c.N)
	fit.AboveRate50Hz = float64(above) / float64(c.N)
	va, vy, err := r.splitRows(ctx, &d.Val, d.SeqLength)
	if err != nil {
		return nil, err
	}
	ta, ty, err := r.splitRows(ctx, &d.Test, d.SeqLength)
	if err != nil {
		return nil, err
	}
	fit.HarvestSeconds = (time.Since(t0) - tFit).Seconds()
	t1 := time.Now()
	nv, nt := len(vy)/dim, len(ty)/dim
	lin, _, err := g.solveVal(ctx, c.Lambdas, va, D, vy, nv)
	if err != nil {
		return nil, err
	}
	r.Readout = lin
	fit.Lambda = lin.Lambda
	fit.ValRMSE = rmseOrig(d, lin, va, D, vy, nv)
	fit.TestRMSE = rmseOrig(d, lin, ta, D, ty, nt)
	fit.TestMAE = maeOrig(d, lin, ta, D, ty, nt)
	sil := *lin
	sil.W = append([]float64(nil), lin.W...)
	for o := 0; o < dim; o++ {
		clear(sil.W[o*D : o*D+F])
	}
	fit.SilencedRMSE = rmseOrig(d, &sil, ta, D, ty, nt)
	// Input-only readout: the input block of the same statistics.
	g.symmetrize()
	gi := &Gram{F: dim, O: dim, Rows: g.Rows, G: make([]float64, dim*dim), C: make([]float64, dim*dim), sa: make([]float64, dim), sy: g.sy}
	for i := 0; i < dim; i++ {
		for j := 0; j < dim; j++ {
			gi.G[i*dim+j] = g.G[(F+i)*D+F+j]
			gi.C[i*dim+j] = g.C[(F+i)*dim+j]
		}
		gi.sa[i] = g.sa[F+i]
	}
	in, err := gi.Solve(0)
	if err != nil {
		return nil, err
	}
	fit.InputOnlyRMSE = rmseOrig(d, in, ta[F:], D, ty, nt)
	fit.FitSeconds = tFit.Seconds() + time.Since(t1).Seconds()
	return fit, nil
}

// splitRows harvests a split and returns the design rows [features after
// sample t, x_t] (float64, stride F+dim) and targets x_{t+1} for
// t = warm−1 … Len−2.
func (r *Reservoir) splitRows(ctx context.Context, s *tasks.Series, warm int) (a, y []float64, err error) {
	F, dim := r.F, r.dim
	D := F + dim
	n := s.Len - warm
	if n <= 0 {
		return nil, nil, param.New(pkg, "split "+s.Name, s.Len, fmt.Sprintf("> %d samples", warm))
	}
	a = make([]float64, n*D)
	y = make([]float64, n*dim)
	x := s.Data
	err = r.HarvestContext(ctx, x, s.Len-1, 0, func(lo, m int, feat []float32) error {
		for i := 0; i < m; i++ {
			t := lo + i
			k := t - (warm - 1)
			if k < 0 {
				continue
			}
			for j, v := range feat[i*F : (i+1)*F] {
				a[k*D+j] = float64(v)
			}
			copy(a[k*D+F:(k+1)*D], x[t*dim:(t+1)*dim])
			copy(y[k*dim:(k+1)*dim], x[(t+1)*dim:(t+2)*dim])
		}
		return nil
	})
	return a, y, err
}

// rmseOrig returns the RMSE in original units of readout l on rows a
// (stride lda) against normalized targets y.
func rmseOrig(d *tasks.Dataset, l *Linear, a []float64, lda int, y []float64, rows int) float64 {
	se, _ := errOrig(d, l, a, lda, y, rows)
	return se
}

func maeOrig(d *tasks.Dataset, l *Linear, a []float64, lda int, y []float64, rows int) float64 {
	_, ae := errOrig(d, l, a, lda, y, rows)
	return ae
}

func errOrig(d *tasks.Dataset, l *Linear, a []float64, lda int, y []float64, rows int) (rmse, mae float64) {
	p := make([]float64, rows*l.O)
	l.Predict(p, a, lda, rows)
	var se, ae float64
	for i, v := range p {
		e := float64((v - y[i]) * d.Std[i%d.Dim])
		se += float64(e * e)
		ae += math.Abs(e)
	}
	n := float64(len(p))
	return math.Sqrt(se / n), ae / n
}
