package analysis_test

// Tests on trained models. They train (or, with the checkpoints of a
// previous run, load) the ctrnn recipes and run the analysis on them, so
// they are slow: they run only when NEURODYN_ANALYSIS_TRAINED is "full"
// (the Default recipes; the Done-when targets are asserted) or "quick" (the
// Quick recipes; the analysis runs and its figures are printed, nothing is
// asserted about a barely trained model), and never with -short. Run them
// with `make analysis-trained` (or analysis-trained-quick). Checkpoints go
// to NEURODYN_ANALYSIS_CACHE (default: <temp dir>/neurodyn-analysis-trained)
// and are reused.

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/tasks"
)

// trainedMode returns "full" or "quick", or skips the test.
func trainedMode(t *testing.T) string {
	t.Helper()
	mode := os.Getenv("NEURODYN_ANALYSIS_TRAINED")
	if testing.Short() || (mode != "full" && mode != "quick") {
		t.Skip("trains models: set NEURODYN_ANALYSIS_TRAINED=full or quick (make analysis-trained)")
	}
	return mode
}

// trainOptions checkpoints each recipe under the cache directory and
// resumes from what is there.
func trainOptions(t *testing.T, name string) leaky.TrainOptions {
	dir := os.Getenv("NEURODYN_ANALYSIS_CACHE")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "neurodyn-analysis-trained")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return leaky.TrainOptions{Checkpoint: filepath.Join(dir, name), NPZ: true, Resume: true}
}

func bits(y []float64) string {
	var b strings.Builder
	for _, v := range y {
		if v > 0.5 {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// TestTrainedFlipFlopFixedPoints: the CT-RNN trained on the 3-bit
// flip-flop stores each of the 8 bit patterns as a stable fixed point or a
// slow point that decodes to it, with saddles between them.
func TestTrainedFlipFlopFixedPoints(t *testing.T) {
	mode := trainedMode(t)
	r := ctrnn.FlipFlopDefault()
	if mode == "quick" {
		r = ctrnn.FlipFlopQuick()
	}
	ff, err := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{})
	if err != nil {
		t.Fatal(err)
	}
	m, res, err := ctrnn.TrainFlipFlop(context.Background(), r, ff, trainOptions(t, r.Name))
	if err != nil {
		t.Fatal(err)
	}
	// Visited states: the hidden states while the model runs the test
	// trials (every second step).
	test := &ff.Test
	out, err := m.Forward(test.Inputs, test.Trials, test.Steps, true)
	if err != nil {
		t.Fatal(err)
	}
	H := m.StateDim()
	var visited []float64
	for k := 0; k < test.Trials; k++ {
		for s := 1; s <= test.Steps; s += 2 {
			row := out.Hidden[(k*(test.Steps+1)+s)*H : (k*(test.Steps+1)+s+1)*H]
			for _, v := range row {
				visited = append(visited, float64(v))
			}
		}
	}
	// Bit accuracy of the model on the test split, for the record.
	var correct, total int
	for i, v := range out.All {
		if (v > 0.5) == (test.Targets[i] > 0.5) {
			correct++
		}
		total++
	}
	fp, err := analysis.FixedPoints(m, make([]float64, m.InputDim()), visited, analysis.FixedPointConfig{Starts: 512})
	if err != nil {
		t.Fatal(err)
	}
	pca, err := analysis.FitPCA(visited, H, 3)
	if err != nil {
		t.Fatal(err)
	}
	proj := pca.ProjectPoints(fp.Points)
	fmt.Printf("%s (trained %.0f s, test bit accuracy %.4f%%): %d points, %d starts rejected; hidden-state PCA explains %.3f (3 PCs)\n",
		r.Name, res.Seconds, 100*float64(correct)/float64(total), len(fp.Points), fp.Rejected, pca.Cumulative()[2])
	stable := map[string][]analysis.FixedPoint{}
	saddles := 0
	for i, p := range fp.Points {
		kind := "fixed"
		if p.Slow {
			kind = "slow"
		}
		maxRe := real(p.Eigenvalues[0])
		fmt.Printf("  %-5s %-15v unstable %d  output %.3f → %s  speed %.2e  drift %.3f  max Re λ %+.4f  PC %.2f  (%d starts)\n",
			kind, p.Kind, p.Unstable, p.Output, bits(p.Output), p.Speed, p.Drift, maxRe, proj[3*i:3*i+3], p.Starts)
		if p.Kind.Stable() {
			stable[bits(p.Output)] = append(stable[bits(p.Output)], p)
		}
		if p.Kind == analysis.Saddle {
			saddles++
		}
	}
	var patterns []string
	for b := range stable {
		patterns = append(patterns, b)
	}
	sort.Strings(patterns)
	fmt.Printf("  stable patterns %v; %d saddles\n", patterns, saddles)
	if mode != "full" {
		return
	}
	for b := 0; b < 8; b++ {
		want := fmt.Sprintf("%03b", b)
		ps := stable[want]
		if len(ps) == 0 {
			t.Errorf("bit pattern %s: no stable fixed or slow point decodes to it", want)
			continue
		}
		// It decodes to its pattern cleanly (every output within 0.25 of
		// its bit).
		best := math.Inf(1)
		for _, p := range ps {
			var e float64
			for i, v := range p.Output {
				e = math.Max(e, math.Abs(v-float64(want[i]-'0')))
			}
			best = math.Min(best, e)
		}
		if best > 0.25 {
			t.Errorf("bit pattern %s: closest stable point decodes %.3f away from it", want, best)
		}
	}
	if saddles == 0 {
		t.Error("no saddles between the memory states")
	}
}
