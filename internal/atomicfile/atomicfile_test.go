package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "a.json")
	if err := WriteFile(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Fatalf("content %q", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	// A failing fill leaves the old file and no temporary file behind.
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "one" {
		t.Errorf("a failed write changed the file: %q", b)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("%d entries left in the directory", len(ents))
	}
}

// TestCreate checks that of writers racing to create one file exactly one
// succeeds, the others get os.ErrExist, the file holds the winner's whole
// content and no temporary file is left.
func TestCreate(t *testing.T) {
	for round := range 20 {
		path := filepath.Join(t.TempDir(), "spec.toml")
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = Create(path, func(w io.Writer) error {
					_, err := fmt.Fprintf(w, "writer %d", i)
					return err
				})
			}()
		}
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Fatalf("round %d: writers %d and %d both created the file", round, won, i)
			case err == nil:
				won = i
			case !errors.Is(err, os.ErrExist):
				t.Fatalf("round %d: writer %d: %v, want os.ErrExist", round, i, err)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: no writer created the file", round)
		}
		if b, _ := os.ReadFile(path); string(b) != fmt.Sprintf("writer %d", won) {
			t.Errorf("round %d: content %q, want the winner's", round, b)
		}
		if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
			t.Errorf("round %d: %d entries left in the directory", round, len(ents))
		}
	}
}
