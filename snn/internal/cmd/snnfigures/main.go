// Command snnfigures trains and evaluates the spiking models of issue 7 on
// the tutorial's Lorenz task and prints the figures its "Done when" asks
// for: one-step test RMSE in original units, the RMSE with the spikes
// silenced, firing rates, parameter counts, closed-loop valid times
// (analysis.ValidTime, 100 starts) and wall-clock times.
//
//	go run ./snn/internal/cmd/snnfigures                  # trained SNN, reservoir, ESN
//	go run ./snn/internal/cmd/snnfigures -runs quick,resquick
//	go run ./snn/internal/cmd/snnfigures -runs ref,refres  # the reference's set-ups at dt 1 ms (minutes)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

func main() {
	runs := flag.String("runs", "snn,res,esn", "comma-separated: snn, quick, ref, refres, res, resquick, esn")
	maxMin := flag.Float64("ref-minutes", 8, "training time cap of the reference set-ups (ref, refres)")
	flag.Parse()
	if err := run(strings.Split(*runs, ","), *maxMin); err != nil {
		fmt.Fprintln(os.Stderr, "snnfigures:", err)
		os.Exit(1)
	}
}

func run(runs []string, maxMin float64) error {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{})
	if err != nil {
		return err
	}
	vtc := analysis.ClosedLoopConfig{}
	for _, w := range runs {
		switch w {
		case "snn", "quick", "ref", "refres":
			var r snn.Recipe
			switch w {
			case "snn":
				r = snn.LorenzDefault()
			case "quick":
				r = snn.LorenzQuick()
			case "ref":
				r = snn.LorenzReference()
				r.Train.MaxDuration = time.Duration(maxMin * float64(time.Minute))
			case "refres":
				r = snn.LorenzReservoirReference()
				r.Train.MaxDuration = time.Duration(maxMin * float64(time.Minute))
			}
			tr, err := snn.LorenzTrained(context.Background(), r, d)
			if err != nil {
				return err
			}
			f := tr.Test
			fmt.Printf("%s: %d epochs (best %d, %s) in %.1f s\n", r.Name, tr.Train.Epochs, tr.Train.BestEpoch, tr.Train.Stop, tr.Seconds)
			if tr.ReadoutInit != nil {
				fmt.Printf("  readout initialized by ridge: %d rows × %d regressors, λ %g, %.1f s\n", tr.ReadoutInit.Rows, tr.ReadoutInit.Features, tr.ReadoutInit.Lambda, tr.ReadoutInit.Seconds)
			}
			fmt.Printf("  test one-step RMSE %.4f (MAE %.4f), spikes silenced %.4f (%.1fx worse)\n", f.RMSE, f.MAE, f.SilencedRMSE, f.SilencedRMSE/f.RMSE)
			fmt.Printf("  rates E %.1f Hz, I %.1f Hz; neurons below 1 Hz %.1f%%, above 50 Hz %.1f%%\n", f.RateE, f.RateI, 100*f.RatesBelow1Hz, 100*f.RatesAbove50Hz)
			fmt.Printf("  parameters: %d trainable (%d that can change; %d synapses, %d active)\n", tr.Counts.Trainable, tr.Counts.Effective, tr.Counts.Synapses, tr.Counts.Active)
			if w == "snn" || w == "quick" {
				vt, err := analysis.ValidTime(tr.Model, d.Eval.Data, d.Dim, vtc)
				if err != nil {
					return err
				}
				fmt.Printf("  closed loop: median valid time %.3f Lyapunov times (quartiles %.3f, %.3f)\n", vt.InLyapunov.Median, vt.InLyapunov.Q1, vt.InLyapunov.Q3)
			}
		case "res", "resquick":
			c := snn.ReservoirConfig{}
			if w == "resquick" {
				c = snn.ReservoirQuick()
			}
			t0 := time.Now()
			r, fit, err := snn.LorenzReservoir(c, d)
			if err != nil {
				return err
			}
			fmt.Printf("reservoir %s (%d neurons, %d regressors): harvest %.1f s (%.3g neuron-steps), fit %.1f s, λ %g\n",
				w, r.Config().N, fit.Features, fit.HarvestSeconds, float64(fit.NeuronSteps), fit.FitSeconds, fit.Lambda)
			fmt.Printf("  test one-step RMSE %.4f (MAE %.4f, val %.4f), spikes silenced %.4f (%.1fx), input-only readout %.4f (%.1fx)\n",
				fit.TestRMSE, fit.TestMAE, fit.ValRMSE, fit.SilencedRMSE, fit.SilencedRMSE/fit.TestRMSE, fit.InputOnlyRMSE, fit.InputOnlyRMSE/fit.TestRMSE)
			fmt.Printf("  rates E %.1f Hz, I %.1f Hz; neurons below 1 Hz %.1f%%, above 50 Hz %.1f%%\n", fit.RateE, fit.RateI, 100*fit.BelowRate1Hz, 100*fit.AboveRate50Hz)
			t1 := time.Now()
			vt, err := analysis.ValidTime(r, d.Eval.Data, d.Dim, vtc)
			if err != nil {
				return err
			}
			fmt.Printf("  closed loop: median valid time %.3f Lyapunov times (quartiles %.3f, %.3f; %d censored) in %.1f s; total %.1f s\n",
				vt.InLyapunov.Median, vt.InLyapunov.Q1, vt.InLyapunov.Q3, vt.NumCensored, time.Since(t1).Seconds(), time.Since(t0).Seconds())
			r.Close()
		case "esn":
			t0 := time.Now()
			e, fit, err := snn.LorenzESN(snn.ESNConfig{}, d)
			if err != nil {
				return err
			}
			vt, err := analysis.ValidTime(e, d.Eval.Data, d.Dim, vtc)
			if err != nil {
				return err
			}
			fmt.Printf("ESN (%d tanh units, spectral radius %g): test one-step RMSE %.3g, closed-loop median valid time %.2f Lyapunov times, %.1f s\n",
				e.Config().N, e.Config().SpectralRadius, fit.TestRMSE, vt.InLyapunov.Median, time.Since(t0).Seconds())
		default:
			return fmt.Errorf("unknown run %q", w)
		}
	}
	return nil
}
