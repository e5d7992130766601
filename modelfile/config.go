package modelfile

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
)

// DecodeConfig decodes a stored configuration of a model kind: a
// ctrnn.Config, rate.Config, snn.Config, snn.ReservoirConfig or
// snn.ESNConfig (as stored: defaults are filled in by the models, and by
// ConfigDiff). The spiking model's enumerations (Dale, Readout,
// Discretization, Reset, Surrogate.Kind) may be names, as the C API writes
// them, or numbers, as the pipeline does. An unknown kind or a
// configuration that does not decode is a parameter error.
func DecodeConfig(kind string, raw json.RawMessage) (any, error) {
	var err error
	switch kind {
	case KindCTRNN:
		var c ctrnn.Config
		if err = json.Unmarshal(raw, &c); err == nil {
			return c, nil
		}
	case KindRate:
		var c rate.Config
		if err = json.Unmarshal(raw, &c); err == nil {
			return c, nil
		}
	case KindSNN:
		var c snn.Config
		if err = decodeSNN(raw, &c); err == nil {
			return c, nil
		}
	case KindReservoir:
		var c snn.ReservoirConfig
		if err = json.Unmarshal(raw, &c); err == nil {
			return c, nil
		}
	case KindESN:
		var c snn.ESNConfig
		if err = json.Unmarshal(raw, &c); err == nil {
			return c, nil
		}
	default:
		return nil, param.New("modelfile", "kind", kind, "one of ctrnn, rate, snn, reservoir, esn")
	}
	return nil, param.New("modelfile", "config", string(raw), fmt.Sprintf("a %s configuration as JSON (%v)", kind, err))
}

// decodeSNN decodes a spiking model's configuration whose enumerations
// are names or numbers.
func decodeSNN(raw json.RawMessage, c *snn.Config) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return err
	}
	byName := func(key string, parse func(string) (int, error), m map[string]json.RawMessage) error {
		var s string
		if v, ok := m[key]; !ok || json.Unmarshal(v, &s) != nil {
			return nil // absent, or a number
		}
		i, err := parse(s)
		if err != nil {
			return err
		}
		m[key] = json.RawMessage(fmt.Sprint(i))
		return nil
	}
	for key, parse := range map[string]func(string) (int, error){
		"Dale":           func(s string) (int, error) { v, err := snn.ParseDale(s); return int(v), err },
		"Readout":        func(s string) (int, error) { v, err := snn.ParseReadout(s); return int(v), err },
		"Discretization": func(s string) (int, error) { v, err := snn.ParseDiscretization(s); return int(v), err },
		"Reset":          func(s string) (int, error) { v, err := snn.ParseResetMode(s); return int(v), err },
	} {
		if err := byName(key, parse, fields); err != nil {
			return err
		}
	}
	if v, ok := fields["Surrogate"]; ok {
		var sur map[string]json.RawMessage
		if err := json.Unmarshal(v, &sur); err != nil {
			return err
		}
		if err := byName("Kind", func(s string) (int, error) { v, err := learn.ParseSurrogate(s); return int(v), err }, sur); err != nil {
			return err
		}
		b, err := json.Marshal(sur)
		if err != nil {
			return err
		}
		fields["Surrogate"] = b
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, c)
}

// ignored lists, per kind, the configuration fields that neither change a
// loaded model's dynamics nor its parameter layout: how the parameters are
// initialized (overwritten by the file's), how training differentiates or
// perturbs, and ctrnn's and rate's SampleDt (the data time per step for
// Lyapunov exponents, outside the dynamics). Connection probabilities
// draw masks that are stored as parameters (a different layout is refused
// by the tensor check itself), and the spiking model's frozen flags are
// training options.
var ignored = map[string][]string{
	KindCTRNN: {"Seed", "SampleDt", "Adjoint", "CheckpointEvery", "InputNoise"},
	KindRate: {"Seed", "SampleDt", "Adjoint", "CheckpointEvery", "InputNoise",
		"Init", "RecScale", "G", "BiasInit", "ConnProb"},
	KindSNN: {"Seed", "P", "G", "WeightScale", "WeightMean", "InputScale", "BiasMean", "BiasStd",
		"Surrogate", "DetachReset", "FreezeRecurrent", "FreezeInput"},
}

// IgnoredFields returns the configuration fields of a trainable kind that
// ConfigDiff leaves out: they change neither a loaded model's dynamics nor
// its parameter layout (initialization, training-only options; see the
// package source for each kind's list).
func IgnoredFields(kind string) []string { return append([]string(nil), ignored[kind]...) }

// ConfigDiff compares the stored configuration of a model file (decoded by
// DecodeConfig) with a model's given configuration of the same kind, both
// with defaults filled in, and returns one entry per field that differs in
// the dynamics or the parameter layout, "Name: stored S, given G", in
// field order; nil when they agree (IgnoredFields aside). It panics if
// stored and given are not the same configuration type.
func ConfigDiff(kind string, stored, given any) []string {
	stored, given = withDefaults(stored), withDefaults(given)
	sv, gv := reflect.ValueOf(stored), reflect.ValueOf(given)
	if sv.Type() != gv.Type() || sv.Kind() != reflect.Struct {
		panic(fmt.Sprintf("modelfile: ConfigDiff of %T and %T", stored, given))
	}
	skip := map[string]bool{}
	for _, n := range ignored[kind] {
		skip[n] = true
	}
	var diff []string
	for i := 0; i < sv.NumField(); i++ {
		f := sv.Type().Field(i)
		if !f.IsExported() || skip[f.Name] {
			continue
		}
		a, b := sv.Field(i).Interface(), gv.Field(i).Interface()
		if !reflect.DeepEqual(a, b) {
			diff = append(diff, fmt.Sprintf("%s: stored %s, given %s", f.Name, show(sv.Field(i)), show(gv.Field(i))))
		}
	}
	return diff
}

// DiffError returns the parameter error for a stored configuration that
// differs from the model's (diff from ConfigDiff), naming every differing
// field with its stored and given values; arg names the file (the C API:
// "path").
func DiffError(arg, path, kind string, diff []string) error {
	return param.New("modelfile", arg, path, fmt.Sprintf("a file saved from a %s model of this configuration; its stored configuration differs in %s, which change the dynamics or the parameter layout: build the model with the file's configuration (neurodyn_model_open, Python neurodyn.load_model)",
		kind, strings.Join(diff, "; ")))
}

// withDefaults returns c.WithDefaults() for the configuration types that
// have it.
func withDefaults(c any) any {
	switch v := c.(type) {
	case ctrnn.Config:
		return v.WithDefaults()
	case rate.Config:
		return v.WithDefaults()
	case snn.Config:
		return v.WithDefaults()
	case snn.ReservoirConfig:
		return v.WithDefaults()
	case snn.ESNConfig:
		return v.WithDefaults()
	}
	return c
}

// show formats a configuration value: a pointer's target, "none" for nil,
// names for enumerations (their String methods).
func show(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "none"
		}
		v = v.Elem()
	}
	return fmt.Sprintf("%v", v.Interface())
}
