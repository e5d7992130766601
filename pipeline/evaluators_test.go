package pipeline

import (
	"errors"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/sweep"
)

// TestReservoirZeroIsZero: a 0 given in a sweep is used as given by the
// reservoir evaluator (g = 0 ran as g = 4, input_scale = 0 as 1, and so on,
// while the point was recorded with 0), read off the engine network it
// builds; a 0 that means nothing is refused with an error naming the key.
func TestReservoirZeroIsZero(t *testing.T) {
	const dim = 3
	build := func(t *testing.T, params map[string]float64) kernel.Spec {
		t.Helper()
		all := map[string]float64{"n": 40, "train_samples": 200}
		for k, v := range params {
			all[k] = v
		}
		c, _, err := reservoirConfig(sweep.Point{Params: all, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.Spec(dim)
		if err != nil {
			t.Fatal(err)
		}
		r, err := snn.NewReservoir(c, dim) // the engine takes it
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		return s
	}
	irh := snn.ReservoirConfig{}.RheobasePA()
	ref := build(t, nil)
	if len(ref.Projections) != 4 || ref.Projections[2].Weights.Value != -4*20 && ref.Projections[2].Weights.Value != 4*20 {
		t.Fatalf("default network: %d projections, I→E weight %v", len(ref.Projections), ref.Projections)
	}
	inputs := func(s kernel.Spec, f func(row []float64)) {
		for _, d := range s.Devices {
			for _, row := range d.InputMatrix {
				f(row)
			}
		}
	}
	cases := []struct {
		key   string
		v     float64
		check func(t *testing.T, s kernel.Spec)
	}{
		{"g", 0, func(t *testing.T, s kernel.Spec) {
			for _, pr := range s.Projections {
				if w := pr.Weights.Value; pr.Source == "I" && w != 0 || pr.Source == "E" && w != 20 {
					t.Errorf("%s→%s weight %g", pr.Source, pr.Target, w)
				}
			}
		}},
		{"input_scale", 0, func(t *testing.T, s kernel.Spec) {
			inputs(s, func(row []float64) {
				for d := 0; d < dim; d++ {
					if row[d] != 0 {
						t.Fatalf("input weight %g", row[d])
					}
				}
			})
		}},
		{"bias_std", 0, func(t *testing.T, s kernel.Spec) {
			inputs(s, func(row []float64) {
				if row[dim] != irh {
					t.Fatalf("bias %g, want %g", row[dim], irh)
				}
			})
		}},
		{"bias_mean", 0, func(t *testing.T, s kernel.Spec) {
			var sum float64
			inputs(s, func(row []float64) { sum += row[dim] })
			if m := sum / 40 / irh; m < -0.3 || m > 0.3 {
				t.Fatalf("mean bias %g rheobase", m)
			}
		}},
		{"t_ref_ms", 0, func(t *testing.T, s kernel.Spec) {
			for _, p := range s.Populations {
				if p.Params["t_ref_ms"] != 0 {
					t.Errorf("%s: t_ref_ms %g", p.Name, p.Params["t_ref_ms"])
				}
			}
		}},
		{"p", 0, func(t *testing.T, s kernel.Spec) {
			if len(s.Projections) != 0 {
				t.Errorf("%d projections", len(s.Projections))
			}
		}},
		{"weight_pa", 0, func(t *testing.T, s kernel.Spec) {
			for _, pr := range s.Projections {
				if pr.Weights.Value != 0 {
					t.Errorf("%s→%s weight %g", pr.Source, pr.Target, pr.Weights.Value)
				}
			}
		}},
		{"delay_ms", 0, func(t *testing.T, s kernel.Spec) {
			for _, pr := range s.Projections {
				if pr.DelayMs != 0 {
					t.Errorf("%s→%s delay %g", pr.Source, pr.Target, pr.DelayMs)
				}
			}
		}},
		{"frac_e", 1, func(t *testing.T, s kernel.Spec) {
			if len(s.Populations) != 1 || s.Populations[0].N != 40 {
				t.Errorf("populations %+v", s.Populations)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			tc.check(t, build(t, map[string]float64{tc.key: tc.v}))
		})
	}
	refused := []struct {
		key  string
		v    float64
		want string
	}{
		{"dt_ms", 0, "reservoir: dt_ms = 0: must be finite and > 0"},
		{"frac_e", 0, "reservoir: frac_e = 0: must be in (0, 1]"},
		{"sample_ms", 0, "reservoir: sample_ms = 0: must be finite and > 0"},
		{"tau_mem_ms", 0, "reservoir: tau_mem_ms = 0: must be finite and > 0"},
		{"tau_syn_ms", 0, "reservoir: tau_syn_ms = 0: must be finite and > 0"},
		{"tau_fast_ms", 0, "reservoir: tau_fast_ms = 0: must be finite and > 0"},
		{"g", -1, "reservoir: g = -1: must be finite and >= 0"},
		{"sample_ms", 2.5, "reservoir: sample_ms = 2.5: must be a positive multiple of dt_ms (1)"},
		{"delay_ms", 0.5, "reservoir: delay_ms = 0.5: must be >= 0 and a multiple of dt_ms (1)"},
	}
	for _, tc := range refused {
		t.Run("refused/"+tc.key, func(t *testing.T) {
			_, _, err := reservoirConfig(sweep.Point{Params: map[string]float64{tc.key: tc.v}, Seed: 1})
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s = %g: %v, want %q", tc.key, tc.v, err, tc.want)
			}
		})
	}
}

// TestNVARCheckIsCheap: the nvar evaluator's point check, run on every
// configuration of a sweep when it is loaded, allocates nothing: it parsed
// the embedded default configuration for the window length at every point
// (180 µs each: 18 s for a 100,000-point sweep in every array task).
func TestNVARCheckIsCheap(t *testing.T) {
	p := sweep.Point{Params: map[string]float64{"lags": 3, "ridge": 1e-6}, Seed: 1}
	if err := (nvarEvaluator{}).CheckPoint(p); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(20, func() { _ = nvarEvaluator{}.CheckPoint(p) }); a != 0 {
		t.Fatalf("CheckPoint: %g allocations a point, want 0", a)
	}
	max := DefaultConfig().Data.Lorenz.SeqLength
	for _, lags := range []float64{0, float64(max) + 1, 2.5} {
		p.Params["lags"] = lags
		if err := (nvarEvaluator{}).CheckPoint(p); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "nvar: lags") {
			t.Errorf("lags = %g: %v", lags, err)
		}
	}
	p.Params["lags"] = float64(max)
	if err := (nvarEvaluator{}).CheckPoint(p); err != nil {
		t.Errorf("lags = %d: %v", max, err)
	}
}

// TestReservoirTrainSamplesChecked: train_samples between 1 and the
// washout plus one passed the spec's checks and failed only when its point
// ran, as snn's TrainSamples ("must be > Washout+1 = 101"), stopping the
// sweep's shard midway. It is refused when the spec is loaded, naming the
// sweep key; the bound is snn's: 102 samples fit, 101 do not.
func TestReservoirTrainSamplesChecked(t *testing.T) {
	cases := []struct {
		v  float64
		ok bool
	}{{0, true}, {1, false}, {50, false}, {101, false}, {101.5, false}, {102, true}, {400, true}, {1 << 30, true}, {1<<30 + 1, false}}
	for _, tc := range cases {
		p := sweep.Point{Params: map[string]float64{"n": 50, "train_samples": tc.v}, Seed: 1}
		err := reservoirEvaluator{}.CheckPoint(p)
		if tc.ok && err != nil {
			t.Errorf("train_samples = %g: %v", tc.v, err)
		}
		if !tc.ok && (!errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "reservoir: train_samples = ") ||
			!strings.Contains(err.Error(), "0 (the whole training split) or an integer in [102, 1073741824]")) {
			t.Errorf("train_samples = %g: %v, want a param error naming train_samples", tc.v, err)
		}
	}
	const spec = `name = "bad4"
evaluator = "reservoir"
[fixed]
n = 50
starts = 0
sample_ms = 10.0
[grid]
train_samples = [400, 500, 50, 600]
`
	if _, err := sweep.ParseSpec(spec, "bad4.toml"); err == nil || !strings.Contains(err.Error(), "point 2 (train_samples = 50, seed 1): reservoir: train_samples = 50") {
		t.Errorf("ParseSpec: %v, want point 2's train_samples refused", err)
	}
	if testing.Short() {
		return
	}
	d, err := defaultLorenz()
	if err != nil {
		t.Fatal(err)
	}
	for _, rows := range []int{resMinTrain - 1, resMinTrain} {
		c, _, err := reservoirConfig(sweep.Point{Params: map[string]float64{"n": 20, "sample_ms": 5, "starts": 0}, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		c.TrainSamples = rows
		r, err := snn.NewReservoir(c, d.Dim)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.FitLorenz(d)
		r.Close()
		if ok := err == nil; ok != (rows >= resMinTrain) {
			t.Errorf("snn fits %d training samples: %v; the evaluator's bound is %d", rows, err, resMinTrain)
		}
	}
}
