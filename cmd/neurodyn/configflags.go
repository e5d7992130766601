package main

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/pipeline"
)

// configFlags makes every key of the pipeline configuration a flag of a
// command: key "analysis.free_run_steps" becomes --analysis.free-run-steps.
// Keys the command offers under a flag of its own (skip) are left out.
type configFlags struct {
	keys []pipeline.Key
}

// flagName is the flag of a configuration key.
func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// addConfigFlags registers the configuration keys as flags of cmd, typed
// by the keys' values, with the default.toml comments as help.
func addConfigFlags(cmd *cobra.Command, skip ...string) *configFlags {
	cf := &configFlags{}
	fl := cmd.Flags()
	for _, k := range pipeline.Keys() {
		if contains(skip, k.Name) {
			continue
		}
		cf.keys = append(cf.keys, k)
		name, help := flagName(k.Name), "config key "+k.Name
		if k.Doc != "" {
			help = k.Doc + " (" + help + ")"
		}
		switch k.Kind {
		case "int":
			v, _ := strconv.Atoi(k.Default)
			fl.Int(name, v, help)
		case "uint":
			v, _ := strconv.ParseUint(k.Default, 10, 64)
			fl.Uint64(name, v, help)
		case "float":
			v, _ := strconv.ParseFloat(k.Default, 64)
			fl.Float64(name, v, help)
		case "bool":
			fl.Bool(name, k.Default == "true", help)
		case "strings":
			var v []string
			if k.Default != "" {
				v = strings.Split(k.Default, ",")
			}
			fl.StringSlice(name, v, help)
		default:
			fl.String(name, k.Default, help)
		}
		_ = fl.SetAnnotation(name, "config", []string{"true"})
	}
	cmd.Flags().SortFlags = false
	return cf
}

// apply sets the keys whose flags were given on the command line, in
// flag order, validating each (errors name the key and what is allowed).
func (cf *configFlags) apply(fl *pflag.FlagSet, cfg *pipeline.Config) error {
	for _, k := range cf.keys {
		f := fl.Lookup(flagName(k.Name))
		if f == nil || !f.Changed {
			continue
		}
		v := f.Value.String()
		if k.Kind == "strings" {
			list, _ := fl.GetStringSlice(f.Name)
			v = strings.Join(list, ",")
		}
		if err := cfg.Set(k.Name, v); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// loadConfig reads --config (if given) on top of the embedded defaults,
// then applies the configuration flags.
func loadConfig(cmd *cobra.Command, path string, cf *configFlags) (pipeline.Config, error) {
	cfg := pipeline.DefaultConfig()
	if path != "" {
		var err error
		if cfg, err = pipeline.LoadConfig(path); err != nil {
			return cfg, err
		}
	}
	if err := cf.apply(cmd.Flags(), &cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// dataKeysOutside returns the --data.* configuration flags given on the
// command line that do not set the data of task (lorenz or flipflop; any
// other task, a series file, has none), in flag order.
func dataKeysOutside(fl *pflag.FlagSet, task string) []*pflag.Flag {
	var out []*pflag.Flag
	fl.VisitAll(func(f *pflag.Flag) {
		if !f.Changed || !strings.HasPrefix(f.Name, "data.") || f.Annotations["config"] == nil {
			return
		}
		if task != "" && strings.HasPrefix(f.Name, "data."+task+".") {
			return
		}
		out = append(out, f)
	})
	return out
}

// refuseDataKeys returns a parameter error naming the --data.* flags
// given (keys), which the command would ignore for the reason why, or nil
// when there are none.
func refuseDataKeys(keys []*pflag.Flag, why string) error {
	if len(keys) == 0 {
		return nil
	}
	names, values := make([]string, len(keys)), make([]string, len(keys))
	for i, f := range keys {
		names[i], values[i] = "--"+f.Name, f.Value.String()
	}
	return param.New("neurodyn", strings.Join(names, ", "), strings.Join(values, ", "), "left out "+why)
}
