//go:build linux

package memlimit

import "syscall"

// physical returns the total RAM (sysinfo(2)), 0 if unknown.
func physical() int64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil || si.Totalram == 0 {
		return 0
	}
	return int64(si.Totalram) * int64(si.Unit)
}
