package kernel

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/timegrid"
)

// EstimateBytes returns a lower bound of the memory that validating,
// building and running s takes: neuron state (a spike_generator's trains:
// 8 bytes per spike, 16 in precise mode), the neuron lists of devices
// and recorders, the columns of weights recorders (RecorderSpec: per
// synapse recorded, every one of the projection's when Synapses is left
// out), ring buffers and connectivity (8 bytes per synapse; not the copy
// that precise mode may group by delay, up to 9 bytes per synapse and 1 per
// extra worker, nor its event queues). It
// reads the spec as given, without validating it (validation allocates per
// neuron), so callers can refuse a spec too large for the machine before
// calling Validate or New — as the C API does. A "sonata" projection counts
// the edges of its population in the file (0 when the file cannot be read
// or names no single population: Validate reports why). The frames that
// sampled recorders keep in memory are not counted (they grow with the
// run's duration: Network.RecorderMemory and CheckRecorderMemory, which
// Run checks).
func (s Spec) EstimateBytes() float64 {
	size := map[string]float64{}
	var bytes float64
	for _, p := range s.Populations {
		size[p.Name] = float64(p.N)
		if p.Model == generatorModel { // its trains, by step and neuron (and offset)
			per := 8.0
			if s.Precise {
				per = 16
			}
			bytes += float64(len(p.SpikeTimesMs)) * per
			continue
		}
		bytes += float64(p.N) * 64
	}
	for _, d := range s.Devices {
		bytes += size[d.Target] * 16
	}
	dt := s.DtMs
	if dt <= 0 {
		dt = 0.1 // the default step
	}
	syns := make([]float64, len(s.Projections)) // estimated synapses per projection
	slice := math.Inf(1)                        // steps per slice: the shortest delay
	for i, pr := range s.Projections {
		pre, post := size[pr.Source], size[pr.Target]
		syn := estimateSynapses(pr, pre, post)
		syns[i] = syn
		bytes += syn * 8
		if pr.Plasticity.Kind != "" { // presynaptic traces; per target a history, its last spike, scratch
			bytes += pre*16 + post*48
			if pr.Plasticity.Kind == "stdp_triplet" { // r₂ per source; o₂ per target and beside its history
				bytes += pre*8 + post*32
			}
		}
		if pr.ShortTerm.Kind != "" { // per source u, x, last spike (step, offset)
			bytes += pre * 32
		}
		bytes += post * 4 * (max(pr.DelayMs, pr.DelayMaxMs)/dt + 1)
		slice = min(slice, minDelaySteps(pr, dt))
	}
	slice = max(slice, 1)
	var names []string
	for _, r := range s.Recorders {
		if r.Kind != "weights" {
			bytes += size[r.Population] * 16
			continue
		}
		if names == nil {
			names = projectionNames(s.Projections)
		}
		i := slices.Index(names, r.Projection)
		if i < 0 {
			continue // an error (Validate)
		}
		cols := float64(len(r.Synapses))
		if r.Synapses == nil {
			cols = syns[i]
		}
		bytes += cols * weightsColumnBytes(s.Projections[i].Plasticity.Kind != "", slice, r.IntervalMs/dt)
	}
	return bytes
}

// estimateSynapses returns the synapses projection pr is expected to have
// between pre source and post target neurons: the mean of its rule's.
func estimateSynapses(pr ProjectionSpec, pre, post float64) float64 {
	switch pr.Rule.Kind {
	case "fixed_prob":
		return pr.Rule.P * pre * post
	case "fixed_indegree":
		return float64(pr.Rule.K) * post
	case "fixed_outdegree":
		return float64(pr.Rule.K) * pre
	case "all_to_all":
		return pre * post
	case "sonata":
		return edgeCount(pr.EdgesFile, pr.EdgesPopulation, pr.Source, pr.Target)
	}
	return float64(len(pr.Sources))
}

// minDelaySteps returns a lower bound of projection pr's shortest delay in
// steps of dt: that of its delays in ms (delay_ms, delay_list_ms), 0 for
// delays not on the grid and for those an edges file holds.
func minDelaySteps(pr ProjectionSpec, dt float64) float64 {
	if pr.Rule.Kind == "sonata" {
		return 0
	}
	ms := pr.DelayMs
	if pr.Rule.Kind == "list" && len(pr.DelayListMs) > 0 {
		ms = slices.Min(pr.DelayListMs)
	}
	k, ok := timegrid.Steps(ms, dt)
	if !ok || !(k >= 0) {
		return 0
	}
	return k
}

// weightsColumnBytes returns the bytes a weights recorder takes per synapse
// recorded (RecorderSpec), every interval steps (as given, not rounded)
// with slices of slice steps: 16 for its index lists, and for a plastic
// projection a float32 per frame of a slice (slice/interval + 1 of them),
// for a static one the single frame.
func weightsColumnBytes(plastic bool, slice, interval float64) float64 {
	if !plastic {
		return 16 + 4
	}
	iv := math.Round(interval)
	if !(iv >= 1) { // not a positive number of steps: an error (Validate)
		return 16
	}
	return 16 + 4*(math.Floor(slice/iv)+1)
}

// RecorderMemory is what a recorder keeping its data in memory (the
// default sinks, SpikeMemory and FrameMemory) will hold after a run
// (Network.RecorderMemory).
type RecorderMemory struct {
	Recorder string // its name
	// Frames is the number of frames a sampled recorder will hold (those
	// it holds and those due in the run: exact) and Width the values per
	// frame; 0 for a spikes recorder.
	Frames int64
	Width  int
	// Spikes is the number of spikes a spikes recorder holds now: the
	// spikes a run adds depend on its dynamics and are not counted.
	Spikes int64
	// Bytes is what the frames take, 8 bytes for a frame's time and 4 per
	// value, or the spikes held, 12 bytes each (not the spare capacity of
	// the slices, which append grows by up to a quarter at a time).
	Bytes float64
}

// RecorderMemory returns, for each recorder of net keeping its data in
// memory, what it will hold after n ≥ 0 more steps: a sampled recorder's
// frames exactly (those held and one per frame interval due in the
// steps), a spikes recorder's spikes as it holds them now, since what a
// run adds depends on its dynamics and has no useful bound. Recorders
// whose sink is another (SetSink: a file, a stream) are left out.
func (net *Network) RecorderMemory(n int64) []RecorderMemory {
	var out []RecorderMemory
	for _, r := range net.recs {
		if m := r.Spikes(); m != nil {
			k := int64(len(m.TimesMs) + len(r.times))
			out = append(out, RecorderMemory{Recorder: r.name, Spikes: k, Bytes: 12 * float64(k)})
			continue
		}
		m := r.Frames()
		if m == nil {
			continue
		}
		held := int64(len(m.TimesMs))
		if fs := int64(r.frameSteps()); fs > 0 && n > 0 {
			held += (net.step+n)/fs - net.step/fs // frames are due at the end of steps k with (k+1) % fs == 0
		}
		w := r.Columns()
		out = append(out, RecorderMemory{Recorder: r.name, Frames: held, Width: w, Bytes: float64(held) * float64(8+4*int64(w))})
	}
	return out
}

// minMemoryLimit is the smallest memory limit there can be (the C API's
// neurodyn_set_memory_limit takes 1 MiB or more): recordings below it are
// not compared with the limit, which would read the cgroup's files.
const minMemoryLimit = 1 << 20

// CheckRecorderMemory returns an error wrapping nderr.ErrMemoryExceeded
// when the recorders keeping their data in memory would hold more than the
// memory limit (the physical memory, the cgroup's limit or the one a
// caller set) after n more steps (RecorderMemory: frames exactly, spikes as
// held now), naming the recorders that hold the most. RunSteps and Run
// check it before they run, so a recording that cannot fit fails up front
// rather than exhausting the memory, which no caller can recover from; a
// caller running a long duration in pieces (the C API) checks the whole
// duration first.
func (net *Network) CheckRecorderMemory(n int64) error {
	if n < 0 {
		return param.New(pkg, "steps", n, "≥ 0")
	}
	mem := net.RecorderMemory(n)
	var total float64
	for _, m := range mem {
		total += m.Bytes
	}
	if total < minMemoryLimit {
		return nil
	}
	limit := memlimit.Default()
	if total <= float64(limit) {
		return nil
	}
	slices.SortStableFunc(mem, func(a, b RecorderMemory) int { return cmp.Compare(b.Bytes, a.Bytes) })
	var b strings.Builder
	for i, m := range mem {
		if i == 3 || m.Bytes == 0 {
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		if m.Width > 0 || m.Frames > 0 {
			fmt.Fprintf(&b, "recorder %q: %d frames of %d values, %.3g bytes", m.Recorder, m.Frames, m.Width, m.Bytes)
		} else {
			fmt.Fprintf(&b, "recorder %q: %d spikes held, %.3g bytes", m.Recorder, m.Spikes, m.Bytes)
		}
	}
	return fmt.Errorf("kernel: the recorders keeping their data in memory would hold about %.3g bytes after %.10g ms more (%s), %w of %d bytes (the physical memory, the cgroup's limit or the caller's): record fewer neurons, sample less often (interval_ms), write spikes to a stream or run a shorter time",
		total, float64(n)*net.dt, b.String(), memlimit.ErrExceeded, limit)
}
