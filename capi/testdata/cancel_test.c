/*
 * cancel_test.c: neurodyn_cancel from another thread stops a long network run
 * and a long training, as make test-capi-c runs it. Checks the status, that
 * the call returned long before its full duration (a bound of half of it, no
 * tighter: the machine is shared), and the state left: the network is
 * exactly where a run of the reached duration takes it and runs on from
 * there; the model keeps the parameters of a finished epoch.
 *
 * Then the other long calls, each sized to take a minute or more and
 * cancelled after 0.3 s: a reservoir's and an ESN's readout fit (an
 * unfitted one stays unfitted, a fitted one keeps its readout: the same
 * closed loop, bit for bit), a harvest and a closed loop (what they
 * finished is kept, bit for bit as an uncancelled call gives it), a CT-RNN's
 * evaluation, valid time, Lyapunov spectrum and fixed points, a spiking
 * model's forecast and readout fit. Each must return
 * NEURODYN_ERR_CANCELLED within 10 s (a generous bound, not a timing
 * test), and the object must work on afterwards as before.
 *
 *     cc $(pkg-config --cflags neurodyn) cancel_test.c $(pkg-config --libs neurodyn) -lpthread -lm
 */
#define _POSIX_C_SOURCE 200809L
#include <neurodyn.h>

#include <math.h>
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

/* ---- The other long calls ----------------------------------------------- */

#define BOUND_S 10.0

/* Arguments of the long calls below (the canceller passes only h). */
static neurodyn_handle arg_data, arg_small;
static const double *arg_x;
static float *arg_f;
static int64_t arg_n, arg_len;
static char *arg_result;

static int fit_long(neurodyn_handle h) { return neurodyn_reservoir_fit(h, arg_data, &arg_result); }
static int harvest_long(neurodyn_handle h) {
	return neurodyn_reservoir_harvest(h, arg_x, arg_n, 3, arg_f, arg_len);
}
static float warm_zero[2 * 10 * 3];
static int generate_long(neurodyn_handle h) { return neurodyn_model_generate(h, warm_zero, 2, 10, arg_n, arg_f, arg_len); }
static int evaluate_long(neurodyn_handle h) {
	static double out[16];
	return neurodyn_model_evaluate(h, arg_data, "eval", out, 11);
}
static int valid_time_long(neurodyn_handle h) {
	return neurodyn_model_valid_time(h, arg_x, arg_n, 3, "{\"Starts\": 2000, \"Horizon\": 2500}", &arg_result);
}
static double warm_zero64[20 * 3];
static int lyapunov_long(neurodyn_handle h) { return neurodyn_model_lyapunov(h, warm_zero64, 20, NULL, &arg_result); }
static double zero_input[3];
static int fixed_points_long(neurodyn_handle h) {
	return neurodyn_model_fixed_points(h, zero_input, 3, arg_x, 100, 256, "{\"Starts\": 1000}", &arg_result);
}
static int forecast_long(neurodyn_handle h) { return neurodyn_snn_forecast(h, arg_data, "eval", &arg_result); }
static int fit_readout_long(neurodyn_handle h) { return neurodyn_snn_fit_readout(h, arg_data, 10, &arg_result); }

/* Calls f with a canceller after 0.3 s and checks that it is cancelled
 * within BOUND_S; returns whether it was. */
static int expect_cancelled(const char *what, neurodyn_handle h, int (*f)(neurodyn_handle)) {
	double secs;
	arg_result = NULL;
	int rc = cancelled_call(h, 0.3, f, &secs);
	char name[160], detail[4400];
	snprintf(name, sizeof name, "%s cancelled", what);
	expect(name, rc, NEURODYN_ERR_CANCELLED);
	snprintf(detail, sizeof detail, "returned after %.2f s", secs);
	snprintf(name, sizeof name, "%s returned promptly", what);
	check(name, secs < BOUND_S, detail);
	if (arg_result != NULL) {
		check("no result on a cancel", 0, arg_result);
		neurodyn_string_free(arg_result);
		arg_result = NULL;
	}
	return rc == NEURODYN_ERR_CANCELLED;
}

/* The closed loop of a fitted reservoir from the small dataset's first 20
 * test samples, 30 steps, into y (90 floats). */
static int closed_loop(neurodyn_handle r, float *y) {
	static double test[3000 * 3];
	static float warm[20 * 3];
	int64_t samples = 0, dim = 0;
	neurodyn_dataset_split_shape(arg_small, "test", &samples, &dim);
	if (samples * dim > 3000 * 3 || neurodyn_dataset_split(arg_small, "test", test, samples * dim) != NEURODYN_OK) {
		return -1;
	}
	for (int i = 0; i < 60; i++) {
		warm[i] = (float)test[i];
	}
	return neurodyn_model_generate(r, warm, 1, 20, 30, y, 90);
}

static void reservoir_fits(const char *kind, const char *config) {
	char what[128], *fit = NULL, *fit2 = NULL;
	neurodyn_handle r = 0;
	int rc = strcmp(kind, "esn") == 0 ? neurodyn_esn_new(config, 3, &r) : neurodyn_reservoir_new(config, 3, &r);
	snprintf(what, sizeof what, "%s_new", kind);
	expect(what, rc, NEURODYN_OK);
	snprintf(what, sizeof what, "%s fit, unfitted", kind);
	if (expect_cancelled(what, r, fit_long)) {
		check("its message says it stays unfitted", strstr(neurodyn_last_error(), "stays unfitted") != NULL,
		      neurodyn_last_error());
	}
	float y[90], y2[90];
	expect("and it is still unfitted (closed loop refused)", closed_loop(r, y), NEURODYN_ERR_STATE);
	expect("fit on the small dataset", neurodyn_reservoir_fit(r, arg_small, &fit), NEURODYN_OK);
	expect("closed loop", closed_loop(r, y), NEURODYN_OK);
	snprintf(what, sizeof what, "%s fit, fitted", kind);
	if (expect_cancelled(what, r, fit_long)) {
		check("its message says it keeps its readout",
		      strstr(neurodyn_last_error(), "keeps its previous readout") != NULL, neurodyn_last_error());
	}
	expect("closed loop after the cancel", closed_loop(r, y2), NEURODYN_OK);
	check("the same closed loop, bit for bit (the readout kept)", memcmp(y, y2, sizeof y) == 0, NULL);
	expect("fit again", neurodyn_reservoir_fit(r, arg_small, &fit2), NEURODYN_OK);
	const char *l1 = fit ? strstr(fit, "\"Lambda\"") : NULL, *l2 = fit2 ? strstr(fit2, "\"Lambda\"") : NULL;
	check("which gives the same lambda and errors", l1 && l2 && strncmp(l1, l2, 120) == 0, fit2);
	expect("closed loop after fitting again", closed_loop(r, y2), NEURODYN_OK);
	check("the same closed loop, bit for bit", memcmp(y, y2, sizeof y) == 0, NULL);
	neurodyn_string_free(fit);
	neurodyn_string_free(fit2);
	neurodyn_free(r);
}

static void other_long_calls(void) {
	char detail[512];
	/* Datasets: ten times the tutorial's training split (a reservoir's fit
	 * on it takes about a minute), a small one, the tutorial's. */
	neurodyn_handle big = 0, tut = 0;
	expect("lorenz_new (long)", neurodyn_lorenz_new("{\"TrainT\": 1400, \"ValT\": 30, \"TestT\": 30, \"EvalT\": -1}", &big),
	       NEURODYN_OK);
	expect("lorenz_new (small)",
	       neurodyn_lorenz_new("{\"TrainT\": 10, \"ValT\": 5, \"TestT\": 5, \"EvalT\": -1, \"SeqLength\": 20}", &arg_small),
	       NEURODYN_OK);
	expect("lorenz_new (tutorial)", neurodyn_lorenz_new(NULL, &tut), NEURODYN_OK);

	arg_data = big;
	reservoir_fits("reservoir", "{\"Seed\": 1}");
	reservoir_fits("esn", "{\"N\": 1000, \"Seed\": 1}");

	/* A harvest of 8,000 one-second samples: the rows finished are kept. */
	neurodyn_handle r = 0;
	expect("reservoir_new (1 s per sample)", neurodyn_reservoir_new("{\"Seed\": 1, \"SampleMs\": 1000}", 3, &r), NEURODYN_OK);
	enum { HN = 8000, F = 2000 }; /* HN * 3 <= 100 * 256 */
	double *x = malloc(sizeof(double) * 100 * 256); /* the harvest's series, then the fixed points' visited states */
	float *out = malloc(sizeof(float) * (size_t)HN * F), *ref = malloc(sizeof(float) * (size_t)HN * F);
	for (int i = 0; i < HN * 3; i++) {
		x[i] = 0.5 * sin(0.37 * i) + 0.3 * cos(0.011 * i);
	}
	for (size_t i = 0; i < (size_t)HN * F; i++) {
		out[i] = -1.0f; /* features are >= 0 */
	}
	arg_x = x, arg_n = HN, arg_f = out, arg_len = (int64_t)HN * F;
	if (expect_cancelled("reservoir_harvest", r, harvest_long)) {
		const char *m = strstr(neurodyn_last_error(), "the features of the first ");
		long got = m ? strtol(m + strlen("the features of the first "), NULL, 10) : -1;
		snprintf(detail, sizeof detail, "%ld samples finished", got);
		check("it says how many rows it kept", got > 0 && got < HN, neurodyn_last_error());
		if (got > 0 && got < HN) {
			expect("harvest of those samples alone", neurodyn_reservoir_harvest(r, x, got, 3, ref, (int64_t)got * F),
			       NEURODYN_OK);
			check("the rows kept are theirs, bit for bit", memcmp(out, ref, sizeof(float) * (size_t)got * F) == 0, detail);
			check("and the rest of out is untouched", out[(size_t)got * F] == -1.0f && out[(size_t)HN * F - 1] == -1.0f,
			      detail);
		}
	}
	free(out);
	free(ref);
	neurodyn_free(r);

	/* A CT-RNN of 512 units: a closed loop of 3,000,000 steps (a quarter of
	 * an hour) keeps the outputs it finished. */
	neurodyn_handle m = 0;
	expect("ctrnn_new (H = 512)", neurodyn_ctrnn_new("{\"Hidden\": 512, \"Seed\": 1}", &m), NEURODYN_OK);
	const int64_t steps = 3000000;
	float *y = malloc(sizeof(float) * 2 * (size_t)steps * 3);
	for (size_t i = 0; i < 2 * (size_t)steps * 3; i++) {
		y[i] = NAN;
	}
	arg_n = steps, arg_f = y, arg_len = 2 * steps * 3;
	if (expect_cancelled("model_generate", m, generate_long)) {
		const char *p = strstr(neurodyn_last_error(), "the first ");
		long done = p ? strtol(p + strlen("the first "), NULL, 10) : -1;
		check("it says how many outputs it kept", done > 0 && done < steps, neurodyn_last_error());
		if (done > 0 && done < steps) {
			float *g = malloc(sizeof(float) * 2 * (size_t)done * 3);
			expect("closed loop of that many steps", neurodyn_model_generate(m, warm_zero, 2, 10, done, g, 2 * done * 3),
			       NEURODYN_OK);
			int same = 1;
			for (int s = 0; s < 2; s++) {
				same &= memcmp(y + (size_t)s * steps * 3, g + (size_t)s * done * 3, sizeof(float) * (size_t)done * 3) == 0;
				same &= isnan(y[(size_t)s * steps * 3 + (size_t)done * 3]);
			}
			snprintf(detail, sizeof detail, "%ld of %lld outputs per stream", done, (long long)steps);
			check("the outputs kept are theirs, bit for bit, and the rest untouched", same, detail);
			free(g);
		}
	}
	free(y);

	/* Evaluation on 99,950 windows, valid times from 2,000 starts, the
	 * default Lyapunov spectrum (512 exponents over 101,000 steps: hours). */
	arg_data = tut;
	expect_cancelled("model_evaluate", m, evaluate_long);
	double *traj = malloc(sizeof(double) * 100000 * 3);
	expect("the eval split", neurodyn_dataset_split(tut, "eval", traj, 100000 * 3), NEURODYN_OK);
	arg_x = traj, arg_n = 100000;
	expect_cancelled("model_valid_time", m, valid_time_long);
	expect_cancelled("model_lyapunov", m, lyapunov_long);
	double ev[11];
	expect("the model evaluates after the cancels", neurodyn_model_evaluate(m, arg_small, "test", ev, 11), NEURODYN_OK);
	neurodyn_free(m);

	/* Fixed points of a 256-unit CT-RNN from 1,000 starts (about a second
	 * each). */
	expect("ctrnn_new (H = 256)", neurodyn_ctrnn_new("{\"Hidden\": 256, \"Seed\": 1}", &m), NEURODYN_OK);
	for (int i = 0; i < 100 * 256; i++) {
		x[i] = 0.3 * sin(1.7 * i);
	}
	arg_x = x;
	expect_cancelled("model_fixed_points", m, fixed_points_long);
	char *res = NULL;
	expect("and a short search after it", neurodyn_model_fixed_points(m, zero_input, 3, x, 100, 256,
	       "{\"Starts\": 1, \"MaxIter\": 20, \"NewtonIter\": 1}", &res), NEURODYN_OK);
	neurodyn_string_free(res);
	neurodyn_free(m);
	free(x);
	free(traj);

	/* The spiking model: forecasts of 99,950 windows, a readout fit on the
	 * long dataset (its readout kept: the same forecasts after). */
	neurodyn_handle s = 0;
	char *f1 = NULL, *f2 = NULL;
	expect("snn_new", neurodyn_snn_new("{\"Seed\": 1}", &s), NEURODYN_OK);
	expect("snn_forecast", neurodyn_snn_forecast(s, arg_small, "test", &f1), NEURODYN_OK);
	arg_data = tut;
	expect_cancelled("snn_forecast", s, forecast_long);
	arg_data = big;
	if (expect_cancelled("snn_fit_readout", s, fit_readout_long)) {
		check("its message says the readout is kept", strstr(neurodyn_last_error(), "keeps its previous readout") != NULL,
		      neurodyn_last_error());
	}
	expect("snn_forecast after", neurodyn_snn_forecast(s, arg_small, "test", &f2), NEURODYN_OK);
	check("the same forecast, bit for bit", f1 && f2 && strcmp(f1, f2) == 0, f2);
	neurodyn_string_free(f1);
	neurodyn_string_free(f2);
	neurodyn_free(s);
	neurodyn_free(big);
	neurodyn_free(tut);
	neurodyn_free(arg_small);
}

int main(void) {
	signal(SIGALRM, on_alarm);
	alarm(600);
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

	other_long_calls();

	printf("cancel_test: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
