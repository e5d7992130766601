// Command formatsample writes one file of every kind the export package
// produces (a dataset in HDF5 and .npz with the reference tutorial's keys, a
// SONATA spike report sorted by time and one sorted by id, a frame report,
// SONATA nodes and edges files, a checkpoint and a segmented spike stream)
// into a directory, together with expected.json describing what each file
// must contain. python/tests/formats reads them back with h5py, numpy and
// libsonata and compares (make test-export-formats).
//
// The last set comes from a simulated network: a small Brunel network run
// by the kernel for 300 ms, its spike and membrane-potential recorders
// streamed through SpikeWriter and FrameWriter, and its connectivity written
// as SONATA nodes and edges.
//
// Usage: formatsample -out DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/kernel"
)

func main() {
	out := flag.String("out", "", "directory to write the sample files to (created if missing)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "formatsample: -out DIR is required")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "formatsample:", err)
		os.Exit(1)
	}
}

type spikeJSON struct {
	Name    string    `json:"name"`
	Sorting string    `json:"sorting"`
	Times   []float64 `json:"timestamps"`
	IDs     []uint64  `json:"node_ids"`
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(42, 7))
	prov := export.NewProvenance("[sample]\nseed = 42\n", "toml", export.Seed{Name: "sample", Value: 42})
	expected := map[string]any{"provenance": prov}
	opts := []export.Option{export.Overwrite(), export.WithProvenance(prov)}

	// Dataset: reference keys, shapes and dtypes, small sizes.
	split := func(n int) []float64 {
		s := make([]float64, 3*n)
		for i := range s {
			s[i] = rng.NormFloat64()
		}
		return s
	}
	train, val, test := split(14), split(3), split(3)
	mean, std := []float64{-0.76262796, -0.75006465, 23.46947626}, []float64{7.86860479, 8.99086565, 8.66683304}
	if err := export.WriteNPZ(filepath.Join(dir, "lorenz_data.npz"), []export.NPZArray{
		export.NewNPZArray("train", train, 14, 3), export.NewNPZArray("val", val, 3, 3), export.NewNPZArray("test", test, 3, 3),
		export.NewNPZArray("mean", mean), export.NewNPZArray("std", std),
		export.NPZScalar("dt", 0.01), export.NPZScalar("seq_length", int64(50)),
	}, export.Overwrite()); err != nil {
		return err
	}
	f, err := export.Create(filepath.Join(dir, "dataset.h5"), opts...)
	if err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		data []float64
	}{{"train", train}, {"val", val}, {"test", test}} {
		if err := export.Write(&f.Group, s.name, s.data, []int{len(s.data) / 3, 3}); err != nil {
			return err
		}
	}
	if err := export.Write(&f.Group, "mean", mean, nil); err != nil {
		return err
	}
	if err := export.Write(&f.Group, "std", std, nil); err != nil {
		return err
	}
	if err := export.SetAttr(f, "dt", 0.01); err != nil {
		return err
	}
	if err := export.SetAttr(f, "seq_length", int64(50)); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	expected["dataset"] = map[string]any{"train": train, "val": val, "test": test, "mean": mean, "std": std,
		"dt": 0.01, "seq_length": 50}

	// Spikes: two populations, precise off-grid times.
	pops := []export.SpikePopulation{{Name: "exc"}, {Name: "inh"}}
	for p := range pops {
		for step := 0; step < 200; step++ {
			for k := rng.IntN(3); k > 0; k-- {
				pops[p].TimesMs = append(pops[p].TimesMs, float64(step)*0.1+rng.Float64()*0.1)
				pops[p].NodeIDs = append(pops[p].NodeIDs, uint64(rng.IntN(40/(p+1))))
			}
		}
	}
	var sj []map[string]any
	for _, sorting := range []export.Sorting{export.SortByTime, export.SortByID} {
		name := "spikes_" + sorting.String() + ".h5"
		if err := export.WriteSpikes(filepath.Join(dir, name), sorting, pops, opts...); err != nil {
			return err
		}
		back, err := export.ReadSpikes(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		var list []spikeJSON
		for _, p := range back {
			list = append(list, spikeJSON{p.Name, p.Sorting.String(), p.TimesMs, p.NodeIDs})
		}
		sj = append(sj, map[string]any{"file": name, "populations": list})
	}
	expected["spikes"] = sj
	// What was appended, unsorted, for the multiset comparison.
	var in []spikeJSON
	for _, p := range pops {
		in = append(in, spikeJSON{p.Name, "none", p.TimesMs, p.NodeIDs})
	}
	expected["spikes_input"] = in

	// Frame report: 5 nodes, one value each, 0.1 ms from 0.
	nodes := []uint64{0, 3, 7, 12, 39}
	const frames = 120
	data := make([]float32, frames*len(nodes))
	for k := 0; k < frames; k++ {
		for j := range nodes {
			data[k*len(nodes)+j] = float32(-65 + 10*math.Sin(float64(k)*0.1+float64(j)))
		}
	}
	if err := export.WriteFrameReport(filepath.Join(dir, "report.h5"), export.FrameReport{
		Population: "exc", NodeIDs: nodes, StartMs: 0, DtMs: 0.1, Units: "mV", Frames: frames, Data: data}, opts...); err != nil {
		return err
	}
	expected["report"] = map[string]any{"population": "exc", "node_ids": nodes, "start": 0.0, "stop": frames * 0.1,
		"dt": 0.1, "units": "mV", "data": data, "frames": frames}

	// Network: 40 E, 10 I nodes; random E→E and I→E edges.
	nE, nI := 40, 10
	exc := export.NodePopulation{Name: "exc", NodeTypeID: make([]int64, nE)}
	inh := export.NodePopulation{Name: "inh", NodeTypeID: make([]int64, nI)}
	x := make([]float64, nE)
	tau := make([]float32, nE)
	for i := range x {
		x[i] = rng.Float64() * 100
		tau[i] = 20 + float32(rng.NormFloat64())
	}
	for i := range inh.NodeTypeID {
		inh.NodeTypeID[i] = 1
	}
	exc.Attributes = []export.Column{export.NewColumn("x", x)}
	exc.DynamicsParams = []export.Column{export.NewColumn("tau_m", tau)}
	var ee, ie export.EdgePopulation
	ee = export.EdgePopulation{Name: "exc_to_exc", Source: "exc", Target: "exc", SourceCount: nE, TargetCount: nE}
	ie = export.EdgePopulation{Name: "inh_to_exc", Source: "inh", Target: "exc", SourceCount: nI, TargetCount: nE}
	var eew, iew []float32
	var eed, ied []float64
	for tgt := 0; tgt < nE; tgt++ {
		for s := 0; s < nE; s++ {
			if s != tgt && rng.Float64() < 0.1 {
				ee.SourceIDs, ee.TargetIDs = append(ee.SourceIDs, uint64(s)), append(ee.TargetIDs, uint64(tgt))
				ee.EdgeTypeID = append(ee.EdgeTypeID, 100)
				eew, eed = append(eew, 0.1+float32(rng.Float64())), append(eed, 1.5)
			}
		}
		for s := 0; s < nI; s++ {
			if rng.Float64() < 0.2 {
				ie.SourceIDs, ie.TargetIDs = append(ie.SourceIDs, uint64(s)), append(ie.TargetIDs, uint64(tgt))
				ie.EdgeTypeID = append(ie.EdgeTypeID, 101)
				iew, ied = append(iew, -0.5*float32(rng.Float64())), append(ied, 0.8)
			}
		}
	}
	ee.Attributes = []export.Column{export.NewColumn("syn_weight", eew), export.NewColumn("delay", eed)}
	ie.Attributes = []export.Column{export.NewColumn("syn_weight", iew), export.NewColumn("delay", ied)}
	if err := export.WriteNodes(filepath.Join(dir, "nodes.h5"), []export.NodePopulation{exc, inh}, opts...); err != nil {
		return err
	}
	if err := export.WriteEdges(filepath.Join(dir, "edges.h5"), []export.EdgePopulation{ee, ie}, opts...); err != nil {
		return err
	}
	edgeJSON := func(p export.EdgePopulation, w []float32, d []float64) map[string]any {
		return map[string]any{"source": p.Source, "target": p.Target, "source_node_id": p.SourceIDs,
			"target_node_id": p.TargetIDs, "edge_type_id": p.EdgeTypeID, "syn_weight": w, "delay": d,
			"source_count": p.SourceCount, "target_count": p.TargetCount}
	}
	expected["nodes"] = map[string]any{
		"exc": map[string]any{"size": nE, "node_type_id": exc.NodeTypeID, "x": x, "tau_m": tau},
		"inh": map[string]any{"size": nI, "node_type_id": inh.NodeTypeID},
	}
	expected["edges"] = map[string]any{"exc_to_exc": edgeJSON(ee, eew, eed), "inh_to_exc": edgeJSON(ie, iew, ied)}

	sim, err := simulated(dir, opts)
	if err != nil {
		return fmt.Errorf("simulated network: %w", err)
	}
	expected["simulated"] = sim

	js, err := json.MarshalIndent(expected, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "expected.json"), js, 0o644)
}

// tee is a kernel spike sink that streams to a SONATA population and keeps a
// copy for expected.json.
type tee struct {
	file kernel.SpikeSink
	mem  kernel.SpikeMemory
}

func (t *tee) WriteSpikes(times []float64, ids []uint32) error {
	t.mem.WriteSpikes(times, ids)
	return t.file.WriteSpikes(times, ids)
}

type frameTee struct {
	file kernel.FrameSink
	mem  kernel.FrameMemory
}

func (t *frameTee) WriteFrame(tMs float64, v []float32) error {
	t.mem.WriteFrame(tMs, v)
	return t.file.WriteFrame(tMs, v)
}

// simulated runs a 1,000-neuron Brunel network for 300 ms, recording every
// spike and 20 membrane traces to SONATA reports, and writes its
// connectivity as SONATA nodes and edges.
func simulated(dir string, opts []export.Option) (map[string]any, error) {
	spec, err := kernel.Preset("brunel", kernel.PresetOptions{N: 1000, Seed: 3, Record: true})
	if err != nil {
		return nil, err
	}
	traced := make([]int, 20)
	for i := range traced {
		traced[i] = 7 + 37*i
	}
	spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Name: "v", Kind: "state", Population: "E",
		Neurons: traced, Variable: "V"})
	net, err := kernel.New(spec)
	if err != nil {
		return nil, err
	}
	pops := []string{"E", "I"}
	sw, err := export.NewSpikeWriter(filepath.Join(dir, "sim_spikes.h5"), export.SortByTime, pops,
		export.StreamOptions{Overwrite: true, BlockBytes: 4096})
	if err != nil {
		return nil, err
	}
	tees := make([]*tee, len(pops))
	for p, pop := range pops {
		tees[p] = &tee{file: sw.Sink(p)}
		if err := net.SetSink("spikes:"+pop, tees[p]); err != nil {
			return nil, err
		}
	}
	nodeIDs := make([]uint64, len(traced))
	for i, n := range traced {
		nodeIDs[i] = uint64(n)
	}
	fw, err := export.NewFrameWriter(filepath.Join(dir, "sim_v.h5"), export.FrameOptions{Population: "E", NodeIDs: nodeIDs,
		StartMs: net.DtMs(), DtMs: net.DtMs(), Units: "mV"}, export.StreamOptions{Overwrite: true, BlockBytes: 4096})
	if err != nil {
		return nil, err
	}
	ft := &frameTee{file: fw}
	if err := net.SetSink("v", ft); err != nil {
		return nil, err
	}
	const durMs = 300
	if err := net.Run(durMs); err != nil {
		return nil, err
	}
	if err := net.Close(); err != nil {
		return nil, err
	}
	if err := sw.Close(); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}

	// Network: one node population per kernel population, one edge
	// population per projection, weights and delays (ms) per synapse.
	size := map[string]int{}
	var nodes []export.NodePopulation
	for i, p := range spec.Populations {
		size[p.Name] = p.N
		np := export.NodePopulation{Name: p.Name, NodeTypeID: make([]int64, p.N)}
		for k := range np.NodeTypeID {
			np.NodeTypeID[k] = int64(i)
		}
		tmpl := make([]string, p.N)
		for k := range tmpl {
			tmpl[k] = "neurodyn:" + p.Model
		}
		np.Attributes = []export.Column{export.NewColumn("model_template", tmpl)}
		nodes = append(nodes, np)
	}
	var edges []export.EdgePopulation
	edgeJSON := map[string]any{}
	for i, pr := range spec.Projections {
		csr := net.Projection(i)
		ep := export.EdgePopulation{Name: pr.Source + "_to_" + pr.Target, Source: pr.Source, Target: pr.Target,
			SourceCount: size[pr.Source], TargetCount: size[pr.Target]}
		var w []float32
		var d []float64
		for src := 0; src < csr.NSrc; src++ {
			lo, hi := csr.Row(src)
			for k := lo; k < hi; k++ {
				ep.SourceIDs = append(ep.SourceIDs, uint64(src))
				ep.TargetIDs = append(ep.TargetIDs, uint64(csr.Target[k]))
				ep.EdgeTypeID = append(ep.EdgeTypeID, int64(i))
				w = append(w, csr.W(k))
				d = append(d, float64(csr.D(k))*net.DtMs())
			}
		}
		ep.Attributes = []export.Column{export.NewColumn("syn_weight", w), export.NewColumn("delay", d)}
		edges = append(edges, ep)
		edgeJSON[ep.Name] = map[string]any{"source": ep.Source, "target": ep.Target, "size": ep.Size(),
			"source_node_id": ep.SourceIDs, "target_node_id": ep.TargetIDs, "syn_weight": w, "delay": d,
			"source_count": ep.SourceCount, "target_count": ep.TargetCount}
	}
	if err := export.WriteNodes(filepath.Join(dir, "sim_nodes.h5"), nodes, opts...); err != nil {
		return nil, err
	}
	if err := export.WriteEdges(filepath.Join(dir, "sim_edges.h5"), edges, opts...); err != nil {
		return nil, err
	}

	spikes := map[string]any{}
	for p, pop := range pops {
		spikes[pop] = map[string]any{"timestamps": tees[p].mem.TimesMs, "node_ids": tees[p].mem.IDs}
	}
	return map[string]any{
		"duration_ms": durMs, "dt_ms": net.DtMs(), "population_sizes": size,
		"spikes": spikes,
		"v":      map[string]any{"node_ids": nodeIDs, "times": ft.mem.TimesMs, "data": ft.mem.Data, "width": ft.mem.Width},
		"edges":  edgeJSON,
	}, nil
}
