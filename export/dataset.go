package export

import (
	"fmt"
	"slices"
)

// Unlimited in DatasetOptions.MaxShape marks a dimension that can grow
// without bound (HDF5's H5S_UNLIMITED).
const Unlimited = -1

// NoCompression as DatasetOptions.Deflate stores a dataset uncompressed.
const NoCompression = -1

// DefaultDeflate is the deflate (gzip) level used when DatasetOptions.Deflate
// is 0: a good speed/size trade-off for simulation output.
const DefaultDeflate = 4

// chunkTarget is the size in bytes automatic chunk shapes aim at.
const chunkTarget = 256 << 10

// DatasetOptions sets the storage of a dataset. The zero value means: fixed
// shape; chunked with an automatic chunk shape (about 256 KiB, whole rows),
// byte-shuffled and deflated at DefaultDeflate, unless the dataset is smaller
// than 1 KiB, which is stored contiguously.
type DatasetOptions struct {
	// MaxShape gives the largest shape the dataset may grow to (Unlimited
	// for no bound); nil means the dataset cannot grow. A growable dataset
	// is always chunked.
	MaxShape []int
	// Chunk is the chunk shape; nil chooses one automatically.
	Chunk []int
	// Deflate is the gzip level 1..9; 0 means DefaultDeflate and
	// NoCompression stores the data unfiltered.
	Deflate int
	// NoShuffle turns off the byte-shuffle filter that precedes deflate.
	NoShuffle bool
}

// layout is a validated storage plan.
type layout struct {
	dims, maxdims, chunk []int // chunk nil: contiguous
	deflate              int   // 0: none
	shuffle              bool
}

func planLayout(dt DType, shape []int, o *DatasetOptions) (layout, error) {
	var opt DatasetOptions
	if o != nil {
		opt = *o
	}
	l := layout{dims: slices.Clone(shape)}
	if _, err := numElems("shape", shape); err != nil {
		return l, err
	}
	switch {
	case opt.Deflate == 0:
		l.deflate = DefaultDeflate
	case opt.Deflate == NoCompression:
		l.deflate = 0
	case opt.Deflate >= 1 && opt.Deflate <= 9:
		l.deflate = opt.Deflate
	default:
		return l, fmt.Errorf("export: Deflate = %d: must be 0 (default %d), 1..9 or NoCompression (-1)",
			opt.Deflate, DefaultDeflate)
	}
	l.shuffle = !opt.NoShuffle && l.deflate > 0 && dt.Size() > 1
	if opt.MaxShape != nil {
		if len(opt.MaxShape) != len(shape) {
			return l, fmt.Errorf("export: MaxShape has %d dimensions: must have %d like the shape %v",
				len(opt.MaxShape), len(shape), shape)
		}
		for i, m := range opt.MaxShape {
			if m != Unlimited && m < shape[i] {
				return l, fmt.Errorf("export: MaxShape[%d] = %d: must be Unlimited (-1) or >= shape[%d] = %d",
					i, m, i, shape[i])
			}
		}
		l.maxdims = slices.Clone(opt.MaxShape)
	}
	if len(shape) == 0 {
		if opt.Chunk != nil || opt.MaxShape != nil {
			return l, fmt.Errorf("export: a scalar (0-d) dataset cannot be chunked or grown")
		}
		return l, nil
	}
	if opt.Chunk != nil {
		if len(opt.Chunk) != len(shape) {
			return l, fmt.Errorf("export: Chunk has %d dimensions: must have %d like the shape %v",
				len(opt.Chunk), len(shape), shape)
		}
		for i, c := range opt.Chunk {
			if c <= 0 {
				return l, fmt.Errorf("export: Chunk[%d] = %d: must be > 0", i, c)
			}
			if l.maxdims == nil && c > max(shape[i], 1) {
				return l, fmt.Errorf("export: Chunk[%d] = %d: must be <= shape[%d] = %d for a fixed-size dataset",
					i, c, i, shape[i])
			}
		}
		l.chunk = slices.Clone(opt.Chunk)
		return l, nil
	}
	n, _ := numElems("shape", shape)
	if l.maxdims == nil && n*dt.Size() < 1024 {
		l.deflate, l.shuffle = 0, false // contiguous
		return l, nil
	}
	l.chunk = autoChunk(dt.Size(), shape, l.maxdims != nil)
	return l, nil
}

// autoChunk chooses whole rows (all dimensions but the first kept whole)
// adding up to about chunkTarget bytes; rows larger than that are split along
// their last dimensions.
func autoChunk(elemSize int, shape []int, growable bool) []int {
	c := make([]int, len(shape))
	row := elemSize
	for i := 1; i < len(shape); i++ {
		c[i] = max(shape[i], 1)
		row *= c[i]
	}
	for i := len(shape) - 1; i >= 1 && row > chunkTarget; i-- {
		for c[i] > 1 && row > chunkTarget {
			row = row / c[i] * ((c[i] + 1) / 2)
			c[i] = (c[i] + 1) / 2
		}
	}
	rows := max(chunkTarget/row, 1)
	if !growable {
		rows = min(rows, max(shape[0], 1))
	}
	c[0] = rows
	return c
}

// Dataset is an open HDF5 dataset.
type Dataset struct {
	f     *File
	h     h5handle
	name  string
	dtype DType
	rank  int
}

func (d *Dataset) handle() *h5handle { return &d.h }

// ObjectName returns the dataset's path inside its file.
func (d *Dataset) ObjectName() string { return d.name }

// DType returns the element type stored in the file.
func (d *Dataset) DType() DType { return d.dtype }

// Rank returns the number of dimensions (0 for a scalar dataset).
func (d *Dataset) Rank() int { return d.rank }

func (d *Dataset) live() error {
	if d == nil || d.f == nil || d.f.closed {
		return fmt.Errorf("export: dataset used after its file was closed")
	}
	if _, ok := d.f.open[&d.h]; !ok {
		return fmt.Errorf("export: dataset %s used after Close", d.name)
	}
	return nil
}

// Shape returns the current shape of the dataset.
func (d *Dataset) Shape() ([]int, error) {
	if err := d.live(); err != nil {
		return nil, err
	}
	info, err := h5DatasetInfo(&d.h)
	return info.Shape, err
}

// Info describes a dataset's storage.
type Info struct {
	DType    DType
	Shape    []int
	MaxShape []int // Unlimited for unbounded dimensions
	Chunk    []int // nil for contiguous storage
	Deflate  int   // gzip level, 0 if not deflated
	Shuffle  bool
}

// Info returns the dataset's element type, shape, maximum shape, chunk shape
// and filters.
func (d *Dataset) Info() (Info, error) {
	if err := d.live(); err != nil {
		return Info{}, err
	}
	return h5DatasetInfo(&d.h)
}

// Resize changes the shape of a growable dataset (see DatasetOptions.MaxShape).
func (d *Dataset) Resize(shape []int) error {
	if err := d.live(); err != nil {
		return err
	}
	if len(shape) != d.rank {
		return fmt.Errorf("export: Resize %s to %v: must have %d dimensions", d.name, shape, d.rank)
	}
	if _, err := numElems("shape", shape); err != nil {
		return err
	}
	if err := h5DatasetExtend(&d.h, shape); err != nil {
		return fmt.Errorf("export: resize %s to %v in %s: %w", d.name, shape, d.f.path, err)
	}
	return nil
}

// Close closes the dataset.
func (d *Dataset) Close() error {
	if d == nil || d.f == nil || d.f.closed {
		return nil
	}
	if _, ok := d.f.open[&d.h]; !ok {
		return nil
	}
	delete(d.f.open, &d.h)
	return h5CloseObj(&d.h)
}

// CreateDataset creates a dataset of element type dt (a numeric type) and
// initial shape under g; o may be nil for the defaults of DatasetOptions.
func (g *Group) CreateDataset(name string, dt DType, shape []int, o *DatasetOptions) (*Dataset, error) {
	if err := g.check(name); err != nil {
		return nil, err
	}
	if err := g.writable("create dataset " + name); err != nil {
		return nil, err
	}
	if !dt.Numeric() {
		return nil, fmt.Errorf("export: dataset %s: element type %v: must be numeric (use WriteStrings for strings)", name, dt)
	}
	l, err := planLayout(dt, shape, o)
	if err != nil {
		return nil, fmt.Errorf("export: dataset %s: %w", g.child(name), err)
	}
	h, err := h5CreateDataset(&g.h, name, dt, l)
	if err != nil {
		return nil, fmt.Errorf("export: create dataset %s in %s: %w", g.child(name), g.f.path, err)
	}
	d := &Dataset{f: g.f, h: h, name: g.child(name), dtype: dt, rank: len(shape)}
	g.f.open[&d.h] = d.name
	return d, nil
}

// OpenDataset opens the existing dataset name (a path relative to g).
func (g *Group) OpenDataset(name string) (*Dataset, error) {
	if err := g.check(name); err != nil {
		return nil, err
	}
	h, err := h5OpenDataset(&g.h, name)
	if err != nil {
		return nil, fmt.Errorf("export: open dataset %s in %s: %w", g.child(name), g.f.path, err)
	}
	info, err := h5DatasetInfo(&h)
	if err != nil {
		h5CloseObj(&h)
		return nil, fmt.Errorf("export: inspect dataset %s in %s: %w", g.child(name), g.f.path, err)
	}
	d := &Dataset{f: g.f, h: h, name: g.child(name), dtype: info.DType, rank: len(info.Shape)}
	g.f.open[&d.h] = d.name
	return d, nil
}

// selection checks a hyperslab against the current shape.
func (d *Dataset) selection(offset, count []int) ([]int, error) {
	info, err := h5DatasetInfo(&d.h)
	if err != nil {
		return nil, err
	}
	if len(offset) != d.rank || len(count) != d.rank {
		return nil, fmt.Errorf("export: %s: offset %v and count %v must have %d dimensions", d.name, offset, count, d.rank)
	}
	for i := range offset {
		if offset[i] < 0 || count[i] < 0 || offset[i]+count[i] > info.Shape[i] {
			return nil, fmt.Errorf("export: %s: selection offset %v count %v lies outside the shape %v",
				d.name, offset, count, info.Shape)
		}
	}
	return info.Shape, nil
}

// WriteAt writes data (row-major, len = product of count) to the block of d
// starting at offset with extent count.
func WriteAt[T Elem](d *Dataset, offset, count []int, data []T) error {
	if err := d.live(); err != nil {
		return err
	}
	if err := d.f.Group.writable("write " + d.name); err != nil {
		return err
	}
	if _, err := d.selection(offset, count); err != nil {
		return err
	}
	n, _ := numElems("count", count)
	if n != len(data) {
		return fmt.Errorf("export: write %s: len(data) = %d: must be %d for count %v", d.name, len(data), n, count)
	}
	if n == 0 {
		return nil
	}
	if err := h5DatasetIO(&d.h, DTypeOf[T](), true, unsafeData(data), offset, count); err != nil {
		return fmt.Errorf("export: write %s in %s: %w", d.name, d.f.path, err)
	}
	return nil
}

// ReadAt reads the block of d starting at offset with extent count,
// converting to T (HDF5 converts between numeric types; out-of-range values
// are clipped).
func ReadAt[T Elem](d *Dataset, offset, count []int) ([]T, error) {
	if err := d.live(); err != nil {
		return nil, err
	}
	if !d.dtype.Numeric() {
		return nil, fmt.Errorf("export: read %s: element type %v is not numeric", d.name, d.dtype)
	}
	if _, err := d.selection(offset, count); err != nil {
		return nil, err
	}
	n, _ := numElems("count", count)
	out := make([]T, n)
	if n == 0 {
		return out, nil
	}
	if err := h5DatasetIO(&d.h, DTypeOf[T](), false, unsafeData(out), offset, count); err != nil {
		return nil, fmt.Errorf("export: read %s in %s: %w", d.name, d.f.path, err)
	}
	return out, nil
}

// ReadAll reads the whole dataset and returns it with its shape.
func ReadAll[T Elem](d *Dataset) ([]T, []int, error) {
	shape, err := d.Shape()
	if err != nil {
		return nil, nil, err
	}
	data, err := ReadAt[T](d, make([]int, len(shape)), shape)
	return data, shape, err
}

// Append grows a growable dataset along its first dimension by
// len(data)/rowSize rows and writes data there; len(data) must be a multiple
// of the row size (the product of the other dimensions).
func Append[T Elem](d *Dataset, data []T) error {
	shape, err := d.Shape()
	if err != nil {
		return err
	}
	if d.rank == 0 {
		return fmt.Errorf("export: append to %s: a scalar dataset cannot grow", d.name)
	}
	row, _ := numElems("shape", shape[1:])
	if row == 0 || len(data)%row != 0 {
		return fmt.Errorf("export: append to %s: len(data) = %d: must be a multiple of the row size %d",
			d.name, len(data), row)
	}
	if len(data) == 0 {
		return nil
	}
	newShape := slices.Clone(shape)
	newShape[0] += len(data) / row
	if err := d.Resize(newShape); err != nil {
		return err
	}
	off := make([]int, len(shape))
	off[0] = shape[0]
	cnt := slices.Clone(shape)
	cnt[0] = len(data) / row
	return WriteAt(d, off, cnt, data)
}

// Write creates the dataset name under g with the given shape (nil means
// the 1-D shape {len(data)}) and default storage, and writes data to it.
func Write[T Elem](g *Group, name string, data []T, shape []int) error {
	return WriteWith(g, name, data, shape, nil)
}

// WriteWith is Write with explicit storage options (o may be nil).
func WriteWith[T Elem](g *Group, name string, data []T, shape []int, o *DatasetOptions) error {
	if shape == nil {
		shape = []int{len(data)}
	}
	n, err := numElems("shape", shape)
	if err != nil {
		return err
	}
	if n != len(data) {
		return fmt.Errorf("export: write %s: len(data) = %d: must equal the product of shape %v = %d",
			name, len(data), shape, n)
	}
	d, err := g.CreateDataset(name, DTypeOf[T](), shape, o)
	if err != nil {
		return err
	}
	if err := WriteAt(d, make([]int, len(shape)), shape, data); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// WriteScalar writes a 0-d dataset holding v.
func WriteScalar[T Elem](g *Group, name string, v T) error {
	return WriteWith(g, name, []T{v}, []int{}, nil)
}

// Read reads the whole dataset name under g, converted to T, with its shape.
func Read[T Elem](g *Group, name string) ([]T, []int, error) {
	d, err := g.OpenDataset(name)
	if err != nil {
		return nil, nil, err
	}
	defer d.Close()
	return ReadAll[T](d)
}

// ReadScalar reads a 0-d (or one-element) dataset.
func ReadScalar[T Elem](g *Group, name string) (T, error) {
	var z T
	data, shape, err := Read[T](g, name)
	if err != nil {
		return z, err
	}
	if len(data) != 1 {
		return z, fmt.Errorf("export: %s has shape %v: a scalar was expected", g.child(name), shape)
	}
	return data[0], nil
}

// WriteStrings writes a 1-D dataset of variable-length UTF-8 strings (what
// h5py writes for a list of str).
func WriteStrings(g *Group, name string, values []string) error {
	if err := g.check(name); err != nil {
		return err
	}
	if err := g.writable("write " + name); err != nil {
		return err
	}
	if err := h5WriteStringDataset(&g.h, name, values); err != nil {
		return fmt.Errorf("export: write strings %s in %s: %w", g.child(name), g.f.path, err)
	}
	return nil
}

// ReadStrings reads a 1-D (or scalar) dataset of strings, variable or fixed
// length.
func ReadStrings(g *Group, name string) ([]string, error) {
	d, err := g.OpenDataset(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if d.dtype != String {
		return nil, fmt.Errorf("export: read strings %s: element type is %v, not string", d.name, d.dtype)
	}
	s, err := h5ReadStringDataset(&d.h)
	if err != nil {
		return nil, fmt.Errorf("export: read strings %s in %s: %w", d.name, d.f.path, err)
	}
	return s, nil
}
