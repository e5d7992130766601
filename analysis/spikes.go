package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/neurodyn/neurodyn/internal/detfft"
	"github.com/neurodyn/neurodyn/internal/detmath"
	"github.com/neurodyn/neurodyn/internal/param"
)

// SpikeID is the set of integer types accepted as neuron ids.
type SpikeID interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// SpikeTrains holds the spike times of N neurons over a recording window
// [T0, T1) in ms, sorted per neuron. It is built from plain (times, ids)
// arrays such as a SONATA spike report. All rates are in Hz.
type SpikeTrains struct {
	N      int
	T0, T1 float64
	trains [][]float64
}

// NewSpikeTrains groups spikes given as parallel arrays of times (ms) and
// neuron ids (0 ≤ id < n) into per-neuron trains over the window
// [t0, t1); spikes outside the window are dropped. Ids out of range and
// non-finite times are errors.
func NewSpikeTrains[I SpikeID](timesMs []float64, ids []I, n int, t0, t1 float64) (*SpikeTrains, error) {
	if len(timesMs) != len(ids) {
		return nil, param.New("analysis", "ids", fmt.Sprintf("length %d", len(ids)), fmt.Sprintf("the length of times (%d)", len(timesMs)))
	}
	if n <= 0 {
		return nil, param.New("analysis", "n", n, "> 0")
	}
	if err := param.First(param.Finite("analysis", "t0", t0), param.Finite("analysis", "t1", t1)); err != nil {
		return nil, err
	}
	if !(t1 > t0) {
		return nil, param.New("analysis", "t1", t1, fmt.Sprintf("> t0 = %g", t0))
	}
	s := &SpikeTrains{N: n, T0: t0, T1: t1, trains: make([][]float64, n)}
	for k, t := range timesMs {
		id := ids[k]
		if id < 0 || uint64(id) >= uint64(n) {
			return nil, param.New("analysis", fmt.Sprintf("ids[%d]", k), id, fmt.Sprintf("in [0, %d)", n))
		}
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, param.New("analysis", fmt.Sprintf("times[%d]", k), t, "finite")
		}
		if t >= t0 && t < t1 {
			s.trains[int(id)] = append(s.trains[int(id)], t)
		}
	}
	for _, tr := range s.trains {
		slices.Sort(tr)
	}
	return s, nil
}

// Train returns the sorted spike times of neuron i (a view). It panics if i
// is not in [0, N).
func (s *SpikeTrains) Train(i int) []float64 {
	if i < 0 || i >= len(s.trains) {
		panic(fmt.Sprintf("analysis: Train: neuron %d out of range [0, %d)", i, len(s.trains)))
	}
	return s.trains[i]
}

// Count returns the total number of spikes in the window.
func (s *SpikeTrains) Count() int {
	var c int
	for _, tr := range s.trains {
		c += len(tr)
	}
	return c
}

// Rates returns each neuron's firing rate in Hz (spikes / window length).
func (s *SpikeTrains) Rates() []float64 {
	out := make([]float64, s.N)
	sec := (s.T1 - s.T0) / 1000
	for i, tr := range s.trains {
		out[i] = float64(len(tr)) / sec
	}
	return out
}

// ISICV returns each neuron's coefficient of variation of its inter-spike
// intervals, std/mean (population std), or NaN for neurons with fewer than
// two intervals or whose intervals are all 0 (every spike at one time).
func (s *SpikeTrains) ISICV() []float64 {
	out := make([]float64, s.N)
	for i, tr := range s.trains {
		if len(tr) < 3 {
			out[i] = math.NaN()
			continue
		}
		var m float64
		for k := 1; k < len(tr); k++ {
			m += tr[k] - tr[k-1]
		}
		m /= float64(len(tr) - 1)
		var v float64
		for k := 1; k < len(tr); k++ {
			d := tr[k] - tr[k-1] - m
			v += float64(d * d)
		}
		v /= float64(len(tr) - 1)
		out[i] = math.Sqrt(v) / m
	}
	return out
}

// MaxBinCells bounds the counts a binning allocates: Binned (and Fano,
// Correlations and Summary, which use it) reject a bin width giving more
// than MaxBinCells counts N × bins, and PopulationRate more than MaxBinCells
// bins. It catches a width given in seconds instead of ms before it
// exhausts memory (2^28 float64 counts are 2 GiB).
const MaxBinCells = 1 << 28

// bins returns the number of whole bins of width binMs in the window, for
// rows counts per bin (at most MaxBinCells in all).
func (s *SpikeTrains) bins(binMs float64, rows int) (int, error) {
	if err := param.Positive("analysis", "binMs", binMs); err != nil {
		return 0, err
	}
	win := s.T1 - s.T0
	nbf := math.Floor(win / binMs)
	if nbf*float64(rows) > MaxBinCells {
		return 0, param.New("analysis", "binMs", binMs, fmt.Sprintf("≥ %g ms: at most %d counts (%d rows × bins of the %g ms window)", win*float64(rows)/MaxBinCells, MaxBinCells, rows, win))
	}
	nb := int(nbf)
	if nb < 2 {
		return 0, param.New("analysis", "binMs", binMs, fmt.Sprintf("at most half the window (%g ms)", win))
	}
	return nb, nil
}

// Binned returns the spike counts of every neuron in consecutive bins of
// binMs starting at T0 (row-major, N×bins; a partial last bin is dropped).
// A binMs giving more than MaxBinCells counts is an error.
func (s *SpikeTrains) Binned(binMs float64) ([]float64, int, error) {
	nb, err := s.bins(binMs, s.N)
	if err != nil {
		return nil, 0, err
	}
	out := make([]float64, s.N*nb)
	for i, tr := range s.trains {
		for _, t := range tr {
			if b := int((t - s.T0) / binMs); b < nb {
				out[i*nb+b]++
			}
		}
	}
	return out, nb, nil
}

// Fano returns each neuron's Fano factor, the variance over mean of its
// spike counts in bins of binMs (population variance); NaN for silent
// neurons.
func (s *SpikeTrains) Fano(binMs float64) ([]float64, error) {
	counts, nb, err := s.Binned(binMs)
	if err != nil {
		return nil, err
	}
	out := make([]float64, s.N)
	for i := range out {
		m, v := meanVar(counts[i*nb : (i+1)*nb])
		if m == 0 {
			out[i] = math.NaN()
		} else {
			out[i] = v / m
		}
	}
	return out, nil
}

// meanVar returns the mean and population variance of x.
func meanVar(x []float64) (m, v float64) {
	for _, e := range x {
		m += e
	}
	m /= float64(len(x))
	for _, e := range x {
		v += float64((e - m) * (e - m))
	}
	return m, v / float64(len(x))
}

// Correlations returns Pearson correlation coefficients of the binned
// spike counts (bins of binMs) of up to pairs distinct pairs of neurons
// that fired in the window with non-constant counts, drawn with a PCG
// generator seeded by seed (all pairs if there are at most pairs of them),
// in the order drawn.
func (s *SpikeTrains) Correlations(binMs float64, pairs int, seed uint64) ([]float64, error) {
	if pairs <= 0 {
		return nil, param.New("analysis", "pairs", pairs, "> 0")
	}
	counts, nb, err := s.Binned(binMs)
	if err != nil {
		return nil, err
	}
	var active []int
	sd := make([]float64, s.N)
	mu := make([]float64, s.N)
	for i := 0; i < s.N; i++ {
		m, v := meanVar(counts[i*nb : (i+1)*nb])
		if v > 0 {
			active = append(active, i)
			mu[i], sd[i] = m, math.Sqrt(v)
		}
	}
	na := len(active)
	total := na * (na - 1) / 2
	if total == 0 {
		return nil, nil
	}
	corr := func(a, b int) float64 {
		x, y := counts[a*nb:(a+1)*nb], counts[b*nb:(b+1)*nb]
		var c float64
		for k := range x {
			c += float64((x[k] - mu[a]) * (y[k] - mu[b]))
		}
		return c / float64(nb) / (sd[a] * sd[b])
	}
	var out []float64
	if total <= pairs {
		for p := 0; p < na; p++ {
			for q := p + 1; q < na; q++ {
				out = append(out, corr(active[p], active[q]))
			}
		}
		return out, nil
	}
	rng := rand.New(rand.NewPCG(seed, 0xda3e39cb94b95bdb))
	seen := make(map[[2]int]bool, pairs)
	for len(out) < pairs {
		p, q := rng.IntN(na), rng.IntN(na)
		if p == q {
			continue
		}
		if p > q {
			p, q = q, p
		}
		if seen[[2]int{p, q}] {
			continue
		}
		seen[[2]int{p, q}] = true
		out = append(out, corr(active[p], active[q]))
	}
	return out, nil
}

// PopulationRate returns the mean firing rate per neuron (Hz) of the whole
// population in consecutive bins of binMs (at most MaxBinCells bins).
func (s *SpikeTrains) PopulationRate(binMs float64) ([]float64, error) {
	nb, err := s.bins(binMs, 1)
	if err != nil {
		return nil, err
	}
	out := make([]float64, nb)
	for _, tr := range s.trains {
		for _, t := range tr {
			if b := int((t - s.T0) / binMs); b < nb {
				out[b]++
			}
		}
	}
	f := 1000 / (binMs * float64(s.N))
	for b := range out {
		out[b] *= f
	}
	return out, nil
}

// PopulationSpectrum returns the power spectral density of the population
// rate (PopulationRate with bins of binMs, mean removed) by Welch's
// method: segments of segment bins (0 → the largest power of two ≤ bins/4,
// at least 16) with 50% overlap and a Hann window, averaged. freqHz runs
// from 0 to the Nyquist frequency 500/binMs; power is in Hz²/Hz (one-sided).
func (s *SpikeTrains) PopulationSpectrum(binMs float64, segment int) (freqHz, power []float64, err error) {
	rate, err := s.PopulationRate(binMs)
	if err != nil {
		return nil, nil, err
	}
	nb := len(rate)
	if segment == 0 && nb < 16 {
		return nil, nil, param.New("analysis", "binMs", binMs,
			fmt.Sprintf("at most 1/16 of the window (%g ms): the default segment is 16 bins, the window holds %d", s.T1-s.T0, nb))
	}
	if segment == 0 {
		segment = 16
		for segment*2 <= nb/4 {
			segment *= 2
		}
	}
	if segment < 4 || segment > nb {
		return nil, nil, param.New("analysis", "segment", segment, fmt.Sprintf("in [4, %d] bins", nb))
	}
	m, _ := meanVar(rate)
	win := make([]float64, segment)
	var wss float64
	for k := range win {
		win[k] = 0.5 - float64(0.5*detmath.Cos(2*math.Pi*float64(k)/float64(segment)))
		wss += float64(win[k] * win[k])
	}
	fft := detfft.New(segment)
	seq := make([]float64, segment)
	coeff := make([]complex128, segment/2+1)
	power = make([]float64, segment/2+1)
	fs := 1000 / binMs
	step := max(1, segment/2)
	nseg := 0
	for start := 0; start+segment <= nb; start += step {
		for k := range seq {
			seq[k] = (rate[start+k] - m) * win[k]
		}
		fft.Coefficients(coeff, seq)
		for k, c := range coeff {
			p := (float64(real(c)*real(c)) + float64(imag(c)*imag(c))) / (fs * wss)
			if k != 0 && !(segment%2 == 0 && k == segment/2) {
				p *= 2
			}
			power[k] += p
		}
		nseg++
	}
	freqHz = make([]float64, len(power))
	for k := range power {
		power[k] /= float64(nseg)
		freqHz[k] = float64(k) * fs / float64(segment)
	}
	return freqHz, power, nil
}

// SpikeStats summarises a population's spiking.
type SpikeStats struct {
	// Neurons, Spikes and WindowMs describe the data.
	Neurons, Spikes int
	WindowMs        float64
	// MeanRate and StdRate are the mean and population std of the
	// per-neuron rates (Hz); Silent the fraction of neurons without spikes.
	MeanRate, StdRate, Silent float64
	// MeanCV is the mean ISI CV over neurons with at least two intervals
	// (NaN if none).
	MeanCV float64
	// MeanFano is the mean Fano factor over active neurons (bins of BinMs;
	// NaN if none).
	MeanFano float64
	// MeanCorr is the mean pairwise count correlation (bins of BinMs, up to
	// 1000 seeded pairs; NaN if fewer than two active neurons).
	MeanCorr float64
	// PeakHz is the frequency of the largest peak of the population-rate
	// spectrum above 0 Hz (bins of BinMs; NaN when the population is
	// silent, its rate constant, or the window shorter than 16 bins).
	PeakHz float64
	BinMs  float64
}

// Summary returns the SpikeStats of s with counts in bins of binMs (0 →
// 5 ms) and pair sampling seeded by seed.
func (s *SpikeTrains) Summary(binMs float64, seed uint64) (SpikeStats, error) {
	if binMs == 0 {
		binMs = 5
	}
	st := SpikeStats{Neurons: s.N, Spikes: s.Count(), WindowMs: s.T1 - s.T0, BinMs: binMs}
	rates := s.Rates()
	st.MeanRate, st.StdRate = meanVar(rates)
	st.StdRate = math.Sqrt(st.StdRate)
	for _, r := range rates {
		if r == 0 {
			st.Silent++
		}
	}
	st.Silent /= float64(s.N)
	st.MeanCV = nanMean(s.ISICV())
	fano, err := s.Fano(binMs)
	if err != nil {
		return st, err
	}
	st.MeanFano = nanMean(fano)
	corr, err := s.Correlations(binMs, 1000, seed)
	if err != nil {
		return st, err
	}
	st.MeanCorr = nanMean(corr)
	st.PeakHz = math.NaN()
	if f, p, err := s.PopulationSpectrum(binMs, 0); err == nil {
		best := 0
		for k := 1; k < len(p); k++ {
			if best == 0 || p[k] > p[best] {
				best = k
			}
		}
		if best > 0 && p[best] > 0 {
			st.PeakHz = f[best]
		}
	}
	return st, nil
}

// nanMean returns the mean of the non-NaN values of x (NaN if none).
func nanMean(x []float64) float64 {
	var s float64
	var n int
	for _, v := range x {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}
