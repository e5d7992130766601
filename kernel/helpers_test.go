package kernel_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/kernel"
	"github.com/neurodyn/neurodyn/synapses"
)

func synapsesNormal(m, s float64) synapses.Weights {
	return synapses.Weights{Dist: "normal", Mean: m, Std: s}
}

func synapsesConst(v float64) synapses.Weights { return synapses.Weights{Value: v} }

// goldenSum returns the FNV-1a checksum of net's checkpoint (its whole
// state) in format version 1 (kernel.CheckpointV1: the goldens predate
// version 2, whose state bytes are the same), then of weights, then of
// every recorder's spikes (times and ids), and the number of spikes: what
// the golden tests pin.
func goldenSum(t testing.TB, net *kernel.Network, weights [][]float32) (uint64, int) {
	t.Helper()
	h := fnv.New64a()
	ck, err := kernel.CheckpointV1(net)
	if err != nil {
		t.Fatal(err)
	}
	h.Write(ck)
	var buf [8]byte
	for _, w := range weights {
		for _, x := range w {
			binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(x))
			h.Write(buf[:4])
		}
	}
	n := hashSpikes(h, net)
	return h.Sum64(), n
}

// hashSpikes writes every recorder's spikes (times and ids) of net to h,
// as goldenSum does, and returns their number.
func hashSpikes(h io.Writer, net *kernel.Network) int {
	var buf [8]byte
	n := 0
	for _, r := range net.Recorders() {
		m := r.Spikes()
		if m == nil {
			continue
		}
		n += len(m.IDs)
		for i, tm := range m.TimesMs {
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(tm))
			h.Write(buf[:])
			binary.LittleEndian.PutUint32(buf[:4], m.IDs[i])
			h.Write(buf[:4])
		}
	}
	return n
}

// checkIdentical checks that a network whose uninterrupted one-worker run
// of ms gave refSpikes and refW gives the same bits with 2 and 3 workers,
// split into four Run calls, and on every kernel path. run(workers, ms...)
// builds the network, runs it for each duration in turn and returns its
// spikes and weights.
func checkIdentical[W any](t *testing.T, ms float64, refSpikes map[string]*kernel.SpikeMemory, refW W,
	run func(workers int, ms ...float64) (map[string]*kernel.SpikeMemory, W)) {
	t.Helper()
	check := func(name string, spikes map[string]*kernel.SpikeMemory, ws W) {
		t.Helper()
		if !reflect.DeepEqual(spikes, refSpikes) {
			t.Fatalf("%s: spikes differ", name)
		}
		if !reflect.DeepEqual(ws, refW) {
			t.Fatalf("%s: weights differ", name)
		}
	}
	for _, w := range []int{2, 3} {
		sp, ws := run(w, ms)
		check("workers="+strconv.Itoa(w), sp, ws)
	}
	sp, ws := run(2, 0.1, ms/2-0.1, 3.3, ms/2-3.3)
	check("split run", sp, ws)
	defer asm.Reset()
	for _, p := range asm.Paths() {
		if err := asm.Select(p); err != nil {
			t.Fatal(err)
		}
		sp, ws := run(1, ms)
		check("path "+p, sp, ws)
	}
}

// runsFor builds s and runs it for ms, failing t on any error.
func runsFor(t *testing.T, s kernel.Spec, ms float64) {
	t.Helper()
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
}

// tomlRoundTrip encodes s as TOML and decodes the text back.
func tomlRoundTrip(t *testing.T, s kernel.Spec) (string, kernel.Spec) {
	t.Helper()
	var buf bytes.Buffer
	if err := kernel.EncodeTOML(&buf, s); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	back, err := kernel.DecodeTOML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return text, back
}

// checkGolden runs s with 2 workers for ms and compares goldenSum of the
// network, the weights weights returns (nil: none) and its spikes with
// want, after checking that at least minSpikes were recorded.
func checkGolden(t *testing.T, s kernel.Spec, ms float64, weights func(*kernel.Network) [][]float32, minSpikes int, want uint64) {
	t.Helper()
	net, err := kernel.New(s, kernel.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(ms); err != nil {
		t.Fatal(err)
	}
	var ws [][]float32
	if weights != nil {
		ws = weights(net)
	}
	sum, n := goldenSum(t, net, ws)
	if n < minSpikes {
		t.Fatalf("%d spikes in %g ms, want at least %d", n, ms, minSpikes)
	}
	if sum != want {
		t.Fatalf("checksum of the state, %d weight arrays and %d spikes %#x, golden %#x", len(ws), n, sum, want)
	}
}

// recorderSpikes returns the spikes of net's spike recorders by name.
func recorderSpikes(net *kernel.Network) map[string]*kernel.SpikeMemory {
	spikes := map[string]*kernel.SpikeMemory{}
	for _, r := range net.Recorders() {
		if m := r.Spikes(); m != nil {
			spikes[r.Name()] = m
		}
	}
	return spikes
}

// runNet builds s with workers, runs it for each of ms in turn and gives
// the network to after before closing it.
func runNet(t testing.TB, s kernel.Spec, workers int, after func(*kernel.Network), ms ...float64) {
	t.Helper()
	net, err := kernel.New(s, kernel.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	for _, d := range ms {
		if err := net.Run(d); err != nil {
			t.Fatal(err)
		}
	}
	after(net)
}

// ckBody returns a copy of checkpoint ck without its CRC-32C trailer, and
// seal appends the trailer of b: tests that write out-of-range values into
// a checkpoint reseal it, so that Restore's own checks (not the checksum)
// have to find them.
func ckBody(ck []byte) []byte { return bytes.Clone(ck[:len(ck)-4]) }

func seal(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}
