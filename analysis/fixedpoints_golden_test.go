package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

// softsignNet is dh/dt = −h + W·σ(h), σ(u) = u/(1 + |u|), a continuous-time
// network whose vector field and Jacobian need no transcendental function,
// so they have the same bits on every architecture (FlipFlopNet's tanh
// comes from the math package, whose last bits differ on arm64).
type softsignNet struct {
	n int
	w []float64
}

// newSoftsignNet draws W with self-excitation self on the diagonal (each
// unit alone is bistable for self > 1) and uniform couplings of scale
// coupling/√n off it.
func newSoftsignNet(n int, self, coupling float64, seed uint64) *softsignNet {
	r := rand.New(rand.NewPCG(seed, 7))
	s := &softsignNet{n: n, w: make([]float64, n*n)}
	for i := range s.w {
		s.w[i] = coupling * (2*r.Float64() - 1) / math.Sqrt(float64(n))
	}
	for i := 0; i < n; i++ {
		s.w[i*n+i] = self
	}
	return s
}

func (s *softsignNet) StateDim() int  { return s.n }
func (s *softsignNet) InputDim() int  { return 0 }
func (s *softsignNet) OutputDim() int { return 1 }
func (s *softsignNet) VectorField(dst, h, _ []float64) {
	for i := 0; i < s.n; i++ {
		v := -h[i]
		for j, wij := range s.w[i*s.n : (i+1)*s.n] {
			v += float64(wij * (h[j] / (1 + math.Abs(h[j]))))
		}
		dst[i] = v
	}
}
func (s *softsignNet) Jacobian(jac, h, _ []float64) {
	for i := 0; i < s.n; i++ {
		for j, wij := range s.w[i*s.n : (i+1)*s.n] {
			d := 1 + math.Abs(h[j])
			jac[i*s.n+j] = wij / float64(d*d)
		}
		jac[i*s.n+i]--
	}
}
func (s *softsignNet) Decode(y, h []float64) { y[0] = h[0] }

// TestFixedPointsGolden pins the bits of FixedPoints' results (states,
// speeds, eigenvalues, unstable modes, start counts) on Lorenz-63 and on
// a random 5-unit softsign network (20 points: 9 stable, 11 saddles): the same in the default build, -tags noasm, GOARCH=386 and on
// arm64 (make asm-arm64). With gonum's L-BFGS, LU and Eigen the points of
// a trained flip-flop CT-RNN moved by up to 7e-7 between the default build
// and noasm.
func TestFixedPointsGolden(t *testing.T) {
	var h figureHash
	for _, c := range []struct {
		name string
		run  func() (*FixedPointResult, error)
	}{
		{"lorenz", func() (*FixedPointResult, error) {
			visited := lorenzSamples(t, []float64{1, 1, 1}, 0.05, 400)
			return FixedPoints(AsDynamics(Lorenz63{}), nil, visited, FixedPointConfig{Starts: 24, Seed: 3})
		}},
		{"softsign", func() (*FixedPointResult, error) {
			rng := rand.New(rand.NewPCG(5, 9))
			visited := make([]float64, 200*5)
			for i := range visited {
				visited[i] = 4 * (2*rng.Float64() - 1)
			}
			return FixedPoints(newSoftsignNet(5, 2.5, 1, 11), nil, visited, FixedPointConfig{Starts: 48, Seed: 2})
		}},
	} {
		r, err := c.run()
		if err != nil {
			t.Fatal(err)
		}
		h.i(len(r.Points), r.Rejected)
		h.f(r.Scale)
		unstable := map[int]int{}
		for _, p := range r.Points {
			h.f(p.H...)
			h.f(p.Output...)
			h.f(p.Speed, p.Q, p.Drift)
			for _, e := range p.Eigenvalues {
				h.f(real(e), imag(e))
			}
			for _, m := range p.UnstableModes {
				h.f(m...)
			}
			h.i(int(p.Kind), p.Unstable, p.Starts)
			unstable[p.Unstable]++
		}
		t.Logf("%s: %d points by unstable modes %v, %d rejected", c.name, len(r.Points), unstable, r.Rejected)
	}
	h.check(t, "the fixed points", "30e8d831496e8e9a4a72e391d4258b3eb61d5b37f368018bd67b3788702cb314")
}
