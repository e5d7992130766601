package learn_test

import (
	"context"
	"fmt"

	"github.com/neurodyn/neurodyn/learn"
)

// Train a linear model y = A·x + c with the trainer (AdamW, clipping,
// plateau scheduler, early stopping that restores the best epoch).
func Example() {
	m := newLin(3, 2)
	tr, err := learn.NewTrainer(m, learn.TrainConfig{
		Epochs: 60, BatchSize: 16, Seed: 1,
		Adam: learn.AdamConfig{LR: 0.05, WeightDecay: 1e-4, Decoupled: true},
	})
	if err != nil {
		panic(err)
	}
	res, err := tr.Fit(context.Background(), newLinData(300, 1), newLinData(100, 2))
	if err != nil {
		panic(err)
	}
	A := m.Params().Get("A")
	fmt.Printf("stopped: %s after %d epochs; best val < 1e-3: %v\n", res.Stop, res.Epochs, res.BestVal < 1e-3)
	fmt.Printf("A[0][0] = %.1f, A[1][2] = %.1f\n", A[0], A[5])
	// Output:
	// stopped: epochs after 60 epochs; best val < 1e-3: true
	// A[0][0] = 2.0, A[1][2] = -1.0
}
