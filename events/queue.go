package events

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
)

// Event is one input of the precise mode: weight W for receptor Recep of
// target Target, arriving Off ms after the start of its step (0 < Off ≤ h).
// Seq orders simultaneous events deterministically (insertion order).
type Event struct {
	Off    float64
	W      float32
	Target int32
	Recep  int32
	Seq    int32
}

// Queue is a time-ordered event queue for the precise mode: a ring of
// per-step event lists. Take returns a step's events sorted by target, then
// time within the step, then insertion order; the slot is then cleared and
// its capacity reused, so steady state allocates nothing. (The kernel keeps
// in one the events it queues one by one, and Peeks them in insertion
// order; it groups a step's events by target itself, with the spikes it
// queues whole.)
type Queue struct {
	slots [][]Event
	seq   []int32
	tmp   []Event // TakeByTarget's radix-sort buffer
	grown int     // the largest capacity grow gave every slot
}

// NewQueue returns a queue for delays of up to slots−1 steps beyond the
// current slice.
func NewQueue(slots int) *Queue {
	if slots < 1 {
		panic("events: NewQueue needs slots ≥ 1")
	}
	return &Queue{slots: make([][]Event, slots), seq: make([]int32, slots)}
}

// Push adds an event received in step.
func (q *Queue) Push(step int64, target, recep int32, off float64, w float32) {
	s := int(step % int64(len(q.slots)))
	if n := cap(q.slots[s]); len(q.slots[s]) == n && n <= q.grown || n == 0 {
		q.grow(s) // a slot that Insert or Load grew beyond grows on its own (append)
	}
	q.slots[s] = append(q.slots[s], Event{Off: off, W: w, Target: target, Recep: recep, Seq: q.seq[s]})
	q.seq[s]++
}

// Insert is Push for a one-off load, such as restoring a checkpoint: a
// full slot grows on its own, not every slot with it (see grow); a slot
// grown beyond twice grow's capacity keeps growing on its own under Push,
// and Clear drops it.
func (q *Queue) Insert(step int64, target, recep int32, off float64, w float32) {
	s := int(step % int64(len(q.slots)))
	q.slots[s] = append(q.slots[s], Event{Off: off, W: w, Target: target, Recep: recep, Seq: q.seq[s]})
	q.seq[s]++
}

// grow doubles the capacity of full slot s (at least 8) and gives every
// slot with less the same, so that the slots reach their steady state
// together, not each on its own busiest step: in a steady run every slot
// serves every step in turn.
func (q *Queue) grow(s int) {
	c := max(2*cap(q.slots[s]), 8)
	for i, sl := range q.slots {
		if cap(sl) < c {
			q.slots[i] = make([]Event, len(sl), c)
			copy(q.slots[i], sl)
		}
	}
	q.grown = max(q.grown, c)
}

func compareEvents(a, b Event) int {
	if c := cmp.Compare(a.Target, b.Target); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Off, b.Off); c != 0 {
		return c
	}
	return cmp.Compare(a.Seq, b.Seq)
}

// radixMin is the number of events from which the sorts by target use a
// radix sort.
const radixMin = 48

// Take returns the events of step in (target, time, insertion) order. They
// stay valid until Clear(step). It is TakeByTarget followed by SortRun on
// each target's run.
func (q *Queue) Take(step int64) []Event {
	s := q.TakeByTarget(step)
	for i := 0; i < len(s); {
		k := i + 1
		for k < len(s) && s[k].Target == s[i].Target {
			k++
		}
		SortRun(s[i:k])
		i = k
	}
	return s
}

// TakeByTarget returns the events of step grouped by target, ascending,
// each target's events in insertion order (a deterministic order, in which
// a neuron's quiet step can sum them; SortRun puts a run in time order
// where the neuron must be integrated from event to event). They stay
// valid until Clear(step).
//
// Below radixMin events it is a stable insertion sort on the target; from
// radixMin on a stable LSD radix sort (8 bits per pass, as many passes as
// the largest target needs: two up to 65,535), O(n).
func (q *Queue) TakeByTarget(step int64) []Event {
	s := q.slots[int(step%int64(len(q.slots)))]
	if len(s) < radixMin {
		for x := 1; x < len(s); x++ {
			for y := x; y > 0 && s[y].Target < s[y-1].Target; y-- {
				s[y], s[y-1] = s[y-1], s[y]
			}
		}
		return s
	}
	var top uint32
	for i := range s {
		top = max(top, uint32(s[i].Target))
	}
	if cap(q.tmp) < len(s) {
		q.tmp = make([]Event, len(s), 2*len(s))
	}
	src, dst := s, q.tmp[:len(s)]
	for shift := uint(0); shift == 0 || top>>shift > 0; shift += 8 {
		var count [257]int
		for i := range src {
			count[(uint32(src[i].Target)>>shift)&0xff+1]++
		}
		for d := 1; d < len(count); d++ {
			count[d] += count[d-1]
		}
		for i := range src {
			d := (uint32(src[i].Target) >> shift) & 0xff
			dst[count[d]] = src[i]
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
	return s
}

// SortRun sorts one target's events by time, then insertion order (Seq):
// an insertion sort for a short run, pattern-defeating quicksort for a long
// one (a neuron usually receives few events per step, but a volley can
// bring it thousands in no time order).
func SortRun(run []Event) {
	if len(run) > 32 {
		slices.SortFunc(run, compareEvents) // one target: by time, then Seq (unique)
		return
	}
	for x := 1; x < len(run); x++ {
		e := run[x]
		if !before(e, run[x-1]) {
			continue // in order already (the common case)
		}
		y := x
		for ; y > 0 && before(e, run[y-1]); y-- {
			run[y] = run[y-1] // shift, not swap: one move per place
		}
		run[y] = e
	}
}

// before reports whether a comes before b in a run: by time, then Seq.
func before(a, b Event) bool { return a.Off < b.Off || (a.Off == b.Off && a.Seq < b.Seq) }

// Clear empties the slot of step. A slot that a one-off load (Insert,
// Load) grew beyond twice what Push gives every slot is dropped, its
// memory given back.
func (q *Queue) Clear(step int64) {
	s := int(step % int64(len(q.slots)))
	q.slots[s] = q.slots[s][:0]
	if cap(q.slots[s]) > max(2*q.grown, 64) {
		q.slots[s] = nil // grown by a one-off load
	}
	q.seq[s] = 0
}

// Peek returns the events of step in insertion order without sorting or
// clearing them (for checkpoints).
func (q *Queue) Peek(step int64) []Event { return q.slots[int(step%int64(len(q.slots)))] }

// Slots returns the number of slots.
func (q *Queue) Slots() int { return len(q.slots) }

// Len returns the number of pending events.
func (q *Queue) Len() int {
	n := 0
	for _, s := range q.slots {
		n += len(s)
	}
	return n
}

// Save writes the pending events.
func (q *Queue) Save(w io.Writer) error {
	if err := binary.Write(w, binary.LittleEndian, int64(len(q.slots))); err != nil {
		return err
	}
	for i, s := range q.slots {
		if err := binary.Write(w, binary.LittleEndian, [2]int64{int64(len(s)), int64(q.seq[i])}); err != nil {
			return err
		}
		if err := binary.Write(w, binary.LittleEndian, s); err != nil {
			return err
		}
	}
	return nil
}

// Load reads what Save wrote into a queue with the same number of slots.
func (q *Queue) Load(r io.Reader) error {
	var n int64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return err
	}
	if n != int64(len(q.slots)) {
		return fmt.Errorf("events: queue with %d slots in checkpoint, want %d", n, len(q.slots))
	}
	for i := range q.slots {
		var hdr [2]int64
		if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
			return err
		}
		s := make([]Event, hdr[0])
		if err := binary.Read(r, binary.LittleEndian, s); err != nil {
			return err
		}
		q.slots[i], q.seq[i] = s, int32(hdr[1])
	}
	return nil
}
