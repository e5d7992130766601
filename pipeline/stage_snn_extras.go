package pipeline

import (
	"context"
	"fmt"
	"math"
	"os"

	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/synapses"
)

// snnExtrasStage is notebook 03's c5 (the Heaviside spike function and its
// surrogate gradients) and c28 (E against I input currents of the trained
// SNN and the reservoir), on the models the snn stage saved.
func snnExtrasStage() Stage {
	return Stage{
		Name:  "snn-extras",
		Title: "03 · c5 and c28: the Heaviside and its surrogate gradients; E against I input currents of the spiking networks",
		Needs: []string{"snn"},
		// It reads the snn stage's models: the same configuration key.
		Key: func(c *Config) any { return snnStage().Key(c) },
		Run: runSNNExtras,
	}
}

// SurrogateCurve is one curve of notebook 03's c5: Scale·S.Deriv(x) at
// the figure's points (Scale 2 draws nb03's inline fast sigmoid
// α/(1+α|x|)², twice learn's FastSigmoid).
type SurrogateCurve struct {
	Name  string
	S     learn.Surrogate
	Scale float64
	Y     []float64
}

// SurrogateCurves returns, at xs (x = v − θ), every surrogate derivative
// learn has at its default α, then the reference's: SuperSpike at α = 1
// (norse 1.1.0 ignores α, tutorial-spec §2.3: what nb03 trained with) and
// α = 100 (norse 1.0 and master), nb03 c5's inline fast sigmoid at α = 25
// (plotted there, never trained), and ours, the trained SNN's surrogate.
func SurrogateCurves(xs []float64, ours learn.Surrogate) []SurrogateCurve {
	var out []SurrogateCurve
	add := func(name string, s learn.Surrogate, scale float64) {
		s = s.WithDefaults()
		y := make([]float64, len(xs))
		for i, x := range xs {
			y[i] = scale * s.Deriv(x)
		}
		out = append(out, SurrogateCurve{Name: name, S: s, Scale: scale, Y: y})
	}
	for _, k := range []learn.SurrogateKind{learn.SuperSpike, learn.FastSigmoid, learn.Triangle, learn.SigmoidSurrogate, learn.StraightThrough, learn.Arctan} {
		s := learn.Surrogate{Kind: k}.WithDefaults()
		name := fmt.Sprintf("%s α=%g", k, s.Alpha)
		if k == learn.StraightThrough {
			name = k.String()
		}
		add(name, s, 1)
	}
	add("reference: superspike α=1 (norse 1.1.0)", learn.Surrogate{Kind: learn.SuperSpike, Alpha: 1}, 1)
	add("norse 1.0/master: superspike α=100", learn.Surrogate{Kind: learn.SuperSpike, Alpha: 100}, 1)
	add("nb03 c5 plot: α/(1+α|x|)², α=25", learn.Surrogate{Kind: learn.FastSigmoid, Alpha: 25}, 2)
	o := ours.WithDefaults()
	add(fmt.Sprintf("ours (trained SNN): %s α=%g", o.Kind, o.Alpha), o, 1)
	return out
}

// learnSurrogates is the number of SurrogateCurves drawn in the panel of
// learn's kinds (the rest are the reference's and ours).
const learnSurrogates = 6

// EICurrents accumulates the recurrent input currents into the E neurons
// of a network, pooled over every E neuron and every step by
// rate.Currents, with the definitions of rate.Balance (notebook 02's,
// which notebook 03's c28 applies to the spiking networks): exc_i =
// Σ_{j∈E} W_ij s_j (excitatory), inh_i = Σ_{j∈I} |W_ij| s_j (inhibitory,
// as a magnitude), net = exc − inh. It also counts the pairs without
// input and keeps an evenly strided sample of (exc, inh) pairs for a
// scatter plot.
type EICurrents struct {
	cur    *rate.Currents
	silent int
	// cnt counts the pairs added, stride the pairs per sampled one.
	stride, cnt int
	// Exc and Inh are the sampled pairs.
	Exc, Inh []float64
}

// NewEICurrents returns an accumulator for ne E neurons over about total
// (neuron, step) pairs, keeping at most about maxPoints of them.
func NewEICurrents(ne, total, maxPoints int) *EICurrents {
	return &EICurrents{cur: rate.NewCurrents(ne), stride: max(1, total/max(maxPoints, 1))}
}

// AddStep adds one step's currents into the E neurons (exc and inh of
// length ne).
func (a *EICurrents) AddStep(exc, inh []float64) {
	a.cur.Add(exc, inh)
	for i, e := range exc {
		in := inh[i]
		if e == 0 && in == 0 {
			a.silent++
		}
		if a.cnt++; a.cnt%a.stride == 0 {
			a.Exc, a.Inh = append(a.Exc, e), append(a.Inh, in)
		}
	}
}

// Silent returns the fraction of (neuron, step) pairs without recurrent
// input (exc = inh = 0).
func (a *EICurrents) Silent() float64 {
	return float64(a.silent) / float64(max(1, a.cnt))
}

// Balance returns the current statistics of rate.Balance (the rate fields
// are left zero): means and standard deviations, Ratio, Cancellation,
// Correlation and BalanceRatio; States is the number of steps.
func (a *EICurrents) Balance() rate.Balance { return a.cur.Balance() }

// SpikeCurrents computes the recurrent input currents into the E neurons
// from a recorded run: step t (the interval (t·dt, (t+1)·dt] of the
// recording) contributes, for every spike in it, what add puts into exc
// and inh (the spiking neuron's outgoing weights onto E neurons), i.e. the
// input those spikes deliver to the next step (after the synaptic delay).
// Every step counts, also those without spikes.
func SpikeCurrents(rec *snn.SpikeRecord, dtMs float64, add func(src int, exc, inh []float64), maxPoints int) *EICurrents {
	steps := int(math.Round(rec.DurationMs / dtMs))
	ne := rec.NE
	a := NewEICurrents(ne, steps*ne, maxPoints)
	// Spikes by step (a reservoir's record is in time order only within
	// each population's blocks).
	ptr := make([]int, steps+1)
	stepOf := func(t float64) int {
		return min(max(int(math.Ceil(t/dtMs-1e-9))-1, 0), steps-1)
	}
	for _, t := range rec.TimesMs {
		ptr[stepOf(t)+1]++
	}
	for t := 0; t < steps; t++ {
		ptr[t+1] += ptr[t]
	}
	order := make([]int32, len(rec.TimesMs))
	fill := append([]int(nil), ptr[:steps]...)
	for k, t := range rec.TimesMs {
		s := stepOf(t)
		order[fill[s]] = rec.IDs[k]
		fill[s]++
	}
	exc, inh := make([]float64, ne), make([]float64, ne)
	for t := 0; t < steps; t++ {
		clear(exc)
		clear(inh)
		for _, id := range order[ptr[t]:ptr[t+1]] {
			add(int(id), exc, inh)
		}
		a.AddStep(exc, inh)
	}
	return a
}

// denseAdd is SpikeCurrents' add for a dense signed weight matrix (N×N,
// row = postsynaptic neuron, E first; inhibitory columns negative).
func denseAdd(w []float64, n, ne int) func(src int, exc, inh []float64) {
	return func(src int, exc, inh []float64) {
		if src < ne {
			for i := 0; i < ne; i++ {
				exc[i] += w[i*n+src]
			}
			return
		}
		for i := 0; i < ne; i++ {
			inh[i] -= w[i*n+src]
		}
	}
}

// csrAdd is SpikeCurrents' add for sparse projections onto the E
// population: ee from the E population, ie from the I population (E
// neurons numbered first in the record; nil: no such projection);
// weights as magnitudes.
func csrAdd(ee, ie *synapses.CSR, ne int) func(src int, exc, inh []float64) {
	row := func(c *synapses.CSR, j int, dst []float64) {
		if c == nil {
			return
		}
		lo, hi := c.Row(j)
		for k := lo; k < hi; k++ {
			dst[c.Target[k]] += math.Abs(float64(c.W(k)))
		}
	}
	return func(src int, exc, inh []float64) {
		if src < ne {
			row(ee, src, exc)
		} else {
			row(ie, src-ne, inh)
		}
	}
}

// reservoirOntoE returns the reservoir's projections E→E and I→E (nil if
// absent), found in its spec's order.
func reservoirOntoE(r *snn.Reservoir, dim int) (ee, ie *synapses.CSR, err error) {
	spec, err := r.Config().Spec(dim)
	if err != nil {
		return nil, nil, err
	}
	for i, p := range spec.Projections {
		switch {
		case p.Source == "E" && p.Target == "E":
			ee = r.Network().Projection(i)
		case p.Source == "I" && p.Target == "E":
			ie = r.Network().Projection(i)
		}
	}
	return ee, ie, nil
}

// storedSpikes returns the path of the snn stage's snn.h5, which holds
// the spikes of its networks on the test split, and whether it is there
// (the stage writes none when neurodyn is built without HDF5).
func storedSpikes(r *Run) (string, bool) {
	h5, ok := stageFile(r, "snn", "snn.h5")
	if !ok {
		return "", false
	}
	_, err := os.Stat(h5)
	return h5, err == nil
}

// testSpikes returns a network's spikes while it streams the test split:
// the recording the snn stage stored as group in its HDF5 file h5 when
// stored (readSpikeGroup: n neurons, ne excitatory, over durationMs), or
// else a new one from record. Both are the same spikes: the stage
// recorded them from the models this stage reads.
func testSpikes(h5 string, stored bool, group string, n, ne int, durationMs float64, record func() (*snn.SpikeRecord, error)) (*snn.SpikeRecord, error) {
	if !stored {
		return record()
	}
	return readSpikeGroup(h5, group, n, ne, durationMs)
}

// eiScatterPoints bounds the (exc, inh) pairs kept for each scatter.
const eiScatterPoints = 20000

func runSNNExtras(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("snn-extras")
	if err != nil {
		return nil, err
	}
	d, err := r.Lorenz()
	if err != nil {
		return nil, err
	}
	res := &Result{Metrics: map[string]float64{}}

	// c5: the spike function and its surrogates.
	spath, err := stageModelPath(r, "snn", "snn_lorenz.npz")
	if err != nil {
		return nil, err
	}
	sm, err := LoadModel(spath)
	if err != nil {
		return nil, err
	}
	m := sm.SNN
	if m == nil {
		return nil, fmt.Errorf("pipeline: %s holds a %s model, not a trained SNN", spath, sm.Meta.Kind)
	}
	cfg := m.Config()
	xs := make([]float64, 4001)
	for i := range xs {
		xs[i] = -1 + 2*float64(i)/float64(len(xs)-1)
	}
	curves := SurrogateCurves(xs, cfg.Surrogate)
	p, err := r.surrogateFigure(dir, xs, curves)
	if err != nil {
		return nil, err
	}
	res.Figures = append(res.Figures, p)
	res.Notes = append(res.Notes,
		"Spike function and surrogates (nb03 c5): the forward pass is the Heaviside H(v − θ) with H(0) = 0; the backward pass uses the surrogate derivative g(v − θ). Every kind learn has is drawn at its default α, beside the reference's: SuperSpike 1/(α|x| + 1)², whose α norse 1.1.0 ignores (effectively α = 1, tutorial-spec §2.3; norse 1.0 and master use α = 100), and the fast sigmoid α/(1+α|x|)² with α 25 that nb03 c5 plots but never trains (tutorial-spec §2.3: \"plotted but never trained or evaluated\").",
		fmt.Sprintf("The trained SNN here uses %s with α = %g.", cfg.Surrogate.WithDefaults().Kind, cfg.Surrogate.WithDefaults().Alpha))

	// c28: E against I input currents while each network streams the test
	// split.
	r.Logf("  E and I currents of the trained SNN")
	h5, stored := storedSpikes(r)
	cw := cfg.WithDefaults()
	N := cfg.N()
	recS, err := testSpikes(h5, stored, "snn/test_spikes", N, cfg.NE, float64(d.Test.Len*cw.SubSteps)*cw.DtMs, func() (*snn.SpikeRecord, error) {
		rec, _, err := m.RecordSpikes(d.Test.Data, d.Test.Len)
		return rec, err
	})
	if err != nil {
		return nil, err
	}
	w := f64(m.Recurrent())
	curS := SpikeCurrents(recS, cw.DtMs, denseAdd(w, N, cfg.NE), eiScatterPoints)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rpath, err := stageModelPath(r, "snn", "reservoir_lorenz.npz")
	if err != nil {
		return nil, err
	}
	rm, err := LoadModel(rpath)
	if err != nil {
		return nil, err
	}
	defer rm.Close()
	res0 := rm.Reservoir
	if res0 == nil {
		return nil, fmt.Errorf("pipeline: %s holds a %s model, not a reservoir", rpath, rm.Meta.Kind)
	}
	r.Logf("  E and I currents of the reservoir")
	rcfg := res0.Config().WithDefaults()
	sampleSteps := int(math.Round(rcfg.SampleMs / rcfg.DtMs))
	recR, err := testSpikes(h5, stored, "reservoir/test_spikes", rcfg.N, rcfg.NumE(), float64(d.Test.Len*sampleSteps)*rcfg.DtMs, func() (*snn.SpikeRecord, error) {
		rec, _, err := res0.RecordSpikes(d.Test.Data, d.Test.Len)
		return rec, err
	})
	if err != nil {
		return nil, err
	}
	ee, ie, err := reservoirOntoE(res0, d.Dim)
	if err != nil {
		return nil, err
	}
	curR := SpikeCurrents(recR, rcfg.DtMs, csrAdd(ee, ie, recR.NE), eiScatterPoints)

	bS, bR := curS.Balance(), curR.Balance()
	for _, x := range []struct {
		key string
		b   rate.Balance
		c   *EICurrents
	}{{"snn", bS, curS}, {"reservoir", bR, curR}} {
		k := x.key + ".currents."
		put(res.Metrics, k+"silent", x.c.Silent())
		put(res.Metrics, k+"exc_mean", x.b.ExcMean)
		put(res.Metrics, k+"exc_std", x.b.ExcStd)
		put(res.Metrics, k+"inh_mean", x.b.InhMean)
		put(res.Metrics, k+"inh_std", x.b.InhStd)
		put(res.Metrics, k+"net_mean", x.b.NetMean)
		put(res.Metrics, k+"net_std", x.b.NetStd)
		put(res.Metrics, k+"ratio", x.b.Ratio)
		put(res.Metrics, k+"cancellation", x.b.Cancellation)
		put(res.Metrics, k+"correlation", x.b.Correlation)
		put(res.Metrics, k+"balance_ratio", x.b.BalanceRatio)
		res.Metrics[k+"steps"] = float64(x.b.States)
	}
	ms := func(m, s float64) string { return fmt.Sprintf("%.4g ± %.4g", m, s) }
	res.Tables = append(res.Tables, Table{
		Title:  "E against I recurrent input currents into E neurons while each network streams the test split (nb03 c28; the definitions of the rate network's balance table)",
		Header: []string{"quantity", "trained SNN", "LIF reservoir", "reference (nb03 c28): trained / reservoir"},
		Rows: [][]string{
			{"steps × E neurons pooled", fmt.Sprintf("%d × %d", bS.States, recS.NE), fmt.Sprintf("%d × %d", bR.States, recR.NE), "—"},
			{"pairs without recurrent input", fmt.Sprintf("%.1f%%", 100*curS.Silent()), fmt.Sprintf("%.1f%%", 100*curR.Silent()), "—"},
			{"E→E current, mean ± std", ms(bS.ExcMean, bS.ExcStd), ms(bR.ExcMean, bR.ExcStd), "—"},
			{"I→E current (magnitude), mean ± std", ms(bS.InhMean, bS.InhStd), ms(bR.InhMean, bR.InhStd), "—"},
			{"net current, mean ± std", ms(bS.NetMean, bS.NetStd), ms(bR.NetMean, bR.NetStd), "—"},
			{"ratio mean|E| / mean|net|", num(bS.Ratio), num(bR.Ratio), "—"},
			{"cancellation 1 − mean|net| / (mean|E| + mean|I|)", num(bS.Cancellation), num(bR.Cancellation), "0.052 / 0.243"},
			{"correlation of E and I currents", num(bS.Correlation), num(bR.Correlation), "−0.134 / 0.185"},
			{"balance ratio |ΣE − ΣI| / (|ΣE| + |ΣI|)", num(bS.BalanceRatio), num(bR.BalanceRatio), "—"},
		}})
	res.Notes = append(res.Notes,
		fmt.Sprintf("Currents (nb03 c28): for every step, the recurrent input the step's spikes deliver to each E neuron, exc = Σ_E W·s and inh = Σ_I |W|·s, pooled over every E neuron and every step (also the silent ones), as the rate network's balance table pools states. Trained SNN: effective weights (Dale's law applied), %g ms steps, %d samples of the test split; reservoir: the current jumps of its E→E and I→E synapses in pA, %g ms steps, the same samples.",
			cfg.WithDefaults().DtMs, d.Test.Len, rcfg.DtMs))
	if rcfg.DynamicSynapses {
		res.Notes = append(res.Notes, "The reservoir's synapses are dynamic: its currents use the stored weights w, not each spike's efficacy w·u·x.")
	}
	p, err = r.eiFigure(dir, []string{"trained SNN", "LIF reservoir"}, []*EICurrents{curS, curR}, []rate.Balance{bS, bR}, []string{"weight units", "pA"})
	if err != nil {
		return nil, err
	}
	res.Figures = append(res.Figures, p)
	spikes := "recorded again from the models (the snn stage left no snn.h5)"
	if stored {
		spikes = "read from " + r.Rel(h5)
	}
	res.Notes = append(res.Notes, fmt.Sprintf("Models read from %s and %s (made by the snn stage); their spikes on the test split %s.", r.Rel(spath), r.Rel(rpath), spikes))
	return res, ctx.Err()
}
