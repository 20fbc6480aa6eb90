/*
 * Test target of the kernel backend's guest tests.  Waits for one byte on
 * stdin (so that a tracer can attach first), then:
 *
 *   ktap_target getppid N        getppid() N times (the raw syscall)
 *   ktap_target open PATH N      openat(PATH) N times, closing each fd
 *   ktap_target add N            ktap_target_add(i, 2 * i) for i < N
 *   ktap_target write N M        N writes to /dev/null on fd 5, M on fd 6
 *   ktap_target pages N          touch N fresh pages in ktap_target_touch (THP off:
 *                                one minor fault each)
 *   ktap_target sleep N          sleep 1 ms N times (a context switch each)
 *   ktap_target store N          store to ktap_target_watched N times, in
 *                                ktap_target_store
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) long ktap_target_add(long a, long b)
{
	__asm__ volatile("" ::: "memory");
	return a + b;
}

volatile long ktap_target_watched;

__attribute__((noinline)) void ktap_target_touch(char *p, long n)
{
	for (long i = 0; i < n; i++)
		p[i * 4096] = 1;
}

__attribute__((noinline)) void ktap_target_store(long n)
{
	for (long i = 0; i < n; i++)
		ktap_target_watched = i;
}

int main(int argc, char **argv)
{
	char c;
	long i, n, sum = 0;

	if (argc < 3 || read(0, &c, 1) != 1)
		return 2;
	n = atol(argv[argc - 1]);
	if (!strcmp(argv[1], "getppid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "open") && argc == 4) {
		for (i = 0; i < n; i++) {
			int fd = open(argv[2], O_RDONLY);

			if (fd >= 0)
				close(fd);
		}
	} else if (!strcmp(argv[1], "add")) {
		for (i = 0; i < n; i++)
			sum += ktap_target_add(i, 2 * i);
		printf("%ld\n", sum);
	} else if (!strcmp(argv[1], "write") && argc == 4) {
		long w = atol(argv[2]);

		if (dup2(open("/dev/null", O_WRONLY), 5) < 0 || dup2(5, 6) < 0)
			return 3;
		for (i = 0; i < w; i++)
			if (write(5, "x", 1) != 1)
				return 3;
		for (i = 0; i < n; i++)
			if (write(6, "y", 1) != 1)
				return 3;
	} else if (!strcmp(argv[1], "pages")) {
		char *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || madvise(p, n * 4096, MADV_NOHUGEPAGE))
			return 3;
		ktap_target_touch(p, n);
	} else if (!strcmp(argv[1], "sleep")) {
		struct timespec ms = { 0, 1000000 };

		for (i = 0; i < n; i++)
			nanosleep(&ms, NULL);
	} else if (!strcmp(argv[1], "store")) {
		ktap_target_store(n);
	} else {
		return 2;
	}
	return 0;
}
