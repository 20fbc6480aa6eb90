/*
 * Test helper for uprobes: calls ktap_work() exactly M times; ktap_work(i) returns 3 * i + 1.
 *
 *   uprobe_target M
 */
#include <stdlib.h>

__attribute__((noinline)) int ktap_work(int x)
{
	__asm__ volatile("" ::: "memory");	/* keep the call and the body */
	return x * 3 + 1;
}

int main(int argc, char **argv)
{
	volatile long sum = 0;
	int m;

	if (argc < 2)
		return 2;
	m = atoi(argv[1]);
	for (int i = 0; i < m; i++)
		sum += ktap_work(i);
	return 0;
}
