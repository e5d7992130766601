/*
 * misuse_test.c: libneurodyn used wrongly from C, as make test-capi-c runs it.
 * Every misuse must return its documented status with a message naming the
 * argument, and never crash or hang (an alarm turns a hang into a failure).
 *
 *     cc $(pkg-config --cflags neurodyn) misuse_test.c $(pkg-config --libs neurodyn)
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <neurodyn.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

	/* A failing call writes nothing, *needed included, except *needed when
	 * the buffer is too small. */
	{
		char sbuf[8] = "unset";
		int64_t needed = -7;
		expect("build_info(buf_len -1)", neurodyn_build_info(sbuf, -1, &needed), NEURODYN_ERR_INVALID, "buf_len = -1");
		expect("... leaves needed", needed == -7 && strcmp(sbuf, "unset") == 0 ? NEURODYN_OK : NEURODYN_ERR_INTERNAL,
		       NEURODYN_OK, NULL);
		expect("build_info(buf NULL, buf_len 8)", neurodyn_build_info(NULL, 8, &needed), NEURODYN_ERR_NULL, "buf is NULL");
		expect("... leaves needed", needed == -7 ? NEURODYN_OK : NEURODYN_ERR_INTERNAL, NEURODYN_OK, NULL);
		expect("kind(0)", neurodyn_kind(0, sbuf, 8, &needed), NEURODYN_ERR_HANDLE, "h is 0");
		expect("... leaves needed", needed == -7 ? NEURODYN_OK : NEURODYN_ERR_INTERNAL, NEURODYN_OK, NULL);
		expect("build_info(buf short)", neurodyn_build_info(sbuf, 8, &needed), NEURODYN_ERR_BUFFER, "buf holds 8 bytes");
		expect("... writes needed", needed > 8 && strcmp(sbuf, "unset") == 0 ? NEURODYN_OK : NEURODYN_ERR_INTERNAL,
		       NEURODYN_OK, NULL);
	}

	/* A projection's synapses: out-of-range indices, a count that is not the
	 * projection's, NULL arrays; then the list read back in CSR order (by
	 * source, then target) with its exact weights and delays. */
	neurodyn_handle net = 0;
	expect("network_new(list)",
	       neurodyn_network_new("dt_ms = 0.125\n[[population]]\nname = \"A\"\nn = 3\n"
	                            "[[projection]]\nsource = \"A\"\ntarget = \"A\"\nrule = { kind = \"list\" }\n"
	                            "sources = [2, 0, 0]\ntargets = [1, 2, 1]\n"
	                            "weight_list = [1.5, -2.0, 3.0]\ndelay_list_ms = [0.5, 1.0, 0.25]\n",
	                            NULL, &net),
	       NEURODYN_OK, NULL);
	int64_t nsyn = -1, src[4], tgt[4];
	float w[4];
	double d[4];
	expect("network_synapse_count", neurodyn_network_synapse_count(net, 0, &nsyn), NEURODYN_OK, NULL);
	if (nsyn != 3) {
		printf("FAIL network_synapse_count: %lld synapses, want 3\n", (long long)nsyn);
		failures++;
	}
	expect("network_synapse_count(projection 1)", neurodyn_network_synapse_count(net, 1, &nsyn), NEURODYN_ERR_INVALID,
	       "projection = 1: must be in [0, 1)");
	expect("network_synapse_count(projection -1)", neurodyn_network_synapse_count(net, -1, &nsyn),
	       NEURODYN_ERR_INVALID, "projection = -1: must be in [0, 1)");
	expect("network_synapse_count(count NULL)", neurodyn_network_synapse_count(net, 0, NULL), NEURODYN_ERR_NULL,
	       "count is NULL");
	expect("network_synapse_count(flipflop)", neurodyn_network_synapse_count(ff, 0, &nsyn), NEURODYN_ERR_HANDLE,
	       "has kind flipflop, want");
	expect("network_synapses(n short)", neurodyn_network_synapses(net, 0, src, tgt, w, d, 2), NEURODYN_ERR_BUFFER,
	       "n = 2: must equal the 3 synapses");
	expect("network_synapses(n long)", neurodyn_network_synapses(net, 0, src, tgt, w, d, 4), NEURODYN_ERR_INVALID,
	       "n = 4: must equal the 3 synapses");
	expect("network_synapses(n < 0)", neurodyn_network_synapses(net, 0, src, tgt, w, d, -1), NEURODYN_ERR_INVALID,
	       "n = -1");
	expect("network_synapses(projection 7)", neurodyn_network_synapses(net, 7, src, tgt, w, d, 3),
	       NEURODYN_ERR_INVALID, "projection = 7: must be in [0, 1)");
	expect("network_synapses(all NULL)", neurodyn_network_synapses(net, 0, NULL, NULL, NULL, NULL, 3),
	       NEURODYN_ERR_NULL, "all NULL");
	for (int i = 0; i < 4; i++) {
		src[i] = tgt[i] = -7;
	}
	expect("network_synapses(targets only)", neurodyn_network_synapses(net, 0, NULL, tgt, NULL, NULL, 3), NEURODYN_OK,
	       NULL);
	if (tgt[0] != 1 || tgt[1] != 2 || tgt[2] != 1 || src[0] != -7) {
		printf("FAIL network_synapses(targets only): targets %lld %lld %lld, sources[0] %lld\n", (long long)tgt[0],
		       (long long)tgt[1], (long long)tgt[2], (long long)src[0]);
		failures++;
	}
	expect("network_synapses", neurodyn_network_synapses(net, 0, src, tgt, w, d, 3), NEURODYN_OK, NULL);
	static const int64_t want_src[3] = {0, 0, 2}, want_tgt[3] = {1, 2, 1};
	static const float want_w[3] = {3.0f, -2.0f, 1.5f};
	static const double want_d[3] = {0.25, 1.0, 0.5};
	for (int i = 0; i < 3; i++) {
		if (src[i] != want_src[i] || tgt[i] != want_tgt[i] || w[i] != want_w[i] || d[i] != want_d[i]) {
			printf("FAIL network_synapses[%d]: %lld -> %lld, w %g, d %g ms; want %lld -> %lld, w %g, d %g ms\n", i,
			       (long long)src[i], (long long)tgt[i], (double)w[i], d[i], (long long)want_src[i],
			       (long long)want_tgt[i], (double)want_w[i], want_d[i]);
			failures++;
		}
	}
	if (src[3] != -7 || tgt[3] != -7) {
		printf("FAIL network_synapses wrote past n\n");
		failures++;
	}
	float we[4] = {-7.0f, -7.0f, -7.0f, -7.0f};
	expect("network_effective_weights(n short)", neurodyn_network_effective_weights(net, 0, we, 2), NEURODYN_ERR_BUFFER,
	       "n = 2: must equal the 3 synapses");
	expect("network_effective_weights(n long)", neurodyn_network_effective_weights(net, 0, we, 4),
	       NEURODYN_ERR_INVALID, "n = 4: must equal the 3 synapses");
	expect("network_effective_weights(projection -2)", neurodyn_network_effective_weights(net, -2, we, 3),
	       NEURODYN_ERR_INVALID, "projection = -2: must be in [0, 1)");
	expect("network_effective_weights(NULL)", neurodyn_network_effective_weights(net, 0, NULL, 3), NEURODYN_ERR_NULL,
	       "weights is NULL");
	expect("network_effective_weights(flipflop)", neurodyn_network_effective_weights(ff, 0, we, 3),
	       NEURODYN_ERR_HANDLE, "has kind flipflop, want");
	expect("network_effective_weights", neurodyn_network_effective_weights(net, 0, we, 3), NEURODYN_OK, NULL);
	for (int i = 0; i < 3; i++) { /* a static projection: the stored weights */
		if (we[i] != want_w[i]) {
			printf("FAIL network_effective_weights[%d]: %g, want %g\n", i, (double)we[i], (double)want_w[i]);
			failures++;
		}
	}
	if (we[3] != -7.0f) {
		printf("FAIL network_effective_weights wrote past n\n");
		failures++;
	}
	expect("free(net)", neurodyn_free(net), NEURODYN_OK, NULL);
	expect("network_synapse_count(freed)", neurodyn_network_synapse_count(net, 0, &nsyn), NEURODYN_ERR_HANDLE, "h = ");

	/* Model files: an existing file is refused without overwrite (and
	 * kept), a file of another configuration is refused by load with the
	 * differing field named, and neurodyn_model_open rebuilds the model
	 * with the file's configuration. */
	char dir[] = "/tmp/neurodyn-misuse-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	char path[sizeof dir + 16], other[sizeof dir + 16];
	snprintf(path, sizeof path, "%s/m.npz", dir);
	snprintf(other, sizeof other, "%s/t.npz", dir);
	neurodyn_handle tau5 = 0, opened = 0, dflt = 0;
	expect("ctrnn_new(Tau 5)", neurodyn_ctrnn_new("{\"Hidden\": 4, \"Tau\": 5}", &tau5), NEURODYN_OK, NULL);
	expect("model_save", neurodyn_model_save(tau5, path, 0), NEURODYN_OK, NULL);
	expect("model_save(existing)", neurodyn_model_save(model, path, 0), NEURODYN_ERR_IO, "overwrite != 0");
	expect("model_save(overwrite 2)", neurodyn_model_save(model, path, 2), NEURODYN_ERR_INVALID, "overwrite = 2");
	expect("model_load(Tau 1 from Tau 5)", neurodyn_model_load(model, path, 0), NEURODYN_ERR_INVALID, "Tau: stored 5, given 1");
	expect("model_open(NULL path)", neurodyn_model_open(NULL, &opened), NEURODYN_ERR_NULL, "path");
	expect("model_open(NULL out)", neurodyn_model_open(path, NULL), NEURODYN_ERR_NULL, "out is NULL");
	expect("model_open", neurodyn_model_open(path, &opened), NEURODYN_OK, NULL);
	char info[4096];
	int64_t need = 0;
	expect("model_info(opened)", neurodyn_model_info(opened, info, sizeof info, &need), NEURODYN_OK, NULL);
	if (strstr(info, "\"Tau\":5") == NULL || strstr(info, "\"kind\":\"ctrnn\"") == NULL) {
		printf("FAIL model_open: info %s, want a ctrnn with Tau 5\n", info);
		failures++;
	}
	expect("ctrnn_new(Hidden 4)", neurodyn_ctrnn_new("{\"Hidden\": 4, \"Seed\": 8}", &dflt), NEURODYN_OK, NULL);
	expect("model_save(other)", neurodyn_model_save(dflt, other, 0), NEURODYN_OK, NULL);
	expect("model_load(same configuration, other seed)", neurodyn_model_load(model, other, 0), NEURODYN_OK, NULL);
	expect("model_save(overwrite)", neurodyn_model_save(model, path, 1), NEURODYN_OK, NULL);
	expect("model_load(after overwrite)", neurodyn_model_load(dflt, path, 0), NEURODYN_OK, NULL);
	remove(path);
	remove(other);
	rmdir(dir);
	expect("free(tau5)", neurodyn_free(tau5), NEURODYN_OK, NULL);
	expect("free(opened)", neurodyn_free(opened), NEURODYN_OK, NULL);
	expect("free(dflt)", neurodyn_free(dflt), NEURODYN_OK, NULL);

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
