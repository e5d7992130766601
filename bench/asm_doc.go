// Package bench holds neurodyn's benchmark suite: no library code, only
// benchmarks (in *_test.go files, one group of files per area: asm_* for the
// kernels, others for the spiking engine, training, …) run by `make bench`
// and compared with the committed baselines in bench/baseline/<area>.txt
// through benchstat. See README.md for the names, metrics and how to update a
// baseline. It is layer 6 of the package map: nothing imports it.
package bench
