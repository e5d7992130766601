//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"context"
	"fmt"
	"runtime/cgo"
	"slices"
	"sync"
	"sync/atomic"
)

// object is what a handle refers to: one library object and the lock that
// serializes the calls on it.
type object struct {
	mu     sync.Mutex
	kind   string // "lorenz", "series", "flipflop", "network", "ctrnn", "rate"
	freed  bool
	broken string // set when a call on the object panicked: the object may be inconsistent
	v      any
	// closeFn, if set, releases the object's resources at neurodyn_free.
	closeFn func() error

	// Cancellation (cancel.go): the generation neurodyn_cancel increments,
	// and the contexts of the calls running or waiting for mu, under a
	// lock of their own so that neurodyn_cancel never waits for the call
	// it cancels.
	cancelGen atomic.Uint64
	cmu       sync.Mutex
	calls     map[uint64]context.CancelCauseFunc
	nextCall  uint64
}

// newHandle registers v and returns its handle.
func newHandle(kind string, v any, closeFn func() error) C.neurodyn_handle {
	return C.neurodyn_handle(cgo.NewHandle(&object{kind: kind, v: v, closeFn: closeFn}))
}

// resolve returns the object of handle h, or a NEURODYN_ERR_HANDLE error
// naming the argument. A handle cgo does not know (0, freed, forged) makes
// cgo.Handle.Value panic; that panic is recovered here.
func resolve(h C.neurodyn_handle, arg string) (o *object, err error) {
	if h == 0 {
		return nil, errorf(statusHandle, "%s is 0, which is never a valid handle", arg)
	}
	defer func() {
		if recover() != nil {
			o, err = nil, errorf(statusHandle, "%s = %d is not a live neurodyn handle (freed, forged, or from another process)", arg, uint64(h))
		}
	}()
	v := cgo.Handle(h).Value()
	o, ok := v.(*object)
	if !ok {
		return nil, errorf(statusHandle, "%s = %d is not a neurodyn handle", arg, uint64(h))
	}
	return o, nil
}

// acquire resolves h, checks that it is one of the kinds given and locks it.
// The caller must `defer o.release()`.
func acquire(h C.neurodyn_handle, arg string, kinds ...string) (*object, error) {
	o, err := resolve(h, arg)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	if err := o.check(h, arg, kinds); err != nil {
		o.mu.Unlock()
		return nil, err
	}
	return o, nil
}

// peek resolves an immutable object (a dataset or a task): it checks it under
// the lock and returns its value without keeping the lock. The value stays
// valid even if another thread frees the handle meanwhile.
//
// The kind is checked before the lock is taken (it never changes after
// newHandle), so that a call holding another object's lock (a model being
// trained or evaluated) that is given that same object as its task gets
// NEURODYN_ERR_HANDLE instead of waiting for its own lock forever.
func peek(h C.neurodyn_handle, arg string, kinds ...string) (any, string, error) {
	o, err := resolve(h, arg)
	if err != nil {
		return nil, "", err
	}
	if err := o.checkKind(h, arg, kinds); err != nil {
		return nil, "", err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.check(h, arg, kinds); err != nil {
		return nil, "", err
	}
	return o.v, o.kind, nil
}

func (o *object) check(h C.neurodyn_handle, arg string, kinds []string) error {
	if o.freed {
		return errorf(statusHandle, "%s = %d was freed", arg, uint64(h))
	}
	if o.broken != "" {
		return errorf(statusState, "%s = %d is unusable after an internal error in an earlier call (%s); free it", arg, uint64(h), o.broken)
	}
	return o.checkKind(h, arg, kinds)
}

// checkKind returns a handle error unless o is of one of kinds (any kind
// when kinds is empty). The kind never changes after newHandle, so it may
// be checked without the lock.
func (o *object) checkKind(h C.neurodyn_handle, arg string, kinds []string) error {
	if len(kinds) == 0 || slices.Contains(kinds, o.kind) {
		return nil
	}
	return errorf(statusHandle, "%s = %d has kind %s, want %s", arg, uint64(h), o.kind, orList(kinds))
}

// release unlocks o; if the call is panicking it marks o broken first and
// lets the panic continue to guard.
func (o *object) release() {
	if p := recover(); p != nil {
		o.broken = fmt.Sprint(p)
		o.mu.Unlock()
		panic(p)
	}
	o.mu.Unlock()
}

func orList(s []string) string {
	switch len(s) {
	case 1:
		return s[0]
	case 2:
		return s[0] + " or " + s[1]
	}
	out := "one of"
	for i, k := range s {
		if i > 0 {
			out += ","
		}
		out += " " + k
	}
	return out
}

//export neurodyn_free
func neurodyn_free(h C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_free"
	defer guard(fn, &rc)
	o, err := resolve(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	o.mu.Lock()
	if o.freed {
		o.mu.Unlock()
		return fail(fn, errorf(statusHandle, "h = %d was already freed", uint64(h)))
	}
	o.freed = true
	closeFn := o.closeFn
	o.v, o.closeFn = nil, nil
	o.mu.Unlock()
	func() {
		defer func() { recover() }() // a concurrent free deleted it first
		cgo.Handle(h).Delete()
	}()
	if closeFn != nil {
		if err := closeFn(); err != nil {
			return fail(fn, err)
		}
	}
	return statusOK
}

//export neurodyn_kind
func neurodyn_kind(h C.neurodyn_handle, buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_kind"
	defer guard(fn, &rc)
	_, kind, err := peek(h, "h")
	if err != nil {
		return fail(fn, err)
	}
	return putString(fn, kind, buf, bufLen, needed)
}
