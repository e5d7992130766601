//go:build !cgo

// Command capi is libneurodyn, neurodyn's C interface; it needs cgo. This
// file keeps the package buildable (and empty) with CGO_ENABLED=0.
package main

func main() {}
