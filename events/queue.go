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

// Queue is the time-ordered event queue of the precise mode: a ring of
// per-step event lists. Take returns a step's events sorted by target, then
// time within the step, then insertion order; the slot is then cleared and
// its capacity reused, so steady state allocates nothing.
type Queue struct {
	slots [][]Event
	seq   []int32
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
	q.slots[s] = append(q.slots[s], Event{Off: off, W: w, Target: target, Recep: recep, Seq: q.seq[s]})
	q.seq[s]++
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

// Take returns the events of step in (target, time, insertion) order. They
// stay valid until Clear(step).
func (q *Queue) Take(step int64) []Event {
	s := q.slots[int(step%int64(len(q.slots)))]
	slices.SortFunc(s, compareEvents)
	return s
}

// Clear empties the slot of step.
func (q *Queue) Clear(step int64) {
	s := int(step % int64(len(q.slots)))
	q.slots[s] = q.slots[s][:0]
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
