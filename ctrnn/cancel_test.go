package ctrnn_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/internal/ctxtest"
)

// TestGenerateContext: under a context never cancelled GenerateContext is
// Generate bit for bit; stopped at look k it returns context.Canceled and
// the outputs finished (after the W warm-up looks, k−W+1 per stream),
// Generate's bit for bit, the rest zero; stopped in the warm-up, none.
func TestGenerateContext(t *testing.T) {
	m, err := ctrnn.New[float32](ctrnn.Config{Hidden: 16, Inputs: 3, Outputs: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	const n, W, steps = 3, 5, 200
	warm := make([]float32, n*W*3)
	for i := range warm {
		warm[i] = float32(i%7) * 0.1
	}
	want, err := m.Generate(warm, n, W, steps)
	if err != nil {
		t.Fatal(err)
	}
	never := ctxtest.New(-1)
	got, done, err := m.GenerateContext(never, warm, n, W, steps)
	if err != nil || done != steps || !slices.Equal(got, want) {
		t.Fatalf("never cancelled: done %d, error %v, same outputs %v", done, err, slices.Equal(got, want))
	}
	if looks := never.Looks(); looks != W+steps-1 {
		t.Fatalf("%d looks, want one per step: %d", looks, W+steps-1)
	}
	for _, k := range []int64{0, W - 1, W, W + 50, W + steps - 2} {
		got, done, err := m.GenerateContext(ctxtest.New(k), warm, n, W, steps)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped at look %d: error %v", k, err)
		}
		if k < W {
			if got != nil || done != 0 {
				t.Fatalf("stopped in the warm-up (look %d): %d outputs", k, done)
			}
			continue
		}
		if done != int(k)-W+1 {
			t.Fatalf("stopped at look %d: done %d, want %d", k, done, int(k)-W+1)
		}
		for b := 0; b < n; b++ {
			s := got[b*steps*3 : (b+1)*steps*3]
			if !slices.Equal(s[:done*3], want[b*steps*3:(b*steps+done)*3]) {
				t.Fatalf("stopped at look %d: stream %d's finished outputs differ from Generate's", k, b)
			}
			for _, v := range s[done*3:] {
				if v != 0 {
					t.Fatalf("stopped at look %d: stream %d has outputs beyond the %d finished", k, b, done)
				}
			}
		}
	}
}
