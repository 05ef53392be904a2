/*
 * server.c — lesson 2 (tcp-basics), the other side: the lab's scripted
 * server.  It greets each client unless --silent (the lesson's toggle
 * "silent"), reads until the client closes, and after two connections
 * exits.  Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./server HOST PORT [--silent]   (PORT 0: the kernel picks; the first
 * line out is "listening on PORT")
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define GREETING "Welcome to the sockscope lab!\r\n"

/* Who may reach this server: this machine only (the lab's rule; a
 * wildcard or a real interface's address is refused, not bound). */
static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
	return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

/* Reads until the peer's FIN; every recv() is bounded by the timeout set
 * on the socket, so a client that never closes cannot hold us. */
static int drain(int conn)
{
	char buf[1024];
	ssize_t n;
	while ((n = recv(conn, buf, sizeof buf, 0)) > 0)
		printf("server recv() = %zd: \"%.*s\"\n", n, (int)n, buf);
	if (n < 0) { perror("server recv"); return -1; }
	puts("server recv() = 0: end of stream");
	return 0;
}

int main(int argc, char **argv)
{
	int silent = argc == 4 && strcmp(argv[3], "--silent") == 0;
	if (argc != 3 && !silent) {
		fprintf(stderr, "usage: %s HOST PORT [--silent]\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	if (!is_loopback(ai->ai_addr)) { fprintf(stderr, "%s is not a loopback address (127.0.0.0/8, ::1)\n", argv[1]); return 2; }
	int listen_fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (listen_fd < 0) { perror("socket"); return 1; }
	int one = 1;
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(listen_fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(listen_fd, 8) < 0) {
		perror("bind/listen");
		return 1;
	}
	freeaddrinfo(ai);
	/* accept() and every recv() give up after a minute: the lesson's
	 * client waits at most 30 s for the greeting it never gets. */
	struct timeval tv = { .tv_sec = 60 };
	setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	getsockname(listen_fd, (struct sockaddr *)&me, &len);
	char port[16];
	getnameinfo((struct sockaddr *)&me, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);

	/* The accepted socket inherits the listener's timeout. */
	int conn = accept(listen_fd, NULL, NULL);
	if (conn < 0) { perror("accept"); return 1; }
	if (!silent && send(conn, GREETING, strlen(GREETING), 0) < 0) { perror("send"); return 1; }
	if (drain(conn) < 0) return 1;
	close(conn);

	/* The fixed client speaks first: HELLO, then our greeting. */
	int c2 = accept(listen_fd, NULL, NULL);
	if (c2 < 0) { perror("accept"); return 1; }
	char buf[1024];
	ssize_t n = recv(c2, buf, sizeof buf, 0);
	if (n <= 0) { fputs("server: no HELLO\n", stderr); return 1; }
	printf("server recv() = %zd\n", n);
	if (send(c2, GREETING, strlen(GREETING), 0) < 0) { perror("send"); return 1; }
	if (drain(c2) < 0) return 1;
	close(c2);
	close(listen_fd);
	return 0;
}
