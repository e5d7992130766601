// Package buildinfo reports the neurodyn version and the source revision a
// binary was built from, for provenance attributes and `neurodyn version`.
//
// It is internal and imports nothing of ours: every layer may use it.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Version is the neurodyn release version (semantic versioning).
const Version = "0.1.0"

// revision may be set at link time:
//
//	go build -ldflags "-X github.com/neurodyn/neurodyn/internal/buildinfo.revision=$(git rev-parse HEAD)"
//
// The Makefile does this. Otherwise Revision falls back to the VCS stamp of
// the Go build, if any.
var revision string

// Revision returns the git revision the binary was built from, with a
// "+dirty" suffix when the tree had uncommitted changes, or "unknown".
func Revision() string {
	if revision != "" {
		return revision
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if rev != "" {
			return rev + dirty
		}
	}
	return "unknown"
}

// GoVersion returns the Go toolchain version the binary was built with.
func GoVersion() string { return runtime.Version() }
