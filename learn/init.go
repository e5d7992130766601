package learn

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/neurodyn/neurodyn/asm"
)

// Initializers fill parameter tensors from an explicit random source, as
// PyTorch's torch.nn.init functions do (same distributions, not the same
// draws). Models give each tensor its own stream, for example
// rand.New(rand.NewPCG(seed, k)) for tensor k, so adding a tensor does not
// change the others.

// Uniform fills dst with draws from U(lo, hi).
func Uniform[T asm.Float](dst []T, lo, hi float64, r *rand.Rand) {
	for i := range dst {
		dst[i] = T(lo + (hi-lo)*r.Float64())
	}
}

// Normal fills dst with draws from N(0, std²).
func Normal[T asm.Float](dst []T, std float64, r *rand.Rand) {
	for i := range dst {
		dst[i] = T(std * r.NormFloat64())
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
// the QR decomposition of a Gaussian matrix, with the signs of R's diagonal
// moved into Q so that the result is uniformly (Haar) distributed. For a
// square matrix every singular value, and every eigenvalue's modulus, is
// |gain|.
func Orthogonal[T asm.Float](dst []T, rows, cols int, gain float64, r *rand.Rand) {
	if len(dst) != rows*cols {
		panic("learn: Orthogonal: dst length does not match rows×cols")
	}
	// Work on the tall orientation (m ≥ n), transpose back if needed.
	m, n := rows, cols
	if m < n {
		m, n = n, m
	}
	g := mat.NewDense(m, n, nil)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			g.Set(i, j, r.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, rr mat.Dense
	qr.QTo(&q)
	qr.RTo(&rr)
	for j := 0; j < n; j++ {
		if rr.At(j, j) < 0 {
			for i := 0; i < m; i++ {
				q.Set(i, j, -q.At(i, j))
			}
		}
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			v := q.At(i, j)
			if rows < cols {
				v = q.At(j, i)
			}
			dst[i*cols+j] = T(gain * v)
		}
	}
}
