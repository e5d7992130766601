package tasks

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Series is one split of a multivariate time series: Len samples of Dim
// values, row-major (sample i is Data[i*Dim:(i+1)*Dim]). In a Dataset the
// values are normalized; Data32 holds the same values rounded to float32
// (what models consume).
type Series struct {
	Name   string
	Len    int
	Dim    int
	Data   []float64
	Data32 []float32
}

// newSeries wraps data (not copied) and builds the float32 copy.
func newSeries(name string, data []float64, dim int) Series {
	s := Series{Name: name, Len: len(data) / dim, Dim: dim, Data: data, Data32: make([]float32, len(data))}
	for i, v := range data {
		s.Data32[i] = float32(v)
	}
	return s
}

// At returns sample i (a view).
func (s *Series) At(i int) []float64 { return s.Data[i*s.Dim : (i+1)*s.Dim] }

// Dataset is a normalized, windowed forecasting task: train, val and test
// splits (and optionally a long evaluation series), z-scored with the train
// statistics, with the windowing parameters every model uses.
type Dataset struct {
	// Name identifies the task ("lorenz63", or the user's name).
	Name string
	// Dim is the number of variables per sample; Dt the sample interval.
	Dim int
	Dt  float64
	// SeqLength, Horizon and Stride define the windows (see Windows).
	SeqLength, Horizon, Stride int
	// Mean and Std are the per-variable train statistics (population std)
	// used to normalize: x_norm = (x − Mean)/Std.
	Mean, Std []float64
	// Train, Val, Test are the normalized splits. Eval is a long series
	// for closed-loop tests (Len 0 when absent).
	Train, Val, Test, Eval Series
	// Params records every generation parameter (for file attributes and
	// provenance), with values of type float64, int64, string or []float64.
	Params map[string]any
}

// CheckNextSample returns a param error, named for package pkg, when d's
// windows do not take the next sample as their target (Horizon above 1;
// 0 counts as 1): one-step forecasters, their closed-loop generation,
// valid time and Lyapunov exponents need it.
func (d *Dataset) CheckNextSample(pkg string) error {
	if d == nil {
		return param.New(pkg, "dataset", "nil", "a *tasks.Dataset")
	}
	if d.Horizon > 1 {
		return param.New(pkg, "Dataset.Horizon", d.Horizon, "1 (or 0): the recipes train one-step forecasters, whose output is the next sample (closed loop, valid time and Lyapunov exponents rely on it)")
	}
	return nil
}

// CheckForecaster returns a param error, named for package pkg, when a
// one-step forecaster with the given numbers of inputs and outputs cannot
// be trained on d: both must be d's dimension (a window of Dim values per
// step would otherwise be read as steps of another width), and the target
// must be the next sample (CheckNextSample). The errors name the model's
// Model.Inputs and Model.Outputs, as the recipes call them.
func (d *Dataset) CheckForecaster(pkg string, inputs, outputs int) error {
	if err := d.CheckNextSample(pkg); err != nil {
		return err
	}
	if inputs != d.Dim {
		return param.New(pkg, "Model.Inputs", inputs, fmt.Sprintf("the data's dimension %d (Dataset.Dim)", d.Dim))
	}
	if outputs != d.Dim {
		return param.New(pkg, "Model.Outputs", outputs, fmt.Sprintf("the data's dimension %d (Dataset.Dim): the target is the next sample", d.Dim))
	}
	return nil
}

// Splits returns the splits present, in the order train, val, test, eval.
func (d *Dataset) Splits() []*Series {
	out := []*Series{&d.Train, &d.Val, &d.Test}
	if d.Eval.Len > 0 {
		out = append(out, &d.Eval)
	}
	return out
}

// Split returns the split named "train", "val", "test" or "eval".
func (d *Dataset) Split(name string) (*Series, error) {
	for _, s := range d.Splits() {
		if s.Name == name {
			return s, nil
		}
	}
	return nil, param.New("tasks", "split", name, "one of train, val, test (or eval when present)")
}

// Denormalize writes x·Std + Mean into dst, for x a row-major block of
// samples of length a multiple of Dim (dst may be x).
func (d *Dataset) Denormalize(dst, x []float64) {
	if len(dst) != len(x) || len(x)%d.Dim != 0 {
		panic("tasks: Denormalize needs len(dst) = len(x), a multiple of Dim")
	}
	for i := range x {
		j := i % d.Dim
		dst[i] = float64(x[i]*d.Std[j]) + d.Mean[j]
	}
}

// Normalize writes (x − Mean)/Std into dst (dst may be x).
func (d *Dataset) Normalize(dst, x []float64) {
	if len(dst) != len(x) || len(x)%d.Dim != 0 {
		panic("tasks: Normalize needs len(dst) = len(x), a multiple of Dim")
	}
	for i := range x {
		j := i % d.Dim
		dst[i] = (x[i] - d.Mean[j]) / d.Std[j]
	}
}

// meanStd returns the per-column mean and population standard deviation
// (ddof 0) of a row-major block, by two passes in float64. A column whose
// sum or sum of squares overflows (finite values near ±1e308, or beyond
// 1e154 for the squares) is computed again scaled by a power of two, so its
// mean and std are finite whenever its values are (both are at most its
// largest magnitude).
func meanStd(x []float64, dim int) (mean, std []float64) {
	n := len(x) / dim
	mean = make([]float64, dim)
	std = make([]float64, dim)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			mean[j] += x[i*dim+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			d := x[i*dim+j] - mean[j]
			std[j] += float64(d * d)
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n))
		if math.IsNaN(mean[j]) || math.IsInf(mean[j], 0) || math.IsInf(std[j], 0) {
			mean[j], std[j] = scaledMeanStd(x, dim, j)
		}
	}
	return mean, std
}

// scaledMeanStd returns the mean and population std of column j of a
// row-major block, computed on the values divided by 2^e, where 2^(e−1) ≤
// max |x| < 2^e, so that no sum overflows; the results are scaled back.
func scaledMeanStd(x []float64, dim, j int) (mean, std float64) {
	n := len(x) / dim
	big := 0.0
	for i := 0; i < n; i++ {
		big = max(big, math.Abs(x[i*dim+j]))
	}
	_, e := math.Frexp(big)
	for i := 0; i < n; i++ {
		mean += math.Ldexp(x[i*dim+j], -e)
	}
	mean /= float64(n)
	for i := 0; i < n; i++ {
		d := math.Ldexp(x[i*dim+j], -e) - mean
		std += float64(d * d)
	}
	std = math.Sqrt(std / float64(n))
	return math.Ldexp(mean, e), math.Ldexp(std, e)
}

// normalizeInPlace z-scores x with mean and std.
func normalizeInPlace(x []float64, mean, std []float64) {
	dim := len(mean)
	for i := range x {
		j := i % dim
		x[i] = (x[i] - mean[j]) / std[j]
	}
}

// Windows are the (input, target) pairs of one split, as views: window i
// has input samples [i·Stride, i·Stride+SeqLength) and target sample
// i·Stride+SeqLength+Horizon−1. No window is copied.
type Windows struct {
	S                          *Series
	SeqLength, Horizon, Stride int
	n                          int
}

// NewWindows returns the windows of s; it is an error if s is too short for
// one window.
func NewWindows(s *Series, seqLength, horizon, stride int) (Windows, error) {
	if s == nil {
		return Windows{}, param.New("tasks", "series", "nil", "a *Series")
	}
	if err := param.First(
		param.PositiveInt("tasks", "SeqLength", seqLength),
		param.PositiveInt("tasks", "Horizon", horizon),
		param.PositiveInt("tasks", "Stride", stride),
	); err != nil {
		return Windows{}, err
	}
	span := seqLength + horizon
	if s.Len < span {
		return Windows{}, param.New("tasks", "split "+s.Name, fmt.Sprintf("%d samples", s.Len), fmt.Sprintf("at least SeqLength+Horizon = %d samples", span))
	}
	return Windows{S: s, SeqLength: seqLength, Horizon: horizon, Stride: stride, n: (s.Len-span)/stride + 1}, nil
}

// Windows returns the windows of the named split with the dataset's
// windowing parameters.
func (d *Dataset) Windows(split string) (Windows, error) {
	s, err := d.Split(split)
	if err != nil {
		return Windows{}, err
	}
	return NewWindows(s, d.SeqLength, d.Horizon, d.Stride)
}

// Len returns the number of windows: (Len − SeqLength − Horizon)/Stride + 1.
func (w Windows) Len() int { return w.n }

// Start returns the index of window i's first sample.
func (w Windows) Start(i int) int { return i * w.Stride }

// Input returns window i's input, SeqLength×Dim row-major (a view).
func (w Windows) Input(i int) []float64 {
	a := i * w.Stride * w.S.Dim
	return w.S.Data[a : a+w.SeqLength*w.S.Dim]
}

// Target returns window i's target sample (a view).
func (w Windows) Target(i int) []float64 {
	a := (i*w.Stride + w.SeqLength + w.Horizon - 1) * w.S.Dim
	return w.S.Data[a : a+w.S.Dim]
}

// Input32 and Target32 are Input and Target over the float32 copy.
func (w Windows) Input32(i int) []float32 {
	a := i * w.Stride * w.S.Dim
	return w.S.Data32[a : a+w.SeqLength*w.S.Dim]
}

// Target32 returns window i's target in float32 (a view).
func (w Windows) Target32(i int) []float32 {
	a := (i*w.Stride + w.SeqLength + w.Horizon - 1) * w.S.Dim
	return w.S.Data32[a : a+w.S.Dim]
}

// InputSize is SeqLength·Dim, the length of one input.
func (w Windows) InputSize() int { return w.SeqLength * w.S.Dim }

// TargetSize is Dim.
func (w Windows) TargetSize() int { return w.S.Dim }

// SeqShape returns SeqLength steps of Dim inputs, targets of Dim values and
// the Horizon, so learn's Fit and CheckData can check a model's widths and
// the losses against the windows before training (learn.SeqSource): a
// next-step or closed-loop loss needs Horizon 1.
func (w Windows) SeqShape() (steps, in, out, horizon int) {
	return w.SeqLength, w.S.Dim, w.S.Dim, w.Horizon
}

// Fill copies window i into x (InputSize) and y (TargetSize).
func (w Windows) Fill(i int, x, y []float32) {
	copy(x, w.Input32(i))
	copy(y, w.Target32(i))
}

// Source is a collection of fixed-size float32 samples a Batcher can draw
// from: Windows (forecasting) and FlipFlopSplit (whole trials) implement it.
type Source interface {
	// Len is the number of samples.
	Len() int
	// InputSize is the number of float32 values of one sample's input.
	InputSize() int
	// TargetSize is the number of float32 values of one sample's target.
	TargetSize() int
	// Fill copies sample i into x (length InputSize) and y (TargetSize).
	Fill(i int, x, y []float32)
}

// Batcher yields mini-batches of a Source in preallocated float32 buffers:
// after Next, X holds n inputs (n·InputSize values, e.g. batch×50×3) and Y
// n targets. With Shuffle the order of each epoch is a permutation drawn
// from a PCG seeded by (Seed, epoch), so it is reproducible and does not
// depend on how many epochs ran before; without it the order is 0…Len−1.
// The last batch of an epoch may be short (as PyTorch's DataLoader without
// drop_last). Nothing is allocated after NewBatcher.
type Batcher struct {
	src       Source
	batchSize int
	shuffle   bool
	seed      uint64
	epoch     uint64
	perm      []int
	pos       int
	pcg       rand.PCG
	rng       *rand.Rand
	// X and Y are the batch buffers, sized for a full batch; after Next
	// only the first n·InputSize (n·TargetSize) values are valid.
	X, Y []float32
	// Index holds the source indices of the current batch.
	Index []int
}

// NewBatcher returns a Batcher over src positioned at epoch 0.
func NewBatcher(src Source, batchSize int, shuffle bool, seed uint64) (*Batcher, error) {
	if err := param.PositiveInt("tasks", "batchSize", batchSize); err != nil {
		return nil, err
	}
	if src == nil {
		return nil, param.New("tasks", "src", "nil", "a Source")
	}
	if src.Len() == 0 {
		return nil, param.New("tasks", "src", "0 samples", "a non-empty source")
	}
	b := &Batcher{src: src, batchSize: batchSize, shuffle: shuffle, seed: seed}
	b.rng = rand.New(&b.pcg)
	b.perm = make([]int, src.Len())
	b.X = make([]float32, batchSize*src.InputSize())
	b.Y = make([]float32, batchSize*src.TargetSize())
	b.Index = make([]int, 0, batchSize)
	b.SetEpoch(0)
	return b, nil
}

// SetEpoch restarts the iteration at the beginning of the given epoch.
func (b *Batcher) SetEpoch(epoch int) {
	b.epoch = uint64(epoch)
	for i := range b.perm {
		b.perm[i] = i
	}
	if b.shuffle {
		b.pcg.Seed(b.seed, b.epoch)
		b.rng.Shuffle(len(b.perm), func(i, j int) { b.perm[i], b.perm[j] = b.perm[j], b.perm[i] })
	}
	b.pos = 0
}

// NextEpoch advances to the next epoch.
func (b *Batcher) NextEpoch() { b.SetEpoch(int(b.epoch) + 1) }

// Epoch returns the current epoch.
func (b *Batcher) Epoch() int { return int(b.epoch) }

// NumBatches returns the number of batches per epoch, ceil(Len/batchSize).
func (b *Batcher) NumBatches() int { return (len(b.perm) + b.batchSize - 1) / b.batchSize }

// Next fills X and Y with the next batch and returns its size n, or 0 at
// the end of the epoch.
func (b *Batcher) Next() int {
	if b.pos >= len(b.perm) {
		return 0
	}
	n := min(b.batchSize, len(b.perm)-b.pos)
	is, ts := b.src.InputSize(), b.src.TargetSize()
	b.Index = b.Index[:n]
	for k := 0; k < n; k++ {
		i := b.perm[b.pos+k]
		b.Index[k] = i
		b.src.Fill(i, b.X[k*is:(k+1)*is], b.Y[k*ts:(k+1)*ts])
	}
	b.pos += n
	return n
}

// GenerateLorenz builds the Lorenz-63 dataset of c: train, val, test and
// (unless c.EvalT < 0) eval trajectories, normalized with the train
// statistics.
func GenerateLorenz(c LorenzConfig) (*Dataset, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.WithDefaults()
	d := &Dataset{
		Name: "lorenz63", Dim: 3, Dt: c.Dt,
		SeqLength: c.SeqLength, Horizon: c.Horizon, Stride: c.Stride,
	}
	type job struct {
		name string
		T    float64
		seed int64
		dst  *Series
	}
	jobs := []job{
		{"train", c.TrainT, c.Seed, &d.Train},
		{"val", c.ValT, c.Seed + 1, &d.Val},
		{"test", c.TestT, c.Seed + 2, &d.Test},
	}
	if c.EvalT > 0 {
		jobs = append(jobs, job{"eval", c.EvalT, c.Seed + 3, &d.Eval})
	}
	raw := make([][]float64, len(jobs))
	inits := make([]float64, 0, 3*len(jobs))
	for k, j := range jobs {
		x, y0, _, err := LorenzTrajectory(c, j.T, j.seed)
		if err != nil {
			return nil, err
		}
		raw[k] = x
		inits = append(inits, y0[:]...)
	}
	d.Mean, d.Std = meanStd(raw[0], 3)
	for j, s := range d.Std {
		if !(s > 0) {
			return nil, param.New("tasks", "TrainT", c.TrainT, fmt.Sprintf("long enough that variable %d varies (std > 0)", j))
		}
	}
	for k, j := range jobs {
		normalizeInPlace(raw[k], d.Mean, d.Std)
		*j.dst = newSeries(j.name, raw[k], 3)
	}
	d.Params = map[string]any{
		"task":          "lorenz63",
		"sigma":         c.System.Sigma,
		"rho":           c.System.Rho,
		"beta":          c.System.Beta,
		"dt":            c.Dt,
		"transient":     c.Transient,
		"train_T":       c.TrainT,
		"val_T":         c.ValT,
		"test_T":        c.TestT,
		"eval_T":        c.EvalT,
		"seed_train":    c.Seed,
		"seed_val":      c.Seed + 1,
		"seed_test":     c.Seed + 2,
		"seed_eval":     c.Seed + 3,
		"initial_base":  c.Initial[:],
		"initial_noise": c.InitialNoise,
		"initial_state": inits,
		"solver":        "dopri5",
		"rtol":          c.Rtol,
		"atol":          c.Atol,
		"seq_length":    int64(c.SeqLength),
		"horizon":       int64(c.Horizon),
		"stride":        int64(c.Stride),
		"normalization": "z-score with train mean and population std (ddof 0)",
		"rng":           "numpy legacy MT19937 (np.random.seed), polar Box-Muller",
	}
	return d, nil
}
