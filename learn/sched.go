package learn

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// PlateauConfig configures ReduceLROnPlateau (PyTorch semantics, mode "min",
// relative threshold). The zero value means factor 0.5, patience 10,
// threshold 1e-4, no cooldown, no minimum rate.
type PlateauConfig struct {
	// Disabled turns the scheduler off.
	Disabled bool
	// Factor multiplies the rate on a plateau (0 → 0.5; must be in (0, 1)).
	Factor float64
	// Patience is the number of epochs without improvement tolerated; the
	// rate drops on the next one (0 → 10; < 0 → 0).
	Patience int
	// Threshold is the relative improvement that counts: a value is better
	// when it is below best·(1 − Threshold) (0 → 1e-4; < 0 → 0).
	Threshold float64
	// Cooldown is the number of epochs after a reduction during which bad
	// epochs are not counted.
	Cooldown int
	// MinLR is the lower bound of the rate.
	MinLR float64
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c PlateauConfig) WithDefaults() PlateauConfig {
	if c.Factor == 0 {
		c.Factor = 0.5
	}
	switch {
	case c.Patience == 0:
		c.Patience = 10
	case c.Patience < 0:
		c.Patience = 0
	}
	switch {
	case c.Threshold == 0:
		c.Threshold = 1e-4
	case c.Threshold < 0:
		c.Threshold = 0
	}
	return c
}

// Validate returns a param error naming the first bad field.
func (c PlateauConfig) Validate() error {
	c = c.WithDefaults()
	if !(c.Factor > 0 && c.Factor < 1) {
		return param.New("learn", "Plateau.Factor", c.Factor, "in (0, 1)")
	}
	if c.Cooldown < 0 {
		return param.New("learn", "Plateau.Cooldown", c.Cooldown, ">= 0")
	}
	return param.First(param.Finite("learn", "Plateau.Threshold", c.Threshold),
		param.NonNegative("learn", "Plateau.MinLR", c.MinLR))
}

// Plateau is the state of a ReduceLROnPlateau scheduler. Exported fields
// are its whole state, saved in checkpoints.
type Plateau struct {
	Config   PlateauConfig
	Best     float64 // best value seen (+Inf before the first)
	Bad      int     // epochs since the last improvement
	Cooldown int     // cooldown epochs left
}

// NewPlateau returns a scheduler in its initial state.
func NewPlateau(c PlateauConfig) (*Plateau, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &Plateau{Config: c.WithDefaults(), Best: math.Inf(1)}, nil
}

// Step records this epoch's value and returns the learning rate to use from
// now on (lr, or lr·Factor bounded below by MinLR after Patience+1 epochs
// without improvement). A reduction smaller than 1e-8 is not applied, as in
// PyTorch.
func (p *Plateau) Step(value, lr float64) float64 {
	c := p.Config
	if c.Disabled {
		return lr
	}
	if value < p.Best*(1-c.Threshold) {
		p.Best = value
		p.Bad = 0
	} else {
		p.Bad++
	}
	if p.Cooldown > 0 {
		p.Cooldown--
		p.Bad = 0
	}
	if p.Bad > c.Patience {
		newLR := math.Max(lr*c.Factor, c.MinLR)
		if lr-newLR > 1e-8 {
			lr = newLR
		}
		p.Cooldown = c.Cooldown
		p.Bad = 0
	}
	return lr
}

// Decay is a learning-rate decay over the epochs, applied on top of the
// plateau scheduler's rate: the rate of epoch e is base·f(e).
type Decay int

const (
	// DecayNone keeps f = 1.
	DecayNone Decay = iota
	// DecayCosine is f(e) = m + (1 − m)·(1 + cos(π·e/E))/2 for E epochs
	// and floor m = TrainConfig.DecayFloor.
	DecayCosine
)

// factor returns f(epoch) for a run of epochs epochs.
func (d Decay) factor(epoch, epochs int, floor float64) float64 {
	if d != DecayCosine || epochs <= 1 {
		return 1
	}
	x := float64(epoch) / float64(epochs)
	return floor + float64((1-floor)*(1+detmath.Cos(math.Pi*x))/2)
}

// HorizonSchedule lengthens the closed-loop rollout horizon over the
// epochs (curriculum): horizon(e) = min(End, Start + Step·⌊e/Every⌋). The
// zero value keeps the Loss's own horizon.
type HorizonSchedule struct {
	Start, End, Step, Every int
}

// Active reports whether the schedule changes the horizon.
func (h HorizonSchedule) Active() bool { return h.End > 0 }

// Validate returns a param error for an inconsistent schedule.
func (h HorizonSchedule) Validate() error {
	if !h.Active() {
		return nil
	}
	if h.Start < 1 || h.End < h.Start {
		return param.New("learn", "HorizonSchedule", [2]int{h.Start, h.End}, "1 <= Start <= End")
	}
	if h.Step < 0 || h.Every < 0 {
		return param.New("learn", "HorizonSchedule.Step/Every", [2]int{h.Step, h.Every}, ">= 0")
	}
	return nil
}

// At returns the horizon of epoch e (0-based), or 0 when inactive.
func (h HorizonSchedule) At(e int) int {
	if !h.Active() {
		return 0
	}
	every := max(h.Every, 1)
	return min(h.End, h.Start+h.Step*(e/every))
}
