package learn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
)

// sizedModel is a Model with n parameters and no workers' state.
type sizedModel struct{ p *Params[float32] }

func (m sizedModel) Params() *Params[float32]   { return m.p }
func (m sizedModel) NewWorker() (Worker, error) { return nil, nil }

// NewTrainer refuses shards whose gradients do not fit the memory limit,
// naming Shards, before allocating them.
func TestShardsMemoryLimit(t *testing.T) {
	defer func(f func() int64) { memoryLimit = f }(memoryLimit)
	memoryLimit = func() int64 { return 1 << 20 }
	p, err := NewParams[float32](ParamSpec{Name: "w", Shape: []int{1000}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		shards int
		ok     bool
	}{{100, true}, {257, true}, {258, false}, {4096, false}} {
		_, err := NewTrainer(sizedModel{p}, TrainConfig{BatchSize: 4096, Shards: tc.shards})
		if tc.ok && err != nil {
			t.Errorf("Shards %d: %v", tc.shards, err)
		}
		if !tc.ok && (!errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "Shards = ") || !strings.Contains(err.Error(), "at most 257")) {
			t.Errorf("Shards %d: %v, want a param error naming Shards and its bound 257", tc.shards, err)
		}
	}
}

// memModel is a sizedModel whose workers take perSample bytes per sample
// with the gradient (a tape) and a tenth of it without.
type memModel struct {
	sizedModel
	perSample float64
}

// ranWorker is a worker that fails: the memory check must come first.
type ranWorker struct{}

func (ranWorker) Batch(grad, x, y []float32, n int, loss Loss) (LossSum, error) {
	return LossSum{}, errors.New("a batch ran")
}

func (m memModel) NewWorker() (Worker, error) { return ranWorker{}, nil }

func (m memModel) BatchBytes(n, inputSize int, grad bool) float64 {
	if grad {
		return float64(n) * m.perSample
	}
	return float64(n) * m.perSample / 10
}

// constSource is a Source of n zero samples.
type constSource struct{ n, is, ts int }

func (s constSource) Len() int                   { return s.n }
func (s constSource) InputSize() int             { return s.is }
func (s constSource) TargetSize() int            { return s.ts }
func (s constSource) Fill(i int, x, y []float32) {}

// Fit refuses training whose workers' memory (BatchMemory) exceeds the
// limit before the first batch (memModel's workers fail), with an error wrapping memlimit.ErrExceeded; TrainBytes
// counts every shard's worker, its training rows with the gradient and a
// validation chunk without.
func TestFitMemoryLimit(t *testing.T) {
	defer func(f func() int64) { memoryLimit = f }(memoryLimit)
	memoryLimit = func() int64 { return 32 << 20 }
	p, err := NewParams[float32](ParamSpec{Name: "w", Shape: []int{1000}})
	if err != nil {
		t.Fatal(err)
	}
	train, val := constSource{1000, 150, 3}, constSource{100, 150, 3}
	c := TrainConfig{BatchSize: 32, Shards: 4, ValBatch: 64}
	m := memModel{sizedModel{p}, 1 << 20}
	// 4 shards × (8 rows × 1 MiB + 64 rows × 0.1 MiB), the parameters'
	// 9 copies, a batch of inputs and targets, 4 validation chunks.
	want := 4*(8*float64(1<<20)+64*float64(1<<20)/10) + 9*1000*4 + 32*153*4 + 4*64*153*4
	if got := TrainBytes(m, c, train, val); got != want {
		t.Errorf("TrainBytes = %g, want %g", got, want)
	}
	tr, err := NewTrainer(m, c)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.Fit(context.Background(), train, val)
	if !errors.Is(err, memlimit.ErrExceeded) || !strings.Contains(err.Error(), "training") {
		t.Errorf("Fit = %v, want an error wrapping memlimit.ErrExceeded naming training", err)
	}
	// Without BatchMemory only the parameters and the batch are counted.
	if got, want := TrainBytes(sizedModel{p}, c, train, val), float64(9*1000*4+32*153*4+4*64*153*4); got != want {
		t.Errorf("TrainBytes without BatchMemory = %g, want %g", got, want)
	}
}
