package modelfile

import (
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
)

// Provenance is what a model file (and the pipeline's free-run .npz files)
// records of where it came from, as JSON that np.load users read with
// json.loads(bytes(z["neurodyn_model"]))["provenance"]: export's
// provenance (neurodyn_version, git_revision, go_version, config and
// config_format, seeds, kernel_path, cpu_model, arch, hostname,
// created_utc) and the build ID (buildinfo.ID: version and revision, plus
// the executable's digest when the revision does not pin the source).
//
// It varies between runs (time, host, build), so it is never part of a
// model's identity (the pipeline compares its "identity" field only) and
// scripts/compare-results.py leaves it out.
type Provenance struct {
	export.Provenance
	BuildID string `json:"build_id"`
}

// NewProvenance returns the provenance of the running binary with the
// configuration text config in format (e.g. "json", "toml"; "" with an
// empty config) and the run's seeds.
func NewProvenance(config, format string, seeds ...export.Seed) *Provenance {
	return &Provenance{Provenance: export.NewProvenance(config, format, seeds...), BuildID: buildinfo.ID()}
}
