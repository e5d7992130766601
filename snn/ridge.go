package snn

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Gram accumulates the sufficient statistics of a ridge regression of
// targets Y (O per row) on features A (F per row) streamed in chunks of
// rows: AᵀA, AᵀY and the column sums, in float64 on asm.Gemm. Memory is
// F·(F+O) values whatever the number of rows, so readouts of thousands of
// features over long recordings fit (the primal form: its cost grows with
// rows·F² for the Gram and F³/3 per regularization tried).
type Gram struct {
	F, O   int
	Rows   int
	G, C   []float64 // F×F and F×O
	sa, sy []float64 // column sums of A and Y
	buf    []float64
	ybuf   []float64
}

// NewGram returns an empty accumulator for F features and O targets.
func NewGram(F, O int) (*Gram, error) {
	if err := param.First(param.PositiveInt(pkg, "features", F), param.PositiveInt(pkg, "targets", O)); err != nil {
		return nil, err
	}
	return &Gram{F: F, O: O, G: make([]float64, F*F), C: make([]float64, F*O), sa: make([]float64, F), sy: make([]float64, O)}, nil
}

// gramBlock is the column block of the Gram accumulation: only blocks on
// and below the diagonal are computed.
const gramBlock = 256

// AddRows adds rows rows of features a (rows×F, row stride lda ≥ F) and
// targets y (rows×O, row stride ldy ≥ O).
func AddRows[T asm.Float](g *Gram, a []T, lda int, y []T, ldy int, rows int) {
	if rows == 0 {
		return
	}
	F, O := g.F, g.O
	if lda < F || ldy < O || len(a) < (rows-1)*lda+F || len(y) < (rows-1)*ldy+O {
		panic("snn: Gram.AddRows: slice lengths do not match")
	}
	const chunk = 256
	if len(g.buf) < chunk*F {
		g.buf = make([]float64, chunk*F)
		g.ybuf = make([]float64, chunk*O)
	}
	for lo := 0; lo < rows; lo += chunk {
		k := min(chunk, rows-lo)
		ab, yb := g.buf[:k*F], g.ybuf[:k*O]
		for r := 0; r < k; r++ {
			ar := a[(lo+r)*lda : (lo+r)*lda+F]
			for c, v := range ar {
				ab[r*F+c] = float64(v)
				g.sa[c] += float64(v)
			}
			yr := y[(lo+r)*ldy : (lo+r)*ldy+O]
			for c, v := range yr {
				yb[r*O+c] = float64(v)
				g.sy[c] += float64(v)
			}
		}
		// Lower block triangle of AᵀA only (Solve mirrors it).
		for i0 := 0; i0 < F; i0 += gramBlock {
			bi := min(gramBlock, F-i0)
			for j0 := 0; j0 <= i0; j0 += gramBlock {
				bj := min(gramBlock, F-j0)
				asm.Gemm(true, false, bi, bj, k, 1, ab[i0:], F, ab[j0:], F, 1, g.G[i0*F+j0:], F)
			}
		}
		asm.Gemm(true, false, F, O, k, 1, ab, F, yb, O, 1, g.C, O)
	}
	g.Rows += rows
}

// symmetrize mirrors the accumulated lower block triangle of G into the
// blocks above it.
func (g *Gram) symmetrize() {
	F := g.F
	for i := 0; i < F; i++ {
		for j := (i/gramBlock + 1) * gramBlock; j < F; j++ {
			g.G[i*F+j] = g.G[j*F+i]
		}
	}
}

// Linear is a fitted linear readout y = W·a + B: W is O×F (row-major), B
// has O values. Lambda is the regularization it was fitted with.
type Linear struct {
	F, O   int
	W, B   []float64
	Lambda float64
}

// Predict writes y = W·a + B for rows rows of a (rows×F, stride lda) into
// y (rows×O).
func (l *Linear) Predict(y []float64, a []float64, lda, rows int) {
	for r := 0; r < rows; r++ {
		copy(y[r*l.O:(r+1)*l.O], l.B)
	}
	asm.Gemm(false, true, rows, l.O, l.F, 1, a, lda, l.W, l.F, 1, y, l.O)
}

// Solve returns the ridge solution for regularization lambda:
// minimize Σ_rows ‖y − W·a − B‖² + lambda·Rows·Σ_k s_k²·‖W[:,k]‖², where
// s_k is the standard deviation of feature k (the penalty acts on
// standardized features, the intercept B is not penalized; constant
// features get weight 0). lambda = 0 is least squares (it needs a
// non-singular Gram).
func (g *Gram) Solve(lambda float64) (*Linear, error) {
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, param.New(pkg, "lambda", lambda, "finite and >= 0")
	}
	if g.Rows == 0 {
		return nil, param.New(pkg, "Gram.Rows", 0, "> 0 (add rows first)")
	}
	F, O := g.F, g.O
	n := float64(g.Rows)
	mu := make([]float64, F)
	my := make([]float64, O)
	for k := range mu {
		mu[k] = g.sa[k] / n
	}
	for k := range my {
		my[k] = g.sy[k] / n
	}
	g.symmetrize()
	// Centred and standardized statistics.
	sc := make([]float64, F)
	for k := 0; k < F; k++ {
		v := g.G[k*F+k]/n - float64(mu[k]*mu[k])
		if v > 1e-12*math.Max(1, g.G[k*F+k]/n) {
			sc[k] = 1 / math.Sqrt(v)
		}
	}
	a := make([]float64, F*F)
	rhs := make([]float64, F*O)
	for i := 0; i < F; i++ {
		for j := 0; j < F; j++ {
			a[i*F+j] = (g.G[i*F+j] - float64(n*mu[i]*mu[j])) * sc[i] * sc[j]
		}
		if sc[i] == 0 {
			a[i*F+i] = 1 // decoupled: its weight is 0
		} else {
			a[i*F+i] += float64(lambda * n)
		}
		for o := 0; o < O; o++ {
			rhs[i*O+o] = (g.C[i*O+o] - float64(n*mu[i]*my[o])) * sc[i]
		}
	}
	if err := cholesky(a, F); err != nil {
		return nil, fmt.Errorf("snn: ridge with lambda %g: %w", lambda, err)
	}
	cholSolve(a, F, rhs, O)
	l := &Linear{F: F, O: O, W: make([]float64, O*F), B: make([]float64, O), Lambda: lambda}
	for o := 0; o < O; o++ {
		b := my[o]
		for k := 0; k < F; k++ {
			w := rhs[k*O+o] * sc[k]
			l.W[o*F+k] = w
			b -= float64(w * mu[k])
		}
		l.B[o] = b
	}
	return l, nil
}

// DefaultLambdas is the regularization grid SolveVal tries: 1e-12 … 1e1 in
// decades.
var DefaultLambdas = []float64{1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10}

// SolveVal solves for the lambdas in ascending order (nil → DefaultLambdas)
// and returns the solution with the smallest mean squared error on the
// validation rows va (rows×F, stride lda) with targets vy (rows×O), and that
// error. It stops once the validation error has risen twice in a row past
// the best (the error is unimodal in lambda in practice); lambdas whose
// system is not positive definite are skipped.
func (g *Gram) SolveVal(lambdas []float64, va []float64, lda int, vy []float64, rows int) (*Linear, float64, error) {
	return g.solveVal(context.Background(), lambdas, va, lda, vy, rows)
}

// solveVal is SolveVal, stopped when ctx is done: it looks at ctx before
// each regularization and then returns an error wrapping ctx.Err().
func (g *Gram) solveVal(ctx context.Context, lambdas []float64, va []float64, lda int, vy []float64, rows int) (*Linear, float64, error) {
	if len(lambdas) == 0 {
		lambdas = DefaultLambdas
	}
	lambdas = append([]float64(nil), lambdas...)
	slices.Sort(lambdas)
	if rows <= 0 || len(vy) < rows*g.O {
		return nil, 0, param.New(pkg, "validation rows", rows, "> 0 with rows·O targets")
	}
	var best *Linear
	bestErr := math.Inf(1)
	pred := make([]float64, rows*g.O)
	var firstErr error
	worse, last := 0, math.Inf(1)
	for i, lam := range lambdas {
		if err := ctx.Err(); err != nil {
			return nil, 0, fmt.Errorf("snn: ridge stopped after %d of %d regularizations: %w", i, len(lambdas), err)
		}
		l, err := g.Solve(lam)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		l.Predict(pred, va, lda, rows)
		var se float64
		for i, p := range pred {
			d := p - vy[i]
			se += float64(d * d)
		}
		mse := se / float64(len(pred))
		if mse < bestErr {
			best, bestErr = l, mse
		}
		if mse > last && mse > bestErr {
			worse++
			if worse == 2 {
				break
			}
		} else {
			worse = 0
		}
		last = mse
	}
	if best == nil {
		return nil, 0, firstErr
	}
	return best, bestErr, nil
}

// cholesky factors the symmetric positive definite a (n×n, row-major) in
// place: its lower triangle becomes L with a = L·Lᵀ (the strict upper
// triangle is left with scratch). Right-looking and blocked: each block
// column is factored, its panel solved, and the trailing matrix updated by
// asm.Gemm, which does nearly all of the n³/3 multiply-adds.
func cholesky(a []float64, n int) error {
	const nb = 64
	var panel []float64
	for k := 0; k < n; k += nb {
		kb := min(nb, n-k)
		// Diagonal block, unblocked.
		for j := k; j < k+kb; j++ {
			d := a[j*n+j]
			for p := k; p < j; p++ {
				d -= float64(a[j*n+p] * a[j*n+p])
			}
			if !(d > 0) {
				return param.New(pkg, "Gram", fmt.Sprintf("pivot %d = %g", j, d), "positive definite (raise lambda)")
			}
			d = math.Sqrt(d)
			a[j*n+j] = d
			for i := j + 1; i < k+kb; i++ {
				s := a[i*n+j]
				for p := k; p < j; p++ {
					s -= float64(a[i*n+p] * a[j*n+p])
				}
				a[i*n+j] = s / d
			}
		}
		// Panel below: rows i ≥ k+kb, columns k … k+kb−1: solve X·L11ᵀ = A21.
		for i := k + kb; i < n; i++ {
			row := a[i*n+k : i*n+k+kb]
			for c := 0; c < kb; c++ {
				s := row[c]
				lc := a[(k+c)*n+k : (k+c)*n+k+c]
				for p, l := range lc {
					s -= float64(row[p] * l)
				}
				row[c] = s / a[(k+c)*n+k+c]
			}
		}
		// Trailing update A22 −= A21·A21ᵀ, from a contiguous copy of the
		// panel (asm.Gemm packs A for large products and, at this commit,
		// indexes the packed copy with the caller's lda before switching to
		// it, which panics when lda ≫ k; contiguous operands avoid that).
		if m := n - k - kb; m > 0 {
			if cap(panel) < m*kb {
				panel = make([]float64, m*kb)
			}
			p := panel[:m*kb]
			for i := 0; i < m; i++ {
				copy(p[i*kb:(i+1)*kb], a[(k+kb+i)*n+k:(k+kb+i)*n+k+kb])
			}
			asm.Gemm(false, true, m, m, kb, -1, p, kb, p, kb, 1, a[(k+kb)*n+k+kb:], n)
		}
	}
	return nil
}

// cholSolve solves L·Lᵀ·X = B in place for B (n×m, row-major), L from
// cholesky.
func cholSolve(l []float64, n int, b []float64, m int) {
	for i := 0; i < n; i++ {
		bi := b[i*m : (i+1)*m]
		for p := 0; p < i; p++ {
			lp := l[i*n+p]
			if lp == 0 {
				continue
			}
			asm.Axpy(-lp, b[p*m:(p+1)*m], bi)
		}
		asm.Scal(1/l[i*n+i], bi)
	}
	for i := n - 1; i >= 0; i-- {
		bi := b[i*m : (i+1)*m]
		for p := i + 1; p < n; p++ {
			lp := l[p*n+i]
			if lp == 0 {
				continue
			}
			asm.Axpy(-lp, b[p*m:(p+1)*m], bi)
		}
		asm.Scal(1/l[i*n+i], bi)
	}
}
