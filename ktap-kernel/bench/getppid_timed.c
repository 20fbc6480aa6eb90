/*
 * Benchmark workload: issues getppid() N times as a raw syscall and prints how long the loop took
 * (CLOCK_MONOTONIC), so a tracer's overhead is measured on the traced code itself, without the
 * tracer's own start-up and tear-down.
 *
 *   getppid_timed N      prints: <ns per call> <total ns> <N>
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long long start, total;

	start = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	total = now_ns() - start;
	printf("%.1f %lld %ld\n", (double)total / n, total, n);
	return 0;
}
