/*
 * client.c — lesson 2 (tcp-basics), the learner's side: the classic TCP
 * client, one call a step, then the fix for a server that does not speak
 * first.  Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./client HOST PORT [--timeout S]   (HOST 127.0.0.1 or ::1)
 * --timeout shortens step 2's 30 s so the "silent" variant ends sooner.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Bytes as the lab shows them: \r, \n and other control bytes escaped. */
static void show(const char *what, const char *buf, ssize_t n)
{
	printf("%s = %zd: \"", what, n);
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\r') fputs("\\r", stdout);
		else if (c == '\n') fputs("\\n", stdout);
		else if (c == '\t') fputs("\\t", stdout);
		else if (c == '\\') fputs("\\\\", stdout);
		else if (c < 0x20 || c >= 0x7f) printf("\\x%02x", c);
		else putchar(c);
	}
	puts("\"");
}

int main(int argc, char **argv)
{
	if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--timeout") == 0)) {
		fprintf(stderr, "usage: %s HOST PORT [--timeout S]\n", argv[0]);
		return 2;
	}
	/* 0 would mean "wait for ever" to SO_RCVTIMEO: refused with the rest. */
	char *end = NULL;
	long secs = argc == 5 ? strtol(argv[4], &end, 10) : 30;
	if (argc == 5 && (*end != '\0' || secs < 1 || secs > 300)) {
		fprintf(stderr, "--timeout takes seconds, 1 to 300, not '%s'\n", argv[4]);
		return 2;
	}
	/* A numeric host: getaddrinfo() only parses it, so nothing is on the
	 * wire before step 1, and IPv4 or IPv6 follows from the address. */
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc));
		return 2;
	}

	int fd = socket(ai->ai_family, SOCK_STREAM, 0); /* [1] */
	if (fd < 0) { perror("socket"); return 1; }

	struct timeval tv = { .tv_sec = secs }; /* [2] */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) { perror("setsockopt"); return 1; }

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) { perror("connect"); return 1; } /* [3] */
	puts("connected");

	char buf[1024]; /* [4] */
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n >= 0)
		show("recv()", buf, n);
	else if (errno == EAGAIN || errno == EWOULDBLOCK)
		printf("recv() = -1 EAGAIN: no greeting within %ld s\n", secs);
	else { perror("recv"); return 1; }

	n = send(fd, "Hello, World!", 13, 0); /* [5] */
	if (n < 0) { perror("send"); return 1; }
	printf("send() = %zd\n", n);

	if (close(fd) < 0) { perror("close"); return 1; } /* [6] */

	int fix = socket(ai->ai_family, SOCK_STREAM, 0); /* [7] */
	if (fix < 0) { perror("socket"); return 1; }
	/* The lesson's 30 s whatever --timeout said: this server does answer,
	 * and a slow machine must not turn its answer into a timeout. */
	struct timeval fix_tv = { .tv_sec = 30 };
	if (setsockopt(fix, SOL_SOCKET, SO_RCVTIMEO, &fix_tv, sizeof fix_tv) < 0) { perror("setsockopt"); return 1; }
	if (connect(fix, ai->ai_addr, ai->ai_addrlen) < 0) { perror("connect"); return 1; }
	if (send(fix, "HELLO\r\n", 7, 0) != 7) { perror("send"); return 1; }
	n = recv(fix, buf, sizeof buf, 0);
	if (n < 0) { perror("recv"); return 1; }
	show("recv()", buf, n);

	close(fix); /* [8] */
	freeaddrinfo(ai);
	return 0;
}
