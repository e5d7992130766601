package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/modelfile"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// ModelFormat identifies the model files the pipeline writes (the
// "format" field of their metadata).
const ModelFormat = "neurodyn-model/1"

// Model kinds: the families the pipeline trains, saves and reloads.
const (
	KindCTRNN     = modelfile.KindCTRNN     // continuous-time RNN (package ctrnn)
	KindRate      = modelfile.KindRate      // balanced E/I rate network (package rate)
	KindSNN       = modelfile.KindSNN       // trained spiking network (package snn)
	KindReservoir = modelfile.KindReservoir // liquid-state machine with a ridge readout (snn.Reservoir)
	KindESN       = modelfile.KindESN       // echo-state network with a ridge readout (snn.ESN)
)

// Kinds lists the model kinds in the order of the tutorial.
func Kinds() []string { return []string{KindCTRNN, KindRate, KindSNN, KindReservoir, KindESN} }

// Tasks a model is trained on.
const (
	TaskLorenz   = "lorenz"   // Lorenz-63 forecasting (the [data.lorenz] recipe)
	TaskFlipFlop = "flipflop" // the 3-bit flip-flop (the [data.flipflop] recipe)
	TaskSeries   = "series"   // forecasting a user's series read from a file
)

// SeriesSpec says how a user's series was read and split.
//
// The data are identified by their contents and how they are read, never
// by where the file is: Key hashes SHA256, Load (resolved: the format
// decided, options that do not apply left out) and Split, not the paths.
// So "x.npy", "./x.npy" and "/abs/x.npy" are the same data, and a model
// still finds its series after the file, the model or the working
// directory moved (Locate), or is pointed at it (UseFile).
type SeriesSpec struct {
	// Path is the file as given when the model was trained; AbsPath the
	// same file made absolute then (empty in model files written before
	// 2026-12-01); ModelRel its path relative to the model file's
	// directory, written when the model file is saved (so a directory
	// holding both can move). SHA256 is the file's hash when the model
	// was trained (Locate refuses a file whose hash differs).
	Path     string `json:"path"`
	AbsPath  string `json:"abs_path,omitempty"`
	ModelRel string `json:"model_rel,omitempty"`
	SHA256   string `json:"sha256"`
	// Load is how the file is read: SeriesFileSpec resolves it to
	// canonical form (tasks.LoadOptions.Canonical), so Format is set;
	// files written before 2026-12-01 may leave it empty (decided by
	// Path's extension) or hold options equivalent to the canonical ones.
	Load  tasks.LoadOptions  `json:"load"`
	Split tasks.SeriesConfig `json:"split"`

	// modelDir is the directory of the model file the spec was read
	// from (ReadModelMeta); file the file UseFile accepted.
	modelDir string
	file     string
}

// DataSpec says how to rebuild the data a model was trained on.
type DataSpec struct {
	// Task is TaskLorenz, TaskFlipFlop or TaskSeries; the matching field
	// holds its recipe.
	Task     string        `json:"task"`
	Lorenz   *LorenzData   `json:"lorenz,omitempty"`
	FlipFlop *FlipFlopData `json:"flipflop,omitempty"`
	Series   *SeriesSpec   `json:"series,omitempty"`
}

// LorenzSpec returns the DataSpec of the Lorenz recipe l.
func LorenzSpec(l LorenzData) DataSpec { return DataSpec{Task: TaskLorenz, Lorenz: &l} }

// FlipFlopSpec returns the DataSpec of the flip-flop recipe f.
func FlipFlopSpec(f FlipFlopData) DataSpec { return DataSpec{Task: TaskFlipFlop, FlipFlop: &f} }

// SeriesFileSpec reads the user's series at path with the given options,
// hashes the file and returns its DataSpec. The options are resolved
// against the file in canonical form (tasks.LoadOptions.Canonical: every
// column in order is all, a --header the automatic choice makes is auto,
// an HDF5 path has one spelling), so equivalent options give the same
// data identity; one that does not apply to the format is a parameter
// error naming it.
func SeriesFileSpec(path string, load tasks.LoadOptions, split tasks.SeriesConfig) (DataSpec, error) {
	load, err := load.Canonical(path)
	if err != nil {
		return DataSpec{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return DataSpec{}, fmt.Errorf("pipeline: series file: %w", err)
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return DataSpec{}, err
	}
	return DataSpec{Task: TaskSeries, Series: &SeriesSpec{Path: path, AbsPath: abs, SHA256: sum, Load: load, Split: split}}, nil
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("pipeline: series file: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("pipeline: series file: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ErrSeriesChanged reports a series file whose contents differ from those
// a model was trained on (its SHA-256 changed).
var ErrSeriesChanged = errors.New("series file changed since the model was trained")

// load returns s.Load in canonical form: the format decided by Path's
// extension when empty, and the options that do not apply to the format
// cleared (a model file written before 2026-12-01 may hold a Header for
// an .npy, which was ignored).
func (s *SeriesSpec) load() tasks.LoadOptions {
	lo := s.Load
	if f, err := (tasks.LoadOptions{Format: lo.Format}).Resolve(s.Path); err == nil {
		lo.Format = f.Format
	}
	if lo.Format != "npz" && lo.Format != "hdf5" {
		lo.Key = ""
	}
	if lo.Format != "csv" {
		lo.Header, lo.Comma = tasks.HeaderAuto, 0
	}
	if r, err := lo.Resolve(s.Path); err == nil {
		lo = r
	}
	return lo
}

// candidates lists where the series file may be, in the order Locate
// tries them: the absolute path, the path relative to the model file's
// directory (as recorded when saved, then as given at training), the path
// as given (relative to the working directory), then as given relative to
// the four directories above the model file's.
func (s *SeriesSpec) candidates() []string {
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, filepath.Clean(p)) {
			out = append(out, filepath.Clean(p))
		}
	}
	if s.AbsPath != "" {
		add(s.AbsPath)
	} else if filepath.IsAbs(s.Path) {
		add(s.Path)
	}
	if s.modelDir != "" {
		if s.ModelRel != "" {
			add(filepath.Join(s.modelDir, s.ModelRel))
		}
		if s.Path != "" && !filepath.IsAbs(s.Path) {
			add(filepath.Join(s.modelDir, s.Path))
		}
	}
	add(s.Path)
	if s.modelDir != "" && s.Path != "" && !filepath.IsAbs(s.Path) {
		// The directories above the model's: a model is mostly written to
		// --out below the directory train ran in, and files written
		// before 2026-12-01 record the path relative to that directory
		// only. The SHA-256 decides, so a guess is never taken wrongly.
		dir := s.modelDir
		for range 4 {
			up := filepath.Dir(dir)
			if up == dir {
				break
			}
			dir = up
			add(filepath.Join(dir, s.Path))
		}
	}
	return out
}

// Locate returns the series file the model was trained on: the file
// UseFile accepted, or the first of the candidate places (the absolute
// path recorded at training, the recorded path relative to the model
// file's directory, the path as given relative to the working directory,
// then to the directories above the model file's) that holds a file with
// the recorded SHA-256. If no candidate exists the
// error wraps fs.ErrNotExist and says how to point the model at the file;
// if one exists with other contents, ErrSeriesChanged.
func (s *SeriesSpec) Locate() (string, error) {
	if s.file != "" {
		return s.file, nil
	}
	var changed []string
	tried := s.candidates()
	for _, p := range tried {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if s.SHA256 == "" {
			return p, nil
		}
		sum, err := fileSHA256(p)
		if err != nil {
			return "", err
		}
		if sum == s.SHA256 {
			return p, nil
		}
		changed = append(changed, fmt.Sprintf("%s (SHA-256 now %s)", p, sum))
	}
	if changed != nil {
		return "", fmt.Errorf("pipeline: %s: %w: the model was trained on SHA-256 %s; restore the file the model was trained on, point the model at it (analyze --data FILE), or train again on this one (neurodyn train with --task %s, --overwrite to replace the model file)",
			strings.Join(changed, ", "), ErrSeriesChanged, s.SHA256, s.Path)
	}
	return "", fmt.Errorf("pipeline: series file %s: %w (looked for at %s); pass its new location with analyze --data FILE (with the loading options it was trained with: %s)",
		s.Path, fs.ErrNotExist, strings.Join(tried, ", "), optionText(s.load(), s.Split.Dt))
}

// Check verifies that the series file the model was trained on can be
// found with its recorded contents (Locate).
func (s *SeriesSpec) Check() error {
	_, err := s.Locate()
	return err
}

// UseFile points s at path, the model's series file where it now is (the
// file moved, or the model did), read with load and sample interval dt.
// A zero option (Format "", Key "", Columns nil, Header HeaderAuto, Comma
// 0, dt 0) takes the value the model was trained with; any other must
// read the same data as it (compared in canonical form against path,
// tasks.LoadOptions.Canonical). The file must have the recorded SHA-256. Otherwise UseFile
// returns a parameter error naming --data and saying what differs.
func (s *SeriesSpec) UseFile(path string, load tasks.LoadOptions, dt float64) error {
	rec := s.load()
	recDt := s.Split.Dt
	if recDt == 0 {
		recDt = 1
	}
	// Compare in canonical form against this file: --columns 0,1,2 of a
	// 3-column file is all, --header yes where auto finds the header is
	// auto, "grp/traj" is "/grp/traj".
	canon := func(lo tasks.LoadOptions) tasks.LoadOptions {
		if c, err := lo.Canonical(path); err == nil {
			return c
		}
		if c, err := lo.Resolve(path); err == nil {
			return c
		}
		return lo
	}
	given := rec
	if load.Format != "" {
		given.Format = load.Format
	}
	if load.Key != "" {
		given.Key = load.Key
	}
	if load.Columns != nil {
		given.Columns = load.Columns
	}
	if load.Header != tasks.HeaderAuto {
		given.Header = load.Header
	}
	given, rec = canon(given), canon(rec)
	var diff []string
	if given.Format != rec.Format {
		diff = append(diff, fmt.Sprintf("--format %s (trained as %s)", load.Format, rec.Format))
	}
	if given.Key != rec.Key {
		diff = append(diff, fmt.Sprintf("--key %q (trained with %q)", load.Key, rec.Key))
	}
	if !slices.Equal(given.Columns, rec.Columns) {
		diff = append(diff, fmt.Sprintf("--columns %s (trained with %s)", columnsText(load.Columns), columnsText(rec.Columns)))
	}
	if given.Header != rec.Header {
		diff = append(diff, fmt.Sprintf("--header %s (trained with %s)", load.Header, rec.Header))
	}
	if load.Comma != 0 && load.Comma != rec.Comma {
		diff = append(diff, fmt.Sprintf("delimiter %q (trained with %q)", load.Comma, rec.Comma))
	}
	if dt != 0 && dt != recDt {
		diff = append(diff, fmt.Sprintf("--dt %g (trained with %g)", dt, recDt))
	}
	if diff != nil {
		return param.New("pipeline", "--data", path, fmt.Sprintf("read as the model's series was (it was trained on %s with %s), but %s differ; leave an option out to take the model's", s.Path, optionText(rec, recDt), strings.Join(diff, ", ")))
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	if s.SHA256 != "" && sum != s.SHA256 {
		return fmt.Errorf("pipeline: --data %s: %w: its SHA-256 is %s, the model was trained on %s (SHA-256 %s); give the file the model was trained on, or train again on this one: %w",
			path, ErrSeriesChanged, sum, s.Path, s.SHA256, param.ErrInvalid)
	}
	s.file = path
	return nil
}

// optionText describes loading options and dt as flags.
func optionText(lo tasks.LoadOptions, dt float64) string {
	parts := []string{"--format " + lo.Format}
	if lo.Key != "" {
		parts = append(parts, fmt.Sprintf("--key %s", lo.Key))
	}
	parts = append(parts, "--columns "+columnsText(lo.Columns))
	if lo.Format == "csv" {
		parts = append(parts, "--header "+lo.Header.String())
	}
	if dt == 0 {
		dt = 1
	}
	return strings.Join(append(parts, fmt.Sprintf("--dt %g", dt)), " ")
}

// columnsText writes a column selection as --columns takes it ("all" for
// nil).
func columnsText(c []int) string {
	if c == nil {
		return "all"
	}
	s := make([]string, len(c))
	for i, v := range c {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ",")
}

// seriesDiff says how the series spec cur differs from old as data (their
// SHA-256, loading options, split), "" when they are the same data.
func seriesDiff(old, cur *SeriesSpec) string {
	if old == nil || cur == nil {
		return ""
	}
	var d []string
	if old.SHA256 != cur.SHA256 {
		d = append(d, fmt.Sprintf("%s has SHA-256 %s, the stored model's series (%s) had %s", cur.Path, cur.SHA256, old.Path, old.SHA256))
	}
	if o, c := optionText(old.load(), old.Split.Dt), optionText(cur.load(), cur.Split.Dt); o != c {
		d = append(d, fmt.Sprintf("read with %s, the stored model's with %s", c, o))
	} else if !reflect.DeepEqual(old.load(), cur.load()) {
		d = append(d, fmt.Sprintf("read with %+v, the stored model's with %+v", cur.load(), old.load()))
	}
	if o, c := old.Split, cur.Split; o.Dt == c.Dt && !reflect.DeepEqual(o, c) {
		d = append(d, fmt.Sprintf("split %+v, the stored model's %+v", c, o))
	}
	return strings.Join(d, "; ")
}

// Key identifies the data (a hash of the spec). A series is identified by
// its contents and how it is read (SHA256, the resolved Load, Split), not
// by the file's path (see SeriesSpec).
func (s DataSpec) Key() string {
	if s.Series != nil {
		s.Series = &SeriesSpec{SHA256: s.Series.SHA256, Load: s.Series.load(), Split: s.Series.Split}
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic("pipeline: DataSpec is not JSON-encodable: " + err.Error())
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// Forecasting returns the forecasting dataset of a Lorenz or series spec.
// A series file is found and checked against its recorded SHA-256
// (SeriesSpec.Locate): data that changed since are refused, not used.
func (s DataSpec) Forecasting() (*tasks.Dataset, error) {
	switch {
	case s.Task == TaskLorenz && s.Lorenz != nil:
		return tasks.GenerateLorenz(s.Lorenz.LorenzConfig())
	case s.Task == TaskSeries && s.Series != nil:
		path, err := s.Series.Locate()
		if err != nil {
			return nil, err
		}
		lo := s.Series.load()
		raw, err := tasks.LoadSeries(path, lo)
		if err != nil {
			return nil, err
		}
		d, err := tasks.FromSeries(raw, s.Series.Split)
		if err == nil && lo.Columns != nil {
			d.Params["columns"] = columnsText(lo.Columns) // names the variables in reports without a header (variableLabels)
		}
		return d, err
	}
	return nil, param.New("pipeline", "task", s.Task, "lorenz or series (a forecasting task)")
}

// FlipFlopTask returns the flip-flop task of a flip-flop spec.
func (s DataSpec) FlipFlopTask() (*tasks.FlipFlop, error) {
	if s.Task != TaskFlipFlop || s.FlipFlop == nil {
		return nil, param.New("pipeline", "task", s.Task, "flipflop")
	}
	return tasks.GenerateFlipFlop(s.FlipFlop.FlipFlopConfig())
}

// Epoch is one line of a training history as stored in model files.
type Epoch struct {
	Epoch     int      `json:"epoch"`
	Phase     int      `json:"phase"`
	TrainLoss JSONReal `json:"train_loss"`
	ValLoss   JSONReal `json:"val_loss"`
	LR        JSONReal `json:"lr"`
	Seconds   JSONReal `json:"seconds"`
	// Metric is the epoch's selection criterion (learn.EpochRecord.Metric,
	// lower is better; the Lorenz recipes' negated median valid time on
	// the validation split, in Lyapunov times), null where the phase had
	// none.
	Metric JSONReal `json:"metric"`
}

// ModelMeta is the metadata stored in a model file: what the model is,
// how it was made and how it trained.
type ModelMeta struct {
	Format string `json:"format"`
	// Kind is one of Kinds(); Name the recipe's name.
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Identity hashes the kind, the recipe and the data: a stored model is
	// reused only by a run with the same identity.
	Identity string `json:"identity"`
	// Data rebuilds the training data; Dim is its number of variables.
	Data DataSpec `json:"data"`
	Dim  int      `json:"dim"`
	// Recipe is the recipe as its package encodes it; Config the model's
	// configuration with defaults (what rebuilds the model).
	Recipe json.RawMessage `json:"recipe"`
	Config json.RawMessage `json:"config"`
	// Selection names the criterion that chose the epoch kept (empty: the
	// recipe's validation loss); part of the identity.
	Selection string `json:"selection,omitempty"`
	// Seed is the master seed of the run that trained it.
	Seed uint64 `json:"seed"`
	// Params is the number of trainable parameters; TrainSeconds the
	// wall-clock training (or fitting) time, summed over the processes
	// that resumed it; Epochs (over all phases), BestEpoch (the kept
	// epoch, 1-based over all phases: History[BestEpoch−1]) and Stop (why the last phase ended) summarize the training; History
	// is its per-epoch record, every phase's.
	Params       int      `json:"params"`
	TrainSeconds JSONReal `json:"train_seconds"`
	Epochs       int      `json:"epochs"`
	BestEpoch    int      `json:"best_epoch"`
	Stop         string   `json:"stop,omitempty"`
	History      []Epoch  `json:"history,omitempty"`
	// Provenance records the build and run that wrote the file (version,
	// revision, build ID, seed, configuration, time; nil in files written
	// before 2026-12-01). It is not part of the identity: a model trained
	// again with the same recipe on the same data is the same model.
	Provenance *modelfile.Provenance `json:"provenance,omitempty"`
}

// identity returns the hash that decides whether a stored model can be
// reused.
func identity(kind string, recipe []byte, data DataSpec) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", kind, recipe, data.Key())
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// JSONReal is a float64 whose JSON form is a number, or null for NaN and
// infinities (which JSON cannot hold); null reads back as NaN.
type JSONReal float64

// MarshalJSON writes the number, or null when it is not finite.
func (x JSONReal) MarshalJSON() ([]byte, error) {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or NaN for null.
func (x *JSONReal) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = JSONReal(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("pipeline: %q is not a number", b)
	}
	*x = JSONReal(v)
	return nil
}

// historyOf converts trainer histories (one per phase) to stored epochs.
func historyOf(phases []*learn.Result) []Epoch {
	var out []Epoch
	for p, res := range phases {
		if res == nil {
			continue
		}
		for _, e := range res.History {
			out = append(out, Epoch{Epoch: e.Epoch, Phase: p, TrainLoss: JSONReal(e.TrainLoss), ValLoss: JSONReal(e.ValLoss),
				LR: JSONReal(e.LR), Seconds: JSONReal(e.Seconds), Metric: JSONReal(e.Metric)})
		}
	}
	return out
}

// ReadModelMeta reads the metadata of a model file written by the
// pipeline (or by `neurodyn train`).
func ReadModelMeta(path string) (*ModelMeta, error) {
	arrays, err := export.ReadNPZ(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: model file: %w", err)
	}
	for _, a := range arrays {
		if a.Name != learn.ParamsMetaKey {
			continue
		}
		b, err := export.NPZData[uint8](a)
		if err != nil {
			break
		}
		var m ModelMeta
		if err := json.Unmarshal(b, &m); err != nil || m.Format != ModelFormat {
			break
		}
		if m.Data.Series != nil {
			if abs, err := filepath.Abs(path); err == nil {
				m.Data.Series.modelDir = filepath.Dir(abs)
			}
		}
		return &m, nil
	}
	return nil, param.New("pipeline", "model file", path, "a model file written by neurodyn (train or tutorial), with "+ModelFormat+" metadata")
}

// storedMeta returns the metadata of the model file at path if it exists
// and has the given identity, else nil.
func storedMeta(path, id string) *ModelMeta {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	m, err := ReadModelMeta(path)
	if err != nil || !m.hasIdentity(id) {
		return nil
	}
	return m
}

// hasIdentity reports whether the stored model m has the identity id: its
// recorded one, or for a series model written before the series path left
// the identity (2026-12-01), the identity its metadata gives now (the
// same recipe, selection and data; so such a file is reused, not refused
// as trained on other data), with its loading options made canonical
// against its series file when that is found (files written before the
// options were stored canonical, e.g. with --columns 0,1,2 of a
// 3-column file).
func (m *ModelMeta) hasIdentity(id string) bool {
	if m.Identity == id {
		return true
	}
	if m.Data.Series == nil {
		return false
	}
	recipe := append(append([]byte(nil), m.Recipe...), m.Selection...)
	if identity(m.Kind, recipe, m.Data) == id {
		return true
	}
	// Written before the loading options were stored in canonical form
	// (tasks.LoadOptions.Canonical): canonical against the file, if found.
	d, s := m.Data, *m.Data.Series
	path, err := s.Locate()
	if err != nil {
		return false
	}
	if s.Load, err = s.load().Canonical(path); err != nil {
		return false
	}
	d.Series = &s
	return identity(m.Kind, recipe, d) == id
}

// metaJSON encodes meta for the model file at path, with the series file's
// path relative to the model file's directory (SeriesSpec.ModelRel).
func metaJSON(path string, meta *ModelMeta) ([]byte, error) {
	m := *meta
	if s := m.Data.Series; s != nil && s.AbsPath != "" {
		if dir, err := filepath.Abs(filepath.Dir(path)); err == nil {
			if rel, err := filepath.Rel(dir, s.AbsPath); err == nil {
				c := *s
				c.ModelRel = rel
				m.Data.Series = &c
			}
		}
	}
	b, err := json.Marshal(&m)
	if err != nil {
		return nil, fmt.Errorf("pipeline: model metadata: %w", err)
	}
	return b, nil
}

// withProvenance sets meta's provenance to this build's and this moment's
// (with the model's configuration and the run's seed) unless it has one.
func withProvenance(meta *ModelMeta) {
	if meta.Provenance == nil {
		meta.Provenance = modelfile.NewProvenance(string(meta.Config), "json", export.Seed{Name: "seed", Value: meta.Seed})
	}
}

// saveParamsModel writes a model with learn parameters and its metadata,
// with provenance (withProvenance).
func saveParamsModel(path string, p *learn.Params[float32], meta *ModelMeta) error {
	withProvenance(meta)
	b, err := metaJSON(path, meta)
	if err != nil {
		return err
	}
	return learn.SaveParams(path, p, string(b), export.Overwrite())
}

// saveReadoutModel writes a reservoir's or ESN's readout and metadata
// (modelfile.SaveReadout: the network itself is rebuilt from its
// configuration and seed), with provenance (withProvenance).
func saveReadoutModel(path string, l *snn.Linear, meta *ModelMeta) error {
	withProvenance(meta)
	b, err := metaJSON(path, meta)
	if err != nil {
		return err
	}
	if err := modelfile.SaveReadout(path, l, b, export.Overwrite()); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	return nil
}

// Model is a model loaded from a file: its pipeline metadata and the
// model modelfile.Build rebuilt (exactly one model field set, by
// Meta.Kind; Close releases a reservoir's engine).
type Model struct {
	Meta ModelMeta
	*modelfile.Model
}

// LoadModel reads a model file written by the pipeline or `neurodyn
// train` and rebuilds the model (modelfile.Build): its configuration from
// the metadata, its parameters (or, for reservoirs and ESNs, the network
// from its configuration and seed, and the readout) from the file.
func LoadModel(path string) (*Model, error) {
	meta, err := ReadModelMeta(path)
	if err != nil {
		return nil, err
	}
	m, err := modelfile.Build(path, modelfile.Header{Format: meta.Format, Kind: meta.Kind, Config: meta.Config, Dim: meta.Dim, Provenance: meta.Provenance})
	if err != nil {
		return nil, err
	}
	return &Model{Meta: *meta, Model: m}, nil
}

// removeFiles deletes files that are no longer needed (a finished
// training's checkpoints); a file already gone is fine.
func removeFiles(paths ...string) error {
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("pipeline: %w", err)
		}
	}
	return nil
}
