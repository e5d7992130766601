package sweep_test

import (
	"fmt"

	"github.com/neurodyn/neurodyn/sweep"
)

// A Slurm job array for a spec: every task runs one shard.
func ExampleSlurmScript() {
	spec, err := sweep.ParseSpec(`name = "demo"
evaluator = "quad-test"
[grid]
g = [1.0, 2.0, 3.0, 4.0]
`, "demo.toml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(spec.Points()), "points")
	s, _ := sweep.SlurmScript(spec, sweep.SlurmOptions{Binary: "/opt/neurodyn", SpecPath: "/data/demo.toml", Out: "/scratch/demo", Shards: 2})
	fmt.Println(len(s) > 0)
	// Output:
	// 4 points
	// true
}
