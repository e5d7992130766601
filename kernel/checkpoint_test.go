package kernel_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// seriesSpec is a recurrent population driven by a time_series device "in"
// (two dimensions, 1 ms samples) whose spec series is short and weak, so
// that a series SetSeries puts in changes the spikes.
func seriesSpec() kernel.Spec {
	return kernel.Spec{
		Seed:        7,
		Populations: []kernel.PopulationSpec{{Name: "E", N: 40, Sign: 1}},
		Projections: []kernel.ProjectionSpec{{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2},
			Weights: synapsesConst(40), DelayMs: 1.5}},
		Devices: []kernel.DeviceSpec{
			{Kind: "poisson", Target: "E", RateHz: 2000, Weight: 20},
			{Name: "in", Kind: "time_series", Target: "E", SeriesDtMs: 1, Series: [][]float64{{1, 2}, {3, 4}},
				InputWeights: synapses.Weights{Dist: "normal", Mean: 1, Std: 0.5}},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}},
	}
}

// seriesA is 100 samples (100 ms) of a varying drive, then held.
func seriesA() [][]float64 {
	x := make([][]float64, 100)
	for k := range x {
		x[k] = []float64{float64(200 + 3*(k%37)), float64(150 + 5*(k%11))}
	}
	return x
}

// ckBytes returns net's checkpoint.
func ckBytes(t *testing.T, net *kernel.Network) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := net.Checkpoint(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCheckpointSetSeries: a checkpoint taken after SetSeries (restarted at
// 20 ms, checkpointed at 50 ms, within the series) restores into a fresh
// network, whose own series differs, and runs on bit-identically to an
// uninterrupted run, spikes and state (the final checkpoints are equal),
// past the series' end. A checkpoint of the spec's series takes a network
// that SetSeries changed back to it, in formats 2 and 1.
func TestCheckpointSetSeries(t *testing.T) {
	s := seriesSpec()
	build := func(workers int, ms float64, series [][]float64) *kernel.Network {
		t.Helper()
		net, err := kernel.New(s, kernel.WithWorkers(workers))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { net.Close() })
		if err := net.Run(ms); err != nil {
			t.Fatal(err)
		}
		if series != nil {
			if err := net.SetSeries("in", series); err != nil {
				t.Fatal(err)
			}
		}
		return net
	}
	run := func(net *kernel.Network, ms float64) {
		t.Helper()
		if err := net.Run(ms); err != nil {
			t.Fatal(err)
		}
	}
	spikes := func(net *kernel.Network) *kernel.SpikeMemory { return net.Recorder("spikes:E").Spikes() }

	full := build(1, 20, seriesA())
	run(full, 130)
	plain := build(1, 150, nil)
	if reflect.DeepEqual(tail(spikes(full), 50), tail(spikes(plain), 50)) {
		t.Fatal("the series SetSeries put in does not change the spikes: the test proves nothing")
	}

	first := build(2, 20, seriesA())
	run(first, 30)
	ck := ckBytes(t, first)
	other := [][]float64{{0, 0}, {500, 500}}
	for _, w := range []int{1, 3} {
		second := build(w, 10, other)
		if err := second.Restore(bytes.NewReader(ck)); err != nil {
			t.Fatal(err)
		}
		run(second, 100)
		if got, want := spikes(second), tail(spikes(full), 50); !reflect.DeepEqual(got, want) {
			t.Fatalf("%d workers: %d spikes after restore, want %d (identical)", w, len(got.IDs), len(want.IDs))
		}
		if !bytes.Equal(ckBytes(t, second), ckBytes(t, full)) {
			t.Fatalf("%d workers: the state after restore and 100 ms differs from an uninterrupted run's", w)
		}
		// a checkpoint taken now holds only the last sample (held)
		if n, m := len(ckBytes(t, second)), len(ck); n >= m {
			t.Fatalf("checkpoint past the series' end %d bytes, not less than the %d within it", n, m)
		}
	}

	// the spec's series: format 2 and format 1 restore it
	half := build(1, 50, nil)
	v1, err := kernel.CheckpointV1(half)
	if err != nil {
		t.Fatal(err)
	}
	for name, ck := range map[string][]byte{"v2": ckBytes(t, half), "v1": v1} {
		third := build(2, 10, seriesA())
		if err := third.Restore(bytes.NewReader(ck)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		run(third, 100)
		if got, want := spikes(third), tail(spikes(plain), 50); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %d spikes after restoring the spec's series, want %d (identical)", name, len(got.IDs), len(want.IDs))
		}
	}
}

// onlyReader hides every method of an io.Reader but Read: Restore cannot
// read it twice and verifies its checksum as it restores.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestCheckpointDamaged: a checkpoint with one byte flipped (in the magic,
// the header, the fingerprint, the middle, the last byte of the state and
// the checksum), truncated or with a byte appended is refused, whether
// read from a file (whose name the error gives), a bytes.Reader, a
// bytes.Buffer or a plain reader, and the network runs on as if Restore
// had not been called; the intact file restores bit-identically.
func TestCheckpointDamaged(t *testing.T) {
	s := seriesSpec()
	build := func(ms float64) *kernel.Network {
		t.Helper()
		net, err := kernel.New(s, kernel.WithWorkers(2))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { net.Close() })
		if err := net.Run(ms); err != nil {
			t.Fatal(err)
		}
		return net
	}
	first := build(50)
	if err := first.SetSeries("in", seriesA()); err != nil {
		t.Fatal(err)
	}
	ck := ckBytes(t, first)
	want := ckBytes(t, build(50)) // the state a refused restore keeps
	dir := t.TempDir()
	n := len(ck)
	type bad struct {
		name string
		b    []byte
	}
	var cases []bad
	for _, at := range []int{3, 8, 20, n / 3, n / 2, n - 5, n - 1} {
		b := bytes.Clone(ck)
		b[at] ^= 0x10
		cases = append(cases, bad{"flip@" + strconv.Itoa(at), b})
	}
	cases = append(cases, bad{"truncated-1", ck[:n-1]}, bad{"truncated-half", ck[:n/2]}, bad{"truncated-11", ck[:11]},
		bad{"appended", append(bytes.Clone(ck), 0)})
	for _, c := range cases {
		path := filepath.Join(dir, c.name+".ckpt")
		if err := os.WriteFile(path, c.b, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			kind string
			r    io.Reader
		}{{"file", f}, {"bytes.Reader", bytes.NewReader(c.b)}, {"bytes.Buffer", bytes.NewBuffer(bytes.Clone(c.b))}, {"reader", onlyReader{bytes.NewReader(c.b)}}} {
			net := build(50)
			err := net.Restore(r.r)
			switch {
			case err == nil:
				t.Fatalf("%s via %s: restored", c.name, r.kind)
			case c.name == "flip@3":
				if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "magic") {
					t.Fatalf("%s via %s: %v, want a bad magic", c.name, r.kind, err)
				}
			case c.name == "truncated-11" && r.kind == "reader":
				// too short to hold a fingerprint: the header's error
			case !errors.Is(err, kernel.ErrCheckpointDamaged):
				t.Fatalf("%s via %s: %v, want ErrCheckpointDamaged", c.name, r.kind, err)
			case r.kind == "file" && !strings.Contains(err.Error(), "checkpoint "+path+" is damaged"):
				t.Fatalf("%s via file: %q does not name the file", c.name, err)
			}
			if !bytes.Equal(ckBytes(t, net), want) {
				t.Fatalf("%s via %s: the refused restore changed the state", c.name, r.kind)
			}
		}
		f.Close()
	}
	// intact, from a file
	path := filepath.Join(dir, "ok.ckpt")
	if err := os.WriteFile(path, ck, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	second := build(0)
	if err := second.Restore(f); err != nil {
		t.Fatal(err)
	}
	if err := first.Run(50); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(50); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ckBytes(t, second), ckBytes(t, first)) || !reflect.DeepEqual(second.Recorder("spikes:E").Spikes(), tail(first.Recorder("spikes:E").Spikes(), 50)) {
		t.Fatal("intact checkpoint file: the restored run differs from the uninterrupted one")
	}
}
