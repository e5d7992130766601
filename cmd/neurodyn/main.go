// Command neurodyn is the command-line face of neurodyn: datasets, training,
// spiking simulations, analysis, sweeps and the whole tutorial pipeline.
//
//	neurodyn tutorial            # the tutorial on its embedded default config
//	neurodyn tutorial --quick    # CI-sized run (about 20 s on 2 idle cores)
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
	"runtime/debug"
	"strings"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		// The first signal cancels the command, which keeps what it
		// finished (the tutorial writes the report of its finished
		// stages); a second one ends the process at once.
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		cancel(&signalError{s})
	}()
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
		os.Exit(exitStatus(err, context.Cause(ctx)))
	}
}

// signalError is the cause of a command's cancellation by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return e.sig.String() + " received" }

// exitStatus is main's exit status for a command's error, given the cause
// of its context's cancellation: 128 + the signal's number when a signal
// stopped it (130 for Ctrl-C, 143 for SIGTERM, as a shell reports a process
// killed by it), 2 for a command-line mistake, otherwise 1.
func exitStatus(err, cause error) int {
	var se *signalError
	if errors.As(cause, &se) {
		if n, ok := se.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
		return 130
	}
	if isUsage(err) {
		return 2
	}
	return 1
}
