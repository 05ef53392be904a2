/*
 * recv_first.c — tests/e2e_trace_wait.sh: the classic client's trap.  It
 * calls recv() before send() against a server that waits for the request
 * (the lab's HTTP server), so both wait on each other and nothing ever
 * comes: sockscope must show the recv as waiting, end the program at
 * --timeout, and say so.  The calls are each on their own line for the
 * test's grep (the @ comments).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	alarm(120);   /* should sockscope fail to end it, it ends itself */
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { /* @connect */
		perror("connect");
		return 1;
	}
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof buf, 0); /* @recv */
	const char *req = "GET / HTTP/1.1\r\nHost: lab\r\n\r\n";
	send(fd, req, strlen(req), 0); /* @send */
	close(fd);
	printf("received %zd bytes\n", n);
	return 0;
}
