package learn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Checkpoint layout. In HDF5 files the names below are paths (groups
// params/, best/, adam/m/, adam/v/, history/); in .npz archives the "/" are
// replaced by ".". Strings are root attributes in HDF5 and uint8 arrays in
// .npz.
//
//	params/<name>    float32, the tensor's shape    current parameters
//	best/<name>      float32                        best parameters so far
//	adam/m/<name>    float32                        Adam first moment
//	adam/v/<name>    float32                        Adam second moment
//	state/f64        float64 [3]                    base LR, plateau best, best validation loss
//	state/i64        int64 [8]                      epochs done, plateau bad, plateau cooldown,
//	                                                best epoch, bad epochs, shuffle seed (bits),
//	                                                Adam steps, stop reason code
//	history/<field>  float64 [epochs]               the EpochRecord fields
//	meta, train_config  strings                     TrainConfig.Meta; TrainConfig as JSON
//
// In .npz member names the structural "/" become "." (parameter names may
// themselves contain dots, as the reference's "cell.W_rec.weight").
//
// The shuffle order of epoch e is a pure function of (seed, e), so the seed
// and the epoch count are the whole random-number state.

var stopCodes = []string{"", "epochs", "early-stop", "time", "context", "converged"}

var historyFields = []string{"epoch", "train_loss", "val_loss", "lr", "horizon", "grad_norm", "seconds", "metric"}

type ckptEntry struct {
	name  string
	data  any // []float32, []float64, []int64 or []uint8
	shape []int
}

// SaveCheckpoint writes the trainer's complete state to path (replacing it
// atomically): HDF5 unless path ends in ".npz".
func (t *Trainer) SaveCheckpoint(path string) error {
	p := t.params
	if t.best == nil { // before Fit: the best parameters are the current ones
		t.best = append([]float32(nil), p.Flat()...)
	}
	var es []ckptEntry
	for i := 0; i < p.NumTensors(); i++ {
		s := p.Spec(i)
		es = append(es,
			ckptEntry{"params/" + s.Name, p.At(i), s.Shape},
			ckptEntry{"best/" + s.Name, p.View(t.best, i), s.Shape},
			ckptEntry{"adam/m/" + s.Name, p.View(t.adam.M, i), s.Shape},
			ckptEntry{"adam/v/" + s.Name, p.View(t.adam.V, i), s.Shape})
	}
	st := &t.st
	code := 0
	for i, s := range stopCodes {
		if s == st.Stopped {
			code = i
		}
	}
	es = append(es,
		ckptEntry{"state/f64", []float64{st.BaseLR, t.plateau.Best, st.BestVal}, nil},
		ckptEntry{"state/i64", []int64{int64(st.Epoch), int64(t.plateau.Bad), int64(t.plateau.Cooldown),
			int64(st.BestEpoch), int64(st.Bad), int64(st.Seed), t.adam.Steps, int64(code)}, nil})
	h := make([][]float64, len(historyFields))
	for _, r := range st.History {
		for k, v := range []float64{float64(r.Epoch), r.TrainLoss, r.ValLoss, r.LR, float64(r.Horizon), r.GradNorm, r.Seconds, r.Metric} {
			h[k] = append(h[k], v)
		}
	}
	for k, f := range historyFields {
		if len(h[k]) > 0 {
			es = append(es, ckptEntry{"history/" + f, h[k], nil})
		}
	}
	strs := map[string]string{"meta": t.cfg.Meta, "train_config": t.cfg.configJSON()}
	prov := export.NewProvenance(strs["train_config"], "json", export.Seed{Name: "shuffle", Value: t.cfg.Seed})
	if isNPZ(path) {
		return writeCkptNPZ(path, es, strs, prov)
	}
	return writeCkptHDF5(path, es, strs, prov)
}

// npzToPath turns an .npz member name back into the checkpoint path: only
// the structural prefixes are converted.
func npzToPath(name string) string {
	for _, p := range []string{"adam/m/", "adam/v/", "params/", "best/", "state/", "history/"} {
		if q := strings.ReplaceAll(p, "/", "."); strings.HasPrefix(name, q) {
			return p + name[len(q):]
		}
	}
	return name
}

func isNPZ(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".npz") }

func writeCkptNPZ(path string, es []ckptEntry, strs map[string]string, prov export.Provenance) error {
	var arrs []export.NPZArray
	for _, e := range es {
		name := e.name
		for _, p := range []string{"adam/m/", "adam/v/", "params/", "best/", "state/", "history/"} {
			if strings.HasPrefix(name, p) {
				name = strings.ReplaceAll(p, "/", ".") + name[len(p):]
				break
			}
		}
		switch d := e.data.(type) {
		case []float32:
			arrs = append(arrs, export.NewNPZArray(name, d, e.shape...))
		case []float64:
			arrs = append(arrs, export.NewNPZArray(name, d, e.shape...))
		case []int64:
			arrs = append(arrs, export.NewNPZArray(name, d, e.shape...))
		}
	}
	keys := make([]string, 0, len(strs))
	for k := range strs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		arrs = append(arrs, export.NewNPZArray(k, []uint8(strs[k])))
	}
	return export.WriteNPZ(path, arrs, export.Overwrite(), export.WithProvenance(prov))
}

func writeCkptHDF5(path string, es []ckptEntry, strs map[string]string, prov export.Provenance) (err error) {
	f, err := export.Create(path, export.Overwrite(), export.WithProvenance(prov))
	if err != nil {
		return fmt.Errorf("learn: checkpoint: %w", err)
	}
	defer func() {
		if err != nil {
			f.Abort()
			err = fmt.Errorf("learn: checkpoint %s: %w", path, err)
		}
	}()
	groups := map[string]*export.Group{"": &f.Group}
	group := func(dir string) (*export.Group, error) {
		if g, ok := groups[dir]; ok {
			return g, nil
		}
		g, err := f.CreateGroup(dir)
		if err != nil {
			return nil, err
		}
		groups[dir] = g
		return g, nil
	}
	for _, e := range es {
		dir, name := "", e.name
		if i := strings.LastIndex(e.name, "/"); i >= 0 {
			dir, name = e.name[:i], e.name[i+1:]
		}
		g, err := group(dir)
		if err != nil {
			return err
		}
		switch d := e.data.(type) {
		case []float32:
			err = export.Write(g, name, d, e.shape)
		case []float64:
			err = export.Write(g, name, d, e.shape)
		case []int64:
			err = export.Write(g, name, d, e.shape)
		}
		if err != nil {
			return err
		}
	}
	for k, v := range strs {
		if err := export.SetStringAttr(f, k, v); err != nil {
			return err
		}
	}
	return f.Close()
}

// ckptData is a loaded checkpoint: arrays by name (with "/" separators) and
// strings.
type ckptData struct {
	f32    map[string][]float32
	shapes map[string][]int // of the f32 arrays
	f64    map[string][]float64
	i64    map[string][]int64
	strs   map[string]string
}

func readCkpt(path string, names32 []string) (*ckptData, error) {
	d := &ckptData{f32: map[string][]float32{}, shapes: map[string][]int{}, f64: map[string][]float64{}, i64: map[string][]int64{}, strs: map[string]string{}}
	if isNPZ(path) {
		arrs, err := export.ReadNPZ(path)
		if err != nil {
			return nil, err
		}
		for _, a := range arrs {
			name := npzToPath(a.Name)
			switch v := a.Data.(type) {
			case []float32:
				d.f32[name], d.shapes[name] = v, a.Shape
			case []float64:
				d.f64[name] = v
			case []int64:
				d.i64[name] = v
			case []uint8:
				d.strs[a.Name] = string(v)
			}
		}
		return d, nil
	}
	f, err := export.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if ok, err := f.Complete(); err != nil || !ok {
		return nil, fmt.Errorf("%w: %s", export.ErrIncomplete, path)
	}
	for _, n := range names32 {
		if !f.Has(n) { // reported by the caller, which knows the model
			continue
		}
		v, shape, err := export.Read[float32](&f.Group, n)
		if err != nil {
			return nil, err
		}
		d.f32[n], d.shapes[n] = v, shape
	}
	if d.f64["state/f64"], _, err = export.Read[float64](&f.Group, "state/f64"); err != nil {
		return nil, err
	}
	if d.i64["state/i64"], _, err = export.Read[int64](&f.Group, "state/i64"); err != nil {
		return nil, err
	}
	if f.Has("history") {
		for _, h := range historyFields {
			if v, _, err := export.Read[float64](&f.Group, "history/"+h); err == nil {
				d.f64["history/"+h] = v
			}
		}
	}
	for _, k := range []string{"meta", "train_config"} {
		if s, err := export.StringAttr(f, k); err == nil {
			d.strs[k] = s
		}
	}
	return d, nil
}

// LoadCheckpoint restores the trainer's complete state (parameters, best
// parameters, optimizer moments and step count, scheduler and early-stopping
// state, history, epoch) from a file written by SaveCheckpoint. Fit with
// Resume calls it. It refuses, with a param error naming what differs and
// without changing the model or the trainer, a checkpoint whose parameter
// names or shapes differ from the model's, or whose training configuration
// differs from the trainer's in anything but Epochs (unless Decay is set),
// Patience, KeepLast, Checkpoint, CheckpointEvery, Resume, Overwrite, Meta,
// MaxDuration and Workers. A run that stopped for its time budget
// (MaxDuration) or a cancelled context continues after the checkpoint's last
// epoch; one that stopped early or converged stays finished.
func (t *Trainer) LoadCheckpoint(path string) error {
	p := t.params
	var names []string
	for i := 0; i < p.NumTensors(); i++ {
		n := p.Spec(i).Name
		names = append(names, "params/"+n, "best/"+n, "adam/m/"+n, "adam/v/"+n)
	}
	d, err := readCkpt(path, names)
	if err != nil {
		return fmt.Errorf("learn: load checkpoint %s: %w", path, err)
	}
	// Everything is checked before anything is copied: a refused
	// checkpoint leaves the model and the trainer as they were.
	if err := t.cfg.sameTraining(d.strs["train_config"]); err != nil {
		return param.New("learn", "Checkpoint", path, "a checkpoint of the same training configuration: "+err.Error())
	}
	for i := 0; i < p.NumTensors(); i++ {
		s := p.Spec(i)
		for _, prefix := range []string{"params/", "best/", "adam/m/", "adam/v/"} {
			n := prefix + s.Name
			v, ok := d.f32[n]
			if !ok {
				return param.New("learn", "Checkpoint", path, fmt.Sprintf("a checkpoint of the same model: it has no %s (different model?)", n))
			}
			if len(v) != p.Spec(i).Size() || !sameShape(d.shapes[n], s.Shape) {
				return param.New("learn", "Checkpoint", path, fmt.Sprintf("a checkpoint of the same model: %s has shape %v (%d values), the model's %v (%d values)",
					n, d.shapes[n], len(v), s.Shape, s.Size()))
			}
		}
	}
	f64, i64 := d.f64["state/f64"], d.i64["state/i64"]
	if len(f64) != 3 || len(i64) != 8 {
		return fmt.Errorf("learn: checkpoint %s: state arrays have lengths %d and %d, want 3 and 8", path, len(f64), len(i64))
	}
	st := trainState{BaseLR: f64[0], BestVal: f64[2], Epoch: int(i64[0]), BestEpoch: int(i64[3]), Bad: int(i64[4]), Seed: uint64(i64[5])}
	if st.Seed != t.cfg.Seed {
		return fmt.Errorf("learn: checkpoint %s was written with shuffle seed %d, the configuration has %d", path, st.Seed, t.cfg.Seed)
	}
	c := int(i64[7])
	if c < 0 || c >= len(stopCodes) {
		return fmt.Errorf("learn: checkpoint %s: stop reason code %d, want 0..%d", path, c, len(stopCodes)-1)
	}
	// A stop by the time budget or a cancelled context ends a call, not
	// the training: a resumed run goes on from the next epoch. Early
	// stopping and convergence are final.
	if st.Stopped = stopCodes[c]; st.Stopped == "time" || st.Stopped == "context" {
		st.Stopped = ""
	}
	if t.best == nil {
		t.best = make([]float32, p.Len())
	}
	for i := 0; i < p.NumTensors(); i++ {
		s := p.Spec(i)
		copy(p.At(i), d.f32["params/"+s.Name])
		copy(p.View(t.best, i), d.f32["best/"+s.Name])
		copy(p.View(t.adam.M, i), d.f32["adam/m/"+s.Name])
		copy(p.View(t.adam.V, i), d.f32["adam/v/"+s.Name])
	}
	t.plateau.Best, t.plateau.Bad, t.plateau.Cooldown = f64[1], int(i64[1]), int(i64[2])
	t.adam.Steps = i64[6]
	ep := d.f64["history/epoch"]
	for k := range ep {
		get := func(f string) float64 {
			if v := d.f64["history/"+f]; k < len(v) {
				return v[k]
			}
			return math.NaN()
		}
		st.History = append(st.History, EpochRecord{Epoch: int(ep[k]), TrainLoss: get("train_loss"), ValLoss: get("val_loss"),
			LR: get("lr"), Horizon: int(get("horizon")), GradNorm: get("grad_norm"), Seconds: get("seconds"), Metric: get("metric")})
	}
	t.st = st
	return nil
}

// CheckpointMeta returns the Meta string stored in a checkpoint (for example
// the model configuration needed to rebuild the model before resuming).
func CheckpointMeta(path string) (string, error) {
	d, err := readCkpt(path, nil)
	if err != nil {
		return "", err
	}
	return d.strs["meta"], nil
}

// LoadParams reads the current (or, with best, the best) parameters stored
// in a checkpoint into p, whose layout must match.
func LoadParams(p *Params[float32], path string, best bool) error {
	prefix := "params/"
	if best {
		prefix = "best/"
	}
	var names []string
	for i := 0; i < p.NumTensors(); i++ {
		names = append(names, prefix+p.Spec(i).Name)
	}
	d, err := readCkpt(path, names)
	if err != nil {
		return fmt.Errorf("learn: load parameters from %s: %w", path, err)
	}
	for i := 0; i < p.NumTensors(); i++ {
		n := prefix + p.Spec(i).Name
		v, ok := d.f32[n]
		if !ok || len(v) != len(p.At(i)) {
			return fmt.Errorf("learn: %s: %s missing or of length %d, want %d", path, n, len(v), len(p.At(i)))
		}
		copy(p.At(i), v)
	}
	return nil
}

// sameShape reports whether a stored shape matches a tensor's (a missing
// stored shape is accepted: the lengths were compared).
func sameShape(stored, want []int) bool {
	if stored == nil {
		return true
	}
	if len(stored) != len(want) {
		return false
	}
	for i := range stored {
		if stored[i] != want[i] {
			return false
		}
	}
	return true
}

// resumeFree lists the TrainConfig fields a resumed run may change: they
// control how long it runs, where it writes and how many goroutines it
// uses, not the result of an epoch. Epochs may change only without Decay
// (the decay schedule is a function of it).
var resumeFree = map[string]bool{"Epochs": true, "Patience": true, "KeepLast": true, "Checkpoint": true,
	"CheckpointEvery": true, "Resume": true, "Overwrite": true, "Meta": true, "MaxDuration": true, "Workers": true}

// sameTraining compares c with the configuration stored in a checkpoint
// (stored, as configJSON wrote it; "" for checkpoints without one) and
// returns an error naming every field that differs, except resumeFree's.
func (c *TrainConfig) sameTraining(stored string) error {
	if stored == "" {
		return nil
	}
	free := func(k string) bool {
		top, _, _ := strings.Cut(k, ".")
		return resumeFree[top] && (top != "Epochs" || c.Decay == DecayNone)
	}
	diffs, err := DiffJSON(stored, c.configJSON(), free, "configuration")
	if err != nil {
		return fmt.Errorf("its train_config cannot be compared (%v)", err)
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%s differ", strings.Join(diffs, ", "))
}

// DiffJSON compares two JSON objects field by field (FlattenJSON) and
// returns, sorted, "key (checkpoint a, <label> b)" for every key whose
// values differ, where a comes from stored and b from current, "unset"
// standing for a missing key; keys for which skip returns true are left
// out. It is an error if either is not a JSON object.
func DiffJSON(stored, current string, skip func(key string) bool, label string) ([]string, error) {
	old, err := FlattenJSON(stored)
	if err != nil {
		return nil, err
	}
	cur, err := FlattenJSON(current)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range cur {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		o, ok1 := old[k]
		n, ok2 := cur[k]
		if skip(k) || (ok1 == ok2 && o == n) {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s (checkpoint %s, %s %s)", k, orNone(o, ok1), label, orNone(n, ok2)))
	}
	sort.Strings(diffs)
	return diffs, nil
}

func orNone(s string, ok bool) string {
	if !ok {
		return "unset"
	}
	return s
}

// FlattenJSON decodes a JSON object into dotted keys (array elements as
// key[i]) and the JSON text of their scalar values, numbers kept exact, so
// that two configurations can be compared field by field (checkpoint and
// recipe checks name the fields that differ). It is an error if s is not a
// JSON object.
func FlattenJSON(s string) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if prefix != "" {
					k = prefix + "." + k
				}
				walk(k, e)
			}
		case []any:
			for k, e := range x {
				walk(fmt.Sprintf("%s[%d]", prefix, k), e)
			}
		default:
			b, _ := json.Marshal(x)
			out[prefix] = string(b)
		}
	}
	walk("", v)
	return out, nil
}
