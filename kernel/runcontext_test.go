package kernel_test

import (
	"context"
	"errors"
	"hash/fnv"
	"testing"

	"github.com/neurodyn/neurodyn/internal/ctxtest"
	"github.com/neurodyn/neurodyn/kernel"
)

// TestRunContext: a run stopped by its context ends at a slice boundary
// with context.Canceled, in the state (spikes, time) that Run of that
// duration gives, and a later Run continues it to the same bits as one
// uninterrupted run; a context never done gives Run's bits.
func TestRunContext(t *testing.T) {
	spec, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Seed: 5, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	const ms = 200.0
	sum := func(net *kernel.Network) (uint64, int) {
		h := fnv.New64a()
		n := hashSpikes(h, net)
		return h.Sum64(), n
	}
	var want uint64
	var wantN int
	runNet(t, spec, 2, func(net *kernel.Network) { want, wantN = sum(net) }, ms)
	if wantN == 0 {
		t.Fatal("no spikes")
	}
	never := ctxtest.New(-1)
	runNetWith(t, spec, func(net *kernel.Network) {
		if err := net.RunContext(never, ms); err != nil {
			t.Fatal(err)
		}
		if got, n := sum(net); got != want || n != wantN {
			t.Errorf("RunContext with a context never done: %d spikes %#x, want Run's %d %#x", n, got, wantN, want)
		}
	})
	looks := never.Looks()
	if looks < 4 {
		t.Fatalf("%d looks at the context in %g ms, want one per slice", looks, ms)
	}
	for _, k := range ctxtest.StopPoints(looks) {
		runNetWith(t, spec, func(net *kernel.Network) {
			err := net.RunContext(ctxtest.New(k), ms)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("stopped at look %d: %v, want context.Canceled", k, err)
			}
			at := net.TimeMs()
			if at >= ms {
				t.Fatalf("stopped at look %d: time %g ms, want < %g", k, at, ms)
			}
			got, n := sum(net)
			var part uint64
			var partN int
			if at > 0 {
				runNet(t, spec, 1, func(ref *kernel.Network) { part, partN = sum(ref) }, at)
			} else {
				part = fnv.New64a().Sum64()
			}
			if got != part || n != partN {
				t.Errorf("stopped at look %d (%g ms): %d spikes %#x, want Run(%g)'s %d %#x", k, at, n, got, at, partN, part)
			}
			if err := net.Run(ms - at); err != nil {
				t.Fatal(err)
			}
			if got, n := sum(net); got != want || n != wantN {
				t.Errorf("stopped at look %d, then run to %g ms: %d spikes %#x, want %d %#x", k, ms, n, got, wantN, want)
			}
		})
	}
}

// runNetWith builds s with two workers and gives it to f before closing
// it.
func runNetWith(t *testing.T, s kernel.Spec, f func(*kernel.Network)) {
	t.Helper()
	net, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	f(net)
}
