package kernel

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/synapses"
)

// The fields of a device, recorder or projection rule that only some of
// their kinds use, by toml key: the kinds that use each. A field set for
// a kind that does not use it is an error (it would be ignored silently);
// the fields not listed (name, kind, target, …) apply to every kind.
var (
	deviceFields = map[string][]string{
		"receptor":       {"poisson", "spike_source"},
		"rate_hz":        {"poisson"},
		"weight":         {"poisson", "spike_source"},
		"amplitude_pa":   {"dc"},
		"start_ms":       {"poisson", "dc", "noise"},
		"stop_ms":        {"poisson", "dc", "noise"},
		"times_ms":       {"step_current"},
		"amplitudes_pa":  {"step_current"},
		"mean_pa":        {"noise"},
		"std_pa":         {"noise"},
		"noise_dt_ms":    {"noise"},
		"std_mod_pa":     {"noise"},
		"frequency_hz":   {"noise"},
		"phase_deg":      {"noise"},
		"spike_times_ms": {"spike_source"},
		"series":         {"time_series"},
		"series_dt_ms":   {"time_series"},
		"input_weights":  {"time_series"},
		"input_matrix":   {"time_series"},
	}
	recorderFields = map[string][]string{
		"population":  {"spikes", "state", "rate", "filtered_spikes"},
		"neurons":     {"spikes", "state", "rate", "filtered_spikes"},
		"variable":    {"state"},
		"interval_ms": {"state", "filtered_spikes", "weights"},
		"bin_ms":      {"rate"},
		"tau_ms":      {"filtered_spikes"},
		"projection":  {"weights"},
		"synapses":    {"weights"},
	}
	projectionFields = map[string][]string{
		"sources":       {"list"},
		"targets":       {"list"},
		"weight_list":   {"list"},
		"delay_list_ms": {"list"},
	}
	ruleFields = map[string][]string{
		"p":         {"fixed_prob"},
		"k":         {"fixed_indegree", "fixed_outdegree"},
		"multapses": {"fixed_indegree", "fixed_outdegree"},
		"autapses":  {"fixed_prob", "fixed_indegree", "fixed_outdegree", "all_to_all"},
	}
)

// kindField is a field of a struct that only some kinds use: its index,
// its toml key and those kinds.
type kindField struct {
	index int
	key   string
	kinds []string
}

// kindFields returns the fields of struct type t listed in fields, in
// field order (computed once per type: specs may hold 10⁵ devices).
func kindFields(t reflect.Type, fields map[string][]string) []kindField {
	var out []kindField
	for i := range t.NumField() {
		key := strings.Split(t.Field(i).Tag.Get("toml"), ",")[0]
		if kinds, ok := fields[key]; ok {
			out = append(out, kindField{i, key, kinds})
		}
	}
	return out
}

var (
	deviceKindFields     = kindFields(reflect.TypeFor[DeviceSpec](), deviceFields)
	recorderKindFields   = kindFields(reflect.TypeFor[RecorderSpec](), recorderFields)
	projectionKindFields = kindFields(reflect.TypeFor[ProjectionSpec](), projectionFields)
	ruleKindFields       = kindFields(reflect.TypeFor[synapses.Rule](), ruleFields)
)

// checkApplies returns an error naming where.<key> for the first of fields
// of the struct *v that is set (not its zero value; a non-nil empty list is
// set) although its kinds do not include kind; kindKey is how the kind is
// spelt (kind, rule.kind). It allocates nothing unless it fails.
func checkApplies(where, kindKey, kind string, v any, fields []kindField) error {
	rv := reflect.ValueOf(v).Elem()
	for _, kf := range fields {
		f := rv.Field(kf.index)
		if f.Kind() == reflect.Slice && f.IsNil() || f.Kind() != reflect.Slice && f.IsZero() || slices.Contains(kf.kinds, kind) {
			continue
		}
		return param.New(pkg, where+"."+kf.key, describe(f), fmt.Sprintf("left out for %s = %q: %s applies to %s %s", kindKey, kind, kf.key, kindKey, strings.Join(kf.kinds, ", ")))
	}
	return nil
}

// describe writes a field's value for an error message: lists by their
// length unless short, structs by their set fields.
func describe(f reflect.Value) any {
	switch f.Kind() {
	case reflect.Slice:
		if x, ok := f.Interface().([]int); ok {
			return indexList(x)
		}
		if f.Len() <= 4 && f.Type().Elem().Kind() != reflect.Slice {
			return fmt.Sprint(f.Interface())
		}
		return fmt.Sprintf("[%d values]", f.Len())
	case reflect.Struct:
		var parts []string
		for i := range f.NumField() {
			if !f.Field(i).IsZero() {
				parts = append(parts, fmt.Sprintf("%s = %v", strings.Split(f.Type().Field(i).Tag.Get("toml"), ",")[0], f.Field(i).Interface()))
			}
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return f.Interface()
}

// distFields are the fields of Dist each of its kinds takes.
var distFields = map[string][]string{"": {"value"}, "constant": {"value"}, "uniform": {"low", "high"}, "normal": {"mean", "std"}, "list": {"values"}}

// checkDistFields returns an error naming name.<field> for the first number
// of d set although d.Dist does not take it (mean and std without dist =
// "normal" would be ignored: every neuron at value).
func checkDistFields(name string, d Dist) error {
	if _, known := distFields[d.Dist]; !known {
		return nil // validate names the dist
	}
	for _, f := range []struct {
		key, dist string
		set       bool
		v         float64
	}{
		{"value", "constant", d.Value != 0, d.Value},
		{"low", "uniform", d.Low != 0, d.Low}, {"high", "uniform", d.High != 0, d.High},
		{"mean", "normal", d.Mean != 0, d.Mean}, {"std", "normal", d.Std != 0, d.Std},
	} {
		if f.set && !slices.Contains(distFields[d.Dist], f.key) {
			shown := d.Dist
			if shown == "" {
				shown = `"" (constant)`
			} else {
				shown = fmt.Sprintf("%q", shown)
			}
			return param.New(pkg, name+"."+f.key, f.v, fmt.Sprintf(`left out for dist = %s, or set %s.dist = %q (dist: one of constant, uniform, normal, list; constant takes value, uniform low and high, normal mean and std, list values)`, shown, name, f.dist))
		}
	}
	return nil
}
