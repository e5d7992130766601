package pipeline

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
)

// smallConfig is a quick-mode configuration on small datasets and small
// analyses, so that the whole pipeline runs in well under a minute.
func smallConfig(t *testing.T) Config {
	t.Helper()
	c := DefaultConfig()
	c.OutDir = t.TempDir()
	c.Quick = true
	for k, v := range map[string]string{
		"data.lorenz.train_t": "40", "data.lorenz.val_t": "10", "data.lorenz.test_t": "10", "data.lorenz.eval_t": "150",
		"data.flipflop.train_trials": "200", "data.flipflop.val_trials": "50", "data.flipflop.test_trials": "50",
		"analysis.closed_loop_starts": "10", "analysis.closed_loop_horizon": "300", "analysis.free_run_steps": "2000",
		"analysis.fixed_point_starts": "32", "models.reservoir_neurons": "100", "models.esn_units": "100",
	} {
		if err := c.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// finished returns each stage's Finished time in the stored results.
func finished(t *testing.T, out string) map[string]time.Time {
	t.Helper()
	m := map[string]time.Time{}
	for _, s := range StageNames() {
		res, err := loadResult(out, s)
		if err != nil {
			t.Fatal(err)
		}
		if res != nil {
			m[s] = res.Finished
		}
	}
	return m
}

// rerun lists the stages whose stored result changed between two
// snapshots.
func rerun(before, after map[string]time.Time) []string {
	var out []string
	for _, s := range StageNames() {
		if !before[s].Equal(after[s]) {
			out = append(out, s)
		}
	}
	return out
}

func TestStagesQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("trains every model (quick recipes, small data): about a minute")
	}
	cfg := smallConfig(t)
	ctx := context.Background()
	run, err := Execute(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("outputs", func(t *testing.T) {
		for _, s := range StageNames() {
			res, ok := run.Result(s)
			if !ok {
				t.Fatalf("stage %s has no result", s)
			}
			for _, f := range append(append([]string{}, res.Files...), res.Figures...) {
				if st, err := os.Stat(filepath.Join(cfg.OutDir, f)); err != nil || st.Size() == 0 {
					t.Errorf("stage %s: output %s missing or empty: %v", s, f, err)
				}
			}
		}
		for stage, keys := range map[string][]string{
			"baselines": {"baseline.best_ar.test.rmse", "baseline.best_ar.val.rmse", "baseline.best_ar.vpt.lyap.median", "baseline.nvar.params", "baseline.nvar.ridge", "baseline.nvar.val.vt", "baseline.persistence.test.r2_z"},
			"ctrnn":     {"ctrnn.params", "ctrnn.train_seconds", "ctrnn.test.rmse", "ctrnn.test.r2_x", "ctrnn.vpt.lyap.median", "ctrnn.lambda1.true", "ctrnn.d2.true", "ctrnn.lambda1.qr", "ctrnn.pca.ratio1"},
			"rate":      {"rate.test.rmse", "rate.vpt.time.q3", "rate.balance.cancellation", "rate.activity.e_mean", "rate.spectrum.1"},
			"snn":       {"snn.test.rmse", "snn.silenced_ratio", "snn.input_only_ratio", "reservoir.input_only_ratio", "snn.rate.E.mean_hz", "snn.rate.I.std_hz", "reservoir.test.rmse", "reservoir.silenced_ratio", "reservoir.input_only_rmse", "reservoir.rate.E.mean_hz", "esn.test.rmse", "esn.vpt.lyap.median"},
			"synthesis": {"rows"},
			"flipflop":  {"flipflop.ctrnn.bit_accuracy", "flipflop.rate.bit_accuracy", "flipflop.ctrnn.patterns", "flipflop.ctrnn.saddles", "flipflop.ctrnn.pca.ratio3"},
		} {
			res, _ := run.Result(stage)
			for _, k := range keys {
				if _, ok := res.Metrics[k]; !ok {
					t.Errorf("stage %s: metric %q missing", stage, k)
				}
			}
		}
		// Every model's parameter count is its recipe's.
		res, _ := run.Result("ctrnn")
		if res.Metrics["ctrnn.params"] != 4547 {
			t.Errorf("ctrnn.params = %v, want 4547", res.Metrics["ctrnn.params"])
		}
	})

	t.Run("synthesis from stored results", func(t *testing.T) {
		res, _ := run.Result("synthesis")
		ctr, _ := run.Result("ctrnn")
		snnRes, _ := run.Result("snn")
		if res.Metrics["rows"] != 8 {
			t.Errorf("synthesis has %v rows, want 8 (5 models, best AR, NVAR, persistence)", res.Metrics["rows"])
		}
		md := strings.Join(res.Text, "\n")
		for _, want := range []string{"| CT-RNN | ctrnn | reference | 4547 |", "| ESN (100 tanh units; classic comparison) | esn | bigger |", "| persistence | baseline | baseline |"} {
			if !strings.Contains(md, want) {
				t.Errorf("synthesis Markdown lacks %q:\n%s", want, md)
			}
		}
		rep, err := os.ReadFile(filepath.Join(cfg.OutDir, ReportName))
		if err != nil || !strings.Contains(string(rep), "| CT-RNN | ctrnn | reference |") {
			t.Errorf("report.md lacks the synthesis table: %v", err)
		}
		tab, err := analysis.ReadSynthesisHDF5(filepath.Join(cfg.OutDir, "synthesis", "synthesis.h5"))
		if errors.Is(err, export.ErrNoHDF5) {
			t.Skip("built without HDF5")
		}
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]analysis.SynthesisRow{}
		for _, r := range tab.Rows {
			byName[r.Name] = r
		}
		c := byName["CT-RNN"]
		if c.OneStep.RMSE != ctr.Metrics["ctrnn.test.rmse"] || c.VPTLyapunov.Median != ctr.Metrics["ctrnn.vpt.lyap.median"] ||
			c.OneStep.R2[2] != ctr.Metrics["ctrnn.test.r2_z"] {
			t.Errorf("synthesis row %+v differs from the ctrnn stage's metrics", c)
		}
		s := byName["trained SNN (128E/32I)"]
		if len(s.Rates) != 2 || s.Rates[0].MeanHz != snnRes.Metrics["snn.rate.E.mean_hz"] {
			t.Errorf("synthesis SNN rates %+v, want the snn stage's", s.Rates)
		}
	})

	t.Run("train and analyze print the stage's numbers", func(t *testing.T) {
		res, _ := run.Result("ctrnn")
		dir := filepath.Join(cfg.OutDir, "ctrnn")
		tr, err := TrainModel(ctx, cfg, TrainRequest{Kind: KindCTRNN, Data: LorenzSpec(cfg.Data.Lorenz), Dir: dir, File: "ctrnn_lorenz.npz"})
		if err != nil {
			t.Fatal(err)
		}
		if !tr.Loaded {
			t.Error("TrainModel trained again instead of reloading the stage's model")
		}
		f := tr.Forecast
		for k, v := range map[string]float64{"ctrnn.test.rmse": f.OneStep.RMSE, "ctrnn.vpt.lyap.median": f.VT.InLyapunov.Median,
			"ctrnn.lambda1.gen": f.Attractor.Gen.Lambda1, "ctrnn.d2.gen": f.Attractor.Gen.D2, "ctrnn.train_seconds": f.TrainSeconds} {
			// A NaN (an estimator that refused, such as λ₁ of a
			// generated trajectory that is not low-dimensional) is not
			// stored.
			if stored, ok := res.Metrics[k]; math.IsNaN(v) && ok || !math.IsNaN(v) && v != stored {
				t.Errorf("TrainModel: %s = %v, the stage stored %v (present %v)", k, v, stored, ok)
			}
		}
		m, err := LoadModel(filepath.Join(dir, "ctrnn_lorenz.npz"))
		if err != nil {
			t.Fatal(err)
		}
		// The history keeps each epoch's selection metric (the negated
		// median valid time on the validation split); the kept epoch
		// (BestEpoch, 1-based over all phases) has the lowest of all
		// phases: a fine-tuning phase that ends worse does not replace an
		// earlier phase's best.
		h := m.Meta.History
		if be := m.Meta.BestEpoch; be < 1 || be > len(h) || m.Meta.Epochs != len(h) {
			t.Errorf("%d epochs in the history, meta %d epochs, best epoch %d", len(h), m.Meta.Epochs, be)
		} else {
			for _, e := range h {
				if v := float64(e.Metric); math.IsNaN(v) || v > 0 {
					t.Errorf("phase %d, epoch %d: metric %v", e.Phase, e.Epoch, v)
				}
				if v := float64(e.Metric); v < float64(h[be-1].Metric) {
					t.Errorf("phase %d, epoch %d: metric %v below the kept epoch %d's %v", e.Phase, e.Epoch, v, be, h[be-1].Metric)
				}
			}
		}
		d, err := m.Meta.Data.Forecasting()
		if err != nil {
			t.Fatal(err)
		}
		met, err := analysis.EvaluateBatch(d, "test", m.CTRNN)
		if err != nil {
			t.Fatal(err)
		}
		if met.RMSE != res.Metrics["ctrnn.test.rmse"] {
			t.Errorf("reloaded model: test RMSE %v, stage %v", met.RMSE, res.Metrics["ctrnn.test.rmse"])
		}
		tabs, err := Analyze(ctx, cfg, AnalyzeRequest{What: "closedloop", Model: filepath.Join(cfg.OutDir, "snn", "reservoir_lorenz.npz")})
		if err != nil {
			t.Fatal(err)
		}
		snnRes, _ := run.Result("snn")
		want := num(snnRes.Metrics["reservoir.test.rmse"])
		if got := tabs[0].Markdown(); !strings.Contains(got, "| one-step test RMSE (original units) | "+want+" |") {
			t.Errorf("analyze closedloop of the reloaded reservoir does not print the stage's RMSE %s:\n%s", want, got)
		}
		for _, what := range []string{"lyapunov", "dimension", "spikes"} {
			model := filepath.Join(cfg.OutDir, "snn", "snn_lorenz.npz")
			if _, err := Analyze(ctx, cfg, AnalyzeRequest{What: what, Model: model}); err != nil {
				t.Errorf("analyze %s: %v", what, err)
			}
		}
		if _, err := Analyze(ctx, cfg, AnalyzeRequest{What: "fixedpoints", Model: filepath.Join(cfg.OutDir, "flipflop", "ctrnn_flipflop.npz")}); err != nil {
			t.Errorf("analyze fixedpoints: %v", err)
		}
	})

	t.Run("resume", func(t *testing.T) {
		before := finished(t, cfg.OutDir)
		if _, err := Execute(ctx, cfg, Options{}); err != nil {
			t.Fatal(err)
		}
		after := finished(t, cfg.OutDir)
		if r := rerun(before, after); len(r) != 0 {
			t.Errorf("an unchanged configuration reran %v", r)
		}
		// A fixed-point key affects only the flip-flop stage, which
		// reloads its models instead of training them again.
		c2 := cfg
		if err := c2.Set("analysis.fixed_point_starts", "16"); err != nil {
			t.Fatal(err)
		}
		r2, err := Execute(ctx, c2, Options{})
		if err != nil {
			t.Fatal(err)
		}
		after2 := finished(t, cfg.OutDir)
		if r := rerun(after, after2); strings.Join(r, ",") != "flipflop" {
			t.Errorf("changing analysis.fixed_point_starts reran %v, want [flipflop]", r)
		}
		if res, _ := r2.Result("flipflop"); !strings.Contains(strings.Join(res.Notes, " "), "reloaded from ctrnn_flipflop.npz") {
			t.Errorf("flip-flop models were not reloaded: %q", res.Notes)
		}
		// A closed-loop key affects every stage that measures closed
		// loops, and the synthesis built from them.
		c3 := c2
		if err := c3.Set("analysis.closed_loop_starts", "8"); err != nil {
			t.Fatal(err)
		}
		r3, err := Execute(ctx, c3, Options{})
		if err != nil {
			t.Fatal(err)
		}
		after3 := finished(t, cfg.OutDir)
		if r := rerun(after2, after3); strings.Join(r, ",") != "baselines,ctrnn,ctrnn-solvers,rate,snn,snn-extras,synthesis" {
			t.Errorf("changing analysis.closed_loop_starts reran %v", r)
		}
		if res, _ := r3.Result("ctrnn"); res.Metrics["ctrnn.vpt.starts"] != 8 || !strings.Contains(strings.Join(res.Notes, " "), "reloaded") {
			t.Errorf("ctrnn rerun: starts %v, notes %q", res.Metrics["ctrnn.vpt.starts"], res.Notes)
		}
	})

	t.Run("report", func(t *testing.T) {
		c := cfg
		c.Analysis.ClosedLoopStarts, c.Analysis.FixedPointStarts = 8, 16
		path, err := WriteReport(c)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), "Rebuilt") || !strings.Contains(string(b), "## 05 ·") || strings.Contains(string(b), "stale") {
			t.Errorf("rebuilt report: %v\n%.400s", err, b)
		}
		// With the original configuration, the stages that reran are stale.
		if _, err := WriteReport(cfg); err != nil {
			t.Fatal(err)
		}
		b, _ = os.ReadFile(path)
		if !strings.Contains(string(b), "made with another configuration") || !strings.Contains(string(b), "ctrnn") {
			t.Errorf("report with another configuration does not list the stale stages:\n%.600s", b)
		}
	})
}

// TestKilledTrainingResumes kills a run in the middle of the CT-RNN's
// training and checks that the rerun resumes from the checkpoint and ends
// with exactly the weights of an uninterrupted run.
func TestKilledTrainingResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the quick CT-RNN three times")
	}
	cfg := smallConfig(t)
	cfg.Stages = []string{"data", "baselines", "ctrnn"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Execute(ctx, cfg, Options{Progress: func(stage, task string, done, total int) {
		if stage == "ctrnn" && done == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("killed run: err = %v, want context.Canceled", err)
	}
	ck, _ := filepath.Glob(filepath.Join(cfg.OutDir, "ctrnn", "checkpoints", "*.npz"))
	if len(ck) != 1 {
		t.Fatalf("checkpoints after the kill: %v", ck)
	}
	if _, err := os.Stat(filepath.Join(cfg.OutDir, "ctrnn", "result.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the killed stage left a result")
	}
	var resumedFrom int
	r, err := Execute(context.Background(), cfg, Options{Progress: func(stage, task string, done, total int) {
		if stage == "ctrnn" && resumedFrom == 0 {
			resumedFrom = done
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := float64(leaky.Epochs(cfg.CTRNNLorenzRecipe().Phases))
	if res, _ := r.Result("ctrnn"); res.Metrics["ctrnn.epochs"] != want {
		t.Errorf("resumed training ran %v epochs in all, want the recipe's %v", res.Metrics["ctrnn.epochs"], want)
	}
	if resumedFrom != 1 {
		t.Logf("first progress report after resuming: epoch %d of the rerun", resumedFrom)
	}
	if ck, _ := filepath.Glob(filepath.Join(cfg.OutDir, "ctrnn", "checkpoints", "*")); len(ck) != 0 {
		t.Errorf("checkpoints left after training: %v", ck)
	}
	ref := cfg
	ref.OutDir = t.TempDir()
	if _, err := Execute(context.Background(), ref, Options{}); err != nil {
		t.Fatal(err)
	}
	a, b := loadParams(t, filepath.Join(cfg.OutDir, "ctrnn", "ctrnn_lorenz.npz")), loadParams(t, filepath.Join(ref.OutDir, "ctrnn", "ctrnn_lorenz.npz"))
	if len(a) != len(b) {
		t.Fatalf("parameter counts differ: %d, %d", len(a), len(b))
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("parameter %d: resumed %v, uninterrupted %v", i, a[i], b[i])
		}
	}
}

func loadParams(t *testing.T, path string) []float32 {
	t.Helper()
	m, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	return append([]float32(nil), m.CTRNN.Params().Flat()...)
}

func TestConfigKeys(t *testing.T) {
	keys := map[string]Key{}
	for _, k := range Keys() {
		keys[k.Name] = k
	}
	for name, kind := range map[string]string{"seed": "uint", "quick": "bool", "stages": "strings", "data.lorenz.dt": "float",
		"models.ctrnn": "string", "analysis.free_run_steps": "int"} {
		k, ok := keys[name]
		if !ok || k.Kind != kind || k.Doc == "" {
			t.Errorf("key %s: %+v, want kind %s and a doc", name, k, kind)
		}
	}
	if keys["models.ctrnn"].Default != "default" || keys["data.lorenz.seed"].Default != "42" {
		t.Errorf("defaults: %+v %+v", keys["models.ctrnn"], keys["data.lorenz.seed"])
	}
	for _, c := range []struct{ key, value, want string }{
		{"models.ctrnn", "bigger", `"default" or "reference"`},
		{"analysis.free_run_steps", "500", ">= 1000"},
		{"analysis.closed_loop_starts", "-1", ">= 0"},
		{"analysis.closed_loop_horizon", "99990", "data.lorenz.eval_t"},
		{"data.lorenz.eval_t", "10", "closed-loop"},
		{"seed", "x", "a non-negative integer"},
		{"analysis.nope", "1", "unknown configuration key"},
		{"analysis", "1", "unknown configuration key"},
	} {
		cfg := DefaultConfig()
		before := cfg.TOML()
		err := cfg.Set(c.key, c.value)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, param.ErrInvalid) {
			t.Errorf("Set(%s, %s) = %v, want a param error mentioning %q", c.key, c.value, err, c.want)
		}
		if cfg.TOML() != before {
			t.Errorf("Set(%s, %s) failed but changed the configuration", c.key, c.value)
		}
	}
	cfg := DefaultConfig()
	if err := cfg.Set("stages", "data, ctrnn"); err != nil || strings.Join(cfg.Stages, ",") != "data,ctrnn" {
		t.Errorf("Set(stages) = %v, %v", cfg.Stages, err)
	}
	_, err := ParseConfig("[models]\nctrnn = \"x\"\n", "m.toml")
	if err == nil || !strings.Contains(err.Error(), "m.toml") || !strings.Contains(err.Error(), "models.ctrnn") {
		t.Errorf("bad recipe in a file: %v", err)
	}
	_, err = ParseConfig("[analysis]\nfree_run = 3\n", "a.toml")
	if err == nil || !strings.Contains(err.Error(), "a.toml:2") || !strings.Contains(err.Error(), "free_run_steps") {
		t.Errorf("unknown analysis key: %v", err)
	}
}

func TestSeedShift(t *testing.T) {
	c := DefaultConfig()
	if got, want := c.CTRNNLorenzRecipe().JSON(), c.CTRNNLorenzRecipe().JSON(); got != want {
		t.Fatal("recipes are not deterministic")
	}
	r := c.CTRNNFlipFlopRecipe()
	c.Seed = 43
	r2 := c.CTRNNFlipFlopRecipe()
	if r2.Model.Seed != r.Model.Seed+1 || r2.Phases[0].Train.Seed != r.Phases[0].Train.Seed+1 {
		t.Errorf("seed 43 should shift the recipe seeds by 1: %d→%d, %d→%d", r.Model.Seed, r2.Model.Seed, r.Phases[0].Train.Seed, r2.Phases[0].Train.Seed)
	}
	if c.ReservoirSetup().Seed != 1 || c.ESNSetup().Seed != 1 {
		t.Errorf("reservoir and ESN seeds at master seed 43: %d, %d, want 1", c.ReservoirSetup().Seed, c.ESNSetup().Seed)
	}
}

func TestModelFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadModelMeta(filepath.Join(dir, "none.npz")); err == nil {
		t.Error("missing file: no error")
	}
	// A parameter file without pipeline metadata is rejected by name.
	p, err := learn.NewParams[float32](learn.ParamSpec{Name: "w", Shape: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.npz")
	if err := learn.SaveParams(plain, p, "not json"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(plain); err == nil || !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), ModelFormat) {
		t.Errorf("LoadModel of a foreign file: %v", err)
	}
	// NaN and infinities survive the metadata as null.
	for _, v := range []float64{1.5, math.NaN(), math.Inf(1)} {
		b, err := JSONReal(v).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var back JSONReal
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		if !(float64(back) == v || (math.IsNaN(float64(back)) && (math.IsNaN(v) || math.IsInf(v, 0)))) {
			t.Errorf("JSONReal %v → %s → %v", v, b, back)
		}
	}
	if err := new(JSONReal).UnmarshalJSON([]byte(`"x"`)); err == nil {
		t.Error("JSONReal accepted a string")
	}
}
