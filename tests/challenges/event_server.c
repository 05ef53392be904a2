/* Reference solution of the event-loop challenge (12) in C: one
 * thread, one poll() over the listening socket and every connection; a
 * readable connection is read once and echoed, its end (recv() 0) closes
 * it.  Host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 256

int main(void)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	if (!host || !port)
		return 2;
	struct sockaddr_storage me = { 0 };
	socklen_t ml;
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&me;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET6, host, &a->sin6_addr);
		ml = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&me;
		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET, host, &a->sin_addr);
		ml = sizeof *a;
	}
	int ls = socket(me.ss_family, SOCK_STREAM, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ls < 0 || bind(ls, (struct sockaddr *)&me, ml) < 0 || listen(ls, 128) < 0) {
		perror("listen");
		return 1;
	}
	struct pollfd p[MAXFD] = { { .fd = ls, .events = POLLIN } };
	int n = 1;
	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		for (int i = n - 1; i >= 1; i--) {
			if (!p[i].revents)
				continue;
			char buf[4096];
			ssize_t got = recv(p[i].fd, buf, sizeof buf, 0);
			/* a short echo to a client that reads: the send buffer takes it whole */
			if (got > 0 && send(p[i].fd, buf, (size_t)got, MSG_NOSIGNAL) == got)
				continue;
			close(p[i].fd);
			p[i] = p[--n];    /* its place to the last one */
		}
		if (p[0].revents & POLLIN) {
			int c = accept(ls, NULL, NULL);
			if (c >= 0 && n < MAXFD)
				p[n++] = (struct pollfd){ .fd = c, .events = POLLIN };
			else if (c >= 0)
				close(c);
		}
	}
}
