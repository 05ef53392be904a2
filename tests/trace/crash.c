/* crash.c — tests/e2e_trace.sh: a program that opens a socket and then
 * dies of SIGSEGV on the line marked @crash. */
#include <stdio.h>
#include <sys/socket.h>

int main(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	printf("socket %d\n", fd);
	fflush(stdout);
	volatile int *nowhere = NULL;
	*nowhere = 1; /* @crash */
	return 0;
}
