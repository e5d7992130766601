package snn

import (
	"github.com/neurodyn/neurodyn/asm"
)

// net holds the effective tensors and the derived constants one run uses:
// the recurrent matrix with Dale signs and masks applied, the input matrix,
// bias currents, readout, and the decay factors computed once (NEST's
// pre_run_hook). Neurons are ordered E first.
type net[T asm.Float] struct {
	cfg                 Config
	N, NE, I, O, RN, F  int
	K, ntau, refSteps   int
	W, WT               []T // N×N effective recurrent weights, post-major and pre-major
	Win                 []T // N×I
	b                   []T // N bias currents
	Dout, Skip, bout    []T // O×F, O×I (nil without Skip), O
	beta, cin           []T // per neuron: membrane decay and input factor (1−β)·R
	alpha               T   // synaptic decay
	lam                 []T // readout filter decays
	vleak, vreset, vth  T
	soft, detach, dense bool
	spike               spikeFn[T]
	readout             Readout
}

// newNet allocates the engine tensors of configuration c (defaults filled
// in) and computes its constants; the weights are filled by
// Model.effective.
func newNet[T asm.Float](c Config) *net[T] {
	N, I, O := c.N(), c.Inputs, c.Outputs
	n := &net[T]{
		cfg: c, N: N, NE: c.NE, I: I, O: O, RN: c.ReadoutNeurons(), F: c.Features(),
		K: c.SubSteps, ntau: len(c.ReadoutTauMs), refSteps: c.refSteps(),
		W: make([]T, N*N), WT: make([]T, N*N), Win: make([]T, N*I), b: make([]T, N),
		Dout: make([]T, O*c.Features()), bout: make([]T, O),
		beta: make([]T, N), cin: make([]T, N),
		alpha: T(c.decay(c.TauSynMs)),
		vleak: T(c.VLeak), vreset: T(c.VReset), vth: T(c.VTh),
		soft: c.Reset == ResetSoft, detach: c.DetachReset, dense: c.Smooth,
		spike: newSpikeFn[T](c), readout: c.Readout,
	}
	if c.Skip {
		n.Skip = make([]T, O*I)
	}
	for j := 0; j < N; j++ {
		tau := c.TauMemEMs
		if j >= c.NE {
			tau = c.TauMemIMs
		}
		be := c.decay(tau)
		n.beta[j] = T(be)
		n.cin[j] = T((1 - be) * c.R)
	}
	for _, tau := range c.ReadoutTauMs {
		n.lam = append(n.lam, T(Config{DtMs: c.DtMs, Discretization: Exact}.decay(tau)))
	}
	return n
}

// spikeList holds, per row of a batch, the indices of the neurons that
// spiked in one step (ascending): row b's are idx[off[b]:off[b+1]].
type spikeList struct {
	idx []int32
	off []int
}

func (l *spikeList) reset(n int) {
	l.idx = l.idx[:0]
	if cap(l.off) < n+1 {
		l.off = make([]int, n+1)
	}
	l.off = l.off[:1]
	l.off[0] = 0
}

// state is the dynamic state of n streams.
type state[T asm.Float] struct {
	n        int
	i, v     []T        // n×N synaptic currents and membrane potentials (after reset)
	ref      []int32    // n×N remaining refractory steps
	filt     []T        // n×F filtered spike traces (ReadoutFiltered), tau-major per row
	cnt      []T        // n×RN spike counts since the reset (ReadoutCount)
	steps    int        // steps since the reset
	prev     []T        // n×N spikes of the last step (dense recurrence)
	prevList *spikeList // spike lists of the last step (sparse recurrence)
	empty    spikeList  // no spikes in any row (after zero)
	// count holds the number of spikes of each neuron summed over the rows
	// since it was last cleared (binary spikes only).
	count []int64
	// backing arrays for up to nmax rows
	bi, bv, bprev, bfilt, bcnt []T
	bref                       []int32
}

func newState[T asm.Float](e *net[T], nmax int) *state[T] {
	st := &state[T]{
		bi: make([]T, nmax*e.N), bv: make([]T, nmax*e.N), bref: make([]int32, nmax*e.N),
		bprev: make([]T, nmax*e.N), count: make([]int64, e.N),
	}
	if e.readout == ReadoutFiltered {
		st.bfilt = make([]T, nmax*e.F)
	}
	if e.readout == ReadoutCount {
		st.bcnt = make([]T, nmax*e.RN)
	}
	st.resize(e, nmax)
	st.zero(e)
	return st
}

// resize sets the number of streams to n (at most the capacity); the state
// must be zeroed before use.
func (st *state[T]) resize(e *net[T], n int) {
	st.n = n
	st.i, st.v, st.ref = st.bi[:n*e.N], st.bv[:n*e.N], st.bref[:n*e.N]
	if st.bfilt != nil {
		st.filt = st.bfilt[:n*e.F]
	}
	if st.bcnt != nil {
		st.cnt = st.bcnt[:n*e.RN]
	}
}

// zero sets the state every sequence starts from: v = v_leak, no current,
// no spikes, no refractoriness, empty filters and counts.
func (st *state[T]) zero(e *net[T]) {
	for k := range st.v {
		st.v[k] = e.vleak
	}
	clear(st.i)
	clear(st.ref)
	clear(st.filt)
	clear(st.cnt)
	st.prev = st.bprev[:st.n*e.N]
	clear(st.prev)
	st.steps = 0
	st.empty.reset(st.n)
	for b := 0; b < st.n; b++ {
		st.empty.off = append(st.empty.off, 0)
	}
	st.prevList = &st.empty
}

// project writes the input currents of samples x (n×I) into inp (n×N):
// inp = x·Winᵀ + b.
func (e *net[T]) project(inp, x []T, n int) {
	N := e.N
	asm.Gemm(false, true, n, N, e.I, 1, x, e.I, e.Win, e.I, 0, inp, N)
	for b := 0; b < n; b++ {
		asm.Add(inp[b*N:(b+1)*N], inp[b*N:(b+1)*N], e.b)
	}
}

// step advances st by one dt with input currents inp (n×N). It writes the
// pre-reset potentials into u and the spikes into s (both n×N), the spike
// lists into list (binary spikes only), and, when act is non-nil, 1 for
// neurons that were not refractory (else 0). On return st.prev aliases s.
// The ordering is: synaptic input from the previous step's spikes, current
// update, membrane update, threshold, reset.
func (e *net[T]) step(st *state[T], inp, u, s []T, act []uint8, list *spikeList) {
	n, N := st.n, e.N
	cur := u // the currents are accumulated in u, then overwritten row by row
	copy(cur[:n*N], inp[:n*N])
	if e.dense {
		asm.Gemm(false, true, n, N, N, 1, st.prev, N, e.W, N, 1, cur, N)
	} else {
		pl := st.prevList
		for b := 0; b < n; b++ {
			row := cur[b*N : (b+1)*N]
			for _, j := range pl.idx[pl.off[b]:pl.off[b+1]] {
				asm.Axpy(1, e.WT[int(j)*N:(int(j)+1)*N], row)
			}
		}
	}
	list.reset(n)
	alpha, vleak, vreset := e.alpha, e.vleak, e.vreset
	for b := 0; b < n; b++ {
		ib := st.i[b*N : (b+1)*N]
		vb := st.v[b*N : (b+1)*N]
		ub := u[b*N : (b+1)*N]
		sb := s[b*N : (b+1)*N]
		rb := st.ref[b*N : (b+1)*N]
		beta, cin := e.beta[:N], e.cin[:N]
		for j := range ib {
			ij := T(alpha*ib[j]) + ub[j]
			ib[j] = ij
			ub[j] = vleak + T(beta[j]*(vb[j]-vleak)) + T(cin[j]*ij)
		}
		e.spike.fire(sb, ub)
		if e.refSteps > 0 {
			var ab []uint8
			if act != nil {
				ab = act[b*N : (b+1)*N]
			}
			for j := range rb {
				if rb[j] > 0 {
					rb[j]--
					ub[j] = vreset
					sb[j] = 0
					if ab != nil {
						ab[j] = 0
					}
					continue
				}
				if ab != nil {
					ab[j] = 1
				}
				if sb[j] != 0 {
					rb[j] = int32(e.refSteps)
				}
			}
		}
		// reset
		if e.soft {
			d := e.vth - vreset
			for j, x := range ub {
				vb[j] = x - T(sb[j]*d)
			}
		} else {
			for j, x := range ub {
				vb[j] = x - T(sb[j]*(x-vreset))
			}
		}
		if !e.dense {
			for j, sv := range sb {
				if sv != 0 {
					list.idx = append(list.idx, int32(j))
					st.count[j]++
				}
			}
			list.off = append(list.off, len(list.idx))
		}
		// readout traces
		switch e.readout {
		case ReadoutFiltered:
			RN := e.RN
			fb := st.filt[b*e.F : (b+1)*e.F]
			for k, l := range e.lam {
				fk := fb[k*RN : (k+1)*RN]
				for j := range fk {
					fk[j] = T(l*fk[j]) + sb[j]
				}
			}
		case ReadoutCount:
			asm.Add(st.cnt[b*e.RN:(b+1)*e.RN], st.cnt[b*e.RN:(b+1)*e.RN], sb[:e.RN])
		}
	}
	st.steps++
	st.prev = s[:n*N]
	st.prevList = list
}

// features writes the readout features of st into dst (n×F, row stride F):
// the filter traces, the counts divided by the steps since the reset, or
// the membrane potentials of the first RN neurons.
func (e *net[T]) features(dst []T, st *state[T]) {
	n := st.n
	switch e.readout {
	case ReadoutFiltered:
		copy(dst[:n*e.F], st.filt[:n*e.F])
	case ReadoutCount:
		inv := 1 / T(max(st.steps, 1))
		for k, c := range st.cnt[:n*e.RN] {
			dst[k] = c * inv
		}
	default:
		for b := 0; b < n; b++ {
			copy(dst[b*e.F:(b+1)*e.F], st.v[b*e.N:b*e.N+e.RN])
		}
	}
}

// decode writes y = feat·Doutᵀ + x·Skipᵀ + bout (n×O) for features feat
// (n×F).
func (e *net[T]) decode(y, feat, x []T, n int) {
	O := e.O
	for b := 0; b < n; b++ {
		copy(y[b*O:(b+1)*O], e.bout)
	}
	asm.Gemm(false, true, n, O, e.F, 1, feat, e.F, e.Dout, e.F, 1, y, O)
	if e.Skip != nil {
		asm.Gemm(false, true, n, O, e.I, 1, x, e.I, e.Skip, e.I, 1, y, O)
	}
}
