package export

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/klauspost/cpuid/v2"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/buildinfo"
)

// Seed is one named random seed of a run ("network", "poisson", "init").
type Seed struct {
	Name  string `json:"name"`
	Value uint64 `json:"value"`
}

// Provenance says where a result file came from. Fill it with NewProvenance
// and attach it with WithProvenance (at creation) or Attach. Every field is
// written as a root attribute of the file; the attribute names are the
// Attr* constants.
type Provenance struct {
	Version      string    `json:"neurodyn_version"` // neurodyn release (internal/buildinfo)
	Revision     string    `json:"git_revision"`     // source revision, "+dirty" if modified, or "unknown"
	GoVersion    string    `json:"go_version"`       // toolchain that built the binary
	Config       string    `json:"config"`           // the full configuration text of the run
	ConfigFormat string    `json:"config_format"`    // "toml", "json", ... ("" if Config is empty)
	Seeds        []Seed    `json:"seeds"`            // every seed the run drew from
	KernelPath   string    `json:"kernel_path"`      // SIMD kernel path in use ("avx2", "generic", ...)
	CPU          string    `json:"cpu_model"`        // CPU brand string
	Arch         string    `json:"arch"`             // GOOS/GOARCH
	Host         string    `json:"hostname"`         // host name, "" if unknown
	Created      time.Time `json:"created_utc"`      // creation time, UTC, second resolution
}

// Provenance attribute names.
const (
	AttrVersion      = "neurodyn_version"
	AttrRevision     = "git_revision"
	AttrGoVersion    = "go_version"
	AttrConfig       = "config"
	AttrConfigFormat = "config_format"
	AttrSeedNames    = "seed_names"
	AttrSeeds        = "seeds"
	AttrKernelPath   = "kernel_path"
	AttrCPU          = "cpu_model"
	AttrArch         = "arch"
	AttrHost         = "hostname"
	AttrCreated      = "created_utc"
	AttrHDF5Version  = "hdf5_version"
)

// NewProvenance returns the provenance of the running binary: version,
// revision, Go version, the SIMD kernel path in use (asm.Path), CPU model,
// architecture, host name and the current time, with the given configuration
// text, its format and the seeds. An engine that captured a different kernel
// set at construction overwrites KernelPath.
func NewProvenance(config, format string, seeds ...Seed) Provenance {
	host, _ := os.Hostname()
	return Provenance{
		Version:      buildinfo.Version,
		Revision:     buildinfo.Revision(),
		GoVersion:    buildinfo.GoVersion(),
		Config:       config,
		ConfigFormat: format,
		Seeds:        append([]Seed(nil), seeds...),
		KernelPath:   asm.Path(),
		CPU:          cpuModel(),
		Arch:         runtime.GOOS + "/" + runtime.GOARCH,
		Host:         host,
		Created:      time.Now().UTC().Truncate(time.Second),
	}
}

// cpuModel returns the CPU brand string from cpuid, or from /proc/cpuinfo
// when cpuid cannot run (-tags noasm, non-x86), or "unknown".
func cpuModel() string {
	if s := strings.TrimSpace(cpuid.CPU.BrandName); s != "" {
		return s
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			k = strings.TrimSpace(k)
			if ok && (k == "model name" || k == "Model" || k == "cpu model") && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown"
}

// Validate checks that seed names are non-empty and unique and that a
// configuration has a format.
func (p Provenance) Validate() error {
	seen := map[string]bool{}
	for i, s := range p.Seeds {
		if s.Name == "" || seen[s.Name] {
			return fmt.Errorf("export: Provenance.Seeds[%d].Name = %q: must be non-empty and unique", i, s.Name)
		}
		seen[s.Name] = true
	}
	if p.Config != "" && p.ConfigFormat == "" {
		return fmt.Errorf("export: Provenance.ConfigFormat is empty: must name the format of Config (toml, json, ...)")
	}
	return nil
}

// Attach writes p as attributes of o (usually a *File), replacing earlier
// provenance attributes.
func (p Provenance) Attach(o Object) error {
	if err := p.Validate(); err != nil {
		return err
	}
	created := ""
	if !p.Created.IsZero() {
		created = p.Created.UTC().Format(time.RFC3339)
	}
	names := make([]string, len(p.Seeds))
	vals := make([]uint64, len(p.Seeds))
	for i, s := range p.Seeds {
		names[i], vals[i] = s.Name, s.Value
	}
	for _, kv := range [][2]string{
		{AttrVersion, p.Version}, {AttrRevision, p.Revision}, {AttrGoVersion, p.GoVersion},
		{AttrConfig, p.Config}, {AttrConfigFormat, p.ConfigFormat}, {AttrKernelPath, p.KernelPath},
		{AttrCPU, p.CPU}, {AttrArch, p.Arch}, {AttrHost, p.Host}, {AttrCreated, created},
		{AttrHDF5Version, HDF5Version()},
	} {
		if err := SetStringAttr(o, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if err := SetStringsAttr(o, AttrSeedNames, names); err != nil {
		return err
	}
	return SetAttrSlice(o, AttrSeeds, vals)
}

// ReadProvenance reads the provenance attributes of o. Missing attributes
// are left empty; an error is returned only when none is present or one
// cannot be read.
func ReadProvenance(o Object) (Provenance, error) {
	var p Provenance
	if !HasAttr(o, AttrVersion) {
		return p, fmt.Errorf("export: %s carries no provenance (attribute %s missing)", o.ObjectName(), AttrVersion)
	}
	str := func(name string, dst *string) error {
		if !HasAttr(o, name) {
			return nil
		}
		s, err := StringAttr(o, name)
		*dst = s
		return err
	}
	var created string
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{AttrVersion, &p.Version}, {AttrRevision, &p.Revision}, {AttrGoVersion, &p.GoVersion},
		{AttrConfig, &p.Config}, {AttrConfigFormat, &p.ConfigFormat}, {AttrKernelPath, &p.KernelPath},
		{AttrCPU, &p.CPU}, {AttrArch, &p.Arch}, {AttrHost, &p.Host}, {AttrCreated, &created},
	} {
		if err := str(f.name, f.dst); err != nil {
			return p, err
		}
	}
	if created != "" {
		t, err := time.Parse(time.RFC3339, created)
		if err != nil {
			return p, fmt.Errorf("export: attribute %s = %q: not RFC 3339: %w", AttrCreated, created, err)
		}
		p.Created = t
	}
	if HasAttr(o, AttrSeeds) {
		vals, err := AttrSlice[uint64](o, AttrSeeds)
		if err != nil {
			return p, err
		}
		names, err := StringsAttr(o, AttrSeedNames)
		if err != nil {
			return p, err
		}
		if len(names) != len(vals) {
			return p, fmt.Errorf("export: %d seed names for %d seeds", len(names), len(vals))
		}
		for i := range vals {
			p.Seeds = append(p.Seeds, Seed{Name: names[i], Value: vals[i]})
		}
	}
	return p, nil
}
