// Package timegrid reads times on a simulation's step grid: a time in ms is
// a whole number of steps of dt when it is within 1e-9 relative of one,
// the one tolerance every neurodyn package applies to durations,
// refractory periods and delays given in ms.
//
// It is internal and imports only the standard library: every layer may
// use it.
package timegrid

import "math"

// Steps returns ms/dtMs rounded to the nearest integer, and whether ms is
// that many steps of dtMs: |k·dtMs − ms| ≤ 1e-9·max(1, |ms|). Range checks
// (k ≥ 1, an integer type's bound) are the caller's.
func Steps(ms, dtMs float64) (k float64, ok bool) {
	k = math.Round(ms / dtMs)
	return k, !(math.Abs(float64(k*dtMs)-ms) > 1e-9*math.Max(1, math.Abs(ms))) // rounded: the same decision on every architecture
}
