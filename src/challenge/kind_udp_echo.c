/*
 * kind_udp_echo.c — "a UDP echo server": the learner's server binds a UDP
 * socket on {host} port {port} and sends every datagram it receives back to
 * the address it came from (recvfrom(), then sendto() to that address).
 * UDP has no connections (RFC 768): one socket serves every peer, each
 * datagram is a message of its own, and an empty one is a datagram too.
 *
 * The lab waits for a UDP socket on the port (the kernel's tables, nothing
 * on the wire), then sends DGRAMS datagrams from three sockets of its own,
 * so from three source ports, one at a time: short ones, one of BIG bytes
 * (more than 512: a server that receives into a small buffer gets its first
 * part and the kernel drops the rest) and an empty one.  It waits up to
 * REPLY_MS for each echo and QUIET_MS after the last for any more.  Every
 * reply is kept with the socket it reached, so the judge can tell each
 * typical mistake by what it does: a reply to a fixed or remembered port
 * reaches the wrong socket of the lab (or, in the capture, a port where
 * none of the lab's listens), a connect()ed socket receives nothing from
 * the other peers (the kernel answers them with ICMP "port unreachable"),
 * a small buffer sends back a prefix, a second sendto() a second copy.
 *
 * No parameters.
 */
#include "challenge/challenge.h"
#include "common/clock.h"
#include "common/loopback.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NSOCK 3
#define DGRAMS 5
#define BIG 3000            /* more than 512 (DNS's old limit) and than a 2 kB buffer */
#define REPLY_MS 1000       /* the lab waits this long for each echo */
#define QUIET_MS 300        /* and this long after the last one, for more */
#define MAX_REPLIES 24      /* replies kept (a flood is cut) */
#define POLL_MS 50          /* how often the lab looks whether the server's socket is there */
#define LIFE_MS 3600000

/* What the lab sends: from which of its sockets, and the bytes ("" and
 * BIG are the empty and the big one). */
#define T(s) s, sizeof s - 1
static const struct { int sock; const char *text; size_t len; } plan[DGRAMS] = {
	{ 0, T("datagram 1: hello") },
	{ 1, T("datagram 2, from another port") },
	{ 2, NULL, BIG },
	{ 0, T("") },
	{ 1, T("datagram 5, the last") },
};
#undef T

struct reply {
	int sock;               /* the lab's socket it reached */
	uint16_t from;          /* its source port */
	size_t len;             /* its real length (MSG_TRUNC) */
	uint8_t data[BIG];      /* its first BIG bytes */
};

struct udp_echo {
	bool listed, tcp;       /* a UDP socket was bound on the port; a TCP one listened there */
	int nsent;              /* datagrams the lab sent (it stops when the program has ended) */
	bool gone[DGRAMS];      /* no echo, and the server's socket was gone from the kernel's tables then */
	int err;                /* a socket of the lab's could not be made: errno */
	uint16_t lport[NSOCK];  /* the lab's sockets' ports */
	uint8_t big[BIG];
	struct reply rep[MAX_REPLIES];
	size_t nrep, cut;       /* kept, and more that were not */
};

static const uint8_t *dgram_bytes(const struct udp_echo *u, int k)
{
	return plan[k].text ? (const uint8_t *)plan[k].text : u->big;
}

/* Which datagram a reply carries: the one it equals, or (cut) one it is a
 * shorter first part of; -1 for neither. */
static int reply_of(const struct udp_echo *u, const struct reply *p, bool *cut)
{
	*cut = false;
	for (int k = 0; k < DGRAMS; k++)
		if (p->len == plan[k].len && !memcmp(p->data, dgram_bytes(u, k), p->len))
			return k;
	for (int k = 0; k < DGRAMS; k++)
		if (p->len && p->len < plan[k].len && !memcmp(p->data, dgram_bytes(u, k), p->len)) {
			*cut = true;
			return k;
		}
	return -1;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
	                                       : ((const struct sockaddr_in *)ss)->sin_port);
}

/* Read what has come on the lab's sockets for up to ms; true when a reply
 * to datagram k came (to any socket), or something else to its own. */
static bool collect(const struct chal_run *r, struct udp_echo *u, const int *fd, int k, int ms)
{
	int64_t until = clock_ms() + ms;
	bool answered = false;
	while (!answered) {
		int64_t left = until - clock_ms();
		if (left <= 0)
			return false;
		struct pollfd p[NSOCK + 1];
		for (int i = 0; i < NSOCK; i++)
			p[i] = (struct pollfd){ .fd = fd[i], .events = POLLIN };
		p[NSOCK] = (struct pollfd){ .fd = r->wake, .events = POLLIN };
		if (poll(p, NSOCK + 1, (int)left) < 0 && errno != EINTR)
			return false;
		if (p[NSOCK].revents)
			return false;
		for (int i = 0; i < NSOCK; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			struct reply tmp, *q = u->nrep < MAX_REPLIES ? &u->rep[u->nrep] : &tmp;
			struct sockaddr_storage from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(fd[i], q->data, sizeof q->data, MSG_TRUNC | MSG_DONTWAIT,
			                     (struct sockaddr *)&from, &fl);
			if (n < 0)
				continue;   /* an ICMP error reported on the socket (ECONNREFUSED), or nothing */
			q->sock = i;
			q->len = (size_t)n;
			q->from = port_of(&from);
			bool cut;
			int of = reply_of(u, q, &cut);
			answered = answered || (k >= 0 && (of == k || (of < 0 && i == plan[k].sock)));
			if (q == &tmp)
				u->cut++;
			else
				u->nrep++;
		}
	}
	return true;
}

static void lab(struct chal_run *r)
{
	struct udp_echo *u = r->priv;
	int64_t end = clock_ms() + LIFE_MS;
	while (clock_ms() < end) {
		u->listed = chal_port_in("udp", r->port, -1) > 0;
		u->tcp = u->tcp || chal_listens(r->port) > 0;
		if (u->listed || chal_stopped(r, POLL_MS))
			break;
	}
	if (!u->listed)
		return;
	int fd[NSOCK];
	char err[160];
	for (int i = 0; i < NSOCK; i++) {
		u->lport[i] = 0;
		if ((fd[i] = chal_bind(r->family, SOCK_DGRAM, &u->lport[i], err, sizeof err)) < 0) {
			u->err = errno ? errno : EIO;
			for (int j = 0; j < i; j++)
				close(fd[j]);
			return;
		}
	}
	struct sockaddr_storage to;
	socklen_t tl = loopback_addr(r->family, r->port, &to);
	for (int k = 0; k < DGRAMS; k++) {
		if (sendto(fd[plan[k].sock], dgram_bytes(u, k), plan[k].len, 0, (struct sockaddr *)&to, tl) < 0)
			break;
		u->nsent++;
		if (collect(r, u, fd, k, REPLY_MS))
			continue;
		if (chal_stopped(r, 0))
			break;
		u->gone[k] = chal_port_in("udp", r->port, -1) == 0;
	}
	collect(r, u, fd, -1, QUIET_MS);
	for (int i = 0; i < NSOCK; i++)
		close(fd[i]);
}

static int setup(struct chal_run *r, char *err, size_t errlen)
{
	struct udp_echo *u = r->priv;
	/* the runner picked a port free for TCP; the server needs one free for
	 * UDP, and free for TCP too (a TCP listener there is taken for the
	 * learner's mistake) */
	for (int tries = 0;; tries++) {
		uint16_t port = 0;
		int fd = chal_bind(r->family, SOCK_DGRAM, &port, err, errlen);
		if (fd < 0)
			return -1;
		int tcp = chal_bind(r->family, SOCK_STREAM, &port, err, errlen);
		close(fd);
		if (tcp >= 0 || tries == 20) {
			if (tcp >= 0)
				close(tcp);
			r->port = port;
			break;
		}
	}
	for (size_t i = 0; i < BIG; i++)   /* every value, zero bytes too, not repeating at a short period */
		u->big[i] = (uint8_t)((i * 2654435761u) >> 13);
	return 0;
}

/* ---- the judge ---- */

/* The capture's copy of the lab's datagram k (its source port and length). */
static long lab_packet(const struct chal_run *r, const struct udp_echo *u, int k)
{
	for (size_t i = 0; i < r->npkts; i++) {
		const struct pkt_info *in = &r->pkts[i].info;
		if (in->udp && !r->pkts[i].from_learner && in->sport == u->lport[plan[k].sock] &&
		    in->dport == r->port && in->payload_len == plan[k].len &&
		    (!plan[k].len || (r->pkts[i].payload && !memcmp(r->pkts[i].payload, dgram_bytes(u, k),
		                      in->payload_caplen < plan[k].len ? in->payload_caplen : plan[k].len))))
			return (long)i;
	}
	return -1;
}

/* No echo reached the lab: what the capture shows instead.  Its datagram
 * sent elsewhere (a port none of the lab's sockets has), or the kernel's
 * ICMP "port unreachable" for the lab's datagram (no socket of the server's
 * took it: a connect()ed one takes only its peer's). */
static void judge_missing(const struct chal_run *r, const struct udp_echo *u, int k, struct verdict *v,
                          bool *icmp_said)
{
	uint16_t lp = u->lport[plan[k].sock];
	for (size_t i = 0; i < r->npkts; i++) {
		const struct pkt_info *in = &r->pkts[i].info;
		if (!in->udp || !r->pkts[i].from_learner || in->payload_len != plan[k].len)
			continue;
		bool ours = false;
		for (int s = 0; s < NSOCK; s++)
			ours = ours || in->dport == u->lport[s];
		if (!ours) {
			verdict_add(v, false, "datagram %d (%zu bytes) came from port %u, but your server sent its echo to "
			            "port %u (packet %zu), where nobody waits: send the reply to the address and port that "
			            "recvfrom() gave for that datagram", k + 1, plan[k].len, lp, in->dport, i + 1);
			return;
		}
	}
	long p = lab_packet(r, u, k);
	for (size_t i = p >= 0 ? (size_t)p + 1 : 0; i < r->npkts; i++) {
		const struct pkt_info *in = &r->pkts[i].info;
		const struct pkt_quote *q = &in->quote;
		if (!in->icmp || !q->valid || q->ip_proto != 17 || !q->has_ports || q->sport != lp || q->dport != r->port)
			continue;
		if (u->gone[k]) {
			verdict_add(v, false, "datagram %d (from port %u) got no echo: the kernel answered it with ICMP \"port "
			            "unreachable\" (packet %zu), as your server's socket was gone by then (closed, or its "
			            "program had ended): a server keeps its socket and serves until it is stopped", k + 1, lp,
			            i + 1);
		} else if (*icmp_said) {
			verdict_add(v, false, "datagram %d (from port %u) got no echo either: ICMP \"port unreachable\" "
			            "again (packet %zu)", k + 1, lp, i + 1);
		} else {
			verdict_add(v, false, "datagram %d (from port %u) got no echo: the kernel answered it with ICMP "
			            "\"port unreachable\" (packet %zu): no socket of your server took it. A UDP socket "
			            "that connect()ed to its first peer receives only from that peer: a server does not "
			            "connect(); it answers each datagram with sendto() to the address recvfrom() gave",
			            k + 1, lp, i + 1);
			*icmp_said = true;
		}
		return;
	}
	char ev[48] = "";
	if (p >= 0)
		snprintf(ev, sizeof ev, " (packet %ld)", p + 1);
	char prog[128];
	chal_program_end(r, prog, sizeof prog);
	if (!plan[k].len)
		verdict_add(v, false, "datagram %d, an empty one%s, got no echo within %d s: a datagram may carry 0 "
		            "bytes, and recvfrom() returning 0 is such a datagram, not the end of anything (UDP has no "
		            "connection to close): send back an empty datagram and go on%s%s", k + 1, ev,
		            REPLY_MS / 1000, prog[0] ? "; " : "", prog);
	else
		verdict_add(v, false, "datagram %d (%zu bytes, from port %u)%s got no echo within %d s%s%s", k + 1,
		            plan[k].len, lp, ev, REPLY_MS / 1000, prog[0] ? "; " : "", prog);
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct udp_echo *u = r->priv;
	char prog[128], q[120];
	chal_program_end(r, prog, sizeof prog);
	if (!u->listed) {
		if (u->tcp)
			verdict_add(v, false, "your server listens on TCP port %u: the lab sends UDP datagrams. Make a "
			            "SOCK_DGRAM socket (socket.SOCK_DGRAM), bind() it, and recvfrom(): no listen(), no "
			            "accept()%s%s", r->port, prog[0] ? "; " : "", prog);
		else
			verdict_add(v, false, "no UDP socket was bound to port %u: your server must bind() a SOCK_DGRAM "
			            "socket to %s port %u (the port is in $SOCKSCOPE_PORT with --run)%s%s", r->port,
			            r->host, r->port, prog[0] ? "; " : "", prog);
		return;
	}
	if (!u->nsent) {
		verdict_add(v, false, "the lab could not send its datagrams (%s)", strerror(u->err ? u->err : EIO));
		return;
	}
	verdict_add(v, true, "your server's UDP socket was bound to %s port %u", r->host, r->port);
	bool all = true, icmp_said = false;
	unsigned said_wrong = 0, said_twice = 0;   /* the advice goes with the first of each mistake */
	for (int k = 0; k < DGRAMS; k++) {
		uint16_t lp = u->lport[plan[k].sock];
		if (k >= u->nsent) {
			verdict_add(v, false, "the lab sent %d datagrams of %d: %s", u->nsent, DGRAMS, prog[0] ? prog :
			            "it was stopped");
			all = false;
			break;
		}
		size_t right = 0, cut = 0, cutlen = 0;
		int wrong = -1;
		for (size_t i = 0; i < u->nrep; i++) {
			bool c;
			if (reply_of(u, &u->rep[i], &c) != k)
				continue;
			if (u->rep[i].sock != plan[k].sock)
				wrong = u->rep[i].sock;
			else if (c)
				cut++, cutlen = u->rep[i].len;
			else
				right++;
		}
		all = all && right == 1 && !cut && wrong < 0;
		if (wrong >= 0) {
			int first = 0;
			while (plan[first].sock != wrong)
				first++;
			verdict_add(v, false, "datagram %d came from port %u, but its echo went to port %u, where datagram "
			            "%d came from%s", k + 1, lp, u->lport[wrong], first + 1, said_wrong++ ? "" : ": reply "
			            "to the address recvfrom() returned with this datagram, not to a fixed or remembered one");
		} else if (cut) {
			verdict_add(v, false, "datagram %d (%zu bytes) came back as its first %zu bytes: recvfrom() into a "
			            "%zu-byte buffer takes that much of a longer datagram and the kernel drops the rest "
			            "(MSG_TRUNC): receive into a buffer of 65535 bytes, the most a datagram holds",
			            k + 1, plan[k].len, cutlen, cutlen);
		} else if (right > 1) {
			verdict_add(v, false, "datagram %d came back %zu times%s", k + 1, right, said_twice++ ? "" :
			            ": one datagram in, one echo out (one sendto() for each recvfrom())");
		} else if (right == 1) {
			verdict_add(v, true, "datagram %d (%zu bytes%s, from port %u) came back once, byte for byte, to "
			            "port %u", k + 1, plan[k].len, !plan[k].len ? ": an empty one" : plan[k].len == BIG ?
			            ", every value, zero bytes too" : "", lp, lp);
		} else {
			judge_missing(r, u, k, v, &icmp_said);
		}
	}
	/* what came that was no echo of anything */
	for (size_t i = 0; i < u->nrep; i++) {
		bool c;
		const struct reply *p = &u->rep[i];
		if (reply_of(u, p, &c) >= 0)
			continue;
		chal_quote(p->data, p->len < 40 ? p->len : 40, q, sizeof q);
		verdict_add(v, false, "your server sent %s (%zu bytes) to port %u, which is none of the lab's datagrams: "
		            "send back exactly the bytes recvfrom() returned, no more, no less", q, p->len,
		            u->lport[p->sock]);
		all = false;
		break;
	}
	for (size_t i = 0; i < u->nrep; i++)
		if (u->rep[i].from != r->port) {
			verdict_add(v, false, "an echo came from port %u, not from your server's port %u: send the replies "
			            "from the socket that received the datagrams (a client checks where its answer comes "
			            "from)", u->rep[i].from, r->port);
			all = false;
			break;
		}
	if (u->cut)
		verdict_add(v, false, "the lab stopped counting after %d replies: %zu more came", MAX_REPLIES, u->cut);
	if (all && !u->cut)
		verdict_add(v, true, "it answered %d datagrams from %d ports, each once and to where it came from, with "
		            "one socket: a UDP server needs no connection per client", DGRAMS, NSOCK);
}

const struct chal_kind kind_udp_echo = {
	.name = "udp-echo", .learner = "server",
	.params = NULL, .priv_size = sizeof(struct udp_echo),
	.setup = setup, .lab = lab, .judge = judge,
};
