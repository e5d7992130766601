package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/atomicfile"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
)

// runManifestName is the file simulate writes in --out to list the files of
// its run, so that a later run with --overwrite removes exactly those (and
// never a file neurodyn did not write there).
const runManifestName = "neurodyn-run.json"

// runLockName is the lock file simulate holds in --out while it runs (the
// tutorial's, so that the two never write one directory at once): while it
// is held, no other neurodyn run writes there, and *.partial files of the
// manifest's names are leftovers of a run that died.
const runLockName = tutorialLock

// runManifest is the content of runManifestName.
type runManifest struct {
	// Writer is "neurodyn simulate"; a file naming another writer is not
	// trusted.
	Writer  string `json:"writer"`
	Version string `json:"version"`
	// State is "running" (written before the run: a manifest left in that
	// state is of a run that died), "finished" or "interrupted".
	State      string `json:"state"`
	CreatedUTC string `json:"created_utc"`
	Seed       uint64 `json:"seed"`
	// Files are the base names of the files the run writes in the
	// directory; a stream (a recording) may be written as segments
	// (<stem>.000000.h5, …: export.SegmentPath), which belong to it too.
	Files []string `json:"files"`
}

const manifestWriter = "neurodyn simulate"

// readRunManifest reads the manifest of dir: nil when there is none. A
// manifest that does not parse, or that names a file outside dir or not
// an .h5 file or a types table, is an error: nothing is removed on its
// word.
func readRunManifest(dir string) (*runManifest, error) {
	path := filepath.Join(dir, runManifestName)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m runManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: not a neurodyn run manifest (%v): remove it, or choose another --out", path, err)
	}
	if m.Writer != manifestWriter {
		return nil, fmt.Errorf("%s: writer %q, not %q: remove it, or choose another --out", path, m.Writer, manifestWriter)
	}
	for _, f := range m.Files {
		if !manifestName(f) {
			return nil, fmt.Errorf("%s: lists %q, not the name of an .h5 file (or node_types.csv, edge_types.csv) in its directory: remove it, or choose another --out", path, f)
		}
	}
	return &m, nil
}

// manifestName reports whether f may be listed in a manifest: the base name
// of an .h5 file or of one of the types tables (node_types.csv,
// edge_types.csv) in the directory.
func manifestName(f string) bool {
	if f == "node_types.csv" || f == "edge_types.csv" {
		return true
	}
	return f != "" && f == filepath.Base(f) && !strings.ContainsAny(f, `/\`) && strings.HasSuffix(f, ".h5") && f != ".h5"
}

// writeRunManifest writes m to dir atomically.
func writeRunManifest(dir string, m *runManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, runManifestName), append(b, '\n'))
}

// newRunManifest starts the manifest of a run writing files (paths in dir).
func newRunManifest(seed uint64, files []string) *runManifest {
	m := &runManifest{Writer: manifestWriter, Version: buildinfo.Version, State: "running",
		CreatedUTC: time.Now().UTC().Format(time.RFC3339), Seed: seed}
	for _, f := range files {
		m.Files = append(m.Files, filepath.Base(f))
	}
	sort.Strings(m.Files)
	m.Files = slices.Compact(m.Files)
	return m
}

// runFiles lists what exists in dir of the streams named (base names): each
// one's complete file or segments, and separately its leftovers of a writer
// that did not finish (*.partial, *.partial.unsorted, of the file or of a
// segment).
func runFiles(dir string, names []string) (complete, leftover []string, err error) {
	for _, name := range names {
		p := filepath.Join(dir, name)
		var segs []string
		if strings.HasSuffix(name, ".h5") {
			if segs, err = filepath.Glob(strings.TrimSuffix(p, ".h5") + ".[0-9][0-9][0-9][0-9][0-9][0-9].h5*"); err != nil {
				return nil, nil, err
			}
		}
		for _, q := range append([]string{p, p + export.PartialSuffix, p + export.PartialSuffix + ".unsorted"}, segs...) {
			st, err := os.Lstat(q)
			if err != nil || st.IsDir() {
				continue
			}
			switch {
			case strings.HasSuffix(q, ".h5"), strings.HasSuffix(q, ".csv"):
				complete = append(complete, q)
			case strings.HasSuffix(q, export.PartialSuffix), strings.HasSuffix(q, export.PartialSuffix+".unsorted"):
				leftover = append(leftover, q)
			}
		}
	}
	sort.Strings(complete)
	sort.Strings(leftover)
	return slices.Compact(complete), slices.Compact(leftover), nil
}

// prepareOut makes --out ready for a run writing outs (paths in dir), under
// the run lock: with overwrite, it removes every file of the earlier run
// its manifest lists (complete, segments, leftovers) and every file of
// outs; without, it refuses when one of them exists complete, and removes
// only leftovers (*.partial) of a run that died, which nothing can read
// and which would block the run. Files of keep (this run's inputs: an
// edges file, a checkpoint to restore, which an earlier run may have
// written there) are neither removed nor refused. It returns the files it
// removed.
func prepareOut(dir string, outs, keep []string, overwrite bool) (removed []string, err error) {
	old, err := readRunManifest(dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(outs))
	for _, f := range outs {
		names = append(names, filepath.Base(f))
	}
	var oldNames []string
	if old != nil {
		oldNames = old.Files
	}
	complete, leftover, err := runFiles(dir, append(slices.Clone(oldNames), names...))
	if err != nil {
		return nil, err
	}
	isInput := func(f string) bool {
		a, err := filepath.Abs(f)
		if err != nil {
			return true // keep what cannot be compared
		}
		for _, k := range keep {
			if b, err := filepath.Abs(k); err == nil && samePath(a, b) {
				return true
			}
		}
		return false
	}
	complete = slices.DeleteFunc(complete, isInput)
	if !overwrite && len(complete) > 0 {
		what := "exists"
		if len(complete) > 1 {
			what = "exist"
		}
		if old != nil {
			what += fmt.Sprintf(", of an earlier run (%s lists its files)", filepath.Join(dir, runManifestName))
		}
		return nil, &reworded{
			msg: fmt.Sprintf("simulate: %s %s: pass --overwrite to replace that run's files, or choose another --out", strings.Join(complete, ", "), what),
			err: fmt.Errorf("%w: %s", export.ErrExists, complete[0]),
		}
	}
	for _, f := range append(complete, leftover...) {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, f)
	}
	return removed, nil
}
