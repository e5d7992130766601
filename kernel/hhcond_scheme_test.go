package kernel_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
)

// cobahhStartGolden is the cobahh golden (TestKernelGolden) of the hh_cond
// "start" scheme: the checksum every hh_cond network had before the "mean"
// scheme became its default (kernelGolden's cobahh then). A multiplication
// by 1 is exact, so the step-mean factors of 1 must leave it unchanged, bit
// for bit.
const cobahhStartGolden = 0xfab4c746464a9ab6

// TestHHCondStartGolden: the cobahh preset with options.conductance_scheme
// = "start" on both populations reproduces the checksum from before the
// scheme parameter existed (checkStartGolden).
func TestHHCondStartGolden(t *testing.T) { checkStartGolden(t, "cobahh", cobahhStartGolden) }

// TestHHCondSchemeSpec: hh_cond's conductance_scheme from a spec. "mean" is the
// default (naming it changes nothing but the spec), "start" differs from
// it; with substeps both give the same spikes with 1 and 3 workers; a bad
// value, or the scheme among the numeric params, is refused naming its key.
func TestHHCondSchemeSpec(t *testing.T) {
	base, err := kernel.Preset("cobahh", kernel.PresetOptions{N: 400, K: 40, Record: true})
	if err != nil {
		t.Fatal(err)
	}
	with := func(scheme string, substeps float64) kernel.Spec {
		s, err := kernel.Preset("cobahh", kernel.PresetOptions{N: 400, K: 40, Record: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Populations {
			if scheme != "" {
				s.Populations[i].Options = map[string]string{"conductance_scheme": scheme}
			}
			if substeps > 1 {
				s.Populations[i].Params["substeps"] = substeps
			}
		}
		return s
	}
	def := spikesOf(t, base, 1, 60)
	if got := spikesOf(t, with("mean", 1), 1, 60); !reflect.DeepEqual(got, def) {
		t.Fatal(`conductance_scheme "mean" differs from the default`)
	}
	if got := spikesOf(t, with("start", 1), 1, 60); reflect.DeepEqual(got, def) {
		t.Fatal(`conductance_scheme "start" gives the default's spikes`)
	}
	for _, scheme := range []string{"mean", "start"} {
		s := with(scheme, 4)
		ref := spikesOf(t, s, 1, 60)
		if got := spikesOf(t, s, 3, 60); !reflect.DeepEqual(got, ref) {
			t.Fatalf("%s with 4 substeps: 3 workers differ from 1", scheme)
		}
	}
	for _, tc := range []struct {
		key, allowed string
		mod          func(*kernel.PopulationSpec)
	}{
		{"conductance_scheme", `"start"`, func(p *kernel.PopulationSpec) { p.Options = map[string]string{"conductance_scheme": "Mean"} }},
		{"population[1].params.conductance_scheme", "set in options", func(p *kernel.PopulationSpec) {
			p.Params["conductance_scheme"] = 1
		}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			s := with("", 1)
			tc.mod(&s.Populations[1])
			_, err := kernel.New(s)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.key) ||
				!strings.Contains(err.Error(), tc.allowed) || !strings.Contains(err.Error(), "population[1]") {
				t.Fatalf("error %v does not name population[1], %s with %q", err, tc.key, tc.allowed)
			}
		})
	}
}
