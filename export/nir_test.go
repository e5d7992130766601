//go:build cgo && !nohdf5

package export

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleNIR() *NIRGraph {
	return &NIRGraph{
		Nodes: map[string]NIRNode{
			"input":  {Type: "Input", Params: map[string]NIRArray{"shape": NIRShape(2)}},
			"w_in":   {Type: "Affine", Params: map[string]NIRArray{"weight": NIRMatrix(3, 2, []float64{1, 2, 3, 4, 5, 6}), "bias": NIRVec(0.5, -0.5, 0)}},
			"lif":    {Type: "CubaLIF", Params: map[string]NIRArray{"tau_mem": NIRFill(3, 0.02), "tau_syn": NIRFill(3, 0.005), "r": NIRFill(3, 1), "v_leak": NIRFill(3, 0), "v_threshold": NIRFill(3, 1), "v_reset": NIRFill(3, 0), "w_in": NIRFill(3, 5)}},
			"w_rec":  {Type: "Linear", Params: map[string]NIRArray{"weight": NIRMatrix(3, 3, []float64{0, 1, -2, 0.5, 0, -2, 0.5, 1, 0})}},
			"output": {Type: "Output", Params: map[string]NIRArray{"shape": NIRShape(3)}},
		},
		Edges:    [][2]string{{"input", "w_in"}, {"w_in", "lif"}, {"lif", "w_rec"}, {"w_rec", "lif"}, {"lif", "output"}},
		Metadata: map[string]string{"source": "neurodyn test", "dt": "0.001"},
	}
}

func TestNIRRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.nir")
	g := sampleNIR()
	if err := WriteNIR(path, g); err != nil {
		t.Fatal(err)
	}
	r, err := ReadNIR(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, g) {
		t.Errorf("read back\n%+v\nwant\n%+v", r, g)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, err := ReadStrings(&f.Group, "version"); err != nil || len(v) != 1 || v[0] != NIRVersion {
		t.Errorf("version %v, %v", v, err)
	}
	d, err := f.OpenDataset("node/edges")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := d.Shape(); !reflect.DeepEqual(s, []int{5, 2}) {
		t.Errorf("edges shape %v, want [5 2]", s)
	}
	d.Close()
}

func TestNIRValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(g *NIRGraph)
		want string
	}{
		{"type", func(g *NIRGraph) { g.Nodes["lif"] = NIRNode{Type: "Izhikevich"} }, "must be one of"},
		{"missing", func(g *NIRGraph) { delete(g.Nodes["w_in"].Params, "bias") }, "parameter bias missing"},
		{"extra", func(g *NIRGraph) { g.Nodes["w_rec"].Params["bias"] = NIRVec(1) }, "parameter bias: must be one of"},
		{"shape", func(g *NIRGraph) { g.Nodes["w_rec"].Params["weight"] = NIRArray{Data: []float64{1}, Shape: []int{2}} }, "must match its shape"},
		{"edge", func(g *NIRGraph) { g.Edges = append(g.Edges, [2]string{"lif", "nowhere"}) }, "must be a node of the graph"},
		{"name", func(g *NIRGraph) { g.Nodes["a/b"] = g.Nodes["lif"] }, "without '/'"},
	} {
		g := sampleNIR()
		tc.mod(g)
		err := WriteNIR(filepath.Join(t.TempDir(), "x.nir"), g)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestNIRNumericMetadata reads a file whose metadata holds numbers, as
// nir.write stores metadata={"dt_s": 0.0005, "n": 3}: they read as their
// decimal strings; arrays are left out.
func TestNIRNumericMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "md.nir")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			f.Abort()
			t.Fatal(err)
		}
	}
	must(nirWriteStrings(&f.Group, "version", []string{NIRVersion}, nil))
	root, err := f.CreateGroup("node")
	must(err)
	must(nirWriteStrings(root, "type", []string{"NIRGraph"}, nil))
	must(nirWriteStrings(root, "edges", []string{"in", "out"}, []int{1, 2}))
	md, err := root.CreateGroup("metadata")
	must(err)
	must(WriteScalar(md, "dt_s", 0.0005))
	must(WriteScalar(md, "f32", float32(0.1)))
	must(WriteScalar(md, "n", int64(3)))
	must(WriteScalar(md, "u", uint8(7)))
	must(WriteWith(md, "arr", []float64{1, 2}, []int{2}, nil))
	must(nirWriteStrings(md, "source", []string{"test"}, nil))
	nodes, err := root.CreateGroup("nodes")
	must(err)
	for _, n := range []string{"in", "out"} {
		ng, err := nodes.CreateGroup(n)
		must(err)
		must(nirWriteStrings(ng, "type", []string{map[string]string{"in": "Input", "out": "Output"}[n]}, nil))
		must(WriteWith(ng, "shape", []int64{1}, []int{1}, nil))
	}
	must(f.Close())
	g, err := ReadNIR(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"dt_s": "0.0005", "f32": "0.1", "n": "3", "u": "7", "source": "test"}
	if !reflect.DeepEqual(g.Metadata, want) {
		t.Errorf("metadata %v, want %v", g.Metadata, want)
	}
}
