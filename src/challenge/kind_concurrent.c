/*
 * kind_concurrent.c — "a server for several clients at once": the learner's
 * echo server (challenge 3's) must serve clients side by side.  The lab
 * opens three connections at once (the kernel completes their handshakes
 * whether or not the server accept()s them), sends "A\n" on the first, "B\n"
 * on the second and "C\n" on the third before reading anything, then asks
 * for the answers in the order 3, 2, 1.  A server that serves one client at
 * a time is still busy with connection 1 (waiting for more from it) and
 * never reads connection 3: that is what the verdict says, with connection
 * 1's answer as the evidence.  Threads, processes (fork) and poll()/select()
 * all pass.  Then the lab closes connection 2 and asks 1 and 3 once more
 * (a server must keep serving the others when one leaves), and closes its
 * side of both (FIN) and waits for the server to close them.
 *
 * No parameters.
 */
#include "challenge/challenge.h"
#include "common/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define IO_MS 3000          /* the lab waits this long for each answer */
#define NCONN 3

/* ---- the lab as a client of the learner's server: lab_client.c ---- */


/* ---- the exchange ---- */

/* What a connection got back in a round. */
enum res { RES_NONE, RES_OK, RES_WRONG, RES_SILENT, RES_EOF, RES_RESET, RES_STOPPED };

/* The rounds: what the lab sends on each connection ("" nothing), and the
 * order in which it asks for the answers. */
static const struct round {
	const char *msg[NCONN];
	int order[NCONN];               /* connection indexes, -1 ends */
} rounds[2] = {
	{ { "A\n", "B\n", "C\n" }, { 2, 1, 0 } },
	{ { "D\n", "", "E\n" }, { 2, 0, -1 } },
};

struct conc_conn {
	int fd, err;                    /* connect(): 0 or errno */
	uint16_t lport;
	char got[2][16];                /* what came back, per round */
	size_t ngot[2];
	enum res res[2];
	bool closed, reset;             /* after the lab's FIN */
};

struct conc {
	/* what the lab saw (written by its thread before done) */
	bool listed;
	struct conc_conn c[NCONN];
	int rounds_ok;
	int fail_conn;                  /* the connection of the round that failed, -1 */
};

/* Read connection c's answer in round k: up to the length of what was sent,
 * waiting at most ms. */
static enum res answer(const struct chal_run *r, struct conc_conn *c, int k, size_t want, int ms)
{
	int64_t until = clock_ms() + ms;
	while (c->ngot[k] < want) {
		enum chal_wait w = chal_wait(r, c->fd, POLLIN, (int)(until - clock_ms()));
		if (w == CHAL_STOPPED)
			return RES_STOPPED;
		if (w == CHAL_TIMEOUT)
			return c->ngot[k] ? RES_WRONG : RES_SILENT;
		ssize_t got = recv(c->fd, c->got[k] + c->ngot[k], want - c->ngot[k], MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0)
			return got == 0 ? RES_EOF : RES_RESET;
		c->ngot[k] += (size_t)got;
	}
	return RES_OK;
}

/* One round: send on every connection, then ask in the round's order; -1,
 * or the connection that failed (the others that were not asked yet are
 * looked at without waiting: evidence of what the server was doing). */
static int play(struct chal_run *r, int k)
{
	struct conc *h = r->priv;
	const struct round *rd = &rounds[k];
	for (int i = 0; i < NCONN; i++) {
		size_t n = strlen(rd->msg[i]);
		if (n && send(h->c[i].fd, rd->msg[i], n, MSG_NOSIGNAL) != (ssize_t)n) {
			h->c[i].res[k] = errno == EPIPE ? RES_EOF : RES_RESET;
			return i;
		}
	}
	for (int o = 0; o < NCONN && rd->order[o] >= 0; o++) {
		int i = rd->order[o];
		struct conc_conn *c = &h->c[i];
		c->res[k] = answer(r, c, k, strlen(rd->msg[i]), IO_MS);
		if (c->res[k] == RES_OK && memcmp(c->got[k], rd->msg[i], c->ngot[k]))
			c->res[k] = RES_WRONG;
		if (c->res[k] == RES_OK)
			continue;
		for (int p = o + 1; p < NCONN && rd->order[p] >= 0; p++) {
			struct conc_conn *q = &h->c[rd->order[p]];
			q->res[k] = answer(r, q, k, strlen(rd->msg[rd->order[p]]), 0);
		}
		return i;
	}
	return -1;
}

static void lab(struct chal_run *r)
{
	struct conc *h = r->priv;
	h->fail_conn = -1;
	for (int i = 0; i < NCONN; i++)
		h->c[i].fd = -1;
	/* three connections at once: the first waits for the server to listen */
	for (int i = 0; i < NCONN; i++) {
		struct conc_conn *c = &h->c[i];
		c->fd = i == 0 ? chal_await_server(r, &h->listed, &c->lport, &c->err)
		               : chal_connect(r, IO_MS, &c->lport, &c->err);
		if (c->fd < 0)
			goto out;
	}
	if ((h->fail_conn = play(r, 0)) >= 0)
		goto out;
	h->rounds_ok = 1;
	/* connection 2 leaves; 1 and 3 stay */
	close(h->c[1].fd);
	h->c[1].fd = -1;
	if ((h->fail_conn = play(r, 1)) >= 0)
		goto out;
	h->rounds_ok = 2;
	/* the lab's FIN on 1 and 3; then the server's */
	for (int i = 0; i < NCONN; i += 2)
		shutdown(h->c[i].fd, SHUT_WR);
	int64_t until = clock_ms() + IO_MS;
	for (int i = 0; i < NCONN; i += 2) {
		struct conc_conn *c = &h->c[i];
		while (!c->closed && !c->reset) {
			if (!chal_readable(r, c->fd, until))
				break;
			char buf[256];
			ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
			c->closed = n == 0;
			c->reset = n < 0 && errno != EAGAIN && errno != EINTR;
		}
	}
out:
	for (int i = 0; i < NCONN; i++)
		if (h->c[i].fd >= 0)
			close(h->c[i].fd);
}

/* ---- the kind ---- */


/* ---- the judge ---- */

static const char *const nth[NCONN] = { "first", "second", "third" };

/* The first packet of the learner's server with data on connection c: its
 * number in the list, 0 if none was captured. */
static unsigned answer_packet(const struct chal_run *r, const struct conc_conn *c)
{
	for (size_t i = 0; i < r->npkts; i++)
		if (r->pkts[i].from_learner && r->pkts[i].info.tcp && r->pkts[i].info.dport == c->lport &&
		    r->pkts[i].info.payload_len)
			return (unsigned)i + 1;
	return 0;
}

/* "connection 1 got "A\n" back at once, packet 12" for the connections the
 * lab had not asked yet in round k when connection `failed` failed, but
 * that had their answer; "" if none. */
static void answered_others(const struct chal_run *r, const struct conc *h, int k, int failed, char *out, size_t n)
{
	const struct round *rd = &rounds[k];
	size_t len = 0;
	int o = 0;
	out[0] = '\0';
	while (o < NCONN && rd->order[o] != failed)
		o++;
	for (o++; o < NCONN && rd->order[o] >= 0 && len < n; o++) {
		int i = rd->order[o];
		const struct conc_conn *c = &h->c[i];
		if (!c->ngot[k])
			continue;
		char q[40], pk[32] = "";
		chal_quote((const uint8_t *)c->got[k], c->ngot[k], q, sizeof q);
		unsigned p = r->captured && k == 0 ? answer_packet(r, c) : 0;
		if (p)
			snprintf(pk, sizeof pk, ", packet %u", p);
		len += (size_t)snprintf(out + len, n - len, "%sconnection %d got %s back at once%s", len ? "; " : "", i + 1,
		                        q, pk);
	}
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct conc *h = r->priv;
	char prog[128], q[40], w[40], others[300];
	chal_program_end(r, prog, sizeof prog);
	const char *sep = prog[0] ? "; " : "";
	if (!chal_judge_reached(r, h->listed, h->c[0].err, v))
		return;
	for (int i = 1; i < NCONN; i++)
		if (h->c[i].err) {
			verdict_add(v, false, "the lab's %s connection failed: %s%s%s", nth[i], h->c[i].err == ETIMEDOUT ?
			            "not even the kernel completed it within 3 s: give listen() a backlog of a few (16)" :
			            h->c[i].err == ECONNREFUSED ? "refused: your server stopped listening" :
			            h->c[i].err == ECANCELED ? "your program ended first" : strerror(h->c[i].err), sep, prog);
			return;
		}
	for (int k = 0; k < 2 && k <= h->rounds_ok; k++) {
		const struct round *rd = &rounds[k];
		if (k < h->rounds_ok) {
			if (k == 0)
				verdict_add(v, true, "the lab opened 3 connections at once and sent \"A\\n\" on 1, \"B\\n\" on 2, "
				            "\"C\\n\" on 3 before reading any; asked in the order 3, 2, 1, each had its own answer: "
				            "your server serves several clients at once");
			else
				verdict_add(v, true, "after the lab closed connection 2, connections 1 and 3 still got their "
				            "answers (\"D\\n\", \"E\\n\"): your server kept serving the others");
			continue;
		}
		int f = h->fail_conn;
		if (f < 0)
			return;
		const struct conc_conn *c = &h->c[f];
		chal_quote((const uint8_t *)c->got[k], c->ngot[k], q, sizeof q);
		chal_quote((const uint8_t *)rd->msg[f], strlen(rd->msg[f]), w, sizeof w);
		answered_others(r, h, k, f, others, sizeof others);
		char when[48];
		snprintf(when, sizeof when, "%s", k == 0 ? "" : "after the lab closed connection 2, ");
		if (c->res[k] == RES_SILENT && k == 0 && others[0])
			verdict_add(v, false, "connection %d got no answer in %d s while connection 1 was open (%s): your "
			            "server serves one client at a time; use threads, processes or poll()", f + 1, IO_MS / 1000,
			            others);
		else if (c->res[k] == RES_SILENT)
			verdict_add(v, false, "%sconnection %d got no answer to %s in %d s%s%s%s%s", when, f + 1, w, IO_MS / 1000,
			            others[0] ? " (" : "", others, others[0] ? ")" : "", k == 0 ? ": your server must serve "
			            "several clients at once; use threads, processes or poll()" : ": when one client leaves, "
			            "close just that connection and keep serving the others");
		else if (c->res[k] == RES_WRONG)
			verdict_add(v, false, "%sconnection %d got %s back, not its %s: each connection's bytes go back on that "
			            "connection, all of them", when, f + 1, q, w);
		else if (c->res[k] == RES_STOPPED)
			verdict_add(v, false, "%sconnection %d was still waiting for its answer when your program ended%s%s",
			            when, f + 1, sep, prog);
		else {
			/* the order as the wire has it: the lab's FIN on connection 2, the server's end of f */
			long lab2 = -1, mine = -1;
			for (size_t i = 0; i < r->npkts; i++) {
				const struct chal_packet *q2 = &r->pkts[i];
				if (!q2->info.tcp || !(q2->info.tcp_flags & (TCPF_FIN | TCPF_RST)))
					continue;
				if (!q2->from_learner && q2->info.sport == h->c[1].lport && lab2 < 0)
					lab2 = (long)i;
				if (q2->from_learner && !q2->by_stop && q2->info.dport == c->lport && mine < 0)
					mine = (long)i;
			}
			const char *how = c->res[k] == RES_EOF ? "closed (FIN" : "reset (RST";
			char pk[32] = "";
			if (mine >= 0)
				snprintf(pk, sizeof pk, ", packet %ld", mine + 1);
			if (k == 1 && lab2 >= 0 && mine >= 0 && mine < lab2)
				verdict_add(v, false, "your server %s%s) connection %d before the lab closed connection 2 (its "
				            "FIN: packet %ld), without answering its %s%s%s", how, pk, f + 1, lab2 + 1, w, sep, prog);
			else if (k == 1 && lab2 >= 0)
				verdict_add(v, false, "after the lab closed connection 2 (its FIN: packet %ld), your server %s%s) "
				            "connection %d without answering its %s%s%s: when one client leaves, close just that "
				            "connection and keep serving the others", lab2 + 1, how, pk, f + 1, w, sep, prog);
			else
				verdict_add(v, false, "%syour server %s%s) connection %d without answering its %s%s%s%s", when, how,
				            pk, f + 1, w, sep, prog, k == 0 ? "" :
				            ": when one client leaves, close just that connection and keep serving the others");
		}
		return;
	}
	const struct conc_conn *c1 = &h->c[0], *c3 = &h->c[2];
	if (c1->closed && c3->closed)
		verdict_add(v, true, "it closed connections 1 and 3 after the lab's FIN");
	else
		verdict_add(v, false, "your server %s connection %d after the lab's FIN: when recv() returns 0 the client "
		            "has finished: close() that connection", !c1->closed ? (c1->reset ? "reset (RST)" :
		            "did not close, within 3 s,") : (c3->reset ? "reset (RST)" : "did not close, within 3 s,"),
		            !c1->closed ? 1 : 3);
}

const struct chal_kind kind_concurrent = {
	.name = "concurrent", .learner = "server",
	.priv_size = sizeof(struct conc),
	.lab = lab, .judge = judge,
};
