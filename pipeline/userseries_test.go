package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/tasks"
)

// writeRossler writes n samples of the Rössler attractor (a = b = 0.2,
// c = 5.7; λ₁ ≈ 0.071 per time unit) at sample interval dt as CSV, by RK4
// with 10 steps per sample after a transient of 500 time units.
func writeRossler(t *testing.T, n int, dt float64) string {
	t.Helper()
	f := analysis.Rossler{}
	x := []float64{1, 1, 1}
	k := make([][]float64, 4)
	for i := range k {
		k[i] = make([]float64, 3)
	}
	tmp := make([]float64, 3)
	h := dt / 10
	step := func() {
		f.VectorField(k[0], x)
		for j := range tmp {
			tmp[j] = x[j] + h/2*k[0][j]
		}
		f.VectorField(k[1], tmp)
		for j := range tmp {
			tmp[j] = x[j] + h/2*k[1][j]
		}
		f.VectorField(k[2], tmp)
		for j := range tmp {
			tmp[j] = x[j] + h*k[2][j]
		}
		f.VectorField(k[3], tmp)
		for j := range x {
			x[j] += h / 6 * (k[0][j] + 2*k[1][j] + 2*k[2][j] + k[3][j])
		}
	}
	for i := 0; i < int(500/h); i++ {
		step()
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		for j, v := range x {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		b.WriteByte('\n')
		for s := 0; s < 10; s++ {
			step()
		}
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("rossler%d.csv", n))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rosslerModel is a quick CT-RNN trained once on 6,000 Rössler samples at
// dt 0.1 (test split 900 samples), shared by the tests of a series.
var rosslerModel struct {
	once sync.Once
	dir  string
	cfg  Config
	data DataSpec
	res  *TrainResult
	err  error
}

// TestMain removes the shared model's directory.
func TestMain(m *testing.M) {
	code := m.Run()
	if rosslerModel.dir != "" {
		os.RemoveAll(rosslerModel.dir)
	}
	os.Exit(code)
}

func trainRossler(t *testing.T) (Config, DataSpec, *TrainResult) {
	t.Helper()
	if testing.Short() {
		t.Skip("trains a CT-RNN")
	}
	r := &rosslerModel
	r.once.Do(func() {
		dir, err := os.MkdirTemp("", "rossler-model")
		if err != nil {
			r.err = err
			return
		}
		r.dir = dir
		src := writeRossler(t, 6000, 0.1)
		csv := filepath.Join(dir, "rossler.csv")
		b, err := os.ReadFile(src)
		if err == nil {
			err = os.WriteFile(csv, b, 0o644)
		}
		if err != nil {
			r.err = err
			return
		}
		r.cfg = DefaultConfig()
		r.cfg.Quick = true
		if r.data, r.err = SeriesFileSpec(csv, tasks.LoadOptions{}, tasks.SeriesConfig{Name: "series", Dt: 0.1}); r.err != nil {
			return
		}
		r.res, r.err = TrainModel(context.Background(), r.cfg, TrainRequest{Kind: KindCTRNN, Data: r.data, Dir: dir})
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.cfg, r.data, r.res
}

// TestSeriesStepTime: a CT-RNN trained on a series at dt 0.1 steps 0.1
// time units (it stepped 0.01, the Lorenz default, and its Jacobian
// spectrum came out 10 times too large), and a model file written with
// the old step time is analysed per time unit of the data.
func TestSeriesStepTime(t *testing.T) {
	cfg, _, res := trainRossler(t)
	m, err := LoadModel(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.CTRNN == nil {
		t.Fatal("not a ctrnn model")
	}
	if got := m.CTRNN.StepTime(); got != 0.1 {
		t.Fatalf("StepTime = %g, want the data's dt 0.1", got)
	}
	if res.Forecast.Spectrum == nil {
		t.Fatal("no Jacobian spectrum measured")
	}

	// The same parameters with the old step time 0.01.
	d, err := m.Meta.Data.Forecasting()
	if err != nil {
		t.Fatal(err)
	}
	oc := m.CTRNN.Config()
	oc.SampleDt = 0.01
	old, err := ctrnn.New[float32](oc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := learn.LoadParamsNPZ(old.Params(), res.Path); err != nil {
		t.Fatal(err)
	}
	warm := d.Test.Data[:analysis.DefaultWarmup*d.Dim]
	mc := analysis.MapSpectrumConfig{K: 2, Steps: 2000, Renorm: 10}
	want, err := analysis.ModelSpectrum(m.CTRNN, warm, mc)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := analysis.ModelSpectrum(old, warm, mc)
	if err != nil {
		t.Fatal(err)
	}
	fixed, note := dataStepMap(old, d.Dt)
	got, err := analysis.ModelSpectrum(fixed, warm, mc)
	if err != nil {
		t.Fatal(err)
	}
	if note == "" {
		t.Error("no note for a model file with another step time")
	}
	for j := range want.Exponents {
		if got.Exponents[j] != want.Exponents[j] {
			t.Errorf("λ%d of the old file per data time %g, want %g", j+1, got.Exponents[j], want.Exponents[j])
		}
		// The old step time scales the exponents by 1/dt.
		if r := raw.Exponents[j] / want.Exponents[j]; math.Abs(r-10) > 1e-9 {
			t.Errorf("λ%d at step time 0.01 / at 0.1 = %g, want 10", j+1, r)
		}
	}

	// analyze lyapunov on the old file reports the new file's exponents.
	meta := m.Meta
	cj, err := json.Marshal(oc)
	if err != nil {
		t.Fatal(err)
	}
	meta.Config = cj
	oldPath := filepath.Join(t.TempDir(), "old.npz")
	if err := saveParamsModel(oldPath, old.Params(), &meta); err != nil {
		t.Fatal(err)
	}
	jac := func(path string) (rows []string, notes string) {
		tabs, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "lyapunov", Model: path})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range tabs[0].Rows {
			if strings.Contains(r[0], "Jacobians") {
				rows = append(rows, r[0]+" "+r[1])
			}
			if r[0] == "note" {
				notes += r[1]
			}
		}
		return rows, notes
	}
	newRows, newNotes := jac(res.Path)
	oldRows, oldNotes := jac(oldPath)
	if len(newRows) == 0 || strings.Join(newRows, "|") != strings.Join(oldRows, "|") {
		t.Errorf("analyze lyapunov: old file %q, new file %q", oldRows, newRows)
	}
	if strings.Contains(newNotes, "step time") || !strings.Contains(oldNotes, "step time of 0.01") {
		t.Errorf("notes: new file %q, old file %q", newNotes, oldNotes)
	}
}

// TestSeriesClosedLoop: on a series, train measures the closed-loop valid
// time on the test split and compares the free run with the data, in
// Lyapunov times of the data's λ₁ (it printed one-step metrics only).
func TestSeriesClosedLoop(t *testing.T) {
	cfg, data, res := trainRossler(t)
	f := res.Forecast
	if f.VT == nil {
		t.Fatalf("no valid time; notes %q", f.Notes)
	}
	set := cfg.Settings()
	d, err := data.Forecasting()
	if err != nil {
		t.Fatal(err)
	}
	w := analysis.DefaultWarmup
	if n := len(f.VT.Starts); n != set.Starts || f.VT.Config.Horizon != min(set.Horizon, (d.Test.Len-w)/2) {
		t.Errorf("%d starts, horizon %d; want %d and %d", n, f.VT.Config.Horizon, set.Starts, min(set.Horizon, (d.Test.Len-w)/2))
	}
	if f.Attractor == nil {
		t.Fatalf("free run not compared; notes %q", f.Notes)
	}
	tr := f.Attractor.True
	if tr.Points != d.Test.Len-w {
		t.Errorf("truth of %d samples, want the test split after the warm-up (%d)", tr.Points, d.Test.Len-w)
	}
	// Rosenstein on 850 samples: the right order of magnitude (0.071).
	if !(tr.Lambda1 > 0.02 && tr.Lambda1 < 0.2) {
		t.Errorf("true λ₁ %g per time unit, want about 0.07", tr.Lambda1)
	}
	// The data's λ₁ for Lyapunov times, over the 4,200 train samples:
	// Rosenstein's estimate, 0.057 (the Rössler attractor's is 0.071;
	// the test split's 850 samples give 0.115).
	lam := f.Lambda1.Value
	if !(lam > 0.045 && lam < 0.09) || f.VT.Config.Lambda1 != lam || !strings.Contains(f.Lambda1.Source, "estimated from the data") || !strings.Contains(f.Lambda1.Source, "train split's last 4200 samples") {
		t.Errorf("Lyapunov times in λ₁ %v (config %g), want the data's, about 0.071", f.Lambda1, f.VT.Config.Lambda1)
	}
	for i := range f.VT.Time {
		if want := f.VT.Time[i] * lam; f.VT.Lyapunov[i] != want {
			t.Fatalf("start %d: %g Lyapunov times, want %g", i, f.VT.Lyapunov[i], want)
		}
	}
	table := res.Tables[0].Markdown()
	for _, want := range []string{"closed-loop valid time, Lyapunov times", "estimated from the data", "λ₁ generated / true", "test split"} {
		if !strings.Contains(table, want) {
			t.Errorf("train's table lacks %q:\n%s", want, table)
		}
	}

	t.Run("lambda1 given", func(t *testing.T) {
		tabs, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "closedloop", Model: res.Path, Lambda1: 0.071})
		if err != nil {
			t.Fatal(err)
		}
		if s := tabs[0].Markdown(); !strings.Contains(s, "0.071: given") {
			t.Errorf("analyze closedloop --lambda1 0.071:\n%s", s)
		}
		for _, bad := range []float64{-1, math.NaN(), math.Inf(1)} {
			_, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "closedloop", Model: res.Path, Lambda1: bad})
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "Lambda1") {
				t.Errorf("Lambda1 %g: %v, want a param error naming Lambda1", bad, err)
			}
		}
	})
}

// TestSeriesTooShort: a test split too short for the closed loop or the
// free run says what it needs.
func TestSeriesTooShort(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Quick = true
	for _, c := range []struct {
		n    int
		want []string
	}{
		{1200, []string{"test split has 180 samples, it needs at least 250", "it needs at least 550"}},
		{3000, []string{"test split has 450 samples, it needs at least 550"}},
	} {
		t.Run(strconv.Itoa(c.n), func(t *testing.T) {
			path := writeRossler(t, c.n, 0.1)
			data, err := SeriesFileSpec(path, tasks.LoadOptions{}, tasks.SeriesConfig{Name: "series", Dt: 0.1})
			if err != nil {
				t.Fatal(err)
			}
			res, err := TrainModel(context.Background(), cfg, TrainRequest{Kind: KindESN, Data: data, Dir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			notes := strings.Join(res.Forecast.Notes, "\n")
			for _, w := range c.want {
				if !strings.Contains(notes, w) {
					t.Errorf("notes %q lack %q", notes, w)
				}
			}
			if (res.Forecast.VT != nil) != (c.n == 3000) {
				t.Errorf("valid time measured: %v", res.Forecast.VT != nil)
			}
		})
	}
}

// TestSystemLambda1: Lyapunov times are in the true system's λ₁, not
// always Lorenz-63's 0.906.
func TestSystemLambda1(t *testing.T) {
	lorenz := func(rho float64) *tasks.Dataset {
		return &tasks.Dataset{Params: map[string]any{"task": "lorenz63", "sigma": 10.0, "rho": rho, "beta": 8.0 / 3}}
	}
	shortSeries, err := tasks.FromSplits([]tasks.RawSeries{
		{Data: []float64{1, 2, 4, 3, 1, 0, 2}, Len: 7, Dim: 1}, {Data: []float64{1, 2}, Len: 2, Dim: 1}, {Data: []float64{1, 2}, Len: 2, Dim: 1}},
		tasks.SeriesConfig{SeqLength: 1})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		d        *tasks.Dataset
		set      Settings
		want     float64
		tol      float64
		inSource string
	}{
		// The classic parameters keep the tutorial's 0.906 exactly.
		{"lorenz classic", lorenz(28), Settings{}, analysis.LorenzLambda1, 0, "ρ=28"},
		// ρ = 60: 1.394 by two nearby trajectories (NumPy RK4, dt 0.01,
		// renormalised every 0.1 over 600 time units).
		{"lorenz rho 60", lorenz(60), Settings{}, 1.394, 0.03, "from its Jacobian"},
		{"lorenz rho 28.0001", lorenz(28.0001), Settings{}, 0.906, 0.01, "from its Jacobian"},
		// ρ = 20: a stable fixed point (λ₁ ≈ −0.155, NumPy QR −0.155):
		// no Lyapunov time; it was passed on and refused by ValidTime.
		{"lorenz rho 20", lorenz(20), Settings{}, math.NaN(), 0, "not positive"},
		{"given", lorenz(60), Settings{Lambda1: 2.5}, 2.5, 0, "given"},
		{"series too short", shortSeries, Settings{}, math.NaN(), 0, "no estimate of the data's λ₁"},
		{"series given", shortSeries, Settings{Lambda1: 0.07}, 0.07, 0, "given"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := SystemLambda1(c.d, c.set)
			if math.IsNaN(c.want) != math.IsNaN(got.Value) || math.Abs(got.Value-c.want) > c.tol || !strings.Contains(got.Source, c.inSource) {
				t.Errorf("SystemLambda1 = %+v, want %g ± %g from %q", got, c.want, c.tol, c.inSource)
			}
		})
	}

	// closedLoopAt measures persistence's valid times on Lorenz at rho.
	closedLoopAt := func(t *testing.T, rho float64) *analysis.ValidTimes {
		t.Helper()
		lc := DefaultConfig().Data.Lorenz
		lc.Rho = rho
		lc.TrainT, lc.ValT, lc.TestT, lc.EvalT = 20, 5, 5, 20
		d, err := LorenzSpec(lc).Forecasting()
		if err != nil {
			t.Fatal(err)
		}
		set := Settings{Starts: 5, Horizon: 200, FreeRun: 100}
		vt, _, _, err := closedLoop(context.Background(), d, analysis.NewPersistence(3), set, nil)
		if err != nil {
			t.Fatalf("closed loop at ρ = %g: %v", rho, err)
		}
		return vt
	}
	t.Run("closed loop at rho 20", func(t *testing.T) {
		// Not chaotic: valid times in time units only.
		if vt := closedLoopAt(t, 20); vt == nil || !math.IsNaN(vt.Config.Lambda1) || !math.IsNaN(vt.InLyapunov.Median) || !(vt.InTime.Median > 0) {
			t.Errorf("valid times at ρ = 20: %+v, want them in time units only (Lyapunov times NaN)", vt)
		}
	})
	t.Run("closed loop at rho 60", func(t *testing.T) {
		if l := closedLoopAt(t, 60).Config.Lambda1; math.Abs(l-1.394) > 0.03 {
			t.Errorf("valid times in Lyapunov times of λ₁ = %g, want ρ = 60's 1.39", l)
		}
	})
}

// TestSeriesBaselines: train and analyze print the baselines of a series
// beside the model (only the tutorial's Lorenz stage computed them).
func TestSeriesBaselines(t *testing.T) {
	cfg, data, res := trainRossler(t)
	if len(res.Tables) != 2 {
		t.Fatalf("%d tables, want the forecast's and the baselines'", len(res.Tables))
	}
	d, err := data.Forecasting()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := analysis.BaselineTable(d, analysis.BaselineConfig{})
	if err != nil {
		t.Fatal(err)
	}
	bt := res.Tables[1]
	if len(bt.Rows) != len(rows)+1 || !strings.Contains(bt.Rows[0][0], "the model") || bt.Rows[0][1] != fmtSig(res.Forecast.OneStep.RMSE) {
		t.Fatalf("baseline table rows %q", bt.Rows)
	}
	for i, r := range rows {
		got := bt.Rows[i+1]
		if !strings.HasPrefix(got[0], r.Name) || got[1] != fmtSig(r.Metrics.RMSE) || got[2] != fmtSig(r.Metrics.MAE) {
			t.Errorf("row %q, want %s RMSE %s MAE %s", got, r.Name, fmtSig(r.Metrics.RMSE), fmtSig(r.Metrics.MAE))
		}
	}
	// Persistence on the Rössler test split at dt 0.1: a few tenths in
	// original units (the series' std is about 5).
	if p := bt.Rows[1]; p[0] != "persistence" {
		t.Errorf("first baseline %q, want persistence", p[0])
	}

	t.Run("analyze --data", func(t *testing.T) {
		tabs, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "baselines", Data: data.Series.Path, Dt: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		if got := tabs[0].Rows; len(got) != len(rows) || got[0][1] != bt.Rows[1][1] {
			t.Errorf("analyze baselines rows %q, want train's %q", got, bt.Rows[1:])
		}
	})
	t.Run("analyze --model", func(t *testing.T) {
		_, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "baselines", Model: res.Path})
		if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "--data") {
			t.Errorf("baselines on a model: %v, want a param error pointing to --data", err)
		}
	})
	t.Run("analyze closedloop", func(t *testing.T) {
		tabs, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "closedloop", Model: res.Path})
		if err != nil {
			t.Fatal(err)
		}
		if len(tabs) != 2 || tabs[1].Rows[1][0] != "persistence" {
			t.Errorf("analyze closedloop of a series model: %d tables", len(tabs))
		}
	})
}

// TestBaselineTitleDigits: a baseline whose test RMSE is below the
// model's by less than the 4 digits of the table is named in the title
// with enough digits to tell them apart (the re-review's noise model:
// "below the model's 1.009: AR(1) 1.009").
func TestBaselineTitleDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 1500)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	d, err := tasks.FromSeries(tasks.RawSeries{Data: x, Len: len(x), Dim: 1}, tasks.SeriesConfig{SeqLength: 10})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := analysis.BaselineTable(d, analysis.BaselineConfig{})
	if err != nil {
		t.Fatal(err)
	}
	best := rows[0]
	for _, r := range rows {
		if r.Metrics.RMSE < best.Metrics.RMSE {
			best = r
		}
	}
	model := best.Metrics.RMSE * (1 + 2e-6) // equal at 4 and at 6 digits
	tab, err := BaselineTable(d, &Forecast{Name: "m", OneStep: analysis.Metrics{RMSE: model}})
	if err != nil {
		t.Fatal(err)
	}
	prec := 4
	for fmtPrec(best.Metrics.RMSE, prec) == fmtPrec(model, prec) {
		prec++
	}
	if prec < 6 {
		t.Fatalf("the RMSEs differ at %d digits: the test tests nothing", prec)
	}
	want := fmt.Sprintf("below the model's %s: ", fmtPrec(model, prec))
	if !strings.Contains(tab.Title, want) || !strings.Contains(tab.Title, best.Name+" "+fmtPrec(best.Metrics.RMSE, prec)) {
		t.Errorf("title %q, want %q and %s %s", tab.Title, want, best.Name, fmtPrec(best.Metrics.RMSE, prec))
	}
}

// TestTrueColumnNotes: when the true series' D₂ is refused (noise fills
// every embedding dimension), analyze dimension --model says why in the
// true column instead of a bare "—".
func TestTrueColumnNotes(t *testing.T) {
	if testing.Short() {
		t.Skip("fits an ESN")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 4000)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	path := writeColumns(t, "noise.csv", x, 1)
	cfg := DefaultConfig()
	cfg.Quick = true
	data, err := SeriesFileSpec(path, tasks.LoadOptions{}, tasks.SeriesConfig{Name: "series", Dt: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := TrainModel(context.Background(), cfg, TrainRequest{Kind: KindESN, Data: data, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	tabs, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "dimension", Model: res.Path})
	if err != nil {
		t.Fatal(err)
	}
	got := rowsOf(tabs)
	for _, w := range []string{"— (see the note in this column)", "note |  | D₂: not estimated"} {
		if !strings.Contains(got, w) {
			t.Errorf("rows lack %q:\n%s", w, got)
		}
	}
}

// TestSeriesReportNames: train, analyze closedloop and analyze baselines
// name a series' variables by the file's header, or by the columns chosen
// when it has none (the re-review: --columns 2,3 of a file headed t,x,y,z
// printed "R² x1 / x2" and "Rosenstein on x over the train split"); the
// metric keys stay x1, x2.
func TestSeriesReportNames(t *testing.T) {
	if testing.Short() {
		t.Skip("fits an ESN")
	}
	src := writeRossler(t, 4000, 0.1)
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	headed := filepath.Join(t.TempDir(), "timecol.csv")
	var sb strings.Builder
	sb.WriteString("t,x,y,z\n")
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		fmt.Fprintf(&sb, "%g,%s\n", 0.1*float64(i), line)
	}
	if err := os.WriteFile(headed, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Quick = true
	data, err := SeriesFileSpec(headed, tasks.LoadOptions{Columns: []int{2, 3}}, tasks.SeriesConfig{Name: "series", Dt: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := TrainModel(context.Background(), cfg, TrainRequest{Kind: KindESN, Data: data, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, got string, want, not []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, got)
			}
		}
		for _, w := range not {
			if strings.Contains(got, w) {
				t.Errorf("%s has %q:\n%s", what, w, got)
			}
		}
	}
	train := res.Tables[0].Markdown()
	check("train", train, []string{"| R² y |", "| R² z |", "Rosenstein on y over the train split", "λ₁ generated / true (Rosenstein on y)"}, []string{"R² x1", "Rosenstein on x"})
	check("train baselines", res.Tables[1].Markdown(), []string{"| R² y | R² z |"}, []string{"R² x1"})
	m := map[string]float64{}
	res.Forecast.Put(m)
	if _, ok := m[res.Forecast.Key+".test.r2_x1"]; !ok {
		t.Errorf("metric keys %v lack %s.test.r2_x1", m, res.Forecast.Key)
	}
	tabs, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "closedloop", Model: res.Path})
	if err != nil {
		t.Fatal(err)
	}
	check("analyze closedloop", tabs[0].Markdown()+tabs[1].Markdown(), []string{"| R² y |", "| R² y | R² z |"}, []string{"R² x1"})
	tabs, err = Analyze(context.Background(), cfg, AnalyzeRequest{What: "lyapunov", Model: res.Path})
	if err != nil {
		t.Fatal(err)
	}
	check("analyze lyapunov", tabs[0].Markdown(), []string{"Rosenstein on column 2 (y)"}, nil)
	tabs, err = Analyze(context.Background(), cfg, AnalyzeRequest{What: "baselines", Data: src, Dt: 0.1, Load: tasks.LoadOptions{Columns: []int{1}}})
	if err != nil {
		t.Fatal(err)
	}
	check("analyze baselines --columns 1", tabs[0].Markdown(), []string{"| R² column 1 |"}, []string{"R² x1"})
}

// TestFixedPointsInputUnits: analyze fixedpoints --input of a forecasting
// model is in data units, like the decoded points: the train mean given
// explicitly is the default input (the model's normalised zero), and the
// title says the units (it printed "at input [0 0 0]" and took --input as
// normalised values, so the data mean gave another fixed point).
func TestFixedPointsInputUnits(t *testing.T) {
	cfg, data, res := trainRossler(t)
	d, err := data.Forecasting()
	if err != nil {
		t.Fatal(err)
	}
	def, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "fixedpoints", Model: res.Path})
	if err != nil {
		t.Fatal(err)
	}
	mean, err := Analyze(context.Background(), cfg, AnalyzeRequest{What: "fixedpoints", Model: res.Path, Input: d.Mean})
	if err != nil {
		t.Fatal(err)
	}
	if want := "at input " + inputText(d.Mean) + " (data units)"; !strings.Contains(def[0].Title, want) || !strings.Contains(mean[0].Title, want) {
		t.Errorf("titles %q and %q, want %q", def[0].Title, mean[0].Title, want)
	}
	if a, b := rowsOf(def), rowsOf(mean); a != b {
		t.Errorf("default input and the train mean in data units differ:\n%s\n--\n%s", a, b)
	}
}
