package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/tasks/nprand"
)

// FlipFlopConfig describes the N-bit flip-flop memory task. The zero value
// is the reference's (tutorial-spec §1.2): 3 bits, 100 steps, pulse
// probability 0.1, duration 1, no noise, 800/100/100 trials with per-trial
// NumPy seeds 42…, 1042…, 2042….
type FlipFlopConfig struct {
	// Bits is the number of flip-flops (0 → 3).
	Bits int
	// Steps is the trial length (0 → 100).
	Steps int
	// PulseProb is the probability of a pulse per bit and step (0 → 0.1).
	PulseProb float64
	// PulseDuration is the number of steps an input pulse lasts (0 → 1);
	// the state switches on the pulse's first step.
	PulseDuration int
	// InputNoise is the std of Gaussian noise added to every input value
	// (0: none, as the reference). The noise comes from a PCG seeded by
	// (NoiseSeed, trial seed), so it leaves the pulse draws untouched.
	InputNoise float64
	NoiseSeed  uint64
	// Seed is the first train trial's seed (0 → 42); trial i of train, val
	// and test uses Seed+i, Seed+1000+i and Seed+2000+i.
	Seed int64
	// TrainTrials, ValTrials, TestTrials are the split sizes (0 → 800, 100,
	// 100). Bits·Steps is at most 2^24 and Bits·Steps·(TrainTrials +
	// ValTrials + TestTrials) at most 1.5e8 (1.2 GB of inputs and targets).
	TrainTrials, ValTrials, TestTrials int
}

// WithDefaults returns c with zero fields replaced by the defaults.
func (c FlipFlopConfig) WithDefaults() FlipFlopConfig {
	defi := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defi(&c.Bits, 3)
	defi(&c.Steps, 100)
	if c.PulseProb == 0 {
		c.PulseProb = 0.1
	}
	defi(&c.PulseDuration, 1)
	if c.Seed == 0 {
		c.Seed = 42
	}
	defi(&c.TrainTrials, 800)
	defi(&c.ValTrials, 100)
	defi(&c.TestTrials, 100)
	return c
}

// Validate checks c (after defaults), returning a param error naming the
// first bad field.
func (c FlipFlopConfig) Validate() error {
	c = c.WithDefaults()
	if err := param.First(
		param.PositiveInt("tasks", "Bits", c.Bits),
		param.PositiveInt("tasks", "Steps", c.Steps),
		param.PositiveInt("tasks", "PulseDuration", c.PulseDuration),
		param.NonNegative("tasks", "InputNoise", c.InputNoise),
		param.PositiveInt("tasks", "TrainTrials", c.TrainTrials),
		param.PositiveInt("tasks", "ValTrials", c.ValTrials),
		param.PositiveInt("tasks", "TestTrials", c.TestTrials),
	); err != nil {
		return err
	}
	if !(c.PulseProb > 0 && c.PulseProb <= 1) {
		return param.New("tasks", "PulseProb", c.PulseProb, "in (0, 1]")
	}
	if c.TrainTrials > 1000 || c.ValTrials > 1000 {
		// Seeds of consecutive splits would overlap (Seed+1000, Seed+2000).
		return param.New("tasks", "TrainTrials/ValTrials", fmt.Sprintf("%d/%d", c.TrainTrials, c.ValTrials), "at most 1000 each (split seeds are 1000 apart)")
	}
	if c.Seed < 0 || c.Seed+2000+int64(c.TestTrials)-1 > math.MaxUint32 {
		return param.New("tasks", "Seed", c.Seed, "in [0, 2^32-2000-TestTrials] (NumPy seeds)")
	}
	// Sizes are multiplied in float64: an int product could wrap around.
	perTrial := float64(c.Bits) * float64(c.Steps)
	if perTrial > 1<<24 {
		return param.New("tasks", "Bits·Steps", fmt.Sprintf("%d·%d = %.4g", c.Bits, c.Steps, perTrial), "at most 2^24 values per trial")
	}
	trials := float64(c.TrainTrials) + float64(c.ValTrials) + float64(c.TestTrials)
	if total := perTrial * trials; total > maxFlipFlopValues {
		return param.New("tasks", "Bits·Steps·(TrainTrials+ValTrials+TestTrials)",
			fmt.Sprintf("%d·%d·(%d+%d+%d) = %.4g", c.Bits, c.Steps, c.TrainTrials, c.ValTrials, c.TestTrials, total),
			fmt.Sprintf("at most %.4g values in all splits (inputs and targets: 8 bytes a value, %.2g GB at the bound)", float64(maxFlipFlopValues), 8*float64(maxFlipFlopValues)/1e9))
	}
	return nil
}

// maxFlipFlopValues bounds the values (Bits·Steps per trial) of the three
// splits together, checked before anything is allocated: float32 inputs
// and targets take 1.2 GB at the bound, like maxLorenzSamples.
const maxFlipFlopValues = 150_000_000

// Pulse is one input command: at step T, bit Bit is set (Cmd = +1) or
// reset (Cmd = −1).
type Pulse struct {
	T, Bit int
	Cmd    int8
}

// FlipFlopTrial generates one trial exactly as the reference: the generator
// rs is re-seeded with seed; for t = 0…Steps−1 and bit i = 0…Bits−1 in
// order it draws u1 = rand(); if u1 < PulseProb it draws u2 and the command
// is +1 if u2 < 0.5 else −1; the bit's state becomes 1 or 0 and the input is
// the command for PulseDuration steps (later pulses overwrite earlier ones).
// targets[t] is the state after the updates at step t. inputs and targets
// (Steps×Bits, row-major) are overwritten; the pulses are appended to
// pulses and returned. c must be valid (see Validate) with defaults applied.
func FlipFlopTrial(c FlipFlopConfig, rs *nprand.RandomState, seed uint32, inputs, targets []float32, pulses []Pulse) []Pulse {
	nb, T := c.Bits, c.Steps
	if len(inputs) != nb*T || len(targets) != nb*T {
		panic("tasks: FlipFlopTrial buffers must have Steps×Bits values")
	}
	rs.Seed(seed)
	clear(inputs)
	var state [64]float32
	st := state[:0]
	if nb <= len(state) {
		st = state[:nb]
	} else {
		st = make([]float32, nb)
	}
	for t := 0; t < T; t++ {
		for i := 0; i < nb; i++ {
			if rs.Rand() < c.PulseProb {
				cmd := float32(-1)
				if rs.Rand() < 0.5 {
					cmd = 1
				}
				if cmd > 0 {
					st[i] = 1
				} else {
					st[i] = 0
				}
				for d := 0; d < c.PulseDuration && t+d < T; d++ {
					inputs[(t+d)*nb+i] = cmd
				}
				pulses = append(pulses, Pulse{T: t, Bit: i, Cmd: int8(cmd)})
			}
		}
		copy(targets[t*nb:(t+1)*nb], st)
	}
	return pulses
}

// FlipFlopSplit is one split of the flip-flop task: Trials trials of Steps
// steps and Bits bits; Inputs and Targets are Trials×Steps×Bits, row-major.
type FlipFlopSplit struct {
	Name                string
	Trials, Steps, Bits int
	Inputs, Targets     []float32
	// Seeds holds each trial's NumPy seed; Pulses[k] trial k's pulses.
	Seeds  []uint32
	Pulses [][]Pulse
}

// Len returns the number of trials (Source).
func (s *FlipFlopSplit) Len() int { return s.Trials }

// InputSize returns Steps·Bits (Source).
func (s *FlipFlopSplit) InputSize() int { return s.Steps * s.Bits }

// TargetSize returns Steps·Bits (Source).
func (s *FlipFlopSplit) TargetSize() int { return s.Steps * s.Bits }

// SeqShape returns Steps steps of Bits inputs with a target of Bits values
// per step (horizon 0), as learn.SeqSource describes, so a model's widths
// are checked against the task before training.
func (s *FlipFlopSplit) SeqShape() (steps, in, out, horizon int) { return s.Steps, s.Bits, s.Bits, 0 }

// Fill copies trial i's inputs and targets into x and y (Source).
func (s *FlipFlopSplit) Fill(i int, x, y []float32) {
	n := s.Steps * s.Bits
	copy(x, s.Inputs[i*n:(i+1)*n])
	copy(y, s.Targets[i*n:(i+1)*n])
}

// Trial returns views of trial i's inputs and targets.
func (s *FlipFlopSplit) Trial(i int) (inputs, targets []float32) {
	n := s.Steps * s.Bits
	return s.Inputs[i*n : (i+1)*n], s.Targets[i*n : (i+1)*n]
}

// PulseCounts returns the numbers of +1 and −1 pulses in the split.
func (s *FlipFlopSplit) PulseCounts() (on, off int) {
	for _, ps := range s.Pulses {
		for _, p := range ps {
			if p.Cmd > 0 {
				on++
			} else {
				off++
			}
		}
	}
	return on, off
}

// OnFraction returns the fraction of target values equal to 1.
func (s *FlipFlopSplit) OnFraction() float64 {
	n := 0
	for _, v := range s.Targets {
		if v == 1 {
			n++
		}
	}
	return float64(n) / float64(len(s.Targets))
}

// FlipFlop is the generated task: three splits and the configuration used.
type FlipFlop struct {
	Config           FlipFlopConfig
	Train, Val, Test FlipFlopSplit
	// Params records every generation parameter (for file attributes).
	Params map[string]any
}

// GenerateFlipFlop generates the three splits of c.
func GenerateFlipFlop(c FlipFlopConfig) (*FlipFlop, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	f := &FlipFlop{Config: c}
	rs := nprand.New(0)
	gen := func(name string, trials int, seed0 int64) FlipFlopSplit {
		n := c.Steps * c.Bits
		s := FlipFlopSplit{
			Name: name, Trials: trials, Steps: c.Steps, Bits: c.Bits,
			Inputs: make([]float32, trials*n), Targets: make([]float32, trials*n),
			Seeds: make([]uint32, trials), Pulses: make([][]Pulse, trials),
		}
		for k := 0; k < trials; k++ {
			seed := uint32(seed0 + int64(k))
			s.Seeds[k] = seed
			in, tg := s.Trial(k)
			s.Pulses[k] = FlipFlopTrial(c, rs, seed, in, tg, nil)
			if c.InputNoise > 0 {
				r := rand.New(rand.NewPCG(c.NoiseSeed, uint64(seed)))
				for i := range in {
					in[i] += float32(c.InputNoise * detrand.NormFloat64(r))
				}
			}
		}
		return s
	}
	f.Train = gen("train", c.TrainTrials, c.Seed)
	f.Val = gen("val", c.ValTrials, c.Seed+1000)
	f.Test = gen("test", c.TestTrials, c.Seed+2000)
	f.Params = map[string]any{
		"task":           "flipflop",
		"n_bits":         int64(c.Bits),
		"seq_length":     int64(c.Steps),
		"pulse_prob":     c.PulseProb,
		"pulse_duration": int64(c.PulseDuration),
		"input_noise":    c.InputNoise,
		"noise_seed":     int64(c.NoiseSeed),
		"seed":           c.Seed,
		"seed_val":       c.Seed + 1000,
		"seed_test":      c.Seed + 2000,
		"train_trials":   int64(c.TrainTrials),
		"val_trials":     int64(c.ValTrials),
		"test_trials":    int64(c.TestTrials),
		"rng":            "numpy legacy MT19937 re-seeded per trial (seed+i), rand() = genrand_res53",
	}
	return f, nil
}
