/*
 * getppid_bench N: N raw getppid() syscalls after 10,000 for warm-up; prints the mean cost per
 * call in nanoseconds of CLOCK_MONOTONIC (under qemu -icount shift=0, 1 ns = 1 instruction).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, i;
	double t0;

	for (i = 0; i < 10000; i++)
		syscall(SYS_getppid);
	t0 = now();
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	printf("%.1f\n", (now() - t0) / n);
	return 0;
}
