package snn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// nirSim simulates a graph written by NIRWith per NIR's continuous-time
// equations on the grid of its dt_s: between grid points every state
// evolves by the exact solution of its linear ODE, spikes are impulses of
// area spike_area_s at the grid point they are emitted at, thresholds are
// checked at grid points (v > v_threshold, then v ← v_reset), and a
// neuron is held at v_reset for refractory_s after a spike (metadata: NIR's
// CubaLIF has no refractory period). It reads only the graph.
type nirSim struct {
	N, I, O, K, ref     int
	dt, area            float64
	win, b, w           []float64 // N×I, N, N×N
	tauS, tauM, r, wIn  []float64
	vl, th, vr          []float64
	a, bm, p, hold      []float64 // per neuron: e^{−dt/τ_syn}, e^{−dt/τ_mem}, P, impulse scale
	filt                []nirSimLI
	skip, bout          []float64
	i, v, s, prev, fval [][]float64
	rc                  []int
}

type nirSimLI struct {
	tau, r, decay []float64
	w             []float64 // O×N
}

func nirF(t *testing.T, g *export.NIRGraph, key string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(g.Metadata[key], 64)
	if err != nil {
		t.Fatalf("metadata %s = %q: %v", key, g.Metadata[key], err)
	}
	return v
}

func newNIRSim(t *testing.T, g *export.NIRGraph) *nirSim {
	t.Helper()
	p := func(node, name string) []float64 {
		n, ok := g.Nodes[node]
		if !ok {
			t.Fatalf("no node %s", node)
		}
		return n.Params[name].Data
	}
	lif := "lif"
	s := &nirSim{dt: nirF(t, g, "dt_s"), K: int(nirF(t, g, "substeps"))}
	s.area = s.dt // what graphs without spike_area_s meant
	if _, ok := g.Metadata["spike_area_s"]; ok {
		s.area = nirF(t, g, "spike_area_s")
	}
	s.ref = int(math.Round(nirF(t, g, "refractory_s") / s.dt))
	s.tauS, s.tauM, s.r, s.wIn = p(lif, "tau_syn"), p(lif, "tau_mem"), p(lif, "r"), p(lif, "w_in")
	s.vl, s.th, s.vr = p(lif, "v_leak"), p(lif, "v_threshold"), p(lif, "v_reset")
	s.N = len(s.tauS)
	s.win, s.b, s.w = p("input_weights", "weight"), p("input_weights", "bias"), p("recurrent", "weight")
	s.I = g.Nodes["input_weights"].Params["weight"].Shape[1]
	for k := 0; ; k++ {
		fn := fmt.Sprintf("filter_%d", k)
		if _, ok := g.Nodes[fn]; !ok {
			break
		}
		li := nirSimLI{tau: p(fn, "tau"), r: p(fn, "r"), w: p(fmt.Sprintf("readout_%d", k), "weight")}
		for _, tau := range li.tau {
			li.decay = append(li.decay, math.Exp(-s.dt/tau))
		}
		s.filt = append(s.filt, li)
	}
	s.bout = p("readout_0", "bias")
	s.O = len(s.bout)
	if _, ok := g.Nodes["skip"]; ok {
		s.skip = p("skip", "weight")
	}
	for j := 0; j < s.N; j++ {
		a, b := math.Exp(-s.dt/s.tauS[j]), math.Exp(-s.dt/s.tauM[j])
		P := s.dt / s.tauS[j] * a
		if s.tauS[j] != s.tauM[j] {
			P = s.tauS[j] * (a - b) / (s.tauS[j] - s.tauM[j])
		}
		s.a, s.bm, s.p = append(s.a, a), append(s.bm, b), append(s.p, P)
		// The impulse at the start of a step that acts on the grid as
		// the model's input current does (the held input's Affine output
		// times this, as a jump of I): (1−a)(1−b)·L/(ln a·ln b), L =
		// (ln a − ln b)/(a − b) — γ/ρ of NIRWith, from the τ's alone.
		la, lb := -s.dt/s.tauS[j], -s.dt/s.tauM[j]
		L := 1 / b
		if a != b {
			L = (la - lb) / (a - b)
		}
		s.hold = append(s.hold, (1-a)*(1-b)*L/(la*lb))
	}
	s.reset()
	return s
}

func (s *nirSim) reset() {
	mk := func(n int) []float64 { return make([]float64, n) }
	s.i, s.v, s.s, s.prev = [][]float64{mk(s.N)}, [][]float64{mk(s.N)}, [][]float64{mk(s.N)}, [][]float64{mk(s.N)}
	copy(s.v[0], s.vl)
	s.fval = nil
	for range s.filt {
		s.fval = append(s.fval, mk(s.N))
	}
	s.rc = make([]int, s.N)
}

// sample feeds one sample x for K steps and returns the output and the
// spikes of each step. impulse delivers the Affine's output as a jump of
// I at the start of each step (see hold) instead of holding it.
func (s *nirSim) sample(x []float64, impulse bool) (y []float64, spikes [][]float64) {
	N := s.N
	c := make([]float64, N)
	for j := 0; j < N; j++ {
		c[j] = s.b[j]
		for k := 0; k < s.I; k++ {
			c[j] += s.win[j*s.I+k] * x[k]
		}
	}
	I, v, prev := s.i[0], s.v[0], s.prev[0]
	for step := 0; step < s.K; step++ {
		sp := make([]float64, N)
		for j := 0; j < N; j++ {
			rec := 0.0
			for k := 0; k < N; k++ {
				rec += s.w[j*N+k] * prev[k]
			}
			I0 := I[j] + s.wIn[j]*rec*s.area/s.tauS[j] // spikes of the last grid point
			held := s.wIn[j] * c[j]
			if impulse {
				I0 += s.hold[j] * c[j]
				held = 0
			}
			u := s.vl[j] + s.bm[j]*(v[j]-s.vl[j]) + s.r[j]*((1-s.bm[j])*held+s.p[j]*(I0-held))
			I[j] = s.a[j]*I0 + (1-s.a[j])*held
			if s.rc[j] > 0 {
				s.rc[j]--
				v[j] = s.vr[j]
				continue
			}
			if u > s.th[j] {
				sp[j] = 1
				u = s.vr[j]
				s.rc[j] = s.ref
			}
			v[j] = u
		}
		for k, li := range s.filt {
			for j := 0; j < N; j++ {
				s.fval[k][j] = li.decay[j]*s.fval[k][j] + li.r[j]*s.area/li.tau[j]*sp[j]
			}
		}
		copy(prev, sp)
		spikes = append(spikes, sp)
	}
	y = make([]float64, s.O)
	for o := 0; o < s.O; o++ {
		y[o] = s.bout[o]
		for k, li := range s.filt {
			for j := 0; j < N; j++ {
				y[o] += li.w[o*N+j] * s.fval[k][j]
			}
		}
		if s.skip != nil {
			for k := 0; k < s.I; k++ {
				y[o] += s.skip[o*s.I+k] * x[k]
			}
		}
	}
	return y, spikes
}

// TestNIRSimulated simulates the exported graph per NIR's equations
// (nirSim) and compares it with the model's forward pass (Step, float64):
// with the input delivered as the model takes it (an impulse at the start
// of each step) the spikes of every step are the model's and the outputs
// agree to rounding, for the exact and the Euler step; with the input held
// (NIR's Input, zero-order hold) the spike count and the outputs stay
// close (the figures are logged).
func TestNIRSimulated(t *testing.T) {
	base := Config{NE: 24, NI: 8, Inputs: 3, Outputs: 3, TauMemEMs: 20, TauMemIMs: 10, TauSynMs: 5,
		Discretization: Exact, Dale: DaleAbs, InputScale: 1, InputBias: true, BiasMean: 0.15, BiasStd: 0.08,
		P: 0.3, WeightScale: 0.5, Readout: ReadoutFiltered, ReadoutTauMs: []float64{10, 50}, Skip: true, Seed: 7}
	euler := base
	euler.Discretization, euler.TauMemEMs, euler.TauMemIMs = Euler, 2, 1.5
	euler.BiasMean, euler.InputScale = 0.5, 0.5
	cases := []struct {
		name   string
		c      func(Config) Config
		from   Config
		spikes float64 // bound on the held input's relative spike-count change
	}{
		{"exact", func(c Config) Config { return c }, base, 0.05},
		{"exact/refractory", func(c Config) Config { c.RefractoryMs = 2; return c }, base, 0.05},
		{"exact/substeps", func(c Config) Config { c.SubSteps = 5; c.RefractoryMs = 2; return c }, base, 0.05},
		{"exact/equal-taus", func(c Config) Config { c.TauMemEMs, c.TauMemIMs = 5, 5; return c }, base, 0.05},
		{"euler", func(c Config) Config { return c }, euler, 0.05},
		{"euler/refractory", func(c Config) Config { c.RefractoryMs = 3; c.SubSteps = 2; return c }, euler, 0.05},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c(tc.from).WithDefaults()
			m, err := New[float64](c)
			if err != nil {
				t.Fatal(err)
			}
			g, err := m.NIR()
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			const L = 300
			xs := make([][]float64, L)
			x := []float64{0, 0, 0}
			for k := range xs {
				for i := range x {
					x[i] = 0.9*x[i] + 0.45*r.NormFloat64()
				}
				xs[k] = append([]float64(nil), x...)
			}
			sim := newNIRSim(t, g)
			N := c.N()
			st := make([]float64, m.StateDim())
			y := make([]float64, 3)
			m.Reset()
			var nModel, nImp, nHeld int
			var maxImp, maxHeld, rms, sq float64
			for k, x := range xs {
				m.Step(y, x)
				m.State(st)
				yi, spi := sim.sample(x, true)
				for j := 0; j < N; j++ {
					nModel += int(st[3*N+j])
				}
				last := spi[len(spi)-1]
				for j := 0; j < N; j++ {
					if last[j] != st[3*N+j] {
						t.Fatalf("sample %d: neuron %d spikes %g per NIR, %g in the model", k, j, last[j], st[3*N+j])
					}
				}
				for _, sp := range spi {
					for _, v := range sp {
						nImp += int(v)
					}
				}
				for o := range y {
					maxImp = math.Max(maxImp, math.Abs(yi[o]-y[o]))
					sq += y[o] * y[o]
				}
			}
			if c.SubSteps == 1 && nImp != nModel {
				t.Fatalf("%d spikes per NIR, %d in the model", nImp, nModel)
			}
			rms = math.Sqrt(sq / float64(3*L))
			if nImp == 0 || maxImp > 1e-9*math.Max(rms, 1) {
				t.Fatalf("impulse input: %d spikes, max |Δy| = %g (rms y %g): must spike and agree to rounding", nImp, maxImp, rms)
			}
			sim.reset()
			var sqd float64
			m.Reset()
			for _, x := range xs {
				m.Step(y, x)
				yh, sph := sim.sample(x, false)
				for _, sp := range sph {
					for _, v := range sp {
						nHeld += int(v)
					}
				}
				for o := range y {
					d := yh[o] - y[o]
					maxHeld = math.Max(maxHeld, math.Abs(d))
					sqd += d * d
				}
			}
			rel := float64(nHeld-nImp) / float64(nImp)
			t.Logf("%d steps: %d spikes in the model and per NIR with its input; input held: %d spikes (%+.2f%%), output max |Δy| %.3g, rms Δy %.3g, rms y %.3g",
				L*c.SubSteps, nImp, nHeld, 100*rel, maxHeld, math.Sqrt(sqd/float64(3*L)), rms)
			if math.Abs(rel) > tc.spikes {
				t.Errorf("input held: %d spikes against %d: %+.1f%%, want within %.0f%%", nHeld, nImp, 100*rel, 100*tc.spikes)
			}
		})
	}
}

// TestNIRRefuses checks that what NIR cannot express is refused, the
// parameter named.
func TestNIRRefuses(t *testing.T) {
	base := Config{NE: 8, NI: 2, Readout: ReadoutFiltered}
	for _, tc := range []struct {
		name, param string
		c           func(Config) Config
	}{
		{"soft reset", "Reset", func(c Config) Config { c.Reset = ResetSoft; return c }},
		{"smooth", "Smooth", func(c Config) Config { c.Smooth = true; return c }},
		{"count readout", "Readout", func(c Config) Config { c.Readout, c.ReadoutTauMs = ReadoutCount, nil; return c }},
		{"euler tau = dt", "TauMemIMs", func(c Config) Config { c.Discretization = Euler; return c }}, // τ_I 1 ms = dt
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New[float32](tc.c(base))
			if err != nil {
				t.Fatal(err)
			}
			_, err = m.NIR()
			var pe *param.Error
			if !errors.As(err, &pe) || pe.Name != tc.param {
				t.Fatalf("err = %v, want a param error naming %s", err, tc.param)
			}
		})
	}
}
