package kernel

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
)

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
	mem, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	if err := mem.Run(100); err != nil {
		t.Fatal(err)
	}
	net, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	dir := t.TempDir()
	rec, err := net.RecordSONATA(dir, SONATAOptions{})
	if err == export.ErrNoHDF5 {
		t.Skip("built without HDF5")
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(100); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
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
