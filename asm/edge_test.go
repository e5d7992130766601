package asm

import (
	"fmt"
	"slices"
	"testing"
)

// TestEdgePairs runs the element-wise kernels on every pair of the 256 edge
// values of the fuzz targets' edge decoding (edgeValue: signed zeros,
// subnormals, the limits of the normal range, values whose products
// underflow or overflow, ulp neighbours, infinities, NaNs), with scalars
// drawn from the same values, and demands the references' bits on every
// path.
func TestEdgePairs(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		t.Run("float32", testEdgePairs[float32])
		t.Run("float64", testEdgePairs[float64])
	})
}

func testEdgePairs[T Float](t *testing.T) {
	const n = 256 * 256
	x, y := make([]T, n), make([]T, n)
	for i := range n {
		x[i], y[i] = edgeValue[T](byte(i)), edgeValue[T](byte(i>>8))
	}
	x0, y0 := slices.Clone(x), slices.Clone(y)
	// 0, −0, 1, −1, 0.5, tiny, 1e-3, 1+ulp, huge, max, +Inf, NaN, a subnormal.
	alphas := []byte{0, 32, 12, 44, 10, 6, 8, 13, 20, 22, 23, 24, 1}
	if testing.Short() {
		alphas = alphas[:6]
	}
	check := func(name string, got, want []T) {
		t.Helper()
		if i := firstDiff(got, want); i >= 0 {
			t.Fatalf("%s: x=%v y=%v: got %v, want %v", name, x[i], y[i], got[i], want[i])
		}
	}
	want, got := make([]T, n), make([]T, n)
	addGeneric(want, x, y)
	Add(got, x, y)
	check("Add", got, want)
	mulGeneric(want, x, y)
	Mul(got, x, y)
	check("Mul", got, want)
	tanhGeneric(want, x[:256])
	Tanh(got[:256], x[:256])
	check("Tanh", got[:256], want[:256])
	for _, ab := range alphas {
		alpha := edgeValue[T](ab)
		copy(want, y)
		axpyGeneric(alpha, x, want)
		copy(got, y)
		Axpy(alpha, x, got)
		check(fmt.Sprintf("Axpy alpha=%v", alpha), got, want)
		copy(want, x)
		scalGeneric(alpha, want)
		copy(got, x)
		Scal(alpha, got)
		check(fmt.Sprintf("Scal alpha=%v", alpha), got[:256], want[:256])
		for _, act := range allActs {
			// Step with h = x, z = y; StepBackward with dh = x, a = y.
			wa, ga := make([]T, n), make([]T, n)
			copy(want, x)
			stepGeneric(act, want, wa, y, alpha)
			copy(got, x)
			Step(act, got, ga, y, alpha)
			check(fmt.Sprintf("Step %v alpha=%v a", act, alpha), ga, wa)
			check(fmt.Sprintf("Step %v alpha=%v h", act, alpha), got, want)
			copy(want, x)
			stepBackwardGeneric(act, wa, want, y, alpha)
			copy(got, x)
			StepBackward(act, ga, got, y, nil, alpha)
			check(fmt.Sprintf("StepBackward %v alpha=%v dz", act, alpha), ga, wa)
			check(fmt.Sprintf("StepBackward %v alpha=%v dh", act, alpha), got, want)
		}
	}
	if firstDiff(x, x0) >= 0 || firstDiff(y, y0) >= 0 {
		t.Fatal("a read-only input changed")
	}
}
