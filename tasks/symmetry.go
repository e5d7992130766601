package tasks

import (
	"fmt"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Symmetries returns the known reflection symmetries of the dataset's
// system: each entry lists the variables whose sign flip, in original units,
// maps every trajectory of the system onto another trajectory. Lorenz-63
// (Name "lorenz63", Dim 3) has one, (x, y, z) → (−x, −y, z): the equations
// dx/dt = σ(y − x), dy/dt = x(ρ − z) − y, dz/dt = xy − βz are unchanged
// by it. A user's series has none (nil): nothing is known about its system.
func (d *Dataset) Symmetries() [][]int {
	if d.Name == "lorenz63" && d.Dim == 3 {
		return [][]int{{0, 1}}
	}
	return nil
}

// Reflect returns a copy of the normalized series s with the variables vars
// negated in original units: x_j → −x_j becomes, in the units of s
// (normalized by d's Mean and Std), x_j → −x_j − 2·Mean_j/Std_j. When vars
// is one of d.Symmetries, the result is another trajectory of the system,
// as exact as s itself.
func (d *Dataset) Reflect(s *Series, vars []int) (Series, error) {
	if s.Dim != d.Dim || len(d.Mean) != d.Dim || len(d.Std) != d.Dim {
		return Series{}, param.New("tasks", "Reflect: series "+s.Name, fmt.Sprintf("dimension %d", s.Dim), fmt.Sprintf("a split of the dataset (dimension %d, with Mean and Std)", d.Dim))
	}
	for _, j := range vars {
		if j < 0 || j >= d.Dim {
			return Series{}, param.New("tasks", "Reflect: vars", j, fmt.Sprintf("a variable index in [0, %d)", d.Dim))
		}
	}
	data := append([]float64(nil), s.Data...)
	for _, j := range vars {
		shift := 2 * d.Mean[j] / d.Std[j]
		for i := j; i < len(data); i += d.Dim {
			data[i] = -data[i] - shift
		}
	}
	return newSeries(s.Name+"-reflected", data, d.Dim), nil
}

// Joined is the concatenation of Sources of the same sample sizes: sample
// i of the first Len of the first source, then of the second, and so on.
type Joined []Source

// Join returns the concatenation of srcs, or a param error if their input
// or target sizes differ.
func Join(srcs ...Source) (Joined, error) {
	if len(srcs) == 0 {
		return nil, param.New("tasks", "Join: sources", 0, "at least one")
	}
	for i, s := range srcs[1:] {
		if s.InputSize() != srcs[0].InputSize() || s.TargetSize() != srcs[0].TargetSize() {
			return nil, param.New("tasks", fmt.Sprintf("Join: source %d", i+1), fmt.Sprintf("sizes %d/%d", s.InputSize(), s.TargetSize()),
				fmt.Sprintf("the first source's input/target sizes %d/%d", srcs[0].InputSize(), srcs[0].TargetSize()))
		}
	}
	return Joined(srcs), nil
}

// Len returns the total number of samples.
func (j Joined) Len() int {
	n := 0
	for _, s := range j {
		n += s.Len()
	}
	return n
}

// InputSize returns the sources' input size.
func (j Joined) InputSize() int { return j[0].InputSize() }

// TargetSize returns the sources' target size.
func (j Joined) TargetSize() int { return j[0].TargetSize() }

// Fill copies sample i of the concatenation into x and y.
func (j Joined) Fill(i int, x, y []float32) {
	for _, s := range j {
		if i < s.Len() {
			s.Fill(i, x, y)
			return
		}
		i -= s.Len()
	}
	panic("tasks: Joined.Fill: sample index out of range")
}
