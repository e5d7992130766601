// Command writedatasets writes the reference datasets in every on-disk
// format neurodyn produces, for the Python interoperability tests
// (python/tests/test_datasets.py, run by `make test` through mk/tasks.mk):
//
//	<dir>/lorenz_data.npz   the reference tutorial's .npz layout
//	<dir>/lorenz.h5         the Lorenz-63 dataset as HDF5 (with eval split)
//	<dir>/flipflop.h5       the 3-bit flip-flop task as HDF5
//
// Usage: go run ./tasks/internal/writedatasets -dir build/datasets
//
// Existing files in dir are replaced. In builds without HDF5 (-tags nohdf5
// or CGO_ENABLED=0) only the .npz is written and a note goes to stderr.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/tasks"
)

func main() {
	dir := flag.String("dir", "", "output directory (created if missing)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "writedatasets: -dir is required")
		os.Exit(2)
	}
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "writedatasets:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{})
	if err != nil {
		return err
	}
	if err := d.WriteNPZ(filepath.Join(dir, "lorenz_data.npz"), export.Overwrite()); err != nil {
		return err
	}
	err = d.WriteHDF5(filepath.Join(dir, "lorenz.h5"), export.Overwrite())
	if errors.Is(err, export.ErrNoHDF5) {
		fmt.Fprintln(os.Stderr, "writedatasets: built without HDF5; wrote the .npz only")
		return nil
	}
	if err != nil {
		return err
	}
	ff, err := tasks.GenerateFlipFlop(tasks.FlipFlopConfig{})
	if err != nil {
		return err
	}
	return ff.WriteHDF5(filepath.Join(dir, "flipflop.h5"), export.Overwrite())
}
