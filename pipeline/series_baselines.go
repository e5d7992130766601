package pipeline

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/tasks"
)

// BaselineTable fits the baselines every one-step forecaster must beat on
// d, as the tutorial's baselines stage does (analysis.BaselineTable:
// persistence, the train mean, linear extrapolation, AR(1…10) fitted on
// the train split, the NVAR with its ridge chosen on the val split), and
// lists their one-step metrics on the test split in original units, the
// forecast f's first when it is not nil, so that a model is read beside
// what it must beat. The best AR(k) is chosen by its one-step RMSE on the
// val split, never on test; the title names the baselines whose test RMSE
// beats f's.
func BaselineTable(d *tasks.Dataset, f *Forecast) (Table, error) {
	rows, err := analysis.BaselineTable(d, analysis.BaselineConfig{})
	if err != nil {
		return Table{}, err
	}
	tw, err := d.Windows("test")
	if err != nil {
		return Table{}, err
	}
	names := variableLabels(d)
	t := Table{Header: []string{"forecaster", "RMSE", "MAE", "NRMSE (range)"}}
	for _, n := range names {
		t.Header = append(t.Header, "R² "+n)
	}
	t.Header = append(t.Header, "parameters")
	line := func(name string, m analysis.Metrics, params string) {
		r := []string{name, fmtSig(m.RMSE), fmtSig(m.MAE), fmtSig(m.NRMSERange)}
		for j := range names {
			v := math.NaN()
			if j < len(m.R2) {
				v = m.R2[j]
			}
			r = append(r, fmtR2(v))
		}
		t.Rows = append(t.Rows, append(r, params))
	}
	if f != nil {
		line(f.Name+" (the model)", f.OneStep, fmt.Sprintf("%d trained", f.Params))
	}
	best, bestVal, err := bestARRow(d, rows)
	if err != nil {
		return Table{}, err
	}
	var beat []analysis.BaselineRow
	for i, row := range rows {
		name := row.Name
		if i == best {
			name += fmt.Sprintf(" (best AR(k) by val RMSE %s)", fmtSig(bestVal))
		}
		line(name, row.Metrics, row.Params)
		if f != nil && row.Metrics.RMSE < f.OneStep.RMSE {
			beat = append(beat, row)
		}
	}
	t.Title = fmt.Sprintf("Baselines every forecaster must beat: one-step metrics on the test split (%s windows, original units; fitted on train, NVAR ridge and best AR(k) chosen on val)", groupThousands(tw.Len()))
	if f != nil {
		if len(beat) == 0 {
			t.Title += "; the model beats every baseline"
		} else {
			// As many digits as tell every beaten RMSE from the model's
			// (1.009 against 1.009 read as a tie).
			prec := 4
			for _, b := range beat {
				for prec < 17 && fmtPrec(b.Metrics.RMSE, prec) == fmtPrec(f.OneStep.RMSE, prec) {
					prec++
				}
			}
			list := make([]string, len(beat))
			for i, b := range beat {
				list[i] = b.Name + " " + fmtPrec(b.Metrics.RMSE, prec)
			}
			t.Title += fmt.Sprintf("; test RMSE below the model's %s: %s", fmtPrec(f.OneStep.RMSE, prec), strings.Join(list, ", "))
		}
	}
	return t, nil
}

// fmtPrec formats v with prec significant digits (fmtSig's 4 at least).
func fmtPrec(v float64, prec int) string { return strconv.FormatFloat(v, 'g', prec, 64) }

// baselineDataTables fits and measures the baselines on a series file
// split as train splits it (req.Split, with req.Dt).
func baselineDataTables(req AnalyzeRequest) ([]Table, error) {
	raw, err := tasks.LoadSeries(req.Data, req.Load)
	if err != nil {
		return nil, err
	}
	c := req.Split
	c.Dt = req.Dt
	if c.Name == "" {
		c.Name = "series"
	}
	d, err := tasks.FromSeries(raw, c)
	if err != nil {
		return nil, err
	}
	if req.Load.Columns != nil {
		d.Params["columns"] = columnsText(req.Load.Columns) // names the variables (variableLabels)
	}
	t, err := BaselineTable(d, nil)
	if err != nil {
		return nil, err
	}
	t.Title = fmt.Sprintf("%s: %d samples of %d variables, split %d/%d/%d (train/val/test). %s", req.Data, raw.Len, raw.Dim, d.Train.Len, d.Val.Len, d.Test.Len, t.Title)
	return []Table{t}, nil
}
