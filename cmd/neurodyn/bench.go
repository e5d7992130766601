package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/pipeline"
)

func newBenchCmd(g *globals) *cobra.Command {
	var (
		filter string
		list   bool
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run a small built-in set of throughput workloads and print them",
		Long: `bench measures a few throughput workloads with testing.Benchmark (at least one
second each): single-stream steps of the CT-RNN, the balanced rate network and
the trained SNN (what closed-loop analysis runs), one training epoch of the
reference CT-RNN workload, and the real-time factor of the CUBA network on the
event-driven kernel. It is a quick check of a machine or a build.

The full suite is "make bench": every area of package bench (asm kernels,
training epochs and BPTT steps against PyTorch, spiking networks against
Brian2, SNN training against PyTorch, the C API's call overhead), each run
6 times on one core and compared with its committed baseline
(bench/baseline/<area>.txt) through benchstat. The machines are shared:
quote the load average with every figure.`,
		Example: `  neurodyn bench
  neurodyn bench --run step
  neurodyn bench --list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			re, err := regexp.Compile(filter)
			if err != nil {
				return param.New("neurodyn", "--run", filter, "a regular expression ("+err.Error()+")")
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			var ws []pipeline.Workload
			for _, x := range pipeline.Workloads() {
				if re.MatchString(x.Name) {
					ws = append(ws, x)
				}
			}
			if len(ws) == 0 {
				var names []string
				for _, x := range pipeline.Workloads() {
					names = append(names, x.Name)
				}
				return param.New("neurodyn", "--run", filter, "a pattern matching one of "+strings.Join(names, ", "))
			}
			if list {
				for _, x := range ws {
					fmt.Fprintf(w, "%s\t%s\n", x.Name, x.Describe)
				}
				return w.Flush()
			}
			if !g.quiet {
				fmt.Fprintf(cmd.ErrOrStderr(), "kernel path %s; load average %s\n", asm.Path(), loadAverage())
			}
			fmt.Fprintln(w, "workload\tops\tns/op\trate\tallocs/op\tB/op")
			for _, x := range ws {
				if err := cmd.Context().Err(); err != nil {
					return err
				}
				r, err := pipeline.RunWorkload(x)
				if err != nil {
					return err
				}
				rate := fmt.Sprintf("%.4g %s/s", r.Rate, x.Unit)
				if r.RealTimeFactor > 0 {
					rate = fmt.Sprintf("real-time factor %.4g", r.RealTimeFactor)
				}
				fmt.Fprintf(w, "%s\t%d\t%.4g\t%s\t%d\t%d\n", x.Name, r.N, r.NsPerOp, rate, r.AllocsPerOp, r.BytesPerOp)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&filter, "run", "", "only workloads whose name matches this regular expression")
	cmd.Flags().BoolVar(&list, "list", false, "list the workloads and exit")
	return cmd
}

// loadAverage returns the 1, 5 and 15 minute load averages, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
