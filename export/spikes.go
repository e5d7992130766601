package export

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync/atomic"
)

// SONATA file conventions shared by spike and frame reports.
const (
	// SonataMagic is the root attribute "magic" (uint32) of SONATA report
	// files, as BMTK writes it.
	SonataMagic uint32 = 0x0A7A
)

// SonataVersion is the root attribute "version" (uint32[2]: major, minor).
var SonataVersion = []uint32{0, 1}

// Sorting is the order of a SONATA spike population, stored as the group
// attribute "sorting", an HDF5 enum {none=0, by_id=1, by_time=2}.
type Sorting int

// The SONATA sortings. SortByID sorts by node id, then time; SortByTime by
// time, then node id.
const (
	SortNone Sorting = iota
	SortByID
	SortByTime
)

// SortingEnum is the HDF5 enumeration of the "sorting" attribute, with the
// values libsonata uses.
var SortingEnum = EnumType{{"none", 0}, {"by_id", 1}, {"by_time", 2}}

// String returns "none", "by_id" or "by_time".
func (s Sorting) String() string {
	if n, ok := SortingEnum.Name(int64(s)); ok {
		return n
	}
	return fmt.Sprintf("Sorting(%d)", int(s))
}

func (s Sorting) validate() error {
	if s < SortNone || s > SortByTime {
		return fmt.Errorf("export: Sorting = %d: must be SortNone, SortByID or SortByTime", int(s))
	}
	return nil
}

// SpikePopulation is the content of one /spikes/<name> group.
type SpikePopulation struct {
	Name    string
	Sorting Sorting
	TimesMs []float64 // spike times, ms ("timestamps", attribute units = "ms")
	NodeIDs []uint64  // node id of each spike ("node_ids")
}

// SpikeWriter streams SONATA spike reports: /spikes/<population>/timestamps
// (float64, ms) and /spikes/<population>/node_ids (uint64), the group
// attribute "sorting" (enum) and the root attributes "magic" and "version".
// Spike times are stored as given (precise, off-grid times stay exact).
// Datasets are uncompressed unless StreamOptions.Deflate asks otherwise.
//
// Append calls copy into a block per population; full blocks go to a
// writer goroutine that appends them to chunked, deflated, growable datasets.
// Memory: (populations + Buffers) × BlockBytes (16 bytes per spike) plus
// libhdf5's chunk cache. With SortByID, or SortByTime when spikes arrive out
// of time order across blocks, each file is sorted when it is closed by a
// k-way merge of its blocks (each block is sorted when written): the merge
// holds 16 KiB per block of the file (a 64 Mi-spike file of 1 MiB blocks:
// 1024 blocks, 16 MiB) plus one output block, and writes the file twice.
// Spikes appended in time order (as the engine emits them) with SortByTime or
// SortNone are written once.
//
// A SpikeWriter is used by one producer goroutine.
type SpikeWriter struct {
	opts     StreamOptions
	sorting  Sorting
	pops     []string
	cap      int // spikes per block
	cur      []*spikeBlock
	free     chan *spikeBlock
	eng      *engine
	closed   bool
	seg      *segmenter
	state    []spikeState // writer goroutine only
	scratch  []spikeRec   // writer goroutine only
	appended []int64
	interval atomic.Pointer[[2]float64] // SetInterval, read by the writer goroutine
	final    bool                       // writer goroutine: finishing the file Close publishes
	cutIv    *[2]float64                // writer goroutine: the interval of the segment Cut closes
}

// Root attributes of a spike report holding the interval (ms) its spikes
// were recorded over (SpikeWriter.SetInterval): a neurodyn addition that
// SONATA readers ignore. A spike at t was recorded when start < t ≤ stop.
const (
	AttrStartMs = "t_start_ms"
	AttrStopMs  = "t_stop_ms"
)

func checkInterval(startMs, stopMs float64) error {
	if math.IsNaN(startMs) || math.IsInf(startMs, 0) || math.IsNaN(stopMs) || math.IsInf(stopMs, 0) || stopMs < startMs {
		return fmt.Errorf("export: recorded interval (%g, %g] ms: must be finite with start ≤ stop", startMs, stopMs)
	}
	return nil
}

// SetInterval records the interval (startMs, stopMs] the spikes cover (the
// simulated time, including when nothing fired), written as the root
// attributes AttrStartMs and AttrStopMs of the file Close publishes (of a
// segmented stream, the last segment, for the whole recording). Call it
// before Close. Readers use it as the recording window (rates count silent
// time; see SpikeInterval).
func (w *SpikeWriter) SetInterval(startMs, stopMs float64) error {
	if err := checkInterval(startMs, stopMs); err != nil {
		return err
	}
	w.interval.Store(&[2]float64{startMs, stopMs})
	return nil
}

// writeInterval stores the interval, if set, on f when it is the file Close
// publishes (writer goroutine).
func (w *SpikeWriter) writeInterval(f *File) error {
	iv := w.interval.Load()
	if w.cutIv != nil {
		iv = w.cutIv
	} else if iv == nil || !w.final {
		return nil
	}
	if err := SetAttr(f, AttrStartMs, iv[0]); err != nil {
		return err
	}
	return SetAttr(f, AttrStopMs, iv[1])
}

// SpikeInterval reads the recorded interval of a spike report (of the last
// of a stream's segments), and ok = false when the file has none (written
// by another tool, or before the interval was known).
func SpikeInterval(path string) (startMs, stopMs float64, ok bool, err error) {
	f, err := Open(path)
	if err != nil {
		return 0, 0, false, err
	}
	defer f.Close()
	if !HasAttr(f, AttrStartMs) || !HasAttr(f, AttrStopMs) {
		return 0, 0, false, nil
	}
	if startMs, err = Attr[float64](f, AttrStartMs); err != nil {
		return 0, 0, false, err
	}
	if stopMs, err = Attr[float64](f, AttrStopMs); err != nil {
		return 0, 0, false, err
	}
	return startMs, stopMs, true, checkInterval(startMs, stopMs)
}

type spikeBlock struct {
	t  []float64
	id []uint64
}

// spikeState is the writer side of one population in the current file.
type spikeState struct {
	ts, ids  *Dataset
	n        int64
	runs     []int64 // start offsets of the sorted blocks in the file
	unsorted bool    // blocks overlap: the file needs a merge
	lastT    float64
	lastID   uint64
}

// NewSpikeWriter starts a spike report at path for the named populations
// (at least one; names are SONATA population names, unique, no "/").
func NewSpikeWriter(path string, sorting Sorting, populations []string, opts StreamOptions) (*SpikeWriter, error) {
	if err := sorting.validate(); err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := checkPopNames(populations); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, fmt.Errorf("export: spike report path is empty")
	}
	first := path
	if opts.segmented() {
		first = SegmentPath(path, 0)
	}
	if _, err := prepareTarget(first, opts.Overwrite); err != nil {
		return nil, err
	}
	if !hdf5Available {
		return nil, ErrNoHDF5
	}
	w := &SpikeWriter{opts: opts, sorting: sorting, pops: slices.Clone(populations)}
	w.cap = max(opts.BlockBytes/16, 1)
	nblocks := len(populations) + opts.Buffers
	w.free = make(chan *spikeBlock, nblocks)
	for i := 0; i < opts.Buffers; i++ {
		w.free <- newSpikeBlock(w.cap)
	}
	w.cur = make([]*spikeBlock, len(populations))
	for i := range w.cur {
		w.cur[i] = newSpikeBlock(w.cap)
	}
	w.appended = make([]int64, len(populations))
	w.state = make([]spikeState, len(populations))
	w.seg = &segmenter{path: path, opts: &w.opts, layout: w.layout, finish: w.finish}
	w.eng = startEngine(opts.Buffers, opts.FlushInterval, w.seg.flush)
	return w, nil
}

func checkPopNames(pops []string) error {
	if len(pops) == 0 {
		return fmt.Errorf("export: populations is empty: must name at least one population")
	}
	seen := map[string]bool{}
	for i, p := range pops {
		if p == "" || seen[p] || containsSlash(p) {
			return fmt.Errorf("export: populations[%d] = %q: must be non-empty, unique and contain no '/'", i, p)
		}
		seen[p] = true
	}
	return nil
}

func containsSlash(s string) bool {
	for _, c := range s {
		if c == '/' {
			return true
		}
	}
	return false
}

func newSpikeBlock(n int) *spikeBlock {
	return &spikeBlock{t: make([]float64, 0, n), id: make([]uint64, 0, n)}
}

// Populations returns the population names in index order.
func (w *SpikeWriter) Populations() []string { return slices.Clone(w.pops) }

// AppendSpikes appends spikes of the first population: timesMs[i] is the
// time (ms) of a spike of node ids[i]. It returns an error if a previous
// block failed to be written.
func (w *SpikeWriter) AppendSpikes(timesMs []float64, ids []uint64) error {
	return w.AppendSpikesTo(0, timesMs, ids)
}

// AppendSpikesTo appends spikes of population pop (an index into the
// populations given to NewSpikeWriter). It allocates nothing in steady state.
func (w *SpikeWriter) AppendSpikesTo(pop int, timesMs []float64, ids []uint64) error {
	return appendSpikes(w, pop, timesMs, ids)
}

// WriteSpikes appends spikes of the first population with 32-bit node ids:
// with it a *SpikeWriter is a kernel.SpikeSink.
func (w *SpikeWriter) WriteSpikes(timesMs []float64, ids []uint32) error {
	return appendSpikes(w, 0, timesMs, ids)
}

// PopulationSink writes to one population of a SpikeWriter; it is a
// kernel.SpikeSink, so that the spike recorders of several populations of a
// network can share one SONATA file.
type PopulationSink struct {
	w   *SpikeWriter
	pop int
}

// Sink returns the PopulationSink of population pop (an index into the
// populations given to NewSpikeWriter).
func (w *SpikeWriter) Sink(pop int) PopulationSink { return PopulationSink{w, pop} }

// WriteSpikes appends spikes with 32-bit node ids to the sink's population.
func (s PopulationSink) WriteSpikes(timesMs []float64, ids []uint32) error {
	return appendSpikes(s.w, s.pop, timesMs, ids)
}

func appendSpikes[ID uint32 | uint64](w *SpikeWriter, pop int, timesMs []float64, ids []ID) error {
	if w.closed {
		return errStreamClosed
	}
	if pop < 0 || pop >= len(w.pops) {
		return fmt.Errorf("export: population index %d: must be in [0, %d)", pop, len(w.pops))
	}
	if len(timesMs) != len(ids) {
		return fmt.Errorf("export: AppendSpikes: len(timesMs) = %d, len(ids) = %d: must be equal", len(timesMs), len(ids))
	}
	if err := w.eng.failed(); err != nil {
		return err
	}
	for len(timesMs) > 0 {
		b := w.cur[pop]
		k := min(len(timesMs), w.cap-len(b.t))
		b.t = append(b.t, timesMs[:k]...)
		for _, id := range ids[:k] {
			b.id = append(b.id, uint64(id))
		}
		timesMs, ids = timesMs[k:], ids[k:]
		w.appended[pop] += int64(k)
		if len(b.t) == w.cap {
			w.handoff(pop)
		}
	}
	return nil
}

// handoff sends the current block of pop to the writer and takes a free one
// (blocking while Buffers blocks are queued: back-pressure).
func (w *SpikeWriter) handoff(pop int) {
	b := w.cur[pop]
	w.eng.jobs <- job{
		run: func() error { return w.writeBlock(pop, b) },
		release: func() {
			b.t, b.id = b.t[:0], b.id[:0]
			w.free <- b
		},
	}
	w.cur[pop] = <-w.free
}

// Appended returns the number of spikes appended to population pop so far.
func (w *SpikeWriter) Appended(pop int) int64 { return w.appended[pop] }

// Cut closes the current segment of a stream with StreamOptions.SegmentByCut
// after every spike appended so far (the blocks being filled are handed to
// the writer), and records on it the interval (startMs, stopMs] its spikes
// cover (AttrStartMs, AttrStopMs), e.g. from the previous cut to the
// simulated time now; a segment is written also when no spike fell in it.
// The next spikes go to a new segment. Give Close's SetInterval the
// interval from the last cut, so that the segments' intervals tile the
// recording. Both NaN: the segment records no interval (its spikes' is not
// known). It returns the stream's first error, if any.
func (w *SpikeWriter) Cut(startMs, stopMs float64) error {
	if w.closed {
		return errStreamClosed
	}
	if !w.opts.SegmentByCut {
		return ErrCutUnsegmented
	}
	noInterval := math.IsNaN(startMs) && math.IsNaN(stopMs)
	if err := checkInterval(startMs, stopMs); err != nil && !noInterval {
		return err
	}
	if err := w.eng.failed(); err != nil {
		return err
	}
	for p := range w.cur {
		if len(w.cur[p].t) > 0 {
			w.handoff(p)
		}
	}
	iv := [2]float64{startMs, stopMs}
	w.eng.jobs <- job{run: func() error {
		if _, err := w.seg.file(); err != nil {
			return err
		}
		if !noInterval {
			w.cutIv = &iv
			defer func() { w.cutIv = nil }()
		}
		return w.seg.close()
	}}
	return nil
}

// Close writes the remaining spikes, finishes (sorts, if needed) and
// publishes the last file, and stops the writer goroutine. It returns the
// first error of the stream.
func (w *SpikeWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	for p := range w.cur {
		if len(w.cur[p].t) > 0 {
			w.handoff(p)
		}
	}
	return w.eng.stop(func() error {
		if err := w.seg.ensureOne(); err != nil {
			return err
		}
		if w.interval.Load() != nil { // the last segment closed when full: an empty one carries the interval
			if _, err := w.seg.file(); err != nil {
				return err
			}
		}
		w.final = true
		return w.seg.close()
	}, w.seg.release)
}

// Abort stops the writer and removes the file being written; files already
// closed (segments) stay.
func (w *SpikeWriter) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.eng.stop(func() error { w.seg.abort(); return nil }, w.seg.abort)
	return nil
}

// layout creates the SONATA structure in a new file (writer goroutine).
func (w *SpikeWriter) layout(f *File) error {
	if err := SetAttr(f, "magic", SonataMagic); err != nil {
		return err
	}
	if err := SetAttrSlice(f, "version", SonataVersion); err != nil {
		return err
	}
	chunk := max(min(w.cap, streamChunkBytes/8), 1)
	for p, name := range w.pops {
		g, err := f.CreateGroup("spikes/" + name)
		if err != nil {
			return err
		}
		if err := SetEnumAttr(g, "sorting", SortingEnum, w.sorting.String()); err != nil {
			return err
		}
		o := &DatasetOptions{MaxShape: []int{Unlimited}, Chunk: []int{chunk}, Deflate: sonataDeflate(w.opts.Deflate)}
		ts, err := g.CreateDataset("timestamps", Float64, []int{0}, o)
		if err != nil {
			return err
		}
		if err := SetStringAttr(ts, "units", "ms"); err != nil {
			return err
		}
		ids, err := g.CreateDataset("node_ids", Uint64, []int{0}, o)
		if err != nil {
			return err
		}
		w.state[p] = spikeState{ts: ts, ids: ids}
		g.Close()
	}
	return nil
}

// spikeLess orders spikes by the sorting's key.
func spikeKeyCmp(s Sorting, t1 float64, id1 uint64, t2 float64, id2 uint64) int {
	if s == SortByID {
		if c := cmp.Compare(id1, id2); c != 0 {
			return c
		}
		return cmp.Compare(t1, t2)
	}
	if c := cmp.Compare(t1, t2); c != 0 {
		return c
	}
	return cmp.Compare(id1, id2)
}

// spikeRec is one spike while a block is sorted.
type spikeRec struct {
	t  float64
	id uint64
}

// sortBlock sorts b in place by the sorting's key, using scratch (grown as
// needed and returned) as working space.
func sortBlock(s Sorting, b *spikeBlock, scratch []spikeRec) []spikeRec {
	sorted := true
	for i := 1; i < len(b.t); i++ {
		if spikeKeyCmp(s, b.t[i-1], b.id[i-1], b.t[i], b.id[i]) > 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return scratch
	}
	r := scratch[:0]
	for i := range b.t {
		r = append(r, spikeRec{b.t[i], b.id[i]})
	}
	slices.SortStableFunc(r, func(a, c spikeRec) int { return spikeKeyCmp(s, a.t, a.id, c.t, c.id) })
	for i := range r {
		b.t[i], b.id[i] = r[i].t, r[i].id
	}
	return r
}

// writeBlock appends one block to population pop (writer goroutine).
func (w *SpikeWriter) writeBlock(pop int, b *spikeBlock) error {
	for _, t := range b.t {
		if math.IsNaN(t) {
			return fmt.Errorf("export: spike time NaN in population %s", w.pops[pop])
		}
	}
	if _, err := w.seg.file(); err != nil {
		return err
	}
	st := &w.state[pop]
	if w.sorting != SortNone {
		w.scratch = sortBlock(w.sorting, b, w.scratch)
		if st.n > 0 && spikeKeyCmp(w.sorting, st.lastT, st.lastID, b.t[0], b.id[0]) > 0 {
			st.unsorted = true
		}
		st.runs = append(st.runs, st.n)
		st.lastT, st.lastID = b.t[len(b.t)-1], b.id[len(b.id)-1]
	}
	if err := Append(st.ts, b.t); err != nil {
		return err
	}
	if err := Append(st.ids, b.id); err != nil {
		return err
	}
	st.n += int64(len(b.t))
	return w.seg.added(int64(len(b.t)))
}

// finish closes f, merging populations whose blocks overlap (writer
// goroutine).
func (w *SpikeWriter) finish(f *File) error {
	need := false
	for p := range w.state {
		need = need || w.state[p].unsorted
	}
	if !need {
		if err := w.writeInterval(f); err != nil {
			f.Abort()
			return err
		}
		return f.Close()
	}
	// Close the unsorted file under a scratch name and merge it into a new
	// file at the segment's path.
	scratch := f.TempPath() + ".unsorted"
	if err := f.closeAs(scratch); err != nil {
		return err
	}
	defer os.Remove(scratch)
	src, err := Open(scratch)
	if err != nil {
		return err
	}
	defer src.Close()
	states := slices.Clone(w.state)
	out, err := Create(f.Path(), w.opts.fileOptions()...)
	if err != nil {
		return err
	}
	if err := w.layout(out); err != nil {
		out.Abort()
		return err
	}
	for p, name := range w.pops {
		in, err := openSpikeDatasets(src, name)
		if err != nil {
			out.Abort()
			return err
		}
		runs := states[p].runs
		if !states[p].unsorted {
			runs = []int64{0}
		}
		err = mergeRuns(w.sorting, in, runs, states[p].n, w.state[p].ts, w.state[p].ids, w.cap)
		in[0].Close()
		in[1].Close()
		if err != nil {
			out.Abort()
			return err
		}
	}
	for p := range w.state {
		w.state[p] = spikeState{}
	}
	if err := w.writeInterval(out); err != nil {
		out.Abort()
		return err
	}
	return out.Close()
}

func openSpikeDatasets(f *File, pop string) ([2]*Dataset, error) {
	var d [2]*Dataset
	var err error
	if d[0], err = f.OpenDataset("spikes/" + pop + "/timestamps"); err != nil {
		return d, err
	}
	if d[1], err = f.OpenDataset("spikes/" + pop + "/node_ids"); err != nil {
		d[0].Close()
		return d, err
	}
	return d, nil
}

// mergeReadLen is the number of spikes read at a time from each run during
// a merge (16 KiB).
const mergeReadLen = 1024

type runCursor struct {
	pos, end int64 // next spike to read into buf, end of the run
	t        []float64
	id       []uint64
	i        int
}

type mergeHeap struct {
	s  Sorting
	cs []*runCursor
}

// Len, Less, Swap, Push and Pop implement heap.Interface over the run
// cursors, ordered by their current spike.
func (h *mergeHeap) Len() int { return len(h.cs) }
func (h *mergeHeap) Less(i, j int) bool {
	a, b := h.cs[i], h.cs[j]
	return spikeKeyCmp(h.s, a.t[a.i], a.id[a.i], b.t[b.i], b.id[b.i]) < 0
}
func (h *mergeHeap) Swap(i, j int) { h.cs[i], h.cs[j] = h.cs[j], h.cs[i] }
func (h *mergeHeap) Push(x any)    { h.cs = append(h.cs, x.(*runCursor)) }
func (h *mergeHeap) Pop() any {
	c := h.cs[len(h.cs)-1]
	h.cs = h.cs[:len(h.cs)-1]
	return c
}

// fill reads the next piece of a run; it reports false at the run's end.
func (c *runCursor) fill(in [2]*Dataset) (bool, error) {
	if c.pos >= c.end {
		return false, nil
	}
	n := min(int64(mergeReadLen), c.end-c.pos)
	var err error
	if c.t, err = ReadAt[float64](in[0], []int{int(c.pos)}, []int{int(n)}); err != nil {
		return false, err
	}
	if c.id, err = ReadAt[uint64](in[1], []int{int(c.pos)}, []int{int(n)}); err != nil {
		return false, err
	}
	c.pos += n
	c.i = 0
	return true, nil
}

// mergeRuns merges the sorted runs (start offsets, total n) of in into the
// datasets ts and ids, blockLen spikes at a time.
func mergeRuns(s Sorting, in [2]*Dataset, runs []int64, n int64, ts, ids *Dataset, blockLen int) error {
	h := &mergeHeap{s: s}
	for i, start := range runs {
		end := n
		if i+1 < len(runs) {
			end = runs[i+1]
		}
		c := &runCursor{pos: start, end: end}
		ok, err := c.fill(in)
		if err != nil {
			return err
		}
		if ok {
			h.cs = append(h.cs, c)
		}
	}
	heap.Init(h)
	ot := make([]float64, 0, blockLen)
	oi := make([]uint64, 0, blockLen)
	flush := func() error {
		if err := Append(ts, ot); err != nil {
			return err
		}
		if err := Append(ids, oi); err != nil {
			return err
		}
		ot, oi = ot[:0], oi[:0]
		return nil
	}
	for h.Len() > 0 {
		c := h.cs[0]
		ot = append(ot, c.t[c.i])
		oi = append(oi, c.id[c.i])
		c.i++
		if c.i == len(c.t) {
			ok, err := c.fill(in)
			if err != nil {
				return err
			}
			if !ok {
				heap.Pop(h)
			} else {
				heap.Fix(h, 0)
			}
		} else {
			heap.Fix(h, 0)
		}
		if len(ot) == blockLen {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// WriteSpikes writes whole spike populations to a SONATA spike file at path,
// sorted as requested.
func WriteSpikes(path string, sorting Sorting, pops []SpikePopulation, opts ...Option) error {
	o, err := applyOptions(opts)
	if err != nil {
		return err
	}
	names := make([]string, len(pops))
	for i, p := range pops {
		names[i] = p.Name
		if len(p.TimesMs) != len(p.NodeIDs) {
			return fmt.Errorf("export: population %s: %d times, %d node ids: must be equal", p.Name, len(p.TimesMs), len(p.NodeIDs))
		}
	}
	w, err := NewSpikeWriter(path, sorting, names, StreamOptions{Overwrite: o.overwrite, Provenance: o.provenance, Deflate: o.deflate})
	if err != nil {
		return err
	}
	for i, p := range pops {
		if err := w.AppendSpikesTo(i, p.TimesMs, p.NodeIDs); err != nil {
			w.Abort()
			return err
		}
	}
	if o.interval != nil {
		w.SetInterval(o.interval[0], o.interval[1]) // checked by RecordedInterval
	}
	return w.Close()
}

// ReadSpikes reads the spike populations of one or more SONATA spike files
// (e.g. the segments of a stream, in order) and concatenates populations of
// the same name. It is ReadSpikesWith with the zero SpikeReadOptions: a
// population whose timestamps carry no "units" attribute is refused (an
// error wrapping ErrNoTimeUnits), since nothing in the file tells ms from s.
func ReadSpikes(paths ...string) ([]SpikePopulation, error) {
	return ReadSpikesWith(SpikeReadOptions{}, paths...)
}

// ErrNoTimeUnits is wrapped by the error of ReadSpikes when a population's
// timestamps have no "units" attribute (SONATA requires one, libsonata reads
// it unconditionally) and SpikeReadOptions.DefaultUnits does not say what
// they are.
var ErrNoTimeUnits = errors.New("export: spike timestamps without a units attribute")

// SpikeReadOptions control ReadSpikesWith. The zero value is ReadSpikes.
type SpikeReadOptions struct {
	// DefaultUnits is the time unit of timestamps without a "units"
	// attribute (e.g. "ms" or "s": a unit ReadSpikes reads); "" refuses
	// such files.
	DefaultUnits string
}

// ReadSpikesWith reads the spike populations of one or more SONATA spike
// files (e.g. the segments of a stream, in order; see Segments) and
// concatenates populations of the same name.
//
// The group attribute "sorting" is read as SONATA's enum (what SpikeWriter
// and libsonata write) or as a plain string (what BMTK writes), by member
// name: "none", "by_id" or "by_time"; any other is refused naming it. Files
// without it read as SortNone.
//
// Times are returned in ms whatever the "units" attribute of "timestamps"
// says: "ms" (what SpikeWriter writes), "s" and "us" are converted; any
// other value is refused with an error naming it. Timestamps without a
// "units" attribute are in o.DefaultUnits, and refused (ErrNoTimeUnits)
// when it is "".
func ReadSpikesWith(o SpikeReadOptions, paths ...string) ([]SpikePopulation, error) {
	if o.DefaultUnits != "" {
		if _, ok := timeUnitMs(o.DefaultUnits); !ok {
			return nil, fmt.Errorf("export: SpikeReadOptions.DefaultUnits = %q: unknown time unit (ms, s or us)", o.DefaultUnits)
		}
	}
	var out []SpikePopulation
	idx := map[string]int{}
	for _, path := range paths {
		f, err := Open(path)
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer f.Close()
			g, err := f.OpenGroup("spikes")
			if err != nil {
				return err
			}
			members, err := g.Members()
			if err != nil {
				return err
			}
			for _, m := range members {
				if m.Kind != KindGroup {
					continue
				}
				pg, err := g.OpenGroup(m.Name)
				if err != nil {
					return err
				}
				sorting, err := readSorting(pg, m.Name)
				if err != nil {
					return err
				}
				ts, err := readTimestampsMs(pg, m.Name, o.DefaultUnits)
				if err != nil {
					return err
				}
				ids, _, err := Read[uint64](pg, "node_ids")
				if err != nil {
					return err
				}
				if len(ts) != len(ids) {
					return fmt.Errorf("export: %s: population %s has %d timestamps and %d node_ids", path, m.Name, len(ts), len(ids))
				}
				i, ok := idx[m.Name]
				if !ok {
					i = len(out)
					idx[m.Name] = i
					out = append(out, SpikePopulation{Name: m.Name, Sorting: sorting})
				}
				out[i].TimesMs = append(out[i].TimesMs, ts...)
				out[i].NodeIDs = append(out[i].NodeIDs, ids...)
				pg.Close()
			}
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("export: read spikes from %s: %w", path, err)
		}
	}
	return out, nil
}

// readSorting reads the "sorting" attribute of spike population group pg:
// SONATA's enum or BMTK's plain string, by member name (SortNone when
// absent).
func readSorting(pg *Group, pop string) (Sorting, error) {
	if !HasAttr(pg, "sorting") {
		return SortNone, nil
	}
	dt, _, err := AttrInfo(pg, "sorting")
	if err != nil {
		return SortNone, err
	}
	var name string
	switch dt {
	case Enum:
		if name, _, _, err = EnumAttr(pg, "sorting"); err != nil {
			return SortNone, err
		}
	case String:
		if name, err = StringAttr(pg, "sorting"); err != nil {
			return SortNone, err
		}
	default:
		return SortNone, fmt.Errorf("population %s: attribute sorting of type %v: must be an enum or a string", pop, dt)
	}
	v, ok := SortingEnum.Value(strings.TrimSpace(name))
	if !ok {
		return SortNone, fmt.Errorf("population %s: attribute sorting = %q: must be none, by_id or by_time", pop, name)
	}
	return Sorting(v), nil
}

// timestampUnitsMs maps the SONATA "units" values of spike timestamps that
// ReadSpikes understands to their size in ms.
var timestampUnitsMs = map[string]float64{
	"ms": 1, "msec": 1, "millisecond": 1, "milliseconds": 1,
	"s": 1000, "sec": 1000, "second": 1000, "seconds": 1000,
	"us": 1e-3, "µs": 1e-3, "usec": 1e-3, "microsecond": 1e-3, "microseconds": 1e-3,
}

// timeUnitMs returns the size in ms of the SONATA time unit u
// (timestampUnitsMs, surrounding white space ignored).
func timeUnitMs(u string) (float64, bool) {
	f, ok := timestampUnitsMs[strings.TrimSpace(u)]
	return f, ok
}

// readTimestampsMs reads the "timestamps" dataset of the spike population
// group pg and converts it to ms from its "units" attribute (defaultUnits
// when the attribute is missing; an error wrapping ErrNoTimeUnits when that
// is "").
func readTimestampsMs(pg *Group, pop, defaultUnits string) ([]float64, error) {
	d, err := pg.OpenDataset("timestamps")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	scale := 1.0
	if !HasAttr(d, "units") {
		if defaultUnits == "" {
			return nil, fmt.Errorf("population %s: %w: the time unit is unknown (SONATA requires the attribute; say which unit the file uses)", pop, ErrNoTimeUnits)
		}
		scale, _ = timeUnitMs(defaultUnits)
	} else {
		u, err := StringAttr(d, "units")
		if err != nil {
			return nil, fmt.Errorf("population %s: timestamps: %w", pop, err)
		}
		f, ok := timeUnitMs(u)
		if !ok {
			return nil, fmt.Errorf("population %s: timestamps attribute units = %q: unknown time unit (ms, s or us are read)", pop, u)
		}
		scale = f
	}
	ts, _, err := ReadAll[float64](d)
	if err != nil {
		return nil, err
	}
	if scale != 1 {
		for i := range ts {
			ts[i] *= scale
		}
	}
	return ts, nil
}
