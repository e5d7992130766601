package leaky

import (
	"context"
	"fmt"
	"unsafe"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
)

// memoryLimit is the memory large outputs are checked against (tests
// replace it).
var memoryLimit = memlimit.Default

// Output holds the results of RunBatch, sample-major.
type Output[T asm.Float] struct {
	// Last is the output after the last step (n×O).
	Last []T
	// All is the output after every step (n×L×O).
	All []T
	// Hidden is the state at every boundary, h_0 … h_L (n×(L+1)×N), when
	// asked for.
	Hidden []T
}

// RunBatch runs net on n sample-major sequences x (n×L×I) from the zero
// state, with observed inputs, and returns every output and, with hidden,
// the hidden trajectory. A run whose memory (RunBatchBytes) exceeds the
// memory limit is refused with an error wrapping nderr.ErrMemoryExceeded.
func RunBatch[T asm.Float](net *Net[T], x []T, n, L int, hidden bool) (*Output[T], error) {
	if err := param.First(param.PositiveInt("leaky", "n", n), param.PositiveInt("leaky", "L", L)); err != nil {
		return nil, err
	}
	N, I, O, S := net.N, net.I, net.O, net.Stride()
	if len(x) != n*L*I {
		return nil, param.New("leaky", "x", fmt.Sprintf("%d values", len(x)), fmt.Sprintf("n·L·I = %d", n*L*I))
	}
	if err := checkMemory("leaky: RunBatch", RunBatchBytes[T](net.Spec, n, L, hidden)); err != nil {
		return nil, err
	}
	s, err := NewSeq(net, n, L)
	if err != nil {
		return nil, err
	}
	s.LoadInputs(x, L, L, nil)
	if err := s.Forward(Run{Steps: L, Feedback: L, OutFrom: 0}); err != nil {
		return nil, err
	}
	out := &Output[T]{Last: make([]T, n*O), All: make([]T, n*L*O)}
	for t := 0; t < L; t++ {
		y := s.Output(t)
		for b := 0; b < n; b++ {
			copy(out.All[(b*L+t)*O:(b*L+t+1)*O], y[b*O:(b+1)*O])
		}
	}
	copy(out.Last, s.Output(L-1))
	if hidden {
		out.Hidden = make([]T, n*(L+1)*N)
		for t := 0; t <= L; t++ {
			blk := s.State(t)
			for b := 0; b < n; b++ {
				copy(out.Hidden[(b*(L+1)+t)*N:(b*(L+1)+t+1)*N], blk[b*S:b*S+N])
			}
		}
	}
	return out, nil
}

// PredictLast returns the output after the last step of each of the n
// sequences x (n×L×I), running them in batches of at most batch sequences
// (the reference's one-step forecast of each window). A run whose memory
// (PredictLastBytes) exceeds the memory limit is refused with an error
// wrapping nderr.ErrMemoryExceeded.
func PredictLast[T asm.Float](net *Net[T], x []T, n, L, batch int) ([]T, error) {
	if err := param.First(param.PositiveInt("leaky", "n", n), param.PositiveInt("leaky", "L", L), param.PositiveInt("leaky", "batch", batch)); err != nil {
		return nil, err
	}
	I, O := net.I, net.O
	if len(x) != n*L*I {
		return nil, param.New("leaky", "x", fmt.Sprintf("%d values", len(x)), fmt.Sprintf("n·L·I = %d", n*L*I))
	}
	if err := checkMemory("leaky: PredictLast", PredictLastBytes[T](net.Spec, n, L, batch)); err != nil {
		return nil, err
	}
	s, err := NewSeq(net, min(batch, n), L)
	if err != nil {
		return nil, err
	}
	out := make([]T, n*O)
	for lo := 0; lo < n; lo += batch {
		k := min(batch, n-lo)
		s.SetRows(k)
		s.LoadInputs(x[lo*L*I:(lo+k)*L*I], L, L, nil)
		if err := s.Forward(Run{Steps: L, Feedback: L, OutFrom: L - 1}); err != nil {
			return nil, err
		}
		copy(out[lo*O:(lo+k)*O], s.Output(L-1))
	}
	return out, nil
}

// Generate runs n streams closed loop: each warms up on its W observed
// inputs (warm: n×W×I) from the zero state, then feeds its decoded output
// back as the next input, with the training interval and the state carried
// over, in the model's (normalized) units throughout. It returns the steps
// outputs of each stream (n×steps×O): output 0 is the prediction that
// follows the last warm-up sample. Outputs that would not fit in memory
// (memlimit.Default) are refused with an error naming steps.
func Generate[T asm.Float](net *Net[T], warm []T, n, W, steps int) ([]T, error) {
	out, _, err := GenerateContext(context.Background(), net, warm, n, W, steps)
	return out, err
}

// GenerateContext is Generate, stopped when ctx is done: it looks at ctx
// before every step of the n streams (each a batch of n steps of the
// network) and returns the outputs with done, the number of outputs per
// stream computed (steps when it was not stopped). When stopped it
// returns an error wrapping ctx.Err() and the outputs so far: outputs
// 0 … done−1 of every stream are Generate's, bit for bit, the rest zero
// (nil, with done 0, when it stopped in the warm-up).
func GenerateContext[T asm.Float](ctx context.Context, net *Net[T], warm []T, n, W, steps int) (out []T, done int, err error) {
	if err := param.First(param.PositiveInt("leaky", "n", n), param.PositiveInt("leaky", "W", W), param.PositiveInt("leaky", "steps", steps)); err != nil {
		return nil, 0, err
	}
	I, O := net.I, net.O
	if I != O {
		return nil, 0, param.New("leaky", "net", fmt.Sprintf("I=%d, O=%d", I, O), "inputs = outputs to run closed loop")
	}
	if float64(len(warm)) != float64(n)*float64(W)*float64(I) {
		return nil, 0, param.New("leaky", "warm", fmt.Sprintf("%d values", len(warm)), fmt.Sprintf("n·W·I = %d", n*W*I))
	}
	var zero T
	if need, limit := float64(n)*float64(steps)*float64(O)*float64(unsafe.Sizeof(zero)), memoryLimit(); need > float64(limit) {
		return nil, 0, param.New("leaky", "steps", steps, fmt.Sprintf("at most %d for %d streams of %d outputs: the outputs (%.3g bytes) must fit the memory limit of %d bytes",
			int64(float64(limit)/(float64(n)*float64(O)*float64(unsafe.Sizeof(zero)))), n, O, need, limit))
	}
	st, err := NewStream(net, n)
	if err != nil {
		return nil, 0, err
	}
	x := make([]T, n*I)
	y := make([]T, n*O)
	for t := 0; t < W; t++ {
		if err := ctx.Err(); err != nil {
			return nil, 0, fmt.Errorf("leaky: closed loop stopped in the warm-up: %w", err)
		}
		for b := 0; b < n; b++ {
			copy(x[b*I:(b+1)*I], warm[(b*W+t)*I:(b*W+t+1)*I])
		}
		if err := st.Step(y, x); err != nil {
			return nil, 0, err
		}
	}
	out = make([]T, n*steps*O)
	for k := 0; k < steps; k++ {
		for b := 0; b < n; b++ {
			copy(out[(b*steps+k)*O:(b*steps+k+1)*O], y[b*O:(b+1)*O])
		}
		if k+1 < steps {
			if err := ctx.Err(); err != nil {
				return out, k + 1, fmt.Errorf("leaky: closed loop stopped after %d of %d steps: %w", k+1, steps, err)
			}
			copy(x, y)
			if err := st.Step(y, x); err != nil {
				return nil, 0, err
			}
		}
	}
	return out, steps, nil
}
