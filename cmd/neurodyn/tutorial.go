package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/pipeline"
)

func newTutorialCmd(g *globals) *cobra.Command {
	var (
		cfgPath, outDir string
		quick, force    bool
		retrain         bool
		printCfg, list  bool
		stages          []string
		seed            uint64
		jobs            int
		cf              *configFlags
	)
	cmd := &cobra.Command{
		Use:   "tutorial",
		Short: "Run the tutorial pipeline (datasets, models, analysis, report) on the embedded default config",
		Long: `tutorial runs the experiments of the six notebooks of "RNNs as Computational Dynamical
Systems" as one pipeline (with neurodyn's recipes; README.md lists what differs and
which figures are left out) and writes HDF5 files, PNG figures and report.md to the
output directory.
Stages already finished with the same configuration are skipped, so a killed run
resumes where it stopped. --force runs the selected stages again (measurements,
figures, tables) but reloads the models they trained, when the model files in
--out hold the same recipe and data; --retrain deletes those files first, so the
selected stages train their models from scratch.

Ctrl-C (or SIGTERM) stops the run: the finished stages are kept, report.md is
written from them, and the exit status is 130 (143 for SIGTERM); rerunning the
same command resumes. One run at a time writes to an output directory: a
second one on the same --out stops at once, naming the process that holds
<out>/.neurodyn.lock.`,
		Example: `  neurodyn tutorial
  neurodyn tutorial --quick --out /tmp/r
  neurodyn tutorial --stages ctrnn --retrain
  neurodyn tutorial --config my.toml --stages data
  neurodyn tutorial --print-config > my.toml
  neurodyn tutorial --analysis.free-run-steps 50000 --models.ctrnn reference`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if list && printCfg {
				return param.New("tutorial", "--list/--print-config", "both given", "at most one of them")
			}
			if jobs < 0 {
				return param.New("tutorial", "--jobs", jobs, ">= 0 (0: GOMAXPROCS)")
			}
			if list {
				for _, s := range pipeline.Stages() {
					fmt.Fprintf(cmd.OutOrStdout(), "%-12s %s\n", s.Name, s.Title)
				}
				return nil
			}
			cfg := pipeline.DefaultConfig()
			if cfgPath != "" {
				var err error
				if cfg, err = pipeline.LoadConfig(cfgPath); err != nil {
					return err
				}
			}
			fl := cmd.Flags()
			if fl.Changed("out") {
				cfg.OutDir = outDir
			}
			if fl.Changed("quick") {
				cfg.Quick = quick
			}
			if fl.Changed("seed") {
				cfg.Seed = seed
			}
			if fl.Changed("stages") {
				cfg.Stages = stages
			}
			if err := cf.apply(fl, &cfg); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			if printCfg {
				fmt.Fprint(cmd.OutOrStdout(), cfg.TOML())
				return nil
			}
			lock, err := lockOut("tutorial", "--out", cfg.OutDir, tutorialLock)
			if err != nil {
				return err
			}
			defer lock.release()
			if retrain {
				removed, err := pipeline.RemoveTrainedModels(cfg)
				if err != nil {
					return err
				}
				for _, p := range removed {
					fmt.Fprintf(g.logw(), "retrain: removed %s\n", p)
				}
				force = true
			}
			run, err := pipeline.Execute(cmd.Context(), cfg, pipeline.Options{Force: force, Log: g.logw(), Quiet: g.quiet, Progress: g.progress(), Jobs: jobs})
			if err != nil {
				// A run never loses what it finished: the report of the
				// stages done so far (those that did not run are listed
				// as missing).
				kept := "finished stages are kept in " + cfg.OutDir
				if path, rerr := pipeline.WriteReport(cfg); rerr == nil {
					kept += " and reported in " + path
				}
				if !errors.Is(err, context.Canceled) {
					return &reworded{msg: fmt.Sprintf("%v (%s)", err, kept), err: err}
				}
				return interrupted(err, "tutorial", kept+"; rerun the same command to resume")
			}
			printSummary(cmd.OutOrStdout(), run)
			fmt.Fprintf(cmd.OutOrStdout(), "report: %s\n", strings.TrimRight(cfg.OutDir, "/")+"/"+pipeline.ReportName)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfgPath, "config", "", "TOML configuration read on top of the embedded defaults")
	f.StringVar(&outDir, "out", "results", "output directory")
	f.BoolVar(&quick, "quick", false, "CI-sized run (about 40 s on 2 cores), judged against the full run's targets")
	f.BoolVar(&force, "force", false, "rerun the selected stages' measurements, figures and tables even if they have results; their trained models are reloaded (see --retrain)")
	f.BoolVar(&retrain, "retrain", false, "delete the selected stages' model files and training checkpoints first, so that they train again (implies --force)")
	f.Uint64Var(&seed, "seed", 42, "master seed")
	f.StringSliceVar(&stages, "stages", nil, "stages to run (comma-separated; default all; see --list)")
	f.BoolVar(&printCfg, "print-config", false, "print the effective configuration as TOML and exit")
	f.BoolVar(&list, "list", false, "list the stages and exit")
	f.IntVar(&jobs, "jobs", 0, "stages run at the same time when their inputs are ready (0: GOMAXPROCS); results do not depend on it")
	cf = addConfigFlags(cmd, "out_dir", "seed", "quick", "stages")
	return cmd
}
