package ctrnn_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/rate"
)

// torchCase is one gradient computed here and checked against PyTorch's
// autograd by python/tests/test_torch_grad.py on the same weights.
type torchCase struct {
	name  string
	model string // "ctrnn" or "rate"
	solv  ode.Method
	act   leaky.Activation
	loss  learn.Loss
	build func() (params *learn.Params[float64], w *leaky.Worker[float64], spec leaky.Spec, extra map[string]float64, err error)
}

// TestWriteTorchCase writes the cases to $NEURODYN_TORCH_CASE (a directory),
// one .npz per case: the parameters by name, inputs, targets, the loss
// configuration, the solver's tableau, the summed loss and the gradient.
func TestWriteTorchCase(t *testing.T) {
	dir := os.Getenv("NEURODYN_TORCH_CASE")
	if dir == "" {
		t.Skip("writes the PyTorch comparison cases when NEURODYN_TORCH_CASE is set")
	}
	ctr := func(c ctrnn.Config) func() (*learn.Params[float64], *leaky.Worker[float64], leaky.Spec, map[string]float64, error) {
		return func() (*learn.Params[float64], *leaky.Worker[float64], leaky.Spec, map[string]float64, error) {
			c.Hidden, c.Inputs, c.Outputs, c.Seed = 6, 3, 3, 11
			m, err := ctrnn.New[float64](c)
			if err != nil {
				return nil, nil, leaky.Spec{}, nil, err
			}
			perturb(m.Params())
			w, err := m.Worker()
			return m.Params(), w, m.Spec(), map[string]float64{}, err
		}
	}
	rt := func(c rate.Config) func() (*learn.Params[float64], *leaky.Worker[float64], leaky.Spec, map[string]float64, error) {
		return func() (*learn.Params[float64], *leaky.Worker[float64], leaky.Spec, map[string]float64, error) {
			c.NE, c.NI, c.Inputs, c.Outputs, c.Seed = 5, 2, 3, 3, 12
			m, err := rate.New[float64](c)
			if err != nil {
				return nil, nil, leaky.Spec{}, nil, err
			}
			perturb(m.Params())
			w, err := m.Worker()
			return m.Params(), w, m.Spec(), map[string]float64{"NE": float64(c.NE), "NI": float64(c.NI), "dale": float64(m.Config().Dale)}, err
		}
	}
	sig := leaky.Sigmoid
	nb05 := rate.FlipFlopConfig()
	nb05.Solver, nb05.Dt = ode.RK4, 0.8
	cases := []torchCase{
		{"ctrnn_euler_last", "ctrnn", ode.Euler, leaky.Tanh, learn.Loss{Kind: learn.LossLast},
			ctr(ctrnn.Config{})},
		{"ctrnn_rk4_closedloop", "ctrnn", ode.RK4, leaky.Tanh, learn.Loss{Kind: learn.LossClosedLoop, Warmup: 3, Horizon: 4, WarmupWeight: 0.5},
			ctr(ctrnn.Config{Solver: ode.RK4, Substeps: 2, Interval: 0.7, Tau: 1.3})},
		{"ctrnn_midpoint_all", "ctrnn", ode.Midpoint, leaky.Tanh, learn.Loss{Kind: learn.LossAll},
			ctr(ctrnn.Config{Solver: ode.Midpoint, Substeps: 3, Interval: 0.5, Tau: 5})},
		{"ctrnn_rk38_next_sigmoid", "ctrnn", ode.RK38, leaky.Sigmoid, learn.Loss{Kind: learn.LossNext, Warmup: 2},
			ctr(ctrnn.Config{Solver: ode.RK38, Activation: leaky.Sigmoid, Interval: 1})},
		{"rate_nb02_euler_last", "rate", ode.Euler, leaky.ReLU, learn.Loss{Kind: learn.LossLast},
			rt(rate.Config{})},
		{"rate_nb05_rk4_all", "rate", ode.RK4, leaky.HalfTanh, learn.Loss{Kind: learn.LossAll},
			rt(nb05)},
		{"rate_softplus_sigmoid_closedloop", "rate", ode.Midpoint, leaky.Sigmoid, learn.Loss{Kind: learn.LossClosedLoop, Warmup: 2, Horizon: 3},
			rt(rate.Config{Dale: rate.DaleSoftplus, Activation: &sig, Solver: ode.Midpoint, Substeps: 2, Dt: 0.3})},
	}
	const n, L = 3, 6
	for _, c := range cases {
		p, w, spec, extra, err := c.build()
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(21, 22))
		x := make([]float64, n*L*3)
		learn.Normal(x, 1, r)
		ny := n * 3
		if c.loss.Kind == learn.LossAll {
			ny = n * L * 3
		}
		y := make([]float64, ny)
		learn.Normal(y, 1, r)
		grad := make([]float64, p.Len())
		ls, err := w.Batch(grad, x, y, n, c.loss)
		if err != nil {
			t.Fatal(err)
		}
		tab, _ := spec.Method.Tableau()
		s := tab.Stages()
		A := make([]float64, s*s)
		for i, row := range tab.A {
			copy(A[i*s:], row)
		}
		taus := make([]float64, spec.N)
		for _, pop := range spec.Pops {
			for i := pop.Start; i < pop.Start+pop.Len; i++ {
				taus[i] = pop.Tau
			}
		}
		arrs := []export.NPZArray{
			export.NewNPZArray("x", x, n, L, 3),
			export.NewNPZArray("tableau_A", A, s, s),
			export.NewNPZArray("tableau_b", append([]float64(nil), tab.B...)),
			export.NewNPZArray("tau", taus),
			export.NPZScalar("interval", spec.Interval),
			export.NPZScalar("substeps", int64(spec.Substeps)),
			export.NPZScalar("loss_kind", int64(c.loss.Kind)),
			export.NPZScalar("warmup", int64(c.loss.Warmup)),
			export.NPZScalar("horizon", int64(c.loss.Horizon)),
			export.NPZScalar("warmup_weight", c.loss.WarmupWeight),
			export.NPZScalar("activation", int64(spec.Act)),
			export.NPZScalar("readout", int64(spec.R)),
			export.NPZScalar("loss_sum", ls.Sum),
			export.NewNPZArray("model", []uint8(c.model)),
		}
		if c.loss.Kind == learn.LossAll {
			arrs = append(arrs, export.NewNPZArray("y", y, n, L, 3))
		} else {
			arrs = append(arrs, export.NewNPZArray("y", y, n, 3))
		}
		for k, v := range extra {
			arrs = append(arrs, export.NPZScalar(k, v))
		}
		for i := 0; i < p.NumTensors(); i++ {
			sp := p.Spec(i)
			arrs = append(arrs, export.NewNPZArray("param:"+sp.Name, p.At(i), sp.Shape...),
				export.NewNPZArray("grad:"+sp.Name, p.View(grad, i), sp.Shape...))
		}
		path := filepath.Join(dir, c.name+".npz")
		if err := export.WriteNPZ(path, arrs, export.Overwrite()); err != nil {
			t.Fatal(err)
		}
		fmt.Println("wrote", path)
	}
}

func perturb(p *learn.Params[float64]) {
	r := rand.New(rand.NewPCG(31, 32))
	for i := 0; i < p.NumTensors(); i++ {
		if p.Spec(i).Frozen {
			continue
		}
		for k := range p.At(i) {
			p.At(i)[k] += 0.3 * r.NormFloat64()
		}
	}
}
