package kernel_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
)

// copySpec is smallSpec with a longer, varied series on device "in".
func copySpec() kernel.Spec {
	s := smallSpec()
	ser := make([][]float64, 60)
	for i := range ser {
		ser[i] = []float64{float64(i%7) * 40, float64(i%3) * 40}
	}
	s.Devices[2].Series = ser
	return s
}

// spikesAfter runs net for ms and returns the spikes recorded so far.
func spikesAfter(t *testing.T, net *kernel.Network, ms float64) kernel.SpikeMemory {
	t.Helper()
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	return *net.Recorder("spikes:E").Spikes()
}

func sameSpikes(a, b kernel.SpikeMemory) bool {
	return slices.Equal(a.TimesMs, b.TimesMs) && slices.Equal(a.IDs, b.IDs)
}

// TestNewCopiesSpec: what a caller does to its spec after New (its series,
// its parameters) reaches neither the run nor the checkpoint's fingerprint
// nor the provenance; what it does to a series after SetSeries does not
// reach the device.
func TestNewCopiesSpec(t *testing.T) {
	mustNew := func(s kernel.Spec) *kernel.Network {
		t.Helper()
		net, err := kernel.New(s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { net.Close() })
		return net
	}
	ref := spikesAfter(t, mustNew(copySpec()), 50)
	if len(ref.IDs) == 0 {
		t.Fatal("no spikes")
	}

	t.Run("series and params", func(t *testing.T) {
		s := copySpec()
		s.Populations[0].Params = map[string]float64{"tau_mem_ms": 20}
		orig := copySpec()
		orig.Populations[0].Params = map[string]float64{"tau_mem_ms": 20}
		net := mustNew(s)
		want := spikesAfter(t, mustNew(orig), 50)
		spikesAfter(t, net, 2)
		for _, x := range s.Devices[2].Series[2:] {
			x[0] = 5000
		}
		s.Populations[0].Params["tau_mem_ms"] = 10
		s.Devices[0].AmplitudePA = 0 // not a reference: never shared
		if got := spikesAfter(t, net, 48); !sameSpikes(got, want) {
			t.Errorf("%d spikes after the caller changed its spec, %d without", len(got.IDs), len(want.IDs))
		}
		var ck bytes.Buffer
		if err := net.Checkpoint(&ck); err != nil {
			t.Fatal(err)
		}
		if err := mustNew(orig).Restore(bytes.NewReader(ck.Bytes())); err != nil {
			t.Errorf("a checkpoint does not restore into a network of the spec New was given: %v", err)
		}
		if cfg := net.Provenance().Config; strings.Contains(cfg, "5000") || !strings.Contains(cfg, "tau_mem_ms = 20.0") {
			t.Errorf("the provenance records the caller's later changes:\n%s", cfg)
		}
	})

	t.Run("SetSeries", func(t *testing.T) {
		a, b := mustNew(copySpec()), mustNew(copySpec())
		ser := [][]float64{{200, 0}, {0, 200}, {100, 100}, {0, 0}}
		if err := a.SetSeries("in", ser); err != nil {
			t.Fatal(err)
		}
		if err := b.SetSeries("in", [][]float64{{200, 0}, {0, 200}, {100, 100}, {0, 0}}); err != nil {
			t.Fatal(err)
		}
		for _, x := range ser {
			x[0], x[1] = 9000, 9000
		}
		if got, want := spikesAfter(t, a, 4), spikesAfter(t, b, 4); !sameSpikes(got, want) {
			t.Errorf("%d spikes after the caller changed the series it set, %d without", len(got.IDs), len(want.IDs))
		}
	})
}
