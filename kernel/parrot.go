package kernel

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/synapses"
)

// parrotModel is the model name of a population of parrot neurons (NEST's
// parrot_neuron): each re-emits every spike it receives.
const parrotModel = "parrot"

// special is a population the integrate phase does not step as neurons:
// spike generators and parrots emit their spikes of the step themselves.
type special interface {
	// emit appends to the worker's box the spikes of worker w's neurons
	// of population p (pop) in step.
	emit(net *Network, pop *population, w int, p int32, step int64)
}

// parrotWeights checks the weights of projection pr (at where) onto parrot
// neurons and returns pr with every weight 1: each spike that reaches a
// parrot counts once, so weights are left out or 1 (a list's, an edges
// file's too), without a sign of −1.
func parrotWeights(where string, pr ProjectionSpec) (ProjectionSpec, error) {
	const allowed = "left out or 1: parrot neurons re-emit every spike that reaches them, whatever its weight (NEST's parrot_neuron); the weights of the projections from them act"
	w := pr.Weights
	switch {
	case w.Dist != "" && w.Dist != "constant":
		return pr, param.New(pkg, where+".weights.dist", w.Dist, allowed)
	case w.Value != 0 && w.Value != 1:
		return pr, param.New(pkg, where+".weights.value", w.Value, allowed)
	case w.Sign < 0:
		return pr, param.New(pkg, where+".weights.sign", w.Sign, allowed)
	case w.Low != 0 || w.High != 0 || w.Mean != 0 || w.Std != 0:
		return pr, param.New(pkg, where+".weights", "a distribution", allowed)
	}
	for k, x := range pr.WeightList {
		if x != 1 {
			if pr.EdgesFile != "" {
				return pr, param.New(pkg, where+".edges_file", pr.EdgesFile, fmt.Sprintf("syn_weight %s (edge %d has %g)", allowed, k, x))
			}
			return pr, param.New(pkg, fmt.Sprintf("%s.weight_list[%d]", where, k), x, allowed)
		}
	}
	pr.Weights, pr.WeightList = synapses.Weights{Value: 1}, nil
	return pr, nil
}

// parrot is a population of parrot neurons: in each step every neuron
// emits as many spikes as reached it (its ring slot and the delay-0
// arrivals, all of weight 1, hold their count), at the step's end, and has
// no other state. It implements neurons.Model for the kernel's sake (Step
// is never called: the integrate phase calls emit).
type parrot struct {
	pending []float32 // delay-0 arrivals since the last step (Jump)
}

// emit takes the step's arrivals of worker w's neurons (the ring slot,
// with the Poisson and spike_source devices' spikes added, and the delay-0
// arrivals), clears them and emits one spike per arrival.
func (pa *parrot) emit(net *Network, pop *population, w int, p int32, step int64) {
	lo, hi := pop.bounds[w], pop.bounds[w+1]
	slot := pop.input(w, step)[0]
	box := &net.boxes[w]
	in, pend := slot[lo:hi], pa.pending[lo:hi]
	pend = pend[:len(in)]
	for k := range in {
		c := in[k] + pend[k] // counts: whole numbers, exact below 2^24
		in[k], pend[k] = 0, 0
		for range int(c) {
			box.Spikes = append(box.Spikes, events.Spike{Step: step, Off: net.dt, Pop: p, Index: int32(lo + k)})
		}
	}
}

// Kind returns "parrot".
func (pa *parrot) Kind() string { return parrotModel }

// Len returns the number of neurons.
func (pa *parrot) Len() int { return len(pa.pending) }

// Receptors returns 1: every spike counts alike.
func (pa *parrot) Receptors() int { return 1 }

// Step emits nothing: the kernel calls emit instead.
func (pa *parrot) Step(lo, hi int, in [][]float32, dc []float32, spikes []int32) int { return 0 }

// Jump returns the delay-0 arrivals, counted until the next step.
func (pa *parrot) Jump(r int) []float32 { return pa.pending }

// VarNames returns no name: parrots have no state variables.
func (pa *parrot) VarNames() []string { return nil }

// VarSlice returns an error: parrots have no state variables.
func (pa *parrot) VarSlice(name string) ([]float32, float32, error) {
	return nil, 0, param.New(pkg, "variable", name, "none: parrot neurons have no state variables")
}

// Bias returns 0: parrots take no current.
func (pa *parrot) Bias() float32 { return 0 }

// SaveState writes the delay-0 arrivals not yet emitted.
func (pa *parrot) SaveState(w io.Writer) error {
	return binary.Write(w, binary.LittleEndian, pa.pending)
}

// LoadState reads what SaveState wrote; the counts must be whole numbers
// ≥ 0.
func (pa *parrot) LoadState(r io.Reader) error {
	p := make([]float32, len(pa.pending))
	if err := binary.Read(r, binary.LittleEndian, p); err != nil {
		return fmt.Errorf("kernel: restore: parrot arrivals: %w", err)
	}
	for j, c := range p {
		if !(c >= 0) || c != float32(math.Trunc(float64(c))) {
			return fmt.Errorf("kernel: restore: parrot neuron %d: %g arrivals", j, c)
		}
	}
	copy(pa.pending, p)
	return nil
}
