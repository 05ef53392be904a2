/*
 * kind_event_loop.c — "an event-loop server": the learner's echo server
 * serves NCONN clients at once with one thread of one process, waiting on
 * all its sockets together (select, poll, epoll; selectors or asyncio in
 * Python).
 *
 * The lab opens its NCONN connections one after another and keeps each
 * open: on each it sends a line and waits up to IO_MS for the echo before it
 * opens the next, so a server that serves one client at a time (blocked in
 * recv() on the first) never answers the second.  With all of them open it
 * looks up which processes hold the server's ends (the kernel's tables give
 * each socket's inode, /proc/PID/fd who holds it, /proc/PID/task how many
 * threads it runs): more than one process is a process per client, more
 * than one thread a thread per client.  That works in both modes, for any
 * program the lab may look at (the learner's own).  Then it interleaves a
 * second message on every connection, each cut in two, sent in an order of
 * its own, reads all the echoes, and last sends FIN on all and waits for the
 * server to close each.
 *
 * No parameters.
 */
#include "challenge/challenge.h"
#include "common/clock.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NCONN 50
#define IO_MS 3000          /* the lab waits this long for an echo, and for all of a round */
#define MSG_MAX 48
#define STEP 7              /* the second round's order: connection i * STEP mod NCONN (STEP prime to NCONN) */
#define MAX_HOLDERS 64

struct ev_conn {
	int fd, err;
	uint16_t lport;
	char msg[2][MSG_MAX];
	size_t len[2], got[2];  /* what the lab sent in each round, and how much came back right */
	bool wrong;             /* something else came back */
	bool ended, reset;      /* the server closed it (FIN) or reset it, in any phase */
	int end_round;          /* the round it ended in: 0, 1, 2 (after the lab's FIN) */
};

struct evloop {
	bool listed;
	unsigned nconn;         /* connections opened */
	int stuck;              /* the first connection whose first echo did not come (-1: none) */
	bool looked;            /* the server's processes were looked up */
	unsigned procs, threads;  /* how many processes hold its ends, the most threads one runs */
	long pid;               /* the one that holds the listening socket (0: unknown) */
	struct ev_conn c[NCONN];
};

/* Read what is there on c (non-blocking) into round k's count; an end is
 * the server's in phase `phase` (2: after the lab's FIN). */
static void drain(struct ev_conn *c, int k, int phase)
{
	char buf[256];
	for (;;) {
		ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0) {
			for (ssize_t i = 0; i < n; i++)
				if (c->got[k] < c->len[k] && buf[i] == c->msg[k][c->got[k]])
					c->got[k]++;
				else
					c->wrong = true;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		c->ended = true;
		c->reset = n < 0;
		c->end_round = phase;
		return;
	}
}

/* Wait until every open connection has its round-k echo (or has ended),
 * for up to IO_MS in all; false when the lab must stop. */
static bool round_echoes(const struct chal_run *r, struct evloop *e, int k)
{
	int64_t until = clock_ms() + IO_MS;
	for (;;) {
		struct pollfd p[NCONN + 1];
		size_t np = 0;
		int map[NCONN];
		for (unsigned i = 0; i < e->nconn; i++) {
			struct ev_conn *c = &e->c[i];
			if (c->fd >= 0 && !c->ended && c->got[k] < c->len[k]) {
				map[np] = (int)i;
				p[np++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
			}
		}
		int64_t left = until - clock_ms();
		if (!np || left <= 0)
			return true;
		p[np] = (struct pollfd){ .fd = r->wake, .events = POLLIN };
		if (poll(p, np + 1, (int)left) < 0 && errno != EINTR)
			return true;
		if (p[np].revents)
			return false;
		for (size_t i = 0; i < np; i++)
			if (p[i].revents)
				drain(&e->c[map[i]], k, k);
	}
}

/* ---- who serves: the kernel's tables and /proc ---- */

/* The inodes of the sockets on the server's port (its listener and its ends
 * of the lab's connections), from /proc/net/tcp and tcp6. */
static size_t port_inodes(uint16_t port, unsigned long *ino, size_t max)
{
	size_t n = 0;
	for (int t = 0; t < 2; t++) {
		FILE *f = fopen(t ? "/proc/net/tcp6" : "/proc/net/tcp", "r");
		if (!f)
			continue;
		char line[512];
		while (n < max && fgets(line, sizeof line, f)) {
			unsigned lp;
			unsigned long in;
			if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %*x %*x:%*x %*x:%*x %*x %*u %*d %lu",
			           &lp, &in) == 2 && lp == port && in)
				ino[n++] = in;
		}
		fclose(f);
	}
	return n;
}

/* How many entries a /proc directory has (its threads: /proc/PID/task). */
static unsigned entries(const char *path)
{
	DIR *d = opendir(path);
	unsigned n = 0;
	if (!d)
		return 0;
	for (struct dirent *x; (x = readdir(d));)
		n += x->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Which processes hold the server's sockets, and how many threads each
 * runs.  Processes the lab may not look into are not counted. */
static void look(const struct chal_run *r, struct evloop *e)
{
	unsigned long ino[NCONN + 8];
	size_t n = port_inodes(r->port, ino, sizeof ino / sizeof ino[0]);
	DIR *proc = opendir("/proc");
	if (!n || !proc) {
		if (proc)
			closedir(proc);
		return;
	}
	pid_t self = getpid();
	for (struct dirent *x; (x = readdir(proc));) {
		char *end;
		long pid = strtol(x->d_name, &end, 10);
		if (pid <= 0 || *end || pid == self)
			continue;
		char path[64];
		snprintf(path, sizeof path, "/proc/%ld/fd", pid);
		DIR *fds = opendir(path);
		if (!fds)
			continue;
		bool holds = false;
		for (struct dirent *d; !holds && (d = readdir(fds));) {
			char link[96], target[64];
			snprintf(link, sizeof link, "%s/%s", path, d->d_name);
			ssize_t tl = readlink(link, target, sizeof target - 1);
			unsigned long in;
			if (tl <= 0)
				continue;
			target[tl] = '\0';
			if (sscanf(target, "socket:[%lu]", &in) == 1)
				for (size_t i = 0; i < n && !holds; i++)
					holds = ino[i] == in;
		}
		closedir(fds);
		if (!holds)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/task", pid);
		unsigned t = entries(path);
		e->looked = true;
		e->procs++;
		if (t > e->threads)
			e->threads = t;
		if (!e->pid)
			e->pid = pid;
	}
	closedir(proc);
}

/* ---- the lab ---- */

static void lab(struct chal_run *r)
{
	struct evloop *e = r->priv;
	e->stuck = -1;
	for (unsigned i = 0; i < NCONN; i++) {
		struct ev_conn *c = &e->c[i];
		c->len[0] = (size_t)snprintf(c->msg[0], MSG_MAX, "hello from client %u\n", i + 1);
		c->len[1] = (size_t)snprintf(c->msg[1], MSG_MAX, "and again from client %u\n", i + 1);
		c->fd = i == 0 ? chal_await_server(r, &e->listed, &c->lport, &c->err)
		               : chal_connect(r, IO_MS, &c->lport, &c->err);
		if (c->fd < 0)
			break;
		e->nconn++;
		if (send(c->fd, c->msg[0], c->len[0], MSG_NOSIGNAL) < 0)
			c->err = errno;
		if (!round_echoes(r, e, 0))
			goto out;
		if (c->got[0] < c->len[0] || c->ended || c->wrong) {
			e->stuck = (int)i;
			goto out;
		}
	}
	if (e->nconn < NCONN)
		goto out;
	look(r, e);
	/* the second round: each message in two halves, the halves in orders of their own */
	for (int half = 0; half < 2; half++)
		for (unsigned k = 0; k < NCONN; k++) {
			struct ev_conn *c = &e->c[half ? NCONN - 1 - (k * STEP) % NCONN : (k * STEP) % NCONN];
			size_t cut = c->len[1] / 2, off = half ? cut : 0, n = half ? c->len[1] - cut : cut;
			if (!c->ended && send(c->fd, c->msg[1] + off, n, MSG_NOSIGNAL) < 0)
				drain(c, 1, 1);
		}
	if (!round_echoes(r, e, 1))
		goto out;
	/* the lab's FIN on all, then the server's close of each */
	for (unsigned i = 0; i < NCONN; i++)
		shutdown(e->c[i].fd, SHUT_WR);
	int64_t until = clock_ms() + IO_MS;
	for (unsigned i = 0; i < NCONN; i++) {
		struct ev_conn *c = &e->c[i];
		while (!c->ended && chal_readable(r, c->fd, until))
			drain(c, 1, 2);
	}
out:
	for (unsigned i = 0; i < e->nconn; i++)
		close(e->c[i].fd);
}

/* ---- the judge ---- */

/* The packet that carried the server's echo on connection c (its first
 * data segment to the lab's port), as "packet N", or "". */
static void echo_packet(const struct chal_run *r, const struct ev_conn *c, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < r->npkts; i++)
		if (r->pkts[i].from_learner && r->pkts[i].info.tcp && r->pkts[i].info.dport == c->lport &&
		    r->pkts[i].info.payload_len) {
			snprintf(out, n, "packet %zu", i + 1);
			return;
		}
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct evloop *e = r->priv;
	char prog[128];
	chal_program_end(r, prog, sizeof prog);
	const char *sep = prog[0] ? "; " : "";
	if (!chal_judge_reached(r, e->listed, e->nconn ? 0 : e->c[0].err, v))
		return;
	if (e->stuck == 0) {
		const struct ev_conn *c = &e->c[0];
		verdict_add(v, false, "connection 1 %s: send back what each recv() returns%s%s", c->ended ? (c->reset ?
		            "was reset before its echo came" : "was closed before its echo came") : c->wrong ?
		            "got back something else than it sent" : "got no echo in 3 s", sep, prog);
		return;
	}
	if (e->stuck > 0) {
		const struct ev_conn *c = &e->c[e->stuck];
		char ev[32];
		echo_packet(r, &e->c[0], ev, sizeof ev);
		char before[48] = "connection 1 was";
		if (e->stuck > 1)
			snprintf(before, sizeof before, "connections 1 to %d were", e->stuck);
		if (c->ended || c->wrong)
			verdict_add(v, false, "connection %d %s while %s open%s%s", e->stuck + 1, c->wrong ? "got back "
			            "something else than it sent" : c->reset ? "was reset" : "was closed", before, sep, prog);
		else
			verdict_add(v, false, "connection %d got no echo in %d s while connection 1 was open (its echo came at "
			            "once%s%s): your server serves one client at a time, waiting in recv() on one connection "
			            "while the next ones wait. Wait on all the sockets at once: select(), poll() or epoll (selectors "
			            "or asyncio in Python), and read only the ones that are ready", e->stuck + 1, IO_MS / 1000,
			            ev[0] ? ", " : "", ev);
		return;
	}
	if (e->nconn < NCONN) {
		const struct ev_conn *c = &e->c[e->nconn];
		verdict_add(v, false, "connection %u of %d could not connect (%s) while %u were open%s%s", e->nconn + 1,
		            NCONN, c->err == ETIMEDOUT ? "not accepted in 3 s" : strerror(c->err), e->nconn, sep, prog);
		return;
	}
	verdict_add(v, true, "all %d connections were answered, each while the ones before it were held open", NCONN);
	if (!e->looked)
		verdict_note(v, "the lab could not see which process holds your server's sockets (/proc/PID/fd): check "
		             "that it serves everyone from one thread of one process");
	else if (e->procs > 1)
		verdict_add(v, false, "%u processes held your server's sockets while %d clients were connected: a process "
		            "per client (fork()). The task is one process with one thread: an event loop (select(), "
		            "poll(), epoll; selectors or asyncio in Python)", e->procs, NCONN);
	else if (e->threads > 1)
		verdict_add(v, false, "your server (process %ld) ran %u threads while %d clients were connected "
		            "(/proc/%ld/task): a thread per client. The task is one thread: an event loop (select(), "
		            "poll(), epoll; selectors or asyncio in Python) that waits on all sockets at once", e->pid,
		            e->threads, NCONN, e->pid);
	else
		verdict_add(v, true, "it did so with one thread of one process (process %ld, /proc/%ld/task)", e->pid,
		            e->pid);
	unsigned missing = 0, ended = 0, wrong = 0, open = 0;
	int first = -1;
	for (unsigned i = 0; i < NCONN; i++) {
		const struct ev_conn *c = &e->c[i];
		bool bad = c->got[1] < c->len[1] || c->wrong || (c->ended && c->end_round < 2);
		missing += c->got[1] < c->len[1];
		wrong += c->wrong;
		ended += c->ended && c->end_round < 2;
		open += !c->ended && !bad;
		if (bad && first < 0)
			first = (int)i;
	}
	if (first < 0)
		verdict_add(v, true, "the second round, each message in two halves sent in an order of the lab's over "
		            "all %d connections, came back whole on each", NCONN);
	else
		verdict_add(v, false, "in the second round (each message in two halves, interleaved over all %d "
		            "connections), %u got no whole echo, %u got other bytes and %u were ended by your server; the "
		            "first is connection %d: keep every connection in the loop until its client closes%s%s", NCONN,
		            missing, wrong, ended, first + 1, sep, prog);
	if (first < 0 && open)
		verdict_add(v, false, "%u connections were still open %d s after the lab's FIN: when recv() returns 0, "
		            "close() that connection (and take it out of the loop)", open, IO_MS / 1000);
	else if (first < 0)
		verdict_add(v, true, "it closed each of the %d connections after the lab's FIN", NCONN);
}

const struct chal_kind kind_event_loop = {
	.name = "event-loop", .learner = "server",
	.params = NULL, .priv_size = sizeof(struct evloop),
	.lab = lab, .judge = judge,
};
