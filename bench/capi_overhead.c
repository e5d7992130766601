//go:build ignore

/*
 * capi_overhead.c: the cost of one call into libneurodyn from C (make
 * bench-capi). Prints Go-style benchmark lines (ns/op) so that benchstat can
 * compare runs:
 *
 *   BenchmarkCapiC/call=empty_c     a call through a function pointer to an empty C function (the floor)
 *   BenchmarkCapiC/call=threads     neurodyn_threads: C -> Go and back, panic guard, no handle
 *   BenchmarkCapiC/call=handle      neurodyn_network_time: + handle lookup and object lock
 *   BenchmarkCapiC/call=error       neurodyn_network_time on a freed handle: + error message
 *   BenchmarkCapiC/call=run_1step   neurodyn_network_run of one 0.1 ms step of a 10-neuron network
 *
 * Usage: capi_overhead [-count N] [-n calls]
 * (The "//go:build ignore" line keeps the go tool from treating this file as
 * part of the bench package.)
 */
#define _POSIX_C_SOURCE 199309L
#include <neurodyn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int empty_c(neurodyn_handle h, double *t, int64_t *s) {
	(void)h;
	(void)t;
	(void)s;
	return 0;
}

/* volatile so the compiler cannot inline or drop the calls */
static int (*volatile empty_ptr)(neurodyn_handle, double *, int64_t *) = empty_c;

int main(int argc, char **argv) {
	int count = 6;
	long n = 1000000;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-count") == 0) {
			count = atoi(argv[i + 1]);
		} else if (strcmp(argv[i], "-n") == 0) {
			n = atol(argv[i + 1]);
		}
	}
	const char *spec = "dt_ms = 0.1\n[[population]]\nname = \"A\"\nn = 10\n";
	neurodyn_handle net = 0, dead = 0;
	if (neurodyn_network_new(spec, "toml", &net) != NEURODYN_OK ||
	    neurodyn_network_new(spec, "toml", &dead) != NEURODYN_OK || neurodyn_free(dead) != NEURODYN_OK) {
		fprintf(stderr, "capi_overhead: %s\n", neurodyn_last_error());
		return 1;
	}
	int32_t threads = 0;
	neurodyn_threads(&threads);
	printf("goos: linux\npkg: neurodyn/capi (C, libneurodyn %s, %d threads)\n", neurodyn_version(), (int)threads);
	for (int c = 0; c < count; c++) {
		double t = 0;
		int64_t s = 0;
		int32_t k = 0;
		double t0 = now();
		for (long i = 0; i < n; i++) {
			empty_ptr(net, &t, &s);
		}
		double t1 = now();
		for (long i = 0; i < n; i++) {
			neurodyn_threads(&k);
		}
		double t2 = now();
		for (long i = 0; i < n; i++) {
			neurodyn_network_time(net, &t, &s);
		}
		double t3 = now();
		long ne = n / 10;
		for (long i = 0; i < ne; i++) {
			neurodyn_network_time(dead, &t, &s);
		}
		double t4 = now();
		long nr = n / 10;
		for (long i = 0; i < nr; i++) {
			neurodyn_network_run(net, 0.1);
		}
		double t5 = now();
		printf("BenchmarkCapiC/call=empty_c \t%ld\t%.2f ns/op\n", n, (t1 - t0) / (double)n * 1e9);
		printf("BenchmarkCapiC/call=threads \t%ld\t%.2f ns/op\n", n, (t2 - t1) / (double)n * 1e9);
		printf("BenchmarkCapiC/call=handle  \t%ld\t%.2f ns/op\n", n, (t3 - t2) / (double)n * 1e9);
		printf("BenchmarkCapiC/call=error   \t%ld\t%.2f ns/op\n", ne, (t4 - t3) / (double)ne * 1e9);
		printf("BenchmarkCapiC/call=run_1step\t%ld\t%.2f ns/op\n", nr, (t5 - t4) / (double)nr * 1e9);
	}
	neurodyn_free(net);
	return 0;
}
