package kernel

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/synapses"
)

// recordBoth runs spec for ms twice: in memory, and with every recorder
// streaming to SONATA files in a new directory (the test is skipped
// without HDF5). The networks are closed when the test ends.
func recordBoth(t *testing.T, spec Spec, ms float64) (mem, net *Network, rec *SONATARecording, dir string) {
	t.Helper()
	mem, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	if err := mem.Run(ms); err != nil {
		t.Fatal(err)
	}
	net, err = New(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	dir = t.TempDir()
	rec, err = net.RecordSONATA(dir, SONATAOptions{})
	if err == export.ErrNoHDF5 {
		t.Skip("built without HDF5")
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	return mem, net, rec, dir
}

// TestRecordSONATA runs a small network with every recorder kind streaming to
// SONATA files and checks that they hold what the in-memory recorders of an
// identical run hold.
func TestRecordSONATA(t *testing.T) {
	spec, err := Preset("brunel", PresetOptions{N: 500, Seed: 5, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	spec.Recorders = append(spec.Recorders,
		RecorderSpec{Name: "v", Kind: "state", Population: "E", Neurons: []int{1, 5, 9}, Variable: "V", IntervalMs: 1},
		RecorderSpec{Name: "rate", Kind: "rate", Population: "E", BinMs: 5},
	)
	mem, net, rec, dir := recordBoth(t, spec, 100)
	if err := net.WriteSONATANetwork(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range append(rec.Files, filepath.Join(dir, "nodes.h5"), filepath.Join(dir, "edges.h5")) {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	sp, err := export.ReadSpikes(filepath.Join(dir, "spikes.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if a, b, ok, err := export.SpikeInterval(filepath.Join(dir, "spikes.h5")); err != nil || !ok || a != 0 || b != net.TimeMs() {
		t.Errorf("recorded interval (%v, %v] ms (found %v, %v), want (0, %v]", a, b, ok, err, net.TimeMs())
	}
	total := 0
	for _, p := range sp {
		want := mem.Recorder("spikes:" + p.Name).Spikes()
		if want == nil {
			t.Fatalf("no in-memory spikes for %s", p.Name)
		}
		if len(p.TimesMs) != len(want.TimesMs) {
			t.Fatalf("%s: %d spikes in the file, %d in memory", p.Name, len(p.TimesMs), len(want.TimesMs))
		}
		for i := range p.TimesMs {
			if p.TimesMs[i] != want.TimesMs[i] || p.NodeIDs[i] != uint64(want.IDs[i]) {
				t.Fatalf("%s spike %d: (%v, %d) vs (%v, %d)", p.Name, i, p.TimesMs[i], p.NodeIDs[i], want.TimesMs[i], want.IDs[i])
			}
		}
		total += len(p.TimesMs)
	}
	if total == 0 {
		t.Error("no spikes recorded")
	}
	fr, err := export.ReadFrameReport("E", filepath.Join(dir, "v.h5"))
	if err != nil {
		t.Fatal(err)
	}
	wantV := mem.Recorder("v").Frames()
	if len(fr.Data) != len(wantV.Data) || fr.StartMs != wantV.TimesMs[0] || fr.DtMs != 1 {
		t.Fatalf("frames: %d values from %v ms every %v ms, want %d from %v", len(fr.Data), fr.StartMs, fr.DtMs, len(wantV.Data), wantV.TimesMs[0])
	}
	for i := range fr.Data {
		if fr.Data[i] != wantV.Data[i] {
			t.Fatalf("V value %d: %v vs %v", i, fr.Data[i], wantV.Data[i])
		}
	}
	// The rate report's one column is the population rate under node id
	// 0: the file says so (a SONATA reader would take it for neuron 0's);
	// the state report's columns are neurons.
	if fr.Aggregate != "" {
		t.Errorf("v.h5: aggregate %q, want none (its columns are neurons)", fr.Aggregate)
	}
	rr, err := export.ReadFrameReport("E", filepath.Join(dir, "rate.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if rr.Aggregate != RateAggregate || !slices.Equal(rr.NodeIDs, []uint64{0}) || rr.Units != "Hz" {
		t.Errorf("rate.h5: aggregate %q, node ids %v, units %q; want %q, [0], Hz", rr.Aggregate, rr.NodeIDs, rr.Units, RateAggregate)
	}
	// Every file says which network produced it: the spec (it decodes to
	// the one run) and its seed.
	for _, f := range append(rec.Files, filepath.Join(dir, "nodes.h5"), filepath.Join(dir, "edges.h5")) {
		h, err := export.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		prov, err := export.ReadProvenance(h)
		h.Close()
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		got, err := DecodeTOML(strings.NewReader(prov.Config))
		if err != nil || prov.ConfigFormat != "toml" || !reflect.DeepEqual(got, net.spec) {
			t.Errorf("%s: provenance config (%s, %v) does not decode to the spec run:\n%s", filepath.Base(f), prov.ConfigFormat, err, prov.Config)
		}
		if len(prov.Seeds) != 1 || prov.Seeds[0] != (export.Seed{Name: "seed", Value: 5}) {
			t.Errorf("%s: provenance seeds %v, want seed = 5", filepath.Base(f), prov.Seeds)
		}
	}
	nodes, edges := net.SONATANetwork()
	if len(nodes) != 2 || len(edges) != len(spec.Projections) {
		t.Errorf("%d node and %d edge populations", len(nodes), len(edges))
	}
}

// TestRecordSONATAWeights: weights recorders (of a plastic and of a static
// projection) stream to frame reports named after the projection's edge
// population, their columns mapped to source neurons (node ids) and edge
// ids (element ids), holding what an identical in-memory run records.
func TestRecordSONATAWeights(t *testing.T) {
	spec, err := Preset("brunel", PresetOptions{N: 500, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	spec.Projections[0].Plasticity = synapses.Plasticity{Kind: "stdp", Lambda: 0.05, Alpha: 1.1, WMax: 0.2}
	ee := []int{0, 1, 2, 150, 151, 3000, 15000}
	spec.Recorders = []RecorderSpec{
		{Name: "w", Kind: "weights", Projection: "E_to_E", Synapses: ee, IntervalMs: 2.5},
		{Kind: "weights", Projection: "I_to_E", Synapses: []int{7}, IntervalMs: 10},
	}
	mem, net, rec, dir := recordBoth(t, spec, 100)
	if want := []string{filepath.Join(dir, "w.h5"), filepath.Join(dir, "weights_I_to_E.h5")}; !slices.Equal(rec.Files, want) {
		t.Fatalf("files %v, want %v", rec.Files, want)
	}
	c := net.Projection(0)
	source := func(k int) uint64 {
		i := 0
		for c.Ptr[i+1] <= uint64(k) {
			i++
		}
		return uint64(i)
	}
	var nodes, ptrs []uint64
	var elems []uint32
	for col, k := range ee {
		if col == 0 || source(k) != source(ee[col-1]) {
			nodes, ptrs = append(nodes, source(k)), append(ptrs, uint64(col))
		}
		elems = append(elems, uint32(k))
	}
	ptrs = append(ptrs, uint64(len(ee)))
	fr, err := export.ReadFrameReport("", filepath.Join(dir, "w.h5"))
	if err != nil {
		t.Fatal(err)
	}
	want := mem.Recorder("w").Frames()
	if fr.Population != "E_to_E" || !slices.Equal(fr.NodeIDs, nodes) || !slices.Equal(fr.IndexPointers, ptrs) || !slices.Equal(fr.ElementIDs, elems) ||
		fr.Units != "mV" || fr.StartMs != 2.5 || fr.DtMs != 2.5 || fr.Frames != 40 || !slices.Equal(fr.Data, want.Data) {
		t.Fatalf("w.h5: population %s, nodes %v / %v, elements %v, units %s, %d frames from %v every %v ms; want E_to_E, %v / %v, %v, mV, 40 from 2.5 every 2.5",
			fr.Population, fr.NodeIDs, fr.IndexPointers, fr.ElementIDs, fr.Units, fr.Frames, fr.StartMs, fr.DtMs, nodes, ptrs, elems)
	}
	if slices.Equal(want.Frame(0), want.Frame(39)) {
		t.Error("the recorded weights did not move")
	}
	fr, err = export.ReadFrameReport("I_to_E", filepath.Join(dir, "weights_I_to_E.h5"))
	if err != nil {
		t.Fatal(err)
	}
	ci := net.Projection(2)
	if fr.Frames != 10 || fr.Data[9] != ci.W(7) || fr.ElementIDs[0] != 7 || fr.NodeIDs[0] != uint64(sort.Search(ci.NSrc, func(i int) bool { return ci.Ptr[i+1] > 7 })) {
		t.Fatalf("weights_I_to_E.h5: %d frames, last %v (weight %v), element %v, node %v", fr.Frames, fr.Data[9], ci.W(7), fr.ElementIDs, fr.NodeIDs)
	}
}

func TestEstimateBytes(t *testing.T) {
	spec, err := Preset("brunel", PresetOptions{N: 1000, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	net, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	est := spec.EstimateBytes()
	// A lower bound: at least the connectivity actually stored, within a
	// factor of the real size.
	if st := net.Stats(); est < float64(st.SynBytes) || est > 4*float64(st.SynBytes)+1e7 {
		t.Errorf("estimate %.3g bytes, connectivity %d bytes", est, st.SynBytes)
	}
	huge := Spec{Populations: []PopulationSpec{{Name: "E", N: 2_000_000_000}}, Recorders: []RecorderSpec{{Kind: "spikes", Population: "E"}}}
	if huge.EstimateBytes() < 1e11 {
		t.Errorf("2e9 neurons estimated at %.3g bytes", huge.EstimateBytes())
	}
}

// TestRecordSONATAOnce: while a recording is open a second RecordSONATA is
// an error naming the open one's directory (it used to take the recorders'
// sinks, leaving the first report empty but marked complete); after Close a
// new recording takes the rest of the run.
func TestRecordSONATAOnce(t *testing.T) {
	spec, err := Preset("brunel", PresetOptions{N: 500, Seed: 5, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	mem, net, _, dirA := recordBoth(t, spec, 50) // recorded and closed
	count := func(dir string) (n int, a, b float64) {
		t.Helper()
		sp, err := export.ReadSpikes(filepath.Join(dir, "spikes.h5"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range sp {
			n += len(p.TimesMs)
		}
		a, b, _, err = export.SpikeInterval(filepath.Join(dir, "spikes.h5"))
		if err != nil {
			t.Fatal(err)
		}
		return n, a, b
	}
	memCount := func() (n int) {
		for _, r := range mem.Recorders() {
			if r.Kind() == "spikes" {
				n += len(r.Spikes().TimesMs)
			}
		}
		return n
	}
	first := memCount()
	if n, _, _ := count(dirA); n != first || n == 0 {
		t.Fatalf("first report: %d spikes, in memory %d", n, first)
	}
	dirB, dirC := t.TempDir(), t.TempDir()
	recB, err := net.RecordSONATA(dirB, SONATAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.RecordSONATA(dirC, SONATAOptions{}); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), dirB) {
		t.Fatalf("a second RecordSONATA while %s records: error %v, want one naming it", dirB, err)
	}
	if err := param.First(mem.Run(50), net.Run(50), recB.Close()); err != nil {
		t.Fatal(err)
	}
	if n, a, b := count(dirB); n != memCount()-first || a != 50 || b != 100 {
		t.Errorf("report after the refused call: %d spikes in (%v, %v] ms, want %d in (50, 100]", n, a, b, memCount()-first)
	}
	if _, err := os.Stat(filepath.Join(dirC, "spikes.h5")); err == nil {
		t.Error("the refused recording wrote a file")
	}
}

// TestWriteSONATANetworkBMTK: WriteSONATANetwork writes what BMTK 1.2.0
// needs to open the network, as SONATA specifies it: node_types.csv and
// edge_types.csv (space-separated, a type per population and per
// projection, the ids nodes.h5 and edges.h5 use) and each edge index's
// node_id_to_ranges also under BMTK's name node_id_to_range (libsonata
// reads the first). Before, BMTK failed on the missing types tables and
// then on "index source_to_target in E_to_E edges is missing column
// node_id_to_range".
func TestWriteSONATANetworkBMTK(t *testing.T) {
	spec, err := Preset("brunel", PresetOptions{N: 100, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	net, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	dir := t.TempDir()
	if err := net.WriteSONATANetwork(dir); err != nil {
		if errors.Is(err, export.ErrNoHDF5) {
			t.Skip("built without HDF5")
		}
		t.Fatal(err)
	}
	nodes, edges := net.SONATANetwork()
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	nt := read("node_types.csv")
	if len(nt) != len(nodes)+1 || nt[0] != "node_type_id pop_name model_type model_template" {
		t.Fatalf("node_types.csv:\n%s", strings.Join(nt, "\n"))
	}
	for i, p := range nodes {
		if want := fmt.Sprintf("%d %s point_neuron neurodyn:lif_delta", p.NodeTypeID[0], p.Name); nt[i+1] != want { // Brunel's model
			t.Errorf("node_types.csv row %d: %q, want %q", i, nt[i+1], want)
		}
	}
	et := read("edge_types.csv")
	if len(et) != len(edges)+1 || et[0] != "edge_type_id edge_population source_pop target_pop model_template" {
		t.Fatalf("edge_types.csv:\n%s", strings.Join(et, "\n"))
	}
	for i, e := range edges {
		if want := fmt.Sprintf("%d %s %s %s static_synapse", e.EdgeTypeID[0], e.Name, e.Source, e.Target); et[i+1] != want {
			t.Errorf("edge_types.csv row %d: %q, want %q", i, et[i+1], want)
		}
	}
	if got := net.NetworkFiles(); !slices.Equal(got, []string{"nodes.h5", "node_types.csv", "edges.h5", "edge_types.csv"}) {
		t.Errorf("NetworkFiles %v", got)
	}
	f, err := export.Open(filepath.Join(dir, "edges.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, e := range edges {
		for _, ix := range []string{"source_to_target", "target_to_source"} {
			g, err := f.OpenGroup("edges/" + e.Name + "/indices/" + ix)
			if err != nil {
				t.Fatal(err)
			}
			a, _, err := export.Read[uint64](g, "node_id_to_ranges")
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := export.Read[uint64](g, export.BMTKNodeIDToRange)
			if err != nil || !slices.Equal(a, b) {
				t.Errorf("%s %s: node_id_to_range %v (%v), want node_id_to_ranges' %v", e.Name, ix, len(b), err, len(a))
			}
			g.Close()
		}
	}
	// a second write is refused without Overwrite, the tables too
	if err := net.WriteSONATANetwork(dir); !errors.Is(err, export.ErrExists) {
		t.Errorf("second write: %v, want ErrExists", err)
	}
	if err := os.Remove(filepath.Join(dir, "nodes.h5")); err != nil {
		t.Fatal(err)
	}
	if err := net.WriteSONATANetwork(dir); !errors.Is(err, export.ErrExists) || !strings.Contains(err.Error(), "node_types.csv") {
		t.Errorf("second write over node_types.csv: %v, want ErrExists naming it", err)
	}
	if err := net.WriteSONATANetwork(dir, export.Overwrite()); err != nil {
		t.Errorf("with Overwrite: %v", err)
	}
}
