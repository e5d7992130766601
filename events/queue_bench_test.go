package events

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkQueueTake: Push and Take of one step's events in precise mode:
// sparse (a spike's fan-out over 4,000 targets, ~1 event each) and a volley
// (400 synchronous spikes onto 10 targets: runs of 400 in no time order,
// where Take's per-target sort must not go quadratic). Reports ns/event.
func BenchmarkQueueTake(b *testing.B) {
	for _, c := range []struct {
		name            string
		events, targets int
	}{{"sparse", 4000, 4000}, {"volley", 4000, 10}} {
		b.Run(fmt.Sprintf("%s/events=%d", c.name, c.events), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			tg := make([]int32, c.events)
			off := make([]float64, c.events)
			for i := range tg {
				tg[i] = int32(rng.IntN(c.targets))
				off[i] = 0.1 * rng.Float64()
			}
			q := NewQueue(2)
			b.ResetTimer()
			for range b.N {
				for i := range tg {
					q.Push(1, tg[i], 0, off[i], 1)
				}
				q.Take(1)
				q.Clear(1)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*c.events), "ns/event")
		})
	}
}
