package events

import (
	"encoding/binary"
	"fmt"
	"io"
	"unsafe"
)

// Ring holds, for N targets, the input of Slots consecutive steps: slot s is
// the N values received in step s (mod Slots). Reading a slot clears it (the
// neuron models do so as they integrate), so a slot is reused Slots steps
// later. The layout is slot-major: one slot is a contiguous []float32, which
// is what the uniform-delay fast path writes into.
type Ring struct {
	n, slots int
	data     []float32
}

// NewRing allocates a ring for n targets and slots ≥ 1 steps.
func NewRing(n, slots int) *Ring {
	if n < 0 || slots < 1 {
		panic(fmt.Sprintf("events: NewRing(%d, %d): need n ≥ 0 and slots ≥ 1", n, slots))
	}
	return &Ring{n: n, slots: slots, data: make([]float32, n*slots)}
}

// Len returns the number of targets.
func (r *Ring) Len() int { return r.n }

// Slots returns the number of slots.
func (r *Ring) Slots() int { return r.slots }

// Slot returns the input slot of step (whole population, indexed by target).
func (r *Ring) Slot(step int64) []float32 {
	s := int(step % int64(r.slots))
	return r.data[s*r.n : (s+1)*r.n : (s+1)*r.n]
}

// Add adds w to target j's input of step.
func (r *Ring) Add(step int64, j int, w float32) {
	r.data[int(step%int64(r.slots))*r.n+j] += w
}

// AddRow adds w to the input of step of every target in tgt (the uniform-delay
// fast path: one slot lookup per spike).
func (r *Ring) AddRow(step int64, tgt []uint32, w float32) {
	s := r.Slot(step)
	for _, j := range tgt {
		s[j] += w
	}
}

// AddSortedRow is AddRow for targets in ascending order, as the rows of a
// synapses.CSR always are: it checks the first and last target against the
// ring size once, and then adds without per-element bounds checks (unrolled
// by four). The caller guarantees the order; with unsorted targets an index
// out of range would go unnoticed.
func (r *Ring) AddSortedRow(step int64, tgt []uint32, w float32) {
	n := len(tgt)
	if n == 0 {
		return
	}
	s := r.Slot(step)
	if int(tgt[n-1]) >= len(s) || tgt[0] > tgt[n-1] {
		panic("events: AddSortedRow: targets out of range or not ascending")
	}
	addSorted(s, tgt, w)
}

// addSorted adds w to s[j] for j in tgt (every j < len(s), checked by the
// caller).
func addSorted(s []float32, tgt []uint32, w float32) {
	base := unsafe.Pointer(unsafe.SliceData(s))
	n := len(tgt)
	i := 0
	for ; i+4 <= n; i += 4 {
		p0 := (*float32)(unsafe.Add(base, uintptr(tgt[i])*4))
		p1 := (*float32)(unsafe.Add(base, uintptr(tgt[i+1])*4))
		p2 := (*float32)(unsafe.Add(base, uintptr(tgt[i+2])*4))
		p3 := (*float32)(unsafe.Add(base, uintptr(tgt[i+3])*4))
		*p0 += w
		*p1 += w
		*p2 += w
		*p3 += w
	}
	for ; i < n; i++ {
		*(*float32)(unsafe.Add(base, uintptr(tgt[i])*4)) += w
	}
}

// AddSorted adds w to s[j] for every j in tgt, which must be ascending (as
// CSR rows are): the delay-0 path that adds straight into neuron state.
// It checks the first and last target once, then adds without per-element
// bounds checks.
func AddSorted(s []float32, tgt []uint32, w float32) {
	n := len(tgt)
	if n == 0 {
		return
	}
	if int(tgt[n-1]) >= len(s) || tgt[0] > tgt[n-1] {
		panic("events: AddSorted: targets out of range or not ascending")
	}
	addSorted(s, tgt, w)
}

// AddRowDelays adds w to target tgt[k]'s input of step base+delay[k]
// (per-synapse delays, one weight).
func (r *Ring) AddRowDelays(base int64, tgt []uint32, w float32, delay []uint16) {
	delay = delay[:len(tgt)]
	for k, j := range tgt {
		r.data[int((base+int64(delay[k]))%int64(r.slots))*r.n+int(j)] += w
	}
}

// AddRowScaled adds float32(ws[k]·scale) to the input of step of target
// tgt[k]: per-synapse weights scaled by a spike's short-term efficacy (1:
// the weights themselves, exactly).
func (r *Ring) AddRowScaled(step int64, tgt []uint32, ws []float32, scale float32) {
	s := r.Slot(step)
	ws = ws[:len(tgt)]
	for k, j := range tgt {
		s[j] += float32(ws[k] * scale)
	}
}

// AddRowDelaysScaled adds float32(ws[k]·scale) to target tgt[k]'s input of
// step base+delay[k].
func (r *Ring) AddRowDelaysScaled(base int64, tgt []uint32, ws []float32, delay []uint16, scale float32) {
	delay = delay[:len(tgt)]
	ws = ws[:len(tgt)]
	for k, j := range tgt {
		r.data[int((base+int64(delay[k]))%int64(r.slots))*r.n+int(j)] += float32(ws[k] * scale)
	}
}

// Save writes the ring's contents.
func (r *Ring) Save(w io.Writer) error {
	if err := binary.Write(w, binary.LittleEndian, [2]int64{int64(r.n), int64(r.slots)}); err != nil {
		return err
	}
	return binary.Write(w, binary.LittleEndian, r.data)
}

// Load reads what Save wrote into a ring of the same shape.
func (r *Ring) Load(rd io.Reader) error {
	var hdr [2]int64
	if err := binary.Read(rd, binary.LittleEndian, &hdr); err != nil {
		return err
	}
	if hdr[0] != int64(r.n) || hdr[1] != int64(r.slots) {
		return fmt.Errorf("events: ring shape %d×%d in checkpoint, want %d×%d", hdr[0], hdr[1], r.n, r.slots)
	}
	return binary.Read(rd, binary.LittleEndian, r.data)
}
