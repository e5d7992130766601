package learn_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/neurodyn/neurodyn/learn"
)

// gonumOrthogonal is Orthogonal as it was computed before with gonum's QR
// (same draws, same sign correction): the reference for the distribution.
func gonumOrthogonal(rows, cols int, gain float64, r *rand.Rand) []float64 {
	m, n := max(rows, cols), min(rows, cols)
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
	dst := make([]float64, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if rows >= cols {
				dst[i*cols+j] = gain * q.At(i, j) * math.Copysign(1, rr.At(j, j))
			} else {
				dst[i*cols+j] = gain * q.At(j, i) * math.Copysign(1, rr.At(i, i))
			}
		}
	}
	return dst
}

// TestOrthogonalMatchesGonum: the same draws give gonum's Q to rounding.
func TestOrthogonalMatchesGonum(t *testing.T) {
	for _, sh := range [][2]int{{1, 1}, {5, 5}, {6, 3}, {3, 6}, {64, 64}, {200, 200}, {150, 40}} {
		m, n := sh[0], sh[1]
		t.Run(fmt.Sprintf("%dx%d", m, n), func(t *testing.T) {
			got := make([]float64, m*n)
			learn.Orthogonal(got, m, n, -1.5, rand.New(rand.NewPCG(3, 9)))
			want := gonumOrthogonal(m, n, -1.5, rand.New(rand.NewPCG(3, 9)))
			worst := 0.0
			for i := range got {
				worst = max(worst, math.Abs(got[i]-want[i]))
			}
			if worst > 1e-12 {
				t.Fatalf("max |Δ| from gonum's Q = %g, want ≤ 1e-12", worst)
			}
		})
	}
}

// TestOrthogonalGolden pins the bits of the CT-RNN's recurrent
// initialization (ctrnn.New with Seed 42 draws W_rec as
// Orthogonal(H, H, 0.9, PCG(42, 1))): SHA-256 of the little-endian float64
// bits of the float64 matrix, and of the float32 matrix widened to float64.
// The same digests must come out of the default build, -tags noasm,
// GOARCH=386 and arm64 (make asm-arm64 runs this under qemu-aarch64);
// gonum's QR gave 31,611 (H = 200) and 975,431 (H = 1,024) differing
// float64 entries between the default build and noasm.
func TestOrthogonalGolden(t *testing.T) {
	for _, c := range []struct {
		h        int
		f64, f32 string
	}{
		{200, "afce13d56e823aeb492dc754b91d39cf9b8103ed4e6f882796a80a98b2a5c9db", "66823bacf80ba29b9236d1ef2971828b399ded2f103068198eef5b55cbdbaa8f"},
		{1024, "ab7c42aa976ebf72f8e393203a1a0eb42646cb59ef5384fbb35975bbd1b4ac2e", "5ba5865584ab1edd14054170563e0ea5732da16b04209caf3fff8922dc961cb7"},
	} {
		t.Run(fmt.Sprintf("H=%d", c.h), func(t *testing.T) {
			w64 := make([]float64, c.h*c.h)
			learn.Orthogonal(w64, c.h, c.h, 0.9, rand.New(rand.NewPCG(42, 1)))
			w32 := make([]float32, c.h*c.h)
			learn.Orthogonal(w32, c.h, c.h, 0.9, rand.New(rand.NewPCG(42, 1)))
			for i := range w32 {
				if w32[i] != float32(w64[i]) {
					t.Fatalf("float32 entry %d = %v, float64's rounded %v", i, w32[i], float32(w64[i]))
				}
			}
			h64, h32 := sha256.New(), sha256.New()
			var b [8]byte
			for i := range w64 {
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(w64[i]))
				h64.Write(b[:])
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(float64(w32[i])))
				h32.Write(b[:])
			}
			if got := hex.EncodeToString(h64.Sum(nil)); got != c.f64 {
				t.Errorf("float64: SHA-256 %s, want %s", got, c.f64)
			}
			if got := hex.EncodeToString(h32.Sum(nil)); got != c.f32 {
				t.Errorf("float32: SHA-256 %s, want %s", got, c.f32)
			}
		})
	}
}
