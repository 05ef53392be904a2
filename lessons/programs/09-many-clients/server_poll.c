/*
 * server_poll.c — lesson 9 (many-clients), one event loop: one thread,
 * poll() over the listener and every client, each ready socket served as
 * far as it can go without waiting; three clients, then it exits.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./server_poll HOST PORT   (first line out "listening on PORT")
 */
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define CLIENTS 3

/* Who may reach this server: this machine only (the lab's rule; a
 * wildcard or a real interface's address is refused, not bound). */
static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
	return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/* The listener: HOST and PORT as given (PORT 0: the kernel picks), its
 * port said on the first line, accept() bounded by a timeout. */
static int listen_on(const char *host, const char *port_arg)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(host, port_arg, &hints, &ai);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", host, port_arg, gai_strerror(rc)); return -1; }
	if (!is_loopback(ai->ai_addr)) { fprintf(stderr, "%s is not a loopback address (127.0.0.0/8, ::1)\n", host); return -1; }
	int l = socket(ai->ai_family, SOCK_STREAM, 0);
	if (l < 0 || bind(l, ai->ai_addr, ai->ai_addrlen) < 0 || listen(l, 8) < 0) {
		perror("socket/bind/listen");
		return -1;
	}
	freeaddrinfo(ai);
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	char port[16];
	getsockname(l, (struct sockaddr *)&me, &len);
	getnameinfo((struct sockaddr *)&me, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);
	return l;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	int l = listen_on(argv[1], argv[2]);
	if (l < 0)
		return 1;
	/* fds[0] the listener, then the clients; a closed client's slot is -1,
	 * which poll() skips. */
	struct pollfd fds[1 + CLIENTS] = { { .fd = l, .events = POLLIN } };
	int accepted = 0, open = 0;
	while (accepted < CLIENTS || open > 0) {
		/* Nothing for 30 s: give up rather than wait for ever. */
		int ready = poll(fds, 1 + (nfds_t)accepted, 30000);
		if (ready <= 0) { fputs(ready == 0 ? "no client for 30 s\n" : "poll failed\n", stderr); return 1; }
		if (fds[0].revents & POLLIN) {
			/* poll() said a connection waits: this accept() does not block. */
			int c = accept(l, NULL, NULL);
			if (c < 0) { perror("accept"); return 1; }
			fds[1 + accepted] = (struct pollfd){ .fd = c, .events = POLLIN };
			accepted++;
			open++;
			if (accepted == CLIENTS)
				fds[0].fd = -1;
		}
		for (int i = 1; i <= accepted; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			/* Readable: this recv() returns at once, with data or 0. */
			char buf[256], out[300];
			ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
			int len = n > 0 ? snprintf(out, sizeof out, "[event loop] %.*s", (int)n, buf) : 0;
			if (n <= 0 || send(fds[i].fd, out, (size_t)len, MSG_DONTWAIT) < 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open--;
			}
		}
	}
	close(l);
	return 0;
}
