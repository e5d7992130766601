/*
 * cancel_test.c: neurodyn_cancel from another thread stops a long network run
 * and a long training, as make test-capi-c runs it. Checks the status, that
 * the call returned long before its full duration (a bound of half of it, no
 * tighter: the machine is shared), and the state left: the network is
 * exactly where a run of the reached duration takes it and runs on from
 * there; the model keeps the parameters of a finished epoch.
 *
 *     cc $(pkg-config --cflags neurodyn) cancel_test.c $(pkg-config --libs neurodyn) -lpthread
 */
#define _POSIX_C_SOURCE 200809L
#include <neurodyn.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok, const char *detail) {
	printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, detail ? ": " : "", detail ? detail : "");
	if (!ok) {
		failures++;
	}
}

static void expect(const char *what, int rc, int want) {
	char detail[4200];
	snprintf(detail, sizeof detail, "%s (want %s) %s", neurodyn_status_name(rc), neurodyn_status_name(want),
	         rc ? neurodyn_last_error() : "");
	check(what, rc == want, detail);
}

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void on_alarm(int sig) {
	(void)sig;
	static const char m[] = "FAIL: a call hung (cancel not honoured?)\n";
	(void)!write(1, m, sizeof m - 1);
	_exit(2);
}

/* The canceller: after delay seconds, calls neurodyn_cancel(h) every 20 ms
 * until the call returned (done), as the Python package does on Ctrl-C. */
struct canceller {
	neurodyn_handle h;
	double delay;
	volatile int done;
	int cancels;
};

static void *cancel_loop(void *arg) {
	struct canceller *c = arg;
	struct timespec d = {(time_t)c->delay, (long)((c->delay - (double)(time_t)c->delay) * 1e9)};
	nanosleep(&d, NULL);
	struct timespec tick = {0, 20 * 1000 * 1000};
	while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
		if (neurodyn_cancel(c->h) != NEURODYN_OK) {
			printf("FAIL neurodyn_cancel: %s\n", neurodyn_last_error());
		}
		c->cancels++;
		nanosleep(&tick, NULL);
	}
	return NULL;
}

/* Runs f(h) (a long call) with a canceller started delay s later; returns
 * its status and the wall time it took in *secs. */
static int cancelled_call(neurodyn_handle h, double delay, int (*f)(neurodyn_handle), double *secs) {
	struct canceller c = {h, delay, 0, 0};
	pthread_t t;
	pthread_create(&t, NULL, cancel_loop, &c);
	double t0 = now();
	int rc = f(h);
	*secs = now() - t0;
	__atomic_store_n(&c.done, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	return rc;
}

#define RUN_MS 20000.0
static int long_run(neurodyn_handle h) { return neurodyn_network_run(h, RUN_MS); }

static neurodyn_handle model_task;
static int long_train(neurodyn_handle h) {
	return neurodyn_model_train(h, model_task, "{\"Epochs\": 100000, \"KeepLast\": true, \"Patience\": -1}");
}

static int64_t spikes(neurodyn_handle net) {
	int64_t n = -1;
	if (neurodyn_network_spike_count(net, "spikes:E", &n) != NEURODYN_OK) {
		printf("FAIL spike_count: %s\n", neurodyn_last_error());
		failures++;
	}
	return n;
}

int main(void) {
	signal(SIGALRM, on_alarm);
	alarm(120);
	setvbuf(stdout, NULL, _IOLBF, 0);
	char detail[512];
	const char *opts = "{\"N\": 2000, \"Seed\": 7, \"Record\": true}";

	/* A network run of 20 s of model time (tens of seconds of wall time)
	 * cancelled after 0.5 s. */
	neurodyn_handle net = 0, ref = 0;
	expect("network_preset", neurodyn_network_preset("brunel", opts, &net), NEURODYN_OK);
	expect("cancel with no call running", neurodyn_cancel(net), NEURODYN_OK);
	expect("run after that cancel (unaffected)", neurodyn_network_run(net, 10.0), NEURODYN_OK);
	double secs, t_ms = -1, probe;
	int64_t step = -1;
	int rc = cancelled_call(net, 0.5, long_run, &secs);
	expect("network_run cancelled", rc, NEURODYN_ERR_CANCELLED);
	check("its message says where the network is", strstr(neurodyn_last_error(), "has advanced to t = ") != NULL,
	      neurodyn_last_error());
	expect("network_time", neurodyn_network_time(net, &t_ms, &step), NEURODYN_OK);
	snprintf(detail, sizeof detail, "returned after %.2f s at t = %g ms of %g", secs, t_ms, 10.0 + RUN_MS);
	check("the run stopped well before its end", t_ms > 10.0 && t_ms < 10.0 + RUN_MS / 2, detail);
	/* Wall time: time to reach t_ms plus the cancel delay, and the run to
	 * the end would take (RUN_MS / (t_ms-10)) times as long. */
	probe = secs * (10.0 + RUN_MS) / (t_ms - 10.0 + 1e-9);
	snprintf(detail, sizeof detail, "%.2f s, the whole run about %.1f s", secs, probe);
	check("the call returned in less than half the full run's time", secs < probe / 2, detail);

	/* The state: exactly what a run of t_ms gives (same spikes), and a later
	 * run goes on from there. */
	expect("network_preset (reference)", neurodyn_network_preset("brunel", opts, &ref), NEURODYN_OK);
	expect("reference run of t_ms", neurodyn_network_run(ref, t_ms), NEURODYN_OK);
	int64_t a = spikes(net), b = spikes(ref);
	snprintf(detail, sizeof detail, "%lld and %lld spikes", (long long)a, (long long)b);
	check("the cancelled network equals one run for the time it reached", a == b && a > 0, detail);
	expect("run on after the cancel", neurodyn_network_run(net, 50.0), NEURODYN_OK);
	expect("reference runs on", neurodyn_network_run(ref, 50.0), NEURODYN_OK);
	double t2 = -1;
	neurodyn_network_time(net, &t2, NULL);
	a = spikes(net), b = spikes(ref);
	snprintf(detail, sizeof detail, "t = %g ms, %lld and %lld spikes", t2, (long long)a, (long long)b);
	check("and goes on identically", t2 == t_ms + 50.0 && a == b, detail);
	neurodyn_free(ref);
	neurodyn_free(net);

	/* A training of 100,000 epochs cancelled after 1 s. */
	neurodyn_handle model = 0;
	expect("ctrnn_new", neurodyn_ctrnn_new("{\"Hidden\": 16, \"Seed\": 1}", &model), NEURODYN_OK);
	expect("lorenz_new",
	       neurodyn_lorenz_new("{\"TrainT\": 20, \"ValT\": 5, \"TestT\": 5, \"EvalT\": -1, \"SeqLength\": 20}", &model_task),
	       NEURODYN_OK);
	float before[4096], after[4096];
	int64_t inputs, outputs, state, nparams = 0;
	neurodyn_model_dims(model, &inputs, &outputs, &state, &nparams);
	check("parameters fit the test's buffer", nparams > 0 && nparams <= 4096, NULL);
	neurodyn_model_params(model, before, 4096);
	rc = cancelled_call(model, 1.0, long_train, &secs);
	expect("model_train cancelled", rc, NEURODYN_ERR_CANCELLED);
	check("its message says what the model keeps", strstr(neurodyn_last_error(), "finished epochs") != NULL,
	      neurodyn_last_error());
	int64_t need = 0;
	expect("train_result size", neurodyn_model_train_result(model, NULL, 0, &need), NEURODYN_OK);
	char *res = calloc((size_t)need + 1, 1);
	expect("train_result", neurodyn_model_train_result(model, res, need, &need), NEURODYN_OK);
	check("train_result's Stop is \"cancelled\"", strstr(res, "\"Stop\":\"cancelled\"") != NULL, NULL);
	const char *ep = strstr(res, "\"Epochs\":");
	long epochs = ep ? strtol(ep + 9, NULL, 10) : -1;
	snprintf(detail, sizeof detail, "%.2f s, %ld epochs of 100000 finished", secs, epochs);
	check("the training stopped long before its end", epochs >= 0 && epochs < 50000, detail);
	free(res);
	neurodyn_model_params(model, after, 4096);
	int changed = memcmp(before, after, (size_t)nparams * sizeof(float)) != 0;
	check("parameters changed exactly when an epoch finished", changed == (epochs > 0), detail);
	/* The parameters are those after the last finished epoch: a fresh model
	 * trained for exactly that many epochs has the same. */
	if (epochs > 0 && epochs <= 2000) {
		neurodyn_handle m2 = 0;
		char cfg[128];
		snprintf(cfg, sizeof cfg, "{\"Epochs\": %ld, \"KeepLast\": true, \"Patience\": -1}", epochs);
		expect("ctrnn_new (reference)", neurodyn_ctrnn_new("{\"Hidden\": 16, \"Seed\": 1}", &m2), NEURODYN_OK);
		expect("reference training", neurodyn_model_train(m2, model_task, cfg), NEURODYN_OK);
		neurodyn_model_params(m2, before, 4096);
		check("they are the parameters after the last finished epoch",
		      memcmp(before, after, (size_t)nparams * sizeof(float)) == 0, detail);
		neurodyn_free(m2);
	}
	expect("the model trains on after the cancel", neurodyn_model_train(model, model_task, "{\"Epochs\": 1}"),
	       NEURODYN_OK);
	neurodyn_free(model);
	neurodyn_free(model_task);

	printf("cancel_test: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
