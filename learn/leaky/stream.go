package leaky

import (
	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/ode"
)

// Stream advances n independent copies of a Net one sample interval at a
// time, keeping their states: the streaming form used for closed-loop
// generation, valid-time measurement and the learn.Stepper interface. It
// reads the Net's current weights at every step. A Stream is used by one
// goroutine at a time.
type Stream[T asm.Float] struct {
	net       *Net[T]
	n         int
	core      *core[T]
	cur, next []T
	fld       *field[T]
	jac       jacScratch[T]
}

// NewStream returns n streams at the zero state.
func NewStream[T asm.Float](net *Net[T], n int) (*Stream[T], error) {
	if err := param.PositiveInt("leaky", "n", n); err != nil {
		return nil, err
	}
	S, N, I := net.Stride(), net.N, net.I
	s := &Stream[T]{net: net, n: n, core: newCore(net, n)}
	s.cur, s.next = make([]T, n*S), make([]T, n*S)
	for b := 0; b < n; b++ {
		s.cur[b*S+N+I], s.next[b*S+N+I] = 1, 1
	}
	return s, nil
}

// Rows returns the number of streams.
func (s *Stream[T]) Rows() int { return s.n }

// Reset sets every state to zero.
func (s *Stream[T]) Reset() {
	N, S := s.net.N, s.net.Stride()
	for b := 0; b < s.n; b++ {
		clear(s.cur[b*S : b*S+N])
	}
}

// State copies the states (n×N) into dst.
func (s *Stream[T]) State(dst []T) {
	if n := s.n * s.net.N; len(dst) < n {
		lengthPanic(nil, "Stream.State", arg{"dst", len(dst), n, "Rows·N"})
	}
	gatherState(dst[:s.n*s.net.N], s.cur, s.n, s.net.N, s.net.Stride())
}

// SetState sets the states from src (n×N).
func (s *Stream[T]) SetState(src []T) {
	if n := s.n * s.net.N; len(src) < n {
		lengthPanic(nil, "Stream.SetState", arg{"src", len(src), n, "Rows·N"})
	}
	scatterState(s.cur, src[:s.n*s.net.N], s.n, s.net.N, s.net.Stride())
}

// Step feeds inputs x (n×I), advances one interval and writes the decoded
// outputs (n×O) to y (y may be nil).
func (s *Stream[T]) Step(y, x []T) error {
	net := s.net
	N, S, I, n := net.N, net.Stride(), net.I, s.n
	if len(x) < n*I || (y != nil && len(y) < n*net.O) {
		yLen := len(y)
		if y == nil { // not asked for, not short
			yLen = n * net.O
		}
		lengthPanic(nil, "Stream.Step", arg{"y", yLen, n * net.O, "Rows·O"}, arg{"x", len(x), n * I, "Rows·I"})
	}
	for b := 0; b < n; b++ {
		copy(s.cur[b*S+N:b*S+N+I], x[b*I:(b+1)*I])
	}
	if err := s.core.interval(s.cur, s.next, nil, 0, nil); err != nil {
		return err
	}
	s.cur, s.next = s.next, s.cur
	if y != nil {
		net.decode(y[:n*net.O], s.cur, n)
	}
	return nil
}

// Decode writes the outputs of the current states (n×O) to y.
func (s *Stream[T]) Decode(y []T) { s.net.decode(y[:s.n*s.net.O], s.cur, s.n) }

// field returns the vector field for the stream's rows.
func (s *Stream[T]) field() *field[T] {
	if s.fld == nil {
		s.fld = newField(s.net, s.n)
	}
	return s.fld
}

// VectorField writes F(h, x) = (φ(W h + U x + b) − h)/τ for the n rows of
// h (n×N) and x (n×I) to dst (n×N).
func (s *Stream[T]) VectorField(dst, h, x []T) { s.field().Eval(dst, h, x, s.n) }

// jacScratch is the memory of the single-row Jacobian computations.
type jacScratch[T asm.Float] struct {
	z, a, y  []T
	jf, fx   []T
	m, mx    []T
	dY, dYx  []T
	k, kx    [][]T
	tmp, tmx []T
	steps    []float64
	dp       *ode.Dopri5Solver[T]
	fld      *field[T]
}

// Jacobian writes ∂F/∂h (N×N, row-major) at (h, x) for one row.
func (s *Stream[T]) Jacobian(jac, h, x []T) {
	s.jacobians(jac, nil, h, x)
}

// jacobians writes ∂F/∂h (N×N) into jh and, when jx is non-nil, ∂F/∂x
// (N×I) into jx, at (h, x) for one row:
//
//	∂F_i/∂h_j = (φ'(z_i)·W_ij − δ_ij)/τ_i,   ∂F_i/∂x_k = φ'(z_i)·U_ik/τ_i.
func (s *Stream[T]) jacobians(jh, jx, h, x []T) {
	net := s.net
	N, S, I := net.N, net.Stride(), net.I
	js := &s.jac
	if js.z == nil {
		js.z = make([]T, N)
		js.y = make([]T, S)
	}
	copy(js.y[:N], h[:N])
	copy(js.y[N:N+I], x[:I])
	js.y[N+I] = 1
	asm.Gemv(false, N, S, 1, net.Waug, S, js.y, 0, js.z)
	for _, p := range net.Pops {
		inv := 1 / p.Tau
		for i := p.Start; i < p.Start+p.Len; i++ {
			d := T(net.Act.Deriv(float64(js.z[i])) * inv)
			row := jh[i*N : (i+1)*N]
			copy(row, net.Waug[i*S:i*S+N])
			asm.Scal(d, row)
			row[i] -= T(inv)
			if jx != nil {
				rx := jx[i*I : (i+1)*I]
				copy(rx, net.Waug[i*S+N:i*S+N+I])
				asm.Scal(d, rx)
			}
		}
	}
}

// StepJacobian writes the Jacobians of one Step's state map
// h' = G(h, x) for one row: ∂G/∂h (N×N) into jh and ∂G/∂x (N×I) into jx
// (nil to skip), by forward-mode differentiation through the solver's
// stages. For dopri5 the step sizes chosen for (h, x) are held fixed.
func (s *Stream[T]) StepJacobian(jh, jx, h, x []T) error {
	net := s.net
	N, I := net.N, net.I
	tab := &net.tab
	js := &s.jac
	if js.m == nil {
		js.jf, js.fx = make([]T, N*N), make([]T, N*I)
		js.m, js.mx = make([]T, N*N), make([]T, N*I)
		js.dY, js.dYx = make([]T, N*N), make([]T, N*I)
		js.tmp, js.tmx = make([]T, N*N), make([]T, N*I)
		js.k, js.kx = make([][]T, len(tab.C)), make([][]T, len(tab.C))
		for i := range js.k {
			js.k[i], js.kx[i] = make([]T, N*N), make([]T, N*I)
		}
		js.a = make([]T, N)
	}
	// Step sizes of the interval.
	js.steps = js.steps[:0]
	if net.Method.Adaptive() {
		if js.dp == nil {
			dp, err := ode.NewDopri5[T](N, ode.Options{Rtol: net.Rtol, Atol: net.Atol})
			if err != nil {
				return err
			}
			js.dp = dp
			js.fld = newField(net, 1)
		}
		xv := x[:I]
		f := func(_ float64, y, dydt []T) { js.fld.Eval(dydt, y, xv, 1) }
		if err := js.dp.Init(f, 0, h[:N], net.Interval); err != nil {
			return err
		}
		for !js.dp.Done() {
			if err := js.dp.Step(); err != nil {
				return err
			}
			_, hh := js.dp.LastStep()
			js.steps = append(js.steps, hh)
		}
	}
	// M = ∂h/∂h0, Mx = ∂h/∂x along the step; hc the state.
	hc := make([]T, N)
	yc := js.a
	copy(hc, h[:N])
	clear(js.m)
	for i := 0; i < N; i++ {
		js.m[i*N+i] = 1
	}
	clear(js.mx)
	f1 := s.field1()
	kv := make([][]T, len(tab.C))
	for i := range kv {
		kv[i] = make([]T, N)
	}
	// The fixed-step solvers' Substeps equal steps are not listed: memory
	// does not grow with Substeps.
	nsteps, hfix := net.Substeps, net.fixedStep()
	if net.Method.Adaptive() {
		nsteps = len(js.steps)
	}
	for k := 0; k < nsteps; k++ {
		hh := hfix
		if net.Method.Adaptive() {
			hh = js.steps[k]
		}
		for _, i := range net.active {
			copy(yc, hc)
			copy(js.dY, js.m)
			copy(js.dYx, js.mx)
			for j, aij := range tab.A[i] {
				if aij != 0 {
					w := T(hh * aij)
					asm.Axpy(w, kv[j], yc)
					asm.Axpy(w, js.k[j], js.dY)
					asm.Axpy(w, js.kx[j], js.dYx)
				}
			}
			f1.Eval(kv[i], yc, x[:I], 1)
			s.jacobians(js.jf, js.fx, yc, x)
			// K_i = J_f·dY;  Kx_i = J_f·dYx + F_x.
			asm.Gemm(false, false, N, N, N, 1, js.jf, N, js.dY, N, 0, js.k[i], N)
			copy(js.kx[i], js.fx)
			asm.Gemm(false, false, N, I, N, 1, js.jf, N, js.dYx, I, 1, js.kx[i], I)
		}
		for _, i := range net.active {
			if b := tab.B[i]; b != 0 {
				w := T(hh * b)
				asm.Axpy(w, kv[i], hc)
				asm.Axpy(w, js.k[i], js.m)
				asm.Axpy(w, js.kx[i], js.mx)
			}
		}
	}
	copy(jh[:N*N], js.m)
	if jx != nil {
		copy(jx[:N*I], js.mx)
	}
	return nil
}

// field1 returns a one-row field (for the Jacobian computations).
func (s *Stream[T]) field1() *field[T] {
	if s.jac.fld == nil {
		s.jac.fld = newField(s.net, 1)
	}
	return s.jac.fld
}
