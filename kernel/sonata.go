package kernel

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/neurons"
)

// SONATAOptions control RecordSONATA.
type SONATAOptions struct {
	// Sorting of the spike report (zero value: by_time, the order the
	// engine emits spikes in, written without a re-sort).
	Sorting export.Sorting
	// SortingSet must be true for Sorting's zero value (none) to be used.
	SortingSet bool
	// Stream are the streaming writers' options (block size, compression,
	// flush interval, crash-safe segments, overwrite). Stream.Provenance nil
	// attaches the network's own (Network.Provenance).
	Stream export.StreamOptions
}

// SONATARecording holds the SONATA writers attached to a network's
// recorders by RecordSONATA. Close it after the last Run.
type SONATARecording struct {
	spikes *export.SpikeWriter
	frames []*export.FrameWriter
	net    *Network
	dir    string
	cutMs  float64 // the network's time at the last Cut (the recording's start before one)
	// Files are the paths written (spike report first).
	Files []string
	// Skipped are the sampled recorders without a frame report, as they
	// have no column (Recorder.Columns): a weights recorder of a
	// projection without synapses (a rule drew none), a state or
	// filtered_spikes recorder of neurons = []. Their frames, of no
	// values, stay in memory.
	Skipped []*Recorder
}

// RecordSONATA streams the network's recorders to SONATA files in dir:
// every "spikes" recorder becomes a population of dir/spikes.h5 (named after
// its neuron population, /spikes/<population>; node ids are the neuron
// indices), every "state", "rate", "filtered_spikes" and "weights" recorder
// a frame report dir/<recorder>.h5 (FrameReportFile), but those with no
// column, which it lists in Skipped (a SONATA report has at least one).
// Two spikes recorders of one population are an error wrapping
// ErrSpikeReportPopulation (the report holds each population once); the
// spec's validation has made sure that no two recorders share a file and
// none takes one of SONATAFixedFiles. Recording memory
// stays bounded (see export.SpikeWriter). Call it before Run; frames start
// at the next due sample. A network has one recording at a time (a
// recorder has one sink): while one is open, RecordSONATA is an error naming
// its directory; after its Close, a new one may follow (a run recorded in
// pieces, each file with its interval).
func (net *Network) RecordSONATA(dir string, o SONATAOptions) (rec *SONATARecording, err error) {
	if net.sonata != nil {
		return nil, param.New(pkg, "RecordSONATA dir", dir, fmt.Sprintf("called after the recording into %s is closed: a network records to one set of files at a time (every recorder has one sink)", net.sonata.dir))
	}
	if o.Stream.Provenance == nil {
		p := net.Provenance()
		o.Stream.Provenance = &p
	}
	rec = &SONATARecording{net: net, dir: dir, cutMs: net.TimeMs()}
	net.sonata = rec
	defer func() {
		if err != nil {
			rec.abort()
		}
	}()
	spikeRecs, pops, err := net.spikeReports()
	if err != nil {
		return rec, err
	}
	if len(spikeRecs) > 0 {
		sorting := export.SortByTime
		if o.Sorting != export.SortNone || o.SortingSet {
			sorting = o.Sorting
		}
		path := filepath.Join(dir, "spikes.h5")
		if rec.spikes, err = export.NewSpikeWriter(path, sorting, pops, o.Stream); err != nil {
			return rec, err
		}
		rec.Files = append(rec.Files, path)
		for i, r := range spikeRecs {
			if err = net.SetSink(r.name, rec.spikes.Sink(i)); err != nil {
				return rec, err
			}
		}
	}
	for _, r := range net.recs {
		if r.Kind() == "spikes" {
			continue
		}
		if r.Columns() == 0 {
			rec.Skipped = append(rec.Skipped, r)
			continue
		}
		fo, ferr := net.FrameOptions(r)
		if ferr != nil {
			return rec, ferr
		}
		path := filepath.Join(dir, FrameReportFile(r.name))
		fw, ferr := export.NewFrameWriter(path, fo, o.Stream)
		if ferr != nil {
			return rec, ferr
		}
		rec.frames = append(rec.frames, fw)
		rec.Files = append(rec.Files, path)
		if err = net.SetSink(r.name, fw); err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// Cut closes the current segment of every file of a recording begun with
// SONATAOptions.Stream.SegmentByCut, at the network's time now: the closed
// segments hold every spike and frame recorded so far, and the spike
// report's segment records the interval it covers, from the previous cut
// (or the recording's start) to now, so that the segments closed by Cut are
// complete SONATA files covering the recording up to the last cut (what
// survives a process killed later). Call it between runs.
func (rec *SONATARecording) Cut() error {
	now := rec.net.TimeMs()
	var errs []error
	if rec.spikes != nil {
		errs = append(errs, rec.spikes.Cut(rec.cutMs, now))
	}
	for _, fw := range rec.frames {
		errs = append(errs, fw.Cut())
	}
	rec.cutMs = now
	return errors.Join(errs...)
}

// Close finishes every file (sorting the spike report if asked) and
// publishes it under its final name. The spike report records the interval
// it covers: from the network's time at RecordSONATA (at the last Cut, for
// the last segment of a recording cut in segments) to its time now
// (export.SpikeInterval reads it).
func (rec *SONATARecording) Close() error {
	if rec.net.sonata == rec {
		rec.net.sonata = nil
	}
	var errs []error
	if rec.spikes != nil {
		errs = append(errs, rec.spikes.SetInterval(rec.cutMs, rec.net.TimeMs()), rec.spikes.Close())
	}
	for _, fw := range rec.frames {
		errs = append(errs, fw.Close())
	}
	return errors.Join(errs...)
}

// SONATAFiles returns the files RecordSONATA(dir, …) would write for the
// network as it is: dir/spikes.h5 when it has spikes recorders, then the
// frame report (FrameReportFile) of each sampled recorder with a column, in
// recorder order; an error wrapping ErrSpikeReportPopulation where
// RecordSONATA would refuse. It lets a caller check the paths (existing
// files, clashes with its own outputs) before recording.
func (net *Network) SONATAFiles(dir string) ([]string, error) {
	spikeRecs, _, err := net.spikeReports()
	if err != nil {
		return nil, err
	}
	var files []string
	if len(spikeRecs) > 0 {
		files = append(files, filepath.Join(dir, "spikes.h5"))
	}
	for _, r := range net.recs {
		if r.Kind() != "spikes" && r.Columns() > 0 {
			files = append(files, filepath.Join(dir, FrameReportFile(r.name)))
		}
	}
	return files, nil
}

func (rec *SONATARecording) abort() {
	if rec.net.sonata == rec {
		rec.net.sonata = nil
	}
	if rec.spikes != nil {
		rec.spikes.Abort()
	}
	for _, fw := range rec.frames {
		fw.Abort()
	}
}

// FrameOptions returns the layout of the SONATA frame report of sampled
// recorder r (not spikes) begun now: its first frame at NextFrameMs, one
// every IntervalMs, in r's Units, and the mapping of its columns. A state
// or filtered_spikes recorder's report is of its neuron population, the
// recorded neurons its node ids, a rate recorder's of its population with
// the one column node 0, marked as the population aggregate
// (Aggregate = RateAggregate: the file says node 0 is not neuron 0). A weights recorder's report is named after its
// projection's edge population in edges.h5 (RecorderSpec.Projection): its
// columns, grouped by source neuron (the synapse order), have the source
// neurons as node ids (index_pointers giving each one's columns) and the
// synapses' indices, the edge ids within that edge population, as element
// ids (at most 2³² − 1). Its values are the weights as the recorder
// samples them (RecorderSpec): conductances onto the inh receptor as
// magnitudes, where edges.h5 writes them negative (SONATANetwork). A
// recorder without columns (Recorder.Columns) has no frame report: that is
// an error naming it.
func (net *Network) FrameOptions(r *Recorder) (export.FrameOptions, error) {
	every := r.frameSteps()
	if every == 0 {
		return export.FrameOptions{}, fmt.Errorf("kernel: recorder %q of kind %q has no frame report (spikes go to a spike report)", r.name, r.Kind())
	}
	if r.Columns() == 0 {
		what := "records no neuron (neurons = [])"
		if r.Kind() == "weights" {
			what = fmt.Sprintf("records no synapse: its projection %s has no synapses", r.plan.spec.Projection)
		}
		return export.FrameOptions{}, fmt.Errorf("kernel: recorder[%d] %q %s, and a frame report needs a column", r.plan.index, r.name, what)
	}
	fo := export.FrameOptions{StartMs: net.NextFrameMs(r), DtMs: float64(every) * net.dt, Units: r.Units()}
	switch r.Kind() {
	case "weights":
		fo.Population = r.plan.spec.Projection
		fo.ElementIDs = make([]uint32, len(r.plan.synapses))
		for col, k := range r.plan.synapses {
			if uint64(k) > math.MaxUint32 {
				return export.FrameOptions{}, fmt.Errorf("kernel: recorder %q: synapse %d has no SONATA element id (at most %d)", r.name, k, uint32(math.MaxUint32))
			}
			fo.ElementIDs[col] = uint32(k)
			if i := uint64(r.sources[col]); col == 0 || r.sources[col-1] != r.sources[col] {
				fo.NodeIDs = append(fo.NodeIDs, i)
				fo.ValuesPerNode = append(fo.ValuesPerNode, 1)
			} else {
				fo.ValuesPerNode[len(fo.ValuesPerNode)-1]++
			}
		}
	case "rate":
		fo.Population = net.pops[r.plan.pop].name
		fo.NodeIDs = []uint64{0} // one population-rate column
		fo.Aggregate = RateAggregate
	default:
		fo.Population = net.pops[r.plan.pop].name
		for _, j := range r.plan.neurons {
			fo.NodeIDs = append(fo.NodeIDs, uint64(j))
		}
	}
	return fo, nil
}

// RateAggregate is what a rate recorder's frame report says its one
// column is (export.FrameOptions.Aggregate, the attribute "aggregate" of
// mapping/node_ids): the population rate, its node id 0 a placeholder for
// the whole population, not neuron 0.
const RateAggregate = "population_rate"

// Units returns the units of what the recorder records: "ms" (spike times),
// the state variable's units for "state" (mV, pA, nS), "Hz" for "rate",
// "1" for "filtered_spikes" and the weights' unit for "weights" (pA, mV
// onto lif_delta, nS onto conductance-based neurons, spikes onto parrots).
func (r *Recorder) Units() string {
	switch r.Kind() {
	case "spikes":
		return "ms"
	case "state":
		return stateUnits(r.plan.spec.Variable)
	case "rate":
		return "Hz"
	case "weights":
		return r.units
	}
	return "1"
}

// IntervalMs returns the time between frames of a sampled recorder (state,
// filtered_spikes, weights: the sampling interval; rate: the bin), 0 for
// spikes.
func (r *Recorder) IntervalMs(dtMs float64) float64 {
	switch r.Kind() {
	case "spikes":
		return 0
	case "rate":
		return float64(r.plan.bin) * dtMs
	}
	return float64(r.plan.interval) * dtMs
}

// weightUnits returns the unit of the weights onto neurons of model: mV
// onto lif_delta and izhikevich, nS onto conductance-based models, spikes
// onto parrots (each counts once: weight 1), pA else.
// (In izhikevich's 2003 scheme a weight is a current held over the step,
// mV/ms; it moves V by h·w mV, w mV at the paper's h = 1 ms.)
func weightUnits(model string) string {
	switch model {
	case "lif_delta", "izhikevich":
		return "mV"
	case "lif_cond", "adex_cond", "hh_cond":
		return "nS"
	case parrotModel:
		return "spikes"
	}
	return "pA"
}

// stateUnits returns the SONATA units of a neuron state variable.
func stateUnits(v string) string {
	switch {
	case v == "V", v == "U", v == "c", v == "d": // izhikevich's U and d as NEST labels them (mV; in V's rate, mV/ms)
		return "mV"
	case v == "a": // izhikevich's rate
		return "1/ms"
	case strings.HasPrefix(v, "I"), v == "W": // currents; W is adex_cond's adaptation current
		return "pA"
	case strings.HasPrefix(v, "G"):
		return "nS"
	}
	return "1"
}

// SONATAFixedFiles are the files RecordSONATA and WriteSONATANetwork write
// in their directory whatever the recorders are called: the spike report
// and the network. No frame report may take one of these names.
var SONATAFixedFiles = []string{"spikes.h5", "nodes.h5", "edges.h5"}

// FrameReportFile returns the name of the file, in RecordSONATA's
// directory, of the frame report of the sampled recorder called name:
// the name made file-safe ('/', ':', ' ' and '\\' become '_') with ".h5"
// ("state:E" writes state_E.h5).
func FrameReportFile(name string) string { return fileSafe(name) + ".h5" }

// checkReportFiles returns an error if two sampled recorders would write
// their frame reports (RecordSONATA) to the same file, or one to a file of
// SONATAFixedFiles, naming both and the file. Names are compared without
// regard to case, so that a spec runs alike on case-insensitive file
// systems (macOS, Windows). Spikes recorders write no file of their own.
func checkReportFiles(recs []recPlan) error {
	owner := map[string]int{} // folded file name -> index into recs
	for i, rp := range recs {
		if rp.spec.Kind == "spikes" {
			continue
		}
		file := FrameReportFile(rp.name)
		where := fmt.Sprintf("recorder[%d].name", rp.index)
		key := strings.ToLower(file)
		for _, f := range SONATAFixedFiles {
			if key == f {
				return param.New(pkg, where, rp.name, fmt.Sprintf(
					"another name: its %s report would be written to %s, the file of the %s (a SONATA output's fixed name: %s)",
					rp.spec.Kind, file, fixedFileWhat(f), strings.Join(SONATAFixedFiles, ", ")))
			}
		}
		if j, ok := owner[key]; ok {
			o := recs[j]
			return param.New(pkg, where, rp.name, fmt.Sprintf(
				"another name: its %s report would be written to %s, the file of recorder[%d] %q (%s); set name to tell their files apart",
				rp.spec.Kind, file, o.index, o.name, o.spec.Kind))
		}
		owner[key] = i
	}
	return nil
}

// fixedFileWhat says what a file of SONATAFixedFiles holds.
func fixedFileWhat(f string) string {
	switch f {
	case "spikes.h5":
		return "spike report"
	case "nodes.h5":
		return "network's nodes"
	}
	return "network's edges"
}

// fileSafe turns a recorder name into a file or population name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '/', ':', ' ', '\\':
			return '_'
		}
		return r
	}, s)
}

// NextFrameMs returns the time (ms) of the next frame a sampled recorder
// ("state", "rate", "filtered_spikes", "weights") takes from now, the start
// of a frame report begun now; NaN for a spikes recorder.
func (net *Network) NextFrameMs(r *Recorder) float64 {
	switch r.Kind() {
	case "state", "weights":
		return float64(r.firstDue(net.step)+1) * net.dt
	case "rate", "filtered_spikes":
		every := int64(r.frameSteps())
		return float64((net.step/every+1)*every) * net.dt
	}
	return math.NaN()
}

// frameSteps returns the steps between a sampled recorder's frames: the bin
// of a rate recorder, the interval of the others; 0 for a spikes recorder.
func (r *Recorder) frameSteps() int {
	switch r.Kind() {
	case "state", "filtered_spikes", "weights":
		return r.plan.interval
	case "rate":
		return r.plan.bin
	}
	return 0
}

// spikeReports returns the spikes recorders and the names of their spike
// report populations: each recorder's neuron population, as SONATA has
// it (/spikes/<population> holds that population's node ids). Two spikes
// recorders of one population cannot share a spike report (its readers,
// Neo and NWB among them, would take a second group for another
// population and count its neurons twice): that is an error naming both
// (ErrSpikeReportPopulation).
func (net *Network) spikeReports() (recs []*Recorder, names []string, err error) {
	first := map[string]*Recorder{}
	for _, r := range net.recs {
		if r.Kind() != "spikes" {
			continue
		}
		pop := net.pops[r.plan.pop].name
		if o, ok := first[pop]; ok {
			return nil, nil, &spikeReportError{fmt.Sprintf("%v: recorder[%d] %q and recorder[%d] %q both record population %s; "+
				"a spike report holds one group per population (/spikes/%s): record it with one spikes recorder "+
				"(neurons: the union of theirs, or left out for all)",
				ErrSpikeReportPopulation, o.plan.index, o.name, r.plan.index, r.name, pop, pop)}
		}
		first[pop] = r
		recs = append(recs, r)
		names = append(names, pop)
	}
	return recs, names, nil
}

// ErrSpikeReportPopulation is returned (wrapped) by RecordSONATA and
// SpikeReportNames for a network with two spikes recorders of one
// population: a SONATA spike report holds each population once.
var ErrSpikeReportPopulation = errors.New("kernel: two spikes recorders of one population cannot share a spike report")

// spikeReportError is the error of a spec whose spikes recorders cannot
// share a spike report: it matches ErrSpikeReportPopulation and, a fault of
// the spec, nderr.ErrInvalid (the CLI exits 2 for it, as for every bad
// spec).
type spikeReportError struct{ msg string }

func (e *spikeReportError) Error() string { return e.msg }

// Unwrap returns ErrSpikeReportPopulation and nderr.ErrInvalid.
func (e *spikeReportError) Unwrap() []error {
	return []error{ErrSpikeReportPopulation, param.ErrInvalid}
}

// SpikeReportNames returns the spike report population of each spikes
// recorder, in recorder order: the names RecordSONATA writes, as
// Spec.SpikeReportPopulations gives them (each recorder's population), or
// an error wrapping ErrSpikeReportPopulation if two record one population.
func (net *Network) SpikeReportNames() ([]string, error) {
	_, names, err := net.spikeReports()
	return names, err
}

// reportNames names the populations of a spike report, one per spikes
// recorder: the neuron population's name. For spike reports written before
// RecordSONATA refused two spikes recorders of one population (see
// spikeReports), whose specs a reader still meets in provenance, a further
// recorder of a population gets the name these wrote: the recorder's name
// made file-safe (then "_1", "_2", … while taken). Names are given first
// come, first served only there; a spec RecordSONATA accepts has one
// recorder per population, each named after it.
func reportNames(pops, recs []string) []string {
	seen := map[string]bool{}
	out := make([]string, len(pops))
	for i, name := range pops {
		if seen[name] {
			name = fileSafe(recs[i])
			for k := 1; seen[name]; k++ {
				name = fmt.Sprintf("%s_%d", fileSafe(recs[i]), k)
			}
		}
		seen[name] = true
		out[i] = name
	}
	return out
}

// SpikeReportPopulation is a population of the spike report RecordSONATA
// writes: its name there, the neuron population it records, and the
// neurons recorded (node ids; every neuron of the population when the
// recorder names none).
type SpikeReportPopulation struct {
	Name       string
	Population string
	Neurons    []int
}

// SpikeReportPopulations returns the populations of the spike report
// RecordSONATA writes for a network built from s, in order, so that a
// reader of the file (with s from its provenance) knows which neurons were
// recorded: a neuron recorded without a spike is silent, one not recorded
// is not part of the report. Each is named after its population; a spec
// with two spikes recorders of one population, which RecordSONATA refuses,
// is named as earlier versions wrote it (reportNames), so that the spec in
// an old file's provenance still describes it. It does not validate s.
func (s Spec) SpikeReportPopulations() []SpikeReportPopulation {
	size := map[string]int{}
	for _, p := range s.Populations {
		size[p.Name] = p.N
	}
	var popNames, recNames []string
	var out []SpikeReportPopulation
	for _, r := range s.Recorders {
		if r.Kind != "spikes" {
			continue
		}
		popNames, recNames = append(popNames, r.Population), append(recNames, r.name())
		neurons := slices.Clone(r.Neurons)
		if neurons == nil {
			neurons = make([]int, max(size[r.Population], 0))
			for i := range neurons {
				neurons[i] = i
			}
		}
		out = append(out, SpikeReportPopulation{Population: r.Population, Neurons: neurons})
	}
	for i, name := range reportNames(popNames, recNames) {
		out[i].Name = name
	}
	return out
}

// SONATANetwork returns the network's populations and connectivity in the
// SONATA nodes/edges layout: one node population per neuron population
// (node type = population index, attribute model_template
// "neurodyn:<model>"), one edge population "<source>_to_<target>" per
// projection (further ones between the same populations "…_1", "…_2", any
// name taken skipped; edge type = projection index) with syn_weight (the
// weight: pA, mV or nS by model, negative on inhibitory receptors, also for
// conductances, stored as magnitudes, as NEST writes them) and delay (ms)
// per synapse. The weights of a plastic projection are its weights now
// with every pending pairing taken in (EffectiveWeights: those a weights
// recorder samples, also the ones Projection(i).Weight still holds back);
// reading them changes nothing in the network.
func (net *Network) SONATANetwork() ([]export.NodePopulation, []export.EdgePopulation) {
	var nodes []export.NodePopulation
	size := map[string]int{}
	for i, p := range net.pops {
		size[p.name] = p.n
		np := export.NodePopulation{Name: p.name, NodeTypeID: make([]int64, p.n)}
		tmpl := make([]string, p.n)
		for k := range np.NodeTypeID {
			np.NodeTypeID[k] = int64(i)
			tmpl[k] = "neurodyn:" + net.spec.Populations[i].Model
		}
		np.Attributes = []export.Column{export.NewColumn("model_template", tmpl)}
		nodes = append(nodes, np)
	}
	var edges []export.EdgePopulation
	names := projectionNames(net.spec.Projections)
	var eff []float32 // a plastic projection's effective weights
	for i, pr := range net.spec.Projections {
		csr := net.projs[i].csr
		plastic := net.projs[i].stdp != nil
		if plastic {
			eff = net.EffectiveWeights(eff, i)
		}
		ep := export.EdgePopulation{Name: names[i], Source: pr.Source, Target: pr.Target,
			SourceCount: size[pr.Source], TargetCount: size[pr.Target]}
		n := 0
		for src := 0; src < csr.NSrc; src++ {
			lo, hi := csr.Row(src)
			n += int(hi - lo)
		}
		ep.SourceIDs, ep.TargetIDs = make([]uint64, 0, n), make([]uint64, 0, n)
		ep.EdgeTypeID = make([]int64, 0, n)
		w, d := make([]float32, 0, n), make([]float64, 0, n)
		// conductances on the inh receptor are written negative, NEST's
		// convention, which reading them back undoes
		flip := float32(1)
		if pp := net.projs[i].plan; pp.cond && pp.recep == neurons.Inh {
			flip = -1
		}
		for src := 0; src < csr.NSrc; src++ {
			lo, hi := csr.Row(src)
			for k := lo; k < hi; k++ {
				ep.SourceIDs = append(ep.SourceIDs, uint64(src))
				ep.TargetIDs = append(ep.TargetIDs, uint64(csr.Target[k]))
				ep.EdgeTypeID = append(ep.EdgeTypeID, int64(i))
				x := csr.W(k)
				if plastic {
					x = eff[k]
				}
				if x == 0 {
					x = 0 // no −0
				} else {
					x *= flip
				}
				w = append(w, x)
				d = append(d, float64(csr.D(k))*net.dt)
			}
		}
		ep.Attributes = []export.Column{export.NewColumn("syn_weight", w), export.NewColumn("delay", d)}
		edges = append(edges, ep)
	}
	return nodes, edges
}

// projectionNames returns the name of each projection, that of its edge
// population in edges.h5 (SONATANetwork) and of weights recorders
// (RecorderSpec.Projection): "<source>_to_<target>", then _1, _2, … for
// further projections between them, skipping names taken (X→Y twice and
// X→Y_1 would both give X_to_Y_1).
func projectionNames(projs []ProjectionSpec) []string {
	used := map[string]bool{}
	names := make([]string, len(projs))
	for i, pr := range projs {
		name := pr.Source + "_to_" + pr.Target
		for k := 1; used[name]; k++ {
			name = fmt.Sprintf("%s_to_%s_%d", pr.Source, pr.Target, k)
		}
		used[name] = true
		names[i] = name
	}
	return names
}

// Provenance is the provenance of the files the network writes: the running
// binary's (export.NewProvenance: version, revision, kernel path, CPU, host,
// time) with the network's spec as TOML and its seed, so that a result file
// says which network produced it.
func (net *Network) Provenance() export.Provenance {
	var b bytes.Buffer
	if err := EncodeTOML(&b, net.spec); err != nil {
		b.Reset() // a validated spec always encodes; keep the rest of the provenance
	}
	return export.NewProvenance(b.String(), "toml", export.Seed{Name: "seed", Value: net.spec.Seed})
}

// WriteSONATANetwork writes dir/nodes.h5 and dir/edges.h5 (SONATANetwork),
// with the network's provenance unless opts attach another, and beside them
// the SONATA types tables node_types.csv (node_type_id = population index,
// pop_name, model_type point_neuron, model_template neurodyn:<model>) and
// edge_types.csv (edge_type_id = projection index, the edge population's
// name, source and target populations, model_template: static_synapse or
// the plasticity kind), which BMTK needs to open the network
// (NetworkFiles lists the four).
func (net *Network) WriteSONATANetwork(dir string, opts ...export.Option) error {
	opts = append([]export.Option{export.WithProvenance(net.Provenance())}, opts...)
	nodes, edges := net.SONATANetwork()
	if err := export.WriteNodes(filepath.Join(dir, "nodes.h5"), nodes, opts...); err != nil {
		return err
	}
	var rows [][]string
	for i, p := range net.spec.Populations {
		model := p.Model
		if model == "" {
			model = "lif_exp"
		}
		rows = append(rows, []string{fmt.Sprint(i), p.Name, "point_neuron", "neurodyn:" + model})
	}
	if err := export.WriteTypesCSV(filepath.Join(dir, "node_types.csv"), []string{"node_type_id", "pop_name", "model_type", "model_template"}, rows, opts...); err != nil {
		return err
	}
	if len(edges) == 0 {
		return nil
	}
	if err := export.WriteEdges(filepath.Join(dir, "edges.h5"), edges, opts...); err != nil {
		return err
	}
	rows = rows[:0]
	for i, pr := range net.spec.Projections {
		tmpl := "static_synapse"
		if pr.Plasticity.Kind != "" {
			tmpl = pr.Plasticity.Kind
		}
		rows = append(rows, []string{fmt.Sprint(i), edges[i].Name, pr.Source, pr.Target, tmpl})
	}
	return export.WriteTypesCSV(filepath.Join(dir, "edge_types.csv"), []string{"edge_type_id", "edge_population", "source_pop", "target_pop", "model_template"}, rows, opts...)
}

// NetworkFiles are the files WriteSONATANetwork writes in its directory:
// nodes.h5 and node_types.csv, then, for a network with projections,
// edges.h5 and edge_types.csv.
func (net *Network) NetworkFiles() []string {
	files := []string{"nodes.h5", "node_types.csv"}
	if len(net.spec.Projections) > 0 {
		files = append(files, "edges.h5", "edge_types.csv")
	}
	return files
}
