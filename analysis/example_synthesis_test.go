package analysis_test

import (
	"os"

	"github.com/neurodyn/neurodyn/analysis"
)

// ExampleSynthesisTable_WriteMarkdown writes a two-row comparison table;
// numbers that were not measured stay NaN and print as "—".
func ExampleSynthesisTable_WriteMarkdown() {
	m := analysis.NaNRow("CT-RNN", "ctrnn", analysis.LabelReference)
	m.Params = 4547
	m.OneStep.RMSE = 0.0042
	m.VPTLyapunov = analysis.Quartiles{Q1: 4.1, Median: 5.2, Q3: 6.3}
	b := analysis.NaNRow("AR(4)", "ar", analysis.LabelBaseline)
	b.OneStep.RMSE = 0.002
	t := analysis.SynthesisTable{Rows: []analysis.SynthesisRow{m, b}}
	if err := t.WriteMarkdown(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// | model | kind | label | params | train (s) | RMSE | MAE | VPT (Λ) median [Q1, Q3] | λ₁ gen / true | D₂ gen / true | rates (Hz) | notes |
	// |---|---|---|---|---|---|---|---|---|---|---|---|
	// | CT-RNN | ctrnn | reference | 4547 | — | 0.0042 | — | 5.2 [4.1, 6.3] | — / — | — / — | — |  |
	// | AR(4) | ar | baseline | — | — | 0.002 | — | — | — / — | — / — | — |  |
	//
	// One-step metrics on the test split in original units; R² per variable around its own mean. VPT: valid prediction time in Lyapunov times (closed loop, ‖e‖/RMS > 0.4). Labels: reference = the tutorial's models, bigger = larger than them, baseline = predictors to beat.
}
