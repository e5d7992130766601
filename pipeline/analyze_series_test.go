package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/tasks"
)

// writeColumns writes the row-major series x (dim variables) as CSV.
func writeColumns(t *testing.T, name string, x []float64, dim int) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(x); i += dim {
		for j := 0; j < dim; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%.17g", x[i+j])
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rowsOf returns the rows of the tables as "quantity | value" lines.
func rowsOf(tabs []Table) string {
	var lines []string
	for _, t := range tabs {
		for _, r := range t.Rows {
			lines = append(lines, strings.Join(r, " | "))
		}
	}
	return strings.Join(lines, "\n")
}

// TestAnalyzeSeriesReport checks what `analyze lyapunov|dimension --data`
// prints: the variable λ₁ ran on (it said "Rosenstein on x" whatever
// --columns chose), units (samples, time units) on the embedding rows,
// "none" instead of a number when the divergence curve does not rise (a
// sine gave λ₁ 0.37), only the notes of the analysis asked for (each
// printed the other's too), the flags that set the embedding where a note
// advises it, and D₂ of a scalar series in its delay embedding (it was
// ≈ 1 for any one-variable series, noise included).
func TestAnalyzeSeriesReport(t *testing.T) {
	h, err := analysis.SampleMap(analysis.Henon{}, []float64{0.1, 0.1}, 3000, 100)
	if err != nil {
		t.Fatal(err)
	}
	henon := writeColumns(t, "henon.csv", h, 2)
	headed := filepath.Join(t.TempDir(), "headed.csv")
	raw, err := os.ReadFile(henon)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(headed, append([]byte("position,velocity\n"), raw...), 0o644); err != nil {
		t.Fatal(err)
	}
	sine := make([]float64, 4000)
	for i := range sine {
		sine[i] = math.Sin(2 * math.Pi * (float64(i) * 0.05) / 5) // 100 samples per period
	}
	sinePath := writeColumns(t, "sine.csv", sine, 1)
	rng := rand.New(rand.NewPCG(9, 9))
	noise := make([]float64, 3000)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	noisePath := writeColumns(t, "noise.csv", noise, 1)
	for _, tc := range []struct {
		name      string
		req       AnalyzeRequest
		want, not []string // substrings of the rows that must (not) appear
	}{
		{"λ₁ of the column chosen", AnalyzeRequest{What: "lyapunov", Data: henon, Load: tasks.LoadOptions{Columns: []int{1}}},
			[]string{"λ₁ (Rosenstein on column 1, per time unit) | 0.", "embedding dimension, lag, Theiler window | 2, 1 sample (1 time units), ",
				"fitted steps of the divergence curve, R² | ", " samples ("},
			[]string{"on x", "note | D₂"}},
		{"λ₁ of a column named by the header", AnalyzeRequest{What: "lyapunov", Data: headed, Load: tasks.LoadOptions{Columns: []int{1}}},
			[]string{"λ₁ (Rosenstein on column 1 (velocity), per time unit) | 0."}, nil},
		{"λ₁ in time units of dt", AnalyzeRequest{What: "lyapunov", Data: henon, Dt: 0.5},
			[]string{"λ₁ (Rosenstein on column 0, per time unit) | ", "(0.5 time units)"}, nil},
		{"λ₁ of a sine: none", AnalyzeRequest{What: "lyapunov", Data: sinePath, Dt: 0.05},
			[]string{"| none: no exponential divergence found (NaN)", "fitted steps of the divergence curve | none", "note | λ₁: no exponential divergence found"},
			[]string{"R²", "note | D₂"}},
		{"λ₁ of noise: the flags", AnalyzeRequest{What: "lyapunov", Data: noisePath},
			[]string{"| — (not estimated: see the note)", "--embed-dim", "--lag"}, []string{"note | D₂"}},
		{"λ₁ of noise, fixed embedding", AnalyzeRequest{What: "lyapunov", Data: noisePath, EmbedDim: 3, Lag: 2},
			[]string{"embedding dimension, lag, Theiler window | 3, 2 samples"}, []string{"note"}},
		{"D₂ of Hénon x embedded", AnalyzeRequest{What: "dimension", Data: henon, Load: tasks.LoadOptions{Columns: []int{0}}},
			[]string{"correlation dimension D₂ | 1.", "embedding dimension, lag | 2, 1 sample (delay embedding of column 0, as for λ₁)",
				"scaling region (radii, in the data's units)", "Theiler window | "},
			[]string{"note | λ₁"}},
		{"λ₁ of a multivariate file: --lag alone", AnalyzeRequest{What: "lyapunov", Data: henon, Lag: 2},
			[]string{"λ₁ (Rosenstein on column 0, per time unit) | ", ", 2 samples (2 time units), "}, nil},
		{"D₂ of both Hénon variables embedded", AnalyzeRequest{What: "dimension", Data: henon, EmbedDim: 2, Lag: 1},
			[]string{"embedding dimension, lag | 2, 1 sample (delay embedding of each of the 2 variables; λ₁ embeds column 0 alone)"},
			[]string{"as for λ₁"}},
		{"D₂ z-scored when asked", AnalyzeRequest{What: "dimension", Data: henon, D2Scaling: analysis.D2ScaleZScore},
			[]string{"variables | z-scored (--zscore on)", "(radii, in standard deviations)"}, nil},
		{"D₂ in own units when asked", AnalyzeRequest{What: "dimension", Data: henon, D2Scaling: analysis.D2ScaleNone},
			[]string{"variables | in their own units (--zscore off)", "(radii, in the data's units)"}, []string{"z-scored"}},
		{"D₂ of noise: refused", AnalyzeRequest{What: "dimension", Data: noisePath},
			[]string{"correlation dimension D₂ | —", "note | D₂: not estimated", "fills every embedding dimension", "--embed-dim"},
			[]string{"note | λ₁"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tabs, err := Analyze(context.Background(), DefaultConfig(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			got := rowsOf(tabs)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("rows lack %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("rows have %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestAnalyzeEmbeddingFlags: --embed-dim and --lag are validated with
// errors naming the flag.
func TestAnalyzeEmbeddingFlags(t *testing.T) {
	path := writeSeries(t, 400) // 3 variables
	x := make([]float64, 400)
	for i := range x {
		x[i] = math.Sin(0.3 * float64(i))
	}
	one := writeColumns(t, "one.csv", x, 1)
	for _, tc := range []struct {
		name     string
		data     string
		dim, lag int
		bad      string // the flag named, "" for none
	}{
		{"auto", one, 0, 0, ""},
		{"fixed", one, 3, 4, ""},
		{"lag alone on one variable", one, 0, 4, ""},
		{"negative dimension", one, -1, 0, "--embed-dim"},
		{"huge dimension", one, 101, 0, "--embed-dim"},
		{"negative lag", one, 0, -2, "--lag"},
		{"lag beyond the series", one, 3, 100, "--lag"},
		{"lag without dimension on 3 variables", path, 0, 2, ""},          // λ₁ embeds column 0 with it
		{"D₂: lag without dimension on 3 variables", path, 0, 2, "--lag"}, // D₂ would ignore it
		{"lag with dimension on 3 variables", path, 2, 2, ""},
		{"D₂: lag with dimension on 3 variables", path, 2, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			what := "lyapunov"
			if strings.HasPrefix(tc.name, "D₂") {
				what = "dimension"
			}
			_, err := Analyze(context.Background(), DefaultConfig(), AnalyzeRequest{What: what, Data: tc.data, EmbedDim: tc.dim, Lag: tc.lag})
			if tc.bad == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.bad) {
				t.Fatalf("err = %v, want a param error naming %s", err, tc.bad)
			}
		})
	}
}

// TestFixedPointTableForecasting: the fixed points of a forecasting model
// decode to the data's units (the model decodes z-scored values; they
// were printed as they are) and have no flip-flop bits column; the
// flip-flop's table keeps both.
func TestFixedPointTableForecasting(t *testing.T) {
	fp := &analysis.FixedPointResult{Points: []analysis.FixedPoint{
		{H: []float64{0, 1}, Output: []float64{1, -0.5}, Eigenvalues: []complex128{-1}},
		{H: []float64{1, 0}, Output: []float64{0, 2}, Eigenvalues: []complex128{0.5}, Unstable: 1},
	}}
	pca, err := analysis.FitPCA([]float64{0, 1, 1, 0, 0.5, 0.5}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := &tasks.Dataset{Dim: 2, Mean: []float64{10, 0}, Std: []float64{2, 100}}
	tab := fixedPointTable("t", fp, pca, d)
	if strings.Contains(strings.Join(tab.Header, "|"), "bits") || tab.Header[4] != "decoded output (data units)" || len(tab.Rows[0]) != len(tab.Header) {
		t.Fatalf("header %q, first row %q", tab.Header, tab.Rows[0])
	}
	if tab.Rows[0][4] != "12, -50" || tab.Rows[1][4] != "10, 200" {
		t.Fatalf("decoded outputs %q and %q, want 12, -50 and 10, 200 (x·Std + Mean)", tab.Rows[0][4], tab.Rows[1][4])
	}
	ff := FixedPointTable("t", fp, pca)
	if ff.Header[5] != "bits" || ff.Rows[0][4] != "1.000, -0.500" {
		t.Fatalf("flip-flop table: header %q, first row %q", ff.Header, ff.Rows[0])
	}
}
