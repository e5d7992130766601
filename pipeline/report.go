package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
	"github.com/neurodyn/neurodyn/internal/param"
)

// ReportName is the file name of the report in the output directory.
const ReportName = "report.md"

// writeReport writes report.md from the results of every stage known to the
// run (run now or earlier), so its numbers are exactly the stored ones;
// elapsed is the run's wall-clock time (< 0: the report is rebuilt from
// stored results).
func writeReport(r *Run, elapsed time.Duration) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# neurodyn tutorial report\n\n")
	fmt.Fprintf(&b, "Written by neurodyn %s (revision %s), %s, kernel path %s, GOMAXPROCS-independent results.  \n",
		buildinfo.Version, buildinfo.Revision(), buildinfo.GoVersion(), asm.Path())
	if elapsed >= 0 {
		fmt.Fprintf(&b, "Generated %s; this run took %.1f s", time.Now().UTC().Format(time.RFC3339), elapsed.Seconds())
	} else {
		fmt.Fprintf(&b, "Rebuilt %s from the stored stage results", time.Now().UTC().Format(time.RFC3339))
	}
	if r.Cfg.Quick {
		b.WriteString(" (quick mode: CI-sized stages, judged against the full run's targets, which they are not expected to meet)")
	}
	b.WriteString(".\n\n")
	shown, stale, older := reportStages(r)
	b.WriteString(buildsNote(shown))
	total := 0.0
	for _, s := range Stages() {
		res, ok := shown[s.Name]
		if !ok {
			continue
		}
		total += res.Seconds
		fmt.Fprintf(&b, "## %s\n\n", res.Title)
		fmt.Fprintf(&b, "_Stage `%s`, %.1f s, finished %s, computed by %s._\n\n", res.Stage, res.Seconds, res.Finished.Format(time.RFC3339), buildName(res.Build))
		for _, t := range res.Text {
			b.WriteString(t)
			b.WriteString("\n\n")
		}
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
	if len(stale) > 0 {
		fmt.Fprintf(&b, "Stages with results made with another configuration (not shown; rerun them): %s.\n\n", strings.Join(stale, ", "))
	}
	if len(older) > 0 {
		fmt.Fprintf(&b, "Stages with results older than those of stages they read, or made without them (stale, not shown; rerun them): %s.\n\n", strings.Join(older, ", "))
	}
	if len(r.sh.missing) > 0 {
		fmt.Fprintf(&b, "Stages without a stored result (not run yet): %s.\n\n", strings.Join(r.sh.missing, ", "))
	}
	fmt.Fprintf(&b, "---\nSum of stage times: %.1f s (stages whose inputs are ready run at the same time, so a run's wall-clock time is shorter).\n", total)
	return writeFileAtomic(filepath.Join(r.Cfg.OutDir, ReportName), []byte(b.String()))
}

// buildName names the build that computed a stage in the report.
func buildName(build string) string {
	if build == "" {
		return "an unrecorded build (a result stored before builds were recorded)"
	}
	return "neurodyn " + build
}

// buildsNote says which builds computed the stages shown: this one (the
// report's), or, for stages kept from runs of other builds, which those
// are ("" when no stage is shown).
func buildsNote(shown map[string]*Result) string {
	if len(shown) == 0 {
		return ""
	}
	own := buildinfo.ID()
	other := map[string][]string{}
	var builds []string
	for _, s := range Stages() {
		res, ok := shown[s.Name]
		if !ok || res.Build == own {
			continue
		}
		if _, seen := other[res.Build]; !seen {
			builds = append(builds, res.Build)
		}
		other[res.Build] = append(other[res.Build], s.Name)
	}
	if len(builds) == 0 {
		return fmt.Sprintf("Every stage shown was computed by this build (neurodyn %s).\n\n", own)
	}
	var parts []string
	for _, bld := range builds {
		parts = append(parts, fmt.Sprintf("%s by %s", strings.Join(other[bld], ", "), buildName(bld)))
	}
	return fmt.Sprintf("**Stages computed by another build than this report's (neurodyn %s), kept from earlier runs: %s.** "+
		"A stage's stored result is reused whatever build reruns the tutorial; `--force` computes them again with this build.\n\n",
		own, strings.Join(parts, "; "))
}

// reportStages returns the results the report shows, by stage, and the
// stages it lists as stale instead: stale holds those whose stored result
// was made with another configuration (WriteReport's list, and any stage
// of a run that left a stored result out because its key differs), older
// those whose result is older than the result of a stage they read, or
// whose input is not shown — in stage order, so a stale input makes every
// stage that reads it stale too. The targets judged by the synthesis are
// thus never shown from a synthesis of other models.
func reportStages(r *Run) (shown map[string]*Result, stale, older []string) {
	shown = map[string]*Result{}
	stale = append(stale, r.sh.stale...)
	for _, s := range Stages() {
		res, ok := r.Result(s.Name)
		if !ok {
			if slices.Contains(stale, s.Name) || slices.Contains(r.sh.missing, s.Name) {
				continue
			}
			if stored, err := loadResult(r.Cfg.OutDir, s.Name); err == nil && stored != nil && stored.KeyHash != keyHash(&r.Cfg, s) {
				stale = append(stale, s.Name)
			}
			continue
		}
		why := ""
		for _, need := range s.Needs {
			in, ok := shown[need]
			switch {
			case !ok:
				why = need + " not shown"
			case in.Finished.After(res.Finished):
				why = need + " ran again since"
			default:
				continue
			}
			break
		}
		if why != "" {
			older = append(older, s.Name+" ("+why+")")
			continue
		}
		shown[s.Name] = res
	}
	return shown, stale, older
}

// WriteReport rebuilds report.md in cfg.OutDir from the stored results of
// the stages (what `neurodyn report` does): a stage whose stored result was
// made with another configuration is left out and listed as stale, a stage
// without a stored result is listed as missing. If no stored result matches
// cfg, report.md is left as it is and a param error says so. It returns the
// report's path.
func WriteReport(cfg Config) (string, error) {
	if err := cfg.Validate(); err != nil {
		return "", err
	}
	r := newRun(cfg, Options{})
	found := 0
	flipped := cfg
	flipped.Quick = !cfg.Quick
	otherMode := 0 // stale results that match cfg with --quick flipped
	for _, s := range Stages() {
		stored, err := loadResult(cfg.OutDir, s.Name)
		if err != nil {
			return "", err
		}
		if stored == nil {
			r.sh.missing = append(r.sh.missing, s.Name)
			continue
		}
		found++
		if stored.KeyHash != keyHash(&cfg, s) {
			r.sh.stale = append(r.sh.stale, s.Name)
			if stored.KeyHash == keyHash(&flipped, s) {
				otherMode++
			}
			continue
		}
		r.setResult(s.Name, stored)
	}
	if found == 0 {
		return "", param.New("pipeline", "out_dir", cfg.OutDir, "a directory with stored stage results (run `neurodyn tutorial` first)")
	}
	if len(r.sh.stale) == found {
		hint := ""
		if otherMode > 0 {
			hint = fmt.Sprintf("; %d of them match quick = %v", otherMode, flipped.Quick)
		}
		return "", param.New("pipeline", "configuration", fmt.Sprintf("quick = %v, seed = %d", cfg.Quick, cfg.Seed),
			fmt.Sprintf("one the stored results were made with, but no stored result in %s matches it (%d stale: %s%s); give the --quick, --config and --seed (and key flags) of the run; %s was left unchanged",
				cfg.OutDir, found, strings.Join(r.sh.stale, ", "), hint, ReportName))
	}
	path := filepath.Join(cfg.OutDir, ReportName)
	return path, writeReport(r, -1)
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
