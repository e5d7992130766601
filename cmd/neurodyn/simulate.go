package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/atomicfile"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/timegrid"
	"github.com/neurodyn/neurodyn/kernel"
)

// networkFiles are the files simulate writes a network to in --out
// (kernel.WriteSONATANetwork), unless --no-network.
var networkFiles = []string{"nodes.h5", "node_types.csv", "edges.h5", "edge_types.csv"}

func newSimulateCmd(g *globals) *cobra.Command {
	var (
		specPath, preset, outDir, restore, checkpoint string
		n, k, workers                                 int
		durMs, dtMs                                   float64
		seed                                          uint64
		noNetwork, overwrite                          bool
		segmentRecords                                int64
		segmentSeconds, segmentMs                     float64
	)
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run a spiking network (a TOML/JSON network spec or a preset) and write SONATA files",
		Long: `simulate builds a spiking network from a network spec (TOML or JSON, the schema of
package kernel; see 'go doc github.com/neurodyn/neurodyn/kernel') or from a preset
(cuba, coba, cobahh, brunel, brunel_alpha, vogels, scale, izhikevich2003), runs it, and writes its recorders to SONATA files:
spikes.h5 (spike report), one frame report <recorder>.h5 per sampled recorder
(state, rate, filtered_spikes, weights), and the network as nodes.h5/edges.h5.
Presets record the spikes of every population.
The spike report holds each population once, /spikes/<population> (SONATA):
a spec with two spikes recorders of one population is refused (record it with
one, its neurons the union of theirs). A recorder's file is its name with '/',
':', ' ' and '\' as '_' (state:E writes state_E.h5): a spec whose recorders
would share a file, or take spikes.h5, nodes.h5 or edges.h5, is refused, with
names compared regardless of case. A network whose estimated memory exceeds
the physical memory (or the process's cgroup limit, when lower) is refused
before it is built.
A projection may read its synapses from a SONATA edges file (rule kind
"sonata", edges_file relative to the spec file): an earlier run's edges.h5
rebuilds its network exactly, another tool's (BMTK) brings its connectivity.
Projections with plasticity (STDP, inhibitory STDP) learn as the network runs;
edges.h5 then holds the weights at the end of the run, every pairing of a
postsynaptic spike that has reached its synapse taken in (the weights a
weights recorder samples then; the kernel itself takes a pairing in only at
the source's next spike), and a weights recorder (kind "weights", projection
"<source>_to_<target>") their course. Weights are in the unit of the target's
model (pA, mV onto lif_delta, nS onto conductance-based models); conductances
onto the inh receptor are negative in edges.h5 (NEST's convention) and
magnitudes in weights reports. A weights recorder of a projection that drew no
synapses writes no report (a notice says so).
--checkpoint saves the full simulation state at the end (to a file other than
the run's outputs; nor may --restore or a spec's edges_file be one of them);
--restore continues a saved run exactly (same spikes as an uninterrupted run)
of the same network, with any --workers. An interrupted run
(Ctrl-C, SIGTERM from a batch system) finishes its recordings with the time
it simulated, saves --checkpoint, skips nodes.h5/edges.h5 and exits with
status 130 (143 for SIGTERM: 128 + the signal's number, as a shell reports
a process killed by it). A run lists the files it writes in --out in
neurodyn-run.json (and holds the lock .neurodyn.lock while it runs). Existing
output files are never replaced without --overwrite; with it, the earlier
run's files (those its neurodyn-run.json lists, whatever this run records)
and the files this run writes (its recordings, and nodes.h5 and edges.h5
unless --no-network) are removed before it starts, so that --out holds this
run's files alone, also when it is interrupted; other files are left alone.
A *.partial file of these names is what a run that died left (killed, or
out of disk space): unreadable, it is removed with a notice, with or without
--overwrite.

A recording is one HDF5 file, complete only when the run ends: a kill -9 (or
a power cut) leaves spikes.h5.partial, which HDF5 cannot open. With
--segment-records or --segment-seconds each recording is written as segments
(spikes.000000.h5, spikes.000001.h5, …; v.000000.h5, …), each a complete
SONATA file once closed: a kill -9 loses only the segment being written
(left as *.partial). --segment-ms cuts every recording at the same
simulated times, each spike segment recording its interval: what survives a
kill is then every spike and frame up to the last cut, and says so; cut by
count or wall time (--segment-records, --segment-seconds) a segment closes
when a block of 1 MiB per population reaches the writer, so the
populations' segments end at different times (a quiet population's last
spikes may be in no complete segment) and only the last segment records the
interval. analyze spikes --data sim/spikes.h5 and
python -m neurodyn.interop sim/*.h5 read the complete segments as one
recording (a *.partial one is left out, and said so). No other recovery is
possible: HDF5 cannot open a file its writer did not close.`,
		Example: `  neurodyn simulate --preset cuba --duration-ms 1000 --out sim/cuba
  neurodyn simulate --preset brunel --n 12500 --duration-ms 1000 --workers 2 --out sim/brunel
  neurodyn simulate --spec net.toml --duration-ms 500 --checkpoint sim/half.ckpt --out sim/a
  neurodyn simulate --spec net.toml --duration-ms 500 --restore sim/half.ckpt --out sim/b
  neurodyn simulate --preset brunel --duration-ms 600000 --segment-ms 10000 --out sim/long`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			if (specPath == "") == (preset == "") {
				return param.New("simulate", "--spec/--preset", "neither or both given", "exactly one of them")
			}
			if err := param.Positive("simulate", "--duration-ms", durMs); err != nil {
				return err
			}
			if specPath != "" {
				if err := onlyWith("simulate", fl, []string{"n", "k", "dt-ms"}, "left out with --spec (the spec sets its sizes and dt_ms)"); err != nil {
					return err
				}
			}
			if preset == "brunel" {
				if err := onlyWith("simulate", fl, []string{"k"}, "left out with --preset brunel (its in-degree follows from --n; --preset scale takes --k)"); err != nil {
					return err
				}
			}
			var spec kernel.Spec
			var err error
			if preset != "" {
				// kernel.Preset validates the spec, which allocates per
				// neuron: refuse sizes that cannot fit before calling it.
				if err := checkMemory("simulate", "the preset network (--n)", float64(n)*64); err != nil {
					return err
				}
				spec, err = kernel.Preset(preset, kernel.PresetOptions{N: n, K: k, DtMs: dtMs, Seed: seed, Workers: workers, Record: true})
				err = flagErr(err, "kernel", presetParamFlags)
			} else {
				spec, err = loadSpec(specPath)
				if err == nil {
					if fl.Changed("seed") && seed != 0 {
						spec.Seed = seed
					}
					if fl.Changed("workers") {
						spec.Workers = workers
					}
				}
			}
			if err != nil {
				return err
			}
			// Go cannot recover from a failed allocation: refuse a network
			// that cannot fit before building it.
			if err := checkMemory("simulate", "the network", spec.EstimateBytes()); err != nil {
				return err
			}
			net, err := kernel.New(spec) // validates the spec (and reads its edges files) once
			if err != nil {
				return err
			}
			defer net.Close()
			total, err := durationSteps(durMs, net.DtMs())
			if err != nil {
				return err
			}
			if restore != "" {
				f, err := os.Open(restore)
				if err != nil {
					return fmt.Errorf("simulate: --restore: %w", err)
				}
				err = net.Restore(f)
				f.Close()
				if errors.Is(err, kernel.ErrCheckpointDamaged) { // the error names the file
					return fmt.Errorf("simulate: --restore: %w", err)
				}
				if err != nil {
					return fmt.Errorf("simulate: restore %s: %w", restore, err)
				}
			}
			// Refuse before running what could only be found out after it:
			// existing network or checkpoint files, a checkpoint in place of
			// an output, unwritable directories.
			recFiles, err := net.SONATAFiles(outDir)
			if err != nil {
				return err
			}
			// what this run writes in --out, which --overwrite removes first
			// (an edges.h5 goes with nodes.h5, even when this network has no
			// projections to write one)
			outs := slices.Clone(recFiles)
			if !noNetwork {
				for _, f := range networkFiles {
					outs = append(outs, filepath.Join(outDir, f))
				}
			}
			if err := inputClashes(spec, restore, outDir, outs); err != nil {
				return err
			}
			if segmentRecords < 0 {
				return param.New("simulate", "--segment-records", segmentRecords, "≥ 0 (0: no segments by count)")
			}
			if !(segmentSeconds >= 0) || math.IsInf(segmentSeconds, 0) {
				return param.New("simulate", "--segment-seconds", segmentSeconds, "a finite number of seconds ≥ 0 (0: no segments by time)")
			}
			var cutSteps int64 // --segment-ms in steps
			if fl.Changed("segment-ms") {
				k, ok := timegrid.Steps(segmentMs, net.DtMs())
				if !(segmentMs > 0) || !ok || k < 1 {
					return param.New("simulate", "--segment-ms", segmentMs, fmt.Sprintf("a positive multiple of the time step dt = %g ms", net.DtMs()))
				}
				cutSteps = int64(k)
			}
			if checkpoint != "" {
				if err := outputClash("--checkpoint", checkpoint, outDir, outs); err != nil {
					return err
				}
				if filepath.Clean(checkpoint) != filepath.Clean(restore) {
					if err := refuseExisting("simulate", "--checkpoint", overwrite, checkpoint); err != nil {
						return err
					}
				}
				if err := writableDir("simulate", "--checkpoint", filepath.Dir(checkpoint)); err != nil {
					return err
				}
			}
			if err := writableDir("simulate", "--out", outDir); err != nil {
				return err
			}
			// One run writes --out at a time: while this one holds the
			// lock, *.partial files there are leftovers of a run that died.
			lock, err := lockOut("simulate", "--out", outDir, runLockName)
			if err != nil {
				return err
			}
			defer lock.release()
			// The earlier run's files (its manifest lists them) and this
			// run's go now with --overwrite, so that the directory holds
			// this run's files alone, also if it is interrupted; without
			// it, they are refused, and only unreadable leftovers of a
			// run that died (*.partial) are removed.
			inputs := []string{restore}
			for _, pr := range spec.Projections {
				inputs = append(inputs, pr.EdgesFile)
			}
			removed, err := prepareOut(outDir, outs, slices.DeleteFunc(inputs, func(s string) bool { return s == "" }), overwrite)
			if err != nil {
				if errors.Is(err, export.ErrExists) {
					return err
				}
				return fmt.Errorf("simulate: --out: %w", err)
			}
			var removedNet bool
			for _, f := range removed {
				removedNet = removedNet || slices.Contains(networkFiles, filepath.Base(f))
				if strings.Contains(filepath.Base(f), export.PartialSuffix) && !overwrite {
					fmt.Fprintf(cmd.ErrOrStderr(), "simulate: removed %s, left by a run that did not finish (unreadable; no run holds --out now)\n", f)
				}
			}
			manifest := newRunManifest(spec.Seed, outs)
			if err := writeRunManifest(outDir, manifest); err != nil {
				return fmt.Errorf("simulate: --out: %w", err)
			}
			stream := export.StreamOptions{Overwrite: overwrite, SegmentRecords: segmentRecords,
				SegmentInterval: time.Duration(segmentSeconds * float64(time.Second)), SegmentByCut: cutSteps > 0}
			rec, err := net.RecordSONATA(outDir, kernel.SONATAOptions{Stream: stream})
			if err != nil {
				return overwriteHint(err)
			}
			for _, r := range rec.Skipped {
				what := "no neuron"
				if r.Kind() == "weights" {
					what = fmt.Sprintf("no synapse (projection %s has none)", r.Projection())
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "simulate: recorder %q records %s: no frame report written\n", r.Name(), what)
			}
			var bar *progressbar.ProgressBar
			if g.bars() {
				bar = progressbar.NewOptions64(int64(durMs), progressbar.OptionSetWriter(os.Stderr),
					progressbar.OptionSetDescription("simulating (ms)"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			}
			before := net.Stats()
			plasticBefore := plasticWeights(net, spec)
			t0 := time.Now()
			// Run in pieces of about 100 ms (whole steps) for the progress
			// bar and to notice an interrupt; the result does not depend on
			// how a run is split.
			chunk := max(1, int64(math.Round(100/net.DtMs())))
			var done int64
			var stopped error
			for done < total {
				if stopped = cmd.Context().Err(); stopped != nil {
					break
				}
				steps := min(chunk, total-done)
				if cutSteps > 0 {
					steps = min(steps, cutSteps-done%cutSteps)
				}
				if err := net.RunSteps(steps); err != nil {
					rec.Close()
					return err
				}
				done += steps
				if cutSteps > 0 && done%cutSteps == 0 && done < total {
					if err := rec.Cut(); err != nil {
						rec.Close()
						return err
					}
				}
				if bar != nil {
					_ = bar.Set64(int64(float64(done) * net.DtMs()))
				}
			}
			doneMs := float64(done) * net.DtMs()
			wall := time.Since(t0).Seconds()
			// An interrupted run keeps what it simulated: the recordings
			// are finished (they hold the first doneMs), and the checkpoint
			// lets --restore continue from there.
			if err := rec.Close(); err != nil {
				return overwriteHint(err)
			}
			if checkpoint != "" {
				if err := writeCheckpoint(net, checkpoint); err != nil {
					return fmt.Errorf("simulate: --checkpoint: %w", err)
				}
			}
			// The network files are written after the run, so that the edges
			// of plastic projections hold the learned weights. An
			// interrupted run skips them (they can be large, and a batch
			// system allows little time after SIGTERM); its checkpoint holds
			// the weights.
			writeNet := !noNetwork && stopped == nil
			if writeNet {
				var opts []export.Option
				if overwrite {
					opts = append(opts, export.Overwrite())
				}
				if err := net.WriteSONATANetwork(outDir, opts...); err != nil {
					return overwriteHint(err)
				}
			}
			st := net.Stats()
			neuronsN := 0
			for _, p := range spec.Populations {
				neuronsN += p.N
			}
			spikes := st.Spikes - before.Spikes
			w := cmd.OutOrStdout()
			secs := max(doneMs, net.DtMs()) / 1000
			fmt.Fprintf(w, "simulated %g ms of %d neurons and %d synapses (%.2f bytes/synapse) in %.3f s: real-time factor %.4g\n",
				doneMs, neuronsN, st.Synapses, float64(st.SynBytes)/float64(max(1, st.Synapses)), wall, wall/secs)
			fmt.Fprintf(w, "spikes %d (mean rate %.2f Hz), synaptic events %d (%.3g/s wall), build %.3f s\n",
				spikes, float64(spikes)/float64(max(1, neuronsN))/secs, st.SynEvents-before.SynEvents,
				float64(st.SynEvents-before.SynEvents)/wall, st.BuildTime.Seconds())
			for k, pw := range plasticWeights(net, spec) {
				pr := spec.Projections[pw.index]
				if pw.n == 0 {
					fmt.Fprintf(w, "plastic projection[%d] %s→%s (%s): no synapses\n", pw.index, pr.Source, pr.Target, pr.Plasticity.Kind)
					continue
				}
				fmt.Fprintf(w, "plastic projection[%d] %s→%s (%s): mean weight %.6g → %.6g, %.1f%% at 0, %.1f%% at w_max\n",
					pw.index, pr.Source, pr.Target, pr.Plasticity.Kind, plasticBefore[k].mean, pw.mean,
					100*pw.atZero, 100*pw.atMax)
			}
			var files []string
			for _, f := range rec.Files {
				segs, _, err := export.Segments(f)
				if err == nil && len(segs) > 1 {
					f = fmt.Sprintf("%s (%d segments, %s … %s)", f, len(segs), filepath.Base(segs[0]), filepath.Base(segs[len(segs)-1]))
				}
				files = append(files, f)
			}
			if writeNet {
				for _, f := range net.NetworkFiles() {
					files = append(files, filepath.Join(outDir, f))
				}
			}
			manifest.State = "finished"
			if stopped != nil {
				manifest.State = "interrupted"
			}
			if err := writeRunManifest(outDir, manifest); err != nil {
				return fmt.Errorf("simulate: --out: %w", err)
			}
			fmt.Fprintf(w, "wrote %s\n", strings.Join(files, ", "))
			if stopped != nil {
				netNote := "nodes.h5/edges.h5 not written"
				switch {
				case noNetwork:
					netNote = "--no-network: nodes.h5/edges.h5 not written"
				case removedNet:
					netNote += "; --overwrite removed those of the earlier run"
				}
				msg := fmt.Sprintf("simulate: interrupted after %g of %g ms; the files above hold the first %g ms (%s)", doneMs, durMs, doneMs, netNote)
				if checkpoint != "" {
					// The continuation writes its own recordings (spike
					// times go on from doneMs), so it needs another --out.
					msg += fmt.Sprintf("; continue with --restore %s --duration-ms %g --out %s (its spike times go on from %g ms)",
						checkpoint, durMs-doneMs, continuationDir(outDir, doneMs), doneMs)
				}
				return fmt.Errorf("%s: %w", msg, stopped)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&specPath, "spec", "", "network spec file (.toml or .json)")
	f.StringVar(&preset, "preset", "", "preset network: cuba, coba, cobahh, brunel, brunel_alpha, vogels, scale or izhikevich2003")
	f.IntVar(&n, "n", 0, "preset: total neurons (0: the preset's size: cuba, coba, cobahh 4000; brunel, brunel_alpha 12500; vogels 10000; scale 1000000; izhikevich2003 1000)")
	f.IntVar(&k, "k", 0, "preset cuba, coba, cobahh, vogels, scale: synapses per neuron (0: cuba, coba, cobahh 80; vogels 200; scale 100)")
	f.Float64Var(&durMs, "duration-ms", 1000, "biological time to simulate (ms; a multiple of the time step)")
	f.Float64Var(&dtMs, "dt-ms", 0, "preset: time step (ms; 0: 0.1 ms, izhikevich2003 1 ms, the only step it takes)")
	f.Uint64Var(&seed, "seed", 0, "seed (0: the spec's or preset's)")
	f.IntVar(&workers, "workers", 1, "worker goroutines (0: 1); spikes do not depend on it")
	f.StringVar(&outDir, "out", "sim", "output directory")
	f.StringVar(&checkpoint, "checkpoint", "", "save the simulation state to this file at the end (also when interrupted)")
	f.StringVar(&restore, "restore", "", "continue from a checkpoint of the same network")
	f.BoolVar(&noNetwork, "no-network", false, "do not write nodes.h5/edges.h5")
	f.BoolVar(&overwrite, "overwrite", false, "replace an earlier run's output files: those in --out (the earlier run's, as its "+runManifestName+" lists them, and this run's) are removed before the run; the --checkpoint file is replaced")
	f.Float64Var(&segmentMs, "segment-ms", 0, "write each recording as crash-safe segments (spikes.000000.h5, …), one per this many ms of simulated time (a multiple of dt), each holding every spike and frame of its interval; a kill -9 then loses only the segment being written")
	f.Int64Var(&segmentRecords, "segment-records", 0, "write each recording as crash-safe segments (spikes.000000.h5, …) of at least this many spikes or frames (0: not by count); a kill -9 then loses only the segment being written")
	f.Float64Var(&segmentSeconds, "segment-seconds", 0, "also close a segment after this many seconds of wall time (0: not by time); a kill -9 then loses at most about this long of the run's recordings")
	return cmd
}

func loadSpec(path string) (kernel.Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return kernel.Spec{}, err
	}
	defer f.Close()
	var s kernel.Spec
	if strings.EqualFold(filepath.Ext(path), ".json") {
		s, err = kernel.DecodeJSON(f)
	} else {
		s, err = kernel.DecodeTOML(f)
	}
	if err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	// Edges files named relative to the spec file are found beside it,
	// whatever the working directory (and named absolutely in provenance).
	for i := range s.Projections {
		if e := s.Projections[i].EdgesFile; e != "" && !filepath.IsAbs(e) {
			abs, err := filepath.Abs(filepath.Join(filepath.Dir(path), e))
			if err != nil {
				return s, fmt.Errorf("%s: projection[%d].edges_file: %w", path, i, err)
			}
			s.Projections[i].EdgesFile = abs
		}
	}
	return s, nil
}

// plasticSummary describes the weights of a plastic projection.
type plasticSummary struct {
	index, n      int     // projection index; synapses
	mean          float64 // mean weight (receptor unit)
	atZero, atMax float64 // fractions of the weights at 0 and at w_max
}

// plasticWeights summarizes the weights of the plastic projections of net
// now, those edges.h5 holds (kernel.Network.EffectiveWeights).
func plasticWeights(net *kernel.Network, spec kernel.Spec) []plasticSummary {
	var out []plasticSummary
	var ws []float32
	for i, pr := range spec.Projections {
		if pr.Plasticity.Kind == "" {
			continue
		}
		ws = net.EffectiveWeights(ws, i)
		ps := plasticSummary{index: i, n: len(ws)}
		bound := float32(math.Abs(pr.Plasticity.WMax)) // |w_max|: the kernel signs it as the weights
		for _, w := range ws {
			ps.mean += float64(w)
			switch {
			case w == 0:
				ps.atZero++
			case w == bound || w == -bound:
				ps.atMax++
			}
		}
		if n := float64(len(ws)); n > 0 {
			ps.mean, ps.atZero, ps.atMax = ps.mean/n, ps.atZero/n, ps.atMax/n
		}
		out = append(out, ps)
	}
	return out
}

// writeCheckpoint saves the network state atomically.
func writeCheckpoint(net *kernel.Network, path string) error {
	return atomicfile.Write(path, net.Checkpoint)
}

// continuationDir proposes the output directory of a run continued from a
// checkpoint taken at doneMs: out's name with "-from-<doneMs>ms".
func continuationDir(out string, doneMs float64) string {
	return fmt.Sprintf("%s-from-%gms", filepath.Clean(out), doneMs)
}

// maxSteps bounds a run so that step counts and times stay exact in
// float64 arithmetic.
const maxSteps = 1 << 53

// durationSteps converts --duration-ms into whole steps of dtMs, or returns
// an error naming the flag when it is not a positive multiple of dt.
func durationSteps(durMs, dtMs float64) (int64, error) {
	if err := param.Positive("simulate", "--duration-ms", durMs); err != nil {
		return 0, err
	}
	k, ok := timegrid.Steps(durMs, dtMs)
	if k < 1 || !ok {
		return 0, param.New("simulate", "--duration-ms", durMs, fmt.Sprintf("a positive multiple of the time step dt = %g ms", dtMs))
	}
	if k > maxSteps {
		return 0, param.New("simulate", "--duration-ms", durMs, fmt.Sprintf("at most %g ms (2^53 steps of dt = %g ms)", maxSteps*dtMs, dtMs))
	}
	return int64(k), nil
}
