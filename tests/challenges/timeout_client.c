/* Reference solution of the tcp-timeout challenge (7) in C: connect to
 * $SOCKSCOPE_HOST port $SOCKSCOPE_PORT (either family), send "TIME\n",
 * wait at most 2 s for the answer (SO_RCVTIMEO), close, say what happened. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(void)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		perror("connect");
		return 1;
	}
	freeaddrinfo(ai);
	if (send(fd, "TIME\n", 5, 0) != 5)
		return 1;
	struct timeval tv = { .tv_sec = 2 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char buf[1024];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	int rc = 0;
	if (n > 0) {
		printf("answer: %.*s", (int)n, buf);
	} else if (n == 0) {
		printf("the server closed without answering\n");
	} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
		printf("no answer within 2 s: giving up\n");
		rc = 1;
	} else {
		perror("recv");
		rc = 1;
	}
	close(fd);
	return rc;
}
