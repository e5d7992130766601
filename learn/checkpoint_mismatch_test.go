package learn_test

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

func ckptBase() learn.TrainConfig {
	return learn.TrainConfig{Epochs: 3, BatchSize: 16, Adam: learn.AdamConfig{LR: 0.02}, Seed: 3, Meta: "lin"}
}

// writeCkpt trains ckptBase for three epochs into a checkpoint in a
// temporary directory and returns its path and bytes (skipping the test
// when HDF5 is not built in).
func writeCkpt(t *testing.T, ext string) (path string, good []byte) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "ckpt"+ext)
	c := ckptBase()
	c.Checkpoint = path
	tr, err := learn.NewTrainer(newLin(3, 2), c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Fit(context.Background(), newLinData(100, 1), newLinData(50, 2)); errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	} else if err != nil {
		t.Fatal(err)
	}
	good, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, good
}

// resumeLin resumes m with c from path, returning Fit's error and whether
// m's parameters were left untouched.
func resumeLin(t *testing.T, m *linModel, c learn.TrainConfig, path string) (error, bool) {
	t.Helper()
	before := append([]float32(nil), m.p.Flat()...)
	c.Checkpoint, c.Resume = path, true
	tr, err := learn.NewTrainer(m, c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.Fit(context.Background(), newLinData(100, 1), newLinData(50, 2))
	same := true
	for i, v := range m.p.Flat() {
		if math.Float32bits(v) != math.Float32bits(before[i]) {
			same = false
		}
	}
	return err, same
}

// Resuming with a checkpoint of another model shape or another training
// configuration is refused with a param error naming what differs, and
// leaves the model as it was; run-control fields may change.
func TestResumeMismatch(t *testing.T) {
	transposed := func() *linModel { // A is 3×2 instead of 2×3: same sizes, other shape
		p, _ := learn.NewParams[float32](learn.ParamSpec{Name: "A", Shape: []int{3, 2}}, learn.ParamSpec{Name: "c", Shape: []int{2}})
		return &linModel{p: p, in: 3, out: 2}
	}
	renamed := func() *linModel {
		p, _ := learn.NewParams[float32](learn.ParamSpec{Name: "W", Shape: []int{2, 3}}, learn.ParamSpec{Name: "c", Shape: []int{2}})
		return &linModel{p: p, in: 3, out: 2}
	}
	cases := []struct {
		name  string
		model func() *linModel
		edit  func(*learn.TrainConfig)
		want  string // "" → accepted
	}{
		{"lr", nil, func(c *learn.TrainConfig) { c.Adam.LR = 0.05 }, "Adam.LR (checkpoint 0.02, configuration 0.05)"},
		{"batch", nil, func(c *learn.TrainConfig) { c.BatchSize = 8 }, "BatchSize (checkpoint 16, configuration 8)"},
		{"seed", nil, func(c *learn.TrainConfig) { c.Seed = 4 }, "Seed"},
		{"optimizer", nil, func(c *learn.TrainConfig) { c.Optimizer = learn.OptimizerLBFGS }, "Optimizer (checkpoint unset"},
		{"adamw", nil, func(c *learn.TrainConfig) { c.Adam.Decoupled, c.Adam.WeightDecay = true, 1e-3 }, "Adam.Decoupled"},
		{"shards", nil, func(c *learn.TrainConfig) { c.Shards = 2 }, "Shards"},
		{"loss", nil, func(c *learn.TrainConfig) { c.Loss.Kind = learn.LossAll }, "Loss.Kind"},
		{"cosine-epochs", nil, func(c *learn.TrainConfig) { c.Epochs = 9; c.Decay = learn.DecayCosine }, "Epochs"},
		{"shape", transposed, nil, "params/A has shape [2 3] (6 values), the model's [3 2]"},
		{"names", renamed, nil, "no params/W"},
		{"more-epochs", nil, func(c *learn.TrainConfig) { c.Epochs, c.Patience, c.Workers, c.Meta = 5, 2, 1, "x" }, ""},
		{"same", nil, nil, ""},
	}
	for _, ext := range []string{".npz", ".h5"} {
		t.Run(ext, func(t *testing.T) {
			path, good := writeCkpt(t, ext)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					if err := os.WriteFile(path, good, 0o644); err != nil {
						t.Fatal(err)
					}
					m := newLin(3, 2)
					if tc.model != nil {
						m = tc.model()
					}
					c := ckptBase()
					if tc.edit != nil {
						tc.edit(&c)
					}
					err, untouched := resumeLin(t, m, c, path)
					if tc.want == "" {
						if err != nil {
							t.Fatalf("resume refused: %v", err)
						}
						return
					}
					if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("resume: %v, want a param error containing %q", err, tc.want)
					}
					if !untouched {
						t.Error("the refused checkpoint changed the model's parameters")
					}
				})
			}
		})
	}
}

// A truncated or garbled checkpoint gives an error (no panic) and leaves
// the model as it was; a write killed midway (a stale .partial file) does
// not hide or destroy the last good checkpoint.
func TestResumeDamagedCheckpoint(t *testing.T) {
	for _, ext := range []string{".npz", ".h5"} {
		t.Run(ext, func(t *testing.T) {
			path, good := writeCkpt(t, ext)
			for _, tc := range []struct {
				name string
				data []byte
			}{
				{"empty", nil},
				{"half", good[:len(good)/2]},
				{"head", good[:64]},
				{"tail-cut", good[:len(good)-9]},
				{"garbage", []byte(strings.Repeat("neurodyn", 100))},
				{"flipped", func() []byte {
					b := append([]byte(nil), good...)
					for i := len(b) / 3; i < len(b)/3+200 && i < len(b); i++ {
						b[i] ^= 0xA5
					}
					return b
				}()},
			} {
				t.Run(tc.name, func(t *testing.T) {
					if err := os.WriteFile(path, tc.data, 0o644); err != nil {
						t.Fatal(err)
					}
					err, untouched := resumeLin(t, newLin(3, 2), ckptBase(), path)
					if err == nil {
						t.Fatal("damaged checkpoint accepted")
					}
					if !untouched {
						t.Error("a refused checkpoint changed the model's parameters")
					}
				})
			}
			// A killed write leaves path+".partial"; the good file stays
			// usable and the next save replaces the stale partial.
			if err := os.WriteFile(path, good, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+export.PartialSuffix, good[:len(good)/2], 0o644); err != nil {
				t.Fatal(err)
			}
			c := ckptBase()
			c.Epochs = 5
			if err, _ := resumeLin(t, newLin(3, 2), c, path); err != nil {
				t.Fatalf("resume beside a stale partial file: %v", err)
			}
			if _, err := os.Stat(path + export.PartialSuffix); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("stale partial file left behind: %v", err)
			}
		})
	}
}

// A full-batch L-BFGS run that stopped as converged stays stopped when
// resumed from its last checkpoint.
func TestResumeConverged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.npz")
	c := lbfgsConfig(50, 20)
	c.Checkpoint = path
	m, res := trainLin(t, c)
	if res.Stop != "converged" {
		t.Fatalf("stop %q, want converged", res.Stop)
	}
	c.Resume = true
	m2, res2 := trainLin(t, c)
	if res2.Stop != "converged" || res2.Epochs != res.Epochs || len(res2.History) != len(res.History) {
		t.Errorf("resumed: stop %q after %d epochs (%d records), want converged after %d", res2.Stop, res2.Epochs, len(res2.History), res.Epochs)
	}
	for i, v := range m2.p.Flat() {
		if math.Float32bits(v) != math.Float32bits(m.p.Flat()[i]) {
			t.Fatalf("parameter %d = %v after resuming, %v uninterrupted", i, v, m.p.Flat()[i])
		}
	}
}
