package kernel

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/neurodyn/neurodyn/synapses"
)

// fill sets every slice of v (settable) to two elements and every map to
// one entry, recursively, and every number, string and bool to something
// other than its zero value, so that a copy sharing anything shows.
func fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString(fmt.Sprint("s", depth))
	case reflect.Float64, reflect.Float32:
		v.SetFloat(1.5)
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int16, reflect.Int8:
		v.SetInt(2)
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint16, reflect.Uint8:
		v.SetUint(3)
	case reflect.Bool:
		v.SetBool(true)
	}
}

// shared returns the path of the first slice or map that a and b (of one
// type) share, or "".
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() > 0 && a.UnsafePointer() == b.UnsafePointer() {
			return path
		}
		for it := a.MapRange(); it.Next(); {
			if p := shared(it.Value(), b.MapIndex(it.Key()), fmt.Sprintf("%s[%v]", path, it.Key())); p != "" {
				return p
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !a.IsNil() {
			return path + " (a pointer)"
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
				return p
			}
		}
	}
	return ""
}

// TestCloneShares: Spec.clone, which New keeps, is equal to the spec (the
// same canonical JSON, so checkpoints' fingerprints are unchanged) and
// shares no slice or map with it, whatever field a spec type holds; nil and
// empty lists stay apart.
func TestCloneShares(t *testing.T) {
	var s Spec
	fill(reflect.ValueOf(&s).Elem(), 0)
	c := s.clone()
	if !reflect.DeepEqual(c, s) {
		t.Fatalf("clone differs from the spec:\n%+v\n%+v", c, s)
	}
	if p := shared(reflect.ValueOf(c), reflect.ValueOf(s), "Spec"); p != "" {
		t.Errorf("the clone shares %s with the spec", p)
	}
	for _, tc := range []struct {
		name string
		spec Spec
	}{
		{"zero", Spec{}},
		{"nil and empty", Spec{Populations: []PopulationSpec{{Params: map[string]float64{}}}, Devices: []DeviceSpec{{Neurons: []int{}, Series: [][]float64{{}, nil}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := json.Marshal(tc.spec)
			b, _ := json.Marshal(tc.spec.clone())
			if string(a) != string(b) || !reflect.DeepEqual(tc.spec, tc.spec.clone()) {
				t.Errorf("clone's JSON %s, the spec's %s", b, a)
			}
		})
	}
}

// BenchmarkSpecClone: the copy New makes of its spec, for Brunel's preset
// (rules: a few hundred bytes) and for a list projection of 2·10⁶ synapses
// (48 MB of lists).
func BenchmarkSpecClone(b *testing.B) {
	brunel, err := Preset("brunel", PresetOptions{Record: true})
	if err != nil {
		b.Fatal(err)
	}
	const n = 2000000
	pr := ProjectionSpec{Source: "A", Target: "A", Rule: synapses.Rule{Kind: "list"},
		Sources: make([]int, n), Targets: make([]int, n), WeightList: make([]float64, n)}
	list := Spec{Populations: []PopulationSpec{{Name: "A", N: 10000}}, Projections: []ProjectionSpec{pr}}
	for _, c := range []struct {
		name string
		s    Spec
	}{{"spec=brunel", brunel}, {"spec=list2M", list}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				_ = c.s.clone()
			}
		})
	}
}
