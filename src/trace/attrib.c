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
 * Quiet is judged by what the other end has received, not by its ACK:
 * both ends of a loopback connection are on this host, so sock_diag gives
 * the peer's tcpi_bytes_received beside our tcpi_bytes_sent, and once the
 * peer holds every byte (and our FIN, by its state) nothing of the call is
 * still on its way.  Waiting for the ACK instead waited for the receiver's
 * delayed-ACK timer (40 ms or more) whenever it was not in quick-ACK mode,
 * which was most of a long run.  An ACK the timer sends later is a packet
 * of its own, labelled "the kernel's delayed ACK"; data Nagle held back
 * until an ACK came is shown where it went out.
 *
 * Each connection is asked for by its four-tuple (sockdiag_tcp_lookup, a
 * hash lookup: ~1.5 us), both ends, and only those a call has touched since
 * they were last quiet; a dump walks the kernel's whole table (~2 ms here,
 * port filter in bytecode or not) and is the fallback only.
 *
 * Threads: the capture thread stores packets; the tracer thread learns
 * ports, sends markers, asks the kernel and drains packets.  `mu` guards
 * what both touch.
 */
#include "trace/trace_priv.h"
#include "capture/marker.h"
#include "common/mem.h"
#include "common/proc.h"

#include "demo/demo.h"
#include "demo/sockdiag.h"
#include "dissect/dissect.h"
#include "inspect/view.h"
#include "render/textfmt.h"

#include <arpa/inet.h>
#include <dirent.h>
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
/* Connections watched at once; past this the oldest quiet one is let go
 * (a socket a call touches again is learned again). */
#define MAX_CONNS 1024
/* An ACK this long after the data it acknowledges, sent while no call on
 * its own socket ran, is the delayed-ACK timer's (Linux: 40 ms at least). */
#define DELACK_NS (30LL * 1000000)
/* Flow directions remembered for that (the last data of each). */
#define MAX_FLOWS 256

struct apkt {
	uint32_t window;
	bool handed;
	char *line;
	/* the frame itself, kept only for --write (attrib_keep_frames) */
	uint8_t *data;
	uint32_t caplen, wirelen;
	int64_t ns;
};

/* Windows open at once: one per thread stopped in a call (bounded: a
 * thread past this many shares the latest window). */
#define MAX_OPEN 64

/* A TCP connection of the program, by its four-tuple as its socket sees it. */
struct conn {
	int family;
	uint8_t la[16], ra[16];
	uint16_t lp, rp;
	bool dirty;      /* touched by a call since it was last quiet: look at it */
	bool silent;     /* its peer (another program) did not answer within PEER_WAIT_MS */
};

/* The last data segment seen in one direction of a flow. */
struct flowdir {
	uint16_t sport, dport;
	uint32_t window;
	int64_t ns;
	bool fin;        /* that segment was a FIN */
};

/* The socket a window's call is on (its ports), for telling its own ACKs
 * from the timer's. */
struct winsock {
	uint32_t id;
	uint16_t lport, rport;
	unsigned long end_no;   /* the ordinal of its END marker; 0 while it is open */
};

/* END markers remembered (where each was read among the packets) for
 * blocks printed later: more than the text keeps waiting. */
#define END_RING 8192
/* Windows remembered by id: more than the text keeps waiting
 * (TEXT_MAX_PENDING in text.c). */
#define WIN_RING 4096

struct trace_attrib {
	struct capture *cap;
	int linktype;
	int marker_fd;
	struct sockaddr_in marker_addr;
	uint16_t marker_port;
	uint32_t next_id;
	unsigned long markers_sent;      /* by the tracer thread */
	bool running;
	bool keep_frames;
	bool keep_all;                   /* untraced: every packet but the markers */

	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint16_t ports[MAX_PORTS];       /* the program's ports (local and remote) */
	size_t nports;
	uint16_t tcp_ports[MAX_PORTS];   /* ports of its TCP sockets, for the fallback dump */
	size_t ntcp;
	uint32_t inodes[MAX_INODES];     /* its sockets, to tell them from a peer's */
	size_t ninodes;
	uint32_t foreign[MAX_INODES];    /* sockets found to be no traced process's */
	size_t nforeign;
	unsigned families;               /* bit 0: AF_INET TCP sockets seen, bit 1: AF_INET6 */

	/* tracer thread only */
	struct conn *conns;              /* MAX_CONNS */
	size_t nconns, evict;
	int nl;                          /* sock_diag socket for lookups; -1: dumps only */
	struct winsock wins[WIN_RING];   /* by id % size (under mu: the capture thread reads it) */

	/* capture thread side, under mu */
	struct flowtab *flows;
	struct apkt *pkts;
	size_t npkts, cap_pkts;
	size_t upto;                     /* packets before the last END marker read */
	size_t drained;
	uint32_t cur;                    /* window of the next packet: the latest open one */
	uint32_t open[MAX_OPEN];         /* windows whose START was read and END not yet */
	size_t nopen;
	uint32_t start_seen;             /* the id of the latest START read */
	uint32_t last_end_id;            /* the window of the latest END sent */
	unsigned long ends_sent;         /* END markers sent (by the tracer, one at a time) */
	unsigned long ends_seen;         /* the latest of them the capture has read */
	size_t end_at[END_RING];         /* by ordinal % END_RING: packets before that END */
	int waiters;                     /* the tracer waits on cv for an END */
	int64_t first_ns;
	uint64_t number;
	struct flowdir flows_seen[MAX_FLOWS];
	size_t nflows_seen, flow_next;
	unsigned long delacks;           /* packets labelled the delayed-ACK timer's */
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
	struct trace_attrib *a = xcalloc(1, sizeof *a);
	a->marker_fd = -1;
	a->nl = -1;
	a->first_ns = CAPFILE_NO_TIME;
	a->conns = xcalloc(MAX_CONNS, sizeof *a->conns);
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
	a->nl = sockdiag_open();   /* in the namespace too; -1 leaves the dumps */
	return a;
}

bool attrib_capturing(const struct trace_attrib *a) { return a->cap && a->running; }

/* An ICMP error is the program's when the packet it quotes used its port. */
static bool keep_locked(const struct trace_attrib *a, const struct pkt_info *i)
{
	if (a->keep_all)
		return true;
	if (i->icmp)
		return i->quote.valid && i->quote.has_ports &&
		       (has_port(a->ports, a->nports, i->quote.sport) || has_port(a->ports, a->nports, i->quote.dport));
	return i->has_ports && (has_port(a->ports, a->nports, i->sport) || has_port(a->ports, a->nports, i->dport));
}

static struct flowdir *flowdir_locked(struct trace_attrib *a, uint16_t sport, uint16_t dport, bool add)
{
	for (size_t k = 0; k < a->nflows_seen; k++)
		if (a->flows_seen[k].sport == sport && a->flows_seen[k].dport == dport)
			return &a->flows_seen[k];
	if (!add)
		return NULL;
	size_t k = a->nflows_seen < MAX_FLOWS ? a->nflows_seen++ : a->flow_next++ % MAX_FLOWS;
	a->flows_seen[k] = (struct flowdir){ sport, dport, 0, 0, false };
	return &a->flows_seen[k];
}

/* Is x one of v[0..n)?  (A socket's inode among those known, a window among the open.) */
static bool known(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* The window of a TCP segment: the latest open one, except for a bare ACK
 * the delayed-ACK timer sent.  That one acknowledges a FIN of a window
 * already closed; or data of a window already closed (quiet once the data
 * was received, not acknowledged), DELACK_NS or more after it, and not
 * from the socket of the call now running (whose reading may send a
 * pending ACK at once: that ACK is the call's). */
static uint32_t tcp_window_locked(struct trace_attrib *a, const struct pkt_info *i, int64_t ns)
{
	const uint8_t flags_ack = 0x10;
	bool bare_ack = i->tcp_flags == flags_ack && i->payload_len == 0;
	if (!bare_ack) {
		if (i->payload_len > 0 || (i->tcp_flags & 0x03)) {   /* data, SYN or FIN: what an ACK answers */
			struct flowdir *f = flowdir_locked(a, i->sport, i->dport, true);
			f->window = a->cur;
			f->ns = ns;
			f->fin = (i->tcp_flags & 0x01) != 0;
		}
		return a->cur;
	}
	const struct flowdir *f = flowdir_locked(a, i->dport, i->sport, false);
	/* The ACK of a FIN whose window has closed is the timer's whenever it
	 * comes: nothing a program does sends it but its own FIN (which
	 * carries it), and a read at the end of the data copies nothing, so
	 * acknowledges nothing.  Measured on Linux 6.18 (untraced), that timer
	 * fires 4 to 8 ms after the FIN, well inside DELACK_NS. */
	if (f && f->fin && f->window != a->cur && !known(a->open, a->nopen, f->window)) {
		a->delacks++;
		return ATTRIB_DELACK;
	}
	if (!f || f->window == a->cur || known(a->open, a->nopen, f->window) || ns - f->ns < DELACK_NS)
		return a->cur;
	const struct winsock *w = &a->wins[a->cur % (sizeof a->wins / sizeof a->wins[0])];
	if (a->cur != ATTRIB_BETWEEN && w->id == a->cur && w->lport == i->sport && w->rport == i->dport)
		return a->cur;
	a->delacks++;
	return ATTRIB_DELACK;
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
			/* a START sent again (capture/marker.h) may be read more
			 * than once, every copy before anything of its call */
			if (!known(a->open, a->nopen, id) && a->nopen < MAX_OPEN)
				a->open[a->nopen++] = id;
			a->cur = id;
			a->start_seen = id;
			pthread_cond_broadcast(&a->cv);
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
			/* By the window's own ordinal, not by counting: should the
			 * kernel drop a marker (a capture far behind), a later one
			 * still ends every window before it. */
			const struct winsock *w = &a->wins[id % WIN_RING];
			unsigned long no = w->id == id ? w->end_no : 0;
			for (unsigned long k = a->ends_seen + 1; k <= no; k++)
				a->end_at[k % END_RING] = a->npkts;
			if (no > a->ends_seen)
				a->ends_seen = no;
			a->upto = a->npkts;
			if (a->waiters)
				pthread_cond_broadcast(&a->cv);
		}
	} else if (keep_locked(a, i)) {
		int64_t ns = (int64_t)ts->tv_sec * 1000000000 + (int64_t)ts->tv_usec * 1000;
		if (a->first_ns == CAPFILE_NO_TIME)
			a->first_ns = ns;
		uint32_t window = i->tcp ? tcp_window_locked(a, i, ns) : a->cur;
		char summary[512], t[40], src[64], dst[64], line[800];
		dissect_summary(&d, a->flows, summary, sizeof summary);
		inspect_time_text(INSPECT_TIME_REL, ns, a->first_ns, CAPFILE_NO_TIME, t, sizeof t);
		dissect_endpoint(i, true, src, sizeof src);
		dissect_endpoint(i, false, dst, sizeof dst);
		textfmt_list_line(++a->number, t, src, dst, i->proto ? i->proto : "?", wirelen, summary, line,
		                  sizeof line);
		if (a->npkts == a->cap_pkts) {
			size_t ncap = a->cap_pkts ? a->cap_pkts * 2 : 64;
			struct apkt *grown = xrealloc(a->pkts, ncap * sizeof *grown);
			if (grown) {
				a->pkts = grown;
				a->cap_pkts = ncap;
			}
		}
		char *copy = xstrdup(line);
		uint8_t *frame = NULL;
		if (a->keep_frames && copy && (frame = xmalloc(caplen ? caplen : 1)))
			memcpy(frame, data, caplen);
		if (copy && a->npkts < a->cap_pkts && (frame || !a->keep_frames)) {
			a->pkts[a->npkts++] = (struct apkt){ window, false, copy, frame, caplen, wirelen, ns };
		} else {
			free(copy);   /* under memory pressure a packet is lost, not the trace */
			free(frame);
		}
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

static bool same_end(const uint8_t *x, const uint8_t *y, int family)
{
	return !memcmp(x, y, family == AF_INET6 ? 16 : 4);
}

/* A connection a call touches is looked at until it is quiet again.  The
 * two ends of one of the program's own connections are one entry: each
 * look asks for both. */
static void learn_conn(struct trace_attrib *a, const struct trace_sock *s)
{
	for (size_t i = 0; i < a->nconns; i++) {
		struct conn *c = &a->conns[i];
		if (c->family != s->family)
			continue;
		bool same = c->lp == s->lport && c->rp == s->rport && same_end(c->la, s->laddr, c->family) &&
		            same_end(c->ra, s->raddr, c->family);
		bool reverse = c->lp == s->rport && c->rp == s->lport && same_end(c->la, s->raddr, c->family) &&
		               same_end(c->ra, s->laddr, c->family);
		if (same || reverse) {
			c->dirty = true;
			c->silent = false;
			return;
		}
	}
	size_t k;
	if (a->nconns < MAX_CONNS) {
		k = a->nconns++;
	} else {
		/* full: let the oldest quiet one go (round robin from the last) */
		k = a->evict % MAX_CONNS;
		for (size_t n = 0; n < MAX_CONNS && a->conns[k].dirty; n++)
			k = (k + 1) % MAX_CONNS;
		a->evict = k + 1;
	}
	struct conn *c = &a->conns[k];
	memset(c, 0, sizeof *c);
	c->family = s->family;
	memcpy(c->la, s->laddr, sizeof c->la);
	memcpy(c->ra, s->raddr, sizeof c->ra);
	c->lp = s->lport;
	c->rp = s->rport;
	c->dirty = true;
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
		if (s->lport && s->rport)
			learn_conn(a, s);
	}
	bool seen = false;
	for (size_t i = 0; i < a->ninodes && !seen; i++)
		seen = a->inodes[i] == s->inode;
	if (!seen && a->ninodes < MAX_INODES)
		a->inodes[a->ninodes++] = s->inode;
	pthread_mutex_unlock(&a->mu);
}

static int send_marker(struct trace_attrib *a, char kind, uint32_t id)
{
	uint8_t msg[DEMO_MARKER_LEN];
	demo_marker_bytes(kind, id, msg);
	ssize_t w = sendto(a->marker_fd, msg, sizeof msg, 0, (struct sockaddr *)&a->marker_addr, sizeof a->marker_addr);
	/* Our own datagrams come back to us: drained now and then, so the
	 * buffer never fills (it holds some hundreds), not after each marker:
	 * two system calls a traced call fewer.  A datagram the socket had no
	 * room for would still have been captured as it was sent. */
	if (++a->markers_sent % 64 == 0) {
		uint8_t sink[16];
		for (int k = 0; k < 256 && recv(a->marker_fd, sink, sizeof sink, MSG_DONTWAIT) > 0; k++)
			;
	}
	return w == (ssize_t)sizeof msg ? 0 : -1;
}

struct marking { struct trace_attrib *a; char kind; uint32_t id; };

static void marking_send(void *ud)
{
	const struct marking *m = ud;
	send_marker(m->a, m->kind, m->id);
}

static bool start_seen(void *ud)
{
	const struct marking *m = ud;
	return m->a->start_seen == m->id;
}

/* The call runs only once the capture has read its START: a START lost
 * to a flood on lo would leave the call's packets between calls. */
uint32_t attrib_begin_on(struct trace_attrib *a, const struct trace_sock *s)
{
	uint32_t id = ++a->next_id;
	if (id == ATTRIB_DELACK)
		id = a->next_id = 1;   /* after 4 billion calls: ids are told apart by recency only */
	pthread_mutex_lock(&a->mu);
	a->wins[id % (sizeof a->wins / sizeof a->wins[0])] =
		(struct winsock){ id, s && s->is_socket ? s->lport : 0, s && s->is_socket ? s->rport : 0, 0 };
	pthread_mutex_unlock(&a->mu);
	if (attrib_capturing(a)) {
		struct marking m = { a, DEMO_MARK_START, id };
		capture_marker_await(&a->mu, &a->cv, marking_send, start_seen, &m, MARKER_WAIT_MS);
	}
	return id;
}

uint32_t attrib_begin(struct trace_attrib *a) { return attrib_begin_on(a, NULL); }

unsigned long attrib_delayed_acks(struct trace_attrib *a)
{
	pthread_mutex_lock(&a->mu);
	unsigned long n = a->delacks;
	pthread_mutex_unlock(&a->mu);
	return n;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

struct holds { const char *want; size_t wl; };

/* 1 when process pid, traced by us, has the socket h->want open. */
static int holds_socket(const char *pid, void *arg)
{
	const struct holds *h = arg;
	char buf[1024], path[300];
	if (proc_read(pid, "status", buf, sizeof buf) < 0)
		return 0;
	const char *t = strstr(buf, "\nTracerPid:");
	if (!t || atoi(t + 11) != getpid())
		return 0;
	snprintf(path, sizeof path, "/proc/%s/fd", pid);
	DIR *fds = opendir(path);
	if (!fds)
		return 0;
	int found = 0;
	for (struct dirent *e; !found && (e = readdir(fds));) {
		char link[600], target[64];
		snprintf(link, sizeof link, "%s/%s", path, e->d_name);
		ssize_t k = readlink(link, target, sizeof target - 1);
		found = k == (ssize_t)h->wl && !memcmp(target, h->want, h->wl);
	}
	closedir(fds);
	return found;
}

/* Does a process we trace (TracerPid: us) hold this socket?  A socket of
 * the program's that no call of ours has shown yet: accept() has returned
 * in the kernel but its exit stop waits for us, behind the call we are
 * closing.  Asked once per socket (the answer is kept), and only of a
 * peer that owes something. */
static bool traced_holds(uint32_t inode)
{
	char want[32];
	int wl = snprintf(want, sizeof want, "socket:[%u]", inode);
	struct holds h = { want, (size_t)wl };
	return proc_each(holds_socket, &h) == 1;
}

static bool ours(struct trace_attrib *a, uint32_t inode)
{
	if (known(a->inodes, a->ninodes, inode))
		return true;
	if (known(a->foreign, a->nforeign, inode))
		return false;
	bool mine = traced_holds(inode);
	pthread_mutex_lock(&a->mu);
	if (mine && a->ninodes < MAX_INODES)
		a->inodes[a->ninodes++] = inode;
	else if (!mine && a->nforeign < MAX_INODES)
		a->foreign[a->nforeign++] = inode;
	pthread_mutex_unlock(&a->mu);
	return mine;
}

/* Is a socket not the program's but on the other end of one of its
 * connections, and does it still owe something: data of ours it has not
 * read, or our FIN it has not answered with its own? */
static bool peer_owes(struct trace_attrib *a, const struct sockdiag_entry *e)
{
	if (!e->inode || e->state == TCP_LISTEN || !(e->rqueue > 0 || e->state == TCP_CLOSE_WAIT))
		return false;
	return !ours(a, e->inode);
}

/* Has the peer (the other end, on this host) received every byte x sent? */
static bool peer_has_all(const struct sockdiag_entry *x, const struct sockdiag_entry *peer)
{
	return peer && x->has_bytes && peer->has_bytes && peer->bytes_received >= x->bytes_sent - x->bytes_retrans;
}

/* Is something of x still on its way?  As sockdiag_in_flight, except that
 * what the peer has received is no longer on its way, only its ACK may be
 * (delayed): data, and a FIN once the peer's state shows it got it. */
static bool on_its_way(struct trace_attrib *a, const struct sockdiag_entry *x, const struct sockdiag_entry *peer)
{
	if (!sockdiag_in_flight(x))
		return false;
	switch (x->state) {
	case TCP_SYN_SENT: case TCP_SYN_RECV:
		return true;
	case TCP_FIN_WAIT1: case TCP_CLOSING: case TCP_LAST_ACK:
		if (!(peer_has_all(x, peer) &&
		      (peer->state == TCP_CLOSE_WAIT || peer->state == TCP_LAST_ACK || peer->state == TCP_CLOSING ||
		       peer->state == TCP_TIME_WAIT)))
			return true;
		/* The FIN is there, its ACK not yet (these states say so).  A
		 * peer a traced process holds is stopped meanwhile (one call on
		 * the wire at a time), so no FIN of its own will carry the ACK:
		 * its kernel's delayed-ACK timer sends it (4-8 ms after the FIN
		 * on Linux 6.18; 40 ms or more on older kernels; 200 ms at most),
		 * and it is waited for, so that it is this close's every time.
		 * Another program's socket is not waited for: its own FIN may
		 * carry the ACK, whenever it closes. */
		return peer->inode && ours(a, peer->inode);
	default:
		/* Data Nagle holds back (written, not sent) is not on its way: the
		 * ACK that releases it does, later, and the segment is shown where
		 * that happens (the reader's call, or the timer's ACK). */
		return !peer_has_all(x, peer);
	}
}

/* The fallback: one dump per family the program uses, every socket on its
 * ports judged by the ACKs alone.  1 busy, 2 only a peer owes, 0 quiet,
 * -1 cannot ask. */
static int look_dump(struct trace_attrib *a)
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
			continue;
		struct sockdiag_entry e[256];
		int k = sockdiag_tcp_ports(fams[f], ports, np, e, 256);
		if (k < 0)
			return -1;
		for (int i = 0; i < k && i < 256; i++) {
			busy |= sockdiag_in_flight(&e[i]);
			owes |= peer_owes(a, &e[i]) && has_port(ports, np, e[i].dport);
		}
	}
	return busy ? 1 : owes ? 2 : 0;
}

/* One look at the kernel: 1 busy, 2 only a peer owes, 0 quiet, -1 cannot
 * ask.  Each connection touched since it was last quiet, both ends. */
static int look(struct trace_attrib *a)
{
	if (a->nl < 0)
		return look_dump(a);
	bool busy = false, owes = false;
	for (size_t i = 0; i < a->nconns; i++) {
		struct conn *c = &a->conns[i];
		if (!c->dirty)
			continue;
		struct sockdiag_entry x, y;
		int hx = sockdiag_tcp_lookup(a->nl, c->family, c->la, c->lp, c->ra, c->rp, &x);
		int hy = hx < 0 ? -1 : sockdiag_tcp_lookup(a->nl, c->family, c->ra, c->rp, c->la, c->lp, &y);
		if (hx < 0 || hy < 0) {
			/* a kernel that answers dumps only */
			close(a->nl);
			a->nl = -1;
			return look_dump(a);
		}
		bool b = (hx && on_its_way(a, &x, hy ? &y : NULL)) || (hy && on_its_way(a, &y, hx ? &x : NULL));
		bool o = !c->silent && ((hx && peer_owes(a, &x)) || (hy && peer_owes(a, &y)));
		busy |= b;
		owes |= o;
		if (!b && !o)
			c->dirty = false;
	}
	return busy ? 1 : owes ? 2 : 0;
}

/* A peer that did not answer in time is not waited for again until a call
 * touches that connection anew. */
static void peers_silent(struct trace_attrib *a)
{
	for (size_t i = 0; i < a->nconns; i++)
		if (a->conns[i].dirty) {
			a->conns[i].silent = true;
			a->conns[i].dirty = false;
		}
}

bool attrib_end(struct trace_attrib *a, uint32_t id)
{
	if (!attrib_capturing(a))
		return true;
	bool ok = true;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	useconds_t pause_us = 10;
	for (;;) {
		int r = look(a);
		if (r <= 0)
			break;
		long ms = elapsed_ms(&t0);
		if (ms >= (r == 2 ? PEER_WAIT_MS : QUIET_WAIT_MS)) {
			ok = r == 2;   /* a peer that does not answer is its business, not a lost packet */
			peers_silent(a);
			break;
		}
		/* Most calls are quiet at the first look; one waiting for another
		 * program (or for an ACK Nagle waits for) should not burn a core
		 * meanwhile. */
		usleep(pause_us);
		if (pause_us < 2000)
			pause_us *= 2;
	}
	pthread_mutex_lock(&a->mu);
	unsigned long no = ++a->ends_sent;
	a->last_end_id = id;
	struct winsock *w = &a->wins[id % (sizeof a->wins / sizeof a->wins[0])];
	if (w->id == id)
		w->end_no = no;
	pthread_mutex_unlock(&a->mu);
	/* Not waited for here: the program runs on while the capture reads up
	 * to the marker, and the block is printed once it has (text.c). */
	if (send_marker(a, DEMO_MARK_END, id) < 0)
		return false;
	return ok;
}

unsigned long attrib_ends_sent(struct trace_attrib *a)
{
	pthread_mutex_lock(&a->mu);
	unsigned long n = a->ends_sent;
	pthread_mutex_unlock(&a->mu);
	return n;
}

struct end_wait { struct trace_attrib *a; unsigned long no; };

static void end_resend(void *ud)
{
	const struct end_wait *w = ud;
	pthread_mutex_lock(&w->a->mu);
	uint32_t id = w->a->last_end_id;
	pthread_mutex_unlock(&w->a->mu);
	send_marker(w->a, DEMO_MARK_END, id);
}

static bool end_seen(void *ud)
{
	const struct end_wait *w = ud;
	return w->a->ends_seen >= w->no;
}

/* An END is sent once by attrib_end; one not read within a resend period
 * is sent again, the latest only (a later END ends every window before
 * it), until MARKER_WAIT_MS. */
bool attrib_wait_end(struct trace_attrib *a, unsigned long no, bool block)
{
	pthread_mutex_lock(&a->mu);
	if (block && a->ends_seen < no) {
		struct timespec dl;
		clock_gettime(CLOCK_REALTIME, &dl);
		long ns = dl.tv_nsec + CAPTURE_MARKER_RESEND_MS * 1000000L;
		dl.tv_sec += ns / 1000000000;
		dl.tv_nsec = ns % 1000000000;
		int rc = 0;
		a->waiters++;
		while (a->ends_seen < no && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&a->cv, &a->mu, &dl);
		a->waiters--;
	}
	bool seen = a->ends_seen >= no;
	pthread_mutex_unlock(&a->mu);
	if (block && !seen) {
		struct end_wait w = { a, no };
		seen = capture_marker_await(&a->mu, &a->cv, end_resend, end_seen, &w, MARKER_WAIT_MS - CAPTURE_MARKER_RESEND_MS);
	}
	return seen;
}

/* Is window w's block still to come after the block of END `no`?  (Open,
 * or ended later.)  A window too old to be remembered is done. */
static bool pending_after(const struct trace_attrib *a, uint32_t w, unsigned long no)
{
	if (w == ATTRIB_BETWEEN || w == ATTRIB_DELACK)
		return false;
	const struct winsock *ws = &a->wins[w % (sizeof a->wins / sizeof a->wins[0])];
	if (ws->id != w)
		return known(a->open, a->nopen, w);
	return !ws->end_no || ws->end_no > no;
}

/* Hand packets [drained, end) under the lock (the callback only prints);
 * a packet whose window's block comes later waits for it.  A line handed
 * is freed: a long run keeps only what is not printed yet. */
static void drain_locked(struct trace_attrib *a, size_t end, bool everything, unsigned long no, attrib_packet_cb cb,
                         void *ud)
{
	bool prefix = true;
	for (size_t i = a->drained; i < end && i < a->npkts; i++) {
		struct apkt *p = &a->pkts[i];
		if (!p->handed && (everything || !pending_after(a, p->window, no))) {
			struct attrib_frame f = { p->data, p->caplen, p->wirelen, p->ns };
			cb(ud, p->window, p->line, p->data ? &f : NULL);
			p->handed = true;
			free(p->line);
			free(p->data);
			p->line = NULL;
			p->data = NULL;
		}
		if (prefix && p->handed)
			a->drained = i + 1;
		else
			prefix = false;
	}
	/* the prefix handed is dropped, so the array does not grow with the run */
	if (a->drained > 4096 && a->drained * 2 > a->npkts) {
		memmove(a->pkts, a->pkts + a->drained, (a->npkts - a->drained) * sizeof a->pkts[0]);
		a->npkts -= a->drained;
		a->upto = a->upto > a->drained ? a->upto - a->drained : 0;
		for (size_t k = 0; k < END_RING; k++)
			a->end_at[k] = a->end_at[k] > a->drained ? a->end_at[k] - a->drained : 0;
		a->drained = 0;
	}
}

void attrib_drain(struct trace_attrib *a, bool everything, attrib_packet_cb cb, void *ud)
{
	pthread_mutex_lock(&a->mu);
	drain_locked(a, everything ? a->npkts : a->upto, everything, a->ends_seen, cb, ud);
	pthread_mutex_unlock(&a->mu);
}

void attrib_drain_to(struct trace_attrib *a, unsigned long no, attrib_packet_cb cb, void *ud)
{
	pthread_mutex_lock(&a->mu);
	bool known = no <= a->ends_seen && a->ends_seen - no < END_RING;
	drain_locked(a, known ? a->end_at[no % END_RING] : a->upto, false, no, cb, ud);
	pthread_mutex_unlock(&a->mu);
}

void attrib_keep_all(struct trace_attrib *a)
{
	pthread_mutex_lock(&a->mu);
	a->keep_all = true;
	pthread_mutex_unlock(&a->mu);
}

void attrib_keep_frames(struct trace_attrib *a)
{
	pthread_mutex_lock(&a->mu);
	a->keep_frames = true;
	pthread_mutex_unlock(&a->mu);
}

int attrib_linktype(const struct trace_attrib *a) { return a->cap ? a->linktype : -1; }

unsigned attrib_dropped(struct trace_attrib *a)
{
	unsigned got = 0, dropped = 0;
	if (a->cap && !capture_stats(a->cap, &got, &dropped))
		dropped = 0;
	return dropped;
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
	if (a->nl >= 0)
		close(a->nl);
	free(a->conns);
	for (size_t i = 0; i < a->npkts; i++) {
		free(a->pkts[i].line);
		free(a->pkts[i].data);
	}
	free(a->pkts);
	flowtab_free(a->flows);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}
