package kernel

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"slices"

	"github.com/neurodyn/neurodyn/events"
	"github.com/neurodyn/neurodyn/internal/param"
)

// Checkpoint formats: version 2 (written) adds the time_series devices'
// series and a CRC-32C trailer to version 1 (still read).
const (
	checkpointMagic   = "NDYNCKP2"
	checkpointMagicV1 = "NDYNCKP1"
)

// ErrCheckpointDamaged is matched (errors.Is) by Restore's error for a
// checkpoint whose content does not match its checksum or that ends early.
var ErrCheckpointDamaged = errors.New("kernel: checkpoint damaged")

// castagnoli is the CRC-32C table of the checkpoint trailer.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checkpoint writes the full dynamic state of the network to w: the step,
// the counters, every neuron's state (a spike_generator population's: the
// number of spikes it has emitted), the ring buffers, the precise-mode
// event queues and the recorders' running state (filtered traces, partial
// rate bins) and, for plastic projections, the weights, presynaptic traces
// and postsynaptic spike histories, for projections with short-term
// plasticity the state of every source, and for time_series devices where
// their series started and, if SetSeries replaced it, the samples of it
// still to be held (from the current one on). Random streams are
// counter-based (seed, neuron, step), so the step is all they need.
// Recorded data already written to the sinks is not included.
//
// The format (version 2) is little-endian binary (encoding/binary): the
// magic string "NDYNCKP2", the network's fingerprint (its spec without
// Workers and edges-file paths, then a digest of each edges file), the
// state above, and a trailer: the CRC-32C (Castagnoli) of every byte before
// it, which Restore verifies. Its bytes do not depend on the number of
// workers.
func (net *Network) Checkpoint(w io.Writer) error {
	for _, r := range net.recs {
		if err := r.flush(); err != nil {
			return err
		}
	}
	h := crc32.New(castagnoli)
	bw := bufio.NewWriter(io.MultiWriter(w, h))
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
	for _, d := range net.devs {
		if d.plan.spec.Kind != "time_series" {
			continue
		}
		origin, rest := d.seriesFrom(net.step)
		if err := binary.Write(bw, binary.LittleEndian, [2]int64{int64(origin), int64(len(rest))}); err != nil {
			return fmt.Errorf("kernel: checkpoint: %w", err)
		}
		for _, x := range rest {
			if err := binary.Write(bw, binary.LittleEndian, x); err != nil {
				return fmt.Errorf("kernel: checkpoint: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("kernel: checkpoint: %w", err)
	}
	if err := binary.Write(w, binary.LittleEndian, h.Sum32()); err != nil {
		return fmt.Errorf("kernel: checkpoint: %w", err)
	}
	return nil
}

// seriesFrom returns what a checkpoint at step keeps of a time_series
// device: its origin and, if SetSeries replaced the spec's series, the
// samples from the one held at step on (nil: the spec's series), with the
// origin moved to the first of them. The samples before are never read
// again, so the checkpoint does not grow with the series fed so far.
func (d *device) seriesFrom(step int64) (origin int, rest [][]float64) {
	if !d.replaced {
		return d.origin, nil
	}
	s := min(max(0, int(step/int64(d.plan.seriesSteps))-d.origin), len(d.series)-1)
	return d.origin + s, d.series[s:]
}

// checkpointName names r's file in errors, if r has a name (an *os.File).
func checkpointName(r io.Reader) string {
	if f, ok := r.(interface{ Name() string }); ok && f.Name() != "" {
		return "checkpoint " + f.Name()
	}
	return "the checkpoint"
}

// damagedError is the error of a checkpoint that fails its checksum; it
// matches ErrCheckpointDamaged.
type damagedError struct{ msg string }

func (e *damagedError) Error() string        { return e.msg }
func (e *damagedError) Is(target error) bool { return target == ErrCheckpointDamaged }

func damaged(name, why string) error {
	return &damagedError{fmt.Sprintf("kernel: restore: %s is damaged (%s): it was changed or corrupted after it was written", name, why)}
}

// verifyCheckpoint checks the checksum of a version-2 checkpoint read from
// r before Restore changes any state, if r can be read twice: a
// *bytes.Buffer, or an io.ReadSeeker (an *os.File) whose checkpoint runs
// to its end, read through once in constant memory and sought back. Other
// readers are verified while they are restored (Restore then puts the state
// back on a mismatch). verified tells whether r was read through.
func verifyCheckpoint(r io.Reader) (verified bool, err error) {
	name := checkpointName(r)
	switch v := r.(type) {
	case *bytes.Buffer:
		return true, checkSum(bytes.NewReader(v.Bytes()), int64(v.Len()), name)
	case io.ReadSeeker:
		start, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return false, nil // not seekable after all (a pipe): verified while restored
		}
		end, err := v.Seek(0, io.SeekEnd)
		if err == nil {
			err = checkSumAt(v, start, end-start, name)
		}
		if _, serr := v.Seek(start, io.SeekStart); serr != nil && err == nil {
			err = fmt.Errorf("kernel: restore: %s: %w", name, serr)
		}
		return true, err
	}
	return false, nil
}

func checkSumAt(r io.ReadSeeker, start, size int64, name string) error {
	if _, err := r.Seek(start, io.SeekStart); err != nil {
		return fmt.Errorf("kernel: restore: %s: %w", name, err)
	}
	return checkSum(r, size, name)
}

// checkSum reads the size bytes of a checkpoint from r and compares the
// CRC-32C of all but the last 4 with them. Other than version-2
// checkpoints pass (restore tells what they are).
func checkSum(r io.Reader, size int64, name string) error {
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != checkpointMagic {
		return nil
	}
	if size < int64(len(magic))+4 {
		return damaged(name, "it ends before its checksum")
	}
	h := crc32.New(castagnoli)
	h.Write(magic)
	if _, err := io.CopyN(h, r, size-int64(len(magic))-4); err != nil {
		return fmt.Errorf("kernel: restore: %s: %w", name, err)
	}
	var sum uint32
	if err := binary.Read(r, binary.LittleEndian, &sum); err != nil {
		return fmt.Errorf("kernel: restore: %s: %w", name, err)
	}
	if got := h.Sum32(); got != sum {
		return damaged(name, fmt.Sprintf("CRC-32C of its content %08x, recorded %08x", got, sum))
	}
	return nil
}

// drainSum reads the rest of a checkpoint whose parsing failed into h and
// tells whether the checksum at its end then matches (false: the failure
// is damage, not another network's checkpoint).
func drainSum(r io.Reader, h hash.Hash32) bool {
	var tail []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		tail = append(tail, buf[:n]...)
		if k := len(tail) - 4; k > 0 {
			h.Write(tail[:k])
			tail = append(tail[:0], tail[k:]...)
		}
		if err != nil {
			return err == io.EOF && len(tail) == 4 && binary.LittleEndian.Uint32(tail) == h.Sum32()
		}
	}
}

// Restore reads a checkpoint written by a network built from the same spec
// (the number of workers may differ, in the spec or WithWorkers) and
// continues from it: the rest of the run is bit-identical to an
// uninterrupted one. time_series devices continue the series the
// checkpoint holds (one SetSeries put in, else the spec's), from where it
// started. A checkpoint that cannot be read whole (truncated, damaged,
// another spec's) is an error and leaves the network as it was: a damaged
// one (its CRC-32C does not match; errors.Is ErrCheckpointDamaged) is found
// before any state changes when r is an *os.File or another io.ReadSeeker
// (read twice, streaming, the checkpoint running to its end) or a
// *bytes.Buffer; otherwise, and for every other error, Restore puts back a
// checkpoint of the current state that it keeps in memory. Version-1
// checkpoints (before the checksum) are still read, unverified; they
// restore the spec's series.
func (net *Network) Restore(r io.Reader) error {
	verified, err := verifyCheckpoint(r)
	if err != nil {
		return err
	}
	var before bytes.Buffer
	if err := net.Checkpoint(&before); err != nil {
		return err
	}
	err = net.restore(r, verified)
	if err == nil {
		return nil
	}
	if back := net.restore(&before, true); back != nil {
		return fmt.Errorf("%w (and the state before it could not be put back: %v; build the network anew)", err, back)
	}
	return err
}

// restore reads a checkpoint from r into the network (Restore puts the
// state back if it fails). A version-2 checkpoint is hashed as it is read
// and its trailer compared at the end; when reading fails before, the rest
// is hashed to tell damage from a checkpoint of another network, unless
// it was verified already.
func (net *Network) restore(r io.Reader, verified bool) error {
	name := checkpointName(r)
	br := bufio.NewReader(r)
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(br, magic); err != nil {
		return param.New(pkg, "checkpoint", "bad magic", "a neurodyn checkpoint")
	}
	switch string(magic) {
	case checkpointMagicV1:
		return net.restoreBody(br, 1)
	case checkpointMagic:
	default:
		return param.New(pkg, "checkpoint", "bad magic", "a neurodyn checkpoint (NDYNCKP1 or NDYNCKP2)")
	}
	h := crc32.New(castagnoli)
	h.Write(magic)
	if err := net.restoreBody(io.TeeReader(br, h), 2); err != nil {
		if !verified && !drainSum(br, h) {
			return damaged(name, "its CRC-32C does not match its content")
		}
		return err
	}
	var sum uint32
	if err := binary.Read(br, binary.LittleEndian, &sum); err != nil {
		return damaged(name, "it ends before its checksum")
	}
	if got := h.Sum32(); got != sum {
		return damaged(name, fmt.Sprintf("CRC-32C of its content %08x, recorded %08x", got, sum))
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return damaged(name, "bytes follow its checksum")
	}
	return nil
}

// altFingerprintIs reports whether fp is net's altFingerprint.
func (net *Network) altFingerprintIs(fp []byte) bool {
	alt, ok := net.altFingerprint()
	return ok && bytes.Equal(fp, alt)
}

// restoreBody reads what follows the magic string of a checkpoint of the
// version.
func (net *Network) restoreBody(br io.Reader, version int) error {
	var n int64
	if err := binary.Read(br, binary.LittleEndian, &n); err != nil || n < 0 || n > 1<<30 {
		return fmt.Errorf("kernel: restore: bad header")
	}
	fp := make([]byte, n)
	if _, err := io.ReadFull(br, fp); err != nil {
		return fmt.Errorf("kernel: restore: %w", err)
	}
	if want, specLen := net.fingerprint(); !bytes.Equal(fp, want) && !net.altFingerprintIs(fp) {
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
		if d.plan.spec.Kind != "time_series" {
			continue
		}
		if version == 1 { // no series: the spec's, as written
			d.series, d.origin, d.replaced = d.plan.spec.Series, 0, false
			continue
		}
		if err := d.loadSeries(br, st[0]); err != nil {
			return fmt.Errorf("kernel: restore: device %s: %w", d.plan.name, err)
		}
	}
	for _, d := range net.devs {
		for w := range d.sample {
			d.sample[w] = -1
		}
	}
	for i, pop := range net.pops {
		if g, ok := pop.model.(*generator); ok {
			if err := g.seek(st[0]); err != nil {
				return fmt.Errorf("%w (population[%d])", err, i)
			}
		}
	}
	net.step = st[0]
	net.stats.Steps, net.stats.Spikes, net.stats.SynEvents = st[1], st[2], st[3]
	return nil
}

// loadSeries reads what Checkpoint wrote of a time_series device at step.
func (d *device) loadSeries(r io.Reader, step int64) error {
	var hd [2]int64
	if err := binary.Read(r, binary.LittleEndian, &hd); err != nil {
		return err
	}
	origin, rows := hd[0], hd[1]
	if origin < 0 || origin > step/int64(d.plan.seriesSteps) || rows < 0 || (rows == 0 && origin != 0) {
		return fmt.Errorf("series of %d samples from sample %d out of range at step %d", rows, origin, step)
	}
	if rows == 0 {
		d.series, d.origin, d.replaced = d.plan.spec.Series, 0, false
		return nil
	}
	var series [][]float64 // grown as read: a count no data follows allocates nothing
	for k := range rows {
		x := make([]float64, d.plan.dims)
		if err := binary.Read(r, binary.LittleEndian, x); err != nil {
			return err
		}
		if err := finiteSample(fmt.Sprintf("series[%d]", k), x); err != nil {
			return err
		}
		series = append(series, x)
	}
	d.series, d.origin, d.replaced = series, int(origin), true
	return nil
}
