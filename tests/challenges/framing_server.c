/* Reference solution of the framing challenge (4) in C: listen on
 * $SOCKSCOPE_HOST port $SOCKSCOPE_PORT, accept client after client, and
 * answer each message (4-byte big-endian length, then that many bytes) with
 * "OK <n>\n".  read_exact() is the point: recv() may return less than asked. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* n bytes into buf; 1, or 0 at the end of the stream (or an error) */
static int read_exact(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, (char *)buf + got, n - got, 0);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return 1;
}

int main(void)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;
	if (!host || !port || getaddrinfo(host, port, &hints, &ai) != 0)
		return 2;
	int lfd = socket(ai->ai_family, SOCK_STREAM, 0), one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (lfd < 0 || bind(lfd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(lfd, 16) < 0)
		return 1;
	freeaddrinfo(ai);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		uint32_t be;
		while (read_exact(fd, &be, 4)) {
			uint32_t n = ntohl(be);
			char *msg = malloc(n ? n : 1);
			if (!msg || !read_exact(fd, msg, n)) {
				free(msg);
				break;
			}
			free(msg);
			char reply[32];
			int l = snprintf(reply, sizeof reply, "OK %u\n", n);
			if (send(fd, reply, (size_t)l, MSG_NOSIGNAL) != l)
				break;
		}
		close(fd);
	}
}
