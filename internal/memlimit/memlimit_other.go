//go:build !linux

package memlimit

// physical returns 0 (unknown) where sysinfo(2) is not available.
func physical() int64 { return 0 }
