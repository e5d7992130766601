package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/atomicfile"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
)

func newSimulateCmd(g *globals) *cobra.Command {
	var (
		specPath, preset, outDir, restore, checkpoint string
		n, k, workers                                 int
		durMs, dtMs                                   float64
		seed                                          uint64
		noNetwork, overwrite                          bool
	)
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run a spiking network (a TOML/JSON network spec or a preset) and write SONATA files",
		Long: `simulate builds a spiking network from a network spec (TOML or JSON, the schema of
package kernel; see 'go doc github.com/neurodyn/neurodyn/kernel') or from a preset
(cuba, coba, brunel, scale), runs it, and writes its recorders to SONATA files:
spikes.h5 (spike report), one frame report per state/rate recorder, and the
network as nodes.h5/edges.h5. Presets record the spikes of every population.
--checkpoint saves the full simulation state at the end; --restore continues a
saved run exactly (same spikes as an uninterrupted run).`,
		Example: `  neurodyn simulate --preset cuba --duration-ms 1000 --out sim/cuba
  neurodyn simulate --preset brunel --n 12500 --duration-ms 1000 --workers 2 --out sim/brunel
  neurodyn simulate --spec net.toml --duration-ms 500 --checkpoint sim/half.ckpt --out sim/a
  neurodyn simulate --spec net.toml --duration-ms 500 --restore sim/half.ckpt --out sim/b`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (specPath == "") == (preset == "") {
				return param.New("simulate", "--spec/--preset", "neither or both given", "exactly one of them")
			}
			if err := param.Positive("simulate", "--duration-ms", durMs); err != nil {
				return err
			}
			var spec kernel.Spec
			var err error
			if preset != "" {
				spec, err = kernel.Preset(preset, kernel.PresetOptions{N: n, K: k, DtMs: dtMs, Seed: seed, Workers: workers, Record: true})
			} else {
				spec, err = loadSpec(specPath)
				if err == nil {
					fl := cmd.Flags()
					if fl.Changed("seed") {
						spec.Seed = seed
					}
					if fl.Changed("workers") {
						spec.Workers = workers
					}
					err = spec.Validate()
				}
			}
			if err != nil {
				return err
			}
			net, err := kernel.New(spec)
			if err != nil {
				return err
			}
			defer net.Close()
			if restore != "" {
				f, err := os.Open(restore)
				if err != nil {
					return err
				}
				err = net.Restore(f)
				f.Close()
				if err != nil {
					return fmt.Errorf("simulate: restore %s: %w", restore, err)
				}
			}
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				return err
			}
			rec, err := net.RecordSONATA(outDir, kernel.SONATAOptions{Stream: export.StreamOptions{Overwrite: overwrite}})
			if err != nil {
				return err
			}
			var bar *progressbar.ProgressBar
			if g.bars() {
				bar = progressbar.NewOptions64(int64(durMs), progressbar.OptionSetWriter(os.Stderr),
					progressbar.OptionSetDescription("simulating (ms)"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			}
			before := net.Stats()
			t0 := time.Now()
			// Run in 100 ms pieces for the progress bar; the result does
			// not depend on how a run is split.
			chunk := 100.0
			for done := 0.0; done < durMs; done += chunk {
				d := min(chunk, durMs-done)
				if err := net.Run(d); err != nil {
					rec.Close()
					return err
				}
				if bar != nil {
					bar.Add64(int64(d))
				}
				if err := cmd.Context().Err(); err != nil {
					rec.Close()
					return err
				}
			}
			wall := time.Since(t0).Seconds()
			if err := rec.Close(); err != nil {
				return err
			}
			if checkpoint != "" {
				if err := writeCheckpoint(net, checkpoint); err != nil {
					return err
				}
			}
			if !noNetwork {
				var opts []export.Option
				if overwrite {
					opts = append(opts, export.Overwrite())
				}
				if err := net.WriteSONATANetwork(outDir, opts...); err != nil {
					return err
				}
			}
			st := net.Stats()
			neuronsN := 0
			for _, p := range spec.Populations {
				neuronsN += p.N
			}
			spikes := st.Spikes - before.Spikes
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "simulated %.0f ms of %d neurons and %d synapses (%.2f bytes/synapse) in %.3f s: real-time factor %.4g\n",
				durMs, neuronsN, st.Synapses, float64(st.SynBytes)/float64(max(1, st.Synapses)), wall, wall/(durMs/1000))
			fmt.Fprintf(w, "spikes %d (mean rate %.2f Hz), synaptic events %d (%.3g/s wall), build %.3f s\n",
				spikes, float64(spikes)/float64(max(1, neuronsN))/(durMs/1000), st.SynEvents-before.SynEvents,
				float64(st.SynEvents-before.SynEvents)/wall, st.BuildTime.Seconds())
			files := rec.Files
			if !noNetwork {
				files = append(files, filepath.Join(outDir, "nodes.h5"))
				if len(spec.Projections) > 0 {
					files = append(files, filepath.Join(outDir, "edges.h5"))
				}
			}
			fmt.Fprintf(w, "wrote %s\n", strings.Join(files, ", "))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&specPath, "spec", "", "network spec file (.toml or .json)")
	f.StringVar(&preset, "preset", "", "preset network: cuba, coba, brunel or scale")
	f.IntVar(&n, "n", 0, "preset: total neurons (0: the preset's size)")
	f.IntVar(&k, "k", 0, "preset cuba/coba/scale: synapses per neuron (0: default)")
	f.Float64Var(&durMs, "duration-ms", 1000, "biological time to simulate (ms)")
	f.Float64Var(&dtMs, "dt-ms", 0, "preset: time step in ms (0: 0.1)")
	f.Uint64Var(&seed, "seed", 0, "seed (0: the spec's or preset's)")
	f.IntVar(&workers, "workers", 1, "worker goroutines; spikes do not depend on it")
	f.StringVar(&outDir, "out", "sim", "output directory")
	f.StringVar(&checkpoint, "checkpoint", "", "save the simulation state here at the end")
	f.StringVar(&restore, "restore", "", "continue from a checkpoint of the same network")
	f.BoolVar(&noNetwork, "no-network", false, "do not write nodes.h5/edges.h5")
	f.BoolVar(&overwrite, "overwrite", false, "replace existing output files")
	return cmd
}

func loadSpec(path string) (kernel.Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return kernel.Spec{}, err
	}
	defer f.Close()
	var s kernel.Spec
	if filepath.Ext(path) == ".json" {
		s, err = kernel.DecodeJSON(f)
	} else {
		s, err = kernel.DecodeTOML(f)
	}
	if err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// writeCheckpoint saves the network state atomically.
func writeCheckpoint(net *kernel.Network, path string) error {
	return atomicfile.Write(path, net.Checkpoint)
}
