package pipeline_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/pipeline"
)

// The tutorial's configuration is TOML on top of embedded defaults; errors
// name the line and key.
func Example() {
	cfg, err := pipeline.ParseConfig("out_dir = \"out\"\n[data.lorenz]\ntrain_t = 70.0\n", "my.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.OutDir, cfg.Data.Lorenz.TrainT, cfg.Data.Lorenz.Seed)
	_, err = pipeline.ParseConfig("[data.lorenz]\ntrain_tt = 70.0\n", "my.toml")
	fmt.Println(err != nil)
	// Output:
	// out 70 42
	// true
}
