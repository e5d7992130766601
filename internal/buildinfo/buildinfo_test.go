package buildinfo

import (
	"strings"
	"testing"
)

func TestRevision(t *testing.T) {
	if Revision() == "" {
		t.Fatal("Revision() is empty; want a revision or \"unknown\"")
	}
	old := revision
	defer func() { revision = old }()
	revision = "abc123"
	if got := Revision(); got != "abc123" {
		t.Errorf("Revision() = %q with a link-time revision, want abc123", got)
	}
	if !strings.HasPrefix(GoVersion(), "go") {
		t.Errorf("GoVersion() = %q", GoVersion())
	}
}

// TestID: a revision that pins the source is the ID by itself; "unknown"
// and "+dirty" ones get the executable's digest, so that two unpinned
// builds of different sources (a sweep's shards after a rebuild from a
// tarball) are told apart.
func TestID(t *testing.T) {
	d := ExecutableDigest()
	if len(d) != 16 || strings.Trim(d, "0123456789abcdef") != "" {
		t.Fatalf("ExecutableDigest() = %q, want 16 hexadecimal digits", d)
	}
	if again := ExecutableDigest(); again != d {
		t.Fatalf("ExecutableDigest() = %q, then %q", d, again)
	}
	old := revision
	defer func() { revision = old }()
	for _, c := range []struct{ rev, want string }{
		{"abc123", Version + " abc123"},
		{"unknown", Version + " unknown exe:" + d},
		{"abc123+dirty", Version + " abc123+dirty exe:" + d},
	} {
		revision = c.rev
		if got := ID(); got != c.want {
			t.Errorf("revision %q: ID() = %q, want %q", c.rev, got, c.want)
		}
	}
}
