/*
 * server.c — lesson 10 (performance), the lab's side: reads the small
 * writes, the corked ones and the MSG_MORE ones whole (MSG_WAITALL); then,
 * with a small receive buffer, takes a second connection and stops reading
 * it, reads it once, and closes it with data unread.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
 * Run: ./server HOST PORT   (PORT 0: the kernel picks; first line out
 * "listening on PORT")
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static char buf[65536];

/* Who may reach this server: this machine only (the lab's rule; a
 * wildcard or a real interface's address is refused, not bound). */
static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr)[0] == 127;
	return sa->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

static int recvall(int conn, size_t len)
{
	ssize_t n = recv(conn, buf, len, MSG_WAITALL);
	printf("recv(%zu, MSG_WAITALL) = %zd: \"%.15s...\"\n", len, n, n > 0 ? buf : "");
	return n == (ssize_t)len ? 0 : -1;
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
	/* Before listen() (tcp(7)): accepted sockets inherit it, and the
	 * window scale of their handshake is computed from it. */
	int size = 4096;
	if (listen_fd < 0 || setsockopt(listen_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0
	    || bind(listen_fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(listen_fd, 2) < 0) {
		perror("socket/bind/listen");
		return 1;
	}
	freeaddrinfo(ai);
	struct timeval tv = { .tv_sec = 30 };   /* bounds accept() and every recv() */
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
	if (recvall(conn, 500) < 0 || recvall(conn, 100) < 0 || recvall(conn, 43) < 0)
		return 1;

	len = sizeof size;
	getsockopt(listen_fd, SOL_SOCKET, SO_RCVBUF, &size, &len);
	printf("SO_RCVBUF 4096: getsockopt() = %d\n", size);
	int zc = accept(listen_fd, NULL, NULL);
	if (zc < 0) { perror("accept"); return 1; }
	/* The slow reader: the client fills our 4 KiB window and its own send
	 * buffer in milliseconds, and waits a second before it reads again. */
	sleep(2);
	ssize_t n = recv(zc, buf, sizeof buf, 0); /* [9] */
	printf("zc: recv() = %s\n", n > 0 ? "> 0: the window opens" : "nothing");
	close(zc);   /* with bytes unread: RST */

	while ((n = recv(conn, buf, sizeof buf, 0)) > 0)
		;
	close(conn);
	close(listen_fd);
	return n == 0 ? 0 : 1;
}
