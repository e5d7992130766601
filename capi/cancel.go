//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neurodyn/neurodyn/learn"
)

// statusCancelled is NEURODYN_ERR_CANCELLED: neurodyn_cancel stopped the
// call.
const statusCancelled = C.NEURODYN_ERR_CANCELLED

// errCancelled is the cause of a context cancelled by neurodyn_cancel.
var errCancelled = errors.New("cancelled by neurodyn_cancel")

// A cancellable call records o's cancel generation before it waits for
// o.mu; neurodyn_cancel increments the generation, so it reaches exactly
// the calls running or waiting at that moment, and costs a call nothing
// but an atomic load per check. A call that needs a context (training)
// registers one, which neurodyn_cancel cancels too.

// call is a cancellable call on o.
type call struct {
	o   *object
	gen uint64
}

// cancelled reports whether neurodyn_cancel was called on the object since
// the call began.
func (c call) cancelled() bool { return c.o.cancelGen.Load() != c.gen }

// context returns a context that neurodyn_cancel cancels (with cause
// errCancelled) and the function to call when the call returns.
func (c call) context() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	o := c.o
	o.cmu.Lock()
	if o.cancelGen.Load() != c.gen {
		cancel(errCancelled)
	}
	if o.calls == nil {
		o.calls = make(map[uint64]context.CancelCauseFunc)
	}
	o.nextCall++
	id := o.nextCall
	o.calls[id] = cancel
	o.cmu.Unlock()
	return ctx, func() {
		o.cmu.Lock()
		delete(o.calls, id)
		o.cmu.Unlock()
		cancel(nil)
	}
}

// cancelCalls cancels every call on o that began before (running or
// waiting for o's lock).
func (o *object) cancelCalls() {
	o.cmu.Lock()
	defer o.cmu.Unlock()
	o.cancelGen.Add(1)
	for _, cancel := range o.calls {
		cancel(errCancelled)
	}
}

// acquireCancellable is acquire for a long call that neurodyn_cancel can
// stop: the call begins before it waits for the object's lock. The caller
// must `defer o.release()`. A call cancelled while it waited fails here,
// having done nothing.
func acquireCancellable(h C.neurodyn_handle, arg string, kinds ...string) (*object, call, error) {
	o, err := resolve(h, arg)
	if err != nil {
		return nil, call{}, err
	}
	if err := o.checkKind(h, arg, kinds); err != nil {
		return nil, call{}, err
	}
	c := call{o, o.cancelGen.Load()}
	o.mu.Lock()
	if err := o.check(h, arg, kinds); err != nil {
		o.mu.Unlock()
		return nil, call{}, err
	}
	if c.cancelled() {
		o.mu.Unlock()
		return nil, call{}, errorf(statusCancelled, "cancelled (neurodyn_cancel) before it started: nothing was done")
	}
	return o, c, nil
}

// cancelled reports whether ctx was cancelled by neurodyn_cancel.
func cancelled(ctx context.Context, err error) bool {
	return err != nil && errors.Is(err, context.Canceled) && errors.Is(context.Cause(ctx), errCancelled)
}

// chunker splits a long run into pieces between which a cancellation is
// noticed: it starts with one step and doubles the piece while a piece
// takes less than about 25 ms, halving it above 100 ms, so that a cancel
// takes effect within about 0.1 s whatever the network's size and the
// checks cost nothing measurable. Results do not depend on how a run is
// split (kernel.Network.Run).
type chunker struct {
	steps int64
}

const (
	chunkFast = 25 * time.Millisecond
	chunkSlow = 100 * time.Millisecond
)

// next returns the size of the next piece, at most left.
func (c *chunker) next(left int64) int64 {
	if c.steps < 1 {
		c.steps = 1
	}
	return min(c.steps, left)
}

// took adapts the piece size to the wall time a whole piece took.
func (c *chunker) took(d time.Duration) {
	switch {
	case d < chunkFast && c.steps < 1<<40:
		c.steps *= 2
	case d > chunkSlow && c.steps > 1:
		c.steps /= 2
	}
}

//export neurodyn_cancel
func neurodyn_cancel(h C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_cancel"
	defer guard(fn, &rc)
	o, err := resolve(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	o.cancelCalls()
	return statusOK
}

// epochKeeper keeps a copy of a model's parameters as they were after the
// last finished epoch of a training (before the first: as they were), so
// that a cancelled training can discard the epoch it stopped in.
type epochKeeper struct {
	m    model
	last []float32
}

// keepEpochs snapshots m's parameters and makes c's Progress (kept: it is
// called first) refresh the snapshot after every epoch.
func keepEpochs(m model, c *learn.TrainConfig) *epochKeeper {
	k := &epochKeeper{m: m, last: append([]float32(nil), m.Params().Flat()...)}
	prev := c.Progress
	c.Progress = func(r learn.EpochRecord) {
		if prev != nil {
			prev(r)
		}
		copy(k.last, k.m.Params().Flat())
	}
	return k
}

// fit runs t.Fit under a context cancelled by neurodyn_cancel. When neurodyn_cancel stopped it, the model is
// left as if training had been asked for the epochs it finished: the best
// epoch's parameters when the trainer restored them, else the snapshot of
// the last finished epoch; the result's Stop is "cancelled" and the error
// has status NEURODYN_ERR_CANCELLED.
func (k *epochKeeper) fit(c call, t *learn.Trainer, train, val learn.Source) (*learn.Result, error) {
	ctx, end := c.context()
	defer end()
	res, err := t.Fit(ctx, train, val)
	if !cancelled(ctx, err) {
		return res, err
	}
	done := 0
	if res != nil {
		if !res.Restored {
			copy(k.m.Params().Flat(), k.last)
		}
		res.Stop = "cancelled"
		done = len(res.History)
	}
	state := "its parameters are unchanged"
	switch {
	case res != nil && res.Restored:
		state = fmt.Sprintf("it keeps the best epoch's parameters (epoch %d)", res.BestEpoch)
	case done > 0:
		state = fmt.Sprintf("it keeps the parameters after epoch %d, the last finished", done)
	}
	return res, errorf(statusCancelled, "cancelled (neurodyn_cancel) after %d finished epochs, the one running discarded: %s (neurodyn_model_train_result)", done, state)
}

// run calls f with a context that neurodyn_cancel cancels, on a goroutine
// of its own (offThread: f must not call fail). When neurodyn_cancel
// stopped it, the error has status NEURODYN_ERR_CANCELLED and says what
// state the object was left in (state) and where f stopped (f's own
// message); other errors are f's.
func (c call) run(state func() string, f func(ctx context.Context) error) error {
	ctx, end := c.context()
	defer end()
	err := offThread(func() error { return f(ctx) })
	if !cancelled(ctx, err) {
		return err
	}
	return errorf(statusCancelled, "cancelled (neurodyn_cancel): %s (%v)", state(), err)
}

// getModelCancellable is getModel for a long call that neurodyn_cancel can
// stop (acquireCancellable); the caller must `defer o.release()`.
func getModelCancellable(h C.neurodyn_handle, kinds ...string) (*object, *modelObj, call, error) {
	if len(kinds) == 0 {
		kinds = trainableKinds
	}
	o, c, err := acquireCancellable(h, "h", kinds...)
	if err != nil {
		return nil, nil, call{}, err
	}
	return o, o.v.(*modelObj), c, nil
}

// unchanged is the state a cancelled computation that returns nothing
// leaves.
func unchanged(what string) func() string {
	return func() string { return "nothing was returned and the " + what + " is unchanged" }
}
