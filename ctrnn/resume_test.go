package ctrnn_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/tasks"
)

// resumeRecipe is a small three-phase recipe (one-step, then closed loop
// with a growing horizon, then full-batch L-BFGS on the closed-loop loss) on
// a thinned Lorenz training set, with two gradient shards so that two
// goroutines share every batch (and two L-BFGS workers every full batch).
func resumeRecipe() ctrnn.Recipe {
	one := learn.TrainConfig{Epochs: 4, BatchSize: 32, Shards: 2, Seed: 7,
		Adam: learn.AdamConfig{LR: 3e-3, WeightDecay: 1e-5, Decoupled: true}, Plateau: learn.PlateauConfig{Patience: 1}}
	cl := one
	cl.Epochs = 3
	cl.Loss = learn.Loss{Kind: learn.LossClosedLoop, Warmup: 10, Horizon: 2}
	cl.Horizon = learn.HorizonSchedule{Start: 2, End: 6, Step: 2, Every: 1}
	cl.ValLoss = &learn.Loss{Kind: learn.LossLast}
	lb := leaky.LBFGSTrain(3, 3, learn.Loss{Kind: learn.LossClosedLoop, Warmup: 10, Horizon: 6})
	lb.BatchSize, lb.ValLoss = 64, cl.ValLoss
	return ctrnn.Recipe{Name: "resume-test", Model: ctrnn.Config{Hidden: 16, Seed: 3},
		Phases: []leaky.Phase{{Train: one, Window: 20, Stride: 4, ValWindow: 20}, {Train: cl, Window: 15, Stride: 4, ValWindow: 20},
			{Train: lb, Window: 15, Stride: 4, ValWindow: 20}}}
}

var (
	resumeOnce sync.Once
	resumeData *tasks.Dataset
)

func resumeDataset(t testing.TB) *tasks.Dataset {
	resumeOnce.Do(func() {
		var err error
		resumeData, err = tasks.GenerateLorenz(tasks.LorenzConfig{EvalT: -1, ValT: 3})
		if err != nil {
			t.Fatal(err)
		}
	})
	return resumeData
}

// writeParams writes the parameters' bits to path.
func writeParams(path string, p []float32) error {
	b := make([]byte, 4*len(p))
	for i, v := range p {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return os.WriteFile(path, b, 0o644)
}

func readParams(t *testing.T, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float32, len(b)/4)
	for i := range p {
		p[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return p
}

// TestResumeChild is the child process of TestKillResume and
// TestDeterministicGOMAXPROCS: it trains resumeRecipe (checkpointing under
// NEURODYN_CHILD_CKPT if set), printing "epoch" lines, and writes the final
// parameters to NEURODYN_CHILD_OUT.
func TestResumeChild(t *testing.T) {
	out := os.Getenv("NEURODYN_CHILD_OUT")
	if out == "" {
		t.Skip("child process of TestKillResume")
	}
	o := leaky.TrainOptions{Checkpoint: os.Getenv("NEURODYN_CHILD_CKPT"), Resume: true,
		NPZ:      os.Getenv("NEURODYN_CHILD_NPZ") != "",
		Progress: func(p int, e learn.EpochRecord) { fmt.Printf("epoch %d.%d\n", p, e.Epoch) }}
	m, _, err := ctrnn.TrainLorenz(context.Background(), resumeRecipe(), resumeDataset(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeParams(out, m.Params().Flat()); err != nil {
		t.Fatal(err)
	}
}

func child(t *testing.T, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeChild$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d parameters, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: parameter %d = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// Same seed, same weights with GOMAXPROCS=1 and GOMAXPROCS=2 (separate
// processes; every batch is split into two gradient shards).
func TestDeterministicGOMAXPROCS(t *testing.T) {
	if testing.Short() {
		t.Skip("trains twice in child processes")
	}
	dir := t.TempDir()
	var runs [][]float32
	for _, procs := range []string{"1", "2"} {
		out := filepath.Join(dir, "params"+procs)
		cmd := child(t, "GOMAXPROCS="+procs, "NEURODYN_CHILD_OUT="+out)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("GOMAXPROCS=%s: %v\n%s", procs, err, b)
		}
		runs = append(runs, readParams(t, out))
	}
	sameBits(t, "GOMAXPROCS=2 vs 1", runs[1], runs[0])
}

// A training run killed (SIGKILL) at a random moment after its first
// checkpoint and resumed from its checkpoints ends with the same weights,
// bit for bit, as an uninterrupted run.
func TestKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains in child processes")
	}
	for _, format := range []string{"h5", "npz"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			npz := ""
			if format == "npz" {
				npz = "NEURODYN_CHILD_NPZ=1"
			}
			full := filepath.Join(dir, "full")
			if b, err := child(t, "NEURODYN_CHILD_OUT="+full, npz).CombinedOutput(); err != nil {
				t.Fatalf("uninterrupted run: %v\n%s", err, b)
			}
			ckpt := filepath.Join(dir, "ckpt")
			out := filepath.Join(dir, "resumed")
			env := []string{"NEURODYN_CHILD_OUT=" + out, "NEURODYN_CHILD_CKPT=" + ckpt, npz}
			// Kill after a random number of epoch lines (in any of the
			// three phases, L-BFGS included) and a random delay inside the
			// next epoch. On a fast machine the run
			// may finish inside that delay: that trial tested nothing, so a
			// new moment is drawn (the checkpoints of a finished run are
			// removed first, so every trial starts from scratch).
			r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
			seen := 0
			for trial := 0; ; trial++ {
				if trial == 10 {
					t.Fatalf("the run finished before the kill in %d trials", trial)
				}
				os.Remove(out)
				if err := removeCheckpoints(ckpt); err != nil {
					t.Fatal(err)
				}
				killAfter := 1 + r.IntN(9) // of 10 epochs
				cmd := child(t, env...)
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				sc := bufio.NewScanner(stdout)
				seen = 0
				for sc.Scan() {
					if strings.HasPrefix(sc.Text(), "epoch ") {
						seen++
						if seen == killAfter {
							time.Sleep(time.Duration(r.IntN(50)) * time.Millisecond)
							break
						}
					}
				}
				cmd.Process.Kill()
				cmd.Wait()
				if _, err := os.Stat(out); err != nil {
					break // killed before it finished
				}
				t.Logf("trial %d: the run finished before the kill (after %d epoch lines); drawing again", trial, seen)
			}
			t.Logf("killed after %d epoch lines", seen)
			if b, err := child(t, env...).CombinedOutput(); err != nil {
				t.Fatalf("resumed run: %v\n%s", err, b)
			}
			sameBits(t, "resumed vs uninterrupted", readParams(t, out), readParams(t, full))
		})
	}
}

// removeCheckpoints deletes the checkpoint files of a run whose checkpoint
// stem is stem (the stem itself and every file it prefixes).
func removeCheckpoints(stem string) error {
	files, err := filepath.Glob(stem + "*")
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := os.RemoveAll(f); err != nil {
			return err
		}
	}
	return nil
}

// A recipe stopped in its first phase by the time budget and resumed
// without one trains the rest of that phase, then the later phases from
// its end (not from the checkpoints the budgeted run left them), and ends
// with the bits of an uninterrupted run.
func TestResumeAfterTimeBudget(t *testing.T) {
	r := resumeRecipe()
	for i := range r.Phases {
		r.Phases[i].Stride = 16
	}
	d := resumeDataset(t)
	full, _, err := ctrnn.TrainLorenz(context.Background(), r, d, leaky.TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stem := filepath.Join(t.TempDir(), "ckpt")
	_, res, err := ctrnn.TrainLorenz(context.Background(), r, d, leaky.TrainOptions{Checkpoint: stem, NPZ: true, MaxDuration: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Phases[0].Stop != "time" || res.Phases[0].Epochs != 1 {
		t.Fatalf("budgeted phase 0: stop %q after %d epochs, want time after 1", res.Phases[0].Stop, res.Phases[0].Epochs)
	}
	m, res, err := ctrnn.TrainLorenz(context.Background(), r, d, leaky.TrainOptions{Checkpoint: stem, NPZ: true, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range res.Phases {
		want := r.Phases[i].Train.Epochs
		if p.Epochs != want && p.Stop != "converged" {
			t.Errorf("resumed phase %d: %d epochs (stop %q), want %d", i, p.Epochs, p.Stop, want)
		}
	}
	if res.Phases[0].Resumed != 1 || res.Phases[1].Resumed != 0 {
		t.Errorf("resumed epochs %d and %d, want 1 (phase 0) and 0 (phase 1 starts afresh)", res.Phases[0].Resumed, res.Phases[1].Resumed)
	}
	sameBits(t, "resumed after a time stop", m.Params().Flat(), full.Params().Flat())
}
