//go:build cgo

package main

import (
	"fmt"
	"runtime/debug"
)

// A function exported to C runs on the C caller's thread: cgo locks the
// callback's goroutine to it for the whole call. Nothing else may run on a
// locked thread, so every time that goroutine blocks (a channel receive, a
// WaitGroup) the runtime hands its processor to another thread and, when
// it is woken, back again: a futex round trip or two. events.Team's barrier
// blocks twice per phase, so a kernel run with several workers made from C
// paid that a few times per step: cuba with N = 800, 2 workers, 50,000 ms
// took 11–22 s of wall time instead of 0.6 s (one worker), with the same
// results. Long computations therefore run on a goroutine of their own
// (offThread), which blocks and wakes like any other, while the exported
// function waits for it once.
//
// What stays on the caller's goroutine: taking and releasing the object's
// lock, the error message (setError writes the C thread's storage: the
// function passed to offThread returns errors, and fail is called after it)
// and the recovery of panics (guard, object.release), which offThread
// passes back by panicking again on the caller's goroutine.

// offThreadPanic is a panic of a function run by offThread, carried to the
// caller's goroutine with the stack where it happened.
type offThreadPanic struct {
	value any
	stack []byte
}

// String returns the panic's value as fmt.Sprint prints it, so that an
// object marked broken (object.release) names the original panic.
func (p *offThreadPanic) String() string { return fmt.Sprint(p.value) }

// offThread runs f on a fresh goroutine, waits for it and returns its
// error. A panic in f is raised again in the caller as an *offThreadPanic,
// so that guard reports it with f's stack and object.release marks the
// object broken. f must not call fail or setError (they write the calling
// C thread's last error): it returns its error instead.
func offThread(f func() error) error {
	type result struct {
		err   error
		panic *offThreadPanic
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.panic = &offThreadPanic{value: p, stack: debug.Stack()}
			}
			done <- r
		}()
		r.err = f()
	}()
	r := <-done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}
