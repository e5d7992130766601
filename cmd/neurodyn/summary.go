package main

import (
	"fmt"
	"io"

	"github.com/neurodyn/neurodyn/pipeline"
)

// printSummary prints what a tutorial run measured: the synthesis table
// (or, when the synthesis stage is not part of the run, the baselines)
// and the stage times.
func printSummary(w io.Writer, run *pipeline.Run) {
	if res, ok := run.Result("synthesis"); ok {
		for _, t := range res.Text {
			fmt.Fprintln(w, t)
		}
		for _, t := range res.Tables {
			fmt.Fprintln(w, t.Markdown())
		}
	} else if res, ok := run.Result("baselines"); ok && len(res.Tables) > 0 {
		fmt.Fprintln(w, res.Tables[0].Markdown())
	}
	total := 0.0
	for _, name := range pipeline.StageNames() {
		if res, ok := run.Result(name); ok {
			fmt.Fprintf(w, "stage %-10s %8.1f s\n", name, res.Seconds)
			total += res.Seconds
		}
	}
	fmt.Fprintf(w, "sum of stage times %8.1f s\n", total)
}
