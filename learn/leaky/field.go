package leaky

import (
	"github.com/neurodyn/neurodyn/asm"
)

// field is the batched vector field F(h, x) = (φ(W h + U x + b) − h)/τ of
// a Net for n rows, with its vector–Jacobian products. It implements
// learn.Field (the adjoint method and dopri5 use it); the gradient vector
// is dWaug (N×(N+I+1)).
type field[T asm.Float] struct {
	net  *Net[T]
	n    int
	aug  []T // n×S
	z    []T // n×N pre-activations
	a    []T // n×N activations
	dz   []T // n×N
	tmp  []T // n×N
	rows int // capacity in rows
}

func newField[T asm.Float](net *Net[T], n int) *field[T] {
	N, S := net.N, net.Stride()
	return &field[T]{net: net, n: n, rows: n, aug: make([]T, n*S), z: make([]T, n*N), a: make([]T, n*N), dz: make([]T, n*N), tmp: make([]T, n*N)}
}

func (f *field[T]) StateDim() int  { return f.net.N }
func (f *field[T]) InputDim() int  { return f.net.I }
func (f *field[T]) NumParams() int { return len(f.net.Waug) }

func (f *field[T]) grow(n int) {
	if n > f.rows {
		N, S := f.net.N, f.net.Stride()
		f.rows = n
		f.aug, f.a, f.z = make([]T, n*S), make([]T, n*N), make([]T, n*N)
		f.dz, f.tmp = make([]T, n*N), make([]T, n*N)
	}
}

// build fills the augmented rows [h | x | 1] and the pre-activations z.
func (f *field[T]) build(h, x []T, n int) {
	net := f.net
	N, I, S := net.N, net.I, net.Stride()
	f.grow(n)
	for b := 0; b < n; b++ {
		r := f.aug[b*S : (b+1)*S]
		copy(r[:N], h[b*N:(b+1)*N])
		copy(r[N:N+I], x[b*I:(b+1)*I])
		r[N+I] = 1
	}
	asm.Gemm(false, true, n, N, S, 1, f.aug, S, net.Waug, S, 0, f.z[:n*N], N)
}

// Eval writes F(h, x) for n rows into dst (n×N).
func (f *field[T]) Eval(dst, h, x []T, n int) {
	N := f.net.N
	f.build(h, x, n)
	// dst = h + (1/τ)(φ(z) − h) − h through the fused step with dt = 1.
	copy(dst[:n*N], h[:n*N])
	f.net.stepRows(dst, N, f.a, f.z, n, 1)
	asm.Axpy(-1, h[:n*N], dst[:n*N])
}

// VJP writes dh = (∂F/∂h)ᵀ v per row, adds Σ_rows (∂F/∂θ)ᵀ v to gtheta (the
// dWaug layout) and (∂F/∂x)ᵀ v to gx (n×I), each when non-nil.
func (f *field[T]) VJP(dh, gtheta, gx, v, h, x []T, n int) {
	net := f.net
	N, I, S := net.N, net.I, net.Stride()
	f.build(h, x, n)
	dz, tmp := f.dz[:n*N], f.tmp[:n*N]
	// a = φ(z): the fused step with dt = 0 leaves tmp unchanged.
	net.stepRows(tmp, N, f.a, f.z, n, 0)
	// dz = (v/τ)·φ'(a); tmp = v(1 − 1/τ); dh = tmp − v = −v/τ, then + dzᵀ-part.
	copy(tmp, v[:n*N])
	net.stepBackRows(dz, tmp, f.a, n, 1)
	asm.Axpy(-1, v[:n*N], tmp)
	copy(dh[:n*N], tmp)
	asm.Gemm(false, false, n, N, N, 1, dz, N, net.Waug, S, 1, dh, N)
	if gtheta != nil {
		asm.Gemm(true, false, N, S, n, 1, dz, N, f.aug, S, 1, gtheta, S)
	}
	if gx != nil {
		asm.Gemm(false, false, n, I, N, 1, dz, N, net.Waug[N:], S, 1, gx, I)
	}
}
