package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestExitStatus checks main's exit statuses: 128 + the signal that
// stopped a command (an interrupted run exited 1), 2 for usage errors, 1
// otherwise.
func TestExitStatus(t *testing.T) {
	usage := &usageError{err: errors.New("unknown flag"), path: "neurodyn tutorial"}
	other := errors.New("disk full")
	canceled := fmt.Errorf("stage x: %w", context.Canceled)
	for _, tc := range []struct {
		name       string
		err, cause error
		want       int
	}{
		{"Ctrl-C", canceled, &signalError{os.Interrupt}, 130},
		{"SIGTERM", canceled, &signalError{syscall.SIGTERM}, 143},
		{"usage", usage, nil, 2},
		{"failure", other, nil, 1},
		{"cancelled without a signal", canceled, context.Canceled, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitStatus(tc.err, tc.cause); got != tc.want {
				t.Errorf("exitStatus = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestOutLock checks that a run on an --out another run holds stops at once
// with an error naming the holder (two concurrent runs failed with
// "reopen …npz.partial to sync it: no such file or directory"), and that
// the lock is free again once released.
func TestOutLock(t *testing.T) {
	dir := t.TempDir()
	l, err := lockOut("tutorial", "--out", dir, tutorialLock)
	if err != nil {
		t.Fatal(err)
	}
	_, err = run(t, nil, "tutorial", "--quick", "--out", dir, "--stages", "data")
	if !errors.Is(err, errLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(err.Error(), "another --out") {
		t.Errorf("tutorial on a locked --out: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("the locked-out run wrote to --out")
	}
	// train locks its model file, not the directory.
	tl, err := lockOut("train", "--out", dir, ".ctrnn_lorenz.npz.lock")
	if err != nil {
		t.Fatal(err)
	}
	_, err = run(t, nil, "train", "ctrnn", "--quick", "--out", dir)
	if !errors.Is(err, errLocked) || !strings.Contains(err.Error(), ".ctrnn_lorenz.npz.lock") {
		t.Errorf("train of a locked model file: %v", err)
	}
	tl.release()
	l.release()
	l2, err := lockOut("tutorial", "--out", dir, tutorialLock)
	if err != nil {
		t.Fatalf("lock not free after release: %v", err)
	}
	l2.release()
}

// TestLorenzKeyErrors checks that a Lorenz setting the data stage refuses
// is named by its configuration key, before anything runs (it was
// "tasks: TestT = 0.3" after the stage had started).
func TestLorenzKeyErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"tutorial", []string{"tutorial", "--quick", "--stages", "data", "--data.lorenz.test-t", "0.3"},
			[]string{"data.lorenz.test_t = 0.3", "data.lorenz.seq_length+data.lorenz.horizon"}},
		{"train", []string{"train", "rate", "--quick", "--data.lorenz.seq-length", "100000"},
			[]string{"data.lorenz.train_t = 140", "data.lorenz.seq_length"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			_, err := run(t, nil, append(tc.args, "--out", out)...)
			if err == nil || !isUsage(err) {
				t.Fatalf("error %v, want a parameter error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not name %q", err, w)
				}
			}
			for _, internal := range []string{"TestT", "TrainT", "SeqLength"} {
				if strings.Contains(err.Error(), internal) {
					t.Errorf("%q names the Go field %s", err, internal)
				}
			}
			if _, err := os.Stat(filepath.Join(out, "data")); err == nil {
				t.Error("the data stage ran")
			}
		})
	}
}

// TestInterruptWritesReport interrupts a tutorial run once its data stage
// has finished: the run stops with status 130 and report.md reports the
// finished stage and lists the others as missing (no report was written).
func TestInterruptWritesReport(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the datasets and starts a training")
	}
	out := t.TempDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		for ctx.Err() == nil {
			if _, err := os.Stat(filepath.Join(out, "data", "result.json")); err == nil {
				cancel(&signalError{os.Interrupt})
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	_, err := run(t, ctx, "tutorial", "--quick", "--out", out, "--stages", "data,baselines,ctrnn", "--jobs", "1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want an interruption", err)
	}
	if got := exitStatus(err, context.Cause(ctx)); got != 130 {
		t.Errorf("exit status %d, want 130", got)
	}
	b, err2 := os.ReadFile(filepath.Join(out, "report.md"))
	if err2 != nil {
		t.Fatalf("no report after the interruption: %v", err2)
	}
	if !strings.Contains(string(b), "Stage `data`") || !strings.Contains(string(b), "not run yet): baselines, ctrnn") {
		t.Errorf("report does not show the finished data stage and the missing ctrnn:\n%s", b)
	}
	if !strings.Contains(err.Error(), "report.md") {
		t.Errorf("error %q does not point to the report", err)
	}
}

// TestForceHelp checks that --force's help says what it does (it reloads
// trained models; the help said "rerun stages") and that --retrain exists.
func TestForceHelp(t *testing.T) {
	cmd := newTutorialCmd(&globals{})
	if u := cmd.Flags().Lookup("force").Usage; !strings.Contains(u, "reloaded") {
		t.Errorf("--force: %q", u)
	}
	if cmd.Flags().Lookup("retrain") == nil {
		t.Error("no --retrain")
	}
}
