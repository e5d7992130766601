//go:build race

package asm

// raceEnabled: under the race detector sync.Pool drops items on purpose, so
// pooled buffers are reallocated and allocation counts are not meaningful.
const raceEnabled = true
