//go:build cgo

package main

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// goid returns the calling goroutine's id, from its stack's first line.
func goid() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	f := bytes.Fields(b)
	return string(f[1])
}

func panicInside() { panic("boom") }

func TestOffThread(t *testing.T) {
	// The caller stands for a cgo callback: locked to its thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	caller := goid()
	errWant := errors.New("f's error")
	tests := []struct {
		name  string
		f     func() error
		err   error
		panic string // the value, "" for none
	}{
		{"nil", func() error { return nil }, nil, ""},
		{"error", func() error { return errWant }, errWant, ""},
		{"panic", func() error { panicInside(); return nil }, nil, "boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ran string
			var p any
			err := func() (err error) {
				defer func() { p = recover() }()
				return offThread(func() error { ran = goid(); return tc.f() })
			}()
			if ran == caller || ran == "" {
				t.Errorf("f ran on goroutine %q, the caller's is %s: want another", ran, caller)
			}
			if err != tc.err {
				t.Errorf("error %v, want %v", err, tc.err)
			}
			if tc.panic == "" {
				if p != nil {
					t.Errorf("panic %v, want none", p)
				}
				return
			}
			op, ok := p.(*offThreadPanic)
			if !ok {
				t.Fatalf("panic %#v, want an *offThreadPanic", p)
			}
			if op.String() != tc.panic || op.value != tc.panic {
				t.Errorf("panic %q (value %v), want %q", op.String(), op.value, tc.panic)
			}
			if !strings.Contains(string(op.stack), "panicInside") {
				t.Errorf("the stack carried does not name the panicking function:\n%s", op.stack)
			}
		})
	}
}
