//go:build cgo && !nohdf5

package export

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func equalArrays(a, b []Array) bool {
	return slices.EqualFunc(a, b, func(x, y Array) bool {
		return x.Name == y.Name && slices.Equal(x.Shape, y.Shape) && reflect.DeepEqual(x.Data, y.Data)
	})
}

func TestCheckpointRoundTrip(t *testing.T) {
	w := make([]float32, 64*64)
	for i := range w {
		w[i] = float32(math.Sin(float64(i))) // not exactly representable: round trip must be bit-exact
	}
	c := &Checkpoint{
		Step: 218 * 3, Epoch: 3, Optimizer: "adam",
		Params:         []Array{NewArray("W_rec", w, 64, 64), NewArray("b", make([]float32, 64)), NewArray("tau", []float64{1}, []int{}...)},
		OptimizerState: []Array{NewArray("m.W_rec", w, 64, 64), NewArray("v.W_rec", w, 64, 64)},
		Scalars:        []Scalar{{"lr", 1e-3}, {"best_val_loss", 0.0123}, {"beta1", 0.9}},
		RNG:            []Array{NewArray("shuffle", []uint64{0x853c49e6748fea9b, 0xda3e39cb94b95bdb}), NewArray("mt", []uint32{1, 2, 3})},
		History: Table{Columns: []Column{NewColumn("epoch", []int64{1, 2, 3}), NewColumn("train_loss", []float64{0.5, 0.2, 0.1}),
			NewColumn("val_loss", []float64{0.6, 0.3, 0.2})}},
	}
	c.Params[2].Shape = []int{}
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.h5")
	p := NewProvenance("lr = 1e-3", "toml", Seed{"init", 7})
	if err := WriteCheckpoint(path, c, WithProvenance(p)); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != c.Step || got.Epoch != c.Epoch || got.Optimizer != c.Optimizer ||
		!equalArrays(got.Params, c.Params) || !equalArrays(got.OptimizerState, c.OptimizerState) ||
		!equalArrays(got.RNG, c.RNG) || !reflect.DeepEqual(got.Scalars, c.Scalars) || !reflect.DeepEqual(got.History, c.History) {
		t.Errorf("checkpoint read back differs:\n%+v\n%+v", got, c)
	}
	// A checkpoint still being written is refused.
	f, err := Create(filepath.Join(dir, "half.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeCheckpoint(f, c); err != nil {
		t.Fatal(err)
	}
	f.Flush()
	if _, err := ReadCheckpoint(f.TempPath()); !errors.Is(err, ErrIncomplete) {
		t.Errorf("reading a partial checkpoint: %v, want ErrIncomplete", err)
	}
	f.Abort()
	if _, err := os.Stat(filepath.Join(dir, "half.h5")); err == nil {
		t.Error("Abort published the file")
	}
	bad := *c
	bad.Params = []Array{{Name: "x", Shape: []int{3}, Data: []float32{1}}}
	if err := WriteCheckpoint(filepath.Join(dir, "bad.h5"), &bad); err == nil {
		t.Error("array with a wrong shape accepted")
	}
}

func TestTableFile(t *testing.T) {
	tb := Table{Columns: []Column{
		NewColumn("g", []float64{4, 4, 5}), NewColumn("eta", []float64{2, 3, 2}),
		NewColumn("rate_hz", []float32{30.1, 45.2, 12.5}), NewColumn("model", []string{"lif", "lif", "lif"}),
	}}
	path := filepath.Join(t.TempDir(), "sweep.h5")
	if err := WriteTableFile(path, "sweep", tb); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTableFile(path, "sweep")
	if err != nil || !reflect.DeepEqual(got, tb) {
		t.Errorf("ReadTableFile = %+v, %v", got, err)
	}
	if got.Rows() != 3 {
		t.Errorf("Rows = %d", got.Rows())
	}
	if _, ok := got.Column("eta"); !ok {
		t.Error("Column(eta) missing")
	}
	uneven := Table{Columns: []Column{NewColumn("a", []float64{1}), NewColumn("b", []float64{1, 2})}}
	if err := WriteTableFile(filepath.Join(t.TempDir(), "u.h5"), "t", uneven); err == nil {
		t.Error("uneven table accepted")
	}
}
