package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// ctrnnForward runs the tutorial's CT-RNN (H hidden units, I inputs,
// Euler, τ = 5 so alpha = 0.2) for steps steps on a seeded input sequence and
// returns the final state, the trajectory's checksum of bits and the decoded
// outputs of the last step — all with the kernels of the current path:
// z = b; z += W_in·x; z += W_rec·h; a = tanh(z); h += alpha·(a − h); out = W_out·h.
func ctrnnForward[T Float](h, in, out, steps int, seed uint64) (state []T, sum uint64, y []T) {
	r := rand.New(rand.NewPCG(seed, 99))
	g := func(n int, scale float64) []T {
		s := make([]T, n)
		for i := range s {
			s[i] = T(r.NormFloat64() * scale)
		}
		return s
	}
	wRec, wIn, bias, wOut := g(h*h, 1.2/math.Sqrt(float64(h))), g(h*in, 0.3), g(h, 0.1), g(out*h, 0.125)
	xs := g(steps*in, 1)
	st, z, a := make([]T, h), make([]T, h), make([]T, h)
	y = make([]T, out)
	for s := range steps {
		copy(z, bias)
		Gemv(false, h, in, 1, wIn, in, xs[s*in:(s+1)*in], 1, z)
		Gemv(false, h, h, 1, wRec, h, st, 1, z)
		Step(ActTanh, st, a, z, 0.2)
		for _, v := range st {
			var bits uint64
			if is32[T]() {
				bits = uint64(math.Float32bits(float32(v)))
			} else {
				bits = math.Float64bits(float64(v))
			}
			sum = (sum ^ bits) * 1099511628211
		}
	}
	Gemv(false, out, h, 1, wOut, h, st, 0, y)
	return st, sum, y
}

// TestCTRNNForwardPaths runs a CT-RNN forward pass of 1,000 steps on every
// path (avx512 where the CPU has it — make asm-avx512 runs it on an emulated
// AVX-512 CPU —, avx2 and generic) and demands bit-identical
// trajectories: the property a seeded simulation relies on. The checksums of
// the trajectories are also pinned (golden values from amd64, reproduced by
// the pure-Go path on arm64 under qemu-aarch64, see make asm-arm64), so a
// change of any kernel's arithmetic on any architecture fails here; a
// deliberate change of the canonical arithmetic updates them.
func TestCTRNNForwardPaths(t *testing.T) {
	t.Run("float32", testCTRNNPaths[float32])
	t.Run("float64", testCTRNNPaths[float64])
}

// ctrnnGolden holds the trajectory checksums by element size and H.
var ctrnnGolden = map[[2]int]uint64{
	{4, 64}: 0x2553a5cc52c47d1b, {4, 67}: 0x617955313c4cf41c,
	{8, 64}: 0xd9efcaa84476651e, {8, 67}: 0xecda5130f099c3fd,
}

func testCTRNNPaths[T Float](t *testing.T) {
	steps := 1000
	size := 8
	if is32[T]() {
		size = 4
	}
	for _, h := range []int{64, 67} {
		defer Reset()
		var ref uint64
		var refY []T
		for i, p := range Paths() {
			if err := Select(p); err != nil {
				t.Fatal(err)
			}
			st, sum, y := ctrnnForward[T](h, 3, 3, steps, 42)
			for _, v := range st {
				if math.IsNaN(float64(v)) || math.Abs(float64(v)) > 1 {
					t.Fatalf("H=%d %s: state out of (-1, 1): %v", h, p, v)
				}
			}
			if i == 0 {
				ref, refY = sum, y
				t.Logf("H=%d %s: checksum %#x, output %v", h, p, sum, y)
				if want := ctrnnGolden[[2]int{size, h}]; sum != want {
					t.Errorf("H=%d %s: checksum %#x, golden %#x", h, p, sum, want)
				}
				continue
			}
			if sum != ref || firstDiff(y, refY) >= 0 {
				t.Errorf("H=%d: path %s checksum %#x output %v, path %s checksum %#x output %v",
					h, p, sum, y, Paths()[0], ref, refY)
			}
		}
	}
}

// TestZeroAllocs pins the steady-state kernels at zero allocations.
func TestZeroAllocs(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		for _, n := range []int{64, 200, 300} {
			a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
			x, y, z := make([]float32, n), make([]float32, n), make([]float32, n)
			refr, spikes := make([]int32, n), make([]int32, n)
			Gemm(false, true, n, n, n, 1, a, n, b, n, 0, c, n) // warm the buffer pool
			cases := map[string]func(){
				"Gemm": func() { Gemm(false, true, n, n, n, 1, a, n, b, n, 0, c, n) },
				"Gemv": func() { Gemv(false, n, n, 1, a, n, x, 1, y) },
				"Step": func() { Step(ActTanh, x, y, z, 0.2) },
				"Dot":  func() { _ = Dot(x, y) },
				"LIFStep": func() {
					LIFStep(&LIFProp{P22: 0.99, Theta: 1}, x, y, z, a[:n], b[:n], c[:n], refr, spikes)
				},
				"LIFStepNoInput": func() {
					LIFStep(&LIFProp{P22: 0.99, Theta: 1}, x, y, z, nil, nil, c[:n], refr, spikes)
				},
			}
			if (n > 64 && Path() == "generic") || raceEnabled {
				delete(cases, "Gemm") // pooled buffers: see raceEnabled
			}
			for name, f := range cases {
				if got := testing.AllocsPerRun(5, f); got != 0 {
					t.Errorf("%s n=%d: %v allocations per call", name, n, got)
				}
			}
		}
	})
}

func TestFMAProbe(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		if got := FMAProbe(0); got != 0 {
			t.Fatalf("FMAProbe(0) = %d", got)
		}
		per := FMAProbe(1)
		if per <= 0 || FMAProbe(10) != 10*per {
			t.Fatalf("FMAProbe counts %d flops per iteration, %d for 10", per, FMAProbe(10))
		}
		want := map[string]int{"avx2": 192, "generic": 16}[Path()]
		if want != 0 && per != want {
			t.Fatalf("%s: %d flops per iteration, documented %d", Path(), per, want)
		}
	})
}

func ExampleFMAProbe() {
	flops := FMAProbe(1000)
	fmt.Println(flops > 0)
	// Output: true
}
