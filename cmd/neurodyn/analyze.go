package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/pipeline"
	"github.com/neurodyn/neurodyn/tasks"
)

func newAnalyzeCmd(g *globals) *cobra.Command {
	var (
		cfgPath, model, data string
		input                []float64
		embedDim, lag        int
		zscore               string
		quick                bool
		seed                 uint64
		lambda1              float64
		spikeUnits           string
		sf                   seriesFlags
		cf                   *configFlags
	)
	cmd := &cobra.Command{
		Use:   "analyze {lyapunov|dimension|fixedpoints|closedloop|spikes|baselines}",
		Short: "Dynamical-systems analysis of a saved model or of a data file",
		Long: `analyze measures a model saved by train or by the tutorial (--model), or a data
file (--data), with the analyses of the tutorial's stages:

  lyapunov     λ₁ of a long free run (Rosenstein on x, as the synthesis table),
               beside the true trajectory's, and for ctrnn and rate models the
               spectrum from the model's Jacobians; on a series file, its λ₁
               (Rosenstein on its first variable, delay-embedded; lag, windows
               and fitted steps are in samples; "none" when the divergence
               curve does not rise)
  dimension    correlation dimension D₂ of a free run (or of a series file); a
               one-variable series is delay-embedded as for λ₁ (--embed-dim,
               --lag override the automatic choice), several variables only
               with --embed-dim ≥ 2 (each of them; λ₁ embeds the first
               alone); variables whose standard deviations differ by more
               than a factor 10 are z-scored (--zscore on|off: always, never)
  fixedpoints  fixed and slow points of a ctrnn or rate model at a constant
               input (--input: in data units for a forecasting model, default
               the train mean; the input channels for the flip-flop, default
               zero), classified (a forecasting model's in data units)
  closedloop   one-step metrics, closed-loop valid time and the attractor of
               the free run, as train prints them (with the baselines for a
               model of a series)
  spikes       rates, ISI CV, Fano factors, correlations and the population
               spectrum of a spiking model while it streams the test split, or
               of a SONATA spike report (--data file.h5; a stream written in
               segments, file.000000.h5, …, is read whole from file.h5;
               BMTK's files too: their sorting attribute is a string)
  baselines    the baselines every forecaster must beat (persistence, train
               mean, linear extrapolation, AR(1…10), NVAR) on a series file
               (--data), split as train splits it (--train-frac, --val-frac,
               --seq-length): one-step test metrics in original units

The analysis sizes (free-run length, closed-loop starts, fixed-point starts)
are configuration keys (see the flags); the model's data are rebuilt from its
file's metadata. A model trained on a series file finds it by its absolute
path, then relative to the model file, then to the working directory, and
checks its SHA-256; if the file moved, give it with --data beside --model:
it must have the same SHA-256, and loading flags given (--format, --key,
--columns, --header, --dt) must equal those the model was trained with
(flags left out take the model's).`,
		Example: `  neurodyn analyze lyapunov --model results/ctrnn/ctrnn_lorenz.npz
  neurodyn analyze fixedpoints --model results/flipflop/ctrnn_flipflop.npz
  neurodyn analyze closedloop --model models/reservoir_lorenz.npz --analysis.closed-loop-starts 20
  neurodyn analyze dimension --data series.npy --dt 0.01
  neurodyn analyze closedloop --model models/esn_series.npz --data moved/series.npy
  neurodyn analyze spikes --data sim/cuba/spikes.h5
  neurodyn analyze baselines --data series.npy --dt 0.1`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: pipeline.Analyses(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !contains(pipeline.Analyses(), args[0]) {
				return param.New("neurodyn", "analysis", args[0], "one of "+strings.Join(pipeline.Analyses(), ", "))
			}
			fl := cmd.Flags()
			// analyze rebuilds a model's data from its file's metadata and
			// reads a data file as it is: the --data.* keys are not used.
			if err := refuseDataKeys(dataKeysOutside(fl, ""), "with analyze (a model's data are rebuilt from the recipe recorded in its file, a data file is read as it is; the --data.* keys set the data of train and tutorial)"); err != nil {
				return err
			}
			cfg, err := loadConfig(cmd, cfgPath, cf)
			if err != nil {
				return err
			}
			if fl.Changed("quick") {
				cfg.Quick = quick
			}
			if fl.Changed("seed") {
				cfg.Seed = seed
			}
			if model == "" && data == "" {
				return param.New("neurodyn", "--model/--data", "neither given", "--model, --data, or both (--data then gives the model's series file)")
			}
			if model != "" && data == "" {
				if err := onlyWith("neurodyn", fl, seriesFlagNames, "left out with --model alone (the model file records how its series is read; with --data, pointing at the model's series file, they must match it)"); err != nil {
					return err
				}
			}
			if model == "" && args[0] == "spikes" {
				if err := onlyWith("neurodyn", fl, seriesFlagNames, "left out with analyze spikes (a SONATA spike report has its own times)"); err != nil {
					return err
				}
			}
			if model != "" || (args[0] != "lyapunov" && args[0] != "dimension") {
				if err := onlyWith("neurodyn", fl, []string{"embed-dim", "lag"}, "left out except with analyze lyapunov or dimension --data (the delay embedding of a series file)"); err != nil {
					return err
				}
			}
			if args[0] != "spikes" || model != "" {
				if err := onlyWith("neurodyn", fl, []string{"spike-time-units"}, "left out except with analyze spikes --data (the time unit of a spike report whose timestamps carry no units attribute)"); err != nil {
					return err
				}
			}
			if spikeUnits != "" && !contains([]string{"ms", "s", "us"}, spikeUnits) {
				return param.New("neurodyn", "--spike-time-units", spikeUnits, "ms, s or us")
			}
			if args[0] != "fixedpoints" {
				if err := onlyWith("neurodyn", fl, []string{"input"}, "left out except with analyze fixedpoints"); err != nil {
					return err
				}
			}
			if args[0] != "baselines" {
				if err := onlyWith("neurodyn", fl, splitFlagNames, "left out except with analyze baselines --data (train splits a series with it)"); err != nil {
					return err
				}
			}
			if args[0] != "closedloop" || model == "" {
				if err := onlyWith("neurodyn", fl, []string{"lambda1"}, "left out except with analyze closedloop --model"); err != nil {
					return err
				}
			}
			if err := checkLambda1Flag(fl, lambda1); err != nil {
				return err
			}
			lo, err := sf.load()
			if err != nil {
				return err
			}
			if data != "" && model == "" && args[0] != "spikes" { // with --model, the options are checked against the model's
				if err := sf.applies(fl, data); err != nil {
					return seriesFlagErr(err)
				}
			}
			if model != "" || args[0] != "dimension" {
				if err := onlyWith("neurodyn", fl, []string{"zscore"}, "left out except with analyze dimension --data (the scaling of a series file's variables)"); err != nil {
					return err
				}
			}
			scaling, ok := map[string]analysis.D2Scaling{"auto": analysis.D2ScaleAuto, "on": analysis.D2ScaleZScore, "off": analysis.D2ScaleNone}[zscore]
			if !ok {
				return param.New("neurodyn", "--zscore", zscore, "auto, on or off")
			}
			if embedDim < 0 || embedDim > 100 {
				return param.New("neurodyn", "--embed-dim", embedDim, "an embedding dimension in [1, 100] (0 or left out: chosen by false nearest neighbours)")
			}
			if lag < 0 {
				return param.New("neurodyn", "--lag", lag, "a lag ≥ 1 sample (0 or left out: chosen from the mutual information)")
			}
			req := pipeline.AnalyzeRequest{What: args[0], Model: model, Data: data, Load: lo, Dt: sf.dt, Lambda1: lambda1,
				Split:    tasks.SeriesConfig{Name: "series", TrainFrac: sf.trainFrac, ValFrac: sf.valFrac, SeqLength: sf.seqLength},
				EmbedDim: embedDim, Lag: lag, D2Scaling: scaling, SpikeTimeUnits: spikeUnits}
			if model != "" && !fl.Changed("dt") {
				req.Dt = 0 // the model's
			}
			if fl.Changed("input") {
				req.Input = input
			}
			if !g.quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "analyze %s: running…\n", args[0])
			}
			tables, err := pipeline.Analyze(cmd.Context(), cfg, req)
			if errors.Is(err, export.ErrNoTimeUnits) {
				return &reworded{msg: fmt.Sprintf("%v (give the file's time unit with --spike-time-units ms, s or us)", err), err: err}
			}
			if err != nil {
				return seriesFlagErr(err)
			}
			for _, t := range tables {
				fmt.Fprintln(cmd.OutOrStdout(), t.Markdown())
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "model file written by train or the tutorial (.npz)")
	f.StringVar(&data, "data", "", "data file: a series (.npy, .npz, .h5, .csv) or a SONATA spike report (.h5); with --model, the model's series file where it now is")
	f.Float64SliceVar(&input, "input", nil, "constant input of the fixed-point search (comma-separated): in data units for a forecasting model (default the train mean, the model's normalised zero), the input channels for the flip-flop (default zero)")
	f.StringVar(&zscore, "zscore", "auto", "z-score a series file's variables before D₂ (dimension with --data): auto (when their standard deviations differ by more than 10×), on (always: D₂ independent of units, but a near-constant noisy variable counts fully) or off (never: each variable in its own units)")
	f.IntVar(&embedDim, "embed-dim", 0, "delay-embedding dimension of a series file's λ₁ and D₂ (lyapunov, dimension with --data; 0: chosen by false nearest neighbours)")
	f.IntVar(&lag, "lag", 0, "delay-embedding lag in samples (lyapunov, dimension with --data; 0: chosen from the mutual information; λ₁ embeds the first column, D₂ of several variables only with --embed-dim ≥ 2)")
	f.StringVar(&cfgPath, "config", "", "TOML configuration read on top of the embedded defaults (analysis sizes)")
	f.BoolVar(&quick, "quick", false, "smaller analyses (config key quick)")
	f.Uint64Var(&seed, "seed", 42, "seed of the randomized analyses (config key seed)")
	f.Float64Var(&lambda1, "lambda1", 0, lambda1Usage)
	f.StringVar(&spikeUnits, "spike-time-units", "", "analyze spikes --data: the time unit (ms, s or us) of a spike report whose timestamps carry no units attribute (SONATA requires one; without this flag such a file is refused)")
	sf.register(cmd, true)
	cf = addConfigFlags(cmd, "out_dir", "seed", "quick", "stages")
	return cmd
}
