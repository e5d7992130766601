//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import "os"

// tryLock locks nothing on systems without flock: there, two runs on one
// output directory are not kept apart.
func tryLock(*os.File) error { return nil }
