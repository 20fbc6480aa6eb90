// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_load.c - libFuzzer harness for the chunk reader and the verifier.
 *
 * Every input goes through ktap_chunk_parse() twice: as it is (the header and
 * CRC checks), and with its length and CRC fields fixed up, so that mutations
 * reach the sections instead of dying at the CRC.  What parses is verified
 * under both policies.  An input both accept is loaded and run (main, a few
 * events, end) with small budgets, so verified-but-strange bytecode reaches
 * the interpreter too.  Built with ASan and UBSan: any report is a finding.
 */
#include <stdint.h>
#include <stddef.h>

#include "../ktap_int.h"
#include "../ktapvm_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static u32 crc32_ieee(const u8 *p, size_t n)
{
	u32 crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static int one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 fixed[1 << 17];
	u32 v;

	one(data, size);
	if (size < 28 || size > sizeof(fixed))
		return 0;
	memcpy(fixed, data, size);
	v = (u32)size;
	memcpy(fixed + 20, &v, 4);
	v = crc32_ieee(fixed, size - 4);
	memcpy(fixed + size - 4, &v, 4);
	one(fixed, size);
	return 0;
}

static int one(const uint8_t *data, size_t size)
{
	struct ktapvm_load_opts opts = { 1u << 16, 1 };
	struct ktapvm_field field = { "n", 1, 0, 7, NULL, 0 };
	struct ktapvm_event ev = { "fuzz", 4, "fuzz: n=7", 9, NULL, &field, 1, 1, NULL };
	struct ktap_chunk c;
	struct ktapvm_record rec;
	struct ktap_vm *vm;
	char err[256];
	int ok_user, ok_kernel;
	unsigned int p, e;

	if (ktap_chunk_parse(&c, data, size, err, sizeof(err)))
		return 0;
	ok_kernel = !ktap_chunk_verify_policy(&c, true, err, sizeof(err));
	ok_user = !ktap_chunk_verify_policy(&c, false, err, sizeof(err));
	/* The kernel policy only adds rules. */
	if (ok_kernel && !ok_user)
		__builtin_trap();
	/* Run only what cannot take long: finite, small budgets. */
	if (!ok_kernel || c.limits.main_budget > 100000 || c.limits.handler_budget > 100000) {
		ktap_chunk_release(&c);
		return 0;
	}
	ktap_chunk_release(&c);
	vm = ktapvm_load(data, size, &opts, err, sizeof(err));
	if (!vm)
		__builtin_trap();	/* verified, yet refused */
	ktapvm_run_main(vm);
	for (e = 0; e < 3; e++)
		for (p = 0; p < ktapvm_nr_probes(vm); p++)
			ktapvm_run_probe(vm, p, &ev);
	ktapvm_run_end(vm);
	while (ktapvm_user_next_record(vm, 0, &rec))
		;
	ktapvm_free(vm);
	return 0;
}
