/*
 * Test helper for SDT markers: fires marker ktap_test:tick(i, 10 * i) for i = 0..M-1, each
 * guarded by the marker's semaphore, the way systemtap's PROBE_ENABLED() guards costly
 * arguments. The .note.stapsdt entry is written here by hand (no <sys/sdt.h> needed): the
 * marker fires only when a tracer's uprobe has raised the semaphore.
 *
 *   sdt_target M
 */
#include <stdio.h>
#include <stdlib.h>

unsigned short ktap_test_tick_semaphore __attribute__((section(".probes"), used));

#define KTAP_SDT2(provider, name, a1, a2)						\
	__asm__ __volatile__(								\
		"990:	nop\n"								\
		".pushsection .note.stapsdt,\"?\",\"note\"\n"				\
		".balign 4\n"								\
		".4byte 992f-991f, 994f-993f, 3\n"					\
		"991:	.asciz \"stapsdt\"\n"						\
		"992:	.balign 4\n"							\
		"993:	.8byte 990b\n"							\
		".8byte _.stapsdt.base\n"						\
		".8byte " #provider "_" #name "_semaphore\n"				\
		".asciz \"" #provider "\"\n"						\
		".asciz \"" #name "\"\n"						\
		".asciz \"-4@%[arg1] 8@%[arg2]\"\n"					\
		"994:	.balign 4\n"							\
		".popsection\n"								\
		".ifndef _.stapsdt.base\n"						\
		".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n"	\
		".weak _.stapsdt.base\n"						\
		".hidden _.stapsdt.base\n"						\
		"_.stapsdt.base: .space 1\n"						\
		".size _.stapsdt.base, 1\n"						\
		".popsection\n"								\
		".endif\n"								\
		:: [arg1] "r" (a1), [arg2] "r" (a2))

int main(int argc, char **argv)
{
	int m, fired = 0;

	if (argc < 2)
		return 2;
	m = atoi(argv[1]);
	for (int i = 0; i < m; i++) {
		if (ktap_test_tick_semaphore) {
			long tenfold = 10L * i;

			KTAP_SDT2(ktap_test, tick, i, tenfold);
			fired++;
		}
	}
	printf("%d\n", fired);
	return 0;
}
