package analysis

import (
	"testing"

	"github.com/neurodyn/neurodyn/internal/fmacheck"
)

// TestNoFusedMultiplyAdd: the spectra, the series estimators (Rosenstein,
// mutual information, false neighbours), the correlation sums, the
// metrics, the baselines and the spike statistics let the compiler fuse
// no multiply-add, so their figures have the same bits on arm64 as on
// amd64. Before the products were rounded, GOARCH=arm64 go build
// -gcflags=-S ./analysis showed 108 fused instructions in 61 functions. It
// needs the go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.CheckOn(t, []string{"arm64", "amd64.v3"}, nil,
		"analysis.(*Rosenstein).divergence", "analysis.CorrelationDimension", "analysis.Pearson",
		"analysis.(*kdPoint).Distance", "analysis.(*SpikeTrains).Correlations", "analysis.PerturbationLyapunov",
		"analysis.lbfgsMinimise", "analysis.eigenvectorReal", "analysis.MeanPeriod", "analysis.(*SpikeTrains).PopulationSpectrum")
}
