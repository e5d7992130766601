package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/rate"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// recipeSeedBase is the master seed at which every recipe keeps the seeds
// its package gives it.
const recipeSeedBase = 42

// shiftSeed moves a recipe seed by the master seed's distance from
// recipeSeedBase (modulo 2⁶⁴): the default seed 42 reproduces the packages'
// recipes exactly, another master seed gives every model other seeds.
func (c Config) shiftSeed(s uint64) uint64 { return s + (c.Seed - recipeSeedBase) }

func (c Config) shiftPhases(ph []leaky.Phase) []leaky.Phase {
	out := append([]leaky.Phase(nil), ph...)
	for i := range out {
		out[i].Train.Seed = c.shiftSeed(out[i].Train.Seed)
	}
	return out
}

// CTRNNLorenzRecipe returns the CT-RNN recipe of notebook 01 the
// configuration selects (LorenzQuick in quick mode), with its seeds
// shifted by the master seed.
func (c Config) CTRNNLorenzRecipe() ctrnn.Recipe {
	r := ctrnn.LorenzDefault()
	switch {
	case c.Quick:
		r = ctrnn.LorenzQuick()
	case c.Models.CTRNN == RecipeReference:
		r = ctrnn.LorenzReference()
	}
	r.Model.Seed = c.shiftSeed(r.Model.Seed)
	r.Phases = c.shiftPhases(r.Phases)
	return r
}

// RateLorenzRecipe returns the balanced rate network's recipe of notebook
// 02 the configuration selects.
func (c Config) RateLorenzRecipe() rate.Recipe {
	r := rate.LorenzDefault()
	switch {
	case c.Quick:
		r = rate.LorenzQuick()
	case c.Models.Rate == RecipeReference:
		r = rate.LorenzReference()
	}
	r.Model.Seed = c.shiftSeed(r.Model.Seed)
	r.Phases = c.shiftPhases(r.Phases)
	return r
}

// SNNRecipe returns the trained spiking network's recipe of notebook 03
// the configuration selects.
func (c Config) SNNRecipe() snn.Recipe {
	r := snn.LorenzDefault()
	switch {
	case c.Quick:
		r = snn.LorenzQuick()
	case c.Models.SNN == RecipeReference:
		r = snn.LorenzReference()
	}
	r.Model.Seed = c.shiftSeed(r.Model.Seed)
	r.Train.Seed = c.shiftSeed(r.Train.Seed)
	return r
}

// ReservoirSetup returns the liquid-state machine's configuration:
// snn's default (ReservoirQuick in quick mode), the size set by
// models.reservoir_neurons, the seed shifted by the master seed.
func (c Config) ReservoirSetup() snn.ReservoirConfig {
	r := snn.ReservoirConfig{}
	if c.Quick {
		r = snn.ReservoirQuick()
	}
	if c.Models.ReservoirNeurons > 0 {
		r.N = c.Models.ReservoirNeurons
	}
	r.Seed = c.shiftSeed(r.Seed)
	return r
}

// ESNSetup returns the echo-state network's configuration: snn's default,
// the size set by models.esn_units, the seed shifted by the master seed.
func (c Config) ESNSetup() snn.ESNConfig {
	e := snn.ESNConfig{}
	if c.Models.ESNUnits > 0 {
		e.N = c.Models.ESNUnits
	}
	e.Seed = c.shiftSeed(e.Seed)
	return e
}

// CTRNNFlipFlopRecipe returns the CT-RNN's flip-flop recipe of notebook 05.
func (c Config) CTRNNFlipFlopRecipe() ctrnn.Recipe {
	r := ctrnn.FlipFlopDefault()
	switch {
	case c.Quick:
		r = ctrnn.FlipFlopQuick()
	case c.Models.FlipFlopCTRNN == RecipeReference:
		r = ctrnn.FlipFlopReference()
	}
	r.Model.Seed = c.shiftSeed(r.Model.Seed)
	r.Phases = c.shiftPhases(r.Phases)
	return r
}

// RateFlipFlopRecipe returns the balanced rate network's flip-flop recipe
// of notebook 05.
func (c Config) RateFlipFlopRecipe() rate.Recipe {
	r := rate.FlipFlopDefault()
	switch {
	case c.Quick:
		r = rate.FlipFlopQuick()
	case c.Models.FlipFlopRate == RecipeReference:
		r = rate.FlipFlopReference()
	}
	r.Model.Seed = c.shiftSeed(r.Model.Seed)
	r.Phases = c.shiftPhases(r.Phases)
	return r
}

// forDim sizes a recipe's model for data of dim variables (inputs =
// outputs = dim), the same for the stages and `neurodyn train`, so that
// both identify the same model.
func forDim(inputs, outputs *int, dim int) { *inputs, *outputs = dim, dim }

// SelectionVT names the epoch-selection criterion of the Lorenz recipes
// with SelectByMetric: the median closed-loop valid time on the
// validation split (analysis.ValidTime with 30 starts and a horizon of
// up to 800 steps), recorded in model identities. It selects across
// phases too: a later phase (L-BFGS fine-tuning) whose best epoch is worse
// by it than an earlier phase's best does not replace that phase's
// parameters.
const SelectionVT = "median valid time on the validation split (30 starts, horizon ≤ 800), best phase kept"

// validTimeSelector returns the selection criterion SelectionVT on d's
// validation split (lower is better: the negated median valid time), or
// nil when the split is too short for it (then the recipe's validation
// loss selects).
func validTimeSelector(d *tasks.Dataset) func(learn.Model) (float64, error) {
	const starts = 30
	h := min(800, d.Val.Len-analysis.DefaultWarmup-starts)
	if h < 100 {
		return nil
	}
	return func(m learn.Model) (float64, error) {
		s, ok := m.(learn.Stepper)
		if !ok {
			return math.NaN(), nil
		}
		vt, err := analysis.ValidTime(s, d.Val.Data, d.Dim, analysis.ClosedLoopConfig{Starts: starts, Horizon: h, Dt: d.Dt})
		if err != nil {
			return 0, err
		}
		return -vt.InLyapunov.Median, nil
	}
}

// TrainOptions configure the pipeline's training functions.
type TrainOptions struct {
	// Dir receives the model file, and the training checkpoints while it
	// runs (a killed training resumes from them); File is the model
	// file's name in Dir.
	Dir, File string
	// Seed is the master seed, recorded in the metadata.
	Seed uint64
	// Retrain trains even when Dir holds a model file of the same
	// identity (same kind, recipe and data); without it that file is
	// loaded instead of training again.
	Retrain bool
	// NoReplace refuses to replace a file at Dir/File that does not hold
	// a model of the same identity (another recipe, other data, or no
	// model file at all): the error wraps export.ErrExists and is
	// returned before any training. Without it such a file is replaced
	// (the stages' directories are their own). A model of the same
	// identity is reloaded, or replaced with Retrain, either way.
	NoReplace bool
	// Progress, when set, is told after each epoch how many of the
	// recipe's epochs are done.
	Progress func(done, total int)
}

// selection returns the epoch selector of a Lorenz training and its name
// for the model identity.
func selection(d *tasks.Dataset) (func(learn.Model) (float64, error), string) {
	if d == nil {
		return nil, ""
	}
	if f := validTimeSelector(d); f != nil {
		return f, SelectionVT
	}
	return nil, ""
}

func (o TrainOptions) path() string { return filepath.Join(o.Dir, o.File) }

// refuseReplace returns an error wrapping export.ErrExists when
// o.NoReplace is set and o's model file exists without holding the model
// of meta's identity.
func (o TrainOptions) refuseReplace(meta *ModelMeta) error {
	if !o.NoReplace {
		return nil
	}
	path := o.path()
	if _, err := os.Lstat(path); err != nil {
		return nil // a partial file left by a killed save is replaced
	}
	why := "a file that is not a readable model file"
	if st, err := ReadModelMeta(path); err == nil {
		switch {
		case st.hasIdentity(meta.Identity):
			return nil
		case st.Kind != meta.Kind:
			why = "a model of kind " + st.Kind
		case st.Data.Key() != meta.Data.Key():
			why = "a model (" + st.Kind + ") trained on other data" + seriesChange(st.Data, meta.Data)
		default:
			why = "a model (" + st.Kind + ") of another recipe, " + st.Name
		}
	}
	return fmt.Errorf("pipeline: %s holds %s, not the model being trained: %w", path, why, export.ErrExists)
}

// seriesChange describes how the series file of a stored data spec
// differs from the new one ("" when either is not a series).
func seriesChange(old, cur DataSpec) string {
	if d := seriesDiff(old.Series, cur.Series); d != "" {
		return " (" + d + ")"
	}
	return ""
}

// checkpointStem returns the stem of the training checkpoints of a model
// identity (the identity keeps a changed recipe from resuming another's
// checkpoint).
func (o TrainOptions) checkpointStem(id string) string {
	stem := strings.TrimSuffix(o.File, filepath.Ext(o.File))
	return filepath.Join(o.Dir, "checkpoints", stem+"-"+id)
}

// Trained is a model the pipeline trained or reloaded.
type Trained[M any] struct {
	Model M
	// Meta is the model file's metadata (training time and history of the
	// run that trained it, also when reloaded).
	Meta *ModelMeta
	// Path is the model file; Loaded says it was reloaded, not trained.
	Path   string
	Loaded bool
}

// leakyModel is what ctrnn and rate models share.
type leakyModel interface {
	Params() *learn.Params[float32]
	Reset()
}

// trainLeaky reloads the model of meta's identity from o's model file, or
// trains it (resuming from checkpoints) and saves it.
func trainLeaky[M leakyModel](ctx context.Context, o TrainOptions, meta ModelMeta, phases []leaky.Phase, d *tasks.Dataset,
	build func(config json.RawMessage) (M, error), config func(M) any,
	train func(leaky.TrainOptions) (M, *leaky.Result, error)) (*Trained[M], error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	selector, selName := selection(d)
	meta.Format, meta.Seed, meta.Selection = ModelFormat, o.Seed, selName
	meta.Identity = identity(meta.Kind, append(append([]byte(nil), meta.Recipe...), selName...), meta.Data)
	if err := o.refuseReplace(&meta); err != nil {
		return nil, err
	}
	path := o.path()
	if st := storedMeta(path, meta.Identity); st != nil && !o.Retrain {
		m, err := build(st.Config)
		if err != nil {
			return nil, err
		}
		if _, err := learn.LoadParamsNPZ(m.Params(), path); err != nil {
			return nil, err
		}
		m.Reset()
		return &Trained[M]{Model: m, Meta: st, Path: path, Loaded: true}, nil
	}
	total := leaky.Epochs(phases)
	done := 0
	stem := o.checkpointStem(meta.Identity)
	if err := os.MkdirAll(filepath.Dir(stem), 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	// The checkpoints are the pipeline's own (by identity): a retraining
	// replaces them.
	to := leaky.TrainOptions{Checkpoint: stem, NPZ: true, Resume: !o.Retrain, Overwrite: true, ValMetric: selector,
		Progress: func(int, learn.EpochRecord) {
			done++
			if o.Progress != nil {
				o.Progress(done, total)
			}
		}}
	clock := startTrainClock(stem, !o.Retrain)
	progress := to.Progress
	to.Progress = func(ph int, e learn.EpochRecord) {
		clock.tick()
		progress(ph, e)
	}
	m, res, err := train(to)
	if err != nil {
		clock.tick()
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		clock.tick()
		return nil, err
	}
	kept := len(res.Phases) - 1
	if selector != nil {
		if kept, err = keepBestPhase(m.Params(), phases, res.Phases, stem); err != nil {
			return nil, err
		}
		m.Reset()
	}
	meta.Params = m.Params().Count()
	meta.TrainSeconds = JSONReal(clock.total())
	for i, p := range res.Phases {
		if i < kept {
			meta.BestEpoch += p.Epochs
		}
		meta.Epochs += p.Epochs
		meta.Stop = p.Stop
	}
	if kept >= 0 {
		meta.BestEpoch += res.Phases[kept].BestEpoch
	}
	meta.History = historyOf(res.Phases)
	if meta.Config, err = json.Marshal(config(m)); err != nil {
		return nil, fmt.Errorf("pipeline: model configuration: %w", err)
	}
	if err := saveParamsModel(path, m.Params(), &meta); err != nil {
		return nil, err
	}
	ck := []string{clock.path}
	for i := range phases {
		p := fmt.Sprintf("%s.phase%d.npz", stem, i)
		ck = append(ck, p, p+".provenance.json")
	}
	if err := removeFiles(ck...); err != nil {
		return nil, err
	}
	_ = os.Remove(filepath.Dir(stem)) // only when empty
	return &Trained[M]{Model: m, Meta: &meta, Path: path}, nil
}

// keepBestPhase compares the phases selected by the metric (SelectByMetric)
// by their best value (learn.Result.BestVal, lower is better) and, when an
// earlier phase's best beats the last phase's, puts that phase's best
// parameters (the "best." arrays of its checkpoint stem.phase<i>.npz) into
// p. It returns the index of the phase whose parameters p holds. Without
// it, an L-BFGS fine-tuning phase replaced a better Adam phase: the
// CT-RNN's best median valid time on validation was 5.62 Lyapunov times
// after phase 0 and 5.14 after fine-tuning, and the 5.14 was kept.
func keepBestPhase(p *learn.Params[float32], phases []leaky.Phase, res []*learn.Result, stem string) (int, error) {
	last := len(res) - 1
	if last < 1 || res[last] == nil || !phases[last].SelectByMetric || res[last].BestEpoch == 0 {
		return last, nil
	}
	best, bestVal := last, res[last].BestVal
	for i := 0; i < last; i++ {
		if r := res[i]; r != nil && phases[i].SelectByMetric && r.BestEpoch > 0 && r.BestVal < bestVal {
			best, bestVal = i, r.BestVal
		}
	}
	if best == last {
		return last, nil
	}
	if err := learn.LoadParams(p, fmt.Sprintf("%s.phase%d.npz", stem, best), true); err != nil {
		return 0, fmt.Errorf("pipeline: the best phase's parameters: %w", err)
	}
	return best, nil
}

// trainClock accumulates the wall-clock time spent training a model
// across the processes that resume it: each epoch writes the total so far
// to path beside the checkpoints, and a resumed training starts from it
// (a killed run's time counted up to its last finished epoch).
type trainClock struct {
	path  string
	prior float64
	t0    time.Time
}

// startTrainClock starts the clock of the training with checkpoint stem,
// from the time stored by earlier processes when resume is set.
func startTrainClock(stem string, resume bool) *trainClock {
	c := &trainClock{path: stem + ".train_seconds", t0: time.Now()}
	if !resume {
		_ = os.Remove(c.path)
		return c
	}
	if b, err := os.ReadFile(c.path); err == nil {
		if v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64); err == nil && v >= 0 && !math.IsInf(v, 0) {
			c.prior = v
		}
	}
	return c
}

// total returns the training time so far, earlier processes included.
func (c *trainClock) total() float64 { return c.prior + time.Since(c.t0).Seconds() }

// tick stores the total so far (best effort: a failed write loses at most
// this process's time).
func (c *trainClock) tick() {
	_ = writeFileAtomic(c.path, []byte(strconv.FormatFloat(c.total(), 'g', -1, 64)+"\n"))
}

// TrainCTRNN trains the CT-RNN of recipe r on a forecasting dataset d
// (described by data; the recipe's model is sized for d) or, when ff is
// non-nil, on the flip-flop task, and saves it to o's model file — or
// reloads it from that file when it holds the same recipe trained on the
// same data. On forecasting data the phases with SelectByMetric select
// their epoch by SelectionVT (when the validation split is long enough),
// and the model's SampleDt is d's sample interval, so that its Lyapunov
// exponents (StepTime) are per time unit of the data; SampleDt does not
// enter the dynamics, so the training is the same whatever d.Dt (and it
// is not part of the model identity: the data, dt included, are).
func TrainCTRNN(ctx context.Context, r ctrnn.Recipe, data DataSpec, d *tasks.Dataset, ff *tasks.FlipFlop, o TrainOptions) (*Trained[*ctrnn.Model[float32]], error) {
	if ff == nil {
		forDim(&r.Model.Inputs, &r.Model.Outputs, d.Dim)
	}
	meta := ModelMeta{Kind: KindCTRNN, Name: r.Name, Data: data, Recipe: json.RawMessage(r.JSON())}
	if ff != nil {
		meta.Dim = ff.Train.Bits
	} else {
		meta.Dim = d.Dim
		// After the identity's recipe: the data's dt is part of the data.
		r.Model.SampleDt = d.Dt
	}
	build := func(c json.RawMessage) (*ctrnn.Model[float32], error) {
		var cfg ctrnn.Config
		if err := json.Unmarshal(c, &cfg); err != nil {
			return nil, fmt.Errorf("pipeline: stored ctrnn configuration: %w", err)
		}
		return ctrnn.New[float32](cfg)
	}
	config := func(m *ctrnn.Model[float32]) any { return m.Config() }
	return trainLeaky(ctx, o, meta, r.Phases, d, build, config, func(to leaky.TrainOptions) (*ctrnn.Model[float32], *leaky.Result, error) {
		if ff != nil {
			return ctrnn.TrainFlipFlop(ctx, r, ff, to)
		}
		return ctrnn.TrainLorenz(ctx, r, d, to)
	})
}

// TrainRate is TrainCTRNN for the balanced E/I rate network.
func TrainRate(ctx context.Context, r rate.Recipe, data DataSpec, d *tasks.Dataset, ff *tasks.FlipFlop, o TrainOptions) (*Trained[*rate.Model[float32]], error) {
	if ff == nil {
		forDim(&r.Model.Inputs, &r.Model.Outputs, d.Dim)
	}
	meta := ModelMeta{Kind: KindRate, Name: r.Name, Data: data, Recipe: json.RawMessage(r.JSON())}
	if ff != nil {
		meta.Dim = ff.Train.Bits
	} else {
		meta.Dim = d.Dim
		// After the identity's recipe: the data's dt is part of the data.
		r.Model.SampleDt = d.Dt
	}
	build := func(c json.RawMessage) (*rate.Model[float32], error) {
		var cfg rate.Config
		if err := json.Unmarshal(c, &cfg); err != nil {
			return nil, fmt.Errorf("pipeline: stored rate configuration: %w", err)
		}
		return rate.New[float32](cfg)
	}
	config := func(m *rate.Model[float32]) any { return m.Config() }
	return trainLeaky(ctx, o, meta, r.Phases, d, build, config, func(to leaky.TrainOptions) (*rate.Model[float32], *leaky.Result, error) {
		if ff != nil {
			return rate.TrainFlipFlop(ctx, r, ff, to)
		}
		return rate.TrainLorenz(ctx, r, d, to)
	})
}

// SNNTrained is a trained spiking network with its one-step test forecast
// (snn.EvaluateForecast: errors, the silenced-spike control, firing
// rates) and parameter counts.
type SNNTrained struct {
	Trained[*snn.Model[float32]]
	Test   *snn.Forecast
	Counts snn.Counts
}

// TrainSNN trains the spiking network of recipe r on the forecasting
// dataset d (snn.LorenzTrained) and saves it, or reloads it from o's model
// file when it holds the same recipe trained on the same data.
func TrainSNN(ctx context.Context, r snn.Recipe, data DataSpec, d *tasks.Dataset, o TrainOptions) (*SNNTrained, error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	meta := ModelMeta{Format: ModelFormat, Kind: KindSNN, Name: r.Name, Data: data, Dim: d.Dim,
		Recipe: json.RawMessage(r.JSON()), Seed: o.Seed}
	meta.Identity = identity(meta.Kind, meta.Recipe, data)
	if err := o.refuseReplace(&meta); err != nil {
		return nil, err
	}
	path := o.path()
	if st := storedMeta(path, meta.Identity); st != nil && !o.Retrain {
		var cfg snn.Config
		if err := json.Unmarshal(st.Config, &cfg); err != nil {
			return nil, fmt.Errorf("pipeline: stored snn configuration: %w", err)
		}
		m, err := snn.New[float32](cfg)
		if err != nil {
			return nil, err
		}
		if _, err := learn.LoadParamsNPZ(m.Params(), path); err != nil {
			return nil, err
		}
		m.Reset()
		f, err := snn.EvaluateForecast(m, d, "test")
		if err != nil {
			return nil, err
		}
		return &SNNTrained{Trained: Trained[*snn.Model[float32]]{Model: m, Meta: st, Path: path, Loaded: true}, Test: f, Counts: m.Counts()}, nil
	}
	stem := o.checkpointStem(meta.Identity)
	if err := os.MkdirAll(filepath.Dir(stem), 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	ck := stem + ".npz"
	r.Train.Checkpoint, r.Train.Resume, r.Train.Overwrite = ck, !o.Retrain, true
	total := r.Train.WithDefaults().Epochs
	clock := startTrainClock(stem, !o.Retrain)
	r.Train.Progress = func(e learn.EpochRecord) {
		clock.tick()
		if o.Progress != nil {
			o.Progress(e.Epoch, total)
		}
	}
	tr, err := snn.LorenzTrained(ctx, r, d)
	if err != nil {
		clock.tick()
		return nil, err
	}
	meta.Params = tr.Counts.Trainable
	// tr.Seconds counts this process only; the clock adds the time of the
	// processes a resumed training continues.
	meta.TrainSeconds = JSONReal(clock.prior + tr.Seconds)
	meta.Epochs, meta.BestEpoch, meta.Stop = tr.Train.Epochs, tr.Train.BestEpoch, tr.Train.Stop
	meta.History = historyOf([]*learn.Result{tr.Train})
	if meta.Config, err = json.Marshal(tr.Model.Config()); err != nil {
		return nil, fmt.Errorf("pipeline: model configuration: %w", err)
	}
	if err := saveParamsModel(path, tr.Model.Params(), &meta); err != nil {
		return nil, err
	}
	if err := removeFiles(ck, ck+".provenance.json", clock.path); err != nil {
		return nil, err
	}
	_ = os.Remove(filepath.Dir(stem)) // only when empty
	return &SNNTrained{Trained: Trained[*snn.Model[float32]]{Model: tr.Model, Meta: &meta, Path: path}, Test: tr.Test, Counts: tr.Counts}, nil
}

// readoutMeta returns the metadata of a reservoir model (kind, named
// name) whose ridge readout is fitted on data of dim variables: its recipe
// and configuration are cfg, the configuration with its defaults, which
// the built model reports as its own. It refuses (o.NoReplace) before the
// caller spends the harvest and fit on a model it could not save.
func readoutMeta(kind, name string, cfg any, data DataSpec, dim int, o TrainOptions) (*ModelMeta, error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	cj, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %s configuration: %w", kind, err)
	}
	meta := &ModelMeta{Format: ModelFormat, Kind: kind, Name: name, Data: data, Dim: dim, Recipe: cj, Config: cj, Seed: o.Seed}
	meta.Identity = identity(meta.Kind, meta.Recipe, data)
	if err := o.refuseReplace(meta); err != nil {
		return nil, err
	}
	return meta, nil
}

// FitReservoir builds the liquid-state machine of c, fits its readout on d
// (snn.LorenzReservoir) and saves the readout with the configuration to
// o's model file (the network is rebuilt from its seed when loaded).
// Fitting is deterministic and takes seconds, so it is never skipped; a
// file it may not replace (o.NoReplace) is refused before the fit.
func FitReservoir(c snn.ReservoirConfig, data DataSpec, d *tasks.Dataset, o TrainOptions) (*snn.Reservoir, *snn.ReservoirFit, *ModelMeta, error) {
	if err := c.Validate(); err != nil {
		return nil, nil, nil, err
	}
	cd := c.WithDefaults() // what the reservoir's Config returns
	meta, err := readoutMeta(KindReservoir, fmt.Sprintf("lif-reservoir-%d", cd.N), cd, data, d.Dim, o)
	if err != nil {
		return nil, nil, nil, err
	}
	t0 := time.Now()
	r, fit, err := snn.LorenzReservoir(c, d)
	if err != nil {
		return nil, nil, nil, err
	}
	meta.Params, meta.TrainSeconds = (fit.Features+1)*d.Dim, JSONReal(time.Since(t0).Seconds())
	if err := saveReadoutModel(o.path(), r.Readout, meta); err != nil {
		r.Close()
		return nil, nil, nil, err
	}
	return r, fit, meta, nil
}

// FitESN builds the echo-state network of c, fits its readout on d
// (snn.LorenzESN) and saves it like FitReservoir.
func FitESN(c snn.ESNConfig, data DataSpec, d *tasks.Dataset, o TrainOptions) (*snn.ESN, *snn.ESNFit, *ModelMeta, error) {
	if err := c.Validate(); err != nil {
		return nil, nil, nil, err
	}
	cd := c.WithDefaults() // what the ESN's Config returns
	meta, err := readoutMeta(KindESN, fmt.Sprintf("esn-%d", cd.N), cd, data, d.Dim, o)
	if err != nil {
		return nil, nil, nil, err
	}
	t0 := time.Now()
	e, fit, err := snn.LorenzESN(c, d)
	if err != nil {
		return nil, nil, nil, err
	}
	meta.Params, meta.TrainSeconds = (fit.Features+1)*d.Dim, JSONReal(time.Since(t0).Seconds())
	if err := saveReadoutModel(o.path(), e.Readout, meta); err != nil {
		return nil, nil, nil, err
	}
	return e, fit, meta, nil
}

// nan is math.NaN, short.
func nan() float64 { return math.NaN() }
