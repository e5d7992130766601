package detrand

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestMatchesMathRand: on amd64 the deviates are math/rand/v2's, bit for
// bit, except tail values (|x| > r), which may differ by an ulp (detmath.Log
// against the math package's assembly), and the source stays in step.
func TestMatchesMathRand(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("math/rand/v2's deviates differ on " + runtime.GOARCH)
	}
	n := 20_000_000
	if testing.Short() {
		n = 2_000_000
	}
	for _, seed := range []uint64{1, 42} {
		a, b := rand.New(rand.NewPCG(seed, 1)), rand.New(rand.NewPCG(seed, 1))
		tail, off := 0, 0
		for k := 0; k < n; k++ {
			x, y := NormFloat64(a), b.NormFloat64()
			if math.Abs(y) > zigR {
				tail++
				if x != y {
					off++
				}
				if math.Abs(x-y) > 2*math.Abs(y)*0x1p-52 {
					t.Fatalf("seed %d draw %d: %v, math/rand/v2 %v", seed, k, x, y)
				}
				continue
			}
			if x != y {
				t.Fatalf("seed %d draw %d: %v, math/rand/v2 %v", seed, k, x, y)
			}
		}
		t.Logf("seed %d: %d draws, %d in the tail, %d of them an ulp off", seed, n, tail, off)
	}
}

// TestMoments checks mean, variance and the tail mass against the
// standard normal's on 10⁶ draws (5σ bounds).
func TestMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 1_000_000
	var s, s2 float64
	tail := 0
	for k := 0; k < n; k++ {
		x := NormFloat64(r)
		s += x
		s2 += x * x
		if math.Abs(x) > 3 {
			tail++
		}
	}
	mean, v := s/n, s2/n-(s/n)*(s/n)
	p := math.Erfc(3 / math.Sqrt2)
	if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(v-1) > 5*math.Sqrt(2.0/n) ||
		math.Abs(float64(tail)-p*n) > 5*math.Sqrt(p*n) {
		t.Fatalf("mean %v, variance %v, P(|x| > 3) %v (want %v)", mean, v, float64(tail)/n, p)
	}
}

// TestGolden pins the bits of 2²⁰ deviates of PCG(42, 1) (26 of which
// differ between amd64 and arm64 with math/rand/v2): FNV-1a of their
// float64 bits, the same on every architecture.
func TestGolden(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 1))
	var h uint64 = 14695981039346656037
	for k := 0; k < 1<<20; k++ {
		h ^= math.Float64bits(NormFloat64(r))
		h *= 1099511628211
	}
	if want := uint64(0xc4ef90361c90284d); h != want {
		t.Fatalf("FNV-1a %#x, want %#x", h, want)
	}
}

// TestNoFusedMultiplyAdd fails if the compiler fuses a multiply-add in the
// package on any fusing target (see internal/fmacheck).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "detrand.NormFloat64", "detrand.init.0")
}
