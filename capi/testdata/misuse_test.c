/*
 * misuse_test.c: libneurodyn used wrongly from C, as make test-capi-c runs it.
 * Every misuse must return its documented status with a message naming the
 * argument, and never crash or hang (an alarm turns a hang into a failure).
 *
 *     cc $(pkg-config --cflags neurodyn) misuse_test.c $(pkg-config --libs neurodyn)
 */
#include <neurodyn.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void expect(const char *what, int rc, int want, const char *needle) {
	const char *msg = neurodyn_last_error();
	if (rc != want || (needle != NULL && strstr(msg, needle) == NULL)) {
		printf("FAIL %s: status %s (want %s), message \"%s\" (want \"%s\")\n", what, neurodyn_status_name(rc),
		       neurodyn_status_name(want), msg, needle ? needle : "");
		failures++;
	} else {
		printf("ok   %s: %s\n", what, rc ? msg : "NEURODYN_OK");
	}
}

static void on_alarm(int sig) {
	(void)sig;
	static const char m[] = "FAIL: a call hung (deadlock?)\n";
	(void)!write(1, m, sizeof m - 1);
	_exit(2);
}

int main(void) {
	signal(SIGALRM, on_alarm);
	alarm(60);
	setvbuf(stdout, NULL, _IOLBF, 0);

	neurodyn_handle model = 0, data = 0, esn = 0, ff = 0;
	expect("ctrnn_new", neurodyn_ctrnn_new("{\"Hidden\": 4, \"Seed\": 1}", &model), NEURODYN_OK, NULL);
	expect("esn_new", neurodyn_esn_new("{\"N\": 10}", 3, &esn), NEURODYN_OK, NULL);
	expect("flipflop_new", neurodyn_flipflop_new("{\"Steps\": 10, \"TrainTrials\": 4, \"ValTrials\": 2, \"TestTrials\": 2}", &ff),
	       NEURODYN_OK, NULL);
	double series[300 * 3];
	for (int i = 0; i < 300 * 3; i++) {
		series[i] = (double)((i * 7919) % 101) / 50.0;
	}
	expect("series_new", neurodyn_series_new(series, 300, 3, "{\"SeqLength\": 10}", &data), NEURODYN_OK, NULL);

	/* An object given as its own task: used to wait for its own lock forever. */
	expect("model_train(model, model)", neurodyn_model_train(model, model, NULL), NEURODYN_ERR_HANDLE, "task = ");
	double out[16];
	expect("model_evaluate(model, model)", neurodyn_model_evaluate(model, model, "test", out, 16), NEURODYN_ERR_HANDLE,
	       "dataset = ");
	expect("model_flipflop_score(model, model)", neurodyn_model_flipflop_score(model, model, "test", out, 2),
	       NEURODYN_ERR_HANDLE, "flipflop = ");
	char *result = NULL;
	expect("reservoir_fit(esn, esn)", neurodyn_reservoir_fit(esn, esn, &result), NEURODYN_ERR_HANDLE, "dataset = ");
	expect("model_train(model, esn)", neurodyn_model_train(model, esn, NULL), NEURODYN_ERR_HANDLE, "has kind esn, want");
	expect("model_train(model, flipflop)", neurodyn_model_train(model, ff, "{\"Epochs\": 1}"), NEURODYN_OK, NULL);

	/* NULL pointers, negative sizes, NaN. */
	expect("ctrnn_new(out NULL)", neurodyn_ctrnn_new(NULL, NULL), NEURODYN_ERR_NULL, "out is NULL");
	float y[3];
	expect("model_predict(x NULL)", neurodyn_model_predict(model, NULL, 1, 5, y, 3), NEURODYN_ERR_NULL, "x is NULL");
	float x[15] = {0};
	expect("model_predict(n < 0)", neurodyn_model_predict(model, x, -1, 5, y, 3), NEURODYN_ERR_INVALID, "n = -1");
	expect("model_predict(y_len short)", neurodyn_model_predict(model, x, 1, 5, y, 2), NEURODYN_ERR_BUFFER, "y holds 2");
	x[4] = 0.0f / 0.0f;
	expect("model_predict(NaN)", neurodyn_model_predict(model, x, 1, 5, y, 3), NEURODYN_ERR_INVALID, "x[4] = NaN");
	expect("network_run(NaN)", neurodyn_network_run(model, 0.0 / 0.0), NEURODYN_ERR_HANDLE, "has kind ctrnn, want");
	expect("metrics(pred NULL)", neurodyn_metrics(NULL, series, 10, 3, out, 11), NEURODYN_ERR_NULL, "pred is NULL");
	expect("string_free(NULL)", neurodyn_string_free(NULL), NEURODYN_OK, NULL);

	/* Freed and double-freed handles. */
	expect("free(model)", neurodyn_free(model), NEURODYN_OK, NULL);
	expect("free(model) again", neurodyn_free(model), NEURODYN_ERR_HANDLE, "not a live neurodyn handle");
	expect("model_predict(freed)", neurodyn_model_predict(model, x, 1, 5, y, 3), NEURODYN_ERR_HANDLE, "h = ");
	expect("free(0)", neurodyn_free(0), NEURODYN_ERR_HANDLE, "h is 0");
	expect("free(esn)", neurodyn_free(esn), NEURODYN_OK, NULL);
	expect("free(ff)", neurodyn_free(ff), NEURODYN_OK, NULL);
	expect("free(data)", neurodyn_free(data), NEURODYN_OK, NULL);

	if (failures) {
		printf("misuse_test: %d failures\n", failures);
		return 1;
	}
	printf("misuse_test: ok\n");
	return 0;
}
