package kernel_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/kernel"
)

// recMemSpec has 1,000 neurons recorded by a state recorder every 3 steps,
// a filtered-spikes recorder of 10 neurons every 7 steps, a rate recorder
// in bins of 5 steps and a spikes recorder (dt 0.1 ms).
const recMemSpec = `dt_ms = 0.1
[[population]]
name = "A"
n = 1000
[[recorder]]
kind = "state"
population = "A"
interval_ms = 0.3
[[recorder]]
kind = "filtered_spikes"
population = "A"
neurons = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
interval_ms = 0.7
tau_ms = 5
[[recorder]]
kind = "rate"
population = "A"
bin_ms = 0.5
[[recorder]]
kind = "spikes"
population = "A"
`

// TestRecorderMemory: the frames a run leaves in memory are counted exactly
// (frames are due at the end of every step k with (k+1) % interval == 0,
// whatever the step the run starts at), and they are what the recorders
// hold after the run.
func TestRecorderMemory(t *testing.T) {
	s, err := kernel.DecodeTOML(strings.NewReader(recMemSpec))
	if err != nil {
		t.Fatal(err)
	}
	net := build(t, s, 2)
	// due(a, b): frames of interval iv due in steps [a, b).
	due := func(a, b, iv int64) int64 { return b/iv - a/iv }
	var step int64
	for _, n := range []int64{0, 1, 2, 5, 13, 100, 1} {
		t.Run(fmt.Sprintf("from=%d/n=%d", step, n), func(t *testing.T) {
			got := net.RecorderMemory(n)
			want := map[string]kernel.RecorderMemory{}
			for _, r := range net.Recorders() {
				switch r.Kind() {
				case "spikes":
					k := int64(len(r.Spikes().TimesMs))
					want[r.Name()] = kernel.RecorderMemory{Recorder: r.Name(), Spikes: k, Bytes: 12 * float64(k)}
				default:
					iv := map[string]int64{"state": 3, "filtered_spikes": 7, "rate": 5}[r.Kind()]
					w := map[string]int{"state": 1000, "filtered_spikes": 10, "rate": 1}[r.Kind()]
					f := due(0, step+n, iv)
					want[r.Name()] = kernel.RecorderMemory{Recorder: r.Name(), Frames: f, Width: w, Bytes: float64(f) * float64(8+4*w)}
				}
			}
			if len(got) != len(want) {
				t.Fatalf("step %d, n %d: %d recorders, want %d: %+v", step, n, len(got), len(want), got)
			}
			for _, g := range got {
				if g != want[g.Recorder] {
					t.Errorf("step %d, n %d: %+v, want %+v", step, n, g, want[g.Recorder])
				}
			}
			if err := net.RunSteps(n); err != nil {
				t.Fatal(err)
			}
			step += n
			for _, g := range got {
				r := net.Recorder(g.Recorder)
				if r.Kind() != "spikes" && int64(len(r.Frames().TimesMs)) != g.Frames {
					t.Errorf("%s holds %d frames after the run, the estimate said %d", g.Recorder, len(r.Frames().TimesMs), g.Frames)
				}
			}
		})
	}
}

// TestRecorderMemoryLimit: a run whose in-memory frames would exceed the
// memory limit is refused before it starts (ErrExceeded, the recorder and
// the limit named; the network does not move), and one within it runs.
func TestRecorderMemoryLimit(t *testing.T) {
	s, err := kernel.DecodeTOML(strings.NewReader(recMemSpec))
	if err != nil {
		t.Fatal(err)
	}
	defer memlimit.SetOverride(memlimit.SetOverride(8 << 20))
	net := build(t, s, 1)
	// state:A takes 4,008 bytes a frame, a frame every 3 steps: 8 MiB are
	// 2,093 frames, 6,279 steps (the other recorders add 1/30 of it).
	tests := []struct {
		name  string
		steps int64
		ok    bool
	}{
		{"within", 6000, true},
		{"beyond", 6000, false}, // 12,000 steps in all
		{"rest", 200, true},
	}
	// A recorder writing elsewhere holds nothing: with state:A in a file
	// sink, the run refused above fits.
	defer func() {
		if err := net.SetSink("state:A", kernel.Discard{}); err != nil {
			t.Fatal(err)
		}
		for _, m := range net.RecorderMemory(1e8) {
			if m.Recorder == "state:A" {
				t.Errorf("state:A with another sink: %+v, want it left out", m)
			}
		}
		if err := net.CheckRecorderMemory(6000); err != nil {
			t.Errorf("with state:A's frames discarded: %v", err)
		}
	}()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := net.Step()
			err := net.RunSteps(tc.steps)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, memlimit.ErrExceeded) {
				t.Fatalf("RunSteps(%d) from step %d: %v, want an error wrapping memlimit.ErrExceeded", tc.steps, before, err)
			}
			for _, s := range []string{`recorder "state:A"`, "frames of 1000 values", "8388608 bytes"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("the message does not say %q: %v", s, err)
				}
			}
			if net.Step() != before {
				t.Errorf("the refused run moved the network from step %d to %d", before, net.Step())
			}
			if e := net.CheckRecorderMemory(tc.steps); e == nil || e.Error() != err.Error() {
				t.Errorf("CheckRecorderMemory(%d) = %v, want RunSteps' error", tc.steps, e)
			}
		})
	}
}
