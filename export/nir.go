package export

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// NIRVersion is the version of the NIR format (the neuromorphs/NIR Python
// package, nir.read / nir.write) the files follow; it is written as the
// root dataset "version".
const NIRVersion = "1.0.6"

// NIRArray is one parameter of a NIR node: values in row-major order with
// their shape (empty shape: a scalar). Int arrays (the shapes of Input and
// Output nodes) are stored as int64, the others as float64.
type NIRArray struct {
	Data  []float64
	Shape []int
	Int   bool
}

// NIRVec returns a 1-D float parameter holding v (copied).
func NIRVec(v ...float64) NIRArray { return NIRArray{Data: slices.Clone(v), Shape: []int{len(v)}} }

// NIRFill returns a 1-D float parameter of n copies of v.
func NIRFill(n int, v float64) NIRArray {
	d := make([]float64, n)
	for i := range d {
		d[i] = v
	}
	return NIRArray{Data: d, Shape: []int{n}}
}

// NIRMatrix returns a rows×cols float parameter holding m (row-major,
// copied).
func NIRMatrix(rows, cols int, m []float64) NIRArray {
	return NIRArray{Data: slices.Clone(m), Shape: []int{rows, cols}}
}

// NIRShape returns the int64 shape parameter of an Input or Output node.
func NIRShape(dims ...int) NIRArray {
	d := make([]float64, len(dims))
	for i, v := range dims {
		d[i] = float64(v)
	}
	return NIRArray{Data: d, Shape: []int{len(dims)}, Int: true}
}

// NIRNode is one node of a NIR graph: its type (one of NIRTypes) and its
// parameters by name.
type NIRNode struct {
	Type   string
	Params map[string]NIRArray
}

// NIRGraph is a NIR graph: named nodes, directed edges (from, to) whose
// inputs sum at the target, and metadata as strings (WriteNIR writes
// strings; ReadNIR also reads numbers, in decimal). Recurrent edges are
// allowed (a LIF node feeding a Linear node that feeds it back).
type NIRGraph struct {
	Nodes    map[string]NIRNode
	Edges    [][2]string
	Metadata map[string]string
}

// nirTypes lists the node types written and read, with their required
// parameters, as nir 1.0.6 defines them (nir/ir/*.py). The continuous-time
// semantics are NIR's: LIF τ dv/dt = (v_leak − v) + r·I with spike
// v > v_threshold and reset to v_reset; CubaLIF adds τ_syn dI/dt = −I +
// w_in·S; LI is LIF without spikes; Affine y = W·x + b, Linear y = W·x (W is
// out×in).
var nirTypes = map[string][]string{
	"Input":   {"shape"},
	"Output":  {"shape"},
	"Affine":  {"weight", "bias"},
	"Linear":  {"weight"},
	"Scale":   {"scale"},
	"LI":      {"tau", "r", "v_leak"},
	"LIF":     {"tau", "r", "v_leak", "v_threshold", "v_reset"},
	"CubaLI":  {"tau_syn", "tau_mem", "r", "v_leak", "w_in"},
	"CubaLIF": {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"},
	"I":       {"r"},
	"IF":      {"r", "v_threshold", "v_reset"},
}

// NIRTypes returns the node types WriteNIR accepts, sorted.
func NIRTypes() []string {
	var t []string
	for k := range nirTypes {
		t = append(t, k)
	}
	sort.Strings(t)
	return t
}

// Validate checks that every node has a known type and exactly its
// parameters (with consistent shapes), that names are non-empty without
// '/', and that edges join existing nodes.
func (g *NIRGraph) Validate() error {
	if len(g.Nodes) == 0 {
		return fmt.Errorf("export: NIR graph: no nodes: must have at least one")
	}
	for name, n := range g.Nodes {
		if name == "" || strings.ContainsAny(name, "/.") {
			return fmt.Errorf("export: NIR node name %q: must be non-empty, without '/' or '.'", name)
		}
		req, ok := nirTypes[n.Type]
		if !ok {
			return fmt.Errorf("export: NIR node %s: type %q: must be one of %s", name, n.Type, strings.Join(NIRTypes(), ", "))
		}
		for _, p := range req {
			a, ok := n.Params[p]
			if !ok {
				return fmt.Errorf("export: NIR node %s (%s): parameter %s missing: must have %s", name, n.Type, p, strings.Join(req, ", "))
			}
			size := 1
			for _, d := range a.Shape {
				if d < 0 {
					return fmt.Errorf("export: NIR node %s: %s shape %v: must be non-negative", name, p, a.Shape)
				}
				size *= d
			}
			if size != len(a.Data) {
				return fmt.Errorf("export: NIR node %s: %s has %d values: must match its shape %v", name, p, len(a.Data), a.Shape)
			}
		}
		for p := range n.Params {
			if !slices.Contains(req, p) {
				return fmt.Errorf("export: NIR node %s (%s): parameter %s: must be one of %s", name, n.Type, p, strings.Join(req, ", "))
			}
		}
	}
	for i, e := range g.Edges {
		for _, end := range e {
			if _, ok := g.Nodes[end]; !ok {
				return fmt.Errorf("export: NIR edge %d (%s → %s): node %q: must be a node of the graph", i, e[0], e[1], end)
			}
		}
	}
	for k := range g.Metadata {
		if k == "" || strings.ContainsAny(k, "/.") {
			return fmt.Errorf("export: NIR metadata key %q: must be non-empty, without '/' or '.'", k)
		}
	}
	return nil
}

// WriteNIR writes g in the HDF5 layout nir.read (Python, nir 1.0.6) reads:
// the root dataset "version", and the group "node" describing the graph —
// "type" = "NIRGraph", "edges" (E×2 strings), optional "metadata" (a group
// of string datasets) and "nodes", one group per node holding its "type"
// and one dataset per parameter (float64; the shapes of Input and Output
// nodes as int64 "shape"). Strings are variable-length UTF-8, scalar
// where h5py writes a str. The file is written atomically (Create's
// options apply).
func WriteNIR(path string, g *NIRGraph, opts ...Option) (err error) {
	if err := g.Validate(); err != nil {
		return err
	}
	f, err := Create(path, opts...)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Abort()
		}
	}()
	if err := nirWriteStrings(&f.Group, "version", []string{NIRVersion}, nil); err != nil {
		return err
	}
	root, err := f.CreateGroup("node")
	if err != nil {
		return err
	}
	if err := nirWriteStrings(root, "type", []string{"NIRGraph"}, nil); err != nil {
		return err
	}
	edges := make([]string, 0, 2*len(g.Edges))
	for _, e := range g.Edges {
		edges = append(edges, e[0], e[1])
	}
	if err := nirWriteStrings(root, "edges", edges, []int{len(g.Edges), 2}); err != nil {
		return err
	}
	if len(g.Metadata) > 0 {
		md, err := root.CreateGroup("metadata")
		if err != nil {
			return err
		}
		for _, k := range sortedKeys(g.Metadata) {
			if err := nirWriteStrings(md, k, []string{g.Metadata[k]}, nil); err != nil {
				return err
			}
		}
	}
	nodes, err := root.CreateGroup("nodes")
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(g.Nodes) {
		n := g.Nodes[name]
		ng, err := nodes.CreateGroup(name)
		if err != nil {
			return err
		}
		if err := nirWriteStrings(ng, "type", []string{n.Type}, nil); err != nil {
			return err
		}
		for _, p := range sortedKeys(n.Params) {
			a := n.Params[p]
			shape := a.Shape
			if shape == nil {
				shape = []int{}
			}
			o := &DatasetOptions{Deflate: NoCompression}
			if a.Int {
				iv := make([]int64, len(a.Data))
				for i, v := range a.Data {
					iv[i] = int64(v)
				}
				err = WriteWith(ng, p, iv, shape, o)
			} else {
				err = WriteWith(ng, p, a.Data, shape, o)
			}
			if err != nil {
				return err
			}
		}
	}
	return f.Close()
}

// ReadNIR reads a NIR file written by WriteNIR or by nir.write (Python):
// node types, parameters (converted to float64; integer datasets marked
// Int), edges and metadata: strings, and numbers (scalars, as nir.write
// stores metadata={"dt_s": 0.0005}) as their decimal strings ("0.0005":
// strconv.FormatFloat(v, 'g', -1, 64), or 32 for float32; integers in base
// 10); other metadata (arrays, booleans) is left out.
func ReadNIR(path string) (*NIRGraph, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	root, err := f.OpenGroup("node")
	if err != nil {
		return nil, err
	}
	if t, err := ReadStrings(root, "type"); err != nil || len(t) != 1 || t[0] != "NIRGraph" {
		return nil, fmt.Errorf("export: %s: /node/type = %v (%v): must be NIRGraph", path, t, err)
	}
	e, err := ReadStrings(root, "edges")
	if err != nil {
		return nil, err
	}
	if len(e)%2 != 0 {
		return nil, fmt.Errorf("export: %s: %d edge names: must be pairs", path, len(e))
	}
	g := &NIRGraph{Nodes: map[string]NIRNode{}}
	for i := 0; i < len(e); i += 2 {
		g.Edges = append(g.Edges, [2]string{e[i], e[i+1]})
	}
	if root.Has("metadata") {
		md, err := root.OpenGroup("metadata")
		if err != nil {
			return nil, err
		}
		mem, err := md.Members()
		if err != nil {
			return nil, err
		}
		g.Metadata = map[string]string{}
		for _, m := range mem {
			if m.Kind != KindDataset {
				continue
			}
			if s, ok := nirMetadata(md, m.Name); ok {
				g.Metadata[m.Name] = s
			}
		}
	}
	nodes, err := root.OpenGroup("nodes")
	if err != nil {
		return nil, err
	}
	mem, err := nodes.Members()
	if err != nil {
		return nil, err
	}
	for _, m := range mem {
		ng, err := nodes.OpenGroup(m.Name)
		if err != nil {
			return nil, err
		}
		t, err := ReadStrings(ng, "type")
		if err != nil || len(t) != 1 {
			return nil, fmt.Errorf("export: %s: node %s: type: %v", path, m.Name, err)
		}
		n := NIRNode{Type: t[0], Params: map[string]NIRArray{}}
		pm, err := ng.Members()
		if err != nil {
			return nil, err
		}
		for _, p := range pm {
			if p.Name == "type" || p.Kind != KindDataset {
				continue
			}
			d, err := ng.OpenDataset(p.Name)
			if err != nil {
				return nil, err
			}
			isInt := d.DType() != Float32 && d.DType() != Float64
			d.Close()
			v, shape, err := Read[float64](ng, p.Name)
			if err != nil {
				return nil, err
			}
			n.Params[p.Name] = NIRArray{Data: v, Shape: shape, Int: isInt}
		}
		g.Nodes[m.Name] = n
	}
	return g, nil
}

// nirMetadata returns metadata entry name of md as a string: a string, or
// a number (what nir.write makes of a Python int or float) in decimal, as
// strconv.FormatFloat(v, 'g', -1, bits) and FormatInt write it (float32
// with its shortest float32 form). It reports false for anything else
// (arrays, booleans, …), which the model leaves out.
func nirMetadata(md *Group, name string) (string, bool) {
	d, err := md.OpenDataset(name)
	if err != nil {
		return "", false
	}
	dt := d.DType()
	d.Close()
	switch dt {
	case String:
		s, err := ReadStrings(md, name)
		if err != nil || len(s) != 1 {
			return "", false
		}
		return s[0], true
	case Float32:
		if v, err := ReadScalar[float32](md, name); err == nil {
			return strconv.FormatFloat(float64(v), 'g', -1, 32), true
		}
	case Float64:
		if v, err := ReadScalar[float64](md, name); err == nil {
			return strconv.FormatFloat(v, 'g', -1, 64), true
		}
	case Int8, Int16, Int32, Int64:
		if v, err := ReadScalar[int64](md, name); err == nil {
			return strconv.FormatInt(v, 10), true
		}
	case Uint8, Uint16, Uint32, Uint64:
		if v, err := ReadScalar[uint64](md, name); err == nil {
			return strconv.FormatUint(v, 10), true
		}
	}
	return "", false
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
