/*
 * server_tcp.c — lesson 1 (stream-vs-datagram), the lab's TCP side: one
 * connection, whose two sends it reads as the one byte stream they are.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./server_tcp HOST PORT   (PORT 0: the kernel picks; first line out
 * "listening on PORT")
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Who may reach this server: this machine only (the lab's rule; a
 * wildcard or a real interface's address is refused, not bound). */
static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
	return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	if (!is_loopback(ai->ai_addr)) { fprintf(stderr, "%s is not a loopback address (127.0.0.0/8, ::1)\n", argv[1]); return 2; }
	int listen_fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(listen_fd, 1) < 0) {
		perror("socket/bind/listen");
		return 1;
	}
	freeaddrinfo(ai);
	struct timeval tv = { .tv_sec = 30 };   /* bounds accept() and recv() */
	setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	char port[16];
	getsockname(listen_fd, (struct sockaddr *)&me, &len);
	getnameinfo((struct sockaddr *)&me, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);

	int conn = accept(listen_fd, NULL, NULL);
	if (conn < 0) { perror("accept"); return 1; }
	/* One recv() gets both sends when both have arrived; when the second is
	 * still on its way it gets the first only.  A stream reader loops until
	 * it has what it waits for, and never counts on the sender's calls. */
	char buf[1024];
	size_t got = 0;
	while (got < 10) {
		ssize_t n = recv(conn, buf + got, sizeof buf - got, 0); /* [3] */
		if (n <= 0) { fputs("server: the stream ended early\n", stderr); return 1; }
		printf("recv() = %zd: \"%.*s\"\n", n, (int)n, buf + got);
		got += (size_t)n;
	}
	/* 0: the client's FIN, the end of the stream */
	printf("recv() = %zd\n", recv(conn, buf, sizeof buf, 0));
	close(conn);
	close(listen_fd);
	return 0;
}
