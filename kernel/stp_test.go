package kernel_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// Gupta, Wang & Markram (2000)'s synapse classes.
var (
	depressing   = synapses.ShortTerm{Kind: "tsodyks2", U: 0.25, TauRecMs: 706, TauFacMs: 21}
	facilitating = synapses.ShortTerm{Kind: "tsodyks2", U: 0.16, TauRecMs: 45, TauFacMs: 376}
	pureDepress  = synapses.ShortTerm{Kind: "tsodyks2", U: 0.5, TauRecMs: 800}
)

// dynamicBrunel is Brunel's model A at 1,250 neurons with short-term
// plasticity on four of the six grid delivery paths (the constant-weight
// ones with delay 0 and with per-synapse delays are stp_ref_test.go's): E→E
// depressing with per-synapse delays and STDP, E→I facilitating (constant
// weight, uniform delay), I→E pure depression with per-synapse normal
// weights, I→I at delay 0 with per-synapse weights.
func dynamicBrunel(t testing.TB) kernel.Spec {
	s, err := kernel.Preset("brunel", kernel.PresetOptions{N: 1250, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range s.Projections {
		p := &s.Projections[i]
		switch {
		case pr.Source == "E" && pr.Target == "E":
			p.DelayMaxMs = 3
			p.Plasticity = synapses.Plasticity{Kind: "stdp", MuPlus: 1, MuMinus: 1, Lambda: 0.05, Alpha: 1, WMax: 0.4}
			p.ShortTerm = depressing
		case pr.Source == "E":
			p.ShortTerm = facilitating
		case pr.Target == "E":
			p.Weights = synapses.Weights{Dist: "normal", Mean: p.Weights.Value, Std: 0.1 * math.Abs(p.Weights.Value)}
			p.ShortTerm = pureDepress
		default: // delay 0 with per-synapse weights
			p.DelayMs = 0
			p.Weights = synapses.Weights{Dist: "normal", Mean: p.Weights.Value, Std: 0.05}
			p.ShortTerm = depressing
		}
	}
	return s
}

// dynamicPrecise is preciseNet with short-term plasticity on its three
// projections: E→E depressing with per-synapse delays, E→I facilitating,
// I→E pure depression with per-synapse weights.
func dynamicPrecise(t testing.TB) kernel.Spec {
	s := preciseNet(t)
	s.Projections[0].ShortTerm = depressing
	s.Projections[1].ShortTerm = facilitating
	s.Projections[2].ShortTerm = pureDepress
	s.Projections[2].Weights = synapses.Weights{Dist: "uniform", Low: 80, High: 120}
	return s
}

// dynamicSpec is dynamicBrunel or, precise, dynamicPrecise.
func dynamicSpec(t testing.TB, precise bool) kernel.Spec {
	if precise {
		return dynamicPrecise(t)
	}
	return dynamicBrunel(t)
}

// dynamicState returns net's spikes and the E→E weights.
func dynamicState(t testing.TB, net *kernel.Network) (map[string]*kernel.SpikeMemory, []float32) {
	t.Helper()
	return recorderSpikes(net), append([]float32(nil), net.Projection(0).Weight...)
}

func runDynamic(t testing.TB, s kernel.Spec, workers int, ms ...float64) (spikes map[string]*kernel.SpikeMemory, w []float32) {
	t.Helper()
	runNet(t, s, workers, func(net *kernel.Network) { spikes, w = dynamicState(t, net) }, ms...)
	return spikes, w
}

func spikeCount(m map[string]*kernel.SpikeMemory) int {
	n := 0
	for _, s := range m {
		n += len(s.IDs)
	}
	return n
}

// TestShortTermIdentical: spikes and weights of a network with short-term
// plasticity on four delivery paths are bit-identical whatever the number
// of workers, the kernel path and the split of the run, in grid and in
// precise mode; and the synapses' dynamics matter (the spikes differ from
// the static network's).
func TestShortTermIdentical(t *testing.T) {
	ms := 200.0
	if testing.Short() {
		ms = 80
	}
	for _, precise := range []bool{false, true} {
		s := dynamicSpec(t, precise)
		name := "grid"
		if precise {
			name = "precise"
		}
		t.Run(name, func(t *testing.T) {
			refSpikes, refW := runDynamic(t, s, 1, ms)
			static := s
			static.Projections = append([]kernel.ProjectionSpec(nil), s.Projections...)
			for i := range static.Projections {
				static.Projections[i].ShortTerm = synapses.ShortTerm{}
			}
			staticSpikes, _ := runDynamic(t, static, 1, ms)
			n, n0 := spikeCount(refSpikes), spikeCount(staticSpikes)
			t.Logf("%d spikes in %g ms (static synapses: %d)", n, ms, n0)
			if n == 0 || reflect.DeepEqual(refSpikes, staticSpikes) {
				t.Fatal("short-term plasticity does not change the spikes")
			}
			checkIdentical(t, ms, refSpikes, refW, func(workers int, ms ...float64) (map[string]*kernel.SpikeMemory, []float32) {
				return runDynamic(t, s, workers, ms...)
			})
		})
	}
}

// TestShortTermCheckpoint: a run checkpointed halfway and restored into a
// new network with another number of workers ends in the state (the whole
// checkpoint) and with the weights of an uninterrupted one, in grid and
// precise mode; a checkpoint whose short-term state is out of range, or
// puts a source's last spike at the checkpoint's own step, is an error and
// leaves the network as it was.
func TestShortTermCheckpoint(t *testing.T) {
	checkpoint := func(net *kernel.Network) []byte {
		var buf bytes.Buffer
		if err := net.Checkpoint(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, precise := range []bool{false, true} {
		s := dynamicSpec(t, precise)
		build := func(workers int, ms float64) *kernel.Network {
			net, err := kernel.New(s, kernel.WithWorkers(workers))
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Run(ms); err != nil {
				t.Fatal(err)
			}
			return net
		}
		whole := build(1, 120)
		want, wantCk := append([]float32(nil), whole.Projection(0).Weight...), checkpoint(whole)
		whole.Close()
		first := build(2, 60)
		ckpt := checkpoint(first)
		first.Close()
		ends := func(net *kernel.Network, what string) {
			t.Helper()
			if err := net.Run(60); err != nil {
				t.Fatal(err)
			}
			if _, got := dynamicState(t, net); !reflect.DeepEqual(got, want) || !bytes.Equal(checkpoint(net), wantCk) {
				t.Fatalf("precise=%v, %s: the state at 120 ms differs from an uninterrupted run's", precise, what)
			}
			net.Close()
		}
		second := build(3, 0)
		if err := second.Restore(bytes.NewReader(ckpt)); err != nil {
			t.Fatal(err)
		}
		ends(second, "restored")
		// The checkpoint ends with the last projection's short-term state:
		// u, x, steps and offsets of its n sources.
		n := 0
		for _, p := range s.Populations {
			if p.Name == s.Projections[len(s.Projections)-1].Source {
				n = p.N
			}
		}
		step := int64(math.Round(60 / 0.1))
		for _, c := range []struct {
			name string
			at   int // bytes before the end
			bits uint64
		}{
			{"x = 1.5", 16*n + 8, math.Float64bits(1.5)},
			{"x = -0.1", 16*n + 8, math.Float64bits(-0.1)},
			{"x = NaN", 16*n + 8, math.Float64bits(math.NaN())},
			{"last spike at the checkpoint's step", 8*n + 8, uint64(step)},
		} {
			damaged := ckBody(ckpt) // resealed: the state's own check must find it
			binary.LittleEndian.PutUint64(damaged[len(damaged)-c.at:], c.bits)
			third := build(3, 60)
			err := third.Restore(bytes.NewReader(seal(damaged)))
			want := fmt.Sprintf("short-term plasticity of projection[%d]: source %d: state u", len(s.Projections)-1, n-1)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("precise=%v, %s: %v", precise, c.name, err)
			}
			ends(third, c.name+" refused")
		}
	}
}

// TestShortTermErrors: bad short-term parameters name their field, in New
// and in Validate; the TOML encoding round-trips and leaves static
// projections without a short_term table.
func TestShortTermErrors(t *testing.T) {
	base := func() kernel.Spec {
		return kernel.Spec{
			Populations: []kernel.PopulationSpec{{Name: "E", N: 10, Sign: 1}, {Name: "I", N: 10, Sign: -1}},
			Projections: []kernel.ProjectionSpec{{Source: "E", Target: "I", Rule: synapses.Rule{Kind: "all_to_all"},
				Weights: synapses.Weights{Value: 5}, DelayMs: 1, ShortTerm: facilitating}},
		}
	}
	st := func(f func(*synapses.ShortTerm)) func(*kernel.Spec) {
		return func(s *kernel.Spec) { f(&s.Projections[0].ShortTerm) }
	}
	for _, tc := range []struct {
		name, want string
		mod        func(*kernel.Spec)
	}{
		{"kind", `projection[0]: synapses: short_term.kind = tsodyks: must be "" (none) or "tsodyks2"`, st(func(p *synapses.ShortTerm) { p.Kind = "tsodyks" })},
		{"fields without kind", `short_term.kind = "": must be "tsodyks2" when other short_term fields are set`, st(func(p *synapses.ShortTerm) { p.Kind = "" })},
		{"u left out", "short_term.u = 0: must be in (0, 1]", st(func(p *synapses.ShortTerm) { p.U = 0 })},
		{"u above 1", "short_term.u = 1.5", st(func(p *synapses.ShortTerm) { p.U = 1.5 })},
		{"u NaN", "short_term.u = NaN", st(func(p *synapses.ShortTerm) { p.U = math.NaN() })},
		{"tau_rec left out", "short_term.tau_rec_ms = 0: must be > 0", st(func(p *synapses.ShortTerm) { p.TauRecMs = 0 })},
		{"tau_rec infinite", "short_term.tau_rec_ms = +Inf", st(func(p *synapses.ShortTerm) { p.TauRecMs = math.Inf(1) })},
		{"tau_fac negative", "short_term.tau_fac_ms = -1: must be ≥ 0", st(func(p *synapses.ShortTerm) { p.TauFacMs = -1 })},
		{"tau_fac NaN", "short_term.tau_fac_ms = NaN", st(func(p *synapses.ShortTerm) { p.TauFacMs = math.NaN() })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.mod(&s)
			_, err := kernel.New(s)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if verr := s.Validate(); verr == nil || verr.Error() != err.Error() {
				t.Fatalf("Validate: %v (New: %v)", verr, err)
			}
		})
	}
	// Accepted: U = 1, a recovery far shorter than dt (facilitation alone),
	// time constants of 10³⁰⁰ ms, and precise mode.
	for _, mod := range []func(*kernel.Spec){
		st(func(p *synapses.ShortTerm) { p.U = 1 }),
		st(func(p *synapses.ShortTerm) { p.TauRecMs = 1e-9 }),
		st(func(p *synapses.ShortTerm) { p.TauRecMs, p.TauFacMs = 1e300, 1e300 }),
		func(s *kernel.Spec) { s.Precise = true },
	} {
		s := base()
		mod(&s)
		runsFor(t, s, 5)
	}
	s := base()
	text, back := tomlRoundTrip(t, s)
	if !strings.Contains(text, "[projection.short_term]") {
		t.Fatalf("TOML has no short_term table:\n%s", text)
	}
	if back.Projections[0].ShortTerm != s.Projections[0].ShortTerm {
		t.Fatalf("TOML round trip: %+v", back.Projections[0].ShortTerm)
	}
	s.Projections[0].ShortTerm = synapses.ShortTerm{}
	if text, _ := tomlRoundTrip(t, s); strings.Contains(text, "short_term") {
		t.Fatalf("static projection encodes short_term:\n%s", text)
	}
}

// stpGolden is the checksum of TestShortTermGolden's checkpoint, weights
// and spikes: every architecture and kernel path must reproduce it (make
// asm-arm64 checks arm64 under qemu).
const stpGolden = 0x263b7d12d0a2051e

// TestShortTermGolden pins a run with short-term plasticity (with STDP on
// E→E) to a checksum.
func TestShortTermGolden(t *testing.T) {
	s, err := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Projections[0].DelayMaxMs = 3
	s.Projections[0].ShortTerm = facilitating
	s.Projections[0].Plasticity = synapses.Plasticity{Kind: "stdp", MuPlus: 0.4, MuMinus: 0.7, Lambda: 0.05, Alpha: 1.05, WMax: 0.2}
	s.Projections[1].ShortTerm = depressing
	s.Projections[2].ShortTerm = pureDepress
	checkGolden(t, s, 150, eeWeights, 500, stpGolden)
}

// eeWeights returns the weights of projection 0 (E→E).
func eeWeights(net *kernel.Network) [][]float32 {
	return [][]float32{append([]float32(nil), net.Projection(0).Weight...)}
}

// stpPreciseGolden is TestShortTermPreciseGolden's checksum.
const stpPreciseGolden = 0x2f6e5fd6c81474b1

// TestShortTermPreciseGolden pins a precise-mode run with short-term
// plasticity to a checksum: there the interval between spikes has an
// off-grid part, which a fused multiply-add would change.
func TestShortTermPreciseGolden(t *testing.T) {
	checkGolden(t, dynamicPrecise(t), 100, nil, 200, stpPreciseGolden)
}

// stpBrunelGolden is TestShortTermBrunelGolden's checksum.
const stpBrunelGolden = 0x79a1420ae800a344

// TestShortTermBrunelGolden pins dynamicBrunel, whose projections take
// four grid delivery paths with short-term plasticity (delay 0 with
// per-synapse weights among them), to a checksum; it is large enough that
// a fused multiply-add in one path changes spikes.
func TestShortTermBrunelGolden(t *testing.T) {
	checkGolden(t, dynamicBrunel(t), 150, eeWeights, 10000, stpBrunelGolden)
}

// TestShortTermState: ShortTermState gives each source's u and x relaxed
// to the current time, as the rule's Spike and Relax do from the recorded
// spike times; a source that never fired is at rest; static projections
// and bad indices are errors naming projection.
func TestShortTermState(t *testing.T) {
	parrot := map[string]float64{"t_ref_ms": 0.1, "e_l_mv": -70, "v_reset_mv": -70, "v_th_mv": -55}
	times := []float64{5, 5.3, 20, 21.5, 60}
	s := kernel.Spec{
		Populations: []kernel.PopulationSpec{
			{Name: "in", N: 3, Model: "lif_delta", Sign: 1, Params: parrot},
			{Name: "out", N: 2, Model: "lif_delta", Params: map[string]float64{"v_th_mv": 1e6}},
		},
		Projections: []kernel.ProjectionSpec{
			{Source: "in", Target: "out", Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapses.Weights{Value: 0.5}, DelayMs: 1, ShortTerm: depressing},
			{Source: "in", Target: "out", Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapses.Weights{Value: 0.5}, DelayMs: 1},
		},
		Devices:   []kernel.DeviceSpec{{Kind: "spike_source", Target: "in", Neurons: []int{0, 2}, SpikeTimesMs: times, Weight: 100}},
		Recorders: []kernel.RecorderSpec{{Kind: "spikes", Population: "in"}},
	}
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(100); err != nil {
		t.Fatal(err)
	}
	u, x, err := net.ShortTermState(0)
	if err != nil {
		t.Fatal(err)
	}
	m := net.Recorder("spikes:in").Spikes()
	for j := range 3 {
		wu, wx, last, spikes := 0.0, 1.0, 0.0, 0 // at rest h does not matter
		for k, id := range m.IDs {
			if int(id) == j {
				wu, wx = depressing.Spike(wu, wx, m.TimesMs[k]-last)
				last = m.TimesMs[k]
				spikes++
			}
		}
		if spikes > 0 { // relax to now (100 ms)
			wu, wx = depressing.Relax(wu, wx, 100-last)
		}
		if j != 1 && spikes != len(times) {
			t.Fatalf("source %d fired %d times, want %d", j, spikes, len(times))
		}
		if math.Abs(u[j]-wu) > 1e-12 || math.Abs(x[j]-wx) > 1e-12 {
			t.Errorf("source %d: u %v, x %v; from its %d recorded spikes %v, %v", j, u[j], x[j], spikes, wu, wx)
		}
	}
	if u[1] != 0 || x[1] != 1 || !(x[0] < 1 && x[0] > 0) || u[0] <= 0 {
		t.Errorf("u %v, x %v: want source 1 at rest and source 0 still recovering", u, x)
	}
	for _, i := range []int{1, 2, -1} {
		if _, _, err := net.ShortTermState(i); !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "projection") {
			t.Errorf("ShortTermState(%d): %v", i, err)
		}
	}
}
