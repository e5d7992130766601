package asm

// Dot returns Σ x[i]·y[i], summed in the canonical order of the package
// documentation (32 lanes for float32, 16 for float64, combined by halving
// folds). It panics if the lengths differ.
func Dot[T Float](x, y []T) T {
	if len(x) != len(y) {
		panic(errLength)
	}
	if is32[T]() {
		return T(dot32(f32(x), f32(y)))
	}
	return T(dot64(f64(x), f64(y)))
}

// Axpy computes y[i] = fma(alpha, x[i], y[i]) (y += alpha·x). It panics if the
// lengths differ.
func Axpy[T Float](alpha T, x, y []T) {
	if len(x) != len(y) {
		panic(errLength)
	}
	if is32[T]() {
		axpy32(float32(alpha), f32(x), f32(y))
		return
	}
	axpy64(float64(alpha), f64(x), f64(y))
}

// Scal computes x[i] = alpha·x[i].
func Scal[T Float](alpha T, x []T) {
	if is32[T]() {
		scal32(float32(alpha), f32(x))
		return
	}
	scal64(float64(alpha), f64(x))
}

// Add computes dst[i] = x[i] + y[i]. dst may be x or y. It panics if the
// lengths differ.
func Add[T Float](dst, x, y []T) {
	if len(dst) != len(x) || len(x) != len(y) {
		panic(errLength)
	}
	if is32[T]() {
		add32(f32(dst), f32(x), f32(y))
		return
	}
	add64(f64(dst), f64(x), f64(y))
}

// Mul computes dst[i] = x[i]·y[i] (element-wise product). dst may be x or y.
// It panics if the lengths differ.
func Mul[T Float](dst, x, y []T) {
	if len(dst) != len(x) || len(x) != len(y) {
		panic(errLength)
	}
	if is32[T]() {
		mul32(f32(dst), f32(x), f32(y))
		return
	}
	mul64(f64(dst), f64(x), f64(y))
}

const (
	errLength = "asm: slice lengths do not match"
	errShape  = "asm: bad matrix shape"
	errShort  = "asm: slice too short for the matrix shape"
)
