package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
)

// ReportName is the file name of the report in the output directory.
const ReportName = "report.md"

// writeReport writes report.md from the results of every stage known to the
// run (run now or earlier), so its numbers are exactly the stored ones.
func writeReport(r *Run, elapsed time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# neurodyn tutorial report\n\n")
	fmt.Fprintf(&b, "neurodyn %s (revision %s), %s, kernel path %s, GOMAXPROCS-independent results.  \n",
		buildinfo.Version, buildinfo.Revision(), buildinfo.GoVersion(), asm.Path())
	fmt.Fprintf(&b, "Generated %s; this run took %.1f s", time.Now().UTC().Format(time.RFC3339), elapsed.Seconds())
	if r.Cfg.Quick {
		b.WriteString(" (quick mode: CI-sized stages, relaxed targets)")
	}
	b.WriteString(".\n\n")
	total := 0.0
	for _, s := range Stages() {
		res, ok := r.results[s.Name]
		if !ok {
			continue
		}
		total += res.Seconds
		fmt.Fprintf(&b, "## %s\n\n", res.Title)
		fmt.Fprintf(&b, "_Stage `%s`, %.1f s, finished %s._\n\n", res.Stage, res.Seconds, res.Finished.Format(time.RFC3339))
		for _, t := range res.Tables {
			b.WriteString(t.Markdown())
			b.WriteString("\n")
		}
		for _, n := range res.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
		if len(res.Notes) > 0 {
			b.WriteString("\n")
		}
		for _, f := range res.Figures {
			fmt.Fprintf(&b, "![%s](%s)\n\n", strings.TrimSuffix(filepath.Base(f), filepath.Ext(f)), filepath.ToSlash(f))
		}
		if len(res.Files) > 0 {
			b.WriteString("Files: ")
			for i, f := range res.Files {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "`%s`", filepath.ToSlash(f))
			}
			b.WriteString("\n\n")
		}
	}
	fmt.Fprintf(&b, "---\nSum of stage times: %.1f s.\n", total)
	return writeFileAtomic(filepath.Join(r.Cfg.OutDir, ReportName), []byte(b.String()))
}

// createFile creates path (and its directory) for writing.
func createFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	return f, nil
}
