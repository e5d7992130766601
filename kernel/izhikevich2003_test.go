package kernel_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param/paramtest"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/neurons"
	"github.com/neurodyn/neurodyn/synapses"
)

// paperNet is Izhikevich's (2003) network as his MATLAB program holds it:
// neurons [0, ne) excitatory, the rest inhibitory, per-neuron a, b, c, d,
// and S[i][k] the weight from neuron i onto neuron k (a column of the
// paper's S per source).
type paperNet struct {
	ne         int
	a, b, c, d []float64
	s          [][]float64
}

// newPaperNet draws the paper's network with its own generator: r_e, r_i
// and S = [0.5·rand(N, Ne), −rand(N, Ni)] as the MATLAB program does.
func newPaperNet(ne, ni int, rng *rand.Rand) paperNet {
	n := ne + ni
	p := paperNet{ne: ne, a: make([]float64, n), b: make([]float64, n), c: make([]float64, n), d: make([]float64, n), s: make([][]float64, n)}
	for j := range ne {
		r := rng.Float64()
		p.a[j], p.b[j], p.c[j], p.d[j] = 0.02, 0.2, -65+float64(15*float64(r*r)), 8-float64(6*float64(r*r))
	}
	for j := ne; j < n; j++ {
		r := rng.Float64()
		p.a[j], p.b[j], p.c[j], p.d[j] = 0.02+float64(0.08*r), 0.25-float64(0.05*r), -65, 2
	}
	for i := range n {
		p.s[i] = make([]float64, n)
		for k := range n {
			if i < ne {
				p.s[i][k] = 0.5 * rng.Float64()
			} else {
				p.s[i][k] = -rng.Float64()
			}
		}
	}
	return p
}

// run is the paper's MATLAB loop for ms iterations of 1 ms, written out:
//
//	v = −65, u = b.*v
//	for t = 1:ms
//	  I = thalamic input (input(t−1, j) here)
//	  fired = find(v >= 30); v(fired) = c(fired); u(fired) += d(fired)
//	  I = I + sum(S(:, fired), 2)
//	  v += 0.5*(0.04*v.^2 + 5*v + 140 − u + I)   (twice)
//	  u += a.*(b.*v − u)
//
// plus a last threshold test after the loop. It returns the spikes per
// time: spikes[t] are the neurons found at v ≥ 30 at the start of
// iteration t+1 (0-based t: raised there by iteration t's integration,
// which neurodyn reports at the end of its step t, at t+1 ms), for t in
// [0, ms). With f32 the state is stored as neurodyn stores it: v and u
// rounded to float32 after each iteration, the spikes' weights summed in
// float32 in the order of their sources; otherwise everything is float64.
// Products are rounded explicitly (no fused multiply-add on any
// architecture).
func (p paperNet) run(ms int, input func(t, j int) float64, f32 bool) [][]int {
	n := len(p.a)
	v, u, in := make([]float64, n), make([]float64, n), make([]float64, n)
	syn := make([]float32, n)
	for j := range n {
		v[j] = -65
		u[j] = float64(p.b[j] * v[j])
		if f32 {
			u[j] = float64(float32(u[j]))
		}
	}
	spikes := make([][]int, ms)
	for t := 0; t <= ms; t++ {
		if t < ms {
			for j := range n {
				in[j] = input(t, j)
			}
		}
		for j := range n {
			if v[j] < 30 {
				continue
			}
			spikes[t-1] = append(spikes[t-1], j)
			v[j], u[j] = p.c[j], u[j]+p.d[j]
			for k, w := range p.s[j] {
				if f32 {
					syn[k] += float32(w)
				} else {
					in[k] += w
				}
			}
		}
		if t == ms {
			break
		}
		for j := range n {
			if f32 {
				in[j] += float64(syn[j])
				syn[j] = 0
			}
			for range 2 {
				v[j] += float64(0.5 * (float64(0.04*float64(v[j]*v[j])) + float64(5*v[j]) + 140 - u[j] + in[j]))
			}
			u[j] += float64(p.a[j] * (float64(p.b[j]*v[j]) - u[j]))
			if f32 {
				v[j], u[j] = float64(float32(v[j])), float64(float32(u[j]))
			}
		}
	}
	return spikes
}

// ndSpikes returns the spikes of an izhikevich2003 network built from s
// (populations E then I, numbered as one: E first) per time, as run
// returns them, after ms of simulation.
func ndSpikes(t *testing.T, net *kernel.Network, s kernel.Spec, ms int) [][]int {
	t.Helper()
	if err := net.Run(float64(ms)); err != nil {
		t.Fatal(err)
	}
	out := make([][]int, ms)
	off := 0
	for _, p := range s.Populations {
		sp := net.Recorder("spikes:" + p.Name).Spikes()
		for k, tm := range sp.TimesMs {
			step := int(math.Round(tm)) - 1 // the spike of step k is reported at (k+1) ms
			out[step] = append(out[step], off+int(sp.IDs[k]))
		}
		off += p.N
	}
	return out
}

// TestIzhikevich2003Loop: the preset against the paper's MATLAB loop with
// the network neurodyn built (a, b, c, d of its models, the weights of its
// projections) and the same thalamic input (drawn here, 5·N(0, 1) and
// 2·N(0, 1) per neuron and ms, rounded to float32, given to neurodyn as
// time_series devices with identity input matrices in place of the
// preset's noise devices), the state stored in float32 as neurodyn stores
// it: the same spikes, neuron by neuron and ms by ms, for 1 s. The loop
// resets the neurons found at v ≥ 30 at the start of an iteration and adds
// their columns of S to that iteration's input; neurodyn resets at the end
// of the step before and delivers with the preset's 1 ms delay into the
// next step's input: this is the check that the two orders are one. (In
// float64 throughout, the loop leaves neurodyn's spikes after 250–300 ms
// at N = 1000, 550–950 ms at N = 200: the network is chaotic, and float32
// rounding is a perturbation like any other.)
func TestIzhikevich2003Loop(t *testing.T) {
	n, seeds := 1000, []uint64{1, 2}
	if testing.Short() {
		n, seeds = 200, []uint64{1}
	}
	const ms = 1000
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("N=%d/seed=%d", n, seed), func(t *testing.T) {
			s, err := kernel.Preset("izhikevich2003", kernel.PresetOptions{N: n, Seed: seed, Record: true})
			if err != nil {
				t.Fatal(err)
			}
			ne, ni := s.Populations[0].N, s.Populations[1].N
			rng := rand.New(rand.NewPCG(seed, 0x5eed))
			in := make([][]float64, ms) // in[t][j], j over E then I
			series := [2][][]float64{}
			for step := range ms {
				in[step] = make([]float64, ne+ni)
				for j := range in[step] {
					sd := 5.0
					if j >= ne {
						sd = 2
					}
					in[step][j] = float64(float32(sd * rng.NormFloat64()))
				}
				series[0] = append(series[0], in[step][:ne])
				series[1] = append(series[1], in[step][ne:])
			}
			eye := func(m int) [][]float64 {
				e := make([][]float64, m)
				for j := range e {
					e[j] = make([]float64, m)
					e[j][j] = 1
				}
				return e
			}
			s.Devices = []kernel.DeviceSpec{
				{Kind: "time_series", Target: "E", Series: series[0], SeriesDtMs: 1, InputMatrix: eye(ne)},
				{Kind: "time_series", Target: "I", Series: series[1], SeriesDtMs: 1, InputMatrix: eye(ni)},
			}
			net, err := kernel.New(s)
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			p := paperNet{ne: ne}
			off := map[string]int{"E": 0, "I": ne}
			for _, pop := range s.Populations {
				m := net.Model(pop.Name).(*neurons.Izhikevich)
				for j := range m.Len() {
					p.a = append(p.a, float64(m.A[j]))
					p.b = append(p.b, float64(m.B[j]))
					p.c = append(p.c, float64(m.C[j]))
					p.d = append(p.d, float64(m.D[j]))
				}
			}
			p.s = make([][]float64, ne+ni)
			for i := range p.s {
				p.s[i] = make([]float64, ne+ni)
			}
			for k, pr := range s.Projections {
				c := net.Projection(k)
				if c.DelaySteps != 1 || c.Delay != nil {
					t.Fatalf("projection %d: delay %d steps, want 1", k, c.DelaySteps)
				}
				for i := range c.NSrc {
					lo, hi := c.Row(i)
					for q := lo; q < hi; q++ {
						p.s[off[pr.Source]+i][off[pr.Target]+int(c.Target[q])] = float64(c.W(q))
					}
				}
			}
			want := p.run(ms, func(t, j int) float64 { return in[t][j] }, true)
			got := ndSpikes(t, net, s, ms)
			total := 0
			for step := range ms {
				if !reflect.DeepEqual(got[step], want[step]) && (len(got[step]) > 0 || len(want[step]) > 0) {
					t.Fatalf("spikes of step %d (at %d ms) after %d identical ones: neurodyn %v, the paper's loop %v", step, step+1, total, got[step], want[step])
				}
				total += len(got[step])
			}
			if total < 5*n {
				t.Fatalf("%d spikes in 1 s: too few to test", total)
			}
			t.Logf("%d spikes identical", total)
		})
	}
}

// TestIzhikevich2003Regime compares the preset (noise devices, neurodyn's
// draws) with an independent float64 implementation of the paper's MATLAB
// loop with its own draws (network and thalamic input from another
// generator), over seeds 1–5 each, 1 s at N = 1000: equivalent in law, so
// their statistics are compared.
//
//   - Mean rates of E and I over the seeds: |Δ| ≤ 4 standard errors of
//     the difference, estimated from the spread across seeds (pooled, 5 + 5
//     runs). Over seeds 100–159 the two sides give E 7.61 ± 0.17 and
//     7.63 ± 0.17 Hz, I 7.33 ± 0.28 and 7.38 ± 0.25 Hz (mean ± sd of one
//     run): no systematic difference (0.8 and 1.0 standard errors of 60
//     runs), so 4 standard errors leave a chance of a false failure of
//     about 0.5 % (t with 8 degrees of freedom) and catch any bias above
//     ~0.4 Hz (5 %) for I, ~0.3 Hz for E.
//   - Rhythm: the E population's spike count per 1 ms over 200–1000 ms
//     (after the synchronous onset), its periodogram averaged over the
//     seeds (1.25 Hz resolution). The paper's Fig. 3 shows alpha- and
//     gamma-band rhythms; at its 1 ms scheme both implementations put the
//     dominant peak at 7.5–8.75 Hz with a broad second band at 20–40 Hz.
//     Checked: the peak above 4 Hz lies in 5–15 Hz on both sides and the
//     two peaks within 2 bins (2.5 Hz); the 20–45 Hz band's mean power is
//     more than 3× that of 60–120 Hz on both sides (measured 10–20×).
func TestIzhikevich2003Regime(t *testing.T) {
	const ms, ne, ni = 1000, 800, 200
	seeds := []uint64{1, 2, 3, 4, 5}
	var rates [2][2][]float64 // [side][pop] per seed
	var power [2][]float64    // [side] averaged periodogram
	for _, seed := range seeds {
		s, err := kernel.Preset("izhikevich2003", kernel.PresetOptions{Seed: seed, Record: true})
		if err != nil {
			t.Fatal(err)
		}
		net, err := kernel.New(s)
		if err != nil {
			t.Fatal(err)
		}
		nd := ndSpikes(t, net, s, ms)
		net.Close()
		rng := rand.New(rand.NewPCG(seed, 2003))
		ref := newPaperNet(ne, ni, rng).run(ms, func(_, j int) float64 {
			if j < ne {
				return 5 * rng.NormFloat64()
			}
			return 2 * rng.NormFloat64()
		}, false)
		for side, sp := range [][][]int{nd, ref} {
			var count [2]int
			e := make([]float64, ms)
			for step, ids := range sp {
				for _, j := range ids {
					if j < ne {
						count[0]++
						e[step]++
					} else {
						count[1]++
					}
				}
			}
			rates[side][0] = append(rates[side][0], float64(count[0])/ne)
			rates[side][1] = append(rates[side][1], float64(count[1])/ni)
			pw := periodogram(e[200:])
			if power[side] == nil {
				power[side] = make([]float64, len(pw))
			}
			for k, x := range pw {
				power[side][k] += x / float64(len(seeds))
			}
		}
	}
	for pop, name := range []string{"E", "I"} {
		mn, sn := meanSD(rates[0][pop])
		mr, sr := meanSD(rates[1][pop])
		se := math.Sqrt((sn*sn + sr*sr) / 2 * 2 / float64(len(seeds)))
		t.Logf("%s rate: neurodyn %.3f ± %.3f Hz %v, paper's loop %.3f ± %.3f Hz %v", name, mn, sn, rates[0][pop], mr, sr, rates[1][pop])
		if math.Abs(mn-mr) > 4*se {
			t.Errorf("%s rate: neurodyn %.3f Hz, the paper's loop %.3f Hz: |Δ| %.3f > 4 standard errors (%.3f)", name, mn, mr, math.Abs(mn-mr), 4*se)
		}
	}
	const binHz = 1000.0 / 800 // periodogram of 800 bins of 1 ms
	band := func(p []float64, lo, hi float64) float64 {
		sum, n := 0.0, 0
		for k := range p {
			if f := float64(k) * binHz; f >= lo && f < hi {
				sum += p[k]
				n++
			}
		}
		return sum / float64(n)
	}
	var peak [2]int
	for side, name := range []string{"neurodyn", "paper's loop"} {
		p := power[side]
		k0 := int(math.Floor(4/binHz)) + 1 // above 4 Hz
		peak[side] = k0
		for k := k0; k < len(p); k++ {
			if p[k] > p[peak[side]] {
				peak[side] = k
			}
		}
		f := float64(peak[side]) * binHz
		ratio := band(p, 20, 45) / band(p, 60, 120)
		t.Logf("%s: E rate spectrum peak %.2f Hz, power 20–45 Hz / 60–120 Hz %.1f", name, f, ratio)
		if f < 5 || f >= 15 {
			t.Errorf("%s: the E rate's spectral peak at %.2f Hz, want the alpha-band rhythm (5–15 Hz)", name, f)
		}
		if ratio < 3 {
			t.Errorf("%s: power 20–45 Hz only %.1f× that of 60–120 Hz: no gamma-band rhythm", name, ratio)
		}
	}
	if d := peak[0] - peak[1]; d < -2 || d > 2 {
		t.Errorf("spectral peaks %.2f and %.2f Hz: more than 2 bins apart", float64(peak[0])*binHz, float64(peak[1])*binHz)
	}
}

// periodogram returns |DFT(x − mean)|² at the frequencies k/len(x), k = 0
// … len(x)/2.
func periodogram(x []float64) []float64 {
	n := len(x)
	m, _ := meanSD(x)
	out := make([]float64, n/2+1)
	for k := range out {
		var re, im float64
		for j, v := range x {
			ph := 2 * math.Pi * float64(k*j%n) / float64(n)
			re += (v - m) * math.Cos(ph)
			im -= (v - m) * math.Sin(ph)
		}
		out[k] = re*re + im*im
	}
	return out
}

// meanSD returns the mean and the sample standard deviation of x.
func meanSD(x []float64) (float64, float64) {
	var m, m2 float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for _, v := range x {
		m2 += (v - m) * (v - m)
	}
	if len(x) < 2 {
		return m, 0
	}
	return m, math.Sqrt(m2 / float64(len(x)-1))
}

// TestIzhikevich2003Spec: the preset's network, as built: sizes (4:1),
// the per-neuron parameters in the paper's ranges and tied by one r per
// excitatory neuron (c and d) and per inhibitory one (a and b), U = b·V(0)
// with V(0) = −65 mV, the 2003 scheme, all-to-all synapses with
// self-connections and a delay of one step, the weights' ranges and means
// (the paper's times 1000/N), the thalamic noise; the step and sizes
// rejected by name.
func TestIzhikevich2003Spec(t *testing.T) {
	for _, n := range []int{0, 500, 2000} {
		t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
			s, err := kernel.Preset("izhikevich2003", kernel.PresetOptions{N: n, Seed: 4}) // K: refused (TestPresetOptions)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				n = 1000
			}
			ne, ni := s.Populations[0].N, s.Populations[1].N
			if ne != n*4/5 || ni != n/5 || s.DtMs != 1 || s.Seed != 4 {
				t.Fatalf("E %d, I %d, dt %g, seed %d; want %d, %d, 1 ms, 4", ne, ni, s.DtMs, s.Seed, n*4/5, n/5)
			}
			want := map[string]kernel.DeviceSpec{"E": {Name: "thalamic_E", Kind: "noise", Target: "E", StdPA: 5, NoiseDtMs: 1},
				"I": {Name: "thalamic_I", Kind: "noise", Target: "I", StdPA: 2, NoiseDtMs: 1}}
			if len(s.Devices) != 2 || !reflect.DeepEqual(s.Devices[0], want["E"]) || !reflect.DeepEqual(s.Devices[1], want["I"]) {
				t.Fatalf("devices %+v", s.Devices)
			}
			net, err := kernel.New(s)
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			e := net.Model("E").(*neurons.Izhikevich)
			i := net.Model("I").(*neurons.Izhikevich)
			for _, m := range []*neurons.Izhikevich{e, i} {
				if m.P.ConsistentIntegration != 0 || m.P.VThmV != 30 || !math.IsInf(m.P.VMinmV, -1) || m.P.IePA != 0 {
					t.Fatalf("params %+v", m.P)
				}
				for j := range m.Len() {
					if m.V[j] != -65 || m.U[j] != float32(float64(m.B[j])*-65) {
						t.Fatalf("V(0) %g, U(0) %g, want −65 and b·V(0) = %g", m.V[j], m.U[j], m.B[j]*-65)
					}
				}
			}
			const tol = 1e-5 // float32 parameters
			for j := range ne {
				r2 := (float64(e.C[j]) + 65) / 15 // r_e², from c
				if e.A[j] != 0.02 || e.B[j] != 0.2 || r2 < -tol || r2 > 1 || math.Abs(float64(e.D[j])-(8-6*r2)) > tol {
					t.Fatalf("E[%d]: a %g b %g c %g d %g", j, e.A[j], e.B[j], e.C[j], e.D[j])
				}
			}
			for j := range ni {
				r := (float64(i.A[j]) - 0.02) / 0.08 // r_i, from a
				if r < -tol || r > 1 || math.Abs(float64(i.B[j])-(0.25-0.05*r)) > tol || i.C[j] != -65 || i.D[j] != 2 {
					t.Fatalf("I[%d]: a %g b %g c %g d %g", j, i.A[j], i.B[j], i.C[j], i.D[j])
				}
			}
			if got := net.Stats().Synapses; got != int64(n)*int64(n) {
				t.Fatalf("%d synapses, want N² = %d (all-to-all with self-connections)", got, n*n)
			}
			for k, pr := range s.Projections {
				c := net.Projection(k)
				g := 1000 / float64(n) // weights scaled to keep the summed input
				lo, hi, mean := 0.0, 0.5*g, 0.25*g
				if pr.Source == "I" {
					lo, hi, mean = -g, 0, -0.5*g
				}
				if pr.Rule != (synapses.Rule{Kind: "all_to_all", Autapses: true}) || c.DelaySteps != 1 || c.Len() != c.NSrc*c.NTgt {
					t.Fatalf("projection %s→%s: rule %+v, delay %d steps, %d synapses", pr.Source, pr.Target, pr.Rule, c.DelaySteps, c.Len())
				}
				sum := 0.0
				for _, w := range c.Weight {
					if float64(w) < lo || float64(w) > hi {
						t.Fatalf("projection %s→%s: weight %g outside [%g, %g]", pr.Source, pr.Target, w, lo, hi)
					}
					sum += float64(w)
				}
				// uniform: sd (hi − lo)/√12 per weight
				if m, se := sum/float64(c.Len()), (hi-lo)/math.Sqrt(12*float64(c.Len())); math.Abs(m-mean) > 5*se {
					t.Fatalf("projection %s→%s: mean weight %g, want %g ± %g", pr.Source, pr.Target, m, mean, 5*se)
				}
			}
		})
	}
	// the per-neuron draws follow the seed
	a, _ := kernel.Preset("izhikevich2003", kernel.PresetOptions{Seed: 1})
	b, _ := kernel.Preset("izhikevich2003", kernel.PresetOptions{Seed: 1})
	c, _ := kernel.Preset("izhikevich2003", kernel.PresetOptions{Seed: 2})
	if !reflect.DeepEqual(a, b) || reflect.DeepEqual(a.Populations[0].Init, c.Populations[0].Init) {
		t.Fatal("the per-neuron parameters do not follow the seed")
	}
	for _, tc := range []struct {
		o   kernel.PresetOptions
		bad string
	}{
		{kernel.PresetOptions{DtMs: 1}, ""},
		{kernel.PresetOptions{DtMs: 0.1}, "DtMs"},
		{kernel.PresetOptions{DtMs: 0.5}, "DtMs"},
		{kernel.PresetOptions{DtMs: 2}, "DtMs"},
		{kernel.PresetOptions{DtMs: math.NaN()}, "DtMs"},
		{kernel.PresetOptions{N: 3}, ""},
		{kernel.PresetOptions{N: 2}, "N"},
		{kernel.PresetOptions{N: 81921}, "N"},
		{kernel.PresetOptions{N: -5}, "preset size"},
	} {
		t.Run(fmt.Sprintf("options/N=%d/dt=%g", tc.o.N, tc.o.DtMs), func(t *testing.T) {
			_, err := kernel.Preset("izhikevich2003", tc.o)
			paramtest.Check(t, err, tc.bad)
		})
	}
}
