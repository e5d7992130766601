// Package ctxtest gives the tests of cancellable computations a context
// that stops them at a chosen check, whatever the timing.
//
// It is internal and imports nothing of ours: every layer's tests may use
// it.
package ctxtest

import (
	"context"
	"sync/atomic"
)

// LookCounter is a context whose Err counts the looks at it and reports
// context.Canceled from look number StopAt on (0-based; −1: never).
type LookCounter struct {
	context.Context
	stopAt int64
	looks  atomic.Int64
}

// New returns a LookCounter that reports context.Canceled from look
// stopAt on (−1: never).
func New(stopAt int64) *LookCounter {
	return &LookCounter{Context: context.Background(), stopAt: stopAt}
}

// Err counts the look and reports context.Canceled from look StopAt on.
func (c *LookCounter) Err() error {
	if n := c.looks.Add(1) - 1; c.stopAt >= 0 && n >= c.stopAt {
		return context.Canceled
	}
	return nil
}

// Looks returns how many times Err has been called.
func (c *LookCounter) Looks() int64 { return c.looks.Load() }

// StopPoints are the looks a test stops a computation at: the first, the
// second, the middle one and the last of the looks an uncancelled run
// takes.
func StopPoints(looks int64) []int64 { return []int64{0, 1, looks / 2, looks - 1} }
