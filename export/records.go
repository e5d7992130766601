package export

import (
	"fmt"
	"reflect"
)

// Array is a named n-d array: flat row-major Data (a slice of an Elem type,
// e.g. []float32) with its Shape (nil: 1-D of len(Data); empty: a scalar).
type Array struct {
	Name  string
	Shape []int
	Data  any
}

// NewArray returns the array name holding data with the given shape (none:
// 1-D).
func NewArray[T Elem](name string, data []T, shape ...int) Array {
	if shape == nil {
		shape = []int{len(data)}
	}
	return Array{Name: name, Shape: shape, Data: data}
}

// ArrayData returns the data of a as []T, or an error if it holds another
// type.
func ArrayData[T Elem](a Array) ([]T, error) {
	d, ok := a.Data.([]T)
	if !ok {
		return nil, fmt.Errorf("export: array %q holds %T, not []%s", a.Name, a.Data, DTypeOf[T]())
	}
	return d, nil
}

func (a Array) shape() ([]int, error) {
	rv := reflect.ValueOf(a.Data)
	switch a.Data.(type) {
	case []int8, []uint8, []int16, []uint16, []int32, []uint32, []int64, []uint64, []float32, []float64:
	default:
		return nil, fmt.Errorf("export: array %q holds %T: must be a slice of int8..uint64, float32 or float64", a.Name, a.Data)
	}
	shape := a.Shape
	if shape == nil {
		shape = []int{rv.Len()}
	}
	n, err := numElems(a.Name+" shape", shape)
	if err != nil {
		return nil, err
	}
	if n != rv.Len() {
		return nil, fmt.Errorf("export: array %q has %d values: must equal the product of its shape %v = %d", a.Name, rv.Len(), shape, n)
	}
	return shape, nil
}

// orderAttr lists, on a group written by WriteArrays or WriteTable, its
// members in their original order (HDF5 lists them by name).
const orderAttr = "neurodyn_order"

func checkNames(what string, names []string) error {
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || seen[n] || containsSlash(n) {
			return fmt.Errorf("export: %s name %q: must be non-empty, unique and without '/'", what, n)
		}
		seen[n] = true
	}
	return nil
}

// WriteArrays writes arrays as datasets of g (chunked and deflated when
// larger than 1 KiB) and records their order.
func WriteArrays(g *Group, arrays []Array) error {
	names := make([]string, len(arrays))
	for i, a := range arrays {
		names[i] = a.Name
	}
	if err := checkNames("array", names); err != nil {
		return err
	}
	for _, a := range arrays {
		shape, err := a.shape()
		if err != nil {
			return err
		}
		switch d := a.Data.(type) {
		case []int8:
			err = Write(g, a.Name, d, shape)
		case []uint8:
			err = Write(g, a.Name, d, shape)
		case []int16:
			err = Write(g, a.Name, d, shape)
		case []uint16:
			err = Write(g, a.Name, d, shape)
		case []int32:
			err = Write(g, a.Name, d, shape)
		case []uint32:
			err = Write(g, a.Name, d, shape)
		case []int64:
			err = Write(g, a.Name, d, shape)
		case []uint64:
			err = Write(g, a.Name, d, shape)
		case []float32:
			err = Write(g, a.Name, d, shape)
		case []float64:
			err = Write(g, a.Name, d, shape)
		}
		if err != nil {
			return err
		}
	}
	return SetStringsAttr(g, orderAttr, names)
}

// ReadArrays reads every numeric dataset of g as an Array, in the order
// WriteArrays recorded (name order for groups written by other tools), in
// the element type stored.
func ReadArrays(g *Group) ([]Array, error) {
	names, err := memberOrder(g)
	if err != nil {
		return nil, err
	}
	var out []Array
	for _, name := range names {
		d, err := g.OpenDataset(name)
		if err != nil {
			return nil, err
		}
		dt := d.DType()
		var a Array
		a.Name = name
		switch dt {
		case Int8:
			a.Data, a.Shape, err = ReadAll[int8](d)
		case Uint8:
			a.Data, a.Shape, err = ReadAll[uint8](d)
		case Int16:
			a.Data, a.Shape, err = ReadAll[int16](d)
		case Uint16:
			a.Data, a.Shape, err = ReadAll[uint16](d)
		case Int32:
			a.Data, a.Shape, err = ReadAll[int32](d)
		case Uint32:
			a.Data, a.Shape, err = ReadAll[uint32](d)
		case Int64:
			a.Data, a.Shape, err = ReadAll[int64](d)
		case Uint64:
			a.Data, a.Shape, err = ReadAll[uint64](d)
		case Float32:
			a.Data, a.Shape, err = ReadAll[float32](d)
		case Float64:
			a.Data, a.Shape, err = ReadAll[float64](d)
		default:
			d.Close()
			continue
		}
		d.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// memberOrder returns the datasets of g in recorded order, or name order.
func memberOrder(g *Group) ([]string, error) {
	if HasAttr(g, orderAttr) {
		return StringsAttr(g, orderAttr)
	}
	m, err := g.Members()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, x := range m {
		if x.Kind == KindDataset {
			names = append(names, x.Name)
		}
	}
	return names, nil
}

// Table is a set of named columns of equal length: a training history (one
// row per epoch: epoch, train_loss, val_loss, lr), sweep results (one row per
// run: parameters and metrics), a baseline table.
type Table struct {
	Columns []Column
}

// Rows returns the number of rows (0 for a table without columns).
func (t Table) Rows() int {
	if len(t.Columns) == 0 {
		return 0
	}
	n, _ := t.Columns[0].len()
	return n
}

// Column returns the column called name, if any.
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// WriteTable writes t as one dataset per column under g, with the column
// order recorded.
func WriteTable(g *Group, t Table) error {
	if err := checkColumns("table", t.Columns, t.Rows()); err != nil {
		return err
	}
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
		if err := writeColumn(g, c, nil); err != nil {
			return err
		}
	}
	return SetStringsAttr(g, orderAttr, names)
}

// ReadTable reads a table written by WriteTable (or any group of equal-length
// 1-D datasets, in name order).
func ReadTable(g *Group) (Table, error) {
	var t Table
	names, err := memberOrder(g)
	if err != nil {
		return t, err
	}
	for _, n := range names {
		c, err := readColumn(g, n)
		if err != nil {
			return t, err
		}
		t.Columns = append(t.Columns, c)
	}
	if err := checkColumns("table", t.Columns, t.Rows()); err != nil {
		return t, fmt.Errorf("export: table %s: %w", g.ObjectName(), err)
	}
	return t, nil
}

// Checkpoint is the state needed to resume training: the model's named
// parameter arrays, the optimizer's name, state arrays (moments) and scalars
// (learning rate, step count), the random number generators' states, the
// training history so far and free-form scalars (best validation loss).
// The run's configuration and seeds travel in the file's Provenance.
type Checkpoint struct {
	Step           int64   // optimizer steps taken
	Epoch          int64   // epochs completed
	Params         []Array // model parameters, by name
	Optimizer      string  // optimizer name ("adam", "sgd")
	OptimizerState []Array // optimizer state arrays (e.g. m.W, v.W)
	// Scalars holds named numbers (learning rate, best validation loss);
	// the written order is the slice order.
	Scalars []Scalar
	RNG     []Array // generator states (e.g. PCG: []uint64{hi, lo}; MT19937: []uint32)
	History Table   // training history up to Epoch
}

// Scalar is a named number.
type Scalar struct {
	Name  string
	Value float64
}

// WriteCheckpoint writes c to path (atomically; see Create):
// /checkpoint with attributes step, epoch, optimizer;
// /checkpoint/params, /checkpoint/optimizer_state, /checkpoint/rng
// (arrays), /checkpoint/scalars (attribute per scalar, order recorded) and
// /checkpoint/history (table).
func WriteCheckpoint(path string, c *Checkpoint, opts ...Option) error {
	f, err := Create(path, opts...)
	if err != nil {
		return err
	}
	if err := writeCheckpoint(f, c); err != nil {
		f.Abort()
		return fmt.Errorf("export: write checkpoint %s: %w", path, err)
	}
	return f.Close()
}

func writeCheckpoint(f *File, c *Checkpoint) error {
	g, err := f.CreateGroup("checkpoint")
	if err != nil {
		return err
	}
	if err := SetAttr(g, "step", c.Step); err != nil {
		return err
	}
	if err := SetAttr(g, "epoch", c.Epoch); err != nil {
		return err
	}
	if err := SetStringAttr(g, "optimizer", c.Optimizer); err != nil {
		return err
	}
	for _, part := range []struct {
		name   string
		arrays []Array
	}{{"params", c.Params}, {"optimizer_state", c.OptimizerState}, {"rng", c.RNG}} {
		sg, err := g.CreateGroup(part.name)
		if err != nil {
			return err
		}
		if err := WriteArrays(sg, part.arrays); err != nil {
			return fmt.Errorf("%s: %w", part.name, err)
		}
	}
	sg, err := g.CreateGroup("scalars")
	if err != nil {
		return err
	}
	names := make([]string, len(c.Scalars))
	for i, s := range c.Scalars {
		names[i] = s.Name
	}
	if err := checkNames("scalar", names); err != nil {
		return err
	}
	for _, s := range c.Scalars {
		if s.Name == orderAttr {
			return fmt.Errorf("export: scalar name %q is reserved", s.Name)
		}
		if err := SetAttr(sg, s.Name, s.Value); err != nil {
			return err
		}
	}
	if err := SetStringsAttr(sg, orderAttr, names); err != nil {
		return err
	}
	hg, err := g.CreateGroup("history")
	if err != nil {
		return err
	}
	return WriteTable(hg, c.History)
}

// ReadCheckpoint reads a checkpoint written by WriteCheckpoint. It refuses
// incomplete files (ErrIncomplete).
func ReadCheckpoint(path string) (*Checkpoint, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if ok, err := f.Complete(); err != nil || !ok {
		return nil, fmt.Errorf("export: checkpoint %s: %w", path, ErrIncomplete)
	}
	c := &Checkpoint{}
	if err := readCheckpoint(f, c); err != nil {
		return nil, fmt.Errorf("export: read checkpoint %s: %w", path, err)
	}
	return c, nil
}

func readCheckpoint(f *File, c *Checkpoint) error {
	g, err := f.OpenGroup("checkpoint")
	if err != nil {
		return err
	}
	if c.Step, err = Attr[int64](g, "step"); err != nil {
		return err
	}
	if c.Epoch, err = Attr[int64](g, "epoch"); err != nil {
		return err
	}
	if c.Optimizer, err = StringAttr(g, "optimizer"); err != nil {
		return err
	}
	for _, part := range []struct {
		name string
		dst  *[]Array
	}{{"params", &c.Params}, {"optimizer_state", &c.OptimizerState}, {"rng", &c.RNG}} {
		sg, err := g.OpenGroup(part.name)
		if err != nil {
			return err
		}
		if *part.dst, err = ReadArrays(sg); err != nil {
			return err
		}
	}
	sg, err := g.OpenGroup("scalars")
	if err != nil {
		return err
	}
	names, err := StringsAttr(sg, orderAttr)
	if err != nil {
		return err
	}
	for _, n := range names {
		v, err := Attr[float64](sg, n)
		if err != nil {
			return err
		}
		c.Scalars = append(c.Scalars, Scalar{n, v})
	}
	hg, err := g.OpenGroup("history")
	if err != nil {
		return err
	}
	c.History, err = ReadTable(hg)
	return err
}

// WriteTableFile writes t to path as the group /<name> (e.g. "history",
// "sweep", "baselines") with the given provenance and other options.
func WriteTableFile(path, name string, t Table, opts ...Option) error {
	if err := checkNames("table", []string{name}); err != nil {
		return err
	}
	f, err := Create(path, opts...)
	if err != nil {
		return err
	}
	g, err := f.CreateGroup(name)
	if err == nil {
		err = WriteTable(g, t)
	}
	if err != nil {
		f.Abort()
		return fmt.Errorf("export: write table %s to %s: %w", name, path, err)
	}
	return f.Close()
}

// ReadTableFile reads the table /<name> of path.
func ReadTableFile(path, name string) (Table, error) {
	f, err := Open(path)
	if err != nil {
		return Table{}, err
	}
	defer f.Close()
	g, err := f.OpenGroup(name)
	if err != nil {
		return Table{}, err
	}
	return ReadTable(g)
}
