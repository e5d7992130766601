package kernel_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/nderr"
	"github.com/neurodyn/neurodyn/synapses"
)

// TestTimeLimitsNamed: a delay beyond 65,535 steps is an error naming the
// field given (delay_ms when delay_max_ms is left out; before, the error
// named delay_max_ms = 0), and a time beyond 2³¹−1 steps one that says so
// (before: "must be ≥ 0 and a multiple of dt", which it was), for spec
// times and Run's duration.
func TestTimeLimitsNamed(t *testing.T) {
	base := func(dt float64) kernel.Spec {
		return kernel.Spec{DtMs: dt,
			Populations: []kernel.PopulationSpec{{Name: "N", N: 2}},
			Projections: []kernel.ProjectionSpec{{Source: "N", Target: "N", Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapses.Weights{Value: 1}, DelayMs: 1}},
		}
	}
	for _, tc := range []struct {
		name string
		dt   float64
		mod  func(*kernel.Spec)
		want string // "" for valid
	}{
		{"delay_largest", 0.1, func(s *kernel.Spec) { s.Projections[0].DelayMs = 6553.5 }, ""},
		{"delay_ms", 0.1, func(s *kernel.Spec) { s.Projections[0].DelayMs = 6553.6 },
			"projection[0].delay_ms = 6553.6: must be at most 65535 steps of dt = 0.1 ms (6553.5 ms)"},
		{"delay_max_ms", 0.1, func(s *kernel.Spec) { s.Projections[0].DelayMaxMs = 7000 }, "projection[0].delay_max_ms = 7000: must be at most 65535 steps"},
		{"delay_list_ms", 0.1, func(s *kernel.Spec) {
			s.Projections[0] = kernel.ProjectionSpec{Source: "N", Target: "N", Rule: synapses.Rule{Kind: "list"}, Sources: []int{0}, Targets: []int{1},
				Weights: synapses.Weights{Value: 1}, DelayListMs: []float64{7000}}
		}, "projection[0].delay_list_ms = delays 7000 to 7000 ms: must be at most 65535 steps"},
		{"start_ms", 0.001, func(s *kernel.Spec) {
			s.Devices = []kernel.DeviceSpec{{Kind: "dc", Target: "N", AmplitudePA: 1, StartMs: 2.2e6}}
		}, "device[0].start_ms = 2.2e+06: must be at most 2^31-1 = 2147483647 steps of dt = 0.001 ms (2147483.647 ms)"},
		{"start_ms_largest", 0.001, func(s *kernel.Spec) {
			s.Devices = []kernel.DeviceSpec{{Kind: "dc", Target: "N", AmplitudePA: 1, StartMs: 2147483.647}}
		}, ""},
		{"start_ms_off_grid", 0.001, func(s *kernel.Spec) {
			s.Devices = []kernel.DeviceSpec{{Kind: "dc", Target: "N", AmplitudePA: 1, StartMs: 1.0005}}
		}, "device[0].start_ms = 1.0005: must be ≥ 0 and a multiple of dt = 0.001 ms"},
		{"spike_times_ms", 0.001, func(s *kernel.Spec) {
			s.Devices = []kernel.DeviceSpec{{Kind: "spike_source", Target: "N", Weight: 1, SpikeTimesMs: []float64{1, 3e6}}}
		}, "device[0].spike_times_ms[1] = 3e+06: must be at most 2^31-1"},
		{"times_ms", 0.1, func(s *kernel.Spec) {
			s.Devices = []kernel.DeviceSpec{{Kind: "step_current", Target: "N", TimesMs: []float64{1, 1e9}, AmplitudesPA: []float64{1, 2}}}
		}, "device[0].times_ms[1] = 1e+09: must be at most 2^31-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base(tc.dt)
			tc.mod(&s)
			checkValidate(t, s, nonEmpty(tc.want)...)
		})
	}
	t.Run("run_duration", func(t *testing.T) {
		net, err := kernel.New(base(0.1))
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		err = net.Run(1e12)
		if want := "duration = 1e+12: must be at most 2^31-1 = 2147483647 steps of dt = 0.1 ms (214748364.7 ms)"; !errors.Is(err, nderr.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Fatalf("Run(1e12): %v\nwant an error containing %q", err, want)
		}
	})
}
