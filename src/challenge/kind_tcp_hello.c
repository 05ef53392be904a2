/*
 * kind_tcp_hello.c — "a TCP client that says hello": the lab is a server
 * on the loopback; the learner's client connects, sends "HELLO <name>\n",
 * reads the one-line reply and closes.  Judged on the wire: the handshake
 * over the family the task asks for (the lab also listens on the same port
 * number over the other family, to tell a learner who picked the wrong
 * one), the line sent, and a graceful close: FIN, not RST (RST is what the
 * kernel sends when a program closes with data it has not read, RFC 2525
 * 2.17; also when it never reads the reply).
 *
 * Parameters: reply (default "WELCOME {name}\n").
 */
#include "challenge/challenge.h"

#include "common/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IO_MS 5000          /* the lab waits this long for each thing the client should do */
#define LIFE_MS 600000      /* and never longer than this in all */

struct hello {
	int lfd[2];             /* [0] the family asked for, [1] the other one (-1 if not bound) */
	/* what the lab saw (written by its thread before done) */
	int family_used;        /* 0: nobody connected */
	char got[1024];
	size_t ngot;
	bool got_newline;
	char reply[300];
	bool sent_reply;
	bool eof;               /* the client closed (read returned 0) */
	bool reset;             /* ... or reset the connection */
	uint8_t extra[64];      /* the first bytes that came after the line */
	size_t nextra;          /* how many came after it in all */
	int64_t end_ms;         /* when the lab saw eof or reset (clock_ms) */
	bool gave_up;           /* the lab stopped waiting for the close after IO_MS */
};

/* Wait for fd (or the wake pipe); false on timeout or wake. */
static bool wait_fd(const struct chal_run *r, int fd, int ms)
{
	return chal_wait(r, fd, POLLIN, ms) == CHAL_READY;
}

static void lab(struct chal_run *r)
{
	struct hello *h = r->priv;
	struct pollfd p[3] = { { .fd = h->lfd[0], .events = POLLIN }, { .fd = h->lfd[1], .events = POLLIN },
	                       { .fd = r->wake, .events = POLLIN } };
	if (poll(p, 3, LIFE_MS) <= 0 || p[2].revents)
		return;
	int which = p[0].revents ? 0 : 1;
	int fd = accept4(h->lfd[which], NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	h->family_used = which == 0 ? r->family : (r->family == 6 ? 4 : 6);
	/* the line, up to its newline */
	while (h->ngot < sizeof h->got - 1 && !h->got_newline && wait_fd(r, fd, IO_MS)) {
		ssize_t n = recv(fd, h->got + h->ngot, sizeof h->got - 1 - h->ngot, 0);
		if (n <= 0) {
			h->eof = n == 0;
			h->reset = n < 0 && errno == ECONNRESET;
			break;
		}
		h->ngot += (size_t)n;
		h->got_newline = memchr(h->got, '\n', h->ngot) != NULL;
	}
	if (h->got_newline) {
		/* the protocol is one line: what came with it in the same reads is extra */
		size_t line = (size_t)((char *)memchr(h->got, '\n', h->ngot) - h->got) + 1;
		for (size_t i = line; i < h->ngot; i++, h->nextra++)
			if (h->nextra < sizeof h->extra)
				h->extra[h->nextra] = (uint8_t)h->got[i];
		h->ngot = line;
		h->got[line] = '\0';
		const char *tmpl = challenge_text(r->c, "reply");
		char name[256] = "";
		if (!strncmp(h->got, "HELLO ", 6))
			snprintf(name, sizeof name, "%.*s", (int)strcspn(h->got + 6, "\r\n"), h->got + 6);
		const char *at = strstr(tmpl, "{name}");
		if (!strncmp(h->got, "HELLO ", 6) && at)
			snprintf(h->reply, sizeof h->reply, "%.*s%s%s", (int)(at - tmpl), tmpl, name, at + 6);
		else
			snprintf(h->reply, sizeof h->reply, "%s", strncmp(h->got, "HELLO ", 6) ? "ERROR say HELLO <name>\n" : tmpl);
		h->sent_reply = send(fd, h->reply, strlen(h->reply), MSG_NOSIGNAL) == (ssize_t)strlen(h->reply);
		/* then the client's close */
		char drain[512];
		while (!h->eof && !h->reset) {
			enum chal_wait w = chal_wait(r, fd, POLLIN, IO_MS);
			if (w != CHAL_READY) {
				h->gave_up = w == CHAL_TIMEOUT;
				break;
			}
			ssize_t n = recv(fd, drain, sizeof drain, 0);
			for (ssize_t i = 0; i < n; i++, h->nextra++)
				if (h->nextra < sizeof h->extra)
					h->extra[h->nextra] = (uint8_t)drain[i];
			h->eof = n == 0;
			h->reset = n < 0 && errno == ECONNRESET;
			h->end_ms = clock_ms();
			if (n < 0 && errno != EINTR)
				break;
		}
	}
	close(fd);
}

static int setup(struct chal_run *r, char *err, size_t errlen)
{
	struct hello *h = r->priv;
	h->lfd[0] = h->lfd[1] = -1;
	uint16_t port = 0;
	/* the asked family on a port the kernel picks; the other on the same number if free */
	for (int tries = 0; tries < 8 && h->lfd[1] < 0; tries++) {
		if (h->lfd[0] >= 0)
			close(h->lfd[0]);
		port = 0;
		if ((h->lfd[0] = chal_bind(r->family, SOCK_STREAM, &port, err, errlen)) < 0)
			return -1;
		char e2[256];
		uint16_t same = port;
		h->lfd[1] = chal_bind(r->family == 6 ? 4 : 6, SOCK_STREAM, &same, e2, sizeof e2);
	}
	r->port = port;
	return 0;
}

static void release(struct chal_run *r)
{
	struct hello *h = r->priv;
	if (!h)
		return;
	for (int i = 0; i < 2; i++) {
		if (h->lfd[i] >= 0)
			close(h->lfd[i]);
	}
}

static void judge_rst(const struct chal_run *r, const struct hello *h, struct verdict *v);
static void judge_rst_calls(const struct chal_run *r, const struct hello *h, const struct chal_call *cl,
                            const char *at, bool printed, struct verdict *v);

/* ---- the learner's calls behind a finding (--run, traced) ---- */

#define SENDS "sendto sendmsg write writev"
#define RECVS "recvfrom recvmsg read readv"

/* " (line 31 `send(fd, msg, len, 0)` sent 11 bytes, 1 of them after the line)":
 * the send that carried byte `at` of its stream (the first after the
 * line), or "". */
static void sent_by(const struct chal_run *r, size_t at, char *out, size_t n)
{
	size_t sent = 0;
	for (size_t k = 0; k < r->ncalls; k++) {
		const struct chal_call *c = &r->calls[k];
		if (!chal_call_is(c, SENDS) || c->is_error || c->ret <= 0 || !strstr(c->text, "<TCP"))
			continue;
		if (sent + (size_t)c->ret > at) {
			char said[200];
			chal_call_said(c, said, sizeof said);
			snprintf(out, n, " (%s sent %lld bytes, %zu of them after the line)", said, (long long)c->ret,
			         sent + (size_t)c->ret - (at > sent ? at : sent));
			return;
		}
		sent += (size_t)c->ret;
	}
}

/* " (its last call: line 40 `sleep(60)`, still waiting when it was
 * stopped)" for a program that never closed, or "". */
static void last_call(const struct chal_run *r, char *out, size_t n)
{
	const struct chal_call *c = chal_last_call(r);
	out[0] = '\0';
	if (!c)
		return;
	char said[200];
	chal_call_said(c, said, sizeof said);
	snprintf(out, n, " (its last call: %s%s)", said, c->unfinished ? ", still waiting when it was stopped" : "");
}

/* A graceful close that no close() made: the kernel's, at the program's
 * exit (its calls show none on a TCP socket), said; else "". */
static const char *closed_by(const struct chal_run *r)
{
	if (!r->traced || !r->exited)
		return "";
	for (size_t k = 0; k < r->ncalls; k++)
		if (chal_call_is(&r->calls[k], "close shutdown") && strstr(r->calls[k].text, "<TCP"))
			return "";
	return " (the kernel's, as the program exited: it never called close() on it)";
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct hello *h = r->priv;
	char q[400];
	if (!h->family_used) {
		verdict_add(v, false, "nothing connected to %s port %u: a client calls connect() to the lab's address "
		            "and port (with --run, also in $SOCKSCOPE_HOST and $SOCKSCOPE_PORT)", r->host, r->port);
		return;
	}
	unsigned syn = chal_count_flag(r, true, 0x02);
	if (h->family_used != r->family)
		verdict_add(v, false, "you connected over IPv%d; the task asks for IPv%d (%s, AF_INET%s)", h->family_used,
		            r->family, r->host, r->family == 6 ? "6" : "");
	else
		verdict_add(v, true, "it connected to %s port %u over IPv%d%s", r->host, r->port, r->family,
		            r->captured ? (syn ? ": SYN, SYN-ACK, ACK on the wire" : " (its SYN was not captured)") : "");
	chal_quote((const uint8_t *)h->got, h->ngot, q, sizeof q);
	if (!h->ngot)
		verdict_add(v, false, "it sent nothing: the server waits for \"HELLO <name>\\n\"");
	else if (!h->got_newline)
		verdict_add(v, false, "it sent %s without a newline: the server reads up to \\n, so it was still waiting "
		            "for the end of the line", q);
	else if (strncmp(h->got, "HELLO ", 6) || h->got[6] == '\n' || h->got[6] == '\r')
		verdict_add(v, false, "it sent %s: the server expects \"HELLO <name>\\n\"", q);
	else
		verdict_add(v, true, "it sent %s: one line the server can read", q);
	if (h->nextra) {
		char xq[300];
		chal_quote(h->extra, h->nextra < sizeof h->extra ? h->nextra : sizeof h->extra, xq, sizeof xq);
		char by[300] = "";
		sent_by(r, h->ngot, by, sizeof by);
		verdict_add(v, false, "after the line came %zu more byte%s: %s%s. Send exactly the line: %s%s", h->nextra,
		            h->nextra == 1 ? "" : "s", xq, h->nextra > sizeof h->extra ? "..." : "",
		            h->extra[0] == 0 ? "a C string's size counts its terminating NUL (sizeof), its length "
		            "(strlen()) does not" : "the server reads one line, and anything after it is not the protocol", by);
	}
	unsigned segs = chal_count_data(r, true);
	if (r->captured && segs > 1)
		verdict_add(v, true, "(its line took %u segments: fine, TCP is a byte stream and the server reads up to "
		            "the newline)", segs);
	/* what the lab's stop of the program made the kernel send is not a close of the program's */
	bool stopped = chal_by_stop(r, h->end_ms);
	unsigned rst = chal_count_flag(r, true, 0x04), fin = chal_count_flag(r, true, 0x01);
	char last[300] = "";
	last_call(r, last, sizeof last);
	if ((h->reset && !stopped) || rst)
		judge_rst(r, h, v);
	else if (h->gave_up && fin) {
		/* its FIN only answered the lab's: no close of its own */
		char by[240];
		chal_sent_by(r, r->port, TCPF_FIN, by, sizeof by);
		verdict_add(v, false, "it never closed the connection: it was still open %d s after the reply, when the lab "
		            "gave up waiting and closed its side; it closed only then%s. Call close() when done", IO_MS / 1000,
		            by);
	} else if ((h->eof && !stopped) || fin)
		verdict_add(v, true, "it closed gracefully: FIN, not RST%s%s", h->sent_reply ? " (it had read the reply)" : "",
		            closed_by(r));
	else if (r->stop_ms)
		verdict_add(v, false, "it never closed the connection: it was still open when the lab stopped your program "
		            "after %.0f s%s%s. Call close() when done", r->seconds, h->reset || h->eof ? (h->reset ?
		            " (the RST that came then was the kernel's, for a stopped program)" :
		            " (the FIN that came then was the kernel's, for a stopped program)") : "", last);
	else if (h->gave_up)
		verdict_add(v, false, "it never closed the connection: it was still open %d s after the reply, when the lab "
		            "gave up waiting. Call close() when done%s", IO_MS / 1000, last);
	else
		verdict_add(v, false, "it never closed the connection: call close() when done");
	if (r->ran && h->sent_reply) {
		size_t l = strcspn(h->reply, "\n");
		bool shown = l && memmem(r->out, r->nout, h->reply, l);
		char rq[300];
		chal_quote((const uint8_t *)h->reply, strlen(h->reply), rq, sizeof rq);
		verdict_add(v, shown, shown ? "it printed the reply %s" : "it did not print the reply %s: read it and "
		            "write it to standard output", rq);
	}
}

/* The RST came from a close() the tracer saw: what its calls show beside
 * the wire.  Unread data (the reply's bytes against what its receives
 * returned) and SO_LINGER {1, 0} (its setsockopt) are told apart, or both
 * named when both hold. */
static void judge_rst_calls(const struct chal_run *r, const struct hello *h, const struct chal_call *cl,
                            const char *at, bool printed, struct verdict *v)
{
	size_t k = (size_t)(cl - r->calls), it = k;
	long got = 0;
	const struct chal_call *last_recv = NULL, *c;
	while ((c = chal_call_back(r, k, RECVS, &it))) {
		if (!last_recv)
			last_recv = c;
		got += c->ret > 0 && !c->is_error ? (long)c->ret : 0;
	}
	const struct chal_call *linger = NULL;
	for (it = k; (c = chal_call_back(r, k, "setsockopt", &it));)
		if (strstr(c->text, "SO_LINGER, {onoff=1, linger=0}") && !c->is_error && !linger)
			linger = c;
	char said[200], ls[200] = "", rs[240];
	chal_call_said(cl, said, sizeof said);
	if (linger)
		chal_call_said(linger, ls, sizeof ls);
	long unread = (long)strlen(h->reply) - got;
	if (unread > 0) {
		if (last_recv) {
			char lr[200];
			chal_call_said(last_recv, lr, sizeof lr);
			snprintf(rs, sizeof rs, "%s read %ld of them", lr, got);
		} else {
			snprintf(rs, sizeof rs, "no receive call read any of them");
		}
		verdict_add(v, false, "your program closed with unread data, so the kernel sent RST instead of FIN%s: %s sent "
		            "RST: %ld bytes of the reply were never read (%s)%s%s%s. Read the server's reply before close()",
		            at, said, unread, rs, linger ? "; also, " : "", ls, linger ? " set SO_LINGER to {1, 0}, which makes "
		            "close() send RST in any case" : "");
	} else if (linger) {
		verdict_add(v, false, "it read%s the reply, yet its close was an RST%s, not FIN: an abortive close, what "
		            "SO_LINGER set to {1, 0} (on, 0 seconds) makes close() do: %s set it, and %s sent the RST. Leave "
		            "SO_LINGER at its default, and close() sends FIN", printed ? " and printed" : "", at, ls, said);
	} else {
		verdict_add(v, false, "%s sent RST%s, not FIN, though it had read the reply (%ld bytes) and set no "
		            "SO_LINGER: was something else left unread?", said, at, got);
	}
}

/* Its close was an RST: why, as far as the wire and its output show.  The
 * RST the kernel sends for a close with unread data and the one SO_LINGER
 * {1, 0} makes are the same packet; what tells them apart is whether the
 * reply was read (printed, with --run) and whether the program had closed
 * before the reply came at all. */
static void judge_rst(const struct chal_run *r, const struct hello *h, struct verdict *v)
{
	long reply = -1, fin = -1, rst = -1;
	for (size_t i = 0; i < r->npkts; i++) {
		const struct chal_packet *p = &r->pkts[i];
		if (!p->info.tcp)
			continue;
		if (!p->from_learner && p->info.sport == r->port && p->info.payload_len && reply < 0)
			reply = (long)i;
		if (p->from_learner && !p->by_stop && (p->info.tcp_flags & TCPF_FIN) && fin < 0)
			fin = (long)i;
		if (p->from_learner && !p->by_stop && (p->info.tcp_flags & TCPF_RST) && rst < 0)
			rst = (long)i;
	}
	char at[32] = "";
	if (rst >= 0)
		snprintf(at, sizeof at, " (packet %ld)", rst + 1);
	size_t l = strcspn(h->reply, "\n");
	bool printed = r->ran && h->sent_reply && l && memmem(r->out, r->nout, h->reply, l);
	const struct chal_call *cl = rst >= 0 ? chal_call_of_packet(r, (size_t)rst) : NULL;
	/* the tracer's own capture may have lost the RST (a flood on lo): its close() is the call still */
	for (size_t k = r->ncalls; !cl && rst >= 0 && k-- > 0;)
		if (chal_call_is(&r->calls[k], "close shutdown") && strstr(r->calls[k].text, "<TCP"))
			cl = &r->calls[k];
	if (fin >= 0 && reply >= 0 && fin < reply) {
		const struct chal_call *fc = chal_call_of_packet(r, (size_t)fin);
		char by[220] = "";
		if (fc) {
			chal_call_said(fc, by + 2, sizeof by - 4);
			memcpy(by, ": ", 2);
		}
		verdict_add(v, false, "it closed the connection (FIN, packet %ld%s) before the reply came (packet %ld), so "
		            "its kernel answered the reply with RST%s: read the reply, then close()", fin + 1, by, reply + 1, at);
	} else if (cl && chal_call_is(cl, "close shutdown")) {
		judge_rst_calls(r, h, cl, at, printed, v);
	} else if (printed)
		verdict_add(v, false, "it read and printed the reply, yet its close was an RST%s, not FIN: an abortive "
		            "close, what SO_LINGER set to {1, 0} (on, 0 seconds) makes close() do. Leave SO_LINGER at its "
		            "default, and close() sends FIN", at);
	else if (r->ran)
		verdict_add(v, false, "your program closed with unread data, so the kernel sent RST instead of FIN%s: "
		            "read the server's reply before close()", at);
	else
		verdict_add(v, false, "its close was an RST%s, not FIN: the kernel sends one when a program closes with "
		            "data unread (read the reply first), and close() sends one when SO_LINGER is set to {1, 0}; "
		            "which it was, the lab cannot see from another terminal (with --run \"CMD\" it sees whether "
		            "the reply was printed)", at);
}

static const struct chal_param params[] = {
	{ "reply", "WELCOME {name}\n", 0, 0, NULL },
	{ NULL },
};

const struct chal_kind kind_tcp_hello = {
	.name = "tcp-hello", .learner = "client",
	.params = params, .priv_size = sizeof(struct hello),
	.setup = setup, .lab = lab, .judge = judge, .free = release,
};
