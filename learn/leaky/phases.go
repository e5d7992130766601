package leaky

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// Phase is one stage of a training recipe: a trainer configuration and the
// windows the data are cut into. Phases run one after the other on the same
// model, each with a fresh optimizer.
type Phase struct {
	Train learn.TrainConfig
	// Window is the length of the training windows (for the closed-loop
	// loss at least Warmup + the largest horizon − 1) and Stride the step
	// between their starts (0 → 50 and 1). Tasks with whole trials
	// (flip-flop) ignore them.
	Window, Stride int
	// ValWindow is the length of the validation windows (0 → 50, the
	// reference's one-step windows; the phase's ValLoss must fit it).
	ValWindow int
	// SelectByMetric makes TrainOptions.ValMetric, when the caller gives
	// one, the phase's selection criterion (learn.TrainConfig.ValMetric).
	SelectByMetric bool `json:",omitempty"`
}

// WithDefaults fills in the window defaults.
func (p Phase) WithDefaults() Phase {
	if p.Window == 0 {
		p.Window = 50
	}
	if p.Stride == 0 {
		p.Stride = 1
	}
	if p.ValWindow == 0 {
		p.ValWindow = 50
	}
	return p
}

// ValidatePhases returns a param error naming the first bad phase field.
func ValidatePhases(pkg string, phases []Phase) error {
	if len(phases) == 0 {
		return param.New(pkg, "Recipe.Phases", 0, "at least one phase")
	}
	for i, p := range phases {
		p = p.WithDefaults()
		if err := param.First(p.Train.Validate(),
			param.PositiveInt(pkg, fmt.Sprintf("Phases[%d].Window", i), p.Window),
			param.PositiveInt(pkg, fmt.Sprintf("Phases[%d].Stride", i), p.Stride),
			param.PositiveInt(pkg, fmt.Sprintf("Phases[%d].ValWindow", i), p.ValWindow)); err != nil {
			return err
		}
	}
	return nil
}

// CheckWindows checks, before any training, that every phase's windows
// (Window and ValWindow samples, each with the next sample as its target)
// fit splits of trainLen and valLen samples; errors name prefix[i].Window
// and prefix[i].ValWindow ("Window" and "ValWindow" when prefix is "").
func CheckWindows(pkg string, phases []Phase, prefix string, trainLen, valLen int) error {
	for i, p := range phases {
		p = p.WithDefaults()
		name := func(f string) string {
			if prefix == "" {
				return f
			}
			return fmt.Sprintf("%s[%d].%s", prefix, i, f)
		}
		if p.Window+1 > trainLen {
			return param.New(pkg, name("Window"), p.Window, fmt.Sprintf("<= %d: the train split has %d samples, and a window needs one more, its target", trainLen-1, trainLen))
		}
		if p.ValWindow+1 > valLen {
			return param.New(pkg, name("ValWindow"), p.ValWindow, fmt.Sprintf("<= %d: the val split has %d samples, and a window needs one more, its target", valLen-1, valLen))
		}
	}
	return nil
}

// TrainOptions are the run-time options of a recipe's training.
type TrainOptions struct {
	// Progress, when set, is called after every epoch with the phase index.
	Progress func(phase int, e learn.EpochRecord)
	// Checkpoint, when set, is the checkpoint file stem: phase i writes
	// Checkpoint + ".phase<i>.h5" (".npz" with NPZ) after every epoch, and
	// with Resume a run continues from the files present (a finished phase
	// is restored from its file without training; a phase stopped by
	// MaxDuration or a cancelled context goes on where it stopped, and the
	// phases after one that trained again start afresh).
	Checkpoint string
	NPZ        bool
	Resume     bool
	// Overwrite lets a phase replace its checkpoint file when it does not
	// resume from it (learn.TrainConfig.Overwrite); with Resume the stale
	// files of the phases after one that trained again are replaced
	// anyway, being this run's own.
	Overwrite bool
	// MaxDuration bounds the wall-clock time of each phase (0: none; it
	// makes the number of epochs machine-dependent).
	MaxDuration time.Duration
	// ValMetric, when set, is the selection criterion (lower is better) of
	// the phases with SelectByMetric, evaluated on the model being trained:
	// for example the negated median closed-loop valid time on the
	// validation split, computed by package analysis (which the models'
	// packages cannot import) through the model's learn.Stepper.
	ValMetric func(m learn.Model) (float64, error)
}

// Result is the outcome of a recipe: one learn.Result per phase.
type Result struct {
	Phases  []*learn.Result
	Seconds float64
}

// Epochs returns the total number of epochs of phases.
func Epochs(phases []Phase) int {
	n := 0
	for _, p := range phases {
		n += p.Train.WithDefaults().Epochs
	}
	return n
}

// RunPhases trains m through phases; data returns each phase's training and
// validation sources; meta is stored in the checkpoints.
//
// Before any training it checks every phase's data against m and the
// phase's losses (learn.CheckData) and, with Resume, every phase's
// checkpoint against meta: when both are JSON objects (a recipe's JSON),
// a checkpoint whose meta differs in anything but "Name", the other
// phases' entries and this phase's "Train" (which learn.Trainer compares,
// allowing its run-control fields to change) is refused with a param
// error naming the differing fields — another model configuration (Tau,
// a Dale transform, a connection probability whose masks the checkpoint
// holds) or other windows.
func RunPhases(ctx context.Context, m learn.Model, phases []Phase, meta string, o TrainOptions,
	data func(Phase) (learn.Source, learn.Source, error)) (*Result, error) {
	start := time.Now()
	res := &Result{}
	// The checks build every phase's sources once and drop them (a phase's
	// sources may hold copies of the data, as symmetric images do); each
	// phase builds them again when it starts.
	for i, p := range phases {
		p = p.WithDefaults()
		train, val, err := data(p)
		if err != nil {
			return res, err
		}
		if err := learn.CheckData(m, p.Train, train, val); err != nil {
			return res, fmt.Errorf("phase %d: %w", i, err)
		}
		if path := o.checkpoint(i); path != "" && o.Resume {
			if _, err := os.Stat(path); err == nil {
				if err := sameMeta(path, meta, i); err != nil {
					return res, fmt.Errorf("phase %d: %w", i, err)
				}
			}
		}
	}
	// Once a phase has trained in this call, the checkpoints of the phases
	// after it (from an earlier run, which started them from another end
	// of this phase) are stale: those phases start afresh.
	trained := false
	for i, p := range phases {
		p = p.WithDefaults()
		train, val, err := data(p)
		if err != nil {
			return res, err
		}
		tc := p.Train
		tc.Meta = meta
		if o.Checkpoint != "" {
			tc.Checkpoint = o.checkpoint(i)
			tc.Resume = o.Resume && !trained
			tc.Overwrite = tc.Overwrite || o.Overwrite || o.Resume
		}
		if o.MaxDuration > 0 {
			tc.MaxDuration = o.MaxDuration
		}
		if p.SelectByMetric && o.ValMetric != nil {
			tc.ValMetric = func() (float64, error) { return o.ValMetric(m) }
		}
		if o.Progress != nil {
			i := i
			tc.Progress = func(e learn.EpochRecord) { o.Progress(i, e) }
		}
		tr, err := learn.NewTrainer(m, tc)
		if err != nil {
			return res, err
		}
		pr, err := tr.Fit(ctx, train, val)
		res.Phases = append(res.Phases, pr)
		if err != nil {
			return res, fmt.Errorf("phase %d: %w", i, err)
		}
		trained = trained || pr.Epochs > pr.Resumed
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// ReferenceTrain is the reference tutorial's train_model set-up, shared by
// the ctrnn and rate recipes that reproduce it: AdamW lr 1e-3, weight decay
// 1e-5, clipping at 1, ReduceLROnPlateau with half the early-stopping
// patience, early stopping after patience epochs, seed 42.
func ReferenceTrain(epochs, batch, patience int, loss learn.Loss) learn.TrainConfig {
	return learn.TrainConfig{
		Epochs: epochs, BatchSize: batch,
		Adam:    learn.AdamConfig{LR: 1e-3, WeightDecay: 1e-5, Decoupled: true},
		Plateau: learn.PlateauConfig{Patience: patience / 2}, Patience: patience,
		Loss: loss, Seed: 42,
	}
}

// CosineTrain is the trainer of neurodyn's ctrnn and rate recipes: AdamW
// with weight decay 1e-5, clipping at 1, the learning rate decayed by a
// cosine from lr to floor·lr over the epochs, no plateau scheduler and no
// early stopping (the best epoch by validation loss, or by the caller's
// metric, is restored at the end).
func CosineTrain(epochs, batch int, lr, floor float64, loss learn.Loss, seed uint64) learn.TrainConfig {
	return learn.TrainConfig{
		Epochs: epochs, BatchSize: batch,
		Adam:  learn.AdamConfig{LR: lr, WeightDecay: 1e-5, Decoupled: true},
		Decay: learn.DecayCosine, DecayFloor: floor,
		Plateau: learn.PlateauConfig{Disabled: true}, Patience: -1,
		Loss: loss, Seed: seed,
	}
}

// LBFGSTrain is a fine-tuning phase's trainer: full-batch L-BFGS
// (learn.OptimizerLBFGS), epochs of iters iterations each restarting the
// memory, the full-batch loss summed over chunks of 256 windows, no
// plateau scheduler and no early stopping (the best epoch by validation
// loss, or by the caller's metric, is restored at the end; an epoch that
// cannot decrease the loss ends the phase).
func LBFGSTrain(epochs, iters int, loss learn.Loss) learn.TrainConfig {
	return learn.TrainConfig{
		Epochs: epochs, BatchSize: 256, Optimizer: learn.OptimizerLBFGS,
		LBFGS:   &learn.LBFGSConfig{Iterations: iters},
		Plateau: learn.PlateauConfig{Disabled: true}, Patience: -1,
		Loss: loss,
	}
}

// checkpoint returns phase i's checkpoint file ("" without checkpoints).
func (o TrainOptions) checkpoint(i int) string {
	if o.Checkpoint == "" {
		return ""
	}
	ext := ".h5"
	if o.NPZ {
		ext = ".npz"
	}
	return fmt.Sprintf("%s.phase%d%s", o.Checkpoint, i, ext)
}

// sameMeta compares the meta stored in phase i's checkpoint with meta (see
// RunPhases); metas that are not both JSON objects are not compared.
func sameMeta(path, meta string, i int) error {
	stored, err := learn.CheckpointMeta(path)
	if err != nil {
		return fmt.Errorf("leaky: load checkpoint %s: %w", path, err)
	}
	phase := fmt.Sprintf("Phases[%d].", i)
	skip := func(k string) bool {
		if k == "Name" {
			return true
		}
		if strings.HasPrefix(k, "Phases[") {
			return !strings.HasPrefix(k, phase) || strings.HasPrefix(k, phase+"Train.")
		}
		return false
	}
	diffs, err := learn.DiffJSON(stored, meta, skip, "now")
	if err != nil {
		return nil // metas that are not both JSON objects are not compared
	}
	if len(diffs) == 0 {
		return nil
	}
	return param.New("leaky", "Checkpoint", path, "a checkpoint of the same model and windows: "+strings.Join(diffs, ", ")+" differ")
}
