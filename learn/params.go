package learn

import (
	"fmt"
	"strings"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/param"
)

// ParamSpec describes one named parameter tensor: its name (as it appears in
// checkpoints, e.g. "W_rec"), its shape (row-major) and whether the optimizer
// leaves it alone. A frozen tensor (a reservoir's fixed recurrent weights) is
// still saved in checkpoints; its gradient is ignored.
type ParamSpec struct {
	Name   string
	Shape  []int
	Frozen bool
}

// Size returns the number of elements of the tensor (the product of Shape).
func (s ParamSpec) Size() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Params is an ordered set of named tensors stored one after another in a
// single flat slice, so that optimizers, clipping, gradient reduction and
// checkpoints work on one vector whatever the model. Gradients, optimizer
// moments and best-parameter copies use the same layout: Params.View cuts a
// tensor out of any vector of length Len.
//
// Params is not safe for concurrent modification; concurrent reads are fine.
type Params[T asm.Float] struct {
	specs []ParamSpec
	offs  []int
	flat  []T
	index map[string]int
}

// MaxParams bounds the scalars of a Params (8 GiB of float32; an optimizer
// and the gradients keep several more copies), so that a shape typed wrong
// is an error instead of an exhausted memory.
const MaxParams = 1<<31 - 1

// NewParams allocates zeroed tensors for specs. Names must be non-empty,
// unique and free of "/" (they become checkpoint dataset names); every
// dimension must be positive, and all of them together at most MaxParams
// scalars.
func NewParams[T asm.Float](specs ...ParamSpec) (*Params[T], error) {
	p := &Params[T]{index: make(map[string]int, len(specs))}
	total := 0
	for i, s := range specs {
		if s.Name == "" || strings.ContainsAny(s.Name, "/\\") {
			return nil, param.New("learn", fmt.Sprintf("ParamSpec[%d].Name", i), s.Name, "non-empty, without '/' or '\\'")
		}
		if _, dup := p.index[s.Name]; dup {
			return nil, param.New("learn", fmt.Sprintf("ParamSpec[%d].Name", i), s.Name, "unique among the parameters")
		}
		if len(s.Shape) == 0 {
			return nil, param.New("learn", s.Name+".Shape", s.Shape, "at least one dimension")
		}
		size := 1.0
		for _, d := range s.Shape {
			if d <= 0 {
				return nil, param.New("learn", s.Name+".Shape", s.Shape, "positive dimensions")
			}
			size *= float64(d)
		}
		if float64(total)+size > MaxParams {
			return nil, param.New("learn", s.Name+".Shape", s.Shape, fmt.Sprintf("at most %d scalars in all tensors together", int64(MaxParams)))
		}
		s.Shape = append([]int(nil), s.Shape...)
		p.index[s.Name] = i
		p.specs = append(p.specs, s)
		p.offs = append(p.offs, total)
		total += s.Size()
	}
	p.offs = append(p.offs, total)
	p.flat = make([]T, total)
	return p, nil
}

// Len returns the total number of scalars.
func (p *Params[T]) Len() int { return len(p.flat) }

// NumTensors returns the number of tensors.
func (p *Params[T]) NumTensors() int { return len(p.specs) }

// Count returns the number of scalars in trainable (not frozen) tensors.
func (p *Params[T]) Count() int {
	n := 0
	for i, s := range p.specs {
		if !s.Frozen {
			n += p.offs[i+1] - p.offs[i]
		}
	}
	return n
}

// Flat returns the flat storage (aliased, not copied).
func (p *Params[T]) Flat() []T { return p.flat }

// Spec returns the spec of tensor i (its Shape must not be modified).
func (p *Params[T]) Spec(i int) ParamSpec { return p.specs[i] }

// Specs returns a copy of the specs in storage order.
func (p *Params[T]) Specs() []ParamSpec {
	out := make([]ParamSpec, len(p.specs))
	for i, s := range p.specs {
		s.Shape = append([]int(nil), s.Shape...)
		out[i] = s
	}
	return out
}

// Index returns the position of the tensor called name, or -1.
func (p *Params[T]) Index(name string) int {
	if i, ok := p.index[name]; ok {
		return i
	}
	return -1
}

// Range returns the half-open range [lo, hi) of tensor i in the flat layout.
func (p *Params[T]) Range(i int) (lo, hi int) { return p.offs[i], p.offs[i+1] }

// At returns tensor i (a view of the flat storage).
func (p *Params[T]) At(i int) []T { return p.flat[p.offs[i]:p.offs[i+1]:p.offs[i+1]] }

// Get returns the tensor called name (a view); it panics if there is none,
// which is a programming error.
func (p *Params[T]) Get(name string) []T {
	i, ok := p.index[name]
	if !ok {
		panic("learn: no parameter named " + name)
	}
	return p.At(i)
}

// View returns the part of v (a vector in this layout: a gradient, an
// optimizer moment) that belongs to tensor i.
func (p *Params[T]) View(v []T, i int) []T {
	if len(v) != len(p.flat) {
		panic("learn: vector length does not match the parameter layout")
	}
	return v[p.offs[i]:p.offs[i+1]:p.offs[i+1]]
}

// FrozenMask returns, per scalar, whether it belongs to a frozen tensor, or
// nil when no tensor is frozen.
func (p *Params[T]) FrozenMask() []bool {
	var m []bool
	for i, s := range p.specs {
		if !s.Frozen {
			continue
		}
		if m == nil {
			m = make([]bool, len(p.flat))
		}
		for j := p.offs[i]; j < p.offs[i+1]; j++ {
			m[j] = true
		}
	}
	return m
}

// Clone returns a deep copy with the same layout.
func (p *Params[T]) Clone() *Params[T] {
	q, _ := NewParams[T](p.specs...)
	copy(q.flat, p.flat)
	return q
}

// SameLayout reports whether q has the same tensors (names, shapes, order)
// as p.
func SameLayout[T, U asm.Float](p *Params[T], q *Params[U]) bool {
	if len(p.specs) != len(q.specs) {
		return false
	}
	for i, s := range p.specs {
		r := q.specs[i]
		if s.Name != r.Name || len(s.Shape) != len(r.Shape) || s.Frozen != r.Frozen {
			return false
		}
		for j := range s.Shape {
			if s.Shape[j] != r.Shape[j] {
				return false
			}
		}
	}
	return true
}

// ConvertParams copies src into dst, converting the element type (float32 to
// float64 for gradient checks, or back). It returns an error if the layouts
// differ.
func ConvertParams[D, S asm.Float](dst *Params[D], src *Params[S]) error {
	if !SameLayout(dst, src) {
		return param.New("learn", "src", "a different parameter layout", "the same tensors, shapes and order as dst")
	}
	for i, v := range src.flat {
		dst.flat[i] = D(v)
	}
	return nil
}
