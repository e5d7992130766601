package kernel

import (
	"fmt"
	"math"
	"math/bits"
	"sort"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/neurons"
)

// maxLambda bounds the mean Poisson count per neuron and step.
const maxLambda = 500.0

// Philox2x64 applies the Philox-2×64-10 counter-based bijection (Salmon et
// al. 2011, "Parallel random numbers: as easy as 1, 2, 3") to the counter
// (c0, c1) under key: ten rounds of a 64×64→128-bit multiplication by
// 0xD2B74407B1CE6E93 with the key bumped by the golden-ratio constant between
// rounds. Every (key, counter) gives an independent-looking 128-bit output,
// so a stream is addressed by (seed, neuron, step) and needs no state.
func Philox2x64(c0, c1, key uint64) (uint64, uint64) {
	const m = 0xD2B74407B1CE6E93
	const w = 0x9E3779B97F4A7C15
	for range 10 {
		hi, lo := bits.Mul64(m, c0)
		c0, c1 = hi^key^c1, lo
		key += w
	}
	return c0, c1
}

// poissonTable samples Poisson(λ) counts with Walker's alias method (Vose's
// construction): one uniform u in [0, 1) picks column i = ⌊u·n⌋ and, with the
// fractional part of u·n as a second uniform, either i or its alias — one
// lookup and one comparison, no data-dependent loop. Probabilities are
// computed in float64 by p_k = p_{k−1}·λ/k from p_0 = e^{−λ}, up to the k
// beyond the mean where p_k < 2^−60 (the rest of the tail is folded into the
// last column).
type poissonTable struct {
	prob  []float64
	alias []int32
}

func newPoissonTable(lam float64) poissonTable {
	if lam <= 0 {
		return poissonTable{}
	}
	var p []float64
	pk := neurons.Exp(-lam)
	sum := 0.0
	for k := 0; ; k++ {
		if k > 0 {
			pk = float64(pk*lam) / float64(k)
		}
		p = append(p, pk)
		sum += pk
		if (float64(k) > lam && pk < 0x1p-60) || k > 100000 {
			break
		}
	}
	p[len(p)-1] += 1 - sum // the truncated tail (≤ 2^−60 relative)
	n := len(p)
	t := poissonTable{prob: make([]float64, n), alias: make([]int32, n)}
	scaled := make([]float64, n)
	var small, large []int
	for k, x := range p {
		scaled[k] = float64(x * float64(n))
		if scaled[k] < 1 {
			small = append(small, k)
		} else {
			large = append(large, k)
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small, large = small[:len(small)-1], large[:len(large)-1]
		t.prob[s], t.alias[s] = scaled[s], int32(l)
		scaled[l] = (scaled[l] + scaled[s]) - 1
		if scaled[l] < 1 {
			small = append(small, l)
		} else {
			large = append(large, l)
		}
	}
	for _, k := range large {
		t.prob[k], t.alias[k] = 1, int32(k)
	}
	for _, k := range small { // rounding leftovers
		t.prob[k], t.alias[k] = 1, int32(k)
	}
	return t
}

// draw returns the count for the uniform u in [0, 1).
func (t *poissonTable) draw(u float64) int {
	x := float64(u * float64(len(t.prob)))
	i := int(x)
	k := int(t.alias[i])
	if x-float64(i) < t.prob[i] {
		k = i
	}
	return k
}

// device is a prepared input device.
type device struct {
	plan   devPlan
	index  uint64
	key    uint64
	table  poissonTable
	weight float32
	ranges [][2]int // per worker: [a, b) into plan.neurons

	// time_series: sample k of series drives step range
	// [(origin+k)·seriesSteps, (origin+k+1)·seriesSteps)
	series   [][]float64
	origin   int
	replaced bool      // SetSeries replaced the spec's series (checkpoints carry it)
	w        []float32 // len(neurons) × dims
	cur      []float32 // current of each target neuron for the current sample (noise: interval)
	sample   []int     // per worker: the sample cur holds for its range (−1: none)

	// noise: see prepareNoise
	noiseAt     []int64 // per worker: the interval cur holds for its range (−1: none)
	dtMs        float64 // the step
	stdMod2     float64 // σ_mod² (pA²)
	cyclesPerMs float64 // frequency_hz/1000
	phase0      float64 // phase_deg/360 − 1/4 (cycles): sin(2πx) = cos(2π(x − 1/4))
}

// active reports whether step lies in the device's window [start, stop)
// (poisson; a stop of −1 never ends it). A step outside draws nothing, and
// the draws of the others do not depend on the window (counter-based
// streams of the step).
func (d *device) active(step int64) bool {
	return step >= int64(d.plan.start) && (d.plan.stop < 0 || step < int64(d.plan.stop))
}

// addCurrent adds the device's current at step to dc for the worker's range:
// float32 on the grid, float64 in precise mode (where dc and step_current
// amplitudes are then exact; noise and time_series currents are computed
// in float32 either way).
func addCurrent[T float32 | float64](d *device, dc []T, w int, step int64) {
	a, b := d.ranges[w][0], d.ranges[w][1]
	nr := d.plan.neurons
	switch d.plan.spec.Kind {
	case "dc":
		if step < int64(d.plan.start) || (d.plan.stop >= 0 && step >= int64(d.plan.stop)) {
			return
		}
		amp := T(d.plan.spec.AmplitudePA)
		for _, j := range nr[a:b] {
			dc[j] += amp
		}
	case "step_current":
		t := d.plan.times
		i := sort.Search(len(t), func(i int) bool { return int64(t[i]) > step }) - 1
		if i < 0 {
			return
		}
		amp := T(d.plan.spec.AmplitudesPA[i])
		for _, j := range nr[a:b] {
			dc[j] += amp
		}
	case "noise":
		if step < int64(d.plan.start) || (d.plan.stop >= 0 && step >= int64(d.plan.stop)) {
			return
		}
		if j := (step - int64(d.plan.start)) / int64(d.plan.noiseSteps); d.noiseAt[w] != j {
			d.noiseAt[w] = j
			d.drawNoise(w, j)
		}
		for k := a; k < b; k++ {
			dc[nr[k]] += T(d.cur[k])
		}
	case "time_series":
		s := max(0, int(step/int64(d.plan.seriesSteps))-d.origin)
		if s >= len(d.series) {
			s = len(d.series) - 1 // hold the last sample
		}
		if d.sample[w] != s {
			d.sample[w] = s
			x := d.series[s]
			dims := len(x)
			for k := a; k < b; k++ {
				row := d.w[k*dims : (k+1)*dims]
				acc := float32(0)
				for i, xi := range x {
					acc += float32(row[i] * float32(xi))
				}
				d.cur[k] = acc
			}
		}
		for k := a; k < b; k++ {
			dc[nr[k]] += T(d.cur[k])
		}
	}
}

// addPoisson adds the Poisson input of step to slot for the worker's range.
// Neuron j's count comes from the 64-bit word j mod 2 of
// Philox(key; step, ⌊j/2⌋ | device index), converted to a uniform in [0, 1)
// with 53 bits: one Philox call serves two neurons, and each neuron's stream
// depends only on (seed, device, neuron, step), never on the partition.
func (d *device) addPoisson(slot []float32, w int, step int64) {
	if d.table.prob == nil || !d.active(step) {
		return
	}
	a, b := d.ranges[w][0], d.ranges[w][1]
	wt := d.weight
	last := -1
	var r [2]uint64
	for _, j := range d.plan.neurons[a:b] {
		if pair := j >> 1; pair != last {
			r[0], r[1] = Philox2x64(uint64(step), uint64(pair)<<16|d.index, d.key)
			last = pair
		}
		if k := d.table.draw(uniform53(r[j&1])); k > 0 {
			slot[j] += float32(float32(k) * wt)
		}
	}
}

// uniform53 returns the top 53 bits of x as a uniform in [0, 1), the
// product rounded (exact anyway; no fused multiply-add with what follows).
func uniform53(x uint64) float64 { return float64(float64(x>>11) * 0x1p-53) }

// poissonOffsetKey derives the key of a Poisson device's spike offsets in
// precise mode from its count key: the offsets are a stream of their own, so
// the counts stay those of the grid mode.
const poissonOffsetKey = 0x5851f42d4c957f2d

// poissonCounts is addPoisson's draw in precise mode: it appends to ks the
// counts of the device's neurons js (a run of its list) in step, and
// returns ks. Neuron j draws the same count k as on the grid; poissonPut
// gives its spikes their times.
func (d *device) poissonCounts(ks []int32, js []int, step int64) []int32 {
	if d.table.prob == nil || !d.active(step) {
		return append(ks, make([]int32, len(js))...)
	}
	last := -1
	var r [2]uint64
	for _, j := range js {
		if pair := j >> 1; pair != last {
			r[0], r[1] = Philox2x64(uint64(step), uint64(pair)<<16|d.index, d.key)
			last = pair
		}
		ks = append(ks, int32(d.table.draw(uniform53(r[j&1]))))
	}
	return ks
}

// poissonPut writes the ks[i] spikes of each neuron js[i] in step to their
// places in out (cnt[j − b0]: neuron j's next place; Seq: the place), as
// events of the device's weight on its receptor at offsets h·(1 − u) in
// (0, h], u uniform in [0, 1) with 53 bits from the words of Philox(key ⊕
// poissonOffsetKey ⊕ block·φ; step, j | device index), two per block:
// neuron j's stream depends only on (seed, device, neuron, step).
func (d *device) poissonPut(out []events.Event, cnt []int32, b0 int, js []int, ks []int32, step int64, h float64) {
	recep := int32(d.plan.recep)
	for i, j := range js {
		var o [2]uint64
		for s := range ks[i] {
			if s&1 == 0 {
				key := d.key ^ poissonOffsetKey ^ uint64(s>>1)*0x9e3779b97f4a7c15
				o[0], o[1] = Philox2x64(uint64(step), uint64(j)<<16|d.index, key)
			}
			at := cnt[j-b0]
			e := &out[at] // field by field: see putRow
			e.Off, e.W, e.Target, e.Recep, e.Seq = h*(1-uniform53(o[s&1])), d.weight, int32(j), recep, at
			cnt[j-b0] = at + 1
		}
	}
}

// addSpikes adds the spike-source events received in step to slot.
func (d *device) addSpikes(slot []float32, w int, step int64) {
	t := d.plan.times
	i := sort.SearchInts(t, int(step))
	a, b := d.ranges[w][0], d.ranges[w][1]
	for ; i < len(t) && int64(t[i]) == step; i++ {
		for _, j := range d.plan.neurons[a:b] {
			slot[j] += d.weight
		}
	}
}

// defaultNoiseSteps is the default interval of a noise device in steps:
// NEST's noise_generator default dt, 10 × the resolution (1 ms at 0.1 ms).
const defaultNoiseSteps = 10

// resolveNoise validates the fields of a noise device and fills in dp's
// window (start, stop) and interval (noiseSteps); where names the device.
func resolveNoise(where string, d DeviceSpec, dp *devPlan, dt float64) error {
	if err := param.First(
		currentPA(where+".mean_pa", d.MeanPA),
		param.NonNegative(pkg, where+".std_pa", d.StdPA),
		currentPA(where+".std_pa", d.StdPA),
		param.NonNegative(pkg, where+".std_mod_pa", d.StdModPA),
	); err != nil {
		return err
	}
	if d.StdModPA > d.StdPA {
		return param.New(pkg, where+".std_mod_pa", d.StdModPA, fmt.Sprintf("≤ std_pa = %g (the variance σ² + σ_mod²·sin(…) must stay ≥ 0)", d.StdPA))
	}
	if err := param.First(
		param.NonNegative(pkg, where+".frequency_hz", d.FrequencyHz),
		param.Finite(pkg, where+".phase_deg", d.PhaseDeg),
	); err != nil {
		return err
	}
	dp.noiseSteps = defaultNoiseSteps
	if d.NoiseDtMs != 0 {
		k, err := steps(where+".noise_dt_ms", d.NoiseDtMs, dt)
		if err != nil || k < 1 {
			return param.New(pkg, where+".noise_dt_ms", d.NoiseDtMs, fmt.Sprintf("0 (default: 10·dt) or a positive multiple of dt = %g ms", dt))
		}
		dp.noiseSteps = k
	}
	return resolveWindow(where, d, dt, dp)
}

// maxCurrentPA bounds the currents of devices (pA): far beyond any neuron,
// and small enough that a current (a noise device's mean plus ξ standard
// deviations, |ξ| < 40) stays finite in float32.
const maxCurrentPA = 1e30

// currentPA reports whether x is a valid device current (pA), naming name.
func currentPA(name string, x float64) error {
	if !(math.Abs(x) <= maxCurrentPA) {
		return param.New(pkg, name, x, "finite, at most 1e30 pA in magnitude")
	}
	return nil
}

// prepareNoise allocates a noise device's per-neuron currents and derives
// the constants of its modulation, for W workers and step dtMs.
func (d *device) prepareNoise(W int, dtMs float64) {
	d.dtMs = dtMs
	sp := d.plan.spec
	d.cur = make([]float32, len(d.plan.neurons))
	d.noiseAt = make([]int64, W)
	for w := range d.noiseAt {
		d.noiseAt[w] = -1
	}
	d.stdMod2 = float64(sp.StdModPA * sp.StdModPA)
	d.cyclesPerMs = sp.FrequencyHz / 1000
	d.phase0 = sp.PhaseDeg/360 - 0.25
}

// noiseStd returns the standard deviation (pA) of interval j of a noise
// device: σ, or with modulation √(σ² + σ_mod²·sin(2π·f·t_j + φ)) where t_j
// (ms) is the end of the interval's first step counted from the start of
// the device's window: NEST's noise_generator runs its oscillator only
// while active, from its activation (within one Simulate call; NEST
// restarts it at every call, which a split run here does not). The sine is detmath.Cos of the phase reduced to
// one cycle, with every product rounded: the same bits everywhere.
func (d *device) noiseStd(j int64) float64 {
	std := d.plan.spec.StdPA
	if d.stdMod2 == 0 {
		return std
	}
	tMs := float64(float64(j*int64(d.plan.noiseSteps)+1) * d.dtMs)
	x := float64(d.cyclesPerMs*tMs) + d.phase0
	x -= math.Floor(x)
	sin := detmath.Cos(float64(2 * math.Pi * x))
	return math.Sqrt(max(0, float64(d.stdMod2*sin)+float64(std*std)))
}

// drawNoise sets cur for the worker's range to the currents of interval j:
// mean + std·ξ. Neuron n's ξ is the ziggurat deviate (zigFast, zigSlow,
// kernel/ziggurat.go) of word n mod 2 of Philox(key; j, ⌊n/2⌋<<16 |
// device index) — one Philox call serves two neurons on the fast path —
// with the rare further blocks it needs from that counter under derived
// keys, so each neuron's current depends only on (seed, device, neuron,
// interval): not on the workers, the run's split or the kernel path.
func (d *device) drawNoise(w int, j int64) {
	a, b := d.ranges[w][0], d.ranges[w][1]
	mean := d.plan.spec.MeanPA
	std := d.noiseStd(j)
	if std == 0 {
		for k := a; k < b; k++ {
			d.cur[k] = float32(mean)
		}
		return
	}
	nr := d.plan.neurons
	cur := d.cur[a:b]
	last := -1
	var r [2]uint64
	var c1 uint64
	for k, n := range nr[a:b] {
		if pair := n >> 1; pair != last {
			c1 = uint64(pair)<<16 | d.index
			r[0], r[1] = Philox2x64(uint64(j), c1, d.key)
			last = pair
		}
		s := uint64(n & 1)
		z, ok := zigFast(r[s])
		if !ok {
			z = zigSlow(r[s], uint64(j), c1, d.key, s)
		}
		cur[k] = float32(float64(std*z) + mean)
	}
}
