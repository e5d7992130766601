//go:build cgo

package main

/*
#include "cgo_types.h"
*/
import "C"

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/internal/strictdec"
	"github.com/neurodyn/neurodyn/internal/timegrid"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

// netObj is a spiking network with the spec it was built from and its
// SONATA streams.
type netObj struct {
	net     *kernel.Network
	spec    kernel.Spec
	stream  *export.SpikeWriter
	started bool // Run was called at least once
	closed  bool // the streams were closed: the network cannot run on
	// memFromMs holds, by spikes recorder, the start of the interval its
	// memory covers, (start, now]: 0, or the time of its last clear or of a
	// restore while it was empty; NaN after a restore onto recorded spikes
	// (before and after). write_spikes records an interval when all agree.
	memFromMs map[string]float64
	// streamFromMs is the start of the stream's interval: the time it was
	// attached, or of a restore before the first run; NaN after a restore
	// once it holds spikes.
	streamFromMs float64
	// chunk sizes the pieces neurodyn_network_run runs between checks for
	// a cancellation.
	chunk chunker
}

// memInterval returns the interval every spikes recorder's memory covers,
// ok = false when they differ.
func (n *netObj) memInterval() (from float64, ok bool) {
	first := true
	for _, r := range n.net.Recorders() {
		if r.Kind() != "spikes" {
			continue
		}
		f := n.memFromMs[r.Name()] // absent: 0, since the network was built
		if math.IsNaN(f) || !first && f != from {
			return 0, false
		}
		from, first = f, false
	}
	return from, !first
}

// setMemFrom records that recorder r's memory starts now (all when r is nil).
func (n *netObj) setMemFrom(r *kernel.Recorder, ms float64) {
	if n.memFromMs == nil {
		n.memFromMs = map[string]float64{}
	}
	for _, x := range n.net.Recorders() {
		if x.Kind() == "spikes" && (r == nil || x == r) {
			n.memFromMs[x.Name()] = ms
		}
	}
}

// closeStream finishes the spike stream with the interval it covers (none
// when a restore mixed two).
func (n *netObj) closeStream() error {
	w := n.stream
	n.stream = nil
	var err error
	if !math.IsNaN(n.streamFromMs) {
		err = w.SetInterval(n.streamFromMs, n.net.TimeMs())
	}
	return errors.Join(err, w.Close())
}

func (n *netObj) close() error {
	var err error
	if n.stream != nil {
		err = n.closeStream()
	}
	return errors.Join(err, n.net.Close())
}

//export neurodyn_presets
func neurodyn_presets(buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_presets"
	defer guard(fn, &rc)
	return putString(fn, encodeJSON(kernel.Presets()), buf, bufLen, needed)
}

func presetSpec(name, options *C.nd_cchar) (kernel.Spec, error) {
	n, err := cstring("name", name)
	if err != nil {
		return kernel.Spec{}, err
	}
	var o kernel.PresetOptions
	if err := decodeConfig("options", optString(options), &o); err != nil {
		return kernel.Spec{}, err
	}
	// kernel.PresetOptions' zeros mean the preset's defaults: an explicit 0
	// (n = 0 building the 12,500 neurons of brunel, seed 0 running as seed
	// 1) would silently be another value, so it is refused; left out, the
	// option takes the default.
	var given struct {
		N, K, Workers *int
		DtMs          *float64
		Seed          *uint64
	}
	if err := json.Unmarshal([]byte(optString(options)), &given); err == nil {
		switch {
		case given.Seed != nil && *given.Seed == 0:
			return kernel.Spec{}, errorf(statusInvalid, "options: seed = 0: must be ≥ 1 (left out: 1, the presets' default); for a network of seed 0 edit the preset's spec (neurodyn_preset_spec)")
		case given.N != nil && *given.N == 0:
			return kernel.Spec{}, errorf(statusInvalid, "options: N = 0: must be ≥ 1 (left out: the preset's size: cuba, coba, cobahh 4000; brunel, brunel_alpha 12500; vogels 10000; scale 1000000; izhikevich2003 1000)")
		case given.K != nil && *given.K == 0:
			return kernel.Spec{}, errorf(statusInvalid, "options: K = 0: must be ≥ 1 (left out: the preset's synapses per neuron: cuba, coba, cobahh 80; vogels 200; scale 100)")
		case given.DtMs != nil && *given.DtMs == 0:
			return kernel.Spec{}, errorf(statusInvalid, "options: DtMs = 0: must be > 0 (left out: 0.1 ms; izhikevich2003 1 ms)")
		case given.Workers != nil && *given.Workers == 0:
			return kernel.Spec{}, errorf(statusInvalid, "options: Workers = 0: must be ≥ 1 (left out: 1)")
		}
	}
	// kernel.Preset validates the spec, which allocates per neuron: refuse
	// sizes that cannot fit before calling it.
	if err := checkMemory("the preset network", float64(o.N)*64); err != nil {
		return kernel.Spec{}, err
	}
	return kernel.Preset(n, o)
}

//export neurodyn_preset_spec
func neurodyn_preset_spec(name, options *C.nd_cchar, buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_preset_spec"
	defer guard(fn, &rc)
	s, err := presetSpec(name, options)
	if err != nil {
		return fail(fn, err)
	}
	var b bytes.Buffer
	if err := kernel.EncodeTOML(&b, s); err != nil {
		return fail(fn, err)
	}
	return putString(fn, b.String(), buf, bufLen, needed)
}

func newNetwork(fn string, s kernel.Spec, out *C.neurodyn_handle) C.int {
	if err := checkMemory("the network", s.EstimateBytes()); err != nil {
		return fail(fn, err)
	}
	net, err := kernel.New(s)
	if err != nil {
		return fail(fn, err)
	}
	n := &netObj{net: net, spec: s}
	*out = newHandle("network", n, n.close)
	return statusOK
}

//export neurodyn_network_new
func neurodyn_network_new(spec, format *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_network_new"
	defer guard(fn, &rc)
	text, err := cstring("spec", spec)
	if err != nil {
		return fail(fn, err)
	}
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	f := optString(format)
	if f == "" {
		f = "toml"
		if strings.HasPrefix(strings.TrimSpace(text), "{") {
			f = "json"
		}
	}
	// Building validates the spec, and validation allocates per neuron (and
	// reads edges files): estimate the memory from a plain decode first.
	var raw kernel.Spec
	var s kernel.Spec
	switch f {
	case "toml":
		// strictdec bounds the nesting first (the TOML library's cost
		// grows with every key's depth); its errors come again below.
		if _, err := strictdec.TOML("capi", "spec", text, &raw); err == nil {
			if err := checkMemory("the network", raw.EstimateBytes()); err != nil {
				return fail(fn, err)
			}
		}
		s, err = kernel.DecodeTOML(strings.NewReader(text))
	case "json":
		if err := json.Unmarshal([]byte(text), &raw); err == nil {
			if err := checkMemory("the network", raw.EstimateBytes()); err != nil {
				return fail(fn, err)
			}
		}
		s, err = kernel.DecodeJSON(strings.NewReader(text))
	default:
		return fail(fn, errorf(statusInvalid, "format = %q: must be toml, json or NULL", f))
	}
	if err != nil {
		return fail(fn, invalid(err))
	}
	return newNetwork(fn, s, out)
}

//export neurodyn_network_preset
func neurodyn_network_preset(name, options *C.nd_cchar, out *C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_network_preset"
	defer guard(fn, &rc)
	s, err := presetSpec(name, options)
	if err != nil {
		return fail(fn, err)
	}
	if out == nil {
		return fail(fn, errorf(statusNull, "out is NULL"))
	}
	return newNetwork(fn, s, out)
}

// getNetwork locks the network of h; the caller must `defer o.release()`.
func getNetwork(h C.neurodyn_handle) (*object, *netObj, error) {
	o, err := acquire(h, "h", "network")
	if err != nil {
		return nil, nil, err
	}
	return o, o.v.(*netObj), nil
}

//export neurodyn_network_spec
func neurodyn_network_spec(h C.neurodyn_handle, buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_spec"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	// The step in effect, not 0 for a spec that left it out: the two build
	// the same network and restore each other's checkpoints.
	s := n.spec
	if s.DtMs == 0 {
		s.DtMs = n.net.DtMs()
	}
	var b bytes.Buffer
	if err := kernel.EncodeTOML(&b, s); err != nil {
		return fail(fn, err)
	}
	return putString(fn, b.String(), buf, bufLen, needed)
}

//export neurodyn_network_run
func neurodyn_network_run(h C.neurodyn_handle, durationMs C.double) (rc C.int) {
	const fn = "neurodyn_network_run"
	defer guard(fn, &rc)
	o, c, err := acquireCancellable(h, "h", "network")
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	n := o.v.(*netObj)
	d, err := finite("duration_ms", durationMs)
	if err != nil {
		return fail(fn, err)
	}
	if n.closed {
		return fail(fn, errorf(statusState, "the network's SONATA streams were closed: it cannot run further"))
	}
	total, ok := timegrid.Steps(d, n.net.DtMs())
	if !ok || d < 0 || total > math.MaxInt32 {
		return fail(fn, n.net.Run(d)) // the kernel's error naming duration
	}
	// The frames the recorders will hold at the end, before any piece runs
	// (the kernel checks each piece, too late for the whole).
	if err := n.net.CheckRecorderMemory(int64(total)); err != nil {
		return fail(fn, err)
	}
	n.started = true
	// On a goroutine of its own (offThread: the workers' barriers are slow
	// on the caller's locked thread), in pieces, so that neurodyn_cancel
	// takes effect between them; the result does not depend on how a run is
	// split.
	start := n.net.TimeMs()
	err = offThread(func() error {
		for left := int64(total); left > 0; {
			if c.cancelled() {
				now := n.net.TimeMs()
				return errorf(statusCancelled, "cancelled (neurodyn_cancel) after %.10g of the %g ms asked: the network has advanced to t = %.10g ms (what a run of %.10g ms would give) and a later run goes on from there", now-start, d, now, now-start)
			}
			k := n.chunk.next(left)
			if k < n.chunk.steps { // the last piece: its time says little
				return n.net.RunSteps(k)
			}
			t0 := time.Now()
			if err := n.net.RunSteps(k); err != nil {
				return err
			}
			n.chunk.took(time.Since(t0))
			left -= k
		}
		return nil
	})
	if err != nil {
		return fail(fn, err)
	}
	return statusOK
}

//export neurodyn_network_time
func neurodyn_network_time(h C.neurodyn_handle, tMs *C.double, step *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_time"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if tMs == nil && step == nil {
		return fail(fn, errorf(statusNull, "t_ms and step are both NULL"))
	}
	if tMs != nil {
		*tMs = C.double(n.net.TimeMs())
	}
	if step != nil {
		*step = C.int64_t(n.net.Step())
	}
	return statusOK
}

//export neurodyn_network_stats
func neurodyn_network_stats(h C.neurodyn_handle, out *C.int64_t, outLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_stats"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if outLen < 0 || outLen > 6 {
		return fail(fn, errorf(statusInvalid, "len = %d: must be in [0, 6]", int64(outLen)))
	}
	dst, err := outSlice[int64]("out", out, outLen, int(outLen))
	if err != nil {
		return fail(fn, err)
	}
	st := n.net.Stats()
	all := []int64{st.Steps, st.Spikes, st.SynEvents, st.Synapses, st.SynBytes, st.BuildTime.Nanoseconds()}
	copy(dst, all)
	return statusOK
}

// projection returns the connectivity of projection p (spec order), or an
// error naming arg and the allowed range.
func (n *netObj) projection(arg string, p C.int32_t) (*synapses.CSR, error) {
	np := len(n.spec.Projections)
	if p < 0 || int(p) >= np {
		if np == 0 {
			return nil, errorf(statusInvalid, "%s = %d: must be in [0, 0): the network has no projections", arg, int32(p))
		}
		return nil, errorf(statusInvalid, "%s = %d: must be in [0, %d) (the spec's projections, in order)", arg, int32(p), np)
	}
	return n.net.Projection(int(p)), nil
}

// synapseArrays returns projection p's connectivity and the length n of
// the caller's per-synapse arrays, which must be its synapse count exactly:
// a stale count (another projection's, or another network's) is an error,
// never a partial copy (a smaller n NEURODYN_ERR_BUFFER, a larger one
// NEURODYN_ERR_INVALID).
func (n *netObj) synapseArrays(p C.int32_t, cnt C.int64_t) (*synapses.CSR, int, error) {
	c, err := n.projection("projection", p)
	if err != nil {
		return nil, 0, err
	}
	k, err := count("n", cnt)
	if err != nil {
		return nil, 0, err
	}
	if k != c.Len() {
		code := C.int(statusInvalid)
		if k < c.Len() {
			code = statusBuffer
		}
		return nil, 0, errorf(code, "n = %d: must equal the %d synapses of projection %d (neurodyn_network_synapse_count)",
			k, c.Len(), int32(p))
	}
	return c, k, nil
}

//export neurodyn_network_synapse_count
func neurodyn_network_synapse_count(h C.neurodyn_handle, projection C.int32_t, cnt *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_synapse_count"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	c, err := n.projection("projection", projection)
	if err != nil {
		return fail(fn, err)
	}
	if cnt == nil {
		return fail(fn, errorf(statusNull, "count is NULL"))
	}
	*cnt = C.int64_t(c.Len())
	return statusOK
}

//export neurodyn_network_synapses
func neurodyn_network_synapses(h C.neurodyn_handle, projection C.int32_t, sources, targets *C.int64_t,
	weights *C.float, delaysMs *C.double, n C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_synapses"
	defer guard(fn, &rc)
	o, nw, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	c, k, err := nw.synapseArrays(projection, n)
	if err != nil {
		return fail(fn, err)
	}
	if k == 0 { // nothing to copy: NULL arrays are fine (malloc(0) may return NULL)
		return statusOK
	}
	if sources == nil && targets == nil && weights == nil && delaysMs == nil {
		return fail(fn, errorf(statusNull, "sources, targets, weights and delays_ms are all NULL"))
	}
	src, err := optOutSlice[int64]("sources", sources, n, k)
	if err != nil {
		return fail(fn, err)
	}
	tgt, err := optOutSlice[int64]("targets", targets, n, k)
	if err != nil {
		return fail(fn, err)
	}
	w, err := optOutSlice[float32]("weights", weights, n, k)
	if err != nil {
		return fail(fn, err)
	}
	d, err := optOutSlice[float64]("delays_ms", delaysMs, n, k)
	if err != nil {
		return fail(fn, err)
	}
	if src != nil {
		for i := range c.NSrc {
			lo, hi := c.Row(i)
			row := src[lo:hi]
			for j := range row {
				row[j] = int64(i)
			}
		}
	}
	for j := range tgt {
		tgt[j] = int64(c.Target[j])
	}
	for j := range w { // as they are now: plasticity changes them while the network runs
		w[j] = c.W(uint64(j))
	}
	dt := nw.net.DtMs()
	for j := range d {
		d[j] = float64(c.D(uint64(j))) * dt
	}
	return statusOK
}

//export neurodyn_network_effective_weights
func neurodyn_network_effective_weights(h C.neurodyn_handle, projection C.int32_t, weights *C.float, n C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_effective_weights"
	defer guard(fn, &rc)
	o, nw, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	_, k, err := nw.synapseArrays(projection, n)
	if err != nil {
		return fail(fn, err)
	}
	if k == 0 {
		return statusOK
	}
	w, err := outSlice[float32]("weights", weights, n, k)
	if err != nil {
		return fail(fn, err)
	}
	// w has capacity k: EffectiveWeights writes into it and allocates nothing.
	nw.net.EffectiveWeights(w, int(projection))
	return statusOK
}

//export neurodyn_network_short_term_state
func neurodyn_network_short_term_state(h C.neurodyn_handle, projection C.int32_t, u, x *C.double, n C.int64_t,
	sources *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_short_term_state"
	defer guard(fn, &rc)
	o, nw, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if _, err := nw.projection("projection", projection); err != nil {
		return fail(fn, err)
	}
	us, xs, err := nw.net.ShortTermState(int(projection))
	if err != nil {
		return fail(fn, err)
	}
	if sources != nil {
		*sources = C.int64_t(len(us))
	}
	k, err := count("n", n)
	if err != nil {
		return fail(fn, err)
	}
	if k == 0 {
		return statusOK
	}
	if k > len(us) {
		return fail(fn, errorf(statusInvalid, "n = %d: must be 0 or the %d source neurons of projection %d", k, len(us), int32(projection)))
	}
	ou, err := outSlice[float64]("u", u, n, len(us))
	if err != nil {
		return fail(fn, err)
	}
	ox, err := outSlice[float64]("x", x, n, len(us))
	if err != nil {
		return fail(fn, err)
	}
	copy(ou, us)
	copy(ox, xs)
	return statusOK
}

// recorderInfo describes a recorder (neurodyn_network_recorders).
type recorderInfo struct {
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Population string  `json:"population"`
	Neurons    []int   `json:"neurons"`
	IntervalMs float64 `json:"interval_ms"`
	Variable   string  `json:"variable"`
	Units      string  `json:"units"`
	// SpikesFromMs, for a spikes recorder whose spikes stay in memory, is
	// the start of the interval they cover, (start, now]: 0, its last clear,
	// or a restore while it was empty; null after a restore onto recorded
	// spikes, and for streamed or other recorders.
	SpikesFromMs *float64 `json:"spikes_from_ms"`
	// NextFrameMs, for a sampled recorder, is the time of its next frame.
	NextFrameMs *float64 `json:"next_frame_ms,omitempty"`
	// Projection and Synapses, for a weights recorder, are the projection's
	// name and the synapses recorded (frame columns); "" and [] for the
	// others (a weights recorder's Neurons are []).
	Projection string `json:"projection"`
	Synapses   []int  `json:"synapses"`
}

// recorders pairs the network's recorders with their specs (spec order).
func (n *netObj) recorderInfo(i int) recorderInfo {
	r, rs := n.net.Recorders()[i], n.spec.Recorders[i]
	info := recorderInfo{Name: r.Name(), Kind: r.Kind(), Population: rs.Population, Neurons: r.Neurons(),
		IntervalMs: r.IntervalMs(n.net.DtMs()), Units: r.Units(), Projection: r.Projection(), Synapses: r.Synapses()}
	if rs.Kind == "state" {
		info.Variable = rs.Variable
		if info.Variable == "" {
			info.Variable = "V"
		}
	}
	if next := n.net.NextFrameMs(r); !math.IsNaN(next) {
		info.NextFrameMs = &next
	}
	if r.Kind() == "spikes" && r.Spikes() != nil {
		from := n.memFromMs[r.Name()] // 0 when never set
		if !math.IsNaN(from) {
			info.SpikesFromMs = &from
		}
	}
	return info
}

// recorder finds a recorder by name and checks its kind ("spikes" or any
// sampled kind for "frames").
func (n *netObj) recorder(arg string, name *C.nd_cchar, want string) (*kernel.Recorder, int, error) {
	s, err := cstring(arg, name)
	if err != nil {
		return nil, 0, err
	}
	var names []string
	for i, r := range n.net.Recorders() {
		if r.Name() != s {
			names = append(names, r.Name())
			continue
		}
		isSpikes := r.Kind() == "spikes"
		if (want == "spikes") != isSpikes {
			return nil, 0, errorf(statusState, "%s = %q is a %s recorder, this call needs a %s recorder", arg, s, r.Kind(), want)
		}
		return r, i, nil
	}
	return nil, 0, errorf(statusInvalid, "%s = %q: no such recorder (the network has %s)", arg, s, strings.Join(names, ", "))
}

//export neurodyn_network_recorders
func neurodyn_network_recorders(h C.neurodyn_handle, buf *C.char, bufLen C.int64_t, needed *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_recorders"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	infos := []recorderInfo{}
	for i := range n.net.Recorders() {
		infos = append(infos, n.recorderInfo(i))
	}
	return putString(fn, encodeJSON(infos), buf, bufLen, needed)
}

func spikeMemory(r *kernel.Recorder) (*kernel.SpikeMemory, error) {
	m := r.Spikes()
	if m == nil {
		return nil, errorf(statusState, "recorder %q streams to a file: its spikes are not kept in memory", r.Name())
	}
	return m, nil
}

//export neurodyn_network_spike_count
func neurodyn_network_spike_count(h C.neurodyn_handle, recorder *C.nd_cchar, cnt *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_spike_count"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	r, _, err := n.recorder("recorder", recorder, "spikes")
	if err != nil {
		return fail(fn, err)
	}
	m, err := spikeMemory(r)
	if err != nil {
		return fail(fn, err)
	}
	if cnt == nil {
		return fail(fn, errorf(statusNull, "count is NULL"))
	}
	*cnt = C.int64_t(len(m.TimesMs))
	return statusOK
}

//export neurodyn_network_spikes
func neurodyn_network_spikes(h C.neurodyn_handle, recorder *C.nd_cchar, offset C.int64_t, timesMs *C.double,
	ids *C.uint32_t, n C.int64_t, copied *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_spikes"
	defer guard(fn, &rc)
	o, nw, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	r, _, err := nw.recorder("recorder", recorder, "spikes")
	if err != nil {
		return fail(fn, err)
	}
	m, err := spikeMemory(r)
	if err != nil {
		return fail(fn, err)
	}
	off, err := count("offset", offset)
	if err != nil {
		return fail(fn, err)
	}
	k, err := count("len", n)
	if err != nil {
		return fail(fn, err)
	}
	if off > len(m.TimesMs) {
		return fail(fn, errorf(statusInvalid, "offset = %d: the recorder holds %d spikes", off, len(m.TimesMs)))
	}
	k = min(k, len(m.TimesMs)-off)
	if timesMs == nil && ids == nil {
		return fail(fn, errorf(statusNull, "times_ms and ids are both NULL"))
	}
	t, err := optOutSlice[float64]("times_ms", timesMs, C.int64_t(k), k)
	if err != nil {
		return fail(fn, err)
	}
	id, err := optOutSlice[uint32]("ids", ids, C.int64_t(k), k)
	if err != nil {
		return fail(fn, err)
	}
	copy(t, m.TimesMs[off:off+k])
	copy(id, m.IDs[off:off+k])
	if copied != nil {
		*copied = C.int64_t(k)
	}
	return statusOK
}

//export neurodyn_network_clear_spikes
func neurodyn_network_clear_spikes(h C.neurodyn_handle, recorder *C.nd_cchar) (rc C.int) {
	const fn = "neurodyn_network_clear_spikes"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	clear := func(r *kernel.Recorder) {
		if m := r.Spikes(); m != nil {
			m.TimesMs, m.IDs = nil, nil
		}
	}
	if recorder == nil {
		for _, r := range n.net.Recorders() {
			clear(r)
		}
		n.setMemFrom(nil, n.net.TimeMs())
		return statusOK
	}
	r, _, err := n.recorder("recorder", recorder, "spikes")
	if err != nil {
		return fail(fn, err)
	}
	clear(r)
	n.setMemFrom(r, n.net.TimeMs())
	return statusOK
}

//export neurodyn_network_clear_frames
func neurodyn_network_clear_frames(h C.neurodyn_handle, recorder *C.nd_cchar) (rc C.int) {
	const fn = "neurodyn_network_clear_frames"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if recorder == nil {
		for _, r := range n.net.Recorders() {
			if m := r.Frames(); m != nil {
				m.TimesMs, m.Data = nil, nil
			}
		}
		return statusOK
	}
	r, _, err := n.recorder("recorder", recorder, "frames")
	if err != nil {
		return fail(fn, err)
	}
	m, err := frameMemory(r)
	if err != nil {
		return fail(fn, err)
	}
	m.TimesMs, m.Data = nil, nil
	return statusOK
}

func frameMemory(r *kernel.Recorder) (*kernel.FrameMemory, error) {
	m := r.Frames()
	if m == nil {
		return nil, errorf(statusState, "recorder %q does not keep its frames in memory", r.Name())
	}
	return m, nil
}

//export neurodyn_network_frame_shape
func neurodyn_network_frame_shape(h C.neurodyn_handle, recorder *C.nd_cchar, frames, width *C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_frame_shape"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	r, _, err := n.recorder("recorder", recorder, "frames")
	if err != nil {
		return fail(fn, err)
	}
	m, err := frameMemory(r)
	if err != nil {
		return fail(fn, err)
	}
	if frames == nil || width == nil {
		return fail(fn, errorf(statusNull, "frames or width is NULL"))
	}
	*frames, *width = C.int64_t(len(m.TimesMs)), C.int64_t(frameWidth(r, m))
	return statusOK
}

// frameWidth is the number of values per frame (one for rate recorders,
// one per synapse for weights recorders).
func frameWidth(r *kernel.Recorder, m *kernel.FrameMemory) int {
	if m.Width > 0 {
		return m.Width
	}
	switch r.Kind() {
	case "rate":
		return 1
	case "weights":
		return len(r.Synapses())
	}
	return len(r.Neurons())
}

//export neurodyn_network_frames
func neurodyn_network_frames(h C.neurodyn_handle, recorder *C.nd_cchar, timesMs *C.double, timesLen C.int64_t,
	values *C.float, valuesLen C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_frames"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	r, _, err := n.recorder("recorder", recorder, "frames")
	if err != nil {
		return fail(fn, err)
	}
	m, err := frameMemory(r)
	if err != nil {
		return fail(fn, err)
	}
	if timesMs == nil && values == nil {
		return fail(fn, errorf(statusNull, "times_ms and values are both NULL"))
	}
	t, err := optOutSlice[float64]("times_ms", timesMs, timesLen, len(m.TimesMs))
	if err != nil {
		return fail(fn, err)
	}
	v, err := optOutSlice[float32]("values", values, valuesLen, len(m.Data))
	if err != nil {
		return fail(fn, err)
	}
	copy(t, m.TimesMs)
	copy(v, m.Data)
	return statusOK
}

//export neurodyn_network_set_series
func neurodyn_network_set_series(h C.neurodyn_handle, device *C.nd_cchar, series *C.nd_cdouble, samples, dim C.int64_t) (rc C.int) {
	const fn = "neurodyn_network_set_series"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	dev, err := cstring("device", device)
	if err != nil {
		return fail(fn, err)
	}
	ns, err := positive("samples", samples)
	if err != nil {
		return fail(fn, err)
	}
	d, err := positive("dim", dim)
	if err != nil {
		return fail(fn, err)
	}
	total, err := product("series", ns, d)
	if err != nil {
		return fail(fn, err)
	}
	if err := checkMemory("the series", float64(total)*8); err != nil {
		return fail(fn, err)
	}
	x, err := inSlice[float64]("series", series, total)
	if err != nil {
		return fail(fn, err)
	}
	if err := checkFinite64("series", x); err != nil {
		return fail(fn, err)
	}
	// The network keeps the series: copy it out of the caller's memory.
	flat := append([]float64(nil), x...)
	rows := make([][]float64, ns)
	for i := range rows {
		rows[i] = flat[i*d : (i+1)*d : (i+1)*d]
	}
	if err := n.net.SetSeries(dev, rows); err != nil {
		// Every row has dim values: a row of the wrong length is dim's fault.
		var pe *param.Error
		if errors.As(err, &pe) && pe.Name == "series[0]" && strings.HasSuffix(pe.Allowed, " values") {
			want := strings.TrimSuffix(pe.Allowed, " values")
			return fail(fn, errorf(statusInvalid, "dim = %d: must be %s, the dimension of time_series device %q", d, want, dev))
		}
		return fail(fn, invalid(err))
	}
	return statusOK
}

//export neurodyn_network_checkpoint
func neurodyn_network_checkpoint(h C.neurodyn_handle, path *C.nd_cchar, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_network_checkpoint"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	ow, err := boolArg("overwrite", overwrite)
	if err != nil {
		return fail(fn, err)
	}
	if err := writeFileAtomic(p, ow, n.net.Checkpoint); err != nil {
		return fail(fn, err)
	}
	return statusOK
}

// writeFileAtomic writes a file through a temporary name (path.partial) and
// then moves it to path, so that path is either the old file or the
// complete new one. Without overwrite an existing path is refused before
// anything is written (an *export.ExistsError), and one that appears
// meanwhile is not replaced (the new data is linked, not renamed, to path).
// A path that is a directory, or whose directory is missing, is refused
// before anything is written.
func writeFileAtomic(path string, overwrite bool, write func(w io.Writer) error) error {
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return &apiError{statusIO, fmt.Sprintf("directory of %s does not exist: create it first", path), fs.ErrNotExist}
	}
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return &apiError{statusIO, fmt.Sprintf("path = %q is a directory", path), fs.ErrExist}
		}
		if !overwrite {
			return &export.ExistsError{Path: path}
		}
	}
	tmp := path + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		return &apiError{statusIO, err.Error(), err}
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if overwrite {
			err = os.Rename(tmp, path)
		} else if err = os.Link(tmp, path); err == nil {
			os.Remove(tmp)
		} else if errors.Is(err, fs.ErrExist) {
			os.Remove(tmp)
			return &export.ExistsError{Path: path, Note: "it appeared while the checkpoint was written"}
		} else if _, serr := os.Lstat(path); serr == nil { // no hard links here: check, then rename
			os.Remove(tmp)
			return &export.ExistsError{Path: path}
		} else {
			err = os.Rename(tmp, path)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return &apiError{statusIO, err.Error(), err}
	}
	return nil
}

//export neurodyn_network_restore
func neurodyn_network_restore(h C.neurodyn_handle, path *C.nd_cchar) (rc C.int) {
	const fn = "neurodyn_network_restore"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	f, err := os.Open(p)
	if err != nil {
		return fail(fn, err)
	}
	defer f.Close()
	// the file itself: Restore verifies its checksum before it changes
	// any state (it reads through its own buffer)
	if err := n.net.Restore(f); err != nil {
		return fail(fn, errorf(statusInvalid, "path = %q: %v", p, err))
	}
	now := n.net.TimeMs()
	for _, r := range n.net.Recorders() {
		if m := r.Spikes(); m != nil {
			if len(m.TimesMs) == 0 {
				n.setMemFrom(r, now)
			} else {
				n.setMemFrom(r, math.NaN()) // spikes from before the restore, and after it
			}
		}
	}
	if n.stream != nil {
		if n.started {
			n.streamFromMs = math.NaN() // the stream holds spikes of the run restored over
		} else {
			n.streamFromMs = now
		}
	}
	return statusOK
}

func sortingArg(s C.int32_t) (export.Sorting, error) {
	switch s {
	case C.NEURODYN_SORT_NONE:
		return export.SortNone, nil
	case C.NEURODYN_SORT_BY_ID:
		return export.SortByID, nil
	case C.NEURODYN_SORT_BY_TIME:
		return export.SortByTime, nil
	}
	return 0, errorf(statusInvalid, "sorting = %d: must be NEURODYN_SORT_NONE (0), _BY_ID (1) or _BY_TIME (2)", int32(s))
}

// spikePopulations names the SONATA population of each spikes recorder as
// the kernel's RecordSONATA does (Network.SpikeReportNames): its
// population. Two spikes recorders of one population are
// NEURODYN_ERR_INVALID: a spike report holds each population once.
func (n *netObj) spikePopulations() (idx []int, names []string, err error) {
	names, err = n.net.SpikeReportNames()
	if err != nil {
		return nil, nil, errorf(statusInvalid, "%v", err)
	}
	for i, r := range n.net.Recorders() {
		if r.Kind() == "spikes" {
			idx = append(idx, i)
		}
	}
	return idx, names, nil
}

//export neurodyn_network_write_spikes
func neurodyn_network_write_spikes(h C.neurodyn_handle, path *C.nd_cchar, sorting, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_network_write_spikes"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	srt, err := sortingArg(sorting)
	if err != nil {
		return fail(fn, err)
	}
	opts, err := fileOptions(overwrite)
	if err != nil {
		return fail(fn, err)
	}
	idx, names, err := n.spikePopulations()
	if err != nil {
		return fail(fn, err)
	}
	if len(idx) == 0 {
		return fail(fn, errorf(statusState, "the network has no spikes recorder"))
	}
	var pops []export.SpikePopulation
	for k, i := range idx {
		m, err := spikeMemory(n.net.Recorders()[i])
		if err != nil {
			return fail(fn, err)
		}
		ids := make([]uint64, len(m.IDs))
		for j, v := range m.IDs {
			ids[j] = uint64(v)
		}
		pops = append(pops, export.SpikePopulation{Name: names[k], TimesMs: m.TimesMs, NodeIDs: ids})
	}
	opts = append(opts, export.WithProvenance(n.net.Provenance()))
	if from, ok := n.memInterval(); ok {
		opts = append(opts, export.RecordedInterval(from, n.net.TimeMs()))
	}
	if err := export.WriteSpikes(p, srt, pops, opts...); err != nil {
		return fail(fn, ioError(err))
	}
	return statusOK
}

//export neurodyn_network_write_frames
func neurodyn_network_write_frames(h C.neurodyn_handle, recorder, path *C.nd_cchar, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_network_write_frames"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	r, _, err := n.recorder("recorder", recorder, "frames")
	if err != nil {
		return fail(fn, err)
	}
	m, err := frameMemory(r)
	if err != nil {
		return fail(fn, err)
	}
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	opts, err := fileOptions(overwrite)
	if err != nil {
		return fail(fn, err)
	}
	// the kernel's layout (RecordSONATA's): node and element ids per column
	fo, err := n.net.FrameOptions(r)
	if err != nil {
		return fail(fn, err)
	}
	rep := export.FrameReport{Population: fo.Population, NodeIDs: fo.NodeIDs, ElementIDs: fo.ElementIDs, StartMs: fo.StartMs,
		DtMs: fo.DtMs, Units: fo.Units, Frames: len(m.TimesMs), Data: m.Data, Aggregate: fo.Aggregate}
	columns := len(fo.NodeIDs)
	if fo.ValuesPerNode != nil {
		rep.IndexPointers = make([]uint64, len(fo.NodeIDs)+1)
		for k, v := range fo.ValuesPerNode {
			rep.IndexPointers[k+1] = rep.IndexPointers[k] + uint64(v)
		}
		columns = int(rep.IndexPointers[len(fo.NodeIDs)])
	}
	if width := frameWidth(r, m); columns != width {
		return fail(fn, errorf(statusInternal, "recorder %q: %d columns mapped for %d values per frame", r.Name(), columns, width))
	}
	if len(m.TimesMs) > 0 { // else the first frame's time to come
		rep.StartMs = m.TimesMs[0]
	}
	opts = append(opts, export.WithProvenance(n.net.Provenance()))
	if err := export.WriteFrameReport(p, rep, opts...); err != nil {
		return fail(fn, ioError(err))
	}
	return statusOK
}

//export neurodyn_network_stream_spikes
func neurodyn_network_stream_spikes(h C.neurodyn_handle, path *C.nd_cchar, sorting, overwrite C.int32_t) (rc C.int) {
	const fn = "neurodyn_network_stream_spikes"
	defer guard(fn, &rc)
	return streamSpikes(fn, h, path, sorting, overwrite, false, 0, 0)
}

//export neurodyn_network_stream_spikes_segmented
func neurodyn_network_stream_spikes_segmented(h C.neurodyn_handle, path *C.nd_cchar, sorting, overwrite C.int32_t,
	segmentRecords C.int64_t, segmentSeconds C.double) (rc C.int) {
	const fn = "neurodyn_network_stream_spikes_segmented"
	defer guard(fn, &rc)
	return streamSpikes(fn, h, path, sorting, overwrite, true, int64(segmentRecords), float64(segmentSeconds))
}

// streamSpikes attaches the spike stream of neurodyn_network_stream_spikes
// (one file) and of its _segmented form (segmented: segments, closed by
// count, wall time and neurodyn_network_cut_streams).
func streamSpikes(fn string, h C.neurodyn_handle, path *C.nd_cchar, sorting, overwrite C.int32_t, segmented bool, segRecords int64, segSeconds float64) C.int {
	if segRecords < 0 {
		return fail(fn, errorf(statusInvalid, "segment_records = %d: must be >= 0 (0: no segments by count)", segRecords))
	}
	if !(segSeconds >= 0) || math.IsInf(segSeconds, 0) || segSeconds > 1e9 {
		return fail(fn, errorf(statusInvalid, "segment_seconds = %v: must be a finite number of seconds in [0, 1e9] (0: no segments by time)", segSeconds))
	}
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	p, err := cstring("path", path)
	if err != nil {
		return fail(fn, err)
	}
	srt, err := sortingArg(sorting)
	if err != nil {
		return fail(fn, err)
	}
	ow, err := boolArg("overwrite", overwrite)
	if err != nil {
		return fail(fn, err)
	}
	if n.started {
		return fail(fn, errorf(statusState, "the network has already run: attach streams before the first neurodyn_network_run"))
	}
	if n.stream != nil {
		return fail(fn, errorf(statusState, "the network already streams its spikes"))
	}
	idx, names, err := n.spikePopulations()
	if err != nil {
		return fail(fn, err)
	}
	if len(idx) == 0 {
		return fail(fn, errorf(statusState, "the network has no spikes recorder"))
	}
	prov := n.net.Provenance()
	w, err := export.NewSpikeWriter(p, srt, names, export.StreamOptions{Overwrite: ow, Provenance: &prov,
		SegmentRecords: segRecords, SegmentInterval: time.Duration(segSeconds * float64(time.Second)), SegmentByCut: segmented})
	if err != nil {
		return fail(fn, ioError(err))
	}
	for k, i := range idx {
		if err := n.net.SetSink(n.net.Recorders()[i].Name(), w.Sink(k)); err != nil {
			w.Abort()
			return fail(fn, fmt.Errorf("attach recorder %q: %w", n.net.Recorders()[i].Name(), err))
		}
	}
	n.stream, n.streamFromMs = w, n.net.TimeMs()
	return statusOK
}

//export neurodyn_network_cut_streams
func neurodyn_network_cut_streams(h C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_network_cut_streams"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if n.stream == nil {
		return fail(fn, errorf(statusState, "the network streams no spikes: attach a stream with neurodyn_network_stream_spikes_segmented"))
	}
	now := n.net.TimeMs()
	from := n.streamFromMs // NaN: a restore mixed two runs' spikes in this segment
	to := now
	if math.IsNaN(from) {
		to = math.NaN()
	}
	if err := n.stream.Cut(from, to); err != nil {
		if errors.Is(err, export.ErrCutUnsegmented) {
			return fail(fn, errorf(statusState, "the spike stream was attached with neurodyn_network_stream_spikes, which writes one file: attach it with neurodyn_network_stream_spikes_segmented to cut it"))
		}
		return fail(fn, ioError(err))
	}
	n.streamFromMs = now // the next segment starts now
	return statusOK
}

//export neurodyn_network_close_streams
func neurodyn_network_close_streams(h C.neurodyn_handle) (rc C.int) {
	const fn = "neurodyn_network_close_streams"
	defer guard(fn, &rc)
	o, n, err := getNetwork(h)
	if err != nil {
		return fail(fn, err)
	}
	defer o.release()
	if n.stream == nil {
		return statusOK
	}
	n.closed = true
	if err := n.closeStream(); err != nil {
		return fail(fn, ioError(err))
	}
	return statusOK
}
