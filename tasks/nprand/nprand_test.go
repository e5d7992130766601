package nprand

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"
)

type golden struct {
	NumpyVersion string `json:"numpy_version"`
	Libc         string `json:"libc"`
	Cases        []struct {
		Seed           uint32   `json:"seed"`
		Uint32         []uint32 `json:"uint32"`
		Uint32Index    []int    `json:"uint32_index"`
		Rand           []string `json:"rand"`
		Randn          []string `json:"randn"`
		RandnRandRandn []string `json:"randn_rand_randn"`
		RandSHA        string   `json:"rand_sha256_100000"`
		RandnSHA       string   `json:"randn_sha256_200000"`
		NumpyDiffers   int      `json:"randn_numpy_differs"`
	} `json:"cases"`
	ReferenceInit42 []string `json:"reference_init_42"`
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile("testdata/numpy_legacy.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func fromBits(t *testing.T, s string) float64 {
	t.Helper()
	u, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	return math.Float64frombits(u)
}

func streamSHA(n int, draw func() float64) string {
	h := sha256.New()
	var buf [8]byte
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(draw()))
		h.Write(buf[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestAgainstNumPy compares with outputs frozen from NumPy (generator:
// testdata/gen_numpy.py), bit for bit.
func TestAgainstNumPy(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Cases {
		t.Run(strconv.FormatUint(uint64(c.Seed), 10), func(t *testing.T) {
			r := New(c.Seed)
			var raw []uint32
			for i := 0; i <= c.Uint32Index[len(c.Uint32Index)-1]; i++ {
				raw = append(raw, r.Uint32())
			}
			for j, idx := range c.Uint32Index {
				if raw[idx] != c.Uint32[j] {
					t.Errorf("uint32[%d] = %d, want %d", idx, raw[idx], c.Uint32[j])
				}
			}
			check := func(what string, got float64, want string) {
				if w := fromBits(t, want); math.Float64bits(got) != math.Float64bits(w) {
					t.Errorf("%s = %v, want %v (NumPy %s)", what, got, w, g.NumpyVersion)
				}
			}
			r.Seed(c.Seed)
			for i, w := range c.Rand {
				check("rand["+strconv.Itoa(i)+"]", r.Rand(), w)
			}
			r.Seed(c.Seed)
			for i, w := range c.Randn {
				check("randn["+strconv.Itoa(i)+"]", r.Randn(), w)
			}
			r.Seed(c.Seed)
			check("randn/rand/randn[0]", r.Randn(), c.RandnRandRandn[0])
			check("randn/rand/randn[1]", r.Rand(), c.RandnRandRandn[1])
			check("randn/rand/randn[2]", r.Randn(), c.RandnRandRandn[2])
			r.Seed(c.Seed)
			if got := streamSHA(100000, r.Rand); got != c.RandSHA {
				t.Errorf("100000 rand draws differ from NumPy (sha256 %s, want %s)", got, c.RandSHA)
			}
			if testing.Short() {
				return
			}
			// The long Gaussian stream is compared with the legacy algorithm
			// run with a correctly rounded log (NumPy's own stream differs
			// from it in c.NumpyDiffers draws, by ≤ 2 ulp, because the C
			// library's log misrounds a few arguments; see gen_numpy.py).
			r.Seed(c.Seed)
			if got := streamSHA(200000, r.Randn); got != c.RandnSHA {
				t.Errorf("200000 randn draws differ from the correctly rounded legacy algorithm (sha256 %s, want %s)", got, c.RandnSHA)
			}
		})
	}
}

// TestReferenceInitialState checks the tutorial's train initial offset:
// np.random.seed(42); 0.1*np.random.randn(3).
func TestReferenceInitialState(t *testing.T) {
	r := New(42)
	want := []float64{0.04967142, -0.01382643, 0.06476885}
	g := loadGolden(t)
	for i := range want {
		v := 0.1 * r.Randn()
		if math.Abs(v-want[i]) > 5e-9 {
			t.Errorf("component %d = %.8f, want %.8f", i, v, want[i])
		}
		if w := fromBits(t, g.ReferenceInit42[i]); v != w {
			t.Errorf("component %d = %v, not bit-identical to NumPy's %v", i, v, w)
		}
	}
}

func TestSeedInt(t *testing.T) {
	var r RandomState
	for _, bad := range []int64{-1, 1 << 32} {
		if err := r.SeedInt(bad); err == nil {
			t.Errorf("SeedInt(%d): want an error", bad)
		}
	}
	if err := r.SeedInt(42); err != nil {
		t.Fatal(err)
	}
	if a, b := r.Rand(), New(42).Rand(); a != b {
		t.Errorf("SeedInt(42) gives %v, New(42) gives %v", a, b)
	}
	// Re-seeding drops the cached Gaussian.
	r.Seed(7)
	r.Randn()
	r.Seed(7)
	if a, b := r.Randn(), New(7).Randn(); a != b {
		t.Errorf("cached Gaussian survived Seed: %v vs %v", a, b)
	}
}

func BenchmarkRand(b *testing.B) {
	r := New(1)
	var s float64
	for b.Loop() {
		s += r.Rand()
	}
	_ = s
}

func BenchmarkRandn(b *testing.B) {
	r := New(1)
	var s float64
	for b.Loop() {
		s += r.Randn()
	}
	_ = s
}
