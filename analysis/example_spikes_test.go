package analysis_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/analysis"
)

// ExampleNewSpikeTrains summarises spikes given as plain (time, id)
// arrays: two neurons firing regularly at 100 Hz and 50 Hz over one
// second.
func ExampleNewSpikeTrains() {
	var times []float64
	var ids []int
	for t := 0.0; t < 1000; t += 10 {
		times, ids = append(times, t), append(ids, 0)
	}
	for t := 5.0; t < 1000; t += 20 {
		times, ids = append(times, t), append(ids, 1)
	}
	s, err := analysis.NewSpikeTrains(times, ids, 2, 0, 1000)
	if err != nil {
		panic(err)
	}
	fmt.Println("rates (Hz):", s.Rates())
	fmt.Println("ISI CV:", s.ISICV())
	// Output:
	// rates (Hz): [100 50]
	// ISI CV: [0 0]
}

// ExampleFitPCA projects states on their principal components.
func ExampleFitPCA() {
	// States on the line (t, 2t, 0).
	var x []float64
	for t := -2.0; t <= 2; t++ {
		x = append(x, t, 2*t, 0)
	}
	p, err := analysis.FitPCA(x, 3, 1)
	if err != nil {
		panic(err)
	}
	scores := make([]float64, 5)
	p.Project(scores, x)
	fmt.Printf("explained %.2f, direction (%.3f, %.3f), first and last scores %.3f %.3f\n",
		p.Ratio[0], p.Components[0], p.Components[1], scores[0], scores[4])
	// Output:
	// explained 1.00, direction (0.447, 0.894), first and last scores -4.472 4.472
}
