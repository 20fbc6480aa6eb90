/*
 * Test helper for syscall arguments: opens PATH read-only once, then writes i bytes to /dev/null
 * for i = 1..K. With "wait" it first blocks until a byte arrives on stdin (so that a tracer can
 * attach to it), and afterwards until stdin is closed (so that the tracer can still read its
 * memory).
 *
 *   file_ops PATH K [wait]
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[4096];
	int fd, null, k;

	if (argc < 3)
		return 2;
	k = atoi(argv[2]);
	if (argc > 3 && !strcmp(argv[3], "wait")) {
		char c;

		if (read(0, &c, 1) != 1)
			return 5;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd >= 0)
		close(fd);
	null = open("/dev/null", O_WRONLY);
	if (null < 0)
		return 3;
	memset(buf, 'x', sizeof(buf));
	for (int i = 1; i <= k && i <= (int)sizeof(buf); i++)
		if (write(null, buf, i) != i)
			return 4;
	if (argc > 3 && !strcmp(argv[3], "wait")) {
		char c;

		while (read(0, &c, 1) > 0)
			;
	}
	return 0;
}
