package learn

import (
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/detlinalg"
	"github.com/neurodyn/neurodyn/internal/detrand"
)

// Initializers fill parameter tensors from an explicit random source, as
// PyTorch's torch.nn.init functions do (same distributions, not the same
// draws). Models give each tensor its own stream, for example
// rand.New(rand.NewPCG(seed, k)) for tensor k, so adding a tensor does not
// change the others. Normal deviates come from internal/detrand, which
// consumes r as math/rand/v2's NormFloat64 does and gives its values on
// amd64, but the same bits on every architecture (math/rand/v2's tail and
// wedge draws differ in the last bits on arm64).

// Uniform fills dst with draws from U(lo, hi).
func Uniform[T asm.Float](dst []T, lo, hi float64, r *rand.Rand) {
	for i := range dst {
		dst[i] = T(lo + float64((hi-lo)*r.Float64()))
	}
}

// Normal fills dst with draws from N(0, std²) (detrand.NormFloat64).
func Normal[T asm.Float](dst []T, std float64, r *rand.Rand) {
	for i := range dst {
		dst[i] = T(std * detrand.NormFloat64(r))
	}
}

// XavierUniform fills dst with U(±gain·√(6/(fanIn+fanOut))) (Glorot and
// Bengio; torch.nn.init.xavier_uniform_).
func XavierUniform[T asm.Float](dst []T, fanIn, fanOut int, gain float64, r *rand.Rand) {
	b := gain * math.Sqrt(6/float64(fanIn+fanOut))
	Uniform(dst, -b, b, r)
}

// Orthogonal fills dst (rows×cols, row-major) with gain times a random
// (semi-)orthogonal matrix, as torch.nn.init.orthogonal_: the Q factor of
// the QR decomposition of a Gaussian matrix (max(rows, cols) × min(rows,
// cols), drawn row by row from r), with the signs of R's diagonal moved into
// Q so that the result is uniformly (Haar) distributed; transposed when
// rows < cols. For a square matrix every singular value, and every
// eigenvalue's modulus, is |gain|. The QR is internal/detlinalg's
// Householder factorization, so the bits are the same on every
// architecture and kernel path (gonum's, used before, differed between the
// default build, -tags noasm and arm64).
func Orthogonal[T asm.Float](dst []T, rows, cols int, gain float64, r *rand.Rand) {
	if len(dst) != rows*cols {
		panic("learn: Orthogonal: dst length does not match rows×cols")
	}
	if len(dst) == 0 {
		return
	}
	// Work on the tall orientation (m ≥ n), transpose back if needed.
	m, n := rows, cols
	if m < n {
		m, n = n, m
	}
	g := make([]float64, m*n) // column by column
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			g[j*m+i] = detrand.NormFloat64(r)
		}
	}
	qr := detlinalg.NewQRCols(g, m, n)
	q := qr.QCols()
	for j := 0; j < n; j++ {
		s := gain
		if qr.RDiag(j) < 0 {
			s = -gain
		}
		col := q[j*m : (j+1)*m]
		for i, v := range col {
			if rows >= cols {
				dst[i*cols+j] = T(s * v)
			} else {
				dst[j*cols+i] = T(s * v)
			}
		}
	}
}
