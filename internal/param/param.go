// Package param builds the errors every neurodyn package returns for bad
// parameters and bad data, so that a message always names the package, the
// parameter, the value given and what is allowed, and so that callers (the
// CLI, the C API, Python) can match them with errors.Is.
//
// It is internal: importable by every layer of the map in DEVELOPERS.md.
package param

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalid is the sentinel wrapped by every *Error: errors.Is(err, ErrInvalid)
// reports whether a call failed because of a bad argument.
var ErrInvalid = errors.New("invalid parameter")

// Error describes one bad parameter.
type Error struct {
	Pkg     string // package reporting the error, e.g. "ctrnn"
	Name    string // parameter name as the user spells it, e.g. "TauMs"
	Value   any    // the value that was given
	Allowed string // what is allowed, e.g. "> 0" or "one of euler, rk4"
}

// Error implements the error interface: "pkg: Name = value: must be
// Allowed"; an empty string value is written "".
func (e *Error) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("%s: %s = \"\": must be %s", e.Pkg, e.Name, e.Allowed)
	}
	return fmt.Sprintf("%s: %s = %v: must be %s", e.Pkg, e.Name, e.Value, e.Allowed)
}

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// New returns an *Error for parameter name of package pkg.
func New(pkg, name string, value any, allowed string) error {
	return &Error{Pkg: pkg, Name: name, Value: value, Allowed: allowed}
}

// Positive returns an error unless v is finite and > 0.
func Positive(pkg, name string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return New(pkg, name, v, "finite and > 0")
	}
	return nil
}

// NonNegative returns an error unless v is finite and >= 0.
func NonNegative(pkg, name string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return New(pkg, name, v, "finite and >= 0")
	}
	return nil
}

// Finite returns an error if v is NaN or ±Inf.
func Finite(pkg, name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return New(pkg, name, v, "finite")
	}
	return nil
}

// InRange returns an error unless lo <= v <= hi.
func InRange(pkg, name string, v, lo, hi float64) error {
	if !(v >= lo && v <= hi) {
		return New(pkg, name, v, fmt.Sprintf("in [%g, %g]", lo, hi))
	}
	return nil
}

// InRangeHalfOpen returns an error unless lo <= v < hi.
func InRangeHalfOpen(pkg, name string, v, lo, hi float64) error {
	if !(v >= lo && v < hi) {
		return New(pkg, name, v, fmt.Sprintf("in [%g, %g)", lo, hi))
	}
	return nil
}

// PositiveInt returns an error unless n > 0.
func PositiveInt(pkg, name string, n int) error {
	if n <= 0 {
		return New(pkg, name, n, "> 0")
	}
	return nil
}

// First returns the first non-nil error of errs, for validating a whole
// parameter struct in one expression.
func First(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
