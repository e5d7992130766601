package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
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
