package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
)

// TestAnalyzeEmbeddingFlags: --embed-dim and --lag are refused where they
// do not apply (with --model, on analyses other than lyapunov and
// dimension) and out of range, with usage errors naming the flag.
func TestAnalyzeEmbeddingFlags(t *testing.T) {
	dir := t.TempDir()
	csv := writeFile(t, dir, "s.csv", "t,a,b\n0,1,2\n1,2,3\n2,3,1\n3,1,2\n")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"embed-dim-negative", []string{"analyze", "lyapunov", "--data", csv, "--embed-dim", "-1"}, []string{"--embed-dim = -1", "[1, 100]"}},
		{"lag-negative", []string{"analyze", "dimension", "--data", csv, "--lag", "-3"}, []string{"--lag = -3", "≥ 1 sample"}},
		{"embed-dim-with-model", []string{"analyze", "lyapunov", "--model", "m.npz", "--embed-dim", "3"}, []string{"--embed-dim", "--data"}},
		{"zscore-value", []string{"analyze", "dimension", "--data", csv, "--zscore", "yes"}, []string{"--zscore = yes", "auto, on or off"}},
		{"zscore-lyapunov", []string{"analyze", "lyapunov", "--data", csv, "--zscore", "on"}, []string{"--zscore", "analyze dimension --data"}},
		{"zscore-model", []string{"analyze", "dimension", "--model", "m.npz", "--zscore", "off"}, []string{"--zscore", "analyze dimension --data"}},
		{"lag-closedloop", []string{"analyze", "closedloop", "--data", csv, "--lag", "2"}, []string{"--lag", "lyapunov or dimension"}},
		{"embed-dim-spikes", []string{"analyze", "spikes", "--data", "s.h5", "--embed-dim", "2"}, []string{"--embed-dim"}},
	} {
		t.Run(c.name, func(t *testing.T) { refused(t, c.args, c.want) })
	}
}

// writeBMTKSpikes writes a spike file in BMTK 1.2.0's layout
// (SpikeTrains.to_sonata): root attributes magic and version,
// /spikes/<pop> with the attribute sorting as a plain string (not SONATA's
// enum), timestamps with units unless units is "".
func writeBMTKSpikes(t *testing.T, path, units string, times []float64, ids []uint64) {
	t.Helper()
	f, err := export.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := export.SetAttr(f, "magic", uint32(0x0A7A)); err != nil {
		t.Fatal(err)
	}
	if err := export.SetAttrSlice(f, "version", []uint32{0, 1}); err != nil {
		t.Fatal(err)
	}
	g, err := f.CreateGroup("spikes/v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := export.SetStringAttr(g, "sorting", "by_time"); err != nil {
		t.Fatal(err)
	}
	if err := export.Write(g, "timestamps", times, []int{len(times)}); err != nil {
		t.Fatal(err)
	}
	if err := export.Write(g, "node_ids", ids, []int{len(ids)}); err != nil {
		t.Fatal(err)
	}
	if units != "" {
		d, err := g.OpenDataset("timestamps")
		if err != nil {
			t.Fatal(err)
		}
		if err := export.SetStringAttr(d, "units", units); err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	g.Close()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestAnalyzeSpikesBMTK: analyze spikes --data reads BMTK's spike files
// (sorting a string attribute), in ms or s; a file whose timestamps have no
// units attribute is refused naming --spike-time-units, and read with it.
// Node 0 fires at 10, 20, …, 100 ms and node 1 at 50 ms, over (0, 100] ms:
// 11 spikes of 2 neurons, 55 Hz on average.
func TestAnalyzeSpikesBMTK(t *testing.T) {
	if export.HDF5Version() == "" {
		t.Skip("built without HDF5")
	}
	dir := t.TempDir()
	var ms []float64
	var ids []uint64
	for k := 1; k <= 10; k++ {
		ms = append(ms, 10*float64(k))
		ids = append(ids, 0)
	}
	ms, ids = append(ms, 50), append(ids, 1)
	s := make([]float64, len(ms))
	for i, v := range ms {
		s[i] = v / 1000
	}
	want := "| v1 | 2 | 11 | 55 ± 45 |"
	for _, c := range []struct {
		name, units string
		times       []float64
		flags       []string
	}{
		{"ms", "ms", ms, nil},
		{"s", "s", s, nil},
		{"no-units-flag-ms", "", ms, []string{"--spike-time-units", "ms"}},
		{"no-units-flag-s", "", s, []string{"--spike-time-units", "s"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".h5")
			writeBMTKSpikes(t, path, c.units, c.times, ids)
			stdout, err := run(t, nil, append([]string{"analyze", "spikes", "--data", path}, c.flags...)...)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(stdout, want) || !strings.Contains(stdout, "over (0, 100] ms") {
				t.Errorf("analyze spikes printed\n%s\nwant the row %q over (0, 100] ms", stdout, want)
			}
		})
	}
	path := filepath.Join(dir, "nounits.h5")
	writeBMTKSpikes(t, path, "", ms, ids)
	_, err := run(t, nil, "analyze", "spikes", "--data", path)
	if !errors.Is(err, export.ErrNoTimeUnits) || !strings.Contains(err.Error(), "--spike-time-units") {
		t.Errorf("no units attribute: %v; want an error wrapping export.ErrNoTimeUnits naming --spike-time-units", err)
	}
	refused(t, []string{"analyze", "spikes", "--data", path, "--spike-time-units", "hours"}, []string{"--spike-time-units = hours", "ms, s or us"})
	refused(t, []string{"analyze", "lyapunov", "--data", path, "--spike-time-units", "ms"}, []string{"--spike-time-units", "analyze spikes --data"})
}
