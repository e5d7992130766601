package nprand

import (
	"fmt"
	"math"
)

const (
	n         = 624
	m         = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// RandomState is NumPy's legacy MT19937 state, including the cached second
// Gaussian of the polar method.
type RandomState struct {
	mt       [n]uint32
	pos      int
	hasGauss bool
	gauss    float64
}

// New returns a generator seeded as np.random.seed(seed).
func New(seed uint32) *RandomState {
	r := &RandomState{}
	r.Seed(seed)
	return r
}

// Seed re-seeds r exactly as np.random.seed(seed) (init_genrand) and drops
// any cached Gaussian.
func (r *RandomState) Seed(seed uint32) {
	r.mt[0] = seed
	for i := 1; i < n; i++ {
		prev := r.mt[i-1]
		r.mt[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	r.pos = n
	r.hasGauss = false
	r.gauss = 0
}

// SeedInt is Seed for an int, returning an error outside [0, 2³²) (the
// range np.random.seed accepts for an integer).
func (r *RandomState) SeedInt(seed int64) error {
	if seed < 0 || seed > math.MaxUint32 {
		return fmt.Errorf("nprand: seed = %d: must be in [0, 2^32-1] (as np.random.seed)", seed)
	}
	r.Seed(uint32(seed))
	return nil
}

// generate refills the state array (the MT19937 "twist").
func (r *RandomState) generate() {
	mt := &r.mt
	var i int
	for i = 0; i < n-m; i++ {
		y := (mt[i] & upperMask) | (mt[i+1] & lowerMask)
		mt[i] = mt[i+m] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	}
	for ; i < n-1; i++ {
		y := (mt[i] & upperMask) | (mt[i+1] & lowerMask)
		mt[i] = mt[i+(m-n)] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	}
	y := (mt[n-1] & upperMask) | (mt[0] & lowerMask)
	mt[n-1] = mt[m-1] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	r.pos = 0
}

// Uint32 returns the next tempered 32-bit output (genrand_int32).
func (r *RandomState) Uint32() uint32 {
	if r.pos >= n {
		r.generate()
	}
	y := r.mt[r.pos]
	r.pos++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// Rand returns a uniform float64 in [0, 1) with 53 random bits, as
// np.random.rand() (genrand_res53).
func (r *RandomState) Rand() float64 {
	a := r.Uint32() >> 5
	b := r.Uint32() >> 6
	return (float64(float64(a)*67108864.0) + float64(b)) / 9007199254740992.0
}

// Randn returns a standard normal draw as np.random.randn() (legacy polar
// Box–Muller with the cached second value).
func (r *RandomState) Randn() float64 {
	if r.hasGauss {
		r.hasGauss = false
		g := r.gauss
		r.gauss = 0
		return g
	}
	var x1, x2, r2 float64
	for {
		x1 = 2*r.Rand() - 1
		x2 = 2*r.Rand() - 1
		r2 = float64(x1*x1) + float64(x2*x2) // no FMA: NumPy rounds each product
		if r2 < 1 && r2 != 0 {
			break
		}
	}
	f := math.Sqrt(-2 * logCR(r2) / r2)
	r.gauss = f * x1
	r.hasGauss = true
	return f * x2
}

// FillRand fills dst with Rand draws (np.random.rand(len(dst))).
func (r *RandomState) FillRand(dst []float64) {
	for i := range dst {
		dst[i] = r.Rand()
	}
}

// FillRandn fills dst with Randn draws (np.random.randn(len(dst))).
func (r *RandomState) FillRandn(dst []float64) {
	for i := range dst {
		dst[i] = r.Randn()
	}
}
