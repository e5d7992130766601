//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
	"github.com/neurodyn/neurodyn/internal/memlimit"
)

// abiVersion is the interface version (NEURODYN_ABI_VERSION in neurodyn.h).
const abiVersion = 3

var versionString = sync.OnceValue(func() *C.char { return C.CString(buildinfo.Version) })

//export neurodyn_version
func neurodyn_version() *C.nd_cchar {
	return (*C.nd_cchar)(versionString())
}

//export neurodyn_abi_version
func neurodyn_abi_version() C.int { return abiVersion }

// memLimit is the memory limit (bytes) constructors check their estimates
// against; 0 means the default, memlimit.Default (the physical memory, or
// the cgroup's limit when lower), which neurodyn simulate checks too.
var memLimit atomic.Int64

func physicalMemory() int64 { return memlimit.Physical() }

func memoryLimit() int64 {
	if l := memLimit.Load(); l > 0 {
		return l
	}
	return memlimit.Default()
}

// checkMemory refuses a request whose estimated memory exceeds the limit.
// Go cannot recover from a failed allocation (the process dies), so sizes
// that cannot fit are rejected up front.
func checkMemory(what string, bytes float64) error {
	if l := memoryLimit(); bytes > float64(l) {
		return errorf(statusMemory, "%s needs about %.3g bytes, more than the memory limit of %d bytes (neurodyn_set_memory_limit)", what, bytes, l)
	}
	return nil
}

type buildInfo struct {
	Version     string `json:"version"`
	ABIVersion  int    `json:"abi_version"`
	Revision    string `json:"revision"`
	GoVersion   string `json:"go_version"`
	KernelPath  string `json:"kernel_path"`
	HDF5        bool   `json:"hdf5"`
	HDF5Version string `json:"hdf5_version"`
	Threads     int    `json:"threads"`
	MemoryLimit int64  `json:"memory_limit"`
}

//export neurodyn_build_info
func neurodyn_build_info(buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_build_info"
	defer guard(fn, &rc)
	v := export.HDF5Version()
	info := buildInfo{
		Version: buildinfo.Version, ABIVersion: abiVersion, Revision: buildinfo.Revision(),
		GoVersion: buildinfo.GoVersion(), KernelPath: asm.Path(), HDF5: v != "", HDF5Version: v,
		Threads: runtime.GOMAXPROCS(0), MemoryLimit: memoryLimit(),
	}
	return putString(fn, encodeJSON(info), buf, bufLen, needed)
}

//export neurodyn_threads
func neurodyn_threads(n *C.int32_t) (rc C.int) {
	const fn = "neurodyn_threads"
	defer guard(fn, &rc)
	if n == nil {
		return fail(fn, errorf(statusNull, "n is NULL"))
	}
	*n = C.int32_t(runtime.GOMAXPROCS(0))
	return statusOK
}

//export neurodyn_set_threads
func neurodyn_set_threads(n C.int32_t, previous *C.int32_t) (rc C.int) {
	const fn = "neurodyn_set_threads"
	defer guard(fn, &rc)
	if n < 1 || n > 1<<16 {
		return fail(fn, errorf(statusInvalid, "n = %d: must be in [1, 65536]", int32(n)))
	}
	p := runtime.GOMAXPROCS(int(n))
	if previous != nil {
		*previous = C.int32_t(p)
	}
	return statusOK
}

//export neurodyn_set_memory_limit
func neurodyn_set_memory_limit(bytes C.int64_t, previous *C.int64_t) (rc C.int) {
	const fn = "neurodyn_set_memory_limit"
	defer guard(fn, &rc)
	if phys := physicalMemory(); bytes != 0 && (bytes < 1<<20 || int64(bytes) > phys) {
		return fail(fn, errorf(statusInvalid, "bytes = %d: must be 0 (the default, the physical memory) or in [1 MiB, %d] (the physical memory)", int64(bytes), phys))
	}
	p := memoryLimit()
	memLimit.Store(int64(bytes))
	// The library's own checks (training tapes, forward runs) too.
	memlimit.SetOverride(int64(bytes))
	if previous != nil {
		*previous = C.int64_t(p)
	}
	return statusOK
}
