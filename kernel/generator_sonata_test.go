package kernel

import (
	"cmp"
	"path/filepath"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/synapses"
)

// TestSpikeGeneratorSONATA: a spike_generator's spikes streamed to
// spikes.h5 are the trains given (on the grid at the next grid point, in
// precise mode the times themselves), the same as in memory; nodes.h5
// names its model and edges.h5 holds its projection.
func TestSpikeGeneratorSONATA(t *testing.T) {
	idx := []int{2, 0, 2, 1, 0, 2}
	tms := []float64{0.73, 1.5, 4.01, 4.01, 9.999, 4.05}
	for _, precise := range []bool{false, true} {
		t.Run(map[bool]string{false: "grid", true: "precise"}[precise], func(t *testing.T) {
			spec := Spec{DtMs: 0.1, Precise: precise,
				Populations: []PopulationSpec{
					{Name: "G", N: 3, Model: "spike_generator", SpikeIndices: idx, SpikeTimesMs: tms},
					{Name: "E", N: 2, Model: "lif_delta"},
				},
				Projections: []ProjectionSpec{{Source: "G", Target: "E", Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapses.Weights{Value: 1}, DelayMs: 1}},
				Recorders:   []RecorderSpec{{Kind: "spikes", Population: "G"}},
			}
			mem, net, _, dir := recordBoth(t, spec, 12)
			if err := net.WriteSONATANetwork(dir); err != nil {
				t.Fatal(err)
			}
			sp, err := export.ReadSpikes(filepath.Join(dir, "spikes.h5"))
			if err != nil {
				t.Fatal(err)
			}
			if len(sp) != 1 || sp[0].Name != "G" {
				t.Fatalf("spike populations %+v, want G", sp)
			}
			type s struct {
				t  float64
				id uint64
			}
			var got, want, inMem []s
			for i := range sp[0].TimesMs {
				got = append(got, s{sp[0].TimesMs[i], sp[0].NodeIDs[i]})
			}
			m := mem.Recorder("spikes:G").Spikes()
			for i := range m.TimesMs {
				inMem = append(inMem, s{m.TimesMs[i], uint64(m.IDs[i])})
			}
			for k, j := range idx {
				st, off := spikeStep(tms[k], 0.1)
				x := float64(st+1) * 0.1
				if precise {
					x = float64(float64(st)*0.1) + off
					if x != tms[k] {
						t.Fatalf("precise time %v of %v", x, tms[k])
					}
				}
				want = append(want, s{x, uint64(j)})
			}
			order := func(a, b s) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.id, b.id)) }
			for _, l := range [][]s{got, want, inMem} {
				slices.SortFunc(l, order)
			}
			if !slices.Equal(got, want) || !slices.Equal(inMem, want) {
				t.Fatalf("spikes.h5 %v\nin memory %v\nwant %v", got, inMem, want)
			}
			nodes, err := export.ReadNodes(filepath.Join(dir, "nodes.h5"))
			if err != nil {
				t.Fatal(err)
			}
			g := slices.IndexFunc(nodes, func(p export.NodePopulation) bool { return p.Name == "G" })
			if len(nodes) != 2 || g < 0 || nodes[g].Size() != 3 {
				t.Fatalf("node populations %+v, want G of 3 among 2", nodes)
			}
			tmpl, err := export.ColumnData[string](nodes[g].Attributes[0])
			if err != nil || nodes[g].Attributes[0].Name != "model_template" || tmpl[0] != "neurodyn:spike_generator" {
				t.Fatalf("G's attributes %+v (%v), want model_template neurodyn:spike_generator", nodes[g].Attributes, err)
			}
			ep, err := export.ReadEdgePopulation(filepath.Join(dir, "edges.h5"), "G_to_E")
			if err != nil {
				t.Fatal(err)
			}
			if ep.Source != "G" || len(ep.SourceIDs) != 6 {
				t.Fatalf("edges G_to_E from %s: %d, want 6 from G", ep.Source, len(ep.SourceIDs))
			}
		})
	}
}
