package pipeline

import (
	"context"
	"fmt"
	"math"
	"path/filepath"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/tasks"
)

// This file holds the parts of notebooks 01 and 03 the model stages leave
// out, as stages of their own that read the models those stages saved:
// notebook 01's c27 (the trained CT-RNN's closed loop integrated with
// other solvers, and the adjoint gradient its text claims) and notebook
// 03's c5 (the Heaviside and its surrogate gradients) and c28 (E against I
// input currents of the spiking networks).

// ctrnnSolversStage is notebook 01's c27: one set of trained weights,
// integrated with Euler (the map trained), RK4 and dopri5.
func ctrnnSolversStage() Stage {
	return Stage{
		Name:  "ctrnn-solvers",
		Title: "01 · c27: the trained CT-RNN's closed loop integrated with Euler, RK4 and dopri5 from the same weights; the adjoint gradient",
		Needs: []string{"ctrnn"},
		// It reads the ctrnn stage's model and repeats its closed-loop
		// protocol: the same configuration key.
		Key: func(c *Config) any { return ctrnnStage().Key(c) },
		Run: runCTRNNSolvers,
	}
}

// stageFile returns the path of the file base that stage listed in its
// stored result's Files; ok is false without a stored result or without
// such a file.
func stageFile(r *Run, stage, base string) (path string, ok bool) {
	res, ok := r.Result(stage)
	if !ok {
		return "", false
	}
	for _, f := range res.Files {
		if filepath.Base(f) == base {
			return filepath.Join(r.Cfg.OutDir, f), true
		}
	}
	return "", false
}

// stageModelPath returns the path of the model file base that stage
// listed in its stored result's Files.
func stageModelPath(r *Run, stage, base string) (string, error) {
	if _, ok := r.Result(stage); !ok {
		return "", fmt.Errorf("pipeline: no stored result of stage %s", stage)
	}
	if p, ok := stageFile(r, stage, base); ok {
		return p, nil
	}
	return "", fmt.Errorf("pipeline: stage %s lists no file %s (result of an older neurodyn? rerun it with --force)", stage, base)
}

// SolverRun is the closed loop of one solver on the trained CT-RNN's
// weights: the valid times on the evaluation trajectory (the protocol's
// starts) and the free run after the protocol's warm-up (original units;
// nil if it did not stay finite).
type SolverRun struct {
	Solver ode.Method
	VT     *analysis.ValidTimes
	Gen    []float64
	// Note says why Gen is nil.
	Note string
}

// withSolver returns a float32 CT-RNN with m's weights whose intervals
// are integrated by solver (the rest of m's configuration kept: the same
// interval and substeps; dopri5 at its default tolerances).
func withSolver(m *ctrnn.Model[float32], solver ode.Method) (*ctrnn.Model[float32], error) {
	c := m.Config()
	c.Solver = solver
	c.Adjoint, c.CheckpointEvery = nil, 0
	out, err := ctrnn.New[float32](c)
	if err != nil {
		return nil, err
	}
	copy(out.Params().Flat(), m.Params().Flat())
	out.Reset()
	return out, nil
}

// SolverComparison runs the closed-loop protocol of MeasureForecaster
// (closedLoop: analysis.ValidTime with the settings' starts and horizon; a
// free run of truth.N steps after truth's warm-up) on m's weights
// integrated with each solver. The Euler run of a model trained with Euler reproduces the
// ctrnn stage's closed-loop numbers.
func SolverComparison(ctx context.Context, m *ctrnn.Model[float32], d *tasks.Dataset, truth *Truth, set Settings, solvers []ode.Method) ([]SolverRun, error) {
	var out []SolverRun
	for _, s := range solvers {
		sm, err := withSolver(m, s)
		if err != nil {
			return nil, err
		}
		vt, gen, diverged, err := closedLoop(ctx, d, sm, set, truth)
		if err != nil {
			return nil, err
		}
		run := SolverRun{Solver: s, VT: vt, Gen: gen}
		if diverged != nil {
			run.Note = diverged.Error()
		}
		out = append(out, run)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AdjointGap compares, on m's trained weights (in float64), the gradient
// of a training loss over n windows of the training split computed by the
// continuous adjoint (dopri5 forward and backward, its default tolerances,
// a checkpoint every interval) with BPTT through the same dopri5 forward
// (toDopri5) and with BPTT through m's own solver, the map it was trained
// as (toTrained). Each gap is ‖g_adjoint − g_BPTT‖₂ / ‖g_BPTT‖₂.
func AdjointGap(m *ctrnn.Model[float32], d *tasks.Dataset, loss learn.Loss, window, n int) (toDopri5, toTrained float64, err error) {
	c := m.Config()
	c.Adjoint, c.CheckpointEvery = nil, 0
	trained := c
	dopri := c
	dopri.Solver = ode.Dopri5
	adj := dopri
	adj.Adjoint, adj.CheckpointEvery = &learn.AdjointConfig{}, 1
	s := &d.Train
	dim := d.Dim
	if s.Len < window+1 || n <= 0 {
		return 0, 0, fmt.Errorf("pipeline: adjoint check: %d training samples, need more than a window of %d", s.Len, window)
	}
	// n windows spread evenly over the split; the target is the sample
	// after each window (last, next and closed-loop losses).
	x := make([]float64, n*window*dim)
	y := make([]float64, n*dim)
	if loss.Kind == learn.LossAll {
		y = make([]float64, n*window*dim)
	}
	span := s.Len - window - 1
	for k := 0; k < n; k++ {
		st := 0
		if n > 1 {
			st = k * span / (n - 1)
		}
		copy(x[k*window*dim:(k+1)*window*dim], s.Data[st*dim:(st+window)*dim])
		if loss.Kind == learn.LossAll {
			copy(y[k*window*dim:(k+1)*window*dim], s.Data[(st+1)*dim:(st+1+window)*dim])
		} else {
			copy(y[k*dim:(k+1)*dim], s.Data[(st+window)*dim:(st+window+1)*dim])
		}
	}
	grads := make([][]float64, 3)
	for k, cfg := range []ctrnn.Config{adj, dopri, trained} {
		mm, err := ctrnn.New[float64](cfg)
		if err != nil {
			return 0, 0, err
		}
		if err := learn.ConvertParams(mm.Params(), m.Params()); err != nil {
			return 0, 0, err
		}
		w, err := mm.Worker()
		if err != nil {
			return 0, 0, err
		}
		grads[k] = make([]float64, mm.Params().Len())
		if _, err := w.Batch(grads[k], x, y, n, loss); err != nil {
			return 0, 0, err
		}
	}
	gap := func(a, b []float64) float64 {
		var num, den float64
		for i := range a {
			num += (a[i] - b[i]) * (a[i] - b[i])
			den += b[i] * b[i]
		}
		return math.Sqrt(num / den)
	}
	return gap(grads[0], grads[1]), gap(grads[0], grads[2]), nil
}

// freeRunSummary describes a free run (n × dim, original units) by the
// range of x and the standard deviation of x over its second half (near 0:
// it settled on a fixed point).
func freeRunSummary(gen []float64, dim int) string {
	n := len(gen) / dim
	lo, hi := math.Inf(1), math.Inf(-1)
	var s, s2 float64
	for i := 0; i < n; i++ {
		x := gen[i*dim]
		lo, hi = math.Min(lo, x), math.Max(hi, x)
		if i >= n/2 {
			s += x
			s2 += x * x
		}
	}
	m := float64(n - n/2)
	return fmt.Sprintf("x in [%.3g, %.3g], std of x over the second half %.3g", lo, hi, math.Sqrt(math.Max(s2/m-(s/m)*(s/m), 0)))
}

// adjointWindows is the number of training windows of the adjoint check.
const adjointWindows = 8

func runCTRNNSolvers(ctx context.Context, r *Run) (*Result, error) {
	dir, err := r.Dir("ctrnn-solvers")
	if err != nil {
		return nil, err
	}
	d, err := r.Lorenz()
	if err != nil {
		return nil, err
	}
	truth, err := r.Truth()
	if err != nil {
		return nil, err
	}
	path, err := stageModelPath(r, "ctrnn", "ctrnn_lorenz.npz")
	if err != nil {
		return nil, err
	}
	lm, err := LoadModel(path)
	if err != nil {
		return nil, err
	}
	m := lm.CTRNN
	if m == nil {
		return nil, fmt.Errorf("pipeline: %s holds a %s model, not a CT-RNN", path, lm.Meta.Kind)
	}
	c := m.Config()
	set := r.Cfg.Settings()
	solvers := []ode.Method{ode.Euler, ode.RK4, ode.Dopri5}
	r.Logf("  closed loop of the trained weights with %v", solvers)
	runs, err := SolverComparison(ctx, m, d, truth, set, solvers)
	if err != nil {
		return nil, err
	}
	res := &Result{Metrics: map[string]float64{}}
	tab := Table{Title: fmt.Sprintf("One set of trained weights (trained with %s, %d step(s) per interval of %g), closed loop integrated by each solver: valid time on the same %d starts of the evaluation trajectory",
		c.Solver, c.Substeps, c.Interval, set.Starts),
		Header: []string{"solver", "valid time, Lyapunov times: median (q1–q3)", "valid time, time units: median", "censored at the horizon", fmt.Sprintf("free run of %d steps (truth: %s)", truth.N, freeRunSummary(truth.Data, d.Dim))}}
	for _, run := range runs {
		k := "solvers." + string(run.Solver)
		vt := run.VT
		put(res.Metrics, k+".vpt.lyap.median", vt.InLyapunov.Median)
		put(res.Metrics, k+".vpt.lyap.q1", vt.InLyapunov.Q1)
		put(res.Metrics, k+".vpt.lyap.q3", vt.InLyapunov.Q3)
		put(res.Metrics, k+".vpt.time.median", vt.InTime.Median)
		res.Metrics[k+".vpt.censored"] = float64(vt.NumCensored)
		res.Metrics[k+".vpt.starts"] = float64(len(vt.Starts))
		fr := "diverged: " + run.Note
		if run.Gen != nil {
			fr = freeRunSummary(run.Gen, d.Dim)
		}
		name := string(run.Solver)
		if run.Solver == c.Solver {
			name += " (trained map)"
		}
		tab.Rows = append(tab.Rows, []string{name,
			fmt.Sprintf("%s (%s–%s)", num(vt.InLyapunov.Median), num(vt.InLyapunov.Q1), num(vt.InLyapunov.Q3)),
			num(vt.InTime.Median), fmt.Sprintf("%d of %d", vt.NumCensored, len(vt.Starts)), fr})
	}
	res.Tables = append(res.Tables, tab)
	// How far apart the two accurate integrations end up (the figure draws
	// one over the other when they agree).
	if a, b := runs[1].Gen, runs[2].Gen; a != nil && b != nil {
		var dmax float64
		for i := range a {
			dmax = math.Max(dmax, math.Abs(a[i]-b[i]))
		}
		put(res.Metrics, "solvers.rk4_dopri5.max_abs_diff", dmax)
		res.Notes = append(res.Notes, fmt.Sprintf("The RK4 and dopri5 free runs differ by at most %.3g (original units) over %d steps; where they agree, the figure draws dopri5 over RK4.", dmax, truth.N))
	}
	res.Notes = append(res.Notes,
		fmt.Sprintf("The model was trained as the map its %s solver makes of each interval; RK4 and dopri5 integrate the same vector field more accurately and so make a different map from the same weights, which is what notebook 01's c27 shows. The %s row repeats the ctrnn stage's closed loop (the same protocol, the same starts) and must equal it.", c.Solver, c.Solver),
		"Unlike the reference (tutorial-spec §6.2: training integrates Δt = 1 per sample, its generate used dt = 0.01), every solver here integrates the interval the model was trained on; only the solver changes.")

	// The adjoint the reference's text claims but never uses.
	rec := r.Cfg.CTRNNLorenzRecipe()
	ph := rec.Phases[0]
	r.Logf("  adjoint against BPTT on %d training windows", adjointWindows)
	gd, gt, err := AdjointGap(m, d, ph.Train.Loss, ph.Window, adjointWindows)
	if err != nil {
		return nil, err
	}
	put(res.Metrics, "adjoint.gap_dopri5_bptt", gd)
	put(res.Metrics, "adjoint.gap_trained_bptt", gt)
	res.Notes = append(res.Notes, fmt.Sprintf("Adjoint (tutorial-spec §6.2: \"adjoint and dopri5 are never used despite the text\"): on the trained weights, the gradient of the first training phase's loss (%s) over %d training windows of %d samples by the continuous adjoint (dopri5 forward and backward, default tolerances, a checkpoint every interval) differs from BPTT through the same dopri5 forward by %.3g (relative, ‖g_adj − g_BPTT‖/‖g_BPTT‖), and from BPTT through the %s map the model was trained as by %.3g.",
		ph.Train.Loss.Kind, adjointWindows, ph.Window, gd, c.Solver, gt))

	// Figure: the attractor each solver generates beside the truth, and
	// x, y, z over the first 20 time units.
	p, err := r.solverFigure(dir, runs, truth, d)
	if err != nil {
		return nil, err
	}
	res.Figures = append(res.Figures, p)
	res.Notes = append(res.Notes, fmt.Sprintf("Model read from %s (trained by the ctrnn stage).", r.Rel(path)))
	return res, ctx.Err()
}
