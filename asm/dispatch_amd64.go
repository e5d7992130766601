//go:build amd64 && gc && !noasm && !purego

package asm

// hasAsm reports whether this build contains the assembly kernels.
const hasAsm = true

// available reports whether path p can run on this CPU. The assembly kernels
// are being generated; until they land only the pure-Go path is offered.
func available(p int32) bool {
	return p == pathGeneric
}
