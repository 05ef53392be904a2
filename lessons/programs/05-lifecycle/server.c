/*
 * server.c — lesson 5 (lifecycle), the lab's side: answers TIME? with the
 * time, stays silent before it, sends once more after the client's FIN,
 * then closes; to a second connection it sends what nobody will read.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./server HOST PORT   (PORT 0: the kernel picks; first line out
 * "listening on PORT")
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
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
	struct timeval tv = { .tv_sec = 30 };   /* bounds accept() and every recv() */
	setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	char port[16];
	getsockname(listen_fd, (struct sockaddr *)&me, &len);
	getnameinfo((struct sockaddr *)&me, len, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);

	char buf[1024];
	int conn = accept(listen_fd, NULL, NULL);
	if (conn < 0) { perror("accept"); return 1; }
	ssize_t n = recv(conn, buf, sizeof buf, 0);
	if (n != 6 || memcmp(buf, "TIME?\n", 6) != 0) { fputs("server: expected TIME?\n", stderr); return 1; }
	if (send(conn, "12:00\n", 6, 0) != 6) { perror("send"); return 1; }
	n = recv(conn, buf, sizeof buf, 0);
	printf("conn: recv() = %zd (end of stream: the client's FIN)\n", n);
	/* Half-closed: our direction is still open. */
	if (send(conn, "still here\n", 11, 0) != 11) { perror("send"); return 1; }
	close(conn);

	int s2 = accept(listen_fd, NULL, NULL);
	if (s2 < 0) { perror("accept"); return 1; }
	if (send(s2, "unread data\n", 12, 0) != 12) { perror("send"); return 1; }
	n = recv(s2, buf, sizeof buf, 0);
	if (n < 0 && errno == ECONNRESET)
		puts("s2: recv() = -1 ECONNRESET");
	else
		printf("s2: recv() = %zd (expected ECONNRESET)\n", n);
	close(s2);
	close(listen_fd);
	return 0;
}
