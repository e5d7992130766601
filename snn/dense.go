package snn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"unsafe"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// DenseConfig describes a feed-forward layer of LIF neurons driven by a
// linear map of its input, I = W·x + b — the Open Neuromorphic training
// workload (one Linear n→n and one LIF layer). The zero value is norse's
// LIF box at dt 1 ms: τ_mem 10 ms with the Euler step (β = 0.9), no
// synaptic current (the input current is I itself), threshold 1, hard
// reset to 0 not detached, SuperSpike α = 100.
type DenseConfig struct {
	// In and Out are the input and output sizes (required).
	In, Out int
	// DtMs, TauMemMs and TauSynMs are the step and time constants in ms
	// (0 → 1, 10 and none: TauSynMs 0 means no synaptic filter).
	DtMs, TauMemMs, TauSynMs float64
	// VTh (0 → 1), VReset and VLeak (0) and R (0 → 1) as in Config.
	VTh, VReset, VLeak, R float64
	// Discretization (zero value: Euler), Reset and DetachReset as in
	// Config.
	Discretization Discretization
	Reset          ResetMode
	DetachReset    bool
	// Surrogate is the spike derivative (Alpha 0 → learn's defaults).
	Surrogate learn.Surrogate
	// Smooth uses the surrogate's primitive as the forward spike (gradient
	// checks).
	Smooth bool
	// Seed seeds W and b: U(±1/√In) as PyTorch's Linear.
	Seed uint64
}

func (c DenseConfig) withDefaults() DenseConfig {
	if c.DtMs == 0 {
		c.DtMs = 1
	}
	if c.TauMemMs == 0 {
		c.TauMemMs = 10
	}
	if c.VTh == 0 {
		c.VTh = 1
	}
	if c.R == 0 {
		c.R = 1
	}
	if c.Surrogate.Kind == learn.SuperSpike && c.Surrogate.Alpha == 0 {
		c.Surrogate.Alpha = 100
	}
	c.Surrogate = c.Surrogate.WithDefaults()
	return c
}

// Validate returns a param error naming the first bad field.
func (c DenseConfig) Validate() error {
	c = c.withDefaults()
	// The neuron part is validated as a Config with one population (a
	// zero TauSynMs, no synaptic filter, is checked as one step).
	tauSyn := c.TauSynMs
	if tauSyn == 0 {
		tauSyn = c.DtMs
	}
	nc := Config{NE: c.Out, NI: -1, Inputs: max(c.In, 1), Outputs: 1, DtMs: c.DtMs, TauMemEMs: c.TauMemMs, TauMemIMs: c.TauMemMs,
		TauSynMs: tauSyn, VTh: c.VTh, VReset: c.VReset, VLeak: c.VLeak, R: c.R,
		Discretization: c.Discretization, Reset: c.Reset, Surrogate: c.Surrogate}
	if c.In > MaxIO || c.Out > MaxIO || c.In*c.Out > 1<<28 {
		return param.New(pkg, "In×Out", fmt.Sprintf("%d×%d", c.In, c.Out), fmt.Sprintf("each <= %d and In·Out <= 2^28", MaxIO))
	}
	return param.First(
		param.PositiveInt(pkg, "In", c.In),
		param.PositiveInt(pkg, "Out", c.Out),
		param.NonNegative(pkg, "TauSynMs", c.TauSynMs),
		nc.Validate(),
	)
}

// Dense is a feed-forward LIF layer with its weights W (Out×In) and bias b
// (Out), and the tape of its last forward pass. Because its input does not
// depend on its state, the input currents of all steps are one Gemm, and so
// are the weight gradient and the input gradient of the backward pass;
// only the membrane recurrence is a scan over time. It is not safe for
// concurrent use.
type Dense[T asm.Float] struct {
	cfg    DenseConfig
	W, B   []T
	spike  spikeFn[T]
	alpha  T
	beta   T
	cin    T
	steps  int
	rows   int
	x      []T // forward input (not copied)
	u      []T // T·rows×Out: input currents, then pre-reset potentials, then dL/dI
	s      []T // T·rows×Out spikes
	gs     []T // surrogate scratch (rows×Out)
	dv, di []T
}

// NewDense returns a layer initialized as PyTorch's nn.Linear.
func NewDense[T asm.Float](c DenseConfig) (*Dense[T], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	d := &Dense[T]{cfg: c, W: make([]T, c.Out*c.In), B: make([]T, c.Out)}
	bd := 1 / math.Sqrt(float64(c.In))
	learn.Uniform(d.W, -bd, bd, rand.New(rand.NewPCG(c.Seed, 1)))
	learn.Uniform(d.B, -bd, bd, rand.New(rand.NewPCG(c.Seed, 2)))
	nc := Config{DtMs: c.DtMs, Discretization: c.Discretization, VTh: c.VTh, Surrogate: c.Surrogate, Smooth: c.Smooth}
	d.spike = newSpikeFn[T](nc)
	if c.TauSynMs > 0 {
		d.alpha = T(nc.decay(c.TauSynMs))
	}
	be := nc.decay(c.TauMemMs)
	d.beta, d.cin = T(be), T((1-be)*c.R)
	return d, nil
}

// Forward runs steps time steps of rows samples, x time-major
// (steps×rows×In, kept until Backward), from the zero state, and returns
// the spikes (steps×rows×Out, owned by the layer until the next Forward).
func (d *Dense[T]) Forward(x []T, steps, rows int) ([]T, error) {
	c := d.cfg
	In, Out := c.In, c.Out
	if err := param.First(param.PositiveInt(pkg, "steps", steps), param.PositiveInt(pkg, "rows", rows)); err != nil {
		return nil, err
	}
	if len(x) != steps*rows*In {
		return nil, param.New(pkg, "x", fmt.Sprintf("%d values", len(x)), fmt.Sprintf("steps·rows·In = %d", steps*rows*In))
	}
	R := steps * rows
	if len(d.u) < R*Out {
		d.u, d.s = make([]T, R*Out), make([]T, R*Out)
	}
	if len(d.dv) < rows*Out {
		d.dv, d.di, d.gs = make([]T, rows*Out), make([]T, rows*Out), make([]T, rows*Out)
	}
	d.steps, d.rows, d.x = steps, rows, x
	u, s := d.u[:R*Out], d.s[:R*Out]
	// Input currents of every step at once (the bias is added in the scan).
	asm.Gemm(false, true, R, Out, In, 1, x, In, d.W, In, 0, u, Out)
	// Membrane scan; v and i live in dv and di during the forward pass.
	n := rows * Out
	v, cur := d.dv[:n], d.di[:n]
	vleak, vreset, alpha, beta, cin, th := T(c.VLeak), T(c.VReset), d.alpha, d.beta, d.cin, T(c.VTh)
	for k := range v {
		v[k] = vleak
	}
	clear(cur)
	soft := c.Reset == ResetSoft
	dd := th - vreset
	coef := asm.LIFScanCoef[T]{Alpha: alpha, Beta: beta, CIn: cin, VLeak: vleak, VReset: vreset, Theta: th}
	for t := 0; t < steps; t++ {
		for b := 0; b < rows; b++ {
			o := t*n + b*Out
			ut, st := u[o:o+Out], s[o:o+Out]
			vb, cb := v[b*Out:(b+1)*Out], cur[b*Out:(b+1)*Out]
			if !c.Smooth && !soft {
				// The common case in one pass (SIMD): current, membrane,
				// spike and hard reset of each neuron, the same operations
				// as below.
				asm.LIFScan(&coef, ut, st, vb, cb, d.B)
				continue
			}
			for k, in := range ut {
				ik := T(alpha*cb[k]) + (in + d.B[k])
				cb[k] = ik
				ut[k] = vleak + T(beta*(vb[k]-vleak)) + T(cin*ik)
			}
			if c.Smooth {
				d.spike.fire(st, ut)
			} else {
				for k, x := range ut {
					st[k] = 0
					if x > th {
						st[k] = 1
					}
				}
			}
			if soft {
				for k, x := range ut {
					vb[k] = x - T(st[k]*dd)
				}
			} else {
				for k, x := range ut {
					vb[k] = x - T(st[k]*(x-vreset))
				}
			}
		}
	}
	return s, nil
}

// Backward takes dS, the loss gradient with respect to every spike of the
// last Forward (steps×rows×Out), and writes the gradients of W and b into
// gW and gB (overwritten) and, when dX is non-nil, of the input into dX
// (steps×rows×In). It consumes the tape: call Forward again before the next
// Backward.
func (d *Dense[T]) Backward(dS, gW, gB, dX []T) error {
	c := d.cfg
	In, Out := c.In, c.Out
	if d.x == nil {
		return param.New(pkg, "Dense", "no tape", "Forward before Backward")
	}
	steps, rows := d.steps, d.rows
	n := rows * Out
	R := steps * rows
	if len(dS) != R*Out || len(gW) != Out*In || len(gB) != Out || (dX != nil && len(dX) != R*In) {
		return param.New(pkg, "gradients", fmt.Sprintf("dS %d, gW %d, gB %d", len(dS), len(gW), len(gB)),
			fmt.Sprintf("%d, %d, %d (dX nil or %d)", R*Out, Out*In, Out, R*In))
	}
	u, s := d.u[:R*Out], d.s[:R*Out]
	dv, di, gs := d.dv[:n], d.di[:n], d.gs[:n]
	clear(dv)
	clear(di)
	vreset, vth, alpha, beta, cin := T(c.VReset), T(c.VTh), d.alpha, d.beta, d.cin
	soft, detach := c.Reset == ResetSoft, c.DetachReset
	coef := asm.LIFScanCoef[T]{Alpha: alpha, Beta: beta, CIn: cin, VReset: vreset}
	// The bias gradient sums dL/dI over the steps, last to first, and the
	// rows of each step in order, while the step is in cache, instead of a
	// pass of its own over all of u (8 MiB at the Open Neuromorphic
	// n = 256; the op 26.71 → 26.52 ms, 8 interleaved runs, p = 0.16). The
	// weight and input gradients are Gemms over bands of steps (gradBand),
	// each run as soon as the scan has finished its band.
	band := d.gradBand(steps, rows)
	clear(gB)
	for t := steps - 1; t >= 0; t-- {
		ut, st, dst := u[t*n:(t+1)*n], s[t*n:(t+1)*n], dS[t*n:(t+1)*n]
		d.spike.grad(gs, ut)
		if !soft && !detach {
			// The common case (hard reset through which the gradient flows)
			// in one pass (SIMD): the same operations as below.
			asm.LIFScanBackward(&coef, ut, st, dst, gs, dv, di)
		} else {
			for k := range ut {
				dvv, dsv := dv[k], dst[k]
				var du T
				if soft {
					du = dvv
					if !detach {
						dsv -= T(dvv * (vth - vreset))
					}
				} else {
					du = T(dvv * (1 - st[k]))
					if !detach {
						dsv += T(dvv * (vreset - ut[k]))
					}
				}
				du += T(dsv * gs[k])
				dv[k] = T(beta * du)
				dik := di[k] + T(cin*du)
				ut[k] = dik // dL/dI_t
				di[k] = T(alpha * dik)
			}
		}
		d.addBias(gB, ut)
		if t%band != 0 {
			continue
		}
		// Steps t … t1−1 hold dL/dI: their share of the weight gradient
		// (the first band done, the last in time, overwrites gW) and
		// their input gradient.
		t1 := min(steps, t+band)
		r0, r1 := t*rows, t1*rows
		var acc T
		if t1 < steps {
			acc = 1
		}
		ub := u[r0*Out : r1*Out]
		asm.Gemm(true, false, Out, In, r1-r0, 1, ub, Out, d.x[r0*In:r1*In], In, acc, gW, In)
		if dX != nil {
			asm.Gemm(false, false, r1-r0, In, Out, 1, ub, Out, d.W, In, 0, dX[r0*In:r1*In], In)
		}
	}
	d.x = nil
	return nil
}

// denseBandRows and denseBandWeightBytes set the bands of the backward
// pass's Gemms (gradBand).
const (
	denseBandRows        = 256
	denseBandWeightBytes = 512 << 10
)

// gradBand is the number of steps (of rows samples) per band of the
// backward pass's Gemms. When the weight gradient fits in L2 beside a band,
// it is accumulated band by band (about denseBandRows rows each, the last
// band first) right after the scan has written the band's dL/dI, which is
// then read from cache instead of from memory (Open Neuromorphic n = 256,
// 8000×256 per array: the op 26.24 → 25.35 ms, −3.4%, p = 0.007, 20
// interleaved runs of 20 ops; from no change to −6% in three other
// sittings). A larger weight gradient would be read and written once per
// band (n = 1,024: no change; n = 4,096: +4%), so there the band is all
// steps, one Gemm. Either way each gradient is a fixed function of the
// shapes, the same on every kernel path.
func (d *Dense[T]) gradBand(steps, rows int) int {
	if d.cfg.Out*d.cfg.In*int(unsafe.Sizeof(T(0))) > denseBandWeightBytes {
		return steps
	}
	return max(1, denseBandRows/rows)
}

// addBias adds the rows of one step's dL/dI (rows×Out) to gB, in order.
func (d *Dense[T]) addBias(gB, ut []T) {
	out := d.cfg.Out
	for o := 0; o < len(ut); o += out {
		asm.Add(gB, gB, ut[o:o+out])
	}
}
