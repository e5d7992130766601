package kernel

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/synapses"
)

// loadEdges returns pr (rule.kind "sonata") with the synapses of its SONATA
// edge population as an explicit list (rule.kind "list": sources, targets,
// weight_list from syn_weight, delay_list_ms from delay), and a digest of
// what it read, which checkpoints compare so that a changed file is noticed.
// nSrc and nTgt are the sizes of the projection's populations, dt the step
// (ms) and sign the projection's Dale sign (source population's unless
// weights.sign sets it). Every error about the file's content names
// edges_file.
func loadEdges(where string, pr ProjectionSpec, nSrc, nTgt int, dt float64, sign int) (ProjectionSpec, []byte, error) {
	if pr.EdgesFile == "" {
		return pr, nil, param.New(pkg, where+".edges_file", "", `the path of a SONATA edges file (rule.kind = "sonata")`)
	}
	if len(pr.Sources)+len(pr.Targets)+len(pr.WeightList)+len(pr.DelayListMs) > 0 {
		return pr, nil, param.New(pkg, where+".sources", len(pr.Sources),
			`empty, as targets, weight_list and delay_list_ms: with rule.kind = "sonata" the edges file gives the synapses`)
	}
	if pr.DelayMaxMs != 0 {
		return pr, nil, param.New(pkg, where+".delay_max_ms", pr.DelayMaxMs, `0 with rule.kind = "sonata" (delays come from the file)`)
	}
	if pr.Weights.Dist != "" && pr.Weights.Dist != "constant" {
		return pr, nil, param.New(pkg, where+".weights.dist", pr.Weights.Dist,
			`constant with rule.kind = "sonata": weights.value is the weight of edges the file gives none`)
	}
	infos, err := export.EdgePopulations(pr.EdgesFile)
	if err != nil {
		return pr, nil, fmt.Errorf("kernel: %s.edges_file: %w", where, err)
	}
	info, err := pickEdges(where, pr, infos)
	if err != nil {
		return pr, nil, err
	}
	ep, err := export.ReadEdgePopulation(pr.EdgesFile, info.Name)
	if err != nil {
		return pr, nil, fmt.Errorf("kernel: %s.edges_file: %w", where, err)
	}
	file := func(what string) error { return param.New(pkg, where+".edges_file", pr.EdgesFile, what) }
	n := ep.Size()
	src, tgt := make([]int, n), make([]int, n)
	for k := range n {
		s, t := ep.SourceIDs[k], ep.TargetIDs[k]
		if s >= uint64(nSrc) || t >= uint64(nTgt) {
			return pr, nil, file(fmt.Sprintf("edges whose node ids fit the populations: edge %d of %s is %d → %d, populations %s and %s have %d and %d neurons",
				k, ep.Name, s, t, pr.Source, pr.Target, nSrc, nTgt))
		}
		src[k], tgt[k] = int(s), int(t)
	}
	var weights, delays []float64
	for _, c := range ep.Attributes {
		switch c.Name {
		case "syn_weight":
			weights, err = floatColumn(c)
		case "delay":
			delays, err = floatColumn(c)
		}
		if err != nil {
			return pr, nil, fmt.Errorf("kernel: %s.edges_file: %s: %w", where, ep.Name, err)
		}
	}
	for k, w := range weights {
		if !(math.Abs(w) <= math.MaxFloat32) { // NaN, ±Inf, or ±Inf once stored as float32
			return pr, nil, file(fmt.Sprintf("finite syn_weight values, at most %g in magnitude (stored as float32): edge %d of %s has %g", float32(math.MaxFloat32), k, ep.Name, w))
		}
	}
	// Weights are signed as a rule's: with a sign (weights.sign, else the
	// source population's; Dale's law) |w| takes it, so magnitudes (as BMTK
	// stores them) and neurodyn's signed weights read alike; without one
	// they stay as stored.
	switch {
	case weights == nil && n > 0 && pr.Weights.Value == 0:
		return pr, nil, param.New(pkg, where+".weights.value", 0.0, fmt.Sprintf("the weight of every edge: %s of %s has no syn_weight", ep.Name, pr.EdgesFile))
	case weights == nil:
		w := pr.Weights.Value
		if sign != 0 {
			w = float64(sign) * math.Abs(w)
		}
		pr.Weights = synapses.Weights{Value: w}
	case sign != 0:
		for k := range weights {
			weights[k] = float64(sign) * math.Abs(weights[k])
		}
	}
	// Each delay is on the grid and fits the ring buffers, checked here
	// because one shared delay moves to delay_ms below; how they combine
	// (all 0 or all > 0, precise mode) resolve checks for every projection.
	for k, d := range delays {
		if st, err := steps("delay", d, dt); err != nil || st > math.MaxUint16 {
			return pr, nil, file(fmt.Sprintf("delays (ms) ≥ 0, multiples of dt = %g ms and at most %d steps: edge %d of %s has %g", dt, math.MaxUint16, k, ep.Name, d))
		}
	}
	h := sha256.New()
	h.Write([]byte(ep.Name))
	hashWords(h, ep.SourceIDs, func(v uint64) uint64 { return v })
	hashWords(h, ep.TargetIDs, func(v uint64) uint64 { return v })
	for _, x := range [][]float64{weights, delays} {
		hashWords(h, []float64{float64(len(x))}, math.Float64bits)
		hashWords(h, x, math.Float64bits)
	}
	pr.Rule.Kind = "list"
	pr.EdgesPopulation = ep.Name
	pr.Sources, pr.Targets = src, tgt
	// One weight or one delay for every edge (as the rules give) is stored
	// once: the connectivity then takes as little memory as the rule's.
	if w, ok := constant(weights); ok {
		pr.Weights, weights = synapses.Weights{Value: w}, nil
	}
	if d, ok := constant(delays); ok {
		pr.DelayMs, delays = d, nil
	}
	pr.WeightList, pr.DelayListMs = weights, delays
	return pr, h.Sum(nil), nil
}

// pickEdges returns the edge population pr names (EdgesPopulation), or the
// only one connecting pr.Source to pr.Target, and checks that it does.
func pickEdges(where string, pr ProjectionSpec, pops []export.EdgePopulationInfo) (export.EdgePopulationInfo, error) {
	var names, match []string
	for _, p := range pops {
		names = append(names, fmt.Sprintf("%s (%s → %s)", p.Name, p.Source, p.Target))
		if p.Source == pr.Source && p.Target == pr.Target {
			match = append(match, p.Name)
		}
	}
	name := pr.EdgesPopulation
	if name == "" {
		if len(match) != 1 {
			return export.EdgePopulationInfo{}, param.New(pkg, where+".edges_population", "",
				fmt.Sprintf("the edge population to read: %d of those in %s connect %s → %s (%s)", len(match), pr.EdgesFile, pr.Source, pr.Target, strings.Join(names, ", ")))
		}
		name = match[0]
	}
	for _, p := range pops {
		if p.Name != name {
			continue
		}
		if p.Source != pr.Source || p.Target != pr.Target {
			return p, param.New(pkg, where+".edges_population", name,
				fmt.Sprintf("an edge population from %s to %s, as the projection: %s connects %s → %s", pr.Source, pr.Target, name, p.Source, p.Target))
		}
		return p, nil
	}
	return export.EdgePopulationInfo{}, param.New(pkg, where+".edges_population", name, fmt.Sprintf("one of the edge populations of %s: %s", pr.EdgesFile, strings.Join(names, ", ")))
}

// constant returns the value of x when every element has it (and x is not
// empty).
func constant(x []float64) (float64, bool) {
	if len(x) == 0 {
		return 0, false
	}
	for _, v := range x[1:] {
		if math.Float64bits(v) != math.Float64bits(x[0]) {
			return 0, false
		}
	}
	return x[0], true
}

// hashWords writes x to h as little-endian 64-bit words, a block at a time.
func hashWords[T any](h hash.Hash, x []T, word func(T) uint64) {
	var buf [8 * 1024]byte
	for len(x) > 0 {
		n := min(len(x), len(buf)/8)
		for i, v := range x[:n] {
			binary.LittleEndian.PutUint64(buf[8*i:], word(v))
		}
		h.Write(buf[:8*n])
		x = x[n:]
	}
}

// floatColumn returns a numeric edge attribute as float64.
func floatColumn(c export.Column) ([]float64, error) {
	if x, ok := export.Float64s(c.Data); ok {
		return x, nil
	}
	return nil, fmt.Errorf("attribute %s holds %T, want numbers", c.Name, c.Data)
}

// edgeCount returns the number of edges of the population a "sonata"
// projection reads (by name, or the only one from src to tgt) without
// reading them, or 0 if that cannot be told.
func edgeCount(path, pop, src, tgt string) float64 {
	infos, err := export.EdgePopulations(path)
	if err != nil {
		return 0
	}
	count, found := 0, 0
	for _, p := range infos {
		if pop == p.Name || pop == "" && p.Source == src && p.Target == tgt {
			count, found = p.Size, found+1
		}
	}
	if found != 1 {
		return 0
	}
	return float64(count)
}
