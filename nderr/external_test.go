package nderr_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/nderr"
	"github.com/neurodyn/neurodyn/ode"
)

// TestPublicMatching matches errors of the library's packages with the
// public names alone, as a program outside the module does.
func TestPublicMatching(t *testing.T) {
	_, errMethod := ode.NewFixed[float64](ode.Method("rk5"), 2)
	errSpec := kernel.Spec{Populations: []kernel.PopulationSpec{{Name: "E", N: 0}}}.Validate()
	_, errTOML := kernel.DecodeTOML(strings.NewReader("seed = \"x\""))
	cases := []struct {
		name, param string
		err         error
	}{
		{"ode method", "Method", errMethod},
		{"spec key", "population[0].n", errSpec},
		{"spec text", "spec", errTOML},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !errors.Is(c.err, nderr.ErrInvalid) {
				t.Fatalf("%v does not match nderr.ErrInvalid", c.err)
			}
			var pe *nderr.ParamError
			if !errors.As(c.err, &pe) {
				t.Fatalf("errors.As(%v, *nderr.ParamError) is false", c.err)
			}
			if pe.Name != c.param || pe.Allowed == "" {
				t.Errorf("ParamError %+v: want Name %q and what is allowed", pe, c.param)
			}
		})
	}
}

// ExampleParamError shows how a program tells a bad parameter apart and
// reads its name.
func ExampleParamError() {
	err := kernel.Spec{DtMs: -1, Populations: []kernel.PopulationSpec{{Name: "E", N: 1}}}.Validate()
	var pe *nderr.ParamError
	if errors.Is(err, nderr.ErrInvalid) && errors.As(err, &pe) {
		fmt.Println(pe.Name, "must be", pe.Allowed)
	}
	// Output:
	// dt_ms must be finite and > 0
}
