/*
 * loop5.c — tests/test_trace_step.c: a loop whose body, a line that makes
 * no call, runs 5 times (more than the 3 runs a line's heading is shown),
 * then one call after it.  The test finds the lines by their @ comments.
 */
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	volatile int sum = 0;
	for (int i = 0; i < 5; i++)
		sum += i; /* @body */
	int fd = socket(AF_INET, SOCK_DGRAM, 0); /* @after */
	close(fd);
	return sum == 10 ? 0 : 1;
}
