package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/pipeline"
	"github.com/neurodyn/neurodyn/tasks"
)

func newDataCmd(g *globals) *cobra.Command {
	var (
		outDir, cfgPath string
		overwrite       bool
	)
	cmd := &cobra.Command{
		Use:   "data {lorenz|flipflop}",
		Short: "Generate a task's datasets (HDF5, and for Lorenz the reference's .npz)",
		Long: `data generates the datasets exactly as the reference tutorial does (same seeds, same
numbers) with the recipe of the configuration's [data] section.`,
		Example: `  neurodyn data lorenz --out data        # data/lorenz.h5 and data/lorenz_data.npz
  neurodyn data flipflop --out data      # data/flipflop.h5`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"lorenz", "flipflop"},
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := pipeline.DefaultConfig()
			if cfgPath != "" {
				var err error
				if cfg, err = pipeline.LoadConfig(cfgPath); err != nil {
					return err
				}
			}
			if args[0] != "lorenz" && args[0] != "flipflop" {
				return param.New("data", "task", args[0], "lorenz or flipflop")
			}
			// Refuse before generating anything if a file would be replaced.
			files := map[string][]string{
				"lorenz":   {filepath.Join(outDir, "lorenz.h5"), filepath.Join(outDir, "lorenz_data.npz")},
				"flipflop": {filepath.Join(outDir, "flipflop.h5")},
			}[args[0]]
			if err := refuseExisting("data", "--out", overwrite, files...); err != nil {
				return err
			}
			if err := writableDir("data", "--out", outDir); err != nil {
				return err
			}
			var opts []export.Option
			if overwrite {
				opts = append(opts, export.Overwrite())
			}
			out := cmd.OutOrStdout()
			switch args[0] {
			case "lorenz":
				d, err := tasks.GenerateLorenz(cfg.Data.Lorenz.LorenzConfig())
				if err != nil {
					return err
				}
				h5, npz := filepath.Join(outDir, "lorenz.h5"), filepath.Join(outDir, "lorenz_data.npz")
				if err := d.WriteHDF5(h5, opts...); err != nil {
					return overwriteHint(err)
				}
				if err := d.WriteNPZ(npz, opts...); err != nil {
					return overwriteHint(err)
				}
				fmt.Fprintf(out, "wrote %s and %s (train %d, val %d, test %d, eval %d samples)\n",
					h5, npz, d.Train.Len, d.Val.Len, d.Test.Len, d.Eval.Len)
			case "flipflop":
				ff, err := tasks.GenerateFlipFlop(cfg.Data.FlipFlop.FlipFlopConfig())
				if err != nil {
					return err
				}
				h5 := filepath.Join(outDir, "flipflop.h5")
				if err := ff.WriteHDF5(h5, opts...); err != nil {
					return overwriteHint(err)
				}
				fmt.Fprintf(out, "wrote %s (%d/%d/%d trials)\n", h5, ff.Train.Trials, ff.Val.Trials, ff.Test.Trials)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&outDir, "out", ".", "output directory")
	cmd.Flags().StringVar(&cfgPath, "config", "", "TOML configuration whose [data] section is used")
	cmd.Flags().BoolVar(&overwrite, "overwrite", false, "replace existing files (without it, data refuses to run when a file exists)")
	_ = g
	return cmd
}
