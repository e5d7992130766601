package kernel

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/synapses"
)

// stp is the short-term plasticity state of one projection
// (ProjectionSpec.ShortTerm): Tsodyks–Markram's u and x once per source
// neuron, which equals NEST's state per synapse because the parameters are
// the projection's and the state depends on the source's spike times only.
//
// The efficacies are computed in the exchange phase, by one goroutine, for
// the merged spikes of the slice in their canonical order: every worker
// then scales the same spike by the same factor, and the results do not
// depend on the number of workers or on how a run is split.
type stp struct {
	rule synapses.ShortTerm
	src  int32 // source population
	dt   float64
	// per source neuron: the state at its last spike (u after the jump, x
	// before the release) and that spike's step and offset (ms within the
	// step); the rest state u = 0, x = 1 makes the first spike's h
	// irrelevant.
	u, x    []float64
	last    []int64
	lastOff []float64
	// scale[i] is u·x (rounded to float32) of merged spike i when it comes
	// from src; a spike acts with float32(w·scale[i]).
	scale []float32
}

func newSTP(rule synapses.ShortTerm, src int32, n int, dt float64) *stp {
	s := &stp{rule: rule, src: src, dt: dt, u: make([]float64, n), x: make([]float64, n),
		last: make([]int64, n), lastOff: make([]float64, n)}
	for j := range s.x {
		s.x[j] = 1
	}
	return s
}

// release updates the state of the sources of the slice's merged spikes,
// in order, and sets their scale factors.
func (s *stp) release(merged []events.Spike) {
	s.scale = slices.Grow(s.scale[:0], len(merged))[:len(merged)]
	for i, sp := range merged {
		if sp.Pop != s.src {
			continue
		}
		j := sp.Index
		// Grid spikes all carry the offset dt, so h is a whole number of
		// steps; precise spikes add the difference of their offsets.
		h := float64(float64(sp.Step-s.last[j])*s.dt) + float64(sp.Off-s.lastOff[j])
		u, x := s.rule.Spike(s.u[j], s.x[j], h)
		s.u[j], s.x[j], s.last[j], s.lastOff[j] = u, x, sp.Step, sp.Off
		s.scale[i] = float32(u * x)
	}
}

// ShortTermState returns the state of projection i's short-term plasticity
// (ProjectionSpec.ShortTerm) at the current time, per source neuron: the
// utilization u and the available resources x, relaxed since the source's
// last spike (synapses.ShortTerm.Relax); a source that never spiked has
// u = 0, x = 1. A spike of source j now would act with
// w·(U + u[j]·(1 − U))·x[j]. It is an error, naming projection, when i is
// out of range or the projection has no short-term plasticity.
func (net *Network) ShortTermState(i int) (u, x []float64, err error) {
	if i < 0 || i >= len(net.projs) {
		return nil, nil, param.New(pkg, "projection", i, fmt.Sprintf("in [0, %d)", len(net.projs)))
	}
	s := net.projs[i].stp
	if s == nil {
		return nil, nil, param.New(pkg, "projection", i, "a projection with short_term (this one has static synapses)")
	}
	n := len(s.u)
	u, x = make([]float64, n), make([]float64, n)
	for j := range n {
		if s.u[j] == 0 { // at rest
			u[j], x[j] = 0, 1
			continue
		}
		h := max(float64(float64(net.step-s.last[j])*net.dt)-s.lastOff[j], 0)
		u[j], x[j] = s.rule.Relax(s.u[j], s.x[j], h)
	}
	return u, x, nil
}

// save writes the per-source state.
func (s *stp) save(w io.Writer) error {
	for _, a := range []any{int64(len(s.u)), s.u, s.x, s.last, s.lastOff} {
		if err := binary.Write(w, binary.LittleEndian, a); err != nil {
			return err
		}
	}
	return nil
}

// load reads what save wrote, checking that the state is one the rule can
// reach before step (the checkpoint's).
func (s *stp) load(r io.Reader, step int64) error {
	var n int64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return err
	}
	if n != int64(len(s.u)) {
		return fmt.Errorf("state of %d source neurons, want %d", n, len(s.u))
	}
	for _, a := range []any{s.u, s.x, s.last, s.lastOff} {
		if err := binary.Read(r, binary.LittleEndian, a); err != nil {
			return err
		}
	}
	for j := range s.u {
		// A source that never spiked is at rest; one that did has u in
		// [U, 1], x in [0, 1] and its last spike before the checkpoint's
		// step.
		rest := s.u[j] == 0 && s.x[j] == 1 && s.last[j] == 0 && s.lastOff[j] == 0
		spiked := s.u[j] >= s.rule.U && s.u[j] <= 1 && s.x[j] >= 0 && s.x[j] <= 1 &&
			s.last[j] >= 0 && s.last[j] < step && s.lastOff[j] >= 0 && s.lastOff[j] <= s.dt
		if !rest && !spiked {
			return fmt.Errorf("source %d: state u %g, x %g, last spike step %d (+%g ms) out of range (checkpoint step %d)", j, s.u[j], s.x[j], s.last[j], s.lastOff[j], step)
		}
	}
	return nil
}
