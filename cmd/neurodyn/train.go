package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/pipeline"
	"github.com/neurodyn/neurodyn/tasks"
)

// seriesFlags are the options that read and split a user's series.
type seriesFlags struct {
	format, key string
	columns     []int
	header      string
	dt          float64
	trainFrac   float64
	valFrac     float64
	seqLength   int
}

// register adds the flags that read a series file to cmd, and with split
// those that split it for training.
func (s *seriesFlags) register(cmd *cobra.Command, split bool) {
	f := cmd.Flags()
	f.StringVar(&s.format, "format", "", "series file format: npy, npz, hdf5 or csv, i.e. delimited text whose delimiter is taken from the first line (default: by extension)")
	f.StringVar(&s.key, "key", "", "array name in an .npz, or dataset path in an HDF5 file (needed when the file holds several; refused for .npy and text)")
	f.IntSliceVar(&s.columns, "columns", nil, "variables to use, by column index from 0 (default: all, unless the first column is a row index or time axis, e.g. pandas' index: then it must be given)")
	f.StringVar(&s.header, "header", "auto", "CSV header row: auto, yes or no (delimited text only)")
	f.Float64Var(&s.dt, "dt", 1, "sample interval of the series, in its time unit (> 0)")
	if split {
		f.Float64Var(&s.trainFrac, "train-frac", 0.7, "fraction of the samples, in time order, for training (> 0; with --val-frac, sum < 1)")
		f.Float64Var(&s.valFrac, "val-frac", 0.15, "fraction for validation (> 0; the test split gets the rest)")
		f.IntVar(&s.seqLength, "seq-length", 50, "window length in samples")
	}
}

// seriesFlagNames are the flags of register, those that only apply to a
// series file.
var seriesFlagNames = []string{"format", "key", "columns", "header", "dt", "train-frac", "val-frac", "seq-length"}

// splitFlagNames are the flags of register that split a series.
var splitFlagNames = []string{"train-frac", "val-frac", "seq-length"}

// load returns the LoadOptions of the flags.
func (s *seriesFlags) load() (tasks.LoadOptions, error) {
	o := tasks.LoadOptions{Format: s.format, Key: s.key, Columns: s.columns}
	for _, c := range s.columns {
		if c < 0 {
			return o, param.New("neurodyn", "--columns", c, "column indices >= 0")
		}
	}
	if err := param.Positive("neurodyn", "--dt", s.dt); err != nil {
		return o, err
	}
	switch s.header {
	case "auto":
		o.Header = tasks.HeaderAuto
	case "yes":
		o.Header = tasks.HeaderYes
	case "no":
		o.Header = tasks.HeaderNo
	default:
		return o, param.New("neurodyn", "--header", s.header, "auto, yes or no")
	}
	return o, nil
}

// applies refuses a loading flag given for a file whose format it does
// not apply to, so that nothing given is ignored (nor enters a model's
// identity): --key outside .npz and HDF5 files, --header outside
// delimited text. The library refuses the non-default values too
// (tasks.LoadOptions.Resolve); this also catches --header auto.
func (s *seriesFlags) applies(fl *pflag.FlagSet, path string) error {
	lo, err := tasks.LoadOptions{Format: s.format}.Resolve(path)
	if err != nil {
		return err
	}
	if fl.Changed("key") && lo.Format != "npz" && lo.Format != "hdf5" {
		return param.New("neurodyn", "--key", s.key, fmt.Sprintf("left out for %s, a %s file (it holds one array): --key applies to .npz and HDF5 files only", path, lo.Format))
	}
	if fl.Changed("header") && lo.Format != "csv" {
		return param.New("neurodyn", "--header", s.header, fmt.Sprintf("left out for %s, a %s file: --header applies to delimited text (.csv, .tsv, .txt) only", path, lo.Format))
	}
	return nil
}

// spec returns the DataSpec of a series file.
func (s *seriesFlags) spec(fl *pflag.FlagSet, path string) (pipeline.DataSpec, error) {
	lo, err := s.load()
	if err != nil {
		return pipeline.DataSpec{}, err
	}
	if err := s.applies(fl, path); err != nil {
		return pipeline.DataSpec{}, err
	}
	if err := param.PositiveInt("neurodyn", "--seq-length", s.seqLength); err != nil {
		return pipeline.DataSpec{}, err
	}
	if !(s.trainFrac > 0 && s.valFrac > 0 && s.trainFrac+s.valFrac < 1) {
		return pipeline.DataSpec{}, param.New("neurodyn", "--train-frac/--val-frac", fmt.Sprintf("%g/%g", s.trainFrac, s.valFrac), "both > 0 with a sum < 1 (the test split gets the rest)")
	}
	return pipeline.SeriesFileSpec(path, lo, tasks.SeriesConfig{Name: "series", Dt: s.dt, TrainFrac: s.trainFrac, ValFrac: s.valFrac, SeqLength: s.seqLength})
}

// lambda1Usage documents --lambda1 of train and analyze closedloop.
const lambda1Usage = "largest Lyapunov exponent of the true system, per time unit of the data (> 0), for valid times in Lyapunov times (default: Lorenz-63's own, 0.906 at the classic parameters and from its Jacobian at others; for a series, the data's estimate, Rosenstein on x over the train split)"

// checkLambda1Flag validates --lambda1 when it is given.
func checkLambda1Flag(fl interface{ Changed(string) bool }, v float64) error {
	if fl.Changed("lambda1") && !(v > 0 && v <= math.MaxFloat64) {
		return param.New("neurodyn", "--lambda1", v, "> 0 and finite, per time unit of the data")
	}
	return nil
}

// fileFlag names TrainRequest.File's flag in train's errors.
var fileFlag = map[string]string{"File": "--file"}

func newTrainCmd(g *globals) *cobra.Command {
	var (
		cfgPath, task, out, file  string
		retrain, quick, overwrite bool
		seed                      uint64
		lambda1                   float64
		sf                        seriesFlags
		cf                        *configFlags
	)
	cmd := &cobra.Command{
		Use:   "train {ctrnn|rate|snn|reservoir|esn}",
		Short: "Train a model on Lorenz-63, the flip-flop or your own series, save it and print its measurements",
		Long: `train trains one model with the recipe the configuration selects (the same
functions as the tutorial's stages, so with the same configuration and seed it
prints the numbers of the tutorial's report and synthesis table), saves it as an
.npz model file (parameters plus metadata; load it with analyze --model) and
prints its one-step test metrics, closed-loop valid time and the λ₁ and D₂ of a
long free run (forecasting tasks) or its bit accuracy (flip-flop).

A ctrnn, rate or snn model file of the same recipe and data in --out is
reloaded instead of trained again (--retrain trains anyway); a killed training
resumes from its checkpoints. A reservoir's or ESN's readout (a closed-form
ridge fit of seconds) is fitted again on every run and its file rewritten, with
the same bits for the same recipe and data. One training at a time writes a model file: a second one of the
same file stops at once, naming the process that holds <out>/.<file>.lock. A
file there that holds another model (another recipe, or data
that changed since) is never replaced without --overwrite: train refuses to
run instead.

--task takes lorenz, flipflop (ctrnn and rate), or a path to a series file
(.npy, .npz, .h5, .csv, .tsv, .txt): it is split in time order and normalized with the
training statistics, and the Lorenz recipes train on it.

On a series the test split is the evaluation run: the closed-loop valid time
starts from up to analysis.closed-loop-starts positions spread over it, each
after 50 warm-up samples of the data, with a horizon of at most half the split
after the warm-up (at least 100 steps: the split needs 250 samples); the free
run starts after the split's first 50 samples and is as long as the rest of
the split (at most analysis.free-run-steps; at least 500), and the "true" λ₁
and D₂ are measured on that rest of the split with the same estimators
(Rosenstein on x, Grassberger–Procaccia). When the split is too short, train
says what it needs. Valid times in Lyapunov times use the true system's λ₁:
Lorenz-63's (0.906 at σ=10, ρ=28, β=8/3; from its Jacobian at other
parameters), a series' estimate from the data (Rosenstein on x over the
train split), or --lambda1.

Beside the model, the baselines every forecaster must beat (persistence,
linear extrapolation, train mean, AR(1…10), NVAR; fitted on the training
split) are printed with their one-step test metrics in original units.`,
		Example: `  neurodyn train ctrnn                         # CT-RNN on Lorenz-63, model in models/ctrnn_lorenz.npz
  neurodyn train rate --task flipflop --quick
  neurodyn train reservoir --models.reservoir-neurons 500
  neurodyn train esn --task data/sensors.csv --columns 1,2,3 --dt 0.05
  neurodyn train snn --config my.toml --out runs/a -q`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: pipeline.Kinds(),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := args[0]
			if !contains(pipeline.Kinds(), kind) {
				return param.New("neurodyn", "model", kind, "one of "+strings.Join(pipeline.Kinds(), ", "))
			}
			fl := cmd.Flags()
			// Before the configuration is checked: a --data.* key of
			// another task would fail its checks (eval_t for a
			// --data.lorenz.dt) or be ignored.
			why := fmt.Sprintf("with --task %s (the --data.%s.* keys set that task's data; the other tasks' keys are not used)", task, task)
			if task != pipeline.TaskLorenz && task != pipeline.TaskFlipFlop {
				why = fmt.Sprintf("with --task %s (a series file is read as it is, with --format, --key, --columns, --header, --dt, --train-frac, --val-frac, --seq-length; the --data.* keys set the lorenz and flipflop tasks' data)", task)
			}
			if err := refuseDataKeys(dataKeysOutside(fl, task), why); err != nil {
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
			if err := cfg.Validate(); err != nil {
				return err
			}
			if err := checkLambda1Flag(fl, lambda1); err != nil {
				return err
			}
			if task == pipeline.TaskFlipFlop {
				if err := onlyWith("neurodyn", fl, []string{"lambda1"}, "left out with --task flipflop (it sets the Lyapunov times of forecasting tasks)"); err != nil {
					return err
				}
			}
			var data pipeline.DataSpec
			if task == pipeline.TaskLorenz || task == pipeline.TaskFlipFlop {
				if err := onlyWith("neurodyn", fl, seriesFlagNames, "left out with --task "+task+" (it reads a series file; set the task's data with the --data.* keys)"); err != nil {
					return err
				}
			}
			switch task {
			case pipeline.TaskLorenz:
				data = pipeline.LorenzSpec(cfg.Data.Lorenz)
			case pipeline.TaskFlipFlop:
				data = pipeline.FlipFlopSpec(cfg.Data.FlipFlop)
			case "":
				return param.New("neurodyn", "--task", `""`, "lorenz, flipflop or the path of a series file")
			default:
				if data, err = sf.spec(fl, task); err != nil {
					return seriesFlagErr(err)
				}
			}
			// Two trainings of one model file at once would write the same
			// checkpoints and file; other models in --out may train beside.
			name, err := pipeline.ModelFileName(kind, data.Task, file)
			if err != nil { // before --out is created
				return flagErr(err, "pipeline", fileFlag)
			}
			lock, err := lockOut("train", "--out", out, "."+name+".lock")
			if err != nil {
				return err
			}
			defer lock.release()
			req := pipeline.TrainRequest{Kind: kind, Data: data, Dir: out, File: file, Retrain: retrain, Overwrite: overwrite, Lambda1: lambda1}
			if prog := g.progress(); prog != nil {
				req.Progress = func(done, total int) { prog("train", kind, done, total) }
			}
			res, err := pipeline.TrainModel(cmd.Context(), cfg, req)
			if err != nil {
				err = flagErr(seriesFlagErr(err), "pipeline", fileFlag)
				return interrupted(overwriteHint(err), "train", "rerun the same command to resume from the training checkpoints")
			}
			for _, t := range res.Tables {
				fmt.Fprintln(cmd.OutOrStdout(), t.Markdown())
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfgPath, "config", "", "TOML configuration read on top of the embedded defaults (recipes, data, analysis sizes)")
	f.StringVar(&task, "task", pipeline.TaskLorenz, "lorenz, flipflop, or the path of a series file")
	f.StringVar(&out, "out", "models", "directory of the model file")
	f.StringVar(&file, "file", "", "model file name in --out, ending in .npz (default <model>_<task>.npz)")
	f.BoolVar(&retrain, "retrain", false, "train even if --out holds this model already")
	f.BoolVar(&overwrite, "overwrite", false, "replace a model file in --out that holds another model (another recipe, or other data)")
	f.BoolVar(&quick, "quick", false, "the packages' Quick recipes and smaller analyses (config key quick)")
	f.Uint64Var(&seed, "seed", 42, "master seed; 42 keeps the recipes' own seeds (config key seed)")
	f.Float64Var(&lambda1, "lambda1", 0, lambda1Usage)
	sf.register(cmd, true)
	cf = addConfigFlags(cmd, "out_dir", "seed", "quick", "stages")
	return cmd
}
