package export

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// StreamOptions configures the streaming writers (SpikeWriter, FrameWriter).
// The zero value means the documented defaults.
//
// Memory: the producer fills blocks of BlockBytes; at most Buffers blocks
// wait for the writer goroutine, so buffered data never exceeds
// (Buffers + blocks being filled) × BlockBytes, where a SpikeWriter fills one
// block per population and a FrameWriter one block. libhdf5 adds its chunk
// cache (1 MiB per open dataset). Sorting a segment at close (SpikeWriter
// with by_id, or by_time when spikes arrived out of order) reads its blocks
// back through MergeBufferBytes per block; see SpikeWriter.
type StreamOptions struct {
	// BlockBytes is the size of one block of buffered records (default
	// 1 MiB). Records reach libhdf5 one block at a time.
	BlockBytes int
	// Buffers is the number of full blocks that may wait for the writer
	// goroutine before Append blocks (default 3).
	Buffers int
	// Deflate is the gzip level (1..9) of the datasets; 0 or NoCompression
	// stores them uncompressed (still chunked), which every SONATA reader
	// can open: the libsonata wheels on PyPI are built without the deflate
	// filter.
	Deflate int
	// FlushInterval, if > 0, makes the writer call H5Fflush at that period.
	// A flushed HDF5 file is not crash-consistent; segments are (see
	// SegmentRecords).
	FlushInterval time.Duration
	// SegmentRecords, if > 0, closes the current file after a block brings it
	// to at least this many records (spikes or frames) and continues in a new
	// one: path "out.h5" becomes "out.000000.h5", "out.000001.h5", ... Every
	// closed segment is a complete, valid file; a crash loses at most the
	// segment being written (left as *.partial).
	SegmentRecords int64
	// SegmentInterval, if > 0, also closes a segment after this much wall
	// time (checked when a block is written).
	SegmentInterval time.Duration
	// SegmentByCut writes segments (as SegmentRecords does) that the
	// producer closes with Cut (SpikeWriter.Cut, FrameWriter.Cut): at a
	// time of its choosing, e.g. every so many ms of simulated time, with
	// everything appended so far, so that the closed segments hold every
	// record up to that time (a spike segment records its interval).
	SegmentByCut bool
	// Overwrite allows replacing existing files.
	Overwrite bool
	// Provenance, if not nil, is attached to every file written.
	Provenance *Provenance
	// OnSegment, if not nil, is called on the writer goroutine after each file
	// (segment) has been closed and renamed to its final name.
	OnSegment func(SegmentInfo)
}

// SegmentInfo describes one closed, published file of a stream.
type SegmentInfo struct {
	Path    string // final path of the file
	Index   int    // 0, 1, ... (0 for an unsegmented stream)
	Records int64  // spikes or frames in the file
}

const (
	defaultBlockBytes = 1 << 20
	defaultBuffers    = 3
	// streamChunkBytes is the chunk size of streamed datasets: small
	// enough that the unfilled part of a file's last chunk (allocated in
	// full when uncompressed) stays negligible, large enough for I/O.
	streamChunkBytes = 64 << 10
)

func (o *StreamOptions) validate() error {
	switch {
	case o.BlockBytes < 0:
		return fmt.Errorf("export: StreamOptions.BlockBytes = %d: must be >= 0 (0: %d)", o.BlockBytes, defaultBlockBytes)
	case o.Buffers < 0:
		return fmt.Errorf("export: StreamOptions.Buffers = %d: must be >= 0 (0: %d)", o.Buffers, defaultBuffers)
	case o.Deflate < NoCompression || o.Deflate > 9:
		return fmt.Errorf("export: StreamOptions.Deflate = %d: must be 0 (default), 1..9 or NoCompression (-1)", o.Deflate)
	case o.FlushInterval < 0:
		return fmt.Errorf("export: StreamOptions.FlushInterval = %v: must be >= 0", o.FlushInterval)
	case o.SegmentRecords < 0:
		return fmt.Errorf("export: StreamOptions.SegmentRecords = %d: must be >= 0", o.SegmentRecords)
	case o.SegmentInterval < 0:
		return fmt.Errorf("export: StreamOptions.SegmentInterval = %v: must be >= 0", o.SegmentInterval)
	}
	if o.Provenance != nil {
		if err := o.Provenance.Validate(); err != nil {
			return err
		}
	}
	if o.BlockBytes == 0 {
		o.BlockBytes = defaultBlockBytes
	}
	if o.Buffers == 0 {
		o.Buffers = defaultBuffers
	}
	return nil
}

func (o *StreamOptions) segmented() bool {
	return o.SegmentRecords > 0 || o.SegmentInterval > 0 || o.SegmentByCut
}

// ErrCutUnsegmented is returned by SpikeWriter.Cut and FrameWriter.Cut on a
// stream opened without segments (StreamOptions), which writes one file.
var ErrCutUnsegmented = errors.New("export: Cut on a stream without segments: set StreamOptions.SegmentByCut")

func (o *StreamOptions) fileOptions() []Option {
	var opts []Option
	if o.Overwrite {
		opts = append(opts, Overwrite())
	}
	if o.Provenance != nil {
		opts = append(opts, WithProvenance(*o.Provenance))
	}
	return opts
}

// SegmentPath returns the path of segment i of a stream written to path:
// "out.h5" → "out.000003.h5".
func SegmentPath(path string, i int) string {
	ext := filepath.Ext(path)
	if ext == "" {
		ext = ".h5"
	}
	return fmt.Sprintf("%s.%06d%s", strings.TrimSuffix(path, filepath.Ext(path)), i, ext)
}

// Segments lists the files of a stream written to path, in order: the closed
// (complete) segments and the partial ones (being written, or left by a
// writer that crashed). A partial name that is only a leftover link to a
// published segment (a crash between linking and unlinking) is not listed. For an unsegmented stream it returns path itself if
// it exists, or path+PartialSuffix in partial.
func Segments(path string) (complete, partial []string, err error) {
	ext := filepath.Ext(path)
	if ext == "" {
		ext = ".h5"
	}
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	matches, err := filepath.Glob(stem + ".[0-9][0-9][0-9][0-9][0-9][0-9]" + ext + "*")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(matches)
	for _, m := range matches {
		switch {
		case strings.HasSuffix(m, ext):
			complete = append(complete, m)
		case strings.HasSuffix(m, PartialSuffix):
			if !leftoverLink(m) {
				partial = append(partial, m)
			}
		}
	}
	if len(complete) == 0 && len(partial) == 0 {
		if _, err := os.Stat(path); err == nil {
			complete = append(complete, path)
		}
		if _, err := os.Stat(path + PartialSuffix); err == nil && !leftoverLink(path+PartialSuffix) {
			partial = append(partial, path+PartialSuffix)
		}
	}
	return complete, partial, nil
}

// leftoverLink reports whether the partial file p is the same file as its
// published name: publishing links the finished file to its final name, then
// removes the partial name, and a crash in between leaves both.
func leftoverLink(p string) bool {
	a, err := os.Stat(p)
	if err != nil {
		return false
	}
	b, err := os.Stat(strings.TrimSuffix(p, PartialSuffix))
	return err == nil && os.SameFile(a, b)
}

// job is one unit of work for the writer goroutine; release always runs
// (it returns the job's buffer), run only while no error has occurred, and
// cleanup only after an error (it releases what run would have finished).
type job struct {
	run     func() error
	release func()
	cleanup func()
}

// engine runs jobs on one writer goroutine, which owns every HDF5 object of
// the stream (libhdf5 is globally locked: one writer keeps it simple and
// keeps the producer free of HDF5 calls).
type engine struct {
	jobs chan job
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func startEngine(queue int, flushEvery time.Duration, flush func() error) *engine {
	e := &engine{jobs: make(chan job, queue), done: make(chan struct{})}
	go func() {
		defer close(e.done)
		var tick <-chan time.Time
		if flushEvery > 0 {
			t := time.NewTicker(flushEvery)
			defer t.Stop()
			tick = t.C
		}
		for {
			select {
			case j, ok := <-e.jobs:
				if !ok {
					return
				}
				if e.failed() == nil && j.run != nil {
					if err := j.run(); err != nil {
						e.fail(err)
					}
				} else if e.failed() != nil && j.cleanup != nil {
					j.cleanup()
				}
				if j.release != nil {
					j.release()
				}
			case <-tick:
				if e.failed() == nil {
					if err := flush(); err != nil {
						e.fail(err)
					}
				}
			}
		}
	}()
	return e
}

func (e *engine) fail(err error) {
	e.mu.Lock()
	if e.err == nil {
		e.err = err
	}
	e.mu.Unlock()
}

func (e *engine) failed() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.err
}

// stop queues last (or, after an error, cleanup), closes the queue and
// waits for the writer.
func (e *engine) stop(last func() error, cleanup func()) error {
	e.jobs <- job{run: last, cleanup: cleanup}
	close(e.jobs)
	<-e.done
	return e.failed()
}

// segmenter owns the current file of a stream and rotates segments. It is
// used only on the writer goroutine.
type segmenter struct {
	path    string
	opts    *StreamOptions
	idx     int
	cur     *File
	records int64
	opened  time.Time
	layout  func(f *File) error       // create the writer's groups and datasets
	finish  func(f *File) (err error) // finalise and close (publish) f
}

func (s *segmenter) curPath() string {
	if s.opts.segmented() {
		return SegmentPath(s.path, s.idx)
	}
	return s.path
}

// file returns the open segment, creating it when needed.
func (s *segmenter) file() (*File, error) {
	if s.cur != nil {
		return s.cur, nil
	}
	f, err := Create(s.curPath(), s.opts.fileOptions()...)
	if err != nil {
		return nil, err
	}
	if err := s.layout(f); err != nil {
		f.Abort()
		return nil, err
	}
	s.cur, s.records, s.opened = f, 0, time.Now()
	return f, nil
}

// added counts n records written and closes the segment when it is full.
func (s *segmenter) added(n int64) error {
	s.records += n
	if s.opts.SegmentRecords > 0 && s.records >= s.opts.SegmentRecords ||
		s.opts.SegmentInterval > 0 && time.Since(s.opened) >= s.opts.SegmentInterval {
		return s.close()
	}
	return nil
}

// close finishes the current segment, if any.
func (s *segmenter) close() error {
	if s.cur == nil {
		return nil
	}
	f, n := s.cur, s.records
	s.cur = nil
	if err := s.finish(f); err != nil {
		return err
	}
	if s.opts.OnSegment != nil {
		s.opts.OnSegment(SegmentInfo{Path: f.Path(), Index: s.idx, Records: n})
	}
	s.idx++
	return nil
}

// ensureOne makes sure an unsegmented stream with no records still produces
// its (empty) file.
func (s *segmenter) ensureOne() error {
	if s.idx == 0 && s.cur == nil {
		_, err := s.file()
		return err
	}
	return nil
}

// release closes the current segment after a write error, leaving it as an
// incomplete *.partial file for inspection.
func (s *segmenter) release() {
	if s.cur != nil {
		s.cur.closeRaw()
		s.cur = nil
	}
}

func (s *segmenter) abort() {
	if s.cur != nil {
		s.cur.Abort()
		s.cur = nil
	}
}

func (s *segmenter) flush() error {
	if s.cur == nil {
		return nil
	}
	return s.cur.Flush()
}

var errStreamClosed = errors.New("export: stream is closed")
