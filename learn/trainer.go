package learn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
)

// ErrNonFinite is returned (wrapped, with the epoch and batch) when a batch's
// loss or gradient is NaN or infinite. Fit then leaves the parameters of the
// last finished epoch (or the best epoch's, see Fit), never the epoch's
// half-updated ones.
var ErrNonFinite = errors.New("learn: non-finite loss or gradient")

// Source is a collection of fixed-size float32 samples: inputs of InputSize
// values and targets of TargetSize values (tasks.Windows and
// tasks.FlipFlopSplit implement it).
type Source interface {
	// Len returns the number of samples.
	Len() int
	// InputSize returns the number of input values of one sample.
	InputSize() int
	// TargetSize returns the number of target values of one sample.
	TargetSize() int
	// Fill copies sample i into x (InputSize values) and y (TargetSize).
	Fill(i int, x, y []float32)
}

// Model is what Trainer trains: float32 parameters and workers that compute
// losses and gradients. ctrnn, rate and snn models implement it.
type Model interface {
	// Params returns the parameters the optimizer updates in place.
	Params() *Params[float32]
	// NewWorker returns a worker with its own scratch memory. The trainer
	// creates one per gradient shard and may run them concurrently.
	NewWorker() (Worker, error)
}

// Worker computes the loss of a part of a batch and its gradient. A worker is
// used by one goroutine at a time; different workers of one model may run
// concurrently (they only read the parameters).
type Worker interface {
	// Batch runs the model on n samples, x holding n·InputSize and y
	// n·TargetSize values (sample-major), and returns the summed loss of
	// kind loss. When grad is non-nil it is overwritten with the gradient
	// of that sum with respect to the parameters (the Params layout;
	// frozen tensors may get any value). It returns an error for inputs the
	// model cannot take (wrong sizes, a loss it does not support).
	Batch(grad []float32, x, y []float32, n int, loss Loss) (LossSum, error)
}

// TrainConfig configures Trainer. The zero value is the reference tutorial's
// set-up (train_model): 100 epochs, batch 64, Adam at 1e-3 (set
// Adam.Decoupled and Adam.WeightDecay for its AdamW), gradient-norm clipping
// at 1, ReduceLROnPlateau with patience 10, early stopping after 20 epochs
// without improvement, the one-step loss; unlike the reference, the best
// parameters really are restored at the end.
type TrainConfig struct {
	// Epochs is the maximum number of epochs (0 → 100).
	Epochs int
	// BatchSize is the mini-batch size (0 → 64); the last batch of an epoch
	// may be short, and a BatchSize beyond the training set's size is the
	// whole set.
	BatchSize int
	// Adam configures the optimizer.
	Adam AdamConfig
	// Optimizer is the update rule: OptimizerAdam ("", the default:
	// mini-batch Adam or AdamW as Adam, ClipNorm, Decay and Plateau
	// configure it) or OptimizerLBFGS (full-batch L-BFGS as LBFGS
	// configures it). With L-BFGS an epoch is LBFGS.Iterations iterations
	// on the loss of the whole training set, summed over chunks of
	// BatchSize samples in a fixed order (so the result depends on neither
	// Shards nor Workers); the learning rate, clipping, decay, weight decay
	// and shuffling do not apply, and an epoch that cannot decrease the
	// loss ends training with Result.Stop "converged".
	Optimizer string       `json:",omitempty"`
	LBFGS     *LBFGSConfig `json:",omitempty"`
	// ClipNorm is the global gradient-norm bound (0 → 1; < 0 disables).
	ClipNorm float64
	// Plateau configures ReduceLROnPlateau on the validation loss.
	Plateau PlateauConfig
	// Decay is a per-epoch decay of the rate on top of the plateau
	// scheduler, with floor DecayFloor (fraction of the base rate).
	Decay      Decay
	DecayFloor float64
	// Patience is the early-stopping patience in epochs without a strict
	// improvement of the validation loss (0 → 20; < 0 disables).
	Patience int
	// KeepLast keeps the last epoch's parameters instead of restoring the
	// best ones at the end.
	KeepLast bool
	// Loss is the training objective; Horizon, when active, overrides
	// Loss.Horizon per epoch (LossClosedLoop curriculum).
	Loss    Loss
	Horizon HorizonSchedule
	// ValLoss is the objective measured on the validation set each epoch
	// (for the scheduler, early stopping and the history); nil → Loss with
	// the final horizon.
	ValLoss *Loss
	// ValBatch is the batch size of evaluation (0 → 256); it changes the
	// validation loss only by rounding (the order of the partial sums).
	ValBatch int
	// Seed seeds the per-epoch shuffling: epoch e's order is a permutation
	// drawn from PCG(Seed, e).
	Seed uint64
	// Shards is the number of equal parts each batch's gradient is split
	// into (0 → 1; at most MaxShards and BatchSize, and each shard's
	// gradient must fit in memory). The result depends on Shards (the
	// reduction order) but never on Workers or GOMAXPROCS: shard gradients
	// are summed in shard order.
	Shards int
	// Workers bounds the goroutines computing shards at once (0 →
	// GOMAXPROCS).
	Workers int
	// Checkpoint is the file written every CheckpointEvery epochs (0 → 1)
	// and at the end: HDF5 (".h5" or ".hdf5", needs cgo) or NumPy ".npz";
	// another extension is refused. "" disables. Its directory must exist
	// (Fit refuses a missing one before training, with an error wrapping
	// fs.ErrNotExist), and an existing file is refused (an error wrapping
	// fs.ErrExist) unless Resume continues from it or Overwrite is set.
	Checkpoint      string
	CheckpointEvery int
	// Resume continues from Checkpoint if the file exists; a checkpoint
	// of another model or training configuration is refused (see
	// Trainer.LoadCheckpoint).
	Resume bool
	// Overwrite lets Fit replace an existing Checkpoint file that it does
	// not resume from.
	Overwrite bool `json:",omitempty"`
	// Meta is free text stored in checkpoints (for example the model's
	// configuration as JSON).
	Meta string
	// MaxDuration, when positive, stops training after the first epoch that
	// ends past it (0: no limit; < 0 is refused). The number of epochs then
	// depends on the machine's speed, so runs that must be reproducible
	// leave it 0.
	MaxDuration time.Duration
	// Progress, when set, is called after every epoch.
	Progress func(EpochRecord) `json:"-"`
	// ValMetric, when set, is called after every epoch (after the
	// validation loss) with the parameters of that epoch. Its value, lower
	// is better, replaces the validation loss for the scheduler, early
	// stopping and the restore of the best parameters, and is recorded as
	// EpochRecord.Metric. Use it to select by a criterion that is not a
	// loss, such as closed-loop valid time on the validation split
	// (returned negated). It must be deterministic for resumed runs to
	// match uninterrupted ones.
	ValMetric func() (float64, error) `json:"-"`
}

// The values of TrainConfig.Optimizer.
const (
	OptimizerAdam  = ""
	OptimizerLBFGS = "lbfgs"
)

// lbfgs returns the L-BFGS configuration with its defaults.
func (c *TrainConfig) lbfgs() LBFGSConfig {
	if c.LBFGS == nil {
		return LBFGSConfig{}.WithDefaults()
	}
	return c.LBFGS.WithDefaults()
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c TrainConfig) WithDefaults() TrainConfig {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Epochs, 100)
	def(&c.BatchSize, 64)
	def(&c.ValBatch, 256)
	def(&c.Patience, 20)
	def(&c.Shards, 1)
	def(&c.CheckpointEvery, 1)
	if c.ClipNorm == 0 {
		c.ClipNorm = 1
	}
	c.Adam = c.Adam.WithDefaults()
	c.Plateau = c.Plateau.WithDefaults()
	return c
}

// Validate returns a param error naming the first bad field.
func (c TrainConfig) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		param.PositiveInt("learn", "Epochs", c.Epochs),
		param.PositiveInt("learn", "BatchSize", c.BatchSize),
		param.PositiveInt("learn", "ValBatch", c.ValBatch),
		param.PositiveInt("learn", "Shards", c.Shards),
		param.PositiveInt("learn", "CheckpointEvery", c.CheckpointEvery),
		param.InRange("learn", "DecayFloor", c.DecayFloor, 0, 1),
		param.Finite("learn", "ClipNorm", c.ClipNorm),
		c.Adam.Validate(), c.Plateau.Validate(), c.Loss.Validate(), c.Horizon.Validate(),
	); err != nil {
		return err
	}
	switch c.Optimizer {
	case OptimizerAdam:
	case OptimizerLBFGS:
		if err := c.lbfgs().Validate(); err != nil {
			return err
		}
	default:
		return param.New("learn", "Optimizer", c.Optimizer, `"" (Adam) or "lbfgs"`)
	}
	if c.Shards > MaxShards {
		return param.New("learn", "Shards", c.Shards, fmt.Sprintf("<= MaxShards (%d)", MaxShards))
	}
	if c.Shards > c.BatchSize {
		return param.New("learn", "Shards", c.Shards, fmt.Sprintf("<= BatchSize (%d)", c.BatchSize))
	}
	if c.Workers < 0 {
		return param.New("learn", "Workers", c.Workers, ">= 0 (0: GOMAXPROCS)")
	}
	if c.Decay != DecayNone && c.Decay != DecayCosine {
		return param.New("learn", "Decay", int(c.Decay), "DecayNone or DecayCosine")
	}
	if c.ValLoss != nil {
		if err := c.ValLoss.Validate(); err != nil {
			return err
		}
	}
	if c.Horizon.Active() && c.Loss.Kind != LossClosedLoop {
		return param.New("learn", "Horizon", c.Horizon, "inactive unless Loss.Kind is closedloop")
	}
	if c.Resume && c.Checkpoint == "" {
		return param.New("learn", "Resume", true, "false when Checkpoint is empty")
	}
	if c.MaxDuration < 0 {
		return param.New("learn", "MaxDuration", c.MaxDuration, ">= 0 (0: no limit)")
	}
	if c.Checkpoint != "" {
		switch strings.ToLower(filepath.Ext(c.Checkpoint)) {
		case ".npz", ".h5", ".hdf5":
		default:
			return param.New("learn", "Checkpoint", c.Checkpoint, "a path ending in .h5 or .hdf5 (HDF5) or .npz (NumPy)")
		}
	}
	return nil
}

// CheckpointExistsHint is the remedy an existing Checkpoint file's error
// (an *export.ExistsError) gives in Go.
const CheckpointExistsHint = "set TrainConfig.Overwrite to replace it, or Resume to continue from it"

// checkCheckpointTarget refuses, before training, a Checkpoint whose
// directory is missing (an error wrapping fs.ErrNotExist) and an existing
// Checkpoint file that the run neither resumes from nor may overwrite (an
// *export.ExistsError).
func (c *TrainConfig) checkCheckpointTarget() error {
	if c.Checkpoint == "" {
		return nil
	}
	dir := filepath.Dir(c.Checkpoint)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("learn: Checkpoint %s: its directory: %w", c.Checkpoint, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("learn: Checkpoint %s: %s is not a directory: %w", c.Checkpoint, dir, fs.ErrNotExist)
	}
	st, err = os.Stat(c.Checkpoint)
	switch {
	case err != nil:
		return nil
	case st.IsDir():
		return fmt.Errorf("learn: Checkpoint %s is a directory: %w", c.Checkpoint, fs.ErrExist)
	case c.Resume || c.Overwrite:
		return nil
	}
	return &export.ExistsError{Path: c.Checkpoint, Hint: CheckpointExistsHint}
}

// lossAt returns the training loss of epoch e.
func (c *TrainConfig) lossAt(e int) Loss {
	l := c.Loss
	if h := c.Horizon.At(e); h > 0 {
		l.Horizon = h
	}
	return l
}

// valLoss returns the validation objective.
func (c *TrainConfig) valLoss() Loss {
	if c.ValLoss != nil {
		return *c.ValLoss
	}
	l := c.Loss
	if c.Horizon.Active() {
		l.Horizon = c.Horizon.End
	}
	return l
}

// EpochRecord is one line of the training history.
type EpochRecord struct {
	Epoch     int     `json:"epoch"`      // 1-based
	TrainLoss float64 `json:"train_loss"` // mean of the batch losses (L-BFGS: the full-batch loss at the epoch's end)
	ValLoss   float64 `json:"val_loss"`   // mean over all validation elements (NaN without validation)
	LR        float64 `json:"lr"`         // learning rate used in the epoch (0 with L-BFGS)
	Horizon   int     `json:"horizon"`    // closed-loop horizon used (0 if not closed loop)
	GradNorm  float64 `json:"grad_norm"`  // mean gradient norm before clipping (L-BFGS: the full-batch gradient's at the epoch's end)
	Seconds   float64 `json:"seconds"`    // wall-clock time of the epoch
	Metric    float64 `json:"metric"`     // TrainConfig.ValMetric's value (NaN without one)
}

// Result summarizes a Fit.
type Result struct {
	History   []EpochRecord
	Epochs    int     // epochs completed
	BestEpoch int     // 1-based epoch of the best validation loss or metric (0 without validation)
	BestVal   float64 // best validation loss, or ValMetric value when set (NaN without validation)
	Restored  bool    // the best parameters were restored at the end
	Stop      string  // why training stopped: "epochs", "early-stop", "converged" (L-BFGS), "time", "context"
	Seconds   float64 // wall-clock training time of this call (resumed epochs excluded)
	Resumed   int     // epochs completed before this call (restored from a checkpoint); Epochs − Resumed were trained by it
}

// trainState is everything besides parameters and optimizer moments that a
// resumed run needs to continue bit-identically.
type trainState struct {
	Epoch     int           `json:"epoch"` // epochs completed
	BaseLR    float64       `json:"base_lr"`
	Plateau   Plateau       `json:"plateau"`
	BestVal   float64       `json:"best_val"`
	BestEpoch int           `json:"best_epoch"`
	Bad       int           `json:"bad_epochs"`
	Seed      uint64        `json:"seed"`
	Stopped   string        `json:"stopped"`
	History   []EpochRecord `json:"history"`
}

// BatchMemory is implemented by models that can estimate their workers'
// memory (ctrnn's and rate's). Trainer.Fit refuses training whose estimate
// (TrainBytes) exceeds the memory limit before the first batch.
type BatchMemory interface {
	// BatchBytes estimates the memory (bytes) one worker takes to run n
	// samples of inputSize values each, with the gradient (grad) or only
	// the loss.
	BatchBytes(n, inputSize int, grad bool) float64
}

// TrainBytes estimates the memory (bytes) of training m with c on train,
// evaluating val (nil: none): the copies of the parameters (each shard's
// gradient, the batch gradient, the best parameters, Adam's two moments),
// a batch of inputs and targets and, for models implementing BatchMemory,
// every shard's worker with its share of a training batch and the
// gradient plus a validation chunk without (with L-BFGS, a whole chunk of
// BatchSize samples with the gradient per worker). Models without
// BatchMemory count only the first two.
func TrainBytes(m Model, c TrainConfig, train, val Source) float64 {
	c = c.WithDefaults()
	const f32 = 4
	P := float64(m.Params().Len())
	is, ts := train.InputSize(), train.TargetSize()
	bs := max(min(c.BatchSize, train.Len()), 1)
	workers := float64(c.Shards)
	// Every product is rounded (float64(x*y)): no fused multiply-add on
	// arm64, the same estimate on every architecture.
	b := float64(float64(c.Shards+5)*P*f32) + float64(float64(bs)*float64(is+ts)*f32)
	bm, ok := m.(BatchMemory)
	rows := (bs + c.Shards - 1) / c.Shards
	if c.Optimizer == OptimizerLBFGS {
		rows = bs
		b += float64(workers * (float64(float64(bs)*float64(is+ts)) + P) * f32)
	}
	var worker float64
	if ok {
		worker = bm.BatchBytes(rows, is, true)
	}
	if val != nil && val.Len() > 0 {
		vb := min(c.ValBatch, val.Len())
		b += float64(workers * float64(vb) * float64(val.InputSize()+val.TargetSize()) * f32)
		if ok {
			worker += bm.BatchBytes(vb, val.InputSize(), false)
		}
	}
	return b + float64(workers*worker)
}

// MaxShards bounds TrainConfig.Shards: each shard has a worker and a
// gradient of the model's size.
const MaxShards = 4096

// memoryLimit is the memory large requests are checked against (tests
// replace it).
var memoryLimit = memlimit.Default

// Trainer runs mini-batch training of a Model. It is not safe for
// concurrent use.
type Trainer struct {
	cfg     TrainConfig
	model   Model
	params  *Params[float32]
	frozen  []bool
	adam    *Adam[float32]
	plateau *Plateau
	best    []float32
	last    []float32 // the parameters after the last finished epoch (Fit's start before one)
	st      trainState

	workers []Worker
	grads   [][]float32
	sums    []LossSum
	errs    []error
	grad    []float32
	xbuf    []float32
	ybuf    []float32
	perm    []int

	// L-BFGS (Optimizer "lbfgs"): the minimizer and the full-batch
	// gradient pass.
	lb   *lbfgs
	full *pass
}

// NewTrainer validates c and prepares a trainer for m.
func NewTrainer(m Model, c TrainConfig) (*Trainer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	p := m.Params()
	if p == nil || p.Len() == 0 {
		return nil, param.New("learn", "model", "no parameters", "a model with parameters")
	}
	// The shards' gradients, the batch gradient, the best and the last
	// finished epoch's parameters and Adam's two moments, each of the
	// model's size.
	if need, limit := float64(c.Shards+5)*float64(p.Len())*4, memoryLimit(); need > float64(limit) {
		return nil, param.New("learn", "Shards", c.Shards, fmt.Sprintf("at most %d for a model of %d parameters: each shard holds a gradient, and %.3g bytes exceed the memory limit of %d",
			max(int64(float64(limit)/(4*float64(p.Len())))-5, 0), p.Len(), need, limit))
	}
	adam, err := NewAdam[float32](p.Len(), c.Adam)
	if err != nil {
		return nil, err
	}
	pl, err := NewPlateau(c.Plateau)
	if err != nil {
		return nil, err
	}
	t := &Trainer{cfg: c, model: m, params: p, frozen: p.FrozenMask(), adam: adam, plateau: pl}
	t.st = trainState{BaseLR: c.Adam.LR, BestVal: math.Inf(1), Seed: c.Seed}
	t.workers = make([]Worker, c.Shards)
	for i := range t.workers {
		if t.workers[i], err = m.NewWorker(); err != nil {
			return nil, err
		}
	}
	t.grads = make([][]float32, c.Shards)
	for i := range t.grads {
		t.grads[i] = make([]float32, p.Len())
	}
	t.sums = make([]LossSum, c.Shards)
	t.errs = make([]error, c.Shards)
	t.grad = make([]float32, p.Len())
	return t, nil
}

// Config returns the trainer's configuration with defaults filled in.
func (t *Trainer) Config() TrainConfig { return t.cfg }

// Optimizer returns the optimizer (its moments and step count).
func (t *Trainer) Optimizer() *Adam[float32] { return t.adam }

// History returns the epochs recorded so far (including resumed ones).
func (t *Trainer) History() []EpochRecord { return append([]EpochRecord(nil), t.st.History...) }

// Fit trains on train, measuring val (may be nil: no validation, no
// scheduler, no early stopping) after every epoch. It returns when the
// epochs are done, early stopping triggers, MaxDuration passes or ctx is
// cancelled (then with ctx's error). A non-finite loss or gradient stops
// training with ErrNonFinite. A training that stops early, by ctx or by
// an error after parameters changed (ErrNonFinite, a failing validation,
// ValMetric or checkpoint), discards the epoch it was in: the model keeps
// the best epoch's parameters when they are restored at a normal end (a
// validation selected one and KeepLast is false), else those after the
// last finished epoch, or those it had before Fit when none finished. Data
// that do not fit the model or the losses are refused before anything is
// done (CheckData), and so is training whose memory estimate (TrainBytes)
// exceeds the memory limit (an error wrapping nderr.ErrMemoryExceeded).
func (t *Trainer) Fit(ctx context.Context, train, val Source) (*Result, error) {
	c := &t.cfg
	if err := CheckData(t.model, *c, train, val); err != nil {
		return nil, err
	}
	if need, limit := TrainBytes(t.model, *c, train, val), memoryLimit(); need > float64(limit) {
		return nil, memlimit.Exceeded("learn: training (TrainBytes)", need, limit)
	}
	if err := c.checkCheckpointTarget(); err != nil {
		return nil, err
	}
	if c.Resume {
		if _, err := os.Stat(c.Checkpoint); err == nil {
			if err := t.LoadCheckpoint(c.Checkpoint); err != nil {
				return nil, err
			}
		}
	}
	start := time.Now()
	res := &Result{BestVal: math.NaN(), Resumed: t.st.Epoch}
	is, ts := train.InputSize(), train.TargetSize()
	// A batch holds at most the whole training set, whatever BatchSize.
	bs := min(c.BatchSize, train.Len())
	if len(t.xbuf) < bs*is {
		t.xbuf = make([]float32, bs*is)
	}
	if len(t.ybuf) < bs*ts {
		t.ybuf = make([]float32, bs*ts)
	}
	if len(t.perm) != train.Len() {
		t.perm = make([]int, train.Len())
	}
	if t.best == nil {
		t.best = append([]float32(nil), t.params.Flat()...)
	}
	if t.last == nil {
		t.last = make([]float32, t.params.Len())
	}
	copy(t.last, t.params.Flat())
	stop := t.st.Stopped
	var fitErr error
	// fail ends a training that cannot go on with err, leaving the
	// parameters as documented (the best or the last finished epoch's).
	fail := func(err error) (*Result, error) {
		t.keepFinished()
		return nil, err
	}
	for stop == "" && t.st.Epoch < c.Epochs {
		if err := ctx.Err(); err != nil {
			stop, fitErr = "context", err
			break
		}
		e := t.st.Epoch
		var rec EpochRecord
		var err error
		converged := false
		if c.Optimizer == OptimizerLBFGS {
			rec, converged, err = t.lbfgsEpoch(ctx, train, e)
		} else {
			rec, err = t.epoch(ctx, train, e)
		}
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				stop, fitErr = "context", err
				break
			}
			return fail(err)
		}
		rec.ValLoss, rec.Metric = math.NaN(), math.NaN()
		sel, haveSel := math.NaN(), false
		if val != nil && val.Len() > 0 {
			vs, err := Evaluate(t.workers, val, c.valLoss(), c.ValBatch, c.Workers)
			if err != nil {
				return fail(err)
			}
			rec.ValLoss = vs.Mean()
			if math.IsNaN(rec.ValLoss) || math.IsInf(rec.ValLoss, 0) {
				return fail(fmt.Errorf("%w: validation loss %v after epoch %d", ErrNonFinite, rec.ValLoss, e+1))
			}
			sel, haveSel = rec.ValLoss, true
		}
		if c.ValMetric != nil {
			v, err := c.ValMetric()
			if err != nil {
				return fail(fmt.Errorf("learn: ValMetric after epoch %d: %w", e+1, err))
			}
			rec.Metric = v
			if !math.IsNaN(v) {
				sel, haveSel = v, true
			}
		}
		if haveSel {
			t.st.BaseLR = t.plateau.Step(sel, t.st.BaseLR)
			if sel < t.st.BestVal {
				t.st.BestVal, t.st.BestEpoch, t.st.Bad = sel, e+1, 0
				copy(t.best, t.params.Flat())
			} else {
				t.st.Bad++
			}
			if c.Patience > 0 && t.st.Bad >= c.Patience {
				stop = "early-stop"
			}
		}
		if converged && stop == "" {
			stop = "converged"
		}
		t.st.Epoch++
		t.st.History = append(t.st.History, rec)
		copy(t.last, t.params.Flat())
		if c.MaxDuration > 0 && time.Since(start) > c.MaxDuration && stop == "" && t.st.Epoch < c.Epochs {
			stop = "time"
		}
		t.st.Stopped = stop
		if c.Progress != nil {
			c.Progress(rec)
		}
		if c.Checkpoint != "" && (t.st.Epoch%c.CheckpointEvery == 0 || stop != "" || t.st.Epoch == c.Epochs) {
			if err := t.SaveCheckpoint(c.Checkpoint); err != nil {
				return fail(err)
			}
		}
	}
	if stop == "" {
		stop = "epochs"
	}
	if fitErr != nil {
		copy(t.params.Flat(), t.last) // the epoch ctx interrupted is discarded
	}
	res.History = t.History()
	res.Epochs = t.st.Epoch
	res.Stop = stop
	res.Seconds = time.Since(start).Seconds()
	if t.st.BestEpoch > 0 {
		res.BestEpoch, res.BestVal = t.st.BestEpoch, t.st.BestVal
		if !c.KeepLast {
			copy(t.params.Flat(), t.best)
			res.Restored = true
		}
	}
	return res, fitErr
}

// keepFinished puts back the parameters a training that stopped early
// keeps (Fit): the best epoch's when a normal end would restore them, else
// the last finished epoch's.
func (t *Trainer) keepFinished() {
	if t.st.BestEpoch > 0 && !t.cfg.KeepLast {
		copy(t.params.Flat(), t.best)
		return
	}
	copy(t.params.Flat(), t.last)
}

// shuffle fills t.perm with epoch e's order.
func (t *Trainer) shuffle(e int) {
	for i := range t.perm {
		t.perm[i] = i
	}
	r := rand.New(rand.NewPCG(t.cfg.Seed, uint64(e)))
	r.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
}

// epoch runs training epoch e (0-based).
func (t *Trainer) epoch(ctx context.Context, src Source, e int) (EpochRecord, error) {
	c := &t.cfg
	t0 := time.Now()
	t.shuffle(e)
	loss := c.lossAt(e)
	lr := t.st.BaseLR * c.Decay.factor(e, c.Epochs, c.DecayFloor)
	rec := EpochRecord{Epoch: e + 1, LR: lr}
	if loss.Kind == LossClosedLoop {
		rec.Horizon = loss.Horizon
	}
	is, ts := src.InputSize(), src.TargetSize()
	nb := 0
	for pos := 0; pos < len(t.perm); pos += c.BatchSize {
		if err := ctx.Err(); err != nil {
			return rec, err
		}
		n := min(c.BatchSize, len(t.perm)-pos)
		for k := 0; k < n; k++ {
			src.Fill(t.perm[pos+k], t.xbuf[k*is:(k+1)*is], t.ybuf[k*ts:(k+1)*ts])
		}
		ls, err := t.gradient(t.xbuf[:n*is], t.ybuf[:n*ts], n, is, ts, loss)
		if err != nil {
			return rec, fmt.Errorf("learn: epoch %d, batch %d: %w", e+1, nb+1, err)
		}
		m := ls.Mean()
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return rec, fmt.Errorf("%w: loss %v in epoch %d, batch %d", ErrNonFinite, m, e+1, nb+1)
		}
		norm := ClipGradNorm(t.grad, c.ClipNorm)
		if math.IsNaN(norm) || math.IsInf(norm, 0) {
			return rec, fmt.Errorf("%w: gradient norm %v in epoch %d, batch %d", ErrNonFinite, norm, e+1, nb+1)
		}
		t.adam.Step(t.params.Flat(), t.grad, lr, t.frozen)
		rec.TrainLoss += m
		rec.GradNorm += norm
		nb++
	}
	rec.TrainLoss /= float64(nb)
	rec.GradNorm /= float64(nb)
	rec.Seconds = time.Since(t0).Seconds()
	return rec, nil
}

// gradient computes the batch's mean loss gradient into t.grad, splitting
// the batch into the configured shards and reducing in shard order.
func (t *Trainer) gradient(x, y []float32, n, is, ts int, loss Loss) (LossSum, error) {
	shards := min(t.cfg.Shards, n)
	runShards(shards, t.cfg.Workers, func(k int) {
		lo, hi := k*n/shards, (k+1)*n/shards
		t.sums[k], t.errs[k] = t.workers[k].Batch(t.grads[k], x[lo*is:hi*is], y[lo*ts:hi*ts], hi-lo, loss)
	})
	var total LossSum
	for k := 0; k < shards; k++ {
		if t.errs[k] != nil {
			return total, t.errs[k]
		}
		total = total.Add(t.sums[k])
		if k == 0 {
			copy(t.grad, t.grads[0])
		} else {
			asm.Add(t.grad, t.grad, t.grads[k])
		}
	}
	if total.Count > 0 {
		asm.Scal(float32(1/total.Count), t.grad)
	}
	return total, nil
}

// runShards calls f(0) … f(shards−1), on at most workers goroutines at once
// (0: GOMAXPROCS). Each f writes only its own outputs.
func runShards(shards, workers int, f func(k int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if shards == 1 || workers == 1 {
		for k := 0; k < shards; k++ {
			f(k)
		}
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for k := 0; k < shards; k++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(k int) {
			defer wg.Done()
			f(k)
			<-sem
		}(k)
	}
	wg.Wait()
}

// Evaluate returns the summed loss of kind loss over all of src, in batches
// of batch samples, spread over the given workers (at most maxParallel at
// once; 0 → GOMAXPROCS). Partial sums are added in batch order, so the
// result does not depend on the number of workers or goroutines.
func Evaluate(workers []Worker, src Source, loss Loss, batch, maxParallel int) (LossSum, error) {
	if len(workers) == 0 {
		return LossSum{}, param.New("learn", "workers", 0, "at least one worker")
	}
	if err := param.PositiveInt("learn", "batch", batch); err != nil {
		return LossSum{}, err
	}
	// Chunks hold at most the whole source (the same single chunk).
	batch = max(min(batch, src.Len()), 1)
	return newPass(workers, batch, src.InputSize(), src.TargetSize(), 0).run(src, loss, batch, maxParallel, nil)
}

// configJSON returns the configuration as JSON for checkpoints.
func (c *TrainConfig) configJSON() string {
	b, err := json.Marshal(c)
	if err != nil {
		return "{}"
	}
	return string(b)
}
