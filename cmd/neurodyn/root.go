package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
	"github.com/neurodyn/neurodyn/internal/param"
)

// maxThreads bounds --threads: the Go runtime stops with a fatal error
// when it needs more than 10,000 OS threads.
const maxThreads = 1024

// globals are the flags every command shares.
type globals struct {
	quiet   bool
	threads int
	kernels string
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "neurodyn",
		Short: "Neural dynamics simulator: CT-RNNs, balanced E/I rate and spiking networks, dynamical-systems analysis",
		Long: `neurodyn simulates and trains continuous-time RNNs, balanced E/I rate networks and
event-driven LIF spiking networks, and analyses them as dynamical systems
(Lyapunov exponents, correlation dimension, fixed points).`,
		Example: `  neurodyn tutorial                 # whole tutorial, writes results/
  neurodyn tutorial --quick -q      # CI-sized run, no progress output
  neurodyn data lorenz --out data   # the Lorenz-63 datasets (HDF5 and .npz)
  neurodyn train ctrnn              # train, save and measure one model
  neurodyn analyze lyapunov --model models/ctrnn_lorenz.npz`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.threads < 0 || g.threads > maxThreads {
				return param.New("neurodyn", "--threads", g.threads, fmt.Sprintf("in [0, %d] (0: all cores; this machine has %d)", maxThreads, runtime.NumCPU()))
			}
			if g.threads > 0 {
				runtime.GOMAXPROCS(g.threads)
			}
			if g.kernels != "" {
				if err := asm.Select(g.kernels); err != nil {
					return param.New("neurodyn", "--kernels", g.kernels, "one of "+strings.Join(asm.Paths(), ", ")+" (this CPU)")
				}
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{err: err, path: c.CommandPath()}
	})
	root.PersistentFlags().BoolVarP(&g.quiet, "quiet", "q", false, "no progress output (batch jobs)")
	root.PersistentFlags().IntVar(&g.threads, "threads", 0, "worker threads (GOMAXPROCS); 0 = all cores; results do not depend on it")
	root.PersistentFlags().StringVar(&g.kernels, "kernels", "", "SIMD kernel path (avx512, avx2, generic; default: avx512 on AMD Zen 4 and later, else avx2 where available); results do not depend on it")
	root.AddCommand(newVersionCmd(), newTutorialCmd(g), newDataCmd(g), newSweepCmd(g), newSimulateCmd(g),
		newTrainCmd(g), newAnalyzeCmd(g), newReportCmd(g), newBenchCmd(g), newImportNIRCmd(g), newExportNIRCmd(g))
	wrapArgs(root)
	return root
}

// wrapArgs makes the argument errors of cmd and its subcommands usage
// errors that show the command's usage line ("accepts 1 arg(s), received
// 0" alone does not say which argument).
func wrapArgs(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return &usageError{err: fmt.Errorf("%w; usage: %s", err, c.UseLine()), path: c.CommandPath()}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		wrapArgs(sub)
	}
}

// logw returns where progress goes: stderr, or nowhere with --quiet.
func (g *globals) logw() io.Writer {
	if g.quiet {
		return nil
	}
	return os.Stderr
}

// bars reports whether progress bars should be drawn: not with --quiet, and
// only when stderr is a terminal (batch logs get plain lines instead).
func (g *globals) bars() bool {
	return !g.quiet && term.IsTerminal(int(os.Stderr.Fd()))
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, source revision, executable digest, Go version and kernel path",
		Args:  cobra.NoArgs,
		Example: `  neurodyn version
  neurodyn version --kernels generic   # with the pure-Go kernels (the same results, slower)`,
		Run: func(cmd *cobra.Command, args []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "neurodyn %s\nrevision %s\nexecutable sha256 %s…\n%s %s/%s\nkernel path %s (available: %v)\n",
				buildinfo.Version, buildinfo.Revision(), buildinfo.ExecutableDigest(), buildinfo.GoVersion(), runtime.GOOS, runtime.GOARCH,
				asm.Path(), asm.Paths())
		},
	}
}
