package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/pipeline"
)

func newExportNIRCmd(g *globals) *cobra.Command {
	var (
		model, out string
		overwrite  bool
	)
	cmd := &cobra.Command{
		Use:   "export-nir --model MODEL.npz --out GRAPH.nir",
		Short: "Write a trained spiking model (neurodyn train snn, tutorial) as a NIR graph",
		Long: `export-nir writes the spiking network of a model file written by 'neurodyn train
snn' or the tutorial (--model) as a NIR graph (Neural Intermediate
Representation, nir 1.0.6, HDF5), as the tutorial writes results/snn/
snn_lorenz.nir.h5: Input (the normalized samples, analog) → Affine → CubaLIF ⇄
Linear recurrence → LI filters → readouts (+ the skip term) → Output, whose
continuous-time meaning under NIR's equations reproduces the model (see 'go doc
github.com/neurodyn/neurodyn/snn.Model.NIRWith' for the map from the discrete
step and what it leaves out). The metadata records the step (dt_s), how long a
sample is held (substeps), the input normalization of the training data
(input_mean, input_std: the data are rebuilt from the model file's record),
what the output means, the refractory period, the model file, recipe, seeds,
configuration, and neurodyn's version and revision.

Who reads it: the nir package (nir.read). snnTorch 1.0.0 (import_from_nir) and
Norse 1.1.0 (from_nir) do not: neither maps NIR's LI node (the readout
filters), and snnTorch takes every CubaLIF as an Euler step of 0.1 ms whatever
dt_s. neurodyn import-nir refuses it: its input is analog, not spikes.

Models with a soft reset, Smooth spikes, a count or membrane readout, or an
Euler step equal to a time constant have no NIR equivalent and are refused.`,
		Example: `  neurodyn train snn --task lorenz --out models
  neurodyn export-nir --model models/snn_lorenz.npz --out snn.nir`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if model == "" {
				return param.New("export-nir", "--model", model, "the path of a model file written by neurodyn train snn or the tutorial")
			}
			if out == "" {
				return param.New("export-nir", "--out", out, "the path of the NIR file to write")
			}
			if err := refuseExisting("export-nir", "--out", overwrite, out); err != nil {
				return err
			}
			m, err := pipeline.LoadModel(model)
			if err != nil {
				return fmt.Errorf("export-nir: --model: %w", err)
			}
			defer m.Close()
			if m.SNN == nil {
				return param.New("export-nir", "--model", model, fmt.Sprintf("a spiking model (kind snn; this file holds a %s model)", m.Meta.Kind))
			}
			d, err := m.Meta.Data.Forecasting()
			if err != nil {
				return fmt.Errorf("export-nir: --model %s: rebuild its data for the input normalization: %w", model, err)
			}
			var opts []export.Option
			if overwrite {
				opts = append(opts, export.Overwrite())
			}
			if err := pipeline.WriteSNNNIR(out, m.SNN, &m.Meta, d, model, opts...); err != nil {
				return fmt.Errorf("export-nir: %w", err)
			}
			if w := g.logw(); w != nil {
				c := m.SNN.Config()
				fmt.Fprintf(w, "export-nir: %s → %s: %d neurons (%d E, %d I), %d inputs, %d outputs, dt %g ms × %d steps per sample, %s step\n",
					model, out, c.N(), c.NE, c.N()-c.NE, c.Inputs, c.Outputs, c.DtMs, c.SubSteps, c.Discretization)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "model file written by neurodyn train snn or the tutorial (.npz)")
	f.StringVarP(&out, "out", "o", "", "NIR file to write (HDF5)")
	f.BoolVar(&overwrite, "overwrite", false, "replace an existing --out file")
	return cmd
}
