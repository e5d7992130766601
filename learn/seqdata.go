package learn

import (
	"fmt"

	"github.com/neurodyn/neurodyn/internal/param"
)

// SeqSource is a Source of sequences that can say the shape of its
// samples. Fit and CheckData check a sequence model's input and output
// widths and the losses against it before training; a plain Source is read
// with the model's own widths. The method returns plain integers so that a
// package below or beside learn can implement it without importing learn.
type SeqSource interface {
	Source
	// SeqShape returns the number of input steps of a sample (InputSize =
	// steps·in), the input values per step, the target values per step,
	// and the target's horizon: h ≥ 1 when the target (TargetSize = out
	// values) is the series sample h steps after the last input (1: the
	// next sample), 0 when the target has one step per input step
	// (TargetSize = steps·out, as a flip-flop trial's).
	SeqShape() (steps, in, out, horizon int)
}

// Shaped returns src as a SeqSource whose samples are steps steps of in
// input values, with targets of out values, the series sample horizon
// steps after the last input (horizon ≥ 1), or of steps·out values, one
// target per step (horizon 0). It is an error if src's sizes do not match.
func Shaped(src Source, steps, in, out, horizon int) (SeqSource, error) {
	if src == nil {
		return nil, param.New("learn", "src", "nil", "a Source")
	}
	if err := param.First(param.PositiveInt("learn", "steps", steps), param.PositiveInt("learn", "in", in),
		param.PositiveInt("learn", "out", out)); err != nil {
		return nil, err
	}
	if horizon < 0 {
		return nil, param.New("learn", "horizon", horizon, ">= 0 (0: a target per step)")
	}
	if src.InputSize() != steps*in {
		return nil, param.New("learn", "src", fmt.Sprintf("InputSize %d", src.InputSize()), fmt.Sprintf("steps·in = %d·%d", steps, in))
	}
	want := out
	if horizon == 0 {
		want = steps * out
	}
	if src.TargetSize() != want {
		return nil, param.New("learn", "src", fmt.Sprintf("TargetSize %d", src.TargetSize()), fmt.Sprintf("%d for horizon %d", want, horizon))
	}
	return shaped{src, steps, in, out, horizon}, nil
}

type shaped struct {
	Source
	steps, in, out, h int
}

func (s shaped) SeqShape() (steps, in, out, horizon int) { return s.steps, s.in, s.out, s.h }

// seqModel is the part of a sequence model (ctrnn, rate, snn: every
// Stepper) that data are checked against: a sample's input is a sequence of
// steps of InputDim values, its target OutputDim values (one set per step
// for LossAll), as their workers read them.
type seqModel interface {
	InputDim() int
	OutputDim() int
}

// CheckData returns the error Fit would return, before any training, for
// training and validation data (val may be nil) that do not fit model m
// and configuration c: sequences whose values per step are not the
// model's inputs and outputs (when the model says them, as every Stepper
// does, or the Source does, as a SeqSource), windows too short for the
// losses (Loss.Warmup, the closed-loop horizon, the largest horizon of the
// Horizon schedule, ValLoss), targets of the wrong kind for a loss (one per
// step for LossAll, one sample otherwise), and next or closed-loop losses on
// windows whose target is not the next sample (horizon ≠ 1). Data whose
// shape neither the model nor the Source can say are not checked.
func CheckData(m Model, c TrainConfig, train, val Source) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c = c.WithDefaults()
	if train == nil || train.Len() == 0 {
		return param.New("learn", "train", "empty", "a non-empty Source")
	}
	lossName := "Loss"
	last := c.Epochs - 1
	if c.Horizon.Active() {
		lossName = fmt.Sprintf("Loss with the Horizon schedule's horizon %d (epoch %d)", c.Horizon.At(last), last+1)
	}
	if err := checkSeq(m, "train", train, c.lossAt(last), lossName); err != nil {
		return err
	}
	if val == nil || val.Len() == 0 {
		return nil
	}
	lossName = "ValLoss"
	if c.ValLoss == nil {
		lossName = "Loss (the validation loss)"
		if c.Horizon.Active() {
			lossName = fmt.Sprintf("Loss with Horizon.End = %d (the validation loss)", c.Horizon.End)
		}
	}
	return checkSeq(m, "val", val, c.valLoss(), lossName)
}

// checkSeq checks one Source against the model and a loss (the largest of
// its run, named lossName in errors).
func checkSeq(m Model, name string, src Source, loss Loss, lossName string) error {
	md, haveModel := m.(seqModel)
	ss, haveShape := src.(SeqSource)
	if !haveModel && !haveShape {
		return nil
	}
	is, ts := src.InputSize(), src.TargetSize()
	// h: the horizon, 0 for a target per step, −1 for a single target of
	// unknown horizon, −2 for one-step samples whose target is either.
	steps, in, out, h := 0, 0, 0, -1
	if haveShape {
		steps, in, out, h = ss.SeqShape()
	}
	if haveModel {
		I, O := md.InputDim(), md.OutputDim()
		switch {
		case haveShape && in != I:
			return param.New("learn", name, fmt.Sprintf("sequences of %d values per step", in),
				fmt.Sprintf("sequences of the model's %d inputs per step (InputDim)", I))
		case haveShape && out != O:
			return param.New("learn", name, fmt.Sprintf("targets of %d values per step", out),
				fmt.Sprintf("targets of the model's %d outputs (OutputDim)", O))
		case !haveShape && (I <= 0 || is%I != 0):
			return param.New("learn", name, fmt.Sprintf("samples of %d input values", is),
				fmt.Sprintf("a multiple of the model's %d inputs per step (InputDim)", I))
		case !haveShape:
			steps, in, out = is/I, I, O
			switch ts {
			case steps * O:
				h = 0
				if steps == 1 { // one step: either kind of target
					h = -2
				}
			case O:
			default:
				return param.New("learn", name, fmt.Sprintf("targets of %d values", ts),
					fmt.Sprintf("the model's %d outputs, or %d·%d (one per step)", O, steps, O))
			}
		}
	}
	perStep, single := h == 0, h == -1 || h >= 1
	switch {
	case loss.Kind == LossAll && single:
		return param.New("learn", lossName+".Kind", loss.Kind.String(),
			fmt.Sprintf("last, next or closedloop for the %s data: a sample's target is one set of %d values, not one per step", name, out))
	case loss.Kind != LossAll && perStep:
		return param.New("learn", lossName+".Kind", loss.Kind.String(),
			fmt.Sprintf("all for the %s data: a sample has a target per step", name))
	case (loss.Kind == LossNext || loss.Kind == LossClosedLoop) && h > 1:
		return param.New("learn", name+" windows' horizon", h,
			fmt.Sprintf("1 for %s.Kind %v, which takes each input's next sample as the target (the windows' targets lie %d samples after their last input; loss last predicts them)", lossName, loss.Kind, h))
	case (loss.Kind == LossNext || loss.Kind == LossClosedLoop) && in != out:
		return param.New("learn", lossName+".Kind", loss.Kind.String(),
			fmt.Sprintf("last or all: %v needs inputs = outputs per step (the %s data have %d and %d)", loss.Kind, name, in, out))
	case loss.Kind == LossNext && loss.Warmup > steps:
		return param.New("learn", lossName+".Warmup", loss.Warmup, fmt.Sprintf("<= the %s windows' length %d", name, steps))
	case loss.Kind == LossClosedLoop && loss.Warmup+loss.Horizon-1 > steps:
		return param.New("learn", lossName+": Warmup+Horizon-1", fmt.Sprintf("%d+%d-1 = %d", loss.Warmup, loss.Horizon, loss.Warmup+loss.Horizon-1),
			fmt.Sprintf("<= the %s windows' length %d", name, steps))
	}
	return nil
}
