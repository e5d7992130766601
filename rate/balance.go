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

// BalanceOf computes the balance metrics of k states r (k×N, N = NE+NI,
// each row [r_E, r_I]), for example the hidden trajectories from Forward
// with hidden = true.
func (m *Model[T]) BalanceOf(states []float64, k int) (Balance, error) {
	c := m.cfg
	NE, NI := c.NE, c.NI
	N := NE + NI
	if k <= 0 || len(states) != k*N {
		return Balance{}, param.New("rate", "states", len(states), "k·(NE+NI) values, k > 0")
	}
	W := make([]float64, N*N)
	m.EffectiveWeights(W)
	var b Balance
	b.States = k
	var sE, sI, sN, sEE, sII, sNN, aE, aI, aN, sEI float64
	meanE := make([]float64, NE)
	meanI := make([]float64, NE)
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
			net := e - in
			sE += e
			sI += in
			sN += net
			sEE += float64(e * e)
			sII += float64(in * in)
			sNN += float64(net * net)
			sEI += float64(e * in)
			aE += math.Abs(e)
			aI += math.Abs(in)
			aN += math.Abs(net)
			meanE[i] += e
			meanI[i] += in
		}
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
	n := float64(k * NE)
	std := func(s, s2, n float64) float64 { return math.Sqrt(math.Max(s2/n-float64((s/n)*(s/n)), 0)) }
	b.ExcMean, b.ExcStd = sE/n, std(sE, sEE, n)
	b.InhMean, b.InhStd = sI/n, std(sI, sII, n)
	b.NetMean, b.NetStd = sN/n, std(sN, sNN, n)
	b.Ratio = aE / aN
	b.Cancellation = 1 - aN/(aE+aI)
	cov := sEI/n - float64(b.ExcMean*b.InhMean)
	b.Correlation = cov / (b.ExcStd * b.InhStd)
	var tE, tI float64
	for i := 0; i < NE; i++ {
		tE += meanE[i] / float64(k)
		tI += meanI[i] / float64(k)
	}
	b.BalanceRatio = math.Abs(tE-tI) / (math.Abs(tE) + math.Abs(tI) + 1e-6)
	nE, nI := float64(k*NE), float64(k*NI)
	b.RateEMean, b.RateEStd = rE/nE, std(rE, rE2, nE)
	b.RateIMean, b.RateIStd = rI/nI, std(rI, rI2, nI)
	b.RateECV, b.RateICV = b.RateEStd/b.RateEMean, b.RateIStd/b.RateIMean
	b.RateEActive, b.RateIActive = actE/nE, actI/nI
	return b, nil
}
