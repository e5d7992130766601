package kernel

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"slices"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
)

const checkpointMagic = "NDYNCKP1"

// Checkpoint writes the full dynamic state of the network to w: the step,
// the counters, every neuron's state, the ring buffers, the precise-mode
// event queues and the recorders' running state (filtered traces, partial
// rate bins) and, for plastic projections, the weights, presynaptic traces
// and postsynaptic spike histories, and for projections with short-term
// plasticity the state of every source. Random streams are counter-based (seed, neuron, step), so the
// step is all they need. Recorded data already written to the sinks is not
// included. The format is little-endian binary (encoding/binary) behind a
// magic string and the spec's fingerprint; its bytes do not depend on the
// number of workers.
func (net *Network) Checkpoint(w io.Writer) error {
	for _, r := range net.recs {
		if err := r.flush(); err != nil {
			return err
		}
	}
	bw := bufio.NewWriter(w)
	fp, _ := net.fingerprint()
	hdr := []any{[]byte(checkpointMagic), int64(len(fp)), fp,
		net.step, net.stats.Steps, net.stats.Spikes, net.stats.SynEvents}
	for _, x := range hdr {
		if err := binary.Write(bw, binary.LittleEndian, x); err != nil {
			return fmt.Errorf("kernel: checkpoint: %w", err)
		}
	}
	for _, pop := range net.pops {
		if err := pop.model.SaveState(bw); err != nil {
			return err
		}
		for _, r := range pop.rings {
			if err := r.Save(bw); err != nil {
				return fmt.Errorf("kernel: checkpoint: %w", err)
			}
		}
	}
	if net.precise != nil {
		for p := range net.pops {
			var all []events.Event
			var steps []int64
			for w := range net.workers {
				q := net.precise.queues[w][p]
				for st := net.step; st < net.step+int64(q.ev.Slots()); st++ {
					for _, e := range net.pending(q, w, st) {
						all = append(all, e)
						steps = append(steps, st)
					}
				}
			}
			idx := make([]int, len(all))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int {
				if steps[a] != steps[b] {
					return int(steps[a] - steps[b])
				}
				ea, eb := all[a], all[b]
				if ea.Target != eb.Target {
					return int(ea.Target - eb.Target)
				}
				return int(ea.Seq - eb.Seq)
			})
			if err := binary.Write(bw, binary.LittleEndian, int64(len(all))); err != nil {
				return err
			}
			// Seq is written as the rank among the events of the same step
			// and target (Restore pushes them in this order, which is all
			// Seq means), so that the checkpoint does not depend on how
			// many events each worker's queue took before.
			var rank int32
			for k, i := range idx {
				if k > 0 && (steps[i] != steps[idx[k-1]] || all[i].Target != all[idx[k-1]].Target) {
					rank = 0
				}
				e := all[i]
				e.Seq, rank = rank, rank+1
				if err := binary.Write(bw, binary.LittleEndian, steps[i]); err != nil {
					return err
				}
				if err := binary.Write(bw, binary.LittleEndian, e); err != nil {
					return err
				}
			}
		}
	}
	for _, r := range net.recs {
		if err := binary.Write(bw, binary.LittleEndian, int64(r.count)); err != nil {
			return err
		}
		if err := binary.Write(bw, binary.LittleEndian, int64(len(r.trace))); err != nil {
			return err
		}
		if err := binary.Write(bw, binary.LittleEndian, r.trace); err != nil {
			return err
		}
	}
	for _, pr := range net.plastic {
		if err := pr.stdp.save(bw, pr.csr); err != nil {
			return fmt.Errorf("kernel: checkpoint: %w", err)
		}
	}
	for _, pr := range net.dynamic {
		if err := pr.stp.save(bw); err != nil {
			return fmt.Errorf("kernel: checkpoint: %w", err)
		}
	}
	return bw.Flush()
}

// Restore reads a checkpoint written by a network built from the same spec
// (the number of workers may differ) and continues from it: the rest of the
// run is bit-identical to an uninterrupted one. A checkpoint that cannot be
// read whole (truncated, damaged, another spec's) is an error and leaves
// the network as it was: Restore keeps a checkpoint of the current state in
// memory to go back to.
func (net *Network) Restore(r io.Reader) error {
	var before bytes.Buffer
	if err := net.Checkpoint(&before); err != nil {
		return err
	}
	err := net.restore(r)
	if err == nil {
		return nil
	}
	if back := net.restore(&before); back != nil {
		return fmt.Errorf("%w (and the state before it could not be put back: %v; build the network anew)", err, back)
	}
	return err
}

func (net *Network) restore(r io.Reader) error {
	br := bufio.NewReader(r)
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != checkpointMagic {
		return param.New(pkg, "checkpoint", "bad magic", "a neurodyn checkpoint")
	}
	var n int64
	if err := binary.Read(br, binary.LittleEndian, &n); err != nil || n < 0 || n > 1<<30 {
		return fmt.Errorf("kernel: restore: bad header")
	}
	fp := make([]byte, n)
	if _, err := io.ReadFull(br, fp); err != nil {
		return fmt.Errorf("kernel: restore: %w", err)
	}
	if want, specLen := net.fingerprint(); !bytes.Equal(fp, want) {
		if len(fp) >= specLen && bytes.Equal(fp[:specLen], want[:specLen]) {
			return param.New(pkg, "checkpoint", "edges files differ", "a checkpoint of a network whose edges files held the same synapses (one changed since)")
		}
		return param.New(pkg, "checkpoint", "spec differs", "a checkpoint of a network built from the same spec")
	}
	var st [4]int64
	if err := binary.Read(br, binary.LittleEndian, &st); err != nil {
		return fmt.Errorf("kernel: restore: %w", err)
	}
	if st[0] < 0 {
		return fmt.Errorf("kernel: restore: bad step %d", st[0])
	}
	for _, pop := range net.pops {
		if err := pop.model.LoadState(br); err != nil {
			return err
		}
		for _, rg := range pop.rings {
			if err := rg.Load(br); err != nil {
				return fmt.Errorf("kernel: restore: %w", err)
			}
		}
	}
	if net.precise != nil {
		for p, pop := range net.pops {
			for w := range net.workers {
				q := net.precise.queues[w][p]
				for s := int64(0); s < int64(q.ev.Slots()); s++ {
					q.clear(s)
				}
			}
			var cnt int64
			if err := binary.Read(br, binary.LittleEndian, &cnt); err != nil {
				return err
			}
			for range cnt {
				var step int64
				var e events.Event
				if err := binary.Read(br, binary.LittleEndian, &step); err != nil {
					return err
				}
				if err := binary.Read(br, binary.LittleEndian, &e); err != nil {
					return err
				}
				w := 0
				for w < net.workers-1 && int(e.Target) >= pop.bounds[w+1] {
					w++
				}
				net.precise.queues[w][p].ev.Insert(step, e.Target, e.Recep, e.Off, e.W)
			}
		}
	}
	for _, rc := range net.recs {
		var c, m int64
		if err := binary.Read(br, binary.LittleEndian, &c); err != nil {
			return err
		}
		if err := binary.Read(br, binary.LittleEndian, &m); err != nil || m != int64(len(rc.trace)) {
			return fmt.Errorf("kernel: restore: recorder %s state does not match", rc.name)
		}
		if err := binary.Read(br, binary.LittleEndian, rc.trace); err != nil {
			return err
		}
		rc.count = int(c)
		rc.times, rc.ids = rc.times[:0], rc.ids[:0]
	}
	for _, pr := range net.plastic {
		if err := pr.stdp.load(br, pr.csr, st[0]); err != nil {
			return fmt.Errorf("kernel: restore: plasticity of projection[%d]: %w", pr.index, err)
		}
	}
	for _, pr := range net.dynamic {
		if err := pr.stp.load(br, st[0]); err != nil {
			return fmt.Errorf("kernel: restore: short-term plasticity of projection[%d]: %w", pr.index, err)
		}
	}
	for _, d := range net.devs {
		for w := range d.sample {
			d.sample[w] = -1
		}
	}
	net.step = st[0]
	net.stats.Steps, net.stats.Spikes, net.stats.SynEvents = st[1], st[2], st[3]
	return nil
}
