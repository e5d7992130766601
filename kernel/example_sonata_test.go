//go:build cgo && !nohdf5

package kernel_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// A network written as SONATA (nodes.h5, edges.h5) and rebuilt from its
// edges file fires the same spikes.
func ExampleNetwork_WriteSONATANetwork() {
	spec, _ := kernel.Preset("brunel", kernel.PresetOptions{N: 500, Seed: 1, Record: true})
	dir, _ := os.MkdirTemp("", "edges")
	defer os.RemoveAll(dir)
	a, _ := kernel.New(spec)
	defer a.Close()
	if err := a.WriteSONATANetwork(dir); err != nil {
		fmt.Println(err)
		return
	}
	again := spec
	again.Projections = slices.Clone(spec.Projections)
	for i := range again.Projections {
		again.Projections[i].Rule = synapses.Rule{Kind: "sonata"}
		again.Projections[i].EdgesFile = filepath.Join(dir, "edges.h5")
	}
	b, err := kernel.New(again)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Close()
	a.Run(200)
	b.Run(200)
	sa, sb := a.Recorder("spikes:E").Spikes(), b.Recorder("spikes:E").Spikes()
	fmt.Println("synapses:", a.Stats().Synapses == b.Stats().Synapses)
	fmt.Println("same spikes:", len(sa.TimesMs) > 0 && slices.Equal(sa.TimesMs, sb.TimesMs) && slices.Equal(sa.IDs, sb.IDs))
	// Output:
	// synapses: true
	// same spikes: true
}
