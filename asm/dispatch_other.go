//go:build !(amd64 && gc && !noasm && !purego)

package asm

// available reports whether path p can run: only the pure-Go path in this build.
func available(p int32) bool { return p == pathGeneric }

// preferred reports whether Reset may choose path p: the only path there is.
func preferred(int32) bool { return true }
