package kernel

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"sort"
	"testing"
)

// zigNormal is the noise device's deviate for word s of the Philox block
// r = Philox2x64(c0, c1, key): the fast path, else the slow one.
func zigNormal(r, c0, c1, key, s uint64) float64 {
	if z, ok := zigFast(r); ok {
		return z
	}
	return zigSlow(r, c0, c1, key, s)
}

// zigWord is a word in layer i with the 53-bit uniform m and sign bit neg.
func zigWord(i uint8, m uint64, neg bool) uint64 {
	w := m<<11 | uint64(i)
	if neg {
		w |= 0x100
	}
	return w
}

// TestNoiseBitsGolden pins the float64 bits of the ziggurat's tables, of
// 4,096 blocks' deviates (both words, the device's counter layout), of
// 1,000 tail draws and 2,550 wedge tests (words spread over the slow part
// of each layer) and of 500 modulated standard deviations, before the rounding
// to float32 that hides most last-bit differences: a product fused into a
// multiply-add (arm64, ppc64le, s390x, riscv64), or another Log, Exp or √,
// changes the checksum (make asm-arm64 runs the Golden tests under
// qemu-aarch64).
func TestNoiseBitsGolden(t *testing.T) {
	h := fnv.New64a()
	var buf [8]byte
	put := func(x float64) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(x))
		h.Write(buf[:])
	}
	for i := range 257 {
		put(zig.x[i])
		put(zig.f[i])
	}
	for i := range 256 {
		put(float64(zig.k[i]))
	}
	const key = 0x243f6a8885a308d3
	var s1, s2 float64
	for i := range uint64(4096) {
		c1 := i*7919<<16 | 3
		r0, r1 := Philox2x64(i, c1, key)
		a, b := zigNormal(r0, i, c1, key, 0), zigNormal(r1, i, c1, key, 1)
		put(a)
		put(b)
		s1 += a + b
		s2 += a*a + b*b
	}
	if m, v := s1/8192, s2/8192; math.Abs(m) > 5/math.Sqrt(8192) || math.Abs(v-1) > 5*math.Sqrt(2.0/8192) {
		t.Fatalf("deviates of mean %g and second moment %g, want N(0, 1)", m, v)
	}
	for i := range uint64(1000) {
		z := zigSlow(zigWord(0, 1<<53-1-i, i&1 == 1), i, 5<<16, key, i&1)
		if math.Abs(z) <= zigR {
			t.Fatalf("tail draw %d: %g, want beyond ±r", i, z)
		}
		put(z)
	}
	for l := 1; l < 256; l++ {
		for i := range uint64(10) {
			put(zigSlow(zigWord(uint8(l), zig.k[l]+i*(1<<53-zig.k[l])/10, l&1 == 1), i, uint64(l)<<16, key, 0))
		}
	}
	d := &device{plan: devPlan{spec: DeviceSpec{StdPA: 90, StdModPA: 70, FrequencyHz: 33, PhaseDeg: 200}, start: 3, noiseSteps: 7}}
	d.prepareNoise(1, 0.1)
	for j := range int64(500) {
		sd := d.noiseStd(j)
		tj := float64(7*j+1) * 0.1 // from the window's start (step 3)
		if want := math.Sqrt(8100 + 4900*math.Sin(2*math.Pi*33*tj/1000+200*math.Pi/180)); math.Abs(sd-want) > 1e-9*want {
			t.Fatalf("interval %d: std %.12g pA, want %.12g", j, sd, want)
		}
		put(sd)
	}
	const want = 0x24a132dbf75464f
	if got := h.Sum64(); got != want {
		t.Fatalf("checksum %#x, golden %#x", got, uint64(want))
	}
}

// TestZigguratTables checks the tables against their definition, computed
// independently with the math package: r and v close the ziggurat (v =
// r·f(r) + ∫_r^∞ f by math.Erfc; the top layer, whose edge x_256 = 0 is
// set, not computed, has area v), every layer has area v, the edges fall
// and f(x_i) = e^{−x_i²/2}, each within a few rounding errors; and k[i] is
// the exact bound of the fast path: m = k[i] − 1 passes the test m·w[i] <
// x[i+1] and m = k[i] fails it.
func TestZigguratTables(t *testing.T) {
	f := func(x float64) float64 { return math.Exp(-x * x / 2) }
	if v := zigR*f(zigR) + math.Sqrt(math.Pi/2)*math.Erfc(zigR/math.Sqrt2); math.Abs(v-zigV) > 1e-15*zigV {
		t.Errorf("v = %.17g, want r·f(r) + ∫_r^∞ f = %.17g", zigV, v)
	}
	if zig.x[1] != zigR || zig.x[256] != 0 || zig.f[0] != 0 || zig.f[256] != 1 {
		t.Fatalf("x_1 = %g, x_256 = %g, f_0 = %g, f_256 = %g: want r, 0, 0, 1", zig.x[1], zig.x[256], zig.f[0], zig.f[256])
	}
	if base := zig.x[0] * zig.f[1]; math.Abs(base-zigV) > 1e-15*zigV {
		t.Errorf("base strip x_0·f(r) = %.17g, want v", base)
	}
	var worst float64
	for i := 1; i < 256; i++ {
		if !(zig.x[i+1] < zig.x[i]) {
			t.Fatalf("x[%d] = %g ≥ x[%d] = %g", i+1, zig.x[i+1], i, zig.x[i])
		}
		if math.Abs(zig.f[i]-f(zig.x[i])) > 4e-16*f(zig.x[i]) {
			t.Errorf("f[%d] = %.17g, want e^{−x²/2} = %.17g", i, zig.f[i], f(zig.x[i]))
		}
		area := zig.x[i] * (zig.f[i+1] - zig.f[i])
		worst = max(worst, math.Abs(area-zigV)/zigV)
	}
	t.Logf("layer areas within %.2g of v (relative); top edge x_255 = %.6f", worst, zig.x[255])
	if worst > 1e-12 {
		t.Errorf("a layer's area is %.3g off v (relative), want ≤ 1e-12", worst)
	}
	var fast float64
	for i := range 256 {
		if zig.w[i] != zig.x[i]/(1<<53) {
			t.Fatalf("w[%d] = %g, want x[%d]·2⁻⁵³", i, zig.w[i], i)
		}
		k := zig.k[i]
		if k > 0 && !(float64(k-1)*zig.w[i] < zig.x[i+1]) || k < 1<<53 && float64(k)*zig.w[i] < zig.x[i+1] {
			t.Fatalf("k[%d] = %d is not the bound of m·w < x[%d] = %g", i, k, i+1, zig.x[i+1])
		}
		fast += float64(k) / (1 << 53) / 256
	}
	t.Logf("fast path: %.4f %% of words", 100*fast)
	if fast < 0.985 {
		t.Errorf("fast path %.4f %% of words, want ≥ 98.5 %%", 100*fast)
	}
}

// chi2Limit is the Wilson–Hilferty approximation of the χ² quantile with
// df degrees of freedom at z standard deviations of the normal.
func chi2Limit(df, z float64) float64 {
	a := 2 / (9 * df)
	return df * math.Pow(1-a+z*math.Sqrt(a), 3)
}

// normalBins returns edges that cut the real line into the bins of the
// χ² tests: ± every edge x_i of the ziggurat's layers (so that each
// wedge is a bin of its own: its x range receives the wedge and the fast
// paths of the layers below) and of tail bins beyond ±r up to ±6, merged
// from the outside in until each bin expects at least 20 of n draws; and
// the probability of each bin under N(0, 1) (math.Erf, independent of the
// sampler).
func normalBins(n float64) (edges, probs []float64) {
	pos := []float64{}
	for i := 255; i >= 1; i-- {
		pos = append(pos, zig.x[i])
	}
	for _, x := range []float64{3.75, 3.85, 4, 4.15, 4.3, 4.5, 4.75, 5, 5.5, 6} {
		pos = append(pos, x)
	}
	all := []float64{0}
	for _, x := range pos {
		all = append(all, x)
		all = append([]float64{-x}, all...)
	}
	cdf := func(x float64) float64 { return (1 + math.Erf(x/math.Sqrt2)) / 2 }
	// bins (−∞, all[0]), [all[0], all[1]), …, [all[last], ∞)
	p := []float64{cdf(all[0])}
	for i := 1; i < len(all); i++ {
		p = append(p, cdf(all[i])-cdf(all[i-1]))
	}
	p = append(p, 1-cdf(all[len(all)-1]))
	// merge tail bins: from the left, then (mirrored) from the right
	for len(p) > 1 && p[0]*n < 20 {
		p = append([]float64{p[0] + p[1]}, p[2:]...)
		all = all[1:]
	}
	for len(p) > 1 && p[len(p)-1]*n < 20 {
		p = append(p[:len(p)-2], p[len(p)-2]+p[len(p)-1])
		all = all[:len(all)-1]
	}
	return all, p
}

// chi2 returns Pearson's statistic of the counts against n·probs.
func chi2(counts []int, probs []float64, n float64) float64 {
	var s float64
	for b, c := range counts {
		e := n * probs[b]
		s += (float64(c) - e) * (float64(c) - e) / e
	}
	return s
}

// TestZigguratChiSquare: the noise device's deviates, drawn with its
// counter layout (intervals × pairs of neurons, both words of each block)
// for two devices (pooled), have the N(0, 1) distribution by a binned χ² test whose
// bins isolate every wedge of the ziggurat (each wedge's x range is a bin,
// so a wrong wedge test or wrong edges show in every bin) and cut the
// tails beyond r = 3.65 into bins expecting ≥ 20 draws; the statistic must
// stay below the χ² quantile at 5 σ (Wilson–Hilferty). Mutations checked
// to fail (4·10⁷ draws, df 525, limit 703): the wedge test always
// accepting (χ² ≈ 4,590), always rejecting (≈ 4,170), or accepting in the
// top layer always (a uint8 overflow of i+1 reading f[0] = 0: ≈ 870). The
// tail's errors are TestZigguratTail's to catch.
func TestZigguratChiSquare(t *testing.T) {
	intervals, pairs := 2000, 5000 // 2·10⁷ deviates per device
	if testing.Short() {
		intervals = 200
	}
	devs := []uint64{0, 7}
	n := float64(2 * intervals * pairs * len(devs))
	edges, probs := normalBins(n)
	counts := make([]int, len(probs))
	slow := 0
	for _, dev := range devs {
		key := 0x9e3779b97f4a7c15 ^ 0xa0761d6478bd642f*(dev+1)
		for j := range uint64(intervals) {
			for p := range uint64(pairs) {
				c1 := p<<16 | dev
				r0, r1 := Philox2x64(j, c1, key)
				for s, r := range [2]uint64{r0, r1} {
					if _, ok := zigFast(r); !ok {
						slow++
					}
					// x on an edge (probability ~2⁻⁵³) counts in the bin below
					counts[sort.SearchFloat64s(edges, zigNormal(r, j, c1, key, uint64(s)))]++
				}
			}
		}
	}
	df := float64(len(probs) - 1)
	stat, lim := chi2(counts, probs, n), chi2Limit(df, 5)
	t.Logf("%g deviates (%.3f %% past the fast path), %d bins: χ² = %.1f (df %g, limit %.1f)", n, 100*float64(slow)/n, len(probs), stat, df, lim)
	if stat > lim {
		t.Errorf("χ² = %.1f with %g degrees of freedom, want ≤ %.1f", stat, df, lim)
	}
}

// TestZigguratTail: draws of the tail path alone (layer-0 words past the
// base strip, with the further blocks of 2·10⁵ counters) have the law of
// ξ given |ξ| > r: the Kolmogorov–Smirnov distance of |ξ| from
// (Φ(x) − Φ(r))/(1 − Φ(r)) stays below its 5·10⁻⁷ critical value
// √(ln(2/α)/2n), and each sign holds half the draws within 5 σ. Checked
// to fail when the tail skips its rejection step (distance 0.038, limit
// 0.0062) or returns r + 2x (0.26).
func TestZigguratTail(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 20000
	}
	const key = 0x5851f42d4c957f2d
	xs := make([]float64, n)
	neg := 0
	for i := range n {
		r0, _ := Philox2x64(uint64(i), 0xdead<<16, key)
		w := zigWord(0, zig.k[0]+r0>>11%(1<<53-zig.k[0]), r0&0x100 != 0)
		z := zigSlow(w, uint64(i), 0xdead<<16, key, 0)
		if z < 0 {
			neg++
		}
		xs[i] = math.Abs(z)
	}
	sort.Float64s(xs)
	q := math.Erfc(zigR / math.Sqrt2)
	var dmax float64
	for i, x := range xs {
		c := 1 - math.Erfc(x/math.Sqrt2)/q // (Φ(x) − Φ(r))/(1 − Φ(r))
		dmax = max(dmax, math.Abs(c-float64(i)/float64(n)), math.Abs(c-float64(i+1)/float64(n)))
	}
	lim := math.Sqrt(math.Log(2/5e-7) / (2 * float64(n)))
	t.Logf("%d tail draws, max %.3f: KS distance %.5f (limit %.5f); %d negative", n, xs[n-1], dmax, lim, neg)
	if xs[0] <= zigR || dmax > lim {
		t.Errorf("tail draws from %.6f, KS distance %.5f: want > r = %.6f and ≤ %.5f", xs[0], dmax, zigR, lim)
	}
	if d := float64(neg) - float64(n)/2; math.Abs(d) > 5*math.Sqrt(float64(n)/4) {
		t.Errorf("%d of %d tail draws negative, want half ± %.0f", neg, n, 5*math.Sqrt(float64(n)/4))
	}
}
