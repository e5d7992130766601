package tasks_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/tasks"
)

// Build the reference Lorenz-63 dataset, look at the first test sample in
// original units, and draw one shuffled batch of windows.
func Example() {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{EvalT: -1})
	if err != nil {
		panic(err)
	}
	x := make([]float64, 3)
	d.Denormalize(x, d.Test.At(0))
	fmt.Printf("test starts at (%.4f, %.4f, %.4f)\n", x[0], x[1], x[2])

	w, _ := d.Windows("train")
	b, _ := tasks.NewBatcher(w, 64, true, 1)
	n := b.Next()
	fmt.Printf("%d windows, %d batches; batch of %d: X %d floats, Y %d floats\n",
		w.Len(), b.NumBatches(), n, len(b.X), len(b.Y))

	f, _ := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{})
	on, off := f.Train.PulseCounts()
	fmt.Printf("flip-flop train: %d trials, %d pulses (+1: %d, -1: %d)\n", f.Train.Trials, on+off, on, off)
	// Output:
	// test starts at (-4.9223, -3.3643, 25.2969)
	// 13950 windows, 218 batches; batch of 64: X 9600 floats, Y 192 floats
	// flip-flop train: 800 trials, 24169 pulses (+1: 12006, -1: 12163)
}
