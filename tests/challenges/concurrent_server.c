/* Reference solution of the concurrency challenge (5) in C: one loop with
 * poll() over the listening socket and every client; whichever is ready is
 * served, so no client waits for another.  An echo server: every byte goes
 * back on its connection; a client that closes its side is closed and
 * dropped from the set, the others go on. */
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 64

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
	struct pollfd p[MAXFD] = { { .fd = lfd, .events = POLLIN } };
	int n = 1;
	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0)
			continue;
		if ((p[0].revents & POLLIN) && n < MAXFD) {
			int fd = accept(lfd, NULL, NULL);
			if (fd >= 0)
				p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
		for (int i = n - 1; i >= 1; i--) {
			if (!p[i].revents)
				continue;
			char buf[4096];
			ssize_t r = recv(p[i].fd, buf, sizeof buf, 0);
			/* a blocking send: fine for an echo of what was just read, as the lab reads its answers */
			if (r <= 0 || send(p[i].fd, buf, (size_t)r, MSG_NOSIGNAL) != r) {
				close(p[i].fd);
				p[i] = p[--n];   /* drop just this client */
			}
		}
	}
}
