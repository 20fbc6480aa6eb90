/*
 * Benchmark workload for start-up latency: issues getppid() every 200 microseconds until killed,
 * so that a tracer attached at any moment sees its first event within 200 us of being ready.
 */
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec pause = { 0, 200 * 1000 };

	for (;;) {
		syscall(SYS_getppid);
		nanosleep(&pause, NULL);
	}
}
