package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/modelfile"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// TestKeepBestPhase: when a later phase selected by the metric ends worse
// than an earlier one (the CT-RNN: best val valid time 5.62 after Adam,
// 5.14 after L-BFGS fine-tuning, the 5.14 kept), the earlier phase's best
// parameters are put back from its checkpoint; a better last phase, or one
// not selected by the metric, is kept.
func TestKeepBestPhase(t *testing.T) {
	stem := filepath.Join(t.TempDir(), "m")
	phaseBest := [][]float32{{1, 2, 3, 4, 5}, {10, 20, 30, 40, 50}}
	for i, w := range phaseBest {
		arrays := []export.NPZArray{
			export.NewNPZArray("params.w", []float32{-1, -1, -1, -1}, 2, 2), export.NewNPZArray("best.w", w[:4], 2, 2),
			export.NewNPZArray("params.b", []float32{-1}, 1), export.NewNPZArray("best.b", w[4:], 1)}
		if err := export.WriteNPZ(fmt.Sprintf("%s.phase%d.npz", stem, i), arrays, export.Overwrite()); err != nil {
			t.Fatal(err)
		}
	}
	final := []float32{7, 7, 7, 7, 7} // the model after the last phase
	sel := []leaky.Phase{{SelectByMetric: true}, {SelectByMetric: true}}
	for _, c := range []struct {
		name   string
		phases []leaky.Phase
		best   [2]float64 // each phase's BestVal (negated valid time)
		want   int
	}{
		{"fine-tuning worse", sel, [2]float64{-5.62, -5.14}, 0},
		{"fine-tuning better", sel, [2]float64{-5.14, -5.62}, 1},
		{"tie keeps the last", sel, [2]float64{-5.62, -5.62}, 1},
		{"last phase not selected by the metric", []leaky.Phase{{SelectByMetric: true}, {}}, [2]float64{-5.62, 0.01}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := learn.NewParams[float32](learn.ParamSpec{Name: "w", Shape: []int{2, 2}}, learn.ParamSpec{Name: "b", Shape: []int{1}})
			if err != nil {
				t.Fatal(err)
			}
			copy(p.Flat(), final)
			res := []*learn.Result{{Epochs: 100, BestEpoch: 90, BestVal: c.best[0]}, {Epochs: 23, BestEpoch: 1, BestVal: c.best[1]}}
			got, err := keepBestPhase(p, c.phases, res, stem)
			if err != nil {
				t.Fatal(err)
			}
			want := final
			if c.want < len(res)-1 {
				want = phaseBest[c.want]
			}
			flat := slices.Concat(p.Get("w"), p.Get("b"))
			if got != c.want || !slices.Equal(flat, want) {
				t.Errorf("kept phase %d with parameters %v, want phase %d with %v", got, flat, c.want, want)
			}
		})
	}
}

// TestTrainClock: the training time accumulates across the processes that
// resume a training (a rate flip-flop training counted 2.77 s after a kill
// and a resume against 5.79 s uninterrupted: only the last process's
// time), and starts from zero without resume.
func TestTrainClock(t *testing.T) {
	stem := filepath.Join(t.TempDir(), "m")
	c := startTrainClock(stem, true)
	if c.prior != 0 {
		t.Fatalf("fresh clock starts at %v", c.prior)
	}
	c.t0 = c.t0.Add(-3 * time.Second) // the first process trained 3 s, then was killed
	c.tick()
	b, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64); err != nil || v < 3 {
		t.Fatalf("stored %q, want ≥ 3 s", b)
	}
	r := startTrainClock(stem, true)
	r.t0 = r.t0.Add(-2 * time.Second) // the resumed process trains 2 s more
	if got := r.total(); got < 5 || r.prior < 3 {
		t.Errorf("resumed training: total %.3g s (prior %.3g), want ≥ 5 s", got, r.prior)
	}
	if f := startTrainClock(stem, false); f.prior != 0 {
		t.Errorf("retraining from scratch starts at %v s", f.prior)
	}
	if _, err := os.Stat(stem + ".train_seconds"); err == nil {
		t.Error("retraining from scratch left the old time file")
	}
}

// FitReservoir and FitESN refuse a model file they may not replace
// (NoReplace) before the harvest and the fit: given splits no fit takes,
// they return the refusal, not the fit's error; without NoReplace the fit
// is reached (and fails). The configuration they identify the model by is
// the one the built model reports as its own.
func TestFitRefusesBeforeFitting(t *testing.T) {
	data := LorenzSpec(DefaultConfig().Data.Lorenz)
	empty := &tasks.Dataset{Name: "lorenz63", Dim: 3, Dt: 0.01, SeqLength: 10, Horizon: 1, Stride: 1}
	rc := snn.ReservoirConfig{N: 50, Seed: 7}
	ec := snn.ESNConfig{N: 30, Seed: 7}
	fits := map[string]func(o TrainOptions) error{
		"reservoir": func(o TrainOptions) error {
			r, _, _, err := FitReservoir(rc, data, empty, o)
			if r != nil {
				r.Close()
			}
			return err
		},
		"esn": func(o TrainOptions) error {
			_, _, _, err := FitESN(ec, data, empty, o)
			return err
		},
	}
	for name, fit := range fits {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "m.npz"), []byte("not a model"), 0o644); err != nil {
				t.Fatal(err)
			}
			o := TrainOptions{Dir: dir, File: "m.npz", NoReplace: true}
			if err := fit(o); !errors.Is(err, export.ErrExists) {
				t.Fatalf("NoReplace over a foreign file: %v, want the refusal (export.ErrExists) before the fit", err)
			}
			o.NoReplace = false
			if err := fit(o); err == nil || errors.Is(err, export.ErrExists) {
				t.Fatalf("without NoReplace: %v, want the fit's error on empty splits", err)
			}
		})
	}
	r, err := snn.NewReservoir(rc, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e, err := snn.NewESN(ec, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		meta, real any
	}{{"reservoir", rc.WithDefaults(), r.Config()}, {"esn", ec.WithDefaults(), e.Config()}} {
		a, _ := json.Marshal(c.meta)
		b, _ := json.Marshal(c.real)
		if string(a) != string(b) {
			t.Errorf("%s: identified by %s, the built model's configuration is %s", c.name, a, b)
		}
	}
}

// TestModelFileProvenance: a model file records its provenance (build ID,
// version, revision, seed, configuration, time) in its metadata, and the
// provenance stays out of the identity: the same recipe trained again on
// the same data is recognized and reloaded, with the provenance of the
// training that wrote the file, and a retraining replaces the file under
// the same identity. A file written before provenance existed still loads.
func TestModelFileProvenance(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 4, ValT: 2, TestT: 2, EvalT: -1, SeqLength: 10})
	if err != nil {
		t.Fatal(err)
	}
	data := LorenzSpec(LorenzData{TrainT: 4, ValT: 2, TestT: 2, EvalT: -1})
	r := ctrnn.Recipe{Name: "tiny", Model: ctrnn.Config{Hidden: 4, Seed: 1},
		Phases: []leaky.Phase{{Train: learn.TrainConfig{Epochs: 1, BatchSize: 8, Seed: 1}, Window: 10, ValWindow: 10}}}
	o := TrainOptions{Dir: t.TempDir(), File: "m.npz", Seed: 9}
	first, err := TrainCTRNN(context.Background(), r, data, d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	p := first.Meta.Provenance
	if first.Loaded || p == nil || p.BuildID != buildinfo.ID() || p.Version != buildinfo.Version || p.Revision != buildinfo.Revision() ||
		p.Created.IsZero() || len(p.Seeds) != 1 || p.Seeds[0].Value != 9 || p.ConfigFormat != "json" || !strings.Contains(p.Config, `"Hidden":4`) {
		t.Fatalf("trained (loaded %v) with provenance %+v", first.Loaded, p)
	}
	same := func(a, b *modelfile.Provenance) bool {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return a != nil && b != nil && string(ja) == string(jb)
	}
	stored, err := ReadModelMeta(first.Path)
	if err != nil || !same(stored.Provenance, p) {
		t.Fatalf("the file's provenance %+v (%v), want %+v", stored.Provenance, err, p)
	}
	again, err := TrainCTRNN(context.Background(), r, data, d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Loaded || again.Meta.Identity != first.Meta.Identity || !same(again.Meta.Provenance, p) {
		t.Errorf("trained again: loaded %v, identity %s (first %s), provenance %+v", again.Loaded, again.Meta.Identity, first.Meta.Identity, again.Meta.Provenance)
	}
	o.Retrain, o.NoReplace = true, true
	if re, err := TrainCTRNN(context.Background(), r, data, d, nil, o); err != nil || re.Meta.Identity != first.Meta.Identity {
		t.Errorf("retrained under NoReplace: %v", err)
	}
	// A file without provenance (written before 2026-12-01) loads.
	old := *stored
	old.Provenance = nil
	b, err := json.Marshal(&old)
	if err != nil {
		t.Fatal(err)
	}
	oldPath := filepath.Join(o.Dir, "old.npz")
	if err := learn.SaveParams(oldPath, first.Model.Params(), string(b)); err != nil {
		t.Fatal(err)
	}
	if m, err := LoadModel(oldPath); err != nil || m.CTRNN == nil || m.Meta.Provenance != nil {
		t.Errorf("a file without provenance: %v", err)
	}
}

// TestFreeRunProvenance: a free-run .npz holds, besides its samples, the
// run's provenance as JSON bytes np.load reads (ProvenanceMember: build ID,
// the configuration as TOML, the seed, the time); readFreeRun still
// returns the samples alone.
func TestFreeRunProvenance(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OutDir, cfg.Seed = t.TempDir(), 17
	r := &Run{Cfg: cfg}
	gen := []float64{1, 2, 3, 4, 5, 6}
	rel, err := r.saveFreeRun(cfg.OutDir, "m", gen, 3)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(cfg.OutDir, rel)
	if got, err := readFreeRun(path); err != nil || !slices.Equal(got, gen) {
		t.Errorf("readFreeRun = %v, %v", got, err)
	}
	arrays, err := export.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	var p *modelfile.Provenance
	for _, a := range arrays {
		if a.Name == ProvenanceMember {
			b, err := export.NPZData[uint8](a)
			if err != nil || json.Unmarshal(b, &p) != nil {
				t.Fatalf("member %s: %v", ProvenanceMember, err)
			}
		}
	}
	if p == nil || p.BuildID != buildinfo.ID() || p.ConfigFormat != "toml" || p.Config != cfg.TOML() || p.Created.IsZero() ||
		len(p.Seeds) != 1 || p.Seeds[0].Value != 17 {
		t.Errorf("provenance %+v", p)
	}
}
