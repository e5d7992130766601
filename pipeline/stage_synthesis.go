package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
)

// synthesisSources are the stages whose measured models the synthesis
// table compares, in table order (models first, baselines last).
var synthesisSources = []string{"ctrnn", "rate", "snn", "baselines"}

func synthesisStage() Stage {
	return Stage{
		Name:  "synthesis",
		Title: "04 · synthesis: every model side by side — one-step skill, closed loop, the attractor it generates",
		Needs: synthesisSources,
		// The table is built from the stored results of the stages it
		// needs, so its key is theirs: a change of any of their
		// configurations (a model recipe, the data, the closed-loop
		// settings) makes a stored synthesis stale. When one of them runs
		// again with the same configuration, so does this one (newerNeed).
		Key: synthesisKey,
		Run: runSynthesis,
	}
}

// synthesisVersion changes when the synthesis tables change shape, so that
// results of an older neurodyn are rebuilt.
const synthesisVersion = 2

// synthesisKey is the synthesis stage's key: the key hashes of the stages
// it reads (synthesisSources), in order, and synthesisVersion.
func synthesisKey(c *Config) any {
	hashes := make([]string, 0, len(synthesisSources))
	for _, name := range synthesisSources {
		for _, s := range Stages() {
			if s.Name == name {
				hashes = append(hashes, name+"="+keyHash(c, s))
			}
		}
	}
	return struct {
		Sources []string
		Version int
	}{hashes, synthesisVersion}
}

// SynthesisFromResults builds the synthesis table from the stored results
// of the model stages (their Models and Metrics), never by measuring
// again: the numbers are exactly those the stages (and the CLI commands
// calling the same functions) reported.
func SynthesisFromResults(results map[string]*Result, dim int, quick bool) (*analysis.SynthesisTable, error) {
	t := &analysis.SynthesisTable{Title: "Lorenz-63: the tutorial's models side by side", Task: "lorenz63", Variables: varNames(dim)}
	for _, stage := range synthesisSources {
		res, ok := results[stage]
		if !ok {
			return nil, fmt.Errorf("pipeline: synthesis: no stored result of stage %s", stage)
		}
		for _, m := range res.Models {
			row := RowFromMetrics(res.Metrics, m.Key, m.Name, m.Kind, analysis.SynthesisLabel(m.Label), dim, m.Rates)
			row.Notes = synthesisNote(res.Metrics, m)
			if v := freeRunVerdict(res.Metrics, m.Key, dim); v.flag != "" {
				// The λ₁ cell names its estimator; an unfaithful free run
				// makes λ₁ and D₂ no evidence of a learnt attractor.
				row.Lambda1Method += "; " + v.flag
				row.Notes = joinNotes(v.flag+": "+v.why, row.Notes)
			}
			t.Rows = append(t.Rows, row)
		}
	}
	t.Notes = append(t.Notes,
		"Every number is read from the stored results of the stages ctrnn, rate, snn and baselines (result.json); nothing is retrained or re-measured here.",
		"λ₁ and D₂ are estimated the same way on each model's free run and on the same length of the true trajectory that follows the same warm-up ("+Lambda1Method+"; Grassberger–Procaccia with automatic scaling region); the literature values are 0.906 and 2.05. The λ₁ column is that estimator for every row; λ₁ from the model's own Jacobians (QR along its closed loop), where the model has them, is in the notes.",
		fmt.Sprintf("A free run's λ₁ and D₂ say something about the learnt attractor only when the free run covers the true one: a row whose free run is %q (W₁ distance of a variable's distribution to the true one above %.2g standard deviations, e.g. a run that stays on one wing) or %q (diverged, or settled on a fixed point or cycle) is marked in its λ₁ cell and notes; the attractor-fidelity table below gives the figures.", flagUnfaithful, maxFaithfulW1, flagCollapsed),
		"Training time is the wall-clock time of the run that trained the model (models reloaded from their files keep it); for ridge readouts it is harvest plus fit.")
	if quick {
		t.Notes = append(t.Notes, "Quick mode: CI-sized recipes, shorter free runs and fewer closed-loop starts; the figures are not the tutorial's results.")
	}
	return t, t.Validate()
}

// maxFaithfulW1 is the largest W₁/std (per variable, free run against the
// true continuation) of a free run called faithful. On the tutorial's seed
// 42 the faithful runs have at most 0.21 (CT-RNN 0.18, ESN 0.21, rate and
// reservoir < 0.07) and the trained SNN's, which stays on one wing, 1.05.
const maxFaithfulW1 = 0.5

// The free-run verdicts marked in the synthesis table.
const (
	flagUnfaithful = "free run unfaithful"
	flagCollapsed  = "free run collapsed"
)

// verdict is a free run's attractor fidelity: flag is "" for a faithful
// run (or a model without a free run), else flagUnfaithful or
// flagCollapsed with the reason.
type verdict struct {
	flag, why string
	w1        float64 // the largest W₁/std over the variables (NaN: none)
}

// freeRunVerdict judges the free run of the model key from its stored
// metrics: collapsed when its D₂ is below 1, or it has neither λ₁ nor D₂,
// or no W₁ (diverged, a fixed point or a cycle), unfaithful when a
// variable's W₁/std exceeds maxFaithfulW1 (then a λ₁ or D₂ it has is no
// evidence of a Lorenz attractor).
func freeRunVerdict(m map[string]float64, key string, dim int) verdict {
	k := key + "."
	if _, ok := m[k+"vpt.starts"]; !ok {
		return verdict{w1: math.NaN()} // one-step only: no free run
	}
	v := verdict{w1: math.NaN()}
	for _, name := range varNames(dim) {
		if w, ok := m[k+"w1_rel_"+name]; ok && !(w <= v.w1) {
			v.w1 = w
		}
	}
	l1, d2 := get(m, k+"lambda1.gen"), get(m, k+"d2.gen")
	switch {
	case d2 < 1 || (math.IsNaN(l1) && math.IsNaN(d2)) || math.IsNaN(v.w1):
		v.flag, v.why = flagCollapsed, fmt.Sprintf("λ₁ %s, D₂ %s of the free run: diverged, or a fixed point or cycle", num(l1), num(d2))
	case v.w1 > maxFaithfulW1:
		v.flag, v.why = flagUnfaithful, fmt.Sprintf("W₁/std up to %.3g (> %.2g): it does not cover the true attractor, so its λ₁ and D₂ are no evidence of one", v.w1, maxFaithfulW1)
	}
	return v
}

// joinNotes joins non-empty notes with "; ".
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// fidelityTable reports each free run's attractor fidelity beside its λ₁
// and D₂, with the estimator of each λ₁.
func fidelityTable(results map[string]*Result, dim int) Table {
	t := Table{Title: "Attractor fidelity of each free run: are λ₁ and D₂ those of a Lorenz attractor?",
		Header: []string{"model", "W₁/std " + strings.Join(varNames(dim), ", ") + " (faithful ≤ " + fmt.Sprint(maxFaithfulW1) + ")",
			"λ₁ gen / true (" + Lambda1Method + ")", "λ₁ from the model's Jacobians (QR)", "D₂ gen / true", "verdict"}}
	for _, s := range synthesisSources {
		res := results[s]
		for _, m := range res.Models {
			mm := res.Metrics
			k := m.Key + "."
			if _, ok := mm[k+"vpt.starts"]; !ok {
				continue
			}
			v := freeRunVerdict(mm, m.Key, dim)
			var w []string
			for _, name := range varNames(dim) {
				w = append(w, num(get(mm, k+"w1_rel_"+name)))
			}
			verdict := "faithful"
			if v.flag != "" {
				verdict = v.flag + ": " + v.why
			}
			t.Rows = append(t.Rows, []string{shortName(m), strings.Join(w, ", "),
				num(get(mm, k+"lambda1.gen")) + " / " + num(get(mm, k+"lambda1.true")), num(get(mm, k+"lambda1.qr")),
				num(get(mm, k+"d2.gen")) + " / " + num(get(mm, k+"d2.true")), verdict})
		}
	}
	return t
}

// synthesisNote is the notes cell of a row: the spiking controls.
func synthesisNote(m map[string]float64, ref ModelRef) string {
	k := ref.Key + "."
	var s string
	if r, ok := m[k+"ridge"]; ok {
		s = "chosen on val: " + nvarChoice(r, get(m, k+"val.vt"))
	}
	if v, ok := m[k+"input_only_ratio"]; ok {
		s = fmt.Sprintf("readout refitted without spikes (input and bias): RMSE ×%.3g", v)
	}
	if v, ok := m[k+"rates.below_1hz"]; ok {
		s += fmt.Sprintf("; %.0f%% of neurons < 1 Hz, %.0f%% > 50 Hz", 100*v, 100*get(m, k+"rates.above_50hz"))
	}
	if v, ok := m[k+"lambda1.qr"]; ok {
		if s != "" {
			s += "; "
		}
		s += fmt.Sprintf("λ₁ from the model's Jacobians (QR) %.3g", v)
	}
	return s
}

// target is one Done-when figure checked against the stored results.
type target struct {
	what, key string
	cmp       func(v float64) bool
	want      string
}

// targetsTable checks the Done-when figures of the model issues. They are
// the full run's targets: a quick run (CI-sized recipes and data) is judged
// against the same figures, and its table says so, since quick models are
// not expected to meet them.
func targetsTable(m map[string]map[string]float64, quick bool) Table {
	t := Table{Title: "Targets of the model issues, checked on this run's stored results",
		Header: []string{"target", "value", "wanted", "met"}}
	if quick {
		t.Title = "Targets of the model issues (the full run's targets; this quick run's CI-sized models are not expected to meet them), checked on this run's stored results"
		t.Header[3] = "met (by the full run's target)"
	}
	within := func(ref, rel float64) func(float64) bool {
		return func(v float64) bool { return math.Abs(v/ref-1) <= rel }
	}
	for _, x := range []struct {
		stage string
		target
	}{
		{"ctrnn", target{"CT-RNN one-step test RMSE (original units)", "ctrnn.test.rmse", func(v float64) bool { return v <= 0.004 }, "≤ 0.004"}},
		{"ctrnn", target{"CT-RNN closed-loop median valid time (Lyapunov times)", "ctrnn.vpt.lyap.median", func(v float64) bool { return v >= 5 }, "≥ 5"}},
		{"ctrnn", target{"CT-RNN closed-loop λ₁ from its Jacobians", "ctrnn.lambda1.qr", within(0.906, 0.15), "0.906 ± 15%"}},
		{"ctrnn", target{"CT-RNN D₂ of its free run", "ctrnn.d2.gen", func(v float64) bool { return math.Abs(v-2.05) <= 0.1 }, "2.05 ± 0.1"}},
		{"rate", target{"balanced rate one-step test RMSE", "rate.test.rmse", func(v float64) bool { return v <= 0.01 }, "≤ 0.01"}},
		{"rate", target{"balanced rate median valid time (Lyapunov times)", "rate.vpt.lyap.median", func(v float64) bool { return v >= 3 }, "≥ 3"}},
		{"snn", target{"trained SNN one-step test RMSE", "snn.test.rmse", func(v float64) bool { return v <= 0.2 }, "≤ 0.2"}},
		{"snn", target{"trained SNN: RMSE of a readout refitted on input and bias only / RMSE", "snn.input_only_ratio", func(v float64) bool { return v >= 3 }, "≥ 3"}},
		{"snn", target{"reservoir one-step test RMSE", "reservoir.test.rmse", func(v float64) bool { return v <= 0.04 }, "≤ 0.04"}},
		{"snn", target{"reservoir: RMSE of a readout refitted on input and bias only / RMSE", "reservoir.input_only_ratio", func(v float64) bool { return v >= 3 }, "≥ 3"}},
		{"snn", target{"reservoir median valid time (Lyapunov times)", "reservoir.vpt.lyap.median", func(v float64) bool { return v >= 1 }, "≥ 1"}},
	} {
		v := get(m[x.stage], x.key)
		met := "no"
		switch {
		case math.IsNaN(v):
			met = "not measured"
		case x.cmp(v):
			met = "yes"
		}
		t.Rows = append(t.Rows, []string{x.what, num(v), x.want, met})
	}
	return t
}

func runSynthesis(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("synthesis")
	if err != nil {
		return nil, err
	}
	d, err := r.Lorenz()
	if err != nil {
		return nil, err
	}
	results := map[string]*Result{}
	metrics := map[string]map[string]float64{}
	for _, s := range synthesisSources {
		res, _ := r.Result(s)
		results[s], metrics[s] = res, res.Metrics
	}
	tab, err := SynthesisFromResults(results, d.Dim, r.Cfg.Quick)
	if err != nil {
		return nil, err
	}
	res := &Result{Metrics: map[string]float64{}}
	var md bytes.Buffer
	if err := tab.WriteMarkdown(&md); err != nil {
		return nil, err
	}
	res.Text = append(res.Text, md.String())
	res.Tables = append(res.Tables, fidelityTable(results, d.Dim), targetsTable(metrics, r.Cfg.Quick))
	res.Tables = append(res.Tables, referenceAttractorTable(metrics)) // synthesis_reference.go
	res.Metrics["rows"] = float64(len(tab.Rows))

	h5 := filepath.Join(dir, "synthesis.h5")
	prov := export.NewProvenance(r.Cfg.TOML(), "toml", export.Seed{Name: "seed", Value: r.Cfg.Seed})
	switch err := tab.WriteHDF5(h5, export.Overwrite(), export.WithProvenance(prov)); {
	case err == nil:
		res.Files = append(res.Files, r.Rel(h5))
	case errors.Is(err, export.ErrNoHDF5):
		res.Notes = append(res.Notes, "This neurodyn was built without HDF5: synthesis.h5 was not written.")
	default:
		return nil, err
	}

	// λ₁ and D₂ bars, generated against true.
	var labels []string
	var lg, lt, dg, dt []float64
	var keys []ModelRef
	for _, s := range synthesisSources {
		for _, m := range results[s].Models {
			if _, ok := results[s].Metrics[m.Key+".vpt.starts"]; !ok {
				continue // one-step-only baselines have no free run
			}
			keys = append(keys, m)
			labels = append(labels, shortName(m))
			mm := results[s].Metrics
			lg, lt = append(lg, get(mm, m.Key+".lambda1.gen")), append(lt, get(mm, m.Key+".lambda1.true"))
			dg, dt = append(dg, get(mm, m.Key+".d2.gen")), append(dt, get(mm, m.Key+".d2.true"))
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("pipeline: synthesis: the stored results of %v list no measured models (results of an older neurodyn? rerun them with --force)", synthesisSources)
	}
	bl, err := barGroups("largest Lyapunov exponent ("+Lambda1Method+")", "λ₁ (1/time unit)", labels, [][]float64{lg, lt}, []string{"generated", "true"})
	if err != nil {
		return nil, err
	}
	bd, err := barGroups("correlation dimension", "D₂", labels, [][]float64{dg, dt}, []string{"generated", "true"})
	if err != nil {
		return nil, err
	}
	p, err := r.figure(dir, "synthesis_lambda_d2", 34, 12, [][]*plot.Plot{{bl, bd}})
	if err != nil {
		return nil, err
	}
	res.Figures = append(res.Figures, p)

	// Generated attractors side by side, read from the stages' free runs.
	truth, err := r.Truth()
	if err != nil {
		return nil, err
	}
	var panels []*plot.Plot
	tp, err := projection("true attractor", truth.Data[:min(freeRunSamples, truth.N)*d.Dim], d.Dim, 0, d.Dim-1, [2]string{"x", "z"}, palette[6])
	if err != nil {
		return nil, err
	}
	panels = append(panels, tp)
	for k, m := range keys {
		stage := stageOf(results, m.Key)
		gen, err := readFreeRun(filepath.Join(r.Cfg.OutDir, stage, freeRunFile(m.Key)))
		if err != nil {
			return nil, err
		}
		if len(gen) == 0 {
			p := plot.New()
			p.Title.Text = shortName(m) + ": diverged"
			panels = append(panels, p)
			continue
		}
		p, err := projection(shortName(m), gen, d.Dim, 0, d.Dim-1, [2]string{"x", "z"}, palette[k%6])
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	// One scale for all: a free run stuck on one wing looks as small as it is.
	shareAttractorAxes(truth.Data[:min(freeRunSamples, truth.N)*d.Dim], d.Dim, 0, d.Dim-1, panels...)
	const cols = 4
	var grid [][]*plot.Plot
	for i := 0; i < len(panels); i += cols {
		row := make([]*plot.Plot, cols)
		copy(row, panels[i:min(i+cols, len(panels))])
		grid = append(grid, row)
	}
	p, err = r.figure(dir, "synthesis_attractors", 40, 10*float64(len(grid)), grid)
	if err != nil {
		return nil, err
	}
	res.Figures = append(res.Figures, p)
	return res, ctx.Err()
}

// shortName is a model's label in figures.
func shortName(m ModelRef) string {
	switch m.Key {
	case "ctrnn":
		return "CT-RNN"
	case "rate":
		return "balanced rate"
	case "snn":
		return "trained SNN"
	case "reservoir":
		return "LIF reservoir"
	case "esn":
		return "ESN"
	}
	return m.Name
}

// stageOf returns the stage whose result lists the model key.
func stageOf(results map[string]*Result, key string) string {
	for s, res := range results {
		for _, m := range res.Models {
			if m.Key == key {
				return s
			}
		}
	}
	return ""
}

// readFreeRun reads the samples a stage saved with saveFreeRun (a missing
// file — baselines keep none — reads as no samples).
func readFreeRun(path string) ([]float64, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	arrays, err := export.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	for _, a := range arrays {
		if a.Name == "generated" {
			return export.NPZData[float64](a)
		}
	}
	return nil, fmt.Errorf("pipeline: %s has no array \"generated\"", path)
}
