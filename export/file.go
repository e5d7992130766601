package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"
)

// PartialSuffix is appended to the name of a file while it is being written.
// Create writes to path+PartialSuffix and Close renames it to path, so a file
// under its final name is always complete, and a *.partial file is always a
// file whose writer has not finished (or crashed).
const PartialSuffix = ".partial"

// CompleteAttr is the root attribute (uint8) every file written by Create
// carries: 0 from creation until Close sets it to 1 just before the file is
// closed and renamed. Readers check it with (*File).Complete.
const CompleteAttr = "complete"

// Option configures Create and the other file writers of this package.
type Option func(*options) error

type options struct {
	overwrite  bool
	deflate    int
	provenance *Provenance
	interval   *[2]float64
}

// RecordedInterval gives WriteSpikes the interval (startMs, stopMs] the
// spikes were recorded over, stored as SpikeWriter.SetInterval does. Other
// writers ignore it.
func RecordedInterval(startMs, stopMs float64) Option {
	return func(o *options) error {
		if err := checkInterval(startMs, stopMs); err != nil {
			return err
		}
		o.interval = &[2]float64{startMs, stopMs}
		return nil
	}
}

// Overwrite allows Create to replace an existing file (and a stale
// *.partial file left by a crashed writer). Without it, Create returns an
// error wrapping ErrExists.
func Overwrite() Option {
	return func(o *options) error { o.overwrite = true; return nil }
}

// Deflate sets the gzip level (1..9, or NoCompression) of the datasets the
// whole-file SONATA writers (WriteSpikes, WriteFrameReport, WriteNodes,
// WriteEdges) create. Their default is no compression, because the libsonata
// wheels on PyPI (0.1.30 to 0.2.2 at least) are built without the deflate
// filter and cannot read deflated datasets; h5py, BMTK and HDF5 builds with
// zlib can.
func Deflate(level int) Option {
	return func(o *options) error {
		if level != NoCompression && (level < 1 || level > 9) {
			return fmt.Errorf("export: Deflate(%d): level must be 1..9 or NoCompression (-1)", level)
		}
		o.deflate = level
		return nil
	}
}

// sonataDeflate is the DatasetOptions.Deflate of SONATA datasets: none
// unless asked.
func sonataDeflate(level int) int {
	if level == 0 {
		return NoCompression
	}
	return level
}

// WithProvenance attaches p's attributes to the root of the file as soon as
// it is created (so even a partial file says where it came from).
func WithProvenance(p Provenance) Option {
	return func(o *options) error {
		if err := p.Validate(); err != nil {
			return err
		}
		o.provenance = &p
		return nil
	}
}

func applyOptions(opts []Option) (options, error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// File is an open HDF5 file. A File created by Create is written under a
// temporary name and published by Close; a File opened by Open is read-only.
// The root group's methods are available on the File directly.
//
// A File and the groups and datasets opened from it must be used by one
// goroutine at a time; different files may be used from different goroutines
// (calls into libhdf5 are serialised inside this package).
type File struct {
	Group
	path     string // final path
	tmp      string // path being written ("" for read-only files)
	writable bool
	opts     options
	fh       h5handle
	open     map[*h5handle]string
	closed   bool
}

// Create creates a new HDF5 file that will appear at path when Close
// returns. Until then it is written to path+PartialSuffix and carries the
// root attribute CompleteAttr = 0. Create fails with an error wrapping
// ErrExists if path exists, unless Overwrite is given.
func Create(path string, opts ...Option) (*File, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return nil, fmt.Errorf("export: path is empty: must name the file to create")
	}
	tmp, err := prepareTarget(path, o.overwrite)
	if err != nil {
		return nil, err
	}
	f := &File{path: path, tmp: tmp, writable: true, opts: o, open: map[*h5handle]string{}}
	f.fh, f.Group.h, err = h5CreateFile(tmp)
	if err != nil {
		return nil, fmt.Errorf("export: create %s: %w", tmp, err)
	}
	f.Group.f = f
	f.Group.name = "/"
	if err := SetAttr(f, CompleteAttr, uint8(0)); err != nil {
		f.Abort()
		return nil, err
	}
	if o.provenance != nil {
		if err := o.provenance.Attach(f); err != nil {
			f.Abort()
			return nil, err
		}
	}
	return f, nil
}

// prepareTarget checks that path may be (over)written — its directory
// exists, it is not itself a directory — and returns the temporary name to
// write to, removing a stale one when overwrite is set.
func prepareTarget(path string, overwrite bool) (string, error) {
	tmp := path + PartialSuffix
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", fmt.Errorf("export: directory of %s does not exist: create it first", path)
		}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		// refused before anything is written: it would fail only at the
		// rename, after the whole file and its sidecars were written
		return "", fmt.Errorf("export: %w (give the path of a file in it)", &fs.PathError{Op: "write", Path: path, Err: syscall.EISDIR})
	}
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return "", &ExistsError{Path: path}
		}
		if _, err := os.Lstat(tmp); err == nil {
			return "", &ExistsError{Path: tmp, Partial: true}
		}
		return tmp, nil
	}
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("export: remove stale %s: %w", tmp, err)
	}
	return tmp, nil
}

// publish moves the finished temporary file tmp to path: fsync the data,
// then rename (or link without replacing when overwrite is false), then
// fsync the directory, so that a crash leaves either no file or the whole one.
func publish(tmp, path string, overwrite bool) error {
	if fh, err := os.OpenFile(tmp, os.O_RDWR, 0); err == nil {
		err = fh.Sync()
		cerr := fh.Close()
		if err != nil {
			return fmt.Errorf("export: sync %s: %w", tmp, err)
		}
		if cerr != nil {
			return fmt.Errorf("export: close %s: %w", tmp, cerr)
		}
	} else {
		return fmt.Errorf("export: reopen %s to sync it: %w", tmp, err)
	}
	if overwrite {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("export: rename %s to %s: %w", tmp, path, err)
		}
	} else {
		// A hard link fails if path appeared meanwhile: never replace a result.
		if err := os.Link(tmp, path); err != nil {
			if errors.Is(err, os.ErrExist) {
				return &ExistsError{Path: path, Note: fmt.Sprintf("it appeared while %s was written; the new data stays in %s", tmp, tmp)}
			}
			// File systems without hard links: check, then rename.
			if _, serr := os.Lstat(path); serr == nil {
				return &ExistsError{Path: path}
			}
			if err := os.Rename(tmp, path); err != nil {
				return fmt.Errorf("export: rename %s to %s: %w", tmp, path, err)
			}
		} else if err := os.Remove(tmp); err != nil {
			return fmt.Errorf("export: remove %s after linking it to %s: %w", tmp, path, err)
		}
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// Open opens an existing HDF5 file read-only. It does not require the file
// to be complete; call (*File).Complete to check.
func Open(path string) (*File, error) {
	f := &File{path: path, open: map[*h5handle]string{}}
	var err error
	f.fh, f.Group.h, err = h5OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("export: open %s: %w", path, err)
	}
	f.Group.f = f
	f.Group.name = "/"
	return f, nil
}

// Path returns the final path of the file (for a file being written, where it
// will appear when Close returns).
func (f *File) Path() string { return f.path }

// TempPath returns the path the file is being written to, or "" for a file
// opened read-only.
func (f *File) TempPath() string { return f.tmp }

// Complete reports whether the file is finished: it is not under a
// temporary name (*.partial, *.unsorted) and carries CompleteAttr = 1, i.e.
// its writer closed it and published it. The name decides: a writer killed
// between closing and renaming leaves a *.partial file whose attribute may
// already say 1, and such a file is not reported complete. Files without the
// attribute (written by other tools) are reported complete.
func (f *File) Complete() (bool, error) {
	if strings.HasSuffix(f.path, PartialSuffix) || strings.HasSuffix(f.path, ".unsorted") {
		return false, nil
	}
	if !HasAttr(f, CompleteAttr) {
		return true, nil
	}
	v, err := Attr[uint8](f, CompleteAttr)
	return v == 1, err
}

// Flush asks libhdf5 to write its buffers to the operating system. A flushed
// file is not crash-consistent (HDF5 1.10 without SWMR): crash safety comes
// from closed files; see Stream.
func (f *File) Flush() error {
	if f.closed {
		return fmt.Errorf("export: flush %s: file is closed", f.path)
	}
	return h5Flush(&f.fh)
}

// closeChildren closes every group and dataset still open in f.
func (f *File) closeChildren() error {
	var first error
	for h, name := range f.open {
		if err := h5CloseObj(h); err != nil && first == nil {
			first = fmt.Errorf("export: close %s in %s: %w", name, f.path, err)
		}
		delete(f.open, h)
	}
	return first
}

// Close finishes the file. For a file from Create it sets CompleteAttr = 1,
// closes every group and dataset still open, closes the file and renames it
// to its final path. For a file from Open it releases it. Close is
// idempotent.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	var first error
	if f.writable {
		first = SetAttr(f, CompleteAttr, uint8(1))
	}
	if err := f.closeChildren(); err != nil && first == nil {
		first = err
	}
	if err := h5CloseObj(&f.Group.h); err != nil && first == nil {
		first = err
	}
	if err := h5CloseFile(&f.fh); err != nil && first == nil {
		first = fmt.Errorf("export: close %s: %w", f.path, err)
	}
	f.closed = true
	if !f.writable {
		return first
	}
	if first != nil {
		return fmt.Errorf("%w (the partial file stays at %s)", first, f.tmp)
	}
	return publish(f.tmp, f.path, f.opts.overwrite)
}

// closeAs closes a file being written without marking or publishing it and
// moves it to scratch (used to rewrite a file, e.g. sorted).
func (f *File) closeAs(scratch string) error {
	if f.closed || !f.writable {
		return fmt.Errorf("export: closeAs %s: file is closed or read-only", f.path)
	}
	if err := f.closeRaw(); err != nil {
		return err
	}
	return os.Rename(f.tmp, scratch)
}

// closeRaw closes a file being written without marking or publishing it: it
// stays under its temporary name, incomplete (used after a write error).
func (f *File) closeRaw() error {
	if f.closed {
		return nil
	}
	err := f.closeChildren()
	if e := h5CloseObj(&f.Group.h); e != nil && err == nil {
		err = e
	}
	if e := h5CloseFile(&f.fh); e != nil && err == nil {
		err = e
	}
	f.closed = true
	return err
}

// Abort closes a file being written and removes it, leaving any previous file
// at the final path untouched. On a read-only file it is Close.
func (f *File) Abort() error {
	if f.closed {
		return nil
	}
	if !f.writable {
		return f.Close()
	}
	f.closeChildren()
	h5CloseObj(&f.Group.h)
	err := h5CloseFile(&f.fh)
	f.closed = true
	if rerr := os.Remove(f.tmp); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
		err = rerr
	}
	return err
}

// Kind says what a member of a group is.
type Kind int

// Kinds of group members.
const (
	KindOther Kind = iota
	KindGroup
	KindDataset
)

// String returns "group", "dataset" or "other".
func (k Kind) String() string {
	switch k {
	case KindGroup:
		return "group"
	case KindDataset:
		return "dataset"
	}
	return "other"
}

// Member is one entry of a group.
type Member struct {
	Name string
	Kind Kind
}

// Object is anything that carries attributes: a *File (its root group), a
// *Group or a *Dataset.
type Object interface {
	handle() *h5handle
	// ObjectName returns the HDF5 path of the object inside its file.
	ObjectName() string
}

// Group is an open HDF5 group.
type Group struct {
	f    *File
	h    h5handle
	name string
}

func (g *Group) handle() *h5handle { return &g.h }

// ObjectName returns the group's path inside the file ("/" for the root).
func (g *Group) ObjectName() string { return g.name }

func (g *Group) child(name string) string {
	if g.name == "/" {
		return "/" + name
	}
	return g.name + "/" + name
}

func (g *Group) check(name string) error {
	if g == nil || g.f == nil || g.f.closed {
		return fmt.Errorf("export: %s: the file is closed", name)
	}
	if name == "" || strings.HasPrefix(name, "/") && name != "/" {
		return fmt.Errorf("export: name %q: must be a non-empty path relative to %s", name, g.name)
	}
	return nil
}

func (g *Group) writable(what string) error {
	if !g.f.writable {
		return fmt.Errorf("export: %s in %s: file is open read-only", what, g.f.path)
	}
	return nil
}

// CreateGroup creates the group name (a path such as "spikes/exc"; missing
// intermediate groups are created) under g and returns it open.
func (g *Group) CreateGroup(name string) (*Group, error) {
	if err := g.check(name); err != nil {
		return nil, err
	}
	if err := g.writable("create group " + name); err != nil {
		return nil, err
	}
	parts := strings.Split(strings.Trim(name, "/"), "/")
	cur := &g.h
	var opened []h5handle
	defer func() {
		for i := range opened {
			h5CloseObj(&opened[i])
		}
	}()
	for i, p := range parts {
		var h h5handle
		var err error
		if h5Exists(cur, p) && i < len(parts)-1 {
			h, err = h5OpenGroup(cur, p)
		} else {
			h, err = h5CreateGroup(cur, p)
		}
		if err != nil {
			return nil, fmt.Errorf("export: create group %s in %s: %w", g.child(name), g.f.path, err)
		}
		if i == len(parts)-1 {
			ng := &Group{f: g.f, h: h, name: g.child(strings.Trim(name, "/"))}
			g.f.open[&ng.h] = ng.name
			return ng, nil
		}
		opened = append(opened, h)
		cur = &opened[len(opened)-1]
	}
	panic("unreachable")
}

// OpenGroup opens the existing group name (a path relative to g).
func (g *Group) OpenGroup(name string) (*Group, error) {
	if err := g.check(name); err != nil {
		return nil, err
	}
	h, err := h5OpenGroup(&g.h, name)
	if err != nil {
		return nil, fmt.Errorf("export: open group %s in %s: %w", g.child(name), g.f.path, err)
	}
	ng := &Group{f: g.f, h: h, name: g.child(strings.Trim(name, "/"))}
	g.f.open[&ng.h] = ng.name
	return ng, nil
}

// Has reports whether g has a member (group or dataset) at the path name.
func (g *Group) Has(name string) bool {
	if g.check(name) != nil {
		return false
	}
	// H5Lexists needs every intermediate link to exist.
	parts := strings.Split(strings.Trim(name, "/"), "/")
	for i := range parts {
		if !h5Exists(&g.h, strings.Join(parts[:i+1], "/")) {
			return false
		}
	}
	return true
}

// Members lists the members of g in name order.
func (g *Group) Members() ([]Member, error) {
	if err := g.check("."); err != nil {
		return nil, err
	}
	m, err := h5Members(&g.h)
	if err != nil {
		return nil, fmt.Errorf("export: list %s in %s: %w", g.name, g.f.path, err)
	}
	return m, nil
}

// Close closes the group. Closing the root group of a File is a no-op
// (close the File instead).
func (g *Group) Close() error {
	if g.f == nil || g.f.closed || g == &g.f.Group {
		return nil
	}
	if _, ok := g.f.open[&g.h]; !ok {
		return nil
	}
	delete(g.f.open, &g.h)
	return h5CloseObj(&g.h)
}

// File returns the file g belongs to.
func (g *Group) File() *File { return g.f }

// unsafeData returns a pointer to the first element of s, or nil.
func unsafeData[T any](s []T) unsafe.Pointer {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Pointer(&s[0])
}
