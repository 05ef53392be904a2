/*
 * server.c — lesson 4 (ports), the lab's side: the client's first
 * connection, then t's, which it reads to its end and closes at once;
 * then the first to its end.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./server HOST PORT   (PORT 0: the kernel picks; first line out
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

/* recv() until the peer's FIN (0), then close: the server's FIN. */
static int finish(const char *name, int conn)
{
	char buf[1024];
	ssize_t n;
	while ((n = recv(conn, buf, sizeof buf, 0)) > 0)
		;
	if (n < 0) { perror("recv"); return -1; }
	printf("%s: recv() = 0, close()\n", name);
	return close(conn);
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
	if (listen_fd < 0 || bind(listen_fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(listen_fd, 2) < 0) {
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
	int t2 = conn < 0 ? -1 : accept(listen_fd, NULL, NULL);
	if (t2 < 0) { perror("accept"); return 1; }
	if (finish("t2", t2) < 0 || finish("conn", conn) < 0)
		return 1;
	close(listen_fd);
	return 0;
}
