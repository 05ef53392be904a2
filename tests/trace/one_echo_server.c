/*
 * one_echo_server.c — tests/e2e_trace_and.sh's server: listens on
 * 127.0.0.1 at a port the kernel picks, serves one client (echoes what it
 * reads once), closes and exits — or, given an argument, waits for ever
 * after (a server that never ends).  Each call on its own line, marked for
 * the test's grep.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argv;
	struct sockaddr_in a = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { /* @bind */
		perror("bind");
		return 1;
	}
	if (listen(ls, 1) < 0) { /* @listen */
		perror("listen");
		return 1;
	}
	int c = accept(ls, NULL, NULL); /* @accept */
	if (c < 0)
		return 1;
	char buf[256];
	ssize_t n = recv(c, buf, sizeof buf, 0); /* @srecv */
	if (n > 0)
		send(c, buf, (size_t)n, 0); /* @ssend */
	close(c); /* @sclose */
	close(ls);
	if (argc > 1)
		pause();   /* "stay": a server that never ends, as many do */
	return 0;
}
