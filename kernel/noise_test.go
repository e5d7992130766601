package kernel_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/fnv"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// quietPop is a population of n lif_delta neurons (τ_m 10 ms, C_m 250 pF,
// E_L 0) that never fire: a leaky integrator of its input current.
func quietPop(n int) kernel.PopulationSpec {
	return kernel.PopulationSpec{Name: "P", N: n, Model: "lif_delta",
		Params: map[string]float64{"tau_mem_ms": 10, "cm_pf": 250, "e_l_mv": 0, "v_reset_mv": 0, "v_th_mv": 1e9, "t_ref_ms": 0}}
}

// build builds s with workers, closing the network when t ends.
func build(t testing.TB, s kernel.Spec, workers int) *kernel.Network {
	t.Helper()
	net, err := kernel.New(s, kernel.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	return net
}

// TestNoiseCurrentMoments: the currents of a noise device, sampled over
// 200 intervals of 2,000 neurons, have the mean, variance, fourth moment
// and tails of N(mean, std²) within 5 σ of the sampling distributions; the
// currents of two neurons (sharing a Philox call or not), of one neuron in
// successive intervals and of two devices are uncorrelated, also in their
// squares; each draw is held for the whole interval (bit for bit) and
// nothing flows outside [start_ms, stop_ms).
func TestNoiseCurrentMoments(t *testing.T) {
	const n, K, m, start = 2000, 200, 5, 20 // neurons, intervals, steps per interval, first step
	const mean, std = 30.0, 100.0
	s := kernel.Spec{Seed: 11, Populations: []kernel.PopulationSpec{quietPop(n)},
		Devices: []kernel.DeviceSpec{
			{Kind: "noise", Target: "P", MeanPA: mean, StdPA: std, NoiseDtMs: 0.5, StartMs: 2, StopMs: 2 + K*0.5},
			{Kind: "noise", Target: "P", StdPA: 1, NoiseDtMs: 0.5, StartMs: 2},
		}}
	net := build(t, s, 3)
	z := make([][]float64, K)  // standardized currents of device 0
	z2 := make([][]float64, K) // device 1's
	for j := range K {
		first := kernel.NoiseCurrents(net, 0, int64(start+j*m))
		for r := 1; r < m; r++ {
			if got := kernel.NoiseCurrents(net, 0, int64(start+j*m+r)); !reflect.DeepEqual(got, first) {
				t.Fatalf("interval %d: step %d of the interval has another current than its first", j, r)
			}
		}
		z[j] = make([]float64, n)
		for k, x := range first {
			z[j][k] = (float64(x) - mean) / std
		}
		z2[j] = make([]float64, n)
		for k, x := range kernel.NoiseCurrents(net, 1, int64(start+j*m)) {
			z2[j][k] = float64(x)
		}
	}
	for _, step := range []int64{0, start - 1, start + K*m, start + K*m + 7} {
		for k, x := range kernel.NoiseCurrents(net, 0, step) {
			if x != 0 {
				t.Fatalf("step %d (outside [start, stop)): neuron %d gets %g pA", step, k, x)
			}
		}
	}

	N := float64(n * K)
	var s1, s2, s4, tail2, tail3 float64
	for _, row := range z {
		for _, x := range row {
			s1 += x
			s2 += x * x
			s4 += x * x * x * x
			if math.Abs(x) > 2 {
				tail2++
			}
			if math.Abs(x) > 3 {
				tail3++
			}
		}
	}
	p2, p3 := math.Erfc(2/math.Sqrt2), math.Erfc(3/math.Sqrt2)
	for _, c := range []struct {
		what      string
		got, want float64
		sd        float64 // of the estimate
	}{
		{"mean of ξ", s1 / N, 0, 1 / math.Sqrt(N)},
		{"E ξ²", s2 / N, 1, math.Sqrt(2 / N)},
		{"E ξ⁴", s4 / N, 3, math.Sqrt(96 / N)}, // Var ξ⁴ = E ξ⁸ − 9 = 105 − 9
		{"P(|ξ| > 2)", tail2 / N, p2, math.Sqrt(p2 * (1 - p2) / N)},
		{"P(|ξ| > 3)", tail3 / N, p3, math.Sqrt(p3 * (1 - p3) / N)},
	} {
		if math.Abs(c.got-c.want) > 5*c.sd {
			t.Errorf("%s = %.5f, want %.5f ± %.5f (5 σ)", c.what, c.got, c.want, 5*c.sd)
		}
	}

	// correlations of unit normals: E[xy] has sd 1/√count, E[(x²−1)(y²−1)] 2/√count
	corr := func(what string, pairs func(yield func(x, y float64))) {
		t.Helper()
		var sxy, sq, cnt float64
		pairs(func(x, y float64) {
			sxy += x * y
			sq += (x*x - 1) * (y*y - 1)
			cnt++
		})
		if r, lim := sxy/cnt, 5/math.Sqrt(cnt); math.Abs(r) > lim {
			t.Errorf("%s: E[ξξ'] = %.4f, want 0 ± %.4f", what, r, lim)
		}
		if r, lim := sq/cnt, 10/math.Sqrt(cnt); math.Abs(r) > lim {
			t.Errorf("%s: E[(ξ²−1)(ξ'²−1)] = %.4f, want 0 ± %.4f", what, r, lim)
		}
	}
	corr("neurons 2p, 2p+1 (one Philox call)", func(yield func(x, y float64)) {
		for _, row := range z {
			for k := 0; k+1 < n; k += 2 {
				yield(row[k], row[k+1])
			}
		}
	})
	corr("neurons 2p+1, 2p+2", func(yield func(x, y float64)) {
		for _, row := range z {
			for k := 1; k+1 < n; k += 2 {
				yield(row[k], row[k+1])
			}
		}
	})
	corr("successive intervals", func(yield func(x, y float64)) {
		for j := 1; j < K; j++ {
			for k := range n {
				yield(z[j-1][k], z[j][k])
			}
		}
	})
	corr("two devices", func(yield func(x, y float64)) {
		for j := range K {
			for k := range n {
				yield(z[j][k], z2[j][k])
			}
		}
	})
}

// TestNoiseModulation: with std_mod_pa, the variance of the currents of
// interval j across 4,000 neurons follows σ² + σ_mod²·sin(2πf·t_j + φ)
// (pooled over the ten periods in 250 intervals, within 5 σ).
func TestNoiseModulation(t *testing.T) {
	const n, K, per = 4000, 250, 25 // 40 Hz: a period of 25 intervals of 1 ms
	const mean, std, mod, f, phase = 10.0, 100.0, 80.0, 40.0, 30.0
	s := kernel.Spec{Seed: 5, Populations: []kernel.PopulationSpec{quietPop(n)},
		Devices: []kernel.DeviceSpec{{Kind: "noise", Target: "P", MeanPA: mean, StdPA: std, StdModPA: mod,
			FrequencyHz: f, PhaseDeg: phase}}} // noise_dt_ms 0: 10 steps
	net := build(t, s, 2)
	var sum [per]float64
	for j := range K {
		for _, x := range kernel.NoiseCurrents(net, 0, int64(j*10)) {
			d := float64(x) - mean
			sum[j%per] += d * d
		}
	}
	cnt := float64(n * K / per)
	for b := range per {
		tj := float64(b*10+1) * 0.1 // the end of the interval's first step
		want := std*std + mod*mod*math.Sin(2*math.Pi*f*tj/1000+phase*math.Pi/180)
		if got, sd := sum[b]/cnt, want*math.Sqrt(2/cnt); math.Abs(got-want) > 5*sd {
			t.Errorf("phase %d/%d: variance %.1f pA², want %.1f ± %.1f", b, per, got, want, 5*sd)
		}
	}
}

// refX and refF are the ziggurat's layer edges and heights (x_0 = v/f(r),
// x_1 = r, f(x_{i+1}) = f(x_i) + v/x_i, x_256 = 0; f(x) = e^{−x²/2}),
// computed here with the math package from Marsaglia & Tsang's (2000) r
// for 256 layers and v = r·f(r) + ∫_r^∞ f.
var refX, refF = func() (x, f [257]float64) {
	const r = 3.6541528853610088
	v := r*math.Exp(-r*r/2) + math.Sqrt(math.Pi/2)*math.Erfc(r/math.Sqrt2)
	x[1], f[1] = r, math.Exp(-r*r/2)
	x[0] = v / f[1]
	for i := 1; i < 255; i++ {
		x[i+1] = math.Sqrt(-2 * math.Log(f[i]+v/x[i]))
		f[i+1] = math.Exp(-x[i+1] * x[i+1] / 2)
	}
	f[256] = 1
	return x, f
}()

// refNormal is the documented deviate of word s of the block w of the
// Philox counter (c0, c1) under key, written from the DeviceSpec doc with
// the math package: layer i = w mod 256, sign bit 8, x = (w>>11)·2⁻⁵³·x_i,
// returned if x < x_{i+1}; otherwise each further uniform pair comes from
// Philox(c0, c1, key ^ t·0xBB67AE8584CAA73B), t = s+1, s+3, …: layer 0
// draws the tail (r + e₁/r, e = −ln((w>>11 + 1)·2⁻⁵³), accepted if 2e₂ >
// (e₁/r)²), the others accept x if f_i + u·(f_{i+1} − f_i) < e^{−x²/2} and
// else start again from the pair's second word.
func refNormal(w, c0, c1, key, s uint64) float64 {
	const r = 3.6541528853610088
	t := s + 1
	next := func() (uint64, uint64) {
		a, b := kernel.Philox2x64(c0, c1, key^(t*0xBB67AE8584CAA73B))
		t += 2
		return a, b
	}
	for {
		i := int(w & 255)
		sign := 1.0
		if w&0x100 != 0 {
			sign = -1
		}
		x := float64(w>>11) / (1 << 53) * refX[i]
		if x < refX[i+1] {
			return sign * x
		}
		if i == 0 {
			for {
				a, b := next()
				e1 := -math.Log(float64(a>>11+1)/(1<<53)) / r
				e2 := -math.Log(float64(b>>11+1) / (1 << 53))
				if 2*e2 > e1*e1 {
					return sign * (r + e1)
				}
			}
		}
		a, b := next()
		if refF[i]+float64(a>>11)/(1<<53)*(refF[i+1]-refF[i]) < math.Exp(-x*x/2) {
			return sign * x
		}
		w = b
	}
}

// refNoise is the documented current of neuron nrn in interval j, computed
// independently with the math package: refNormal of word nrn mod 2 of
// Philox(key; j, ⌊nrn/2⌋<<16 | index); the std modulated at t_j (ms).
func refNoise(key, index uint64, j int64, nrn int, d kernel.DeviceSpec, tj float64) float64 {
	c1 := uint64(nrn>>1)<<16 | index
	r0, r1 := kernel.Philox2x64(uint64(j), c1, key)
	w := r0
	if nrn%2 == 1 {
		w = r1
	}
	z := refNormal(w, uint64(j), c1, key, uint64(nrn%2))
	sd := math.Sqrt(d.StdPA*d.StdPA + d.StdModPA*d.StdModPA*math.Sin(2*math.Pi*d.FrequencyHz*tj/1000+d.PhaseDeg*math.Pi/180))
	return d.MeanPA + sd*z
}

// TestNoiseReference: every current of two noise devices (one on a subset
// of neurons, modulated, starting off the interval grid of the other) at
// every step of 100 intervals matches refNoise within float32 rounding;
// the subset's neurons get the currents they would get from a device on
// the whole population; the number of workers changes no bit; and the
// unit currents of 20,000 neurons in 20 intervals (about 6,000 draws past
// the ziggurat's fast path, 100 from its tail) match refNormal.
func TestNoiseReference(t *testing.T) {
	subset := []int{0, 1, 2, 5, 8, 13, 21, 34, 55, 63}
	devs := []kernel.DeviceSpec{
		{Kind: "noise", Target: "P", MeanPA: 50, StdPA: 80, NoiseDtMs: 0.2},
		{Kind: "noise", Target: "P", Neurons: subset, MeanPA: -20, StdPA: 60, StdModPA: 45, FrequencyHz: 40, PhaseDeg: 30,
			NoiseDtMs: 0.3, StartMs: 1.2, StopMs: 31.2},
	}
	s := kernel.Spec{Seed: 77, Populations: []kernel.PopulationSpec{quietPop(64)}, Devices: devs}
	nets := []*kernel.Network{build(t, s, 1), build(t, s, 3)}
	const dt = 0.1
	for dev, d := range devs {
		key, index := kernel.DeviceStream(nets[0], dev)
		m := int64(math.Round(d.NoiseDtMs / dt))
		start := int64(math.Round(d.StartMs / dt))
		for j := range int64(100) {
			first := start + j*m
			tj := float64(j*m+1) * dt // from the window's start
			for r := range m {
				got := kernel.NoiseCurrents(nets[0], dev, first+r)
				if other := kernel.NoiseCurrents(nets[1], dev, first+r); !reflect.DeepEqual(got, other) {
					t.Fatalf("device %d, step %d: 1 and 3 workers give other currents", dev, first+r)
				}
				for k, x := range got {
					nrn := k
					if d.Neurons != nil {
						nrn = d.Neurons[k]
					}
					want := refNoise(key, index, j, nrn, d, tj)
					if math.Abs(float64(x)-want) > 1e-6*(math.Abs(want)+1) {
						t.Fatalf("device %d, interval %d, step %d, neuron %d: %.9g pA, want %.9g", dev, j, r, nrn, x, want)
					}
				}
			}
		}
	}
	// the subset's streams are those of the whole population's
	whole := s
	whole.Devices = []kernel.DeviceSpec{devs[0], devs[1]}
	whole.Devices[1].Neurons = nil
	wnet := build(t, whole, 2)
	for step := int64(12); step < 312; step += 7 {
		all := kernel.NoiseCurrents(wnet, 1, step)
		sub := kernel.NoiseCurrents(nets[0], 1, step)
		for k, j := range subset {
			if sub[k] != all[j] {
				t.Fatalf("step %d, neuron %d: %g pA in the subset, %g from the device on all", step, j, sub[k], all[j])
			}
		}
	}
	// many neurons: the ziggurat's slow paths
	const big = 20000
	bs := kernel.Spec{Seed: 3, Populations: []kernel.PopulationSpec{quietPop(big)},
		Devices: []kernel.DeviceSpec{{Kind: "noise", Target: "P", StdPA: 1}}}
	bnet := build(t, bs, 2)
	key, index := kernel.DeviceStream(bnet, 0)
	tails := 0
	for j := range int64(20) {
		for nrn, x := range kernel.NoiseCurrents(bnet, 0, 10*j) {
			want := refNoise(key, index, j, nrn, bs.Devices[0], 0)
			if math.Abs(float64(x)-want) > 1e-6*(math.Abs(want)+1) {
				t.Fatalf("unit device, interval %d, neuron %d: %.9g pA, want %.9g", j, nrn, x, want)
			}
			if math.Abs(want) > 3.6541528853610088 {
				tails++
			}
		}
	}
	t.Logf("%d unit currents, %d from the tail beyond ±r", big*20, tails)
	if tails < 50 {
		t.Fatalf("%d tail draws among %d, want ≥ 50 (expected 103)", tails, big*20)
	}
}

// TestNoiseMembraneVariance: lif_delta neurons that never fire, driven by
// a noise device alone, reach the mean μτ/C and the stationary variance of
// a leaky membrane under piecewise constant noise. With q = e^{−δ/τ} and V
// at a boundary of the intervals of δ, V' = qV + (1 − q)(τ/C)I makes
// Var V = (στ/C)²(1 − q)/(1 + q) there (NEST's noise_generator notes), and
// a time s ∈ (0, δ] into an interval
//
//	Var V(s) = (στ/C)²·[(1 − q)/(1 + q)·e^{−2s/τ} + (1 − e^{−s/τ})²].
//
// V of every neuron is sampled every 50 ms from 150 ms on (5 τ apart:
// nearly independent), so the sample variance of n values has the relative
// sd √(2/n); the check is 5 σ. For δ = τ the white-noise approximation
// σ²δτ/(2C²) is 8% off, more than the tolerance.
func TestNoiseMembraneVariance(t *testing.T) {
	const tau, cm, mu = 10.0, 250.0, 25.0
	n, ms := 4000, 1100.0
	if testing.Short() {
		n = 1500
	}
	for _, tc := range []struct {
		name               string
		noiseDt, start, sd float64
	}{
		{"δ=τ at the boundaries", 10, 0, 50},
		{"δ=τ 7 ms into the interval", 10, 3, 50},
		{"δ=dt", 0.1, 0, 500},
		{"default δ (10·dt) half-way", 0, 0.5, 150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kernel.Spec{Seed: 21, Populations: []kernel.PopulationSpec{quietPop(n)},
				Devices:   []kernel.DeviceSpec{{Kind: "noise", Target: "P", MeanPA: mu, StdPA: tc.sd, NoiseDtMs: tc.noiseDt, StartMs: tc.start}},
				Recorders: []kernel.RecorderSpec{{Name: "V", Kind: "state", Population: "P", IntervalMs: 50}}}
			net := build(t, s, 2)
			if err := net.Run(ms); err != nil {
				t.Fatal(err)
			}
			fr := net.Recorder("V").Frames()
			delta := tc.noiseDt
			if delta == 0 {
				delta = 1
			}
			q := math.Exp(-delta / tau)
			a := tc.sd * tau / cm
			wantMean := mu * tau / cm
			var sum, sq, cnt, want float64
			for f, tm := range fr.TimesMs {
				if tm < 150 {
					continue
				}
				// steps since the last switch (a whole interval at a boundary)
				r := (int(math.Round(tm/0.1)) - int(math.Round(tc.start/0.1))) % int(math.Round(delta/0.1))
				if r == 0 {
					r = int(math.Round(delta / 0.1))
				}
				sMs := float64(r) * 0.1
				es := math.Exp(-sMs / tau)
				w := a * a * ((1-q)/(1+q)*es*es + (1-es)*(1-es))
				if cnt > 0 && w != want {
					t.Fatalf("frames at different phases: %g and %g", w, want)
				}
				want = w
				for _, v := range fr.Data[f*fr.Width : (f+1)*fr.Width] {
					d := float64(v) - wantMean
					sum += d
					sq += d * d
					cnt++
				}
			}
			gotVar := sq / cnt
			t.Logf("n = %g: mean %.4f mV (want %.4f), Var %.4f mV² (want %.4f; white-noise approximation %.4f)",
				cnt, wantMean+sum/cnt, wantMean, gotVar, want, a*a*delta/(2*tau))
			if lim := 5 * math.Sqrt(want/cnt); math.Abs(sum/cnt) > lim {
				t.Errorf("mean V %.4f mV, want %.4f ± %.4f", wantMean+sum/cnt, wantMean, lim)
			}
			if lim := 5 * want * math.Sqrt(2/cnt); math.Abs(gotVar-want) > lim {
				t.Errorf("Var V %.4f mV², want %.4f ± %.4f", gotVar, want, lim)
			}
		})
	}
}

// noiseNet is an E/I network of lif_exp neurons driven only by noise
// devices (one modulated, one on a subset, one in a window with its own
// interval) that spikes irregularly; precise selects the off-grid mode.
func noiseNet(precise bool) kernel.Spec {
	return kernel.Spec{
		Seed: 9, Precise: precise,
		Populations: []kernel.PopulationSpec{{Name: "E", N: 300, Sign: 1}, {Name: "I", N: 80, Sign: -1}},
		Projections: []kernel.ProjectionSpec{
			{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.1}, Weights: synapsesConst(60), DelayMs: 1.5},
			{Source: "I", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2}, Weights: synapsesConst(80), DelayMs: 1},
		},
		Devices: []kernel.DeviceSpec{
			{Kind: "noise", Target: "E", MeanPA: 330, StdPA: 250},
			{Kind: "noise", Target: "E", Neurons: []int{1, 2, 3, 50, 299}, StdPA: 300, StdModPA: 200, FrequencyHz: 25, PhaseDeg: 90, NoiseDtMs: 0.3},
			{Kind: "noise", Target: "I", MeanPA: 350, StdPA: 150, NoiseDtMs: 0.5, StartMs: 5, StopMs: 170},
		},
		Recorders: []kernel.RecorderSpec{
			{Kind: "spikes", Population: "E"},
			{Kind: "spikes", Population: "I"},
			{Name: "V:E", Kind: "state", Population: "E", Neurons: []int{0, 2, 50, 299}, IntervalMs: 0.5},
		},
	}
}

// runNoise builds s with workers, runs it for each of ms in turn and
// returns its spikes and V frames.
func runNoise(t testing.TB, s kernel.Spec, workers int, ms ...float64) (spikes map[string]*kernel.SpikeMemory, v []float32) {
	t.Helper()
	runNet(t, s, workers, func(net *kernel.Network) {
		spikes = recorderSpikes(net)
		v = net.Recorder("V:E").Frames().Data
	}, ms...)
	return spikes, v
}

// TestNoiseIdentical: the noise-driven network gives the same spikes and
// V, to the bit, with 1, 2 and 3 workers, split into several runs and on
// every kernel path, on the grid and in precise mode; the same seed
// rebuilt gives the same bits, another seed other spikes.
func TestNoiseIdentical(t *testing.T) {
	ms := 200.0
	if testing.Short() {
		ms = 80
	}
	for _, precise := range []bool{false, true} {
		t.Run(map[bool]string{false: "grid", true: "precise"}[precise], func(t *testing.T) {
			s := noiseNet(precise)
			refSpikes, refV := runNoise(t, s, 1, ms)
			ne, ni := len(refSpikes["spikes:E"].IDs), len(refSpikes["spikes:I"].IDs)
			t.Logf("%g ms: %d E spikes (%.1f Hz), %d I spikes (%.1f Hz)", ms, ne, float64(ne)/300/ms*1000, ni, float64(ni)/80/ms*1000)
			if ne < 100 || ni < 20 {
				t.Fatalf("too few spikes to test: %d E, %d I", ne, ni)
			}
			checkIdentical(t, ms, refSpikes, refV, func(workers int, ms ...float64) (map[string]*kernel.SpikeMemory, []float32) {
				return runNoise(t, s, workers, ms...)
			})
			if sp, v := runNoise(t, s, 2, ms); !reflect.DeepEqual(sp, refSpikes) || !reflect.DeepEqual(v, refV) {
				t.Fatal("the same seed rebuilt gives other bits")
			}
			s.Seed++
			if sp, _ := runNoise(t, s, 1, ms); reflect.DeepEqual(sp, refSpikes) {
				t.Fatal("another seed gives the same spikes")
			}
		})
	}
}

// TestNoiseCheckpoint: the noise-driven network checkpointed half-way and
// restored into a fresh network with another number of workers ends with
// the spikes and the whole state (checkpoint bytes) of an uninterrupted
// run; the half-way point (50.1 ms) lies inside intervals of every device.
func TestNoiseCheckpoint(t *testing.T) {
	for _, precise := range []bool{false, true} {
		s := noiseNet(precise)
		checkpoint := func(net *kernel.Network) []byte {
			var buf bytes.Buffer
			if err := net.Checkpoint(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		full := build(t, s, 1)
		if err := full.Run(100); err != nil {
			t.Fatal(err)
		}
		first := build(t, s, 2)
		if err := first.Run(50.1); err != nil {
			t.Fatal(err)
		}
		second := build(t, s, 3)
		if err := second.Restore(bytes.NewReader(checkpoint(first))); err != nil {
			t.Fatal(err)
		}
		if err := second.Run(49.9); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"spikes:E", "spikes:I"} {
			want := tail(full.Recorder(name).Spikes(), 50.1)
			got := second.Recorder(name).Spikes()
			if len(want.IDs) == 0 || !reflect.DeepEqual(got, want) {
				t.Fatalf("precise=%v, %s: %d spikes after restore, want %d (identical)", precise, name, len(got.IDs), len(want.IDs))
			}
		}
		if !bytes.Equal(checkpoint(full), checkpoint(second)) {
			t.Fatalf("precise=%v: checkpoint after restore differs from the uninterrupted run's", precise)
		}
	}
}

// TestNoiseGolden pins the bits of 64 neurons' currents over 60 intervals
// of a modulated device: another stream addressing, interval grid or
// formula changes the checksum. (The rounding to float32 hides most
// last-bit differences of the float64 computation: TestNoiseBitsGolden
// pins those, for multiply-adds fused on arm64.)
func TestNoiseGolden(t *testing.T) {
	s := kernel.Spec{Seed: 2024, Populations: []kernel.PopulationSpec{quietPop(64)},
		Devices: []kernel.DeviceSpec{{Kind: "noise", Target: "P", MeanPA: 12.5, StdPA: 90, StdModPA: 70,
			FrequencyHz: 33, PhaseDeg: 200, NoiseDtMs: 0.7, StartMs: 0.3}}}
	net := build(t, s, 2)
	h := fnv.New64a()
	var buf [4]byte
	for j := range int64(60) {
		for _, x := range kernel.NoiseCurrents(net, 0, 3+7*j) {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(x))
			h.Write(buf[:])
		}
	}
	const want = 0x8e32a023060e9a62
	if got := h.Sum64(); got != want {
		t.Fatalf("checksum of the currents %#x, golden %#x", got, uint64(want))
	}
}

// TestNoiseErrors: bad noise parameters are refused by Validate and New
// with an error naming the key; precise mode takes noise devices.
func TestNoiseErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		mod  func(*kernel.DeviceSpec)
		key  string // "" for a valid device
	}{
		{"base", func(*kernel.DeviceSpec) {}, ""},
		{"std 0", func(d *kernel.DeviceSpec) { d.StdPA, d.StdModPA = 0, 0 }, ""},
		{"std_mod = std", func(d *kernel.DeviceSpec) { d.StdModPA = d.StdPA }, ""},
		{"negative phase", func(d *kernel.DeviceSpec) { d.PhaseDeg = -720 }, ""},
		{"mean NaN", func(d *kernel.DeviceSpec) { d.MeanPA = nan }, "device[0].mean_pa"},
		{"mean Inf", func(d *kernel.DeviceSpec) { d.MeanPA = -inf }, "device[0].mean_pa"},
		{"std -1", func(d *kernel.DeviceSpec) { d.StdPA = -1 }, "device[0].std_pa"},
		{"std Inf", func(d *kernel.DeviceSpec) { d.StdPA = inf }, "device[0].std_pa"},
		{"mean beyond float32", func(d *kernel.DeviceSpec) { d.MeanPA = 1e300 }, "device[0].mean_pa"},
		{"std beyond float32", func(d *kernel.DeviceSpec) { d.StdPA, d.StdModPA = 1e31, 0 }, "device[0].std_pa"},
		{"std at the bound", func(d *kernel.DeviceSpec) { d.StdPA, d.MeanPA = 1e30, -1e30 }, ""},
		{"std_mod -1", func(d *kernel.DeviceSpec) { d.StdModPA = -1 }, "device[0].std_mod_pa"},
		{"std_mod > std", func(d *kernel.DeviceSpec) { d.StdModPA = 101 }, "device[0].std_mod_pa"},
		{"frequency -1", func(d *kernel.DeviceSpec) { d.FrequencyHz = -1 }, "device[0].frequency_hz"},
		{"frequency NaN", func(d *kernel.DeviceSpec) { d.FrequencyHz = nan }, "device[0].frequency_hz"},
		{"phase Inf", func(d *kernel.DeviceSpec) { d.PhaseDeg = inf }, "device[0].phase_deg"},
		{"noise_dt off the grid", func(d *kernel.DeviceSpec) { d.NoiseDtMs = 0.25 }, "device[0].noise_dt_ms"},
		{"noise_dt -1", func(d *kernel.DeviceSpec) { d.NoiseDtMs = -1 }, "device[0].noise_dt_ms"},
		{"noise_dt NaN", func(d *kernel.DeviceSpec) { d.NoiseDtMs = nan }, "device[0].noise_dt_ms"},
		{"start -1", func(d *kernel.DeviceSpec) { d.StartMs = -1 }, "device[0].start_ms"},
		{"start off the grid", func(d *kernel.DeviceSpec) { d.StartMs = 0.05 }, "device[0].start_ms"},
		{"stop < start", func(d *kernel.DeviceSpec) { d.StartMs, d.StopMs = 5, 4 }, "device[0].stop_ms"},
		{"kind misspelt", func(d *kernel.DeviceSpec) { d.Kind = "noise_generator" }, "device[0].kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := kernel.DeviceSpec{Kind: "noise", Target: "P", MeanPA: 10, StdPA: 100, StdModPA: 50, FrequencyHz: 10, PhaseDeg: 45, NoiseDtMs: 0.5}
			tc.mod(&d)
			for _, precise := range []bool{false, true} {
				s := kernel.Spec{Precise: precise, Populations: []kernel.PopulationSpec{{Name: "P", N: 4}}, Devices: []kernel.DeviceSpec{d}}
				paramtest.Check(t, s.Validate(), tc.key)
				net, err := kernel.New(s)
				paramtest.Check(t, err, tc.key)
				if err == nil {
					net.Close()
				}
			}
		})
	}
	s := kernel.Spec{Populations: []kernel.PopulationSpec{{Name: "P", N: 4}}, Devices: []kernel.DeviceSpec{{Kind: "Noise", Target: "P"}}}
	if err := s.Validate(); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "noise") {
		t.Fatalf("a misspelt kind: %v, want the kinds listed with noise among them", err)
	}
}

// TestNoiseZeroAllocs: steady-state steps with noise devices (intervals
// of 3, 5 and 10 steps, so draws happen within every measured run)
// allocate nothing.
func TestNoiseZeroAllocs(t *testing.T) {
	s := noiseNet(false)
	s.Recorders = nil
	for _, w := range []int{1, 2} {
		net := build(t, s, w)
		if err := net.Run(20); err != nil {
			t.Fatal(err)
		}
		if allocs := testing.AllocsPerRun(20, func() { _ = net.RunSteps(30) }); allocs != 0 {
			t.Fatalf("workers=%d: %g allocations per 30 steps", w, allocs)
		}
	}
}

// TestNoiseEncoding: a noise device survives a TOML round trip, and the
// noise keys stay out of other specs' TOML and JSON (so their checkpoint
// fingerprints are unchanged).
func TestNoiseEncoding(t *testing.T) {
	s := noiseNet(false)
	text, back := tomlRoundTrip(t, s)
	if !reflect.DeepEqual(back.Devices, s.Devices) {
		t.Fatalf("devices after the round trip:\n%+v\nwant\n%+v\nTOML:\n%s", back.Devices, s.Devices, text)
	}
	other := smallSpec()
	text, _ = tomlRoundTrip(t, other)
	js, err := json.Marshal(other)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"mean_pa", "std_pa", "noise_dt_ms", "std_mod_pa", "frequency_hz", "phase_deg"} {
		if strings.Contains(text, key) || bytes.Contains(js, []byte(key)) {
			t.Fatalf("%s in the encoding of a spec without noise devices", key)
		}
	}
}

// TestCurrentBounds: dc and step_current amplitudes beyond 1e30 pA (which
// would become infinite float32 currents) are refused, naming the field.
func TestCurrentBounds(t *testing.T) {
	for _, tc := range []struct {
		d   kernel.DeviceSpec
		key string
	}{
		{kernel.DeviceSpec{Kind: "dc", Target: "P", AmplitudePA: 1e39}, "device[0].amplitude_pa"},
		{kernel.DeviceSpec{Kind: "dc", Target: "P", AmplitudePA: -1e30}, ""},
		{kernel.DeviceSpec{Kind: "step_current", Target: "P", TimesMs: []float64{1, 2}, AmplitudesPA: []float64{5, -1e31}}, "device[0].amplitudes_pa[1]"},
	} {
		s := kernel.Spec{Populations: []kernel.PopulationSpec{{Name: "P", N: 4}}, Devices: []kernel.DeviceSpec{tc.d}}
		paramtest.Check(t, s.Validate(), tc.key)
	}
}
