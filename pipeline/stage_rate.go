package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/rate"
)

func rateStage() Stage {
	return Stage{
		Name:  "rate",
		Title: "02 · the balanced E/I rate network on Lorenz-63: forecasts, closed loop, excitation–inhibition balance",
		Needs: []string{"data", "baselines"},
		Key: func(c *Config) any {
			return struct {
				L LorenzData
				R string
				S [3]int
			}{c.Data.Lorenz, c.RateLorenzRecipe().JSON(), c.Settings().LorenzKey()}
		},
		Run: runRate,
	}
}

// blockStats summarizes the magnitudes of one block of effective weights
// (rows r0…r1, columns c0…c1 of an N×N matrix): mean, std, max and the
// fraction below 0.01 (notebook 02's table).
func blockStats(w []float64, N, r0, r1, c0, c1 int) (mean, std, maxv, small float64) {
	var s, s2 float64
	n := 0
	for i := r0; i < r1; i++ {
		for j := c0; j < c1; j++ {
			a := math.Abs(w[i*N+j])
			s += a
			s2 += a * a
			maxv = math.Max(maxv, a)
			if a < 0.01 {
				small++
			}
			n++
		}
	}
	mean = s / float64(n)
	std = math.Sqrt(math.Max(s2/float64(n)-mean*mean, 0))
	return mean, std, maxv, small / float64(n)
}

func runRate(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("rate")
	if err != nil {
		return nil, err
	}
	d, err := r.Lorenz()
	if err != nil {
		return nil, err
	}
	rec := r.Cfg.RateLorenzRecipe()
	tr, err := TrainRate(ctx, rec, LorenzSpec(r.Cfg.Data.Lorenz), d, nil, r.trainOptions(dir, "rate_lorenz.npz"))
	if err != nil {
		return nil, err
	}
	m := tr.Model
	c := m.Config()
	NE, NI := c.NE, c.NI
	N := NE + NI
	res := &Result{Metrics: map[string]float64{}}
	res.Notes = append(res.Notes, trainedNote("Balanced rate network", tr.Meta, tr.Loaded, tr.Path))
	f := leakyForecast(KindRate, tr.Meta)
	if err := r.lorenzForecast(ctx, m, f); err != nil {
		return nil, err
	}
	// Balance over the states visited while streaming the test split.
	states := hiddenStates(m, d.Test.Data, d.Dim)
	k := len(states) / N
	bal, err := m.BalanceOf(states, k)
	if err != nil {
		return nil, err
	}
	f.Extra = map[string]float64{
		"balance.exc_mean": bal.ExcMean, "balance.exc_std": bal.ExcStd, "balance.inh_mean": bal.InhMean, "balance.inh_std": bal.InhStd,
		"balance.net_mean": bal.NetMean, "balance.net_std": bal.NetStd, "balance.ratio": bal.Ratio, "balance.cancellation": bal.Cancellation,
		"balance.correlation": bal.Correlation, "balance.balance_ratio": bal.BalanceRatio,
		"activity.e_mean": bal.RateEMean, "activity.e_std": bal.RateEStd, "activity.e_active": bal.RateEActive,
		"activity.i_mean": bal.RateIMean, "activity.i_std": bal.RateIStd, "activity.i_active": bal.RateIActive,
	}
	f.Put(res.Metrics)
	res.Models = append(res.Models, f.Ref())
	res.Metrics["rate.epochs"] = float64(tr.Meta.Epochs)
	res.Tables = append(res.Tables,
		r.oneStepTable("One-step forecasts of the test windows (original units) beside the baselines", d.Dim, f),
		closedLoopTable("Closed loop on the evaluation trajectory", f),
		Table{Title: "Excitation–inhibition balance (recurrent currents into E units while the network streams the test split)",
			Header: []string{"quantity", "value", "reference (nb02)"},
			Rows: [][]string{
				{"E→E current, mean ± std", fmt.Sprintf("%.4g ± %.4g", bal.ExcMean, bal.ExcStd), "1.2557 ± 0.8098"},
				{"I→E current (magnitude), mean ± std", fmt.Sprintf("%.4g ± %.4g", bal.InhMean, bal.InhStd), "0.7535 ± 0.4842"},
				{"net current, mean ± std", fmt.Sprintf("%.4g ± %.4g", bal.NetMean, bal.NetStd), "0.5022 ± 0.7753"},
				{"ratio mean|E| / mean|net|", num(bal.Ratio), "1.78"},
				{"cancellation 1 − mean|net| / (mean|E| + mean|I|)", num(bal.Cancellation), "0.648"},
				{"correlation of E and I currents", num(bal.Correlation), "—"},
				{"balance ratio |ΣE − ΣI| / (|ΣE| + |ΣI|)", num(bal.BalanceRatio), "—"},
				{"E activity mean ± std (fraction > 0.1)", fmt.Sprintf("%.4g ± %.4g (%.1f%%)", bal.RateEMean, bal.RateEStd, 100*bal.RateEActive), "0.5416 ± 0.5715 (68.2%)"},
				{"I activity mean ± std (fraction > 0.1)", fmt.Sprintf("%.4g ± %.4g (%.1f%%)", bal.RateIMean, bal.RateIStd, 100*bal.RateIActive), "0.5807 ± 0.7064 (62.5%)"},
			}})
	res.Notes = append(res.Notes, f.Notes...)
	res.Notes = append(res.Notes, fmt.Sprintf("Model: %s; %d trainable parameters (reference: 4,499). Activities are the rates r of the network (model units, not Hz).", c, f.Params))

	figs, err := r.standardFigures(dir, f, tr.Meta.History, d)
	if err != nil {
		return nil, err
	}
	// Effective E/I weights before and after training, and their blocks.
	init, err := rate.New[float32](c)
	if err != nil {
		return nil, err
	}
	wb, wa := make([]float64, N*N), make([]float64, N*N)
	init.EffectiveWeights(wb)
	m.EffectiveWeights(wa)
	s := maxAbs(wb, wa)
	p, err := r.figure(dir, "rate_weights", 30, 13, [][]*plot.Plot{{
		heatmap("effective weights before (E then I; I columns negative)", wb, N, N, s),
		heatmap("after training", wa, N, N, s)}})
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	bt := Table{Title: "Effective recurrent weights after training (magnitudes; Dale's law " + c.Dale.String() + ")",
		Header: []string{"block", "mean", "std", "max", "fraction < 0.01", "reference (nb02)"}}
	for _, b := range []struct {
		name           string
		r0, r1, c0, c1 int
		ref            string
	}{
		{"E→E", 0, NE, 0, NE, "0.0397 / 0.0431 / 0.3374 / 35.5%"},
		{"I→E", 0, NE, NE, N, "0.0679 / 0.0703 / 0.3700 / 28.4%"},
		{"E→I", NE, N, 0, NE, "0.0367 / 0.0439 / 0.3343 / 41.8%"},
		{"I→I", NE, N, NE, N, "0.0610 / 0.0749 / 0.3757 / 36.3%"},
	} {
		mean, std, mx, small := blockStats(wa, N, b.r0, b.r1, b.c0, b.c1)
		bt.Rows = append(bt.Rows, []string{b.name, num(mean), num(std), num(mx), fmt.Sprintf("%.1f%%", 100*small), b.ref})
	}
	res.Tables = append(res.Tables, bt)

	// Activity histograms and E against I currents.
	var rE, rI, exc, inh []float64
	stride := max(1, k*NE/20000)
	cnt := 0
	for t := 0; t < k; t++ {
		row := states[t*N : (t+1)*N]
		rE = append(rE, row[:NE]...)
		rI = append(rI, row[NE:]...)
		for i := 0; i < NE; i++ {
			if cnt++; cnt%stride != 0 {
				continue
			}
			var e, in float64
			for j := 0; j < NE; j++ {
				e += wa[i*N+j] * row[j]
			}
			for j := NE; j < N; j++ {
				in -= wa[i*N+j] * row[j]
			}
			exc, inh = append(exc, e), append(inh, in)
		}
	}
	he, err := histPlot("E activity (test split)", "r_E", rE, 40, palette[0])
	if err != nil {
		return nil, err
	}
	hi, err := histPlot("I activity (test split)", "r_I", rI, 40, palette[1])
	if err != nil {
		return nil, err
	}
	sc, err := scatterPlot(fmt.Sprintf("currents into E units (correlation %.2f)", bal.Correlation), "excitatory (E→E)", "inhibitory (I→E, magnitude)", exc, inh, palette[3])
	if err != nil {
		return nil, err
	}
	p, err = r.figure(dir, "rate_activity", 36, 11, [][]*plot.Plot{{he, hi, sc}})
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	p, pca, scores, err := r.pcaFigure(dir, "rate", "rate network states (test split)", states, N, d)
	if err != nil {
		return nil, err
	}
	figs = append(figs, p)
	res.Figures = figs

	fr, err := r.saveFreeRun(dir, f.Key, f.Gen, d.Dim)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files, r.Rel(tr.Path), fr)
	truth, err := r.Truth()
	if err != nil {
		return nil, err
	}
	groups := append(forecastGroups("rate", f, d.Dim, truth),
		paramsGroup("rate/parameters", m.Params()), paramsGroup("rate/initial_parameters", init.Params()),
		historyGroup("rate/history", tr.Meta.History),
		h5Group{Name: "rate/effective_weights", Arrays: []export.Array{
			export.NewArray("before", wb, N, N), export.NewArray("after", wa, N, N)},
			Attrs: map[string]string{"layout": fmt.Sprintf("rows post-synaptic, columns pre-synaptic; E units 0…%d, I units %d…%d; inhibitory columns negative", NE-1, NE, N-1)}},
		h5Group{Name: "rate/test_states", Arrays: []export.Array{
			export.NewArray("r", states, k, N), export.NewArray("pca_scores", scores, len(scores)/pca.K, pca.K)},
			Attrs: map[string]string{"what": "state [r_E, r_I] after each sample while streaming the test split, and its PCA scores"}},
		metricsGroup("metrics", res.Metrics))
	if err := r.addH5(res, filepath.Join(dir, "rate.h5"), groups...); err != nil {
		return nil, err
	}
	return res, ctx.Err()
}
