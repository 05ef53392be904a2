/*
 * kind_tcp_timeout.c — "a client that gives up": the lab is a TCP server
 * that accepts, reads the client's request line and never answers, like a
 * server that has hung.  A client without a receive timeout waits in
 * recv() forever (TCP itself never times out an idle connection: RFC 9293
 * 3.8.4 leaves keep-alives off by default).  The learner's client must give
 * up after at most N seconds (SO_RCVTIMEO, settimeout), close the
 * connection with FIN and exit with a message.
 *
 * Judged: the request line; the time from the request to the client's FIN,
 * from the packets' timestamps (the lab's own clock without a capture),
 * within [MIN_WAIT, N + 1] seconds; FIN, not RST; whether the program
 * exited by itself (or was stopped: it hangs in recv()) and said something.
 *
 * Parameters: timeout (N, seconds, default 2).
 */
#include "challenge/challenge.h"
#include "common/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define LIFE_MS 600000      /* the lab waits for the client (and for its close) this long at most */
#define READ_CAP 65536      /* bytes read from the client at most: then the lab gives up on it */
#define LINE_MAX_BYTES 1024 /* a request line longer than this is not one */
#define MIN_WAIT 0.2        /* seconds: closing sooner is not waiting for an answer */
#define LAB_GIVES_UP 2      /* seconds beyond the program's own (seconds:) the lab waits after the request */
#define AFTER_FIN_MS 1000   /* the lab reads this long after its own FIN */

struct tmo {
	/* what the lab saw (written by its thread before done) */
	bool connected;
	uint16_t cport;         /* the client's port */
	int64_t conn_ms;
	char got[LINE_MAX_BYTES];
	size_t ngot;            /* bytes kept in got */
	size_t total;           /* bytes read in all */
	int64_t line_ms;        /* when its line was complete (0: never) */
	int64_t last_ms;        /* when the last bytes came */
	bool eof, reset, flood;
	int64_t close_ms;
	int64_t lab_fin_ms;     /* when the lab closed its side, tired of waiting (0: it did not) */
};

static void lab(struct chal_run *r)
{
	struct tmo *t = r->priv;
	int64_t end = clock_ms() + LIFE_MS;
	if (chal_wait(r, r->lfd, POLLIN, LIFE_MS) != CHAL_READY)
		return;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int fd = accept4(r->lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	t->connected = true;
	t->conn_ms = clock_ms();
	t->cport = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                          : ((struct sockaddr_in *)&ss)->sin_port);
	/* read whatever comes, never answer, until the client closes.  A client
	 * that never gives up would keep the lab for ever when run elsewhere:
	 * LAB_GIVES_UP s more than --run gives a program after the request, the
	 * lab closes its side (so with --run the program is stopped first), and
	 * reads a moment on to see whether the client's close only answered it */
	for (;;) {
		int64_t until = end;
		if (t->lab_fin_ms)
			until = t->lab_fin_ms + AFTER_FIN_MS;
		else if (t->line_ms)
			until = t->line_ms + ((int64_t)r->c->seconds + LAB_GIVES_UP) * 1000;
		if (!chal_readable(r, fd, until)) {
			if (t->line_ms && !t->lab_fin_ms && clock_ms() >= until) {
				shutdown(fd, SHUT_WR);
				t->lab_fin_ms = clock_ms();
				continue;
			}
			break;
		}
		char buf[4096];
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			t->eof = n == 0;
			t->reset = n < 0 && errno == ECONNRESET;
			t->close_ms = clock_ms();
			break;
		}
		t->last_ms = clock_ms();
		size_t keep = (size_t)n < sizeof t->got - t->ngot ? (size_t)n : sizeof t->got - t->ngot;
		memcpy(t->got + t->ngot, buf, keep);
		t->ngot += keep;
		t->total += (size_t)n;
		if (!t->line_ms && memchr(t->got, '\n', t->ngot))
			t->line_ms = t->last_ms;
		if (t->total >= READ_CAP) {
			t->flood = true;
			break;
		}
	}
	close(fd);
}


/* ---- the judge ---- */

/* On the wire, the client's connection to the lab: its request (the last
 * data it sent before closing), its FIN, its RST (indexes, -1 if none). */
struct wire {
	long syn, req, fin, rst;
	long lab_fin;           /* the lab's FIN on the connection */
	unsigned syns;
};

static void read_wire(const struct chal_run *r, uint16_t cport, struct wire *w)
{
	*w = (struct wire){ .syn = -1, .req = -1, .fin = -1, .rst = -1, .lab_fin = -1 };
	for (size_t i = 0; i < r->npkts; i++) {
		const struct chal_packet *p = &r->pkts[i];
		if (!p->from_learner && p->info.tcp && p->info.dport == cport && (p->info.tcp_flags & TCPF_FIN) &&
		    w->lab_fin < 0)
			w->lab_fin = (long)i;
		if (!p->from_learner || !p->info.tcp)
			continue;
		if (p->info.tcp_flags & TCPF_SYN)
			w->syns++;
		if (p->info.sport != cport)
			continue;
		if ((p->info.tcp_flags & TCPF_SYN) && w->syn < 0)
			w->syn = (long)i;
		if (p->info.payload_len && w->fin < 0 && w->rst < 0)
			w->req = (long)i;
		if ((p->info.tcp_flags & TCPF_FIN) && w->fin < 0)
			w->fin = (long)i;
		if ((p->info.tcp_flags & TCPF_RST) && w->rst < 0)
			w->rst = (long)i;
	}
}

static double rel(const struct chal_run *r, long i)
{
	return (double)(r->pkts[i].ts_ns - r->pkts[0].ts_ns) / 1e9;
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct tmo *t = r->priv;
	int n = (int)challenge_num(r->c, "timeout");
	if (!chal_judge_connected(r, t->connected, v))
		return;
	struct wire w;
	read_wire(r, t->cport, &w);
	char q[400], fq[80], at[64] = "";
	if (w.req >= 0)
		snprintf(at, sizeof at, " (packet %ld)", w.req + 1);
	chal_quote((const uint8_t *)t->got, t->ngot, q, sizeof q);
	chal_quote((const uint8_t *)t->got, t->ngot, fq, sizeof fq);
	if (w.syns > 1)
		verdict_add(v, false, "it connected %u times: the task is one request, then give up (no retries)", w.syns);
	if (!t->total)
		verdict_add(v, false, "it sent nothing: send a request line (e.g. \"TIME\\n\") and then wait for the "
		            "answer");
	else if (t->flood)
		verdict_add(v, false, "it sent more than %d bytes without stopping (it began with %s): the task is one "
		            "request line; the lab stopped reading and closed", READ_CAP, fq);
	else if (!t->line_ms)
		verdict_add(v, false, "it sent %s%s without a newline: a request line ends with \\n", q, at);
	else
		verdict_add(v, true, "it sent its request %s%s; the lab read it and, as planned, never answered", q, at);

	/* when it gave up: request -> FIN on the wire, else by the lab's clock */
	double waited = -1;
	char ev[200] = "";
	bool fin = false, rst = false;
	if (r->captured && (w.fin >= 0 || w.rst >= 0)) {
		long endp = w.fin >= 0 ? w.fin : w.rst, from = w.req >= 0 ? w.req : w.syn >= 0 ? w.syn : endp;
		fin = w.fin >= 0 && (w.rst < 0 || w.fin < w.rst);
		rst = !fin;
		waited = rel(r, endp) - rel(r, from);
		snprintf(ev, sizeof ev, " (its %s: packet %ld at %.3f s; its %s: packet %ld at %.3f s)",
		         w.req >= 0 ? "request" : "connection", from + 1, rel(r, from), fin ? "FIN" : "RST", endp + 1,
		         rel(r, endp));
	} else if (t->eof || t->reset) {     /* no capture (or it missed the packet) */
		fin = t->eof;
		rst = t->reset;
		waited = (double)(t->close_ms - (t->line_ms ? t->line_ms : t->conn_ms)) / 1000;
		snprintf(ev, sizeof ev, " (by the lab's clock)");
	}
	bool hung = r->ran && !r->exited;
	const char *since = t->total ? "its request" : "connecting";
	/* its close came only after the lab's own FIN: it answered the lab, it did not give up */
	bool answered_lab = !t->flood && t->lab_fin_ms &&
	                    (r->captured && (w.fin >= 0 || w.rst >= 0) ? w.lab_fin >= 0 &&
	                     w.lab_fin < (w.fin >= 0 ? w.fin : w.rst) : !t->close_ms || t->close_ms >= t->lab_fin_ms);
	if (t->flood) {
		/* the lab closed first: the timing says nothing */
	} else if (answered_lab && !hung) {
		char lf[80] = "";
		if (w.lab_fin >= 0)
			snprintf(lf, sizeof lf, " (the lab's FIN: packet %ld at %.3f s)", w.lab_fin + 1, rel(r, w.lab_fin));
		verdict_add(v, false, "your program hangs in recv() when the server never answers: it did not give up, "
		            "it %s only after the lab had closed its side, %.1f s after %s%s%s. Set a receive timeout "
		            "of %d s (SO_RCVTIMEO, settimeout)", waited < 0 ? "was still connected" : "closed",
		            (double)(t->lab_fin_ms - (t->line_ms ? t->line_ms : t->conn_ms)) / 1000, since, lf, ev, n);
	} else if (waited < 0)
		verdict_add(v, false, "it never closed the connection: after giving up, call close()");
	else if (hung)
		verdict_add(v, false, "its connection ended only when the lab stopped your program, %.1f s after %s%s",
		            waited, since, ev);
	else if (rst)
		verdict_add(v, false, "it reset the connection (RST) instead of closing it with FIN%s: call close() "
		            "(with SO_LINGER set to 0, close() sends RST, and the server cannot tell a clean end from "
		            "a failure)", ev);
	else if (waited < MIN_WAIT)
		verdict_add(v, false, "it closed only %.2f s after %s%s: it did not wait for an answer. Call recv() "
		            "with a receive timeout of %d s (a timeout of 0 means \"do not wait at all\": in Python "
		            "settimeout(0) makes the socket non-blocking)", waited, since, ev, n);
	else if (waited > n + 1)
		verdict_add(v, false, "it gave up %.1f s after %s%s: give up after at most %d s (a receive timeout "
		            "of %d s)", waited, since, ev, n, n);
	else
		verdict_add(v, true, "it gave up %.1f s after %s and closed with FIN%s: within the %d s allowed "
		            "(+1 s for slack)", waited, since, ev, n);

	if (!r->ran) {
		verdict_note(v, "run in another terminal, the lab cannot see how your program exited or what it "
		             "printed: it must tell its user that the server did not answer and exit by itself (with "
		             "--run \"CMD\" the lab checks both)");
		return;
	}
	if (answered_lab && !hung)
		return;             /* it exited once the lab closed: the finding above says why */
	if (!chal_judge_gave_up(r, "hangs in recv() when the server never answers", n, v))
		return;
	verdict_add(v, true, "it exited by itself after %.2f s (status %d)", r->seconds, WEXITSTATUS(r->status));
	char oq[300];
	chal_quote((const uint8_t *)r->out, r->nout, oq, sizeof oq);
	if (r->nout)
		verdict_add(v, true, "it told its user: %s", oq);
	else
		verdict_add(v, false, "it printed nothing: tell the user that the server did not answer (on standard "
		            "output)");
}

static const struct chal_param params[] = {
	{ "timeout", "2", 1, 30, "seconds" },
	{ NULL },
};

const struct chal_kind kind_tcp_timeout = {
	.name = "tcp-timeout", .learner = "client",
	.params = params, .priv_size = sizeof(struct tmo), .serves = SOCK_STREAM,
	.lab = lab, .judge = judge,
};
