package detfft

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/cmplx"
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
	"gonum.org/v1/gonum/dsp/fourier"
)

// testLengths covers 1..70 (primes, powers of two and composites), larger
// powers of two, primes and highly composite lengths.
func testLengths() []int {
	var ns []int
	for n := 1; n <= 70; n++ {
		ns = append(ns, n)
	}
	return append(ns, 97, 127, 128, 243, 256, 500, 509, 512, 1000, 1009, 1024, 2048, 3001, 4096)
}

// sequence returns a deterministic real sequence of length n: a random
// walk with a sinusoid, from a linear congruential generator.
func sequence(n int, seed uint64) []float64 {
	x := make([]float64, n)
	s := seed
	var w float64
	for i := range x {
		s = s*6364136223846793005 + 1442695040888963407
		w += float64(int64(s>>11)-1<<52) / (1 << 52)
		x[i] = w + float64(3*detmathSin(float64(i)*0.3))
	}
	return x
}

// detmathSin is a sine for test inputs only (math.Sin is deterministic
// enough on one machine; the golden inputs must be the same everywhere,
// so they use this package's own functions).
func detmathSin(x float64) float64 {
	_, s := cisTurn(int64(math.Mod(x*1000, 1<<30)), 1<<30)
	return s
}

// naiveDFT is the O(n²) DFT X_k = Σ_j x_j·exp(−2πi·jk/n), k ≤ n/2, with
// the angle reduced exactly (jk mod n) and math's Sincos.
func naiveDFT(x []float64) []complex128 {
	n := len(x)
	out := make([]complex128, n/2+1)
	for k := range out {
		var re, im float64
		for j, v := range x {
			s, c := math.Sincos(2 * math.Pi * float64((j*k)%n) / float64(n))
			re += v * c
			im -= v * s
		}
		out[k] = complex(re, im)
	}
	return out
}

// maxErr returns max_k |got_k − want_k| / ‖x‖₂ over the half spectrum.
func maxErr(got, want []complex128, x []float64) float64 {
	var nrm float64
	for _, v := range x {
		nrm += v * v
	}
	nrm = math.Sqrt(nrm)
	var e float64
	for k := range want {
		e = math.Max(e, cmplx.Abs(got[k]-want[k]))
	}
	return e / nrm
}

// TestAgainstNaiveDFT compares the transform with the naive DFT for every
// test length: radix-2 and Bluestein must both agree to 1e-12 of the
// input's norm (the errors seen are near 1e-15).
func TestAgainstNaiveDFT(t *testing.T) {
	var worst float64
	var at int
	ns := testLengths()
	if !testing.Short() {
		ns = append(ns, 10007)
	}
	for _, n := range ns {
		x := sequence(n, uint64(n))
		got := New(n).Coefficients(nil, x)
		if len(got) != n/2+1 {
			t.Fatalf("n=%d: %d coefficients, want %d", n, len(got), n/2+1)
		}
		e := maxErr(got, naiveDFT(x), x)
		if e > worst {
			worst, at = e, n
		}
		if e > 1e-12 {
			t.Errorf("n=%d: max error %.3g of the norm, want ≤ 1e-12", n, e)
		}
	}
	t.Logf("worst error %.3g of the norm (n=%d)", worst, at)
}

// TestAgainstGonum compares with gonum's fourier.FFT, the transform the
// package replaces in analysis. Not at large prime lengths: there gonum is
// the less accurate (n = 10007: 6.0e-12 of the norm from the naive DFT,
// detfft 1.6e-13).
func TestAgainstGonum(t *testing.T) {
	for _, n := range append(testLengths(), 65536, 100000) {
		x := sequence(n, 7*uint64(n))
		got := New(n).Coefficients(nil, x)
		want := fourier.NewFFT(n).Coefficients(nil, x)
		if e := maxErr(got, want, x); e > 1e-12 {
			t.Errorf("n=%d: max difference from gonum %.3g of the norm, want ≤ 1e-12", n, e)
		}
	}
}

// TestAnalytic checks transforms known in closed form: an impulse (all
// ones), a constant (n at 0, exactly zero elsewhere for powers of two),
// and a cosine at bin 3 (n/2 there).
func TestAnalytic(t *testing.T) {
	for _, n := range []int{8, 12, 16, 17, 64, 100, 101} {
		f := New(n)
		imp := make([]float64, n)
		imp[0] = 1
		for k, c := range f.Coefficients(nil, imp) {
			if cmplx.Abs(c-1) > 1e-14 {
				t.Errorf("n=%d impulse: X_%d = %v, want 1", n, k, c)
			}
		}
		one := make([]float64, n)
		cos3 := make([]float64, n)
		for j := range one {
			one[j] = 1
			cos3[j], _ = cisTurn(int64(3*j), int64(n))
		}
		for k, c := range f.Coefficients(nil, one) {
			want := 0.0
			if k == 0 {
				want = float64(n)
			}
			if cmplx.Abs(c-complex(want, 0)) > 1e-13*float64(n) {
				t.Errorf("n=%d constant: X_%d = %v, want %v", n, k, c, want)
			}
		}
		for k, c := range f.Coefficients(nil, cos3) {
			want := 0.0
			if k == 3 {
				want = float64(n) / 2
			}
			if cmplx.Abs(c-complex(want, 0)) > 1e-13*float64(n) {
				t.Errorf("n=%d cos(2π·3j/n): X_%d = %v, want %v", n, k, c, want)
			}
		}
	}
}

// TestCisTurn checks the twiddles against math's Sincos of the rounded
// angle θ = 2πr/n (within 2⁻⁵²·(1+θ): the rounding of θ is math's error,
// not cisTurn's) and the exact values at quarter turns, and that sin of a
// small angle keeps its relative accuracy.
func TestCisTurn(t *testing.T) {
	for _, n := range []int64{1, 2, 3, 4, 5, 7, 8, 12, 360, 1000, 1 << 10, 1 << 20} {
		for r := int64(0); r < min(n, 5000); r++ {
			c, s := cisTurn(r, n)
			theta := 2 * math.Pi * float64(r) / float64(n)
			ws, wc := math.Sincos(theta)
			if tol := 0x1p-52 * (1 + theta); math.Abs(c-wc) > tol || math.Abs(s-ws) > tol {
				t.Fatalf("cisTurn(%d, %d) = (%.17g, %.17g), want (%.17g, %.17g)", r, n, c, s, wc, ws)
			}
			if 4*r%n == 0 {
				want := [4][2]float64{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}[4*r/n]
				if c != want[0] || s != want[1] {
					t.Errorf("cisTurn(%d, %d) = (%v, %v), want %v exactly", r, n, c, s, want)
				}
			}
		}
	}
	// A small angle's sine: 2π/2²⁰ to within 2 ulps.
	_, s := cisTurn(1, 1<<20)
	if want := math.Sin(2 * math.Pi / (1 << 20)); math.Abs(s-want) > 2*(math.Nextafter(want, 1)-want) {
		t.Errorf("sin(2π/2²⁰) = %.17g, want %.17g", s, want)
	}
}

// TestDstReuse checks that a dst of the right length is filled in place
// and that a plan gives the same bits when used again.
func TestDstReuse(t *testing.T) {
	f := New(30)
	x := sequence(30, 1)
	dst := make([]complex128, 16)
	got := f.Coefficients(dst, x)
	if &got[0] != &dst[0] {
		t.Error("dst of length n/2+1 not used")
	}
	again := f.Coefficients(nil, x)
	for k := range got {
		if got[k] != again[k] {
			t.Fatalf("X_%d = %v, then %v", k, got[k], again[k])
		}
	}
}

// TestPanics checks the documented panics.
func TestPanics(t *testing.T) {
	for name, fn := range map[string]func(){
		"New(0)":      func() { New(0) },
		"wrong input": func() { New(8).Coefficients(nil, make([]float64, 7)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}

// goldenSum is FNV-1a 64 of the bits of the real and imaginary parts of
// the coefficients of sequence(n, n) for n in goldenLengths, 8
// little-endian bytes each, in order, computed on amd64. Every
// architecture and build must reproduce it; never update it for a change
// of results.
const goldenSum = 0x843e91d1f88ed117

var goldenLengths = []int{1, 2, 3, 4, 5, 7, 8, 16, 30, 64, 97, 100, 128, 1000, 1024, 4096, 10007}

// TestGolden checks the checksum: under qemu-aarch64 (make asm-arm64) it
// is the check that arm64 gives amd64's bits.
func TestGolden(t *testing.T) {
	h := fnv.New64a()
	var buf []byte
	for _, n := range goldenLengths {
		for _, c := range New(n).Coefficients(nil, sequence(n, uint64(n))) {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(real(c)))
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(imag(c)))
		}
	}
	h.Write(buf)
	if got := h.Sum64(); got != goldenSum {
		t.Errorf("checksum %#016x, want %#016x", got, uint64(goldenSum))
	}
}

// TestNoFusedMultiplyAdd fails if the compiler fuses a multiply-add in the
// package on any fusing target (see internal/fmacheck).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "detfft.(*FFT).transform", "detfft.(*FFT).Coefficients", "detfft.sinOctant", "detfft.cisTurn")
}
