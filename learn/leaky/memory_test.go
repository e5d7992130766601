package leaky

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/ode"
)

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// memSpec is a small network for the memory tests.
func memSpec(m ode.Method, substeps int) Spec {
	return Spec{N: 16, I: 3, O: 3, R: 16, Act: Tanh, Pops: []Pop{{Start: 0, Len: 16, Tau: 1}},
		Method: m, Interval: 1, Substeps: substeps, Rtol: 1e-6, Atol: 1e-8}
}

// memNet returns a network of shape s with random weights and a mapping
// onto them.
func memNet(t *testing.T, s Spec) (*Net[float32], *direct[float32]) {
	t.Helper()
	net, err := NewNet[float32](s)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 1))
	d := &direct[float32]{theta: make([]float32, len(net.Waug)+len(net.Dec)), nw: len(net.Waug)}
	for i := range d.theta {
		d.theta[i] = float32(r.NormFloat64() * 0.3)
	}
	d.Effective(net)
	return net, d
}

func memInputs(n, L, I int) []float32 {
	r := rand.New(rand.NewPCG(8, 1))
	x := make([]float32, n*L*I)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// A forward pass keeps nothing per solver step: what PredictLast,
// RunBatch, Generate and StepJacobian allocate does not grow with
// Substeps. Each used to list the step sizes of an interval (8 bytes per
// substep, in a slice grown by appending): with 10⁷ substeps a one-sample
// prediction took 390 MB, with 10⁹ the machine's memory.
func TestForwardMemoryIndependentOfSubsteps(t *testing.T) {
	many := ode.DefaultMaxSteps
	if testing.Short() {
		many = 20000
	}
	for _, m := range []ode.Method{ode.Euler, ode.RK4} {
		x := memInputs(1, 2, 3)
		bytes := func(substeps int) (pred, run, gen, jac uint64) {
			net, _ := memNet(t, memSpec(m, substeps))
			pred = allocated(func() {
				if _, err := PredictLast(net, x, 1, 2, 8); err != nil {
					t.Fatal(err)
				}
			})
			run = allocated(func() {
				if _, err := RunBatch(net, x, 1, 2, true); err != nil {
					t.Fatal(err)
				}
			})
			gen = allocated(func() {
				if _, err := Generate(net, x, 1, 2, 2); err != nil {
					t.Fatal(err)
				}
			})
			st, err := NewStream(net, 1)
			if err != nil {
				t.Fatal(err)
			}
			jh, jx := make([]float32, 16*16), make([]float32, 16*3)
			h := make([]float32, 16)
			jac = allocated(func() {
				if err := st.StepJacobian(jh, jx, h, x[:3]); err != nil {
					t.Fatal(err)
				}
			})
			return
		}
		p1, r1, g1, j1 := bytes(2)
		p2, r2, g2, j2 := bytes(many)
		for _, c := range []struct {
			what     string
			few, lot uint64
		}{{"PredictLast", p1, p2}, {"RunBatch", r1, r2}, {"Generate", g1, g2}, {"StepJacobian", j1, j2}} {
			// Slack for the GEMM kernels' recycled packing buffers; one
			// step size listed per substep was 8 bytes each.
			if c.lot > c.few+16<<10 {
				t.Errorf("%s: %s allocates %d bytes with %d substeps, %d with 2: memory grows with Substeps", m, c.what, c.lot, many, c.few)
			}
		}
	}
}

// The estimates count the BPTT tape, every active stage of every substep
// (linear in Substeps), and nothing per substep without a tape; measured
// against what a Worker's first batch allocates.
func TestEstimatesCountSubsteps(t *testing.T) {
	const n, L = 8, 10
	for _, tc := range []struct {
		m      ode.Method
		stages float64
	}{{ode.Euler, 1}, {ode.Midpoint, 2}, {ode.RK4, 4}, {ode.Dopri5, 6}} {
		s1, s100 := memSpec(tc.m, 1), memSpec(tc.m, 100)
		if tc.m != ode.Euler {
			if a, b := SeqBytes[float32](s1, n, L, false), SeqBytes[float32](s100, n, L, false); a != b {
				t.Errorf("%s: SeqBytes without a tape %g with 1 substep, %g with 100: want equal", tc.m, a, b)
			}
		}
		// A slot is n·(S + N) values, and 1.25·n·N for their gradient.
		slot := float64(n) * (20 + 16 + 1.25*16) * 4
		want := float64(L) * 100 * tc.stages * slot
		if tc.m == ode.Dopri5 {
			// One step per interval at least; buffers grown by half again.
			want = float64(L) * tc.stages * float64(n) * ((20+16)*1.5 + 1.25*16) * 4
		}
		if got := TapeBytes[float32](s100, n, L); got != want {
			t.Errorf("%s: TapeBytes with 100 substeps = %g, want %g", tc.m, got, want)
		}
		if tc.m == ode.Dopri5 {
			continue
		}
		if got, want := WorkerBytes[float32](s100, Gradient{}, n, L, true)-WorkerBytes[float32](s100, Gradient{}, n, L, false), TapeBytes[float32](s100, n, L); got < want {
			t.Errorf("%s: WorkerBytes with the gradient adds %g bytes, less than the tape's %g", tc.m, got, want)
		}
		// Measured: the first batch allocates the Seq and the tape.
		net, d := memNet(t, s100)
		w, err := NewWorker[float32](net.Spec, d, Gradient{})
		if err != nil {
			t.Fatal(err)
		}
		x := memInputs(n, L, 3)
		y := make([]float32, n*L*3)
		grad := make([]float32, len(d.theta))
		got := allocated(func() {
			if _, err := w.Batch(grad, x, y, n, learn.Loss{Kind: learn.LossAll}); err != nil {
				t.Fatal(err)
			}
		})
		est := WorkerBytes[float32](s100, Gradient{}, n, L, true)
		if !(float64(got) <= est && est <= 1.5*float64(got)) {
			t.Errorf("%s, 100 substeps: a batch allocates %d bytes, WorkerBytes estimates %g: want the estimate within [1, 1.5] times the allocation", tc.m, got, est)
		}
	}
}

// A BPTT tape beyond the memory limit is refused before it is allocated,
// with an error wrapping memlimit.ErrExceeded: up front with a fixed-step
// solver, as the steps are accepted with dopri5.
func TestTapeMemoryLimit(t *testing.T) {
	defer func(f func() int64) { memoryLimit = f }(memoryLimit)
	const n, L = 8, 10
	x := memInputs(n, L, 3)
	y := make([]float32, n*L*3)
	batch := func(s Spec) (uint64, error) {
		net, d := memNet(t, s)
		w, err := NewWorker[float32](net.Spec, d, Gradient{})
		if err != nil {
			t.Fatal(err)
		}
		grad := make([]float32, len(d.theta))
		var berr error
		b := allocated(func() { _, berr = w.Batch(grad, x, y, n, learn.Loss{Kind: learn.LossAll}) })
		return b, berr
	}
	// 2,000 RK4 substeps: a tape of about 200 MB.
	s := memSpec(ode.RK4, 2000)
	memoryLimit = func() int64 { return 1 << 20 }
	b, err := batch(s)
	if !errors.Is(err, memlimit.ErrExceeded) {
		t.Errorf("rk4, 2,000 substeps, limit 1 MiB: Batch = %v, want an error wrapping memlimit.ErrExceeded", err)
	}
	if b > 1<<20 {
		t.Errorf("rk4, 2,000 substeps, limit 1 MiB: the refused batch allocated %d bytes", b)
	}
	// dopri5 at a tight tolerance takes several steps per interval: a
	// limit that holds one step per interval is too small.
	s = memSpec(ode.Dopri5, 1)
	s.Rtol, s.Atol = 1e-7, 1e-7
	memoryLimit = func() int64 { return int64(WorkerBytes[float32](s, Gradient{}, n, L, true)) }
	if _, err := batch(s); !errors.Is(err, memlimit.ErrExceeded) {
		t.Errorf("dopri5 at Rtol 1e-7, limit of one step per interval: Batch = %v, want an error wrapping memlimit.ErrExceeded", err)
	}
	memoryLimit = memlimit.Default
	if _, err := batch(s); err != nil {
		t.Errorf("dopri5 at Rtol 1e-7, default limit: %v", err)
	}
	// Forward runs are checked too.
	memoryLimit = func() int64 { return 1 << 10 }
	net, _ := memNet(t, memSpec(ode.Euler, 1))
	if _, err := RunBatch(net, x, n, L, true); !errors.Is(err, memlimit.ErrExceeded) {
		t.Errorf("RunBatch under a 1 KiB limit: %v, want an error wrapping memlimit.ErrExceeded", err)
	}
	if _, err := PredictLast(net, x, n, L, 4); !errors.Is(err, memlimit.ErrExceeded) {
		t.Errorf("PredictLast under a 1 KiB limit: %v, want an error wrapping memlimit.ErrExceeded", err)
	}
}

// Spec bounds Substeps as the models' configurations do.
func TestSpecSubsteps(t *testing.T) {
	for _, tc := range []struct {
		substeps int
		ok       bool
	}{{1, true}, {ode.DefaultMaxSteps, true}, {ode.DefaultMaxSteps + 1, false}, {1e9, false}} {
		_, err := NewNet[float32](memSpec(ode.RK4, tc.substeps))
		if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), "Substeps = ") || err != nil && !strings.Contains(err.Error(), "in [1, 100000]")) {
			t.Errorf("Substeps %d: NewNet = %v, want ok = %v (an error naming Substeps and [1, 100000])", tc.substeps, err, tc.ok)
		}
	}
}
