package kernel_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/neurons"
	"github.com/neurodyn/neurodyn/synapses"
)

// adexParams are the overrides of the single-population tests: an
// adapting neuron with a refractory period, driven by i_e alone.
var adexParams = map[string]float64{
	"a_ns": 2, "b_pa": 60, "tau_w_ms": 100, "delta_t_mv": 2.5, "v_peak_mv": 10,
	"v_reset_mv": -58, "t_ref_ms": 0.5, "i_e_pa": 700, "tau_syn_ex_ms": 3,
}

// TestAdExKernelMatchesModel: an adex_cond population driven by i_e alone,
// with random initial potentials, records the spikes, V and W of stepping
// neurons.NewAdExCond with the same parameters and initial state directly.
func TestAdExKernelMatchesModel(t *testing.T) {
	const n, ms, dt = 4, 300.0, 0.1
	s := kernel.Spec{
		DtMs: dt, Seed: 7,
		Populations: []kernel.PopulationSpec{{Name: "A", N: n, Model: "adex_cond", Params: adexParams,
			VInit: kernel.Dist{Dist: "uniform", Low: -70, High: -52}}},
		Recorders: []kernel.RecorderSpec{
			{Kind: "spikes", Population: "A"},
			{Name: "V", Kind: "state", Population: "A", Variable: "V"},
			{Name: "W", Kind: "state", Population: "A", Variable: "W"},
		},
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	p := neurons.DefaultAdExCond()
	p.AnS, p.BPA, p.TauWMs, p.DeltaTmV, p.VPeakmV = 2, 60, 100, 2.5, 10
	p.VResetmV, p.TRefMs, p.IePA, p.TauSynExMs = -58, 0.5, 700, 3
	m, err := neurons.NewAdExCond(n, p, dt)
	if err != nil {
		t.Fatal(err)
	}
	v0, off, err := net.Model("A").VarSlice("V")
	if err != nil {
		t.Fatal(err)
	}
	if off != float32(p.ELmV) {
		t.Fatalf("V offset %v, want E_L %v", off, p.ELmV)
	}
	copy(m.V, v0)
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	in := [][]float32{make([]float32, n), make([]float32, n)}
	spk := make([]int32, n)
	var times []float64
	var ids []uint32
	steps := int(math.Round(ms / dt))
	vs, ws := net.Recorder("V").Frames(), net.Recorder("W").Frames()
	if len(vs.TimesMs) != steps || vs.Width != n || len(ws.TimesMs) != steps {
		t.Fatalf("state frames %d × %d and %d, want %d × %d", len(vs.TimesMs), vs.Width, len(ws.TimesMs), steps, n)
	}
	for k := range steps {
		ns := m.Step(0, n, in, nil, spk)
		for _, j := range spk[:ns] {
			times = append(times, float64(k+1)*dt)
			ids = append(ids, uint32(j))
		}
		fv, fw := vs.Frame(k), ws.Frame(k)
		for j := range n {
			if fv[j] != m.V[j]+off || fw[j] != m.W[j] {
				t.Fatalf("step %d neuron %d: recorded V %v W %v, direct %v %v", k, j, fv[j], fw[j], m.V[j]+off, m.W[j])
			}
		}
	}
	sp := net.Recorder("spikes:A").Spikes()
	if len(times) < 3*n {
		t.Fatalf("%d spikes in %g ms: too few to test", len(times), ms)
	}
	if !reflect.DeepEqual(sp.IDs, ids) || len(sp.TimesMs) != len(times) {
		t.Fatalf("kernel spikes %v, direct %v", sp.IDs, ids)
	}
	for i, tm := range sp.TimesMs {
		if math.Abs(tm-times[i]) > 1e-9 {
			t.Fatalf("spike %d at %v ms, direct %v", i, tm, times[i])
		}
	}
	t.Logf("%d spikes of %d neurons in %g ms, V and W equal at all %d steps", len(times), n, ms, steps)
}

// adexNet is a small E/I network of adex_cond neurons: adapting,
// refractory excitatory cells and non-adapting inhibitory ones, recurrent
// conductance synapses with per-synapse delays and Poisson input onto the
// excitatory receptor, recording spikes and the V and W of a few neurons.
func adexNet(t testing.TB) kernel.Spec {
	e := map[string]float64{"tau_syn_ex_ms": 5, "tau_syn_in_ms": 10, "t_ref_ms": 2, "b_pa": 40, "i_e_pa": 100}
	i := map[string]float64{"tau_syn_ex_ms": 5, "tau_syn_in_ms": 10, "a_ns": 0, "b_pa": 0, "tau_w_ms": 30, "cm_pf": 150}
	return kernel.Spec{
		DtMs: 0.1, Seed: 11,
		Populations: []kernel.PopulationSpec{
			{Name: "E", N: 160, Sign: 1, Model: "adex_cond", Params: e, VInit: kernel.Dist{Dist: "uniform", Low: -70, High: -55}},
			// conductances are ≥ 0 on the inh receptor too: no Dale sign −1
			{Name: "I", N: 40, Model: "adex_cond", Params: i, VInit: kernel.Dist{Dist: "uniform", Low: -70, High: -55}},
		},
		Projections: []kernel.ProjectionSpec{
			{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.1}, Weights: synapses.Weights{Value: 1}, DelayMs: 1, DelayMaxMs: 3},
			{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.1}, Weights: synapses.Weights{Value: 1.5}, DelayMs: 1},
			{Source: "I", Target: "E", Receptor: "inh", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2}, Weights: synapses.Weights{Value: 4}, DelayMs: 0.5},
			{Source: "I", Target: "I", Receptor: "inh", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2}, Weights: synapses.Weights{Value: 4}, DelayMs: 0.5},
		},
		Devices: []kernel.DeviceSpec{
			{Kind: "poisson", Target: "E", Receptor: "exc", RateHz: 2000, Weight: 1.3},
			{Kind: "poisson", Target: "I", Receptor: "exc", RateHz: 2000, Weight: 1.3},
		},
		Recorders: []kernel.RecorderSpec{
			{Kind: "spikes", Population: "E"},
			{Kind: "spikes", Population: "I"},
			{Name: "V:E", Kind: "state", Population: "E", Variable: "V", Neurons: []int{0, 1, 77, 159}, IntervalMs: 0.5},
			{Name: "W:E", Kind: "state", Population: "E", Variable: "W", Neurons: []int{0, 1, 77, 159}, IntervalMs: 0.5},
			{Name: "V:I", Kind: "state", Population: "I", Variable: "V", Neurons: []int{3, 39}},
		},
	}
}

// runAdEx builds s with workers, runs it for each of ms in turn and returns
// its spikes and the data of its state recorders.
func runAdEx(t testing.TB, s kernel.Spec, workers int, ms ...float64) (spikes map[string]*kernel.SpikeMemory, states [][]float32) {
	t.Helper()
	runNet(t, s, workers, func(net *kernel.Network) {
		spikes = recorderSpikes(net)
		for _, r := range net.Recorders() {
			if r.Spikes() == nil {
				states = append(states, r.Frames().Data)
			}
		}
	}, ms...)
	return spikes, states
}

// TestAdExKernelIdentical: the E/I network gives the same spikes and
// recorded V and W, to the bit, with 1, 2 and 3 workers, split into
// several runs and on every kernel path.
func TestAdExKernelIdentical(t *testing.T) {
	ms := 200.0
	if testing.Short() {
		ms = 80
	}
	s := adexNet(t)
	refSpikes, refStates := runAdEx(t, s, 1, ms)
	ne, ni := len(refSpikes["spikes:E"].IDs), len(refSpikes["spikes:I"].IDs)
	t.Logf("%g ms: %d E spikes (%.1f Hz), %d I spikes (%.1f Hz)", ms, ne, float64(ne)/160/ms*1000, ni, float64(ni)/40/ms*1000)
	if ne < 50 || ni < 20 {
		t.Fatalf("too few spikes to test: %d E, %d I", ne, ni)
	}
	checkIdentical(t, ms, refSpikes, refStates, func(workers int, ms ...float64) (map[string]*kernel.SpikeMemory, [][]float32) {
		return runAdEx(t, s, workers, ms...)
	})
}

// TestAdExKernelCheckpoint: the E/I network checkpointed halfway and
// restored into a fresh network with another number of workers ends with
// the spikes and the whole state (checkpoint bytes) of an uninterrupted
// run.
func TestAdExKernelCheckpoint(t *testing.T) {
	s := adexNet(t)
	checkpoint := func(net *kernel.Network) []byte {
		var buf bytes.Buffer
		if err := net.Checkpoint(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	full, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	if err := full.Run(100); err != nil {
		t.Fatal(err)
	}
	first, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := first.Run(50); err != nil {
		t.Fatal(err)
	}
	second, err := kernel.New(s, kernel.WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if err := second.Restore(bytes.NewReader(checkpoint(first))); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(50); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"spikes:E", "spikes:I"} {
		want := tail(full.Recorder(name).Spikes(), 50)
		got := second.Recorder(name).Spikes()
		if len(want.IDs) == 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %d spikes after restore, want %d (identical)", name, len(got.IDs), len(want.IDs))
		}
	}
	for _, pop := range []string{"E", "I"} {
		for _, v := range []string{"V", "W", "Ge", "Gi"} {
			a, _, _ := full.Model(pop).VarSlice(v)
			b, _, _ := second.Model(pop).VarSlice(v)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s.%s differs after restore", pop, v)
			}
		}
	}
	if !bytes.Equal(checkpoint(full), checkpoint(second)) {
		t.Fatal("checkpoint after restore and 50 ms differs from the uninterrupted run's")
	}
}

// TestAdExKernelParamErrors: bad adex_cond parameters are refused by
// kernel.New with an error naming the parameter.
func TestAdExKernelParamErrors(t *testing.T) {
	for _, tc := range []struct {
		key    string
		params map[string]float64
	}{
		{"population[0].params.delta_t_mv", map[string]float64{"delta_t_mv": 0}},
		{"population[0].params.delta_t_mv", map[string]float64{"delta_t_mv": -1}},
		{"population[0].params.v_peak_mv", map[string]float64{"v_peak_mv": -55}}, // below v_th_mv = −50.4
		{"population[0].params.v_reset_mv", map[string]float64{"v_reset_mv": 5}}, // above v_peak_mv = 0
		{"population[0].params.v_reset_mv", map[string]float64{"v_peak_mv": -20, "v_reset_mv": -20}},
		{"population[0].params.t_ref_ms", map[string]float64{"t_ref_ms": 0.25}}, // not a multiple of dt = 0.1
		{"population[0].params.t_ref_ms", map[string]float64{"t_ref_ms": -0.1}},
		{"population[0].params.tau_w_ms", map[string]float64{"tau_w_ms": 0}},
		{"population[0].params.cm_pf", map[string]float64{"cm_pf": -1}},
		{"population[0].params.g_l_ns", map[string]float64{"g_l_ns": 0}},
		{"population[0].params.tau_syn_ex_ms", map[string]float64{"tau_syn_ex_ms": 0}},
		{"population[0].params.tau_syn_in_ms", map[string]float64{"tau_syn_in_ms": math.Inf(1)}},
		{"population[0].params.a_ns", map[string]float64{"a_ns": math.NaN()}},
		{"population[0].params.tau_mem_ms", map[string]float64{"tau_mem_ms": 10}}, // a lif parameter
	} {
		t.Run(tc.key, func(t *testing.T) {
			s := kernel.Spec{Populations: []kernel.PopulationSpec{{Name: "A", N: 2, Model: "adex_cond", Params: tc.params}}}
			_, err := kernel.New(s)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("params %v: error %v does not name %s", tc.params, err, tc.key)
			}
		})
	}
	// and the recorder variables are V, W, Ge and Gi
	s := kernel.Spec{Populations: []kernel.PopulationSpec{{Name: "A", N: 2, Model: "adex_cond"}},
		Recorders: []kernel.RecorderSpec{{Kind: "state", Population: "A", Variable: "Ie"}}}
	if _, err := kernel.New(s); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "recorder[0].variable") {
		t.Fatalf("recording Ie of adex_cond: %v", err)
	}
	for _, v := range []string{"V", "W", "Ge", "Gi"} {
		s.Recorders[0].Variable = v
		net, err := kernel.New(s)
		if err != nil {
			t.Fatalf("recording %s: %v", v, err)
		}
		net.Close()
	}
}

// adexGolden is TestAdExGolden's checksum on amd64; the pure-Go path on
// arm64 reproduces it under qemu-aarch64 (make asm-arm64). A deliberate
// change of the AdEx arithmetic updates it.
const adexGolden = 0xf5f70078cae20454

// TestAdExGolden pins the state and spikes of the adex_cond E/I network
// after 80 ms to a checksum: the same bits on every architecture and
// kernel path.
func TestAdExGolden(t *testing.T) {
	checkGolden(t, adexNet(t), 80, nil, 100, adexGolden)
}
