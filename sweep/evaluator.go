package sweep

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Evaluator runs one point of a sweep. Implementations must be
// deterministic: the same Point gives the same metrics on every machine,
// shard and worker count (draw every random number from Point.Seed).
type Evaluator interface {
	// Name is the identifier specs refer to ("reservoir").
	Name() string
	// Describe says what a point computes, for `neurodyn sweep --help`.
	Describe() string
	// Params lists the parameter names a spec may set.
	Params() []string
	// Metrics lists the names of the metrics Evaluate returns.
	Metrics() []string
	// Evaluate computes the metrics of one point.
	Evaluate(ctx context.Context, p Point) (map[string]float64, error)
}

// Timed is implemented by evaluators some of whose metrics are wall-clock
// timings. Those are stored per point and in sweep.h5 (group timings) but
// kept out of sweep.csv, whose columns must be the same however and wherever
// a sweep ran.
type Timed interface {
	// Timings lists the names of the timing metrics among Metrics().
	Timings() []string
}

// PointChecker is implemented by evaluators that can check the parameters
// of a point without evaluating it. Spec.Validate calls CheckPoint on every
// configuration of a spec (the point of its first seed), so that a bad value
// fails when the spec is loaded rather than when its point runs; Evaluate
// refuses the same points with the same error. CheckPoint must not depend
// on the point's seed, and it runs once per configuration of every sweep
// loaded (10^6 for the largest), so it should take microseconds.
type PointChecker interface {
	// CheckPoint returns the error Evaluate would return for p's
	// parameters (a param error), without running anything.
	CheckPoint(p Point) error
}

var (
	regMu    sync.RWMutex
	registry = map[string]Evaluator{}
)

// Register makes an evaluator available to specs. It panics if the name is
// taken (a programming error).
func Register(e Evaluator) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[e.Name()]; dup {
		panic(fmt.Sprintf("sweep: evaluator %q registered twice", e.Name()))
	}
	registry[e.Name()] = e
}

// Lookup returns the evaluator registered under name.
func Lookup(name string) (Evaluator, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	e, ok := registry[name]
	return e, ok
}

// Evaluators returns the registered names, sorted.
func Evaluators() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	var out []string
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
