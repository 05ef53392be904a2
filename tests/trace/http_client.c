/*
 * http_client.c — tests/e2e_trace.sh's client: one GET to the lab's HTTP
 * server, the calls each on its own line so the test can find their line
 * numbers with grep (the comments at their ends are what it looks for).
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
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0); /* @socket */
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { /* @connect */
		perror("connect");
		return 1;
	}
	const char *req = "GET / HTTP/1.1\r\nHost: lab\r\n\r\n";
	if (send(fd, req, strlen(req), 0) < 0) /* @send */
		return 1;
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof buf, 0); /* @recv */
	close(fd); /* @close */
	printf("received %zd bytes\n", n);
	return 0;
}
