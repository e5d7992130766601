// Package buildinfo reports the neurodyn version and the source revision a
// binary was built from, for provenance attributes and `neurodyn version`.
//
// It is internal and imports nothing of ours: every layer may use it.
package buildinfo

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
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

// ExecutableDigest returns the first 16 hexadecimal digits of the SHA-256
// of the running executable's file, or "" when it cannot be read. It is
// computed once per process (about 20 ms for a 30 MB binary).
func ExecutableDigest() string { return executableDigest() }

var executableDigest = sync.OnceValue(func() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
})

// ID identifies this build: "<Version> <Revision()>", followed by
// " exe:<ExecutableDigest()>" when the revision does not pin the source
// (it is "unknown", as for a build from a tarball or with -buildvcs=false,
// or it ends in "+dirty"). Two builds of different sources then get
// different IDs even without VCS information; the same binary always gets
// the same ID, while a rebuild of unchanged unpinned sources may not (its
// file can differ, e.g. by the build directory without -trimpath).
func ID() string {
	id := Version + " " + Revision()
	if r := Revision(); r == "unknown" || strings.HasSuffix(r, "+dirty") {
		if d := ExecutableDigest(); d != "" {
			id += " exe:" + d
		}
	}
	return id
}
