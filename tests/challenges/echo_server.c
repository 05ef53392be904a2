/* Reference solution of the echo-server challenge (3) in C: listen on
 * $SOCKSCOPE_HOST port $SOCKSCOPE_PORT (either family), then accept client
 * after client and send back every byte until the client closes its side.
 * Built with -DWRONG_STRLEN it makes the classic mistake of treating the
 * data as a C string (send(buf, strlen(buf))): the lab's zero bytes end it. */
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* send all n bytes (send may take fewer) */
static int send_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
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
		char buf[4096];
		ssize_t n;
		while ((n = recv(fd, buf, sizeof buf - 1, 0)) > 0) {
#ifdef WRONG_STRLEN
			buf[n] = '\0';
			n = (ssize_t)strlen(buf);
#endif
			if (send_all(fd, buf, (size_t)n) < 0)
				break;
		}
		close(fd);
	}
}
