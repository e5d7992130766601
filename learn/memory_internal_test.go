package learn

import (
	"errors"
	"strings"
	"testing"

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
	}{{100, true}, {258, true}, {259, false}, {4096, false}} {
		_, err := NewTrainer(sizedModel{p}, TrainConfig{BatchSize: 4096, Shards: tc.shards})
		if tc.ok && err != nil {
			t.Errorf("Shards %d: %v", tc.shards, err)
		}
		if !tc.ok && (!errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "Shards = ") || !strings.Contains(err.Error(), "at most 258")) {
			t.Errorf("Shards %d: %v, want a param error naming Shards and its bound 258", tc.shards, err)
		}
	}
}
