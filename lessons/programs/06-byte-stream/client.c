/*
 * client.c — lesson 6 (byte-stream), the writer: sends whose boundaries
 * the stream does not keep, two framings that put boundaries back (a
 * length prefix, a delimiter), and the end of the stream.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE
 * Run: ./client HOST PORT   (127.0.0.1 or ::1)
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What send() returned for len bytes.  It may take fewer than asked;
 * here every message is small and the buffer empty, but a short count is
 * still an error to report.  (The call itself stays on its step's line.) */
static int sent(size_t len, ssize_t n)
{
	printf("send(%zu bytes) = %zd\n", len, n);
	return n == (ssize_t)len ? 0 : -1;
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

	int fd = socket(addr->ai_family, SOCK_STREAM, 0); /* [1] */
	if (fd < 0 || connect(fd, addr->ai_addr, addr->ai_addrlen) < 0) { perror("connect"); return 1; }
	freeaddrinfo(addr);

	if (sent(5, send(fd, "Hello", 5, 0))) /* [2] */
		return 1;
	if (sent(2, send(fd, ", ", 2, 0)))
		return 1;
	if (sent(6, send(fd, "world\n", 6, 0)))
		return 1;

	if (sent(20, send(fd, "0123456789ABCDEFGHIJ", 20, 0))) /* [4] */
		return 1;

	if (sent(10, send(fd, "0123456789", 10, 0))) /* [5] */
		return 1;
	usleep(100 * 1000);   /* the two halves leave as two segments */
	if (sent(10, send(fd, "abcdefghij", 10, 0)))
		return 1;

	/* two messages, each a 2-byte length (network byte order) and the bytes */
	const char *msgs[] = { "hello", "world!" }; /* [6] */
	char frame[64];
	size_t len = 0;
	for (int i = 0; i < 2; i++) {
		uint16_t n = htons((uint16_t)strlen(msgs[i]));
		memcpy(frame + len, &n, 2);
		memcpy(frame + len + 2, msgs[i], strlen(msgs[i]));
		len += 2 + strlen(msgs[i]);
	}
	if (sent(len, send(fd, frame, len, 0)))
		return 1;

	if (sent(21, send(fd, "LINE one\nLINE two\nLIN", 21, 0))) /* [7] */
		return 1;

	if (sent(8, send(fd, "E three\n", 8, 0))) /* [8] */
		return 1;

	if (close(fd) < 0) { perror("close"); return 1; } /* [9] */
	return 0;
}
