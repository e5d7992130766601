package kernel_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
)

// TestCheckpointDefaultDt: a spec leaving dt_ms out (0) and one giving the
// default 0.1 build the same network, and the C API and Python report the
// first as the second (the step in effect), so each restores the other's
// checkpoints and runs on to the same spikes; another step is refused.
func TestCheckpointDefaultDt(t *testing.T) {
	spec := func(dt float64) kernel.Spec {
		s, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Seed: 4, Record: true})
		if err != nil {
			t.Fatal(err)
		}
		s.DtMs = dt
		return s
	}
	tests := []struct {
		from, to float64
		ok       bool
	}{
		{0, 0.1, true},
		{0.1, 0, true},
		{0, 0, true},
		{0.1, 0.1, true},
		{0, 0.05, false},
		{0.05, 0, false},
		{0.05, 0.1, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("from=%g/to=%g", tc.from, tc.to), func(t *testing.T) {
			a := build(t, spec(tc.from), 1)
			if err := a.Run(20); err != nil {
				t.Fatal(err)
			}
			var ck bytes.Buffer
			if err := a.Checkpoint(&ck); err != nil {
				t.Fatal(err)
			}
			b := build(t, spec(tc.to), 1)
			err := b.Restore(&ck)
			if !tc.ok {
				if !errors.Is(err, param.ErrInvalid) {
					t.Fatalf("restore: %v, want the spec's mismatch", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []*kernel.Network{a, b} {
				if err := n.Run(30); err != nil {
					t.Fatal(err)
				}
			}
			r := "spikes:E"
			sa, sb := a.Recorder(r).Spikes(), b.Recorder(r).Spikes()
			// b holds only what it ran after the restore: compare the tails
			k := len(sb.TimesMs)
			if k == 0 || k > len(sa.TimesMs) {
				t.Fatalf("%d spikes after the restore, %d in the original", k, len(sa.TimesMs))
			}
			ta, ia := sa.TimesMs[len(sa.TimesMs)-k:], sa.IDs[len(sa.IDs)-k:]
			for i := range k {
				if ta[i] != sb.TimesMs[i] || ia[i] != sb.IDs[i] {
					t.Fatalf("spike %d after the restore: %v %d, the original %v %d", i, sb.TimesMs[i], sb.IDs[i], ta[i], ia[i])
				}
			}
		})
	}
}
