package main

import (
	"testing"
)

// TestAnalyzeEmbeddingFlags: --embed-dim and --lag are refused where they
// do not apply (with --model, on analyses other than lyapunov and
// dimension) and out of range, with usage errors naming the flag.
func TestAnalyzeEmbeddingFlags(t *testing.T) {
	dir := t.TempDir()
	csv := writeFile(t, dir, "s.csv", "t,a,b\n0,1,2\n1,2,3\n2,3,1\n3,1,2\n")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"embed-dim-negative", []string{"analyze", "lyapunov", "--data", csv, "--embed-dim", "-1"}, []string{"--embed-dim = -1", "[1, 100]"}},
		{"lag-negative", []string{"analyze", "dimension", "--data", csv, "--lag", "-3"}, []string{"--lag = -3", "≥ 1 sample"}},
		{"embed-dim-with-model", []string{"analyze", "lyapunov", "--model", "m.npz", "--embed-dim", "3"}, []string{"--embed-dim", "--data"}},
		{"zscore-value", []string{"analyze", "dimension", "--data", csv, "--zscore", "yes"}, []string{"--zscore = yes", "auto, on or off"}},
		{"zscore-lyapunov", []string{"analyze", "lyapunov", "--data", csv, "--zscore", "on"}, []string{"--zscore", "analyze dimension --data"}},
		{"zscore-model", []string{"analyze", "dimension", "--model", "m.npz", "--zscore", "off"}, []string{"--zscore", "analyze dimension --data"}},
		{"lag-closedloop", []string{"analyze", "closedloop", "--data", csv, "--lag", "2"}, []string{"--lag", "lyapunov or dimension"}},
		{"embed-dim-spikes", []string{"analyze", "spikes", "--data", "s.h5", "--embed-dim", "2"}, []string{"--embed-dim"}},
	} {
		t.Run(c.name, func(t *testing.T) { refused(t, c.args, c.want) })
	}
}
