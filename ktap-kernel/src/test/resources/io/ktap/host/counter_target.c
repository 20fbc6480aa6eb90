/*
 * Test helper for perf events and breakpoints: does one kind of work a known
 * number of times, then exits.
 *
 *   counter_target pages N   touch N fresh pages (one minor fault each: THP off)
 *                            in ktap_touch
 *   counter_target sleep K   sleep 1 ms K times (K voluntary context switches)
 *   counter_target write M   store to ktap_watched M times
 *   counter_target spin MS   burn MS ms of this thread's CPU time
 *   counter_target getppid N issue getppid() N times
 *   counter_target call N    call ktap_called() N times
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

volatile long ktap_watched;
volatile long ktap_neighbour;

__attribute__((noinline)) void ktap_touch(char *p, long n)
{
	for (long i = 0; i < n; i++)
		p[i * 4096] = 1;
}

__attribute__((noinline)) void ktap_store(long m)
{
	for (long i = 0; i < m; i++) {
		ktap_watched = i;
		ktap_neighbour = i;	/* the next word: a watch of 8 bytes must not see it */
	}
}

__attribute__((noinline)) void ktap_called(long i)
{
	ktap_neighbour = i;
}

static long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n;

	if (argc != 3)
		return 2;
	n = atol(argv[2]);
	if (!strcmp(argv[1], "pages")) {
		char *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || madvise(p, n * 4096, MADV_NOHUGEPAGE))
			return 1;
		ktap_touch(p, n);
	} else if (!strcmp(argv[1], "sleep")) {
		struct timespec ms = { 0, 1000000 };

		for (long i = 0; i < n; i++)
			nanosleep(&ms, NULL);
	} else if (!strcmp(argv[1], "write")) {
		ktap_store(n);
	} else if (!strcmp(argv[1], "spin")) {
		long end = cpu_ns() + n * 1000000L;

		while (cpu_ns() < end)
			;
	} else if (!strcmp(argv[1], "call")) {
		for (long i = 0; i < n; i++)
			ktap_called(i);
	} else if (!strcmp(argv[1], "getppid")) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else {
		return 2;
	}
	return 0;
}
