package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/detrand"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
)

// PerturbationConfig configures PerturbationLyapunov. The zero value means:
// autonomous or closed-loop operation (see Drive), every state component
// perturbed and measured, initial separation 1e-8, renormalisation every 10
// steps, 1000 transient steps, 100000 averaged steps, 10 blocks, seed 1.
type PerturbationConfig struct {
	// Dt is the time one step covers, in the units the exponent is reported
	// per (ms for spiking models, model time units for rate models); it is
	// required (> 0).
	Dt float64
	// Drive, when non-nil, holds the inputs of successive steps (row-major,
	// InputDim per step, at least Transient+Steps steps): both trajectories
	// receive the same input, which measures the conditional (driven)
	// exponent. When nil, a model with InputDim 0 runs autonomously and a
	// model with InputDim = OutputDim runs closed loop, each trajectory fed
	// its own previous output.
	Drive []float64
	// Warmup (closed loop only) holds samples fed as inputs to the
	// reference trajectory after Reset (teacher forcing) before the
	// perturbation is applied.
	Warmup []float64
	// Mask lists the state components (indices into State) that are
	// perturbed, measured and rescaled; nil means all. Spiking models
	// should list their continuous variables (membrane potentials,
	// synaptic currents) and leave out counters and spike flags.
	Mask []int
	// Delta is the separation d₀ the perturbed state is kept at (Euclidean
	// norm over Mask; 0 → 1e-8).
	Delta float64
	// Renorm is the number of steps between renormalisations (0 → 10).
	Renorm int
	// Transient is the number of steps run (with renormalisation every
	// Renorm steps and at its end) before averaging (0 → 1000; < 0 →
	// none); Steps the number averaged (0 → 100000, at least Renorm),
	// rounded down to a whole number of Renorm intervals. The model runs
	// Transient + ⌊Steps/Renorm⌋·Renorm steps, which a Drive of
	// Transient+Steps steps always covers.
	Transient, Steps int
	// Blocks is the number of batches for StdErr (0 → 10).
	Blocks int
	// Seed draws the direction of the initial perturbation and of any
	// re-perturbation (0 → 1).
	Seed uint64
}

// Perturbation is the result of PerturbationLyapunov.
type Perturbation struct {
	// Lambda is the largest exponent per time unit, averaged over the
	// renormalisation intervals in which the separation stayed non-zero
	// (−Inf if it collapsed in every one); StdErr its batch-means
	// standard error (NaN with fewer than two blocks holding intervals).
	Lambda, StdErr float64
	// Intervals is the number of averaged renormalisation intervals;
	// Collapsed counts those in which the two trajectories merged exactly
	// (separation 0 over Mask, as happens when discrete resets synchronise
	// them); such intervals are left out of Lambda and the perturbation is
	// re-applied in a fresh random direction. When Collapsed > 0, Lambda is
	// an upper bound of the contraction rate's exponent.
	Intervals, Collapsed int
	// History holds the running estimate after each block.
	History []float64
}

// PerturbationLyapunov estimates the largest Lyapunov exponent of a model
// that only offers a state (learn.Stepper State/SetState), such as a
// spiking network, by the two-trajectory method: a reference state and a
// perturbed copy (separation Delta over the Mask components, in a seeded
// random direction) are advanced step by step with the same model; every
// Renorm steps the separation d is measured, ln(d/d₀) accumulated, and the
// perturbed state reset to reference + (d₀/d)·(perturbed − reference) on
// the Mask components, with the other components copied from the
// reference. In closed-loop mode the fed-back outputs are rescaled the same
// way. λ = Σ ln(dᵢ/d₀) / (intervals · Renorm · Dt).
//
// The model is used for both trajectories through SetState; it must
// restore its full state (see learn.Stepper). The method is deterministic
// for a given Seed.
func PerturbationLyapunov(m learn.Stepper, c PerturbationConfig) (*Perturbation, error) {
	n, in, out := m.StateDim(), m.InputDim(), m.OutputDim()
	if c.Delta == 0 {
		c.Delta = 1e-8
	}
	if c.Renorm == 0 {
		c.Renorm = 10
	}
	if c.Transient == 0 {
		c.Transient = 1000
	} else if c.Transient < 0 {
		c.Transient = 0
	}
	if c.Steps == 0 {
		c.Steps = 100000
	}
	if c.Blocks == 0 {
		c.Blocks = 10
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if err := param.First(
		param.Positive("analysis", "Dt", c.Dt),
		param.Positive("analysis", "Delta", c.Delta),
		param.PositiveInt("analysis", "Renorm", c.Renorm),
		param.PositiveInt("analysis", "Steps", c.Steps),
		param.PositiveInt("analysis", "Blocks", c.Blocks),
	); err != nil {
		return nil, err
	}
	if c.Steps < c.Renorm {
		return nil, param.New("analysis", "Steps", c.Steps, fmt.Sprintf(">= Renorm = %d (at least one averaged interval)", c.Renorm))
	}
	if n == 0 {
		return nil, param.New("analysis", "model", "StateDim 0", "a model with a state")
	}
	mask := c.Mask
	if mask == nil {
		mask = make([]int, n)
		for i := range mask {
			mask[i] = i
		}
	}
	if len(mask) == 0 {
		return nil, param.New("analysis", "Mask", "[]", "nil (all components) or at least one index")
	}
	seen := make([]bool, n)
	for _, i := range mask {
		if i < 0 || i >= n || seen[i] {
			return nil, param.New("analysis", "Mask", fmt.Sprint(c.Mask), fmt.Sprintf("distinct indices in [0, %d)", n))
		}
		seen[i] = true
	}
	total := c.Transient + c.Steps
	closed := false
	switch {
	case c.Drive != nil:
		if in == 0 {
			return nil, param.New("analysis", "Drive", "non-nil", "nil for a model without inputs")
		}
		if len(c.Drive)%in != 0 || len(c.Drive)/in < total {
			return nil, param.New("analysis", "Drive", fmt.Sprintf("length %d", len(c.Drive)),
				fmt.Sprintf("at least (Transient+Steps)·InputDim = %d values", total*in))
		}
	case in == 0:
	default:
		if err := checkClosedLoop(m, in); err != nil {
			return nil, err
		}
		closed = true
	}
	if c.Warmup != nil {
		if !closed {
			return nil, param.New("analysis", "Warmup", "non-nil", "nil unless the model runs closed loop")
		}
		if _, err := checkSeries("Warmup", c.Warmup, in); err != nil {
			return nil, err
		}
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x9e3779b97f4a7c15))
	ref := make([]float64, n)
	pert := make([]float64, n)
	x := make([]float64, in)
	yRef := make([]float64, out)
	yPert := make([]float64, out)
	m.Reset()
	if closed {
		for i := 0; i < len(c.Warmup)/in; i++ {
			copy(x, c.Warmup[i*in:(i+1)*in])
			m.Step(yRef, x)
		}
	}
	m.State(ref)
	copy(yPert, yRef)
	perturb := func() {
		copy(pert, ref)
		var s float64
		dir := make([]float64, len(mask))
		for s == 0 {
			s = 0
			for k := range dir {
				dir[k] = detrand.NormFloat64(rng)
				s += float64(dir[k] * dir[k])
			}
		}
		f := c.Delta / math.Sqrt(s)
		for k, i := range mask {
			pert[i] += float64(f * dir[k])
		}
	}
	perturb()
	intervals := c.Steps / c.Renorm
	trans := ceilDiv(c.Transient, c.Renorm)
	blocks := min(c.Blocks, intervals)
	bsum := make([]float64, blocks)
	bcnt := make([]int, blocks)
	var sum float64
	res := &Perturbation{}
	step := 0
	advance := func(state, y []float64) {
		m.SetState(state)
		switch {
		case c.Drive != nil:
			copy(x, c.Drive[step*in:(step+1)*in])
		case closed:
			copy(x, y)
		}
		m.Step(y, x)
		m.State(state)
	}
	for r := 0; r < trans+intervals; r++ {
		length := c.Renorm
		if r < trans { // the transient's last interval ends with it
			length = min(c.Renorm, c.Transient-r*c.Renorm)
		}
		for s := 0; s < length; s++ {
			advance(ref, yRef)
			advance(pert, yPert)
			step++
		}
		var d2 float64
		for _, i := range mask {
			e := pert[i] - ref[i]
			d2 += float64(e * e)
		}
		d := math.Sqrt(d2)
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return nil, fmt.Errorf("analysis: PerturbationLyapunov: separation not finite after %d steps", step)
		}
		if d == 0 {
			if r >= trans {
				res.Collapsed++
			}
			perturb()
			copy(yPert, yRef)
			continue
		}
		if r >= trans {
			l := detmath.Log(d / c.Delta)
			sum += l
			b := (r - trans) * blocks / intervals
			bsum[b] += l
			bcnt[b]++
			res.Intervals++
		}
		f := c.Delta / d
		for i := range pert {
			if seen[i] {
				pert[i] = ref[i] + float64(f*(pert[i]-ref[i]))
			} else {
				pert[i] = ref[i]
			}
		}
		if closed {
			for i := range yPert {
				yPert[i] = yRef[i] + float64(f*(yPert[i]-yRef[i]))
			}
		}
	}
	tau := float64(c.Renorm) * c.Dt
	if res.Intervals == 0 {
		res.Lambda = math.Inf(-1)
		return res, nil
	}
	res.Lambda = sum / (float64(res.Intervals) * tau)
	var run float64
	var runN int
	est := make([]float64, 0, blocks)
	for b := range bsum {
		run += bsum[b]
		runN += bcnt[b]
		if runN > 0 {
			res.History = append(res.History, run/(float64(runN)*tau))
		}
		if bcnt[b] > 0 {
			est = append(est, bsum[b]/(float64(bcnt[b])*tau))
		}
	}
	res.StdErr = math.NaN()
	if len(est) > 1 {
		var mean, v float64
		for _, e := range est {
			mean += e
		}
		mean /= float64(len(est))
		for _, e := range est {
			v += float64((e - mean) * (e - mean))
		}
		res.StdErr = math.Sqrt(v/float64(len(est)-1)) / math.Sqrt(float64(len(est)))
	}
	return res, nil
}
