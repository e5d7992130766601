package asm

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	fmt.Fprintf(os.Stderr, "asm: kernel path %s (available: %v)\n", Path(), Paths())
	os.Exit(m.Run())
}

// forEachPath runs f as a subtest on every available path, then restores
// the default path.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	defer Reset()
	for _, p := range Paths() {
		if err := Select(p); err != nil {
			t.Fatal(err)
		}
		t.Run("path="+p, f)
	}
}
