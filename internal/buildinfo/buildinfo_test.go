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
