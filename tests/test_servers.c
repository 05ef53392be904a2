/*
 * test_servers.c — the lab's protocol servers (src/servers) over real
 * loopback sockets, in-process.
 *
 * Each server is started on port 0 and spoken to with plain sockets; the
 * expected replies are the ones the RFCs prescribe (status codes, framing,
 * DNS bytes including the 0xc00c compression pointer), written out here by
 * hand.  Then every server gets 1000 rounds of random junk and must still
 * answer a valid request.  No timing is asserted: every client socket has a
 * receive timeout only so that a broken server fails the test instead of
 * hanging it.
 */
#include "servers/labsrv.h"
#include "common/loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

/* ------------------------------------------------------------ client side */

static bool have_ipv6;

static struct labsrv *start(const char *proto, int family, const struct labsrv_limits *lim)
{
	char err[256];
	struct labsrv *s = labsrv_start(proto, family, lim, err, sizeof err);
	if (!s)
		fprintf(stderr, "%s:%d: labsrv_start(%s, %d): %s\n", __FILE__, __LINE__, proto, family, err);
	CHECK(s != NULL);
	return s;
}

/* A socket with a receive timeout so that a silent server fails the test. */
static int client(int family, int type, uint16_t port)
{
	int fd = socket(family == 6 ? AF_INET6 : AF_INET, type, 0);
	if (fd < 0)
		return -1;
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	struct sockaddr_storage ss;
	socklen_t len = loopback_addr(family, port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
	const char *b = p;
	while (n > 0) {
		ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		b += w;
		n -= (size_t)w;
	}
}

static void send_str(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/* A TCP client with a buffer, for line- and length-based reading. */
struct cl {
	int fd;
	char buf[70000];
	size_t n;
	bool closed;   /* the server closed (or reset) the connection */
};

static bool cl_fill(struct cl *c)
{
	if (c->n >= sizeof c->buf - 1)
		return false;
	ssize_t r = recv(c->fd, c->buf + c->n, sizeof c->buf - 1 - c->n, 0);
	if (r <= 0) {
		c->closed = r == 0 || errno == ECONNRESET;
		return false;
	}
	c->n += (size_t)r;
	c->buf[c->n] = '\0';
	return true;
}

static void cl_take(struct cl *c, size_t k, char *out, size_t cap)
{
	size_t copy = k < cap - 1 ? k : cap - 1;
	memcpy(out, c->buf, copy);
	out[copy] = '\0';
	memmove(c->buf, c->buf + k, c->n - k);
	c->n -= k;
	c->buf[c->n] = '\0';
}

/* One CRLF-ended line, CRLF included; "" when none comes. */
static void cl_line(struct cl *c, char *out, size_t cap)
{
	for (;;) {
		char *e = memchr(c->buf, '\n', c->n);
		if (e) {
			cl_take(c, (size_t)(e - c->buf) + 1, out, cap);
			return;
		}
		if (!cl_fill(c)) {
			out[0] = '\0';
			return;
		}
	}
}

/* A whole SMTP/FTP reply: lines up to the one with a space after the code. */
static void cl_reply(struct cl *c, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < 20; i++) {
		char line[1024];
		cl_line(c, line, sizeof line);
		if (!line[0])
			return;
		snprintf(out + n, cap - n, "%s", line);
		n = strlen(out);
		if (strlen(line) >= 4 && line[3] == ' ')
			return;
	}
}

/* Say a line and return the reply. */
static const char *cl_cmd(struct cl *c, const char *line)
{
	static char r[4096];
	/* one write: a line split in two would wait for a delayed ACK (Nagle) */
	char *l = malloc(strlen(line) + 3);
	sprintf(l, "%s\r\n", line);
	send_str(c->fd, l);
	free(l);
	cl_reply(c, r, sizeof r);
	return r;
}

/* Is the connection closed by the server (EOF or RST) — waiting at most
 * the socket's receive timeout? */
static bool cl_eof(struct cl *c)
{
	while (c->n == 0 && cl_fill(c))
		;
	return c->n == 0 && c->closed;
}

static struct cl *cl_open(int family, uint16_t port)
{
	struct cl *c = calloc(1, sizeof *c);
	c->fd = client(family, SOCK_STREAM, port);
	CHECK(c->fd >= 0);
	return c;
}

static void cl_close(struct cl *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

/* ------------------------------------------------------------ HTTP */

struct resp {
	int status;
	char head[8192];
	char body[70000];
	size_t blen;
};

/* Read one response; `head_req` for HEAD (no body whatever Content-Length says). */
static void http_read(struct cl *c, struct resp *r, bool head_req)
{
	memset(r, 0, sizeof *r);
	char *end;
	while (!(end = strstr(c->buf, "\r\n\r\n")))
		if (!cl_fill(c))
			return;
	size_t hl = (size_t)(end - c->buf) + 4;
	cl_take(c, hl, r->head, sizeof r->head);
	sscanf(r->head, "HTTP/1.1 %d", &r->status);
	const char *cl = strstr(r->head, "Content-Length: ");
	size_t len = cl ? strtoul(cl + 16, NULL, 10) : 0;
	if (head_req || r->status == 100)
		return;
	while (c->n < len)
		if (!cl_fill(c))
			return;
	if (len < sizeof r->body) {
		cl_take(c, len, r->body, sizeof r->body);
		r->blen = len;
	}
}

static void http_do(struct cl *c, const char *req, struct resp *r)
{
	send_str(c->fd, req);
	http_read(c, r, strncmp(req, "HEAD ", 5) == 0);
}

/* One request on a fresh connection. */
static void http_once(int family, uint16_t port, const char *req, struct resp *r)
{
	struct cl *c = cl_open(family, port);
	http_do(c, req, r);
	cl_close(c);
}

static void test_http(int family)
{
	struct labsrv *s = start("http", family, NULL);
	if (!s)
		return;
	uint16_t port = labsrv_port(s);
	struct resp *r = malloc(sizeof *r);

	/* keep-alive: GET, HEAD and GET again on one connection */
	struct cl *c = cl_open(family, port);
	http_do(c, "GET /hello HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(200, r->status);
	CHECK(strncmp(r->head, "HTTP/1.1 200 OK\r\n", 17) == 0);
	HAS(r->head, "\r\nContent-Length: 29\r\n");
	HAS(r->head, "\r\nContent-Type: text/plain; charset=utf-8\r\n");
	HAS(r->head, "\r\nServer: sockscope-lab\r\n");
	HAS(r->head, " GMT\r\n");
	HAS(r->head, "\r\nDate: ");
	CHECK(!strstr(r->head, "Connection: close"));
	EQ_STR("Hello from the sockscope lab\n", r->body);
	http_do(c, "HEAD /hello HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(200, r->status);
	HAS(r->head, "\r\nContent-Length: 29\r\n");
	http_do(c, "GET / HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(200, r->status);
	HAS(r->head, "text/html");
	HAS(r->body, "<html>");
	EQ_INT(0, c->n);   /* HEAD sent no body: nothing left over */
	/* Connection: close is honoured */
	http_do(c, "GET /hello HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n", r);
	EQ_INT(200, r->status);
	HAS(r->head, "\r\nConnection: close\r\n");
	CHECK(cl_eof(c));
	cl_close(c);

	/* HTTP/1.0 closes unless asked not to */
	c = cl_open(family, port);
	http_do(c, "GET /hello HTTP/1.0\r\n\r\n", r);
	EQ_INT(200, r->status);
	HAS(r->head, "\r\nConnection: close\r\n");
	CHECK(cl_eof(c));
	cl_close(c);
	c = cl_open(family, port);
	http_do(c, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", r);
	HAS(r->head, "\r\nConnection: keep-alive\r\n");
	http_do(c, "GET /hello HTTP/1.0\r\n\r\n", r);
	EQ_INT(200, r->status);
	cl_close(c);

	/* errors */
	http_once(family, port, "GET /nope HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(404, r->status);
	HAS(r->head, "Content-Length: 14\r\n");
	EQ_STR("404 Not Found\n", r->body);
	http_once(family, port, "DELETE /hello HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(405, r->status);
	HAS(r->head, "\r\nAllow: GET, HEAD\r\n");
	http_once(family, port, "GET /echo HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(405, r->status);
	HAS(r->head, "\r\nAllow: POST\r\n");
	http_once(family, port, "BREW /hello HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(501, r->status);
	http_once(family, port, "GARBAGE\r\n\r\n", r);
	EQ_INT(400, r->status);
	HAS(r->head, "\r\nConnection: close\r\n");
	http_once(family, port, "GET  /hello HTTP/1.1\r\nHost: lab\r\n\r\n", r);
	EQ_INT(400, r->status);
	http_once(family, port, "GET /hello HTTP/1.1\r\n\r\n", r);   /* no Host */
	EQ_INT(400, r->status);
	http_once(family, port, "GET /hello HTTP/1.1\r\nHost : lab\r\n\r\n", r);
	EQ_INT(400, r->status);
	http_once(family, port, "GET /hello HTTP/2.0\r\nHost: lab\r\n\r\n", r);
	EQ_INT(505, r->status);
	http_once(family, port, "POST /echo HTTP/1.1\r\nHost: lab\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", r);
	EQ_INT(501, r->status);
	http_once(family, port, "POST /echo HTTP/1.1\r\nHost: lab\r\nContent-Length: 9999999\r\n\r\n", r);
	EQ_INT(413, r->status);

	/* a request line over 8 KiB, and a header section over 8 KiB */
	char *big = malloc(20000);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', 9000);
	strcpy(big + 9005, " HTTP/1.1\r\nHost: lab\r\n\r\n");
	http_once(family, port, big, r);
	EQ_INT(414, r->status);
	strcpy(big, "GET / HTTP/1.1\r\nHost: lab\r\n");
	for (int i = 0; i < 200; i++)
		strcat(big, "X-Padding: 0123456789012345678901234567890123456789\r\n");
	strcat(big, "\r\n");
	http_once(family, port, big, r);
	EQ_INT(431, r->status);
	/* a request line of 8191 bytes (LF only) leaves no room for a header
	 * line, even a 9000-byte one: 431, the bound kept */
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', 8177);
	strcpy(big + 8182, " HTTP/1.1\nX: ");
	memset(big + 8195, 'b', 9000);
	strcpy(big + 8195 + 9000, "\r\n\r\n");
	http_once(family, port, big, r);
	EQ_INT(431, r->status);
	free(big);

	/* POST /echo, also twice on one connection */
	c = cl_open(family, port);
	http_do(c, "POST /echo HTTP/1.1\r\nHost: lab\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nping\r\npong", r);
	EQ_INT(200, r->status);
	HAS(r->head, "\r\nContent-Length: 10\r\n");
	HAS(r->head, "\r\nContent-Type: text/plain\r\n");
	EQ_INT(10, r->blen);
	EQ_STR("ping\r\npong", r->body);
	http_do(c, "POST /echo HTTP/1.1\r\nHost: lab\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", r);
	EQ_INT(100, r->status);
	send_str(c->fd, "abc");
	http_read(c, r, false);
	EQ_INT(200, r->status);
	EQ_STR("abc", r->body);
	cl_close(c);

	CHECK(labsrv_served(s) >= 20);
	free(r);
	labsrv_stop(s);
}

/* ------------------------------------------------------------ SMTP */

static void test_smtp(void)
{
	struct labsrv *s = start("smtp", 4, NULL);
	if (!s)
		return;
	struct labsrv_mail m;
	CHECK(!labsrv_last_mail(s, &m));
	struct cl *c = cl_open(4, labsrv_port(s));
	char r[4096];
	cl_reply(c, r, sizeof r);
	EQ_STR("220 sockscope.test ESMTP sockscope-lab ready\r\n", r);
	EQ_STR("503 Send HELO or EHLO first\r\n", cl_cmd(c, "MAIL FROM:<a@b.example>"));
	EQ_STR("250-sockscope.test greets client.example\r\n250-SIZE 65536\r\n250 8BITMIME\r\n",
	       cl_cmd(c, "EHLO client.example"));
	EQ_STR("503 Need MAIL before RCPT\r\n", cl_cmd(c, "RCPT TO:<bob@sockscope.test>"));
	EQ_STR("503 Need MAIL and RCPT before DATA\r\n", cl_cmd(c, "DATA"));
	EQ_STR("501 Syntax: MAIL FROM:<address>\r\n", cl_cmd(c, "MAIL FROM:alice"));
	EQ_STR("555 MAIL parameter not recognized or not supported\r\n", cl_cmd(c, "MAIL FROM:<a@b.example> FOO=1"));
	EQ_STR("552 Message size exceeds fixed maximum message size (65536)\r\n",
	       cl_cmd(c, "MAIL FROM:<a@b.example> SIZE=100000"));
	EQ_STR("250 OK\r\n", cl_cmd(c, "MAIL FROM:<alice@client.example> BODY=8BITMIME SIZE=100"));
	EQ_STR("503 Nested MAIL command\r\n", cl_cmd(c, "MAIL FROM:<a@b.example>"));
	EQ_STR("503 Need RCPT before DATA\r\n", cl_cmd(c, "DATA"));
	HAS(cl_cmd(c, "RCPT TO:<eve@example.com>"), "550 <eve@example.com>: ");
	EQ_STR("250 OK\r\n", cl_cmd(c, "RCPT TO:<bob@sockscope.test>"));
	EQ_STR("250 OK\r\n", cl_cmd(c, "rcpt to:<root@LOCALHOST>"));
	EQ_STR("502 Command not supported here\r\n", cl_cmd(c, "STARTTLS"));
	EQ_STR("500 Syntax error, command unrecognized\r\n", cl_cmd(c, "FROB"));
	EQ_STR("250 OK\r\n", cl_cmd(c, "NOOP"));
	EQ_STR("354 End data with <CR><LF>.<CR><LF>\r\n", cl_cmd(c, "DATA"));
	send_str(c->fd, "Subject: test\r\n\r\n..leading dot\r\nplain\r\n...\r\n.");
	EQ_STR("250 OK: queued as 1.1\r\n", cl_cmd(c, ""));
	CHECK(labsrv_last_mail(s, &m));
	EQ_STR("alice@client.example", m.from);
	EQ_STR("bob@sockscope.test, root@LOCALHOST", m.rcpt);
	EQ_INT(2, m.nrcpt);
	EQ_STR("Subject: test\r\n\r\n.leading dot\r\nplain\r\n..\r\n", m.body);
	EQ_INT(strlen(m.body), m.size);
	EQ_INT(1, labsrv_served(s));
	/* the transaction is over: DATA again is out of order */
	EQ_STR("503 Need MAIL and RCPT before DATA\r\n", cl_cmd(c, "DATA"));
	/* a 2000-byte line */
	char big[2001];
	memset(big, 'x', 2000);
	big[2000] = '\0';
	EQ_STR("500 Line too long (at most 512 octets)\r\n", cl_cmd(c, big));
	/* binary junk */
	send_all(c->fd, "\x01\x02\xff\r\n", 5);
	cl_reply(c, r, sizeof r);
	EQ_STR("500 Syntax error, command unrecognized\r\n", r);
	/* RSET ends a transaction */
	EQ_STR("250 OK\r\n", cl_cmd(c, "MAIL FROM:<>"));
	EQ_STR("250 OK\r\n", cl_cmd(c, "RSET"));
	EQ_STR("503 Need MAIL before RCPT\r\n", cl_cmd(c, "RCPT TO:<bob@sockscope.test>"));
	EQ_STR("221 sockscope.test Service closing transmission channel\r\n", cl_cmd(c, "QUIT"));
	CHECK(cl_eof(c));
	cl_close(c);

	/* HELO: no parameters on MAIL; <postmaster> is always accepted */
	c = cl_open(4, labsrv_port(s));
	cl_reply(c, r, sizeof r);
	EQ_STR("250 sockscope.test\r\n", cl_cmd(c, "HELO client.example"));
	EQ_STR("555 MAIL parameters need EHLO\r\n", cl_cmd(c, "MAIL FROM:<a@b.example> SIZE=10"));
	EQ_STR("250 OK\r\n", cl_cmd(c, "MAIL FROM:<a@b.example>"));
	EQ_STR("250 OK\r\n", cl_cmd(c, "RCPT TO:<Postmaster>"));
	cl_cmd(c, "DATA");
	EQ_STR("250 OK: queued as 2.2\r\n", cl_cmd(c, "one line\r\n."));
	CHECK(labsrv_last_mail(s, &m));
	EQ_STR("a@b.example", m.from);
	EQ_STR("Postmaster", m.rcpt);
	cl_close(c);
	labsrv_stop(s);
}

/* ------------------------------------------------------------ FTP */

/* The port in "227 ... (h1,h2,h3,h4,p1,p2)" or "229 ... (|||p|)", 0 if none. */
static uint16_t pasv_port(const char *r)
{
	unsigned h1, h2, h3, h4, p1, p2, p;
	const char *paren = strchr(r, '(');
	if (!paren)
		return 0;
	if (strncmp(r, "227 ", 4) == 0 && sscanf(paren, "(%u,%u,%u,%u,%u,%u)", &h1, &h2, &h3, &h4, &p1, &p2) == 6)
		return (uint16_t)(p1 << 8 | p2);
	if (strncmp(r, "229 ", 4) == 0 && sscanf(paren, "(|||%u|)", &p) == 1)
		return (uint16_t)p;
	return 0;
}

/* After PASV/EPSV: connect, send the command, read the data and the replies. */
static void ftp_transfer(struct cl *c, int family, uint16_t dport, const char *cmd, char *data, size_t cap,
                         char *r1, char *r2)
{
	int d = client(family, SOCK_STREAM, dport);
	CHECK(d >= 0);
	char line[128];
	snprintf(line, sizeof line, "%s\r\n", cmd);
	send_str(c->fd, line);
	cl_reply(c, r1, 512);
	size_t n = 0;
	for (;;) {
		ssize_t k = d >= 0 ? recv(d, data + n, cap - 1 - n, 0) : 0;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	data[n] = '\0';
	if (d >= 0)
		close(d);
	cl_reply(c, r2, 512);
}

static void test_ftp(int family)
{
	struct labsrv *s = start("ftp", family, NULL);
	if (!s)
		return;
	uint16_t ports[4];
	EQ_INT(2, labsrv_ports(s, ports, 4));
	EQ_INT(labsrv_port(s), ports[0]);
	struct cl *c = cl_open(family, labsrv_port(s));
	char r[4096], r1[512], r2[512], data[2048];
	cl_reply(c, r, sizeof r);
	EQ_STR("220 sockscope-lab FTP server ready\r\n", r);
	EQ_STR("530 Please login with USER and PASS\r\n", cl_cmd(c, "PWD"));
	EQ_STR("503 Login with USER first\r\n", cl_cmd(c, "PASS x"));
	EQ_STR("331 Password required for mallory\r\n", cl_cmd(c, "USER mallory"));
	EQ_STR("530 Login incorrect\r\n", cl_cmd(c, "PASS secret"));
	EQ_STR("331 Password required for lab\r\n", cl_cmd(c, "USER lab"));
	EQ_STR("530 Login incorrect\r\n", cl_cmd(c, "PASS wrong"));
	EQ_STR("331 Password required for lab\r\n", cl_cmd(c, "USER lab"));
	EQ_STR("230 Login successful\r\n", cl_cmd(c, "PASS lab"));
	EQ_STR("215 UNIX Type: L8\r\n", cl_cmd(c, "SYST"));
	EQ_STR("211-Features:\r\n EPSV\r\n SIZE\r\n211 End\r\n", cl_cmd(c, "FEAT"));
	EQ_STR("257 \"/\" is the current directory\r\n", cl_cmd(c, "PWD"));
	EQ_STR("250 Directory changed to /\r\n", cl_cmd(c, "CWD /"));
	EQ_STR("550 pub: No such directory\r\n", cl_cmd(c, "CWD pub"));
	EQ_STR("425 Use PASV or EPSV first\r\n", cl_cmd(c, "RETR hello.txt"));
	EQ_STR("502 Command not supported here\r\n", cl_cmd(c, "PORT 127,0,0,1,4,1"));
	EQ_STR("502 Command not supported here\r\n", cl_cmd(c, "STOR x"));
	EQ_STR("500 Syntax error, command unrecognized\r\n", cl_cmd(c, "XYZZY"));
	EQ_STR("200 Type set to I\r\n", cl_cmd(c, "TYPE I"));
	EQ_STR("213 33\r\n", cl_cmd(c, "SIZE hello.txt"));
	EQ_STR("550 nope: No such file\r\n", cl_cmd(c, "SIZE nope"));
	EQ_STR("504 Type not supported for that parameter\r\n", cl_cmd(c, "TYPE E"));

	if (family == 4) {
		const char *p = cl_cmd(c, "PASV");
		char want[80];
		snprintf(want, sizeof want, "227 Entering Passive Mode (127,0,0,1,%u,%u).\r\n", ports[1] >> 8,
		         ports[1] & 0xff);
		EQ_STR(want, p);
		EQ_INT(ports[1], pasv_port(p));
	} else {
		HAS(cl_cmd(c, "PASV"), "522 ");
		HAS(cl_cmd(c, "EPSV 1"), "522 Network protocol not supported, use (2)");
		cl_cmd(c, "EPSV");
	}
	ftp_transfer(c, family, ports[1], "RETR /hello.txt", data, sizeof data, r1, r2);
	EQ_STR("150 Opening BINARY mode data connection for hello.txt (33 bytes)\r\n", r1);
	EQ_STR("Hello over FTP's data connection\n", data);
	EQ_STR("226 Transfer complete\r\n", r2);

	char want[80];
	snprintf(want, sizeof want, "229 Entering Extended Passive Mode (|||%u|)\r\n", ports[1]);
	EQ_STR(want, cl_cmd(c, "EPSV"));
	EQ_STR("200 Type set to A\r\n", cl_cmd(c, "TYPE A"));
	ftp_transfer(c, family, ports[1], "NLST", data, sizeof data, r1, r2);
	EQ_STR("hello.txt\r\nREADME\r\n", data);
	EQ_STR("226 Transfer complete\r\n", r2);
	cl_cmd(c, "EPSV");
	ftp_transfer(c, family, ports[1], "LIST", data, sizeof data, r1, r2);
	HAS(data, " hello.txt\r\n");
	HAS(data, " README\r\n");
	CHECK(strncmp(data, "-r--r--r--", 10) == 0);
	cl_cmd(c, "EPSV");
	ftp_transfer(c, family, ports[1], "RETR hello.txt", data, sizeof data, r1, r2);
	EQ_STR("Hello over FTP's data connection\r\n", data);   /* TYPE A: CRLF */
	EQ_STR("213 34\r\n", cl_cmd(c, "SIZE hello.txt"));
	EQ_STR("550 missing: No such file\r\n", cl_cmd(c, "RETR missing"));
	EQ_INT(4, labsrv_served(s));
	EQ_STR("221 Goodbye\r\n", cl_cmd(c, "QUIT"));
	CHECK(cl_eof(c));
	cl_close(c);

	/* anonymous */
	c = cl_open(family, labsrv_port(s));
	cl_reply(c, r, sizeof r);
	HAS(cl_cmd(c, "USER anonymous"), "331 ");
	EQ_STR("230 Login successful\r\n", cl_cmd(c, "PASS guest@example.org"));
	cl_close(c);
	labsrv_stop(s);
}

/* ------------------------------------------------------------ DNS */

struct msg {
	uint8_t b[1024];
	size_t n;
};

static void m8(struct msg *m, unsigned v)
{
	if (m->n < sizeof m->b)
		m->b[m->n++] = (uint8_t)v;
}

static void m16(struct msg *m, unsigned v)
{
	m8(m, v >> 8);
	m8(m, v & 0xff);
}

static void mname(struct msg *m, const char *dotted)
{
	while (*dotted) {
		size_t l = strcspn(dotted, ".");
		m8(m, (unsigned)l);
		for (size_t i = 0; i < l; i++)
			m8(m, (uint8_t)dotted[i]);
		dotted += l;
		if (*dotted)
			dotted++;
	}
	m8(m, 0);
}

static void query(struct msg *m, unsigned id, const char *name, unsigned type, bool edns)
{
	m->n = 0;
	m16(m, id);
	m16(m, 0x0100);   /* RD */
	m16(m, 1);
	m16(m, 0);
	m16(m, 0);
	m16(m, edns ? 1 : 0);
	mname(m, name);
	m16(m, type);
	m16(m, 1);
	if (edns) {
		m8(m, 0);
		m16(m, 41);
		m16(m, 1232);
		m16(m, 0);
		m16(m, 0);
		m16(m, 0);
	}
}

/* Send over UDP and return the reply whose ID is `id` (earlier replies to
 * junk are skipped).  0 length when none comes.  Like any UDP client it
 * sends again when no answer comes: after a flood, the server's receive
 * queue may have been full. */
static size_t dns_ask(int fd, const struct msg *q, unsigned id, uint8_t *out, size_t cap)
{
	for (int attempt = 0; attempt < 25; attempt++) {
		send(fd, q->b, q->n, 0);
		for (int i = 0; i < 3000; i++) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, 200) != 1)
				break;
			ssize_t n = recv(fd, out, cap, 0);
			if (n < 0)
				break;
			if (n >= 2 && (unsigned)(out[0] << 8 | out[1]) == id)
				return (size_t)n;
		}
	}
	return 0;
}

static unsigned u16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

static void test_dns(int family)
{
	struct labsrv *s = start("dns", family, NULL);
	if (!s)
		return;
	int fd = client(family, SOCK_DGRAM, labsrv_port(s));
	CHECK(fd >= 0);
	struct msg q;
	uint8_t a[1024];
	size_t n;

	/* lab.sockscope.test A: header, question copied, one answer with the 0xc00c pointer */
	query(&q, 0x1234, "lab.sockscope.test", 1, false);
	n = dns_ask(fd, &q, 0x1234, a, sizeof a);
	size_t qend = 12 + 20 + 4;
	EQ_INT(qend + 16, n);
	EQ_INT(0x8500, u16(a + 2));   /* QR AA RD, NOERROR */
	EQ_INT(1, u16(a + 4));
	EQ_INT(1, u16(a + 6));
	EQ_INT(0, u16(a + 8));
	EQ_INT(0, u16(a + 10));
	CHECK(n >= qend && memcmp(a + 12, q.b + 12, qend - 12) == 0);
	static const uint8_t rr_a[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1 };
	CHECK(n == qend + 16 && memcmp(a + qend, rr_a, 16) == 0);

	/* AAAA, with EDNS: an OPT record comes back */
	query(&q, 0x1235, "LAB.sockscope.test", 28, true);
	n = dns_ask(fd, &q, 0x1235, a, sizeof a);
	EQ_INT(0x8500, u16(a + 2));
	EQ_INT(1, u16(a + 6));
	EQ_INT(1, u16(a + 10));
	EQ_INT('L', a[13]);   /* the question as asked */
	static const uint8_t rr_aaaa[] = { 0xc0, 0x0c, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16,
	                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	CHECK(n >= qend + 28 && memcmp(a + qend, rr_aaaa, 28) == 0);
	static const uint8_t opt[] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };
	CHECK(n == qend + 28 + 11 && memcmp(a + qend + 28, opt, 11) == 0);

	/* www: CNAME to lab (0xc010: "lab..." inside the question) then lab's A */
	query(&q, 0x1236, "www.lab.sockscope.test", 1, false);
	n = dns_ask(fd, &q, 0x1236, a, sizeof a);
	qend = 12 + 24 + 4;
	EQ_INT(0x8500, u16(a + 2));
	EQ_INT(2, u16(a + 6));
	static const uint8_t rr_cname[] = { 0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 0x10,
	                                    0xc0, 0x10, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1 };
	CHECK(n == qend + sizeof rr_cname && memcmp(a + qend, rr_cname, sizeof rr_cname) == 0);

	/* NXDOMAIN with AA and the SOA; REFUSED outside the zone; NODATA */
	query(&q, 0x1237, "nothing.sockscope.test", 1, false);
	n = dns_ask(fd, &q, 0x1237, a, sizeof a);
	EQ_INT(0x8503, u16(a + 2));
	EQ_INT(0, u16(a + 6));
	EQ_INT(1, u16(a + 8));
	CHECK(n > 12 + 24 + 4 + 12);
	EQ_INT(0xc000 | (12 + 8), u16(a + 12 + 24 + 4));   /* SOA owner: "sockscope.test" in the question */
	EQ_INT(6, u16(a + 12 + 24 + 4 + 2));
	query(&q, 0x1238, "example.com", 1, false);
	n = dns_ask(fd, &q, 0x1238, a, sizeof a);
	EQ_INT(0x8105, u16(a + 2));   /* QR RD, REFUSED, no AA */
	EQ_INT(0, u16(a + 6));
	query(&q, 0x1239, "lab.sockscope.test", 15, false);   /* MX */
	n = dns_ask(fd, &q, 0x1239, a, sizeof a);
	EQ_INT(0x8500, u16(a + 2));
	EQ_INT(0, u16(a + 6));
	EQ_INT(1, u16(a + 8));
	/* a label holding a dot is not two labels */
	query(&q, 0x123a, "x", 1, false);
	q.n = 12;
	static const uint8_t tricky[] = { 13, 'l', 'a', 'b', '.', 's', 'o', 'c', 'k', 's', 'c', 'o', 'p', 'e',
	                                  4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
	memcpy(q.b + 12, tricky, sizeof tricky);
	q.n += sizeof tricky;
	n = dns_ask(fd, &q, 0x123a, a, sizeof a);
	EQ_INT(5, u16(a + 2) & 0xf);

	/* FORMERR: two questions, a name running past the end, a pointer in the
	 * question, trailing bytes */
	query(&q, 0x2001, "lab.sockscope.test", 1, false);
	q.b[5] = 2;
	n = dns_ask(fd, &q, 0x2001, a, sizeof a);
	EQ_INT(12, n);
	EQ_INT(0x8101, u16(a + 2));
	query(&q, 0x2002, "lab.sockscope.test", 1, false);
	q.n = 12 + 10;
	n = dns_ask(fd, &q, 0x2002, a, sizeof a);
	EQ_INT(0x8101, u16(a + 2));
	query(&q, 0x2003, "x", 1, false);
	q.n = 12;
	m16(&q, 0xc00c);   /* points at itself */
	m16(&q, 1);
	m16(&q, 1);
	n = dns_ask(fd, &q, 0x2003, a, sizeof a);
	EQ_INT(0x8101, u16(a + 2));
	query(&q, 0x2004, "lab.sockscope.test", 1, false);
	m8(&q, 0);
	n = dns_ask(fd, &q, 0x2004, a, sizeof a);
	EQ_INT(0x8101, u16(a + 2));
	/* NOTIMP for another opcode (STATUS) */
	query(&q, 0x2005, "lab.sockscope.test", 1, false);
	q.b[2] = 0x10;
	n = dns_ask(fd, &q, 0x2005, a, sizeof a);
	EQ_INT(0x9004, u16(a + 2));
	/* no reply to a response or to 5 bytes: the next answer is the next query's */
	query(&q, 0x2006, "lab.sockscope.test", 1, false);
	q.b[2] |= 0x80;
	send(fd, q.b, q.n, 0);
	send(fd, "\x20\x07\x01\x00\x00", 5, 0);
	query(&q, 0x2008, "lab.sockscope.test", 1, false);
	send(fd, q.b, q.n, 0);
	n = (size_t)recv(fd, a, sizeof a, 0);
	EQ_INT(0x2008, u16(a));
	close(fd);

	/* DNS over TCP on the same port number */
	struct cl *c = cl_open(family, labsrv_port(s));
	query(&q, 0x3001, "www.lab.sockscope.test", 28, false);
	uint8_t pre[2] = { 0, (uint8_t)q.n };
	send_all(c->fd, pre, 2);
	send_all(c->fd, q.b, q.n);
	while (c->n < 2 && cl_fill(c))
		;
	size_t len = c->n >= 2 ? (size_t)((uint8_t)c->buf[0] << 8 | (uint8_t)c->buf[1]) : 0;
	while (c->n < len + 2 && cl_fill(c))
		;
	CHECK(len > 12 && c->n == len + 2);
	EQ_INT(0x3001, u16((uint8_t *)c->buf + 2));
	EQ_INT(2, u16((uint8_t *)c->buf + 2 + 6));
	cl_close(c);
	CHECK(labsrv_served(s) >= 14);
	labsrv_stop(s);
}

/* ------------------------------------------------------------ echo */

static void test_echo(void)
{
	struct labsrv *s = start("echo-tcp", 4, NULL);
	if (s) {
		struct cl *c = cl_open(4, labsrv_port(s));
		send_str(c->fd, "hello echo");
		while (c->n < 10 && cl_fill(c))
			;
		EQ_STR("hello echo", c->buf);
		cl_close(c);
		labsrv_stop(s);
	}
	s = start("echo-udp", 4, NULL);
	if (s) {
		int fd = client(4, SOCK_DGRAM, labsrv_port(s));
		char buf[64] = { 0 };
		send(fd, "ping", 4, 0);
		EQ_INT(4, recv(fd, buf, sizeof buf, 0));
		EQ_STR("ping", buf);
		close(fd);
		EQ_INT(1, labsrv_served(s));
		labsrv_stop(s);
	}
}

/* ------------------------------------------------------------ junk */

static uint32_t rng = 12345;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Random bytes, sometimes with line ends and protocol words in them. */
static size_t junk(uint8_t *b, size_t cap)
{
	static const char *const words[] = { "GET / HTTP/1.1\r\n", "MAIL FROM:<", "DATA\r\n", "\r\n.\r\n",
	                                     "PASV\r\n", "Content-Length: 99999\r\n", "\r\n\r\n", "USER lab\r\n" };
	size_t n = rnd() % cap;
	memset(b, 0, n);
	for (size_t i = 0; i < n; i++) {
		if (rnd() % 16 == 0) {
			const char *w = words[rnd() % 8];
			size_t l = strlen(w);
			if (i + l > n)
				break;
			memcpy(b + i, w, l);
			i += l - 1;
		} else {
			b[i] = (uint8_t)rnd();
		}
	}
	return n;
}

static void junk_tcp(const char *proto, const char *valid, const char *expect)
{
	struct labsrv_limits lim = { .max_conns = 2000, .io_timeout_ms = 2000 };
	struct labsrv *s = start(proto, 4, &lim);
	if (!s)
		return;
	uint8_t b[3000];
	for (int round = 0; round < 1000; round++) {
		int fd = client(4, SOCK_STREAM, labsrv_port(s));
		if (fd < 0) {
			CHECK(fd >= 0);
			break;
		}
		size_t n = junk(b, round % 10 == 0 ? sizeof b : 300);
		send_all(fd, b, n);
		shutdown(fd, SHUT_WR);
		while (recv(fd, b, sizeof b, 0) > 0)
			;
		close(fd);
	}
	struct cl *c = cl_open(4, labsrv_port(s));
	char r[4096];
	if (strcmp(proto, "http") == 0) {
		send_str(c->fd, valid);
		struct resp *hr = malloc(sizeof *hr);
		http_read(c, hr, false);
		HAS(hr->head, expect);
		free(hr);
	} else if (strcmp(proto, "dns") == 0) {
		struct msg q;
		query(&q, 0x5151, "lab.sockscope.test", 1, false);
		uint8_t pre[2] = { 0, (uint8_t)q.n };
		send_all(c->fd, pre, 2);
		send_all(c->fd, q.b, q.n);
		while (c->n < 2 + 12 + 24 + 16 && cl_fill(c))
			;
		EQ_INT(2 + 12 + 24 + 16, c->n);
		EQ_INT(0x5151, u16((uint8_t *)c->buf + 2));
	} else if (strcmp(proto, "echo-tcp") == 0) {
		send_str(c->fd, "after the junk");
		while (c->n < 14 && cl_fill(c))
			;
		EQ_STR("after the junk", c->buf);
	} else {
		cl_reply(c, r, sizeof r);
		HAS(cl_cmd(c, valid), expect);
	}
	cl_close(c);
	labsrv_stop(s);
}

static void junk_udp(const char *proto)
{
	struct labsrv *s = start(proto, 4, NULL);
	if (!s)
		return;
	int fd = client(4, SOCK_DGRAM, labsrv_port(s));
	struct msg q;
	uint8_t b[1500];
	for (int round = 0; round < 1000; round++) {
		size_t n;
		if (round % 2) {   /* a valid query with a few bytes flipped or cut short */
			query(&q, 0x4000, "www.lab.sockscope.test", 1, round % 4 == 1);
			for (int k = 0; k < 3; k++)
				q.b[rnd() % q.n] = (uint8_t)rnd();
			n = rnd() % (q.n + 1);
			memcpy(b, q.b, n);
		} else {
			n = junk(b, sizeof b);
		}
		b[0] = 0x40;   /* IDs the final check does not use */
		send(fd, b, n, 0);
		/* drop replies as they come, so the last one finds room */
		while (recv(fd, b, sizeof b, MSG_DONTWAIT) > 0)
			;
	}
	query(&q, 0x7777, "lab.sockscope.test", 1, false);
	uint8_t a[2048];
	size_t n = dns_ask(fd, &q, 0x7777, a, sizeof a);
	if (strcmp(proto, "dns") == 0) {
		EQ_INT(12 + 24 + 16, n);
	} else {
		EQ_INT(q.n, n);
	}
	close(fd);
	labsrv_stop(s);
}

/* ------------------------------------------------------------ life cycle */

static void test_lifecycle(void)
{
	char err[256];
	CHECK(labsrv_start("gopher", 4, NULL, err, sizeof err) == NULL);
	HAS(err, "no lab server 'gopher'");
	CHECK(labsrv_start("http", 5, NULL, err, sizeof err) == NULL);
	EQ_STR("http smtp ftp dns echo-tcp echo-udp echo-iterative echo-threads echo-fork echo-poll", labsrv_protocols());
	labsrv_stop(NULL);

	/* stop while a client holds an idle connection: returns (not timed) */
	struct labsrv *s = start("smtp", 4, NULL);
	if (s) {
		struct cl *c = cl_open(4, labsrv_port(s));
		char r[512];
		cl_reply(c, r, sizeof r);
		CHECK(labsrv_busy(s));
		labsrv_stop(s);
		CHECK(cl_eof(c));
		cl_close(c);
	}
	/* max_conns: the listener closes after the last one */
	struct labsrv_limits lim = { .max_conns = 1 };
	s = start("http", 4, &lim);
	if (s) {
		struct resp *r = malloc(sizeof *r);
		http_once(4, labsrv_port(s), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", r);
		EQ_INT(200, r->status);
		free(r);
		int fd = -1;
		for (int i = 0; i < 100 && (fd = client(4, SOCK_STREAM, labsrv_port(s))) >= 0; i++) {
			close(fd);   /* the accept thread may not have closed it yet */
			usleep(10000);
		}
		CHECK(fd < 0);
		labsrv_stop(s);
	}
	/* max_requests: the last response says Connection: close */
	lim = (struct labsrv_limits){ .max_requests = 2 };
	s = start("http", 4, &lim);
	if (s) {
		struct resp *r = malloc(sizeof *r);
		struct cl *c = cl_open(4, labsrv_port(s));
		http_do(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", r);
		CHECK(!strstr(r->head, "Connection: close"));
		http_do(c, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", r);
		HAS(r->head, "Connection: close");
		CHECK(cl_eof(c));
		cl_close(c);
		free(r);
		labsrv_stop(s);
	}
}

/* The event loop: silent clients hold nobody up, each protocol's timeout
 * reply, pipelined requests answered one by one, the idle flag. */
static void test_loop(void)
{
	/* with the lessons' limits (30 s of silence allowed), 40 idle
	 * connections and a new client is answered at once */
	struct labsrv *s = start("http", 4, NULL);
	if (s) {
		int idle[40], n = 0;
		for (int i = 0; i < 40; i++)
			if ((idle[n] = client(4, SOCK_STREAM, labsrv_port(s))) >= 0)
				n++;
		EQ_INT(40, n);
		struct resp *r = malloc(sizeof *r);
		http_once(4, labsrv_port(s), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", r);
		EQ_INT(200, r->status);
		/* two requests in one segment: two responses, in order */
		struct cl *c = cl_open(4, labsrv_port(s));
		send_str(c->fd, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
		http_read(c, r, false);
		EQ_INT(200, r->status);
		HAS(r->body, "Hello from the sockscope lab");
		http_read(c, r, true);
		EQ_INT(200, r->status);
		HAS(r->head, "text/html");
		CHECK(cl_eof(c));
		cl_close(c);
		free(r);
		for (int i = 0; i < n; i++)
			close(idle[i]);
		/* everything answered and nothing pending: quiet within a moment */
		bool idle_seen = false;
		for (int i = 0; i < 200 && !idle_seen; i++) {
			idle_seen = labsrv_idle(s);
			usleep(5000);
		}
		CHECK(idle_seen);
		labsrv_stop(s);
	}
	/* silence: HTTP mid-request 408, SMTP and FTP 421, then a clean close */
	struct labsrv_limits lim = { .io_timeout_ms = 300 };
	s = start("http", 4, &lim);
	if (s) {
		struct resp *r = malloc(sizeof *r);
		struct cl *c = cl_open(4, labsrv_port(s));
		send_str(c->fd, "GET / HTTP/1.1\r\nHost: x\r\n");
		http_read(c, r, false);
		EQ_INT(408, r->status);
		CHECK(cl_eof(c));
		cl_close(c);
		c = cl_open(4, labsrv_port(s));   /* between requests: closed, nothing said */
		CHECK(cl_eof(c));
		cl_close(c);
		free(r);
		labsrv_stop(s);
	}
	const char *protos[] = { "smtp", "ftp" };
	for (int k = 0; k < 2; k++) {
		s = start(protos[k], 4, &lim);
		if (!s)
			continue;
		struct cl *c = cl_open(4, labsrv_port(s));
		char r[512];
		cl_reply(c, r, sizeof r);
		HAS(r, "220 ");
		cl_reply(c, r, sizeof r);
		HAS(r, "421 ");
		HAS(r, "Timeout");
		CHECK(cl_eof(c));
		cl_close(c);
		/* a line without end: 500 and a clean close, not a silent one */
		c = cl_open(4, labsrv_port(s));
		cl_reply(c, r, sizeof r);
		char *junk = malloc(100000);
		memset(junk, 'q', 100000);
		send_all(c->fd, junk, 100000);
		free(junk);
		cl_reply(c, r, sizeof r);
		HAS(r, "500 Line too long");
		CHECK(cl_eof(c));
		cl_close(c);
		labsrv_stop(s);
	}
}

int main(void)
{
	int probe = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_storage ss;
	socklen_t len = loopback_addr(6, 0, &ss);
	have_ipv6 = probe >= 0 && bind(probe, (struct sockaddr *)&ss, len) == 0;
	if (probe >= 0)
		close(probe);

	test_lifecycle();
	test_loop();
	test_http(4);
	test_smtp();
	test_ftp(4);
	test_dns(4);
	test_echo();
	if (have_ipv6) {
		test_http(6);
		test_dns(6);
		test_ftp(6);
	} else {
		printf("no IPv6 loopback here: the ::1 tests are skipped\n");
	}
	junk_tcp("http", "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK");
	junk_tcp("smtp", "EHLO x", "250 8BITMIME");
	junk_tcp("ftp", "USER lab", "331 ");
	junk_tcp("dns", "", "");
	junk_tcp("echo-tcp", "", "");
	junk_udp("dns");
	junk_udp("echo-udp");

	return check_done("test_servers");
}
