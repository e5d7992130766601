package bench

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
)

// siegert returns the stationary rate (Hz) of a LIF neuron under white-noise
// input of mean mu and standard deviation sigma (mV), Brunel (2000) eq. 21:
// 1/ν = τ_rp + τ√π ∫_{(V_r−μ)/σ}^{(θ−μ)/σ} e^{u²}(1 + erf u) du (Simpson).
func siegert(mu, sigma float64, b kernel.BrunelParams) float64 {
	lo, hi := (b.VResetmV-mu)/sigma, (b.ThetamV-mu)/sigma
	f := func(u float64) float64 { return math.Exp(u*u) * math.Erfc(-u) }
	const n = 4000
	h := (hi - lo) / n
	s := f(lo) + f(hi)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(lo+float64(i)*h)
	}
	integral := s * h / 3
	return 1 / ((b.TRef + b.TauMs*math.Sqrt(math.Pi)*integral) / 1000)
}

// brunelMeanField solves the self-consistent rate of model A (Brunel 2000,
// eqs. 4–5, 21) by bisection: μ = C_E J τ (ν_ext + ν(1 − gγ)),
// σ² = J² C_E τ (ν_ext + ν(1 + g²γ)), γ = N_I/N_E.
func brunelMeanField(b kernel.BrunelParams) float64 {
	ce := b.CE()
	gamma := float64(b.NI) / float64(b.NE)
	tau := b.TauMs / 1000
	ext := b.Eta * b.NuThrHz()
	g := func(nu float64) float64 {
		mu := ce * b.JmV * tau * (ext + nu*(1-b.G*gamma))
		sigma := math.Sqrt(b.JmV * b.JmV * ce * tau * (ext + nu*(1+b.G*b.G*gamma)))
		return siegert(mu, sigma, b) - nu
	}
	lo, hi := 0.01, 500.0
	for range 100 {
		mid := 0.5 * (lo + hi)
		if g(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi)
}

// populationCV is the coefficient of variation of the population spike
// count in bins of binMs over [t0, t1) (bench/brian2/common.py's
// population_cv).
func populationCV(times []float64, t0, t1, binMs float64) float64 {
	bins := make([]float64, int((t1-t0)/binMs))
	for _, tm := range times {
		if tm >= t0 && tm < t1 {
			bins[int((tm-t0)/binMs)]++
		}
	}
	m, se := meanSE(bins)
	return se * math.Sqrt(float64(len(bins))) / m
}

type brianBrunel struct {
	RateHz  float64 `json:"rate_hz"`
	CV      float64 `json:"cv_isi"`
	PopCV   float64 `json:"population_cv"`
	PopCV10 float64 `json:"population_cv_10ms"`
}

// TestSpikingBrunelAsynchronousIrregular: Brunel's model A at g = 5,
// ν_ext/ν_thr = 2 (the paper's Fig. 8C, asynchronous irregular) fires at the
// mean-field rate of the paper's theory, irregularly, with a stationary
// global activity (no slow oscillation: the population count in 10 ms bins
// varies little), and its statistics agree with Brian2 2.5.1 running the
// same network (frozen in baseline/spiking_brian2_brunel.json). At this size
// (12,500 neurons, binomial in-degrees) both simulators show the finite-size
// fast (~5 ms period) fluctuations of the global activity that the AI state
// has near the fast-oscillation boundary; they average out over 10 ms.
func TestSpikingBrunelAsynchronousIrregular(t *testing.T) {
	if testing.Short() {
		t.Skip("12,500 neurons for 1 s: long test")
	}
	raw, err := os.ReadFile("baseline/spiking_brian2_brunel.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref []brianBrunel
	if err := json.Unmarshal(raw, &ref); err != nil || len(ref) == 0 {
		t.Fatalf("Brian2 Brunel baseline: %v", err)
	}
	var br brianBrunel
	for _, r := range ref {
		br.RateHz += r.RateHz / float64(len(ref))
		br.CV += r.CV / float64(len(ref))
		br.PopCV += r.PopCV / float64(len(ref))
		br.PopCV10 += r.PopCV10 / float64(len(ref))
	}
	b := kernel.DefaultBrunel()
	mf := brunelMeanField(b)
	spec, _ := kernel.Preset("brunel", kernel.PresetOptions{Seed: 7, Record: true})
	net, err := kernel.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	const ms, t0 = 1000.0, 200.0
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	var times []float64
	var ids []uint32
	off := uint32(0)
	for _, p := range spec.Populations {
		sp := net.Recorder("spikes:" + p.Name).Spikes()
		times = append(times, sp.TimesMs...)
		for _, id := range sp.IDs {
			ids = append(ids, id+off)
		}
		off += uint32(p.N)
	}
	rate, cv := spikeStats(times, ids, b.NE+b.NI, t0, ms)
	pcv, pcv10 := populationCV(times, t0, ms, 1), populationCV(times, t0, ms, 10)
	t.Logf("neurodyn: rate %.2f Hz (mean field %.2f), ISI CV %.3f, population CV %.3f (1 ms) %.3f (10 ms)", rate, mf, cv, pcv, pcv10)
	t.Logf("Brian2 (%d seeds): rate %.2f Hz, ISI CV %.3f, population CV %.3f (1 ms) %.3f (10 ms)", len(ref), br.RateHz, br.CV, br.PopCV, br.PopCV10)
	if math.Abs(rate-mf)/mf > 0.1 {
		t.Errorf("rate %.2f Hz is not within 10%% of the mean-field rate %.2f Hz", rate, mf)
	}
	if cv < 0.3 {
		t.Errorf("ISI CV %.3f: regular firing, not irregular", cv)
	}
	if pcv10 > 0.15 {
		t.Errorf("population CV in 10 ms bins %.3f: the global activity oscillates slowly (not asynchronous)", pcv10)
	}
	// Brian2's rate varies by ~±6 % from seed to seed (36.5–41.0 Hz over the
	// frozen seeds), so one neurodyn seed is compared at 10 %.
	if math.Abs(rate-br.RateHz)/br.RateHz > 0.1 || math.Abs(cv-br.CV) > 0.05 || math.Abs(pcv-br.PopCV) > 0.1 || math.Abs(pcv10-br.PopCV10) > 0.05 {
		t.Errorf("statistics differ from Brian2's")
	}
}
