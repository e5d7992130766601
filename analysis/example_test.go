package analysis_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/tasks"
)

// Metrics of a small prediction, and why the reference's grand-mean R² is
// reported for comparison only.
func ExampleEvaluate() {
	truth := []float64{1, 10, 2, 20, 3, 30} // 3 samples × 2 variables
	pred := []float64{1, 12, 3, 20, 2, 27}
	m, err := analysis.Evaluate(pred, truth, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("MSE %.4f RMSE %.4f MAE %.4f\n", m.MSE, m.RMSE, m.MAE)
	fmt.Printf("R² per variable %.4f %.4f, grand-mean R² %.4f\n", m.R2[0], m.R2[1], m.R2GrandMean)
	// Output:
	// MSE 2.5000 RMSE 1.5811 MAE 1.1667
	// R² per variable 0.0000 0.9350, grand-mean R² 0.9782
}

// Baselines on the reference Lorenz-63 test split, in original units.
func ExampleBaselineTable() {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{EvalT: -1})
	if err != nil {
		panic(err)
	}
	rows, err := analysis.BaselineTable(d, analysis.BaselineConfig{MaxARLag: 4, NVARLags: -1})
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Printf("%-21s RMSE %.1e\n", r.Name, r.Metrics.RMSE)
	}
	// Output:
	// persistence           RMSE 6.5e-01
	// train mean            RMSE 8.7e+00
	// linear extrapolation  RMSE 8.8e-02
	// AR(1)                 RMSE 5.3e-01
	// AR(2)                 RMSE 4.3e-02
	// AR(3)                 RMSE 9.1e-03
	// AR(4)                 RMSE 1.8e-03
}
