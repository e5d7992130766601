package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/internal/atomicfile"
)

// Column is one named attribute of the nodes or edges of a population, a
// slice with one value per node or edge: []int8 ... []uint64, []float32,
// []float64 (see Elem) or []string.
type Column struct {
	Name string
	Data any
}

// NewColumn returns the column name holding data.
func NewColumn[T Elem | string](name string, data []T) Column { return Column{Name: name, Data: data} }

// ColumnData returns the data of c as []T, or an error if it holds another
// type.
func ColumnData[T Elem | string](c Column) ([]T, error) {
	d, ok := c.Data.([]T)
	if !ok {
		var z T
		return nil, fmt.Errorf("export: column %q holds %T, not []%T", c.Name, c.Data, z)
	}
	return d, nil
}

func (c Column) len() (int, error) {
	switch c.Data.(type) {
	case []int8, []uint8, []int16, []uint16, []int32, []uint32, []int64, []uint64, []float32, []float64, []string:
		return reflect.ValueOf(c.Data).Len(), nil
	}
	return 0, fmt.Errorf("export: column %q holds %T: must be a slice of int8..uint64, float32, float64 or string", c.Name, c.Data)
}

func checkColumns(what string, cols []Column, n int) error {
	seen := map[string]bool{}
	for _, c := range cols {
		if c.Name == "" || seen[c.Name] || containsSlash(c.Name) || c.Name == "dynamics_params" || c.Name == "@library" {
			return fmt.Errorf("export: %s column name %q: must be non-empty, unique, without '/', "+
				"and not dynamics_params or @library", what, c.Name)
		}
		seen[c.Name] = true
		l, err := c.len()
		if err != nil {
			return err
		}
		if l != n {
			return fmt.Errorf("export: %s column %q has %d values: must have %d", what, c.Name, l, n)
		}
	}
	return nil
}

func writeColumn(g *Group, c Column, o *DatasetOptions) error {
	switch d := c.Data.(type) {
	case []int8:
		return WriteWith(g, c.Name, d, nil, o)
	case []uint8:
		return WriteWith(g, c.Name, d, nil, o)
	case []int16:
		return WriteWith(g, c.Name, d, nil, o)
	case []uint16:
		return WriteWith(g, c.Name, d, nil, o)
	case []int32:
		return WriteWith(g, c.Name, d, nil, o)
	case []uint32:
		return WriteWith(g, c.Name, d, nil, o)
	case []int64:
		return WriteWith(g, c.Name, d, nil, o)
	case []uint64:
		return WriteWith(g, c.Name, d, nil, o)
	case []float32:
		return WriteWith(g, c.Name, d, nil, o)
	case []float64:
		return WriteWith(g, c.Name, d, nil, o)
	case []string:
		return WriteStrings(g, c.Name, d)
	}
	return fmt.Errorf("export: column %q: unsupported type %T", c.Name, c.Data)
}

func readColumn(g *Group, name string) (Column, error) {
	d, err := g.OpenDataset(name)
	if err != nil {
		return Column{}, err
	}
	dt := d.DType()
	d.Close()
	c := Column{Name: name}
	switch dt {
	case Int8:
		c.Data, _, err = Read[int8](g, name)
	case Uint8:
		c.Data, _, err = Read[uint8](g, name)
	case Int16:
		c.Data, _, err = Read[int16](g, name)
	case Uint16:
		c.Data, _, err = Read[uint16](g, name)
	case Int32:
		c.Data, _, err = Read[int32](g, name)
	case Uint32:
		c.Data, _, err = Read[uint32](g, name)
	case Int64:
		c.Data, _, err = Read[int64](g, name)
	case Uint64:
		c.Data, _, err = Read[uint64](g, name)
	case Float32:
		c.Data, _, err = Read[float32](g, name)
	case Float64:
		c.Data, _, err = Read[float64](g, name)
	case String:
		c.Data, err = ReadStrings(g, name)
	default:
		return c, fmt.Errorf("export: dataset %s/%s has element type %v: not a column", g.ObjectName(), name, dt)
	}
	return c, err
}

// writeGroupColumns writes the attribute group "0" (attributes and
// dynamics_params) under pg.
func writeGroupColumns(pg *Group, attrs, dyn []Column, o *DatasetOptions) error {
	g, err := pg.CreateGroup("0")
	if err != nil {
		return err
	}
	defer g.Close()
	for _, c := range attrs {
		if err := writeColumn(g, c, o); err != nil {
			return err
		}
	}
	if len(dyn) > 0 {
		dg, err := g.CreateGroup("dynamics_params")
		if err != nil {
			return err
		}
		defer dg.Close()
		for _, c := range dyn {
			if err := writeColumn(dg, c, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// readGroups reads the attribute groups of a population (the numeric
// subgroups) and reassembles per-member columns from groupID/groupIndex.
// Every group must have the same columns.
func readGroups(pg *Group, groupID []uint64, groupIndex []uint64) (attrs, dyn []Column, err error) {
	members, err := pg.Members()
	if err != nil {
		return nil, nil, err
	}
	type grp struct {
		attrs, dyn []Column
	}
	groups := map[uint64]*grp{}
	for _, m := range members {
		id, perr := strconv.ParseUint(m.Name, 10, 64)
		if m.Kind != KindGroup || perr != nil {
			continue
		}
		g, err := pg.OpenGroup(m.Name)
		if err != nil {
			return nil, nil, err
		}
		gr := &grp{}
		cols, err := g.Members()
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cols {
			switch {
			case c.Kind == KindDataset:
				col, err := readColumn(g, c.Name)
				if err != nil {
					return nil, nil, err
				}
				gr.attrs = append(gr.attrs, col)
			case c.Kind == KindGroup && c.Name == "dynamics_params":
				dg, err := g.OpenGroup(c.Name)
				if err != nil {
					return nil, nil, err
				}
				dcols, err := dg.Members()
				if err != nil {
					return nil, nil, err
				}
				for _, dc := range dcols {
					if dc.Kind != KindDataset {
						continue
					}
					col, err := readColumn(dg, dc.Name)
					if err != nil {
						return nil, nil, err
					}
					gr.dyn = append(gr.dyn, col)
				}
				dg.Close()
			}
		}
		g.Close()
		groups[id] = gr
	}
	if len(groups) == 0 {
		return nil, nil, nil
	}
	if len(groups) == 1 {
		for id, g := range groups {
			// The common case: one group, members in order.
			inOrder := true
			for i := range groupID {
				if groupID[i] != id || groupIndex[i] != uint64(i) {
					inOrder = false
					break
				}
			}
			if inOrder {
				return g.attrs, g.dyn, nil
			}
		}
	}
	// General case: gather each member's values from its group.
	var ref *grp
	for _, g := range groups {
		ref = g
		break
	}
	sameSchema := func(a, b []Column) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].Name != b[i].Name || reflect.TypeOf(a[i].Data) != reflect.TypeOf(b[i].Data) {
				return false
			}
		}
		return true
	}
	for _, g := range groups {
		if !sameSchema(g.attrs, ref.attrs) || !sameSchema(g.dyn, ref.dyn) {
			return nil, nil, fmt.Errorf("export: %s: attribute groups have different columns; reading them as one table is not supported", pg.ObjectName())
		}
	}
	gather := func(pick func(*grp) []Column) ([]Column, error) {
		out := make([]Column, len(pick(ref)))
		for k, c := range pick(ref) {
			dst := reflect.MakeSlice(reflect.TypeOf(c.Data), len(groupID), len(groupID))
			for i := range groupID {
				g, ok := groups[groupID[i]]
				if !ok {
					return nil, fmt.Errorf("export: %s: member %d names group %d, which does not exist", pg.ObjectName(), i, groupID[i])
				}
				src := reflect.ValueOf(pick(g)[k].Data)
				if groupIndex[i] >= uint64(src.Len()) {
					return nil, fmt.Errorf("export: %s: member %d has group index %d beyond group %d's %d rows",
						pg.ObjectName(), i, groupIndex[i], groupID[i], src.Len())
				}
				dst.Index(i).Set(src.Index(int(groupIndex[i])))
			}
			out[k] = Column{Name: c.Name, Data: dst.Interface()}
		}
		return out, nil
	}
	if attrs, err = gather(func(g *grp) []Column { return g.attrs }); err != nil {
		return nil, nil, err
	}
	dyn, err = gather(func(g *grp) []Column { return g.dyn })
	return attrs, dyn, err
}

// NodePopulation is one /nodes/<Name> population of a SONATA nodes file.
// Node ids are 0 .. len(NodeTypeID)-1. All nodes are written in one
// attribute group "0".
type NodePopulation struct {
	Name           string
	NodeTypeID     []int64  // node type of each node (node_type_id)
	Attributes     []Column // per-node attributes (group 0), e.g. x, y, z, model_template
	DynamicsParams []Column // per-node parameter overrides (group 0/dynamics_params)
}

// Size returns the number of nodes.
func (p *NodePopulation) Size() int { return len(p.NodeTypeID) }

// WriteNodes writes a SONATA nodes file (uncompressed unless the Deflate
// option is given, so that every SONATA reader can open it): for each population,
// node_type_id (int64), node_id (uint64, 0..n-1), node_group_id (uint32, all
// 0), node_group_index (uint64, 0..n-1) and the group "0" with the attribute
// columns.
func WriteNodes(path string, pops []NodePopulation, opts ...Option) error {
	names := make([]string, len(pops))
	for i, p := range pops {
		names[i] = p.Name
		if err := checkColumns("node "+p.Name, p.Attributes, p.Size()); err != nil {
			return err
		}
		if err := checkColumns("node "+p.Name+" dynamics_params", p.DynamicsParams, p.Size()); err != nil {
			return err
		}
	}
	if err := checkPopNames(names); err != nil {
		return err
	}
	o, err := applyOptions(opts)
	if err != nil {
		return err
	}
	f, err := Create(path, opts...)
	if err != nil {
		return err
	}
	do := &DatasetOptions{Deflate: sonataDeflate(o.deflate)}
	for _, p := range pops {
		if err := writeNodePop(f, p, do); err != nil {
			f.Abort()
			return fmt.Errorf("export: write nodes %s to %s: %w", p.Name, path, err)
		}
	}
	return f.Close()
}

func iota64(n int) []uint64 {
	s := make([]uint64, n)
	for i := range s {
		s[i] = uint64(i)
	}
	return s
}

func writeNodePop(f *File, p NodePopulation, do *DatasetOptions) error {
	g, err := f.CreateGroup("nodes/" + p.Name)
	if err != nil {
		return err
	}
	defer g.Close()
	n := p.Size()
	if err := WriteWith(g, "node_type_id", p.NodeTypeID, nil, do); err != nil {
		return err
	}
	ids := iota64(n)
	if err := WriteWith(g, "node_id", ids, nil, do); err != nil {
		return err
	}
	if err := WriteWith(g, "node_group_id", make([]uint32, n), nil, do); err != nil {
		return err
	}
	if err := WriteWith(g, "node_group_index", ids, nil, do); err != nil {
		return err
	}
	return writeGroupColumns(g, p.Attributes, p.DynamicsParams, do)
}

// ReadNodes reads every population of a SONATA nodes file; columns come in
// name order (HDF5 lists datasets by name). Populations with
// several attribute groups are reassembled into per-node columns when the
// groups share their columns. Explicit node_id datasets must be 0..n-1.
func ReadNodes(path string) ([]NodePopulation, error) {
	var out []NodePopulation
	err := eachPopulation(path, "nodes", func(root *Group, name string) error {
		p, err := readNodePop(root, name)
		if err != nil {
			return fmt.Errorf("export: read nodes %s from %s: %w", name, path, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// eachPopulation calls fn for each population (subgroup) of the group kind
// ("nodes", "edges") of a SONATA file, in name order.
func eachPopulation(path, kind string, fn func(root *Group, name string) error) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	root, err := f.OpenGroup(kind)
	if err != nil {
		return fmt.Errorf("export: %s is not a SONATA %s file: %w", path, kind, err)
	}
	members, err := root.Members()
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Kind != KindGroup {
			continue
		}
		if err := fn(root, m.Name); err != nil {
			return err
		}
	}
	return nil
}

func readNodePop(root *Group, name string) (NodePopulation, error) {
	p := NodePopulation{Name: name}
	g, err := root.OpenGroup(name)
	if err != nil {
		return p, err
	}
	defer g.Close()
	if p.NodeTypeID, _, err = Read[int64](g, "node_type_id"); err != nil {
		return p, err
	}
	n := len(p.NodeTypeID)
	if g.Has("node_id") {
		ids, _, err := Read[uint64](g, "node_id")
		if err != nil {
			return p, err
		}
		if !slices.Equal(ids, iota64(n)) {
			return p, fmt.Errorf("node_id is not 0..%d: reordered node ids are not supported", n-1)
		}
	}
	gid, _, err := Read[uint64](g, "node_group_id")
	if err != nil {
		return p, err
	}
	gidx, _, err := Read[uint64](g, "node_group_index")
	if err != nil {
		return p, err
	}
	if len(gid) != n || len(gidx) != n {
		return p, fmt.Errorf("node_type_id, node_group_id and node_group_index have %d, %d, %d entries", n, len(gid), len(gidx))
	}
	p.Attributes, p.DynamicsParams, err = readGroups(g, gid, gidx)
	return p, err
}

// EdgePopulation is one /edges/<Name> population of a SONATA edges file:
// edge e connects node SourceIDs[e] of population Source to node
// TargetIDs[e] of population Target. All edges are written in one attribute
// group "0" (e.g. syn_weight, delay in ms).
type EdgePopulation struct {
	Name           string
	Source, Target string   // node population names (attribute node_population)
	SourceIDs      []uint64 // source_node_id
	TargetIDs      []uint64 // target_node_id
	EdgeTypeID     []int64  // edge_type_id
	Attributes     []Column // per-edge attributes (group 0)
	DynamicsParams []Column // per-edge parameter overrides (group 0/dynamics_params)
	// SourceCount and TargetCount size the indices (node_id_to_ranges has
	// one row per node); 0 means max id + 1. Set them to the population
	// sizes so that nodes without edges past the last connected one are
	// indexed too.
	SourceCount, TargetCount int
}

// Size returns the number of edges.
func (p *EdgePopulation) Size() int { return len(p.SourceIDs) }

func (p *EdgePopulation) validate() error {
	n := p.Size()
	if len(p.TargetIDs) != n || len(p.EdgeTypeID) != n {
		return fmt.Errorf("export: edges %s: %d sources, %d targets, %d edge types: must be equal",
			p.Name, n, len(p.TargetIDs), len(p.EdgeTypeID))
	}
	if p.Source == "" || p.Target == "" {
		return fmt.Errorf("export: edges %s: Source and Target must name node populations", p.Name)
	}
	for _, c := range []struct {
		ids   []uint64
		count int
		what  string
	}{{p.SourceIDs, p.SourceCount, "SourceCount"}, {p.TargetIDs, p.TargetCount, "TargetCount"}} {
		if c.count < 0 {
			return fmt.Errorf("export: edges %s: %s = %d: must be >= 0", p.Name, c.what, c.count)
		}
		if c.count > 0 {
			for _, id := range c.ids {
				if id >= uint64(c.count) {
					return fmt.Errorf("export: edges %s: node id %d: must be < %s = %d", p.Name, id, c.what, c.count)
				}
			}
		}
	}
	if err := checkColumns("edge "+p.Name, p.Attributes, n); err != nil {
		return err
	}
	return checkColumns("edge "+p.Name+" dynamics_params", p.DynamicsParams, n)
}

// WriteEdges writes a SONATA edges file (uncompressed unless the Deflate
// option is given): for each population,
// source_node_id and target_node_id (uint64, attribute node_population),
// edge_type_id (int64), edge_group_id (uint32, all 0), edge_group_index
// (uint64), the group "0" with the attribute columns, and the indices
// source_to_target and target_to_source (node_id_to_ranges,
// range_to_edge_id: uint64 [n × 2]) that libsonata uses for efferent and
// afferent queries.
func WriteEdges(path string, pops []EdgePopulation, opts ...Option) error {
	names := make([]string, len(pops))
	for i := range pops {
		names[i] = pops[i].Name
		if err := pops[i].validate(); err != nil {
			return err
		}
	}
	if err := checkPopNames(names); err != nil {
		return err
	}
	o, err := applyOptions(opts)
	if err != nil {
		return err
	}
	f, err := Create(path, opts...)
	if err != nil {
		return err
	}
	do := &DatasetOptions{Deflate: sonataDeflate(o.deflate)}
	for _, p := range pops {
		if err := writeEdgePop(f, p, do); err != nil {
			f.Abort()
			return fmt.Errorf("export: write edges %s to %s: %w", p.Name, path, err)
		}
	}
	return f.Close()
}

func writeEdgePop(f *File, p EdgePopulation, do *DatasetOptions) error {
	g, err := f.CreateGroup("edges/" + p.Name)
	if err != nil {
		return err
	}
	defer g.Close()
	n := p.Size()
	for _, side := range []struct {
		name, pop string
		ids       []uint64
	}{{"source_node_id", p.Source, p.SourceIDs}, {"target_node_id", p.Target, p.TargetIDs}} {
		if err := WriteWith(g, side.name, side.ids, nil, do); err != nil {
			return err
		}
		d, err := g.OpenDataset(side.name)
		if err != nil {
			return err
		}
		err = SetStringAttr(d, "node_population", side.pop)
		d.Close()
		if err != nil {
			return err
		}
	}
	if err := WriteWith(g, "edge_type_id", p.EdgeTypeID, nil, do); err != nil {
		return err
	}
	if err := WriteWith(g, "edge_group_id", make([]uint32, n), nil, do); err != nil {
		return err
	}
	if err := WriteWith(g, "edge_group_index", iota64(n), nil, do); err != nil {
		return err
	}
	if err := writeGroupColumns(g, p.Attributes, p.DynamicsParams, do); err != nil {
		return err
	}
	for _, ix := range []struct {
		name  string
		ids   []uint64
		count int
	}{{"indices/source_to_target", p.SourceIDs, p.SourceCount}, {"indices/target_to_source", p.TargetIDs, p.TargetCount}} {
		nodeRanges, rangeEdges := EdgeIndex(ix.ids, ix.count)
		ig, err := g.CreateGroup(ix.name)
		if err != nil {
			return err
		}
		if err := WriteWith(ig, "node_id_to_ranges", nodeRanges, []int{len(nodeRanges) / 2, 2}, do); err != nil {
			return err
		}
		// BMTK (1.2.0) reads the index under the name "node_id_to_range"
		// and refuses a population without it; libsonata reads the
		// SONATA spec's "node_id_to_ranges". Both, then (16 bytes per node).
		if err := WriteWith(ig, BMTKNodeIDToRange, nodeRanges, []int{len(nodeRanges) / 2, 2}, do); err != nil {
			return err
		}
		if err := WriteWith(ig, "range_to_edge_id", rangeEdges, []int{len(rangeEdges) / 2, 2}, do); err != nil {
			return err
		}
		ig.Close()
	}
	return nil
}

// EdgeIndex builds a SONATA edge index over the node ids of one side of the
// edges (ids[e] for edge e): rangeToEdge lists [start, end) runs of
// consecutive edges with the same node (flattened pairs), grouped by node in
// node order; nodeToRanges[2n], nodeToRanges[2n+1] is node n's [start, end)
// slice of those runs (empty when the node has no edges). count sizes
// nodeToRanges (0: max id + 1).
func EdgeIndex(ids []uint64, count int) (nodeToRanges, rangeToEdge []uint64) {
	nodes := count
	for _, id := range ids {
		nodes = max(nodes, int(id)+1)
	}
	// Pass 1: count runs per node.
	runs := make([]uint64, nodes+1)
	for e := 0; e < len(ids); {
		s := e
		for e < len(ids) && ids[e] == ids[s] {
			e++
		}
		runs[ids[s]+1]++
	}
	for n := 0; n < nodes; n++ {
		runs[n+1] += runs[n]
	}
	nodeToRanges = make([]uint64, 2*nodes)
	for n := 0; n < nodes; n++ {
		nodeToRanges[2*n], nodeToRanges[2*n+1] = runs[n], runs[n+1]
	}
	// Pass 2: place runs.
	rangeToEdge = make([]uint64, 2*runs[nodes])
	next := slices.Clone(runs[:nodes])
	for e := 0; e < len(ids); {
		s := e
		for e < len(ids) && ids[e] == ids[s] {
			e++
		}
		r := next[ids[s]]
		next[ids[s]]++
		rangeToEdge[2*r], rangeToEdge[2*r+1] = uint64(s), uint64(e)
	}
	return nodeToRanges, rangeToEdge
}

// ReadEdges reads every population of a SONATA edges file; columns come in
// name order. The indices are not returned (EdgeIndex recomputes them);
// their row counts give SourceCount and TargetCount.
func ReadEdges(path string) ([]EdgePopulation, error) {
	var out []EdgePopulation
	err := eachPopulation(path, "edges", func(root *Group, name string) error {
		p, err := readEdgePop(root, name)
		if err != nil {
			return fmt.Errorf("export: read edges %s from %s: %w", name, path, err)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// EdgePopulationInfo describes an edge population of a SONATA edges file:
// its name, its source and target node populations and its number of edges.
type EdgePopulationInfo struct {
	Name, Source, Target string
	Size                 int
}

// EdgePopulations lists the edge populations of a SONATA edges file without
// reading their edges.
func EdgePopulations(path string) ([]EdgePopulationInfo, error) {
	var out []EdgePopulationInfo
	err := eachPopulation(path, "edges", func(root *Group, name string) error {
		info := EdgePopulationInfo{Name: name}
		for _, side := range []struct {
			name string
			pop  *string
		}{{"source_node_id", &info.Source}, {"target_node_id", &info.Target}} {
			d, err := root.OpenDataset(name + "/" + side.name)
			if err != nil {
				return fmt.Errorf("export: edges %s of %s: %w", name, path, err)
			}
			*side.pop, err = StringAttr(d, "node_population")
			shape, serr := d.Shape()
			d.Close()
			if err = errors.Join(err, serr); err != nil {
				return fmt.Errorf("export: edges %s of %s: %s: %w", name, path, side.name, err)
			}
			if len(shape) != 1 {
				return fmt.Errorf("export: edges %s of %s: %s has shape %v, want one dimension", name, path, side.name, shape)
			}
			info.Size = shape[0]
		}
		out = append(out, info)
		return nil
	})
	return out, err
}

// ReadEdgePopulation reads the edge population name of a SONATA edges file
// (as ReadEdges does, without reading the others).
func ReadEdgePopulation(path, name string) (EdgePopulation, error) {
	var p EdgePopulation
	found := false
	err := eachPopulation(path, "edges", func(root *Group, n string) error {
		if n != name {
			return nil
		}
		var err error
		if p, err = readEdgePop(root, name); err != nil {
			return fmt.Errorf("export: read edges %s from %s: %w", name, path, err)
		}
		found = true
		return nil
	})
	if err == nil && !found {
		err = fmt.Errorf("export: %s has no edge population %q", path, name)
	}
	return p, err
}

func readEdgePop(root *Group, name string) (EdgePopulation, error) {
	p := EdgePopulation{Name: name}
	g, err := root.OpenGroup(name)
	if err != nil {
		return p, err
	}
	defer g.Close()
	for _, side := range []struct {
		name string
		ids  *[]uint64
		pop  *string
	}{{"source_node_id", &p.SourceIDs, &p.Source}, {"target_node_id", &p.TargetIDs, &p.Target}} {
		d, err := g.OpenDataset(side.name)
		if err != nil {
			return p, err
		}
		*side.pop, err = StringAttr(d, "node_population")
		if err == nil {
			*side.ids, _, err = ReadAll[uint64](d)
		}
		d.Close()
		if err != nil {
			return p, err
		}
	}
	if p.EdgeTypeID, _, err = Read[int64](g, "edge_type_id"); err != nil {
		return p, err
	}
	gid, _, err := Read[uint64](g, "edge_group_id")
	if err != nil {
		return p, err
	}
	gidx, _, err := Read[uint64](g, "edge_group_index")
	if err != nil {
		return p, err
	}
	n := len(p.SourceIDs)
	if len(p.TargetIDs) != n || len(p.EdgeTypeID) != n || len(gid) != n || len(gidx) != n {
		return p, fmt.Errorf("source_node_id, target_node_id, edge_type_id, edge_group_id, edge_group_index lengths differ")
	}
	for _, ix := range []struct {
		name  string
		count *int
	}{{"indices/source_to_target/node_id_to_ranges", &p.SourceCount}, {"indices/target_to_source/node_id_to_ranges", &p.TargetCount}} {
		if !g.Has(ix.name) {
			continue
		}
		d, err := g.OpenDataset(ix.name)
		if err != nil {
			return p, err
		}
		shape, err := d.Shape()
		d.Close()
		if err != nil {
			return p, err
		}
		if len(shape) == 2 {
			*ix.count = shape[0]
		}
	}
	p.Attributes, p.DynamicsParams, err = readGroups(g, gid, gidx)
	return p, err
}

// BMTKNodeIDToRange is the name under which WriteEdges writes each edge
// index's node_id_to_ranges a second time: BMTK 1.2.0 reads that name
// (and refuses edges without it), libsonata and the SONATA spec the other.
const BMTKNodeIDToRange = "node_id_to_range"

// WriteTypesCSV writes a SONATA node or edge types table (node_types.csv,
// edge_types.csv: space-separated, a header row, the node_type_id or
// edge_type_id first), which BMTK needs beside nodes.h5 and edges.h5. Fields
// holding a space or a quote are quoted ("..." with "" for a quote). The
// file is written atomically; an existing one is replaced only with the
// Overwrite option (else an error wrapping ErrExists).
func WriteTypesCSV(path string, header []string, rows [][]string, opts ...Option) error {
	o, err := applyOptions(opts)
	if err != nil {
		return err
	}
	if len(header) == 0 {
		return fmt.Errorf("export: WriteTypesCSV %s: header is empty", path)
	}
	var b strings.Builder
	line := func(fields []string) {
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(' ')
			}
			if f == "" || strings.ContainsAny(f, " \t\"\n") {
				f = `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
			}
			b.WriteString(f)
		}
		b.WriteByte('\n')
	}
	line(header)
	for i, r := range rows {
		if len(r) != len(header) {
			return fmt.Errorf("export: WriteTypesCSV %s: row %d has %d fields, the header %d", path, i, len(r), len(header))
		}
		line(r)
	}
	fill := func(w io.Writer) error {
		_, err := io.WriteString(w, b.String())
		return err
	}
	if o.overwrite {
		return atomicfile.Write(path, fill)
	}
	if err := atomicfile.Create(path, fill); err != nil {
		if errors.Is(err, os.ErrExist) {
			return &ExistsError{Path: path}
		}
		return err
	}
	return nil
}
