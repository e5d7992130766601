package kernel_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// smallSpec is a 20-neuron network that spikes: dc drive, Poisson input,
// a recurrent projection and a time_series device.
func smallSpec() kernel.Spec {
	return kernel.Spec{
		Seed:        3,
		Populations: []kernel.PopulationSpec{{Name: "E", N: 20, Sign: 1}},
		Projections: []kernel.ProjectionSpec{{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "fixed_prob", P: 0.2},
			Weights: synapsesConst(50), DelayMs: 1}},
		Devices: []kernel.DeviceSpec{
			{Kind: "dc", Target: "E", AmplitudePA: 400},
			{Kind: "poisson", Target: "E", RateHz: 2000, Weight: 20},
			{Name: "in", Kind: "time_series", Target: "E", SeriesDtMs: 1, Series: [][]float64{{1, 2}, {3, 4}},
				InputWeights: synapsesConst(1)},
		},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "E"}},
	}
}

// TestValidateChecksWholeSpec: Validate alone (without New) rejects what
// New would reject or could not build, naming the key.
func TestValidateChecksWholeSpec(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name string
		mod  func(*kernel.Spec)
		key  string // "" for a valid spec
	}{
		{"base", func(*kernel.Spec) {}, ""},
		{"p 1.5", func(s *kernel.Spec) { s.Projections[0].Rule.P = 1.5 }, "projection[0]: synapses: rule.p"},
		{"p -1", func(s *kernel.Spec) { s.Projections[0].Rule.P = -1 }, "projection[0]: synapses: rule.p"},
		{"kind bogus", func(s *kernel.Spec) { s.Projections[0].Rule.Kind = "bogus" }, "projection[0].rule.kind = bogus: must be one of fixed_prob, fixed_indegree, fixed_outdegree, all_to_all, list, sonata"},
		{"indegree K > N", func(s *kernel.Spec) { s.Projections[0].Rule = synapses.Rule{Kind: "fixed_indegree", K: 50} }, "rule.k"},
		{"indegree K > N multapses", func(s *kernel.Spec) {
			s.Projections[0].Rule = synapses.Rule{Kind: "fixed_indegree", K: 50, Multapses: true}
		}, ""},
		{"indegree huge K multapses", func(s *kernel.Spec) {
			s.Projections[0].Rule = synapses.Rule{Kind: "fixed_indegree", K: 1e9, Multapses: true}
		}, "rule.k"},
		{"outdegree K -2", func(s *kernel.Spec) { s.Projections[0].Rule = synapses.Rule{Kind: "fixed_outdegree", K: -2} }, "rule.k"},
		{"seed 2^63-1", func(s *kernel.Spec) { s.Seed = math.MaxInt64 }, ""},
		{"seed 2^63", func(s *kernel.Spec) { s.Seed = math.MaxInt64 + 1 }, "seed = 9223372036854775808: must be in [0, 2^63-1]"},
		{"seed max uint64", func(s *kernel.Spec) { s.Seed = math.MaxUint64 - 7 }, "seed = 18446744073709551608"},
		{"workers -1", func(s *kernel.Spec) { s.Workers = -1 }, "workers"},
		{"workers max", func(s *kernel.Spec) { s.Workers = kernel.MaxWorkers }, ""},
		{"workers 1e6", func(s *kernel.Spec) { s.Workers = 1e6 }, "workers"},
		{"drawn delays from 0", func(s *kernel.Spec) { s.Projections[0].DelayMs, s.Projections[0].DelayMaxMs = 0, 2 }, "projection[0].delay_ms"},
		{"listed delays 0 and 1", func(s *kernel.Spec) {
			s.Projections[0] = kernel.ProjectionSpec{Source: "E", Target: "E", Rule: synapses.Rule{Kind: "list"},
				Sources: []int{0, 1}, Targets: []int{1, 2}, Weights: synapsesConst(5), DelayListMs: []float64{0, 1}}
		}, "projection[0].delay_list_ms"},
		{"series NaN", func(s *kernel.Spec) { s.Devices[2].Series[1][0] = nan }, "device[2].series[1][0]"},
		{"series Inf", func(s *kernel.Spec) { s.Devices[2].Series[0][1] = -inf }, "device[2].series[0][1]"},
		{"input_matrix NaN", func(s *kernel.Spec) {
			s.Devices[2].InputMatrix = make([][]float64, 20)
			for k := range s.Devices[2].InputMatrix {
				s.Devices[2].InputMatrix[k] = []float64{1, 1}
			}
			s.Devices[2].InputMatrix[7][1] = inf
		}, "device[2].input_matrix[7][1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := smallSpec()
			tc.mod(&s)
			checkValidate(t, s, nonEmpty(tc.key)...)
		})
	}
}

// TestSeedRoundTrip: every seed Validate accepts reads back from
// EncodeTOML's text (and from the provenance's, which is that text), the
// largest too.
func TestSeedRoundTrip(t *testing.T) {
	for _, seed := range []uint64{0, 1, 1 << 62, math.MaxInt64} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := smallSpec()
			s.Seed = seed
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := kernel.EncodeTOML(&b, s); err != nil {
				t.Fatal(err)
			}
			back, err := kernel.DecodeTOML(strings.NewReader(b.String()))
			if err != nil || back.Seed != seed {
				t.Fatalf("DecodeTOML(EncodeTOML(seed %d)) = seed %d, %v", seed, back.Seed, err)
			}
		})
	}
}

// TestWorkersCapped: more workers than neurons run as many workers as the
// largest population has neurons, with the same spikes; absurd counts are
// errors.
func TestWorkersCapped(t *testing.T) {
	s := smallSpec()
	ref := spikesOf(t, s, 1, 50)
	if len(ref["spikes:E"].IDs) == 0 {
		t.Fatal("no spikes")
	}
	for _, tc := range []struct {
		name    string
		spec    int // Spec.Workers
		opt     int // WithWorkers, 0 for none
		wantErr bool
	}{
		{"spec max", kernel.MaxWorkers, 0, false},
		{"option max", 0, kernel.MaxWorkers, false},
		{"spec above max", kernel.MaxWorkers + 1, 0, true},
		{"option above max", 0, 1e6, true},
		{"option 0", 0, -1, true}, // -1: WithWorkers(0)
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := smallSpec()
			s.Workers = tc.spec
			var opts []kernel.Option
			if tc.opt != 0 {
				opts = append(opts, kernel.WithWorkers(max(tc.opt, 0)))
			}
			g0 := runtime.NumGoroutine()
			net, err := kernel.New(s, opts...)
			if tc.wantErr {
				if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "workers") {
					t.Fatalf("error %v does not name workers", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			if g := runtime.NumGoroutine() - g0; g > 20 {
				t.Fatalf("%d goroutines started for 20 neurons", g)
			}
			if err := net.Run(50); err != nil {
				t.Fatal(err)
			}
			if got := net.Recorder("spikes:E").Spikes(); !reflect.DeepEqual(got, ref["spikes:E"]) {
				t.Fatal("spikes differ from 1 worker")
			}
		})
	}
}

func TestSetSeriesNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			net, err := kernel.New(smallSpec())
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			err = net.SetSeries("in", [][]float64{{0, 0}, {1, v}})
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "series[1][1]") {
				t.Fatalf("error %v does not name series[1][1]", err)
			}
		})
	}
}

func TestProjectionIndexPanics(t *testing.T) {
	net, err := kernel.New(smallSpec())
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if net.Projection(0) == nil {
		t.Fatal("Projection(0) is nil")
	}
	for _, i := range []int{-1, 1, 1 << 20} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			paramtest.Panics(t, fmt.Sprintf("kernel: Projection: index %d out of range", i), func() { net.Projection(i) })
		})
	}
}

// TestPresetOptions checks that a preset's options are rejected by their
// own names: K above N, and a step that does not divide the preset's fixed
// refractory period or delay (instead of an error about t_ref_ms or
// delay_ms, which the user never set).
func TestPresetOptions(t *testing.T) {
	for _, tc := range []struct {
		preset string
		o      kernel.PresetOptions
		bad    string // parameter named by the error, "" for valid
	}{
		{"cuba", kernel.PresetOptions{N: 100, K: 500}, "K"},
		{"coba", kernel.PresetOptions{N: 100, K: 101}, "K"},
		{"scale", kernel.PresetOptions{N: 100, K: 500}, "K"},
		{"cuba", kernel.PresetOptions{N: 100, K: 100}, ""},
		{"cuba", kernel.PresetOptions{N: 50}, ""}, // default K 80 capped at N
		{"scale", kernel.PresetOptions{N: 50}, ""},
		{"cuba", kernel.PresetOptions{N: 100, DtMs: 0.3}, "DtMs"},
		{"coba", kernel.PresetOptions{N: 100, DtMs: 0.3}, "DtMs"},
		{"brunel", kernel.PresetOptions{N: 100, DtMs: 0.2}, "DtMs"}, // 1.5 ms delay
		{"scale", kernel.PresetOptions{N: 100, DtMs: 0.3}, "DtMs"},  // 2 ms refractory
		{"cuba", kernel.PresetOptions{N: 100, DtMs: -0.1}, "DtMs"},
		{"cuba", kernel.PresetOptions{N: 100, DtMs: 0.25}, ""},
		{"brunel", kernel.PresetOptions{N: 100, DtMs: 0.5}, ""},
		// too small for an inhibitory neuron (0.8·N excitatory): N names the size
		{"cuba", kernel.PresetOptions{N: 1}, "N"},
		{"coba", kernel.PresetOptions{N: 2}, "N"},
		{"brunel", kernel.PresetOptions{N: 1}, "N"},
		{"scale", kernel.PresetOptions{N: 2}, "N"},
		{"cobahh", kernel.PresetOptions{N: 1}, "N"},
		{"vogels", kernel.PresetOptions{N: 1}, "N"},
		{"cuba", kernel.PresetOptions{N: 3}, ""},
		{"brunel", kernel.PresetOptions{N: 3}, ""},
		// options a preset does not take: brunel's in-degree is 0.1·N,
		// izhikevich2003 all-to-all (K was ignored)
		{"brunel", kernel.PresetOptions{N: 100, K: 1_000_000_000}, "K"},
		{"izhikevich2003", kernel.PresetOptions{N: 100, K: 5}, "K"},
		{"brunel_alpha", kernel.PresetOptions{N: 100, K: 5}, "K"},
		{"brunel_alpha", kernel.PresetOptions{N: 47}, "N"}, // 9 inhibitory neurons: in-degree 0.1·9 = 0
		{"brunel_alpha", kernel.PresetOptions{N: 48}, ""},
		{"brunel_alpha", kernel.PresetOptions{N: 100, DtMs: 0.5}, ""},
		{"brunel_alpha", kernel.PresetOptions{N: 100, DtMs: 0.3}, "DtMs"},
		{"vogels", kernel.PresetOptions{N: 100, K: 50}, ""},
	} {
		t.Run(fmt.Sprintf("%s/N=%d/K=%d/dt=%g", tc.preset, tc.o.N, tc.o.K, tc.o.DtMs), func(t *testing.T) {
			_, err := kernel.Preset(tc.preset, tc.o)
			paramtest.Check(t, err, tc.bad)
		})
	}
}

func TestBrunelParamsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*kernel.BrunelParams)
		bad  string // field named by the error, "" for valid
	}{
		{"default", func(*kernel.BrunelParams) {}, ""},
		{"Eta -1", func(b *kernel.BrunelParams) { b.Eta = -1 }, "Eta"},
		{"Epsilon 1.5", func(b *kernel.BrunelParams) { b.Epsilon = 1.5 }, "Epsilon"},
		{"Epsilon 0", func(b *kernel.BrunelParams) { b.Epsilon = 0 }, "Epsilon"},
		{"NE 0", func(b *kernel.BrunelParams) { b.NE = 0 }, "NE"},
		{"NI -1", func(b *kernel.BrunelParams) { b.NI = -1 }, "NI"},
		{"JmV 0", func(b *kernel.BrunelParams) { b.JmV = 0 }, "JmV"},
		{"G NaN", func(b *kernel.BrunelParams) { b.G = math.NaN() }, "G"},
		{"DelayMs -1", func(b *kernel.BrunelParams) { b.DelayMs = -1 }, "DelayMs"},
		{"TauMs 0", func(b *kernel.BrunelParams) { b.TauMs = 0 }, "TauMs"},
		{"ThetamV Inf", func(b *kernel.BrunelParams) { b.ThetamV = math.Inf(1) }, "ThetamV"},
		{"TRef -2", func(b *kernel.BrunelParams) { b.TRef = -2 }, "TRef"},
		{"VResetmV at threshold", func(b *kernel.BrunelParams) { b.VResetmV = b.ThetamV }, "VResetmV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := kernel.DefaultBrunel()
			b.NE, b.NI = 80, 20
			tc.mod(&b)
			err := b.Validate()
			paramtest.Check(t, err, tc.bad)
		})
	}
	// The spec of an invalid BrunelParams fails its own Validate too.
	if err := kernel.BrunelSpec(kernel.BrunelParams{Epsilon: 1.5}).Validate(); !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("BrunelSpec(Epsilon 1.5).Validate() = %v, want a param error", err)
	}
	b := kernel.DefaultBrunel()
	b.NE, b.NI, b.Epsilon = 80, 20, 1.5
	if err := kernel.BrunelSpec(b).Validate(); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "rule.p") {
		t.Fatalf("BrunelSpec(Epsilon 1.5).Validate() = %v, want rule.p named", err)
	}
}

// TestListDelaysBounded: Validate refuses explicit delays longer than the
// ring buffers hold (65,535 steps), naming delay_list_ms, as New does.
func TestListDelaysBounded(t *testing.T) {
	s := kernel.Spec{
		Populations: []kernel.PopulationSpec{{Name: "A", N: 2}},
		Projections: []kernel.ProjectionSpec{{Source: "A", Target: "A", Rule: synapses.Rule{Kind: "list"},
			Sources: []int{0, 1}, Targets: []int{1, 0}, Weights: synapses.Weights{Value: 1}, DelayListMs: []float64{1, 7000}}},
	}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "projection[0].delay_list_ms") || !strings.Contains(err.Error(), "at most 65535 steps") {
		t.Fatalf("Validate: %v", err)
	}
	if _, err := kernel.New(s); err == nil {
		t.Fatal("New built it")
	}
}

// TestConductanceWeights: onto conductance-based neurons (lif_cond,
// adex_cond) weights are conductances. A source population with Dale sign
// −1 reaches the inhibitory receptor with |w| (as NEST's iaf_cond_exp takes
// negative weights), so its spikes raise Gi and lower the target's rate;
// weights that can only be negative conductances are errors naming them.
func TestConductanceWeights(t *testing.T) {
	for model, drive := range map[string]float64{"lif_cond": 300, "adex_cond": 1000} { // pA, about 3/2 of the rheobase
		t.Run(model, func(t *testing.T) {
			spec := func(w float64) kernel.Spec {
				return kernel.Spec{
					Populations: []kernel.PopulationSpec{
						{Name: "I", N: 1, Model: model, Sign: -1, Params: map[string]float64{"i_e_pa": 2000}},
						{Name: "T", N: 1, Model: model, Params: map[string]float64{"i_e_pa": drive}},
					},
					Projections: []kernel.ProjectionSpec{{Source: "I", Target: "T", Rule: synapses.Rule{Kind: "all_to_all"},
						Weights: synapses.Weights{Dist: "constant", Value: w}, DelayMs: 1}}, // w = 0: the reference without inhibition
					Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "T"}},
				}
			}
			spikes := func(s kernel.Spec) (int, float32) {
				net, err := kernel.New(s)
				if err != nil {
					t.Fatal(err)
				}
				defer net.Close()
				minGi := float32(0)
				for range 500 {
					if err := net.RunSteps(1); err != nil {
						t.Fatal(err)
					}
					gi, _, err := net.Model("T").VarSlice("Gi")
					if err != nil {
						t.Fatal(err)
					}
					minGi = min(minGi, gi[0])
				}
				return len(net.Recorders()[0].Spikes().IDs), minGi
			}
			free, _ := spikes(spec(0))
			for _, w := range []float64{10, -10} { // the magnitude either way: Dale's sign −1
				inhibited, minGi := spikes(spec(w))
				if minGi < 0 || inhibited >= free {
					t.Fatalf("weight %g from a sign −1 source: Gi down to %g nS, %d spikes in 50 ms (%d without it)", w, minGi, inhibited, free)
				}
			}
			// the projection's own sign, from an unsigned source, alike
			s := spec(10)
			s.Populations[0].Sign, s.Projections[0].Weights.Sign = 0, -1
			if inhibited, minGi := spikes(s); minGi < 0 || inhibited >= free {
				t.Fatalf("weights.sign −1: Gi down to %g nS, %d spikes in 50 ms (%d without it)", minGi, inhibited, free)
			}
		})
	}
	base := func() kernel.Spec {
		return kernel.Spec{
			Populations: []kernel.PopulationSpec{{Name: "A", N: 2, Model: "lif_cond"}, {Name: "B", N: 2, Model: "adex_cond"}},
			Projections: []kernel.ProjectionSpec{{Source: "A", Target: "B", Receptor: "inh", Rule: synapses.Rule{Kind: "all_to_all"},
				Weights: synapses.Weights{Value: 3}}},
			Devices: []kernel.DeviceSpec{{Kind: "poisson", Target: "B", RateHz: 100, Weight: 2}},
		}
	}
	for _, tc := range []struct {
		want string
		mod  func(*kernel.Spec)
	}{
		{"projection[0].weights.low = -1", func(s *kernel.Spec) {
			s.Projections[0].Receptor, s.Projections[0].Weights = "exc", synapses.Weights{Dist: "uniform", Low: -1, High: 2}
		}},
		{"projection[0].weight_list[1] = -2: must be ≥ 0 on the exc receptor", func(s *kernel.Spec) {
			s.Projections[0].Rule = synapses.Rule{Kind: "list"}
			s.Projections[0].Sources, s.Projections[0].Targets = []int{0, 1}, []int{1, 0}
			s.Projections[0].WeightList = []float64{2, -2}
			s.Projections[0].Receptor = "exc" // on inh either sign reads as inhibitory
		}},
		{"projection[0].weights.mean = -3", func(s *kernel.Spec) {
			s.Projections[0].Receptor, s.Projections[0].Weights = "exc", synapses.Weights{Dist: "normal", Mean: -3, Std: 0.1}
		}},
		{`projection[0].receptor = exc: must be "inh" (or left out) for weights of sign -1`, func(s *kernel.Spec) {
			s.Projections[0].Receptor, s.Projections[0].Weights.Sign = "exc", -1
		}},
		{"device[0].weight = -2: must be ≥ 0", func(s *kernel.Spec) { s.Devices[0].Weight = -2 }},
		{"projection[0].weights.value = -3: must be ≥ 0 on the exc receptor", func(s *kernel.Spec) {
			s.Projections[0].Receptor, s.Projections[0].Weights.Value = "exc", -3
		}},
	} {
		s := base()
		tc.mod(&s)
		if err := s.Validate(); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
	if err := base().Validate(); err != nil {
		t.Fatal(err)
	}
	// on the inh receptor a negative weight reads as inhibitory, |w|
	s := base()
	s.Projections[0].Weights.Value = -3
	if err := s.Validate(); err != nil {
		t.Fatalf("-3 nS on the inh receptor: %v", err)
	}
}

// TestReportFilesDistinct: no two recorders may write their SONATA
// reports (RecordSONATA) to one file, nor one to spikes.h5, nodes.h5 or
// edges.h5; the spec is refused when validated, before it runs, naming
// both recorders and the file.
func TestReportFilesDistinct(t *testing.T) {
	for _, tc := range []struct {
		name string
		recs []kernel.RecorderSpec
		want string // "" for a valid spec
	}{
		{"rate called spikes", []kernel.RecorderSpec{{Kind: "rate", Population: "E", Name: "spikes"}},
			`recorder[1].name = spikes: must be another name: its rate report would be written to spikes.h5, the file of the spike report`},
		{"state called nodes", []kernel.RecorderSpec{{Kind: "state", Population: "E", Name: "nodes"}},
			"written to nodes.h5, the file of the network's nodes"},
		{"weights called edges", []kernel.RecorderSpec{{Kind: "weights", Projection: "E_to_E", Name: "edges", IntervalMs: 1}},
			"written to edges.h5, the file of the network's edges"},
		{"case folded", []kernel.RecorderSpec{{Kind: "state", Population: "E", Name: "Spikes"}}, "Spikes.h5"},
		{"state_E and state:E", []kernel.RecorderSpec{{Kind: "state", Population: "E"}, {Kind: "state", Population: "E", Name: "state_E", Variable: "Ie"}},
			`recorder[2].name = state_E: must be another name: its state report would be written to state_E.h5, the file of recorder[1] "state:E" (state)`},
		{"file-safe forms", []kernel.RecorderSpec{{Kind: "rate", Population: "E", Name: "a/b"}, {Kind: "state", Population: "E", Name: "a b"}},
			`written to a_b.h5, the file of recorder[1] "a/b" (rate)`},
		{"spikes recorders write no file", []kernel.RecorderSpec{{Kind: "spikes", Population: "E", Name: "nodes", Neurons: []int{1}}}, ""},
		{"distinct", []kernel.RecorderSpec{{Kind: "state", Population: "E"}, {Kind: "rate", Population: "E"}, {Kind: "state", Population: "E", Name: "spikes2"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := smallSpec()
			s.Recorders = append(s.Recorders, tc.recs...)
			err := s.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate: %v, want an error containing %q", err, tc.want)
			}
			if _, err := kernel.New(s); err == nil {
				t.Fatal("New accepted the spec")
			}
		})
	}
}

// checkValidate fails t unless s.Validate accepts s (want empty) or refuses
// it with a parameter error containing every string of want.
func checkValidate(t *testing.T, s kernel.Spec, want ...string) {
	t.Helper()
	err := s.Validate()
	if len(want) == 0 {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if !errors.Is(err, param.ErrInvalid) {
		t.Fatalf("Validate: %v, want an invalid-parameter error", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Validate: %v\nwant it to contain %q", err, w)
		}
	}
}

// nonEmpty returns want as checkValidate's list: none for "".
func nonEmpty(want string) []string {
	if want == "" {
		return nil
	}
	return []string{want}
}
