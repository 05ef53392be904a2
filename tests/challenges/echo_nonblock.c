/* A wrong echo server for the echo-server challenge (3), in C: a poll()
 * loop over non-blocking sockets that sends back what each recv() returned
 * with one send() and ignores how much send() took.  A non-blocking send()
 * takes only what fits in the socket's send buffer, so when the client
 * reads slowly the rest is lost and the echo has a hole.  Listens on
 * $SOCKSCOPE_HOST port $SOCKSCOPE_PORT; serves one client at a time. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

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
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		for (;;) {
			if (poll(&p, 1, 10000) <= 0)
				break;
			static char buf[65536];
			ssize_t n = recv(fd, buf, sizeof buf, 0);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (n > 0)
				send(fd, buf, (size_t)n, MSG_NOSIGNAL);   /* the mistake: what it did not take is lost */
		}
		close(fd);
	}
}
