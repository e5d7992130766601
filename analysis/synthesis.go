package analysis

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// SynthesisLabel says what a row of the synthesis table is compared as.
type SynthesisLabel string

// Row labels.
const (
	// LabelReference marks the reference tutorial's models (CT-RNN,
	// balanced rate network, trained SNN, spiking reservoir).
	LabelReference SynthesisLabel = "reference"
	// LabelBigger marks models larger than the reference ones (more
	// parameters or neurons), which must not be read as like-for-like.
	LabelBigger SynthesisLabel = "bigger"
	// LabelBaseline marks baselines every model must beat (persistence,
	// AR(k), NVAR, …).
	LabelBaseline SynthesisLabel = "baseline"
)

// PopulationRate is the firing rate of one population of a spiking or rate
// model, in Hz.
type PopulationRate struct {
	Population    string
	MeanHz, StdHz float64
}

// SynthesisRow is one model's line in the synthesis table. Numbers that do
// not apply or were not measured are NaN (written as "—" in Markdown and
// NaN in HDF5).
type SynthesisRow struct {
	// Name is the model's display name ("CT-RNN"); Kind its family
	// ("ctrnn", "rate", "snn", "reservoir", "ar", "nvar", …); Label what it
	// is compared as.
	Name, Kind string
	Label      SynthesisLabel
	// Params is the number of trainable parameters (−1: not applicable).
	Params int
	// TrainSeconds is the wall-clock training time (NaN: not trained in
	// this run, e.g. loaded from a checkpoint).
	TrainSeconds float64
	// OneStep holds the one-step metrics on the test split in original
	// (denormalized) units, including the per-dimension R².
	OneStep Metrics
	// VPTLyapunov and VPTTime are the quartiles of the valid prediction
	// time (ValidTime) in Lyapunov times and in time units.
	VPTLyapunov, VPTTime Quartiles
	// Lambda1Gen and Lambda1True are the largest Lyapunov exponents of the
	// model's long autonomous run and of the true system, measured the same
	// way (Lambda1Method names it); D2Gen and D2True the correlation
	// dimensions.
	Lambda1Gen, Lambda1True float64
	Lambda1Method           string
	D2Gen, D2True           float64
	// Rates are the firing rates of the model's populations (spiking and
	// rate models; empty otherwise).
	Rates []PopulationRate
	// Notes is free text (what failed, what was loaded, …).
	Notes string
}

// NaNRow returns a row with the given identity and every number NaN (Params
// −1), for callers to fill in.
func NaNRow(name, kind string, label SynthesisLabel) SynthesisRow {
	nan := math.NaN()
	q := Quartiles{nan, nan, nan}
	return SynthesisRow{Name: name, Kind: kind, Label: label, Params: -1, TrainSeconds: nan,
		OneStep:     Metrics{MSE: nan, RMSE: nan, MAE: nan, NRMSERange: nan, NRMSEStd: nan, MeanR2: nan, R2GrandMean: nan, Pearson: nan},
		VPTLyapunov: q, VPTTime: q, Lambda1Gen: nan, Lambda1True: nan, D2Gen: nan, D2True: nan}
}

// SynthesisTable compares models on one task: one row per model. The
// pipeline fills it; WriteMarkdown and WriteHDF5 write it.
type SynthesisTable struct {
	// Title heads the Markdown table; Task names the task ("lorenz63").
	Title, Task string
	// Variables names the task's variables (for the per-dimension R²
	// columns; default x1, x2, …).
	Variables []string
	Rows      []SynthesisRow
	// Notes are printed under the table and stored as an attribute.
	Notes []string
}

// Validate checks the rows: non-empty distinct names, known labels, and
// per-dimension R² of equal lengths (or absent).
func (t *SynthesisTable) Validate() error {
	seen := map[string]bool{}
	for i, r := range t.Rows {
		if r.Name == "" {
			return param.New("analysis", fmt.Sprintf("Rows[%d].Name", i), `""`, "a non-empty name")
		}
		if seen[r.Name] {
			return param.New("analysis", fmt.Sprintf("Rows[%d].Name", i), r.Name, "distinct from the other rows' names")
		}
		seen[r.Name] = true
		switch r.Label {
		case LabelReference, LabelBigger, LabelBaseline:
		default:
			return param.New("analysis", fmt.Sprintf("Rows[%d].Label", i), r.Label, "one of reference, bigger, baseline")
		}
		if d := t.dim(); len(r.OneStep.R2) != 0 && len(r.OneStep.R2) != d {
			return param.New("analysis", fmt.Sprintf("Rows[%d].OneStep.R2", i), fmt.Sprintf("length %d", len(r.OneStep.R2)), fmt.Sprintf("length %d like the other rows", d))
		}
	}
	return nil
}

// dim returns the number of per-dimension R² values (the longest row's).
func (t *SynthesisTable) dim() int {
	d := len(t.Variables)
	for _, r := range t.Rows {
		d = max(d, len(r.OneStep.R2))
	}
	return d
}

func (t *SynthesisTable) varName(j int) string {
	if j < len(t.Variables) {
		return t.Variables[j]
	}
	return "x" + strconv.Itoa(j+1)
}

// populations returns the union of population names in first-seen order.
func (t *SynthesisTable) populations() []string {
	var pops []string
	seen := map[string]bool{}
	for _, r := range t.Rows {
		for _, p := range r.Rates {
			if !seen[p.Population] {
				seen[p.Population] = true
				pops = append(pops, p.Population)
			}
		}
	}
	return pops
}

// fmtNum formats v with the given number of significant digits, "—" for
// NaN.
func fmtNum(v float64, sig int) string {
	if math.IsNaN(v) {
		return "—"
	}
	if math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', sig, 64)
}

func mdEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// WriteMarkdown writes the table as GitHub-flavoured Markdown: one row per
// model with parameters, training time, one-step RMSE, MAE and per-variable
// R² (original units), the valid prediction time (median and quartiles in
// Lyapunov times), λ₁ and D₂ of the generated and true attractors, firing
// rates and the label; notes follow the table.
func (t *SynthesisTable) WriteMarkdown(w io.Writer) error {
	if err := t.Validate(); err != nil {
		return err
	}
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "### %s\n\n", mdEscape(t.Title))
	}
	d := t.dim()
	head := []string{"model", "kind", "label", "params", "train (s)", "RMSE", "MAE"}
	for j := 0; j < d; j++ {
		head = append(head, "R² "+t.varName(j))
	}
	head = append(head, "VPT (Λ) median [Q1, Q3]", "λ₁ gen / true", "D₂ gen / true", "rates (Hz)", "notes")
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		params := "—"
		if r.Params >= 0 {
			params = strconv.Itoa(r.Params)
		}
		cells := []string{mdEscape(r.Name), mdEscape(r.Kind), string(r.Label), params,
			fmtNum(r.TrainSeconds, 3), fmtNum(r.OneStep.RMSE, 3), fmtNum(r.OneStep.MAE, 3)}
		for j := 0; j < d; j++ {
			v := math.NaN()
			if j < len(r.OneStep.R2) {
				v = r.OneStep.R2[j]
			}
			cells = append(cells, fmtNum(v, 5))
		}
		q := r.VPTLyapunov
		vpt := "—"
		if !math.IsNaN(q.Median) {
			vpt = fmt.Sprintf("%s [%s, %s]", fmtNum(q.Median, 3), fmtNum(q.Q1, 3), fmtNum(q.Q3, 3))
		}
		lam := fmt.Sprintf("%s / %s", fmtNum(r.Lambda1Gen, 3), fmtNum(r.Lambda1True, 3))
		if r.Lambda1Method != "" && !(math.IsNaN(r.Lambda1Gen) && math.IsNaN(r.Lambda1True)) {
			lam += " (" + mdEscape(r.Lambda1Method) + ")"
		}
		dd := fmt.Sprintf("%s / %s", fmtNum(r.D2Gen, 3), fmtNum(r.D2True, 3))
		var rates []string
		for _, p := range r.Rates {
			rates = append(rates, fmt.Sprintf("%s %s ± %s", mdEscape(p.Population), fmtNum(p.MeanHz, 3), fmtNum(p.StdHz, 3)))
		}
		rs := "—"
		if len(rates) > 0 {
			rs = strings.Join(rates, "; ")
		}
		cells = append(cells, vpt, lam, dd, rs, mdEscape(r.Notes))
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\nOne-step metrics on the test split in original units; R² per variable around its own mean. " +
		"VPT: valid prediction time in Lyapunov times (closed loop, ‖e‖/RMS > 0.4). " +
		"Labels: reference = the tutorial's models, bigger = larger than them, baseline = predictors to beat.\n")
	for _, n := range t.Notes {
		b.WriteString("\n- " + mdEscape(n))
	}
	if len(t.Notes) > 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// The HDF5 layout of a synthesis table: group /synthesis with attributes
// title, task, variables, populations and notes (strings), and one dataset
// per column, each with one entry per row (in row order):
//
//	name, kind, label, lambda1_method, notes   strings
//	params                                     int64 (−1: not applicable)
//	train_seconds, mse, rmse, mae, nrmse_range, nrmse_std, mean_r2,
//	r2_grand_mean, pearson, vpt_lyap_q1, vpt_lyap_median, vpt_lyap_q3,
//	vpt_time_q1, vpt_time_median, vpt_time_q3, lambda1_gen,
//	lambda1_true, d2_gen, d2_true              float64
//	r2_per_dim                                 float64 [rows × variables]
//	rate_mean_hz, rate_std_hz                  float64 [rows × populations]
//
// Missing numbers are NaN.
const synthesisGroup = "synthesis"

type synthCol struct {
	name string
	get  func(r *SynthesisRow) *float64
}

func synthCols() []synthCol {
	return []synthCol{
		{"train_seconds", func(r *SynthesisRow) *float64 { return &r.TrainSeconds }},
		{"mse", func(r *SynthesisRow) *float64 { return &r.OneStep.MSE }},
		{"rmse", func(r *SynthesisRow) *float64 { return &r.OneStep.RMSE }},
		{"mae", func(r *SynthesisRow) *float64 { return &r.OneStep.MAE }},
		{"nrmse_range", func(r *SynthesisRow) *float64 { return &r.OneStep.NRMSERange }},
		{"nrmse_std", func(r *SynthesisRow) *float64 { return &r.OneStep.NRMSEStd }},
		{"mean_r2", func(r *SynthesisRow) *float64 { return &r.OneStep.MeanR2 }},
		{"r2_grand_mean", func(r *SynthesisRow) *float64 { return &r.OneStep.R2GrandMean }},
		{"pearson", func(r *SynthesisRow) *float64 { return &r.OneStep.Pearson }},
		{"vpt_lyap_q1", func(r *SynthesisRow) *float64 { return &r.VPTLyapunov.Q1 }},
		{"vpt_lyap_median", func(r *SynthesisRow) *float64 { return &r.VPTLyapunov.Median }},
		{"vpt_lyap_q3", func(r *SynthesisRow) *float64 { return &r.VPTLyapunov.Q3 }},
		{"vpt_time_q1", func(r *SynthesisRow) *float64 { return &r.VPTTime.Q1 }},
		{"vpt_time_median", func(r *SynthesisRow) *float64 { return &r.VPTTime.Median }},
		{"vpt_time_q3", func(r *SynthesisRow) *float64 { return &r.VPTTime.Q3 }},
		{"lambda1_gen", func(r *SynthesisRow) *float64 { return &r.Lambda1Gen }},
		{"lambda1_true", func(r *SynthesisRow) *float64 { return &r.Lambda1True }},
		{"d2_gen", func(r *SynthesisRow) *float64 { return &r.D2Gen }},
		{"d2_true", func(r *SynthesisRow) *float64 { return &r.D2True }},
	}
}

// WriteHDF5 writes the table to a new HDF5 file at path through package
// export (layout above; opts as for export.Create, e.g. Overwrite or
// WithProvenance). Without HDF5 support it returns an error wrapping
// export.ErrNoHDF5.
func (t *SynthesisTable) WriteHDF5(path string, opts ...export.Option) (err error) {
	if err := t.Validate(); err != nil {
		return err
	}
	f, err := export.Create(path, opts...)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Abort()
			return
		}
		err = f.Close()
	}()
	g, err := f.CreateGroup(synthesisGroup)
	if err != nil {
		return err
	}
	return t.writeGroup(g)
}

func (t *SynthesisTable) writeGroup(g *export.Group) error {
	n := len(t.Rows)
	d := t.dim()
	vars := make([]string, d)
	for j := range vars {
		vars[j] = t.varName(j)
	}
	pops := t.populations()
	for _, a := range []struct {
		name string
		v    []string
	}{{"variables", vars}, {"populations", pops}, {"notes", t.Notes}} {
		if err := export.SetStringsAttr(g, a.name, a.v); err != nil {
			return err
		}
	}
	if err := export.SetStringAttr(g, "title", t.Title); err != nil {
		return err
	}
	if err := export.SetStringAttr(g, "task", t.Task); err != nil {
		return err
	}
	strCols := map[string]func(r *SynthesisRow) string{
		"name": func(r *SynthesisRow) string { return r.Name }, "kind": func(r *SynthesisRow) string { return r.Kind },
		"label": func(r *SynthesisRow) string { return string(r.Label) }, "lambda1_method": func(r *SynthesisRow) string { return r.Lambda1Method },
		"notes": func(r *SynthesisRow) string { return r.Notes },
	}
	for _, name := range []string{"name", "kind", "label", "lambda1_method", "notes"} {
		col := make([]string, n)
		for i := range t.Rows {
			col[i] = strCols[name](&t.Rows[i])
		}
		if err := export.WriteStrings(g, name, col); err != nil {
			return err
		}
	}
	params := make([]int64, n)
	for i, r := range t.Rows {
		params[i] = int64(r.Params)
	}
	if err := export.Write(g, "params", params, []int{n}); err != nil {
		return err
	}
	for _, c := range synthCols() {
		col := make([]float64, n)
		for i := range t.Rows {
			col[i] = *c.get(&t.Rows[i])
		}
		if err := export.Write(g, c.name, col, []int{n}); err != nil {
			return err
		}
	}
	r2 := make([]float64, n*d)
	for i, r := range t.Rows {
		for j := 0; j < d; j++ {
			r2[i*d+j] = math.NaN()
			if j < len(r.OneStep.R2) {
				r2[i*d+j] = r.OneStep.R2[j]
			}
		}
	}
	if err := export.Write(g, "r2_per_dim", r2, []int{n, d}); err != nil {
		return err
	}
	p := len(pops)
	rm, rs := make([]float64, n*p), make([]float64, n*p)
	for i, r := range t.Rows {
		for k, name := range pops {
			rm[i*p+k], rs[i*p+k] = math.NaN(), math.NaN()
			for _, pr := range r.Rates {
				if pr.Population == name {
					rm[i*p+k], rs[i*p+k] = pr.MeanHz, pr.StdHz
				}
			}
		}
	}
	if err := export.Write(g, "rate_mean_hz", rm, []int{n, p}); err != nil {
		return err
	}
	return export.Write(g, "rate_std_hz", rs, []int{n, p})
}

// ReadSynthesisHDF5 reads a table written by WriteHDF5. Rows get the
// metrics stored there; OneStep.N and OneStep.Dim are not stored (0), and
// a population rate stored as NaN is taken as absent.
func ReadSynthesisHDF5(path string) (*SynthesisTable, error) {
	f, err := export.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g, err := f.OpenGroup(synthesisGroup)
	if err != nil {
		return nil, err
	}
	t := &SynthesisTable{}
	if t.Title, err = export.StringAttr(g, "title"); err != nil {
		return nil, err
	}
	if t.Task, err = export.StringAttr(g, "task"); err != nil {
		return nil, err
	}
	if t.Variables, err = export.StringsAttr(g, "variables"); err != nil {
		return nil, err
	}
	pops, err := export.StringsAttr(g, "populations")
	if err != nil {
		return nil, err
	}
	if t.Notes, err = export.StringsAttr(g, "notes"); err != nil {
		return nil, err
	}
	strs := map[string][]string{}
	for _, name := range []string{"name", "kind", "label", "lambda1_method", "notes"} {
		if strs[name], err = export.ReadStrings(g, name); err != nil {
			return nil, err
		}
	}
	n := len(strs["name"])
	params, _, err := export.Read[int64](g, "params")
	if err != nil {
		return nil, err
	}
	if len(params) != n {
		return nil, errors.New("analysis: ReadSynthesisHDF5: columns of different lengths")
	}
	t.Rows = make([]SynthesisRow, n)
	for i := range t.Rows {
		r := &t.Rows[i]
		r.Name, r.Kind, r.Label = strs["name"][i], strs["kind"][i], SynthesisLabel(strs["label"][i])
		r.Lambda1Method, r.Notes, r.Params = strs["lambda1_method"][i], strs["notes"][i], int(params[i])
	}
	for _, c := range synthCols() {
		col, _, err := export.Read[float64](g, c.name)
		if err != nil {
			return nil, err
		}
		if len(col) != n {
			return nil, fmt.Errorf("analysis: ReadSynthesisHDF5: column %s has %d entries, want %d", c.name, len(col), n)
		}
		for i := range t.Rows {
			*c.get(&t.Rows[i]) = col[i]
		}
	}
	r2, shape, err := export.Read[float64](g, "r2_per_dim")
	if err != nil {
		return nil, err
	}
	if len(shape) == 2 && shape[0] == n {
		d := shape[1]
		for i := range t.Rows {
			row := r2[i*d : (i+1)*d]
			all := true
			for _, v := range row {
				all = all && math.IsNaN(v)
			}
			if !all {
				t.Rows[i].OneStep.R2 = append([]float64(nil), row...)
			}
		}
	}
	rm, _, err := export.Read[float64](g, "rate_mean_hz")
	if err != nil {
		return nil, err
	}
	rs, _, err := export.Read[float64](g, "rate_std_hz")
	if err != nil {
		return nil, err
	}
	p := len(pops)
	if len(rm) == n*p && len(rs) == n*p {
		for i := range t.Rows {
			for k, name := range pops {
				if !math.IsNaN(rm[i*p+k]) {
					t.Rows[i].Rates = append(t.Rows[i].Rates, PopulationRate{name, rm[i*p+k], rs[i*p+k]})
				}
			}
		}
	}
	return t, nil
}
