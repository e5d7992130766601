package events

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
)

func TestRingSlotsAndDelays(t *testing.T) {
	r := NewRing(4, 5)
	r.AddRow(7, []uint32{0, 2, 2}, 1.5)
	r.AddRowScaled(8, []uint32{1, 3}, []float32{2, 3}, 1)
	r.AddRowDelays(5, []uint32{0, 1}, 0.5, []uint16{2, 3})
	if got := r.Slot(7); !reflect.DeepEqual(got, []float32{2, 0, 3, 0}) {
		t.Fatalf("slot 7 = %v", got)
	}
	if got := r.Slot(8); !reflect.DeepEqual(got, []float32{0, 2.5, 0, 3}) {
		t.Fatalf("slot 8 = %v", got)
	}
	// slot 12 is slot 7 again: the reader clears it before reuse
	s := r.Slot(12)
	for j := range s {
		s[j] = 0
	}
	if got := r.Slot(7); !reflect.DeepEqual(got, []float32{0, 0, 0, 0}) {
		t.Fatalf("cleared slot = %v", got)
	}
	var buf bytes.Buffer
	if err := r.Save(&buf); err != nil {
		t.Fatal(err)
	}
	r2 := NewRing(4, 5)
	if err := r2.Load(&buf); err != nil || !reflect.DeepEqual(r2.data, r.data) {
		t.Fatalf("load: %v", err)
	}
	if err := NewRing(3, 5).Load(bytes.NewReader(nil)); err == nil {
		t.Fatal("loading nothing succeeded")
	}
}

// TestRingScaled: the scaled rows add float32(w·scale), each product
// rounded to float32 before the sum (no fused multiply-add).
func TestRingScaled(t *testing.T) {
	r := NewRing(3, 4)
	ws := []float32{1.1, 3, 0.7}
	scale := float32(0.3)
	r.AddRowScaled(1, []uint32{0, 2}, ws[:2], scale)
	r.AddRowDelaysScaled(0, []uint32{0, 1, 2}, ws, []uint16{1, 2, 1}, scale)
	want1 := []float32{float32(1.1*scale) + float32(1.1*scale), 0, float32(3*scale) + float32(0.7*scale)}
	if got := r.Slot(1); !reflect.DeepEqual(got, want1) {
		t.Fatalf("slot 1 = %v, want %v", got, want1)
	}
	if got := r.Slot(2); !reflect.DeepEqual(got, []float32{0, float32(3 * scale), 0}) {
		t.Fatalf("slot 2 = %v", got)
	}
	// 1 + 2.9·0.3: with the product rounded first 1.8700001, fused 1.87.
	for _, add := range []func(*Ring){
		func(r *Ring) { r.AddRowScaled(3, []uint32{0}, []float32{2.9}, 0.3) },
		func(r *Ring) { r.AddRowDelaysScaled(2, []uint32{0}, []float32{2.9}, []uint16{1}, 0.3) },
	} {
		r := NewRing(1, 4)
		r.Add(3, 0, 1)
		add(r)
		if got, want := r.Slot(3)[0], float32(1)+float32(float32(2.9)*float32(0.3)); got != want || got != 1.8700001 {
			t.Fatalf("1 + 2.9·0.3 = %v, want %v (the product rounded before the sum)", got, want)
		}
	}
}

func TestQueueOrder(t *testing.T) {
	q := NewQueue(3)
	q.Push(4, 2, 0, 0.05, 1)
	q.Push(4, 1, 1, 0.07, 2)
	q.Push(4, 1, 0, 0.02, 3)
	q.Push(4, 1, 0, 0.07, 4) // same time as the second: insertion order
	q.Push(5, 0, 0, 0.01, 5)
	ev := q.Take(4)
	var ws []float32
	for _, e := range ev {
		ws = append(ws, e.W)
	}
	if !reflect.DeepEqual(ws, []float32{3, 2, 4, 1}) {
		t.Fatalf("order %v, want [3 2 4 1]", ws)
	}
	var buf bytes.Buffer
	_ = q.Save(&buf)
	q2 := NewQueue(3)
	if err := q2.Load(&buf); err != nil || q2.Len() != 5 {
		t.Fatalf("load: %v, %d events", err, q2.Len())
	}
	q.Clear(4)
	if q.Len() != 1 {
		t.Fatalf("%d events left, want 1", q.Len())
	}
	allocs := testing.AllocsPerRun(100, func() {
		q.Push(7, 1, 0, 0.03, 1)
		q.Push(7, 0, 0, 0.04, 1)
		q.Take(7)
		q.Clear(7)
	})
	if allocs != 0 {
		t.Fatalf("%g allocations per push/take/clear", allocs)
	}
}

// TestExchangeCanonical: the merged order is the same whatever the number of
// workers the neurons were split among.
func TestExchangeCanonical(t *testing.T) {
	// two populations of 10 neurons; spikes at relative steps 0 and 1
	spikes := map[[2]int][]int32{{0, 0}: {1, 4, 9}, {0, 1}: {0, 5}, {1, 0}: {3}, {1, 1}: {2, 7, 8}}
	merge := func(bounds []int32) []Spike {
		boxes := make([]Outbox, len(bounds)-1)
		for w := range boxes {
			boxes[w].Reset(2, 2)
			for k := range 2 {
				for p := range 2 {
					for _, i := range spikes[[2]int{k, p}] {
						if i >= bounds[w] && i < bounds[w+1] {
							boxes[w].Spikes = append(boxes[w].Spikes, Spike{Step: int64(10 + k), Pop: int32(p), Index: i})
						}
					}
					boxes[w].Close(k, p)
				}
			}
		}
		var e Exchange
		return append([]Spike(nil), e.Merge(boxes, 2, 2)...)
	}
	one := merge([]int32{0, 10})
	for _, b := range [][]int32{{0, 5, 10}, {0, 2, 3, 10}, {0, 1, 4, 6, 10}} {
		if got := merge(b); !reflect.DeepEqual(got, one) {
			t.Fatalf("bounds %v: %v, want %v", b, got, one)
		}
	}
	if len(one) != 9 || one[0].Index != 1 || one[3].Pop != 1 || one[5].Step != 11 {
		t.Fatalf("merged %v", one)
	}
}

func TestTeam(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		tm := NewTeam(n)
		var sum atomic.Int64
		for range 100 {
			tm.Run(func(w int) { sum.Add(int64(w + 1)) })
		}
		tm.Close()
		if want := int64(100 * n * (n + 1) / 2); sum.Load() != want {
			t.Fatalf("n=%d: sum %d, want %d", n, sum.Load(), want)
		}
	}
	// Closing a team at once, before its workers have started, must not
	// make them read the cleared channel list (index out of range in a
	// worker goroutine, which no recover here could catch).
	for range 200 {
		NewTeam(64).Close()
	}
}

// TestQueueRadixOrder: above radixMin events Take's radix path gives
// exactly compareEvents' order (target, time, insertion), with targets
// needing one, two and three radix passes, equal times, and many events
// per target.
func TestQueueRadixOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ n, targets int }{{radixMin, 10}, {500, 200}, {3000, 4000}, {2000, 70000}, {5000, 3}} {
		q := NewQueue(2)
		var want []Event
		for i := range c.n {
			tg := int32(rng.IntN(c.targets))
			off := float64(rng.IntN(20)) * 0.005 // many equal times
			q.Push(9, tg, int32(i%2), off, float32(i))
			want = append(want, Event{Off: off, W: float32(i), Target: tg, Recep: int32(i % 2), Seq: int32(i)})
		}
		slices.SortFunc(want, compareEvents)
		if got := q.Take(9); !reflect.DeepEqual(got, want) {
			t.Fatalf("n %d, targets %d: radix order differs from compareEvents' order", c.n, c.targets)
		}
	}
}

// TestQueueGrowth: when Push fills a slot, every slot with less room gets
// the doubled capacity (the slots reach their steady state together);
// Insert grows only its own slot, and numbers its events as Push does;
// Clear gives back what Insert took.
func TestQueueGrowth(t *testing.T) {
	q := NewQueue(4)
	for i := range 9 {
		q.Push(1, int32(i), 0, 0.05, 1)
	}
	for s := range int64(4) {
		if c := cap(q.Peek(s)); c != 16 {
			t.Fatalf("after 9 Pushes into slot 1: slot %d has capacity %d, want 16", s, c)
		}
	}
	r := NewQueue(4)
	for i := range 9 {
		r.Insert(1, int32(i), 0, 0.05, 1)
		r.Push(2, int32(i), 0, 0.05, 1)
	}
	if c := cap(r.Peek(3)); c != 16 {
		t.Fatalf("Insert and Push: slot 3 has capacity %d, want 16 (Push's growth)", c)
	}
	r2 := NewQueue(4)
	for i := range 9 {
		r2.Insert(1, int32(i), 0, 0.05, 1)
	}
	if c := cap(r2.Peek(3)); c != 0 {
		t.Fatalf("Insert alone: slot 3 has capacity %d, want 0", c)
	}
	if !reflect.DeepEqual(r2.Peek(1), q.Peek(1)) {
		t.Fatalf("Insert queued %v, Push %v", r2.Peek(1), q.Peek(1))
	}
	// Clear keeps what Push grew, gives back what Insert took beyond
	// twice that (and beyond 64)
	q.Clear(1)
	if c := cap(q.Peek(1)); c != 16 {
		t.Fatalf("Push, Clear: capacity %d, want 16", c)
	}
	for i := range 100 {
		r2.Insert(2, int32(i), 0, 0.05, 1)
	}
	r2.Clear(2)
	if c := cap(r2.Peek(2)); c != 0 {
		t.Fatalf("100 Inserts, Clear: capacity %d, want 0", c)
	}
}

// TestQueuePushAfterInsert: a slot that Insert filled (a restored
// checkpoint's) and that Push then fills further grows on its own: the
// other slots keep the capacity Push gave them, and Clear gives the big
// one back.
func TestQueuePushAfterInsert(t *testing.T) {
	q := NewQueue(64)
	for step := range int64(64) { // a steady run: about 40 events per slot
		for k := range 40 {
			q.Push(step, int32(k), 0, 0.05, 1)
		}
	}
	for step := range int64(64) {
		q.Clear(step)
	}
	for i := range 100_000 {
		q.Insert(3, int32(i%1000), 0, 0.05, 1)
	}
	for c := cap(q.Peek(3)); cap(q.Peek(3)) == c; {
		q.Push(3, 1, 0, 0.05, 1) // fill the restored slot until it grows
	}
	for s := range int64(64) {
		if c := cap(q.Peek(s)); s != 3 && c > 64 {
			t.Fatalf("after Push overflowed the restored slot, slot %d has capacity %d, want 64 (Push's)", s, c)
		}
	}
	q.Clear(3)
	if c := cap(q.Peek(3)); c != 0 {
		t.Fatalf("the restored slot keeps capacity %d after Clear", c)
	}
}
