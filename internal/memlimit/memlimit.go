// Package memlimit tells how much memory a neurodyn process may use, so
// that requests too large for the machine are refused with an error up
// front: Go cannot recover from a failed allocation (the runtime prints
// "fatal error: out of memory" and the process dies).
//
// The C API (capi) compares its estimates with Default unless the caller
// set another limit (neurodyn_set_memory_limit, which also sets
// SetOverride); neurodyn simulate compares the network's estimate
// (kernel.Spec.EstimateBytes) with it.
//
// It is internal: importable by every layer of the map in DEVELOPERS.md.
// Its functions are safe for concurrent use.
package memlimit

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
)

// ErrExceeded is wrapped by the errors of work refused because its memory
// estimate exceeds the limit (Exceeded); the C API reports them as
// NEURODYN_ERR_MEMORY.
var ErrExceeded = errors.New("more memory than the limit")

// Exceeded returns an error wrapping ErrExceeded: what needs about need
// bytes, more than limit.
func Exceeded(what string, need float64, limit int64) error {
	return fmt.Errorf("%s needs about %.3g bytes, %w of %d bytes (the physical memory, the cgroup's limit or the caller's): make it smaller", what, need, ErrExceeded, limit)
}

// unknown is the physical memory assumed when the system does not tell
// (1 TiB: a check against it still catches sizes no machine has).
const unknown = 1 << 40

// Physical returns the machine's physical memory in bytes (1 TiB when the
// system does not tell).
func Physical() int64 {
	if b := physical(); b > 0 {
		return b
	}
	return unknown
}

// override is the limit SetOverride set (0: none).
var override atomic.Int64

// SetOverride makes Default return bytes (> 0) instead of the physical or
// cgroup limit, for the whole process; 0 removes the override. It returns
// the previous override (0: none). The C API's neurodyn_set_memory_limit
// sets it, so that the checks made inside the library (a training's
// estimate and its BPTT tape, forward runs) honour the caller's limit too.
func SetOverride(bytes int64) int64 { return override.Swap(max(bytes, 0)) }

// Default returns the default memory limit in bytes: the override
// (SetOverride) if there is one, else the physical memory, or the memory
// limit of the process's control group (Linux cgroup v2 memory.max, v1
// memory.limit_in_bytes) when that is lower, as it is in a container or a
// batch job, whose processes are killed beyond it.
func Default() int64 {
	if o := override.Load(); o > 0 {
		return o
	}
	l := Physical()
	if c := cgroupLimit(); c > 0 && c < l {
		l = c
	}
	return l
}

// cgroupFiles are the cgroup memory limits read by cgroupLimit, v2 first.
var cgroupFiles = []string{
	"/sys/fs/cgroup/memory.max",
	"/sys/fs/cgroup/memory/memory.limit_in_bytes",
}

// cgroupLimit returns the memory limit of the process's cgroup as mounted
// at /sys/fs/cgroup, or 0 if there is none ("max", a v1 "unlimited" value
// beyond the physical memory, or no such file).
func cgroupLimit() int64 {
	for _, f := range cgroupFiles {
		if b, err := os.ReadFile(f); err == nil {
			return parseLimit(string(b))
		}
	}
	return 0
}

// parseLimit reads a cgroup memory limit: a byte count, or "max" (none: 0).
func parseLimit(s string) int64 {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0
	}
	return v
}
