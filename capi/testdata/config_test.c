/*
 * config_test.c: configurations and arguments that libneurodyn must refuse
 * with a message naming what is wrong, and state that a failing call must
 * leave alone, as make test-capi-c runs it:
 *   - configuration JSON is decoded strictly: Go field names spelled
 *     exactly, each key given once;
 *   - errors name the C argument at fault (warmup, rows, dim, hidden);
 *   - a training that fails leaves the model's parameters as they were
 *     after its last finished epoch (here: before training);
 *   - training options: MaxDuration < 0, a checkpoint whose extension does
 *     not match a format, a checkpoint in a missing directory (NEURODYN_ERR_IO);
 *   - neurodyn_network_checkpoint refuses an existing file unless told to
 *     overwrite it.
 *
 *     cc $(pkg-config --cflags neurodyn) config_test.c $(pkg-config --libs neurodyn)
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <neurodyn.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void check(const char *what, int ok) {
	printf("%s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok) {
		failures++;
	}
}

static void on_alarm(int sig) {
	(void)sig;
	static const char m[] = "FAIL: a call hung (deadlock?)\n";
	(void)!write(1, m, sizeof m - 1);
	_exit(2);
}

static int exists(const char *path) {
	struct stat st;
	return stat(path, &st) == 0;
}

int main(void) {
	signal(SIGALRM, on_alarm);
	alarm(120);
	setvbuf(stdout, NULL, _IOLBF, 0);
	char tmpl[] = "/tmp/nd_config_test_XXXXXX";
	const char *dir = mkdtemp(tmpl);
	if (dir == NULL) {
		perror("mkdtemp");
		return 1;
	}
	char path[512];

	/* Strict configuration JSON. */
	neurodyn_handle m = 0, h = 0;
	expect("ctrnn_new(Hidden, hidden)", neurodyn_ctrnn_new("{\"Hidden\": 8, \"hidden\": 16}", &m), NEURODYN_ERR_INVALID,
	       "config key = \"hidden\": must be a known key (keys are case-sensitive: \"Hidden\")");
	expect("ctrnn_new(Hidden twice)", neurodyn_ctrnn_new("{\"Hidden\": 8, \"Hidden\": 16}", &m), NEURODYN_ERR_INVALID,
	       "config key = \"Hidden\": must be given once");
	expect("ctrnn_new(misspelt)", neurodyn_ctrnn_new("{\"Hiden\": 8}", &m), NEURODYN_ERR_INVALID,
	       "config key = \"Hiden\": must be a known key: one of ");
	expect("ctrnn_new(trailing data)", neurodyn_ctrnn_new("{\"Hidden\": 8} {}", &m), NEURODYN_ERR_INVALID, "config");
	expect("network_preset(N twice)", neurodyn_network_preset("brunel", "{\"N\": 500, \"N\": 600}", &h),
	       NEURODYN_ERR_INVALID, "options key = \"N\": must be given once");
	neurodyn_handle data = 0;
	double series[300 * 3];
	for (int i = 0; i < 300 * 3; i++) {
		series[i] = (double)((i * 7919) % 101) / 50.0;
	}
	expect("series_new(SeqLength twice)", neurodyn_series_new(series, 300, 3, "{\"SeqLength\": 10, \"SeqLength\": 20}", &data),
	       NEURODYN_ERR_INVALID, "given once");
	expect("series_new", neurodyn_series_new(series, 300, 3, "{\"SeqLength\": 10}", &data), NEURODYN_OK, NULL);
	expect("ctrnn_new", neurodyn_ctrnn_new("{\"Hidden\": 8, \"Seed\": 3}", &m), NEURODYN_OK, NULL);
	expect("model_train(nested Adam.lr)", neurodyn_model_train(m, data, "{\"Adam\": {\"lr\": 0.01}, \"Epochs\": 1}"),
	       NEURODYN_ERR_INVALID, "config key = \"Adam.lr\"");

	/* Errors name the argument at fault. */
	float xf[30] = {0}, y[64];
	double xd[64] = {0};
	char *result = NULL;
	expect("model_generate(warmup 0)", neurodyn_model_generate(m, xf, 1, 0, 10, y, 30), NEURODYN_ERR_INVALID, "warmup = 0");
	expect("model_generate(steps 0)", neurodyn_model_generate(m, xf, 1, 2, 0, y, 30), NEURODYN_ERR_INVALID, "steps = 0");
	expect("model_lyapunov(warmup 0)", neurodyn_model_lyapunov(m, xd, 0, NULL, &result), NEURODYN_ERR_INVALID, "warmup = 0");
	expect("model_fixed_points(rows 0)", neurodyn_model_fixed_points(m, xd, 3, xd, 0, 8, NULL, &result), NEURODYN_ERR_INVALID,
	       "rows = 0");
	expect("mutual_information(n 0)", neurodyn_mutual_information(xd, 0, 2, 4, xd, 3), NEURODYN_ERR_INVALID, "n = 0");
	neurodyn_handle s = 0;
	expect("snn_new", neurodyn_snn_new("{\"NE\": 4, \"NI\": 1, \"Inputs\": 3, \"Outputs\": 3}", &s), NEURODYN_OK, NULL);
	float hidden[4];
	expect("model_forward(snn, hidden too short)", neurodyn_model_forward(s, xf, 1, 5, y, 15, hidden, 4), NEURODYN_ERR_STATE,
	       "a spiking model has no hidden trajectory");
	neurodyn_free(s);
	expect("network_new", neurodyn_network_new("dt_ms = 0.1\n[[population]]\nname = \"A\"\nn = 4\n"
	                                           "[[device]]\nname = \"drv\"\nkind = \"time_series\"\ntarget = \"A\"\n"
	                                           "series_dt_ms = 1.0\nseries = [[0.0, 1.0, 2.0]]\ninput_weights = { value = 1.0 }\n",
	                                           NULL, &h),
	       NEURODYN_OK, NULL);
	expect("network_set_series(dim 2)", neurodyn_network_set_series(h, "drv", xd, 10, 2), NEURODYN_ERR_INVALID,
	       "dim = 2: must be 3, the dimension of time_series device \"drv\"");
	expect("network_set_series(dim 3)", neurodyn_network_set_series(h, "drv", xd, 10, 3), NEURODYN_OK, NULL);

	/* A failing training leaves the parameters it had. */
	static float before[4096], after[4096];
	expect("model_params", neurodyn_model_params(m, before, 4096), NEURODYN_OK, NULL);
	expect("model_train(LR 1e30)", neurodyn_model_train(m, data, "{\"Adam\": {\"LR\": 1e30}, \"Epochs\": 2}"),
	       NEURODYN_ERR_INVALID, "NaN");
	expect("model_params", neurodyn_model_params(m, after, 4096), NEURODYN_OK, NULL);
	check("the parameters after a failed training are those before it", memcmp(before, after, sizeof before) == 0);

	/* Training options. */
	expect("model_train(MaxDuration < 0)", neurodyn_model_train(m, data, "{\"MaxDuration\": -5, \"Epochs\": 1}"),
	       NEURODYN_ERR_INVALID, "MaxDuration = -5");
	snprintf(path, sizeof path, "%s/ck.txt", dir);
	char cfg[1024];
	snprintf(cfg, sizeof cfg, "{\"Checkpoint\": \"%s\", \"Epochs\": 1}", path);
	expect("model_train(Checkpoint .txt)", neurodyn_model_train(m, data, cfg), NEURODYN_ERR_INVALID, "Checkpoint");
	check("no checkpoint written under .txt", !exists(path));
	snprintf(path, sizeof path, "%s/missing/ck.npz", dir);
	snprintf(cfg, sizeof cfg, "{\"Checkpoint\": \"%s\", \"Epochs\": 1}", path);
	expect("model_train(Checkpoint in a missing directory)", neurodyn_model_train(m, data, cfg), NEURODYN_ERR_IO, "missing");

	/* Training checkpoints refuse an existing file unless Overwrite (or
	 * Resume from it). */
	snprintf(path, sizeof path, "%s/notes.npz", dir);
	FILE *f = fopen(path, "w");
	fputs("my notes", f);
	fclose(f);
	snprintf(cfg, sizeof cfg, "{\"Checkpoint\": \"%s\", \"Epochs\": 1}", path);
	expect("model_train(Checkpoint exists)", neurodyn_model_train(m, data, cfg), NEURODYN_ERR_IO, "set \"Overwrite\": true");
	snprintf(cfg, sizeof cfg, "{\"Checkpoint\": \"%s\", \"Epochs\": 1, \"Overwrite\": true}", path);
	expect("model_train(Checkpoint exists, Overwrite)", neurodyn_model_train(m, data, cfg), NEURODYN_OK, NULL);
	snprintf(cfg, sizeof cfg, "{\"Checkpoint\": \"%s\", \"Epochs\": 2, \"Resume\": true}", path);
	expect("model_train(Checkpoint exists, Resume)", neurodyn_model_train(m, data, cfg), NEURODYN_OK, NULL);

	/* Network checkpoints refuse an existing file unless overwrite != 0. */
	snprintf(path, sizeof path, "%s/important.txt", dir);
	f = fopen(path, "w");
	fputs("my notes", f);
	fclose(f);
	expect("network_checkpoint(exists)", neurodyn_network_checkpoint(h, path, 0), NEURODYN_ERR_IO, "overwrite != 0");
	f = fopen(path, "r");
	char buf[16] = {0};
	check("the existing file is unchanged", f != NULL && fgets(buf, sizeof buf, f) != NULL && strcmp(buf, "my notes") == 0);
	if (f) {
		fclose(f);
	}
	expect("network_checkpoint(exists, overwrite)", neurodyn_network_checkpoint(h, path, 1), NEURODYN_OK, NULL);
	snprintf(path, sizeof path, "%s/net.ckpt", dir);
	expect("network_checkpoint(new)", neurodyn_network_checkpoint(h, path, 0), NEURODYN_OK, NULL);
	expect("network_restore", neurodyn_network_restore(h, path), NEURODYN_OK, NULL);

	neurodyn_free(h);
	neurodyn_free(m);
	neurodyn_free(data);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	(void)!system(cmd);
	if (failures) {
		printf("%d failed\n", failures);
		return 1;
	}
	printf("config_test: all passed\n");
	return 0;
}
