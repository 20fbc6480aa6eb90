/*
 * Test helper: issues getppid() exactly N times, optionally after reading one byte from stdin
 * (so a tracer can attach to a running process first), pinned to one CPU, or with a forked
 * child that issues it K more times.
 *
 *   getppid_loop N [wait] [cpu=C] [fork=K]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void loop(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);	/* the raw syscall: no libc caching, ever */
}

int main(int argc, char **argv)
{
	long n, fork_count = -1;
	int cpu = -1, wait_stdin = 0;

	if (argc < 2)
		return 2;
	n = atol(argv[1]);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "wait"))
			wait_stdin = 1;
		else if (!strncmp(argv[i], "cpu=", 4))
			cpu = atoi(argv[i] + 4);
		else if (!strncmp(argv[i], "fork=", 5))
			fork_count = atol(argv[i] + 5);
		else
			return 2;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return 3;
	}
	if (wait_stdin) {
		char c;

		if (read(0, &c, 1) < 0)
			return 4;
	}
	loop(n);
	if (fork_count >= 0) {
		pid_t child = fork();
		int status;

		if (child < 0)
			return 5;
		if (child == 0) {
			loop(fork_count);
			_exit(0);
		}
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
			return 6;
	}
	return 0;
}
