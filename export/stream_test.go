//go:build cgo && !nohdf5

package export

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type spk struct {
	t  float64
	id uint64
}

// makeSpikes returns n spikes of a simulated run: steps of 0.1 ms, ids
// ascending within a step, precise (off-grid) times inside the step when
// precise is set (so times are out of order within a step).
func makeSpikes(rng *rand.Rand, n int, precise bool) []spk {
	var s []spk
	step := 0
	for len(s) < n {
		k := rng.IntN(4)
		for j := 0; j < k && len(s) < n; j++ {
			t := float64(step) * 0.1
			if precise {
				t += rng.Float64() * 0.1
			}
			s = append(s, spk{t, uint64(rng.IntN(50))})
		}
		step++
	}
	return s
}

func sortedCopy(s []spk, by Sorting) []spk {
	c := slices.Clone(s)
	slices.SortStableFunc(c, func(a, b spk) int { return spikeKeyCmp(by, a.t, a.id, b.t, b.id) })
	return c
}

func split(s []spk) ([]float64, []uint64) {
	t := make([]float64, len(s))
	id := make([]uint64, len(s))
	for i, x := range s {
		t[i], id[i] = x.t, x.id
	}
	return t, id
}

func TestSpikeWriterSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, precise := range []bool{false, true} {
		for _, sorting := range []Sorting{SortNone, SortByTime, SortByID} {
			name := sorting.String()
			if precise {
				name += "/precise"
			}
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "spikes.h5")
				w, err := NewSpikeWriter(path, sorting, []string{"exc", "inh"}, StreamOptions{BlockBytes: 16 * 7, Buffers: 2})
				if err != nil {
					t.Fatal(err)
				}
				in := [2][]spk{makeSpikes(rng, 200, precise), makeSpikes(rng, 57, precise)}
				for p := range in {
					for i := 0; i < len(in[p]); {
						k := min(1+rng.IntN(9), len(in[p])-i)
						ts, ids := split(in[p][i : i+k])
						if err := w.AppendSpikesTo(p, ts, ids); err != nil {
							t.Fatal(err)
						}
						i += k
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				pops, err := ReadSpikes(path)
				if err != nil {
					t.Fatal(err)
				}
				if len(pops) != 2 || pops[0].Name != "exc" || pops[1].Name != "inh" {
					t.Fatalf("populations %v", pops)
				}
				for p := range in {
					want := in[p]
					if sorting != SortNone {
						want = sortedCopy(want, sorting)
					}
					wt, wid := split(want)
					if pops[p].Sorting != sorting || !slices.Equal(pops[p].TimesMs, wt) || !slices.Equal(pops[p].NodeIDs, wid) {
						t.Errorf("population %s: sorting %v, read %d spikes differing from the %d written",
							pops[p].Name, pops[p].Sorting, len(pops[p].TimesMs), len(want))
					}
				}
				f, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if v, _ := Attr[uint32](f, "magic"); v != SonataMagic {
					t.Errorf("magic = %#x", v)
				}
				if v, _ := AttrSlice[uint32](f, "version"); !slices.Equal(v, SonataVersion) {
					t.Errorf("version = %v", v)
				}
				d, _ := f.OpenDataset("spikes/exc/timestamps")
				if u, _ := StringAttr(d, "units"); u != "ms" {
					t.Errorf("units = %q", u)
				}
				if ok, _ := f.Complete(); !ok {
					t.Error("file not marked complete")
				}
			})
		}
	}
}

func TestSpikeWriterSegments(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	dir := t.TempDir()
	path := filepath.Join(dir, "run.h5")
	var got []SegmentInfo
	w, err := NewSpikeWriter(path, SortByTime, []string{"all"}, StreamOptions{
		BlockBytes: 16 * 10, SegmentRecords: 25, OnSegment: func(s SegmentInfo) { got = append(got, s) }})
	if err != nil {
		t.Fatal(err)
	}
	in := makeSpikes(rng, 113, true)
	ts, ids := split(in)
	for i := 0; i < len(in); i += 3 {
		j := min(i+3, len(in))
		if err := w.AppendSpikes(ts[i:j], ids[i:j]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// 10-spike blocks, segments closed at >= 25: 30, 30, 30, 23.
	wantN := []int64{30, 30, 30, 23}
	if len(got) != len(wantN) {
		t.Fatalf("OnSegment calls %v", got)
	}
	complete, partial, err := Segments(path)
	if err != nil || len(partial) != 0 || len(complete) != len(wantN) {
		t.Fatalf("Segments = %v %v %v", complete, partial, err)
	}
	var all []spk
	for i, s := range got {
		if s.Index != i || s.Records != wantN[i] || s.Path != complete[i] || !strings.HasSuffix(s.Path, ".00000"+string(rune('0'+i))+".h5") {
			t.Errorf("segment %d: %+v", i, s)
		}
		pops, err := ReadSpikes(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		seg := make([]spk, len(pops[0].TimesMs))
		for k := range seg {
			seg[k] = spk{pops[0].TimesMs[k], pops[0].NodeIDs[k]}
		}
		if !slices.IsSortedFunc(seg, func(a, b spk) int { return spikeKeyCmp(SortByTime, a.t, a.id, b.t, b.id) }) {
			t.Errorf("segment %d not sorted by time", i)
		}
		all = append(all, seg...)
	}
	// Each segment is sorted; together they hold every spike once.
	cmpSpk := func(a, b spk) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	}
	slices.SortFunc(all, cmpSpk)
	want := slices.Clone(in)
	slices.SortFunc(want, cmpSpk)
	if !slices.Equal(all, want) {
		t.Error("segments do not hold exactly the spikes written")
	}
}

func TestSpikeWriterErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.h5")
	if _, err := NewSpikeWriter(path, SortNone, nil, StreamOptions{}); err == nil {
		t.Error("no populations accepted")
	}
	if _, err := NewSpikeWriter(path, SortNone, []string{"a", "a"}, StreamOptions{}); err == nil {
		t.Error("duplicate populations accepted")
	}
	if _, err := NewSpikeWriter(path, Sorting(7), []string{"a"}, StreamOptions{}); err == nil {
		t.Error("bad sorting accepted")
	}
	if _, err := NewSpikeWriter(path, SortNone, []string{"a"}, StreamOptions{BlockBytes: -1}); err == nil || !strings.Contains(err.Error(), "BlockBytes") {
		t.Errorf("bad BlockBytes: %v", err)
	}
	w, err := NewSpikeWriter(path, SortNone, []string{"a"}, StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AppendSpikes([]float64{1}, nil); err == nil {
		t.Error("length mismatch accepted")
	}
	if err := w.AppendSpikesTo(1, nil, nil); err == nil {
		t.Error("bad population index accepted")
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if c, p, _ := Segments(path); len(c)+len(p) != 0 {
		t.Errorf("Abort left files %v %v", c, p)
	}
	// An empty report is still a valid file.
	w, _ = NewSpikeWriter(path, SortByTime, []string{"a"}, StreamOptions{})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pops, err := ReadSpikes(path)
	if err != nil || len(pops) != 1 || len(pops[0].TimesMs) != 0 {
		t.Errorf("empty report read back as %v, %v", pops, err)
	}
	if _, err := NewSpikeWriter(path, SortNone, []string{"a"}, StreamOptions{}); err == nil {
		t.Error("existing report overwritten without Overwrite")
	}
}

func TestSpikeAppendAllocs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.h5")
	w, err := NewSpikeWriter(path, SortNone, []string{"a"}, StreamOptions{BlockBytes: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{0.1, 0.2, 0.3}
	ids := []uint64{1, 2, 3}
	allocs := testing.AllocsPerRun(1000, func() {
		if err := w.AppendSpikes(ts, ids); err != nil {
			t.Fatal(err)
		}
	})
	// Block hand-offs (every 4096 spikes here) allocate a closure; the
	// per-call cost must round to zero.
	if allocs > 0.01 {
		t.Errorf("AppendSpikes allocates %v per call", allocs)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestFrameWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.h5")
	fo := FrameOptions{Population: "exc", NodeIDs: []uint64{3, 1, 7}, ValuesPerNode: []int{1, 2, 1},
		StartMs: 100, DtMs: 0.1, Units: "mV"}
	w, err := NewFrameWriter(path, fo, StreamOptions{BlockBytes: 4 * 4 * 3})
	if err != nil {
		t.Fatal(err)
	}
	const n = 17
	var want []float32
	for k := 0; k < n; k++ {
		row := []float32{float32(k), -float32(k), float32(k) / 3, 1e-7 * float32(k)}
		want = append(want, row...)
		if err := w.AppendFrame(100+float64(k)*0.1, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AppendFrame(200, make([]float32, 4)); err == nil || !strings.Contains(err.Error(), "must be") {
		t.Errorf("wrong frame time accepted: %v", err)
	}
	if err := w.AppendFrames(make([]float32, 3)); err == nil {
		t.Error("partial frame accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := ReadFrameReport("", path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Population != "exc" || r.Frames != n || !slices.Equal(r.Data, want) || r.Units != "mV" || r.TimeUnits != "ms" ||
		!slices.Equal(r.NodeIDs, fo.NodeIDs) || !slices.Equal(r.IndexPointers, []uint64{0, 1, 3, 4}) ||
		!slices.Equal(r.ElementIDs, []uint32{0, 0, 1, 0}) || r.StartMs != 100 || r.StopMs != 100+n*0.1 || r.DtMs != 0.1 {
		t.Errorf("read back %+v", r)
	}

	// Segmented: 3 frames per block, segments of >= 5 frames.
	spath := filepath.Join(dir, "seg.h5")
	fo.ValuesPerNode = nil
	w, err = NewFrameWriter(spath, fo, StreamOptions{BlockBytes: 3 * 4 * 3, SegmentRecords: 5})
	if err != nil {
		t.Fatal(err)
	}
	want = want[:0]
	for k := 0; k < n; k++ {
		row := []float32{float32(k), float32(2 * k), float32(3 * k)}
		want = append(want, row...)
		if err := w.AppendFrame(100+float64(k)*0.1, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	segs, partial, _ := Segments(spath)
	if len(segs) != 3 || len(partial) != 0 {
		t.Fatalf("segments %v %v", segs, partial)
	}
	first, err := ReadFrameReport("exc", segs[1])
	if err != nil || first.Frames != 6 || first.StartMs != 100+6*0.1 {
		t.Errorf("segment 1: frames %d start %v err %v", first.Frames, first.StartMs, err)
	}
	r, err = ReadFrameReport("exc", segs...)
	if err != nil || r.Frames != n || !slices.Equal(r.Data, want) || r.StopMs != 100+n*0.1 {
		t.Errorf("joined segments: %d frames, stop %v, err %v", r.Frames, r.StopMs, err)
	}
}

func TestSpikeWriterFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.h5")
	w, err := NewSpikeWriter(path, SortNone, []string{"a"}, StreamOptions{BlockBytes: 16 * 2, Buffers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AppendSpikes([]float64{1, 2}, []uint64{1, 2}); err != nil {
		t.Fatal(err)
	}
	nan := []float64{3, math.NaN()}
	w.AppendSpikes(nan, []uint64{3, 4})
	// The error surfaces on a later call or at Close.
	var failed error
	for i := 0; i < 100 && failed == nil; i++ {
		failed = w.AppendSpikes([]float64{5, 6}, []uint64{5, 6})
	}
	if cerr := w.Close(); cerr == nil || !strings.Contains(cerr.Error(), "NaN") {
		t.Errorf("Close after a NaN time: %v, want the NaN error", cerr)
	}
	if failed != nil && !strings.Contains(failed.Error(), "NaN") {
		t.Errorf("Append after the failure: %v", failed)
	}
	complete, partial, _ := Segments(path)
	if len(complete) != 0 || len(partial) != 1 {
		t.Errorf("after a failed stream: complete %v partial %v; want only the partial file", complete, partial)
	}
}

func TestSonataCompression(t *testing.T) {
	dir := t.TempDir()
	pops := []SpikePopulation{{Name: "a", TimesMs: []float64{1, 2, 3}, NodeIDs: []uint64{1, 2, 3}}}
	for _, tc := range []struct {
		name string
		opts []Option
		want int
	}{{"default", nil, 0}, {"deflate5", []Option{Deflate(5)}, 5}} {
		path := filepath.Join(dir, tc.name+".h5")
		if err := WriteSpikes(path, SortNone, pops, tc.opts...); err != nil {
			t.Fatal(err)
		}
		nodes := filepath.Join(dir, tc.name+"_nodes.h5")
		big := make([]int64, 1000)
		if err := WriteNodes(nodes, []NodePopulation{{Name: "n", NodeTypeID: big}}, tc.opts...); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ file, ds string }{{path, "spikes/a/timestamps"}, {nodes, "nodes/n/node_type_id"}} {
			f, err := Open(c.file)
			if err != nil {
				t.Fatal(err)
			}
			d, err := f.OpenDataset(c.ds)
			if err != nil {
				t.Fatal(err)
			}
			info, err := d.Info()
			f.Close()
			if err != nil || info.Deflate != tc.want {
				t.Errorf("%s %s: deflate %d (%v), want %d", tc.name, c.ds, info.Deflate, err, tc.want)
			}
		}
	}
	if err := WriteSpikes(filepath.Join(dir, "x.h5"), SortNone, pops, Deflate(11)); err == nil {
		t.Error("Deflate(11) accepted")
	}
}

// TestSpikeInterval: the recorded interval set before Close is stored on the
// file (after a merge too) and, in a segmented stream, on the last segment;
// WriteSpikes stores RecordedInterval; files without one report ok = false.
func TestSpikeInterval(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dir := t.TempDir()
	in := makeSpikes(rng, 113, true)
	ts, ids := split(in)
	for _, c := range []struct {
		name    string
		sorting Sorting
		opts    StreamOptions
	}{
		{"in order", SortByTime, StreamOptions{}},
		{"merged by id", SortByID, StreamOptions{BlockBytes: 16 * 10}},
		{"segments", SortByTime, StreamOptions{BlockBytes: 16 * 10, SegmentRecords: 25}},
		// 110 spikes in 10-spike blocks, segments full at 10: the last closes
		// on its own and an empty twelfth segment carries the interval
		{"full segments", SortByTime, StreamOptions{BlockBytes: 16 * 10, SegmentRecords: 10}},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".h5")
		w, err := NewSpikeWriter(path, c.sorting, []string{"all"}, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		n := len(ts)
		if c.opts.SegmentRecords == 10 {
			n = 110 // whole blocks: every segment closes when full
		}
		if err := w.AppendSpikes(ts[:n], ids[:n]); err != nil {
			t.Fatal(err)
		}
		if err := w.SetInterval(math.NaN(), 5); err == nil {
			t.Errorf("%s: SetInterval(NaN, 5) accepted", c.name)
		}
		if err := w.SetInterval(2, 1); err == nil {
			t.Errorf("%s: SetInterval(2, 1) accepted", c.name)
		}
		if err := w.SetInterval(0, 20); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		files := []string{path}
		if c.opts.SegmentRecords > 0 {
			if files, _, err = Segments(path); err != nil || len(files) < 2 {
				t.Fatalf("%s: segments %v %v", c.name, files, err)
			}
		}
		if c.opts.SegmentRecords == 10 {
			if pops, err := ReadSpikes(files[len(files)-1]); err != nil || len(files) != 12 || len(pops[0].TimesMs) != 0 {
				t.Errorf("%s: %d segments, the last with %v: want 12, the last empty", c.name, len(files), pops)
			}
		}
		for i, f := range files {
			a, b, ok, err := SpikeInterval(f)
			last := i == len(files)-1
			if err != nil || ok != last || last && (a != 0 || b != 20) {
				t.Errorf("%s: %s: interval (%v, %v] found %v (%v); want (0, 20] on the last file only", c.name, filepath.Base(f), a, b, ok, err)
			}
		}
	}
	path := filepath.Join(dir, "whole.h5")
	if err := WriteSpikes(path, SortByTime, []SpikePopulation{{Name: "all", TimesMs: ts, NodeIDs: ids}}, RecordedInterval(1.5, 30)); err != nil {
		t.Fatal(err)
	}
	if a, b, ok, err := SpikeInterval(path); err != nil || !ok || a != 1.5 || b != 30 {
		t.Errorf("WriteSpikes with RecordedInterval(1.5, 30): (%v, %v] %v %v", a, b, ok, err)
	}
	if err := WriteSpikes(filepath.Join(dir, "bad.h5"), SortByTime, nil, RecordedInterval(3, 1)); err == nil || !strings.Contains(err.Error(), "start ≤ stop") {
		t.Errorf("RecordedInterval(3, 1): %v", err)
	}
	plain := filepath.Join(dir, "plain.h5")
	if err := WriteSpikes(plain, SortByTime, []SpikePopulation{{Name: "all", TimesMs: ts, NodeIDs: ids}}); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := SpikeInterval(plain); ok || err != nil {
		t.Errorf("a file without an interval: ok %v, err %v", ok, err)
	}
}

// TestReadSpikesUnits: ReadSpikes converts timestamps to ms from their
// "units" attribute (a scalar variable-length string, as h5py writes it),
// refuses a missing attribute (ErrNoTimeUnits) unless ReadSpikesWith is
// told the unit, and refuses units it does not know.
func TestReadSpikesUnits(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, units string, times []float64) string {
		t.Helper()
		path := filepath.Join(dir, name+".h5")
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		g, err := f.CreateGroup("spikes/pop")
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(g, "timestamps", times, []int{len(times)}); err != nil {
			t.Fatal(err)
		}
		if err := Write(g, "node_ids", []uint64{0, 1, 0}, []int{3}); err != nil {
			t.Fatal(err)
		}
		if units != "" {
			setUnits(t, g, "timestamps", units)
		}
		g.Close()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		units string
		in    []float64
		want  []float64
	}{
		{"ms", []float64{0.5, 20, 99}, []float64{0.5, 20, 99}},
		{"s", []float64{0, 50, 100}, []float64{0, 50000, 100000}},
		{"us", []float64{500, 2000, 1e6}, []float64{0.5, 2, 1000}},
	} {
		pops, err := ReadSpikes(write("u_"+c.units, c.units, c.in))
		if err != nil {
			t.Fatalf("units %q: %v", c.units, err)
		}
		if len(pops) != 1 || !slices.Equal(pops[0].TimesMs, c.want) {
			t.Errorf("units %q: read %v, want %v ms", c.units, pops, c.want)
		}
	}
	_, err := ReadSpikes(write("u_furlong", "furlong", []float64{1, 2, 3}))
	if err == nil || !strings.Contains(err.Error(), `units = "furlong"`) || !strings.Contains(err.Error(), "timestamps") {
		t.Errorf("units furlong: %v; want an error naming the attribute and its value", err)
	}
	// no units attribute: refused, unless the caller says what the unit is
	none := write("u_none", "", []float64{0.5, 20, 99})
	if _, err := ReadSpikes(none); !errors.Is(err, ErrNoTimeUnits) || !strings.Contains(err.Error(), "population pop") {
		t.Errorf("no units attribute: %v; want an error wrapping ErrNoTimeUnits naming the population", err)
	}
	for _, c := range []struct {
		units string
		want  []float64
	}{
		{"ms", []float64{0.5, 20, 99}},
		{"s", []float64{500, 20000, 99000}},
	} {
		pops, err := ReadSpikesWith(SpikeReadOptions{DefaultUnits: c.units}, none)
		if err != nil || len(pops) != 1 || !slices.Equal(pops[0].TimesMs, c.want) {
			t.Errorf("no units attribute, DefaultUnits %q: read %v, %v; want %v ms", c.units, pops, err, c.want)
		}
	}
	// DefaultUnits does not override the file's own attribute
	if pops, err := ReadSpikesWith(SpikeReadOptions{DefaultUnits: "s"}, write("u_ms2", "ms", []float64{1, 2, 3})); err != nil || !slices.Equal(pops[0].TimesMs, []float64{1, 2, 3}) {
		t.Errorf("units ms with DefaultUnits s: read %v, %v; want the file's ms", pops, err)
	}
	if _, err := ReadSpikesWith(SpikeReadOptions{DefaultUnits: "furlong"}, none); err == nil || !strings.Contains(err.Error(), "DefaultUnits") {
		t.Errorf("DefaultUnits furlong: %v; want an error naming the option", err)
	}
}

// TestReadSpikesSorting: the "sorting" attribute is read by member name as
// SONATA's enum (SpikeWriter's, libsonata's) and as the plain string BMTK
// writes (spikes_grp.attrs['sorting'] = 'by_time'); an unknown name or type
// is refused naming the population, a missing attribute reads as none.
func TestReadSpikesSorting(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, set func(g *Group) error) string {
		t.Helper()
		path := filepath.Join(dir, name+".h5")
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		g, err := f.CreateGroup("spikes/v1")
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(g, "timestamps", []float64{1, 2}, []int{2}); err != nil {
			t.Fatal(err)
		}
		if err := Write(g, "node_ids", []uint64{3, 0}, []int{2}); err != nil {
			t.Fatal(err)
		}
		setUnits(t, g, "timestamps", "ms")
		if set != nil {
			if err := set(g); err != nil {
				t.Fatal(err)
			}
		}
		g.Close()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		name string
		set  func(g *Group) error
		want Sorting
	}{
		{"absent", nil, SortNone},
		{"enum_by_time", func(g *Group) error { return SetEnumAttr(g, "sorting", SortingEnum, "by_time") }, SortByTime},
		{"enum_by_id", func(g *Group) error { return SetEnumAttr(g, "sorting", SortingEnum, "by_id") }, SortByID},
		// another writer's enum numbering: read by name, not by value
		{"enum_renumbered", func(g *Group) error {
			return SetEnumAttr(g, "sorting", EnumType{{"by_time", 0}, {"by_id", 5}, {"none", 7}}, "by_time")
		}, SortByTime},
		{"string_by_time", func(g *Group) error { return SetStringAttr(g, "sorting", "by_time") }, SortByTime},
		{"string_by_id", func(g *Group) error { return SetStringAttr(g, "sorting", "by_id") }, SortByID},
		{"string_none", func(g *Group) error { return SetStringAttr(g, "sorting", "none") }, SortNone},
	} {
		t.Run(c.name, func(t *testing.T) {
			pops, err := ReadSpikes(write(c.name, c.set))
			if err != nil {
				t.Fatal(err)
			}
			if len(pops) != 1 || pops[0].Sorting != c.want || !slices.Equal(pops[0].NodeIDs, []uint64{3, 0}) {
				t.Errorf("read %+v; want sorting %v", pops, c.want)
			}
		})
	}
	for _, c := range []struct {
		name string
		set  func(g *Group) error
		want string
	}{
		{"string_bad", func(g *Group) error { return SetStringAttr(g, "sorting", "by_name") }, `sorting = "by_name"`},
		{"int", func(g *Group) error { return SetAttr(g, "sorting", int32(2)) }, "must be an enum or a string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadSpikes(write(c.name, c.set))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "population v1") {
				t.Errorf("err %v; want one containing %q naming the population", err, c.want)
			}
		})
	}
}

// setUnits gives dataset name of g the string attribute units.
func setUnits(t *testing.T, g *Group, name, units string) {
	t.Helper()
	d, err := g.OpenDataset(name)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := SetStringAttr(d, "units", units); err != nil {
		t.Fatal(err)
	}
}

// TestReadFrameReportTimeUnits: ReadFrameReport gives mapping/time in ms
// whatever its units attribute says (s, us, ms, none: ms), refuses an
// unknown unit naming the attribute, and the writer refuses time units
// other than ms (its StartMs and DtMs are in ms).
func TestReadFrameReportTimeUnits(t *testing.T) {
	dir := t.TempDir()
	write := func(name, units string, tm []float64) string {
		t.Helper()
		path := filepath.Join(dir, name+".h5")
		f, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		g, err := f.CreateGroup("report/pop")
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.CreateGroup("report/pop/mapping")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []error{
			Write(g, "data", []float32{1, 2, 3, 4}, []int{2, 2}),
			Write(m, "node_ids", []uint64{0, 1}, []int{2}),
			Write(m, "index_pointers", []uint64{0, 1, 2}, []int{3}),
			Write(m, "element_ids", []uint32{0, 0}, []int{2}),
			Write(m, "time", tm, []int{3}),
		} {
			if e != nil {
				t.Fatal(e)
			}
		}
		setUnits(t, g, "data", "mV")
		if units != "" {
			setUnits(t, m, "time", units)
		}
		m.Close()
		g.Close()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, c := range []struct {
		units string
		tm    []float64
	}{{"ms", []float64{10, 30, 10}}, {"", []float64{10, 30, 10}}, {"s", []float64{0.01, 0.03, 0.01}}, {" us", []float64{1e4, 3e4, 1e4}}} {
		r, err := ReadFrameReport("pop", write("f_"+strings.TrimSpace(c.units), c.units, c.tm))
		if err != nil {
			t.Fatalf("units %q: %v", c.units, err)
		}
		if math.Abs(r.StartMs-10) > 1e-9 || math.Abs(r.StopMs-30) > 1e-9 || math.Abs(r.DtMs-10) > 1e-9 || r.TimeUnits != "ms" {
			t.Errorf("units %q: start %v, stop %v, dt %v ms, time units %q; want 10, 30, 10 ms", c.units, r.StartMs, r.StopMs, r.DtMs, r.TimeUnits)
		}
	}
	if _, err := ReadFrameReport("pop", write("f_h", "h", []float64{1, 2, 1})); err == nil || !strings.Contains(err.Error(), `mapping/time attribute units = "h"`) {
		t.Errorf("units h: %v; want an error naming the attribute and its value", err)
	}
	err := WriteFrameReport(filepath.Join(dir, "w.h5"), FrameReport{Population: "pop", NodeIDs: []uint64{0}, ElementIDs: []uint32{0},
		StartMs: 0, DtMs: 1, TimeUnits: "s", Units: "mV", Frames: 1, Data: []float32{1}})
	if err == nil || !strings.Contains(err.Error(), `TimeUnits = "s": must be ms`) {
		t.Errorf("writing time units s: %v", err)
	}
}

// TestSpikeWriterCut: with SegmentByCut, Cut closes a segment holding every
// spike appended so far, of every population (also those whose blocks are
// far from full), recording the interval given; a cut with no spike writes
// an empty segment with its interval; Close's interval goes to the last.
// Cut without SegmentByCut is an error; FrameWriter.Cut splits frames.
func TestSpikeWriterCut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.h5")
	w, err := NewSpikeWriter(path, SortByTime, []string{"A", "B"}, StreamOptions{SegmentByCut: true})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.AppendSpikesTo(0, []float64{1, 2}, []uint64{0, 1}))
	must(w.AppendSpikesTo(1, []float64{3}, []uint64{4}))
	must(w.Cut(0, 10))
	must(w.Cut(10, 20)) // nothing fired
	must(w.AppendSpikesTo(1, []float64{25}, []uint64{2}))
	must(w.SetInterval(20, 30))
	must(w.Close())
	segs, partial, err := Segments(path)
	if err != nil || len(segs) != 3 || len(partial) != 0 {
		t.Fatalf("segments %v, partial %v (%v); want 3 complete", segs, partial, err)
	}
	want := []struct {
		a, b float64
		n    [2]int
	}{{0, 10, [2]int{2, 1}}, {10, 20, [2]int{0, 0}}, {20, 30, [2]int{0, 1}}}
	for k, f := range segs {
		a, b, ok, err := SpikeInterval(f)
		if err != nil || !ok || a != want[k].a || b != want[k].b {
			t.Errorf("segment %d: interval (%v, %v] %v %v; want (%v, %v]", k, a, b, ok, err, want[k].a, want[k].b)
		}
		pops, err := ReadSpikes(f)
		if err != nil || len(pops) != 2 || len(pops[0].TimesMs) != want[k].n[0] || len(pops[1].TimesMs) != want[k].n[1] {
			t.Errorf("segment %d: %v (%v); want %v spikes of A and B", k, pops, err, want[k].n)
		}
	}
	u, err := NewSpikeWriter(filepath.Join(dir, "u.h5"), SortByTime, []string{"A"}, StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Cut(0, 1); !errors.Is(err, ErrCutUnsegmented) {
		t.Errorf("Cut without SegmentByCut: %v", err)
	}
	must(u.Close())
	fpath := filepath.Join(dir, "v.h5")
	fw, err := NewFrameWriter(fpath, FrameOptions{Population: "A", NodeIDs: []uint64{0, 1}, DtMs: 1, Units: "mV"}, StreamOptions{SegmentByCut: true})
	if err != nil {
		t.Fatal(err)
	}
	must(fw.AppendFrames([]float32{1, 2, 3, 4}))
	must(fw.Cut())
	must(fw.Cut()) // no frame since: no segment
	must(fw.AppendFrames([]float32{5, 6}))
	must(fw.Close())
	fsegs, _, _ := Segments(fpath)
	r, err := ReadFrameReport("A", fsegs...)
	if err != nil || len(fsegs) != 2 || !slices.Equal(r.Data, []float32{1, 2, 3, 4, 5, 6}) || r.StartMs != 0 || r.StopMs != 3 {
		t.Errorf("frame segments %v: %+v (%v); want 2 holding the 3 frames of [0, 3) ms", fsegs, r, err)
	}
}

// TestFrameReportBMTKNames: a frame report's mapping holds, beside the
// SONATA spec's index_pointers and element_ids (what libsonata reads), the
// names BMTK 1.2.0 reads, index_pointer (the same pointers) and
// element_pos (0.5 per column); before, BMTK failed "object
// 'index_pointer' doesn't exist".
func TestFrameReportBMTKNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.h5")
	r := FrameReport{Population: "E", NodeIDs: []uint64{3, 7}, IndexPointers: []uint64{0, 2, 3}, ElementIDs: []uint32{0, 1, 0},
		DtMs: 0.5, Units: "mV", Frames: 2, Data: []float32{1, 2, 3, 4, 5, 6}}
	if err := WriteFrameReport(path, r); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := f.OpenGroup("report/E/mapping")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	ptrs, _, err := Read[uint64](g, BMTKIndexPointer)
	if err != nil || !slices.Equal(ptrs, []uint64{0, 2, 3}) {
		t.Errorf("%s = %v (%v), want index_pointers' [0 2 3]", BMTKIndexPointer, ptrs, err)
	}
	pos, _, err := Read[float32](g, BMTKElementPos)
	if err != nil || !slices.Equal(pos, []float32{0.5, 0.5, 0.5}) {
		t.Errorf("%s = %v (%v), want 0.5 per column", BMTKElementPos, pos, err)
	}
	back, err := ReadFrameReport("E", path)
	if err != nil || !slices.Equal(back.IndexPointers, r.IndexPointers) || !slices.Equal(back.Data, r.Data) {
		t.Errorf("read back %+v (%v)", back, err)
	}
}
