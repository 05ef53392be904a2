/* Reference solution of the dns-client challenge (10) in C: the query built
 * byte by byte, sent in one datagram; the reply whose ID is ours; names
 * skipped up to their zero byte or compression pointer, with every read
 * checked against the message's length; each A record printed.  Usage:
 * dns_client NAME, host and port from $SOCKSCOPE_HOST / $SOCKSCOPE_PORT. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The offset after the name at i, or 0 when it runs past n. */
static size_t skip_name(const unsigned char *m, size_t n, size_t i)
{
	while (i < n) {
		if (m[i] >= 0xC0)
			return i + 2 <= n ? i + 2 : 0;
		if (m[i] == 0)
			return i + 1;
		i += 1 + (size_t)m[i];
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *host = getenv("SOCKSCOPE_HOST"), *port = getenv("SOCKSCOPE_PORT");
	if (argc != 2 || !host || !port) {
		fprintf(stderr, "usage: SOCKSCOPE_HOST=.. SOCKSCOPE_PORT=.. %s NAME\n", argv[0]);
		return 2;
	}
	unsigned char q[512];
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	unsigned id = (unsigned)rand() & 0xffff;
	unsigned char hdr[12] = { (unsigned char)(id >> 8), (unsigned char)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	memcpy(q, hdr, 12);
	size_t n = 12;
	for (const char *p = argv[1]; *p;) {
		size_t l = strcspn(p, ".");
		if (l == 0 || l > 63 || n + l + 6 > sizeof q)
			return 2;
		q[n++] = (unsigned char)l;
		memcpy(q + n, p, l);
		n += l;
		p += l + (p[l] == '.');
	}
	q[n++] = 0;
	unsigned char tail[4] = { 0, 1, 0, 1 };   /* QTYPE A, QCLASS IN */
	memcpy(q + n, tail, 4);
	n += 4;

	struct sockaddr_storage to = { 0 };
	socklen_t tl;
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET6, host, &a->sin6_addr);
		tl = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&to;
		a->sin_family = AF_INET;
		a->sin_port = htons((unsigned short)atoi(port));
		inet_pton(AF_INET, host, &a->sin_addr);
		tl = sizeof *a;
	}
	int fd = socket(to.ss_family, SOCK_DGRAM, 0);
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (fd < 0 || sendto(fd, q, n, 0, (struct sockaddr *)&to, tl) < 0) {
		perror("sendto");
		return 1;
	}
	unsigned char m[65535];
	ssize_t got;
	for (;;) {
		got = recv(fd, m, sizeof m, 0);
		if (got < 0) {
			puts("no answer");
			return 1;
		}
		if (got >= 12 && (unsigned)(m[0] << 8 | m[1]) == id)
			break;              /* another ID answers another query */
	}
	size_t len = (size_t)got, i = 12;
	unsigned qd = (unsigned)(m[4] << 8 | m[5]), an = (unsigned)(m[6] << 8 | m[7]);
	for (unsigned k = 0; k < qd && i; k++)
		i = (i = skip_name(m, len, i)) && i + 4 <= len ? i + 4 : 0;
	for (unsigned k = 0; k < an && i; k++) {
		i = skip_name(m, len, i);
		if (!i || i + 10 > len)
			break;
		unsigned type = (unsigned)(m[i] << 8 | m[i + 1]), rdlen = (unsigned)(m[i + 8] << 8 | m[i + 9]);
		i += 10;
		if (i + rdlen > len)
			break;
		if (type == 1 && rdlen == 4)
			printf("%u.%u.%u.%u\n", m[i], m[i + 1], m[i + 2], m[i + 3]);
		i += rdlen;
	}
	return 0;
}
