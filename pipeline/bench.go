package pipeline

import (
	"context"
	"fmt"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// Workload is one throughput measurement of `neurodyn bench`: Setup
// builds what it runs once, outside the timing, and returns the function
// timed per operation with the amount of work one operation does (Units
// of Unit, for a rate such as steps/s).
type Workload struct {
	Name, Describe string
	Unit           string
	Setup          func() (op func() error, units float64, cleanup func(), err error)
}

// BenchResult is a workload's measurement.
type BenchResult struct {
	Workload Workload
	// N operations took NsPerOp each; Rate is Units per second.
	N       int
	NsPerOp float64
	Rate    float64
	// AllocsPerOp and BytesPerOp are the allocations per operation.
	AllocsPerOp, BytesPerOp int64
	// RealTimeFactor is simulated time over wall time (network
	// simulations; 0 otherwise).
	RealTimeFactor float64
}

// Workloads returns the built-in throughput workloads: single-stream model
// steps (what closed-loop analysis runs), one training epoch of the
// reference CT-RNN workload, and the CUBA benchmark network's real-time
// factor. `make bench` runs the full suite (package bench) instead.
func Workloads() []Workload {
	var ws []Workload
	ws = append(ws, Workload{Name: "ctrnn-step/H=64", Unit: "steps",
		Describe: "one closed-loop step of the reference CT-RNN (64 tanh units, Euler), one stream (learn.Stepper)",
		Setup: func() (func() error, float64, func(), error) {
			m, err := ctrnn.New[float32](ctrnn.Config{})
			if err != nil {
				return nil, 0, nil, err
			}
			return stepOp(m), 1, nil, nil
		}})
	ws = append(ws, Workload{Name: "rate-step/N=64", Unit: "steps",
		Describe: "one step of the notebook-02 balanced rate network (48 E / 16 I), one stream",
		Setup: func() (func() error, float64, func(), error) {
			m, err := rate.New[float32](rate.Config{})
			if err != nil {
				return nil, 0, nil, err
			}
			return stepOp(m), 1, nil, nil
		}})
	ws = append(ws, Workload{Name: "snn-step/N=160", Unit: "samples",
		Describe: "one input sample (5 steps of 1 ms) of the trained SNN's default size (128 E / 32 I), one stream",
		Setup: func() (func() error, float64, func(), error) {
			c := snn.LorenzDefault().Model
			c.Inputs, c.Outputs = 3, 3
			m, err := snn.New[float32](c)
			if err != nil {
				return nil, 0, nil, err
			}
			return stepOp(m), 1, nil, nil
		}})
	ws = append(ws, Workload{Name: "ctrnn-epoch/reference", Unit: "windows",
		Describe: "one training epoch of the reference CT-RNN workload: 13,950 Lorenz windows × 50 steps, H = 64, Euler, batch 64, AdamW, clipping, full BPTT",
		Setup: func() (func() error, float64, func(), error) {
			d, err := tasks.GenerateLorenz(tasks.LorenzConfig{})
			if err != nil {
				return nil, 0, nil, err
			}
			train, err := d.Windows("train")
			if err != nil {
				return nil, 0, nil, err
			}
			m, err := ctrnn.New[float32](ctrnn.Config{})
			if err != nil {
				return nil, 0, nil, err
			}
			tc := learn.TrainConfig{Epochs: 1, BatchSize: 64, Adam: learn.AdamConfig{LR: 1e-3, WeightDecay: 1e-5, Decoupled: true},
				Plateau: learn.PlateauConfig{Disabled: true}, Patience: -1, Loss: learn.Loss{Kind: learn.LossLast}, Seed: 42}
			op := func() error {
				tr, err := learn.NewTrainer(m, tc)
				if err != nil {
					return err
				}
				_, err = tr.Fit(context.Background(), train, nil)
				return err
			}
			return op, float64(train.Len()), nil, nil
		}})
	ws = append(ws, Workload{Name: "cuba-run/N=4000", Unit: "ms simulated",
		Describe: "100 ms of the CUBA benchmark network (4,000 LIF neurons, 80 synapses each, dt 0.1 ms) on the event-driven kernel, one worker; real-time factor = simulated / wall time",
		Setup: func() (func() error, float64, func(), error) {
			spec, err := kernel.Preset("cuba", kernel.PresetOptions{})
			if err != nil {
				return nil, 0, nil, err
			}
			net, err := kernel.New(spec)
			if err != nil {
				return nil, 0, nil, err
			}
			return func() error { return net.Run(100) }, 100, func() { net.Close() }, nil
		}})
	return ws
}

// stepOp returns an operation feeding a stepper one sample.
func stepOp(m interface {
	Step(y, x []float64)
	Reset()
}) func() error {
	x := []float64{0.1, -0.2, 0.3}
	y := make([]float64, 3)
	m.Reset()
	return func() error {
		m.Step(y, x)
		copy(x, y)
		for i := range x { // keep the input bounded whatever the model does
			x[i] = 0.5*x[i] + 0.1
		}
		return nil
	}
}

// RunWorkload measures a workload with testing.Benchmark (at least one
// second of operations, as `go test -bench`).
func RunWorkload(w Workload) (*BenchResult, error) {
	op, units, cleanup, err := w.Setup()
	if err != nil {
		return nil, fmt.Errorf("pipeline: bench %s: %w", w.Name, err)
	}
	if cleanup != nil {
		defer cleanup()
	}
	var opErr error
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := op(); err != nil {
				opErr = err
				b.FailNow()
			}
		}
	})
	if opErr != nil {
		return nil, fmt.Errorf("pipeline: bench %s: %w", w.Name, opErr)
	}
	if r.N == 0 {
		return nil, fmt.Errorf("pipeline: bench %s did not run", w.Name)
	}
	ns := float64(r.T.Nanoseconds()) / float64(r.N)
	res := &BenchResult{Workload: w, N: r.N, NsPerOp: ns, Rate: units / (ns * 1e-9), AllocsPerOp: r.AllocsPerOp(), BytesPerOp: r.AllocedBytesPerOp()}
	if w.Unit == "ms simulated" {
		res.RealTimeFactor = units / 1000 / (ns * 1e-9)
	}
	return res, nil
}
