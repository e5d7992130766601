package kernel_test

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// edgesSpec is Brunel's network with drawn weights and delays, so that every
// synapse has its own weight and delay to carry through a file.
func edgesSpec(t *testing.T) kernel.Spec {
	t.Helper()
	spec, err := kernel.Preset("brunel", kernel.PresetOptions{N: 1000, Seed: 11, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range spec.Projections {
		pr := &spec.Projections[i]
		pr.Weights = synapses.Weights{Dist: "normal", Mean: pr.Weights.Value, Std: 0.2 * abs(pr.Weights.Value), Sign: pr.Weights.Sign}
		pr.DelayMaxMs = pr.DelayMs + 2
	}
	return spec
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// fromEdges returns spec with every projection reading its synapses from
// the edges file (the first by an explicit population name, the others by
// their source and target).
func fromEdges(spec kernel.Spec, file string) kernel.Spec {
	out := spec
	out.Projections = slices.Clone(spec.Projections)
	for i := range out.Projections {
		pr := &out.Projections[i]
		pr.Rule = synapses.Rule{Kind: "sonata"}
		pr.Weights = synapses.Weights{}
		pr.DelayMs, pr.DelayMaxMs = 0, 0
		pr.EdgesFile = file
		if i == 0 {
			pr.EdgesPopulation = pr.Source + "_to_" + pr.Target
		}
	}
	return out
}

// writtenNetwork builds spec and writes its nodes.h5 and edges.h5 to a
// temporary directory (skipping the test without HDF5).
func writtenNetwork(t *testing.T, spec kernel.Spec) (*kernel.Network, string) {
	t.Helper()
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	dir := t.TempDir()
	if err := net.WriteSONATANetwork(dir); errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	} else if err != nil {
		t.Fatal(err)
	}
	return net, dir
}

func runSpikes(t *testing.T, spec kernel.Spec, ms float64) ([]float64, []uint32) {
	t.Helper()
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	var times []float64
	var ids []uint32
	for _, p := range spec.Populations {
		sp := net.Recorder("spikes:" + p.Name).Spikes()
		times = append(times, sp.TimesMs...)
		ids = append(ids, sp.IDs...)
	}
	return times, ids
}

// TestSONATAEdgesRoundTrip: a network rebuilt from the edges.h5 it wrote
// (weights and delays per synapse) fires exactly the same spikes.
func TestSONATAEdgesRoundTrip(t *testing.T) {
	spec := edgesSpec(t)
	net, dir := writtenNetwork(t, spec)
	const ms = 300
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "edges.h5")
	re := fromEdges(spec, file)
	if err := re.Validate(); err != nil {
		t.Fatal(err)
	}
	wantT, wantI := runSpikes(t, spec, ms)
	gotT, gotI := runSpikes(t, re, ms)
	if len(wantT) < 1000 {
		t.Fatalf("%d spikes: too few to compare", len(wantT))
	}
	if !slices.Equal(gotT, wantT) || !slices.Equal(gotI, wantI) {
		t.Fatalf("rebuilt from %s: %d spikes, want the original's %d, identical", file, len(gotT), len(wantT))
	}
	if est, syn := re.EstimateBytes(), float64(net.Stats().Synapses); est < 8*syn {
		t.Errorf("EstimateBytes %g: below 8 bytes for each of the file's %g synapses", est, syn)
	}
	// A checkpoint remembers the file's content: the same file restores,
	// a file with one weight changed is refused.
	a, err := kernel.New(re)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Run(50); err != nil {
		t.Fatal(err)
	}
	var ckpt bytes.Buffer
	if err := a.Checkpoint(&ckpt); err != nil {
		t.Fatal(err)
	}
	b, err := kernel.New(re)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Restore(bytes.NewReader(ckpt.Bytes())); err != nil {
		t.Fatalf("restore with the same edges file: %v", err)
	}
	edges, err := export.ReadEdges(file)
	if err != nil {
		t.Fatal(err)
	}
	k := slices.IndexFunc(edges[0].Attributes, func(c export.Column) bool { return c.Name == "syn_weight" })
	if k < 0 {
		t.Fatalf("%s has no syn_weight", edges[0].Name)
	}
	w, err := export.ColumnData[float32](edges[0].Attributes[k])
	if err != nil {
		t.Fatal(err)
	}
	// The same synapses reached by another path restore.
	same := filepath.Join(dir, "same.h5")
	if err := export.WriteEdges(same, edges); err != nil {
		t.Fatal(err)
	}
	e, err := kernel.New(fromEdges(spec, same))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Restore(bytes.NewReader(ckpt.Bytes())); err != nil {
		t.Fatalf("restore from the same synapses in another file: %v", err)
	}
	w[0] += 1
	changed := filepath.Join(dir, "changed.h5")
	if err := export.WriteEdges(changed, edges); err != nil {
		t.Fatal(err)
	}
	c, err := kernel.New(fromEdges(spec, changed))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Restore(bytes.NewReader(ckpt.Bytes())); err == nil || !strings.Contains(err.Error(), "edges files differ") {
		t.Fatalf("a checkpoint restored into a network whose edges file holds other weights: %v", err)
	}
	if err := os.Rename(changed, file); err != nil {
		t.Fatal(err)
	}
	d, err := kernel.New(re)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Restore(bytes.NewReader(ckpt.Bytes())); err == nil || !strings.Contains(err.Error(), "edges files differ") {
		t.Fatalf("a checkpoint restored after its edges file changed (same path): %v", err)
	}
}

// TestSONATAEdgesErrors: what cannot be read is refused naming the field.
func TestSONATAEdgesErrors(t *testing.T) {
	spec := edgesSpec(t)
	_, dir := writtenNetwork(t, spec)
	file := filepath.Join(dir, "edges.h5")
	cases := []struct {
		name  string
		edit  func(s *kernel.Spec)
		field string // named in the error
		says  string // and this
	}{
		{"missing file", func(s *kernel.Spec) { s.Projections[1].EdgesFile = filepath.Join(dir, "none.h5") }, "projection[1].edges_file", "none.h5"},
		{"no file", func(s *kernel.Spec) { s.Projections[1].EdgesFile = "" }, "projection[1].edges_file", "SONATA edges file"},
		{"unknown population", func(s *kernel.Spec) { s.Projections[0].EdgesPopulation = "E_to_X" }, "projection[0].edges_population", "E_to_I (E → I)"},
		{"population of other neurons", func(s *kernel.Spec) { s.Projections[0].EdgesPopulation = "I_to_E" }, "projection[0].edges_population", "I_to_E connects I → E"},
		{"node ids beyond the population", func(s *kernel.Spec) { s.Populations[1].N = 100 }, ".edges_file", "have 800 and 100 neurons"},
		{"delays off the grid", func(s *kernel.Spec) { s.DtMs = 0.3; setParam(s, "t_ref_ms", 2.1) }, "projection[0].edges_file", "multiples of dt = 0.3 ms"},
		{"weights drawn", func(s *kernel.Spec) { s.Projections[1].Weights = synapses.Weights{Dist: "normal", Mean: 1, Std: 1} }, "projection[1].weights.dist", "constant"},
		{"edges file with another rule", func(s *kernel.Spec) { s.Projections[2].Rule = synapses.Rule{Kind: "fixed_prob", P: 0.1} }, "projection[2].edges_file", "sonata"},
		{"explicit synapses too", func(s *kernel.Spec) { s.Projections[3].Sources = []int{1} }, "projection[3].sources", "edges file gives the synapses"},
		{"drawn delays too", func(s *kernel.Spec) { s.Projections[3].DelayMaxMs = 3 }, "projection[3].delay_max_ms", "delays come from the file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := fromEdges(spec, file)
			s.Populations = slices.Clone(s.Populations)
			c.edit(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), c.field) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("error %v: want one naming %q and saying %q", err, c.field, c.says)
			}
			if c.name != "missing file" && !errors.Is(err, param.ErrInvalid) {
				t.Errorf("%v: not a parameter error", err)
			}
		})
	}
}

// TestSONATAEdgesWithout: an edges file without syn_weight (or delay) takes
// weights.value signed by Dale's law (and delay_ms), as a rule would; a
// file of magnitudes takes weights.sign; delays the engine cannot hold are
// refused naming edges_file.
func TestSONATAEdgesWithout(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, attrs ...export.Column) string {
		t.Helper()
		ep := export.EdgePopulation{Name: "I_to_E", Source: "I", Target: "E",
			SourceIDs: []uint64{0, 1, 2}, TargetIDs: []uint64{3, 4, 5}, EdgeTypeID: make([]int64, 3), Attributes: attrs}
		path := filepath.Join(dir, name)
		if err := export.WriteEdges(path, []export.EdgePopulation{ep}); errors.Is(err, export.ErrNoHDF5) {
			t.Skip("built without HDF5")
		} else if err != nil {
			t.Fatal(err)
		}
		return path
	}
	spec := kernel.Spec{DtMs: 0.1, Populations: []kernel.PopulationSpec{{Name: "E", N: 10, Sign: 1}, {Name: "I", N: 5, Sign: -1}}}
	proj := func(file string, w synapses.Weights) kernel.Spec {
		s := spec
		s.Projections = []kernel.ProjectionSpec{{Source: "I", Target: "E", Rule: synapses.Rule{Kind: "sonata"}, EdgesFile: file, Weights: w, DelayMs: 1}}
		return s
	}
	weightsOf := func(s kernel.Spec) []float32 {
		t.Helper()
		net, err := kernel.New(s)
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		_, edges := net.SONATANetwork()
		for _, c := range edges[0].Attributes {
			if c.Name == "syn_weight" {
				w, _ := export.ColumnData[float32](c)
				return w
			}
		}
		t.Fatal("no syn_weight")
		return nil
	}
	bare := write("bare.h5")
	if w := weightsOf(proj(bare, synapses.Weights{Value: 50})); !slices.Equal(w, []float32{-50, -50, -50}) {
		t.Errorf("no syn_weight, weights.value 50 from an inhibitory population: weights %v, want -50 (Dale)", w)
	}
	if err := proj(bare, synapses.Weights{}).Validate(); err == nil || !strings.Contains(err.Error(), "projection[0].weights.value") {
		t.Errorf("no syn_weight and no weights.value: %v", err)
	}
	mags := write("mags.h5", export.NewColumn("syn_weight", []float32{1, 2, 3}))
	if w := weightsOf(proj(mags, synapses.Weights{Sign: -1})); !slices.Equal(w, []float32{-1, -2, -3}) {
		t.Errorf("magnitudes with weights.sign -1: %v", w)
	}
	if w := weightsOf(proj(mags, synapses.Weights{})); !slices.Equal(w, []float32{-1, -2, -3}) {
		t.Errorf("magnitudes from an inhibitory population (Dale): %v, want -1, -2, -3", w)
	}
	unsigned := proj(mags, synapses.Weights{})
	unsigned.Populations = slices.Clone(unsigned.Populations)
	unsigned.Populations[1].Sign = 0
	if w := weightsOf(unsigned); !slices.Equal(w, []float32{1, 2, 3}) {
		t.Errorf("a population without a sign: syn_weight as stored: %v", w)
	}
	// no delay column: delay_ms is the delay, and its errors name it
	if err := func() error {
		s := proj(bare, synapses.Weights{Value: 1})
		s.Projections[0].DelayMs = 0.15
		return s.Validate()
	}(); err == nil || !strings.Contains(err.Error(), "projection[0].delay_ms") {
		t.Errorf("delay_ms 0.15 at dt 0.1 without a delay column: %v, want an error naming delay_ms", err)
	}
	zero := write("zero.h5", export.NewColumn("delay", []float64{0, 0, 0}))
	precise := proj(zero, synapses.Weights{Value: 1})
	precise.Precise = true
	if err := precise.Validate(); err == nil || !strings.Contains(err.Error(), "projection[0].edges_file") || !strings.Contains(err.Error(), "precise") {
		t.Errorf("zero delays from the file in precise mode: %v, want an edges_file error", err)
	}
	for _, c := range []struct {
		name   string
		delays []float64
		says   string
	}{
		{"mixed zero", []float64{0, 1, 1}, "all 0 or all > 0"},
		{"too long", []float64{7000, 1, 1}, "at most 65535 steps"},
		{"negative", []float64{-1, 1, 1}, "≥ 0"},
	} {
		f := write(strings.ReplaceAll(c.name, " ", "_")+".h5", export.NewColumn("delay", c.delays))
		if err := proj(f, synapses.Weights{Value: 1}).Validate(); err == nil || !strings.Contains(err.Error(), "projection[0].edges_file") || !strings.Contains(err.Error(), c.says) {
			t.Errorf("delays %v: %v, want an edges_file error saying %q", c.delays, err, c.says)
		}
	}
}

// TestSONATAEdgeNamesUnique: X→Y twice and X→Y_1 name three distinct edge
// populations (the second X→Y used to be X_to_Y_1, as X→Y_1 is, and the
// edges file could not be written after the run).
func TestSONATAEdgeNamesUnique(t *testing.T) {
	pops := []kernel.PopulationSpec{{Name: "X", N: 4}, {Name: "Y", N: 4}, {Name: "Y_1", N: 4}}
	all := synapses.Rule{Kind: "all_to_all"}
	spec := kernel.Spec{DtMs: 0.1, Populations: pops, Projections: []kernel.ProjectionSpec{
		{Source: "X", Target: "Y", Rule: all, Weights: synapsesConst(1), DelayMs: 1},
		{Source: "X", Target: "Y", Rule: all, Weights: synapsesConst(2), DelayMs: 1},
		{Source: "X", Target: "Y_1", Rule: all, Weights: synapsesConst(3), DelayMs: 1},
	}}
	_, dir := writtenNetwork(t, spec)
	infos, err := export.EdgePopulations(filepath.Join(dir, "edges.h5"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range infos {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	if want := []string{"X_to_Y", "X_to_Y_1", "X_to_Y_1_1"}; !slices.Equal(names, want) {
		t.Errorf("edge populations %v, want %v", names, want)
	}
}

// TestSpikeReportPopulations: the spec tells a reader of the spike report
// which neurons each of its populations recorded, under the names the file
// uses (each recorder's population). A second recorder of a population is
// refused by RecordSONATA (it would pass for another population); the
// spec still names it as earlier versions wrote it, so that old files'
// provenance stays readable.
func TestSpikeReportPopulations(t *testing.T) {
	spec, err := kernel.Preset("cuba", kernel.PresetOptions{N: 400, Seed: 2, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	legacy := spec
	legacy.Recorders = append(slices.Clone(spec.Recorders), kernel.RecorderSpec{Name: "exc:sub", Kind: "spikes", Population: "E", Neurons: []int{2, 5, 9}})
	got := legacy.SpikeReportPopulations()
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
	}
	if want := []string{"E", "I", "exc_sub"}; !slices.Equal(names, want) || !slices.Equal(got[2].Neurons, []int{2, 5, 9}) || len(got[0].Neurons) != 320 || got[2].Population != "E" {
		t.Fatalf("SpikeReportPopulations: %+v, want names %v", got, want)
	}
	lnet, err := kernel.New(legacy)
	if err != nil {
		t.Fatal(err)
	}
	defer lnet.Close()
	if _, err := lnet.RecordSONATA(t.TempDir(), kernel.SONATAOptions{}); !errors.Is(err, kernel.ErrSpikeReportPopulation) ||
		!strings.Contains(err.Error(), `recorder[0] "spikes:E" and recorder[2] "exc:sub" both record population E`) {
		t.Fatalf("RecordSONATA with two spikes recorders of E: %v, want ErrSpikeReportPopulation naming both", err)
	}
	if _, err := lnet.SpikeReportNames(); !errors.Is(err, kernel.ErrSpikeReportPopulation) {
		t.Fatalf("SpikeReportNames with two spikes recorders of E: %v", err)
	}

	// one recorder per population, some of I's neurons: named after the
	// populations, whatever the recorders are called (one called "E")
	spec.Recorders[1].Name, spec.Recorders[1].Neurons = "E", []int{1, 4}
	got = spec.SpikeReportPopulations()
	names = names[:0]
	for _, p := range got {
		names = append(names, p.Name)
	}
	if want := []string{"E", "I"}; !slices.Equal(names, want) || !slices.Equal(got[1].Neurons, []int{1, 4}) || got[1].Population != "I" {
		t.Fatalf("SpikeReportPopulations: %+v, want names %v", got, want)
	}
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	dir := t.TempDir()
	rec, err := net.RecordSONATA(dir, kernel.SONATAOptions{})
	if errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	} else if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(50); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	pops, err := export.ReadSpikes(filepath.Join(dir, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pops) != len(names) {
		t.Fatalf("file has %d populations, SpikeReportPopulations %d", len(pops), len(names))
	}
	for i, p := range pops {
		if p.Name != names[i] {
			t.Errorf("file population %d is %q, SpikeReportPopulations says %q", i, p.Name, names[i])
		}
		for _, id := range p.NodeIDs {
			if !slices.Contains(got[i].Neurons, int(id)) {
				t.Fatalf("population %s holds node id %d, not one it recorded", p.Name, id)
			}
		}
	}
}

// TestSTDPEdgesCarryLearnedWeights: the edges file of a plastic network,
// written after a run, holds the learned weights (EffectiveWeights: the
// pending pairings taken in), and a network rebuilt from it (plasticity
// off: the weights frozen) has them synapse for synapse.
func TestSTDPEdgesCarryLearnedWeights(t *testing.T) {
	spec := plasticBrunel(t)
	spec.Recorders = nil
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(60); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := net.WriteSONATANetwork(dir); errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	} else if err != nil {
		t.Fatal(err)
	}
	frozen := spec
	frozen.Projections = slices.Clone(spec.Projections)
	for i := range frozen.Projections {
		frozen.Projections[i].Rule = synapses.Rule{Kind: "sonata"}
		frozen.Projections[i].EdgesFile = filepath.Join(dir, "edges.h5")
		frozen.Projections[i].Plasticity = synapses.Plasticity{}
		frozen.Projections[i].DelayMaxMs = 0
	}
	again, err := kernel.New(frozen)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for i, pr := range spec.Projections {
		a, b := net.Projection(i), again.Projection(i)
		if a.Len() != b.Len() {
			t.Fatalf("projection %d: %d synapses, rebuilt %d", i, a.Len(), b.Len())
		}
		w := net.EffectiveWeights(nil, i)
		for k := range uint64(a.Len()) {
			if w[k] != b.W(k) || a.D(k) != b.D(k) || a.Target[k] != b.Target[k] {
				t.Fatalf("projection %d (%s→%s, plastic %v) synapse %d: weight %g delay %d, rebuilt %g delay %d",
					i, pr.Source, pr.Target, pr.Plasticity.Kind != "", k, w[k], a.D(k), b.W(k), b.D(k))
			}
		}
	}
}

// TestSTDPFromEdgesKeepsSign: a plastic projection read from an edges file
// takes weights.sign (not the source population's) for w_max, also when
// the file's weights are all equal and are stored once.
func TestSTDPFromEdgesKeepsSign(t *testing.T) {
	spec := kernel.Spec{
		Populations: []kernel.PopulationSpec{{Name: "E", N: 5, Sign: 1}, {Name: "I", N: 5}},
		Projections: []kernel.ProjectionSpec{{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "all_to_all"},
			Weights: synapses.Weights{Value: 5, Sign: -1}, DelayMs: 1}},
	}
	_, dir := writtenNetwork(t, spec)
	spec.Projections[0].Rule = synapses.Rule{Kind: "sonata"}
	spec.Projections[0].EdgesFile = filepath.Join(dir, "edges.h5")
	spec.Projections[0].Plasticity = synapses.Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 10}
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if w := net.Projection(0).Weight[0]; w != -5 {
		t.Fatalf("weight %g, want -5", w)
	}
}

// TestSONATAConductances: a conductance-based network with a Dale-signed
// inhibitory population writes its inhibitory conductances negative (NEST's
// convention) and positive excitatory ones; rebuilt from the file it fires
// the same spikes. A file with negative weights read onto the exc receptor
// is refused, naming the file.
func TestSONATAConductances(t *testing.T) {
	spec, err := kernel.Preset("coba", kernel.PresetOptions{N: 1000, K: 80, Seed: 3, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	spec.Populations[1].Sign = -1 // I: its projections reach inh by its sign; weights stay magnitudes
	for i := range spec.Projections {
		if spec.Projections[i].Source == "I" {
			spec.Projections[i].Receptor = ""
		}
		spec.Projections[i].Weights = synapses.Weights{Dist: "normal", Mean: spec.Projections[i].Weights.Value, Std: 1}
	}
	_, dir := writtenNetwork(t, spec)
	file := filepath.Join(dir, "edges.h5")
	infos, err := export.EdgePopulations(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range infos {
		ep, err := export.ReadEdgePopulation(file, info.Name)
		if err != nil {
			t.Fatal(err)
		}
		var w []float64
		for _, c := range ep.Attributes {
			switch d := c.Data.(type) {
			case []float32:
				if c.Name == "syn_weight" {
					for _, x := range d {
						w = append(w, float64(x))
					}
				}
			case []float64:
				if c.Name == "syn_weight" {
					w = d
				}
			}
		}
		neg := info.Source == "I"
		if len(w) == 0 {
			t.Fatalf("%s: no syn_weight", info.Name)
		}
		for k, x := range w {
			if (x < 0) != neg || x == 0 {
				t.Fatalf("%s: syn_weight[%d] = %g, want it negative (an inhibitory conductance) exactly when the source is I", info.Name, k, x)
			}
		}
	}
	const ms = 300
	wantT, wantI := runSpikes(t, spec, ms)
	gotT, gotI := runSpikes(t, fromEdges(spec, file), ms)
	if len(wantT) < 100 || !slices.Equal(gotT, wantT) || !slices.Equal(gotI, wantI) {
		t.Fatalf("rebuilt from %s: %d spikes, want the original's %d, identical", file, len(gotT), len(wantT))
	}
	// the I→E edges onto the exc receptor of an unsigned source
	bad := fromEdges(spec, file)
	bad.Populations = slices.Clone(spec.Populations)
	bad.Populations[1].Sign = 0
	for i := range bad.Projections {
		bad.Projections[i].Receptor = "exc"
	}
	if err := bad.Validate(); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "edges_file") ||
		!strings.Contains(err.Error(), "syn_weight ≥ 0 onto the exc receptor") {
		t.Fatalf("negative conductances onto exc: %v", err)
	}
	// with sign +1 onto exc as well: the file's signs are read, not folded
	plus := fromEdges(spec, file)
	plus.Populations = slices.Clone(spec.Populations)
	plus.Populations[1].Sign = 1
	for i := range plus.Projections {
		plus.Projections[i].Receptor = "exc"
	}
	if err := plus.Validate(); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "syn_weight ≥ 0 onto the exc receptor") {
		t.Fatalf("negative conductances onto exc from a sign +1 source: %v", err)
	}
	// one weight for every edge: the error names the file too
	for i := range spec.Projections {
		spec.Projections[i].Weights = synapses.Weights{Value: 5}
	}
	_, dir = writtenNetwork(t, spec)
	bad = fromEdges(spec, filepath.Join(dir, "edges.h5"))
	bad.Populations = slices.Clone(spec.Populations)
	bad.Populations[1].Sign = 0
	for i := range bad.Projections {
		bad.Projections[i].Receptor = "exc"
	}
	if err := bad.Validate(); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "edges_file") ||
		!strings.Contains(err.Error(), "every edge of I_to_E has -5") {
		t.Fatalf("a negative constant conductance onto exc: %v", err)
	}
}

// setParam sets parameter k to v in every population of s (on copies of
// their Params maps).
func setParam(s *kernel.Spec, k string, v float64) {
	for i := range s.Populations {
		p := maps.Clone(s.Populations[i].Params)
		if p == nil {
			p = map[string]float64{}
		}
		p[k] = v
		s.Populations[i].Params = p
	}
}
