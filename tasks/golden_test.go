package tasks_test

import (
	"hash/fnv"
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/tasks"
	"github.com/neurodyn/neurodyn/tasks/nprand"
)

// dataHash is an FNV-1a hash of the bits of every value of a dataset's
// splits (float64 and float32 copies), its normalization, and a flip-flop's
// inputs and targets.
func dataHash(d *tasks.Dataset, ff *tasks.FlipFlop) uint64 {
	h := fnv.New64a()
	var b [8]byte
	put := func(u uint64, n int) {
		for i := range n {
			b[i] = byte(u >> (8 * i))
		}
		h.Write(b[:n])
	}
	for _, v := range append(append([]float64{}, d.Mean...), d.Std...) {
		put(math.Float64bits(v), 8)
	}
	for _, s := range []tasks.Series{d.Train, d.Val, d.Test, d.Eval} {
		for _, v := range s.Data {
			put(math.Float64bits(v), 8)
		}
		for _, v := range s.Data32 {
			put(uint64(math.Float32bits(v)), 4)
		}
	}
	for _, s := range []tasks.FlipFlopSplit{ff.Train, ff.Val, ff.Test} {
		for _, x := range [][]float32{s.Inputs, s.Targets} {
			for _, v := range x {
				put(uint64(math.Float32bits(v)), 4)
			}
		}
	}
	return h.Sum64()
}

// TestFlipFlopGolden pins the bits of a flip-flop with input noise and
// of 20,000 NumPy-compatible Gaussians (nprand.Randn: the Lorenz initial
// noise, through the double-double logarithm), computed on amd64. make
// asm-arm64 runs it under qemu-aarch64, where a multiply-add fused in the
// generator changes the hash.
func TestFlipFlopGolden(t *testing.T) {
	ff, err := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{TrainTrials: 16, ValTrials: 4, TestTrials: 4, InputNoise: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	rs := nprand.New(12345)
	g := make([]float64, 20000)
	for i := range g {
		g[i] = rs.Randn()
	}
	d := &tasks.Dataset{Train: tasks.Series{Data: g}}
	const want = 0xa42e69b26fc1f2a6
	if got := dataHash(d, ff); got != want {
		t.Errorf("flip-flop and Gaussians hash %#016x, want %#016x", got, uint64(want))
	}
}

// TestLorenzRK4Golden pins the bits of a Lorenz-63 trajectory of 4,000
// classic RK4 steps (dt 0.01, from the reference's initial state, past the
// point where chaos has amplified any last-bit difference beyond 10⁻⁸),
// normalized by FromSeries and mapped back by Denormalize, computed on
// amd64; make asm-arm64 runs it under qemu-aarch64, where a multiply-add
// fused in the vector field, the fixed-step solver or the statistics
// changes the hash. (The dopri5 datasets themselves are not pinned for
// arm64: the solver's step control calls math.Pow, whose bits differ
// there.)
func TestLorenzRK4Golden(t *testing.T) {
	const steps = 4000
	s, err := ode.NewFixed[float64](ode.RK4, 3)
	if err != nil {
		t.Fatal(err)
	}
	y := []float64{1, 1, 1}
	raw := make([]float64, 0, 3*(steps+1))
	raw = append(raw, y...)
	f := tasks.Lorenz{}.VectorField
	for i := range steps {
		s.Step(f, float64(i)*0.01, 0.01, y)
		raw = append(raw, y...)
	}
	d, err := tasks.FromSeries(tasks.RawSeries{Data: raw, Len: steps + 1, Dim: 3}, tasks.SeriesConfig{SeqLength: 20, Horizon: 1})
	if err != nil {
		t.Fatal(err)
	}
	back := make([]float64, len(d.Train.Data))
	d.Denormalize(back, d.Train.Data)
	d.Eval = tasks.Series{Data: back}
	const want = 0xdcbf99a0cd9db0fa
	if got := dataHash(d, &tasks.FlipFlop{}); got != want {
		t.Errorf("Lorenz RK4 hash %#016x, want %#016x (last state %v)", got, uint64(want), y)
	}
}

// TestLorenzDopri5Golden pins the bits of a short Lorenz dataset (dopri5
// at the reference tolerances, the NumPy initial noise, the normalization;
// train 20, val 5, test 5 and eval 20 time units), computed on amd64; make
// asm-arm64 runs it under qemu-aarch64, where a fused multiply-add or an
// elementary function with other bits (the step control's power) changes
// the hash.
func TestLorenzDopri5Golden(t *testing.T) {
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 20, ValT: 5, TestT: 5, EvalT: 20})
	if err != nil {
		t.Fatal(err)
	}
	const want = 0xfd68b2686a06a290
	if got := dataHash(d, &tasks.FlipFlop{}); got != want {
		t.Errorf("Lorenz dopri5 hash %#016x, want %#016x", got, uint64(want))
	}
}
