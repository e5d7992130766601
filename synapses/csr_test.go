package synapses

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/param/paramtest"
)

func TestBuildIndependentOfWorkers(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule Rule
		w    Weights
		d    Delays
	}{
		{"fixed_prob", Rule{Kind: "fixed_prob", P: 0.05}, Weights{Dist: "normal", Mean: 1, Std: 0.5, Sign: 1}, Delays{Steps: 1, MaxSteps: 20}},
		{"fixed_outdegree", Rule{Kind: "fixed_outdegree", K: 40}, Weights{Dist: "uniform", Low: -1, High: 1}, Delays{Steps: 3}},
		{"fixed_indegree", Rule{Kind: "fixed_indegree", K: 30}, Weights{Dist: "lognormal", Mean: 2, Std: 1}, Delays{Steps: 2, MaxSteps: 4}},
		{"all_to_all", Rule{Kind: "all_to_all"}, Weights{Value: 0.5}, Delays{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ref *CSR
			for _, nw := range []int{1, 2, 3, 8} {
				c, err := Build(3000, 2500, tc.rule, tc.w, tc.d, Options{Seed: 42, Same: false, Workers: nw})
				if tc.name == "all_to_all" {
					c, err = Build(300, 250, tc.rule, tc.w, tc.d, Options{Seed: 42, Workers: nw})
				}
				if err != nil {
					t.Fatal(err)
				}
				if ref == nil {
					ref = c
					continue
				}
				if !reflect.DeepEqual(c, ref) {
					t.Fatalf("workers=%d: connectivity differs from workers=1", nw)
				}
			}
			c2, _ := Build(3000, 2500, tc.rule, tc.w, tc.d, Options{Seed: 43, Workers: 1})
			if tc.name != "all_to_all" && reflect.DeepEqual(c2.Target, ref.Target) && reflect.DeepEqual(c2.Weight, ref.Weight) {
				t.Fatal("seed 43 gives the same connectivity as seed 42")
			}
			checkSorted(t, ref)
		})
	}
}

func checkSorted(t *testing.T, c *CSR) {
	t.Helper()
	for i := range c.NSrc {
		lo, hi := c.Row(i)
		for k := lo + 1; k < hi; k++ {
			if c.Target[k] < c.Target[k-1] {
				t.Fatalf("row %d not sorted", i)
			}
		}
	}
}

func TestFixedProbStatistics(t *testing.T) {
	n, p := 4000, 0.1
	c, err := Build(n, n, Rule{Kind: "fixed_prob", P: p}, Weights{Value: 1}, Delays{Steps: 15}, Options{Seed: 7, Same: true})
	if err != nil {
		t.Fatal(err)
	}
	in := make([]int, n)
	for i := range n {
		lo, hi := c.Row(i)
		for k := lo; k < hi; k++ {
			if int(c.Target[k]) == i {
				t.Fatalf("autapse %d→%d although not allowed", i, i)
			}
			in[c.Target[k]]++
		}
	}
	// in-degree is Binomial(n−1, p): mean 399.9, variance 359.9
	var m, v float64
	for _, x := range in {
		m += float64(x)
	}
	m /= float64(n)
	for _, x := range in {
		v += (float64(x) - m) * (float64(x) - m)
	}
	v /= float64(n - 1)
	wantM, wantV := float64(n-1)*p, float64(n-1)*p*(1-p)
	if math.Abs(m-wantM) > 4*math.Sqrt(wantV/float64(n)) {
		t.Errorf("mean in-degree %g, want %g", m, wantM)
	}
	if math.Abs(v/wantV-1) > 0.1 {
		t.Errorf("in-degree variance %g, want %g (binomial)", v, wantV)
	}
	if c.BytesPerSynapse() != 4 {
		t.Errorf("constant weights: %g bytes per synapse, want 4", c.BytesPerSynapse())
	}
}

func TestFixedDegrees(t *testing.T) {
	n, k := 500, 50
	cin, err := Build(n, n, Rule{Kind: "fixed_indegree", K: k}, Weights{Dist: "normal", Mean: 1, Std: 1, Sign: -1}, Delays{Steps: 1}, Options{Seed: 1, Same: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]uint32]bool{}
	in := make([]int, n)
	for i := range n {
		lo, hi := cin.Row(i)
		for s := lo; s < hi; s++ {
			j := cin.Target[s]
			if seen[[2]uint32{uint32(i), j}] || int(j) == i {
				t.Fatalf("duplicate or autapse %d→%d", i, j)
			}
			seen[[2]uint32{uint32(i), j}] = true
			in[j]++
			if cin.Weight[s] > 0 {
				t.Fatalf("Dale sign −1 violated: w = %g", cin.Weight[s])
			}
		}
	}
	for j, d := range in {
		if d != k {
			t.Fatalf("target %d has in-degree %d, want %d", j, d, k)
		}
	}
	if cin.BytesPerSynapse() != 8 {
		t.Errorf("per-synapse weights: %g bytes per synapse, want 8", cin.BytesPerSynapse())
	}
	checkSorted(t, cin)
	cout, err := Build(n, n, Rule{Kind: "fixed_outdegree", K: 400, Autapses: true}, Weights{Value: 1}, Delays{}, Options{Seed: 1, Same: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		lo, hi := cout.Row(i)
		if hi-lo != 400 {
			t.Fatalf("row %d has %d synapses, want 400", i, hi-lo)
		}
		for s := lo + 1; s < hi; s++ {
			if cout.Target[s] <= cout.Target[s-1] {
				t.Fatalf("row %d not strictly ascending (duplicates?)", i)
			}
		}
	}
	multi, err := Build(10, 10, Rule{Kind: "fixed_outdegree", K: 30, Multapses: true}, Weights{Value: 1}, Delays{}, Options{Seed: 1, Same: true})
	if err != nil || multi.Len() != 300 {
		t.Fatalf("multapses: %v, %d synapses", err, multi.Len())
	}
	checkSorted(t, multi)
}

func TestSplit(t *testing.T) {
	c, _ := Build(200, 1000, Rule{Kind: "fixed_prob", P: 0.2}, Weights{Value: 1}, Delays{}, Options{Seed: 3})
	bounds := []int{0, 137, 500, 501, 1000}
	sp := c.Split(bounds)
	for i := range c.NSrc {
		lo, hi := c.Row(i)
		edges := []uint64{lo, sp[0][i], sp[1][i], sp[2][i], hi}
		for w := range 4 {
			for k := edges[w]; k < edges[w+1]; k++ {
				if tg := int(c.Target[k]); tg < bounds[w] || tg >= bounds[w+1] {
					t.Fatalf("row %d part %d has target %d outside [%d, %d)", i, w, tg, bounds[w], bounds[w+1])
				}
			}
		}
	}
}

func TestFromList(t *testing.T) {
	c, err := FromList(3, 4, []int{2, 0, 2, 0}, []int{1, 3, 0, 3}, []float32{1, 2, 3, 4}, 0, []int{5, 6, 7, 8}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Ptr, []uint64{0, 2, 2, 4}) || !reflect.DeepEqual(c.Target, []uint32{3, 3, 0, 1}) ||
		!reflect.DeepEqual(c.Weight, []float32{2, 4, 3, 1}) || !reflect.DeepEqual(c.Delay, []uint16{6, 8, 7, 5}) {
		t.Fatalf("got %+v", c)
	}
	if c.MinDelay() != 5 || c.MaxDelay() != 8 {
		t.Fatalf("delays %d..%d", c.MinDelay(), c.MaxDelay())
	}
	_, err = FromList(3, 4, []int{0}, []int{4}, nil, 1, nil, 1)
	if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), "target[0]") {
		t.Fatalf("bad target: %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"rule.kind", func() error { _, e := Build(1, 1, Rule{Kind: "ring"}, Weights{}, Delays{}, Options{}); return e }()},
		{"rule.p", func() error {
			_, e := Build(1, 1, Rule{Kind: "fixed_prob", P: 1.5}, Weights{}, Delays{}, Options{})
			return e
		}()},
		{"rule.k", func() error {
			_, e := Build(5, 5, Rule{Kind: "fixed_indegree", K: 5}, Weights{}, Delays{}, Options{Same: true})
			return e
		}()},
		{"weights.dist", func() error {
			_, e := Build(1, 1, Rule{Kind: "all_to_all"}, Weights{Dist: "gamma"}, Delays{}, Options{})
			return e
		}()},
		{"weights.sign", func() error { return Weights{Sign: 2}.Validate() }()},
		{"delay max_steps", func() error { return Delays{Steps: 3, MaxSteps: 2}.Validate() }()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, param.ErrInvalid) || !strings.Contains(tc.err.Error(), tc.name) {
				t.Fatalf("error %v does not name %s", tc.err, tc.name)
			}
		})
	}
}

func TestRuleValidate(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rule       Rule
		nSrc, nTgt int
		same       bool
		bad        string // parameter named by the error, "" for valid
	}{
		{"fixed_prob", Rule{Kind: "fixed_prob", P: 0.1}, 20, 20, true, ""},
		{"p above 1", Rule{Kind: "fixed_prob", P: 1.5}, 20, 20, true, "rule.p"},
		{"p negative", Rule{Kind: "fixed_prob", P: -1}, 20, 20, true, "rule.p"},
		{"p too many synapses", Rule{Kind: "fixed_prob", P: 0.5}, 1 << 20, 1 << 20, false, "rule.p"},
		{"kind bogus", Rule{Kind: "bogus"}, 20, 20, true, "rule.kind"},
		{"kind empty", Rule{}, 20, 20, true, "rule.kind"},
		{"indegree K = N", Rule{Kind: "fixed_indegree", K: 20}, 20, 20, false, ""},
		{"indegree K = N autapses excluded", Rule{Kind: "fixed_indegree", K: 20}, 20, 20, true, "rule.k"},
		{"indegree K > N", Rule{Kind: "fixed_indegree", K: 50}, 20, 20, true, "rule.k"},
		{"indegree K > N multapses", Rule{Kind: "fixed_indegree", K: 50, Multapses: true}, 20, 20, true, ""},
		{"indegree huge K multapses", Rule{Kind: "fixed_indegree", K: 1e9, Multapses: true}, 20, 20, true, "rule.k"},
		{"indegree N·K at the bound", Rule{Kind: "fixed_indegree", K: 1 << 30, Multapses: true}, 20, 4, false, ""},
		{"indegree N·K over the bound", Rule{Kind: "fixed_indegree", K: 1<<30 + 1, Multapses: true}, 20, 4, false, "rule.k"},
		{"outdegree K negative", Rule{Kind: "fixed_outdegree", K: -2}, 20, 20, true, "rule.k"},
		{"outdegree huge K multapses", Rule{Kind: "fixed_outdegree", K: math.MaxInt32, Multapses: true}, 20, 20, true, "rule.k"},
		{"all_to_all", Rule{Kind: "all_to_all"}, 20, 20, true, ""},
		{"all_to_all too many synapses", Rule{Kind: "all_to_all"}, 1 << 17, 1 << 16, false, "rule.kind"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Validate(tc.nSrc, tc.nTgt, tc.same)
			paramtest.Check(t, err, tc.bad)
			if tc.bad == "" {
				return
			}
			// Build runs the same check before allocating.
			_, err = Build(tc.nSrc, tc.nTgt, tc.rule, Weights{}, Delays{}, Options{Same: tc.same})
			paramtest.Check(t, err, tc.bad)
		})
	}
}
