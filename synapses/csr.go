package synapses

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

const pkg = "synapses"

// CSR is the connectivity of one projection, stored by source (see the
// package doc). Rows are sorted by target.
type CSR struct {
	NSrc, NTgt int
	Ptr        []uint64  // len NSrc+1; row i is [Ptr[i], Ptr[i+1])
	Target     []uint32  // target index of each synapse
	Weight     []float32 // per-synapse weight, or nil: every weight is Const
	Const      float32   // the weight of every synapse when Weight is nil
	Delay      []uint16  // per-synapse delay in steps, or nil: every delay is DelaySteps
	DelaySteps int       // the delay of every synapse when Delay is nil
}

// Len returns the number of synapses.
func (c *CSR) Len() int { return len(c.Target) }

// Row returns the half-open synapse index range of source i.
func (c *CSR) Row(i int) (lo, hi uint64) { return c.Ptr[i], c.Ptr[i+1] }

// W returns the weight of synapse k.
func (c *CSR) W(k uint64) float32 {
	if c.Weight == nil {
		return c.Const
	}
	return c.Weight[k]
}

// D returns the delay in steps of synapse k.
func (c *CSR) D(k uint64) int {
	if c.Delay == nil {
		return c.DelaySteps
	}
	return int(c.Delay[k])
}

// MaxDelay and MinDelay return the largest and smallest delay in steps.
func (c *CSR) MaxDelay() int {
	if c.Delay == nil || len(c.Delay) == 0 {
		return c.DelaySteps
	}
	m := 0
	for _, d := range c.Delay {
		m = max(m, int(d))
	}
	return m
}

// MinDelay returns the smallest delay in steps.
func (c *CSR) MinDelay() int {
	if c.Delay == nil || len(c.Delay) == 0 {
		return c.DelaySteps
	}
	m := math.MaxInt
	for _, d := range c.Delay {
		m = min(m, int(d))
	}
	return m
}

// Bytes returns the memory held by the connectivity arrays.
func (c *CSR) Bytes() int64 {
	return int64(8*len(c.Ptr) + 4*len(c.Target) + 4*len(c.Weight) + 2*len(c.Delay))
}

// BytesPerSynapse returns the memory per synapse of the per-synapse arrays
// (target, weight, delay), excluding the row pointers.
func (c *CSR) BytesPerSynapse() float64 {
	if len(c.Target) == 0 {
		return 0
	}
	return float64(4*len(c.Target)+4*len(c.Weight)+2*len(c.Delay)) / float64(len(c.Target))
}

// Split returns, for a partition of the targets into the consecutive ranges
// [bounds[w], bounds[w+1]), the index in Target of the first synapse of each
// row whose target is ≥ bounds[w], for w = 1 … len(bounds)−2 (the first and
// last are Ptr[i] and Ptr[i+1]): out[w−1][i]. Rows must be sorted by target,
// which every builder guarantees.
func (c *CSR) Split(bounds []int) [][]uint64 {
	if len(bounds) < 3 {
		return nil
	}
	out := make([][]uint64, len(bounds)-2)
	for w := range out {
		out[w] = make([]uint64, c.NSrc)
	}
	for i := range c.NSrc {
		lo, hi := c.Ptr[i], c.Ptr[i+1]
		row := c.Target[lo:hi]
		for w := range out {
			b := uint32(bounds[w+1])
			out[w][i] = lo + uint64(sort.Search(len(row), func(k int) bool { return row[k] >= b }))
		}
	}
	return out
}

// Rule selects how pairs are connected.
type Rule struct {
	// Kind is one of "fixed_prob" (each pair independently with probability
	// P: binomial in- and out-degrees), "fixed_indegree" (each target gets K
	// sources), "fixed_outdegree" (each source gets K targets), "all_to_all".
	Kind string `toml:"kind" json:"kind"`
	// P is the connection probability of fixed_prob, in [0, 1].
	P float64 `toml:"p" json:"p"`
	// K is the degree of fixed_indegree and fixed_outdegree, ≥ 0.
	K int `toml:"k" json:"k"`
	// Autapses allows i→i connections when source and target are the same
	// population (default false).
	Autapses bool `toml:"autapses" json:"autapses"`
	// Multapses allows repeated pairs in the fixed-degree rules (default
	// false: the K partners are distinct).
	Multapses bool `toml:"multapses" json:"multapses"`
}

// MaxSynapses bounds the synapses of one projection built from a rule: a
// rule whose synapse count (N·K for the fixed-degree rules, expected
// p·N_src·N_tgt for fixed_prob, N_src·N_tgt for all_to_all) exceeds it is
// invalid. 2^32 synapses are 17–43 GB (4 to 10 bytes per synapse, see the
// package doc), more than one node holds; the bound turns a degree typed
// wrong (e.g. K = 1e9 with multapses) into an error instead of an
// exhausted memory.
const MaxSynapses = 1 << 32

// Validate checks the rule for nSrc sources and nTgt targets (same: source
// and target are the same population, so that autapses are i→i) and reports
// the first invalid field: kind, p, k, or a synapse count above MaxSynapses.
// Build runs it.
func (r Rule) Validate(nSrc, nTgt int, same bool) error {
	auto := !same || r.Autapses
	pairs := float64(nSrc) * float64(nTgt)
	switch r.Kind {
	case "fixed_prob":
		if !(r.P >= 0 && r.P <= 1) {
			return param.New(pkg, "rule.p", r.P, "in [0, 1]")
		}
		if r.P*pairs > MaxSynapses {
			return param.New(pkg, "rule.p", r.P, fmt.Sprintf("at most %.4g: %d × %d neurons × p must not exceed %d synapses", MaxSynapses/pairs, nSrc, nTgt, int64(MaxSynapses)))
		}
	case "fixed_outdegree", "fixed_indegree":
		// each of n neurons gets K partners among avail
		n, avail, partners := nSrc, nTgt, "targets"
		if r.Kind == "fixed_indegree" {
			n, avail, partners = nTgt, nSrc, "sources"
		}
		if !auto {
			avail--
		}
		if r.K < 0 || (!r.Multapses && r.K > avail) || (avail <= 0 && r.K > 0) {
			return param.New(pkg, "rule.k", r.K, fmt.Sprintf("in [0, %d] (distinct %s available)", max(avail, 0), partners))
		}
		if float64(r.K)*float64(n) > MaxSynapses {
			return param.New(pkg, "rule.k", r.K, fmt.Sprintf("at most %d: %d neurons × k must not exceed %d synapses", int64(MaxSynapses)/int64(n), n, int64(MaxSynapses)))
		}
	case "all_to_all":
		if pairs > MaxSynapses {
			return param.New(pkg, "rule.kind", r.Kind, fmt.Sprintf("a sparser rule: %d × %d neurons exceed %d synapses", nSrc, nTgt, int64(MaxSynapses)))
		}
	default:
		return param.New(pkg, "rule.kind", r.Kind, "one of fixed_prob, fixed_indegree, fixed_outdegree, all_to_all")
	}
	return nil
}

// Weights describes how synaptic weights are drawn.
type Weights struct {
	// Dist is "constant" (default when empty), "uniform" [Low, High),
	// "normal" (Mean, Std) or "lognormal" (Mean, Std of the weight itself).
	// Validate refuses a field the dist does not take (mean and std without
	// dist would otherwise leave every weight at value).
	Dist  string  `toml:"dist" json:"dist"`
	Value float64 `toml:"value" json:"value"` // the constant weight
	Mean  float64 `toml:"mean" json:"mean"`
	Std   float64 `toml:"std" json:"std"`
	Low   float64 `toml:"low" json:"low"`
	High  float64 `toml:"high" json:"high"`
	// Sign enforces Dale's law by the source population's sign: +1 makes
	// every weight |w|, −1 makes it −|w|, 0 keeps the drawn sign.
	Sign int `toml:"sign" json:"sign"`
}

// Validate reports the first invalid field.
func (w Weights) Validate() error {
	if w.Sign < -1 || w.Sign > 1 {
		return param.New(pkg, "weights.sign", w.Sign, "one of -1, 0, +1")
	}
	if err := w.checkFields(); err != nil {
		return err
	}
	switch w.Dist {
	case "", "constant":
		return param.Finite(pkg, "weights.value", w.Value)
	case "uniform":
		if !(w.Low <= w.High) || math.IsInf(w.Low, 0) || math.IsInf(w.High, 0) {
			return param.New(pkg, "weights.high", w.High, fmt.Sprintf("finite and >= weights.low (%g)", w.Low))
		}
	case "normal":
		return param.First(param.Finite(pkg, "weights.mean", w.Mean), param.NonNegative(pkg, "weights.std", w.Std))
	case "lognormal":
		return param.First(param.Positive(pkg, "weights.mean", math.Abs(w.Mean)), param.NonNegative(pkg, "weights.std", w.Std))
	default:
		return param.New(pkg, "weights.dist", w.Dist, "one of constant, uniform, normal, lognormal")
	}
	return nil
}

// checkFields returns an error naming the first number of w set although
// its Dist does not take it: mean and std without dist = "normal" (or
// "lognormal") would be ignored and every weight be value, 0 when left
// out.
func (w Weights) checkFields() error {
	takes := map[string][]string{"": {"value"}, "constant": {"value"}, "uniform": {"low", "high"},
		"normal": {"mean", "std"}, "lognormal": {"mean", "std"}}[w.Dist]
	if takes == nil {
		return nil // Validate names the dist
	}
	for _, f := range []struct {
		key, dists string
		v          float64
	}{
		{"value", `"constant"`, w.Value}, {"low", `"uniform"`, w.Low}, {"high", `"uniform"`, w.High},
		{"mean", `"normal" or "lognormal"`, w.Mean}, {"std", `"normal" or "lognormal"`, w.Std},
	} {
		if f.v != 0 && !slices.Contains(takes, f.key) {
			shown := strconv.Quote(w.Dist)
			if w.Dist == "" {
				shown = `"" (constant)`
			}
			return param.New(pkg, "weights."+f.key, f.v, fmt.Sprintf("left out for dist = %s, or set weights.dist = %s (dist: one of constant, uniform, normal, lognormal; constant takes value, uniform low and high, normal and lognormal mean and std)", shown, f.dists))
		}
	}
	return nil
}

func (w Weights) constant() bool { return w.Dist == "" || w.Dist == "constant" }

// Signed returns x as a built weight: signed by w.Sign (Dale's law), in
// float32.
func (w Weights) Signed(x float64) float32 { return w.signed(x) }

func (w Weights) signed(x float64) float32 {
	switch w.Sign {
	case 1:
		x = math.Abs(x)
	case -1:
		x = -math.Abs(x)
	}
	return float32(x)
}

// draw returns one weight from r.
func (w Weights) draw(r *stream) float32 {
	switch w.Dist {
	case "uniform":
		return w.signed(w.Low + float64((w.High-w.Low)*r.float()))
	case "normal":
		return w.signed(w.Mean + float64(w.Std*r.normal()))
	case "lognormal":
		m := math.Abs(w.Mean)
		s2 := detmath.Log1p(w.Std * w.Std / (m * m))
		mu := detmath.Log(m) - float64(s2/2)
		x := detmath.Exp(mu + float64(math.Sqrt(s2)*r.normal()))
		if w.Mean < 0 {
			x = -x
		}
		return w.signed(x)
	}
	return w.signed(w.Value)
}

// Delays describes the delays in steps: every synapse DelaySteps, or, when
// MaxSteps > Steps, uniform integers in [Steps, MaxSteps].
type Delays struct {
	Steps    int `toml:"steps" json:"steps"`
	MaxSteps int `toml:"max_steps" json:"max_steps"`
}

// Validate reports the first invalid field.
func (d Delays) Validate() error {
	if d.Steps < 0 || d.Steps > math.MaxUint16 {
		return param.New(pkg, "delay steps", d.Steps, "in [0, 65535]")
	}
	if d.MaxSteps != 0 && (d.MaxSteps < d.Steps || d.MaxSteps > math.MaxUint16) {
		return param.New(pkg, "delay max_steps", d.MaxSteps, fmt.Sprintf("0 or in [%d, 65535]", d.Steps))
	}
	return nil
}

func (d Delays) uniform() bool { return d.MaxSteps <= d.Steps }

// Options configure a build.
type Options struct {
	Seed    uint64 // seed of every random draw
	Same    bool   // source and target are the same population (autapses are i→i)
	Workers int    // build goroutines; 0 means GOMAXPROCS. The result does not depend on it.
}

// stream ids
const (
	sTargets = 1
	sWeights = 2
	sDelays  = 3
)

// Build connects nSrc sources to nTgt targets by rule, with weights and
// delays drawn as described; see the package doc for determinism.
func Build(nSrc, nTgt int, rule Rule, w Weights, d Delays, opt Options) (*CSR, error) {
	if nSrc < 0 || uint64(nSrc) > math.MaxUint32 {
		return nil, param.New(pkg, "sources", nSrc, "in [0, 2^32)")
	}
	if nTgt < 0 || uint64(nTgt) > math.MaxUint32 {
		return nil, param.New(pkg, "targets", nTgt, "in [0, 2^32)")
	}
	if err := param.First(w.Validate(), d.Validate(), rule.Validate(nSrc, nTgt, opt.Same)); err != nil {
		return nil, err
	}
	auto := !opt.Same || rule.Autapses // may i connect to i?
	c := &CSR{NSrc: nSrc, NTgt: nTgt, DelaySteps: d.Steps}
	switch rule.Kind {
	case "fixed_prob":
		rowBuild(c, opt, func(i int, r *stream, emit func(uint32)) { fixedProbRow(i, nTgt, rule.P, auto, r, emit) })
	case "fixed_outdegree":
		rowBuild(c, opt, func(i int, r *stream, emit func(uint32)) {
			exclude := -1
			if !auto {
				exclude = i
			}
			sampleK(nTgt, rule.K, exclude, rule.Multapses, r, emit, true)
		})
	case "all_to_all":
		rowBuild(c, opt, func(i int, _ *stream, emit func(uint32)) {
			for j := range nTgt {
				if auto || j != i {
					emit(uint32(j))
				}
			}
		})
	case "fixed_indegree":
		colBuild(c, rule, auto, opt)
	}
	fillWeightsDelays(c, w, d, opt)
	return c, nil
}

// fixedProbRow emits the targets of row i in ascending order by geometric
// skipping: the gap to the next connected target is ⌊ln U / ln(1−p)⌋.
func fixedProbRow(i, nTgt int, p float64, auto bool, r *stream, emit func(uint32)) {
	if p <= 0 || nTgt == 0 {
		return
	}
	if p >= 1 {
		for j := range nTgt {
			if auto || j != i {
				emit(uint32(j))
			}
		}
		return
	}
	inv := 1 / detmath.Log(1-p)
	j := -1
	for {
		g := math.Floor(float64(detmath.Log(r.open()) * inv))
		if g >= float64(nTgt-j) {
			return
		}
		j += int(g) + 1
		if j >= nTgt {
			return
		}
		if auto || j != i {
			emit(uint32(j))
		}
	}
}

// sampleK emits k indices in [0, n) other than exclude: independent uniform
// draws with multapses, else k distinct ones (rejection against a small
// sorted set, or selection sampling when k is a large fraction of n). With
// sorted, the emitted indices are ascending.
func sampleK(n, k, exclude int, multi bool, r *stream, emit func(uint32), sorted bool) {
	if k == 0 {
		return
	}
	var buf [64]uint32
	var picks []uint32
	if k <= len(buf) {
		picks = buf[:0]
	} else {
		picks = make([]uint32, 0, k)
	}
	avail := n
	if exclude >= 0 && exclude < n {
		avail--
	}
	switch {
	case multi:
		for len(picks) < k {
			j := int(r.intn(uint64(avail)))
			if exclude >= 0 && j >= exclude {
				j++
			}
			picks = append(picks, uint32(j))
		}
		if sorted {
			sort.Slice(picks, func(a, b int) bool { return picks[a] < picks[b] })
		}
	case 4*k > avail:
		// selection sampling (Knuth's algorithm S): ascending by construction
		need := k
		left := avail
		for j := 0; j < n && need > 0; j++ {
			if j == exclude {
				continue
			}
			if r.intn(uint64(left)) < uint64(need) {
				picks = append(picks, uint32(j))
				need--
			}
			left--
		}
	default:
		// rejection: draw, keep sorted, skip duplicates
		for len(picks) < k {
			j := int(r.intn(uint64(avail)))
			if exclude >= 0 && j >= exclude {
				j++
			}
			pos := sort.Search(len(picks), func(a int) bool { return picks[a] >= uint32(j) })
			if pos < len(picks) && picks[pos] == uint32(j) {
				continue
			}
			picks = append(picks, 0)
			copy(picks[pos+1:], picks[pos:])
			picks[pos] = uint32(j)
		}
	}
	for _, j := range picks {
		emit(j)
	}
}

func workers(opt Options) int {
	if opt.Workers > 0 {
		return opt.Workers
	}
	return runtime.GOMAXPROCS(0)
}

const blockRows = 1024

// parallelBlocks runs f(lo, hi) over blocks of [0, n) on opt's workers.
func parallelBlocks(n int, opt Options, f func(lo, hi int)) {
	nw := min(workers(opt), (n+blockRows-1)/blockRows)
	if nw <= 1 {
		for lo := 0; lo < n; lo += blockRows {
			f(lo, min(n, lo+blockRows))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(blockRows)) - blockRows
				if lo >= n {
					return
				}
				f(lo, min(n, lo+blockRows))
			}
		}()
	}
	wg.Wait()
}

// rowBuild runs gen for every row twice: once to count, once to fill.
func rowBuild(c *CSR, opt Options, gen func(i int, r *stream, emit func(uint32))) {
	c.Ptr = make([]uint64, c.NSrc+1)
	parallelBlocks(c.NSrc, opt, func(lo, hi int) {
		var cnt uint64
		emit := func(uint32) { cnt++ }
		for i := lo; i < hi; i++ {
			cnt = 0
			r := newStream(opt.Seed, i, sTargets)
			gen(i, &r, emit)
			c.Ptr[i+1] = cnt
		}
	})
	for i := range c.NSrc {
		c.Ptr[i+1] += c.Ptr[i]
	}
	c.Target = make([]uint32, c.Ptr[c.NSrc])
	parallelBlocks(c.NSrc, opt, func(lo, hi int) {
		var k uint64
		emit := func(j uint32) { c.Target[k] = j; k++ }
		for i := lo; i < hi; i++ {
			k = c.Ptr[i]
			r := newStream(opt.Seed, i, sTargets)
			gen(i, &r, emit)
		}
	})
}

// colBuild builds fixed in-degree by target columns, sequentially in target
// order (so rows come out sorted): count per source, then fill.
func colBuild(c *CSR, rule Rule, auto bool, opt Options) {
	nSrc, nTgt := c.NSrc, c.NTgt
	c.Ptr = make([]uint64, nSrc+1)
	for j := range nTgt {
		r := newStream(opt.Seed, j, sTargets)
		exclude := -1
		if !auto {
			exclude = j
		}
		sampleK(nSrc, rule.K, exclude, rule.Multapses, &r, func(i uint32) { c.Ptr[i+1]++ }, false)
	}
	for i := range nSrc {
		c.Ptr[i+1] += c.Ptr[i]
	}
	c.Target = make([]uint32, c.Ptr[nSrc])
	cur := make([]uint64, nSrc)
	copy(cur, c.Ptr[:nSrc])
	for j := range nTgt {
		r := newStream(opt.Seed, j, sTargets)
		exclude := -1
		if !auto {
			exclude = j
		}
		sampleK(nSrc, rule.K, exclude, rule.Multapses, &r, func(i uint32) {
			c.Target[cur[i]] = uint32(j)
			cur[i]++
		}, false)
	}
}

// fillWeightsDelays draws per-synapse weights and delays row by row (each row
// its own streams), or stores the constants.
func fillWeightsDelays(c *CSR, w Weights, d Delays, opt Options) {
	if w.constant() {
		c.Const = w.signed(w.Value)
	} else {
		c.Weight = make([]float32, len(c.Target))
	}
	if !d.uniform() {
		c.Delay = make([]uint16, len(c.Target))
	}
	if c.Weight == nil && c.Delay == nil {
		return
	}
	span := uint64(d.MaxSteps - d.Steps + 1)
	parallelBlocks(c.NSrc, opt, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			a, b := c.Ptr[i], c.Ptr[i+1]
			if c.Weight != nil {
				r := newStream(opt.Seed, i, sWeights)
				for k := a; k < b; k++ {
					c.Weight[k] = w.draw(&r)
				}
			}
			if c.Delay != nil {
				r := newStream(opt.Seed, i, sDelays)
				for k := a; k < b; k++ {
					c.Delay[k] = uint16(d.Steps + int(r.intn(span)))
				}
			}
		}
	})
}

// FromList builds a CSR from explicit synapses: src[k] → tgt[k] with weight
// w[k] (w may be nil: every weight is constW) and delay delay[k] in steps
// (delay may be nil: every delay is delaySteps). Within a row, synapses are
// ordered by target, ties in input order.
func FromList(nSrc, nTgt int, src, tgt []int, w []float32, constW float32, delay []int, delaySteps int) (*CSR, error) {
	n := len(src)
	if len(tgt) != n || (w != nil && len(w) != n) || (delay != nil && len(delay) != n) {
		return nil, param.New(pkg, "synapse list lengths", fmt.Sprintf("src %d, tgt %d, w %d, delay %d", len(src), len(tgt), len(w), len(delay)), "equal")
	}
	if delaySteps < 0 || delaySteps > math.MaxUint16 {
		return nil, param.New(pkg, "delay steps", delaySteps, "in [0, 65535]")
	}
	idx := make([]int, n)
	for k := range n {
		if src[k] < 0 || src[k] >= nSrc {
			return nil, param.New(pkg, fmt.Sprintf("source[%d]", k), src[k], fmt.Sprintf("in [0, %d)", nSrc))
		}
		if tgt[k] < 0 || tgt[k] >= nTgt {
			return nil, param.New(pkg, fmt.Sprintf("target[%d]", k), tgt[k], fmt.Sprintf("in [0, %d)", nTgt))
		}
		if delay != nil && (delay[k] < 0 || delay[k] > math.MaxUint16) {
			return nil, param.New(pkg, fmt.Sprintf("delay[%d]", k), delay[k], "in [0, 65535]")
		}
		if w != nil && (math.IsNaN(float64(w[k])) || math.IsInf(float64(w[k]), 0)) {
			return nil, param.New(pkg, fmt.Sprintf("weight[%d]", k), w[k], "finite")
		}
		idx[k] = k
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ia, ib := idx[a], idx[b]
		if src[ia] != src[ib] {
			return src[ia] < src[ib]
		}
		return tgt[ia] < tgt[ib]
	})
	c := &CSR{NSrc: nSrc, NTgt: nTgt, Ptr: make([]uint64, nSrc+1), Target: make([]uint32, n), Const: constW, DelaySteps: delaySteps}
	if w != nil {
		c.Weight = make([]float32, n)
	}
	if delay != nil {
		c.Delay = make([]uint16, n)
	}
	for p, k := range idx {
		c.Ptr[src[k]+1]++
		c.Target[p] = uint32(tgt[k])
		if w != nil {
			c.Weight[p] = w[k]
		}
		if delay != nil {
			c.Delay[p] = uint16(delay[k])
		}
	}
	for i := range nSrc {
		c.Ptr[i+1] += c.Ptr[i]
	}
	return c, nil
}
