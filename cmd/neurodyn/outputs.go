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

// checkpointClash returns a parameter error naming --checkpoint if path is
// one of the files a run writes in outDir: its recordings (recFiles,
// kernel.Network.SONATAFiles), spikes.h5, nodes.h5, edges.h5, or one of
// their partial files. Paths are compared absolute and cleaned.
func checkpointClash(path, outDir string, recFiles []string) error {
	ck, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("simulate: --checkpoint %s: %w", path, err)
	}
	outs := append([]string(nil), recFiles...)
	for _, f := range kernel.SONATAFixedFiles {
		outs = append(outs, filepath.Join(outDir, f))
	}
	for _, f := range outs {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		if ck == abs || ck == abs+export.PartialSuffix {
			return param.New("simulate", "--checkpoint", path,
				fmt.Sprintf("a file other than those the run writes in --out %s (it would replace %s)", outDir, f))
		}
	}
	return nil
}

// removeOutputs removes the files of paths that exist (and their partial
// files, left by a killed writer) and returns those it removed.
func removeOutputs(paths []string) ([]string, error) {
	var removed []string
	for _, p := range paths {
		for _, q := range []string{p, p + export.PartialSuffix} {
			err := os.Remove(q)
			switch {
			case err == nil:
				removed = append(removed, q)
			case !errors.Is(err, os.ErrNotExist):
				return removed, err
			}
		}
	}
	return removed, nil
}
