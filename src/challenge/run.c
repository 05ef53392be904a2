/*
 * run.c — one challenge run (see run.h).
 *
 * Order: open the capture (before any thread: without privilege the process
 * moves into a namespace of its own, where the learner's program must then
 * be started with --run), start the lab's side, set the capture filter to
 * its port, capture, run or wait for the learner's program, let the lab's
 * side finish, stop the capture, decode every packet, judge.
 *
 * A client ends by itself; a server runs until it is stopped.  So when the
 * learner writes a server (kind->learner "server"), its program is stopped
 * DONE_GRACE_MS after the lab's side reports done() -- the grace lets it
 * finish closing the last connection -- and that is reported as what
 * happens to every server, not as a fault.
 */
#include "challenge/run.h"

#include "common/clock.h"
#include "common/thread.h"
#include "common/proc.h"
#include "common/mem.h"
#include "inspect/live.h"
#include "inspect/view.h"
#include "lesson/progress.h"
#include "trace/trace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SETTLE_MS 300          /* after the program: the last FIN/ACK or RST reach the capture */
#define PRINT_MAX 80           /* packet lines printed at most */
#define LAB_FINISH_MS 3000     /* after the program: the lab's side finishes its session */
#define DONE_GRACE_MS 300      /* a server's time between the lab's done() and its stop */
#define PORTS_MS 50            /* how often the learner's sockets are looked up while it runs */
#define SERVER_GONE_MS 500     /* after a server's program: the lab reads what its end left in the sockets */
/* A program's start is not its own time: an interpreter's start-up (2.5 s
 * through pyenv's shims here, more on a loaded machine, and slower traced:
 * its many reads are stops of the tracer's too) would eat its seconds.  So
 * they count from its first call the tracer shows (untraced: its first
 * socket seen), or from this long after its start if that is sooner.
 * Every lab side times what it waits for from the program's calls, so
 * the program's stop still comes before the lab gives up. */
#define TRACE_SLACK_MS 10000

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000L }, NULL);
}

/* "... {port} ..." with the run's values. */
static void expand(const char *in, const struct chal_run *r, char *out, size_t n)
{
	size_t k = 0;
	while (*in && k + 1 < n) {
		if (!strncmp(in, "{port}", 6)) {
			k += (size_t)snprintf(out + k, n - k, "%u", r->port);
			in += 6;
		} else if (!strncmp(in, "{host}", 6)) {
			k += (size_t)snprintf(out + k, n - k, "%s", r->host);
			in += 6;
		} else {
			out[k++] = *in++;
		}
		if (k >= n)
			k = n - 1;
	}
	out[k] = '\0';
}

static void print_block(FILE *out, const char *text, const struct chal_run *r)
{
	char line[1200];
	const char *p = text;
	while (p && *p) {
		size_t l = strcspn(p, "\n");
		char raw[1024];
		snprintf(raw, sizeof raw, "%.*s", (int)l, p);
		expand(raw, r, line, sizeof line);
		fprintf(out, "  %s\n", line);
		p += l + (p[l] == '\n');
	}
}

/* One read of the program's standard output into r->out (what does not
 * fit is dropped); read's result. */
static ssize_t take_output(struct chal_run *r, int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	for (ssize_t i = 0; i < n && r->nout + 1 < sizeof r->out; i++)
		r->out[r->nout++] = buf[i];
	return n;
}

/* The lab's side on a thread of its own: the one copy of the wake pipe,
 * the thread and the done flag that every kind needs. */
struct lab_side {
	const struct chal_kind *k;
	struct chal_run *r;
	int wake[2];
	pthread_t thread;
	bool started;
	atomic_bool done;
};

static void *side_main(void *arg)
{
	struct lab_side *s = arg;
	s->k->lab(s->r);
	atomic_store(&s->done, true);
	return NULL;
}

static int side_start(struct lab_side *s, char *err, size_t errlen)
{
	if (pipe2(s->wake, O_CLOEXEC) < 0) {
		s->wake[0] = s->wake[1] = -1;
		snprintf(err, errlen, "starting the lab's side: %s", strerror(errno));
		return -1;
	}
	s->r->wake = s->wake[0];
	if (thread_start(&s->thread, side_main, s, "the lab's side", err, errlen) < 0)
		return -1;
	s->started = true;
	return 0;
}

/* The lab's side has finished with the learner. */
static bool side_done(struct lab_side *s)
{
	return !s->started || atomic_load(&s->done);
}

/* Wake it, wait for its thread, close the pipe; idempotent. */
static void side_stop(struct lab_side *s)
{
	if (s->started) {
		ssize_t w = write(s->wake[1], "x", 1);
		(void)w;
		pthread_join(s->thread, NULL);
		s->started = false;
	}
	for (int i = 0; i < 2; i++)
		if (s->wake[i] >= 0)
			close(s->wake[i]);
	s->wake[0] = s->wake[1] = -1;
}

/* The lab's socket of a kind that serves, or the port of the learner's server. */
static int serve_socket(const struct chal_kind *k, struct chal_run *r, char *err, size_t errlen)
{
	if (!strcmp(k->learner, "server"))
		return chal_pick_port(r, err, errlen);
	if (!k->serves)
		return 0;
	uint16_t port = 0;
	if ((r->lfd = chal_bind(r->family, k->serves, &port, err, errlen)) < 0)
		return -1;
	r->port = port;
	return 0;
}

static void run_init(struct chal_run *r, struct lab_side *side, const struct challenge *c)
{
	*r = (struct chal_run){ .c = c, .family = c->family, .wake = -1, .lfd = -1 };
	snprintf(r->host, sizeof r->host, "%s", c->family == 6 ? "::1" : "127.0.0.1");
	*side = (struct lab_side){ .k = c->k, .r = r, .wake = { -1, -1 } };
}

/* The kind's state, its socket or port, its setup, its lab side running. */
static int run_start(struct chal_run *r, struct lab_side *side, char *err, size_t errlen)
{
	const struct chal_kind *k = r->c->k;
	r->priv = xcalloc(1, k->priv_size);
	if (serve_socket(k, r, err, errlen) < 0 || (k->setup && k->setup(r, err, errlen) < 0))
		return -1;
	return side_start(side, err, errlen);
}

/* Is port one of the run's: the lab's, one of the learner's program's
 * sockets, or one the other end of a captured TCP or UDP packet used (the
 * filter lets only those of the lab's port in)? */
static bool run_port(const struct chal_run *r, uint16_t port)
{
	if (port == r->port || chal_learner_port(r, port))
		return true;
	for (size_t i = 0; i < r->npkts; i++) {
		const struct pkt_info *p = &r->pkts[i].info;
		if (!p->icmp && p->has_ports && (p->sport == r->port || p->dport == r->port) &&
		    (p->sport == port || p->dport == port))
			return true;
	}
	return false;
}

/* The capture filter takes every ICMP on lo ("or icmp or icmp6": an error
 * about the run's packets has no ports of its own), so another program's
 * would be blamed on the learner.  Kept: the errors that quote a packet of
 * the run's ports, the learner's own among them (its datagram to a wrong
 * port); the rest goes, before anything is numbered or judged. */
static void keep_run_packets(struct chal_run *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->npkts; i++) {
		const struct pkt_info *p = &r->pkts[i].info;
		const struct pkt_quote *q = &p->quote;
		bool ours = !p->icmp || (q->valid && q->has_ports && (run_port(r, q->sport) || run_port(r, q->dport)));
		if (ours)
			r->pkts[k++] = r->pkts[i];
	}
	r->npkts = k;
}

static void mark_by_stop(struct chal_run *r)
{
	keep_run_packets(r);
	for (size_t i = 0; i < r->npkts; i++)
		r->pkts[i].by_stop = r->pkts[i].from_learner && r->stop_ms && r->pkts[i].ts_ns >= r->stop_ns;
}

/* Does a finding say said (not followed by a digit: "status 1" is not "status 12")? */
static bool verdict_says(const struct verdict *v, const char *said)
{
	size_t l = strlen(said);
	for (size_t i = 0; i < v->n; i++)
		for (const char *p = v->f[i].text; (p = strstr(p, said)); p += l)
			if (p[l] < '0' || p[l] > '9')
				return true;
	return false;
}

/* How the learner's program ended is in every verdict: a crash after the
 * work was done on the wire is still a program that failed.  Said here
 * unless the kind said it already (an exit status a kind expects, as a
 * client that reports a timeout with status 1, is its to judge).  A server
 * that the lab stopped when it had finished is what every server gets. */
static void judge_end(const struct chal_run *r, struct verdict *v)
{
	if (!r->ran)
		return;
	char said[32];
	if (r->exited && WIFEXITED(r->status)) {
		if (!WEXITSTATUS(r->status))
			return;
		snprintf(said, sizeof said, "status %d", WEXITSTATUS(r->status));
		if (!verdict_says(v, said))
			verdict_add(v, false, "your program exited with %s after %.2f s: it failed (its error output, if "
			            "any, is above); a program that did its work exits with status 0", said, r->seconds);
	} else if (r->exited) {
		snprintf(said, sizeof said, "signal %d", WTERMSIG(r->status));
		if (!verdict_says(v, said))
			verdict_add(v, false, "your program was killed by %s (%s) after %.2f s", said,
			            strsignal(WTERMSIG(r->status)), r->seconds);
	} else if (!strcmp(r->c->k->learner, "client") && !verdict_says(v, "stopped")) {
		verdict_add(v, false, "your program was still running after %.0f s and was stopped by the lab: a client "
		            "ends by itself when its work is done", r->seconds);
	}
}

/* Every failing finding that cites a packet of the learner's that a
 * traced call sent, and names no call yet (a kind's own evidence is
 * quoted in backticks), gets that call: "... (packet 6: line 12
 * `s.sendall(req)`)".  The kinds cite packets for their evidence; this
 * puts the learner's line beside them. */
static void name_calls(const struct chal_run *r, struct verdict *v)
{
	for (size_t i = 0; r->ncalls && i < v->n; i++) {
		char *t = v->f[i].text;
		if (v->f[i].ok || strchr(t, '`'))
			continue;
		/* of the packets cited, the one that ends the connection says most (an RST, then a FIN) */
		const struct chal_call *best = NULL;
		size_t best_no = 0;
		int best_rank = 0;
		for (const char *p = t; (p = strstr(p, "packet ")); p += 7) {
			size_t no = strtoul(p + 7, NULL, 10);
			const struct chal_call *c = no && no <= r->npkts && r->pkts[no - 1].from_learner ?
			                            chal_call_of_packet(r, no - 1) : NULL;
			uint8_t fl = c ? r->pkts[no - 1].info.tcp_flags : 0;
			int rank = !c ? 0 : (fl & TCPF_RST) ? 3 : (fl & TCPF_FIN) ? 2 : 1;
			if (rank > best_rank)
				best = c, best_no = no, best_rank = rank;
		}
		if (best) {
			char said[200];
			chal_call_said(best, said, sizeof said);
			size_t l = strlen(t);
			snprintf(t + l, sizeof v->f[i].text - l, " (packet %zu: %s)", best_no, said);
		}
	}
}

/* The kind's judgement; passed when it found something and nothing failed.
 * Returns how many findings failed. */
static size_t judge(struct chal_run *r, struct verdict *v)
{
	*v = (struct verdict){ .pass = true };
	mark_by_stop(r);
	r->c->k->judge(r, v);
	name_calls(r, v);
	judge_end(r, v);
	size_t failed = 0, held = 0;
	for (size_t i = 0; i < v->n; i++) {
		failed += !v->f[i].ok;
		held += v->f[i].ok && !v->f[i].note;
	}
	v->pass = held > 0 && failed == 0;
	return failed;
}

/* What a run holds: its lab side stopped, then everything freed. */
static void release_run(struct chal_run *r, struct lab_side *side)
{
	const struct chal_kind *k = r->c->k;
	side_stop(side);
	if (r->priv && k->free)
		k->free(r);
	free(r->priv);
	r->priv = NULL;
	if (r->lfd >= 0)
		close(r->lfd);
	r->lfd = -1;
	free(r->pkts);
	r->pkts = NULL;
	free(r->calls);
	r->calls = NULL;
	r->ncalls = 0;
}

/* The moment the lab stops the program, on both clocks: what the kernel
 * sends for it from then on (the FIN or RST of its sockets' close) is the
 * stop's, not the program's.  Taken before the signal, so nothing the stop
 * caused can carry an earlier time. */
static void mark_stop(struct chal_run *r)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);   /* the clock pcap stamps packets with */
	r->stop_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	r->stop_ms = clock_ms();
}

/* ---- the learner's own ports ---- */

#define MAX_INODES 64

/* The socket inodes of the processes in group pgid, into ino (at most max). */
static size_t group_sockets(pid_t pgid, unsigned long *ino, size_t max)
{
	size_t n = 0;
	DIR *proc = opendir("/proc");
	if (!proc)
		return 0;
	struct dirent *e;
	while (n < max && (e = readdir(proc))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (pid <= 0 || *end)
			continue;
		char path[64], stat[512];
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;   /* it ended meanwhile */
		size_t l = fread(stat, 1, sizeof stat - 1, f);
		fclose(f);
		stat[l] = '\0';
		/* the name in parentheses may hold anything: the fields after its last ')' */
		const char *rp = strrchr(stat, ')');
		int ppid, grp;
		if (!rp || sscanf(rp + 1, " %*c %d %d", &ppid, &grp) != 2 || grp != pgid)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/fd", pid);
		DIR *fds = opendir(path);
		if (!fds)
			continue;
		struct dirent *d;
		while (n < max && (d = readdir(fds))) {
			char link[80], target[64];
			snprintf(link, sizeof link, "%s/%s", path, d->d_name);
			ssize_t tl = readlink(link, target, sizeof target - 1);
			if (tl <= 0)
				continue;
			target[tl] = '\0';
			unsigned long i;
			if (sscanf(target, "socket:[%lu]", &i) == 1)
				ino[n++] = i;
		}
		closedir(fds);
	}
	closedir(proc);
	return n;
}

/* The local ports of the sockets of the learner's program (its process
 * group: sh and what it started) that are not in r->lports yet, from the
 * kernel's tables of this network namespace (the program's, with --run).
 * Why: an ICMP error quotes the learner's datagram by its ports, and one
 * to a wrong port has nothing of the lab's port in it; without the
 * learner's own source port it could not be told from another program's. */
/* Returns how many sockets the group holds. */
static size_t note_ports(struct chal_run *r, pid_t pgid)
{
	unsigned long ino[MAX_INODES];
	size_t n = group_sockets(pgid, ino, MAX_INODES);
	static const char *const tables[] = { "/proc/net/udp", "/proc/net/udp6", "/proc/net/tcp", "/proc/net/tcp6" };
	for (size_t t = 0; n && t < sizeof tables / sizeof tables[0]; t++) {
		FILE *f = fopen(tables[t], "r");
		if (!f)
			continue;
		char line[512];
		while (fgets(line, sizeof line, f) && r->nlports < CHAL_MAX_LPORTS) {
			unsigned port;
			unsigned long in;
			if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %*x %*x:%*x %*x:%*x %*x %*u %*d %lu",
			           &port, &in) != 2 || !port)
				continue;
			for (size_t i = 0; i < n; i++)
				if (ino[i] == in && !chal_learner_port(r, (uint16_t)port))
					r->lports[r->nlports++] = (uint16_t)port;
		}
		fclose(f);
	}
	return n;
}

/* How the learner's program ended. */
enum prog_end { PROG_EXITED, PROG_TIMED_OUT, PROG_SERVER_STOPPED };

/* The learner's program: sh -c CMD in a process group of its own, stdout
 * into r->out, stdin from /dev/null; at most seconds (from its first
 * socket, see TRACE_SLACK_MS), then TERM, KILL.  With
 * server (the kind, when the learner writes a server): also stopped
 * DONE_GRACE_MS after the lab's side has finished. */
static enum prog_end run_program(struct chal_run *r, const char *cmd, int seconds, struct lab_side *server)
{
	enum prog_end end = PROG_TIMED_OUT;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return end;
	char port[32], host[80];
	snprintf(port, sizeof port, "SOCKSCOPE_PORT=%u", r->port);
	snprintf(host, sizeof host, "SOCKSCOPE_HOST=%s", r->host);
	int64_t t0 = clock_ms(), done_at = -1, noted = -PORTS_MS, sock_ms = 0;
	pid_t pid = proc_spawn(cmd, pfd[1], PROC_KEEP, (const char *const[]){ port, host, NULL });
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return end;
	}
	r->ran = true;
	bool eof = false;
	for (;;) {
		/* its seconds from its first socket (TRACE_SLACK_MS) */
		int64_t from = sock_ms && sock_ms < t0 + TRACE_SLACK_MS ? sock_ms : t0 + TRACE_SLACK_MS;
		int64_t now = clock_ms(), left = from + seconds * 1000 - now;
		if (server && done_at < 0 && side_done(server))
			done_at = now;
		if (!eof) {
			struct pollfd p = { .fd = pfd[0], .events = POLLIN };
			int ms = left > 100 ? 100 : left > 0 ? (int)left : 0;
			if (done_at >= 0 && ms > 20)
				ms = 20;
			if (poll(&p, 1, ms) > 0) {
				if (take_output(r, pfd[0]) <= 0)
					eof = true;
			}
		} else {
			sleep_ms(10);
		}
		if (clock_ms() - noted >= PORTS_MS) {
			if (note_ports(r, pid) && !sock_ms)
				sock_ms = clock_ms();
			noted = clock_ms();
		}
		if (waitpid(pid, &r->status, WNOHANG) == pid) {
			r->exited = true;
			r->end_ms = clock_ms();
			end = PROG_EXITED;
			break;
		}
		if (done_at >= 0 && clock_ms() - done_at >= DONE_GRACE_MS) {
			mark_stop(r);
			r->status = proc_stop(pid);
			end = PROG_SERVER_STOPPED;
			break;
		}
		if (left <= 0) {
			mark_stop(r);
			r->status = proc_stop(pid);
			break;
		}
	}
	kill(-pid, SIGKILL);   /* what it left running in the background */
	int64_t from = sock_ms && sock_ms < t0 + TRACE_SLACK_MS ? sock_ms : t0;
	r->seconds = (double)(clock_ms() - from) / 1000;
	/* What it wrote just before it ended is still in the pipe (the loop
	 * reads at most one buffer a round and stops when the program has
	 * exited).  Non-blocking: a descendant outside the group may hold the
	 * write end open. */
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	while (take_output(r, pfd[0]) > 0)
		;
	r->out[r->nout] = '\0';
	close(pfd[0]);
	return end;
}

/* ---- the learner's program under the tracer ---- */

/* The command as words when it needs no shell (no quotes, variables,
 * redirections, globs...): so a Python script is seen as one, and its
 * calls get its lines (trace.h: Python's line runner).  Else sh -c CMD,
 * traced through its fork and exec: calls without Python's lines. */
static char **command_argv(const char *cmd, char *buf, size_t n)
{
	static const char shell[] = "'\"\\$`|&;<>()*?[]{}~#=!\n";
	size_t words = 0;
	snprintf(buf, n, "%s", cmd);
	bool plain = !strpbrk(cmd, shell) && strlen(cmd) < n;
	for (const char *p = buf; plain && *p; p++)
		words += (p == buf || p[-1] == ' ' || p[-1] == '\t') && *p != ' ' && *p != '\t';
	if (!plain || !words) {
		char **argv = xcalloc(4, sizeof *argv);
		argv[0] = "sh", argv[1] = "-c", argv[2] = buf;
		return argv;
	}
	char **argv = xcalloc(words + 1, sizeof *argv);
	size_t k = 0;
	for (char *save, *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		argv[k++] = tok;
	return argv;
}

/* What watches a traced program from beside the tracer (which is busy in
 * trace_step): its output, its sockets, its time, a server's end. */
struct watcher {
	struct chal_run *r;
	struct trace *t;
	struct lab_side *server;       /* the lab's side when the learner writes a server */
	int out;                       /* the read end of the program's stdout */
	int64_t t0;
	int seconds;
	int64_t exit_ms;               /* when its first process ended (its pidfd: before the tracer's end) */
	int64_t first_ms;              /* when the tracer first showed one of its calls */
	atomic_bool quit;
	enum { W_RUNNING, W_TIMED_OUT, W_SERVER_STOPPED } why;   /* why it stopped the program */
};

static void *watch_main(void *arg)
{
	struct watcher *w = arg;
	int64_t done_at = -1, noted = -PORTS_MS;
	int pidfd = -1;
	size_t seen = 0;           /* the tracer's events looked at for its first call */
	while (!atomic_load(&w->quit)) {
		struct pollfd p[2] = { { .fd = w->out, .events = POLLIN }, { .fd = w->exit_ms ? -1 : pidfd, .events = POLLIN } };
		if (poll(p, 2, 20) > 0) {
			if (p[0].revents && take_output(w->r, w->out) <= 0)
				sleep_ms(10);
			if (p[1].revents)
				w->exit_ms = clock_ms();   /* its time ends here, not when the tracer has finished */
		}
		pid_t pid = trace_pid(w->t);
		if (pid > 0 && pidfd < 0)
			pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pid > 0 && clock_ms() - noted >= PORTS_MS) {
			note_ports(w->r, pid);
			noted = clock_ms();
		}
		if (w->why != W_RUNNING || w->exit_ms)
			continue;   /* stopped, or ended: the tracer is finishing */
		int64_t now = clock_ms();
		if (w->server && done_at < 0 && side_done(w->server))
			done_at = now;
		for (size_t n = trace_event_count(w->t); !w->first_ms && seen < n; seen++) {
			const struct trace_event *ev = trace_event_at(w->t, seen);
			if (ev && ev->kind == TRACE_EV_CALL)
				w->first_ms = now;
		}
		int64_t from = w->t0 + TRACE_SLACK_MS;
		if (w->first_ms && w->first_ms < from)
			from = w->first_ms;
		if ((done_at >= 0 && now - done_at >= DONE_GRACE_MS) || now >= from + w->seconds * 1000) {
			w->why = done_at >= 0 ? W_SERVER_STOPPED : W_TIMED_OUT;
			mark_stop(w->r);   /* before the kill: what it makes the kernel send is the stop's */
			trace_cancel(w->t);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return NULL;
}

/* A traced run: the trace and what its options borrow, until the calls
 * are taken (take_calls) and the trace closed (traced_close). */
struct traced {
	struct trace *t;
	struct trace_options o;
	char **argv;
	char words[2048];
	char port[32], host[80];
	const char *env[3];
	FILE *notes;               /* the engine's notes (its capture, Python's runner): not the learner's business */
	char *src, *src_path;      /* the source file last read for a call's line */
	size_t src_len;
};

static void traced_close(struct traced *tp)
{
	trace_close(tp->t);
	if (tp->notes)
		fclose(tp->notes);
	free(tp->argv);
	free(tp->src);
	free(tp->src_path);
	*tp = (struct traced){ 0 };
}

/* Run the learner's program under the tracer (the thread calling this is
 * its tracer) to its end, as run_program does without: true with the
 * trace in tp (its events kept), or false when it could not be traced
 * (why in r->untraced: it is run untraced then). */
static bool run_traced(struct chal_run *r, const char *cmd, int seconds, bool capture, struct lab_side *server,
                       enum prog_end *end, struct traced *tp)
{
	snprintf(tp->port, sizeof tp->port, "SOCKSCOPE_PORT=%u", r->port);
	snprintf(tp->host, sizeof tp->host, "SOCKSCOPE_HOST=%s", r->host);
	tp->env[0] = tp->port, tp->env[1] = tp->host, tp->env[2] = NULL;
	tp->argv = command_argv(cmd, tp->words, sizeof tp->words);
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(r->untraced, sizeof r->untraced, "%s", strerror(errno));
		return false;
	}
	tp->o = (struct trace_options){ .argv = tp->argv, .timeout_s = seconds + TRACE_SLACK_MS / 1000.0 + 5, .family = r->family,
	                                .capture = capture ? CAPTURE_WANT_HOST : CAPTURE_WANT_NONE,
	                                .keep_events = true, .out_fd = pfd[1], .env = tp->env };
	tp->notes = fopen("/dev/null", "we");
	int rc;
	tp->t = tp->notes ? trace_open(&tp->o, NULL, tp->notes, &rc) : NULL;
	struct watcher w = { .r = r, .t = tp->t, .server = server, .out = pfd[0], .t0 = clock_ms(), .seconds = seconds };
	pthread_t th;
	char err[256] = "the tracer could not start it";
	if (!tp->t || thread_start(&th, watch_main, &w, "the program's watcher", err, sizeof err) < 0) {
		snprintf(r->untraced, sizeof r->untraced, "%s", err);
		close(pfd[0]);
		close(pfd[1]);
		traced_close(tp);
		return false;
	}
	r->ran = true;
	const struct trace_event *ev;
	while ((ev = trace_step(tp->t, TRACE_TO_END, 0))->kind != TRACE_EV_END)
		;   /* a call waiting: the watcher keeps the time */
	atomic_store(&w.quit, true);
	pthread_join(th, NULL);
	r->exited = ev->status >= 0 && w.why == W_RUNNING;
	r->end_ms = r->exited && w.exit_ms ? w.exit_ms : r->stop_ms ? r->stop_ms : clock_ms();
	/* its time as it counts (from its first call: its start under the tracer is not its own) */
	r->seconds = (double)(r->end_ms - (w.first_ms && w.first_ms < w.t0 + TRACE_SLACK_MS ? w.first_ms : w.t0)) / 1000;
	if (w.why == W_TIMED_OUT)
		r->seconds = seconds;
	r->status = ev->status >= 0 ? ev->status : W_EXITCODE(0, SIGKILL);
	*end = w.why == W_SERVER_STOPPED ? PROG_SERVER_STOPPED : r->exited ? PROG_EXITED : PROG_TIMED_OUT;
	if (!r->exited && !r->stop_ms)
		mark_stop(r);
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	while (take_output(r, pfd[0]) > 0)
		;
	r->out[r->nout] = '\0';
	close(pfd[0]);
	r->traced = true;
	return true;
}

/* Line n of a source file, trimmed ("close(fd);" -> "close(fd)"), into out. */
static void source_line(struct traced *tp, const char *path, int n, char *out, size_t len)
{
	out[0] = '\0';
	if (!path[0] || n <= 0)
		return;
	if (!tp->src_path || strcmp(tp->src_path, path)) {
		free(tp->src);
		free(tp->src_path);
		tp->src = trace_text_source(path, &tp->src_len);
		tp->src_path = xstrdup(path);
	}
	const char *p = tp->src, *end = tp->src + tp->src_len;
	for (int i = 1; p && i < n; i++) {
		p = memchr(p, '\n', (size_t)(end - p));
		p = p ? p + 1 : NULL;
	}
	if (!p)
		return;
	p += strspn(p, " \t");
	size_t l = strcspn(p, "\n");
	/* a comment after the code is not the call */
	for (size_t i = 1; i + 1 < l; i++)
		if ((p[i - 1] == ' ' || p[i - 1] == '\t') &&
		    ((p[i] == '/' && (p[i + 1] == '*' || p[i + 1] == '/')) || (p[i] == '#' && strstr(path, ".py")))) {
			l = i;
			break;
		}
	while (l && strchr(" \t\r;{", p[l - 1]))
		l--;
	if (l + 4 > len)
		snprintf(out, len, "%.*s...", (int)(len - 4), p);
	else
		snprintf(out, len, "%.*s", (int)l, p);
}

/* Is captured packet q the frame f the tracer saw (the same packet, seen
 * by the two captures)? */
static bool same_packet(const struct chal_packet *q, const struct pkt_info *f, int64_t ns)
{
	int64_t d = q->ts_ns - ns;
	return d < 2000000 && d > -2000000 && q->info.ip_proto == f->ip_proto && q->info.sport == f->sport &&
	       q->info.dport == f->dport && q->info.payload_len == f->payload_len &&
	       (!f->tcp || (q->info.tcp_flags == f->tcp_flags && q->info.seq == f->seq && q->info.ack == f->ack));
}

/* The traced calls into r->calls, each with the packets of its window
 * found among the run's (the two captures see the same packets). */
static void take_calls(struct chal_run *r, struct traced *tp)
{
	struct trace *t = tp->t;
	size_t n = trace_event_count(t), k = 0, from = 0;
	r->calls = xcalloc(n ? n : 1, sizeof *r->calls);
	int linktype = trace_linktype(t);
	for (size_t i = 0; i < n; i++) {
		const struct trace_event *ev = trace_event_at(t, i);
		if (!ev || ev->kind != TRACE_EV_CALL || !ev->call)
			continue;
		struct chal_call *c = &r->calls[k++];
		snprintf(c->name, sizeof c->name, "%s", ev->call);
		snprintf(c->text, sizeof c->text, "%s", ev->text);
		c->line = ev->line;
		source_line(tp, ev->path, ev->line, c->src, sizeof c->src);
		c->pid = ev->pid;
		const char *a = strchr(ev->text, '(');
		char *e;
		long fd = a ? strtol(a + 1, &e, 10) : -1;
		c->fd = a && e != a + 1 && *e == '<' ? (int)fd : -1;
		c->ret = ev->ret;
		c->is_error = ev->is_error;
		c->unfinished = ev->unfinished;
		c->waited_ms = ev->waited_ms;
		for (size_t j = 0; j < ev->npk && c->npk < CHAL_CALL_PKTS && linktype >= 0; j++) {
			const struct trace_packet *p = &ev->pk[j];
			if (p->kind != TRACE_PK_CALL || !p->data)
				continue;
			struct dissection d;
			dissect_frame(linktype, p->data, p->caplen, p->wirelen, &d);
			size_t start = from > 64 ? from - 64 : 0;
			for (size_t q = start; q < r->npkts; q++)
				if (same_packet(&r->pkts[q], &d.info, p->ns)) {
					c->pk[c->npk++] = q;
					from = q;
					break;
				}
			dissection_free(&d);
		}
	}
	r->ncalls = k;
}

/* Packet i of the run, decoded from a frame (the payload points into data,
 * which must outlive the run). */
static void add_frame(struct chal_run *r, struct flowtab *ft, const struct capfile *cf,
                      const struct capfile_packet *p, int64_t prev)
{
	struct dissection d;
	char summary[512];
	dissect_frame(p->linktype, p->data, p->caplen, p->wirelen, &d);
	dissect_summary(&d, ft, summary, sizeof summary);
	struct chal_packet *q = &r->pkts[r->npkts++];
	q->ts_ns = p->ts_ns;
	q->info = d.info;
	bool client = !strcmp(r->c->k->learner, "client");
	q->from_learner = d.info.has_ports && (client ? d.info.dport == r->port : d.info.sport == r->port);
	if (d.info.payload_caplen && d.info.payload_off + d.info.payload_caplen <= p->caplen)
		q->payload = p->data + d.info.payload_off;
	if (cf)
		inspect_line(cf, p, &d, summary, INSPECT_TIME_REL, prev, q->line, sizeof q->line);
	else
		snprintf(q->line, sizeof q->line, "%s", summary);
	dissection_free(&d);
}

/* Every captured packet, decoded, as the judges read them. */
static void collect(struct chal_run *r, struct capfile *cf)
{
	while (capfile_index_step(cf, 65536) == CAPFILE_SCANNING)
		;
	uint64_t n = capfile_count(cf);
	r->pkts = xcalloc(n, sizeof *r->pkts);
	struct flowtab *ft = flowtab_new();
	int64_t prev = CAPFILE_NO_TIME;
	for (uint64_t i = 0; i < n; i++) {
		struct capfile_packet p;
		if (!capfile_packet(cf, i, &p))
			break;
		add_frame(r, ft, cf, &p, prev);   /* payloads valid while the capture file is open */
		prev = p.ts_ns;
	}
	flowtab_free(ft);
	r->captured = true;
}

struct result {
	const struct challenge *c;
	bool pass;
};

/* A challenge's entry: steps 1 of 1 once ever passed, quiz = this try
 * passed of how many tries. */
static void add_result(struct progress *p, void *arg)
{
	const struct result *r = arg;
	char id[80];
	snprintf(id, sizeof id, "challenge:%s", r->c->id);
	const struct progress_entry *e = progress_get(p, id);
	unsigned tries = e ? e->asked + 1 : 1, passed = (e && e->steps) || r->pass;
	progress_steps(p, id, passed, 1);
	progress_quiz(p, id, r->pass, tries);
}

static void save_result(const struct challenge *c, bool pass, FILE *out)
{
	char err[512];
	if (progress_update(add_result, &(struct result){ c, pass }, err, sizeof err) < 0)
		fprintf(out, "(progress not saved: %s)\n", err);
}

int challenge_run(const struct challenge *c, const struct chal_opts *o, FILE *out)
{
	const struct chal_kind *k = c->k;   /* known: challenge_load checked it */
	char err[1024];
	struct chal_run r;
	struct lab_side side;
	run_init(&r, &side, c);
	struct live *live = live_open("lo", o->want, "less 1", err, sizeof err);
	char nocap[1024] = "";
	if (!live)
		snprintf(nocap, sizeof nocap, "%s", err);
	if (run_start(&r, &side, err, sizeof err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err);
		release_run(&r, &side);
		live_close(live);
		return 2;
	}
	char bpf[128];
	snprintf(bpf, sizeof bpf, "port %u or icmp or icmp6", r.port);
	if (live && (live_set_filter(live, bpf, err, sizeof err) < 0 || live_start(live, err, sizeof err) < 0)) {
		snprintf(nocap, sizeof nocap, "%s", err);
		live_close(live);
		live = NULL;
	}
	bool client = !strcmp(k->learner, "client");
	fprintf(out, "challenge: %s (%s)\n", c->title, c->id);
	if (!o->quiet) {
		fprintf(out, "task:\n");
		print_block(out, c->task, &r);
	}
	fprintf(out, "the lab: %s %s port %u (IPv%d)\n", client ? "a server on" : "a client for your server on", r.host,
	        r.port, r.family);
	if (live && live_mode(live) == CAPTURE_NAMESPACE && !o->run)
		fprintf(out, "note: without the privilege to capture on the host's lo, sockscope runs in a network namespace "
		        "of its own: start your program with --run \"CMD\" so that it runs in there too\n");
	if (!live)
		fprintf(out, "capture: none (%s); judged from the lab's side only\n", nocap);
	enum prog_end how = PROG_EXITED;
	struct traced tp = { 0 };
	bool traced = false;
	if (o->run) {
		char cmd[2048];
		expand(o->run, &r, cmd, sizeof cmd);
		fprintf(out, "running: %s\n", cmd);
		fflush(out);
		/* under the tracer, so the judges see its calls too; where ptrace
		 * is refused, as before: judged from the wire.  A server is traced
		 * call by call, without each call's packets: their windows wait
		 * for the other end (the lab) to have read what a call sent, and a
		 * server of 50 clients (event-loop) then misses the lab's time. */
		char why[256];
		if (!trace_allowed(why, sizeof why))
			snprintf(r.untraced, sizeof r.untraced, "ptrace is refused: %s", why);
		else if (run_traced(&r, cmd, c->seconds, live != NULL && client, client ? NULL : &side, &how, &tp))
			traced = true;
		if (!traced)
			how = run_program(&r, cmd, c->seconds, client ? NULL : &side);
	} else {
		/* The task promises $SOCKSCOPE_HOST/PORT; only --run sets them. */
		fprintf(out, "$SOCKSCOPE_HOST and $SOCKSCOPE_PORT are set only with --run; in the terminal you run your "
		        "program from:\n  export SOCKSCOPE_HOST=%s SOCKSCOPE_PORT=%u\n", r.host, r.port);
		fprintf(out, "now run your program (waiting up to %d s; Ctrl-C gives up)\n", o->wait_seconds);
		fflush(out);
		int64_t end = clock_ms() + (int64_t)o->wait_seconds * 1000;
		while (!side_done(&side) && clock_ms() < end)
			sleep_ms(50);
	}
	/* a server that has ended has nobody left for the lab to talk to */
	int64_t end = clock_ms() + (o->run && !client ? SERVER_GONE_MS : LAB_FINISH_MS);
	while (!side_done(&side) && clock_ms() < end)
		sleep_ms(20);
	sleep_ms(SETTLE_MS);
	side_stop(&side);
	if (live) {
		live_stop(live);
		collect(&r, live_capfile(live));
	}
	if (traced) {
		mark_by_stop(&r);   /* the packets as judged, before calls point into them */
		take_calls(&r, &tp);
		traced_close(&tp);
	}

	if (r.ran) {
		if (r.exited && WIFEXITED(r.status))
			fprintf(out, "your program: exited with status %d after %.2f s\n", WEXITSTATUS(r.status), r.seconds);
		else if (r.exited)
			fprintf(out, "your program: killed by signal %d after %.2f s\n", WTERMSIG(r.status), r.seconds);
		else if (how == PROG_SERVER_STOPPED)
			fprintf(out, "your program: your server was stopped by the lab when it had finished, after %.2f s, "
			        "as servers run until stopped\n", r.seconds);
		else
			fprintf(out, "your program: still running after %d s: stopped\n", c->seconds);
		if (r.traced) {
			size_t lines = 0;
			for (size_t i = 0; i < r.ncalls; i++)
				lines += r.calls[i].line > 0;
			fprintf(out, "its calls: %zu seen by the tracer%s\n", r.ncalls, !r.ncalls ? "" : lines ?
			        ", with their lines" : " (without lines: build a C program with -g for them)");
		} else {
			fprintf(out, "its calls: not seen (%s): judged from the packets alone\n", r.untraced);
		}
		if (r.nout) {
			char q[300];
			chal_quote((const uint8_t *)r.out, r.nout, q, sizeof q);
			fprintf(out, "its output: %s\n", q);
		}
	}
	if (r.captured) {
		/* the first and last ones: the start and the end of the story (a
		 * flood need not fill the terminal; the verdict cites numbers) */
		mark_by_stop(&r);
		fprintf(out, "packets (%zu):\n", r.npkts);
		for (size_t i = 0; i < r.npkts; i++) {
			if (r.npkts > PRINT_MAX && i == PRINT_MAX / 2)
				fprintf(out, "  ... %zu packet%s not shown ...\n", r.npkts - PRINT_MAX,
				        r.npkts - PRINT_MAX == 1 ? "" : "s");
			if (r.npkts > PRINT_MAX && i >= PRINT_MAX / 2 && i < r.npkts - PRINT_MAX / 2)
				continue;
			fprintf(out, "  %s %s%s\n", r.pkts[i].from_learner ? "you" : "lab", r.pkts[i].line,
			        r.pkts[i].by_stop ? "  (sent by the kernel: the lab had stopped your program)" : "");
		}
	}
	struct verdict v;
	size_t failed = judge(&r, &v);
	fprintf(out, "verdict:\n");
	for (size_t i = 0; i < v.n; i++)
		fprintf(out, "  %-4s  %s\n", v.f[i].note ? "note" : v.f[i].ok ? "ok" : "FAIL", v.f[i].text);
	size_t notes = 0;
	for (size_t i = 0; i < v.n; i++)
		notes += v.f[i].note;
	fprintf(out, "result: %s (%zu of %zu checks %s)%s\n", v.pass ? "PASS" : "FAIL", v.pass ? v.n - notes : failed,
	        v.n - notes, v.pass ? "hold" : "failed", notes ? "; the notes say what the lab could not see in this "
	        "mode: check those yourself, or run with --run" : "");
	save_result(c, v.pass, out);
	release_run(&r, &side);
	live_close(live);
	return v.pass ? 0 : 1;
}

/* ---- a run in this process, for the judges' tests ---- */

enum { LOCAL_PACKETS = 256 };

void chal_add_frame(struct chal_run *r, const uint8_t *frame, size_t len, int64_t ts_ns)
{
	if (!r->pkts || r->npkts >= LOCAL_PACKETS)
		return;
	struct capfile_packet p = { .data = frame, .caplen = (uint32_t)len, .wirelen = (uint32_t)len,
	                            .ts_ns = ts_ns, .linktype = 1 /* LINKTYPE_ETHERNET */ };
	struct flowtab *ft = flowtab_new();
	add_frame(r, ft, NULL, &p, CAPFILE_NO_TIME);
	flowtab_free(ft);
	r->captured = true;
}

int challenge_judge_local(const struct challenge *c, const struct chal_learner *l, struct verdict *v, char *err,
                          size_t errlen)
{
	struct chal_run r;
	struct lab_side side;
	run_init(&r, &side, c);
	if (run_start(&r, &side, err, errlen) < 0) {
		release_run(&r, &side);
		return -1;
	}
	r.pkts = xcalloc(LOCAL_PACKETS, sizeof *r.pkts);
	l->run(&r, l->arg);
	int64_t end = clock_ms() + LAB_FINISH_MS;
	while (!side_done(&side) && clock_ms() < end)
		sleep_ms(10);
	side_stop(&side);
	r.ran = l->ran;
	r.exited = l->exited;
	r.status = l->status;
	r.seconds = l->seconds;
	if (l->out)
		r.nout = (size_t)snprintf(r.out, sizeof r.out, "%s", l->out);
	if (r.nout >= sizeof r.out)
		r.nout = sizeof r.out - 1;
	judge(&r, v);
	release_run(&r, &side);
	return 0;
}
