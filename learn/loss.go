package learn

import (
	"fmt"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
)

// LossKind selects what a sequence model is trained to predict. Every kind
// is a mean squared error over the predicted elements (the reference's
// nn.MSELoss, mean over all elements of the batch).
type LossKind int

const (
	// LossLast: run the whole input window (L steps, observed inputs) and
	// compare the output after the last step with the target, the next
	// sample (the reference's one-step Lorenz loss). Targets: O values per
	// sample.
	LossLast LossKind = iota
	// LossAll: compare the output after every step t with its own target
	// (flip-flop; or dense one-step-ahead forecasting when the target of
	// step t is x[t+1]). Targets: L·O values per sample.
	LossAll
	// LossNext: multi-step teacher forcing for forecasting: observed
	// inputs, and the output after every step t ≥ Warmup−1 compared with
	// the next input sample x[t+1] (the last with the target). Targets: O
	// values per sample (the sample after the window).
	LossNext
	// LossClosedLoop: free-running rollout. The first Warmup steps read the
	// observed inputs; from step Warmup on, the input is the model's own
	// previous output (closed loop, gradients flow through the feedback).
	// The Horizon outputs after steps Warmup−1 … Warmup+Horizon−2 are
	// compared with the samples they predict. The model runs
	// Warmup+Horizon−1 steps, which must not exceed the window length L.
	// Targets: O values per sample (used when the rollout reaches the end
	// of the window).
	LossClosedLoop
)

var lossNames = [...]string{"last", "all", "next", "closedloop"}

// String returns the kind's name: last, all, next or closedloop.
func (k LossKind) String() string {
	if k >= 0 && int(k) < len(lossNames) {
		return lossNames[k]
	}
	return fmt.Sprintf("LossKind(%d)", int(k))
}

// ParseLossKind returns the kind called name.
func ParseLossKind(name string) (LossKind, error) {
	for i, n := range lossNames {
		if n == name {
			return LossKind(i), nil
		}
	}
	return 0, param.New("learn", "loss", name, "one of last, all, next, closedloop")
}

// Loss specifies the training objective of a sequence model (see LossKind).
// The zero value is the reference's one-step loss.
type Loss struct {
	Kind LossKind
	// Warmup is the number of observed steps before predictions count
	// (LossNext) or before the loop closes (LossClosedLoop); ≥ 1.
	Warmup int
	// Horizon is the number of free-running predictions (LossClosedLoop).
	Horizon int
	// WarmupWeight weights, in LossClosedLoop, the one-step errors of the
	// teacher-forced outputs after steps WarmupFrom … Warmup−2 (0: not
	// counted). WarmupFrom skips the first steps after the zero initial
	// state, whose predictions cannot be accurate.
	WarmupWeight float64
	WarmupFrom   int
	// Forcing is, in LossClosedLoop, the weight α of generalized teacher
	// forcing (Hess et al., ICML 2023): each fed-back input is
	// (1−α)·prediction + α·observed sample, so gradients through the loop
	// are damped by (1−α) per step. 0 (the default) is the free-running
	// loop; allowed [0, 1).
	Forcing float64 `json:",omitempty"`
}

// Validate returns a param error naming the bad field.
func (l Loss) Validate() error {
	switch l.Kind {
	case LossLast, LossAll:
		return nil
	case LossNext:
		return param.PositiveInt("learn", "Loss.Warmup", l.Warmup)
	case LossClosedLoop:
		return param.First(
			param.PositiveInt("learn", "Loss.Warmup", l.Warmup),
			param.PositiveInt("learn", "Loss.Horizon", l.Horizon),
			param.NonNegative("learn", "Loss.WarmupWeight", l.WarmupWeight),
			param.NonNegative("learn", "Loss.WarmupFrom", float64(l.WarmupFrom)),
			param.InRangeHalfOpen("learn", "Loss.Forcing", l.Forcing, 0, 1),
		)
	}
	return param.New("learn", "Loss.Kind", int(l.Kind), "one of last, all, next, closedloop")
}

// Steps returns the number of model steps the loss runs on a window of L
// input samples, or an error if the window is too short.
func (l Loss) Steps(L int) (int, error) {
	if err := l.Validate(); err != nil {
		return 0, err
	}
	switch l.Kind {
	case LossNext:
		if l.Warmup > L {
			return 0, param.New("learn", "Loss.Warmup", l.Warmup, fmt.Sprintf("<= the window length %d", L))
		}
	case LossClosedLoop:
		if n := l.Warmup + l.Horizon - 1; n > L {
			return 0, param.New("learn", "Loss.Warmup+Horizon-1", n, fmt.Sprintf("<= the window length %d", L))
		}
		return l.Warmup + l.Horizon - 1, nil
	}
	return L, nil
}

// Weight returns the weight of the output after step t (0-based) of a
// forecasting loss run for steps steps: 1 for counted predictions,
// WarmupWeight for teacher-forced ones in LossClosedLoop, 0 otherwise. Its
// target is the input sample t+1 (the window's target after the last input).
func (l Loss) Weight(t, steps int) float64 {
	switch l.Kind {
	case LossLast:
		if t == steps-1 {
			return 1
		}
	case LossAll:
		return 1
	case LossNext:
		if t >= l.Warmup-1 {
			return 1
		}
	case LossClosedLoop:
		if t >= l.Warmup-1 {
			return 1
		}
		if t >= l.WarmupFrom {
			return l.WarmupWeight
		}
	}
	return 0
}

// SquaredError writes into grad (if non-nil) the gradient of
// w·Σ(y − target)², that is 2w·(y − target), and returns w·Σ(y − target)²
// accumulated in float64. The slices have equal lengths.
func SquaredError[T asm.Float](grad, y, target []T, w float64) float64 {
	if len(y) != len(target) || (grad != nil && len(grad) != len(y)) {
		panic("learn: SquaredError: slice lengths do not match")
	}
	s := 0.0
	for i, v := range y {
		d := float64(v) - float64(target[i])
		s += float64(d * d)
		if grad != nil {
			grad[i] = T(2 * w * d)
		}
	}
	return float64(w * s)
}

// LossSum is the summed loss of a (part of a) batch and the number of
// elements it averages over (weighted element count).
type LossSum struct {
	Sum   float64
	Count float64
}

// Add returns the sum of two partial losses.
func (a LossSum) Add(b LossSum) LossSum { return LossSum{a.Sum + b.Sum, a.Count + b.Count} }

// Mean returns Sum/Count (0 when Count is 0).
func (a LossSum) Mean() float64 {
	if a.Count == 0 {
		return 0
	}
	return a.Sum / a.Count
}

// Feed writes over x (the observed inputs of a closed-loop step) the input
// a model reads there under generalized teacher forcing with weight alpha
// (Loss.Forcing): (1−α)·y + α·x, y being the model's previous outputs (as
// long as x). With alpha 0 it copies y.
func Feed[T asm.Float](x, y []T, alpha float64) {
	if len(x) != len(y) {
		panic("learn: Feed: slice lengths do not match")
	}
	if alpha == 0 {
		copy(x, y)
		return
	}
	asm.Scal(T(alpha), x)
	asm.Axpy(T(1-alpha), y, x)
}

// FeedGrad adds to dy, the gradient with respect to the previous outputs,
// the part that flows back through Feed from dx, the gradient with respect
// to the inputs Feed wrote: (1−α)·dx.
func FeedGrad[T asm.Float](dy, dx []T, alpha float64) {
	asm.Axpy(T(1-alpha), dx, dy) // α = 0: 1·dx is exact, so this is dy + dx
}
