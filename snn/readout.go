package snn

import (
	"context"
	"fmt"
	"time"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
)

// ReadoutFit reports a closed-form readout fit.
type ReadoutFit struct {
	// Lambda is the regularization chosen on the validation windows and
	// ValMSE the validation mean squared error (normalized units) there.
	Lambda, ValMSE float64
	// Rows is the number of training rows and Features the regressors
	// per row (readout features, plus the input with Skip; the intercept
	// is extra).
	Rows, Features int
	// Seconds is the wall-clock time of the fit (runs included).
	Seconds float64
}

// FitReadout sets the model's readout (readout.weight, readout.bias and,
// with Skip, readout.skip) by ridge regression, keeping everything else:
// it runs the network on the training windows (observed inputs, zero
// state per window), takes the features after every sample j ≥ warmup−1
// as rows with the next sample as target (the window's target after the
// last), and picks the regularization among lambdas (nil → DefaultLambdas)
// by the one-step error of the validation windows' last outputs. train and
// val are windows whose inputs are L samples of Inputs values and whose
// target is the next sample (tasks.Windows of Horizon 1; windows that say
// another horizon, learn.SeqSource, are an error naming it).
func FitReadout(m *Model[float32], train, val learn.Source, warmup int, lambdas []float64) (*ReadoutFit, error) {
	return FitReadoutContext(context.Background(), m, train, val, warmup, lambdas)
}

// FitReadoutContext is FitReadout, stopped when ctx is done: it looks at
// ctx before each batch of windows it runs and before each regularization
// it tries, and then returns an error wrapping ctx.Err() with the model
// unchanged (the readout is written only once the fit is complete). A fit
// that is not stopped is FitReadout's, bit for bit.
func FitReadoutContext(ctx context.Context, m *Model[float32], train, val learn.Source, warmup int, lambdas []float64) (*ReadoutFit, error) {
	t0 := time.Now()
	c := m.cfg
	I, O, F := c.Inputs, c.Outputs, c.Features()
	if I != O {
		return nil, param.New(pkg, "Model", fmt.Sprintf("Inputs %d, Outputs %d", I, O), "Inputs = Outputs (next-sample targets)")
	}
	if train == nil || val == nil || train.Len() == 0 || val.Len() == 0 {
		return nil, param.New(pkg, "windows", "empty", "non-empty train and val windows")
	}
	if train.InputSize()%I != 0 || train.TargetSize() != O || val.InputSize()%I != 0 || val.TargetSize() != O {
		return nil, param.New(pkg, "windows", fmt.Sprintf("input %d, target %d", train.InputSize(), train.TargetSize()), fmt.Sprintf("L·%d inputs and %d targets in train and val", I, O))
	}
	for _, w := range []struct {
		name string
		src  learn.Source
	}{{"train", train}, {"val", val}} {
		if ss, ok := w.src.(learn.SeqSource); ok {
			if _, _, _, h := ss.SeqShape(); h != 1 {
				return nil, param.New(pkg, w.name+" Horizon", h, "1: FitReadout's targets are the next samples (tasks.NewWindows(s, L, 1, stride))")
			}
		}
	}
	L, Lv := train.InputSize()/I, val.InputSize()/I
	if warmup < 1 || warmup > L {
		return nil, param.New(pkg, "warmup", warmup, fmt.Sprintf("in [1, %d]", L))
	}
	D := F
	if c.Skip {
		D += I
	}
	g, err := NewGram(D, O)
	if err != nil {
		return nil, err
	}
	e := newNet[float32](c)
	m.effective(e)
	const batch = 128
	q := newSeq(e, batch, max(L, Lv), false)
	x := make([]float32, batch*max(L, Lv)*I)
	y := make([]float32, batch*O)
	rows := make([]float32, batch*D)
	tgt := make([]float32, batch*O)
	design := func(j, n int) {
		f := q.feat(j)
		xin := q.input(j)
		for b := 0; b < n; b++ {
			copy(rows[b*D:b*D+F], f[b*F:(b+1)*F])
			if c.Skip {
				copy(rows[b*D+F:(b+1)*D], xin[b*I:(b+1)*I])
			}
		}
	}
	run := func(src learn.Source, lo, n, L int) {
		for b := 0; b < n; b++ {
			src.Fill(lo+b, x[b*L*I:(b+1)*L*I], y[b*O:(b+1)*O])
		}
		q.setRows(n)
		q.load(x[:n*L*I], L, L)
		q.forward(leaky.Run{Steps: L, Feedback: L}, false)
	}
	for lo := 0; lo < train.Len(); lo += batch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("snn: readout fit stopped after %d of %d training windows: %w", lo, train.Len(), err)
		}
		n := min(batch, train.Len()-lo)
		run(train, lo, n, L)
		for j := warmup - 1; j < L; j++ {
			design(j, n)
			for b := 0; b < n; b++ {
				if j+1 < L {
					copy(tgt[b*O:(b+1)*O], x[(b*L+j+1)*I:(b*L+j+2)*I])
				} else {
					copy(tgt[b*O:(b+1)*O], y[b*O:(b+1)*O])
				}
			}
			AddRows(g, rows[:n*D], D, tgt[:n*O], O, n)
		}
	}
	nv := val.Len()
	va := make([]float64, nv*D)
	vy := make([]float64, nv*O)
	for lo := 0; lo < nv; lo += batch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("snn: readout fit stopped after %d of %d validation windows: %w", lo, nv, err)
		}
		n := min(batch, nv-lo)
		run(val, lo, n, Lv)
		design(Lv-1, n)
		for k, v := range rows[:n*D] {
			va[lo*D+k] = float64(v)
		}
		for k, v := range y[:n*O] {
			vy[lo*O+k] = float64(v)
		}
	}
	lin, mse, err := g.solveVal(ctx, lambdas, va, D, vy, nv)
	if err != nil {
		return nil, err
	}
	p := m.params
	dec, skip, bias := p.Get(NameDec), []float32(nil), p.Get(NameDecBias)
	if c.Skip {
		skip = p.Get(NameSkip)
	}
	for o := 0; o < O; o++ {
		for k := 0; k < F; k++ {
			dec[o*F+k] = float32(lin.W[o*D+k])
		}
		for k := 0; k < I && skip != nil; k++ {
			skip[o*I+k] = float32(lin.W[o*D+F+k])
		}
		bias[o] = float32(lin.B[o])
	}
	if m.st != nil {
		m.effective(m.st.e)
	}
	return &ReadoutFit{Lambda: lin.Lambda, ValMSE: mse, Rows: g.Rows, Features: D, Seconds: time.Since(t0).Seconds()}, nil
}
