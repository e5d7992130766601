//go:build cgo && !nohdf5

package export_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/neurodyn/neurodyn/export"
)

// Create a file with provenance, a growable dataset and attributes, then
// read it back.
func ExampleCreate() {
	dir, err := os.MkdirTemp("", "h5")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "run.h5")

	prov := export.NewProvenance(`{"n": 100}`, "json", export.Seed{Name: "network", Value: 42})
	f, err := export.Create(path, export.WithProvenance(prov))
	if err != nil {
		log.Fatal(err)
	}
	g, err := f.CreateGroup("traces")
	if err != nil {
		log.Fatal(err)
	}
	d, err := g.CreateDataset("v", export.Float32, []int{0, 2},
		&export.DatasetOptions{MaxShape: []int{export.Unlimited, 2}})
	if err != nil {
		log.Fatal(err)
	}
	for step := 0; step < 3; step++ { // one row of two neurons per step
		if err := export.Append(d, []float32{float32(step), -float32(step)}); err != nil {
			log.Fatal(err)
		}
	}
	if err := export.SetStringAttr(d, "units", "mV"); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil { // sets complete = 1 and renames run.h5.partial to run.h5
		log.Fatal(err)
	}

	r, err := export.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	v, shape, err := export.Read[float32](&r.Group, "traces/v")
	if err != nil {
		log.Fatal(err)
	}
	done, _ := r.Complete()
	p, _ := export.ReadProvenance(r)
	fmt.Println(v, shape, done, p.Seeds[0].Name, p.Seeds[0].Value)
	// Output:
	// [0 -0 1 -1 2 -2] [3 2] true network 42
}

// Stream spikes of two populations into a SONATA spike report, as the
// kernel's recorders do, and read it back.
func ExampleSpikeWriter() {
	dir, err := os.MkdirTemp("", "spikes")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "spikes.h5")

	w, err := export.NewSpikeWriter(path, export.SortByTime, []string{"E", "I"}, export.StreamOptions{})
	if err != nil {
		log.Fatal(err)
	}
	// Each step, the engine appends the spikes of the step (times in ms).
	w.AppendSpikesTo(0, []float64{0.1, 0.1}, []uint64{3, 7})
	w.AppendSpikesTo(1, []float64{0.2}, []uint64{1})
	w.AppendSpikesTo(0, []float64{0.3}, []uint64{3})
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	pops, err := export.ReadSpikes(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range pops {
		fmt.Println(p.Name, p.Sorting, p.TimesMs, p.NodeIDs)
	}
	// Output:
	// E by_time [0.1 0.1 0.3] [3 7 3]
	// I by_time [0.2] [1]
}
