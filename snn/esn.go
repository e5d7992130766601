package snn

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detlinalg"
	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/tasks"
)

// ESNConfig describes an echo-state network, the classic rate reservoir the
// spiking one is compared with (Jaeger 2001): a fixed sparse random tanh
// network
//
//	h ← (1 − a)·h + a·tanh(W·h + W_in·x + b),   y = W_out·[h, x] + c
//
// whose W is scaled to the spectral radius SpectralRadius, read out by
// ridge regression like the liquid-state machine. The zero value is 500
// units, density 0.1, spectral radius 0.9, leak a = 1, input weights
// U(±0.5), biases U(±0.2).
type ESNConfig struct {
	// N is the number of units (0 → 500) and Density the fraction of
	// non-zero recurrent weights (0 → 0.1).
	N       int
	Density float64
	// SpectralRadius is the largest eigenvalue modulus W is scaled to
	// (0 → 0.9; W's eigenvalues computed by internal/detlinalg, the same
	// bits on every architecture and kernel path).
	SpectralRadius float64
	// Leak is a (0 → 1).
	Leak float64
	// InputScale and BiasScale bound the uniform input weights and biases
	// (0 → 0.5 and 0.2).
	InputScale, BiasScale float64
	// Washout is the number of initial training samples left out of the
	// fit (0 → 100); Lambdas the regularization grid (nil →
	// DefaultLambdas).
	Washout int
	Lambdas []float64
	Seed    uint64
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c ESNConfig) WithDefaults() ESNConfig {
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if c.N == 0 {
		c.N = 500
	}
	if c.Washout == 0 {
		c.Washout = 100
	}
	deff(&c.Density, 0.1)
	deff(&c.SpectralRadius, 0.9)
	deff(&c.Leak, 1)
	deff(&c.InputScale, 0.5)
	deff(&c.BiasScale, 0.2)
	return c
}

// Validate returns a param error naming the first bad field.
func (c ESNConfig) Validate() error {
	c = c.WithDefaults()
	if c.N > MaxNeurons {
		return param.New(pkg, "N", c.N, fmt.Sprintf("<= %d (dense reservoir matrix and eigendecomposition)", MaxNeurons))
	}
	if err := checkLambdas(c.Lambdas); err != nil {
		return err
	}
	if !(c.Density > 0 && c.Density <= 1) {
		return param.New(pkg, "Density", c.Density, "in (0, 1]")
	}
	if !(c.Leak > 0 && c.Leak <= 1) {
		return param.New(pkg, "Leak", c.Leak, "in (0, 1]")
	}
	return param.First(
		param.PositiveInt(pkg, "N", c.N),
		param.Positive(pkg, "SpectralRadius", c.SpectralRadius),
		param.NonNegative(pkg, "InputScale", c.InputScale),
		param.NonNegative(pkg, "BiasScale", c.BiasScale),
		param.PositiveInt(pkg, "Washout", c.Washout),
	)
}

// ESN is an echo-state network with its readout. It implements
// learn.Stepper (one stream, zero initial state). It is not safe for
// concurrent use.
type ESN struct {
	cfg        ESNConfig
	dim        int
	W, Win, b  []float64 // N×N, N×dim, N
	h, z, feat []float64
	// Readout maps [h, x] to the prediction (nil until fitted).
	Readout *Linear
	// Radius is the spectral radius of W before scaling.
	Radius float64
}

// NewESN draws the network of c for inputs of dim dimensions: W with
// Bernoulli(Density) entries N(0,1), scaled so that its spectral radius is
// SpectralRadius; W_in and b uniform. Each tensor has its own PCG stream.
func NewESN(c ESNConfig, dim int) (*ESN, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := param.PositiveInt(pkg, "dim", dim); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	N := c.N
	e := &ESN{cfg: c, dim: dim, W: make([]float64, N*N), Win: make([]float64, N*dim), b: make([]float64, N),
		h: make([]float64, N), z: make([]float64, N), feat: make([]float64, N+dim)}
	rw, rm := rand.New(rand.NewPCG(c.Seed, 1)), rand.New(rand.NewPCG(c.Seed, 2))
	for i := range e.W {
		v := detrand.NormFloat64(rw)
		if rm.Float64() < c.Density {
			e.W[i] = v
		}
	}
	ri, rb := rand.New(rand.NewPCG(c.Seed, 3)), rand.New(rand.NewPCG(c.Seed, 4))
	for i := range e.Win {
		e.Win[i] = c.InputScale * (float64(2*ri.Float64()) - 1)
	}
	for i := range e.b {
		e.b[i] = c.BiasScale * (float64(2*rb.Float64()) - 1)
	}
	rad, err := detlinalg.SpectralRadius(e.W, N)
	if err != nil {
		return nil, fmt.Errorf("snn: ESN: eigenvalues of W: %w", err)
	}
	e.Radius = rad
	if e.Radius > 0 {
		asm.Scal(c.SpectralRadius/e.Radius, e.W)
	}
	return e, nil
}

// Config returns the configuration (defaults filled in).
func (e *ESN) Config() ESNConfig { return e.cfg }

// InputDim returns the input size (learn.Stepper).
func (e *ESN) InputDim() int { return e.dim }

// OutputDim returns the output size (learn.Stepper).
func (e *ESN) OutputDim() int { return e.dim }

// StateDim returns N (learn.Stepper).
func (e *ESN) StateDim() int { return e.cfg.N }

// Reset zeroes the state (learn.Stepper).
func (e *ESN) Reset() { clear(e.h) }

// State copies h into dst (at least StateDim values).
func (e *ESN) State(dst []float64) {
	if len(dst) < e.cfg.N {
		panic(fmt.Sprintf("snn: ESN.State: len(dst) = %d, want at least StateDim = %d", len(dst), e.cfg.N))
	}
	copy(dst, e.h)
}

// SetState sets h from src (at least StateDim values).
func (e *ESN) SetState(src []float64) {
	if len(src) < e.cfg.N {
		panic(fmt.Sprintf("snn: ESN.SetState: len(src) = %d, want at least StateDim = %d", len(src), e.cfg.N))
	}
	copy(e.h, src[:e.cfg.N])
}

// advance feeds x to the reservoir.
func (e *ESN) advance(x []float64) {
	N, a := e.cfg.N, e.cfg.Leak
	copy(e.z, e.b)
	asm.Gemv(false, N, e.dim, 1, e.Win, e.dim, x[:e.dim], 1, e.z)
	asm.Gemv(false, N, N, 1, e.W, N, e.h, 1, e.z)
	asm.Tanh(e.z, e.z)
	if a == 1 {
		copy(e.h, e.z)
		return
	}
	for i, v := range e.z {
		e.h[i] = float64((1-a)*e.h[i]) + float64(a*v)
	}
}

// Step feeds x and writes the readout's prediction of the next sample
// (learn.Stepper). It panics if the readout is not fitted.
func (e *ESN) Step(y, x []float64) {
	if e.Readout == nil {
		panic("snn: ESN.Step before the readout is fitted")
	}
	if len(x) < e.dim || len(y) < e.dim {
		panic(fmt.Sprintf("snn: ESN.Step: len(y) = %d, len(x) = %d, want at least OutputDim = InputDim = %d", len(y), len(x), e.dim))
	}
	e.advance(x)
	copy(e.feat, e.h)
	copy(e.feat[e.cfg.N:], x[:e.dim])
	e.Readout.Predict(y, e.feat, len(e.feat), 1)
}

// ESNFit reports an ESN's readout fit.
type ESNFit struct {
	Lambda                     float64
	TrainRows, Features        int
	ValRMSE, TestRMSE, TestMAE float64 // original units
	HarvestSeconds, FitSeconds float64
	UnitSteps                  int64
}

// FitLorenz runs the ESN over the dataset's splits (each from the zero
// state) and fits the readout by ridge regression on [h_t, x_t] → x_{t+1}
// exactly as Reservoir.FitLorenz.
func (e *ESN) FitLorenz(d *tasks.Dataset) (*ESNFit, error) {
	return e.FitLorenzContext(context.Background(), d)
}

// esnPiece is the number of samples FitLorenzContext runs between two
// looks at its context (at N = 2,000 about 0.1 s).
const esnPiece = 256

// FitLorenzContext is FitLorenz, stopped when ctx is done: it looks at ctx
// every esnPiece samples of the runs and between the regularizations it
// tries, and then returns an error wrapping ctx.Err() with the readout
// unchanged (the previous fit's, or nil if there was none) and the state
// reset. A fit that is not stopped is FitLorenz's, bit for bit.
func (e *ESN) FitLorenzContext(ctx context.Context, d *tasks.Dataset) (*ESNFit, error) {
	if d.Dim != e.dim {
		return nil, param.New(pkg, "dataset", fmt.Sprintf("dimension %d", d.Dim), fmt.Sprintf("the ESN's input dimension %d", e.dim))
	}
	c := e.cfg
	N, dim := c.N, e.dim
	D := N + dim
	g, err := NewGram(D, dim)
	if err != nil {
		return nil, err
	}
	fit := &ESNFit{Features: D}
	var tFit time.Duration
	t0 := time.Now()
	const chunk = 256
	des := make([]float64, chunk*D)
	tgt := make([]float64, chunk*dim)
	x := d.Train.Data
	rows := d.Train.Len
	if rows < c.Washout+2 {
		return nil, param.New(pkg, "train split", rows, fmt.Sprintf("> Washout+1 = %d samples", c.Washout+1))
	}
	e.Reset()
	k := 0
	flush := func() {
		t1 := time.Now()
		AddRows(g, des[:k*D], D, tgt[:k*dim], dim, k)
		tFit += time.Since(t1)
		k = 0
	}
	for t := 0; t+1 < rows; t++ {
		if t%esnPiece == 0 {
			if err := ctx.Err(); err != nil {
				e.Reset()
				return nil, fmt.Errorf("snn: ESN fit stopped after %d of %d training samples: %w", t, rows-1, err)
			}
		}
		e.advance(x[t*dim : (t+1)*dim])
		if t < c.Washout {
			continue
		}
		copy(des[k*D:k*D+N], e.h)
		copy(des[k*D+N:(k+1)*D], x[t*dim:(t+1)*dim])
		copy(tgt[k*dim:(k+1)*dim], x[(t+1)*dim:(t+2)*dim])
		if k++; k == chunk {
			flush()
		}
	}
	flush()
	fit.TrainRows = g.Rows
	fit.UnitSteps = int64(rows-1) * int64(N)
	rowsOf := func(s *tasks.Series) (a, y []float64, err error) {
		warm := d.SeqLength
		n := s.Len - warm
		a, y = make([]float64, n*D), make([]float64, n*dim)
		e.Reset()
		for t := 0; t+1 < s.Len; t++ {
			if t%esnPiece == 0 {
				if err := ctx.Err(); err != nil {
					e.Reset()
					return nil, nil, fmt.Errorf("snn: ESN fit stopped in the %s split: %w", s.Name, err)
				}
			}
			e.advance(s.Data[t*dim : (t+1)*dim])
			if r := t - (warm - 1); r >= 0 {
				copy(a[r*D:r*D+N], e.h)
				copy(a[r*D+N:(r+1)*D], s.Data[t*dim:(t+1)*dim])
				copy(y[r*dim:(r+1)*dim], s.Data[(t+1)*dim:(t+2)*dim])
			}
		}
		return a, y, nil
	}
	va, vy, err := rowsOf(&d.Val)
	if err != nil {
		return nil, err
	}
	ta, ty, err := rowsOf(&d.Test)
	if err != nil {
		return nil, err
	}
	fit.HarvestSeconds = (time.Since(t0) - tFit).Seconds()
	t1 := time.Now()
	lin, _, err := g.solveVal(ctx, c.Lambdas, va, D, vy, len(vy)/dim)
	if err != nil {
		e.Reset()
		return nil, err
	}
	e.Readout = lin
	fit.Lambda = lin.Lambda
	fit.ValRMSE = rmseOrig(d, lin, va, D, vy, len(vy)/dim)
	fit.TestRMSE, fit.TestMAE = errOrig(d, lin, ta, D, ty, len(ty)/dim)
	fit.FitSeconds = tFit.Seconds() + time.Since(t1).Seconds()
	e.Reset()
	return fit, nil
}
