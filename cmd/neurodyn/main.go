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
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/neurodyn/neurodyn/internal/param"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "neurodyn:") { // the CLI's own parameter errors carry the prefix
			msg = "neurodyn: " + msg
		}
		fmt.Fprintln(os.Stderr, msg)
		if errors.Is(err, param.ErrInvalid) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
