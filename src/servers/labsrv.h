/*
 * labsrv.h — the lab's own small protocol servers (HTTP/1.1, SMTP, FTP,
 * DNS, TCP and UDP echo), real enough for curl and dig to talk to.
 *
 * Role: lesson 8's client steps, the `sockscope serve` command and the
 * tests talk to these over loopback.  Each server binds 127.0.0.1 or ::1
 * only, on port 0 (the kernel picks a free port), and serves all its
 * connections from one thread, an event loop: a client that connects and
 * sends nothing holds no one else up.  Every loop is bounded: connections
 * over the server's life and open at once, requests per connection, the
 * silence a connection may keep, the bytes buffered for it, and the
 * server's whole lifetime.  Bad input is answered with the protocol's
 * error reply and a clean close, never a crash or hang.
 *
 * No curses, no globals: a server is a value returned by labsrv_start and
 * owned by the caller until labsrv_stop.
 */
#ifndef SOCKSCOPE_LABSRV_H
#define SOCKSCOPE_LABSRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct labsrv_limits {
	int max_conns;      /* TCP connections accepted over the server's life (default 64) */
	int max_requests;   /* requests/commands per connection (default 100); UDP servers
	                       answer at most max_conns * max_requests datagrams in all */
	int io_timeout_ms;  /* a connection silent this long (nothing read, nothing taken
	                       of its replies) is answered with its protocol's timeout
	                       reply and closed (default 30000: a lesson's learner reads
	                       between two steps of one conversation) */
	int lifetime_ms;    /* the server stops serving after this (default 600000) */
	uint16_t port;      /* not a limit: the port to listen on (`serve --port`); 0, the
	                       default, lets the kernel pick a free one */
};

/* TCP connections open at once; when one more arrives, the one idle the
 * longest is closed to make room. */
#define LABSRV_MAX_OPEN 256

struct labsrv;

/* Start a server: proto is one of labsrv_protocols(), family 4 or 6, lim
 * NULL for the defaults (fields <= 0 also take the default).  Returns NULL
 * with a message in err (unknown protocol, no IPv6, no free port...). */
struct labsrv *labsrv_start(const char *proto, int family, const struct labsrv_limits *lim,
                            char *err, size_t errlen);

/* Wake and join the server's thread, close every socket, free s.  Safe at
 * any time and with NULL; returns within about one poll round. */
void labsrv_stop(struct labsrv *s);

/* The port clients connect to (TCP) or send to (UDP; DNS also answers over
 * TCP on the same port number). */
uint16_t labsrv_port(const struct labsrv *s);

/* Every loopback port the server may use, the main one first, then e.g.
 * FTP's passive data port, which is bound when the server starts so a
 * capture filter can name it in advance.  Returns how many were written. */
size_t labsrv_ports(const struct labsrv *s, uint16_t *out, size_t max);

/* What the server counts as served:
 *   http: responses sent;  smtp: messages accepted (250 after DATA);
 *   ftp: data transfers completed (LIST, NLST, RETR);  dns: queries
 *   answered (UDP or TCP);  echo-tcp: connections served to their end;
 *   echo-udp: datagrams echoed. */
unsigned labsrv_served(const struct labsrv *s);

/* True while a TCP connection is open, so a caller that has seen enough
 * served can still let the client finish (FTP's QUIT after a transfer). */
bool labsrv_busy(const struct labsrv *s);
/* Is the server doing nothing but waiting for input?  Its event loop
 * sleeps in poll() and every reply it made is sent (a `run` server of
 * lesson 9: always true, its threads only ever wait or echo at once).  With the kernel's word that nothing
 * sits unread in its sockets (sock_diag), this tells a lesson step that
 * the server has answered everything it was sent. */
bool labsrv_idle(const struct labsrv *s);

/* The reason phrase of an HTTP status (RFC 9110 section 15: 404 "Not
 * Found"), for the statuses the lab's servers answer; "Error" for any
 * other.  Static storage.  The http server and the http-get challenge's lab
 * side both answer with it, so the two never word a status differently. */
const char *labsrv_http_reason(int status);

/* The DNS server's answer to one query received over UDP (in, n bytes),
 * into out (cap: at least 512): its length, or -1 when it answers nothing
 * (a response, a message shorter than a header).  For a lab side that must
 * see each query itself (the dns-client challenge) and answer as the
 * server would. */
ssize_t labsrv_dns_answer(const uint8_t *in, size_t n, uint8_t *out, size_t cap);

/* "http smtp ftp dns echo-tcp echo-udp" (static storage). */
const char *labsrv_protocols(void);

/* The last message the SMTP server accepted, for tests and the CLI. */
#define LABSRV_MAIL_ADDR 256
#define LABSRV_MAIL_KEEP 4096
struct labsrv_mail {
	char from[LABSRV_MAIL_ADDR + 1];   /* reverse-path without <>, "" for the null path */
	char rcpt[1024];                   /* forward-paths, ", "-separated */
	unsigned nrcpt;
	size_t size;                       /* message bytes after dot-unstuffing */
	char body[LABSRV_MAIL_KEEP + 1];   /* its first LABSRV_MAIL_KEEP bytes, NUL-terminated */
	size_t body_len;
};
/* Copy the last accepted message into *out; false when there is none (or s
 * is not an SMTP server). */
bool labsrv_last_mail(const struct labsrv *s, struct labsrv_mail *out);

#endif
