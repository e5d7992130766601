package snn

import (
	"fmt"

	"github.com/neurodyn/neurodyn/internal/param"
)

// SpikeRecord holds every spike of one recorded run: spike k is neuron
// IDs[k] at TimesMs[k] (ms from the start of the run, the end of the step
// in which it fired), in time order. Neurons are numbered E first: ids
// 0 … NE−1 are excitatory, NE … N−1 inhibitory. DurationMs is the length
// of the run.
type SpikeRecord struct {
	TimesMs    []float64
	IDs        []int32
	N, NE      int
	DurationMs float64
}

// RecordSpikes runs the model as one stream from the zero state over the
// samples x (rows×Inputs, normalized units), each held for SubSteps steps
// with the observed inputs (teacher forcing), and returns every spike of
// every step and the output after each sample (rows×Outputs, the
// prediction of the next sample). It uses the current parameters and does
// not touch the model's own stream. Smooth models have no binary spikes
// and return an error.
func (m *Model[T]) RecordSpikes(x []float64, rows int) (*SpikeRecord, []float64, error) {
	c := m.cfg
	if err := param.PositiveInt(pkg, "rows", rows); err != nil {
		return nil, nil, err
	}
	if len(x) != rows*c.Inputs {
		return nil, nil, param.New(pkg, "x", fmt.Sprintf("%d values", len(x)), fmt.Sprintf("rows·Inputs = %d", rows*c.Inputs))
	}
	if c.Smooth {
		return nil, nil, param.New(pkg, "Smooth", true, "false: a smooth network has no binary spikes to record")
	}
	e := newNet[T](c)
	m.effective(e)
	s := newStream(e, 1)
	s.reset()
	N, I, O := e.N, e.I, e.O
	rec := &SpikeRecord{N: N, NE: e.NE}
	out := make([]float64, rows*O)
	for t := 0; t < rows; t++ {
		for k := 0; k < I; k++ {
			s.xb[k] = T(x[t*I+k])
		}
		e.project(s.inp, s.xb, 1)
		for k := 0; k < e.K; k++ {
			b := s.t & 1
			e.step(s.st, s.inp, s.u, s.s[b], nil, &s.l[b])
			s.t++
			tMs := float64(s.t) * c.DtMs
			for j, v := range s.s[b][:N] {
				if v != 0 {
					rec.TimesMs = append(rec.TimesMs, tMs)
					rec.IDs = append(rec.IDs, int32(j))
				}
			}
		}
		e.features(s.feat, s.st)
		e.decode(s.yb, s.feat, s.xb, 1)
		for k, v := range s.yb[:O] {
			out[t*O+k] = float64(v)
		}
	}
	rec.DurationMs = float64(s.t) * c.DtMs
	return rec, out, nil
}

// recordingSink forwards a spikes recorder's blocks to the sink it had
// and keeps a copy, with ids offset to the reservoir's global numbering.
type recordingSink struct {
	next   *countSink
	rec    *SpikeRecord
	offset int32
	t0     float64
}

func (s *recordingSink) WriteSpikes(t []float64, ids []uint32) error {
	for k, id := range ids {
		s.rec.TimesMs = append(s.rec.TimesMs, t[k]-s.t0)
		s.rec.IDs = append(s.rec.IDs, s.offset+int32(id))
	}
	return s.next.WriteSpikes(t, ids)
}

// RecordSpikes runs the reservoir from its initial state over the samples
// x (rows×dim, normalized units), each held for SampleMs, and returns every
// spike (E neurons first, then I; times from the start of the run, in the
// order the engine delivers them: by time within each population's blocks)
// and the readout's prediction after each sample (rows×dim). The readout
// must be fitted. The reservoir is left at the end of the run; call Reset
// before running it as a Stepper again.
func (r *Reservoir) RecordSpikes(x []float64, rows int) (*SpikeRecord, []float64, error) {
	if r.Readout == nil {
		return nil, nil, param.New(pkg, "Reservoir.Readout", "nil", "a fitted readout (FitLorenz)")
	}
	if err := param.PositiveInt(pkg, "rows", rows); err != nil {
		return nil, nil, err
	}
	if len(x) != rows*r.dim {
		return nil, nil, param.New(pkg, "x", fmt.Sprintf("%d values", len(x)), fmt.Sprintf("rows·dim = %d", rows*r.dim))
	}
	if err := r.reset(); err != nil {
		return nil, nil, err
	}
	ne := r.cfg.NumE()
	rec := &SpikeRecord{N: r.cfg.N, NE: ne}
	t0 := float64(r.net.TimeMs())
	pops := []string{"E", "I"}
	offsets := []int32{0, int32(ne)}
	for k, cs := range r.counts {
		if err := r.net.SetSink("spikes:"+pops[k], &recordingSink{next: cs, rec: rec, offset: offsets[k], t0: t0}); err != nil {
			return nil, nil, err
		}
	}
	defer func() {
		for k, cs := range r.counts {
			_ = r.net.SetSink("spikes:"+pops[k], cs)
		}
	}()
	out := make([]float64, rows*r.dim)
	for t := 0; t < rows; t++ {
		r.Step(out[t*r.dim:(t+1)*r.dim], x[t*r.dim:(t+1)*r.dim])
	}
	rec.DurationMs = float64(r.net.TimeMs()) - t0
	return rec, out, nil
}
