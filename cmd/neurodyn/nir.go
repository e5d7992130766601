package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/atomicfile"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/strictdec"
	"github.com/neurodyn/neurodyn/kernel"
)

// nirParamFlags maps the fields of kernel.NIROptions to the flags of
// import-nir that set them.
var nirParamFlags = map[string]string{
	"DtMs":          "--dt-ms",
	"SpikeAreaS":    "--spike-area",
	"RefractoryMs":  "--refractory-ms",
	"InputSpikesMs": "--input-spikes",
}

func newImportNIRCmd(g *globals) *cobra.Command {
	var (
		out, mapping, inputSpikes, area string
		dtMs, refMs                     float64
		overwrite                       bool
	)
	cmd := &cobra.Command{
		Use:   "import-nir GRAPH.nir",
		Short: "Turn a spiking NIR graph (snnTorch, Norse, Spyx, Rockpool, Lava-DL) into a network spec for simulate",
		Long: `import-nir reads a NIR file (Neural Intermediate Representation, nir 1.0.6) and
writes the network spec (TOML, or JSON when --out ends in .json) that simulates
it with the event-driven engine; run it with 'neurodyn simulate --spec'.
CubaLIF nodes become lif_exp neurons, LIF nodes lif_delta neurons, IF nodes
lif_delta neurons without a leak (tau_mem_ms = 1e30), LI, CubaLI and I nodes
neurons that never spike, with NIR's continuous-time dynamics
(times in s become ms, potentials are taken as mV); Affine, Linear and Scale
nodes between them become projections with explicit weights and bias
currents; Input nodes become relay populations driven by spike_source
devices "<input>:<k>", whose spike times come from --input-spikes or are left
for you to fill in (spike_times_ms); Output nodes are recorded (spikes, or the
potential of LI, CubaLI and I readouts). See 'go doc github.com/neurodyn/neurodyn/kernel.ImportNIR'
for the equations. --mapping writes where every NIR neuron went and how each
Output node is computed from the recordings (its matrices sparse: row, col and
weight lists). The step comes from --dt-ms, or from the graph's metadata dt_s
(neurodyn snn's export). Graphs whose input is analog are refused: neurodyn
snn's (export-nir, the tutorial's snn_lorenz.nir.h5) feed the network the
normalized samples, which the engine's spike_source inputs cannot carry.

A NIR spike is a Dirac δ (area 1 s) unless --spike-area says otherwise.
Exporters of discrete-time models that write r = τ/dt or w_in = τ_syn/dt mean
spikes of area dt, the exporter's dt, whatever the simulation's step:
snnTorch's export_nir hard-codes dt = 1e-4 s (one snnTorch step is 0.1 ms of
NIR time), so its graphs need --spike-area 1e-4; neurodyn snn graphs default
to their dt_s; --spike-area step takes the simulation's step. Neurons start
as in NIR, v = v_leak and I = 0: CubaLIF biases ramp in through the synaptic
filter (the spec's init gives the synaptic currents' start).`,
		Example: `  neurodyn import-nir model.nir --dt-ms 0.1 -o net.toml
  neurodyn import-nir snntorch.nir --dt-ms 0.1 --spike-area 1e-4 --input-spikes in.json -o net.toml --mapping map.json
  neurodyn simulate --spec net.toml --duration-ms 1000 --out sim`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := kernel.NIROptions{DtMs: dtMs, RefractoryMs: refMs}
			if refMs < 0 {
				return param.New("import-nir", "--refractory-ms", refMs, "≥ 0 (0: none, also for neurodyn snn graphs)")
			}
			if refMs == 0 && cmd.Flags().Changed("refractory-ms") {
				opt.RefractoryMs = -1 // none, whatever the graph's refractory_s
			}
			switch area {
			case "", "dirac":
			case "step": // set below, when the step is known
			default:
				v, err := strconv.ParseFloat(area, 64)
				if err != nil || !(v > 0) || math.IsInf(v, 0) {
					return param.New("import-nir", "--spike-area", area, `dirac (a spike of area 1 s, NIR's δ), a time > 0 in s (the exporter's dt: snnTorch 1e-4) or step (--dt-ms)`)
				}
				opt.SpikeAreaS = v
			}
			if area == "dirac" {
				opt.SpikeAreaS = 1
			}
			if inputSpikes != "" {
				b, err := os.ReadFile(inputSpikes)
				if err != nil {
					return fmt.Errorf("import-nir: --input-spikes: %w", err)
				}
				// strictdec: a node given twice or data after the object is refused
				if err := strictdec.JSON("import-nir", "--input-spikes", b, &opt.InputSpikesMs); err != nil {
					return param.New("import-nir", "--input-spikes", inputSpikes, `a JSON object {"<Input node>": [[t0, t1, …] (ms, channel 0), …], …} with each node once: `+err.Error())
				}
			}
			if out != "" {
				if err := refuseExisting("import-nir", "--out", overwrite, out); err != nil {
					return err
				}
			}
			if mapping != "" {
				if err := refuseExisting("import-nir", "--mapping", overwrite, mapping); err != nil {
					return err
				}
			}
			gr, err := export.ReadNIR(args[0])
			if err != nil {
				return fmt.Errorf("import-nir: %s: %w", args[0], err)
			}
			if area == "step" {
				opt.SpikeAreaS = dtMs / 1000
				if dtMs == 0 { // the metadata's step, if the graph has one (ImportNIR checks it)
					if v, err := strconv.ParseFloat(strings.TrimSpace(gr.Metadata["dt_s"]), 64); err == nil && v > 0 {
						opt.SpikeAreaS = v
					}
				}
			}
			im, err := kernel.ImportNIR(gr, opt)
			if err != nil {
				if fe := nirFlagErr(err); fe != err {
					return fe // an option's error, named by its flag
				}
				return fmt.Errorf("import-nir: %s: %w", args[0], err)
			}
			var text bytes.Buffer
			if strings.EqualFold(filepath.Ext(out), ".json") {
				enc := json.NewEncoder(&text)
				enc.SetIndent("", "  ")
				err = enc.Encode(im.Spec)
			} else {
				err = kernel.EncodeTOML(&text, im.Spec)
			}
			if err != nil {
				return fmt.Errorf("import-nir: encode the spec: %w", err)
			}
			if out == "" {
				if _, err := cmd.OutOrStdout().Write(text.Bytes()); err != nil {
					return err
				}
			} else if err := atomicfile.WriteFile(out, text.Bytes()); err != nil {
				return fmt.Errorf("import-nir: --out: %w", err)
			}
			if mapping != "" {
				b, err := json.MarshalIndent(im, "", "  ")
				if err != nil {
					return fmt.Errorf("import-nir: --mapping: %w", err)
				}
				if err := atomicfile.WriteFile(mapping, append(b, '\n')); err != nil {
					return fmt.Errorf("import-nir: --mapping: %w", err)
				}
			}
			if w := g.logw(); w != nil {
				summarizeNIR(w, args[0], out, im, opt)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "", "spec file to write (TOML; JSON when it ends in .json); default: stdout")
	f.Float64Var(&dtMs, "dt-ms", 0, "simulation step (ms); default: the graph's metadata dt_s")
	f.StringVar(&area, "spike-area", "", `time integral of one NIR spike: dirac (1 s: NIR's δ, the default), a value in s: the exporter's dt for exporters with r = τ/dt or w_in = τ_syn/dt (snnTorch: 1e-4, whatever --dt-ms), or step (--dt-ms); neurodyn snn graphs default to their dt_s`)
	f.Float64Var(&refMs, "refractory-ms", 0, "absolute refractory period of LIF and CubaLIF neurons (ms; NIR has none; neurodyn snn graphs default to their refractory_s, which an explicit 0 turns off)")
	f.StringVar(&inputSpikes, "input-spikes", "", `JSON file of input spike times: {"<Input node>": [[t, …] (ms, channel 0), …]}; default: none (fill in spike_times_ms)`)
	f.StringVar(&mapping, "mapping", "", "JSON file to write with the mapping: NIR neurons → populations, Output nodes as functions of the recorders")
	f.BoolVar(&overwrite, "overwrite", false, "replace existing --out and --mapping files")
	return cmd
}

// nirFlagErr renames, in an error of kernel.ImportNIR about its options,
// the option to the flag that sets it (also in names such as
// InputSpikesMs[in][0][2]).
func nirFlagErr(err error) error {
	var pe *param.Error
	if !errors.As(err, &pe) || pe.Pkg != "kernel" {
		return err
	}
	for field, flag := range nirParamFlags {
		if rest, ok := strings.CutPrefix(pe.Name, field); ok && (rest == "" || rest[0] == '[') {
			ne := *pe
			ne.Name = flag + rest
			return &reworded{msg: strings.Replace(err.Error(), pe.Error(), ne.Error(), 1), err: err}
		}
	}
	return err
}

// summarizeNIR tells what was made of the graph.
func summarizeNIR(w io.Writer, in, out string, im *kernel.NIRImport, opt kernel.NIROptions) {
	s := im.Spec
	syn := 0
	for _, pr := range s.Projections {
		syn += len(pr.Sources)
	}
	if out == "" {
		out = "stdout"
	}
	fmt.Fprintf(w, "import-nir: %s → %s: %d populations, %d projections (%d synapses), %d devices, %d recorders\n",
		in, out, len(s.Populations), len(s.Projections), syn, len(s.Devices), len(s.Recorders))
	fmt.Fprintf(w, "import-nir: dt %g ms, spike area %g s, refractory period %g ms\n", im.DtMs, im.SpikeAreaS, im.RefractoryMs)
	for _, node := range sortedNames(im.Neurons) {
		pops := map[string]bool{}
		var names []string
		for _, nn := range im.Neurons[node] {
			if !pops[nn.Population] {
				pops[nn.Population] = true
				names = append(names, nn.Population)
			}
		}
		fmt.Fprintf(w, "import-nir: node %s (%d neurons) → %s\n", node, len(im.Neurons[node]), strings.Join(names, ", "))
	}
	told := map[string]bool{}
	for _, d := range s.Devices {
		if _, given := opt.InputSpikesMs[d.Target]; d.Kind == "spike_source" && !given && !told[d.Target] {
			told[d.Target] = true
			fmt.Fprintf(w, "import-nir: input %s has no spike times: fill in spike_times_ms of its spike_source devices (%s:0, …) or pass --input-spikes\n", d.Target, d.Target)
		}
	}
	for _, name := range sortedNames(im.Outputs) {
		for _, t := range im.Outputs[name].Terms {
			fmt.Fprintf(w, "import-nir: output %s: %s of %s (recorders %s) through a %d×%d matrix\n", name, t.Signal, t.Node, strings.Join(t.Recorders, ", "), t.Rows, t.Cols)
		}
	}
}

func sortedNames[V any](m map[string]V) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}
