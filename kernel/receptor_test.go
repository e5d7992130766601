package kernel_test

import (
	"math"
	"testing"

	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// pscPSP is the membrane response (mV) of a current-based LIF neuron (C
// pF, τ_m ms) at t ms after a jump of w pA into a synaptic current decaying
// with τ_s ms (the exact solution; its limit where τ_s = τ_m).
func pscPSP(w, c, tauM, tauS, t float64) float64 {
	if t < 0 {
		return 0
	}
	if tauS == tauM {
		return w / c * t * math.Exp(-t/tauM)
	}
	return w / c * tauM * tauS / (tauM - tauS) * (math.Exp(-t/tauM) - math.Exp(-t/tauS))
}

// TestNegativeWeightsInhReceptor checks NEST's routing onto lif_exp with
// τ_syn_ex ≠ τ_syn_in when no receptor is given: a negative weight acts on
// the inh receptor (iaf_psc_exp), by the projection's sign, by the sign of
// a constant or of every drawn weight, and synapse by synapse when the
// weights have both signs (grid, delay 0, precise mode, 1 and 3 workers);
// devices' negative weights too; an explicit receptor is kept, and with
// equal time constants the source's sign picks as before. V is compared with
// the exact response to the weights routed so (one spike from each source at
// 1 ms, arriving after the delay): the trough of one −300 pA spike on inh
// (τ 10 ms) is −74.4146 mV at 12 ms, NEST's, where the exc receptor (τ 2 ms)
// gave −71.605 mV at 6 ms.
func TestNegativeWeightsInhReceptor(t *testing.T) {
	const c, tauM, tauEx, tauIn, eL = 250.0, 10.0, 2.0, 10.0, -70.0
	cases := []struct {
		name       string
		srcSign    int
		srcN       int
		proj       kernel.ProjectionSpec
		dev        *kernel.DeviceSpec // onto N instead of the projection
		tauIn      float64            // the target's τ_syn_in (default tauIn)
		precise    bool
		workers    int
		arrivalMs  float64
		want       func(net *kernel.Network) recepRoute
		wantMixed  bool // the projection needs routing per synapse
		troughMV   float64
		troughAtMs float64
	}{
		{name: "constant/sign0", srcN: 1, proj: kernel.ProjectionSpec{Weights: synapsesConst(-300)},
			want: fixed(0, -300), troughMV: -74.4146, troughAtMs: 12},
		{name: "weights.sign-1", srcN: 1, proj: kernel.ProjectionSpec{Weights: synapses.Weights{Value: 300, Sign: -1}},
			want: fixed(0, -300), troughMV: -74.4146, troughAtMs: 12},
		{name: "source_sign-1", srcSign: -1, srcN: 1, proj: kernel.ProjectionSpec{Weights: synapsesConst(300)},
			want: fixed(0, -300), troughMV: -74.4146, troughAtMs: 12},
		{name: "weights.sign+1_from_inh_source", srcSign: -1, srcN: 1, proj: kernel.ProjectionSpec{Weights: synapses.Weights{Value: 300, Sign: 1}},
			want: fixed(300, 0)},
		{name: "receptor_exc_kept", srcN: 1, proj: kernel.ProjectionSpec{Receptor: "exc", Weights: synapsesConst(-300)},
			want: fixed(-300, 0), troughMV: -71.6050, troughAtMs: 6},
		{name: "receptor_inh_kept", srcSign: 1, srcN: 1, proj: kernel.ProjectionSpec{Receptor: "inh", Weights: synapsesConst(300)},
			want: fixed(0, 300)},
		{name: "equal_tau_source_sign_picks", srcN: 1, tauIn: tauEx, proj: kernel.ProjectionSpec{Weights: synapsesConst(-300)},
			want: fixed(-300, 0)},
		{name: "normal_all_negative", srcN: 1, proj: kernel.ProjectionSpec{Weights: synapsesNormal(-300, 1)}, want: bySign},
		{name: "list_mixed", srcN: 2, proj: listProj([]float64{-300, 200}, 1), want: bySign, wantMixed: true},
		{name: "list_mixed_delay0", srcN: 2, proj: listProj([]float64{-300, 200}, 0), want: bySign, wantMixed: true, arrivalMs: 1},
		{name: "list_mixed_delays", srcN: 2, proj: func() kernel.ProjectionSpec {
			p := listProj([]float64{-300, 200}, 1)
			p.DelayListMs = []float64{1, 1}
			return p
		}(), want: bySign, wantMixed: true},
		{name: "list_mixed_precise", srcN: 2, precise: true, proj: listProj([]float64{-300, 200}, 1), want: bySign, wantMixed: true},
		{name: "uniform_mixed_3_workers", srcN: 40, workers: 3, proj: kernel.ProjectionSpec{
			Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapses.Weights{Dist: "uniform", Low: -30, High: 20}}, want: bySign, wantMixed: true},
		{name: "uniform_mixed_precise_stp", srcN: 40, precise: true, proj: kernel.ProjectionSpec{
			Rule: synapses.Rule{Kind: "all_to_all"}, Weights: synapses.Weights{Dist: "uniform", Low: -30, High: 20},
			ShortTerm: synapses.ShortTerm{Kind: "tsodyks2", U: 1, TauRecMs: 100, TauFacMs: 0}}, want: bySign, wantMixed: true},
		{name: "spike_source_device", dev: &kernel.DeviceSpec{Kind: "spike_source", SpikeTimesMs: []float64{1}, Weight: -300},
			want: fixed(0, -300), arrivalMs: 1},
		{name: "spike_source_device_precise", precise: true, dev: &kernel.DeviceSpec{Kind: "spike_source", SpikeTimesMs: []float64{1}, Weight: -300},
			want: fixed(0, -300), arrivalMs: 1},
		{name: "spike_source_device_exc_kept", dev: &kernel.DeviceSpec{Kind: "spike_source", Receptor: "exc", SpikeTimesMs: []float64{1}, Weight: -300},
			want: fixed(-300, 0), arrivalMs: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ti := tc.tauIn
			if ti == 0 {
				ti = tauIn
			}
			params := map[string]float64{"tau_syn_ex_ms": tauEx, "tau_syn_in_ms": ti, "v_th_mv": 1e6}
			spec := kernel.Spec{Seed: 3, Precise: tc.precise, Workers: tc.workers,
				Populations: []kernel.PopulationSpec{{Name: "N", N: 1, Model: "lif_exp", Params: params}},
				Recorders: []kernel.RecorderSpec{
					{Name: "V", Kind: "state", Population: "N"},
					{Name: "Ie", Kind: "state", Population: "N", Variable: "Ie"},
					{Name: "Ii", Kind: "state", Population: "N", Variable: "Ii"}},
			}
			if tc.dev != nil {
				d := *tc.dev
				d.Target = "N"
				spec.Devices = append(spec.Devices, d)
			} else {
				spec.Populations = append(spec.Populations, kernel.PopulationSpec{Name: "S", N: tc.srcN, Model: "lif_delta", Sign: tc.srcSign})
				spec.Devices = append(spec.Devices, kernel.DeviceSpec{Kind: "spike_source", Target: "S", SpikeTimesMs: []float64{1}, Weight: 100})
				p := tc.proj
				p.Source, p.Target = "S", "N"
				if p.Rule.Kind == "" {
					p.Rule = synapses.Rule{Kind: "all_to_all"}
				}
				if p.Rule.Kind != "list" {
					p.DelayMs = 1
				}
				spec.Projections = append(spec.Projections, p)
			}
			net, err := kernel.New(spec)
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			if err := net.Run(40); err != nil {
				t.Fatal(err)
			}
			r := tc.want(net)
			arrival := tc.arrivalMs
			if arrival == 0 {
				arrival = 2
			}
			v, ie, ii := net.Recorder("V").Frames(), net.Recorder("Ie").Frames().Data, net.Recorder("Ii").Frames().Data
			var worst, vmin, tmin float64
			vmin = math.Inf(1)
			for k, tm := range v.TimesMs {
				want := eL + pscPSP(r.exc, c, tauM, tauEx, tm-arrival) + pscPSP(r.inh, c, tauM, ti, tm-arrival)
				worst = max(worst, math.Abs(float64(v.Data[k])-want))
				if float64(v.Data[k]) < vmin {
					vmin, tmin = float64(v.Data[k]), tm
				}
				if (r.exc == 0 && ie[k] != 0) || (r.inh == 0 && ii[k] != 0) {
					t.Fatalf("t = %g ms: Ie = %g, Ii = %g pA; want weights %+v (exc, inh)", tm, ie[k], ii[k], r)
				}
			}
			if worst > 2e-3 {
				t.Errorf("V differs from the exact response to weights %+v pA (exc, inh) by up to %.3g mV", r, worst)
			}
			if tc.troughAtMs != 0 && (math.Abs(vmin-tc.troughMV) > 1e-3 || math.Abs(tmin-tc.troughAtMs) > 1e-9) {
				t.Errorf("trough %.4f mV at %g ms, want %.4f mV at %g ms", vmin, tmin, tc.troughMV, tc.troughAtMs)
			}
			if tc.wantMixed && (r.exc <= 0 || r.inh >= 0) {
				t.Fatalf("the case's weights %+v should have both signs", r)
			}
		})
	}
}

// recepRoute is the weights (pA) expected on each receptor.
type recepRoute struct{ exc, inh float64 }

// fixed returns a want function of fixed weights per receptor.
func fixed(exc, inh float64) func(*kernel.Network) recepRoute {
	return func(*kernel.Network) recepRoute { return recepRoute{exc, inh} }
}

// bySign sums the built weights of projection 0 by sign (NEST's routing:
// negative ones on inh).
func bySign(net *kernel.Network) (r recepRoute) {
	c := net.Projection(0)
	for k := range c.Len() {
		if w := float64(c.W(uint64(k))); w < 0 {
			r.inh += w
		} else {
			r.exc += w
		}
	}
	return r
}

// listProj is a list projection from sources 0, 1, … onto neuron 0 with
// weights ws and delay delayMs.
func listProj(ws []float64, delayMs float64) kernel.ProjectionSpec {
	p := kernel.ProjectionSpec{Rule: synapses.Rule{Kind: "list"}, WeightList: ws, DelayMs: delayMs}
	for k := range ws {
		p.Sources = append(p.Sources, k)
		p.Targets = append(p.Targets, 0)
	}
	return p
}

// TestNegativePoissonWeightInhReceptor: a poisson device's negative weight
// onto lif_exp with τ_syn_ex ≠ τ_syn_in acts on the inh receptor (NEST's
// routing), in grid and precise mode; receptor = "exc" keeps it on exc.
func TestNegativePoissonWeightInhReceptor(t *testing.T) {
	for _, tc := range []struct {
		name     string
		precise  bool
		receptor string
		onInh    bool
	}{
		{"grid", false, "", true},
		{"precise", true, "", true},
		{"exc_kept", false, "exc", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := kernel.Spec{Seed: 5, Precise: tc.precise,
				Populations: []kernel.PopulationSpec{{Name: "N", N: 4, Params: map[string]float64{"tau_syn_ex_ms": 2, "tau_syn_in_ms": 10}}},
				Devices:     []kernel.DeviceSpec{{Kind: "poisson", Target: "N", RateHz: 2000, Weight: -10, Receptor: tc.receptor}},
				Recorders: []kernel.RecorderSpec{
					{Name: "Ie", Kind: "state", Population: "N", Variable: "Ie"},
					{Name: "Ii", Kind: "state", Population: "N", Variable: "Ii"}},
			}
			net, err := kernel.New(spec)
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			if err := net.Run(50); err != nil {
				t.Fatal(err)
			}
			sum := func(name string) (s float64) {
				for _, x := range net.Recorder(name).Frames().Data {
					s += float64(x)
				}
				return s
			}
			ie, ii := sum("Ie"), sum("Ii")
			if tc.onInh && (ie != 0 || ii >= 0) || !tc.onInh && (ii != 0 || ie >= 0) {
				t.Fatalf("summed Ie %g, Ii %g pA: want the input on %s only", ie, ii, map[bool]string{true: "inh", false: "exc"}[tc.onInh])
			}
		})
	}
}
