package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// reworded is an error whose message is rewritten for the command line
// (library names replaced by flags) and which still unwraps to the
// original, so errors.Is and errors.As keep working.
type reworded struct {
	msg string
	err error
}

func (e *reworded) Error() string { return e.msg }
func (e *reworded) Unwrap() error { return e.err }

// overwriteHint puts the flag that replaces an existing file in place of
// the library's advice (export.ExistsError names the Go option).
func overwriteHint(err error) error {
	return export.WithOverwriteHint(err, "pass --overwrite to replace it, or choose another --out")
}

// cliHint words, in an error no command reworded, the Go API's advice for
// an existing file for the command line: commands with --overwrite reword
// theirs (overwriteHint); for the others, the file is in the way.
func cliHint(err error) error {
	var ee *export.ExistsError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), export.GoOverwriteHint) {
		return err
	}
	return export.WithOverwriteHint(err, "remove it, or choose another output path")
}

// seriesParamFlags maps the names package tasks gives the fields of
// LoadOptions and SeriesConfig to the flags that set them.
var seriesParamFlags = map[string]string{
	"Format":            "--format",
	"Key":               "--key",
	"Header":            "--header",
	"Columns":           "--columns",
	"TrainFrac/ValFrac": "--train-frac/--val-frac",
}

// presetParamFlags maps the names package kernel gives the fields of
// PresetOptions to the flags of simulate that set them.
var presetParamFlags = map[string]string{
	"N":       "--n",
	"K":       "--k",
	"DtMs":    "--dt-ms",
	"Workers": "--workers",
}

// seriesFlagErr renames, in a parameter error of package tasks, the field
// of the loading options to the flag the user gave.
func seriesFlagErr(err error) error { return flagErr(err, "tasks", seriesParamFlags) }

// flagErr renames, in a parameter error of package pkg, a field named in
// flags to the flag the user gave.
func flagErr(err error, pkg string, flags map[string]string) error {
	var pe *param.Error
	if err == nil || !errors.As(err, &pe) || pe.Pkg != pkg {
		return err
	}
	flag, ok := flags[pe.Name]
	if !ok {
		return err
	}
	ne := *pe
	ne.Name = flag
	return &reworded{msg: strings.Replace(err.Error(), pe.Error(), ne.Error(), 1), err: err}
}

// onlyWith returns a parameter error for the first of the flags that was
// given although it only applies with cond (described by allowed).
func onlyWith(cmdName string, fl *pflag.FlagSet, flags []string, allowed string) error {
	for _, name := range flags {
		if f := fl.Lookup(name); f != nil && f.Changed {
			return param.New(cmdName, "--"+name, f.Value.String(), allowed)
		}
	}
	return nil
}

// refuseExisting returns an error if one of paths (or its partial file,
// left by a writer that was killed) exists, unless overwrite is set: it
// lets a command refuse before it runs, rather than after its work is done.
// flag names the option that chose the paths.
func refuseExisting(cmdName, flag string, overwrite bool, paths ...string) error {
	if overwrite {
		return nil
	}
	for _, p := range paths {
		for _, q := range []string{p, p + export.PartialSuffix} {
			if _, err := os.Lstat(q); err == nil {
				return &reworded{
					msg: fmt.Sprintf("%s: %s exists (pass --overwrite to replace it, or choose another %s)", cmdName, q, flag),
					err: fmt.Errorf("%w: %s", export.ErrExists, q),
				}
			}
		}
	}
	return nil
}

// writableDir creates dir if needed and checks that a file can be created
// in it, so that a command fails before it runs, not after. flag names the
// option that chose dir.
func writableDir(cmdName, flag, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%s: %s: cannot create directory %s: %w", cmdName, flag, dir, err)
	}
	f, err := os.CreateTemp(dir, ".neurodyn-write-test-*")
	if err != nil {
		return fmt.Errorf("%s: %s: directory %s is not writable: %w", cmdName, flag, dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(filepath.Clean(name))
}

// usageError is a command-line mistake cobra found (an unknown flag, a
// value that does not parse); main exits with status 2 for it, as for
// parameter errors.
type usageError struct {
	err  error
	path string
}

func (e *usageError) Error() string {
	return fmt.Sprintf("%s: %v (see '%s --help')", e.path, e.err, e.path)
}
func (e *usageError) Unwrap() error { return e.err }

// isUsage reports whether err is a command-line mistake: a bad parameter
// or a flag cobra could not parse.
func isUsage(err error) bool {
	var ue *usageError
	return errors.Is(err, param.ErrInvalid) || errors.As(err, &ue)
}

// interrupted words an error caused by an interrupt (Ctrl-C, SIGTERM):
// what was kept and how to go on, instead of a bare "context canceled".
func interrupted(err error, cmdName, kept string) error {
	if err == nil || !errors.Is(err, context.Canceled) {
		return err
	}
	return &reworded{msg: fmt.Sprintf("%s: interrupted; %s (%v)", cmdName, kept, err), err: err}
}
