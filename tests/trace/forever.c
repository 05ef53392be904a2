/* forever.c — tests/e2e_trace.sh: a program that never ends and leaves a
 * child behind, for --timeout (both must be gone afterwards).  The waits
 * are pause(): a signal ends them, and the alarm below is the bound. */
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	alarm(60);   /* should sockscope fail to end it, it ends itself */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fork() == 0)
		for (;;)
			pause();
	(void)fd;
	for (;;)
		pause();
}
