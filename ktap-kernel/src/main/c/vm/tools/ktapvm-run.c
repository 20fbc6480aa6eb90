// SPDX-License-Identifier: GPL-2.0
/*
 * ktapvm-run - runs a compiled chunk on the userspace C VM and prints its
 * output as text, the way the Java side shows the records.
 *
 *   ktapvm-run [-R RING_BYTES] [-e EVENTS] [-q] CHUNK [ARG...]
 *   ktapvm-run [-R RING_BYTES] [-e EVENTS] [-q] -m CHUNK...
 *
 *   ktapvm-run -t RUNS CHUNK
 *
 * With -t the chunk is loaded RUNS times and only its main chunk is timed;
 * the mean of the fastest half, in milliseconds, is printed (the statistic of
 * the Lua side of the benchmark, bench/timeit.lua).
 * With -m every argument is a chunk, loaded, run and freed in turn (the
 * sanitizer test runs hundreds of mutants in one process); a rejected chunk
 * is reported and skipped.
 * Runs the main chunk, then fires EVENTS synthetic events (name "bench",
 * arg1 = the event's number) at every probe, then the end blocks.  -q drops
 * the output (for benchmarks).  Exit status: 0, or 1 after a runtime error,
 * 2 when the chunk is rejected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ktapvm.h"
#include "ktapvm_user.h"
#include "ktap_ring.h"

static const char *source = "";
static int quiet;

static void show(const struct ktapvm_record *r)
{
	const unsigned char *p = r->payload;
	unsigned int i;

	if (quiet)
		return;
	switch (r->type) {
	case KTAP_REC_PRINT:
		fwrite(p, 1, r->len, stdout);
		break;
	case KTAP_REC_ERROR: {
		unsigned int line;

		memcpy(&line, p, 4);
		if (line)
			printf("error: %s:%u: %.*s\n", source, line, (int)(r->len - 4), p + 4);
		else
			printf("error: %s: %.*s\n", source, (int)(r->len - 4), p + 4);
		break;
	}
	case KTAP_REC_HISTOGRAM: {
		unsigned int rows, omitted, off = 8;

		memcpy(&rows, p, 4);
		memcpy(&omitted, p + 4, 4);
		printf("%31s %s %s\n", "value", "------------- Distribution -------------", "count");
		for (i = 0; i < rows; i++) {
			long long count;
			unsigned int bar, klen, b;
			char bars[39];

			memcpy(&count, p + off, 8);
			memcpy(&bar, p + off + 8, 4);
			memcpy(&klen, p + off + 12, 4);
			for (b = 0; b < 38; b++)
				bars[b] = b < bar ? '@' : ' ';
			bars[38] = 0;
			printf("%31.*s |%s| %lld\n", (int)klen, p + off + 16, bars, count);
			off += 16 + ((klen + 7) & ~7u);
		}
		if (omitted)
			printf("%31s |\n", "...");
		break;
	}
	case KTAP_REC_LOST: {
		unsigned long long n;

		memcpy(&n, p, 8);
		printf("lost %llu records on cpu %u\n", n, r->cpu);
		break;
	}
	default:
		break;
	}
}

static void drain(struct ktap_vm *vm)
{
	struct ktapvm_record r;
	unsigned int i;

	for (i = 0; i < ktapvm_nr_rings(vm); i++)
		while (ktapvm_user_next_record(vm, i, &r))
			show(&r);
}

static int run_file(const char *path, int argc, char **argv, const struct ktapvm_load_opts *opts,
		    long events, int many)
{
	struct ktapvm_field field = { "n", 1, 0, 0, NULL, 0 };
	struct ktapvm_event ev = { "bench", 5, "bench: n=0", 10, NULL, &field, 1, 0, NULL };
	char err[256];
	long e, len;
	unsigned int p;
	int status = 0, rc;
	struct ktap_vm *vm;
	FILE *f;
	char *buf;

	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", path);
		fclose(f);
		free(buf);
		return 2;
	}
	fclose(f);
	vm = ktapvm_load(buf, (size_t)len, opts, err, sizeof(err));
	free(buf);
	if (!vm) {
		fprintf(many ? stdout : stderr, "%s: %s\n", path, err);
		return 2;
	}
	source = path;
	ktapvm_set_args(vm, path, (unsigned int)argc, (const char *const *)argv);
	rc = ktapvm_run_main(vm);
	drain(vm);
	for (e = 0; e < events && rc != KTAPVM_ERROR && rc != KTAPVM_EXIT; e++) {
		field.num = e;
		for (p = 0; p < ktapvm_nr_probes(vm) && rc != KTAPVM_ERROR && rc != KTAPVM_EXIT; p++)
			rc = ktapvm_run_probe(vm, p, &ev);
		if ((e & 1023) == 0)
			drain(vm);
	}
	if (rc == KTAPVM_ERROR)
		status = 1;
	drain(vm);
	if (ktapvm_run_end(vm) == KTAPVM_ERROR)
		status = 1;
	drain(vm);
	ktapvm_free(vm);
	return status;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Loads the chunk runs times, times main each time, prints the mean of the fastest half. */
static int timeit(const char *path, int runs, const struct ktapvm_load_opts *opts)
{
	double *times = calloc((size_t)runs, sizeof(double));
	double sum = 0, t0;
	char err[256];
	long len;
	char *buf;
	FILE *f = fopen(path, "rb");
	int i, n;

	if (!f || !times) {
		perror(path);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 2;
	fclose(f);
	for (i = 0; i < runs; i++) {
		struct ktap_vm *vm = ktapvm_load(buf, (size_t)len, opts, err, sizeof(err));

		if (!vm) {
			fprintf(stderr, "%s: %s\n", path, err);
			return 2;
		}
		t0 = now_ms();
		if (ktapvm_run_main(vm) != KTAPVM_OK) {
			quiet = 0;
			drain(vm);
			return 1;
		}
		times[i] = now_ms() - t0;
		drain(vm);
		ktapvm_free(vm);
	}
	qsort(times, (size_t)runs, sizeof(double), cmp_double);
	n = runs / 2 > 0 ? runs / 2 : 1;
	for (i = 0; i < n; i++)
		sum += times[i];
	printf("%.3f\n", sum / n);
	free(times);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct ktapvm_load_opts opts = { 1u << 24, 1 };
	long events = 0;
	int opt_i = 1, many = 0, status = 0, i, rc, runs = 0;

	while (opt_i < argc && argv[opt_i][0] == '-') {
		if (!strcmp(argv[opt_i], "-R") && opt_i + 1 < argc) {
			opts.ring_bytes = (unsigned int)strtoul(argv[opt_i + 1], NULL, 0);
			opt_i += 2;
		} else if (!strcmp(argv[opt_i], "-e") && opt_i + 1 < argc) {
			events = strtol(argv[opt_i + 1], NULL, 0);
			opt_i += 2;
		} else if (!strcmp(argv[opt_i], "-q")) {
			quiet = 1;
			opt_i++;
		} else if (!strcmp(argv[opt_i], "-t") && opt_i + 1 < argc) {
			runs = atoi(argv[opt_i + 1]);
			opt_i += 2;
		} else if (!strcmp(argv[opt_i], "-m")) {
			many = 1;
			opt_i++;
		} else {
			break;
		}
	}
	if (opt_i >= argc) {
		fprintf(stderr, "usage: ktapvm-run [-R RING_BYTES] [-e EVENTS] [-q] CHUNK [ARG...]\n"
			"       ktapvm-run [-R RING_BYTES] [-e EVENTS] [-q] -m CHUNK...\n");
		return 2;
	}
	if (runs > 0) {
		quiet = 1;
		return timeit(argv[opt_i], runs, &opts);
	}
	if (!many)
		return run_file(argv[opt_i], argc - opt_i - 1, argv + opt_i + 1, &opts, events, 0);
	for (i = opt_i; i < argc; i++) {
		rc = run_file(argv[i], 0, argv + argc, &opts, events, 1);
		if (rc > status && rc != 2)
			status = rc;
	}
	return status;
}
