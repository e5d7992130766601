package analysis_test

import (
	"fmt"
	"math"

	"github.com/neurodyn/neurodyn/analysis"
)

// ExampleValidTime measures the closed-loop skill of persistence (the
// forecast "next = current", fed back) on a normalized Lorenz trajectory.
func ExampleValidTime() {
	const n = 5000
	raw, err := analysis.SampleFlow(analysis.Lorenz63{}, []float64{1, 1, 1}, 0.01, n, 10)
	if err != nil {
		panic(err)
	}
	// z-score each variable.
	for j := 0; j < 3; j++ {
		var m, v float64
		for i := 0; i < n; i++ {
			m += raw[3*i+j]
		}
		m /= n
		for i := 0; i < n; i++ {
			v += (raw[3*i+j] - m) * (raw[3*i+j] - m)
		}
		sd := math.Sqrt(v / n)
		for i := 0; i < n; i++ {
			raw[3*i+j] = (raw[3*i+j] - m) / sd
		}
	}
	r, err := analysis.ValidTime(analysis.NewPersistence(3), raw, 3, analysis.ClosedLoopConfig{Horizon: 500})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d starts, median valid time %.2f time units = %.3f Lyapunov times\n",
		len(r.Starts), r.InTime.Median, r.InLyapunov.Median)
	// Output:
	// 100 starts, median valid time 0.07 time units = 0.063 Lyapunov times
}

// ExampleMedianInterval gives the 95% confidence interval of the median of
// 100 valid times: the 40th and 61st smallest, whatever their distribution.
func ExampleMedianInterval() {
	v := make([]float64, 100)
	for i := range v {
		v[i] = 3 + 0.02*float64(i) // 3.00, 3.02, …, 4.98 Lyapunov times
	}
	lo, hi, err := analysis.MedianInterval(v, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("median's 95%% CI: %.2f–%.2f\n", lo, hi)
	// Output: median's 95% CI: 3.78–4.20
}
