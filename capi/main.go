//go:build cgo

// Command capi is libneurodyn, neurodyn's C interface, built as a shared
// library:
//
//	go build -buildmode=c-shared -o libneurodyn.so ./capi
//
// (make capi does this and installs the library, include/neurodyn.h and
// neurodyn.pc into a prefix). include/neurodyn.h is the hand-written, stable
// contract; every file of this package includes it through cgo_types.h, so
// the C compiler checks each Go export against its declaration when the
// library is built.
//
// The interface is thin: each function converts its arguments, calls the
// library packages (tasks, kernel, export, ctrnn, rate, learn, analysis) and
// converts the results. Objects are runtime/cgo handles, results are written
// into caller-owned buffers (unsafe.Slice over the C memory), every export
// recovers panics (guard) and records its errors in thread-local storage
// (neurodyn_last_error). See neurodyn.h for the conventions.
//
// Layer 6 of DEVELOPERS.md: it imports every library package; nothing
// imports it.
package main

func main() {}
