/*
 * client.c — lesson 11 (security), the learner's side: what the wire shows
 * of a plain-text login, what an address to bind says about who can reach
 * a server, and a server that survives malformed input and goes on
 * serving — against `sockscope serve ftp` and `sockscope serve http`.
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./client HOST FTP_PORT HTTP_PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *host;

static struct addrinfo *resolve(const char *port, int type)
{
	struct addrinfo hints = { .ai_socktype = type, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(host, port, &hints, &ai);
	if (rc != 0) {
		fprintf(stderr, "%s port %s: %s\n", host, port, gai_strerror(rc));
		exit(2);
	}
	return ai;
}

/* A socket whose every wait is bounded: a server that stops answering is
 * an error, not a hang. */
static int bounded(int fd)
{
	struct timeval tv = { .tv_sec = 30 };
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		perror("socket");
		exit(1);
	}
	return fd;
}

static void put(int fd, const char *text)
{
	size_t len = strlen(text);
	if (send(fd, text, len, 0) != (ssize_t)len) {
		perror("send");
		exit(1);
	}
}

/* Bytes read past the last reply (the next one's start), and the reply. */
static char rbuf[2048], last_reply[2048];
static size_t rhave;

/* One SMTP or FTP reply: lines until one whose code is followed by a space
 * (RFC 5321 4.2.1, RFC 959 4.2); printed; its code returned. */
static int reply(int fd, const char *who)
{
	for (;;) {
		char *line = rbuf, *nl;
		while ((nl = memchr(line, '\n', rhave - (size_t)(line - rbuf)))) {
			if (nl - line >= 4 && line[3] == ' ') {
				int code = atoi(line);
				size_t len = (size_t)(nl + 1 - rbuf);
				memcpy(last_reply, rbuf, len);
				last_reply[len] = '\0';
				memmove(rbuf, nl + 1, rhave - len);
				rhave -= len;
				printf("%s: %s", who, last_reply);
				return code;
			}
			line = nl + 1;
		}
		ssize_t n = rhave < sizeof rbuf - 1 ? recv(fd, rbuf + rhave, sizeof rbuf - 1 - rhave, 0) : -1;
		if (n <= 0) {
			fprintf(stderr, "%s: the reply ended early\n", who);
			exit(1);
		}
		rhave += (size_t)n;
	}
}

/* A reply whose code is not the one the protocol's next step needs ends
 * the session: going on would be talking past the server. */
static void expect(int fd, const char *who, int want)
{
	int code = reply(fd, who);
	if (code != want) {
		fprintf(stderr, "%s: %d where %d was expected\n", who, code, want);
		exit(1);
	}
}

/* One HTTP response: the head to its blank line, then Content-Length
 * bytes of body (RFC 9112 6.3). */
static void response(int fd)
{
	char buf[8192] = "";
	size_t have = 0;
	char *body = NULL;
	long length = -1;
	for (;;) {
		if (!body && (body = strstr(buf, "\r\n\r\n"))) {
			body += 4;
			char *cl = strstr(buf, "Content-Length:");
			length = cl && cl < body ? strtol(cl + 15, NULL, 10) : 0;
			printf("HTTP: %.*s\n", (int)strcspn(buf, "\r"), buf);
		}
		if (body && (long)(buf + have - body) >= length) {
			printf("HTTP: body of %ld bytes: \"%.*s\"\n", length, (int)strcspn(body, "\n"), body);
			return;
		}
		ssize_t n = have + 1 < sizeof buf ? recv(fd, buf + have, sizeof buf - have - 1, 0) : -1;
		if (n <= 0) {
			fputs("HTTP: the response ended early\n", stderr);
			exit(1);
		}
		have += (size_t)n;
		buf[have] = '\0';
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s HOST FTP_PORT HTTP_PORT\n", argv[0]);
		return 2;
	}
	host = argv[1];
	struct addrinfo *ftp = resolve(argv[2], SOCK_STREAM), *http = resolve(argv[3], SOCK_STREAM);

	/* USER and PASS cross the wire as they are typed: anyone who can read
	 * the packets (tcpdump on the path) reads the password. */
	int fd = bounded(socket(ftp->ai_family, SOCK_STREAM, 0)); /* [1] */
	if (connect(fd, ftp->ai_addr, ftp->ai_addrlen) < 0) { perror("connect ftp"); return 1; }
	expect(fd, "FTP", 220);
	put(fd, "USER lab\r\n");
	expect(fd, "FTP", 331);
	put(fd, "PASS lab\r\n");
	expect(fd, "FTP", 230);

	/* INADDR_ANY, 0.0.0.0: every address of this machine, so every network
	 * it is on (this program never binds it); 127.0.0.1: this machine only. */
	struct in_addr a4; /* [2] */
	const char *texts[] = { "0.0.0.0", "127.0.0.1" };
	for (int i = 0; i < 2; i++) {
		if (inet_pton(AF_INET, texts[i], &a4) != 1) { fprintf(stderr, "inet_pton %s\n", texts[i]); return 1; }
		unsigned char *b = (unsigned char *)&a4;
		printf("inet_pton(AF_INET, \"%s\") = 1: %02x %02x %02x %02x\n", texts[i], b[0], b[1], b[2], b[3]);
	}
	struct addrinfo *lo = resolve("0", SOCK_STREAM);   /* HOST: loopback, 127.0.0.1 or ::1 */
	int local = socket(lo->ai_family, SOCK_STREAM, 0);
	if (local < 0 || bind(local, lo->ai_addr, lo->ai_addrlen) < 0) { perror("bind"); return 1; }
	struct sockaddr_storage me;
	socklen_t len = sizeof me;
	char addr[64], port[8];
	getsockname(local, (struct sockaddr *)&me, &len);
	getnameinfo((struct sockaddr *)&me, len, addr, sizeof addr, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
	printf("bind() = 0 (bound to %s, port %s: reachable from this machine only)\n", addr, port);
	close(local);
	freeaddrinfo(lo);

	/* Bytes no HTTP client sends: a TLS record's start, a NUL, a path out
	 * of the document root, a version that does not exist. */
	int bad = bounded(socket(http->ai_family, SOCK_STREAM, 0)); /* [3] */
	if (connect(bad, http->ai_addr, http->ai_addrlen) < 0) { perror("connect http"); return 1; }
	static const char junk[] = "\x16\x03\x01\x00\xff" "GET\0/../../etc/passwd HTTP/9.9\r\n\r\n";
	if (send(bad, junk, sizeof junk - 1, 0) != (ssize_t)(sizeof junk - 1)) { perror("send"); return 1; }
	response(bad);
	close(bad);

	int good = bounded(socket(http->ai_family, SOCK_STREAM, 0)); /* [4] */
	if (connect(good, http->ai_addr, http->ai_addrlen) < 0) { perror("connect http"); return 1; }
	put(good, "GET /hello HTTP/1.1\r\nHost: lab.sockscope.test\r\nConnection: close\r\n\r\n");
	response(good);
	close(good);

	/* With TLS (e.g. OpenSSL): SSL_connect() runs a handshake over the TCP
	 * connection, then SSL_write()/SSL_read() replace send()/recv(), and
	 * the wire shows only the record layer. */
	close(fd); /* [5] */
	freeaddrinfo(ftp);
	freeaddrinfo(http);
	return 0;
}
