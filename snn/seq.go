package snn

import (
	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
)

// netGrad holds the gradients of the engine's tensors: WT pre-major like
// net.WT (element (post i, pre j) at j·N + i).
type netGrad[T asm.Float] struct {
	WT, Win, b, Dout, Skip, bout []T
}

func newNetGrad[T asm.Float](e *net[T]) *netGrad[T] {
	g := &netGrad[T]{
		WT: make([]T, e.N*e.N), Win: make([]T, e.N*e.I), b: make([]T, e.N),
		Dout: make([]T, e.O*e.F), bout: make([]T, e.O),
	}
	if e.Skip != nil {
		g.Skip = make([]T, e.O*e.I)
	}
	return g
}

func (g *netGrad[T]) zero() {
	clear(g.WT)
	clear(g.Win)
	clear(g.b)
	clear(g.Dout)
	clear(g.Skip)
	clear(g.bout)
}

// seq runs n sequences of up to smax samples at once (time-major blocks)
// and backpropagates through time. It is used by one goroutine at a time.
type seq[T asm.Float] struct {
	e          *net[T]
	nmax, smax int
	n, S       int
	run        leaky.Run
	tape       bool
	st         *state[T]
	// X holds the inputs of every sample (observed or fed back) and Y the
	// outputs: smax blocks of n×I and n×O. Feat holds the readout features
	// after every sample (smax blocks of n×F).
	X, Y, Feat []T
	inp        []T
	// Tape: pre-reset potentials and spikes of every step (T blocks of
	// n×N), activity flags (refractory periods only) and spike lists.
	U, Sp []T
	Act   []uint8
	lists []spikeList
	// Scratch of untaped runs.
	u2, s2 [2][]T
	l2     [2]spikeList
	// Backward scratch.
	dv, di, ds, gs, dIsum, dfeat, df, dcnt, dX []T
}

// newSeq allocates runs of up to nmax sequences of smax samples; with tape
// it also allocates what backward needs.
func newSeq[T asm.Float](e *net[T], nmax, smax int, tape bool) *seq[T] {
	N, K := e.N, e.K
	T_ := smax * K
	if !tape {
		T_ = 0
	}
	q := &seq[T]{
		e: e, nmax: nmax, smax: smax, n: nmax,
		st: newState(e, nmax),
		X:  make([]T, smax*nmax*e.I), Y: make([]T, smax*nmax*e.O), Feat: make([]T, smax*nmax*e.F),
		inp:   make([]T, nmax*N),
		U:     make([]T, T_*nmax*N),
		Sp:    make([]T, T_*nmax*N),
		lists: make([]spikeList, T_),
		dv:    make([]T, nmax*N), di: make([]T, nmax*N), ds: make([]T, nmax*N), gs: make([]T, nmax*N),
		dIsum: make([]T, nmax*N), dfeat: make([]T, nmax*e.F), df: make([]T, nmax*e.F),
		dcnt: make([]T, nmax*e.RN), dX: make([]T, smax*nmax*e.I),
	}
	if e.refSteps > 0 && tape {
		q.Act = make([]uint8, T_*nmax*N)
	}
	for k := range q.u2 {
		q.u2[k] = make([]T, nmax*N)
		q.s2[k] = make([]T, nmax*N)
	}
	return q
}

// setRows sets the number of sequences of the next run (≤ nmax).
func (q *seq[T]) setRows(n int) {
	q.n = n
	q.st.resize(q.e, n)
}

// load copies sample-major inputs x (n×L×I) into the time-major X for the
// first steps samples.
func (q *seq[T]) load(x []T, L, steps int) {
	n, I := q.n, q.e.I
	for j := 0; j < steps; j++ {
		blk := q.X[j*n*I : (j+1)*n*I]
		for b := 0; b < n; b++ {
			copy(blk[b*I:(b+1)*I], x[(b*L+j)*I:(b*L+j+1)*I])
		}
	}
}

// input returns the inputs of sample j (n×I).
func (q *seq[T]) input(j int) []T { return q.X[j*q.n*q.e.I : (j+1)*q.n*q.e.I] }

// output returns the outputs after sample j (n×O).
func (q *seq[T]) output(j int) []T { return q.Y[j*q.n*q.e.O : (j+1)*q.n*q.e.O] }

// feat returns the features after sample j (n×F).
func (q *seq[T]) feat(j int) []T { return q.Feat[j*q.n*q.e.F : (j+1)*q.n*q.e.F] }

// forward runs r.Steps samples from the zero state; with tape it keeps what
// backward needs. Inputs of samples j ≥ r.Feedback are the previous
// outputs.
func (q *seq[T]) forward(r leaky.Run, tape bool) {
	e, n := q.e, q.n
	N, K, O := e.N, e.K, e.O
	q.run, q.tape, q.S = r, tape, r.Steps
	st := q.st
	st.zero(e)
	for j := 0; j < r.Steps; j++ {
		x := q.input(j)
		if j >= r.Feedback {
			learn.Feed(x, q.output(j - 1)[:n*O], r.Forcing)
		}
		e.project(q.inp, x, n)
		for k := 0; k < K; k++ {
			t := j*K + k
			var u, s []T
			var act []uint8
			var list *spikeList
			if tape {
				u, s = q.U[t*n*N:(t+1)*n*N], q.Sp[t*n*N:(t+1)*n*N]
				if q.Act != nil {
					act = q.Act[t*n*N : (t+1)*n*N]
				}
				list = &q.lists[t]
			} else {
				u, s, list = q.u2[t&1][:n*N], q.s2[t&1][:n*N], &q.l2[t&1]
			}
			e.step(st, q.inp, u, s, act, list)
		}
		f := q.feat(j)
		e.features(f, st)
		e.decode(q.output(j), f, x, n)
	}
}

// backward backpropagates dY (Steps blocks of n×O: the loss gradient with
// respect to every output) through the taped forward run and adds the
// gradients of the engine's tensors to g. dY is modified (feedback
// contributions are added to it).
func (q *seq[T]) backward(dY []T, g *netGrad[T]) {
	e, n := q.e, q.n
	N, K, I, O, F, RN := e.N, e.K, e.I, e.O, e.F, e.RN
	nN := n * N
	dv, di, ds, gs, dIsum := q.dv[:nN], q.di[:nN], q.ds[:nN], q.gs[:nN], q.dIsum[:nN]
	df, dfeat, dcnt := q.df[:n*F], q.dfeat[:n*F], q.dcnt[:n*RN]
	clear(dv)
	clear(di)
	clear(ds)
	clear(dIsum)
	clear(df)
	clear(dcnt)
	clear(q.dX[:q.S*n*I])
	alpha, vreset, vth := e.alpha, e.vreset, e.vth
	for j := q.S - 1; j >= 0; j-- {
		x := q.input(j)
		dy := dY[j*n*O : (j+1)*n*O]
		dxj := q.dX[j*n*I : (j+1)*n*I]
		// Readout after sample j.
		asm.Gemm(true, false, O, F, n, 1, dy, O, q.feat(j), F, 1, g.Dout, F)
		for b := 0; b < n; b++ {
			asm.Add(g.bout, g.bout, dy[b*O:(b+1)*O])
		}
		if e.Skip != nil {
			asm.Gemm(true, false, O, I, n, 1, dy, O, x, I, 1, g.Skip, I)
			asm.Gemm(false, false, n, I, O, 1, dy, O, e.Skip, I, 1, dxj, I)
		}
		asm.Gemm(false, false, n, F, O, 1, dy, O, e.Dout, F, 0, dfeat, F)
		tOut := j*K + K - 1
		switch e.readout {
		case ReadoutFiltered:
			asm.Add(df, df, dfeat)
		case ReadoutCount:
			asm.Axpy(1/T(tOut+1), dfeat, dcnt)
		default:
			for b := 0; b < n; b++ {
				asm.Add(dv[b*N:b*N+RN], dv[b*N:b*N+RN], dfeat[b*F:(b+1)*F])
			}
		}
		for k := K - 1; k >= 0; k-- {
			t := j*K + k
			u, s := q.U[t*nN:(t+1)*nN], q.Sp[t*nN:(t+1)*nN]
			// ds already holds the recurrent term from step t+1; add the
			// readout traces.
			for b := 0; b < n; b++ {
				dsb := ds[b*N : b*N+RN]
				switch e.readout {
				case ReadoutFiltered:
					for kk := range e.lam {
						asm.Add(dsb, dsb, df[b*F+kk*RN:b*F+(kk+1)*RN])
					}
				case ReadoutCount:
					asm.Add(dsb, dsb, dcnt[b*RN:(b+1)*RN])
				}
			}
			e.spike.grad(gs, u)
			var act []uint8
			if q.Act != nil {
				act = q.Act[t*nN : (t+1)*nN]
			}
			for b := 0; b < n; b++ {
				o := b * N
				dvb, dib, dsb, gsb := dv[o:o+N], di[o:o+N], ds[o:o+N], gs[o:o+N]
				ub, sb := u[o:o+N], s[o:o+N]
				beta, cin := e.beta[:N], e.cin[:N]
				for jj := range dvb {
					dvv, dsv, sv := dvb[jj], dsb[jj], sb[jj]
					var du T
					if e.soft {
						du = dvv
						if !e.detach {
							dsv -= T(dvv * (vth - vreset))
						}
					} else {
						du = T(dvv * (1 - sv))
						if !e.detach {
							dsv += T(dvv * (vreset - ub[jj]))
						}
					}
					du += T(dsv * gsb[jj])
					if act != nil && act[o+jj] == 0 {
						du = 0
					}
					dvb[jj] = T(beta[jj] * du)
					dib[jj] += T(cin[jj] * du)
				}
			}
			// di is now dL/dI_t.
			asm.Add(dIsum, dIsum, di)
			if t > 0 {
				asm.Gemm(false, false, n, N, N, 1, di, N, e.W, N, 0, ds, N)
				if e.dense {
					sp := q.Sp[(t-1)*nN : t*nN]
					asm.Gemm(true, false, N, N, n, 1, sp, N, di, N, 1, g.WT, N)
				} else {
					l := &q.lists[t-1]
					for b := 0; b < n; b++ {
						row := di[b*N : (b+1)*N]
						for _, pre := range l.idx[l.off[b]:l.off[b+1]] {
							asm.Axpy(1, row, g.WT[int(pre)*N:(int(pre)+1)*N])
						}
					}
				}
			}
			asm.Scal(alpha, di)
			if e.readout == ReadoutFiltered {
				for b := 0; b < n; b++ {
					for kk, l := range e.lam {
						asm.Scal(l, df[b*F+kk*RN:b*F+(kk+1)*RN])
					}
				}
			}
		}
		// Input of sample j.
		asm.Gemm(true, false, N, I, n, 1, dIsum, N, x, I, 1, g.Win, I)
		for b := 0; b < n; b++ {
			asm.Add(g.b, g.b, dIsum[b*N:(b+1)*N])
		}
		if j >= q.run.Feedback && j > 0 {
			asm.Gemm(false, false, n, I, N, 1, dIsum, N, e.Win, I, 1, dxj, I)
			learn.FeedGrad(dY[(j-1)*n*O:j*n*O], dxj, q.run.Forcing)
		}
		clear(dIsum)
	}
}
