package analysis

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

func exampleTable() *SynthesisTable {
	ct := NaNRow("CT-RNN", "ctrnn", LabelReference)
	ct.Params = 4547
	ct.TrainSeconds = 61.5
	ct.OneStep = Metrics{N: 2950, Dim: 3, MSE: 1.8e-5, RMSE: 0.0042, MAE: 0.0022, NRMSERange: 1e-4, NRMSEStd: 5e-4,
		R2: []float64{0.99999, 0.99998, 0.99997}, MeanR2: 0.99998, R2GrandMean: 1, Pearson: 1}
	ct.VPTLyapunov = Quartiles{4.1, 5.2, 6.3}
	ct.VPTTime = Quartiles{4.5, 5.7, 7}
	ct.Lambda1Gen, ct.Lambda1True, ct.Lambda1Method = 0.88, 0.906, "QR, model Jacobian"
	ct.D2Gen, ct.D2True = 2.04, 2.07
	snn := NaNRow("SNN | trained", "snn", LabelReference)
	snn.Params = 26467
	snn.Rates = []PopulationRate{{"E", 13.7, 18.8}, {"I", 25.9, 23.1}}
	snn.Notes = "loaded from a checkpoint"
	ar := NaNRow("AR(4)", "ar", LabelBaseline)
	ar.Params = 39
	ar.OneStep.RMSE = 0.002
	ar.OneStep.R2 = []float64{1, 1, 1}
	big := NaNRow("CT-RNN 512", "ctrnn", LabelBigger)
	big.Rates = []PopulationRate{{"I", 3, 1}}
	return &SynthesisTable{Title: "Lorenz-63", Task: "lorenz63", Variables: []string{"x", "y", "z"},
		Rows: []SynthesisRow{ct, snn, ar, big}, Notes: []string{"numbers from make tutorial"}}
}

func TestSynthesisMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := exampleTable().WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	t.Log("\n" + md)
	lines := strings.Split(md, "\n")
	// Title, blank, header, rule, 4 rows.
	if !strings.HasPrefix(lines[0], "### Lorenz-63") || len(lines) < 8 {
		t.Fatalf("layout:\n%s", md)
	}
	cols := strings.Count(lines[2], " | ") + 1
	for _, l := range lines[3:8] {
		if c := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); c != cols+1 {
			t.Fatalf("line %q has %d bars, want %d", l, c, cols+1)
		}
	}
	for _, want := range []string{"| CT-RNN | ctrnn | reference | 4547 | 61.5 | 0.0042 | 0.0022 | 0.99999 | 0.99998 | 0.99997 | 5.2 [4.1, 6.3] | 0.88 / 0.906 (QR, model Jacobian) | 2.04 / 2.07 | — |",
		`SNN \| trained`, "E 13.7 ± 18.8; I 25.9 ± 23.1", "| AR(4) | ar | baseline | 39 | — | 0.002 | — | 1 | 1 | 1 | — | — / — | — / — | — |",
		"| bigger |", "- numbers from make tutorial"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
}

func TestSynthesisValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(t *SynthesisTable)
	}{
		{"empty name", func(t *SynthesisTable) { t.Rows[0].Name = "" }},
		{"duplicate", func(t *SynthesisTable) { t.Rows[1].Name = t.Rows[0].Name }},
		{"label", func(t *SynthesisTable) { t.Rows[0].Label = "best" }},
		{"R² length", func(t *SynthesisTable) { t.Rows[2].OneStep.R2 = []float64{1, 1} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := exampleTable()
			tc.mod(tab)
			if err := tab.WriteMarkdown(&bytes.Buffer{}); !errors.Is(err, param.ErrInvalid) {
				t.Fatalf("err = %v, want a param error", err)
			}
		})
	}
}

func TestSynthesisHDF5RoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "synthesis.h5")
	tab := exampleTable()
	err := tab.WriteHDF5(path)
	if errors.Is(err, export.ErrNoHDF5) {
		t.Skip("built without HDF5")
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadSynthesisHDF5(path)
	if err != nil {
		t.Fatal(err)
	}
	// N and Dim are not stored.
	for i := range tab.Rows {
		tab.Rows[i].OneStep.N, tab.Rows[i].OneStep.Dim = 0, 0
	}
	if got.Title != tab.Title || got.Task != tab.Task || !reflect.DeepEqual(got.Variables, tab.Variables) || !reflect.DeepEqual(got.Notes, tab.Notes) {
		t.Fatalf("header %q %q %v %v", got.Title, got.Task, got.Variables, got.Notes)
	}
	if len(got.Rows) != len(tab.Rows) {
		t.Fatalf("%d rows, want %d", len(got.Rows), len(tab.Rows))
	}
	for i := range tab.Rows {
		if !sameRow(got.Rows[i], tab.Rows[i]) {
			t.Fatalf("row %d:\n got %+v\nwant %+v", i, got.Rows[i], tab.Rows[i])
		}
	}
	// The file exists under its final name and refuses to be overwritten.
	if err := tab.WriteHDF5(path); err == nil {
		t.Fatal("second write without Overwrite succeeded")
	}
	if err := tab.WriteHDF5(path, export.Overwrite()); err != nil {
		t.Fatal(err)
	}
}

// sameRow compares rows treating NaN as equal to NaN.
func sameRow(a, b SynthesisRow) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	for _, c := range synthCols() {
		if !eq(*c.get(&a), *c.get(&b)) {
			return false
		}
	}
	if len(a.OneStep.R2) != len(b.OneStep.R2) {
		return false
	}
	for j := range a.OneStep.R2 {
		if !eq(a.OneStep.R2[j], b.OneStep.R2[j]) {
			return false
		}
	}
	return a.Name == b.Name && a.Kind == b.Kind && a.Label == b.Label && a.Params == b.Params &&
		a.Lambda1Method == b.Lambda1Method && a.Notes == b.Notes && reflect.DeepEqual(a.Rates, b.Rates)
}
