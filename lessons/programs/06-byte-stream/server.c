/*
 * server.c — lesson 6 (byte-stream), the reader: one connection read as
 * the lesson's steps read it — whatever recv() returns, a small buffer,
 * MSG_WAITALL, a length prefix, lines — to the end of the stream.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
 * Run: ./server HOST PORT   (PORT 0: the kernel picks; first line out
 * "listening on PORT")
 *
 * Each part reads exactly the bytes its step's sends wrote, never past
 * them: the next step's bytes may be in the stream already, and a recv()
 * that took them would steal them from the next part.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
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

static void show(const char *what, const char *buf, ssize_t n)
{
	printf("%s = %zd: \"", what, n);
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n') fputs("\\n", stdout);
		else if (c < 0x20 || c >= 0x7f) printf("\\x%02x", c);
		else putchar(c);
	}
	puts("\"");
}

/* MSG_WAITALL: recv() returns len bytes, or fewer only at the end of the
 * stream, an error or the timeout. */
static int recvall(int conn, void *buf, size_t len)
{
	ssize_t n = recv(conn, buf, len, MSG_WAITALL);
	if (n != (ssize_t)len) { fprintf(stderr, "recv(%zu, MSG_WAITALL) = %zd\n", len, n); return -1; }
	return 0;
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
	socklen_t sl = sizeof me;
	char port[16];
	getsockname(listen_fd, (struct sockaddr *)&me, &sl);
	getnameinfo((struct sockaddr *)&me, sl, NULL, 0, port, sizeof port, NI_NUMERICSERV);
	printf("listening on %s\n", port);
	fflush(stdout);
	int conn = accept(listen_fd, NULL, NULL);
	if (conn < 0) { perror("accept"); return 1; }

	/* Three sends; how many recv() calls they take depends on what had
	 * arrived: usually one, when all three are here. */
	char buf[1024];
	size_t got = 0;
	ssize_t n;
	while (got < 13) {
		n = recv(conn, buf + got, 13 - got, 0); /* [3] */
		if (n <= 0) { fputs("server: the stream ended early\n", stderr); return 1; }
		show("recv()", buf + got, n);
		got += (size_t)n;
	}

	/* An 8-byte buffer for a 20-byte message: 8, 8, then 4. */
	char small[8];
	for (got = 0; got < 20; got += (size_t)n) {
		size_t want = 20 - got < sizeof small ? 20 - got : sizeof small;
		n = recv(conn, small, want, 0);
		if (n <= 0) { fputs("server: the stream ended early\n", stderr); return 1; }
		show("recv(8)", small, n);
	}

	if (recvall(conn, buf, 20) < 0)
		return 1;
	show("recv(20, MSG_WAITALL)", buf, 20);

	for (int i = 0; i < 2; i++) {
		uint16_t len;
		if (recvall(conn, &len, 2) < 0)
			return 1;
		len = ntohs(len);
		if (len > sizeof buf || recvall(conn, buf, len) < 0)
			return 1;
		printf("message of %u bytes: ", len);
		show("recv()", buf, len);
	}

	/* Lines: keep what follows the last newline for the next recv(). */
	size_t have = 0;
	int lines = 0;
	while (lines < 3) {
		n = recv(conn, buf + have, sizeof buf - have, 0);
		if (n <= 0) { fputs("server: the stream ended inside a line\n", stderr); return 1; }
		show("recv()", buf + have, n);
		have += (size_t)n;
		char *start = buf, *nl;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			printf("line: \"%.*s\"\n", (int)(nl - start), start);
			lines++;
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
	}

	n = recv(conn, buf, sizeof buf, 0);
	printf("recv() = %zd%s\n", n, n == 0 ? " (end of stream)" : "");
	close(conn);
	close(listen_fd);
	return n == 0 ? 0 : 1;
}
