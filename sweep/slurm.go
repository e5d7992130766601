package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/neurodyn/neurodyn/internal/param"
)

// SlurmOptions describe the job array SlurmScript writes.
type SlurmOptions struct {
	// Binary is the neurodyn executable (absolute path recommended).
	Binary string
	// SpecPath is the spec file, named in the script's comments: the
	// script carries the spec's text itself (see SlurmScript). Out is the
	// results directory.
	SpecPath, Out string
	// Shards is the array size: task k runs shard k/Shards.
	Shards int
	// CPUsPerTask, Time (any of sbatch's forms: "120", "30:00",
	// "02:00:00", "1-12", "1-00:00:00"), Mem ("4G"),
	// Partition and Account go to #SBATCH lines when set.
	CPUsPerTask             int
	Time, Mem               string
	Partition, Account, QOS string
	// MaxParallel limits concurrently running tasks (the %N of --array).
	MaxParallel int
}

// slurmTime matches the time limits sbatch --time accepts: "minutes",
// "minutes:seconds", "hours:minutes:seconds", "days-hours",
// "days-hours:minutes", "days-hours:minutes:seconds" (fields of any number
// of digits: 120 is two hours), and "INFINITE" or "UNLIMITED".
var slurmTime = regexp.MustCompile(`^(\d+(:\d+){0,2}|\d+-\d+(:\d+){0,2}|INFINITE|UNLIMITED)$`)

// SlurmDefaultMaxArraySize is Slurm's default MaxArraySize: a job array's
// indices must be below it, so sbatch refuses --array=0-1001 and beyond
// ("Invalid job array specification") unless the cluster raised it.
const SlurmDefaultMaxArraySize = 1001

// SlurmArrayWarning returns a warning when an array of shards tasks has
// indices beyond Slurm's default MaxArraySize ("" otherwise): such a job
// is refused by sbatch on a cluster with the default.
func SlurmArrayWarning(shards int) string {
	if shards <= SlurmDefaultMaxArraySize {
		return ""
	}
	return fmt.Sprintf("--shards %d makes array indices 0-%d, beyond Slurm's default MaxArraySize (%d: indices up to %d); sbatch refuses such a job (\"Invalid job array specification\") unless the cluster's MaxArraySize is larger (scontrol show config | grep MaxArraySize); with fewer shards each task runs more points",
		shards, shards-1, SlurmDefaultMaxArraySize, SlurmDefaultMaxArraySize-1)
}

// SlurmScript returns a ready sbatch script running spec as a job array:
// every task runs `neurodyn sweep run --shard $SLURM_ARRAY_TASK_ID/N`, skips
// points already stored (so a requeued task resumes), and the last lines
// show how to merge the shards. Submit it with `sbatch script.sh` once the
// directory <Out>/logs exists (Slurm opens the tasks' output files there
// before they start; `neurodyn sweep slurm` creates it).
//
// The script carries the text of spec (Spec.text: the file as it was
// validated) in a here-document that every task reads (`sweep run -`): the
// job runs the sweep that was checked when the script was made, whatever
// happens to the spec file before the tasks start. A Shards beyond
// SlurmDefaultMaxArraySize gets a warning comment (SlurmArrayWarning).
func SlurmScript(spec *Spec, o SlurmOptions) (string, error) {
	if o.Shards <= 0 {
		return "", param.New("sweep", "--shards", o.Shards, "> 0")
	}
	n, err := spec.NumPoints()
	if err != nil {
		return "", err
	}
	if o.Shards > n {
		return "", param.New("sweep", "--shards", o.Shards, fmt.Sprintf("<= the number of points (%d)", n))
	}
	if o.CPUsPerTask < 0 {
		return "", param.New("sweep", "--cpus-per-task", o.CPUsPerTask, ">= 0")
	}
	if o.Time != "" && !slurmTime.MatchString(o.Time) {
		return "", param.New("sweep", "--time", o.Time, "a Slurm time: minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes, days-hours:minutes:seconds (e.g. 120, 30:00, 02:00:00, 1-12, 1-00:00:00) or INFINITE")
	}
	for _, kv := range [][2]string{{"--partition", o.Partition}, {"--account", o.Account}, {"--qos", o.QOS}, {"--mem", o.Mem}} {
		if strings.ContainsAny(kv[1], " \t\n\r\"'\\#") {
			return "", param.New("sweep", kv[0], kv[1], "a Slurm name without whitespace, quotes, backslashes or #")
		}
	}
	for _, kv := range [][2]string{{"--binary", o.Binary}, {"spec path", o.SpecPath}, {"--out", o.Out}} {
		if strings.ContainsAny(kv[1], "\n\r") {
			return "", param.New("sweep", kv[0], kv[1], "a path without line breaks")
		}
	}
	text, err := spec.text()
	if err != nil {
		return "", err
	}
	sum := digest(text)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	// The here-document's delimiter: a line of the spec cannot end it.
	eof := "NEURODYN_SPEC"
	for i := 1; slices.Contains(strings.Split(text, "\n"), eof); i++ {
		eof = fmt.Sprintf("NEURODYN_SPEC_%d", i)
	}
	if o.Binary == "" {
		o.Binary = "neurodyn"
	}
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	// A bare command name is looked up in the task's PATH; a path is made
	// absolute (tasks may start elsewhere).
	bin := o.Binary
	if strings.ContainsRune(bin, filepath.Separator) {
		bin = abs(bin)
	}
	out := abs(o.Out)
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# neurodyn sweep %q (%s): %d points in %d shards.\n", spec.Name, spec.Evaluator, n, o.Shards)
	b.WriteString("# Each array task runs one shard; finished points are stored atomically in\n")
	b.WriteString("# " + out + "/points, so a killed or requeued task resumes where it stopped.\n")
	if o.SpecPath != "" {
		fmt.Fprintf(&b, "# The spec is %s as it was validated when this script was made (sha256 %s),\n", abs(o.SpecPath), sum)
		b.WriteString("# carried below: later edits of that file do not change this job.\n")
	}
	if w := SlurmArrayWarning(o.Shards); w != "" {
		b.WriteString("# WARNING: " + w + ".\n")
	}
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", sbatchQuote("nd-"+spec.Name))
	array := fmt.Sprintf("0-%d", o.Shards-1)
	if o.MaxParallel > 0 {
		array += fmt.Sprintf("%%%d", o.MaxParallel)
	}
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", array)
	// Slurm expands %-patterns in the file name: the directory's own % are
	// doubled.
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", sbatchQuote(strings.ReplaceAll(out, "%", "%%")+"/logs/%A_%a.out"))
	b.WriteString("#SBATCH --open-mode=append\n#SBATCH --requeue\n")
	if o.CPUsPerTask > 0 {
		fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", o.CPUsPerTask)
	}
	for _, kv := range [][2]string{{"time", o.Time}, {"mem", o.Mem}, {"partition", o.Partition}, {"account", o.Account}, {"qos", o.QOS}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "#SBATCH --%s=%s\n", kv[0], kv[1])
		}
	}
	b.WriteString("set -euo pipefail\n")
	b.WriteString("export GOMAXPROCS=${SLURM_CPUS_PER_TASK:-1}\n")
	fmt.Fprintf(&b, "exec %s sweep run - --out %s --shard ${SLURM_ARRAY_TASK_ID}/%d --workers ${GOMAXPROCS} --quiet <<'%s'\n%s%s\n",
		shellQuote(bin), shellQuote(out), o.Shards, eof, text, eof)
	merge := fmt.Sprintf("%s sweep merge --out %s", shellQuote(bin), shellQuote(out))
	b.WriteString("# When every task has finished:\n")
	fmt.Fprintf(&b, "#   %s\n", merge)
	b.WriteString("# or submit the merge as a dependent job:\n")
	fmt.Fprintf(&b, "#   sbatch --dependency=afterok:<array job id> --wrap %s\n", shellQuote(merge))
	return b.String(), nil
}

// sbatchQuote quotes an #SBATCH option value the way sbatch reads it:
// double quotes keep whitespace, a backslash escapes the next character, and
// an unescaped # (even quoted, in older Slurm) starts a comment.
func sbatchQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\#") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `'`, `\'`, "#", `\#`)
	return `"` + r.Replace(s) + `"`
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"$`\\!*?[]{}()<>|&;#~=%") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// digest returns the SHA-256 of text in hexadecimal.
func digest(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:])
}
