package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
)

// memoryLimit returns the memory (bytes) a command may plan to use: the
// physical memory, or the cgroup's limit when lower, as the C API's
// default (memlimit.Default). Tests replace it.
var memoryLimit = memlimit.Default

// errTooLarge is wrapped by checkMemory's errors.
var errTooLarge = errors.New("more memory than the limit")

// checkMemory refuses work whose estimated memory (bytes) exceeds
// memoryLimit, before it starts: Go cannot recover from a failed
// allocation (the process would die with "fatal error: out of memory").
func checkMemory(cmdName, what string, bytes float64) error {
	l := memoryLimit()
	if bytes <= float64(l) {
		return nil
	}
	return fmt.Errorf("%s: %s needs about %.3g bytes (%.3g GiB) at least, %w of %d bytes (%.3g GiB: the physical memory, or this process's cgroup limit when lower): make it smaller",
		cmdName, what, bytes, bytes/(1<<30), errTooLarge, l, float64(l)/(1<<30))
}

// outputClash returns a parameter error naming arg (--checkpoint,
// --restore, a projection's edges_file) if path is one of outs, the files
// the run writes in outDir (its recordings, kernel.Network.SONATAFiles, and
// unless --no-network nodes.h5 and edges.h5), or one of their partial
// files. A run (with --overwrite, which removes them before it starts)
// would replace or remove it: an input there would be lost. Paths are
// compared absolute and cleaned, through symbolic links (samePath).
func outputClash(arg, path, outDir string, outs []string) error {
	ck, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("simulate: %s %s: %w", arg, path, err)
	}
	for _, f := range outs {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		if samePath(ck, abs) || samePath(ck, abs+export.PartialSuffix) {
			return param.New("simulate", arg, path,
				fmt.Sprintf("a file other than those the run writes in --out %s (it would replace %s; copy it elsewhere, or choose another --out)", outDir, f))
		}
	}
	return nil
}

// samePath reports whether the absolute paths a and b name the same file:
// equal, equal once the symbolic links of their directories are resolved,
// or (both existing) the same file by os.SameFile (hard links).
func samePath(a, b string) bool {
	if a == b || resolveDir(a) == resolveDir(b) {
		return true
	}
	fa, ea := os.Stat(a)
	fb, eb := os.Stat(b)
	return ea == nil && eb == nil && os.SameFile(fa, fb)
}

// resolveDir returns p with the symbolic links of its directory resolved
// (p itself when that fails: a directory yet to be made).
func resolveDir(p string) string {
	if d, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(d, filepath.Base(p))
	}
	return p
}

// inputClashes returns outputClash's error for the first of the run's
// inputs that is one of its outputs: --restore's checkpoint and the spec's
// edges files.
func inputClashes(spec kernel.Spec, restore, outDir string, outs []string) error {
	if restore != "" {
		if err := outputClash("--restore", restore, outDir, outs); err != nil {
			return err
		}
	}
	for i, pr := range spec.Projections {
		if pr.EdgesFile != "" {
			if err := outputClash(fmt.Sprintf("projection[%d].edges_file", i), pr.EdgesFile, outDir, outs); err != nil {
				return err
			}
		}
	}
	return nil
}
