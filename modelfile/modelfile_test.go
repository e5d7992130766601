package modelfile_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/modelfile"
	"github.com/neurodyn/neurodyn/pipeline"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// reviewSNN is the configuration of the interop review's file: Dale abs,
// exact decay factors, τ 20/10 ms and bias currents.
var reviewSNN = snn.Config{NE: 32, NI: 8, Dale: snn.DaleAbs, Discretization: snn.Exact,
	TauMemEMs: 20, TauMemIMs: 10, InputBias: true, BiasStd: 0.1, Seed: 3}

// outputs runs s from its reset state over n samples of a fixed input
// sequence and returns every output.
func outputs(s learn.Stepper, n int) []float64 {
	s.Reset()
	x := make([]float64, s.InputDim())
	y := make([]float64, s.OutputDim())
	var out []float64
	for t := range n {
		for i := range x {
			x[i] = math.Sin(0.3*float64(t) + float64(i))
		}
		s.Step(y, x)
		out = append(out, y...)
	}
	return out
}

// capiMeta is the metadata neurodyn_model_save writes (enumerations of the
// spiking model by name).
func capiMeta(kind string, config any) string {
	b, err := json.Marshal(config)
	if err != nil {
		panic(err)
	}
	if c, ok := config.(snn.Config); ok {
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		m["Dale"], m["Readout"], m["Discretization"], m["Reset"] = c.Dale.String(), c.Readout.String(), c.Discretization.String(), c.Reset.String()
		m["Surrogate"] = map[string]any{"Kind": c.Surrogate.Kind.String(), "Alpha": c.Surrogate.Alpha}
		b, _ = json.Marshal(m)
	}
	return fmt.Sprintf(`{"kind":%q,"config":%s}`, kind, b)
}

// pipelineMeta is the metadata `neurodyn train` writes (enumerations by
// number, as encoding/json writes the Go configuration).
func pipelineMeta(kind string, config any) string {
	b, err := json.Marshal(config)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf(`{"format":"neurodyn-model/1","kind":%q,"config":%s,"dim":3}`, kind, b)
}

// TestOpen saves CT-RNN, rate and spiking models with each writer's
// metadata and opens them: the model rebuilt from the file's configuration
// gives the original's outputs bit for bit.
func TestOpen(t *testing.T) {
	type model interface {
		learn.Stepper
		Params() *learn.Params[float32]
	}
	build := map[string]func() (model, any, error){
		"ctrnn": func() (model, any, error) {
			m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 8, Tau: 5, Seed: 4})
			if err != nil {
				return nil, nil, err
			}
			return m, m.Config(), nil
		},
		"rate": func() (model, any, error) {
			m, err := rate.New[float32](rate.Config{NE: 12, NI: 4, TauE: 2, Dale: rate.DaleSoftplus, Seed: 4})
			if err != nil {
				return nil, nil, err
			}
			return m, m.Config(), nil
		},
		"snn": func() (model, any, error) {
			m, err := snn.New[float32](reviewSNN)
			if err != nil {
				return nil, nil, err
			}
			return m, m.Config(), nil
		},
	}
	for _, kind := range []string{"ctrnn", "rate", "snn"} {
		for _, writer := range []struct {
			name string
			meta func(string, any) string
		}{{"capi", capiMeta}, {"pipeline", pipelineMeta}} {
			t.Run(kind+"/"+writer.name, func(t *testing.T) {
				m, cfg, err := build[kind]()
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), "m.npz")
				if err := learn.SaveParams(path, m.Params(), writer.meta(kind, cfg)); err != nil {
					t.Fatal(err)
				}
				got, err := modelfile.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer got.Close()
				if got.Header.Kind != kind {
					t.Errorf("kind %q", got.Header.Kind)
				}
				if want, have := outputs(m, 30), outputs(got.Stepper(), 30); !slices.Equal(want, have) {
					t.Errorf("outputs differ from the saved model's: %v, want %v", have[:3], want[:3])
				}
			})
		}
	}
}

// TestConfigDiff names every field that changes the dynamics or the layout,
// with its stored and given values, and none of those that only
// initialize or train.
func TestConfigDiff(t *testing.T) {
	for _, tc := range []struct {
		name          string
		kind          string
		stored, given any
		want          []string
	}{
		{"snn/review", modelfile.KindSNN, reviewSNN, snn.Config{NE: 32, NI: 8}, []string{
			"TauMemEMs: stored 20, given 2", "TauMemIMs: stored 10, given 1", "Discretization: stored exact, given euler",
			"InputBias: stored true, given false", "Dale: stored abs, given relu"}},
		{"snn/defaults", modelfile.KindSNN, snn.Config{NE: 128, TauMemEMs: 2}, snn.Config{}, nil},
		{"snn/init and training only", modelfile.KindSNN, snn.Config{Seed: 1, P: 0.2, G: 5, WeightScale: 0.3, InputScale: 1, Surrogate: learn.Surrogate{Kind: learn.SuperSpike}, FreezeRecurrent: true},
			snn.Config{Seed: 2}, nil},
		{"snn/readout taus", modelfile.KindSNN, snn.Config{Readout: snn.ReadoutFiltered, ReadoutTauMs: []float64{5, 20}}, snn.Config{Readout: snn.ReadoutFiltered},
			[]string{"ReadoutTauMs: stored [5 20], given [10]"}},
		{"ctrnn/tau", modelfile.KindCTRNN, ctrnn.Config{Hidden: 8, Tau: 5}, ctrnn.Config{Hidden: 8}, []string{"Tau: stored 5, given 1"}},
		{"ctrnn/seed and sample dt", modelfile.KindCTRNN, ctrnn.Config{Seed: 1, SampleDt: 0.02}, ctrnn.Config{Seed: 2}, nil},
		{"rate/init and solver", modelfile.KindRate, rate.Config{Init: rate.InitUniform, Seed: 9, Substeps: 2}, rate.Config{}, []string{"Substeps: stored 2, given 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := modelfile.ConfigDiff(tc.kind, tc.stored, tc.given); !slices.Equal(got, tc.want) {
				t.Errorf("ConfigDiff = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDecodeConfig reads the spiking model's enumerations by name and by
// number to the same configuration.
func TestDecodeConfig(t *testing.T) {
	var cfgs []any
	for _, meta := range []string{capiMeta("snn", reviewSNN.WithDefaults()), pipelineMeta("snn", reviewSNN.WithDefaults())} {
		var h modelfile.Header
		if err := json.Unmarshal([]byte(meta), &h); err != nil {
			t.Fatal(err)
		}
		c, err := modelfile.DecodeConfig(h.Kind, h.Config)
		if err != nil {
			t.Fatal(err)
		}
		cfgs = append(cfgs, c)
	}
	if d := modelfile.ConfigDiff("snn", cfgs[0], cfgs[1]); d != nil || cfgs[0].(snn.Config).Dale != snn.DaleAbs {
		t.Errorf("by name and by number differ: %q (Dale %v)", d, cfgs[0].(snn.Config).Dale)
	}
	for _, bad := range []struct{ kind, config string }{{"lstm", `{}`}, {"snn", `{"Dale":"sideways"}`}, {"ctrnn", `[1]`}} {
		if _, err := modelfile.DecodeConfig(bad.kind, json.RawMessage(bad.config)); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("%s %s: %v", bad.kind, bad.config, err)
		}
	}
}

// TestReadHeaderRefusals: a file without metadata, or metadata without a
// kind and configuration, is a parameter error saying what is missing.
func TestReadHeaderRefusals(t *testing.T) {
	dir := t.TempDir()
	bare := filepath.Join(dir, "bare.npz")
	if err := export.WriteNPZ(bare, []export.NPZArray{export.NewNPZArray("W", []float32{1, 2}, 2)}); err != nil {
		t.Fatal(err)
	}
	p, _ := learn.NewParams[float32](learn.ParamSpec{Name: "W", Shape: []int{2}})
	plain := filepath.Join(dir, "plain.npz")
	if err := learn.SaveParams(plain, p, `{"note":"no kind"}`); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{bare: "written by neurodyn", plain: "kind and configuration", filepath.Join(dir, "m.txt"): ".npz"} {
		if _, err := modelfile.Open(path); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a parameter error saying %q", filepath.Base(path), err, want)
		}
	}
}

// TestOpenReadoutModels opens the ESN and reservoir files the pipeline
// writes (configuration, seed and readout): the rebuilt network with the
// stored readout predicts as the fitted one did, bit for bit.
func TestOpenReadoutModels(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 20, ValT: 5, TestT: 5, EvalT: -1, SeqLength: 20})
	if err != nil {
		t.Fatal(err)
	}
	data := pipeline.LorenzSpec(pipeline.DefaultConfig().Data.Lorenz)
	t.Run("esn", func(t *testing.T) {
		o := pipeline.TrainOptions{Dir: t.TempDir(), File: "esn.npz", Seed: 5}
		e, _, _, err := pipeline.FitESN(snn.ESNConfig{N: 40, Seed: 7}, data, d, o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := modelfile.Open(filepath.Join(o.Dir, o.File))
		if err != nil {
			t.Fatal(err)
		}
		if got.ESN == nil || !slices.Equal(outputs(got.Stepper(), 50), outputs(e, 50)) {
			t.Error("the opened ESN does not predict as the fitted one")
		}
		if p := got.Header.Provenance; p == nil || p.BuildID == "" || p.Version == "" || p.Created.IsZero() || len(p.Seeds) != 1 || p.Seeds[0].Value != 5 {
			t.Errorf("provenance %+v", p)
		}
	})
	t.Run("reservoir", func(t *testing.T) {
		if testing.Short() {
			t.Skip("harvests a spiking reservoir")
		}
		o := pipeline.TrainOptions{Dir: t.TempDir(), File: "lsm.npz", Seed: 5}
		r, _, _, err := pipeline.FitReservoir(snn.ReservoirConfig{N: 60, Seed: 7}, data, d, o)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		got, err := modelfile.Open(filepath.Join(o.Dir, o.File))
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		if got.Reservoir == nil || !slices.Equal(outputs(got.Stepper(), 20), outputs(r, 20)) {
			t.Error("the opened reservoir does not predict as the fitted one")
		}
	})
}

// TestParseHeader: a provenance that does not parse (a hand-edited file)
// neither hides the kind and configuration nor fails the header.
func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		meta     string
		ok, prov bool
	}{
		{`{"kind":"ctrnn","config":{"Hidden":4},"provenance":{"created_utc":"yesterday"}}`, true, false},
		{`{"kind":"ctrnn","config":{"Hidden":4},"provenance":{"build_id":"0.1.0 abc","created_utc":"2026-12-01T20:00:00Z"}}`, true, true},
		{`{"kind":"ctrnn"}`, false, false},
		{`not json`, false, false},
	} {
		h, err := modelfile.ParseHeader(tc.meta)
		if (err == nil) != tc.ok || (h.Provenance != nil) != tc.prov || tc.ok && h.Kind != "ctrnn" {
			t.Errorf("%s: header %+v, %v", tc.meta, h, err)
		}
	}
}

// TestSaveReadout: a fitted ESN saved with SaveReadout (the C API's
// metadata, with its fit) opens with the same outputs bit for bit and its
// fit in the header; SaveReadout refuses another extension than .npz, an
// unfitted readout and, without export.Overwrite, an existing file.
func TestSaveReadout(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 20, ValT: 5, TestT: 5, EvalT: -1, SeqLength: 20})
	if err != nil {
		t.Fatal(err)
	}
	e, err := snn.NewESN(snn.ESNConfig{N: 40, Seed: 7}, 3)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := e.FitLorenz(d)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(e.Config())
	meta := fmt.Sprintf(`{"kind":"esn","config":%s,"dim":3,"fit":{"TestRMSE":%v}}`, cfg, fit.TestRMSE)
	path := filepath.Join(t.TempDir(), "esn.npz")
	if err := modelfile.SaveReadout(path, e.Readout, []byte(meta)); err != nil {
		t.Fatal(err)
	}
	got, err := modelfile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.ESN == nil || !slices.Equal(outputs(got.Stepper(), 50), outputs(e, 50)) {
		t.Error("the opened ESN does not predict as the saved one")
	}
	var f struct{ TestRMSE float64 }
	if err := json.Unmarshal(got.Header.Fit, &f); err != nil || f.TestRMSE != fit.TestRMSE {
		t.Errorf("stored fit %s (%v), want TestRMSE %v", got.Header.Fit, err, fit.TestRMSE)
	}
	for _, c := range []struct {
		name string
		path string
		l    *snn.Linear
	}{
		{"h5", filepath.Join(t.TempDir(), "esn.h5"), e.Readout},
		{"unfitted", filepath.Join(t.TempDir(), "esn.npz"), nil},
	} {
		if err := modelfile.SaveReadout(c.path, c.l, []byte(meta)); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("%s: err = %v, want a parameter error", c.name, err)
		}
	}
	if err := modelfile.SaveReadout(path, e.Readout, []byte(meta)); err == nil {
		t.Error("an existing file was replaced without export.Overwrite")
	}
	if err := modelfile.SaveReadout(path, e.Readout, []byte(meta), export.Overwrite()); err != nil {
		t.Error(err)
	}
}
