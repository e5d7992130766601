package rate_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/rate"
)

// TestGenerateContext: a context that is never cancelled gives Generate's
// outputs bit for bit; a cancelled one stops the closed loop in its
// warm-up, with context.Canceled and no outputs.
func TestGenerateContext(t *testing.T) {
	m, err := rate.New[float32](rate.Config{NE: 8, NI: 4, Inputs: 3, Outputs: 3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	warm := make([]float32, 2*4*3)
	for i := range warm {
		warm[i] = float32(i%5) * 0.2
	}
	want, err := m.Generate(warm, 2, 4, 100)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got, done, err := m.GenerateContext(ctx, warm, 2, 4, 100)
	if err != nil || done != 100 || !slices.Equal(got, want) {
		t.Fatalf("never cancelled: done %d, error %v, same outputs %v", done, err, slices.Equal(got, want))
	}
	cancel()
	if got, done, err := m.GenerateContext(ctx, warm, 2, 4, 100); !errors.Is(err, context.Canceled) || got != nil || done != 0 {
		t.Fatalf("cancelled: done %d, error %v", done, err)
	}
}
