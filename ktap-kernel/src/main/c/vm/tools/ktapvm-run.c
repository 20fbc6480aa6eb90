// SPDX-License-Identifier: GPL-2.0
/*
 * ktapvm-run - runs a compiled chunk on the userspace C VM and prints its
 * output as text, the way the Java side shows the records.
 *
 *   ktapvm-run [-R RING_BYTES] [-e EVENTS] [-q] CHUNK [ARG...]
 *
 * Runs the main chunk, then fires EVENTS synthetic events (name "bench",
 * arg1 = the event's number) at every probe, then the end blocks.  -q drops
 * the output (for benchmarks).  Exit status: 0, or 1 after a runtime error,
 * 2 when the chunk is rejected.
 */
#include <stdio.h>
#include <stdlib.h>

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

int main(int argc, char **argv)
{
	struct ktapvm_load_opts opts = { 1u << 24, 1 };
	struct ktapvm_field field = { "n", 1, 0, 0, NULL, 0 };
	struct ktapvm_event ev = { "bench", 5, "bench: n=0", 10, NULL, &field, 1, 0, NULL };
	char err[256];
	long events = 0, e;
	unsigned int p;
	int opt_i = 1, status = 0, rc;
	struct ktap_vm *vm;
	FILE *f;
	char *buf;
	long len;

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
		} else {
			break;
		}
	}
	if (opt_i >= argc) {
		fprintf(stderr, "usage: ktapvm-run [-R RING_BYTES] [-e EVENTS] [-q] CHUNK [ARG...]\n");
		return 2;
	}
	f = fopen(argv[opt_i], "rb");
	if (!f) {
		perror(argv[opt_i]);
		return 2;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "%s: cannot read\n", argv[opt_i]);
		return 2;
	}
	fclose(f);
	vm = ktapvm_load(buf, (size_t)len, &opts, err, sizeof(err));
	free(buf);
	if (!vm) {
		fprintf(stderr, "%s: %s\n", argv[opt_i], err);
		return 2;
	}
	source = argv[opt_i];
	ktapvm_set_args(vm, argv[opt_i], (unsigned int)(argc - opt_i - 1),
			(const char *const *)argv + opt_i + 1);
	rc = ktapvm_run_main(vm);
	drain(vm);
	for (e = 0; e < events && rc == KTAPVM_OK; e++) {
		field.num = e;
		for (p = 0; p < ktapvm_nr_probes(vm) && rc == KTAPVM_OK; p++)
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
