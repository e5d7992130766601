package asm

import (
	"encoding/binary"
	"math"
	"slices"
	"testing"
)

// Differential fuzzing: each target turns the fuzz bytes into float32 and
// float64 values (any bit pattern: NaNs, infinities, subnormals), runs the
// kernel on every available path and demands results bit-identical to the
// pure-Go reference. Run with e.g. `go test -fuzz FuzzBlas1 -fuzztime 30s ./asm`,
// with and without -tags noasm.

func floats32(b []byte) []float32 {
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

func floats64(b []byte) []float64 {
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// edgeMags are the magnitudes of the edge decoding, per element type: zero,
// subnormals, the smallest normals, values whose products underflow to zero
// (tiny) or into the subnormals, numbers around 1, values whose products
// overflow, the largest finite value, +Inf and NaNs (quiet, and one with a
// payload that is signalling).
var (
	edgeMags32 = [32]float32{0, math.SmallestNonzeroFloat32, 3 * math.SmallestNonzeroFloat32,
		math.Float32frombits(0x007fffff), math.Float32frombits(0x00800000), math.Float32frombits(0x00c00000),
		1e-30, 1e-20, 1e-3, 0.25, 0.5, math.Float32frombits(0x3f7fffff), 1, math.Float32frombits(0x3f800001),
		1.5, 2, 3, 10, 100, 1e10, 1e20, math.MaxFloat32 / 2, math.MaxFloat32, float32(math.Inf(1)),
		float32(math.NaN()), math.Float32frombits(0x7f800001), math.Pi, 0.1, 20, 0.01, 1e-8, 7.5}
	edgeMags64 = [32]float64{0, math.SmallestNonzeroFloat64, 3 * math.SmallestNonzeroFloat64,
		math.Float64frombits(0x000fffffffffffff), math.Float64frombits(0x0010000000000000),
		math.Float64frombits(0x0018000000000000), 1e-170, 1e-160, 1e-3, 0.25, 0.5,
		math.Float64frombits(0x3fefffffffffffff), 1, math.Float64frombits(0x3ff0000000000001),
		1.5, 2, 3, 10, 100, 1e100, 1e155, math.MaxFloat64 / 2, math.MaxFloat64, math.Inf(1),
		math.NaN(), math.Float64frombits(0x7ff0000000000001), math.Pi, 0.1, 20, 0.01, 1e-8, 7.5}
)

// edgeValue decodes one byte of the edge decoding: bits 0–4 pick a magnitude
// of edgeMags, bit 5 the sign, bits 6–7 a neighbour (01: one ulp up in
// magnitude, 10: one ulp down, else the value itself; never past zero or
// infinity).
func edgeValue[T Float](b byte) T {
	if is32[T]() {
		bits := math.Float32bits(edgeMags32[b&31])
		if bits != 0 && bits < 0x7f800000 {
			switch b >> 6 {
			case 1:
				bits++
			case 2:
				bits--
			}
		}
		if b&32 != 0 {
			bits |= 1 << 31
		}
		return T(math.Float32frombits(bits))
	}
	bits := math.Float64bits(edgeMags64[b&31])
	if bits != 0 && bits < 0x7ff0000000000000 {
		switch b >> 6 {
		case 1:
			bits++
		case 2:
			bits--
		}
	}
	if b&32 != 0 {
		bits |= 1 << 63
	}
	return T(math.Float64frombits(bits))
}

// edgeFloats decodes every byte of b with edgeValue: inputs biased to the
// edge cases (signed zeros, subnormals, infinities, NaNs, products that
// underflow or overflow), one element per byte.
func edgeFloats[T Float](b []byte) []T {
	out := make([]T, len(b))
	for i, c := range b {
		out[i] = edgeValue[T](c)
	}
	return out
}

// Every target runs each input twice: its bytes as raw float bits (any bit
// pattern, as the fuzzer writes them), then through edgeFloats, where the
// scalar parameters come from the bytes too.

// onPaths runs f on every available path (restoring the default after).
func onPaths(f func()) {
	defer Reset()
	for _, p := range Paths() {
		_ = Select(p)
		f()
	}
}

func fuzzSeeds(f *testing.F) {
	f.Add([]byte{}, 1.5)
	f.Add(make([]byte, 200), -0.25)
	b := make([]byte, 0, 600)
	for i := range 150 {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(i)*0.37-20))
	}
	f.Add(b, 0.75)
	f.Add(append(b, 0xff, 0xff, 0xc0, 0x7f, 0, 0, 0x80, 0x7f), 3.0)
}

func FuzzBlas1(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, alpha float64) {
		fuzzBlas1(t, floats32(data), float32(alpha))
		fuzzBlas1(t, floats64(data), alpha)
		if len(data) > 0 {
			fuzzBlas1(t, edgeFloats[float32](data[1:]), edgeValue[float32](data[0]))
			fuzzBlas1(t, edgeFloats[float64](data[1:]), edgeValue[float64](data[0]))
		}
	})
}

func fuzzBlas1[T Float](t *testing.T, v []T, alpha T) {
	n := len(v) / 2
	x, y := v[:n], v[n:2*n]
	wantDot := dotNaive(x, y)
	wantAxpy := slices.Clone(y)
	axpyGeneric(alpha, x, wantAxpy)
	wantAdd, wantMul, wantScal := make([]T, n), make([]T, n), slices.Clone(x)
	addGeneric(wantAdd, x, y)
	mulGeneric(wantMul, x, y)
	scalGeneric(alpha, wantScal)
	onPaths(func() {
		if got := Dot(x, y); !sameBits(got, wantDot) {
			t.Fatalf("%s n=%d: Dot = %v, want %v", Path(), n, got, wantDot)
		}
		got := slices.Clone(y)
		Axpy(alpha, x, got)
		if i := firstDiff(got, wantAxpy); i >= 0 {
			t.Fatalf("%s: Axpy[%d] = %v, want %v", Path(), i, got[i], wantAxpy[i])
		}
		Add(got, x, y)
		if i := firstDiff(got, wantAdd); i >= 0 {
			t.Fatalf("%s: Add[%d] = %v, want %v", Path(), i, got[i], wantAdd[i])
		}
		Mul(got, x, y)
		if i := firstDiff(got, wantMul); i >= 0 {
			t.Fatalf("%s: Mul[%d] = %v, want %v", Path(), i, got[i], wantMul[i])
		}
		copy(got, x)
		Scal(alpha, got)
		if i := firstDiff(got, wantScal); i >= 0 {
			t.Fatalf("%s: Scal[%d] = %v, want %v", Path(), i, got[i], wantScal[i])
		}
	})
}

func FuzzTanhStep(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, alpha float64) {
		fuzzAct(t, floats32(data), float32(alpha))
		fuzzAct(t, floats64(data), alpha)
		if len(data) > 0 {
			fuzzAct(t, edgeFloats[float32](data[1:]), edgeValue[float32](data[0]))
			fuzzAct(t, edgeFloats[float64](data[1:]), edgeValue[float64](data[0]))
		}
	})
}

func fuzzAct[T Float](t *testing.T, v []T, alpha T) {
	n := len(v) / 2
	z, h0 := v[:n], v[n:2*n]
	want := make([]T, n)
	tanhGeneric(want, z)
	onPaths(func() {
		got := make([]T, n)
		Tanh(got, z)
		if i := firstDiff(got, want); i >= 0 {
			t.Fatalf("%s: tanh(%v) = %v, want %v", Path(), z[i], got[i], want[i])
		}
	})
	for _, act := range allActs {
		wh, wa := slices.Clone(h0), make([]T, n)
		stepGeneric(act, wh, wa, z, alpha)
		wdz, wdh := make([]T, n), slices.Clone(h0)
		stepBackwardGeneric(act, wdz, wdh, wa, alpha)
		onPaths(func() {
			h, a := slices.Clone(h0), make([]T, n)
			Step(act, h, a, z, alpha)
			if i := firstDiff(a, wa); i >= 0 {
				t.Fatalf("%s %v: a[%d] = %v, want %v", Path(), act, i, a[i], wa[i])
			}
			if i := firstDiff(h, wh); i >= 0 {
				t.Fatalf("%s %v: h[%d] = %v, want %v", Path(), act, i, h[i], wh[i])
			}
			dz, dh := make([]T, n), slices.Clone(h0)
			StepBackward(act, dz, dh, wa, nil, alpha)
			if i := firstDiff(dz, wdz); i >= 0 {
				t.Fatalf("%s %v: dz[%d] = %v, want %v", Path(), act, i, dz[i], wdz[i])
			}
			if i := firstDiff(dh, wdh); i >= 0 {
				t.Fatalf("%s %v: dh[%d] = %v, want %v", Path(), act, i, dh[i], wdh[i])
			}
		})
		// StepBackward on activations that φ cannot produce.
		wdz, wdh = make([]T, n), slices.Clone(h0)
		stepBackwardGeneric(act, wdz, wdh, z, alpha)
		onPaths(func() {
			dz, dh := make([]T, n), slices.Clone(h0)
			StepBackward(act, dz, dh, z, nil, alpha)
			if i := firstDiff(dz, wdz); i >= 0 {
				t.Fatalf("%s %v: a=%v: dz[%d] = %v, want %v", Path(), act, z[i], i, dz[i], wdz[i])
			}
			if i := firstDiff(dh, wdh); i >= 0 {
				t.Fatalf("%s %v: a=%v: dh[%d] = %v, want %v", Path(), act, z[i], i, dh[i], wdh[i])
			}
		})
	}
}

// FuzzGemm covers Gemv and Gemm: the first bytes choose the shape, the
// transposes and the leading-dimension padding; the rest fill the matrices.
func FuzzGemm(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, alpha float64) {
		if len(data) < 6 {
			return
		}
		hdr, body := data[:6], data[6:]
		fuzzGemm(t, hdr, floats32(body), float32(alpha), false)
		fuzzGemm(t, hdr, floats64(body), alpha, false)
		fuzzGemm(t, hdr, edgeFloats[float32](body), edgeValue[float32](hdr[3]>>2), true)
		fuzzGemm(t, hdr, edgeFloats[float64](body), edgeValue[float64](hdr[3]>>2), true)
	})
}

// fuzzGemm checks Gemm and Gemv on the shape the header chooses. With edge
// set (the edge decoding), beta is edgeValue(hdr[5]) and hdr[4] ≥ 128 makes
// k longer than the Gemm k-slice (chains parked and resumed).
func fuzzGemm[T Float](t *testing.T, hdr []byte, v []T, alpha T, edge bool) {
	m, n, k := int(hdr[0]%40), int(hdr[1]%40), int(hdr[2]%40)
	ta, tb := hdr[3]&1 != 0, hdr[3]&2 != 0
	pad := int(hdr[4] % 3)
	beta := []T{0, 1, -0.5, alpha}[hdr[5]%4]
	if edge {
		beta = edgeValue[T](hdr[5])
		if hdr[4] >= 128 {
			k += 250
		}
	}
	at := func(i int) T {
		if len(v) == 0 {
			return T(i%7) - 3
		}
		return v[i%len(v)]
	}
	fillFrom := func(s []T, off int) {
		for i := range s {
			s[i] = at(off + i)
		}
	}
	ar, ac := m, k
	if ta {
		ar, ac = k, m
	}
	br, bc := k, n
	if tb {
		br, bc = n, k
	}
	lda, ldb, ldc := max(1, ac)+pad, max(1, bc)+pad, max(1, n)+pad
	a := make([]T, max(0, (ar-1)*lda+ac))
	b := make([]T, max(0, (br-1)*ldb+bc))
	c := make([]T, max(0, (m-1)*ldc+n))
	fillFrom(a, 0)
	fillFrom(b, 7)
	fillFrom(c, 13)
	want := slices.Clone(c)
	if m > 0 && n > 0 {
		gemmNaive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	}
	// Gemv on A as stored (ar×ac, leading dimension lda), transposed when ta.
	lx, ly := ac, ar
	if ta {
		lx, ly = ar, ac
	}
	x, y0 := make([]T, lx), make([]T, ly)
	fillFrom(x, 3)
	fillFrom(y0, 5)
	wantY := slices.Clone(y0)
	if len(a) > 0 || ar == 0 || ac == 0 {
		gemvNaive(ta, ar, ac, alpha, a, lda, x, beta, wantY)
	}
	onPaths(func() {
		got := slices.Clone(c)
		Gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
		if i := firstDiff(got, want); i >= 0 {
			t.Fatalf("%s m=%d n=%d k=%d ta=%v tb=%v: c[%d] = %v, want %v", Path(), m, n, k, ta, tb, i, got[i], want[i])
		}
		y := slices.Clone(y0)
		Gemv(ta, ar, ac, alpha, a, lda, x, beta, y)
		if i := firstDiff(y, wantY); i >= 0 {
			t.Fatalf("%s Gemv m=%d n=%d ta=%v: y[%d] = %v, want %v", Path(), ar, ac, ta, i, y[i], wantY[i])
		}
	})
}

// FuzzLIF runs LIFStep from fuzzed states and inputs on every path. The edge
// pass takes the threshold and reset (and, when data[8] ≥ 128, every
// propagator) from the first 9 bytes and the refractory counts (−3…3) from
// the state bytes.
func FuzzLIF(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, theta float64) {
		p := LIFProp{P22: 0.99, P11e: 0.95, P11i: 0.98, P21e: 0.0004, P21i: 0.0003, P20: 0.04,
			Theta: float32(theta), VReset: -0.5, RefSteps: int32(len(data) % 5)}
		vals := floats32(data)
		refr := make([]int32, len(vals)/6)
		for j := range refr {
			refr[j] = int32(j % 3)
		}
		fuzzLIF(t, &p, vals, refr)
		if len(data) < 9 {
			return
		}
		p.Theta, p.VReset = edgeValue[float32](data[6]), edgeValue[float32](data[7])
		if data[8] >= 128 {
			p.P22, p.P11e, p.P11i = edgeValue[float32](data[0]), edgeValue[float32](data[1]), edgeValue[float32](data[2])
			p.P21e, p.P21i, p.P20 = edgeValue[float32](data[3]), edgeValue[float32](data[4]), edgeValue[float32](data[5])
		}
		p.RefSteps = int32(data[8] % 5)
		vals = edgeFloats[float32](data[9:])
		refr = make([]int32, len(vals)/6)
		for j := range refr {
			refr[j] = int32(int8(data[9+j])) % 4
		}
		fuzzLIF(t, &p, vals, refr)
	})
}

// fuzzLIF splits vals into v, ie, ii, inE, inI and dc (refr has the number of
// neurons) and compares one LIFStep on every path with the reference, with
// and without dc, inE and inI; a nil input slot must also give the bits of a
// slot of zeros.
func fuzzLIF(t *testing.T, p *LIFProp, vals []float32, refr0 []int32) {
	n := len(refr0)
	for c := range 8 {
		withDC, withE, withI := c&1 == 0, c&2 == 0, c&4 == 0
		state := func(zeroSlots bool) (v, ie, ii, inE, inI, dc []float32, refr []int32) {
			v, ie, ii = slices.Clone(vals[:n]), slices.Clone(vals[n:2*n]), slices.Clone(vals[2*n:3*n])
			inE, inI, dc = slices.Clone(vals[3*n:4*n]), slices.Clone(vals[4*n:5*n]), slices.Clone(vals[5*n:6*n])
			if !withDC {
				dc = nil
			}
			if !withE {
				inE = nil
				if zeroSlots {
					inE = make([]float32, n)
				}
			}
			if !withI {
				inI = nil
				if zeroSlots {
					inI = make([]float32, n)
				}
			}
			return v, ie, ii, inE, inI, dc, slices.Clone(refr0)
		}
		wv, wie, wii, winE, winI, wdc, wrefr := state(false)
		ws := make([]int32, n)
		wn := lifStepGeneric(p, wv, wie, wii, winE, winI, wdc, wrefr, ws)
		if !withE || !withI {
			zv, zie, zii, zinE, zinI, zdc, zrefr := state(true)
			zs := make([]int32, n)
			zn := lifStepGeneric(p, zv, zie, zii, zinE, zinI, zdc, zrefr, zs)
			if zn != wn || !slices.Equal(zs[:zn], ws[:wn]) || firstDiff(zv, wv) >= 0 || firstDiff(zie, wie) >= 0 ||
				firstDiff(zii, wii) >= 0 || !slices.Equal(zrefr, wrefr) {
				t.Fatalf("reference dc=%v inE=%v inI=%v n=%d: nil input slots differ from slots of zeros", withDC, withE, withI, n)
			}
		}
		onPaths(func() {
			gv, gie, gii, ginE, ginI, gdc, grefr := state(false)
			gs := make([]int32, n)
			gn := LIFStep(p, gv, gie, gii, ginE, ginI, gdc, grefr, gs)
			if gn != wn || !slices.Equal(gs[:gn], ws[:wn]) || firstDiff(gv, wv) >= 0 || firstDiff(gie, wie) >= 0 ||
				firstDiff(gii, wii) >= 0 || firstDiff(ginE, winE) >= 0 || firstDiff(ginI, winI) >= 0 ||
				!slices.Equal(grefr, wrefr) {
				t.Fatalf("%s dc=%v inE=%v inI=%v n=%d: LIFStep differs from the reference", Path(), withDC, withE, withI, n)
			}
		})
	}
}

// FuzzAdEx runs AdExRK4 from fuzzed states on every path. The first pass
// keeps NEST's aeif_cond_exp constants but for a threshold shifted by the
// fuzzed float; the edge pass takes the threshold, V_peak, 1/Δ_T, g_L, both
// reversals, a and the bias from the first 8 bytes (constants the vector
// kernel does not cover go to the reference, which is then compared with
// itself).
func FuzzAdEx(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, x float64) {
		c := adexConst(0.1, 281, 30, -70.6, -50.4, 2, 0, 4, 144, 0, -85, 0.2, 2, 0)
		c.UT += x
		fuzzAdEx(t, &c, floats32(data))
		if len(data) < 8 {
			return
		}
		c = adexConst(0.1, 281, 30, -70.6, -50.4, 2, 0, 4, 144, 0, -85, 0.2, 2, 0)
		for i, p := range []*float64{&c.UT, &c.UPeak, &c.InvDT, &c.GL, &c.EEx, &c.EIn, &c.A, &c.Bias} {
			*p = edgeValue[float64](data[i])
		}
		c.GLDT = c.GL / c.InvDT
		fuzzAdEx(t, &c, edgeFloats[float32](data[8:]))
	})
}

// fuzzAdEx splits vals into v, w, ge, gi and dc and compares AdExRK4 on
// every path with the reference, with and without dc.
func fuzzAdEx(t *testing.T, c *AdExConst, vals []float32) {
	n := len(vals) / 5
	v, w, ge, gi, dc := vals[:n], vals[n:2*n], vals[2*n:3*n], vals[3*n:4*n], vals[4*n:5*n]
	for _, d := range [][]float32{dc, nil} {
		wu, ww := make([]float64, n), make([]float64, n)
		adexRK4Generic(c, v, w, ge, gi, d, wu, ww)
		onPaths(func() {
			gu, gw := make([]float64, n), make([]float64, n)
			AdExRK4(c, v, w, ge, gi, d, gu, gw)
			if i := firstDiff(gu, wu); i >= 0 {
				t.Fatalf("%s n=%d dc=%v %+v: u[%d] = %v, want %v (v %v, w %v, ge %v, gi %v)", Path(), n, d != nil, *c, i, gu[i], wu[i], v[i], w[i], ge[i], gi[i])
			}
			if i := firstDiff(gw, ww); i >= 0 {
				t.Fatalf("%s n=%d dc=%v %+v: w[%d] = %v, want %v", Path(), n, d != nil, *c, i, gw[i], ww[i])
			}
		})
	}
}

// FuzzLIFCond runs LIFCondStep from fuzzed states on every path. The
// first pass keeps the COBA neuron's constants (with the step-mean factors
// of h = 0.1 ms) but for a fuzzed h/C_m; the edge pass takes h/C_m, g_L,
// both reversals, the bias, the threshold, the reset and the factors Me, Mi
// from the first 9 bytes, and the refractory counts (−3…3) from the state
// bytes.
func FuzzLIFCond(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, x float64) {
		c := LIFCondConst{HOverC: x, GL: 10, EEx: 60, EIn: -20, Pe: 0.98, Pi: 0.99, Me: 0.99, Mi: 0.995, Bias: 50, Theta: 10, VReset: 0, RefSteps: 50}
		vals := floats32(data)
		refr := make([]int32, len(vals)/7)
		for j := range refr {
			refr[j] = int32(j % 3)
		}
		fuzzLIFCond(t, &c, vals, refr)
		if len(data) < 9 {
			return
		}
		for i, p := range []*float64{&c.HOverC, &c.GL, &c.EEx, &c.EIn, &c.Bias} {
			*p = edgeValue[float64](data[i])
		}
		c.Theta, c.VReset = edgeValue[float32](data[5]), edgeValue[float32](data[6])
		c.Me, c.Mi = edgeValue[float64](data[7]), edgeValue[float64](data[8])
		vals = edgeFloats[float32](data[9:])
		refr = make([]int32, len(vals)/7)
		for j := range refr {
			refr[j] = int32(int8(data[9+j])) % 4
		}
		fuzzLIFCond(t, &c, vals, refr)
	})
}

// fuzzLIFCond splits vals into v, ge, gi, inE, inI and dc (refr has the
// number of neurons) and compares one LIFCondStep on every path with the
// reference, with and without dc.
func fuzzLIFCond(t *testing.T, c *LIFCondConst, vals []float32, refr0 []int32) {
	n := len(refr0)
	for _, withDC := range []bool{true, false} {
		state := func() (v, ge, gi, inE, inI, dc []float32, refr []int32) {
			v, ge, gi = slices.Clone(vals[:n]), slices.Clone(vals[n:2*n]), slices.Clone(vals[2*n:3*n])
			inE, inI, dc = slices.Clone(vals[3*n:4*n]), slices.Clone(vals[4*n:5*n]), slices.Clone(vals[5*n:6*n])
			if !withDC {
				dc = nil
			}
			return v, ge, gi, inE, inI, dc, slices.Clone(refr0)
		}
		wv, wge, wgi, winE, winI, wdc, wrefr := state()
		ws := make([]int32, n)
		wn := lifCondStepGeneric(c, wv, wge, wgi, winE, winI, wdc, wrefr, ws)
		onPaths(func() {
			gv, gge, ggi, ginE, ginI, gdc, grefr := state()
			gs := make([]int32, n)
			gn := LIFCondStep(c, gv, gge, ggi, ginE, ginI, gdc, grefr, gs)
			if gn != wn || !slices.Equal(gs[:gn], ws[:wn]) || firstDiff(gv, wv) >= 0 || firstDiff(gge, wge) >= 0 ||
				firstDiff(ggi, wgi) >= 0 || firstDiff(ginE, winE) >= 0 || firstDiff(ginI, winI) >= 0 || !slices.Equal(grefr, wrefr) {
				t.Fatalf("%s dc=%v n=%d %+v: LIFCondStep differs from the reference (v %v want %v)", Path(), withDC, n, *c, gv, wv)
			}
		})
	}
}

// FuzzHH runs HHStep from fuzzed states on every path: the first pass with
// COBAHH's constants (with the step-mean factors of h = 0.1 ms) but for a
// fuzzed V_T offset, the edge pass with the offset, g_Na, g_K, the bias,
// the detection threshold and the factors Me, Mi from the first 7 bytes,
// and refractory counts (−3…3) from the state bytes.
func FuzzHH(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte, x float64) {
		c := hhMean(hhConst(0.1, 200, 10, -60, 20000, 50, 6000, -90, -63, 0, -80, 5, 10, -33, 2, 0), 5, 10)
		c.UOff = x
		vals := floats32(data)
		refr := make([]int32, len(vals)/11)
		for j := range refr {
			refr[j] = int32(j % 3)
		}
		fuzzHH(t, &c, vals, refr)
		if len(data) < 7 {
			return
		}
		c.UOff, c.GNa, c.GK, c.Bias = edgeValue[float64](data[0]), edgeValue[float64](data[1]), edgeValue[float64](data[2]), edgeValue[float64](data[3])
		c.VSpike = edgeValue[float32](data[4])
		c.Me, c.Mi = edgeValue[float64](data[5]), edgeValue[float64](data[6])
		vals = edgeFloats[float32](data[7:])
		refr = make([]int32, len(vals)/11)
		for j := range refr {
			refr[j] = int32(int8(data[7+j])) % 4
		}
		fuzzHH(t, &c, vals, refr)
	})
}

// fuzzHH splits vals into v, m, h, n, ge, gi, inE, inI and dc (refr has
// the number of neurons) and compares one HHStep on every path with the
// reference, with and without dc.
func fuzzHH(t *testing.T, c *HHConst, vals []float32, refr0 []int32) {
	k := len(refr0)
	for _, withDC := range []bool{true, false} {
		state := func() ([9][]float32, []int32) {
			var s [9][]float32
			for i := range s {
				s[i] = slices.Clone(vals[i*k : (i+1)*k])
			}
			if !withDC {
				s[8] = nil
			}
			return s, slices.Clone(refr0)
		}
		ws, wrefr := state()
		wsp := make([]int32, k)
		wn := hhStepGeneric(c, ws[0], ws[1], ws[2], ws[3], ws[4], ws[5], ws[6], ws[7], ws[8], wrefr, wsp)
		onPaths(func() {
			gs, grefr := state()
			gsp := make([]int32, k)
			gn := HHStep(c, gs[0], gs[1], gs[2], gs[3], gs[4], gs[5], gs[6], gs[7], gs[8], grefr, gsp)
			if gn != wn || !slices.Equal(gsp[:gn], wsp[:wn]) || !slices.Equal(grefr, wrefr) {
				t.Fatalf("%s dc=%v n=%d %+v: spikes or refr differ from the reference", Path(), withDC, k, *c)
			}
			for i := range 8 {
				if j := firstDiff(gs[i], ws[i]); j >= 0 {
					t.Fatalf("%s dc=%v n=%d %+v: state %d [%d] = %v, want %v", Path(), withDC, k, *c, i, j, gs[i][j], ws[i][j])
				}
			}
		})
	}
}
