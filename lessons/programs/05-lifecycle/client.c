/*
 * client.c — lesson 5 (lifecycle), the learner's side: a connection from
 * socket() to TIME_WAIT — a receive timeout, a request and its reply, a
 * half-close — and a second connection closed with unread data (RST).
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./client HOST PORT   (127.0.0.1 or ::1: the lesson's toggle "ipv6")
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static void show(const char *what, const char *buf, ssize_t n)
{
	printf("%s = %zd: \"", what, n);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') fputs("\\n", stdout);
		else putchar(buf[i]);
	}
	puts("\"");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *addr;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &addr);
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	char buf[1024];

	int fd = socket(addr->ai_family, SOCK_STREAM, 0); /* [1] */
	if (fd < 0) { perror("socket"); return 1; }

	if (connect(fd, addr->ai_addr, addr->ai_addrlen) < 0) { perror("connect"); return 1; } /* [2] */
	puts("connect() = 0");

	struct timeval tv = { .tv_sec = 1 }; /* [3] */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		puts("recv() = -1 EAGAIN: 1 s passed, nothing came");
	else { fprintf(stderr, "recv() = %zd: the server should have been silent\n", n); return 1; }

	tv.tv_sec = 10; /* [4] */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send(fd, "TIME?\n", 6, 0) != 6) { perror("send"); return 1; }
	n = recv(fd, buf, sizeof buf, 0);
	if (n <= 0) { perror("recv"); return 1; }
	show("recv()", buf, n);

	/* "I will send no more"; the descriptor stays open for reading */
	if (shutdown(fd, SHUT_WR) < 0) { perror("shutdown"); return 1; } /* [5] */
	puts("shutdown(SHUT_WR) = 0");

	n = recv(fd, buf, sizeof buf, 0); /* [6] */
	if (n <= 0) { perror("recv"); return 1; }
	show("recv()", buf, n);

	n = recv(fd, buf, sizeof buf, 0); /* [7] */
	printf("recv() = %zd%s\n", n, n == 0 ? " (end of stream: the server closed)" : "");
	close(fd);   /* we sent the first FIN: TIME_WAIT is ours */

	int c2 = socket(addr->ai_family, SOCK_STREAM, 0); /* [8] */
	if (c2 < 0 || connect(c2, addr->ai_addr, addr->ai_addrlen) < 0) { perror("connect c2"); return 1; }
	/* Wait until the server's bytes are here, without reading them: a
	 * close() before they arrived would be an ordinary FIN. */
	struct pollfd p = { .fd = c2, .events = POLLIN };
	if (poll(&p, 1, 30000) != 1) { fputs("c2: nothing arrived\n", stderr); return 1; }
	puts("c2: data waiting, left unread");

	/* unread bytes: the kernel resets the connection */
	close(c2); /* [9] */
	puts("close(c2) = 0");
	freeaddrinfo(addr);
	return 0;
}
