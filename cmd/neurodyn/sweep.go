package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/sweep"
)

func newSweepCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep",
		Short: "Parameter sweeps: run locally or as a Slurm job array, then merge",
		Long: `sweep evaluates every point of a TOML sweep spec (grid or random search) with a
registered evaluator. Each point's result is written atomically as soon as it is
done, so a killed or requeued run resumes without losing or duplicating points.
Shards (--shard k/n) split the points between Slurm array tasks; merge gathers
them into sweep.h5, sweep.csv and summary.png.

Unlike tutorial and train, sweep run takes no lock on --out: the tasks of an
array run on one directory at once by design (and a requeued task may run
beside its predecessor). Each point is its own file, written atomically
(temporary file, fsync, rename), and a directory is bound to one spec, so
concurrent runs at worst evaluate a point twice with identical results.`,
		Example: `  neurodyn sweep run spec.toml --out sweeps/a                 # all points, local worker pool
  neurodyn sweep run spec.toml --out sweeps/a --shard 3/8     # one shard
  neurodyn sweep slurm spec.toml --out sweeps/a --shards 8 > job.sh && sbatch job.sh
  neurodyn sweep merge --out sweeps/a
  neurodyn sweep evaluators                                   # what specs can run`,
	}
	cmd.AddCommand(newSweepRunCmd(g), newSweepSlurmCmd(), newSweepMergeCmd(), newSweepEvaluatorsCmd())
	return cmd
}

func newSweepRunCmd(g *globals) *cobra.Command {
	var out, shard string
	var workers int
	var retry bool
	cmd := &cobra.Command{
		Use:   "run SPEC.toml|-",
		Short: "Evaluate the points of a sweep (or of one shard) that have no result yet",
		Long: `run evaluates the points of a sweep (or of one shard) that have no stored result.
A point the evaluator fails on is stored as failed, with its error, in its point file;
the other points are still computed, and the command then exits with an error counting
the failures. Later runs skip failed points like finished ones (evaluators are
deterministic: the same build fails on them again) unless --retry-failed; sweep merge
lists them and leaves them out of the table and the ranking. A spec of "-" is read
from standard input (the job scripts of sweep slurm carry their spec that way).`,
		Args: cobra.ExactArgs(1),
		Example: `  neurodyn sweep run spec.toml --out sweeps/a               # every point, GOMAXPROCS at once
  neurodyn sweep run spec.toml --out sweeps/a --shard 3/8   # shard 3 of 8 (a Slurm array task)
  neurodyn sweep run spec.toml --out sweeps/a --workers 1   # one point at a time; the same results`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if workers < 0 {
				return param.New("sweep run", "--workers", workers, ">= 0 (0: GOMAXPROCS)")
			}
			sh, err := sweep.ParseShard(shard)
			if err != nil {
				return err
			}
			var spec *sweep.Spec
			if args[0] == "-" { // the spec carried by a job script (sweep slurm)
				b, rerr := io.ReadAll(cmd.InOrStdin())
				if rerr != nil {
					return fmt.Errorf("sweep run: reading the spec from standard input: %w", rerr)
				}
				spec, err = sweep.ParseSpec(string(b), "the spec on standard input")
			} else {
				spec, err = sweep.LoadSpec(args[0])
			}
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join("sweeps", spec.Name)
			}
			st, err := sweep.Run(cmd.Context(), spec, out, sweep.RunOptions{Shard: sh, Workers: workers, Log: g.logw(), Progress: g.bars(), RetryFailed: retry})
			for _, n := range st.Notes {
				fmt.Fprintf(cmd.ErrOrStderr(), "neurodyn: sweep run: note: %s\n", n)
			}
			if err != nil {
				return interrupted(err, "sweep run", "the finished points are kept in "+filepath.Join(out, "points")+"; rerun the same command to evaluate the rest")
			}
			if !g.quiet {
				fmt.Fprintf(cmd.OutOrStdout(), "sweep %s shard %d/%d: %d points in shard, %d done earlier, %d evaluated; results in %s\n",
					spec.Name, sh.K, sh.N, st.InShard, st.Skipped, st.Evaluated, out)
			}
			if st.FailedEarlier > 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "neurodyn: sweep run: %d points of shard %d/%d failed in an earlier run and were not evaluated again (their errors are in their point files; sweep merge lists them); --retry-failed evaluates them again\n",
					st.FailedEarlier, sh.K, sh.N)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "results directory (default sweeps/<name>)")
	cmd.Flags().StringVar(&shard, "shard", "", "run only shard k/n (e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)")
	cmd.Flags().IntVar(&workers, "workers", 0, "points evaluated at once (0: GOMAXPROCS); results do not depend on it")
	cmd.Flags().BoolVar(&retry, "retry-failed", false, "evaluate again the points stored as failed (e.g. after a fix); skipped otherwise")
	return cmd
}

func newSweepSlurmCmd() *cobra.Command {
	var o sweep.SlurmOptions
	cmd := &cobra.Command{
		Use:   "slurm SPEC.toml",
		Short: "Print a ready sbatch script that runs the sweep as a Slurm job array",
		Long: `slurm prints an sbatch script running the sweep as a job array, task k running
shard k/--shards. The script carries the spec's text as it was validated (read by
sweep run - from a here-document), so editing the spec file after writing the script
does not change the job; write a new script for a changed spec. Slurm's default
MaxArraySize (1001) allows --shards up to 1001; beyond it the command warns, since
sbatch then refuses the job unless the cluster raised the limit.`,
		Args: cobra.ExactArgs(1),
		Example: `  neurodyn sweep slurm spec.toml --out /scratch/me/sw --shards 16 --cpus-per-task 2 --time 02:00:00 > job.sh
  sbatch job.sh`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkSlurmFlags(o); err != nil {
				return err
			}
			spec, err := sweep.LoadSpec(args[0])
			if err != nil {
				return err
			}
			o.SpecPath = args[0]
			if o.Out == "" {
				o.Out = filepath.Join("sweeps", spec.Name)
			}
			if o.Binary == "" {
				if exe, err := os.Executable(); err == nil {
					o.Binary = exe
				}
			}
			s, err := sweep.SlurmScript(spec, o)
			if err != nil {
				return err
			}
			if w := sweep.SlurmArrayWarning(o.Shards); w != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "neurodyn: sweep slurm: warning: %s\n", w)
			}
			// Every task would fail on a directory of another sweep: refuse
			// now, as sweep run does, without claiming it.
			if err := sweep.CheckOut(o.Out, spec); err != nil {
				return err
			}
			// Slurm opens the tasks' output files before they start: the
			// log directory must exist at submission.
			if err := os.MkdirAll(filepath.Join(o.Out, "logs"), 0o755); err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), s)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", "results directory (default sweeps/<name>), shared by all tasks")
	f.IntVar(&o.Shards, "shards", 1, "array size: task k runs shard k/shards (Slurm's default MaxArraySize allows up to 1001)")
	f.IntVar(&o.CPUsPerTask, "cpus-per-task", 1, "CPUs per array task, >= 1 (GOMAXPROCS and workers follow it)")
	f.StringVar(&o.Time, "time", "", "time limit per task in any of Slurm's forms: minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes, days-hours:minutes:seconds (e.g. 120, 30:00, 02:00:00, 1-00:00:00; default: the partition's)")
	f.StringVar(&o.Mem, "mem", "", "memory per task in Slurm's form: a number with an optional K, M, G or T suffix (default unit M; e.g. 4G)")
	f.StringVar(&o.Partition, "partition", "", "Slurm partition")
	f.StringVar(&o.Account, "account", "", "Slurm account")
	f.StringVar(&o.QOS, "qos", "", "Slurm QOS")
	f.IntVar(&o.MaxParallel, "max-parallel", 0, "at most this many tasks at once (0: no limit)")
	f.StringVar(&o.Binary, "binary", "", "neurodyn binary the tasks run (default: this executable)")
	return cmd
}

func newSweepMergeCmd() *cobra.Command {
	var out string
	var partial, mixed bool
	cmd := &cobra.Command{
		Use:   "merge",
		Short: "Gather the points of a sweep into sweep.h5, sweep.csv and summary.png",
		Long: `merge gathers the stored points of a sweep into sweep.csv (index, seed, parameters
and metrics: the same bytes however the sweep was sharded and run), sweep.h5 (also
timings, hosts, the build of neurodyn that computed each point, and provenance) and
summary.png. Every point must have its result (or use --partial); points stored as
failed (sweep run records the evaluator's error) are listed and left out of the
table, summary.png and the ranking (sweep.h5 keeps them in sweep/failed). Each point
records the neurodyn build (version and revision) that computed it; points of
different builds (a rebuild between a preemption and the requeue) are refused
unless --allow-mixed-builds.`,
		Args: cobra.NoArgs,
		Example: `  neurodyn sweep merge --out sweeps/a             # every point must have its result
  neurodyn sweep merge --out sweeps/a --partial   # what is done so far, the rest listed as missing
  neurodyn sweep merge --out sweeps/a --allow-mixed-builds   # points of two builds, each row's in sweep.h5`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return param.New("sweep merge", "--out", `""`, "the sweep's results directory")
			}
			t, err := sweep.MergeWith(out, sweep.MergeOptions{Partial: partial, AllowMixedBuilds: mixed})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if p := t.Problems(); p != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "neurodyn: sweep merge --partial: left out: %s\n", p)
			}
			if f := t.FailedSummary(); f != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "neurodyn: sweep merge: %s\n", f)
			}
			fmt.Fprintf(w, "merged %d points of sweep %s (%d missing, %d failed) into %s\n", len(t.Rows), t.Spec.Name, len(t.Missing), len(t.Failed),
				strings.Join([]string{filepath.Join(out, "sweep.csv"), filepath.Join(out, "sweep.h5"), filepath.Join(out, "summary.png")}, ", "))
			if best, ok := t.Best(); ok {
				fmt.Fprintf(w, "best %s = %.6g at point %d (%s), seed %d\n", t.Spec.Objective, best.Metrics[t.Spec.Objective], best.Index,
					formatParams(best.Params), best.Seed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the sweep's results directory")
	cmd.Flags().BoolVar(&partial, "partial", false, "merge even if some points have no result yet")
	cmd.Flags().BoolVar(&mixed, "allow-mixed-builds", false, "merge points computed by different neurodyn builds (refused otherwise); sweep.h5 records each row's build")
	return cmd
}

func newSweepEvaluatorsCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "evaluators",
		Short:   "List the evaluators a sweep spec can use, with their parameters and metrics",
		Args:    cobra.NoArgs,
		Example: `  neurodyn sweep evaluators`,
		Run: func(cmd *cobra.Command, args []string) {
			for _, n := range sweep.Evaluators() {
				e, _ := sweep.Lookup(n)
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n  %s\n  params: %s\n  metrics: %s\n", n, e.Describe(),
					strings.Join(e.Params(), ", "), strings.Join(e.Metrics(), ", "))
			}
		},
	}
}

// slurmMem is the form of sbatch --mem: a whole number with an optional
// unit suffix.
var slurmMem = regexp.MustCompile(`^[0-9]+[KMGTkmgt]?$`)

// checkSlurmFlags validates the options package sweep leaves to the caller.
func checkSlurmFlags(o sweep.SlurmOptions) error {
	if o.CPUsPerTask < 1 {
		return param.New("sweep slurm", "--cpus-per-task", o.CPUsPerTask, ">= 1")
	}
	if o.MaxParallel < 0 {
		return param.New("sweep slurm", "--max-parallel", o.MaxParallel, ">= 0 (0: no limit)")
	}
	if o.Mem != "" && !slurmMem.MatchString(o.Mem) {
		return param.New("sweep slurm", "--mem", o.Mem, "a whole number with an optional K, M, G or T suffix (e.g. 4G, 4000M)")
	}
	return nil
}

// formatParams writes a point's parameters as "name = value" pairs in
// name order.
func formatParams(p map[string]float64) string {
	parts := make([]string, 0, len(p))
	for _, k := range slices.Sorted(maps.Keys(p)) {
		parts = append(parts, fmt.Sprintf("%s = %.6g", k, p[k]))
	}
	return strings.Join(parts, ", ")
}
