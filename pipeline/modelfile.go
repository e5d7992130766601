package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// ModelFormat identifies the model files the pipeline writes (the
// "format" field of their metadata).
const ModelFormat = "neurodyn-model/1"

// Model kinds: the families the pipeline trains, saves and reloads.
const (
	KindCTRNN     = "ctrnn"     // continuous-time RNN (package ctrnn)
	KindRate      = "rate"      // balanced E/I rate network (package rate)
	KindSNN       = "snn"       // trained spiking network (package snn)
	KindReservoir = "reservoir" // liquid-state machine with a ridge readout (snn.Reservoir)
	KindESN       = "esn"       // echo-state network with a ridge readout (snn.ESN)
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
type SeriesSpec struct {
	// Path is the file; SHA256 its contents' hash when the model was
	// trained (Forecasting refuses a file whose hash has changed since).
	Path   string             `json:"path"`
	SHA256 string             `json:"sha256"`
	Load   tasks.LoadOptions  `json:"load"`
	Split  tasks.SeriesConfig `json:"split"`
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
// hashes the file and returns its DataSpec.
func SeriesFileSpec(path string, load tasks.LoadOptions, split tasks.SeriesConfig) (DataSpec, error) {
	sum, err := fileSHA256(path)
	if err != nil {
		return DataSpec{}, err
	}
	return DataSpec{Task: TaskSeries, Series: &SeriesSpec{Path: path, SHA256: sum, Load: load, Split: split}}, nil
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

// Check verifies that the file at s.Path still has the hash s.SHA256 (an
// empty SHA256 is not checked).
func (s *SeriesSpec) Check() error {
	if s.SHA256 == "" {
		return nil
	}
	sum, err := fileSHA256(s.Path)
	if err != nil {
		return err
	}
	if sum != s.SHA256 {
		return fmt.Errorf("pipeline: %s: %w: its SHA-256 is now %s, the model was trained on %s; restore the file the model was trained on, or train again on this one (neurodyn train with --task %s, --overwrite to replace the model file)",
			s.Path, ErrSeriesChanged, sum, s.SHA256, s.Path)
	}
	return nil
}

// Key identifies the data (a hash of the spec).
func (s DataSpec) Key() string {
	b, err := json.Marshal(s)
	if err != nil {
		panic("pipeline: DataSpec is not JSON-encodable: " + err.Error())
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// Forecasting returns the forecasting dataset of a Lorenz or series spec.
// A series file is first checked against its recorded SHA-256
// (SeriesSpec.Check): data that changed since are refused, not used.
func (s DataSpec) Forecasting() (*tasks.Dataset, error) {
	switch {
	case s.Task == TaskLorenz && s.Lorenz != nil:
		return tasks.GenerateLorenz(s.Lorenz.LorenzConfig())
	case s.Task == TaskSeries && s.Series != nil:
		if err := s.Series.Check(); err != nil {
			return nil, err
		}
		raw, err := tasks.LoadSeries(s.Series.Path, s.Series.Load)
		if err != nil {
			return nil, err
		}
		return tasks.FromSeries(raw, s.Series.Split)
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
	if err != nil || m.Identity != id {
		return nil
	}
	return m
}

// saveParamsModel writes a model with learn parameters and its metadata.
func saveParamsModel(path string, p *learn.Params[float32], meta *ModelMeta) error {
	b, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("pipeline: model metadata: %w", err)
	}
	return learn.SaveParams(path, p, string(b))
}

// Readout array names in reservoir and ESN model files.
const (
	readoutW      = "readout.W"
	readoutB      = "readout.B"
	readoutLambda = "readout.lambda"
)

// saveReadoutModel writes a reservoir's or ESN's readout and metadata (the
// network itself is rebuilt from its configuration and seed).
func saveReadoutModel(path string, l *snn.Linear, meta *ModelMeta) error {
	b, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("pipeline: model metadata: %w", err)
	}
	arrays := []export.NPZArray{
		export.NewNPZArray(readoutW, l.W, l.O, l.F),
		export.NewNPZArray(readoutB, l.B),
		export.NPZScalar(readoutLambda, l.Lambda),
		export.NewNPZArray(learn.ParamsMetaKey, b),
	}
	if err := export.WriteNPZ(path, arrays, export.Overwrite()); err != nil {
		return fmt.Errorf("pipeline: save readout to %s: %w", path, err)
	}
	return nil
}

// loadReadout reads the readout of a file written by saveReadoutModel.
func loadReadout(path string, features, outputs int) (*snn.Linear, error) {
	arrays, err := export.ReadNPZ(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: model file: %w", err)
	}
	l := &snn.Linear{F: features, O: outputs}
	for _, a := range arrays {
		switch a.Name {
		case readoutW:
			l.W, err = export.NPZData[float64](a)
		case readoutB:
			l.B, err = export.NPZData[float64](a)
		case readoutLambda:
			var v []float64
			if v, err = export.NPZData[float64](a); err == nil && len(v) == 1 {
				l.Lambda = v[0]
			}
		}
		if err != nil {
			return nil, fmt.Errorf("pipeline: model file %s: %w", path, err)
		}
	}
	if len(l.W) != features*outputs || len(l.B) != outputs {
		return nil, param.New("pipeline", "model file", path, fmt.Sprintf("a readout of %d×%d weights and %d biases", outputs, features, outputs))
	}
	for _, v := range append(append([]float64(nil), l.W...), l.B...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, param.New("pipeline", "model file", path, "finite readout weights")
		}
	}
	return l, nil
}

// Model is a model loaded from a file: its metadata and exactly one of the
// model fields, by Meta.Kind. Close releases a reservoir's engine.
type Model struct {
	Meta      ModelMeta
	CTRNN     *ctrnn.Model[float32]
	Rate      *rate.Model[float32]
	SNN       *snn.Model[float32]
	Reservoir *snn.Reservoir
	ESN       *snn.ESN
}

// Close releases the engine of a reservoir (a no-op for other kinds).
func (m *Model) Close() error {
	if m.Reservoir != nil {
		return m.Reservoir.Close()
	}
	return nil
}

// Stepper returns the model as a learn.Stepper (one stream).
func (m *Model) Stepper() learn.Stepper {
	switch {
	case m.CTRNN != nil:
		return m.CTRNN
	case m.Rate != nil:
		return m.Rate
	case m.SNN != nil:
		return m.SNN
	case m.Reservoir != nil:
		return m.Reservoir
	}
	return m.ESN
}

// LoadModel reads a model file written by the pipeline or `neurodyn
// train` and rebuilds the model: its configuration from the metadata, its
// parameters (or, for reservoirs and ESNs, the network from its
// configuration and seed, and the readout) from the file.
func LoadModel(path string) (*Model, error) {
	meta, err := ReadModelMeta(path)
	if err != nil {
		return nil, err
	}
	out := &Model{Meta: *meta}
	bad := func(err error) error {
		return fmt.Errorf("pipeline: model file %s (%s): %w", path, meta.Kind, err)
	}
	switch meta.Kind {
	case KindCTRNN:
		var c ctrnn.Config
		if err := json.Unmarshal(meta.Config, &c); err != nil {
			return nil, bad(err)
		}
		m, err := ctrnn.New[float32](c)
		if err != nil {
			return nil, bad(err)
		}
		if _, err := learn.LoadParamsNPZ(m.Params(), path); err != nil {
			return nil, err
		}
		m.Reset()
		out.CTRNN = m
	case KindRate:
		var c rate.Config
		if err := json.Unmarshal(meta.Config, &c); err != nil {
			return nil, bad(err)
		}
		m, err := rate.New[float32](c)
		if err != nil {
			return nil, bad(err)
		}
		if _, err := learn.LoadParamsNPZ(m.Params(), path); err != nil {
			return nil, err
		}
		m.Reset()
		out.Rate = m
	case KindSNN:
		var c snn.Config
		if err := json.Unmarshal(meta.Config, &c); err != nil {
			return nil, bad(err)
		}
		m, err := snn.New[float32](c)
		if err != nil {
			return nil, bad(err)
		}
		if _, err := learn.LoadParamsNPZ(m.Params(), path); err != nil {
			return nil, err
		}
		m.Reset()
		out.SNN = m
	case KindReservoir:
		var c snn.ReservoirConfig
		if err := json.Unmarshal(meta.Config, &c); err != nil {
			return nil, bad(err)
		}
		r, err := snn.NewReservoir(c, meta.Dim)
		if err != nil {
			return nil, bad(err)
		}
		l, err := loadReadout(path, r.Features()+meta.Dim, meta.Dim)
		if err != nil {
			r.Close()
			return nil, err
		}
		r.Readout = l
		r.Reset()
		out.Reservoir = r
	case KindESN:
		var c snn.ESNConfig
		if err := json.Unmarshal(meta.Config, &c); err != nil {
			return nil, bad(err)
		}
		e, err := snn.NewESN(c, meta.Dim)
		if err != nil {
			return nil, bad(err)
		}
		l, err := loadReadout(path, e.Config().N+meta.Dim, meta.Dim)
		if err != nil {
			return nil, err
		}
		e.Readout = l
		e.Reset()
		out.ESN = e
	default:
		return nil, param.New("pipeline", "model kind", meta.Kind, "one of ctrnn, rate, snn, reservoir, esn")
	}
	return out, nil
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
