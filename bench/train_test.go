package bench

// The training area (BenchmarkTrain…): the reference CT-RNN workload and
// the engine's forward/backward throughput. See train_doc.go for what each
// benchmark measures and how flops are counted.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/tasks"
)

var (
	lorenzOnce sync.Once
	lorenzData *tasks.Dataset
	lorenzErr  error
)

func lorenz(b *testing.B) *tasks.Dataset {
	lorenzOnce.Do(func() { lorenzData, lorenzErr = tasks.GenerateLorenz(tasks.LorenzConfig{EvalT: -1}) })
	if lorenzErr != nil {
		b.Fatal(lorenzErr)
	}
	return lorenzData
}

// stepFlops is the arithmetic of one sample-step of BPTT for a CT-RNN with
// H units and I inputs (2 flops per multiply-add): the forward
// pre-activation W h + U x + b, the backward W_recᵀ·dz and the weight
// gradient dz·[h | x | 1]ᵀ.
func stepFlops(H, I int) float64 {
	return float64(2*H*(H+I+1) + 2*H*H + 2*H*(H+I+1))
}

// decoderFlops is the decoder's forward and backward arithmetic per
// decoded sample.
func decoderFlops(H, O int) float64 { return float64(2*O*(H+1) + 2*O*H + 2*O*(H+1)) }

// BenchmarkTrainEpoch is one training epoch of the reference workload:
// 13,950 windows × 50 steps, H = 64, Euler, batch 64, AdamW, clipping at 1,
// full BPTT, one-step loss (learn.Trainer, no validation). shards=1 is one
// goroutine; shards=2 splits every batch in two halves computed by two
// goroutines (the same result for any GOMAXPROCS). make bench-train runs
// with -cpu 1 (GOMAXPROCS 1), so there the halves take turns on one core
// and shards=2 measures what sharding costs (bench/baseline/train.txt:
// 3.25 against 3.69 epochs/s, medians of 6); `go test -run '^$' -bench
// TrainEpoch -cpu 2 ./bench` lets them run on two cores.
func BenchmarkTrainEpoch(b *testing.B) {
	d := lorenz(b)
	w, err := tasks.NewWindows(&d.Train, 50, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, shards := range []int{1, 2} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			r := ctrnn.LorenzReference()
			tc := r.Phases[0].Train
			tc.Epochs = 1
			tc.Shards = shards
			flops := float64(w.Len()) * (50*stepFlops(64, 3) + decoderFlops(64, 3))
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				m, err := ctrnn.New[float32](r.Model)
				if err != nil {
					b.Fatal(err)
				}
				tr, err := learn.NewTrainer(m, tc)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := tr.Fit(context.Background(), w, nil); err != nil {
					b.Fatal(err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(flops/sec/1e9, "GFLOP/s")
			b.ReportMetric(1/sec, "epochs/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// seqBench prepares a batch of n random sequences of L steps for an
// H-unit CT-RNN with 3 inputs and outputs.
func seqBench(b *testing.B, H, n, L int, m ode.Method) (*leaky.Seq[float32], []float32) {
	net, err := leaky.NewNet[float32](leaky.Spec{N: H, I: 3, O: 3, R: H, Act: leaky.Tanh,
		Pops: []leaky.Pop{{Start: 0, Len: H, Tau: 1}}, Method: m, Interval: 1, Substeps: 1})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	learn.Normal(net.Waug, 0.9/float64(H), r)
	learn.Normal(net.Dec, 0.1, r)
	s, err := leaky.NewSeq(net, n, L)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float32, n*L*3)
	learn.Normal(x, 1, r)
	s.LoadInputs(x, L, L, nil)
	return s, x
}

// BenchmarkTrainSteps measures the engine alone at batch 64 and 50 steps:
// forward (no tape) and forward+backward (BPTT) sample-steps per second for
// H = 64 … 1024, Euler.
func BenchmarkTrainSteps(b *testing.B) {
	const n, L = 64, 50
	for _, H := range []int{64, 128, 256, 512, 1024} {
		for _, mode := range []string{"fwd", "fwdbwd"} {
			b.Run(fmt.Sprintf("H=%d/mode=%s", H, mode), func(b *testing.B) {
				s, _ := seqBench(b, H, n, L, ode.Euler)
				g := leaky.NewGrads(s.Net())
				dY := make([]float32, L*n*3)
				learn.Normal(dY[(L-1)*n*3:], 1, rand.New(rand.NewPCG(3, 4)))
				run := leaky.Run{Steps: L, Feedback: L, OutFrom: L - 1, Tape: mode == "fwdbwd"}
				b.ReportAllocs()
				for b.Loop() {
					if err := s.Forward(run); err != nil {
						b.Fatal(err)
					}
					if run.Tape {
						if err := s.Backward(dY, g); err != nil {
							b.Fatal(err)
						}
					}
				}
				steps := float64(n*L) * float64(b.N) / b.Elapsed().Seconds()
				fl := float64(2 * H * (H + 4))
				if run.Tape {
					fl = stepFlops(H, 3)
				}
				b.ReportMetric(steps, "steps/s")
				b.ReportMetric(steps*fl/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkTrainAdjoint compares the memory and time of a gradient by BPTT
// (RK4 with 4 substeps per interval, its stage tape) with the adjoint
// method (RK4 backward, the same grid, a forward-state checkpoint every 10
// intervals), at batch 16 over L = 10 … 200 steps, H = 64, one-step loss.
// bytes/op is what one gradient allocates (workspaces are rebuilt each
// iteration); the tape's size grows with L, the adjoint's working memory
// does not (its inputs, outputs and the L/10 checkpoints do). Without
// checkpoints the backward reconstruction of the state diverges before
// L = 200 on these random inputs.
func BenchmarkTrainAdjoint(b *testing.B) {
	const n, H = 16, 64
	for _, L := range []int{10, 50, 200} {
		for _, method := range []string{"bptt", "adjoint"} {
			b.Run(fmt.Sprintf("L=%d/grad=%s", L, method), func(b *testing.B) {
				c := ctrnn.Config{Solver: ode.RK4, Substeps: 4}
				if method == "adjoint" {
					c.Adjoint = &learn.AdjointConfig{Method: ode.RK4, Substeps: 4}
					c.CheckpointEvery = 10
				}
				m, err := ctrnn.New[float32](c)
				if err != nil {
					b.Fatal(err)
				}
				r := rand.New(rand.NewPCG(5, 6))
				x := make([]float32, n*L*3)
				learn.Normal(x, 1, r)
				y := make([]float32, n*3)
				grad := make([]float32, m.Params().Len())
				var ms runtime.MemStats
				b.ReportAllocs()
				for b.Loop() {
					w, err := m.Worker()
					if err != nil {
						b.Fatal(err)
					}
					if _, err := w.Batch(grad, x, y, n, learn.Loss{}); err != nil {
						b.Fatal(err)
					}
				}
				runtime.ReadMemStats(&ms)
				b.ReportMetric(float64(n*L)*float64(b.N)/b.Elapsed().Seconds(), "steps/s")
			})
		}
	}
}
