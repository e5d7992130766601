package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/neurodyn/neurodyn/pipeline"
)

func newReportCmd(g *globals) *cobra.Command {
	var (
		cfgPath, out string
		quick        bool
		seed         uint64
		cf           *configFlags
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Rebuild report.md from the stored results of the tutorial's stages",
		Long: `report rewrites <out>/report.md from the result.json files the tutorial's stages
stored, without running anything. Give the configuration the results were made
with (--config, --quick, --seed and the key flags): stages whose stored result
belongs to another configuration are left out and listed as stale.`,
		Example: `  neurodyn report                       # results/report.md
  neurodyn report --out build/tutorial-quick --quick`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd, cfgPath, cf)
			if err != nil {
				return err
			}
			fl := cmd.Flags()
			if fl.Changed("out") {
				cfg.OutDir = out
			}
			if fl.Changed("quick") {
				cfg.Quick = quick
			}
			if fl.Changed("seed") {
				cfg.Seed = seed
			}
			path, err := pipeline.WriteReport(cfg)
			if err != nil {
				return err
			}
			if !g.quiet {
				fmt.Fprintf(cmd.OutOrStdout(), "report: %s\n", path)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfgPath, "config", "", "TOML configuration the results were made with")
	f.StringVar(&out, "out", "results", "output directory of the tutorial run")
	f.BoolVar(&quick, "quick", false, "the results are of a quick run")
	f.Uint64Var(&seed, "seed", 42, "master seed of the run")
	cf = addConfigFlags(cmd, "out_dir", "seed", "quick", "stages")
	return cmd
}
