/*
 * kind_udp_send.c — "a UDP sender that does not wait forever": the lab is a
 * UDP socket on the loopback that never answers.  The learner's program
 * sends one datagram with the payload asked for, then a second one,
 * "reply?", and waits for a reply that never comes: UDP owes no answer and
 * tells nobody when a datagram is lost (RFC 768), so a program that waits
 * in recvfrom() without a receive timeout waits forever.  It must give up
 * (SO_RCVTIMEO, settimeout), print "no reply" and exit with status 0.
 *
 * Judged: what the lab's socket received (how many datagrams, their bytes,
 * their source port) and, on the wire, their UDP length fields; a TCP SYN
 * to the port instead (no TCP socket listens there, so the kernel answers
 * RST); nothing at all (a wrong port: an ICMP "port unreachable" in the
 * capture may show where it went: the runner keeps the ones that quote a
 * port of the learner's program); and whether the program exited by
 * itself, soon enough after "reply?", with status 0, saying "no reply".
 *
 * Parameters: payload (default "ping"), timeout (the longest receive
 * timeout the task allows, seconds, default 2).
 */
#include "challenge/challenge.h"
#include "common/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_DGRAMS 32       /* the lab reads no more (a flood is counted on the wire) */
#define KEEP 256            /* bytes kept of each datagram */
#define LIFE_MS 600000      /* the lab's socket is read for this long at most */
#define ASK "reply?"
#define MIN_WAIT 0.2        /* seconds: less is not waiting for the reply at all */
#define WATCH_MS 20         /* how often the lab looks whether the sender's socket is still there */
#define WATCH_SLACK 3       /* seconds beyond the timeout it looks */

struct dgram {
	uint8_t data[KEEP];
	size_t len;             /* its real length (MSG_TRUNC), may exceed KEEP */
	uint16_t sport;
	int64_t at_ms;          /* clock_ms() when read */
};

struct udp_send {
	int64_t start_ms;       /* when the lab started: the learner's program starts right after */
	/* after "reply?": how long the sender's socket stayed (the kernel's
	 * tables; a UDP socket's close sends nothing) */
	bool watched;           /* the tables could be read */
	int64_t gone_ms;        /* when it was seen gone (0: still there when the lab stopped looking) */
	/* what the lab saw (written by its thread before done) */
	struct dgram d[MAX_DGRAMS];
	size_t n;
	int ask;                /* index of the first "reply?" datagram, or -1 */
};

/* After "reply?", how long the socket that sent it stays: giving up is
 * closing it (or exiting), which puts nothing on the wire, so the kernel's
 * tables are where the lab sees it, the same with --run and without
 * (where the program's exit cannot be seen).  Looked at every WATCH_MS
 * until timeout + WATCH_SLACK s have passed. */
static void watch(struct chal_run *r, struct udp_send *u)
{
	const struct dgram *g = &u->d[u->ask];
	int64_t until = g->at_ms + ((int64_t)challenge_num(r->c, "timeout") + WATCH_SLACK) * 1000;
	for (;;) {
		int b = chal_port_in("udp", g->sport, -1);
		if (b < 0)
			return;
		u->watched = true;
		if (!b) {
			u->gone_ms = clock_ms();
			return;
		}
		if (clock_ms() >= until || chal_stopped(r, WATCH_MS))
			return;
	}
}

static void lab(struct chal_run *r)
{
	struct udp_send *u = r->priv;
	int64_t end = clock_ms() + LIFE_MS;
	while (u->n < MAX_DGRAMS) {
		if (!chal_readable(r, r->lfd, end))
			break;
		struct sockaddr_storage from;
		socklen_t flen = sizeof from;
		struct dgram *g = &u->d[u->n];
		ssize_t len = recvfrom(r->lfd, g->data, sizeof g->data, MSG_TRUNC | MSG_DONTWAIT,
		                       (struct sockaddr *)&from, &flen);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			break;
		}
		g->len = (size_t)len;
		g->at_ms = clock_ms();
		g->sport = ntohs(from.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&from)->sin6_port
		                                            : ((struct sockaddr_in *)&from)->sin_port);
		if (u->ask < 0 && g->len == strlen(ASK) && !memcmp(g->data, ASK, g->len))
			u->ask = (int)u->n;
		u->n++;
		if (u->ask >= 0)
			break;          /* the last thing the program sends: nothing more to wait for */
	}
	if (u->ask >= 0)
		watch(r, u);
}

static int setup(struct chal_run *r, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct udp_send *u = r->priv;
	u->ask = -1;
	u->start_ms = clock_ms();
	return 0;
}

/* ---- the judge ---- */

/* The captured packet (index) of the learner's datagram g, searching from
 * *from on; -1 when not captured. */
static long find_dgram(const struct chal_run *r, const struct dgram *g, size_t *from)
{
	for (size_t i = *from; i < r->npkts; i++) {
		const struct chal_packet *p = &r->pkts[i];
		if (!p->from_learner || !p->info.udp || p->info.sport != g->sport || p->info.payload_len != g->len)
			continue;
		size_t m = g->len < KEEP ? g->len : KEEP;
		if (m > p->info.payload_caplen || (m && memcmp(p->payload, g->data, m)))
			continue;
		*from = i + 1;
		return (long)i;
	}
	return -1;
}

/* " (packet 3: UDP length 12 = the 8-byte header + 4 bytes of data)" for
 * the captured copy of a datagram, or "". */
static void dgram_evidence(const struct chal_run *r, long i, char *out, size_t n)
{
	if (i < 0) {
		snprintf(out, n, "%s", r->captured ? " (not captured)" : "");
		return;
	}
	const struct pkt_info *in = &r->pkts[i].info;
	snprintf(out, n, " (packet %ld: UDP length %u = the 8-byte header + %u bytes of data)", i + 1,
	         in->payload_len + 8, in->payload_len);
}

static void judge_payload(struct verdict *v, const char *which, const struct dgram *g, const char *want,
                          const char *ev)
{
	char q[100], wq[300];   /* q: the start of what came is evidence enough */
	size_t wl = strlen(want), m = g->len < KEEP ? g->len : KEEP;
	chal_quote(g->data, m, q, sizeof q);
	chal_quote((const uint8_t *)want, wl, wq, sizeof wq);
	if (g->len == wl && !memcmp(g->data, want, wl))
		verdict_add(v, true, "its %s datagram carried %s, from port %u%s", which, q, g->sport, ev);
	else if (g->len > wl && !memcmp(g->data, want, wl) && strspn((const char *)g->data + wl, "\r\n") == g->len - wl)
		verdict_add(v, false, "its %s datagram carried %s%s: the task asks for exactly %s. UDP carries the "
		            "bytes you give sendto(), with no lines: leave the newline out (echo adds one; use "
		            "printf or echo -n)", which, q, ev, wq);
	else if (!g->len)
		verdict_add(v, false, "its %s datagram was empty%s: it should carry %s", which, ev, wq);
	else
		verdict_add(v, false, "its %s datagram carried %s%s (%zu bytes): the task asks for %s", which, q, ev,
		            g->len, wq);
}

/* Nothing reached the lab's socket: say what the capture shows instead. */
static void judge_nothing(struct chal_run *r, struct verdict *v)
{
	long syn = -1, rst = -1;
	for (size_t i = 0; i < r->npkts; i++) {
		const struct pkt_info *in = &r->pkts[i].info;
		if (in->tcp && r->pkts[i].from_learner && (in->tcp_flags & TCPF_SYN) && syn < 0)
			syn = (long)i;
		if (in->tcp && !r->pkts[i].from_learner && (in->tcp_flags & TCPF_RST) && rst < 0)
			rst = (long)i;
	}
	if (syn >= 0) {
		char rs[64] = "";
		if (rst >= 0)
			snprintf(rs, sizeof rs, " (packet %ld)", rst + 1);
		verdict_add(v, false, "it tried TCP: a SYN to port %u (packet %ld), and the kernel answered RST%s "
		            "because no TCP socket listens there. The lab's socket is UDP: use SOCK_DGRAM "
		            "(socket.SOCK_DGRAM) and sendto(), with no connect()/accept() handshake", r->port,
		            syn + 1, rs);
		return;
	}
	verdict_add(v, false, "nothing arrived at %s port %u: send the datagrams to the lab's address and port "
	            "(with --run, also in $SOCKSCOPE_HOST and $SOCKSCOPE_PORT)", r->host, r->port);
	for (size_t i = 0; i < r->npkts; i++) {
		const struct pkt_info *in = &r->pkts[i].info;
		bool unreach = in->icmp && ((in->ip_version == 4 && in->icmp_type == 3 && in->icmp_code == 3) ||
		                            (in->ip_version == 6 && in->icmp_type == 1 && in->icmp_code == 4));
		if (!unreach || !in->quote.valid || in->quote.ip_proto != 17 || !in->quote.has_ports)
			continue;
		if (in->quote.dport == r->port)
			verdict_add(v, false, "(packet %zu: ICMP \"port unreachable\" for a datagram to %s port %u over "
			            "IPv%d: the lab listens on %s, IPv%d)", i + 1, in->quote.dst, r->port,
			            in->quote.ip_version, r->host, r->family);
		else if (chal_learner_port(r, in->quote.sport))
			verdict_add(v, false, "(packet %zu: ICMP \"port unreachable\" for your program's datagram, from its "
			            "port %u to %s port %u, where no socket listens: the lab's port is %u)", i + 1, in->quote.sport, in->quote.dst, in->quote.dport, r->port);
		else
			verdict_add(v, false, "(packet %zu: ICMP \"port unreachable\" for a datagram to %s port %u, where "
			            "no socket listens: was that yours? The lab's port is %u)", i + 1, in->quote.dst,
			            in->quote.dport, r->port);
		break;
	}
}

/* Without --run: the give-up as the sender's socket showed it (its close
 * or the program's exit); what it printed and how it exited the lab
 * cannot see, and says so as what to check, not as a pass or a fail. */
static void judge_socket(const struct udp_send *u, int tmo, struct verdict *v)
{
	if (u->ask < 0)
		return;                 /* no "reply?": nothing was waited for */
	const struct dgram *g = &u->d[u->ask];
	double waited = (double)(u->gone_ms - g->at_ms) / 1000;
	if (!u->watched)
		verdict_note(v, "the lab could not read the kernel's socket tables to see when your program gave up "
		             "waiting: check that it gives up after at most %d s, or run it with --run \"CMD\"", tmo);
	else if (!u->gone_ms)
		verdict_add(v, false, "your program waited for a reply that never comes: its socket (port %u) was still "
		            "open %d s after it sent \"%s\". Set a receive timeout of %d s (SO_RCVTIMEO, settimeout)",
		            g->sport, tmo + WATCH_SLACK, ASK, tmo);
	else if (waited > tmo + 1)
		verdict_add(v, false, "it gave up only %.1f s after sending \"%s\" (its socket, port %u, closed then): wait "
		            "at most %d s for the reply (a receive timeout of %d s)", waited, ASK, g->sport, tmo, tmo);
	else if (waited < MIN_WAIT)
		verdict_add(v, false, "it gave up only %.2f s after sending \"%s\" (its socket, port %u, closed then): it "
		            "did not wait for the reply. Call recvfrom() with a receive timeout of up to %d s", waited,
		            ASK, g->sport, tmo);
	else
		verdict_add(v, true, "it gave up by itself %.1f s after sending \"%s\" (its socket, port %u, closed then)",
		            waited, ASK, g->sport);
	verdict_note(v, "run in another terminal, the lab cannot see what your program printed or how it exited: it "
	             "must print \"no reply\" and exit with status 0 (with --run \"CMD\" the lab checks both)");
}

/* ---- how it waited, from its calls (--run, traced) ---- */

#define RECVS "recvfrom recvmsg recvmmsg read readv"
#define WAITS "poll ppoll select pselect6 epoll_wait epoll_pwait"
#define SLEEPS "nanosleep clock_nanosleep"

/* The last number in the arguments of a call's text ("poll(..., 1, 2000) = 0": 2000), or -1. */
static long last_arg(const struct chal_call *c)
{
	const char *end = strstr(c->text, ") = ");
	if (!end)
		return -1;
	const char *p = end;
	while (p > c->text && p[-1] >= '0' && p[-1] <= '9')
		p--;
	return p < end && (p[-1] == ' ' || p[-1] == '-') ? strtol(p[-1] == '-' ? p - 1 : p, NULL, 10) : -1;
}

/* Does this wait (poll, select, epoll) have a timeout, and is it more than 0? */
static bool waits_bounded(const struct chal_call *c)
{
	if (chal_call_is(c, "ppoll"))
		return !strstr(c->text, "NULL)") && !strstr(c->text, "{0.000000000 s}");
	if (chal_call_is(c, "select pselect6")) {
		/* "select(4, 0x..., 0, 0, 0x7ff...)": a timeout is its last pointer (its value unread) */
		const char *end = strstr(c->text, ") = ");
		return end && strncmp(end - 3, ", 0", 3);
	}
	return last_arg(c) > 0;
}

/* A sleep: nanosleep, or select()/pselect6() on no descriptors (Python's
 * time.sleep before 3.11). */
static bool is_sleep(const struct chal_call *c)
{
	const char *a = strchr(c->text, '(');
	return chal_call_is(c, SLEEPS) || (chal_call_is(c, "select pselect6") && a && !strncmp(a + 1, "0,", 2));
}

/* The setsockopt(SO_RCVTIMEO) with a timeout above 0 on the socket of
 * calls[k] (before it), or NULL. */
static const struct chal_call *rcvtimeo(const struct chal_run *r, size_t k)
{
	size_t it = k;
	for (const struct chal_call *c; (c = chal_call_back(r, k, "setsockopt", &it));)
		if (strstr(c->text, "SO_RCVTIMEO, {") && !strstr(c->text, "SO_RCVTIMEO, {0 s}") && !c->is_error)
			return c;
	return NULL;
}

/* Whether the program waited for the reply with a timeout, or slept and
 * then looked (or never looked): what its calls after it sent "reply?"
 * show, and what nothing on the wire can (UDP's wait is silent). */
static void judge_calls(const struct chal_run *r, int tmo, struct verdict *v)
{
	size_t ask = r->ncalls;
	for (size_t k = 0; k < r->ncalls; k++)
		if (chal_call_is(&r->calls[k], "sendto sendmsg write send") && strstr(r->calls[k].text, "\"" ASK "\""))
			ask = k;
	if (ask == r->ncalls)
		return;             /* "reply?" was never sent: judged on the wire */
	const struct chal_call *waited = NULL, *timeo = NULL, *slept = NULL, *nowait = NULL;
	unsigned recvs = 0;
	for (size_t k = ask + 1; k < r->ncalls && !waited; k++) {
		const struct chal_call *c = &r->calls[k];
		if (c->pid != r->calls[ask].pid)
			continue;
		if (chal_call_is(c, WAITS) && !is_sleep(c) && waits_bounded(c)) {
			waited = c;
		} else if (chal_call_is(c, RECVS) && !c->unfinished) {
			recvs++;
			bool again = c->is_error && (strstr(c->text, "EAGAIN") || strstr(c->text, "EWOULDBLOCK"));
			if (again && (timeo = rcvtimeo(r, k)))
				waited = c;
			else if (again && !nowait)
				nowait = c;
		} else if (is_sleep(c) && !slept) {
			slept = c;
		}
	}
	char said[200], by[200];
	if (waited) {
		chal_call_said(waited, said, sizeof said);
		if (timeo) {
			chal_call_said(timeo, by, sizeof by);
			verdict_add(v, true, "it waited for the reply with a receive timeout: %s gave up when the timeout "
			            "set by %s expired", said, by);
		} else {
			verdict_add(v, true, "it waited for the reply with a timeout: %s", said);
		}
		return;
	}
	if (recvs >= 2 && nowait) {
		chal_call_said(nowait, said, sizeof said);
		verdict_add(v, true, "it waited for the reply by polling: %u non-blocking receives in a loop (%s)", recvs,
		            said);
		return;
	}
	if (!slept && !recvs)
		return;             /* it never looked: the time it took says it (too soon, or stopped) */
	const char *advice = "a reply that came at once would wait for the whole sleep, one that came after it "
	                     "would be missed. Wait for it: recvfrom() with a receive timeout (SO_RCVTIMEO; "
	                     "settimeout() in Python) or poll() with a timeout";
	if (slept) {
		chal_call_said(slept, by, sizeof by);
		if (nowait) {
			chal_call_said(nowait, said, sizeof said);
			verdict_add(v, false, "it slept instead of waiting for the reply: %s, then %s did not wait at all "
			            "(EAGAIN at once: a non-blocking receive); %s (of up to %d s)", by, said, advice, tmo);
		} else {
			verdict_add(v, false, "it slept instead of waiting for the reply: %s, and never received%s; %s (of "
			            "up to %d s)", by, recvs ? " with a wait" : "", advice, tmo);
		}
	} else if (nowait) {
		chal_call_said(nowait, said, sizeof said);
		verdict_add(v, false, "it did not wait for the reply: %s returned at once (EAGAIN: a non-blocking "
		            "receive). Call recvfrom() with a receive timeout of up to %d s", said, tmo);
	}
}

/* Where its calls were not seen, what only they show is a note. */
static void note_unseen(const struct chal_run *r, struct verdict *v)
{
	verdict_note(v, "whether your program waited for the reply with a timeout (SO_RCVTIMEO, settimeout(), "
	             "poll()) or slept and then looked, nothing on the wire shows (a UDP receive sends nothing)%s: "
	             "it must wait with a timeout, not sleep", r->ran ? "; its calls could not be seen here" :
	             " and only its calls do: run it with --run \"CMD\" to have them judged");
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct udp_send *u = r->priv;
	const char *payload = challenge_text(r->c, "payload");
	int tmo = (int)challenge_num(r->c, "timeout");
	if (!u->n) {
		judge_nothing(r, v);
		if (r->ran && !r->exited)
			verdict_add(v, false, "and your program was still running after %.0f s: it was stopped", r->seconds);
		return;
	}
	size_t from = 0;
	char ev[160];
	dgram_evidence(r, find_dgram(r, &u->d[0], &from), ev, sizeof ev);
	judge_payload(v, "first", &u->d[0], payload, ev);
	if (u->n < 2) {
		verdict_add(v, false, "it sent no second datagram \"%s\": after %s, ask for a reply with a datagram "
		            "\"%s\" and wait for the answer (with a timeout)", ASK, payload, ASK);
	} else {
		dgram_evidence(r, find_dgram(r, &u->d[1], &from), ev, sizeof ev);
		judge_payload(v, "second", &u->d[1], ASK, ev);
		if (u->d[1].sport != u->d[0].sport)
			verdict_add(v, true, "(the two came from different ports, %u and %u: two sockets; fine, the reply "
			            "would go to the second)", u->d[0].sport, u->d[1].sport);
	}
	/* a flood: count on the wire, since the lab stops reading */
	unsigned wire = 0;
	for (size_t i = 0; i < r->npkts; i++)
		wire += r->pkts[i].from_learner && r->pkts[i].info.udp;
	size_t sent = wire > u->n ? wire : u->n;
	if (sent > 2 && u->n == MAX_DGRAMS)
		verdict_add(v, false, "it sent %zu datagrams (the lab stopped reading after %d): the task asks for two, "
		            "\"%s\" and then \"%s\"", sent, MAX_DGRAMS, payload, ASK);
	else if (sent > 2)
		verdict_add(v, false, "it sent %zu datagrams: the task asks for two, \"%s\" and then \"%s\"", sent,
		            payload, ASK);
	unsigned syn = chal_count_flag(r, true, TCPF_SYN);
	if (syn)
		verdict_add(v, false, "it also tried TCP (%u SYN to port %u): the lab's socket is UDP only", syn, r->port);

	/* the wait for the reply that never comes */
	if (!r->ran) {
		judge_socket(u, tmo, v);
		if (u->ask >= 0)
			note_unseen(r, v);
		return;
	}
	if (u->ask >= 0 && r->traced)
		judge_calls(r, tmo, v);
	else if (u->ask >= 0)
		note_unseen(r, v);
	/* its exit, by the lab's clock: the runner starts the program right after
	 * start() (a few ms later, so this errs towards a shorter wait) */
	double waited = u->ask < 0 ? -1 : r->end_ms ? (double)(r->end_ms - u->d[u->ask].at_ms) / 1000 :
	                (double)(u->start_ms - u->d[u->ask].at_ms) / 1000 + r->seconds;
	if (!chal_judge_gave_up(r, "waited for a reply that never comes", tmo, v))
		return;
	if (WEXITSTATUS(r->status))
		verdict_add(v, false, "it exited with status %d after %.2f s: no reply is what this task expects, not "
		            "an error: catch the timeout (EAGAIN from recvfrom(), socket.timeout in Python), print "
		            "\"no reply\" and exit with status 0", WEXITSTATUS(r->status), r->seconds);
	else if (waited > tmo + 1)
		verdict_add(v, false, "it exited by itself, but only %.1f s after sending \"%s\": wait at most %d s "
		            "for the reply (a receive timeout of %d s)", waited, ASK, tmo, tmo);
	else if (waited >= 0 && waited < MIN_WAIT)
		verdict_add(v, false, "it gave up only %.2f s after sending \"%s\": it did not wait for the reply. "
		            "Call recvfrom() with a receive timeout of up to %d s (a timeout of 0 means \"do not "
		            "wait at all\": in Python settimeout(0) makes the socket non-blocking)", waited, ASK, tmo);
	else if (waited >= 0)
		verdict_add(v, true, "it gave up by itself %.1f s after sending \"%s\" and exited with status 0",
		            waited, ASK);
	else
		verdict_add(v, true, "it exited by itself with status 0 after %.2f s", r->seconds);
	bool said = false;
	for (size_t i = 0; i + 8 <= r->nout && !said; i++)
		said = !strncasecmp(r->out + i, "no reply", 8);
	if (said)
		verdict_add(v, true, "it printed \"no reply\"");
	else
		verdict_add(v, false, "it did not print \"no reply\": when the timeout expires, say so on standard "
		            "output");
}

static const struct chal_param params[] = {
	{ "payload", "ping", 0, 0, NULL },
	{ "timeout", "2", 1, 30, "seconds" },
	{ NULL },
};

const struct chal_kind kind_udp_send = {
	.name = "udp-send", .learner = "client",
	.params = params, .priv_size = sizeof(struct udp_send), .serves = SOCK_DGRAM,
	.setup = setup, .lab = lab, .judge = judge,
};
