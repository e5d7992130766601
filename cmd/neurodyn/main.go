// Command neurodyn is the command-line face of neurodyn: datasets, training,
// spiking simulations, analysis, sweeps and the whole tutorial pipeline.
//
//	neurodyn tutorial            # the tutorial on its embedded default config
//	neurodyn tutorial --quick    # CI-sized run (about 2 minutes)
//	neurodyn data lorenz --out data/
//	neurodyn version
//
// Run `neurodyn <command> --help` for each command's flags and examples.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer func() {
		// A panic is a neurodyn bug, never the user's mistake: say so in
		// one line; the stack is for whoever fixes it.
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "neurodyn: internal error: %v\n(this is a bug in neurodyn; please report it with the command line; NEURODYN_DEBUG=1 prints the stack)\n", r)
			if os.Getenv("NEURODYN_DEBUG") != "" {
				os.Stderr.Write(debug.Stack())
			}
			os.Exit(3)
		}
	}()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		msg := cliHint(err).Error()
		if !strings.HasPrefix(msg, "neurodyn:") && !strings.HasPrefix(msg, "neurodyn ") { // the CLI's own errors carry the prefix
			msg = "neurodyn: " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
		if isUsage(err) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
