package export

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// FrameOptions describes a SONATA frame report (state variables sampled on a
// regular time grid): /report/<Population>/data [time × values] float32 with
// attribute units, and mapping/node_ids, mapping/index_pointers,
// mapping/element_ids and mapping/time = (start, stop, dt).
type FrameOptions struct {
	// Population is the SONATA population name (no "/").
	Population string
	// NodeIDs lists the recorded nodes, in column order.
	NodeIDs []uint64
	// ValuesPerNode gives the number of consecutive columns of each node;
	// nil means one value per node (point neurons, rate units).
	ValuesPerNode []int
	// ElementIDs gives the element id of each column (compartment, state
	// index); nil means 0, 1, ... within each node.
	ElementIDs []uint32
	// StartMs and DtMs place frame k at StartMs + k·DtMs; DtMs > 0.
	StartMs, DtMs float64
	// Units of the values: "mV", "pA", "Hz", or "1" for dimensionless states.
	Units string
	// TimeUnits of mapping/time: "" or "ms" (StartMs and DtMs are in ms).
	TimeUnits string
	// Aggregate, if not "", says that the report's one column is not a
	// node's own value but an aggregate over the population (NodeIDs
	// must then be the single placeholder node 0), and what it is, e.g.
	// "population_rate" for neurodyn's rate recorders. It is written as the
	// string attribute AttrAggregate on mapping/node_ids (beside a
	// "description" in words), since a SONATA reader (libsonata,
	// BMTK) would otherwise take the column for node 0's.
	Aggregate string
}

// The datasets a frame report's mapping holds for BMTK 1.2.0, which reads
// index_pointer where the SONATA spec and libsonata have index_pointers,
// and needs element_pos (0.5: the middle of a point neuron's one
// compartment) beside element_ids.
const (
	BMTKIndexPointer = "index_pointer"
	BMTKElementPos   = "element_pos"
)

// AttrAggregate is the attribute of a frame report's mapping/node_ids that
// marks its column as a population aggregate (FrameOptions.Aggregate): node
// id 0 there stands for the whole population, not for neuron 0.
const AttrAggregate = "aggregate"

func (o *FrameOptions) validate() (indexPointers []uint64, elementIDs []uint32, err error) {
	if o.Population == "" || containsSlash(o.Population) {
		return nil, nil, fmt.Errorf("export: FrameOptions.Population = %q: must be non-empty without '/'", o.Population)
	}
	if len(o.NodeIDs) == 0 {
		return nil, nil, fmt.Errorf("export: FrameOptions.NodeIDs is empty: must list the recorded nodes")
	}
	if !(o.DtMs > 0) || math.IsInf(o.DtMs, 0) {
		return nil, nil, fmt.Errorf("export: FrameOptions.DtMs = %v: must be finite and > 0", o.DtMs)
	}
	if math.IsNaN(o.StartMs) || math.IsInf(o.StartMs, 0) {
		return nil, nil, fmt.Errorf("export: FrameOptions.StartMs = %v: must be finite", o.StartMs)
	}
	if o.Units == "" {
		return nil, nil, fmt.Errorf("export: FrameOptions.Units is empty: must name the units (mV, pA, Hz, 1)")
	}
	if o.TimeUnits != "" && o.TimeUnits != "ms" {
		return nil, nil, fmt.Errorf("export: FrameOptions.TimeUnits = %q: must be ms or empty (StartMs and DtMs are in ms)", o.TimeUnits)
	}
	if o.Aggregate != "" && (len(o.NodeIDs) != 1 || o.NodeIDs[0] != 0 || o.ValuesPerNode != nil && o.ValuesPerNode[0] != 1) {
		return nil, nil, fmt.Errorf("export: FrameOptions.Aggregate = %q with NodeIDs %v: an aggregate report has one column, node id 0", o.Aggregate, o.NodeIDs)
	}
	if o.ValuesPerNode != nil && len(o.ValuesPerNode) != len(o.NodeIDs) {
		return nil, nil, fmt.Errorf("export: FrameOptions.ValuesPerNode has %d entries: must have one per node (%d)",
			len(o.ValuesPerNode), len(o.NodeIDs))
	}
	indexPointers = make([]uint64, len(o.NodeIDs)+1)
	for i := range o.NodeIDs {
		k := 1
		if o.ValuesPerNode != nil {
			k = o.ValuesPerNode[i]
			if k < 1 {
				return nil, nil, fmt.Errorf("export: FrameOptions.ValuesPerNode[%d] = %d: must be >= 1", i, k)
			}
		}
		indexPointers[i+1] = indexPointers[i] + uint64(k)
	}
	n := int(indexPointers[len(o.NodeIDs)])
	if o.ElementIDs != nil {
		if len(o.ElementIDs) != n {
			return nil, nil, fmt.Errorf("export: FrameOptions.ElementIDs has %d entries: must have one per value (%d)",
				len(o.ElementIDs), n)
		}
		return indexPointers, slices.Clone(o.ElementIDs), nil
	}
	elementIDs = make([]uint32, n)
	for i := range o.NodeIDs {
		for j := indexPointers[i]; j < indexPointers[i+1]; j++ {
			elementIDs[j] = uint32(j - indexPointers[i])
		}
	}
	return indexPointers, elementIDs, nil
}

// FrameWriter streams a SONATA frame report. AppendFrame copies one frame
// into the current block (BlockBytes, at least one frame); full blocks go to
// a writer goroutine. Memory: (1 + Buffers) × BlockBytes plus libhdf5's chunk
// cache. Each segment file has its own mapping/time, starting at its first
// frame. A FrameWriter is used by one producer goroutine.
type FrameWriter struct {
	fo        FrameOptions
	ptrs      []uint64
	elems     []uint32
	opts      StreamOptions
	width     int
	rows      int // frames per block
	cur       *frameBlock
	free      chan *frameBlock
	eng       *engine
	seg       *segmenter
	frames    int64 // frames appended (producer)
	closed    bool
	data      *Dataset // writer goroutine
	segFirst  int64    // index of the first frame of the open segment
	written   int64    // frames written (writer goroutine)
	timeUnits string
}

type frameBlock struct {
	v []float32
}

// NewFrameWriter starts a frame report at path.
func NewFrameWriter(path string, fo FrameOptions, opts StreamOptions) (*FrameWriter, error) {
	ptrs, elems, err := fo.validate()
	if err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
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
	w := &FrameWriter{fo: fo, ptrs: ptrs, elems: elems, opts: opts, width: len(elems)}
	w.fo.NodeIDs = slices.Clone(fo.NodeIDs)
	w.timeUnits = fo.TimeUnits
	if w.timeUnits == "" {
		w.timeUnits = "ms"
	}
	w.rows = max(opts.BlockBytes/(4*w.width), 1)
	w.free = make(chan *frameBlock, opts.Buffers)
	for i := 0; i < opts.Buffers; i++ {
		w.free <- &frameBlock{v: make([]float32, 0, w.rows*w.width)}
	}
	w.cur = &frameBlock{v: make([]float32, 0, w.rows*w.width)}
	w.seg = &segmenter{path: path, opts: &w.opts, layout: w.layout, finish: w.finish}
	w.eng = startEngine(opts.Buffers, opts.FlushInterval, w.seg.flush)
	return w, nil
}

// Width returns the number of values per frame.
func (w *FrameWriter) Width() int { return w.width }

// Frames returns the number of frames appended so far.
func (w *FrameWriter) Frames() int64 { return w.frames }

// AppendFrame appends the frame at time tMs (which must be StartMs + k·DtMs
// for the next k, within 1e-6·DtMs: a missed or repeated frame is an error);
// len(values) must be Width(). It allocates nothing in steady state.
func (w *FrameWriter) AppendFrame(tMs float64, values []float32) error {
	want := w.fo.StartMs + float64(w.frames)*w.fo.DtMs
	if !(math.Abs(tMs-want) <= 1e-6*w.fo.DtMs+1e-12*math.Abs(want)) {
		return fmt.Errorf("export: AppendFrame: t = %v ms: must be %v ms (frame %d of a %v ms grid from %v ms)",
			tMs, want, w.frames, w.fo.DtMs, w.fo.StartMs)
	}
	return w.AppendFrames(values)
}

// WriteFrame is AppendFrame: with it a *FrameWriter is a kernel.FrameSink.
func (w *FrameWriter) WriteFrame(tMs float64, values []float32) error {
	return w.AppendFrame(tMs, values)
}

// AppendFrames appends one or more consecutive frames (len(values) a
// multiple of Width()) without time checks.
func (w *FrameWriter) AppendFrames(values []float32) error {
	if w.closed {
		return errStreamClosed
	}
	if len(values)%w.width != 0 {
		return fmt.Errorf("export: AppendFrames: len(values) = %d: must be a multiple of the frame width %d", len(values), w.width)
	}
	if err := w.eng.failed(); err != nil {
		return err
	}
	for len(values) > 0 {
		k := min(len(values), w.rows*w.width-len(w.cur.v))
		w.cur.v = append(w.cur.v, values[:k]...)
		values = values[k:]
		w.frames += int64(k / w.width)
		if len(w.cur.v) == w.rows*w.width {
			w.handoff()
		}
	}
	return nil
}

func (w *FrameWriter) handoff() {
	b := w.cur
	w.eng.jobs <- job{
		run: func() error { return w.writeBlock(b) },
		release: func() {
			b.v = b.v[:0]
			w.free <- b
		},
	}
	w.cur = <-w.free
}

// Cut closes the current segment of a stream with StreamOptions.SegmentByCut
// after every frame appended so far (the block being filled is handed to
// the writer); the next frames go to a new segment. A cut with no frame
// since the previous one writes no segment. It returns the stream's first
// error, if any.
func (w *FrameWriter) Cut() error {
	if w.closed {
		return errStreamClosed
	}
	if !w.opts.SegmentByCut {
		return ErrCutUnsegmented
	}
	if err := w.eng.failed(); err != nil {
		return err
	}
	if len(w.cur.v) > 0 {
		w.handoff()
	}
	w.eng.jobs <- job{run: w.seg.close}
	return nil
}

// Close writes the remaining frames, finishes and publishes the last file
// and stops the writer goroutine.
func (w *FrameWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if len(w.cur.v) > 0 {
		w.handoff()
	}
	return w.eng.stop(func() error {
		if err := w.seg.ensureOne(); err != nil {
			return err
		}
		return w.seg.close()
	}, w.seg.release)
}

// Abort stops the writer and removes the file being written.
func (w *FrameWriter) Abort() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.eng.stop(func() error { w.seg.abort(); return nil }, w.seg.abort)
	return nil
}

func (w *FrameWriter) layout(f *File) error {
	if err := SetAttr(f, "magic", SonataMagic); err != nil {
		return err
	}
	if err := SetAttrSlice(f, "version", SonataVersion); err != nil {
		return err
	}
	g, err := f.CreateGroup("report/" + w.fo.Population)
	if err != nil {
		return err
	}
	defer g.Close()
	chunkRows := max(min(w.rows, streamChunkBytes/(4*w.width)), 1)
	d, err := g.CreateDataset("data", Float32, []int{0, w.width},
		&DatasetOptions{MaxShape: []int{Unlimited, w.width}, Chunk: []int{chunkRows, w.width}, Deflate: sonataDeflate(w.opts.Deflate)})
	if err != nil {
		return err
	}
	if err := SetStringAttr(d, "units", w.fo.Units); err != nil {
		return err
	}
	m, err := g.CreateGroup("mapping")
	if err != nil {
		return err
	}
	defer m.Close()
	do := &DatasetOptions{Deflate: sonataDeflate(w.opts.Deflate)}
	if err := WriteWith(m, "node_ids", w.fo.NodeIDs, nil, do); err != nil {
		return err
	}
	sorted := uint8(0)
	if slices.IsSorted(w.fo.NodeIDs) {
		sorted = 1
	}
	nd, err := m.OpenDataset("node_ids")
	if err != nil {
		return err
	}
	if err := SetAttr(nd, "sorted", sorted); err != nil {
		nd.Close()
		return err
	}
	if w.fo.Aggregate != "" {
		desc := fmt.Sprintf("node id 0 is a placeholder: the column is the %s of population %s (%s), an aggregate over its recorded neurons, not neuron 0's value",
			strings.ReplaceAll(w.fo.Aggregate, "_", " "), w.fo.Population, w.fo.Units)
		if err := SetStringAttr(nd, AttrAggregate, w.fo.Aggregate); err != nil {
			nd.Close()
			return err
		}
		if err := SetStringAttr(nd, "description", desc); err != nil {
			nd.Close()
			return err
		}
	}
	nd.Close()
	if err := WriteWith(m, "index_pointers", w.ptrs, nil, do); err != nil {
		return err
	}
	if err := WriteWith(m, "element_ids", w.elems, nil, do); err != nil {
		return err
	}
	// BMTK (1.2.0) reads a frame report's mapping under other names than
	// the SONATA spec's (libsonata's): index_pointer, and element_pos, a
	// position within the node's section, 0.5 for the one compartment of
	// a point neuron. Written too, so that both read it.
	if err := WriteWith(m, BMTKIndexPointer, w.ptrs, nil, do); err != nil {
		return err
	}
	pos := make([]float32, len(w.elems))
	for i := range pos {
		pos[i] = 0.5
	}
	if err := WriteWith(m, BMTKElementPos, pos, nil, do); err != nil {
		return err
	}
	w.data = d
	w.segFirst = w.written
	return nil
}

func (w *FrameWriter) writeBlock(b *frameBlock) error {
	if _, err := w.seg.file(); err != nil {
		return err
	}
	if err := Append(w.data, b.v); err != nil {
		return err
	}
	n := int64(len(b.v) / w.width)
	w.written += n
	return w.seg.added(n)
}

// finish writes mapping/time = (start, stop, dt) of the segment and closes it.
func (w *FrameWriter) finish(f *File) error {
	start := w.fo.StartMs + float64(w.segFirst)*w.fo.DtMs
	stop := w.fo.StartMs + float64(w.written)*w.fo.DtMs
	m, err := f.OpenGroup("report/" + w.fo.Population + "/mapping")
	if err != nil {
		return err
	}
	if err := Write(m, "time", []float64{start, stop, w.fo.DtMs}, nil); err != nil {
		return err
	}
	t, err := m.OpenDataset("time")
	if err != nil {
		return err
	}
	if err := SetStringAttr(t, "units", w.timeUnits); err != nil {
		return err
	}
	return f.Close()
}

// FrameReport is the content of one /report/<Population> group.
type FrameReport struct {
	Population    string
	NodeIDs       []uint64
	IndexPointers []uint64
	ElementIDs    []uint32
	StartMs       float64 // mapping/time[0], in ms
	StopMs        float64 // mapping/time[1] (right-open), in ms
	DtMs          float64 // mapping/time[2], in ms
	// TimeUnits is "ms": ReadFrameReport converts mapping/time from its
	// units attribute (ms, s or us, as ReadSpikes; ms when it has none).
	TimeUnits string
	Units     string
	Frames    int       // number of frames (rows)
	Data      []float32 // Frames × len(ElementIDs), row-major
	// Aggregate is FrameOptions.Aggregate: "" for columns of nodes, else
	// what the one column aggregates over the population (the attribute
	// AttrAggregate of mapping/node_ids).
	Aggregate string
}

// WriteFrameReport writes a whole frame report (r.Frames, r.Data, the mapping
// and times; StopMs is derived) to path.
func WriteFrameReport(path string, r FrameReport, opts ...Option) error {
	o, err := applyOptions(opts)
	if err != nil {
		return err
	}
	fo := FrameOptions{Population: r.Population, NodeIDs: r.NodeIDs, ElementIDs: r.ElementIDs,
		StartMs: r.StartMs, DtMs: r.DtMs, Units: r.Units, TimeUnits: r.TimeUnits, Aggregate: r.Aggregate}
	if r.IndexPointers != nil {
		if len(r.IndexPointers) != len(r.NodeIDs)+1 {
			return fmt.Errorf("export: FrameReport.IndexPointers has %d entries: must have len(NodeIDs)+1 = %d",
				len(r.IndexPointers), len(r.NodeIDs)+1)
		}
		fo.ValuesPerNode = make([]int, len(r.NodeIDs))
		for i := range fo.ValuesPerNode {
			fo.ValuesPerNode[i] = int(r.IndexPointers[i+1]) - int(r.IndexPointers[i])
		}
	}
	w, err := NewFrameWriter(path, fo, StreamOptions{Overwrite: o.overwrite, Provenance: o.provenance, Deflate: o.deflate})
	if err != nil {
		return err
	}
	if len(r.Data) != r.Frames*w.Width() {
		w.Abort()
		return fmt.Errorf("export: FrameReport.Data has %d values: must be Frames × width = %d × %d", len(r.Data), r.Frames, w.Width())
	}
	if err := w.AppendFrames(r.Data); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// ReadFrameReport reads the frame report of population pop ("" for the only
// one) from one or more files (the segments of a stream, in order: their
// frames are concatenated and their time grids must join).
func ReadFrameReport(pop string, paths ...string) (FrameReport, error) {
	var r FrameReport
	for i, path := range paths {
		part, err := readFrameFile(path, pop)
		if err != nil {
			return r, fmt.Errorf("export: read frame report from %s: %w", path, err)
		}
		if i == 0 {
			r = part
			continue
		}
		if part.Population != r.Population || !slices.Equal(part.ElementIDs, r.ElementIDs) ||
			!slices.Equal(part.NodeIDs, r.NodeIDs) || part.DtMs != r.DtMs {
			return r, fmt.Errorf("export: %s: mapping differs from %s", path, paths[0])
		}
		if math.Abs(part.StartMs-r.StopMs) > 1e-6*r.DtMs+1e-12*math.Abs(r.StopMs) {
			return r, fmt.Errorf("export: %s starts at %v ms, the previous segment stops at %v ms", path, part.StartMs, r.StopMs)
		}
		r.Data = append(r.Data, part.Data...)
		r.Frames += part.Frames
		r.StopMs = part.StopMs
	}
	return r, nil
}

func readFrameFile(path, pop string) (FrameReport, error) {
	var r FrameReport
	f, err := Open(path)
	if err != nil {
		return r, err
	}
	defer f.Close()
	if pop == "" {
		g, err := f.OpenGroup("report")
		if err != nil {
			return r, err
		}
		m, err := g.Members()
		if err != nil {
			return r, err
		}
		if len(m) != 1 {
			return r, fmt.Errorf("the file holds %d report populations: name one", len(m))
		}
		pop = m[0].Name
	}
	g, err := f.OpenGroup("report/" + pop)
	if err != nil {
		return r, err
	}
	r.Population = pop
	d, err := g.OpenDataset("data")
	if err != nil {
		return r, err
	}
	var shape []int
	if r.Data, shape, err = ReadAll[float32](d); err != nil {
		return r, err
	}
	if len(shape) != 2 {
		return r, fmt.Errorf("data has shape %v: must be 2-D", shape)
	}
	r.Frames = shape[0]
	if r.Units, err = StringAttr(d, "units"); err != nil {
		return r, err
	}
	if r.NodeIDs, _, err = Read[uint64](g, "mapping/node_ids"); err != nil {
		return r, err
	}
	nd, err := g.OpenDataset("mapping/node_ids")
	if err != nil {
		return r, err
	}
	if HasAttr(nd, AttrAggregate) {
		r.Aggregate, err = StringAttr(nd, AttrAggregate)
	}
	nd.Close()
	if err != nil {
		return r, err
	}
	if r.IndexPointers, _, err = Read[uint64](g, "mapping/index_pointers"); err != nil {
		return r, err
	}
	if r.ElementIDs, _, err = Read[uint32](g, "mapping/element_ids"); err != nil {
		return r, err
	}
	tm, _, err := Read[float64](g, "mapping/time")
	if err != nil {
		return r, err
	}
	if len(tm) != 3 {
		return r, fmt.Errorf("mapping/time has %d values: must be (start, stop, dt)", len(tm))
	}
	td, err := g.OpenDataset("mapping/time")
	if err != nil {
		return r, err
	}
	defer td.Close()
	scale := 1.0
	if HasAttr(td, "units") {
		u, err := StringAttr(td, "units")
		if err != nil {
			return r, err
		}
		var ok bool
		if scale, ok = timeUnitMs(u); !ok {
			return r, fmt.Errorf("mapping/time attribute units = %q: unknown time unit (ms, s or us are read)", u)
		}
	}
	r.StartMs, r.StopMs, r.DtMs, r.TimeUnits = tm[0]*scale, tm[1]*scale, tm[2]*scale, "ms"
	return r, nil
}
