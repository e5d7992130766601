package kernel

import (
	"fmt"
	"sort"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/neurons"
)

// SpikeSink receives a spike recorder's spikes in blocks, in time order:
// times in ms, ids the neuron indices within the population. The slices are
// reused after the call returns. The export package's streaming SONATA
// writers implement it; SpikeMemory keeps everything in memory.
type SpikeSink interface {
	// WriteSpikes receives one block of spikes: times in ms, ids the neuron
	// indices, the two slices of equal length.
	WriteSpikes(timesMs []float64, ids []uint32) error
}

// FrameSink receives a sampled recorder's frames in time order: one frame per
// sampling time, one value per recorded neuron (one value for rate
// recorders, one per recorded synapse for weights recorders). values is
// reused after the call returns.
type FrameSink interface {
	// WriteFrame receives the frame sampled at time tMs (ms): one value per
	// recorded neuron (one for rate recorders, one per synapse for weights
	// recorders) in the recorder's unit: the variable's (mV, pA, nS), Hz
	// for rate, unitless for filtered_spikes, the weights' (pA, mV, nS) for
	// weights.
	WriteFrame(tMs float64, values []float32) error
}

// SpikeMemory is the in-memory SpikeSink (the default).
type SpikeMemory struct {
	TimesMs []float64
	IDs     []uint32
}

// WriteSpikes appends the block.
func (m *SpikeMemory) WriteSpikes(t []float64, ids []uint32) error {
	m.TimesMs = append(m.TimesMs, t...)
	m.IDs = append(m.IDs, ids...)
	return nil
}

// FrameMemory is the in-memory FrameSink (the default): Data holds the frames
// one after another, Width values each.
type FrameMemory struct {
	TimesMs []float64
	Data    []float32
	Width   int
}

// WriteFrame appends the frame.
func (m *FrameMemory) WriteFrame(t float64, v []float32) error {
	m.TimesMs = append(m.TimesMs, t)
	m.Data = append(m.Data, v...)
	m.Width = len(v)
	return nil
}

// Frame returns frame i.
func (m *FrameMemory) Frame(i int) []float32 { return m.Data[i*m.Width : (i+1)*m.Width] }

// Discard is a sink that drops everything (for benchmarks that record to
// measure the recording cost without keeping the data).
type Discard struct{}

// WriteSpikes drops the block.
func (Discard) WriteSpikes([]float64, []uint32) error { return nil }

// WriteFrame drops the frame.
func (Discard) WriteFrame(float64, []float32) error { return nil }

// spikeBlock is how many spikes a recorder buffers before writing to its
// sink: recording memory stays bounded whatever the run length.
const spikeBlock = 1 << 14

// Recorder is a running recorder; see RecorderSpec for the kinds.
type Recorder struct {
	plan   recPlan
	name   string
	spikes SpikeSink
	frames FrameSink
	// spikes
	want  []bool // neuron recorded?
	times []float64
	ids   []uint32
	// state
	src    []float32
	offset float32
	ranges [][2]int  // per worker: [a, b) into plan.neurons
	buf    []float32 // frames of the current slice: (slice frames) × width
	// rate
	count int
	// filtered_spikes
	trace  []float32
	decay  float32
	pos    []int32   // neuron → position in plan.neurons, −1 if not recorded
	values []float32 // also weights: the weights of a static projection
	// weights (the frames of a plastic projection go to buf, as state's)
	proj    *projection
	units   string
	sources []int32   // per column: the synapse's source neuron
	cols    [][]int32 // per worker: the columns whose synapse's target it owns
}

// Name returns the recorder's name.
func (r *Recorder) Name() string { return r.name }

// Kind returns the recorder's kind.
func (r *Recorder) Kind() string { return r.plan.spec.Kind }

// Neurons returns the recorded neuron indices (frame columns); nil for a
// weights recorder.
func (r *Recorder) Neurons() []int { return r.plan.neurons }

// Columns returns the number of values per frame of a sampled recorder:
// its neurons (state, filtered_spikes), 1 (rate), its synapses (weights); 0
// for spikes.
func (r *Recorder) Columns() int {
	switch r.Kind() {
	case "spikes":
		return 0
	case "rate":
		return 1
	case "weights":
		return len(r.plan.synapses)
	}
	return len(r.plan.neurons)
}

// Synapses returns the recorded synapses of a weights recorder (frame
// columns): indices in its projection's synapse order
// (RecorderSpec.Synapses); nil for the other kinds.
func (r *Recorder) Synapses() []int { return r.plan.synapses }

// Projection returns the name of the projection a weights recorder records
// (RecorderSpec.Projection), "" for the other kinds.
func (r *Recorder) Projection() string {
	if r.proj == nil {
		return ""
	}
	return r.plan.spec.Projection
}

// Spikes returns the in-memory spikes of a spikes recorder using the default
// sink (nil otherwise).
func (r *Recorder) Spikes() *SpikeMemory {
	m, _ := r.spikes.(*SpikeMemory)
	return m
}

// Frames returns the in-memory frames of a sampled recorder using the
// default sink (nil otherwise).
func (r *Recorder) Frames() *FrameMemory {
	m, _ := r.frames.(*FrameMemory)
	return m
}

func newRecorder(rp recPlan, model neurons.Model, workers int, bounds []int, slice int, dt float64) (*Recorder, error) {
	r := &Recorder{plan: rp, name: rp.name}
	switch rp.spec.Kind {
	case "spikes":
		r.spikes = &SpikeMemory{}
		r.want = make([]bool, model.Len())
		for _, j := range rp.neurons {
			r.want[j] = true
		}
		r.times = make([]float64, 0, spikeBlock)
		r.ids = make([]uint32, 0, spikeBlock)
	case "state":
		r.frames = &FrameMemory{}
		s, off, err := model.VarSlice(rp.spec.Variable)
		if err != nil {
			return nil, err
		}
		r.src, r.offset = s, off
		r.ranges = neuronRanges(rp.neurons, bounds, workers)
		frames := slice/rp.interval + 1
		r.buf = make([]float32, frames*len(rp.neurons))
	case "rate":
		r.frames = &FrameMemory{}
		r.values = make([]float32, 1)
		r.want = make([]bool, model.Len())
		for _, j := range rp.neurons {
			r.want[j] = true
		}
	case "filtered_spikes":
		r.frames = &FrameMemory{}
		r.trace = make([]float32, len(rp.neurons))
		r.values = make([]float32, len(rp.neurons))
		r.decay = float32(neurons.Exp(-dt / rp.spec.TauMs))
		r.pos = make([]int32, model.Len())
		for j := range r.pos {
			r.pos[j] = -1
		}
		for k, j := range rp.neurons {
			r.pos[j] = int32(k)
		}
	}
	return r, nil
}

// newWeightsRecorder returns weights recorder rp of projection pr, built,
// whose target population the workers share by bounds. It checks the
// synapses named against those built.
func newWeightsRecorder(rp recPlan, pr *projection, bounds []int, workers, slice int, units string) (*Recorder, error) {
	c := pr.csr
	if n := len(rp.synapses); n > 0 && rp.synapses[n-1] >= c.Len() {
		k := sort.SearchInts(rp.synapses, c.Len())
		return nil, param.New(pkg, fmt.Sprintf("recorder[%d].synapses[%d]", rp.index, k), rp.synapses[k],
			fmt.Sprintf("in [0, %d): the synapses of projection %s", c.Len(), rp.spec.Projection))
	}
	if rp.synapses == nil {
		rp.synapses = make([]int, c.Len())
		for k := range rp.synapses {
			rp.synapses[k] = k
		}
	}
	r := &Recorder{plan: rp, name: rp.name, frames: &FrameMemory{}, proj: pr, units: units}
	width := len(rp.synapses)
	r.sources = make([]int32, width)
	r.cols = make([][]int32, workers)
	i := 0
	for col, k := range rp.synapses {
		for c.Ptr[i+1] <= uint64(k) {
			i++
		}
		r.sources[col] = int32(i)
		w := sort.SearchInts(bounds[1:], int(c.Target[k])+1) // bounds[w] ≤ target < bounds[w+1]
		r.cols[w] = append(r.cols[w], int32(col))
	}
	if pr.stdp == nil {
		// constant: a static projection's (also with short-term plasticity)
		r.values = make([]float32, width)
		for col, k := range rp.synapses {
			r.values[col] = c.W(uint64(k))
		}
	} else {
		r.buf = make([]float32, (slice/rp.interval+1)*width)
	}
	return r, nil
}

// sampleWeights writes worker w's columns of the weights frame due at the
// end of step k of the slice starting at s, if one is due. It runs in the
// deliver phase once the spikes of steps up to k have updated the weights,
// before any later one does.
func (r *Recorder) sampleWeights(w int, s, k int64) {
	iv := int64(r.plan.interval)
	if (k+1)%iv != 0 {
		return
	}
	f := int((k - r.firstDue(s)) / iv)
	width := len(r.plan.synapses)
	dst := r.buf[f*width : (f+1)*width]
	st, c := r.proj.stdp, r.proj.csr
	for _, col := range r.cols[w] {
		dst[col] = st.weightAt(w, c, int(r.sources[col]), uint64(r.plan.synapses[col]), k)
	}
}

// writeWeights writes the weights frames due in the slice [s, s+L) to the
// sink, after the deliver phase (main goroutine).
func (r *Recorder) writeWeights(s int64, L int, dt float64) error {
	width := len(r.plan.synapses)
	for f, nf := 0, r.dueFrames(s, L); f < nf; f++ {
		v := r.values
		if r.proj.stdp != nil {
			v = r.buf[f*width : (f+1)*width]
		}
		if err := r.frames.WriteFrame(r.frameTime(s, L, f, dt), v); err != nil {
			return err
		}
	}
	return nil
}

// neuronRanges splits a sorted neuron list by worker bounds.
func neuronRanges(nr []int, bounds []int, workers int) [][2]int {
	out := make([][2]int, workers)
	k := 0
	for w := range workers {
		a := k
		for k < len(nr) && nr[k] < bounds[w+1] {
			k++
		}
		out[w] = [2]int{a, k}
	}
	return out
}

// firstDue returns the first step k ≥ s at whose end a frame is due
// ((k+1) % interval == 0).
func (r *Recorder) firstDue(s int64) int64 {
	iv := int64(r.plan.interval)
	return ((s+1+iv-1)/iv)*iv - 1
}

// sample writes the worker's part of the state frame due at the end of step
// k of the slice starting at s, if one is due.
func (r *Recorder) sample(w int, s, k int64) {
	iv := int64(r.plan.interval)
	if (k+1)%iv != 0 {
		return
	}
	f := int((k - r.firstDue(s)) / iv)
	a, b := r.ranges[w][0], r.ranges[w][1]
	width := len(r.plan.neurons)
	dst := r.buf[f*width : (f+1)*width]
	for k := a; k < b; k++ {
		dst[k] = r.src[r.plan.neurons[k]] + r.offset
	}
}

// consume processes the merged spikes of a slice [s, s+L) (main goroutine).
func (r *Recorder) consume(spikes []events.Spike, pop int32, s int64, L int, dt float64) error {
	switch r.plan.spec.Kind {
	case "spikes":
		for _, sp := range spikes {
			if sp.Pop != pop || !r.want[sp.Index] {
				continue
			}
			t := float64(float64(sp.Step)*dt) + sp.Off
			if sp.Off == dt { // at the step's end: the network's time then (TimeMs), to the bit
				t = float64(sp.Step+1) * dt
			}
			r.times = append(r.times, t)
			r.ids = append(r.ids, uint32(sp.Index))
			if len(r.times) == spikeBlock {
				if err := r.flush(); err != nil {
					return err
				}
			}
		}
	case "state":
		width := len(r.plan.neurons)
		for f, nf := 0, r.dueFrames(s, L); f < nf; f++ {
			// frame f was sampled at the end of the f-th due step of the slice
			if err := r.frames.WriteFrame(r.frameTime(s, L, f, dt), r.buf[f*width:(f+1)*width]); err != nil {
				return err
			}
		}
	case "rate":
		i := 0
		bin := int64(r.plan.bin)
		n := float64(len(r.plan.neurons))
		for k := s; k < s+int64(L); k++ {
			for ; i < len(spikes) && spikes[i].Step == k; i++ {
				if spikes[i].Pop == pop && r.want[spikes[i].Index] {
					r.count++
				}
			}
			if (k+1)%bin == 0 {
				r.values[0] = float32(float64(r.count) / (n * float64(bin) * dt / 1000))
				if err := r.frames.WriteFrame(float64(k+1)*dt, r.values); err != nil {
					return err
				}
				r.count = 0
			}
		}
	case "filtered_spikes":
		i := 0
		iv := int64(r.plan.interval)
		for k := s; k < s+int64(L); k++ {
			for j := range r.trace {
				r.trace[j] *= r.decay
			}
			for ; i < len(spikes) && spikes[i].Step == k; i++ {
				if spikes[i].Pop == pop {
					if p := r.pos[spikes[i].Index]; p >= 0 {
						r.trace[p]++
					}
				}
			}
			if (k+1)%iv == 0 {
				copy(r.values, r.trace)
				if err := r.frames.WriteFrame(float64(k+1)*dt, r.values); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// frameTime returns the time of frame f of the slice starting at s: the end
// of the f-th step k in [s, s+L) with (k+1) % interval == 0.
func (r *Recorder) frameTime(s int64, L, f int, dt float64) float64 {
	return float64(r.firstDue(s)+int64(f)*int64(r.plan.interval)+1) * dt
}

// dueFrames returns the number of state frames due in [s, s+L).
func (r *Recorder) dueFrames(s int64, L int) int {
	first := r.firstDue(s)
	if first >= s+int64(L) {
		return 0
	}
	return int((s+int64(L)-1-first)/int64(r.plan.interval)) + 1
}

// flush writes buffered spikes to the sink.
func (r *Recorder) flush() error {
	if r.spikes == nil || len(r.times) == 0 {
		return nil
	}
	err := r.spikes.WriteSpikes(r.times, r.ids)
	r.times, r.ids = r.times[:0], r.ids[:0]
	return err
}
