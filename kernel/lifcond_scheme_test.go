package kernel_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/fnv"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/kernel"
)

// cobaStartGolden is the coba golden (TestKernelGolden) of the lif_cond
// "start" scheme: the checksum every lif_cond network had before the
// "mean" scheme became the default. A multiplication by 1 is exact, so the
// step-mean factors of 1 must leave it unchanged, bit for bit.
const cobaStartGolden = 0x3b260721913cc68b

// TestLIFCondStartGolden: the coba preset with options.conductance_scheme =
// "start" on both populations reproduces the checksum from before the
// scheme parameter existed (checkStartGolden).
func TestLIFCondStartGolden(t *testing.T) { checkStartGolden(t, "coba", cobaStartGolden) }

// checkStartGolden checks that the small preset name with
// options.conductance_scheme = "start" on every population round-trips
// through TOML with the options, changes the checkpoint's fingerprint, and
// reproduces after 80 ms with 2 workers the golden checksum want from
// before the scheme parameter existed (the checkpoint's header taken as it
// was then: preSchemeHeader), as goldenSum computes it.
func checkStartGolden(t *testing.T, name string, want uint64) {
	t.Helper()
	plain := smallPresets(t)[name]
	s := smallPresets(t)[name]
	for i := range s.Populations {
		s.Populations[i].Options = map[string]string{"conductance_scheme": "start"}
	}
	_, back := tomlRoundTrip(t, s)
	for i, p := range back.Populations {
		if p.Options["conductance_scheme"] != "start" {
			t.Fatalf("population %d after TOML: options %v", i, p.Options)
		}
	}
	checkpoint := func(s kernel.Spec, ms float64) (*kernel.Network, []byte) {
		net, err := kernel.New(s, kernel.WithWorkers(2))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { net.Close() })
		if err := net.Run(ms); err != nil {
			t.Fatal(err)
		}
		b, err := kernel.CheckpointV1(net) // the goldens' format (goldenSum)
		if err != nil {
			t.Fatal(err)
		}
		return net, b
	}
	net, a := checkpoint(back, 80)
	_, b := checkpoint(plain, 0)
	head := func(b []byte) int { // magic (8 bytes), the fingerprint's length (int64), the fingerprint: the spec
		return 16 + int(binary.LittleEndian.Uint64(b[8:]))
	}
	if bytes.Equal(a[:head(a)], b[:head(b)]) {
		t.Fatal("the options do not change the fingerprint")
	}
	h := fnv.New64a()
	h.Write(preSchemeHeader(t, plain, b))
	h.Write(a[head(a):])
	n := hashSpikes(h, net)
	if sum := h.Sum64(); sum != want {
		t.Fatalf("checksum of the state and %d spikes %#x, golden %#x", n, sum, want)
	}
}

// TestLIFCondSchemeErrors: a bad scheme, an option the model does not have,
// the scheme among the numeric params, and a number as an option are
// refused, each error naming its key.
func TestLIFCondSchemeErrors(t *testing.T) {
	for _, tc := range []struct {
		key, allowed string
		mod          func(*kernel.PopulationSpec)
	}{
		{"kernel: population[0].options.conductance_scheme = midpoint", `"mean"`, func(p *kernel.PopulationSpec) { p.Options = map[string]string{"conductance_scheme": "midpoint"} }},
		{"population[0].options.scheme", "conductance_scheme", func(p *kernel.PopulationSpec) { p.Options = map[string]string{"scheme": "start"} }},
		{"population[0].options.t_ref_ms", "set in params", func(p *kernel.PopulationSpec) { p.Options = map[string]string{"t_ref_ms": "2"} }},
		{"population[0].params.conductance_scheme", "set in options", func(p *kernel.PopulationSpec) {
			p.Params = map[string]float64{"conductance_scheme": 1}
		}},
		{"population[0].options.conductance_scheme", "has none", func(p *kernel.PopulationSpec) {
			p.Model, p.Options = "adex_cond", map[string]string{"conductance_scheme": "start"}
		}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			s := smallPresets(t)["coba"]
			tc.mod(&s.Populations[0])
			_, err := kernel.New(s)
			if !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), tc.key) || !strings.Contains(err.Error(), tc.allowed) {
				t.Fatalf("error %v does not name %s with %q", err, tc.key, tc.allowed)
			}
		})
	}
}

// TestLIFCondSchemeCheckpoint: the checkpoint of a network whose spec
// leaves the scheme out (the default, "mean") restores into the same spec
// with "mean" given explicitly, and is refused by one with "start" and by
// the spec a checkpoint written before the scheme existed would carry (no
// scheme, which then meant "start"): the fingerprint holds the resolved
// scheme.
func TestLIFCondSchemeCheckpoint(t *testing.T) {
	s := smallPresets(t)["coba"]
	net, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(5); err != nil {
		t.Fatal(err)
	}
	var ck bytes.Buffer
	if err := net.Checkpoint(&ck); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scheme string
		ok     bool
	}{{"mean", true}, {"start", false}} {
		s2 := smallPresets(t)["coba"]
		for i := range s2.Populations {
			s2.Populations[i].Options = map[string]string{"conductance_scheme": tc.scheme}
		}
		net2, err := kernel.New(s2)
		if err != nil {
			t.Fatal(err)
		}
		err = net2.Restore(bytes.NewReader(ck.Bytes()))
		net2.Close()
		if (err == nil) != tc.ok {
			t.Errorf("restore into %q: %v, want ok = %v", tc.scheme, err, tc.ok)
		}
	}
	// the spec without the scheme in the header (a checkpoint from before
	// it existed) is refused
	old := bytes.Replace(ck.Bytes(), []byte(`,"options":{"conductance_scheme":"mean"}`), nil, -1)
	if bytes.Equal(old, ck.Bytes()) {
		t.Fatal("the checkpoint's header holds no resolved scheme")
	}
	net3, err := kernel.New(s)
	if err != nil {
		t.Fatal(err)
	}
	defer net3.Close()
	if err := net3.Restore(bytes.NewReader(old)); err == nil {
		t.Error("a checkpoint whose spec has no scheme restored")
	}
}

// preSchemeHeader returns the header a checkpoint of the spec s had before
// the conductance scheme existed: ck's magic, then the length and the
// bytes of s's JSON (the fingerprint now holds the resolved scheme).
func preSchemeHeader(t *testing.T, s kernel.Spec, ck []byte) []byte {
	t.Helper()
	fp, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	out := append([]byte(nil), ck[:8]...)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(fp)))
	return append(out, fp...)
}
