package kernel_test

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// TestParrotReEmits: parrot neurons re-emit every spike that reaches them,
// one step after it left its source for delay 0 and delay later else: a
// spike_generator's trains (with repeated times and spikes one step apart)
// reach them whole, as NEST's parrot_neuron passes them on, with 1 and 2
// workers and a split run.
func TestParrotReEmits(t *testing.T) {
	const dt, n, T = 0.1, 5, 300.0
	rng := rand.New(rand.NewPCG(8, 1))
	idx, tms := genTrains(rng, n, 80, T-10)
	for _, tc := range []struct {
		name  string
		delay float64
		shift int // steps from a generator spike to its parrot's
	}{{"delay0", 0, 1}, {"delay1ms", 1, 10}, {"delay2.3ms", 2.3, 23}} {
		t.Run(tc.name, func(t *testing.T) {
			spec := kernel.Spec{DtMs: dt,
				Populations: []kernel.PopulationSpec{
					{Name: "G", N: n, Model: "spike_generator", SpikeIndices: idx, SpikeTimesMs: tms},
					{Name: "P", N: n, Model: "parrot"},
				},
				Projections: []kernel.ProjectionSpec{{Source: "G", Target: "P", Rule: synapses.Rule{Kind: "list"},
					Sources: []int{0, 1, 2, 3, 4}, Targets: []int{0, 1, 2, 3, 4}, DelayMs: tc.delay}},
				Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "G"}, {Kind: "spikes", Population: "P"}},
			}
			var want []genSpike
			for _, s := range genExpected(idx, tms, dt, false) {
				k := int(math.Round(s.t / dt))
				want = append(want, genSpike{s.id, float64(k+tc.shift) * dt})
			}
			for _, run := range [][]float64{{T}, {0.1, 100.2, T - 100.3}} {
				for _, workers := range []int{1, 2} {
					runNet(t, spec, workers, func(net *kernel.Network) {
						got := genRecorded(net.Recorder("spikes:P").Spikes())
						if !slices.Equal(got, want) {
							t.Fatalf("workers %d, runs %v: the parrots emitted %d spikes, want the generators' %d shifted by %d steps", workers, run, len(got), len(want), tc.shift)
						}
					}, run...)
				}
			}
		})
	}
}

// TestParrotPoisson: a parrot driven by a Poisson device (20 kHz: 2 spikes
// per step on average) re-emits each of its spikes, several in one step,
// and hands one train to all the targets of its projection: three
// lif_delta neurons (no threshold reached) follow the same membrane, the
// jump sum of the parrot's recorded spikes.
func TestParrotPoisson(t *testing.T) {
	const dt, T, w, tau, el = 0.1, 100.0, 0.05, 10.0, -70.0
	spec := kernel.Spec{DtMs: dt, Seed: 4,
		Populations: []kernel.PopulationSpec{
			{Name: "P", N: 1, Model: "parrot"},
			{Name: "T", N: 3, Model: "lif_delta", Params: map[string]float64{"v_th_mv": 1e4, "tau_mem_ms": tau, "e_l_mv": el, "v_reset_mv": el}},
		},
		Projections: []kernel.ProjectionSpec{{Source: "P", Target: "T", Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapsesConst(w), DelayMs: 1}},
		Devices:     []kernel.DeviceSpec{{Kind: "poisson", Target: "P", RateHz: 20000, Weight: 1}},
		Recorders:   []kernel.RecorderSpec{{Kind: "spikes", Population: "P"}, {Kind: "state", Population: "T"}},
	}
	runNet(t, spec, 1, func(net *kernel.Network) {
		sp := net.Recorder("spikes:P").Spikes()
		n, want := float64(len(sp.TimesMs)), 20000*T/1000
		if math.Abs(n-want) > 5*math.Sqrt(want) {
			t.Fatalf("the parrot emitted %v spikes, a Poisson count of mean %v", n, want)
		}
		multi := 0
		for i := 1; i < len(sp.TimesMs); i++ {
			if sp.TimesMs[i] == sp.TimesMs[i-1] {
				multi++
			}
		}
		if multi < int(n)/4 {
			t.Fatalf("%d of %v spikes share a step with the one before: the parrot merges them", multi, n)
		}
		fr := net.Recorder("state:T").Frames()
		worst := 0.0
		for f, tf := range fr.TimesMs {
			v := fr.Frame(f)
			if v[0] != v[1] || v[0] != v[2] {
				t.Fatalf("t = %g ms: the targets' V %v differ", tf, v)
			}
			ref := el
			for _, ts := range sp.TimesMs {
				if a := ts + 1; a <= tf+1e-9 {
					ref += w * math.Exp(-(tf-a)/tau)
				}
			}
			worst = max(worst, math.Abs(float64(v[0])-ref))
			if math.Abs(float64(v[0])-ref) > 1e-4 {
				t.Fatalf("t = %g ms: V = %.7g, the jump sum of the parrot's spikes %.7g", tf, v[0], ref)
			}
		}
		t.Logf("%v spikes (%d in the step of the one before), largest |V − jump sum| = %.2g mV", n, multi, worst)
	}, T)
}

// TestParrotSTDP: NEST's set-up for plastic synapses from given trains,
// spike_generator → parrot (delay one step) → STDP, gives the weights,
// to the bit, of STDP straight from the generator with its trains one step
// later; the post neurons' spikes are forced by spike_source devices.
func TestParrotSTDP(t *testing.T) {
	const dt, T = 0.1, 400.0
	rng := rand.New(rand.NewPCG(77, 7))
	idx, tms := genTrains(rng, 4, 40, T-20)
	for k := range tms { // on the grid, so that one step later is exact
		tms[k] = math.Ceil(tms[k]/dt) * dt
	}
	later := make([]float64, len(tms))
	for k, tm := range tms {
		later[k] = (math.Round(tm/dt) + 1) * dt
	}
	postTr := make([][]int, 3)
	for j := range postTr {
		postTr[j] = refTrain(rng, 20, 50, int(T/dt)-100, 30)
	}
	rule := synapses.Plasticity{Kind: "stdp", WMax: 0.1, Lambda: 0.05, Alpha: 1.1}
	plastic := kernel.ProjectionSpec{Target: "post", Rule: synapses.Rule{Kind: "all_to_all"},
		Weights: synapses.Weights{Dist: "uniform", Low: 0.01, High: 0.09}, DelayMs: 1.5, Plasticity: rule}
	base := func() kernel.Spec {
		return kernel.Spec{DtMs: dt, Seed: 3,
			Populations: []kernel.PopulationSpec{{Name: "post", N: 3, Model: "lif_delta"}},
			Devices:     refDrive("post", postTr, dt),
			Recorders:   []kernel.RecorderSpec{{Kind: "spikes", Population: "post"}},
		}
	}
	viaParrot := base()
	viaParrot.Populations = append(viaParrot.Populations,
		kernel.PopulationSpec{Name: "G", N: 4, Model: "spike_generator", SpikeIndices: idx, SpikeTimesMs: tms},
		kernel.PopulationSpec{Name: "pre", N: 4, Model: "parrot", Sign: 1})
	viaParrot.Projections = []kernel.ProjectionSpec{plastic,
		{Source: "G", Target: "pre", Rule: synapses.Rule{Kind: "list"}, Sources: []int{0, 1, 2, 3}, Targets: []int{0, 1, 2, 3}, DelayMs: dt}}
	viaParrot.Projections[0].Source = "pre"
	direct := base()
	direct.Populations = append(direct.Populations,
		kernel.PopulationSpec{Name: "pre", N: 4, Model: "spike_generator", Sign: 1, SpikeIndices: idx, SpikeTimesMs: later})
	direct.Projections = []kernel.ProjectionSpec{plastic}
	direct.Projections[0].Source = "pre"
	net, err := kernel.New(direct) // the initial weights (projection 0's seed is the same in both)
	if err != nil {
		t.Fatal(err)
	}
	w0 := slices.Clone(net.Projection(0).Weight)
	net.Close()
	var w [2][]float32
	var post [2][]genSpike
	for i, s := range []kernel.Spec{viaParrot, direct} {
		runNet(t, s, 2, func(net *kernel.Network) {
			w[i] = slices.Clone(net.Projection(0).Weight)
			post[i] = genRecorded(net.Recorder("spikes:post").Spikes())
		}, T)
	}
	if !slices.Equal(post[0], post[1]) {
		t.Fatal("the post spikes differ")
	}
	changed := 0
	for k := range w[0] {
		if w[0][k] != w[1][k] {
			t.Fatalf("synapse %d: weight %v through the parrot, %v straight from the generator", k, w[0][k], w[1][k])
		}
		if w[0][k] != w0[k] {
			changed++
		}
	}
	if changed < len(w0)/2 {
		t.Fatalf("%d of %d weights changed: the test exercises too little", changed, len(w0))
	}
	t.Logf("%d weights equal, %d of them changed", len(w[0]), changed)
}

// TestParrotCheckpoint: the spikes that reach parrots through delay-0
// synapses in a run's last step are emitted after a checkpoint restored
// into a network of other workers: the split run gives the whole run's
// spikes.
func TestParrotCheckpoint(t *testing.T) {
	const dt = 0.1
	spec := kernel.Spec{DtMs: dt,
		Populations: []kernel.PopulationSpec{
			{Name: "G", N: 3, Model: "spike_generator", SpikeIndices: []int{0, 1, 1, 2, 0}, SpikeTimesMs: []float64{0.5, 5.0, 5.0, 5.0, 9.0}},
			{Name: "P", N: 3, Model: "parrot"},
		},
		Projections: []kernel.ProjectionSpec{
			{Source: "G", Target: "P", Rule: synapses.Rule{Kind: "all_to_all"}},
			{Source: "G", Target: "P", Rule: synapses.Rule{Kind: "fixed_indegree", K: 2}, DelayMs: 0},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "P"}},
	}
	var whole []genSpike
	runNet(t, spec, 1, func(net *kernel.Network) { whole = genRecorded(net.Recorder("spikes:P").Spikes()) }, 12)
	var split []genSpike
	var ck bytes.Buffer
	runNet(t, spec, 2, func(net *kernel.Network) {
		split = genRecorded(net.Recorder("spikes:P").Spikes())
		if err := net.Checkpoint(&ck); err != nil {
			t.Fatal(err)
		}
	}, 5) // G's spikes at 5 ms reach P, to be emitted at 5.1 ms
	runNet(t, spec, 3, func(net *kernel.Network) {
		if err := net.Restore(&ck); err != nil {
			t.Fatal(err)
		}
		if err := net.Run(7); err != nil {
			t.Fatal(err)
		}
		split = append(split, genRecorded(net.Recorder("spikes:P").Spikes())...)
	})
	if len(whole) != 5*5 || !slices.Equal(split, whole) {
		t.Fatalf("whole run: %d parrot spikes %v\nsplit: %v\nwant 25 (each of 5 spikes to 3 + 2 synapses)", len(whole), whole, split)
	}
}

// TestParrotWeightsUnits: a weights recorder of a projection onto parrot
// neurons records weights of 1 in the unit "spikes" (each counts once).
func TestParrotWeightsUnits(t *testing.T) {
	spec := kernel.Spec{
		Populations: []kernel.PopulationSpec{
			{Name: "G", N: 2, Model: "spike_generator", SpikeIndices: []int{0}, SpikeTimesMs: []float64{1}},
			{Name: "P", N: 2, Model: "parrot"},
		},
		Projections: []kernel.ProjectionSpec{{Source: "G", Target: "P", Rule: synapses.Rule{Kind: "all_to_all"}, DelayMs: 1}},
		Recorders:   []kernel.RecorderSpec{{Kind: "weights", Projection: "G_to_P", IntervalMs: 1}},
	}
	runNet(t, spec, 1, func(net *kernel.Network) {
		r := net.Recorders()[0]
		if u := r.Units(); u != "spikes" {
			t.Errorf("units %q, want spikes", u)
		}
		if f := r.Frames(); len(f.Data) != 4*2 || slices.ContainsFunc(f.Data, func(w float32) bool { return w != 1 }) {
			t.Errorf("weights %v, want 1 for each of 4 synapses in 2 frames", f.Data)
		}
	}, 2)
}

// TestParrotRefused: misuses of parrot neurons are refused by Validate
// with a parameter error naming the key and what is allowed.
func TestParrotRefused(t *testing.T) {
	base := func() kernel.Spec {
		return kernel.Spec{
			Populations: []kernel.PopulationSpec{
				{Name: "G", N: 2, Model: "spike_generator", Sign: -1, SpikeIndices: []int{0}, SpikeTimesMs: []float64{1}},
				{Name: "P", N: 2, Model: "parrot"},
				{Name: "E", N: 2},
			},
			Projections: []kernel.ProjectionSpec{
				{Source: "G", Target: "P", Rule: synapses.Rule{Kind: "all_to_all"}, DelayMs: 1},
				{Source: "P", Target: "E", Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapsesConst(10), DelayMs: 1,
					Plasticity: synapses.Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 20}},
			},
			Devices:   []kernel.DeviceSpec{{Kind: "poisson", Target: "P", RateHz: 10, Weight: 1}},
			Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "P"}},
		}
	}
	cases := []struct {
		name string
		edit func(*kernel.Spec)
		want []string
	}{
		{"valid", func(*kernel.Spec) {}, nil},
		{"weight_1", func(s *kernel.Spec) { s.Projections[0].Weights = synapsesConst(1) }, nil},
		{"list_1", func(s *kernel.Spec) {
			s.Projections[0] = kernel.ProjectionSpec{Source: "G", Target: "P", Rule: synapses.Rule{Kind: "list"}, Sources: []int{0, 1}, Targets: []int{1, 1}, WeightList: []float64{1, 1}}
		}, nil},
		{"precise", func(s *kernel.Spec) { s.Precise, s.Projections, s.Devices = true, nil, nil },
			[]string{"population[1].model = parrot", "precise mode"}},
		{"params", func(s *kernel.Spec) { s.Populations[1].Params = map[string]float64{"t_ref_ms": 0} },
			[]string{"population[1].params.t_ref_ms", `left out for model = "parrot"`}},
		{"v_init", func(s *kernel.Spec) { s.Populations[1].VInit = kernel.Dist{Value: 1} },
			[]string{"population[1].v_init", `left out for model = "parrot"`}},
		{"spikes", func(s *kernel.Spec) { s.Populations[1].SpikeTimesMs = []float64{1} },
			[]string{"population[1].spike_times_ms", `left out unless model = "spike_generator"`}},
		{"weight", func(s *kernel.Spec) { s.Projections[0].Weights = synapsesConst(2) },
			[]string{"projection[0].weights.value = 2", "left out or 1"}},
		{"weight_dist", func(s *kernel.Spec) { s.Projections[0].Weights = synapsesNormal(1, 0.1) },
			[]string{"projection[0].weights.dist = normal", "left out or 1"}},
		{"weight_sign", func(s *kernel.Spec) { s.Projections[0].Weights = synapses.Weights{Value: 1, Sign: -1} },
			[]string{"projection[0].weights.sign = -1", "left out or 1"}},
		{"weight_list", func(s *kernel.Spec) {
			s.Projections[0] = kernel.ProjectionSpec{Source: "G", Target: "P", Rule: synapses.Rule{Kind: "list"}, Sources: []int{0, 1}, Targets: []int{1, 1}, WeightList: []float64{1, 0.5}}
		}, []string{"projection[0].weight_list[1] = 0.5", "left out or 1"}},
		{"plastic_onto", func(s *kernel.Spec) {
			s.Projections[0].Plasticity = synapses.Plasticity{Kind: "stdp", Lambda: 0.01, Alpha: 1, WMax: 1}
		}, []string{"projection[0].plasticity.kind = stdp", "left out onto parrot neurons"}},
		{"short_term_onto", func(s *kernel.Spec) {
			s.Projections[0].ShortTerm = synapses.ShortTerm{Kind: "tsodyks2", U: 0.5, TauRecMs: 100}
		}, []string{"projection[0].short_term.kind = tsodyks2", "left out onto parrot neurons"}},
		{"device_weight", func(s *kernel.Spec) { s.Devices[0].Weight = 5 },
			[]string{"device[0].weight = 5", "1 onto parrot neurons"}},
		{"device_current", func(s *kernel.Spec) { s.Devices[0] = kernel.DeviceSpec{Kind: "dc", Target: "P", AmplitudePA: 100} },
			[]string{"device[0].kind = dc", "poisson or spike_source onto parrot neurons"}},
		{"state_recorder", func(s *kernel.Spec) {
			s.Recorders = append(s.Recorders, kernel.RecorderSpec{Kind: "state", Population: "P"})
		}, []string{"recorder[1].population = P", "parrot neurons have none"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			checkValidate(t, s, tc.want...)
			_, err := kernel.New(s)
			if (err == nil) != (tc.want == nil) || (err != nil && !errors.Is(err, param.ErrInvalid)) {
				t.Fatalf("New: %v", err)
			}
		})
	}
}
