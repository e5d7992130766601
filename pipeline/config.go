package pipeline

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/strictdec"
)

//go:embed default.toml
var defaultTOML string

// DefaultTOML returns the embedded default configuration of the tutorial
// pipeline, as TOML text (what `neurodyn tutorial --print-config` shows).
func DefaultTOML() string { return defaultTOML }

// Config is the tutorial pipeline's configuration. Its TOML form is the
// embedded default.toml; every key is documented there. Load it with
// DefaultConfig, ParseConfig or LoadConfig: unknown keys are rejected and
// errors name the line and the key.
type Config struct {
	// OutDir is where results go (default "results").
	OutDir string `toml:"out_dir"`
	// Seed is the master seed; every model and analysis derives its seed
	// from it (documented per stage).
	Seed uint64 `toml:"seed"`
	// Quick shrinks every stage to a CI-sized run, judged against the full run's targets.
	Quick bool `toml:"quick"`
	// Stages lists the stages to run, in pipeline order (empty: all).
	Stages []string `toml:"stages"`
	// Data configures the datasets (notebook 00).
	Data DataConfig `toml:"data"`
	// Models chooses the model recipes (notebooks 01–03 and 05).
	Models ModelsConfig `toml:"models"`
	// Analysis sizes the measurements made on every model.
	Analysis AnalysisConfig `toml:"analysis"`
}

// Recipe names accepted by the [models] keys.
const (
	// RecipeDefault is neurodyn's own recipe of a model (its package's
	// LorenzDefault, FlipFlopDefault, …).
	RecipeDefault = "default"
	// RecipeReference is the reference tutorial's set-up, done right (its
	// package's LorenzReference, FlipFlopReference, …).
	RecipeReference = "reference"
)

// ModelsConfig chooses the recipes the stages train. Quick mode always uses
// each package's Quick recipe. Whatever the recipe, the model packages own
// it: the pipeline calls their entry points and never copies a recipe.
type ModelsConfig struct {
	// CTRNN, Rate and SNN are the Lorenz recipes of notebooks 01–03,
	// FlipFlopCTRNN and FlipFlopRate those of notebook 05: "default" or
	// "reference".
	CTRNN         string `toml:"ctrnn"`
	Rate          string `toml:"rate"`
	SNN           string `toml:"snn"`
	FlipFlopCTRNN string `toml:"flipflop_ctrnn"`
	FlipFlopRate  string `toml:"flipflop_rate"`
	// ReservoirNeurons is the size of the liquid-state machine (0: the
	// snn package's default, or ReservoirQuick's in quick mode).
	ReservoirNeurons int `toml:"reservoir_neurons"`
	// ESNUnits is the size of the echo-state network (0: the snn
	// package's default).
	ESNUnits int `toml:"esn_units"`
}

// AnalysisConfig sizes the analyses; 0 means the documented default of the
// mode (full / quick).
type AnalysisConfig struct {
	// ClosedLoopStarts and ClosedLoopHorizon configure the valid-time
	// protocol (analysis.ValidTime): starts over the evaluation trajectory
	// (0 → 1000 / 20) and the longest free run per start in steps
	// (0 → 2500 / 1000). A median over 1000 starts is known to about
	// ±0.1 Lyapunov times (95% confidence), over 100 starts to ±0.3 — more
	// than the differences between the recipes it has to tell apart.
	ClosedLoopStarts  int `toml:"closed_loop_starts"`
	ClosedLoopHorizon int `toml:"closed_loop_horizon"`
	// FreeRunSteps is the length of each model's long autonomous run, and
	// of the stretch of the true trajectory it is compared with (λ₁, D₂,
	// histograms, return map; 0 → 20000 / 5000).
	FreeRunSteps int `toml:"free_run_steps"`
	// FixedPointStarts is the number of minimizations of the flip-flop
	// fixed-point search (0 → 512 / 128).
	FixedPointStarts int `toml:"fixed_point_starts"`
}

// Settings are the analysis sizes in effect: the configured values with
// the mode's defaults filled in.
type Settings struct {
	Starts, Horizon, FreeRun, FixedPointStarts int
	// Lambda1 is the true system's largest Lyapunov exponent per time unit
	// given by the user (train and analyze --lambda1; not a configuration
	// key), which valid times are reported in Lyapunov times of; 0 means
	// the system's own (SystemLambda1).
	Lambda1 float64
}

// LorenzKey is the part of the settings the Lorenz stages depend on (the
// closed-loop protocol and the free run), for their configuration keys.
func (s Settings) LorenzKey() [3]int { return [3]int{s.Starts, s.Horizon, s.FreeRun} }

// Settings returns the analysis sizes of c (defaults of the full or the
// quick mode for keys left 0).
func (c Config) Settings() Settings {
	a := c.Analysis
	s := Settings{Starts: 1000, Horizon: 2500, FreeRun: 20000, FixedPointStarts: 512}
	if c.Quick {
		s = Settings{Starts: 20, Horizon: 1000, FreeRun: 5000, FixedPointStarts: 128}
	}
	if a.ClosedLoopStarts > 0 {
		s.Starts = a.ClosedLoopStarts
	}
	if a.ClosedLoopHorizon > 0 {
		s.Horizon = a.ClosedLoopHorizon
	}
	if a.FreeRunSteps > 0 {
		s.FreeRun = a.FreeRunSteps
	}
	if a.FixedPointStarts > 0 {
		s.FixedPointStarts = a.FixedPointStarts
	}
	return s
}

// DataConfig configures the datasets.
type DataConfig struct {
	Lorenz   LorenzData   `toml:"lorenz"`
	FlipFlop FlipFlopData `toml:"flipflop"`
}

// LorenzData is the Lorenz-63 dataset recipe (tutorial-spec §1.1).
type LorenzData struct {
	Sigma        float64 `toml:"sigma"`
	Rho          float64 `toml:"rho"`
	Beta         float64 `toml:"beta"`
	Dt           float64 `toml:"dt"`
	Transient    float64 `toml:"transient"`
	TrainT       float64 `toml:"train_t"`
	ValT         float64 `toml:"val_t"`
	TestT        float64 `toml:"test_t"`
	EvalT        float64 `toml:"eval_t"`
	Seed         int64   `toml:"seed"`
	InitialNoise float64 `toml:"initial_noise"`
	Rtol         float64 `toml:"rtol"`
	Atol         float64 `toml:"atol"`
	SeqLength    int     `toml:"seq_length"`
	Horizon      int     `toml:"horizon"`
	Stride       int     `toml:"stride"`
}

// FlipFlopData is the 3-bit flip-flop recipe (tutorial-spec §1.2).
type FlipFlopData struct {
	Bits          int     `toml:"bits"`
	Steps         int     `toml:"steps"`
	PulseProb     float64 `toml:"pulse_prob"`
	PulseDuration int     `toml:"pulse_duration"`
	InputNoise    float64 `toml:"input_noise"`
	Seed          int64   `toml:"seed"`
	TrainTrials   int     `toml:"train_trials"`
	ValTrials     int     `toml:"val_trials"`
	TestTrials    int     `toml:"test_trials"`
}

// DefaultConfig returns the embedded default configuration.
func DefaultConfig() Config {
	c, err := ParseConfig(defaultTOML, "default.toml")
	if err != nil {
		panic("pipeline: embedded default.toml is invalid: " + err.Error())
	}
	return c
}

// LoadConfig reads a TOML file on top of the embedded defaults: keys it
// leaves out keep their default values.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("pipeline: config: %w", err)
	}
	return ParseConfig(string(b), path)
}

// ParseConfig decodes TOML text (named name in messages) on top of the
// embedded defaults and validates the result.
func ParseConfig(text, name string) (Config, error) {
	var c Config
	if name != "default.toml" {
		c = DefaultConfig()
	}
	if err := decodeStrict(text, name, &c); err != nil {
		return Config{}, err
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// decodeStrict decodes TOML into v by strictdec's rules, rejecting keys v
// does not have, too deep a nesting and negative seeds, with param errors
// naming the file, line and key.
func decodeStrict(text, name string, v any) error {
	_, err := strictdec.TOML("pipeline", "config", text, v)
	var uk *strictdec.UnknownKeysError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &uk):
		k := uk.Keys[0]
		more := ""
		if uk.Count > 1 {
			more = fmt.Sprintf(" (and %d more unknown keys)", uk.Count-1)
		}
		return fmt.Errorf("%s:%d: %w%s", name, keyLine(text, k), param.New("pipeline", "unknown key", strconv.Quote(k.String()),
			"one of the keys allowed here: "+strings.Join(allowedKeys(reflect.TypeOf(v).Elem(), k[:len(k)-1]), ", ")), more)
	case errors.Is(err, param.ErrInvalid):
		return fmt.Errorf("%s: %w", name, err)
	}
	const allowed = "TOML with the keys `neurodyn tutorial --print-config` prints"
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %w", name, pe.Position.Line, param.New("pipeline", "config", pe.Message, allowed))
	}
	// Type mismatches: the decoder's message names the line and key.
	return fmt.Errorf("%s: %w", name, param.New("pipeline", "config", strings.TrimPrefix(err.Error(), "toml: "), allowed))
}

// keyLine returns the 1-based line where key k is set, or 0.
func keyLine(text string, k toml.Key) int {
	table := strings.Join(k[:len(k)-1], ".")
	last := k[len(k)-1]
	cur := ""
	for i, line := range strings.Split(text, "\n") {
		s := strings.TrimSpace(line)
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			cur = strings.Trim(s, "[] ")
			if cur == k.String() {
				return i + 1
			}
			continue
		}
		if eq := strings.IndexByte(s, '='); eq > 0 {
			key := strings.TrimSpace(s[:eq])
			full := key
			if cur != "" {
				full = cur + "." + key
			}
			if full == k.String() || (cur == table && key == last) {
				return i + 1
			}
		}
	}
	return 0
}

// allowedKeys lists the TOML keys of the struct reached from t by path.
func allowedKeys(t reflect.Type, path []string) []string {
	for _, p := range path {
		found := false
		for i := 0; i < t.NumField(); i++ {
			if tag := tomlName(t.Field(i)); tag == p {
				t = t.Field(i).Type
				found = true
				break
			}
		}
		if !found || t.Kind() != reflect.Struct {
			return nil
		}
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if n := tomlName(t.Field(i)); n != "" && n != "-" {
			out = append(out, n)
		}
	}
	return out
}

func tomlName(f reflect.StructField) string {
	tag := f.Tag.Get("toml")
	if i := strings.IndexByte(tag, ','); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// Validate checks every value and returns a param error naming the TOML key.
func (c Config) Validate() error {
	const p = "pipeline"
	if c.OutDir == "" {
		return param.New(p, "out_dir", `""`, "a directory path")
	}
	known := map[string]bool{}
	for _, s := range Stages() {
		known[s.Name] = true
	}
	for _, s := range c.Stages {
		if !known[s] {
			return param.New(p, "stages", s, "one of "+strings.Join(StageNames(), ", "))
		}
	}
	l := c.Data.Lorenz
	if err := param.First(
		param.Positive(p, "data.lorenz.sigma", l.Sigma),
		param.Positive(p, "data.lorenz.rho", l.Rho),
		param.Positive(p, "data.lorenz.beta", l.Beta),
		param.Positive(p, "data.lorenz.dt", l.Dt),
		param.NonNegative(p, "data.lorenz.transient", l.Transient),
		param.Positive(p, "data.lorenz.train_t", l.TrainT),
		param.Positive(p, "data.lorenz.val_t", l.ValT),
		param.Positive(p, "data.lorenz.test_t", l.TestT),
		param.Positive(p, "data.lorenz.eval_t", l.EvalT),
		param.NonNegative(p, "data.lorenz.initial_noise", l.InitialNoise),
		param.Positive(p, "data.lorenz.rtol", l.Rtol),
		param.Positive(p, "data.lorenz.atol", l.Atol),
		param.PositiveInt(p, "data.lorenz.seq_length", l.SeqLength),
		param.PositiveInt(p, "data.lorenz.horizon", l.Horizon),
		param.PositiveInt(p, "data.lorenz.stride", l.Stride),
	); err != nil {
		return err
	}
	if l.Seed < 0 || l.Seed > 1<<32-4 {
		return param.New(p, "data.lorenz.seed", l.Seed, "in [0, 4294967292]")
	}
	// The data stage's own rules (a split long enough for one window, …),
	// now rather than when it runs, in the configuration's keys.
	if err := l.LorenzConfig().Validate(); err != nil {
		return lorenzKeyErr(err)
	}
	f := c.Data.FlipFlop
	if err := param.First(
		param.PositiveInt(p, "data.flipflop.bits", f.Bits),
		param.PositiveInt(p, "data.flipflop.steps", f.Steps),
		param.InRange(p, "data.flipflop.pulse_prob", f.PulseProb, 0, 1),
		param.PositiveInt(p, "data.flipflop.pulse_duration", f.PulseDuration),
		param.NonNegative(p, "data.flipflop.input_noise", f.InputNoise),
		param.PositiveInt(p, "data.flipflop.train_trials", f.TrainTrials),
		param.PositiveInt(p, "data.flipflop.val_trials", f.ValTrials),
		param.PositiveInt(p, "data.flipflop.test_trials", f.TestTrials),
	); err != nil {
		return err
	}
	if f.Seed < 0 || f.Seed > 1<<32-1-2000-int64(f.TestTrials) {
		return param.New(p, "data.flipflop.seed", f.Seed, "≥ 0 and small enough that every trial seed fits in uint32")
	}
	// The task's own rules (sizes bounded before anything is allocated)
	// are checked now, not when the data stage generates it.
	if err := f.FlipFlopConfig().Validate(); err != nil {
		return fmt.Errorf("%s: [data.flipflop] bits = %d, steps = %d, train/val/test_trials = %d/%d/%d: %w",
			p, f.Bits, f.Steps, f.TrainTrials, f.ValTrials, f.TestTrials, err)
	}
	m := c.Models
	for _, k := range []struct{ key, v string }{
		{"models.ctrnn", m.CTRNN}, {"models.rate", m.Rate}, {"models.snn", m.SNN},
		{"models.flipflop_ctrnn", m.FlipFlopCTRNN}, {"models.flipflop_rate", m.FlipFlopRate},
	} {
		if k.v != RecipeDefault && k.v != RecipeReference {
			return param.New(p, k.key, fmt.Sprintf("%q", k.v), `"default" or "reference"`)
		}
	}
	for _, k := range []struct {
		key string
		v   int
	}{
		{"models.reservoir_neurons", m.ReservoirNeurons}, {"models.esn_units", m.ESNUnits},
		{"analysis.closed_loop_starts", c.Analysis.ClosedLoopStarts},
		{"analysis.closed_loop_horizon", c.Analysis.ClosedLoopHorizon},
		{"analysis.free_run_steps", c.Analysis.FreeRunSteps},
		{"analysis.fixed_point_starts", c.Analysis.FixedPointStarts},
	} {
		if k.v < 0 {
			return param.New(p, k.key, k.v, ">= 0 (0: the default)")
		}
	}
	// The sizes the configuration sets are checked with the models' own
	// rules now, not when their stage starts after the others have run.
	if err := c.ReservoirSetup().Validate(); err != nil {
		return fmt.Errorf("%s: models.reservoir_neurons = %d: %w", p, m.ReservoirNeurons, err)
	}
	if err := c.ESNSetup().Validate(); err != nil {
		return fmt.Errorf("%s: models.esn_units = %d: %w", p, m.ESNUnits, err)
	}
	if s := c.Settings(); s.FreeRun < 1000 {
		return param.New(p, "analysis.free_run_steps", s.FreeRun, ">= 1000 (λ₁ and D₂ need a long run), or 0 for the default")
	}
	// The closed-loop protocol and the free run both use the evaluation
	// trajectory: it must hold the warm-up, the horizon and the starts,
	// and the free run's stretch of truth.
	evalN := int(l.EvalT/l.Dt + 1e-9)
	s := c.Settings()
	if need := analysis.DefaultWarmup + s.Horizon + s.Starts; evalN < need {
		return param.New(p, "data.lorenz.eval_t", l.EvalT, fmt.Sprintf("long enough for the closed-loop test: >= %g time units (warm-up + analysis.closed_loop_horizon + analysis.closed_loop_starts samples)", float64(need)*l.Dt))
	}
	if need := analysis.DefaultWarmup + s.FreeRun; evalN < need {
		return param.New(p, "data.lorenz.eval_t", l.EvalT, fmt.Sprintf("long enough for the free run: >= %g time units (warm-up + analysis.free_run_steps samples)", float64(need)*l.Dt))
	}
	return nil
}

// TOML returns the configuration as TOML text (for provenance and
// `--print-config`).
func (c Config) TOML() string {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		panic("pipeline: encode config: " + err.Error())
	}
	return b.String()
}

// lorenzParamKeys maps the names package tasks gives the fields of
// LorenzConfig to the configuration keys that set them (the flags are the
// same with "-" for "_").
var lorenzParamKeys = map[string]string{
	"Dt":        "data.lorenz.dt",
	"Transient": "data.lorenz.transient",
	"TrainT":    "data.lorenz.train_t",
	"ValT":      "data.lorenz.val_t",
	"TestT":     "data.lorenz.test_t",
	"EvalT":     "data.lorenz.eval_t",
	"Seed":      "data.lorenz.seed",
	"Rtol":      "data.lorenz.rtol",
	"Atol":      "data.lorenz.atol",
	"SeqLength": "data.lorenz.seq_length",
	"Horizon":   "data.lorenz.horizon",
	"Stride":    "data.lorenz.stride",
	"Sigma":     "data.lorenz.sigma",
	"Rho":       "data.lorenz.rho",
	"Beta":      "data.lorenz.beta",

	"InitialNoise": "data.lorenz.initial_noise",
}

// lorenzKeyErr words a parameter error of package tasks about the Lorenz
// data in the configuration's keys: the parameter it names ("TestT",
// "TrainT+Transient") and the fields its rule mentions ("T/Dt >=
// SeqLength+Horizon").
func lorenzKeyErr(err error) error {
	var pe *param.Error
	if err == nil || !errors.As(err, &pe) || pe.Pkg != "tasks" {
		return err
	}
	rename := func(s string) string {
		return fieldWords.ReplaceAllStringFunc(s, func(w string) string {
			if k, ok := lorenzParamKeys[w]; ok {
				return k
			}
			if w == "T" { // the split's length in the rule "T/Dt >= …"
				if k, ok := lorenzParamKeys[pe.Name]; ok {
					return k
				}
			}
			return w
		})
	}
	ne := *pe
	ne.Name, ne.Allowed = rename(pe.Name), rename(pe.Allowed)
	if ne == *pe {
		return err
	}
	return &keyedError{msg: strings.Replace(err.Error(), pe.Error(), ne.Error(), 1), err: err}
}

// fieldWords matches the Go field names in a parameter error's text.
var fieldWords = regexp.MustCompile(`\b[A-Z][A-Za-z]*\b`)

// keyedError is an error reworded in the configuration's keys; it
// unwraps to the original (errors.Is(err, nderr.ErrInvalid) still holds).
type keyedError struct {
	msg string
	err error
}

func (e *keyedError) Error() string { return e.msg }
func (e *keyedError) Unwrap() error { return e.err }
