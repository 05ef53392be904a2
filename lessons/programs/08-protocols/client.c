/*
 * client.c — lesson 8 (protocols), the learner's side: HTTP, SMTP and FTP
 * over TCP and a DNS query over UDP, against sockscope's own servers
 * (`sockscope serve http|smtp|ftp|dns`).
 * Build: cc -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
 * Run: ./client HOST HTTP_PORT SMTP_PORT FTP_PORT DNS_PORT
 *
 * A protocol's reply is not a recv(): a recv() returns what has arrived,
 * which may be half a reply or two.  So every reply is read to where the
 * protocol says it ends — HTTP's blank line and Content-Length, SMTP's and
 * FTP's last line "NNN text\r\n" — and no further.
 */
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

/* Bytes read past the last reply (the next one's start), and the last
 * reply, kept for the one caller that reads more than its code. */
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

/* FTP answers a transfer with 1yz first ("opening"), then its result. */
static int final_reply(int fd, const char *who)
{
	int code;
	while ((code = reply(fd, who)) < 200)
		;
	return code;
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
	if (argc != 6) {
		fprintf(stderr, "usage: %s HOST HTTP_PORT SMTP_PORT FTP_PORT DNS_PORT\n", argv[0]);
		return 2;
	}
	host = argv[1];
	struct addrinfo *http = resolve(argv[2], SOCK_STREAM), *smtp = resolve(argv[3], SOCK_STREAM);
	struct addrinfo *ftp_addr = resolve(argv[4], SOCK_STREAM), *dns_addr = resolve(argv[5], SOCK_DGRAM);

	int web = bounded(socket(http->ai_family, SOCK_STREAM, 0)); /* [1] */
	if (connect(web, http->ai_addr, http->ai_addrlen) < 0) { perror("connect http"); return 1; }
	put(web, "GET /hello HTTP/1.1\r\nHost: lab.sockscope.test\r\n\r\n");

	response(web); /* [2] */

	put(web, "GET / HTTP/1.1\r\nHost: lab.sockscope.test\r\n\r\n"); /* [3] */
	response(web);

	close(web); /* [4] */

	int mail = bounded(socket(smtp->ai_family, SOCK_STREAM, 0)); /* [5] */
	if (connect(mail, smtp->ai_addr, smtp->ai_addrlen) < 0) { perror("connect smtp"); return 1; }
	expect(mail, "SMTP", 220);

	put(mail, "EHLO client.sockscope.test\r\n"); /* [6] */
	expect(mail, "SMTP", 250);

	put(mail, "MAIL FROM:<learner@sockscope.test>\r\n"); /* [7] */
	expect(mail, "SMTP", 250);
	put(mail, "RCPT TO:<lab@sockscope.test>\r\n");
	expect(mail, "SMTP", 250);

	put(mail, "DATA\r\n"); /* [8] */
	expect(mail, "SMTP", 354);
	put(mail, "Subject: hello\r\n\r\nSent from a sockscope lesson.\r\n.\r\n");
	expect(mail, "SMTP", 250);

	put(mail, "QUIT\r\n"); /* [9] */
	expect(mail, "SMTP", 221);
	close(mail);

	int ftp = bounded(socket(ftp_addr->ai_family, SOCK_STREAM, 0)); /* [10] */
	if (connect(ftp, ftp_addr->ai_addr, ftp_addr->ai_addrlen) < 0) { perror("connect ftp"); return 1; }
	expect(ftp, "FTP", 220);
	put(ftp, "USER anonymous\r\n");
	expect(ftp, "FTP", 331);
	put(ftp, "PASS learner@sockscope.test\r\n");
	expect(ftp, "FTP", 230);

	/* EPSV (RFC 2428): the reply names only a port, "(|||PORT|)"; the
	 * address is the control connection's, so it works over IPv6 too. */
	put(ftp, "EPSV\r\n"); /* [11] */
	expect(ftp, "FTP", 229);
	char data_port[8];
	const char *bar = strstr(last_reply, "(|||");
	if (!bar || sscanf(bar, "(|||%7[0-9]|)", data_port) != 1) {
		fputs("FTP: no port in the 229 reply\n", stderr);
		return 1;
	}
	struct addrinfo *data_addr = resolve(data_port, SOCK_STREAM);

	int data = bounded(socket(data_addr->ai_family, SOCK_STREAM, 0)); /* [12] */
	if (connect(data, data_addr->ai_addr, data_addr->ai_addrlen) < 0) { perror("connect ftp-data"); return 1; }
	put(ftp, "RETR hello.txt\r\n");
	char file[64];
	ssize_t n = recv(data, file, 34, MSG_WAITALL);
	if (n != 34) { fprintf(stderr, "FTP data: recv() = %zd\n", n); return 1; }
	printf("FTP data: recv(34, MSG_WAITALL) = %zd: %.*s", n, (int)n, file);

	/* The data connection's end is the file's end (RFC 959 3.4, stream mode). */
	n = recv(data, file, sizeof file, 0); /* [13] */
	printf("FTP data: recv() = %zd (end of file)\n", n);
	close(data);
	if (final_reply(ftp, "FTP") != 226) { fputs("FTP: the transfer failed\n", stderr); return 1; }
	put(ftp, "QUIT\r\n");
	expect(ftp, "FTP", 221);
	close(ftp);

	int dns = bounded(socket(dns_addr->ai_family, SOCK_DGRAM, 0)); /* [14] */
	/* header: id, flags (RD), 1 question; then the name as labels (RFC 1035 4.1) */
	unsigned char q[] = { 0x5c, 0x00, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	                      3, 'l', 'a', 'b', 9, 's', 'o', 'c', 'k', 's', 'c', 'o', 'p', 'e',
	                      4, 't', 'e', 's', 't', 0,   0, 1,  0, 1 };   /* type A, class IN */
	if (sendto(dns, q, sizeof q, 0, dns_addr->ai_addr, dns_addr->ai_addrlen) != (ssize_t)sizeof q) {
		perror("sendto");
		return 1;
	}
	unsigned char ans[512];
	n = recvfrom(dns, ans, sizeof ans, 0, NULL, NULL);
	/* Our id, one answer, and after our question: a pointer to the name,
	 * type, class, TTL, length, the address. */
	const unsigned char *rr = ans + sizeof q;
	if (n < (ssize_t)sizeof q + 16 || ans[0] != q[0] || ans[1] != q[1] || ans[7] < 1
	    || rr[10] != 0 || rr[11] != 4) {
		fprintf(stderr, "DNS: recvfrom() = %zd: not the answer asked for\n", n);
		return 1;
	}
	printf("DNS: recvfrom() = %zd: lab.sockscope.test A %u.%u.%u.%u\n", n, rr[12], rr[13], rr[14], rr[15]);
	close(dns);
	freeaddrinfo(http);
	freeaddrinfo(smtp);
	freeaddrinfo(ftp_addr);
	freeaddrinfo(data_addr);
	freeaddrinfo(dns_addr);
	return 0;
}
