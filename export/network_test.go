//go:build cgo && !nohdf5

package export

import (
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestEdgeIndex(t *testing.T) {
	// node 2: edges 0-1 and 4; node 0: edges 2-3; node 1 none; node 3 none (count 4).
	ids := []uint64{2, 2, 0, 0, 2}
	nr, re := EdgeIndex(ids, 4)
	wantNR := []uint64{0, 1, 1, 1, 1, 3, 3, 3}
	wantRE := []uint64{2, 4, 0, 2, 4, 5}
	if !slices.Equal(nr, wantNR) || !slices.Equal(re, wantRE) {
		t.Errorf("EdgeIndex = %v %v, want %v %v", nr, re, wantNR, wantRE)
	}
	nr, re = EdgeIndex(nil, 0)
	if len(nr) != 0 || len(re) != 0 {
		t.Errorf("EdgeIndex(empty) = %v %v", nr, re)
	}
}

func TestNetworkRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const nE, nI = 40, 10
	exc := NodePopulation{Name: "exc", NodeTypeID: make([]int64, nE)}
	inh := NodePopulation{Name: "inh", NodeTypeID: make([]int64, nI)}
	for i := range inh.NodeTypeID {
		inh.NodeTypeID[i] = 1
	}
	x := make([]float32, nE)
	tau := make([]float64, nE)
	for i := range x {
		x[i] = rng.Float32()
		tau[i] = 20 + rng.NormFloat64()
	}
	exc.Attributes = []Column{NewColumn("x", x), NewColumn("model_template", slices.Repeat([]string{"nest:iaf_psc_exp"}, nE))}
	exc.DynamicsParams = []Column{NewColumn("tau_m", tau)}
	var src, dst []uint64
	var w []float32
	var d []float64
	var typ []int64
	for tgt := 0; tgt < nE; tgt++ {
		for s := 0; s < nE; s++ {
			if s != tgt && rng.Float64() < 0.2 {
				src, dst = append(src, uint64(s)), append(dst, uint64(tgt))
				w = append(w, float32(rng.NormFloat64()))
				d = append(d, 1.5+0.1*float64(rng.IntN(10)))
				typ = append(typ, 100)
			}
		}
	}
	ee := EdgePopulation{Name: "exc_to_exc", Source: "exc", Target: "exc", SourceIDs: src, TargetIDs: dst, EdgeTypeID: typ,
		Attributes: []Column{NewColumn("syn_weight", w), NewColumn("delay", d)}, SourceCount: nE, TargetCount: nE}
	ie := EdgePopulation{Name: "inh_to_exc", Source: "inh", Target: "exc", SourceIDs: []uint64{0, 9}, TargetIDs: []uint64{3, 3},
		EdgeTypeID: []int64{101, 101}, Attributes: []Column{NewColumn("syn_weight", []float32{-4, -4.5})}, SourceCount: nI, TargetCount: nE}
	dir := t.TempDir()
	nodes, edges := filepath.Join(dir, "nodes.h5"), filepath.Join(dir, "edges.h5")
	if err := WriteNodes(nodes, []NodePopulation{exc, inh}); err != nil {
		t.Fatal(err)
	}
	if err := WriteEdges(edges, []EdgePopulation{ee, ie}); err != nil {
		t.Fatal(err)
	}
	// Readers return columns in name order.
	byName := func(c []Column) {
		slices.SortFunc(c, func(a, b Column) int { return strings.Compare(a.Name, b.Name) })
	}
	byName(exc.Attributes)
	byName(ee.Attributes)
	gotN, err := ReadNodes(nodes)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotN, []NodePopulation{exc, inh}) {
		t.Errorf("nodes read back differ:\n%+v\n%+v", gotN, []NodePopulation{exc, inh})
	}
	gotE, err := ReadEdges(edges)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotE, []EdgePopulation{ee, ie}) {
		t.Errorf("edges read back differ:\n%+v\n%+v", gotE, []EdgePopulation{ee, ie})
	}
	bad := ee
	bad.TargetIDs = bad.TargetIDs[1:]
	if err := WriteEdges(filepath.Join(dir, "bad.h5"), []EdgePopulation{bad}); err == nil {
		t.Error("mismatched edge arrays accepted")
	}
	bad = ie
	bad.SourceCount = 5
	if err := WriteEdges(filepath.Join(dir, "bad.h5"), []EdgePopulation{bad}); err == nil {
		t.Error("source id beyond SourceCount accepted")
	}
	badN := exc
	badN.Attributes = []Column{NewColumn("x", x[:3])}
	if err := WriteNodes(filepath.Join(dir, "bad.h5"), []NodePopulation{badN}); err == nil {
		t.Error("short node column accepted")
	}
}
