package kernel

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/neurons"
	"github.com/neurodyn/neurodyn/synapses"
)

// plan is a validated spec with names resolved and times in steps.
type plan struct {
	dt       float64
	workers  int
	pops     []popPlan
	projs    []projPlan
	devs     []devPlan
	recs     []recPlan
	minDelay int // over projections; -1 when there are none
	maxDelay int
	slice    int // steps per slice L
}

type popPlan struct {
	spec   PopulationSpec
	params any // *neurons.LIFExpParams, …
	model  string
	recept int  // receptors of the model
	cond   bool // conductance-based: weights are conductances (nS, ≥ 0)
	elmV   float64
	// spike_generator: per spike of the spec (SpikeIndices, SpikeTimesMs)
	// its step and offset (spikeStep)
	genSteps []int32
	genOffs  []float64
}

type projPlan struct {
	spec            ProjectionSpec
	src, tgt        int
	recep           int
	delay, delayMax int
	listDelays      []int
	sign            int  // of the built weights: the spec's, 1 onto conductances
	cond            bool // onto conductance-based neurons: weights are conductances, ≥ 0
	// bySign: onto a current-based target whose receptors differ
	// (splitReceptors) with no receptor given and no sign, the weights'
	// signs pick the receptor, NEST's routing: New looks at the weights
	// built and sets recep (one sign) or perSynapse (both signs).
	bySign, perSynapse bool
	minDelay, maxDelay int
	edgesDigest        []byte // rule.kind "sonata": what was read (see loadEdges)
}

type devPlan struct {
	spec          DeviceSpec
	tgt           int
	recep         int
	start, stop   int   // dc, noise and poisson window in steps, [start, stop) (stop −1: forever)
	times         []int // step_current change steps; spike_source receive steps
	offs          []float64
	seriesSteps   int
	noiseSteps    int // noise: steps per interval
	dims          int
	neurons       []int
	name          string
	isCurrent     bool
	isSpikeSource bool
}

type recPlan struct {
	spec     RecorderSpec
	index    int // position in the spec's recorders
	pop      int
	name     string
	interval int
	bin      int
	neurons  []int
	proj     int   // weights: the projection recorded
	synapses []int // weights: the synapses recorded, nil for all (checked when built)
}

// maxDevices is the number of devices a spec may hold: a device's index
// fills the low 16 bits of its random streams' counters (addPoisson,
// poissonPut, the noise device), which must not collide.
const maxDevices = 1 << 16

func (s Spec) resolve() (*plan, error) {
	dt := s.dt()
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, param.New(pkg, "dt_ms", s.DtMs, "finite and > 0")
	}
	if s.Workers < 0 || s.Workers > MaxWorkers {
		return nil, param.New(pkg, "workers", s.Workers, fmt.Sprintf("in [0, %d]", MaxWorkers))
	}
	if s.Seed > math.MaxInt64 { // TOML integers are int64: EncodeTOML's output (provenance too) must read back
		return nil, param.New(pkg, "seed", s.Seed, "in [0, 2^63-1] (9223372036854775807): a TOML integer, so that the spec reads back")
	}
	p := &plan{dt: dt, minDelay: -1}
	if len(s.Populations) == 0 {
		return nil, param.New(pkg, "population", "none", "at least one population")
	}
	names := map[string]int{}
	for i, ps := range s.Populations {
		where := fmt.Sprintf("population[%d]", i)
		if ps.Name == "" {
			return nil, param.New(pkg, where+".name", `""`, "a non-empty name")
		}
		if _, dup := names[ps.Name]; dup {
			return nil, param.New(pkg, where+".name", ps.Name, "unique")
		}
		names[ps.Name] = i
		if ps.N < 1 || ps.N > math.MaxInt32 {
			return nil, param.New(pkg, where+".n", ps.N, "in [1, 2^31)")
		}
		if ps.Sign < -1 || ps.Sign > 1 {
			return nil, param.New(pkg, where+".sign", ps.Sign, "one of -1, 0, +1")
		}
		if ps.Model == generatorModel {
			pp, err := resolveGenerator(where, ps, dt)
			if err != nil {
				return nil, err
			}
			p.pops = append(p.pops, pp)
			continue
		}
		if ps.SpikeIndices != nil || ps.SpikeTimesMs != nil {
			name, v := where+".spike_times_ms", fmt.Sprintf("%d times", len(ps.SpikeTimesMs))
			if ps.SpikeTimesMs == nil {
				name, v = where+".spike_indices", fmt.Sprintf("%d indices", len(ps.SpikeIndices))
			}
			return nil, param.New(pkg, name, v, `left out unless model = "spike_generator" (the spikes its neurons emit)`)
		}
		if ps.Model == parrotModel {
			if s.Precise {
				return nil, param.New(pkg, where+".model", ps.Model, "a model of precise mode (lif_exp, lif_delta or spike_generator): parrot neurons run on the grid (precise = false)")
			}
			if err := stateless(where, ps, "its neurons have no parameters and no state; they re-emit every spike that reaches them"); err != nil {
				return nil, err
			}
			p.pops = append(p.pops, popPlan{spec: ps, model: parrotModel, recept: 1})
			continue
		}
		mp, err := modelParams(ps.Model)
		if err != nil {
			return nil, param.New(pkg, where+".model", ps.Model, "one of "+modelNames)
		}
		if err := param.First(applyParams(mp, ps.Params, where), applyOptions(mp, ps.Options, where)); err != nil {
			return nil, err
		}
		pp := popPlan{spec: ps, params: mp, model: ps.Model}
		if pp.model == "" {
			pp.model = "lif_exp"
		}
		var verr error
		switch q := mp.(type) {
		case *neurons.LIFExpParams:
			verr, pp.recept, pp.elmV = q.Validate(), 2, q.ELmV
		case *neurons.LIFAlphaParams:
			verr, pp.recept, pp.elmV = q.Validate(), 2, q.ELmV
		case *neurons.LIFDeltaParams:
			verr, pp.recept, pp.elmV = q.Validate(), 1, q.ELmV
		case *neurons.LIFCondParams:
			verr, pp.recept, pp.elmV, pp.cond = q.Validate(), 2, q.ELmV, true
		case *neurons.AdExCondParams:
			verr, pp.recept, pp.elmV, pp.cond = q.Validate(), 2, q.ELmV, true
		case *neurons.HHCondParams:
			verr, pp.recept, pp.elmV, pp.cond = q.Validate(), 2, q.ELmV, true
		case *neurons.IzhikevichParams: // elmV: V(0), absolute (V's offset is 0)
			verr, pp.recept, pp.elmV = param.First(q.Validate(), q.ValidateStep(dt)), 1, neurons.IzhikevichV0mV
		}
		if verr == nil {
			// what only the constructors check (t_ref a multiple of the
			// step, at least one step for precise lif_delta), so that
			// Validate reports it too
			if s.Precise && pp.model != "lif_exp" && pp.model != "lif_delta" {
				return nil, param.New(pkg, where+".model", pp.model, "lif_exp, lif_delta or spike_generator in precise mode")
			}
			_, verr = newModel(mp, 0, dt, s.Precise)
		}
		if pe := (*param.Error)(nil); errors.As(verr, &pe) {
			if _, opt := ps.Options[pe.Name]; opt { // a value set in options: name its key
				pe.Pkg, pe.Name = pkg, where+".options."+pe.Name
				return nil, verr
			}
			if renameParamError(pe, mp, where) { // VResetmV → population[i].params.v_reset_mv
				return nil, pe
			}
			if pe.Name == "DtMs" { // the step this population's parameters refuse
				pe.Pkg, pe.Name = pkg, "dt_ms"
				pe.Allowed = replaceWords(pe.Allowed, specKeys(mp)) + " for " + where + "'s parameters"
				return nil, pe
			}
		}
		if verr != nil {
			return nil, fmt.Errorf("kernel: %s: %w", where, verr)
		}
		if err := ps.VInit.validate(where+".v_init", ps.N); err != nil {
			return nil, err
		}
		for _, name := range slices.Sorted(maps.Keys(ps.Init)) {
			if name == "V" || !hasVar(pp.model, name) {
				return nil, param.New(pkg, where+".init", name, fmt.Sprintf("a state variable of %s other than V (v_init sets it): %v", pp.model, varNames(pp.model)[1:]))
			}
			if err := ps.Init[name].validate(where+".init."+name, ps.N); err != nil {
				return nil, err
			}
		}
		if q, ok := mp.(*neurons.IzhikevichParams); ok { // v_min_mv, per-neuron a, b, c, d
			if err := checkIzhikevich(where, *q, ps, dt); err != nil {
				return nil, err
			}
		}
		// float32 state and constants (after the model's and izhikevich's checks, whose
		// messages for NaN and ±Inf say more); a constant current bounded
		// as a device's
		for _, k := range slices.Sorted(maps.Keys(ps.Params)) {
			chk := float32Value
			if k == "i_e_pa" {
				chk = currentPA
			}
			if err := chk(where+".params."+k, ps.Params[k]); err != nil {
				return nil, err
			}
		}
		p.pops = append(p.pops, pp)
	}
	p.workers = p.effectiveWorkers(max(1, s.Workers))
	// splitReceptors reports whether population tgt is current-based with
	// receptors that act differently (lif_exp or lif_alpha with τ_syn_ex ≠
	// τ_syn_in): onto it, weights without a receptor go to the one their
	// sign picks.
	splitReceptors := func(tgt int) bool {
		switch q := p.pops[tgt].params.(type) {
		case *neurons.LIFExpParams:
			return q.TauSynExMs != q.TauSynInMs
		case *neurons.LIFAlphaParams:
			return q.TauSynExMs != q.TauSynInMs
		}
		return false
	}
	recep := func(where, r string, srcSign int) (int, error) {
		switch r {
		case "exc":
			return neurons.Exc, nil
		case "inh":
			return neurons.Inh, nil
		case "":
			if srcSign < 0 {
				return neurons.Inh, nil
			}
			return neurons.Exc, nil
		}
		return 0, param.New(pkg, where+".receptor", r, "exc or inh")
	}
	for i, pr := range s.Projections {
		where := fmt.Sprintf("projection[%d]", i)
		src, ok := names[pr.Source]
		if !ok {
			return nil, param.New(pkg, where+".source", pr.Source, "the name of a population")
		}
		tgt, ok := names[pr.Target]
		if !ok {
			return nil, param.New(pkg, where+".target", pr.Target, "the name of a population")
		}
		if p.pops[tgt].model == generatorModel {
			return nil, param.New(pkg, where+".target", pr.Target, "a population of neurons that receive spikes: spike_generator neurons emit the spikes given and receive none")
		}
		switch pr.Rule.Kind {
		case "fixed_prob", "fixed_indegree", "fixed_outdegree", "all_to_all", "list", "sonata":
		default:
			return nil, param.New(pkg, where+".rule.kind", pr.Rule.Kind, "one of fixed_prob, fixed_indegree, fixed_outdegree, all_to_all, list, sonata")
		}
		if pr.Rule.Kind != "sonata" { // loadEdges names the lists an edges file replaces
			if err := checkApplies(where, "rule.kind", pr.Rule.Kind, &s.Projections[i], projectionKindFields); err != nil {
				return nil, err
			}
		}
		if err := checkApplies(where+".rule", "rule.kind", pr.Rule.Kind, &s.Projections[i].Rule, ruleKindFields); err != nil {
			return nil, err
		}
		if pr.Rule.Kind == "list" && pr.Weights.Dist != "" && pr.Weights.Dist != "constant" {
			return nil, param.New(pkg, where+".weights.dist", pr.Weights.Dist, `"constant" (or left out) for rule.kind = "list": weight_list, else weights.value, gives every listed synapse its weight`)
		}
		// The projection's sign (Dale's law): weights.sign, else the source
		// population's. Taken before loadEdges, which replaces the weights.
		sign := pr.Weights.Sign
		if sign == 0 {
			sign = s.Populations[src].Sign
		}
		parrotTgt := p.pops[tgt].model == parrotModel
		if parrotTgt { // weights count spikes (parrotWeights)
			if pr.Plasticity.Kind != "" {
				return nil, param.New(pkg, where+".plasticity.kind", pr.Plasticity.Kind, "left out onto parrot neurons: they re-emit every spike that reaches them, whatever its weight (make the projections from them plastic)")
			}
			if pr.ShortTerm.Kind != "" {
				return nil, param.New(pkg, where+".short_term.kind", pr.ShortTerm.Kind, "left out onto parrot neurons: they re-emit every spike that reaches them, whatever its weight (give the projections from them short-term plasticity)")
			}
			sign = 1
		}
		var digest []byte
		var err error
		if pr.Rule.Kind == "sonata" {
			fileSign := sign
			if p.pops[tgt].cond {
				fileSign = 0 // conductances: conductanceWeights reads the signs (NEST's convention)
			}
			if pr, digest, err = loadEdges(where, pr, s.Populations[src].N, s.Populations[tgt].N, dt, fileSign); err != nil {
				return nil, err
			}
		} else if pr.EdgesFile != "" || pr.EdgesPopulation != "" {
			return nil, param.New(pkg, where+".edges_file", pr.EdgesFile, `empty unless rule.kind = "sonata"`)
		}
		if parrotTgt {
			if pr, err = parrotWeights(where, pr); err != nil {
				return nil, err
			}
		}
		if err := checkWeightGiven(where, pr, p.pops[tgt].model); err != nil {
			return nil, err
		}
		if err := param.First(float32Weights(where+".weights", pr.Weights), finiteSample(where+".weight_list", pr.WeightList),
			float32Value(where+".plasticity.w_max", pr.Plasticity.WMax)); err != nil {
			return nil, err
		}
		pp := projPlan{spec: pr, src: src, tgt: tgt, sign: sign, edgesDigest: digest, cond: p.pops[tgt].cond}
		recSign := s.Populations[src].Sign
		if pp.cond {
			recSign = sign // onto conductances the projection's sign picks the receptor
		}
		if pr.Receptor == "" && splitReceptors(tgt) {
			// NEST's routing (iaf_psc_exp, iaf_psc_alpha): a negative weight acts on the
			// inh receptor. The projection's sign decides for all its
			// weights; a plastic projection's weights keep the sign of
			// their bound; otherwise New looks at the weights built.
			switch {
			case sign != 0:
				recSign = sign
			case pr.Plasticity.Kind != "":
				recSign = int(math.Copysign(1, pr.Plasticity.WMax))
			default:
				recSign, pp.bySign = 1, true
			}
		}
		if pp.recep, err = recep(where, pr.Receptor, recSign); err != nil {
			return nil, err
		}
		if p.pops[tgt].recept == 1 {
			pp.recep = 0
		}
		// Onto conductance-based neurons the weights are conductances:
		// magnitudes on the receptor the sign picks, as NEST's
		// iaf_cond_exp reads negative weights.
		if pp.cond {
			if sign < 0 && pp.recep == neurons.Exc {
				return nil, param.New(pkg, where+".receptor", pr.Receptor, `"inh" (or left out) for weights of sign -1 onto conductance-based neurons: conductances are ≥ 0, the sign picks the receptor`)
			}
			if pr, err = conductanceWeights(where, pr, sign, pp.recep); err != nil {
				return nil, err
			}
			pp.spec, pp.sign = pr, 1
		}
		if pp.delay, err = steps(where+".delay_ms", pr.DelayMs, dt); err != nil {
			return nil, err
		}
		pp.delayMax = pp.delay
		if pr.DelayMaxMs != 0 {
			if pp.delayMax, err = steps(where+".delay_max_ms", pr.DelayMaxMs, dt); err != nil {
				return nil, err
			}
			if pp.delayMax < pp.delay {
				return nil, param.New(pkg, where+".delay_max_ms", pr.DelayMaxMs, "0 or ≥ delay_ms")
			}
		}
		if pp.delayMax > math.MaxUint16 { // the field that set it: delay_max_ms, else delay_ms
			name, v := where+".delay_max_ms", pr.DelayMaxMs
			if pr.DelayMaxMs == 0 {
				name, v = where+".delay_ms", pr.DelayMs
			}
			return nil, param.New(pkg, name, v, fmt.Sprintf("at most %d steps of dt = %g ms (%.10g ms): delays are stored in 16 bits", math.MaxUint16, dt, float64(math.MaxUint16)*dt))
		}
		pp.minDelay, pp.maxDelay = pp.delay, pp.delayMax
		if pr.Rule.Kind == "list" {
			if err := pr.Weights.Validate(); err != nil {
				return nil, fmt.Errorf("kernel: %s: %w", where, err)
			}
			n := len(pr.Sources)
			if len(pr.Targets) != n {
				return nil, param.New(pkg, where+".targets", len(pr.Targets), fmt.Sprintf("%d entries, as sources", n))
			}
			if pr.WeightList != nil && len(pr.WeightList) != n {
				return nil, param.New(pkg, where+".weight_list", len(pr.WeightList), fmt.Sprintf("%d entries, as sources", n))
			}
			if pr.DelayListMs != nil {
				if len(pr.DelayListMs) != n {
					return nil, param.New(pkg, where+".delay_list_ms", len(pr.DelayListMs), fmt.Sprintf("%d entries, as sources", n))
				}
				pp.listDelays = make([]int, n)
				pp.minDelay, pp.maxDelay = math.MaxInt, 0
				for k, d := range pr.DelayListMs {
					if pp.listDelays[k], err = steps("delay", d, dt); err != nil {
						// named only now: formatting a name per synapse cost seconds for millions
						_, err = steps(fmt.Sprintf("%s.delay_list_ms[%d]", where, k), d, dt)
						return nil, err
					}
					pp.minDelay = min(pp.minDelay, pp.listDelays[k])
					pp.maxDelay = max(pp.maxDelay, pp.listDelays[k])
				}
				if n == 0 {
					pp.minDelay, pp.maxDelay = pp.delay, pp.delay
				}
			}
		} else if err := param.First(pr.Rule.Validate(s.Populations[src].N, s.Populations[tgt].N, src == tgt), pr.Weights.Validate()); err != nil {
			return nil, fmt.Errorf("kernel: %s: %w", where, err)
		}
		if err := pr.Plasticity.Validate(); err != nil {
			return nil, fmt.Errorf("kernel: %s: %w", where, err)
		}
		if pr.Plasticity.Kind != "" && s.Precise {
			return nil, param.New(pkg, where+".plasticity.kind", pr.Plasticity.Kind, `"" (static weights) in precise mode: plasticity runs in grid mode`)
		}
		if err := pr.ShortTerm.Validate(); err != nil {
			return nil, fmt.Errorf("kernel: %s: %w", where, err)
		}
		if err := checkPlasticWeights(where, pr, pp.sign); err != nil {
			return nil, err
		}
		// The delays' own field: delay_ms, delay_list_ms, or the edges file
		// they were read from.
		delayErr := func(want string) error {
			switch {
			case digest != nil:
				return param.New(pkg, where+".edges_file", pr.EdgesFile, fmt.Sprintf("delays (of %s) %s", pr.EdgesPopulation, want))
			case pr.DelayListMs != nil:
				return param.New(pkg, where+".delay_list_ms", fmt.Sprintf("delays %g to %g ms", float64(pp.minDelay)*dt, float64(pp.maxDelay)*dt), want)
			}
			return param.New(pkg, where+".delay_ms", pr.DelayMs, want)
		}
		if pp.maxDelay > math.MaxUint16 { // explicit delays; rules' delay_max_ms was checked above
			return nil, delayErr(fmt.Sprintf("at most %d steps", math.MaxUint16))
		}
		if pp.minDelay == 0 && pp.maxDelay > 0 { // a delay 0 acts directly, the others through ring buffers
			return nil, delayErr("all 0 or all > 0 (> 0 when delays vary per synapse)")
		}
		if s.Precise && pp.minDelay < 1 {
			return nil, delayErr("≥ dt in precise mode")
		}
		if p.minDelay < 0 || pp.minDelay < p.minDelay {
			p.minDelay = pp.minDelay
		}
		p.maxDelay = max(p.maxDelay, pp.maxDelay)
		p.projs = append(p.projs, pp)
	}
	p.slice = max(1, p.minDelay)
	if p.minDelay < 0 {
		p.slice = 1
	}
	devNames := map[string]bool{}
	if len(s.Devices) > maxDevices {
		return nil, param.New(pkg, "devices", len(s.Devices), fmt.Sprintf("at most %d devices (their index is 16 bits of every random stream's counter)", maxDevices))
	}
	for i, d := range s.Devices {
		where := fmt.Sprintf("device[%d]", i)
		tgt, ok := names[d.Target]
		if !ok {
			return nil, param.New(pkg, where+".target", d.Target, "the name of a population")
		}
		if p.pops[tgt].model == generatorModel {
			return nil, param.New(pkg, where+".target", d.Target, "a population of neurons that take input: spike_generator neurons emit the spikes given and take none")
		}
		if p.pops[tgt].model == parrotModel {
			switch d.Kind {
			case "poisson", "spike_source":
				if d.Weight != 1 {
					return nil, param.New(pkg, where+".weight", d.Weight, "1 onto parrot neurons: they re-emit every spike that reaches them, whatever its weight (NEST's parrot_neuron)")
				}
			case "dc", "step_current", "noise", "time_series":
				return nil, param.New(pkg, where+".kind", d.Kind, "poisson or spike_source onto parrot neurons: they re-emit spikes and have no membrane for a current")
			}
		}
		dp := devPlan{spec: d, tgt: tgt, name: d.Name}
		if dp.name == "" {
			dp.name = fmt.Sprintf("%s:%s:%d", d.Kind, d.Target, i)
		}
		if devNames[dp.name] {
			return nil, param.New(pkg, where+".name", dp.name, "unique")
		}
		devNames[dp.name] = true
		n := s.Populations[tgt].N
		if err := checkIndices(where+".neurons", d.Neurons, n); err != nil {
			return nil, err
		}
		dp.neurons = d.Neurons
		if dp.neurons == nil {
			dp.neurons = make([]int, n)
			for j := range dp.neurons {
				dp.neurons[j] = j
			}
		}
		var err error
		devSign := 1
		if d.Weight < 0 && splitReceptors(tgt) && (d.Kind == "poisson" || d.Kind == "spike_source") {
			devSign = -1 // NEST's routing: a negative weight acts on the inh receptor
		}
		if dp.recep, err = recep(where, d.Receptor, devSign); err != nil {
			return nil, err
		}
		if p.pops[tgt].recept == 1 {
			dp.recep = 0
		}
		if (d.Kind == "poisson" || d.Kind == "spike_source") && d.Weight == 0 {
			// NEST's generators default to weight 1; a spike of weight 0
			// would have no effect at all
			return nil, param.New(pkg, where+".weight", "missing (0)", fmt.Sprintf("each spike's weight in %s (onto %s neurons), e.g. weight = 20.0: required, non-zero", weightUnits(p.pops[tgt].model), p.pops[tgt].model))
		}
		negCond := func() error {
			if p.pops[tgt].cond && d.Weight < 0 {
				return param.New(pkg, where+".weight", d.Weight, `≥ 0: a conductance (nS) onto `+p.pops[tgt].model+` neurons; receptor = "inh" makes it inhibitory`)
			}
			return nil
		}
		switch d.Kind {
		case "poisson":
			if err := param.NonNegative(pkg, where+".rate_hz", d.RateHz); err != nil {
				return nil, err
			}
			if lam := d.RateHz * dt / 1000; lam > maxLambda {
				return nil, param.New(pkg, where+".rate_hz", d.RateHz, fmt.Sprintf("at most %g spikes per step (%g Hz at dt %g)", maxLambda, maxLambda*1000/dt, dt))
			}
			if err := param.First(float32Value(where+".weight", d.Weight), negCond()); err != nil {
				return nil, err
			}
			if err := resolveWindow(where, d, dt, &dp); err != nil {
				return nil, err
			}
		case "dc":
			dp.isCurrent = true
			if err := currentPA(where+".amplitude_pa", d.AmplitudePA); err != nil {
				return nil, err
			}
			if err := resolveWindow(where, d, dt, &dp); err != nil {
				return nil, err
			}
		case "step_current":
			dp.isCurrent = true
			if len(d.TimesMs) != len(d.AmplitudesPA) || len(d.TimesMs) == 0 {
				return nil, param.New(pkg, where+".amplitudes_pa", len(d.AmplitudesPA), fmt.Sprintf("as many entries as times_ms (%d), at least one", len(d.TimesMs)))
			}
			for k, tm := range d.TimesMs {
				st, err := steps(fmt.Sprintf("%s.times_ms[%d]", where, k), tm, dt)
				if err != nil {
					return nil, err
				}
				if k > 0 && st <= dp.times[k-1] {
					return nil, param.New(pkg, fmt.Sprintf("%s.times_ms[%d]", where, k), tm, "strictly increasing")
				}
				if err := currentPA(fmt.Sprintf("%s.amplitudes_pa[%d]", where, k), d.AmplitudesPA[k]); err != nil {
					return nil, err
				}
				dp.times = append(dp.times, st)
			}
		case "noise":
			dp.isCurrent = true
			if err := resolveNoise(where, d, &dp, dt); err != nil {
				return nil, err
			}
		case "spike_source":
			dp.isSpikeSource = true
			if err := param.First(float32Value(where+".weight", d.Weight), negCond()); err != nil {
				return nil, err
			}
			for k, tm := range d.SpikeTimesMs {
				name := fmt.Sprintf("%s.spike_times_ms[%d]", where, k)
				if err := checkSpikeTime(name, tm, dt); err != nil {
					return nil, err
				}
				if k > 0 && tm < d.SpikeTimesMs[k-1] {
					return nil, param.New(pkg, name, tm, fmt.Sprintf("≥ %g ms, the time before it: spike_times_ms must not decrease", d.SpikeTimesMs[k-1]))
				}
				st, off := spikeStep(tm, dt)
				dp.times = append(dp.times, st)
				dp.offs = append(dp.offs, off)
			}
		case "time_series":
			dp.isCurrent = true
			if len(d.Series) == 0 {
				return nil, param.New(pkg, where+".series", "empty", "at least one sample")
			}
			dp.dims = len(d.Series[0])
			for k, x := range d.Series {
				if len(x) != dp.dims || dp.dims == 0 {
					return nil, param.New(pkg, fmt.Sprintf("%s.series[%d]", where, k), len(x), fmt.Sprintf("%d values, as series[0] (≥ 1)", dp.dims))
				}
				if err := finiteSample(fmt.Sprintf("%s.series[%d]", where, k), x); err != nil {
					return nil, err
				}
			}
			if dp.seriesSteps, err = steps(where+".series_dt_ms", d.SeriesDtMs, dt); err != nil || dp.seriesSteps < 1 {
				return nil, param.New(pkg, where+".series_dt_ms", d.SeriesDtMs, fmt.Sprintf("a positive multiple of dt = %g ms", dt))
			}
			if d.InputMatrix != nil {
				if len(d.InputMatrix) != len(dp.neurons) {
					return nil, param.New(pkg, where+".input_matrix", len(d.InputMatrix), fmt.Sprintf("%d rows (one per target neuron)", len(dp.neurons)))
				}
				for k, row := range d.InputMatrix {
					if len(row) != dp.dims {
						return nil, param.New(pkg, fmt.Sprintf("%s.input_matrix[%d]", where, k), len(row), fmt.Sprintf("%d columns (the series dimension)", dp.dims))
					}
					if err := finiteSample(fmt.Sprintf("%s.input_matrix[%d]", where, k), row); err != nil {
						return nil, err
					}
				}
			} else if err := d.InputWeights.Validate(); err != nil {
				return nil, fmt.Errorf("kernel: %s: %w", where, err)
			} else if err := float32Weights(where+".input_weights", d.InputWeights); err != nil {
				return nil, err
			}
		default:
			return nil, param.New(pkg, where+".kind", d.Kind, "one of poisson, dc, step_current, noise, spike_source, time_series")
		}
		if err := checkApplies(where, "kind", d.Kind, &s.Devices[i], deviceKindFields); err != nil {
			return nil, err
		}
		p.devs = append(p.devs, dp)
	}
	recNames := map[string]bool{}
	var projNames []string
	for i, r := range s.Recorders {
		where := fmt.Sprintf("recorder[%d]", i)
		switch r.Kind { // first: a misspelt kind is told as such, not by the keys it takes
		case "spikes", "state", "rate", "filtered_spikes", "weights":
		default:
			return nil, param.New(pkg, where+".kind", r.Kind, "one of spikes, state, rate, filtered_spikes, weights")
		}
		var rp recPlan
		if r.Kind == "weights" {
			if projNames == nil {
				projNames = projectionNames(s.Projections)
			}
			var err error
			if rp, err = resolveWeights(where, r, projNames, dt); err != nil {
				return nil, err
			}
		} else {
			if r.Projection != "" {
				return nil, param.New(pkg, where+".projection", r.Projection, `left out unless kind = "weights"`)
			}
			if r.Synapses != nil {
				return nil, param.New(pkg, where+".synapses", indexList(r.Synapses), `left out unless kind = "weights"`)
			}
			pi, ok := names[r.Population]
			if !ok {
				return nil, param.New(pkg, where+".population", r.Population, "the name of a population")
			}
			rp = recPlan{spec: r, pop: pi}
		}
		rp.index, rp.name = i, r.name()
		if recNames[rp.name] {
			return nil, param.New(pkg, where+".name", rp.name, "unique (set name to tell recorders apart)")
		}
		recNames[rp.name] = true
		if err := checkApplies(where, "kind", r.Kind, &s.Recorders[i], recorderKindFields); err != nil {
			return nil, err
		}
		if r.Kind == "weights" {
			p.recs = append(p.recs, rp)
			continue
		}
		pi := rp.pop
		n := s.Populations[pi].N
		if err := checkIndices(where+".neurons", r.Neurons, n); err != nil {
			return nil, err
		}
		rp.neurons = r.Neurons
		if rp.neurons == nil {
			rp.neurons = make([]int, n)
			for j := range rp.neurons {
				rp.neurons[j] = j
			}
		}
		var err error
		switch r.Kind {
		case "spikes":
		case "state", "filtered_spikes":
			iv := r.IntervalMs
			if iv == 0 {
				iv = dt
			}
			if rp.interval, err = steps(where+".interval_ms", iv, dt); err != nil || rp.interval < 1 {
				return nil, param.New(pkg, where+".interval_ms", r.IntervalMs, fmt.Sprintf("0 or a positive multiple of dt = %g ms", dt))
			}
			if r.Kind == "state" {
				if m := p.pops[pi].model; m == generatorModel || m == parrotModel {
					return nil, param.New(pkg, where+".population", r.Population, fmt.Sprintf(`a population with state variables for kind = "state": %s neurons have none (their spikes are recorded by kind spikes, rate or filtered_spikes)`, m))
				}
				if rp.spec.Variable == "" {
					rp.spec.Variable = "V"
				}
				if !hasVar(p.pops[pi].model, rp.spec.Variable) {
					return nil, param.New(pkg, where+".variable", rp.spec.Variable, fmt.Sprintf("a state variable of %s: %v", p.pops[pi].model, varNames(p.pops[pi].model)))
				}
			} else if err := param.Positive(pkg, where+".tau_ms", r.TauMs); err != nil {
				return nil, err
			}
		case "rate":
			b := r.BinMs
			if b == 0 {
				b = 1
			}
			if rp.bin, err = steps(where+".bin_ms", b, dt); err != nil || rp.bin < 1 {
				return nil, param.New(pkg, where+".bin_ms", r.BinMs, fmt.Sprintf("0 or a positive multiple of dt = %g ms", dt))
			}
		}
		p.recs = append(p.recs, rp)
	}
	if err := checkReportFiles(p.recs); err != nil {
		return nil, err
	}
	return p, nil
}

// checkWeightGiven returns an error naming the weights of static
// projection pr (onto neurons of model) when none are given: weights left
// out (no dist and every number 0) and, for a list rule, no weight_list;
// for rule "sonata" loadEdges asks for weights.value when the file has no
// syn_weight. A static weight of 0 is given as dist = "constant", value =
// 0.0; a plastic projection's weights left out start at 0.
func checkWeightGiven(where string, pr ProjectionSpec, model string) error {
	w := pr.Weights
	if pr.Rule.Kind == "sonata" || pr.Plasticity.Kind != "" || pr.WeightList != nil ||
		w.Dist != "" || w.Value != 0 || w.Mean != 0 || w.Std != 0 || w.Low != 0 || w.High != 0 {
		return nil
	}
	field, eg := "weights", "weights = { value = 20.0 }"
	if pr.Rule.Kind == "list" {
		field, eg = "weight_list", "weight_list = [...] or weights = { value = 20.0 }"
	}
	return param.New(pkg, where+"."+field, "missing", fmt.Sprintf("the synapses' weights in %s (onto %s neurons), e.g. %s: required (a weight of 0 is weights = { dist = \"constant\", value = 0.0 })", weightUnits(model), model, eg))
}

// resolveWindow sets dp's window, [start, stop) in steps (stop −1: to the
// end), from d's StartMs and StopMs (0: the end): the steps whose time
// interval (t, t + dt] lies in (StartMs, StopMs], NEST's activity window
// of its devices (a dc current from StartMs acts on the step that starts
// there; a Poisson generator's spikes fall in (StartMs, StopMs]).
func resolveWindow(where string, d DeviceSpec, dt float64, dp *devPlan) error {
	var err error
	if dp.start, err = steps(where+".start_ms", d.StartMs, dt); err != nil {
		return err
	}
	dp.stop = -1
	if d.StopMs != 0 {
		if dp.stop, err = steps(where+".stop_ms", d.StopMs, dt); err != nil {
			return err
		}
		if dp.stop < dp.start {
			return param.New(pkg, where+".stop_ms", d.StopMs, "0 or ≥ start_ms")
		}
	}
	return nil
}

// resolveWeights resolves weights recorder r (see RecorderSpec): its
// projection by name (names: projectionNames), its interval, and its
// synapses as far as the spec tells (left out, or a non-empty list,
// ascending, distinct, ≥ 0; New checks them against the synapses built).
func resolveWeights(where string, r RecorderSpec, names []string, dt float64) (recPlan, error) {
	rp := recPlan{spec: r, proj: -1}
	if r.Population != "" {
		return rp, param.New(pkg, where+".population", r.Population, `left out for kind = "weights" (projection names what is recorded)`)
	}
	if r.Neurons != nil {
		return rp, param.New(pkg, where+".neurons", indexList(r.Neurons), `left out for kind = "weights" (synapses names what is recorded)`)
	}
	rp.proj = slices.Index(names, r.Projection)
	if rp.proj < 0 {
		if len(names) == 0 {
			return rp, param.New(pkg, where+".projection", r.Projection, "the name of a projection, but the spec has none")
		}
		return rp, param.New(pkg, where+".projection", r.Projection,
			"the name of a projection (<source>_to_<target>, as in edges.h5): one of "+strings.Join(names, ", "))
	}
	iv, err := steps(where+".interval_ms", r.IntervalMs, dt)
	if err != nil || iv < 1 {
		return rp, param.New(pkg, where+".interval_ms", r.IntervalMs, fmt.Sprintf("a positive multiple of dt = %g ms (the time between samples)", dt))
	}
	rp.interval = iv
	if r.Synapses != nil && len(r.Synapses) == 0 {
		// an empty list would record nothing, and encoding drops it: read
		// back, the spec would record every synapse
		return rp, param.New(pkg, where+".synapses", "[]", "left out for every synapse, or at least one index")
	}
	for k, i := range r.Synapses {
		if i < 0 || k > 0 && i <= r.Synapses[k-1] {
			return rp, param.New(pkg, fmt.Sprintf("%s.synapses[%d]", where, k), i, "≥ 0, ascending and distinct (indices in the projection's synapse order)")
		}
	}
	rp.synapses = r.Synapses
	return rp, nil
}

// indexList describes index list x for an error message: the list itself
// if short, else its length.
func indexList(x []int) string {
	if len(x) <= 8 {
		return fmt.Sprint(x)
	}
	return fmt.Sprintf("[%d indices]", len(x))
}

// finiteSample returns a param error naming name[j] for the first value
// x[j] that is not finite or overflows float32 (float32Value).
func finiteSample(name string, x []float64) error {
	for j, v := range x {
		if !(math.Abs(v) <= math.MaxFloat32) {
			return float32Value(fmt.Sprintf("%s[%d]", name, j), v)
		}
	}
	return nil
}

// float32Value returns a param error naming name, with the value given,
// when x (stored as float32: weights, state, parameters) is NaN, infinite
// or beyond float32's range (|x| > 3.4028235e38, which would become ±Inf).
func float32Value(name string, x float64) error {
	if math.Abs(x) <= math.MaxFloat32 {
		return nil
	}
	return param.New(pkg, name, x, fmt.Sprintf("finite and at most %g in magnitude (stored as float32)", float32(math.MaxFloat32)))
}

// float32Weights checks the numbers of w (stored as float32) with
// float32Fields, naming where.<field>.
func float32Weights(where string, w synapses.Weights) error {
	return float32Fields(where, w.Value, w.Low, w.High, w.Mean, w.Std)
}

// float32Fields checks the five numbers of a weight or initial-value
// distribution (stored as float32) with float32Value, naming
// name.value, .low, .high, .mean and .std.
func float32Fields(name string, value, low, high, mean, std float64) error {
	return param.First(float32Value(name+".value", value), float32Value(name+".low", low), float32Value(name+".high", high),
		float32Value(name+".mean", mean), float32Value(name+".std", std))
}

// MaxWorkers is the largest worker count Spec.Workers and WithWorkers
// accept: more hardware threads than any shared-memory node has, so a larger
// value is a mistake (each worker costs a goroutine, scratch memory and, per
// projection, 8 bytes per source neuron).
const MaxWorkers = 4096

// conductanceWeights returns projection pr (of sign: its weights.sign or
// the source's) onto conductance-based neurons with its explicit weights
// (a list rule's, or an edges file's as loadEdges read them) as
// conductances, |w|: on the inh receptor either sign reads as inhibitory
// (NEST's convention, or magnitudes), on the exc receptor a negative weight
// is an error. Rules' weights are built as magnitudes (the caller gives them
// sign 1); onto the exc receptor without a Dale sign, a negative constant, a
// uniform low end below 0, or a normal or lognormal mean below 0 is an
// error.
func conductanceWeights(where string, pr ProjectionSpec, sign, recep int) (ProjectionSpec, error) {
	bad := func(field string, w float64) error {
		return param.New(pkg, where+"."+field, w, `≥ 0 on the exc receptor: conductances (nS) onto conductance-based neurons; receptor = "inh" or sign -1 makes them inhibitory`)
	}
	// explicit weights: a list's, named, or an edges file's (edge, or every
	// edge when loadEdges moved their one weight to weights.value)
	badExplicit := func(field, edge string, w float64) error {
		if pr.EdgesFile != "" {
			return param.New(pkg, where+".edges_file", pr.EdgesFile, fmt.Sprintf("syn_weight ≥ 0 onto the exc receptor of conductance-based neurons: %s of %s has %g", edge, pr.EdgesPopulation, w))
		}
		return bad(field, w)
	}
	if pr.Rule.Kind == "list" {
		if pr.WeightList == nil {
			if recep == neurons.Exc && pr.Weights.Value < 0 {
				return pr, badExplicit("weights.value", "every edge", pr.Weights.Value)
			}
			pr.Weights.Value = math.Abs(pr.Weights.Value)
			return pr, nil
		}
		ws := make([]float64, len(pr.WeightList))
		for k, w := range pr.WeightList {
			if recep == neurons.Exc && w < 0 {
				return pr, badExplicit(fmt.Sprintf("weight_list[%d]", k), fmt.Sprintf("edge %d", k), w)
			}
			ws[k] = math.Abs(w)
		}
		pr.WeightList = ws
		return pr, nil
	}
	if sign != 0 || recep == neurons.Inh { // built as magnitudes
		return pr, nil
	}
	switch w := pr.Weights; w.Dist {
	case "", "constant":
		if w.Value < 0 {
			return pr, bad("weights.value", w.Value)
		}
	case "uniform":
		if w.Low < 0 {
			return pr, bad("weights.low", w.Low)
		}
	case "normal", "lognormal":
		if w.Mean < 0 {
			return pr, bad("weights.mean", w.Mean)
		}
	}
	return pr, nil
}

// effectiveWorkers returns the workers a network runs with when w are asked
// for: at most the neurons of the largest population, since workers share
// out each population's neurons and any more would have none. Results do
// not depend on the worker count.
func (p *plan) effectiveWorkers(w int) int {
	n := 1
	for _, pp := range p.pops {
		n = max(n, pp.spec.N)
	}
	return min(w, n)
}

func varNames(model string) []string {
	switch model {
	case generatorModel, parrotModel:
		return nil
	case "lif_delta":
		return []string{"V"}
	case "lif_alpha":
		return []string{"V", "Ie", "Ii", "IeRise", "IiRise"}
	case "lif_cond":
		return []string{"V", "Ge", "Gi"}
	case "adex_cond":
		return []string{"V", "W", "Ge", "Gi"}
	case "hh_cond":
		return []string{"V", "M", "H", "N", "Ge", "Gi"}
	case "izhikevich":
		return []string{"V", "U", "a", "b", "c", "d"}
	}
	return []string{"V", "Ie", "Ii"}
}

func hasVar(model, v string) bool {
	i := sort.SearchStrings(sortedVars(model), v)
	s := sortedVars(model)
	return i < len(s) && s[i] == v
}

func sortedVars(model string) []string {
	v := append([]string(nil), varNames(model)...)
	sort.Strings(v)
	return v
}
