package kernel_test

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/neurons"
	"github.com/neurodyn/neurodyn/synapses"
)

// izhikevichNet is a small Izhikevich (2003) network at dt = 0.5 ms: 400
// excitatory neurons in his published scheme (consistent_integration = 0)
// with c = −65 + 15 r², d = 8 − 6 r² per neuron (lists) and a drawn
// normally, 100 inhibitory ones with forward Euler, a = 0.02 + 0.08 r,
// b = 0.25 − 0.05 r (lists), U drawn, and V_min; all-to-all synapses of
// uniform weights (E: [0, 0.5] mV, I: [−1, 0] mV) with delays of 0 (E→I,
// I→I: delay-0 jumps) and 0.5–1 ms; Poisson drive, a dc device and a spike
// source.
func izhikevichNet(t testing.TB) kernel.Spec {
	rng := rand.New(rand.NewPCG(2003, 1))
	const ne, ni = 400, 100
	c, d := make([]float64, ne), make([]float64, ne)
	for j := range ne {
		r := rng.Float64()
		c[j], d[j] = -65+float64(15*r*r), 8-float64(6*r*r) // rounded: arm64 would fuse
	}
	a, b := make([]float64, ni), make([]float64, ni)
	for j := range ni {
		r := rng.Float64()
		a[j], b[j] = 0.02+float64(0.08*r), 0.25-float64(0.05*r)
	}
	list := func(v []float64) kernel.Dist { return kernel.Dist{Dist: "list", Values: v} }
	proj := func(src, tgt string, w synapses.Weights, delay float64) kernel.ProjectionSpec {
		return kernel.ProjectionSpec{Source: src, Target: tgt, Rule: synapses.Rule{Kind: "all_to_all"}, Weights: w, DelayMs: delay}
	}
	exc := synapses.Weights{Dist: "uniform", Low: 0, High: 0.5}
	inh := synapses.Weights{Dist: "uniform", Low: -1, High: 0}
	s := kernel.Spec{DtMs: 0.5, Seed: 11,
		Populations: []kernel.PopulationSpec{
			{Name: "E", N: ne, Model: "izhikevich", Params: map[string]float64{"consistent_integration": 0},
				VInit: kernel.Dist{Dist: "normal", Mean: -65, Std: 3},
				Init:  map[string]kernel.Dist{"c": list(c), "d": list(d), "a": {Dist: "normal", Mean: 0.02, Std: 0.002}}},
			{Name: "I", N: ni, Model: "izhikevich", Params: map[string]float64{"v_min_mv": -80},
				Init: map[string]kernel.Dist{"a": list(a), "b": list(b), "d": {Value: 2}, "U": {Dist: "uniform", Low: -15, High: -12}}},
		},
		Projections: []kernel.ProjectionSpec{proj("E", "E", exc, 1), proj("E", "I", exc, 0), proj("I", "E", inh, 0.5), proj("I", "I", inh, 0)},
		Devices: []kernel.DeviceSpec{
			{Kind: "poisson", Target: "E", RateHz: 1000, Weight: 6},
			{Kind: "poisson", Target: "I", RateHz: 400, Weight: 4},
			{Kind: "dc", Target: "I", AmplitudePA: 2, StartMs: 20, StopMs: 60},
			{Kind: "spike_source", Target: "E", Neurons: []int{0, 1, 2}, SpikeTimesMs: []float64{5, 7.5}, Weight: 40},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}, {Kind: "spikes", Population: "I"}},
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestIzhikevichNetworkInit: init sets a, b, c, d and U per neuron (lists
// to the float32 bit, constants, draws), U defaults to b·V(0) with the
// neuron's own b, V(0) to −65 mV; V_min and the scheme reach the model.
func TestIzhikevichNetworkInit(t *testing.T) {
	s := izhikevichNet(t)
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	e := net.Model("E").(*neurons.Izhikevich)
	i := net.Model("I").(*neurons.Izhikevich)
	if e.P.ConsistentIntegration != 0 || i.P.ConsistentIntegration != 1 || i.P.VMinmV != -80 || !math.IsInf(e.P.VMinmV, -1) {
		t.Fatalf("params: E %+v, I %+v", e.P, i.P)
	}
	cs, ds := s.Populations[0].Init["c"].Values, s.Populations[0].Init["d"].Values
	for j := range e.Len() {
		if e.C[j] != float32(cs[j]) || e.D[j] != float32(ds[j]) || e.B[j] != 0.2 {
			t.Fatalf("E[%d]: c %g d %g b %g, want %g %g 0.2", j, e.C[j], e.D[j], e.B[j], cs[j], ds[j])
		}
		if e.U[j] != float32(float64(e.B[j])*float64(e.V[j])) {
			t.Fatalf("E[%d]: U %g, want b·V = %g", j, e.U[j], e.B[j]*e.V[j])
		}
		if math.Abs(float64(e.A[j])-0.02) > 0.01 || e.V[j] == -65 {
			t.Fatalf("E[%d]: a %g, V %g: not drawn", j, e.A[j], e.V[j])
		}
	}
	as, bs := s.Populations[1].Init["a"].Values, s.Populations[1].Init["b"].Values
	for j := range i.Len() {
		if i.A[j] != float32(as[j]) || i.B[j] != float32(bs[j]) || i.C[j] != -65 || i.D[j] != 2 || i.V[j] != -65 {
			t.Fatalf("I[%d]: a %g b %g c %g d %g V %g", j, i.A[j], i.B[j], i.C[j], i.D[j], i.V[j])
		}
		if i.U[j] < -15 || i.U[j] >= -12 {
			t.Fatalf("I[%d]: U %g, want drawn in [−15, −12)", j, i.U[j])
		}
	}
	// an explicit initial U = 0, and V(0) given
	s.Populations[1].Init["U"] = kernel.Dist{}
	s.Populations[1].VInit = kernel.Dist{Value: -70}
	net2, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net2.Close()
	i = net2.Model("I").(*neurons.Izhikevich)
	if i.U[5] != 0 || i.V[5] != -70 {
		t.Fatalf("init U = {}, v_init −70: U %g, V %g", i.U[5], i.V[5])
	}
	if err := net.Run(100); err != nil {
		t.Fatal(err)
	}
	ne, ni := len(net.Recorder("spikes:E").Spikes().IDs), len(net.Recorder("spikes:I").Spikes().IDs)
	if ne == 0 || ni == 0 {
		t.Fatalf("%d E and %d I spikes in 100 ms", ne, ni)
	}
	t.Logf("100 ms: %d E spikes (%.1f Hz), %d I spikes (%.1f Hz)", ne, float64(ne)/400/0.1, ni, float64(ni)/100/0.1)
}

// TestIzhikevichSpecTOML: a spec written in TOML with the model's params
// (consistent_integration as 0, v_min_mv) and per-neuron init reads, runs
// and round-trips; state recorders report U and V in mV, the weights are
// in mV.
func TestIzhikevichSpecTOML(t *testing.T) {
	const text = `
dt_ms = 1.0
seed = 3

[[population]]
name = "N"
n = 3
model = "izhikevich"
params = { consistent_integration = 0, v_min_mv = -90.0, i_e_pa = 10.0 }
init = { c = { dist = "list", values = [-65.0, -50.0, -55.0] }, d = { dist = "list", values = [8.0, 2.0, 4.0] } }

[[projection]]
source = "N"
target = "N"
rule = { kind = "list" }
sources = [0]
targets = [1]
weight_list = [1.0]
delay_ms = 1.0

[[recorder]]
kind = "state"
population = "N"
variable = "U"

[[recorder]]
kind = "spikes"
population = "N"
`
	s, err := kernel.DecodeTOML(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	_, back := tomlRoundTrip(t, s)
	if !reflect.DeepEqual(back.Populations, s.Populations) {
		t.Fatalf("TOML round trip: %+v, want %+v", back.Populations, s.Populations)
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(200); err != nil {
		t.Fatal(err)
	}
	if u := net.Recorder("state:N").Units(); u != "mV" {
		t.Fatalf("U in %q, want mV (NEST's label)", u)
	}
	m := net.Model("N").(*neurons.Izhikevich)
	if m.P.IePA != 10 || m.P.VMinmV != -90 || m.P.ConsistentIntegration != 0 || m.C[1] != -50 {
		t.Fatalf("params %+v, c[1] %g", m.P, m.C[1])
	}
	if n := len(net.Recorder("spikes:N").Spikes().IDs); n < 10 {
		t.Fatalf("%d spikes in 200 ms at 10 pA", n)
	}
}

// TestIzhikevichDelayZero: a spike crossing over a delay-0 projection moves
// the target's V at once: a jump to V_th resets the target at the start of
// the next step, which is integrated from (c, U + d), and its spike is
// reported at that step's end; with a delay of one step the input is added
// at the end of that step (NEST), the same spike time, but the target ends
// the step at c. Both schemes.
func TestIzhikevichDelayZero(t *testing.T) {
	for _, ci := range []float64{1, 0} {
		for _, delay := range []float64{0, 0.1} {
			w := 200.0
			if ci == 0 && delay > 0 {
				w = 2000 // a current over the step in the 2003 scheme: h·w
			}
			s := kernel.Spec{DtMs: 0.1, Seed: 1,
				Populations: []kernel.PopulationSpec{
					{Name: "S", N: 1, Model: "lif_delta"},
					{Name: "T", N: 1, Model: "izhikevich", Params: map[string]float64{"consistent_integration": ci}},
				},
				Projections: []kernel.ProjectionSpec{{Source: "S", Target: "T", Rule: synapses.Rule{Kind: "all_to_all"},
					Weights: synapses.Weights{Value: w}, DelayMs: delay}},
				Devices:   []kernel.DeviceSpec{{Kind: "spike_source", Target: "S", SpikeTimesMs: []float64{1}, Weight: 30}},
				Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "S"}, {Kind: "spikes", Population: "T"}},
			}
			net, err := kernel.New(s)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Run(1); err != nil { // S fires at the end of the step to 1 ms
				t.Fatal(err)
			}
			tm := net.Model("T").(*neurons.Izhikevich)
			u0 := float64(tm.U[0])
			if err := net.Run(0.1); err != nil {
				t.Fatal(err)
			}
			sp, tp := net.Recorder("spikes:S").Spikes(), net.Recorder("spikes:T").Spikes()
			if len(sp.TimesMs) != 1 || len(tp.TimesMs) != 1 || math.Abs(tp.TimesMs[0]-sp.TimesMs[0]-0.1) > 1e-9 {
				t.Fatalf("consistent %g, delay %g: S spikes %v, T spikes %v; want T one step after S", ci, delay, sp.TimesMs, tp.TimesMs)
			}
			v, u := float64(tm.V[0]), float64(tm.U[0])
			if delay > 0 {
				if v != -65 {
					t.Fatalf("consistent %g, delay one step: V = %g at the spike, want c = −65", ci, v)
				}
			} else {
				// one step from (c, U + d) with no input: V rises from −65
				c, uu := -65.0, u0+8 // the reset at the step's start
				f := 0.04*c*c + 5*c + 140 - uu
				if ci == 0 {
					v1 := c + 0.05*f
					f = (f + 0.04*v1*v1 + 5*v1 + 140 - uu) / 2
				}
				wantV, wantU := c+0.1*f, uu+0.1*0.02*(0.2*c-uu)
				if ci == 0 {
					wantU = uu + 0.1*0.02*(0.2*wantV-uu)
				}
				if math.Abs(v-wantV) > 1e-4 || math.Abs(u-wantU) > 1e-5 {
					t.Fatalf("consistent %g, delay 0: V, U = %g, %g after the step, want %g, %g (integrated from the reset)", ci, v, u, wantV, wantU)
				}
			}
			net.Close()
		}
	}
}

// TestIzhikevichSpecErrors: the model's parameters, the step and the
// per-neuron init values are checked when the spec is validated (normal
// draws when the network is built), and the errors name them.
func TestIzhikevichSpecErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dt     float64
		params map[string]float64
		init   map[string]kernel.Dist
		want   string
	}{
		{"a beyond the step", 0.1, map[string]float64{"a": 20}, nil, "kernel: dt_ms = 0.1: must be at most 1/|a| = 0.05 ms (U's time constant) for population[0]'s parameters"},
		{"dt", 2, nil, nil, "kernel: dt_ms = 2: must be at most 1 ms"},
		{"consistent_integration", 0.1, map[string]float64{"consistent_integration": 2}, nil, "population[0].params.consistent_integration = 2"},
		{"c_mv", 0.1, map[string]float64{"c_mv": 40}, nil, "population[0].params.c_mv = 40: must be < v_th_mv = 30"},
		{"v_min_mv", 0.1, map[string]float64{"v_min_mv": 30}, nil, "population[0].params.v_min_mv = 30: must be < v_th_mv = 30"},
		{"v_min_mv -inf", 0.1, map[string]float64{"v_min_mv": math.Inf(-1)}, nil, "population[0].params.v_min_mv = -Inf: must be finite (left out: no lower bound)"},
		{"unknown param", 0.1, map[string]float64{"tau_mem_ms": 3}, nil, "population[0].params.tau_mem_ms"},
		{"unknown init", 0.1, nil, map[string]kernel.Dist{"W": {}}, "a state variable of izhikevich other than V (v_init sets it): [U a b c d]"},
		{"list a", 0.5, nil, map[string]kernel.Dist{"a": {Dist: "list", Values: []float64{0.02, 3, 0.1}}}, "population[0].init.a.values[1]: neurons: a = 3: must be at most 1/dt_ms = 2"},
		{"list c", 0.1, nil, map[string]kernel.Dist{"c": {Dist: "list", Values: []float64{-65, -50, 30}}}, "population[0].init.c.values[2]: neurons: c = 30: must be < v_th_mv = 30"},
		{"constant d", 0.1, nil, map[string]kernel.Dist{"d": {Value: math.Inf(1)}}, "population[0].init.d.value"},
		{"uniform c", 0.1, nil, map[string]kernel.Dist{"c": {Dist: "uniform", Low: -60, High: 35}}, "population[0].init.c.high: neurons: c = 35"},
		{"list length", 0.1, nil, map[string]kernel.Dist{"b": {Dist: "list", Values: []float64{0.2}}}, "population[0].init.b.values = 1 values: must be one per neuron: 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := kernel.Spec{DtMs: tc.dt, Populations: []kernel.PopulationSpec{{Name: "A", N: 3, Model: "izhikevich", Params: tc.params, Init: tc.init}}}
			err := s.Validate()
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if _, err2 := kernel.New(s); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("New: %v, Validate: %v", err2, err)
			}
		})
	}
	// a normal draw beyond the step is found when the network is built
	s := kernel.Spec{DtMs: 0.5, Populations: []kernel.PopulationSpec{{Name: "A", N: 50, Model: "izhikevich",
		Init: map[string]kernel.Dist{"a": {Dist: "normal", Mean: 1, Std: 1}}}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := kernel.New(s); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "population[0].init: neurons: a[") {
		t.Fatalf("a drawn beyond 1/dt: %v", err)
	}
}

// TestIzhikevichCheckpointParams: a checkpoint carries the per-neuron
// parameters, also those changed between runs (Network.Model's slices):
// the restored network, built from the spec's, continues identically.
func TestIzhikevichCheckpointParams(t *testing.T) {
	s := izhikevichNet(t)
	first, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := first.Run(20); err != nil {
		t.Fatal(err)
	}
	e := first.Model("E").(*neurons.Izhikevich)
	for j := range 100 {
		e.C[j], e.D[j] = -50, 2 // chattering
	}
	var buf bytes.Buffer
	if err := first.Checkpoint(&buf); err != nil {
		t.Fatal(err)
	}
	second, err := kernel.New(s, kernel.WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if err := second.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if c := second.Model("E").(*neurons.Izhikevich).C[7]; c != -50 {
		t.Fatalf("restored c[7] = %g, want the changed −50", c)
	}
	for _, net := range []*kernel.Network{first, second} {
		if err := net.Run(60); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"spikes:E", "spikes:I"} {
		if got, want := second.Recorder(name).Spikes(), tail(first.Recorder(name).Spikes(), 20); !reflect.DeepEqual(got, want) || len(want.IDs) == 0 {
			t.Fatalf("%s: %d spikes after restore, want the same %d", name, len(got.IDs), len(want.IDs))
		}
	}
}

// TestIzhikevichRunChecks: per-neuron parameters set through Model between
// runs are checked when the next run starts (an invalid a would turn V
// and U into NaN).
func TestIzhikevichRunChecks(t *testing.T) {
	net, err := kernel.New(izhikevichNet(t))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(5); err != nil {
		t.Fatal(err)
	}
	net.Model("E").(*neurons.Izhikevich).A[3] = 100
	err = net.Run(5)
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "a[3] = 100") {
		t.Fatalf("Run with a[3] = 100: %v, want an error naming a[3]", err)
	}
}
