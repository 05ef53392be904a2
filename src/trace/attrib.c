/*
 * attrib.c — the capture of a trace and which call each packet belongs to.
 *
 * The lab's step boundaries (docs/architecture.md), applied to one call:
 * while the program is stopped at a call's entry a START marker goes on
 * the loopback; when the call has returned, and before the program runs
 * on, the kernel is asked through sock_diag until no TCP socket on the
 * program's ports has a handshake, close or unacknowledged data in flight,
 * then an END marker is sent and we wait until the capture has read it.
 * On loopback a packet is handed to the capture as it is sent, so every
 * packet between the two markers came while the call ran; packets outside
 * any window (after an END, before the next START) are "between calls":
 * the kernel's own timers, or another program.
 *
 * The filter in the kernel takes all of the loopback; the capture thread
 * keeps only packets touching a port the program has used (learned as its
 * sockets bind, connect, send and accept), so no filter has to change under
 * a running read.  A port is learned before the call that uses it runs on.
 *
 * Threads: the capture thread stores packets; the tracer thread learns
 * ports, sends markers and drains packets.  `mu` guards what both touch.
 */
#include "trace/trace_priv.h"

#include "demo/demo.h"
#include "demo/sockdiag.h"
#include "dissect/dissect.h"
#include "inspect/view.h"
#include "render/textfmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The bounds of a call's boundary (a millisecond or less as a rule).  The
 * peer's bound is shorter: it waits for another program to take what was
 * sent or to answer a FIN, which a program may never do. */
#define QUIET_WAIT_MS 2000
#define PEER_WAIT_MS 500
#define MARKER_WAIT_MS 5000
#define MAX_PORTS 64
#define MAX_INODES 256

struct apkt {
	uint32_t window;
	bool handed;
	char *line;
};

/* Windows open at once: one per thread stopped in a call (bounded: a
 * thread past this many shares the latest window). */
#define MAX_OPEN 64

struct trace_attrib {
	struct capture *cap;
	int linktype;
	int marker_fd;
	struct sockaddr_in marker_addr;
	uint16_t marker_port;
	uint32_t next_id;
	bool running;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint16_t ports[MAX_PORTS];       /* the program's ports (local and remote) */
	size_t nports;
	uint16_t tcp_ports[MAX_PORTS];   /* local ports of its TCP sockets, to ask sock_diag about */
	size_t ntcp;
	uint32_t inodes[MAX_INODES];     /* its sockets, to tell them from a peer's */
	size_t ninodes;
	unsigned families;               /* bit 0: AF_INET TCP sockets seen, bit 1: AF_INET6 */

	/* capture thread side, under mu */
	struct flowtab *flows;
	struct apkt *pkts;
	size_t npkts, cap_pkts;
	size_t upto;                     /* packets before the last END marker read */
	size_t drained;
	uint32_t cur;                    /* window of the next packet: the latest open one */
	uint32_t open[MAX_OPEN];         /* windows whose START was read and END not yet */
	size_t nopen;
	unsigned long ends_sent;         /* END markers sent (by the tracer, one at a time) */
	unsigned long ends_seen;         /* and read by the capture */
	int64_t first_ns;
	uint64_t number;
};

static bool has_port(const uint16_t *p, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == v)
			return true;
	return false;
}

static void add_port(uint16_t *p, size_t *n, uint16_t v)
{
	if (v && !has_port(p, *n, v) && *n < MAX_PORTS)
		p[(*n)++] = v;
}

struct trace_attrib *attrib_open(enum capture_want want, enum capture_mode *mode, char *why, size_t whylen)
{
	struct trace_attrib *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->marker_fd = -1;
	a->first_ns = CAPFILE_NO_TIME;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	*mode = CAPTURE_NONE;
	why[0] = '\0';
	if (want != CAPTURE_WANT_NONE)
		a->cap = capture_acquire(NULL, want, mode, why, whylen);
	else
		snprintf(why, whylen, "--capture none");
	if (!a->cap)
		return a;
	a->linktype = capture_linktype(a->cap);
	a->flows = flowtab_new();
	/* The marker socket, bound after capture_acquire so it lives in the
	 * namespace the capture (and the program) are in. */
	a->marker_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof a->marker_addr;
	a->marker_addr.sin_family = AF_INET;
	a->marker_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (a->marker_fd < 0 || !a->flows ||
	    bind(a->marker_fd, (struct sockaddr *)&a->marker_addr, sizeof a->marker_addr) < 0 ||
	    getsockname(a->marker_fd, (struct sockaddr *)&a->marker_addr, &len) < 0) {
		snprintf(why, whylen, "cannot set the capture's markers up: %s", strerror(errno));
		capture_close(a->cap);
		a->cap = NULL;
		*mode = CAPTURE_NONE;
		return a;
	}
	a->marker_port = ntohs(a->marker_addr.sin_port);
	return a;
}

bool attrib_capturing(const struct trace_attrib *a) { return a->cap && a->running; }

/* An ICMP error is the program's when the packet it quotes used its port. */
static bool keep_locked(const struct trace_attrib *a, const struct pkt_info *i)
{
	if (i->icmp)
		return i->quote.valid && i->quote.has_ports &&
		       (has_port(a->ports, a->nports, i->quote.sport) || has_port(a->ports, a->nports, i->quote.dport));
	return i->has_ports && (has_port(a->ports, a->nports, i->sport) || has_port(a->ports, a->nports, i->dport));
}

static void on_frame(void *ud, const struct timeval *ts, uint32_t caplen, uint32_t wirelen, const uint8_t *data)
{
	struct trace_attrib *a = ud;
	struct dissection d;
	dissect_frame(a->linktype, data, caplen, wirelen, &d);
	const struct pkt_info *i = &d.info;
	char kind;
	uint32_t id;
	bool marker = i->ip_proto == 17 && i->has_ports && i->sport == i->dport && i->dport == a->marker_port &&
	              i->payload_caplen == i->payload_len &&
	              demo_parse_marker(data + i->payload_off, i->payload_caplen, &kind, &id);
	pthread_mutex_lock(&a->mu);
	if (marker) {
		if (kind == DEMO_MARK_START) {
			if (a->nopen < MAX_OPEN)
				a->open[a->nopen++] = id;
			a->cur = id;
		} else {
			/* Another thread's call may still be open: the packets
			 * from here on are its, not between calls. */
			for (size_t k = 0; k < a->nopen; k++)
				if (a->open[k] == id) {
					memmove(&a->open[k], &a->open[k + 1], (a->nopen - k - 1) * sizeof a->open[0]);
					a->nopen--;
					break;
				}
			a->cur = a->nopen ? a->open[a->nopen - 1] : ATTRIB_BETWEEN;
			a->ends_seen++;
			a->upto = a->npkts;
			pthread_cond_broadcast(&a->cv);
		}
	} else if (keep_locked(a, i)) {
		int64_t ns = (int64_t)ts->tv_sec * 1000000000 + (int64_t)ts->tv_usec * 1000;
		if (a->first_ns == CAPFILE_NO_TIME)
			a->first_ns = ns;
		char summary[512], t[40], src[64], dst[64], line[800];
		dissect_summary(&d, a->flows, summary, sizeof summary);
		inspect_time_text(INSPECT_TIME_REL, ns, a->first_ns, CAPFILE_NO_TIME, t, sizeof t);
		dissect_endpoint(i, true, src, sizeof src);
		dissect_endpoint(i, false, dst, sizeof dst);
		textfmt_list_line(++a->number, t, src, dst, i->proto ? i->proto : "?", wirelen, summary, line,
		                  sizeof line);
		if (a->npkts == a->cap_pkts) {
			size_t ncap = a->cap_pkts ? a->cap_pkts * 2 : 64;
			struct apkt *grown = realloc(a->pkts, ncap * sizeof *grown);
			if (grown) {
				a->pkts = grown;
				a->cap_pkts = ncap;
			}
		}
		char *copy = strdup(line);
		if (copy && a->npkts < a->cap_pkts)
			a->pkts[a->npkts++] = (struct apkt){ a->cur, false, copy };
		else
			free(copy);   /* under memory pressure a packet is lost, not the trace */
	}
	pthread_mutex_unlock(&a->mu);
	dissection_free(&d);
}

int attrib_start(struct trace_attrib *a, char *err, size_t errlen)
{
	if (!a->cap)
		return 0;
	/* Everything on the loopback; on_frame keeps the program's. */
	if (capture_set_filter(a->cap, "", err, errlen) < 0 || capture_start(a->cap, on_frame, a, err, errlen) < 0)
		return -1;
	a->running = true;
	return 0;
}

void attrib_learn_port(struct trace_attrib *a, uint16_t port)
{
	pthread_mutex_lock(&a->mu);
	add_port(a->ports, &a->nports, port);
	pthread_mutex_unlock(&a->mu);
}

void attrib_learn(struct trace_attrib *a, const struct trace_sock *s)
{
	if (!s->is_socket || (s->family != AF_INET && s->family != AF_INET6))
		return;
	pthread_mutex_lock(&a->mu);
	add_port(a->ports, &a->nports, s->lport);
	add_port(a->ports, &a->nports, s->rport);
	if (s->tcp) {
		a->families |= s->family == AF_INET6 ? 2u : 1u;
		add_port(a->tcp_ports, &a->ntcp, s->lport);
		add_port(a->tcp_ports, &a->ntcp, s->rport);
	}
	bool known = false;
	for (size_t i = 0; i < a->ninodes && !known; i++)
		known = a->inodes[i] == s->inode;
	if (!known && a->ninodes < MAX_INODES)
		a->inodes[a->ninodes++] = s->inode;
	pthread_mutex_unlock(&a->mu);
}

static int send_marker(struct trace_attrib *a, char kind, uint32_t id)
{
	uint8_t msg[DEMO_MARKER_LEN];
	demo_marker_bytes(kind, id, msg);
	ssize_t w = sendto(a->marker_fd, msg, sizeof msg, 0, (struct sockaddr *)&a->marker_addr, sizeof a->marker_addr);
	uint8_t sink[16];
	while (recv(a->marker_fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
		;   /* our own datagrams: drained so the buffer never fills */
	return w == (ssize_t)sizeof msg ? 0 : -1;
}

uint32_t attrib_begin(struct trace_attrib *a)
{
	uint32_t id = ++a->next_id;
	if (attrib_capturing(a))
		send_marker(a, DEMO_MARK_START, id);
	return id;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Is a socket not the program's but on the other end of one of its
 * connections, and does it still owe something: data of ours it has not
 * read, or our FIN it has not answered with its own? */
static bool peer_owes(const struct trace_attrib *a, const struct sockdiag_entry *e, const uint16_t *ports,
                      size_t np)
{
	if (!e->inode || e->state == TCP_LISTEN || !has_port(ports, np, e->dport))
		return false;
	for (size_t i = 0; i < a->ninodes; i++)
		if (a->inodes[i] == e->inode)
			return false;
	return e->rqueue > 0 || e->state == TCP_CLOSE_WAIT;
}

/* One look at the kernel: 1 busy, 2 only a peer owes, 0 quiet, -1 cannot ask. */
static int look(struct trace_attrib *a)
{
	uint16_t ports[MAX_PORTS];
	pthread_mutex_lock(&a->mu);
	size_t np = a->ntcp;
	memcpy(ports, a->tcp_ports, np * sizeof ports[0]);
	pthread_mutex_unlock(&a->mu);
	bool busy = false, owes = false;
	static const int fams[] = { AF_INET, AF_INET6 };
	for (size_t f = 0; f < 2 && np; f++) {
		if (!(a->families & (1u << f)))
			continue;   /* one dump per family the program uses */
		struct sockdiag_entry e[256];
		int k = sockdiag_tcp_ports(fams[f], ports, np, e, 256);
		if (k < 0)
			return -1;
		for (int i = 0; i < k && i < 256; i++) {
			busy |= sockdiag_in_flight(&e[i]);
			owes |= peer_owes(a, &e[i], ports, np);
		}
	}
	return busy ? 1 : owes ? 2 : 0;
}

bool attrib_end(struct trace_attrib *a, uint32_t id)
{
	if (!attrib_capturing(a))
		return true;
	bool ok = true;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	useconds_t pause_us = 100;
	for (;;) {
		int r = look(a);
		if (r <= 0)
			break;
		long ms = elapsed_ms(&t0);
		if (ms >= (r == 2 ? PEER_WAIT_MS : QUIET_WAIT_MS)) {
			ok = r == 2;   /* a peer that does not answer is its business, not a lost packet */
			break;
		}
		/* Most calls are quiet within a look or two; one waiting for a
		 * delayed ACK (40 ms) should not burn a core on dumps meanwhile. */
		usleep(pause_us);
		if (pause_us < 4000)
			pause_us *= 2;
	}
	pthread_mutex_lock(&a->mu);
	unsigned long want = ++a->ends_sent;
	pthread_mutex_unlock(&a->mu);
	if (send_marker(a, DEMO_MARK_END, id) < 0)
		return false;
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += MARKER_WAIT_MS / 1000;
	pthread_mutex_lock(&a->mu);
	int rc = 0;
	while (a->ends_seen < want && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&a->cv, &a->mu, &dl);
	bool seen = a->ends_seen >= want;
	pthread_mutex_unlock(&a->mu);
	return ok && seen;
}

static bool still_open(const struct trace_attrib *a, uint32_t w)
{
	for (size_t k = 0; k < a->nopen; k++)
		if (a->open[k] == w)
			return true;
	return false;
}

void attrib_drain(struct trace_attrib *a, bool everything, attrib_packet_cb cb, void *ud)
{
	/* Lines are handed out under the lock: the callback only prints.  A
	 * packet of a window still open (another thread's call) waits for
	 * that call's own block. */
	pthread_mutex_lock(&a->mu);
	size_t end = everything ? a->npkts : a->upto;
	bool prefix = true;
	for (size_t i = a->drained; i < end; i++) {
		struct apkt *p = &a->pkts[i];
		if (!p->handed && (everything || !still_open(a, p->window))) {
			cb(ud, p->window, p->line);
			p->handed = true;
		}
		if (prefix && p->handed)
			a->drained = i + 1;
		else
			prefix = false;
	}
	pthread_mutex_unlock(&a->mu);
}

void attrib_stop(struct trace_attrib *a)
{
	if (a->cap && a->running)
		capture_stop(a->cap);
	a->running = false;
}

void attrib_close(struct trace_attrib *a)
{
	if (!a)
		return;
	attrib_stop(a);
	capture_close(a->cap);
	if (a->marker_fd >= 0)
		close(a->marker_fd);
	for (size_t i = 0; i < a->npkts; i++)
		free(a->pkts[i].line);
	free(a->pkts);
	flowtab_free(a->flows);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}
