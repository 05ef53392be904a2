/*
 * client.c — lesson 3 (addresses), the learner's side: addresses as text
 * and as the bytes inet_pton() makes of them, then one connection whose
 * packets carry those bytes in their IP headers.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./client HOST PORT   (127.0.0.1 or ::1: the lesson's toggle "ipv6")
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/* One inet_pton() and what it gave: the bytes, or 0 for text that is not
 * an address of that family. */
static void pton(int af, const char *text)
{
	unsigned char bytes[sizeof(struct in6_addr)];
	int r = inet_pton(af, text, bytes);
	const char *fam = af == AF_INET ? "IPv4" : "IPv6";
	printf("inet_pton(%s, \"%s\") = %d", af == AF_INET ? "AF_INET" : "AF_INET6", text, r);
	if (r != 1) {
		printf(" (not a valid %s address)\n", fam);
		return;
	}
	int len = af == AF_INET ? 4 : 16;
	printf(": %d bytes in network order:", len);
	for (int i = 0; i < len; i++)
		printf(" %02x", bytes[i]);
	putchar('\n');
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return 2;
	}
	pton(AF_INET, "127.0.0.1"); /* [1] */
	pton(AF_INET, "192.0.2.10");
	pton(AF_INET, "256.1.1.1");

	pton(AF_INET6, "2001:0db8:0000:0000:0000:0000:0000:0001"); /* [2] */
	pton(AF_INET6, "2001:db8::1");
	struct in6_addr a6;
	char text[INET6_ADDRSTRLEN];
	/* RFC 5952's one canonical spelling of many */
	if (inet_pton(AF_INET6, "2001:0DB8:0:0:0:0:0:0001", &a6) == 1 && inet_ntop(AF_INET6, &a6, text, sizeof text))
		printf("inet_ntop(AF_INET6, 2001:0DB8:0:0:0:0:0:0001) = \"%s\"\n", text);
	pton(AF_INET6, "::1");
	pton(AF_INET6, "1::2::3");

	pton(AF_INET, "127.0.0.1"); /* [3] */
	pton(AF_INET, "127.1.2.3");
	pton(AF_INET, "127.255.255.254");
	pton(AF_INET6, "::ffff:127.0.0.1");

	/* getaddrinfo() does the inet_pton() for us and says which family the
	 * text is, so this part runs over IPv4 and IPv6 unchanged. */
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(argv[1], argv[2], &hints, &ai); /* [4] */
	if (rc != 0) { fprintf(stderr, "%s port %s: %s\n", argv[1], argv[2], gai_strerror(rc)); return 2; }
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0) { perror("socket"); return 1; }
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) { perror("connect"); return 1; }
	/* 16 bytes for a sockaddr_in, 28 for a sockaddr_in6 */
	printf("connect(%s, %u-byte address) = 0\n", ai->ai_family == AF_INET ? "AF_INET" : "AF_INET6",
	       (unsigned)ai->ai_addrlen);
	freeaddrinfo(ai);

	ssize_t n = send(fd, "hello\n", 6, 0); /* [5] */
	if (n < 0) { perror("send"); return 1; }
	printf("send() = %zd\n", n);

	if (close(fd) < 0) { perror("close"); return 1; } /* [6] */
	return 0;
}
