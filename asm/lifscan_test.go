package asm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLIFScan compares LIFScan and LIFScanBackward on every path with their
// references, bit for bit, over all lengths up to 67 and random longer ones,
// at offsets that misalign the vectors, with and without special values
// (±Inf, NaN, ±0, subnormals) and potentials at the threshold, and checks
// that nothing outside the slices is written.
func TestLIFScan(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testLIFScan[float32])
		t.Run("float64", testLIFScan[float64])
	})
}

func testLIFScan[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	c := LIFScanCoef[T]{Alpha: 0.8, Beta: 0.9, CIn: 0.1, VLeak: -0.25, VReset: -0.5, Theta: 0.3}
	for _, n := range testLengths(r) {
		for _, specials := range []bool{false, true} {
			off := r.IntN(3)
			name := fmt.Sprintf("n=%d/off=%d/specials=%v", n, off, specials)
			// Forward.
			var bufs [5][]T
			var ins [5][]T
			for j := range ins {
				ins[j], bufs[j] = guarded[T](n, off)
				fill(r, ins[j], specials)
			}
			u, s, v, cur, bias := ins[0], ins[1], ins[2], ins[3], ins[4]
			if n > 2 {
				// A potential on or next to the threshold (x = vL + CIn·u
				// with u = (θ − vL)/CIn, up to rounding).
				cur[1], bias[1], v[1] = 0, 0, c.VLeak
				u[1] = (c.Theta - c.VLeak) / c.CIn
			}
			want := [5][]T{slices.Clone(u), slices.Clone(s), slices.Clone(v), slices.Clone(cur), slices.Clone(bias)}
			lifScanGeneric(want[0], want[1], want[2], want[3], want[4], c.Alpha, c.Beta, c.CIn, c.VLeak, c.VReset, c.Theta)
			LIFScan(&c, u, s, v, cur, bias)
			for j, nm := range []string{"u", "s", "v", "cur", "bias"} {
				if i := firstDiff(ins[j], want[j]); i >= 0 {
					t.Fatalf("LIFScan %s: %s[%d] = %v, want %v", name, nm, i, ins[j][i], want[j][i])
				}
				checkGuards(t, "LIFScan "+name+" "+nm, bufs[j], off, n)
			}
			if !specials {
				for i, z := range s {
					if z != 0 && z != 1 {
						t.Fatalf("LIFScan %s: s[%d] = %v, want 0 or 1", name, i, z)
					}
				}
			}
			// Backward.
			var bbufs [6][]T
			var bins [6][]T
			for j := range bins {
				bins[j], bbufs[j] = guarded[T](n, off)
				fill(r, bins[j], specials)
			}
			for i := range bins[1] {
				if r.IntN(2) == 0 {
					bins[1][i] = 1 // spikes
				} else {
					bins[1][i] = 0
				}
			}
			bwant := [6][]T{}
			for j := range bins {
				bwant[j] = slices.Clone(bins[j])
			}
			lifScanBackwardGeneric(bwant[0], bwant[1], bwant[2], bwant[3], bwant[4], bwant[5], c.Alpha, c.Beta, c.CIn, c.VReset)
			LIFScanBackward(&c, bins[0], bins[1], bins[2], bins[3], bins[4], bins[5])
			for j, nm := range []string{"u", "s", "ds", "g", "dv", "di"} {
				if i := firstDiff(bins[j], bwant[j]); i >= 0 {
					t.Fatalf("LIFScanBackward %s: %s[%d] = %v, want %v", name, nm, i, bins[j][i], bwant[j][i])
				}
				checkGuards(t, "LIFScanBackward "+name+" "+nm, bbufs[j], off, n)
			}
		}
	}
}

// TestLIFScanEquations checks the reference against the equations in
// float64 on a hand-sized example: one neuron below threshold, one above.
func TestLIFScanEquations(t *testing.T) {
	c := LIFScanCoef[float64]{Alpha: 0.5, Beta: 0.75, CIn: 0.25, VLeak: 0, VReset: -1, Theta: 1}
	u, s := []float64{2, 20}, []float64{9, 9}
	v, cur, bias := []float64{0.4, 0.8}, []float64{1, 2}, []float64{0.5, 0}
	LIFScan(&c, u, s, v, cur, bias)
	// I = 0.5·1 + 2.5 = 3, x = 0.75·0.4 + 0.25·3 = 1.05 > 1: spike, v = x − (x + 1).
	// I = 0.5·2 + 20 = 21, x = 0.75·0.8 + 0.25·21 = 5.85: spike, v = x − (x + 1).
	x0, x1 := 0.75*0.4+0.75, 0.75*0.8+5.25
	if cur[0] != 3 || cur[1] != 21 || u[0] != x0 || u[1] != x1 || s[0] != 1 || s[1] != 1 || v[0] != x0-(x0+1) || v[1] != x1-(x1+1) {
		t.Fatalf("forward: cur %v u %v s %v v %v", cur, u, s, v)
	}
	u, s = []float64{0.5}, []float64{0}
	v, cur, bias = []float64{0}, []float64{0}, []float64{0}
	LIFScan(&c, u, s, v, cur, bias)
	if s[0] != 0 || v[0] != u[0] || u[0] != 0.125 {
		t.Fatalf("forward below threshold: u %v s %v v %v", u, s, v)
	}
	// du = 2·(1 − 1) + (3 + 2·(−1 − 1.5))·0.5 = −1; dv = −0.75; e = 4 − 0.25 = 3.75; di = 1.875.
	ub, sb, ds, g, dv, di := []float64{1.5}, []float64{1}, []float64{3}, []float64{0.5}, []float64{2}, []float64{4}
	LIFScanBackward(&c, ub, sb, ds, g, dv, di)
	if dv[0] != -0.75 || ub[0] != 3.75 || di[0] != 1.875 {
		t.Fatalf("backward: dv %v dL/dI %v di %v", dv, ub, di)
	}
}

// TestSpikeDeriv compares SpikeDeriv on every path with its reference, bit
// for bit, over all lengths up to 67 and random longer ones, misaligned,
// with and without special values, and checks that nothing outside the
// slices is written; it also checks the formula on hand-sized values.
func TestSpikeDeriv(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testSpikeDeriv[float32])
		t.Run("float64", testSpikeDeriv[float64])
	})
}

func testSpikeDeriv[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, n := range testLengths(r) {
		for _, specials := range []bool{false, true} {
			for _, sc := range [][3]T{{1, 100, 1}, {0.3, 10, 5}} {
				off := r.IntN(3)
				name := fmt.Sprintf("n=%d/off=%d/specials=%v/coef=%v", n, off, specials, sc)
				u, ubuf := guarded[T](n, off)
				fill(r, u, specials)
				if n > 1 {
					u[0] = sc[0] // at the threshold: d = 1
				}
				dst, dbuf := guarded[T](n, off)
				want := make([]T, n)
				u0 := slices.Clone(u)
				spikeDerivGeneric(want, u, sc[0], sc[1], sc[2])
				SpikeDeriv(dst, u, sc[0], sc[1], sc[2])
				if i := firstDiff(dst, want); i >= 0 {
					t.Fatalf("%s: dst[%d] = %v, want %v", name, i, dst[i], want[i])
				}
				if i := firstDiff(u, u0); i >= 0 {
					t.Fatalf("%s: u[%d] changed", name, i)
				}
				checkGuards(t, "SpikeDeriv "+name+" dst", dbuf, off, n)
				checkGuards(t, "SpikeDeriv "+name+" u", ubuf, off, n)
			}
		}
	}
	// d = 100·|1.25 − 1| + 1 = 26 → 1/676; at θ: 1; fast sigmoid α = 4 (scale 2), x = 0.75: d = 2 → 1/2.
	got := make([]T, 3)
	SpikeDeriv(got[:2], []T{1.25, 1}, 1, 100, 1)
	SpikeDeriv(got[2:], []T{0.75}, 1, 4, 2)
	if got[0] != 1/T(676) || got[1] != 1 || got[2] != 0.5 {
		t.Fatalf("hand-sized values: %v, want [1/676 1 0.5]", got)
	}
}
