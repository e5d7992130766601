//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"context"
	"math"

	"github.com/neurodyn/neurodyn/analysis"
	"github.com/neurodyn/neurodyn/synapses"
	"github.com/neurodyn/neurodyn/tasks"
)

// A token is a handle whose only use is to be cancelled: the analyses of
// arrays belong to no object, so their _cancellable variants take one, and
// neurodyn_cancel(token) from another thread stops them.

//export neurodyn_token_new
func neurodyn_token_new(out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_token_new"
	defer guard(fn, &rc)
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	*out = newHandle("token", struct{}{}, nil)
	return statusOK
}

// analysisCall is a call of an analysis that neurodyn_cancel(token) stops,
// or, with token 0 (the variants without a token), one that nothing stops.
type analysisCall struct {
	c  call
	ok bool // a token was given
}

// beginAnalysis begins a call with token (0: none). The token is not
// locked: calls on one token may run at once, and one neurodyn_cancel
// stops them all.
func beginAnalysis(token C.neurodyn_handle) (analysisCall, error) {
	if token == 0 {
		return analysisCall{}, nil
	}
	o, err := resolve(token, "token")
	if err != nil {
		return analysisCall{}, err
	}
	if err := o.checkKind(token, "token", []string{"token"}); err != nil {
		return analysisCall{}, err
	}
	c := call{o, o.cancelGen.Load()}
	o.mu.Lock()
	err = o.check(token, "token", []string{"token"})
	o.mu.Unlock()
	if err != nil {
		return analysisCall{}, err
	}
	return analysisCall{c, true}, nil
}

// run calls f with a context that neurodyn_cancel(token) cancels (with no
// token, one never cancelled); a cancelled f is NEURODYN_ERR_CANCELLED
// saying that nothing was returned and where f stopped.
func (a analysisCall) run(f func(ctx context.Context) error) error {
	if !a.ok {
		return f(context.Background())
	}
	return a.c.run(func() string { return "nothing was returned (the outputs are untouched)" }, f)
}

//export neurodyn_metrics
func neurodyn_metrics(pred, truth *C.nd_cdouble, samples, dim C.int64_t, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_metrics"
	defer guard(fn, &rc)
	p, d, err := series("pred", pred, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	t, _, err := series("truth", truth, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float64]("out", out, outLen, metricsLen(d))
	if err != nil {
		return fail(fn, err)
	}
	m, err := analysis.Evaluate(p, t, d)
	if err != nil {
		return fail(fn, err)
	}
	putMetrics(dst, m)
	return statusOK
}

type baselineJSON struct {
	Name    string           `json:"name"`
	Params  string           `json:"params"`
	Metrics analysis.Metrics `json:"metrics"`
}

//export neurodyn_baselines
func neurodyn_baselines(dataset C.neurodyn_handle, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_baselines"
	defer guard(fn, &rc)
	return baselines(fn, 0, dataset, config, result)
}

//export neurodyn_baselines_cancellable
func neurodyn_baselines_cancellable(token, dataset C.neurodyn_handle, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_baselines_cancellable"
	defer guard(fn, &rc)
	return baselines(fn, token, dataset, config, result)
}

func baselines(fn string, token, dataset C.neurodyn_handle, config *C.nd_cchar, result **C.char) C.int {
	ac, err := beginAnalysis(token)
	if err != nil {
		return fail(fn, err)
	}
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	d, err := getDataset(dataset, "dataset")
	if err != nil {
		return fail(fn, err)
	}
	var c analysis.BaselineConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	var rows []analysis.BaselineRow
	err = ac.run(func(ctx context.Context) (err error) {
		rows, err = analysis.BaselineTableContext(ctx, d, c)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	out := make([]baselineJSON, len(rows))
	for i, r := range rows {
		out[i] = baselineJSON{r.Name, r.Params, r.Metrics}
	}
	return putResult(fn, encodeJSON(out), result)
}

// maxLorenzSpan bounds the time neurodyn_lorenz_integrate integrates over.
const maxLorenzSpan = 1e7

//export neurodyn_lorenz_integrate
func neurodyn_lorenz_integrate(x0 *C.nd_cdouble, sigma, rho, beta, dt, transient C.double, samples C.int64_t,
	out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_lorenz_integrate"
	defer guard(fn, &rc)
	y0, err := inSlice[float64]("x0", x0, 3)
	if err != nil {
		return fail(fn, err)
	}
	if err := checkFinite64("x0", y0); err != nil {
		return fail(fn, err)
	}
	var sys tasks.Lorenz
	for _, p := range []struct {
		name string
		v    C.double
		dst  *float64
	}{{"sigma", sigma, &sys.Sigma}, {"rho", rho, &sys.Rho}, {"beta", beta, &sys.Beta}} {
		if math.IsNaN(float64(p.v)) {
			continue // the classic value
		}
		if *p.dst, err = finite(p.name, p.v); err != nil {
			return fail(fn, err)
		}
	}
	if sys.Sigma == 0 {
		sys.Sigma = 10
	}
	if sys.Rho == 0 {
		sys.Rho = 28
	}
	if sys.Beta == 0 {
		sys.Beta = 8.0 / 3
	}
	h, err := finite("dt", dt)
	if err != nil || h <= 0 {
		return fail(fn, errorf(statusInvalid, "dt = %v: must be finite and > 0", float64(dt)))
	}
	tr, err := finite("transient", transient)
	if err != nil || tr < 0 {
		return fail(fn, errorf(statusInvalid, "transient = %v: must be finite and >= 0", float64(transient)))
	}
	n, err := positive("samples", samples)
	if err != nil {
		return fail(fn, err)
	}
	total, err := product("out", n, 3)
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float64]("out", out, outLen, total)
	if err != nil {
		return fail(fn, err)
	}
	// The adaptive solver takes steps of about 0.001-0.01 time units: refuse
	// spans it could not finish.
	if span := tr + float64(n)*h; span > maxLorenzSpan {
		return fail(fn, errorf(statusInvalid, "transient + samples*dt = %g time units: must be <= %g", span, float64(maxLorenzSpan)))
	}
	x, err := analysis.SampleFlow(analysis.Lorenz63{Lorenz: sys}, y0, h, n, tr)
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, x)
	return statusOK
}

// embedRows is the number of rows of a delay embedding.
func embedRows(samples, m, tau int) int {
	if r := samples - (m-1)*tau; r > 0 {
		return r
	}
	return 0
}

//export neurodyn_delay_embed_rows
func neurodyn_delay_embed_rows(samples, m, tau C.int64_t, rows *C.int64_t) (rc C.int) {
	const fn = "neurodyn_delay_embed_rows"
	defer guard(fn, &rc)
	n, err := count("samples", samples)
	if err != nil {
		return fail(fn, err)
	}
	mm, err := positive("m", m)
	if err != nil {
		return fail(fn, err)
	}
	t, err := positive("tau", tau)
	if err != nil {
		return fail(fn, err)
	}
	if rows == nil {
		return fail(fn, errorf(statusNull, "rows is NULL"))
	}
	if _, err := product("m*tau", mm, t); err != nil {
		return fail(fn, err)
	}
	*rows = C.int64_t(embedRows(n, mm, t))
	return statusOK
}

//export neurodyn_delay_embed
func neurodyn_delay_embed(x *C.nd_cdouble, samples, dim, m, tau C.int64_t, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_delay_embed"
	defer guard(fn, &rc)
	v, d, err := series("x", x, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	mm, err := positive("m", m)
	if err != nil {
		return fail(fn, err)
	}
	t, err := positive("tau", tau)
	if err != nil {
		return fail(fn, err)
	}
	if _, err := product("m*tau", mm, t); err != nil {
		return fail(fn, err)
	}
	need, err := product("out", embedRows(int(samples), mm, t), mm, d)
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float64]("out", out, outLen, need)
	if err != nil {
		return fail(fn, err)
	}
	e, err := analysis.DelayEmbed(v, d, mm, t)
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, e)
	return statusOK
}

//export neurodyn_mutual_information
func neurodyn_mutual_information(x *C.nd_cdouble, n, maxLag, bins C.int64_t, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_mutual_information"
	defer guard(fn, &rc)
	return mutualInformation(fn, 0, x, n, maxLag, bins, out, outLen)
}

//export neurodyn_mutual_information_cancellable
func neurodyn_mutual_information_cancellable(token C.neurodyn_handle, x *C.nd_cdouble, n, maxLag, bins C.int64_t, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_mutual_information_cancellable"
	defer guard(fn, &rc)
	return mutualInformation(fn, token, x, n, maxLag, bins, out, outLen)
}

func mutualInformation(fn string, token C.neurodyn_handle, x *C.nd_cdouble, n, maxLag, bins C.int64_t, out *C.double, outLen C.int64_t) C.int {
	ac, err := beginAnalysis(token)
	if err != nil {
		return fail(fn, err)
	}
	v, _, err := seriesRows("x", x, "n", n, 1)
	if err != nil {
		return fail(fn, err)
	}
	lag, err := count("max_lag", maxLag)
	if err != nil {
		return fail(fn, err)
	}
	if lag >= len(v) {
		return fail(fn, errorf(statusInvalid, "max_lag = %d: must be < n = %d", lag, len(v)))
	}
	b, err := count("bins", bins)
	if err != nil {
		return fail(fn, err)
	}
	if b > 4096 {
		return fail(fn, errorf(statusInvalid, "bins = %d: must be in [0, 4096] (the joint histogram has bins^2 cells)", b))
	}
	dst, err := outSlice[float64]("out", out, outLen, lag+1)
	if err != nil {
		return fail(fn, err)
	}
	var mi []float64
	err = ac.run(func(ctx context.Context) (err error) {
		mi, err = analysis.MutualInformationContext(ctx, v, lag, b)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, mi)
	return statusOK
}

//export neurodyn_auto_lag
func neurodyn_auto_lag(x *C.nd_cdouble, n C.int64_t, lag *C.int64_t) (rc C.int) {
	const fn = "neurodyn_auto_lag"
	defer guard(fn, &rc)
	v, _, err := seriesRows("x", x, "n", n, 1)
	if err != nil {
		return fail(fn, err)
	}
	if lag == nil {
		return fail(fn, errorf(statusNull, "lag is NULL"))
	}
	l, err := analysis.AutoLag(v)
	if err != nil {
		return fail(fn, err)
	}
	*lag = C.int64_t(l)
	return statusOK
}

//export neurodyn_false_neighbours
func neurodyn_false_neighbours(x *C.nd_cdouble, n, tau, maxDim, theiler C.int64_t, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_false_neighbours"
	defer guard(fn, &rc)
	return falseNeighbours(fn, 0, x, n, tau, maxDim, theiler, out, outLen)
}

//export neurodyn_false_neighbours_cancellable
func neurodyn_false_neighbours_cancellable(token C.neurodyn_handle, x *C.nd_cdouble, n, tau, maxDim, theiler C.int64_t, out *C.double, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_false_neighbours_cancellable"
	defer guard(fn, &rc)
	return falseNeighbours(fn, token, x, n, tau, maxDim, theiler, out, outLen)
}

func falseNeighbours(fn string, token C.neurodyn_handle, x *C.nd_cdouble, n, tau, maxDim, theiler C.int64_t, out *C.double, outLen C.int64_t) C.int {
	ac, err := beginAnalysis(token)
	if err != nil {
		return fail(fn, err)
	}
	v, _, err := seriesRows("x", x, "n", n, 1)
	if err != nil {
		return fail(fn, err)
	}
	t, err := positive("tau", tau)
	if err != nil {
		return fail(fn, err)
	}
	md, err := positive("max_dim", maxDim)
	if err != nil {
		return fail(fn, err)
	}
	if md > 64 {
		return fail(fn, errorf(statusInvalid, "max_dim = %d: must be in [1, 64]", md))
	}
	th, err := count("theiler", theiler)
	if err != nil {
		return fail(fn, err)
	}
	dst, err := outSlice[float64]("out", out, outLen, md)
	if err != nil {
		return fail(fn, err)
	}
	var f []float64
	err = ac.run(func(ctx context.Context) (err error) {
		f, err = analysis.FalseNeighboursContext(ctx, v, t, md, th)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	copy(dst, f)
	return statusOK
}

//export neurodyn_lyapunov_series
func neurodyn_lyapunov_series(x *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_lyapunov_series"
	defer guard(fn, &rc)
	return lyapunovSeries(fn, 0, x, samples, dim, config, result)
}

//export neurodyn_lyapunov_series_cancellable
func neurodyn_lyapunov_series_cancellable(token C.neurodyn_handle, x *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_lyapunov_series_cancellable"
	defer guard(fn, &rc)
	return lyapunovSeries(fn, token, x, samples, dim, config, result)
}

func lyapunovSeries(fn string, token C.neurodyn_handle, x *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar, result **C.char) C.int {
	ac, err := beginAnalysis(token)
	if err != nil {
		return fail(fn, err)
	}
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	v, d, err := series("x", x, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	var c analysis.RosensteinConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := checkMemory("the divergence curve", float64(max(c.Horizon, 0))*16+float64(max(c.EmbedDim, 1))*float64(len(v))*16); err != nil {
		return fail(fn, err)
	}
	var r *analysis.Rosenstein
	err = ac.run(func(ctx context.Context) (err error) {
		r, err = analysis.LargestFromSeriesContext(ctx, v, d, c)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(r), result)
}

//export neurodyn_correlation_dimension
func neurodyn_correlation_dimension(x *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_correlation_dimension"
	defer guard(fn, &rc)
	return correlationDimension(fn, 0, x, samples, dim, config, result)
}

//export neurodyn_correlation_dimension_cancellable
func neurodyn_correlation_dimension_cancellable(token C.neurodyn_handle, x *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_correlation_dimension_cancellable"
	defer guard(fn, &rc)
	return correlationDimension(fn, token, x, samples, dim, config, result)
}

func correlationDimension(fn string, token C.neurodyn_handle, x *C.nd_cdouble, samples, dim C.int64_t, config *C.nd_cchar, result **C.char) C.int {
	ac, err := beginAnalysis(token)
	if err != nil {
		return fail(fn, err)
	}
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	v, d, err := series("x", x, samples, dim)
	if err != nil {
		return fail(fn, err)
	}
	var c analysis.DimensionConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	if err := checkMemory("the correlation sums", float64(max(c.Radii, 40))*64+float64(max(c.Centers, 0))*16); err != nil {
		return fail(fn, err)
	}
	var r *analysis.Dimension
	err = ac.run(func(ctx context.Context) (err error) {
		r, err = analysis.CorrelationDimensionContext(ctx, v, d, c)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(r), result)
}

//export neurodyn_pulse_lif_lyapunov
func neurodyn_pulse_lif_lyapunov(tauMs, vThMV, vResetMV C.double, vInf, v0 *C.nd_cdouble, n C.int64_t,
	sources, targets *C.nd_cint64, weights *C.nd_cdouble, nsyn C.int64_t, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_pulse_lif_lyapunov"
	defer guard(fn, &rc)
	return pulseLIFLyapunov(fn, 0, tauMs, vThMV, vResetMV, vInf, v0, n, sources, targets, weights, nsyn, config, result)
}

//export neurodyn_pulse_lif_lyapunov_cancellable
func neurodyn_pulse_lif_lyapunov_cancellable(token C.neurodyn_handle, tauMs, vThMV, vResetMV C.double, vInf, v0 *C.nd_cdouble, n C.int64_t,
	sources, targets *C.nd_cint64, weights *C.nd_cdouble, nsyn C.int64_t, config *C.nd_cchar, result **C.char) (rc C.int) {
	const fn = "neurodyn_pulse_lif_lyapunov_cancellable"
	defer guard(fn, &rc)
	return pulseLIFLyapunov(fn, token, tauMs, vThMV, vResetMV, vInf, v0, n, sources, targets, weights, nsyn, config, result)
}

func pulseLIFLyapunov(fn string, token C.neurodyn_handle, tauMs, vThMV, vResetMV C.double, vInf, v0 *C.nd_cdouble, n C.int64_t,
	sources, targets *C.nd_cint64, weights *C.nd_cdouble, nsyn C.int64_t, config *C.nd_cchar, result **C.char) C.int {
	ac, err := beginAnalysis(token)
	if err != nil {
		return fail(fn, err)
	}
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	nn, err := positive("n", n)
	if err != nil {
		return fail(fn, err)
	}
	if nn > math.MaxInt32 {
		return fail(fn, errorf(statusInvalid, "n = %d: must be at most %d", nn, math.MaxInt32))
	}
	ns, err := count("synapses", nsyn)
	if err != nil {
		return fail(fn, err)
	}
	var c analysis.PulseLIFConfig
	if err := decodeConfig("config", optString(config), &c); err != nil {
		return fail(fn, err)
	}
	tau, err := finite("tau_ms", tauMs)
	if err != nil {
		return fail(fn, err)
	}
	if !(tau > 0) {
		return fail(fn, errorf(statusInvalid, "tau_ms = %v: must be > 0", tau))
	}
	vth, err := finite("v_th_mv", vThMV)
	if err != nil {
		return fail(fn, err)
	}
	vr, err := finite("v_reset_mv", vResetMV)
	if err != nil {
		return fail(fn, err)
	}
	if !(vr < vth) {
		return fail(fn, errorf(statusInvalid, "v_reset_mv = %v: must be < v_th_mv (%v)", vr, vth))
	}
	if err := checkMemory("the network and its tangent vectors", analysis.PulseLIFBytes(nn, ns, tau, c)); err != nil {
		return fail(fn, err)
	}
	vi, err := inSlice[float64]("v_inf_mv", vInf, nn)
	if err != nil {
		return fail(fn, err)
	}
	vz, err := inSlice[float64]("v0_mv", v0, nn)
	if err != nil {
		return fail(fn, err)
	}
	src, err := inSlice[int64]("sources", sources, ns)
	if err != nil {
		return fail(fn, err)
	}
	tgt, err := inSlice[int64]("targets", targets, ns)
	if err != nil {
		return fail(fn, err)
	}
	w, err := inSlice[float64]("weights_mv", weights, ns)
	if err != nil {
		return fail(fn, err)
	}
	for i := range nn {
		if math.IsNaN(vi[i]) || math.IsInf(vi[i], 0) {
			return fail(fn, errorf(statusInvalid, "v_inf_mv[%d] = %v: must be finite", i, vi[i]))
		}
		if !(vz[i] < vth) || math.IsInf(vz[i], 0) {
			return fail(fn, errorf(statusInvalid, "v0_mv[%d] = %v: must be finite and < v_th_mv (%v)", i, vz[i], vth))
		}
	}
	s, t, w32 := make([]int, ns), make([]int, ns), make([]float32, ns)
	for i := range ns {
		if src[i] < 0 || src[i] >= int64(nn) {
			return fail(fn, errorf(statusInvalid, "sources[%d] = %d: must be in [0, %d)", i, src[i], nn))
		}
		if tgt[i] < 0 || tgt[i] >= int64(nn) {
			return fail(fn, errorf(statusInvalid, "targets[%d] = %d: must be in [0, %d)", i, tgt[i], nn))
		}
		if x := w[i]; !(x <= 0) || math.IsInf(x, 0) || x < -math.MaxFloat32 {
			return fail(fn, errorf(statusInvalid, "weights_mv[%d] = %v: must be finite and <= 0 (inhibitory pulses)", i, x))
		}
		s[i], t[i], w32[i] = int(src[i]), int(tgt[i]), float32(w[i])
	}
	conn, err := synapses.FromList(nn, nn, s, t, w32, 0, nil, 0)
	if err != nil {
		return fail(fn, err)
	}
	p := &analysis.PulseLIF{TauMs: tau, VThMV: vth, VResetMV: vr,
		VInfMV: vi, V0MV: vz, Conn: conn}
	var r *analysis.PulseLIFSpectrum
	err = ac.run(func(ctx context.Context) (err error) {
		r, err = analysis.PulseLIFLyapunovContext(ctx, p, c)
		return err
	})
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(r), result)
}

//export neurodyn_spike_stats
func neurodyn_spike_stats(timesMs *C.nd_cdouble, ids *C.nd_cuint32, spikes, neurons C.int64_t, t0, t1, binMs C.double,
	seed C.uint64_t, result **C.char) (rc C.int) {
	const fn = "neurodyn_spike_stats"
	defer guard(fn, &rc)
	if result == nil {
		return fail(fn, errorf(statusNull, "result is NULL"))
	}
	k, err := count("spikes", spikes)
	if err != nil {
		return fail(fn, err)
	}
	n, err := positive("neurons", neurons)
	if err != nil {
		return fail(fn, err)
	}
	if err := checkMemory("the spike trains", float64(n)*64+float64(k)*16); err != nil {
		return fail(fn, err)
	}
	t, err := inSlice[float64]("times_ms", timesMs, k)
	if err != nil {
		return fail(fn, err)
	}
	id, err := inSlice[uint32]("ids", ids, k)
	if err != nil {
		return fail(fn, err)
	}
	a, err := finite("t0", t0)
	if err != nil {
		return fail(fn, err)
	}
	b, err := finite("t1", t1)
	if err != nil {
		return fail(fn, err)
	}
	bin, err := finite("bin_ms", binMs)
	if err != nil || bin <= 0 {
		return fail(fn, errorf(statusInvalid, "bin_ms = %v: must be finite and > 0", float64(binMs)))
	}
	if (b-a)/bin > maxElems {
		return fail(fn, errorf(statusInvalid, "(t1 - t0)/bin_ms = %g bins: must be <= 2^40", (b-a)/bin))
	}
	if err := checkMemory("the binned counts", (b-a)/bin*8*4); err != nil {
		return fail(fn, err)
	}
	st, err := analysis.NewSpikeTrains(t, id, n, a, b)
	if err != nil {
		return fail(fn, err)
	}
	sum, err := st.Summary(bin, uint64(seed))
	if err != nil {
		return fail(fn, err)
	}
	return putResult(fn, encodeJSON(sum), result)
}
