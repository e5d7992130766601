//go:build cgo

package main

/*
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cgo_types.h"

// The calling thread's last error, in thread-specific storage allocated on
// the thread's first failed call and freed when the thread exits. Go code
// called from C runs on the calling C thread (cgo locks the goroutine to it
// for the duration of the call), so this is the caller's thread. (A large
// _Thread_local array would not do: it must fit glibc's static TLS surplus
// when the library is dlopen'ed, and the Go runtime already uses it.)
struct nd_error {
	int code;
	char msg[4096];
};

static pthread_key_t nd_key;
static pthread_once_t nd_once = PTHREAD_ONCE_INIT;

static void nd_make_key(void) { pthread_key_create(&nd_key, free); }

static struct nd_error *nd_thread_error(int create) {
	pthread_once(&nd_once, nd_make_key);
	struct nd_error *e = pthread_getspecific(nd_key);
	if (e == NULL && create) {
		e = calloc(1, sizeof *e);
		if (e != NULL && pthread_setspecific(nd_key, e) != 0) {
			free(e);
			e = NULL;
		}
	}
	return e;
}

static void nd_set_error(int code, const char *msg, size_t n) {
	struct nd_error *e = nd_thread_error(1);
	if (e == NULL) {
		return; // out of memory: the status code still tells what failed
	}
	if (n >= sizeof e->msg) {
		n = sizeof e->msg - 1;
	}
	if (n > 0) {
		memcpy(e->msg, msg, n);
	}
	e->msg[n] = 0;
	e->code = code;
}

const char *neurodyn_last_error(void) {
	struct nd_error *e = nd_thread_error(0);
	return e ? e->msg : "";
}

int neurodyn_last_error_code(void) {
	struct nd_error *e = nd_thread_error(0);
	return e ? e->code : 0;
}

const char *neurodyn_status_name(int status) {
	switch (status) {
	case NEURODYN_OK: return "NEURODYN_OK";
	case NEURODYN_ERR_NULL: return "NEURODYN_ERR_NULL";
	case NEURODYN_ERR_BUFFER: return "NEURODYN_ERR_BUFFER";
	case NEURODYN_ERR_HANDLE: return "NEURODYN_ERR_HANDLE";
	case NEURODYN_ERR_INVALID: return "NEURODYN_ERR_INVALID";
	case NEURODYN_ERR_IO: return "NEURODYN_ERR_IO";
	case NEURODYN_ERR_NOHDF5: return "NEURODYN_ERR_NOHDF5";
	case NEURODYN_ERR_STATE: return "NEURODYN_ERR_STATE";
	case NEURODYN_ERR_MEMORY: return "NEURODYN_ERR_MEMORY";
	case NEURODYN_ERR_INTERNAL: return "NEURODYN_ERR_INTERNAL";
	case NEURODYN_ERR_CANCELLED: return "NEURODYN_ERR_CANCELLED";
	}
	return "unknown";
}
*/
import "C"

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"unicode/utf8"
	"unsafe"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Status codes (neurodyn.h).
const (
	statusOK       = C.NEURODYN_OK
	statusNull     = C.NEURODYN_ERR_NULL
	statusBuffer   = C.NEURODYN_ERR_BUFFER
	statusHandle   = C.NEURODYN_ERR_HANDLE
	statusInvalid  = C.NEURODYN_ERR_INVALID
	statusIO       = C.NEURODYN_ERR_IO
	statusNoHDF5   = C.NEURODYN_ERR_NOHDF5
	statusState    = C.NEURODYN_ERR_STATE
	statusMemory   = C.NEURODYN_ERR_MEMORY
	statusInternal = C.NEURODYN_ERR_INTERNAL
)

// apiError is an error with its status code.
type apiError struct {
	code C.int
	msg  string
	err  error // the cause, if any (errors.Is and errors.As see through)
}

func (e *apiError) Error() string { return e.msg }

// Unwrap returns the cause.
func (e *apiError) Unwrap() error { return e.err }

// errorf returns an apiError with the given code.
func errorf(code C.int, format string, args ...any) error {
	return &apiError{code, fmt.Sprintf(format, args...), nil}
}

// invalid wraps a decoding or validation error as NEURODYN_ERR_INVALID.
func invalid(err error) error {
	if err == nil {
		return nil
	}
	var a *apiError
	if errors.As(err, &a) {
		return err
	}
	return &apiError{statusInvalid, err.Error(), err}
}

// ioError marks an error of a file operation as NEURODYN_ERR_IO unless it
// is a parameter error, a missing HDF5 or already has a status.
func ioError(err error) error {
	if err == nil {
		return nil
	}
	var a *apiError
	if errors.As(err, &a) || errors.Is(err, param.ErrInvalid) || errors.Is(err, export.ErrNoHDF5) {
		return err
	}
	return &apiError{statusIO, err.Error(), err}
}

// classify maps a Go error to its status code.
func classify(err error) C.int {
	var a *apiError
	var pe *fs.PathError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &a):
		return a.code
	case errors.Is(err, memlimit.ErrExceeded):
		return statusMemory
	case errors.Is(err, export.ErrNoHDF5):
		return statusNoHDF5
	case errors.Is(err, param.ErrInvalid), errors.As(err, &se), errors.As(err, &te):
		return statusInvalid
	case errors.As(err, &pe), errors.Is(err, fs.ErrExist), errors.Is(err, fs.ErrNotExist),
		errors.Is(err, fs.ErrPermission), errors.Is(err, export.ErrIncomplete), errors.Is(err, os.ErrClosed):
		return statusIO
	}
	return statusInvalid
}

// overwriteHint is the remedy for an existing file in the C API's words
// (every function that writes a file takes an overwrite flag). The Python
// bindings replace it with theirs (neurodyn/_capi.py).
const overwriteHint = "pass overwrite != 0 to replace it"

// fail records err as the calling thread's last error, prefixed with the
// function's name, and returns its status code. An existing file's error
// names the C argument that replaces it, not the Go option.
func fail(fn string, err error) C.int {
	err = export.WithOverwriteHint(err, overwriteHint)
	code := classify(err)
	setError(code, fn+": "+err.Error())
	return code
}

// setError stores msg (truncated at a rune boundary to fit) as the calling
// thread's last error.
func setError(code C.int, msg string) {
	const max = 4095
	if len(msg) > max {
		n := max
		for n > 0 && !utf8.RuneStart(msg[n]) {
			n--
		}
		msg = msg[:n]
	}
	if len(msg) == 0 {
		C.nd_set_error(code, nil, 0)
		return
	}
	C.nd_set_error(code, (*C.char)(unsafe.Pointer(unsafe.StringData(msg))), C.size_t(len(msg)))
}

// guard recovers a panic of an exported function into NEURODYN_ERR_INTERNAL.
// Every export starts with `defer guard(fn, &rc)`.
func guard(fn string, rc *C.int) {
	if p := recover(); p != nil {
		stack := debug.Stack()
		if op, ok := p.(*offThreadPanic); ok { // where it happened, not where it was raised again
			p, stack = op.value, op.stack
		}
		if len(stack) > 1500 {
			stack = stack[:1500]
		}
		setError(statusInternal, fmt.Sprintf("%s: internal error (a bug in neurodyn; please report): %v\n%s", fn, p, stack))
		*rc = statusInternal
	}
}
