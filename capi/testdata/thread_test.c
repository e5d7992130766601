/*
 * thread_test.c: the long calls run the kernel's workers off the caller's
 * thread, as make test-capi-c runs it.
 *
 * A function exported from Go runs on the C caller's thread, to which cgo
 * locks its goroutine; each time that goroutine waits (a barrier of the
 * kernel's workers: two per step) the runtime hands the thread over and back,
 * which made runs with two workers 10-30 times slower from C than with one.
 * The library runs them on a goroutine of its own and the caller's thread
 * waits once. This checks it by counting, not timing: the voluntary context
 * switches of the calling thread (getrusage RUSAGE_THREAD) during a run of
 * many one-step slices with two workers must stay far below the steps (the
 * thread taking part in the barriers switched about twice per step: 40,000
 * for the run below). The results must be the same bits as with one worker.
 *
 *     cc $(pkg-config --cflags neurodyn) thread_test.c $(pkg-config --libs neurodyn) -lm
 */
#define _GNU_SOURCE
#include <neurodyn.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int failures;

static void check(const char *what, int ok, const char *detail) {
	printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, detail ? ": " : "", detail ? detail : "");
	if (!ok) {
		failures++;
	}
}

static int must(const char *what, int rc) {
	if (rc != NEURODYN_OK) {
		char d[4200];
		snprintf(d, sizeof d, "%s %s", neurodyn_status_name(rc), neurodyn_last_error());
		check(what, 0, d);
	}
	return rc == NEURODYN_OK;
}

/* Voluntary context switches of the calling thread so far. */
static long switches(void) {
	struct rusage u;
	if (getrusage(RUSAGE_THREAD, &u) != 0) {
		return -1;
	}
	return u.ru_nvcsw;
}

/* At most this many switches of the caller's thread in one call: the wait
 * for the computation, and a few for the runtime's own work (garbage
 * collection, a preempted start). A thread in the barriers takes thousands. */
enum { max_switches = 200 };

static void check_switches(const char *what, long n, long steps) {
	char d[200];
	if (steps > 0) {
		snprintf(d, sizeof d, "%ld voluntary switches of the calling thread over %ld steps (at most %d)", n, steps,
		         max_switches);
	} else {
		snprintf(d, sizeof d, "%ld voluntary switches of the calling thread (at most %d)", n, max_switches);
	}
	check(what, n >= 0 && n <= max_switches, d);
}

/* A cuba network of 400 neurons (delays of one step: one-step slices), run
 * for 2,000 ms (20,000 steps) with the given workers; its spikes are
 * returned in times/ids (allocated) and their number. */
static long cuba(int workers, double **times, uint32_t **ids, long *sw) {
	char opt[100];
	snprintf(opt, sizeof opt, "{\"N\": 400, \"Workers\": %d, \"Record\": true, \"Seed\": 3}", workers);
	neurodyn_handle h;
	if (!must("cuba preset", neurodyn_network_preset("cuba", opt, &h))) {
		return -1;
	}
	long s0 = switches();
	int ok = must("run", neurodyn_network_run(h, 2000));
	*sw = switches() - s0;
	int64_t n = 0;
	if (ok) {
		ok = must("spike count", neurodyn_network_spike_count(h, "spikes:E", &n));
	}
	*times = malloc(sizeof **times * (size_t)(n + 1));
	*ids = malloc(sizeof **ids * (size_t)(n + 1));
	if (ok && n > 0) {
		must("spikes", neurodyn_network_spikes(h, "spikes:E", 0, *times, *ids, n, NULL));
	}
	neurodyn_free(h);
	return ok ? (long)n : -1;
}

/* A reservoir of 300 neurons with the given workers harvested over samples
 * of a 3-variable series (20 one-step slices each). */
static float *harvest(int workers, const double *x, int samples, int64_t len, long *sw) {
	char cfg[100];
	snprintf(cfg, sizeof cfg, "{\"N\": 300, \"Workers\": %d, \"Seed\": 5}", workers);
	neurodyn_handle h;
	if (!must("reservoir", neurodyn_reservoir_new(cfg, 3, &h))) {
		return NULL;
	}
	float *out = calloc((size_t)len, sizeof *out);
	long s0 = switches();
	int ok = must("harvest", neurodyn_reservoir_harvest(h, x, samples, 3, out, len));
	*sw = switches() - s0;
	neurodyn_free(h);
	if (!ok) {
		free(out);
		return NULL;
	}
	return out;
}

int main(void) {
	neurodyn_set_threads(2, NULL);

	double *t1, *t2;
	uint32_t *i1, *i2;
	long sw1, sw2;
	long n1 = cuba(1, &t1, &i1, &sw1);
	long n2 = cuba(2, &t2, &i2, &sw2);
	check_switches("network run, 2 workers", sw2, 20000);
	check("network run: 2 workers give the spikes of 1, bit for bit",
	      n1 > 0 && n1 == n2 && memcmp(t1, t2, sizeof *t1 * (size_t)n1) == 0 &&
	          memcmp(i1, i2, sizeof *i1 * (size_t)n1) == 0,
	      NULL);
	printf("     (1 worker: %ld switches; %ld spikes)\n", sw1, n1);

	enum { samples = 1000 };
	double *x = malloc(sizeof *x * samples * 3);
	for (int i = 0; i < samples; i++) {
		x[3 * i] = sin(0.05 * i);
		x[3 * i + 1] = cos(0.05 * i);
		x[3 * i + 2] = sin(0.11 * i);
	}
	int64_t len = (int64_t)samples * 1000; /* more than the features */
	float *f1 = harvest(1, x, samples, len, &sw1);
	float *f2 = harvest(2, x, samples, len, &sw2);
	check_switches("reservoir harvest, 2 workers", sw2, (long)samples * 20);
	check("harvest: 2 workers give the features of 1, bit for bit",
	      f1 && f2 && memcmp(f1, f2, sizeof *f1 * (size_t)len) == 0, NULL);

	/* A readout fit (neurodyn_reservoir_fit) on a small Lorenz dataset, then
	 * a stream (neurodyn_model_stream: one sample at a time) over x. */
	neurodyn_handle d, r1, r2;
	if (must("lorenz", neurodyn_lorenz_new("{\"TrainT\": 10, \"ValT\": 5, \"TestT\": 5, \"EvalT\": -1, \"SeqLength\": 20}", &d)) &&
	    must("reservoir 1", neurodyn_reservoir_new("{\"N\": 300, \"Workers\": 1, \"Seed\": 5, \"Washout\": 20}", 3, &r1)) &&
	    must("reservoir 2", neurodyn_reservoir_new("{\"N\": 300, \"Workers\": 2, \"Seed\": 5, \"Washout\": 20}", 3, &r2))) {
		char *fit1 = NULL, *fit2 = NULL;
		must("fit 1", neurodyn_reservoir_fit(r1, d, &fit1));
		long s0 = switches();
		must("fit 2", neurodyn_reservoir_fit(r2, d, &fit2));
		check_switches("reservoir fit, 2 workers", switches() - s0, 0);
		double *y1 = calloc(samples * 3, sizeof *y1), *y2 = calloc(samples * 3, sizeof *y2);
		must("stream 1", neurodyn_model_stream(r1, x, samples, 3, y1, samples * 3));
		s0 = switches();
		must("stream 2", neurodyn_model_stream(r2, x, samples, 3, y2, samples * 3));
		check_switches("model stream, 2 workers", switches() - s0, (long)samples * 20);
		check("stream: 2 workers give the outputs of 1, bit for bit",
		      memcmp(y1, y2, sizeof *y1 * samples * 3) == 0, NULL);
		neurodyn_string_free(fit1);
		neurodyn_string_free(fit2);
		neurodyn_free(r1);
		neurodyn_free(r2);
		neurodyn_free(d);
	}

	if (failures) {
		printf("thread_test: %d failures\n", failures);
		return 1;
	}
	printf("thread_test: ok\n");
	return 0;
}
