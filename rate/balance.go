package rate

import (
	"math"

	"github.com/neurodyn/neurodyn/internal/param"
)

// Balance summarizes excitation–inhibition balance over a set of network
// states, with the definitions of the reference (tutorial-spec §2.2 and §4,
// "Other metrics"). Currents are the recurrent inputs into E units:
// exc_i = Σ_j T(W_ee)_ij r_E,j and inh_i = Σ_j T(W_ei)_ij r_I,j (both ≥ 0),
// net_i = exc_i − inh_i, pooled over every E unit and every state.
type Balance struct {
	States int // number of states pooled
	// Mean and standard deviation of the excitatory, inhibitory (as a
	// magnitude) and net recurrent currents into E units.
	ExcMean, ExcStd, InhMean, InhStd, NetMean, NetStd float64
	// Ratio = mean|exc| / mean|net|; Cancellation = 1 − mean|net| /
	// (mean|exc| + mean|inh|) (notebook 02).
	Ratio, Cancellation float64
	// Correlation is the Pearson correlation of exc and inh over all
	// (unit, state) pairs.
	Correlation float64
	// BalanceRatio = |ΣE − ΣI| / (|ΣE| + |ΣI| + 1e-6) over the units'
	// mean currents (compute_balance_metrics of the src network).
	BalanceRatio float64
	// Rates: mean, standard deviation and coefficient of variation (std /
	// mean) of the E and I rates, and the fraction above 0.1.
	RateEMean, RateEStd, RateECV, RateEActive float64
	RateIMean, RateIStd, RateICV, RateIActive float64
}

// Currents pools the recurrent currents into NE E units, one state (or
// time step) at a time, into the current statistics of Balance: means and
// standard deviations of exc, inh and net = exc − inh, Ratio,
// Cancellation, Correlation and BalanceRatio, over every (unit, state)
// pair. BalanceOf feeds it the currents of rate states; other networks
// (spiking ones, whose inputs are their presynaptic spikes) feed it
// theirs. Create it with NewCurrents; it is not safe for concurrent use.
type Currents struct {
	ne, states                                 int
	sE, sI, sN, sEE, sII, sNN, sEI, aE, aI, aN float64
	meanE, meanI                               []float64
}

// NewCurrents returns an empty Currents for ne E units.
func NewCurrents(ne int) *Currents {
	return &Currents{ne: ne, meanE: make([]float64, ne), meanI: make([]float64, ne)}
}

// Add pools one state's currents into the E units: exc[i] the excitatory
// and inh[i] the inhibitory input (as a magnitude, ≥ 0 by the
// definitions) of unit i. It panics unless both have NE values.
func (c *Currents) Add(exc, inh []float64) {
	if len(exc) != c.ne || len(inh) != c.ne {
		panic("rate: Currents.Add needs NE excitatory and NE inhibitory currents")
	}
	for i, e := range exc {
		in := inh[i]
		net := e - in
		c.sE += e
		c.sI += in
		c.sN += net
		c.sEE += float64(e * e)
		c.sII += float64(in * in)
		c.sNN += float64(net * net)
		c.sEI += float64(e * in)
		c.aE += math.Abs(e)
		c.aI += math.Abs(in)
		c.aN += math.Abs(net)
		c.meanE[i] += e
		c.meanI[i] += in
	}
	c.states++
}

// States returns the number of states pooled.
func (c *Currents) States() int { return c.states }

// Balance returns the current statistics of the states pooled so far
// (States and the current fields; the rate fields are left zero, and all
// of them without a state).
func (c *Currents) Balance() Balance {
	b := Balance{States: c.states}
	n := float64(c.states * c.ne)
	if n == 0 {
		return b
	}
	b.ExcMean, b.ExcStd = c.sE/n, stdOf(c.sE, c.sEE, n)
	b.InhMean, b.InhStd = c.sI/n, stdOf(c.sI, c.sII, n)
	b.NetMean, b.NetStd = c.sN/n, stdOf(c.sN, c.sNN, n)
	b.Ratio = c.aE / c.aN
	b.Cancellation = 1 - c.aN/(c.aE+c.aI)
	cov := c.sEI/n - float64(b.ExcMean*b.InhMean)
	b.Correlation = cov / (b.ExcStd * b.InhStd)
	var tE, tI float64
	for i := 0; i < c.ne; i++ {
		tE += c.meanE[i] / float64(c.states)
		tI += c.meanI[i] / float64(c.states)
	}
	b.BalanceRatio = math.Abs(tE-tI) / (math.Abs(tE) + math.Abs(tI) + 1e-6)
	return b
}

// stdOf is the population standard deviation of n values with sum s and
// sum of squares s2 (0 where rounding makes the variance negative).
func stdOf(s, s2, n float64) float64 {
	return math.Sqrt(math.Max(s2/n-float64((s/n)*(s/n)), 0))
}

// BalanceOf computes the balance metrics of k states r (k×N, N = NE+NI,
// each row [r_E, r_I]), for example the hidden trajectories from Forward
// with hidden = true: the currents into the E units pooled by Currents,
// and the rates.
func (m *Model[T]) BalanceOf(states []float64, k int) (Balance, error) {
	c := m.cfg
	NE, NI := c.NE, c.NI
	N := NE + NI
	if k <= 0 || len(states) != k*N {
		return Balance{}, param.New("rate", "states", len(states), "k·(NE+NI) values, k > 0")
	}
	W := make([]float64, N*N)
	m.EffectiveWeights(W)
	cur := NewCurrents(NE)
	exc, inh := make([]float64, NE), make([]float64, NE)
	var rE, rE2, rI, rI2, actE, actI float64
	for s := 0; s < k; s++ {
		r := states[s*N : (s+1)*N]
		for i := 0; i < NE; i++ {
			var e, in float64
			for j := 0; j < NE; j++ {
				e += float64(W[i*N+j] * r[j])
			}
			for j := NE; j < N; j++ {
				in -= float64(W[i*N+j] * r[j])
			}
			exc[i], inh[i] = e, in
		}
		cur.Add(exc, inh)
		for j := 0; j < NE; j++ {
			rE += r[j]
			rE2 += float64(r[j] * r[j])
			if r[j] > 0.1 {
				actE++
			}
		}
		for j := NE; j < N; j++ {
			rI += r[j]
			rI2 += float64(r[j] * r[j])
			if r[j] > 0.1 {
				actI++
			}
		}
	}
	b := cur.Balance()
	nE, nI := float64(k*NE), float64(k*NI)
	b.RateEMean, b.RateEStd = rE/nE, stdOf(rE, rE2, nE)
	b.RateIMean, b.RateIStd = rI/nI, stdOf(rI, rI2, nI)
	b.RateECV, b.RateICV = b.RateEStd/b.RateEMean, b.RateIStd/b.RateIMean
	b.RateEActive, b.RateIActive = actE/nE, actI/nI
	return b, nil
}
