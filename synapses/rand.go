package synapses

import (
	"math"
	"math/bits"

	"github.com/neurodyn/neurodyn/internal/detmath"
)

// stream is a small fast generator (SplitMix64 over a Weyl sequence) seeded
// by a hash of (seed, index, stream id); one per row, never shared.
type stream struct{ s uint64 }

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func newStream(seed uint64, idx int, id uint64) stream {
	return stream{s: mix64(mix64(seed^0x9e3779b97f4a7c15*(id+1)) + uint64(idx)*0xd1b54a32d192ed03)}
}

func (r *stream) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// float returns a uniform float64 in [0, 1) with 53 random bits.
func (r *stream) float() float64 { return float64(r.next()>>11) * 0x1p-53 }

// open returns a uniform float64 in (0, 1).
func (r *stream) open() float64 { return (float64(r.next()>>11) + 0.5) * 0x1p-53 }

// intn returns a uniform integer in [0, n) (Lemire's multiply-shift with
// rejection, unbiased).
func (r *stream) intn(n uint64) uint64 {
	hi, lo := bits.Mul64(r.next(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.next(), n)
		}
	}
	return hi
}

// normal returns a standard normal deviate (Box–Muller, one value per call).
func (r *stream) normal() float64 {
	u1, u2 := r.open(), r.float()
	return math.Sqrt(-2*detmath.Log(u1)) * detmath.Cos(2*math.Pi*u2)
}
