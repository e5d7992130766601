package learn_test

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

func lbfgsConfig(epochs, iters int) learn.TrainConfig {
	return learn.TrainConfig{Epochs: epochs, BatchSize: 32, Optimizer: learn.OptimizerLBFGS,
		LBFGS: &learn.LBFGSConfig{Iterations: iters}, Seed: 1}
}

// Full-batch L-BFGS solves the least-squares problem: its loss ends at
// the noise floor (σ² = 1e-4), the coefficients at the generating ones.
func TestTrainerLBFGS(t *testing.T) {
	m, res := trainLin(t, lbfgsConfig(3, 10))
	A, c := m.p.Get("A"), m.p.Get("c")
	want := []float32{2, -1, 0, 0.3, 0, -1}
	for i, w := range want {
		if math.Abs(float64(A[i]-w)) > 0.005 {
			t.Errorf("A[%d] = %v, want %v", i, A[i], w)
		}
	}
	if math.Abs(float64(c[0])-0.5) > 0.005 || math.Abs(float64(c[1])+1) > 0.005 {
		t.Errorf("c = %v, want [0.5 -1]", c)
	}
	h := res.History
	if h[0].TrainLoss > 2e-4 || h[0].LR != 0 || h[0].GradNorm > 1e-3 {
		t.Errorf("first epoch: %+v", h[0])
	}
	for i := 1; i < len(h); i++ {
		if h[i].TrainLoss > h[i-1].TrainLoss {
			t.Errorf("full-batch loss rose from %v to %v in epoch %d", h[i-1].TrainLoss, h[i].TrainLoss, i+1)
		}
	}
}

// The full-batch gradient is summed in chunk order: the weights are
// bit-identical for any number of workers, goroutines or shards.
func TestTrainerLBFGSDeterministic(t *testing.T) {
	checkDeterministic(t, lbfgsConfig(2, 4), []int{1, 3, 0}, []int{1, 4})
}

// Each epoch restarts the memory, so a run resumed from the checkpoint of
// epoch 2 ends where an uninterrupted one does.
func TestTrainerLBFGSResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.npz")
	c := lbfgsConfig(4, 2)
	c.KeepLast = true
	full, _ := trainLin(t, c)
	c1 := c
	c1.Epochs, c1.Checkpoint = 2, path
	trainLin(t, c1)
	c2 := c
	c2.Checkpoint, c2.Resume = path, true
	m, res := trainLin(t, c2)
	if res.Epochs != 4 {
		t.Errorf("resumed run ended after %d epochs", res.Epochs)
	}
	for i, v := range m.p.Flat() {
		if math.Float32bits(v) != math.Float32bits(full.p.Flat()[i]) {
			t.Fatalf("parameter %d = %v after resuming, %v uninterrupted", i, v, full.p.Flat()[i])
		}
	}
}

// Once at the minimum (of the float32 parameters) an epoch cannot
// decrease the loss, and training stops as converged.
func TestTrainerLBFGSConverged(t *testing.T) {
	_, res := trainLin(t, lbfgsConfig(50, 20))
	if res.Stop != "converged" || res.Epochs >= 50 {
		t.Errorf("stop %q after %d epochs, want converged early", res.Stop, res.Epochs)
	}
}

func TestTrainConfigValidateOptimizer(t *testing.T) {
	for _, c := range []learn.TrainConfig{
		{Optimizer: "sgd"},
		{Optimizer: learn.OptimizerLBFGS, LBFGS: &learn.LBFGSConfig{Iterations: -1}},
		{Optimizer: learn.OptimizerLBFGS, LBFGS: &learn.LBFGSConfig{Store: -2}},
	} {
		if err := c.Validate(); !errors.Is(err, param.ErrInvalid) {
			t.Errorf("Validate(%+v) = %v, want a param error", c, err)
		}
	}
}
