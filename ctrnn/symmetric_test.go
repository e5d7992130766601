package ctrnn

import (
	"testing"

	"github.com/neurodyn/neurodyn/tasks"
)

// TestSymmetricSources checks Recipe.Symmetric: on Lorenz-63 the training
// source holds the windows and their (−x, −y, z) images, validation is
// untouched; on a user's series (no known symmetry) nothing changes.
func TestSymmetricSources(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 10, ValT: 5, TestT: 5, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	r := LorenzQuick()
	p := r.Phases[0]
	tw, vw, err := LorenzWindows(p, d)
	if err != nil {
		t.Fatal(err)
	}
	r.Symmetric = true
	ts, vs, err := lorenzSources(r, p, d)
	if err != nil {
		t.Fatal(err)
	}
	if ts.Len() != 2*tw.Len() || vs.Len() != vw.Len() {
		t.Fatalf("Symmetric: %d training and %d validation samples, want %d and %d", ts.Len(), vs.Len(), 2*tw.Len(), vw.Len())
	}
	x, y := make([]float32, ts.InputSize()), make([]float32, ts.TargetSize())
	x0, y0 := make([]float32, tw.InputSize()), make([]float32, tw.TargetSize())
	i := tw.Len() / 2
	ts.Fill(tw.Len()+i, x, y)
	tw.Fill(i, x0, y0)
	for k := range x {
		want := x0[k]
		if k%3 < 2 { // x and y reflected about −Mean/Std in normalized units
			want = float32(-float64(x0[k]) - 2*d.Mean[k%3]/d.Std[k%3])
		}
		if diff := x[k] - want; diff > 1e-5 || diff < -1e-5 {
			t.Fatalf("image of window %d, value %d: %v, want %v", i, k, x[k], want)
		}
	}
	user := *d
	user.Name = "my-series"
	ts, _, err = lorenzSources(r, p, &user)
	if err != nil {
		t.Fatal(err)
	}
	if ts.Len() != tw.Len() {
		t.Fatalf("user series with Symmetric: %d training samples, want %d", ts.Len(), tw.Len())
	}
}
