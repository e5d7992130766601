/*
 * neurodyn_example.c: libneurodyn from C.
 *
 * Builds a small balanced E/I network from a TOML spec, runs it, fetches its
 * spikes and membrane potentials into buffers it allocates after asking the
 * sizes, checkpoints it and shows that a restored copy continues exactly,
 * writes a SONATA spike file, then trains a CT-RNN on a short Lorenz-63
 * dataset and reports its one-step test metrics next to the persistence
 * baseline. Every call is checked; errors print neurodyn_last_error().
 *
 * Build against an installed prefix:
 *
 *     cc -std=c11 $(pkg-config --cflags neurodyn) neurodyn_example.c \
 *        $(pkg-config --libs neurodyn) -Wl,-rpath,$(pkg-config --variable=libdir neurodyn)
 *
 * Usage: neurodyn_example [output-directory]   (default: the current one)
 */
#include <math.h>
#include <neurodyn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CHECK runs a neurodyn call and exits with its message if it fails. */
#define CHECK(call)                                                                                       \
	do {                                                                                                  \
		int rc_ = (call);                                                                                 \
		if (rc_ != NEURODYN_OK) {                                                                         \
			fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #call,                      \
			        neurodyn_status_name(rc_), neurodyn_last_error());                                    \
			exit(1);                                                                                      \
		}                                                                                                 \
	} while (0)

static const char *spec =
    "dt_ms = 0.1\n"
    "seed = 7\n"
    "[[population]]\n"
    "name = \"E\"\n"
    "n = 400\n"
    "sign = 1\n"
    "params = { tau_mem_ms = 20.0, t_ref_ms = 2.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0 }\n"
    "v_init = { dist = \"uniform\", low = -60.0, high = -50.0 }\n"
    "[[population]]\n"
    "name = \"I\"\n"
    "n = 100\n"
    "sign = -1\n"
    "params = { tau_mem_ms = 10.0, e_l_mv = -60.0, v_reset_mv = -60.0, v_th_mv = -50.0 }\n"
    "[[projection]]\n"
    "source = \"E\"\n"
    "target = \"E\"\n"
    "rule = { kind = \"fixed_prob\", p = 0.05 }\n"
    "weights = { value = 20.0 }\n"
    "delay_ms = 1.5\n"
    "[[projection]]\n"
    "source = \"E\"\n"
    "target = \"I\"\n"
    "rule = { kind = \"fixed_prob\", p = 0.05 }\n"
    "weights = { value = 20.0 }\n"
    "delay_ms = 1.5\n"
    "[[projection]]\n"
    "source = \"I\"\n"
    "target = \"E\"\n"
    "rule = { kind = \"fixed_prob\", p = 0.05 }\n"
    "weights = { value = 120.0 }\n"
    "delay_ms = 1.5\n"
    "[[device]]\n"
    "kind = \"poisson\"\n"
    "target = \"E\"\n"
    "rate_hz = 2500.0\n"
    "weight = 25.0\n"
    "[[device]]\n"
    "kind = \"poisson\"\n"
    "target = \"I\"\n"
    "rate_hz = 2500.0\n"
    "weight = 25.0\n"
    "[[recorder]]\n"
    "name = \"spikes\"\n"
    "kind = \"spikes\"\n"
    "population = \"E\"\n"
    "[[recorder]]\n"
    "name = \"v\"\n"
    "kind = \"state\"\n"
    "population = \"E\"\n"
    "neurons = [0, 1, 2, 3]\n"
    "interval_ms = 1.0\n";

/* fetch_spikes returns the spikes of a recorder in malloc'ed arrays. */
static int64_t fetch_spikes(neurodyn_handle net, const char *rec, double **times, uint32_t **ids) {
	int64_t n = 0, copied = 0;
	CHECK(neurodyn_network_spike_count(net, rec, &n));
	*times = malloc((size_t)(n > 0 ? n : 1) * sizeof **times);
	*ids = malloc((size_t)(n > 0 ? n : 1) * sizeof **ids);
	if (*times == NULL || *ids == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	CHECK(neurodyn_network_spikes(net, rec, 0, *times, *ids, n, &copied));
	return copied;
}

static int spiking(const char *dir) {
	neurodyn_handle net = 0, copy = 0;
	CHECK(neurodyn_network_new(spec, "toml", &net));

	CHECK(neurodyn_network_run(net, 250.0));
	char ckpt[1024];
	snprintf(ckpt, sizeof ckpt, "%s/example_network.ckpt", dir);
	CHECK(neurodyn_network_checkpoint(net, ckpt, 1)); /* 1: replace the file of an earlier run */
	CHECK(neurodyn_network_run(net, 250.0));

	int64_t stats[6];
	CHECK(neurodyn_network_stats(net, stats, 6));
	double *t = NULL;
	uint32_t *id = NULL;
	int64_t n = fetch_spikes(net, "spikes", &t, &id);
	printf("network: %lld synapses, %lld steps, %lld E spikes in 500 ms (%.1f Hz per neuron), first at %.1f ms (neuron %u)\n",
	       (long long)stats[3], (long long)stats[0], (long long)n, n / 400.0 / 0.5, n ? t[0] : 0.0, n ? id[0] : 0u);

	int64_t frames = 0, width = 0;
	CHECK(neurodyn_network_frame_shape(net, "v", &frames, &width));
	float *v = malloc((size_t)(frames * width) * sizeof *v);
	CHECK(neurodyn_network_frames(net, "v", NULL, 0, v, frames * width));
	double vmean = 0;
	for (int64_t i = 0; i < frames * width; i++) {
		vmean += v[i];
	}
	printf("network: %lld frames of %lld membrane potentials, mean %.2f mV\n", (long long)frames, (long long)width,
	       vmean / (double)(frames * width));
	free(v);

	/* A second network from the same spec, restored at 250 ms, must produce
	 * exactly the spikes of the first after 250 ms. */
	CHECK(neurodyn_network_new(spec, NULL, &copy));
	CHECK(neurodyn_network_restore(copy, ckpt));
	CHECK(neurodyn_network_run(copy, 250.0));
	double *t2 = NULL;
	uint32_t *id2 = NULL;
	int64_t n2 = fetch_spikes(copy, "spikes", &t2, &id2);
	int64_t k = 0;
	while (k < n && t[k] <= 250.0) { /* spikes at 250 ms belong to the first half */
		k++;
	}
	int same = (n - k == n2);
	for (int64_t i = 0; same && i < n2; i++) {
		same = (t[k + i] == t2[i] && id[k + i] == id2[i]);
	}
	printf("checkpoint: restored copy reproduces the %lld spikes after 250 ms: %s\n", (long long)n2, same ? "yes" : "NO");
	free(t2);
	free(id2);
	free(t);
	free(id);

	char info[512];
	CHECK(neurodyn_build_info(info, sizeof info, NULL));
	if (strstr(info, "\"hdf5\":true") != NULL) {
		char path[1024];
		snprintf(path, sizeof path, "%s/example_spikes.h5", dir);
		CHECK(neurodyn_network_write_spikes(net, path, NEURODYN_SORT_BY_TIME, 1));
		printf("sonata: wrote %s\n", path);
	}
	CHECK(neurodyn_free(copy));
	CHECK(neurodyn_free(net));
	return same;
}

static int forecasting(void) {
	neurodyn_handle data = 0, model = 0;
	CHECK(neurodyn_lorenz_new("{\"TrainT\": 20, \"ValT\": 5, \"TestT\": 5, \"EvalT\": -1}", &data));
	CHECK(neurodyn_ctrnn_new("{\"Hidden\": 32, \"Seed\": 1}", &model));
	CHECK(neurodyn_model_train(model, data, "{\"Epochs\": 3, \"BatchSize\": 64, \"Adam\": {\"LR\": 0.005}, \"Seed\": 1}"));

	double m[NEURODYN_METRICS_LEN(3)];
	CHECK(neurodyn_model_evaluate(model, data, "test", m, NEURODYN_METRICS_LEN(3)));
	printf("ctrnn: 3 epochs, test RMSE %.4f, per-variable R^2 %.4f %.4f %.4f\n", m[1], m[8], m[9], m[10]);

	/* Persistence (the target is the last input) on the same windows. */
	int64_t nw = 0, samples = 0, dim = 0;
	CHECK(neurodyn_dataset_window_count(data, "test", &nw));
	CHECK(neurodyn_dataset_split_shape(data, "test", &samples, &dim));
	float *x = malloc((size_t)(nw * 50 * 3) * sizeof *x);
	float *y = malloc((size_t)(nw * 3) * sizeof *y);
	double *pred = malloc((size_t)(nw * 3) * sizeof *pred);
	double *truth = malloc((size_t)(nw * 3) * sizeof *truth);
	CHECK(neurodyn_dataset_windows(data, "test", 0, nw, x, nw * 50 * 3, y, nw * 3));
	for (int64_t i = 0; i < nw; i++) {
		for (int d = 0; d < 3; d++) {
			pred[i * 3 + d] = x[(i * 50 + 49) * 3 + d];
			truth[i * 3 + d] = y[i * 3 + d];
		}
	}
	CHECK(neurodyn_dataset_denormalize(data, pred, nw * 3));
	CHECK(neurodyn_dataset_denormalize(data, truth, nw * 3));
	double p[NEURODYN_METRICS_LEN(3)];
	CHECK(neurodyn_metrics(pred, truth, nw, 3, p, NEURODYN_METRICS_LEN(3)));
	printf("persistence: test RMSE %.4f\n", p[1]);
	free(x);
	free(y);
	free(pred);
	free(truth);
	CHECK(neurodyn_free(model));
	CHECK(neurodyn_free(data));
	return isfinite(m[1]);
}

int main(int argc, char **argv) {
	const char *dir = argc > 1 ? argv[1] : ".";
	printf("libneurodyn %s (interface %d, header %d)\n", neurodyn_version(), neurodyn_abi_version(), NEURODYN_ABI_VERSION);
	if (neurodyn_abi_version() != NEURODYN_ABI_VERSION) {
		fprintf(stderr, "interface version mismatch\n");
		return 1;
	}

	/* Errors are status codes with a message naming the argument. */
	int64_t n;
	int rc = neurodyn_network_spike_count(12345, "spikes", &n);
	printf("errors: a forged handle gives %s: %s\n", neurodyn_status_name(rc), neurodyn_last_error());
	if (rc != NEURODYN_ERR_HANDLE) {
		return 1;
	}

	int ok = spiking(dir);
	ok = forecasting() && ok;
	printf("%s\n", ok ? "example: ok" : "example: FAILED");
	return ok ? 0 : 1;
}
