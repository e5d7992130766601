package pipeline

import (
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// TestTargetsSpikeControl: the "spikes silenced" targets read the ratio of
// a readout refitted without the spikes (input_only_ratio), not the fitted
// readout with its spike weights zeroed (silenced_ratio: 62.8 for the
// reservoir where the refit gives ~21, 6.5 for the SNN), and a quick run's
// table says it is judged against the full run's targets.
func TestTargetsSpikeControl(t *testing.T) {
	m := map[string]map[string]float64{"snn": {
		"snn.silenced_ratio": 6.5, "snn.input_only_ratio": 2.5,
		"reservoir.silenced_ratio": 62.8, "reservoir.input_only_ratio": 21.4,
	}}
	for _, quick := range []bool{false, true} {
		tab := targetsTable(m, quick)
		got := map[string][]string{}
		for _, row := range tab.Rows {
			got[row[0]] = row
		}
		for what, want := range map[string][2]string{
			"trained SNN: RMSE of a readout refitted on input and bias only / RMSE": {"2.5", "no"},
			"reservoir: RMSE of a readout refitted on input and bias only / RMSE":   {"21.4", "yes"},
		} {
			row, ok := got[what]
			if !ok || row[1] != want[0] || row[3] != want[1] {
				t.Errorf("quick=%v: row %q = %q, want value %s, met %s", quick, what, row, want[0], want[1])
			}
		}
		if full := strings.Contains(tab.Title+tab.Header[3], "full run's target"); full != quick {
			t.Errorf("quick=%v: title %q, header %q", quick, tab.Title, tab.Header[3])
		}
	}
}

// TestFreeRunVerdict: a free run that stays on one wing (the trained SNN,
// seed 42: W₁/std 1.05, 0.96, 0.74; λ₁ 0.882 nonetheless) is marked
// unfaithful, one that settles (AR(10): D₂ 0, no λ₁) collapsed, faithful
// runs (the CT-RNN's) and models without a free run are not marked; the
// synthesis row of an unfaithful run says so in its λ₁ cell.
func TestFreeRunVerdict(t *testing.T) {
	run := func(w1 [3]float64, l1, d2 float64) map[string]float64 {
		m := map[string]float64{"m.vpt.starts": 30, "m.lambda1.gen": l1, "m.d2.gen": d2, "m.lambda1.true": 0.911, "m.d2.true": 2.06}
		for j, name := range varNames(3) {
			m["m.w1_rel_"+name] = w1[j]
		}
		for k, v := range m {
			if math.IsNaN(v) {
				delete(m, k)
			}
		}
		return m
	}
	for _, c := range []struct {
		name string
		m    map[string]float64
		want string
	}{
		{"CT-RNN", run([3]float64{0.184, 0.163, 0.00836}, 0.898, 2.08), ""},
		{"trained SNN", run([3]float64{1.05, 0.958, 0.743}, 0.882, 2.84), flagUnfaithful},
		{"AR(10)", run([3]float64{0.9, 0.9, 0.9}, math.NaN(), 0), flagCollapsed},
		{"diverged", map[string]float64{"m.vpt.starts": 30}, flagCollapsed},
		{"one wing, no D₂ scaling region", run([3]float64{1.29, 1.21, 0.98}, 0.842, math.NaN()), flagUnfaithful},
		{"faithful, no D₂ scaling region", run([3]float64{0.2, 0.2, 0.1}, 0.9, math.NaN()), ""},
		{"one-step only", map[string]float64{"m.test.rmse": 0.6}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := freeRunVerdict(c.m, "m", 3)
			if v.flag != c.want {
				t.Fatalf("verdict %q (%s), want %q", v.flag, v.why, c.want)
			}
			res := map[string]*Result{}
			for _, s := range synthesisSources {
				res[s] = &Result{Metrics: map[string]float64{}}
			}
			res["snn"] = &Result{Metrics: c.m, Models: []ModelRef{{Key: "m", Name: c.name, Kind: "snn", Label: "reference"}}}
			tab, err := SynthesisFromResults(res, 3, false)
			if err != nil {
				t.Fatal(err)
			}
			row := tab.Rows[0]
			if marked := strings.Contains(row.Lambda1Method, c.want) && strings.Contains(row.Notes, c.want); c.want != "" && !marked {
				t.Errorf("row not marked %q: λ₁ method %q, notes %q", c.want, row.Lambda1Method, row.Notes)
			}
			if c.want == "" && row.Lambda1Method != Lambda1Method {
				t.Errorf("faithful row marked: %q", row.Lambda1Method)
			}
			fid := fidelityTable(res, 3)
			if n := len(fid.Rows); n > 0 && !strings.HasPrefix(fid.Rows[0][5], map[string]string{"": "faithful"}[c.want]+c.want) {
				t.Errorf("fidelity row %q, want verdict %q", fid.Rows[0], c.want)
			}
		})
	}
}

// TestInputOnlyRMSE: the trained SNN's spike control refits its readout
// on the features that are not spikes — the skip term's input and the
// bias (AR(1)), or the bias alone (the train mean) — and gives none for a
// membrane readout.
func TestInputOnlyRMSE(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 20, ValT: 10, TestT: 10, EvalT: -1})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := analysis.BaselineTable(d, analysis.BaselineConfig{MaxARLag: 1, NVARLags: -1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	for _, r := range rows {
		want[r.Name] = r.Metrics.RMSE
	}
	for _, c := range []struct {
		name string
		cfg  snn.Config
		want float64
	}{
		{"skip", snn.Config{Readout: snn.ReadoutFiltered, Skip: true}, want["AR(1)"]},
		{"no skip", snn.Config{Readout: snn.ReadoutFiltered}, want["train mean"]},
		{"membrane", snn.Config{Readout: snn.ReadoutMembrane, Skip: true}, math.NaN()},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, why, err := inputOnlyRMSE(d, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
				t.Errorf("RMSE %v (%s), want %v", got, why, c.want)
			}
		})
	}
}

// TestRateCheck: the firing-rate notes name the project's 1–50 Hz target
// (issue 7), not the tutorial's, and report the neurons outside it even
// when the population means are within it (the reservoir: 18.8% > 50 Hz).
func TestRateCheck(t *testing.T) {
	sr := SpikeRates{Rates: []analysis.PopulationRate{{Population: "E", MeanHz: 34.5}, {Population: "I", MeanHz: 34.1}}, Above50Hz: 0.188, Below1Hz: 0.01}
	got := rateCheck("reservoir", sr)
	for _, want := range []string{"18.8% of the neurons fire above 50 Hz", "1.0% below 1 Hz", "project's target", "issue 7"} {
		if !strings.Contains(got, want) {
			t.Errorf("rateCheck = %q, lacks %q", got, want)
		}
	}
	sr.Rates[1].MeanHz = 60
	if got := rateCheck("x", sr); !strings.Contains(got, "I population fires at 60 Hz") || strings.Contains(got, "tutorial asks") {
		t.Errorf("rateCheck = %q", got)
	}
	if got := rateCheck("x", SpikeRates{Rates: []analysis.PopulationRate{{Population: "E", MeanHz: 15}}}); got != "" {
		t.Errorf("rateCheck of a population within the target, every neuron within it: %q", got)
	}
}
