package pipeline

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/tasks"
)

// LorenzConfig converts the TOML recipe to the tasks configuration.
func (l LorenzData) LorenzConfig() tasks.LorenzConfig {
	return tasks.LorenzConfig{
		System:       tasks.Lorenz{Sigma: l.Sigma, Rho: l.Rho, Beta: l.Beta},
		Dt:           l.Dt,
		Transient:    l.Transient,
		NoTransient:  l.Transient == 0,
		TrainT:       l.TrainT,
		ValT:         l.ValT,
		TestT:        l.TestT,
		EvalT:        l.EvalT,
		Seed:         l.Seed,
		InitialNoise: l.InitialNoise,
		Rtol:         l.Rtol,
		Atol:         l.Atol,
		SeqLength:    l.SeqLength,
		Horizon:      l.Horizon,
		Stride:       l.Stride,
	}
}

// FlipFlopConfig converts the TOML recipe to the tasks configuration.
func (f FlipFlopData) FlipFlopConfig() tasks.FlipFlopConfig {
	return tasks.FlipFlopConfig{
		Bits: f.Bits, Steps: f.Steps, PulseProb: f.PulseProb, PulseDuration: f.PulseDuration,
		InputNoise: f.InputNoise, NoiseSeed: uint64(f.Seed), Seed: f.Seed,
		TrainTrials: f.TrainTrials, ValTrials: f.ValTrials, TestTrials: f.TestTrials,
	}
}

// Lorenz returns the run's Lorenz dataset, generated once per process.
func (r *Run) Lorenz() (*tasks.Dataset, error) {
	return Cached(r, "lorenz", func() (*tasks.Dataset, error) {
		return tasks.GenerateLorenz(r.Cfg.Data.Lorenz.LorenzConfig())
	})
}

// FlipFlop returns the run's flip-flop task, generated once per process.
func (r *Run) FlipFlop() (*tasks.FlipFlop, error) {
	return Cached(r, "flipflop", func() (*tasks.FlipFlop, error) {
		return tasks.GenerateFlipFlop(r.Cfg.Data.FlipFlop.FlipFlopConfig())
	})
}

func dataStage() Stage {
	return Stage{
		Name:  "data",
		Title: "00 · datasets: Lorenz-63 (train/val/test + long evaluation run) and the 3-bit flip-flop",
		Key:   func(c *Config) any { return c.Data },
		Run:   runData,
	}
}

func runData(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("data")
	if err != nil {
		return nil, err
	}
	d, err := r.Lorenz()
	if err != nil {
		return nil, err
	}
	ff, err := r.FlipFlop()
	if err != nil {
		return nil, err
	}
	res := &Result{Metrics: map[string]float64{}}
	h5 := filepath.Join(dir, "lorenz.h5")
	npz := filepath.Join(dir, "lorenz_data.npz")
	ffh5 := filepath.Join(dir, "flipflop.h5")
	if err := d.WriteHDF5(h5, export.Overwrite()); err != nil {
		return nil, err
	}
	if err := d.WriteNPZ(npz, export.Overwrite()); err != nil {
		return nil, err
	}
	if err := ff.WriteHDF5(ffh5, export.Overwrite()); err != nil {
		return nil, err
	}
	res.Files = append(res.Files, r.Rel(h5), r.Rel(npz), r.Rel(ffh5))

	t := Table{Title: "Lorenz-63 dataset (normalized with the train statistics)",
		Header: []string{"split", "samples", "windows", "first sample (original units)"}}
	for _, s := range d.Splits() {
		nw := 0
		if w, err := tasks.NewWindows(s, d.SeqLength, d.Horizon, d.Stride); err == nil {
			nw = w.Len()
		}
		first := make([]float64, d.Dim)
		d.Denormalize(first, s.At(0))
		t.Rows = append(t.Rows, []string{s.Name, fmt.Sprint(s.Len), fmt.Sprint(nw),
			fmt.Sprintf("(%.6f, %.6f, %.6f)", first[0], first[1], first[2])})
		res.Metrics["lorenz."+s.Name+".samples"] = float64(s.Len)
		res.Metrics["lorenz."+s.Name+".windows"] = float64(nw)
	}
	res.Tables = append(res.Tables, t)
	res.Notes = append(res.Notes, fmt.Sprintf("Train statistics: mean (%.6f, %.6f, %.6f), std (%.6f, %.6f, %.6f).",
		d.Mean[0], d.Mean[1], d.Mean[2], d.Std[0], d.Std[1], d.Std[2]))

	ft := Table{Title: "3-bit flip-flop", Header: []string{"split", "trials", "pulses (+1 / −1)", "ON fraction"}}
	for _, s := range []*tasks.FlipFlopSplit{&ff.Train, &ff.Val, &ff.Test} {
		on, off := s.PulseCounts()
		ft.Rows = append(ft.Rows, []string{s.Name, fmt.Sprint(s.Trials),
			fmt.Sprintf("%d (%d / %d)", on+off, on, off), fmt.Sprintf("%.5f", s.OnFraction())})
		res.Metrics["flipflop."+s.Name+".pulses"] = float64(on + off)
	}
	res.Tables = append(res.Tables, ft)

	figs, err := dataFigures(r, dir, d, ff)
	if err != nil {
		return nil, err
	}
	res.Figures = append(res.Figures, figs...)
	return res, ctx.Err()
}

// Truth returns the stretch of the true evaluation trajectory that every
// free run is compared with (NewTruth with the configured free-run
// length), described once per process.
func (r *Run) Truth() (*Truth, error) {
	return Cached(r, "truth", func() (*Truth, error) {
		d, err := r.Lorenz()
		if err != nil {
			return nil, err
		}
		return NewTruth(d, r.Cfg.Settings().FreeRun)
	})
}
