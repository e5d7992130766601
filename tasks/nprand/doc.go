// Package nprand is a NumPy-compatible legacy random generator: the
// Mersenne Twister MT19937 behind numpy.random.RandomState (and the legacy
// global functions np.random.seed, rand, randn), with NumPy's seeding and its
// legacy algorithms for uniform and Gaussian draws, so that the reference
// tutorial's seeds reproduce its numbers bit for bit:
//
//	np.random.seed(42); np.random.randn(3)  ==  r := nprand.New(42); r.Randn() ×3
//
// Algorithms (NumPy's legacy distributions, numpy/random/src/legacy and
// mt19937):
//   - Seed(s) is init_genrand(s) of Matsumoto & Nishimura, as
//     np.random.seed(int) for 0 ≤ s < 2³²; it also clears the cached Gaussian.
//   - Rand (np.random.rand / random_sample) is genrand_res53:
//     (a·2²⁶ + b) / 2⁵³ with a = u32>>5, b = u32>>6, in [0, 1).
//   - Randn (np.random.randn / standard_normal) is the polar Box–Muller
//     method: draw x1, x2 = 2·Rand()−1 until 0 < r² = x1²+x2² < 1, return
//     x2·f with f = sqrt(−2 ln r² / r²) and cache x1·f for the next call.
//
// Exactness: Uint32 and Rand are bit-identical to NumPy. Randn involves one
// transcendental function, the natural logarithm, which NumPy takes from the
// C library; nprand uses a correctly rounded log, so Randn is bit-identical
// to NumPy wherever the platform's log is correctly rounded (old glibc's
// was). glibc 2.28+ misrounds a few arguments: on glibc 2.36 about 0.03–0.05%
// of NumPy's Gaussians differ from nprand's by 1–2 ulp (see testdata). The
// reference tutorial's draws (initial states of seeds 42–45) are identical.
//
// A RandomState is not safe for concurrent use. nprand imports nothing of
// neurodyn; any package may use it.
package nprand
