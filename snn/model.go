package snn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// Parameter names, as in the reference's state_dict where it has them
// (cell.W_ee …, readout.*); masks, biases and the skip term are ours. Blocks
// are post×pre: W_ei holds I→E synapses (row = E neuron), W_ie E→I.
const (
	NameWee     = "cell.W_ee"      // NE×NE raw E→E weights
	NameWei     = "cell.W_ei"      // NE×NI raw I→E weights (magnitudes; the sign is −)
	NameWie     = "cell.W_ie"      // NI×NE raw E→I weights
	NameWii     = "cell.W_ii"      // NI×NI raw I→I weights
	NameMaskEE  = "cell.mask_ee"   // frozen 0/1 masks of the blocks
	NameMaskEI  = "cell.mask_ei"   //
	NameMaskIE  = "cell.mask_ie"   //
	NameMaskII  = "cell.mask_ii"   //
	NameWeIn    = "cell.W_e_in"    // NE×Inputs input weights of E
	NameWiIn    = "cell.W_i_in"    // NI×Inputs input weights of I
	NameBe      = "cell.b_e"       // NE bias currents (InputBias)
	NameBi      = "cell.b_i"       // NI bias currents (InputBias)
	NameDec     = "readout.weight" // Outputs×Features readout weights
	NameDecBias = "readout.bias"   // Outputs readout bias
	NameSkip    = "readout.skip"   // Outputs×Inputs skip weights (Skip)
)

// block describes one recurrent block: raw weights, mask, rows (post) and
// columns (pre) in the full N×N matrix, and the sign of its presynaptic
// population.
type block struct {
	w, mask        string
	row0, rows     int
	col0, cols     int
	sign           float64
	scale, preSize float64
}

// Model is a recurrent E/I LIF network with its parameters. Model[float32]
// trains (it implements learn.Model); Model[float64] runs gradient checks.
// Every Model implements learn.Stepper for one stream (in float64,
// converting at the boundary).
//
// A Model is not safe for concurrent use, except that the workers made by
// NewWorker may run concurrently while the parameters are not modified.
type Model[T asm.Float] struct {
	cfg    Config
	params *learn.Params[T]
	blocks []block
	// stream state (Stepper)
	st *stream[T]
}

// New returns a model initialized as the reference (tutorial-spec §2.3):
// recurrent blocks N(0,1)·scale/√(n_pre·P) (mean WeightMean) on Bernoulli(P)
// masks, input weights N(0, InputScale²), bias currents N(BiasMean,
// BiasStd²) when InputBias, readout weight and bias U(±1/√Features) as
// PyTorch's Linear, skip weights 0. Tensor k draws from PCG(Seed, k).
// Under DaleReLU and DaleAbs the raw weights of absent synapses are 0.
func New[T asm.Float](c Config) (*Model[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	NE, NI, I, O, F := c.NE, c.numI(), c.Inputs, c.Outputs, c.Features()
	rec := c.FreezeRecurrent
	in := c.FreezeInput
	var specs []learn.ParamSpec
	var blocks []block
	add := func(w, m string, r0, rows, c0, cols int, sign, scale float64) {
		specs = append(specs, learn.ParamSpec{Name: w, Shape: []int{rows, cols}, Frozen: rec})
		blocks = append(blocks, block{w: w, mask: m, row0: r0, rows: rows, col0: c0, cols: cols, sign: sign, scale: scale, preSize: float64(cols)})
	}
	add(NameWee, NameMaskEE, 0, NE, 0, NE, 1, c.WeightScale)
	if NI > 0 {
		add(NameWei, NameMaskEI, 0, NE, NE, NI, -1, c.G*c.WeightScale)
		add(NameWie, NameMaskIE, NE, NI, 0, NE, 1, c.WeightScale)
		add(NameWii, NameMaskII, NE, NI, NE, NI, -1, c.G*c.WeightScale)
	}
	for _, b := range blocks {
		specs = append(specs, learn.ParamSpec{Name: b.mask, Shape: []int{b.rows, b.cols}, Frozen: true})
	}
	specs = append(specs, learn.ParamSpec{Name: NameWeIn, Shape: []int{NE, I}, Frozen: in})
	if NI > 0 {
		specs = append(specs, learn.ParamSpec{Name: NameWiIn, Shape: []int{NI, I}, Frozen: in})
	}
	if c.InputBias {
		specs = append(specs, learn.ParamSpec{Name: NameBe, Shape: []int{NE}, Frozen: in})
		if NI > 0 {
			specs = append(specs, learn.ParamSpec{Name: NameBi, Shape: []int{NI}, Frozen: in})
		}
	}
	specs = append(specs,
		learn.ParamSpec{Name: NameDec, Shape: []int{O, F}},
		learn.ParamSpec{Name: NameDecBias, Shape: []int{O}})
	if c.Skip {
		specs = append(specs, learn.ParamSpec{Name: NameSkip, Shape: []int{O, I}})
	}
	p, err := learn.NewParams[T](specs...)
	if err != nil {
		return nil, err
	}
	m := &Model[T]{cfg: c, params: p, blocks: blocks}
	rng := func(k uint64) *rand.Rand { return rand.New(rand.NewPCG(c.Seed, k)) }
	// Streams: 1–4 weights of the blocks, 11–14 their masks, 20/21 inputs,
	// 22/23 biases, 30/31 readout.
	for k, b := range blocks {
		w, mask := p.Get(b.w), p.Get(b.mask)
		rw, rm := rng(uint64(1+k)), rng(uint64(11+k))
		std := b.scale / math.Sqrt(b.preSize*c.P)
		for i := range w {
			on := rm.Float64() < c.P
			v := std * (c.WeightMean + detrand.NormFloat64(rw))
			if on {
				mask[i] = 1
				w[i] = T(v)
			} else if c.Dale == DaleSoftplus {
				w[i] = T(v)
			}
		}
	}
	learn.Normal(p.Get(NameWeIn), c.InputScale, rng(20))
	if NI > 0 {
		learn.Normal(p.Get(NameWiIn), c.InputScale, rng(21))
	}
	if c.InputBias {
		normalMean(p.Get(NameBe), c.BiasMean, c.BiasStd, rng(22))
		if NI > 0 {
			normalMean(p.Get(NameBi), c.BiasMean, c.BiasStd, rng(23))
		}
	}
	bd := 1 / math.Sqrt(float64(F))
	learn.Uniform(p.Get(NameDec), -bd, bd, rng(30))
	learn.Uniform(p.Get(NameDecBias), -bd, bd, rng(31))
	return m, nil
}

func normalMean[T asm.Float](dst []T, mean, std float64, r *rand.Rand) {
	for i := range dst {
		dst[i] = T(mean + float64(std*detrand.NormFloat64(r)))
	}
}

// Config returns the model's configuration (defaults filled in).
func (m *Model[T]) Config() Config { return m.cfg }

// Params returns the parameters (aliased: the optimizer updates them in
// place).
func (m *Model[T]) Params() *learn.Params[T] { return m.params }

// Counts reports how many parameters a model has and trains.
type Counts struct {
	// Total is every scalar of every tensor, masks included.
	Total int
	// Trainable is the scalars of tensors the optimizer updates (the
	// reference's count: absent synapses included).
	Trainable int
	// Effective is Trainable without the absent synapses (mask 0), which
	// can never change.
	Effective int
	// Synapses is the number of present recurrent synapses (mask 1), and
	// Active those whose effective weight is non-zero now.
	Synapses, Active int
}

// Counts counts the parameters (see Counts).
func (m *Model[T]) Counts() Counts {
	p := m.params
	var c Counts
	for i := 0; i < p.NumTensors(); i++ {
		c.Total += p.Spec(i).Size()
	}
	c.Trainable = p.Count()
	c.Effective = c.Trainable
	for _, b := range m.blocks {
		mask, w := p.Get(b.mask), p.Get(b.w)
		for i, v := range mask {
			if v != 0 {
				c.Synapses++
				if dale(m.cfg.Dale, float64(w[i])) != 0 {
					c.Active++
				}
			} else if !m.cfg.FreezeRecurrent {
				c.Effective--
			}
		}
	}
	return c
}

// dale returns the Dale transform of raw weight w.
func dale(d Dale, w float64) float64 {
	switch d {
	case DaleReLU:
		return math.Max(0, w)
	case DaleAbs:
		return math.Abs(w)
	default:
		return softplus(w)
	}
}

// daleGrad returns the derivative of the Dale transform at w (ReLU′(0) = 0,
// |·|′(0) = 0).
func daleGrad(d Dale, w float64) float64 {
	switch d {
	case DaleReLU:
		if w > 0 {
			return 1
		}
		return 0
	case DaleAbs:
		switch {
		case w > 0:
			return 1
		case w < 0:
			return -1
		}
		return 0
	default:
		return 1 / (1 + detmath.Exp(-w))
	}
}

func softplus(w float64) float64 {
	if w > 30 {
		return w
	}
	return detmath.Log1p(detmath.Exp(w))
}

// Recurrent returns the effective recurrent weight matrix (N×N, row =
// postsynaptic neuron, E first), signs included: the matrix the network
// runs with.
func (m *Model[T]) Recurrent() []T {
	N := m.cfg.N()
	w := make([]T, N*N)
	m.fillRecurrent(w)
	return w
}

func (m *Model[T]) fillRecurrent(w []T) {
	N := m.cfg.N()
	clear(w)
	for _, b := range m.blocks {
		raw, mask := m.params.Get(b.w), m.params.Get(b.mask)
		for r := 0; r < b.rows; r++ {
			row := w[(b.row0+r)*N+b.col0 : (b.row0+r)*N+b.col0+b.cols]
			for c := range row {
				k := r*b.cols + c
				if mask[k] != 0 {
					row[c] = T(b.sign * dale(m.cfg.Dale, float64(raw[k])))
				}
			}
		}
	}
}

// InputWeights returns the input matrix (N×Inputs, E rows first) and the
// bias currents (N; zeros without InputBias).
func (m *Model[T]) InputWeights() (win, bias []T) {
	c := m.cfg
	N, I := c.N(), c.Inputs
	win = make([]T, N*I)
	bias = make([]T, N)
	m.fillInput(win, bias)
	return win, bias
}

func (m *Model[T]) fillInput(win, bias []T) {
	c := m.cfg
	NE, I := c.NE, c.Inputs
	p := m.params
	copy(win[:NE*I], p.Get(NameWeIn))
	if c.numI() > 0 {
		copy(win[NE*I:], p.Get(NameWiIn))
	}
	clear(bias)
	if c.InputBias {
		copy(bias[:NE], p.Get(NameBe))
		if c.numI() > 0 {
			copy(bias[NE:], p.Get(NameBi))
		}
	}
}

// effective fills the engine's tensors from the parameters.
func (m *Model[T]) effective(n *net[T]) {
	m.fillRecurrent(n.W)
	N := n.N
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			n.WT[j*N+i] = n.W[i*N+j]
		}
	}
	m.fillInput(n.Win, n.b)
	p := m.params
	copy(n.Dout, p.Get(NameDec))
	copy(n.bout, p.Get(NameDecBias))
	if n.Skip != nil {
		copy(n.Skip, p.Get(NameSkip))
	}
}

// pullback overwrites grad (the Params layout) with the parameter gradient
// given the gradients of the engine's tensors in g. Masks and frozen
// tensors get 0.
func (m *Model[T]) pullback(grad []T, g *netGrad[T]) {
	p := m.params
	clear(grad)
	c := m.cfg
	N := c.N()
	if !c.FreezeRecurrent {
		for _, b := range m.blocks {
			raw, mask := p.Get(b.w), p.Get(b.mask)
			gw := p.View(grad, p.Index(b.w))
			for r := 0; r < b.rows; r++ {
				for cc := 0; cc < b.cols; cc++ {
					k := r*b.cols + cc
					if mask[k] == 0 {
						continue
					}
					// g.WT is pre-major: element (post i, pre j) at j*N+i.
					gv := float64(g.WT[(b.col0+cc)*N+b.row0+r])
					gw[k] = T(b.sign * daleGrad(c.Dale, float64(raw[k])) * gv)
				}
			}
		}
	}
	if !c.FreezeInput {
		NE, I := c.NE, c.Inputs
		copy(p.View(grad, p.Index(NameWeIn)), g.Win[:NE*I])
		if c.numI() > 0 {
			copy(p.View(grad, p.Index(NameWiIn)), g.Win[NE*I:])
		}
		if c.InputBias {
			copy(p.View(grad, p.Index(NameBe)), g.b[:NE])
			if c.numI() > 0 {
				copy(p.View(grad, p.Index(NameBi)), g.b[NE:])
			}
		}
	}
	copy(p.View(grad, p.Index(NameDec)), g.Dout)
	copy(p.View(grad, p.Index(NameDecBias)), g.bout)
	if c.Skip {
		copy(p.View(grad, p.Index(NameSkip)), g.Skip)
	}
}

// NewWorker implements learn.Model (for Model[float32]): a worker computing
// losses and gradients by backpropagation through time.
func (m *Model[T]) NewWorker() (learn.Worker, error) {
	w, err := m.Worker()
	if err != nil {
		return nil, err
	}
	lw, ok := any(w).(learn.Worker)
	if !ok {
		return nil, param.New(pkg, "Model", fmt.Sprintf("%T", m), "a float32 model to train with learn.Trainer")
	}
	return lw, nil
}
