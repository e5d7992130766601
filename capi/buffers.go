//go:build cgo

package main

/*
#include <stdlib.h>
#include "cgo_types.h"
*/
import "C"

import (
	"math"
	"unsafe"
)

// maxElems bounds every element count the interface accepts (2^40): larger
// values cannot describe real memory and would overflow size arithmetic.
const maxElems = 1 << 40

// count checks a non-negative element count or size argument.
func count(arg string, n C.int64_t) (int, error) {
	if n < 0 || n > maxElems {
		return 0, errorf(statusInvalid, "%s = %d: must be in [0, 2^40]", arg, int64(n))
	}
	return int(n), nil
}

// positive checks a count argument that must be at least 1.
func positive(arg string, n C.int64_t) (int, error) {
	if n < 1 || n > maxElems {
		return 0, errorf(statusInvalid, "%s = %d: must be in [1, 2^40]", arg, int64(n))
	}
	return int(n), nil
}

// product returns a·b·..., or an error naming what when it exceeds maxElems.
func product(what string, dims ...int) (int, error) {
	p := 1
	for _, d := range dims {
		if d != 0 && p > maxElems/d {
			return 0, errorf(statusInvalid, "%s: %v elements is more than 2^40", what, dims)
		}
		p *= d
	}
	return p, nil
}

// inSlice views a caller's input array of n elements (read during the call
// only, never kept). A size that cannot be in memory (more bytes than the
// memory limit) is refused before anything is read.
func inSlice[T any, P any](arg string, p *P, n int) ([]T, error) {
	if n == 0 {
		return []T{}, nil
	}
	if p == nil {
		return nil, errorf(statusNull, "%s is NULL", arg)
	}
	var zero T
	if bytes := float64(n) * float64(unsafe.Sizeof(zero)); bytes > float64(memoryLimit()) {
		return nil, errorf(statusMemory, "%s: %d values (%.3g bytes) cannot be in memory (limit %d bytes): check the sizes", arg, n, bytes, memoryLimit())
	}
	return unsafe.Slice((*T)(unsafe.Pointer(p)), n), nil
}

// outSlice views the first need elements of a caller's output buffer of
// capacity capLen, which must hold at least need.
func outSlice[T any, P any](arg string, p *P, capLen C.int64_t, need int) ([]T, error) {
	if p == nil {
		return nil, errorf(statusNull, "%s is NULL", arg)
	}
	if capLen < 0 {
		return nil, errorf(statusInvalid, "%s_len = %d: must be >= 0", arg, int64(capLen))
	}
	if int64(capLen) < int64(need) {
		return nil, errorf(statusBuffer, "%s holds %d values, %d are needed", arg, int64(capLen), need)
	}
	if need == 0 {
		return []T{}, nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(p)), need), nil
}

// optOutSlice is outSlice for an output that may be NULL (returns nil then).
func optOutSlice[T any, P any](arg string, p *P, capLen C.int64_t, need int) ([]T, error) {
	if p == nil {
		return nil, nil
	}
	return outSlice[T](arg, p, capLen, need)
}

// cstring reads a required NUL-terminated input string.
func cstring(arg string, s *C.nd_cchar) (string, error) {
	if s == nil {
		return "", errorf(statusNull, "%s is NULL", arg)
	}
	return C.GoString((*C.char)(unsafe.Pointer(s))), nil
}

// optString reads an optional input string (NULL → "").
func optString(s *C.nd_cchar) string {
	if s == nil {
		return ""
	}
	return C.GoString((*C.char)(unsafe.Pointer(s)))
}

// putString writes s NUL-terminated into (buf, bufLen) and the size needed
// into *needed (if not NULL). buf may be NULL with bufLen 0 (size query).
// As every failing call, it writes nothing when it fails, except *needed
// when the buffer is too small (NEURODYN_ERR_BUFFER).
func putString(fn, s string, buf *C.char, bufLen C.int64_t, needed *C.int64_t) C.int {
	need := int64(len(s)) + 1
	if bufLen < 0 {
		return fail(fn, errorf(statusInvalid, "buf_len = %d: must be >= 0", int64(bufLen)))
	}
	if buf == nil {
		if bufLen != 0 {
			return fail(fn, errorf(statusNull, "buf is NULL but buf_len = %d", int64(bufLen)))
		}
		if needed == nil {
			return fail(fn, errorf(statusNull, "buf and needed are both NULL"))
		}
		*needed = C.int64_t(need)
		return statusOK
	}
	if needed != nil {
		*needed = C.int64_t(need) // also when buf is too small: that is what it is for
	}
	if int64(bufLen) < need {
		return fail(fn, errorf(statusBuffer, "buf holds %d bytes, %d are needed (NUL included)", int64(bufLen), need))
	}
	dst := unsafe.Slice((*byte)(unsafe.Pointer(buf)), need)
	copy(dst, s)
	dst[len(s)] = 0
	return statusOK
}

// putResult stores s in a NUL-terminated string allocated with malloc in
// *result (checked non-NULL by the caller before computing); the caller frees
// it with neurodyn_string_free. Computations with text results use it, so
// that nothing runs twice to learn a size.
func putResult(fn, s string, result **C.char) C.int {
	*result = C.CString(s)
	return statusOK
}

//export neurodyn_string_free
func neurodyn_string_free(s *C.char) (rc C.int) {
	const fn = "neurodyn_string_free"
	defer guard(fn, &rc)
	C.free(unsafe.Pointer(s))
	return statusOK
}

// finite checks a double argument.
func finite(arg string, v C.double) (float64, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errorf(statusInvalid, "%s = %v: must be finite", arg, f)
	}
	return f, nil
}

// boolArg converts an int32 flag (0 or 1).
func boolArg(arg string, v C.int32_t) (bool, error) {
	switch v {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	return false, errorf(statusInvalid, "%s = %d: must be 0 or 1", arg, int32(v))
}

// checkFinite32 and checkFinite64 reject NaN and ±Inf in input data.
func checkFinite32(arg string, x []float32) error {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return errorf(statusInvalid, "%s[%d] = %v: values must be finite", arg, i, v)
		}
	}
	return nil
}

func checkFinite64(arg string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errorf(statusInvalid, "%s[%d] = %v: values must be finite", arg, i, v)
		}
	}
	return nil
}
