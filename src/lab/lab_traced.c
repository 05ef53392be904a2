/*
 * lab_traced.c — a lesson run as its real programs under the tracer.
 *
 * The lesson's `run:` lines say how its programs start (lesson.h).  The
 * lesson's first server is the trace's first program and the learner's
 * program (the lesson's `program`) its second (`--and`), started once the
 * server listens; more servers of the lesson run beside them untraced (in
 * the trace's namespace: they are started after trace_open), and the
 * lab's own servers ({port:http}) are the trace's --serve.  C is compiled
 * into the user's cache first (lesson/build.h).
 *
 * A step is a range of lines of one program (lesson_lines).  It runs
 * line by line (the tracer's --lines) until that program begins a line
 * past the range — helpers stand before main, so a line past the range is
 * the next step's — or ends; the last step runs to the end.  The calls
 * returned meanwhile, both programs', are the step's outcomes and their
 * packets its packets, as the tracer attributed them (between calls,
 * delayed ACKs and the program's end included, as the engine's step
 * markers took every packet between them).
 */
#include "lab/lab_priv.h"

#include "common/clock.h"
#include "common/mem.h"
#include "common/proc.h"
#include "common/vec.h"
#include "demo/sockdiag.h"
#include "dissect/dissect.h"
#include "lesson/build.h"
#include "trace/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The whole lesson's bound: far beyond what its programs need (they wait
 * 30 s at most for a silent peer), so only a hang reaches it. */
#define TRACED_TIMEOUT_S 120.0
#define SERVER_LISTEN_MS 30000
#define MAX_WORDS 24
#define MAX_EXTRA 6

/* Events kept for later (pointers into the trace's kept events). */
struct evq {
	const struct trace_event **ev;
	size_t n, cap;
};

struct lab_traced {
	char lang;                        /* 'c' or 'p' */
	struct trace *t;
	struct trace_options o;
	char *argv[MAX_WORDS + 4], *and_argv[MAX_WORDS + 4];
	char exe[LESSON_MAX_RUNS][4096];  /* each program's binary (C) or script (Python) */
	char learner[LESSON_PROGRAM_MAX + 4];   /* the learner's file: "client.c" */
	pid_t extra[MAX_EXTRA];           /* the lesson's other servers, untraced */
	int nextra;
	char out_path[4096];              /* the programs' stdout and stderr (a file of ours) */
	long out_off;                     /* read up to here */
	char *errbuf;                     /* the tracer's notes */
	size_t errlen;
	FILE *err;
	bool ended;
	bool capturing;
	bool stdbuf;                      /* coreutils' stdbuf is there to line-buffer C's stdout */
	char traced_port[16];             /* ":N": the traced server's port, "" when none */
	struct evq pending;               /* the other program's calls waiting for the actor's (see settle) */
	struct evq carry;                 /* the next step's first events */
	size_t carry_at;
	const struct trace_packet **claimed;   /* packets of carried events taken by the step before */
	size_t nclaimed, capclaimed;
	char touched[16][96];             /* connections the step's actor moved data or state on */
	size_t ntouched;
	char closed[32][96];              /* connections an actor closed */
	size_t nclosed;
	char end_text[512];
};

bool lab_traced_capturing(const struct lab *lab) { return lab->tr && lab->tr->capturing; }
char lab_lang(const struct lab *lab) { return lab->tr ? lab->tr->lang : 0; }

void lab_traced_status(struct lab *lab, char *buf, size_t n)
{
	struct lab_traced *tr = lab->tr;
	/* the tracer's own words for its capture: "capturing on lo (own namespace)" */
	fflush(tr->err);
	const char *on = tr->errbuf ? strstr(tr->errbuf, "capturing on ") : NULL;
	int onlen = on ? (int)strcspn(on, "\n") : 0;
	snprintf(buf, n, "the lesson's %s programs under the tracer, %.*s%s, %zu packets%s%s",
	         tr->lang == 'c' ? "C" : "Python", onlen, on ? on : "", on ? "" : "no capture", lab_packet_count(lab),
	         tr->end_text[0] ? "; " : "", tr->end_text);
}

/* Can this process trace its children?  (Yama's ptrace_scope 2 and 3, a
 * container's seccomp profile refuse; the lesson then needs the engine.) */
static bool ptrace_allowed(char *why, size_t n)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(why, n, "%s", strerror(errno));
		return false;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int e = ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ? errno : 0;
		if (write(pfd[1], &e, sizeof e) < 0)
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	int e = -1;
	if (pid > 0 && read(pfd[0], &e, sizeof e) != (ssize_t)sizeof e)
		e = -1;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (e == 0)
		return true;
	snprintf(why, n, "ptrace is refused here (%s; /proc/sys/kernel/yama/ptrace_scope 2 or 3, or a container's "
	         "seccomp profile)", e > 0 ? strerror(e) : "the probe failed");
	return false;
}

/* What the programs printed since the last step, into r->output. */
static void read_output(struct lab_traced *tr, struct lab_step_result *r)
{
	FILE *f = fopen(tr->out_path, "r");
	if (!f || fseek(f, tr->out_off, SEEK_SET) < 0) {
		if (f)
			fclose(f);
		return;
	}
	size_t k = fread(r->output, 1, sizeof r->output - 1, f);
	r->output[k] = '\0';
	fseek(f, 0, SEEK_END);
	tr->out_off = ftell(f);
	fclose(f);
}

/* The lesson's folder's file NAME.c or NAME.py into buf. */
static void program_file(const struct lesson *l, const char *name, char lang, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.%s", l->programs, name, lang == 'c' ? "c" : "py");
}

/* Does the lesson's run line r count under these toggles? */
static bool run_applies(const struct lesson_run *r, const char *toggles)
{
	return !r->cond[0] || demo_toggle_on(toggles, r->cond) != r->cond_neg;
}

/* The lesson's servers: the programs of its run lines other than the
 * learner's, in their first line's order. */
static size_t servers_of(const struct lesson *l, const char *names[LESSON_MAX_RUNS])
{
	size_t n = 0;
	for (size_t i = 0; i < l->nruns; i++) {
		bool seen = strcmp(l->runs[i].program, l->program) == 0;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(names[k], l->runs[i].program) == 0;
		if (!seen)
			names[n++] = l->runs[i].program;
	}
	return n;
}

/* Build (C) or find (Python) program `name`; its path into exe. */
static int prepare(struct lab_traced *tr, const struct lesson *l, const char *name, char *exe, size_t n,
                   char *err, size_t errlen)
{
	char src[4096];
	program_file(l, name, tr->lang, src, sizeof src);
	if (tr->lang == 'p') {
		if (access(src, R_OK) < 0) {
			snprintf(err, errlen, "%s: %s", src, strerror(errno));
			return -1;
		}
		snprintf(exe, n, "%s", src);
		return 0;
	}
	struct lesson_build b;
	enum lesson_build_status st = lesson_build_c(src, &b);
	if (st == LESSON_BUILD_OK)
		snprintf(exe, n, "%s", b.exe);
	else if (st == LESSON_BUILD_NO_CC)
		snprintf(err, errlen, "no C compiler (cc) on PATH: run the lesson in Python (--lang python)");
	else
		snprintf(err, errlen, "%s does not build (%s):\n%s", src, b.command, b.errors ? b.errors : "");
	lesson_build_free(&b);
	return st == LESSON_BUILD_OK ? 0 : -1;
}

/* argv of program `name`: its binary (or python3 and its script), then
 * the words of its run lines; {host} the run's address, {port:SERVER}
 * `ports`' value, {port:NAME} of the lab's servers left to the tracer
 * (and named in its --serve), {port:first} the traced server's {port}. */
static int make_argv(struct lab *lab, const char *name, const char *exe, const char *const srv[], size_t nsrv,
                     const uint16_t ports[], char *argv[], char *err, size_t errlen)
{
	struct lab_traced *tr = lab->tr;
	const struct lesson *l = lab->lesson;
	size_t n = 0;
	if (tr->lang == 'p') {
		argv[n++] = xstrdup("python3");
	} else if (tr->stdbuf) {
		/* each line written when printed, so it lands in its step */
		argv[n++] = xstrdup("stdbuf");
		argv[n++] = xstrdup("-oL");
		argv[n++] = xstrdup("-eL");
	}
	argv[n++] = xstrdup(exe);
	for (size_t i = 0; i < l->nruns; i++) {
		const struct lesson_run *r = &l->runs[i];
		if (strcmp(r->program, name) || !run_applies(r, lab->opt.toggles))
			continue;
		char words[512];
		snprintf(words, sizeof words, "%s", r->args);
		char *save = NULL;
		for (char *w = strtok_r(words, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			if (n >= MAX_WORDS) {
				snprintf(err, errlen, "%s:%d: too many words", l->path, r->line);
				return -1;
			}
			char v[256];
			snprintf(v, sizeof v, "%s", w);
			if (strcmp(w, "{host}") == 0)
				snprintf(v, sizeof v, "%s", lab->family == 6 ? "::1" : "127.0.0.1");
			else if (strncmp(w, "{port:", 6) == 0) {
				size_t k = 0;
				while (k < nsrv && (strlen(srv[k]) != strlen(w) - 7 || strncmp(w + 6, srv[k], strlen(srv[k]))))
					k++;
				if (k == 0 && nsrv)
					snprintf(v, sizeof v, "{port}");   /* the traced server: the tracer knows when it listens */
				else if (k < nsrv)
					snprintf(v, sizeof v, "%u", ports[k]);
				else if (tr->o.nserve < TRACE_MAX_SERVE) {
					/* a lab server: the tracer starts it and says its port */
					char *proto = xstrdup(w + 6);
					proto[strlen(proto) - 1] = '\0';
					tr->o.serve[tr->o.nserve++] = proto;
				}
			}
			argv[n++] = xstrdup(v);
		}
	}
	argv[n] = NULL;
	return 0;
}

/* Start an untraced server and read its "listening on PORT" line. */
static pid_t start_extra(char *const argv[], uint16_t *port, char *err, size_t errlen)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pfd[1], 1);
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
		return -1;
	}
	char line[128];
	size_t len = 0;
	struct pollfd p = { .fd = pfd[0], .events = POLLIN };
	while (len < sizeof line - 1 && !memchr(line, '\n', len) && poll(&p, 1, SERVER_LISTEN_MS) > 0) {
		ssize_t k = read(pfd[0], line + len, sizeof line - 1 - len);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	close(pfd[0]);
	line[len] = '\0';
	unsigned v;
	if (sscanf(line, "listening on %u", &v) != 1 || v == 0 || v > 65535) {
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "%s did not say where it listens: '%s'", argv[len ? 1 : 0], line);
		return -1;
	}
	*port = (uint16_t)v;
	return pid;
}

/* The lab side's ports from the tracer's notes so far: "the lab's http
 * server listens on 127.0.0.1 port N" (--serve) and "started once the
 * first listened on port N" (the lesson's traced server). */
static void learn_ports(struct lab *lab)
{
	static const char *const says[] = { " server listens on ", "once the first listened on" };
	struct lab_traced *tr = lab->tr;
	fflush(tr->err);
	for (size_t k = 0; k < 2; k++)
		for (const char *c = tr->errbuf; c && (c = strstr(c, says[k])); c++) {
			const char *pt = strstr(c, " port ");
			unsigned v;
			bool have = false;
			if (!pt || sscanf(pt, " port %u", &v) != 1)
				continue;
			for (size_t i = 0; i < lab->nports; i++)
				have |= lab->ports[i] == v;
			if (!have && lab->nports < 16)
				lab->ports[lab->nports++] = (uint16_t)v;
			if (k == 1)
				snprintf(tr->traced_port, sizeof tr->traced_port, ":%u", v);
		}
	if (!lab->vars.port && lab->nports)
		lab->vars.port = lab->ports[0];
}

struct lab *lab_open_traced(const struct lesson *lesson, enum capture_want want, const struct lab_options *opt,
                            char lang, char *err, size_t errlen)
{
	if (!lesson->programs || !lesson->program[0] || lesson->nruns == 0 || lesson->nsteps == 0) {
		snprintf(err, errlen, "lesson '%s' names no programs to run (no 'run:' lines)", lesson->id);
		return NULL;
	}
	if (opt && opt->side) {
		snprintf(err, errlen, "two terminals run the lab's engine, not the lesson's programs");
		return NULL;
	}
	if (!ptrace_allowed(err, errlen))
		return NULL;
	struct lab *lab = lab_new(lesson, opt);
	struct lab_traced *tr = lab->tr = xcalloc(1, sizeof *tr);
	tr->lang = lang == 'p' ? 'p' : 'c';
	lab->family = lab->opt.family ? lab->opt.family : lesson->family;
	if (demo_toggle_on(lab->opt.toggles, "ipv6"))
		lab->family = 6;
	lab->vars.family = lab->family;

	const char *srv[LESSON_MAX_RUNS];
	size_t nsrv = servers_of(lesson, srv);
	if (prepare(tr, lesson, lesson->program, tr->exe[0], sizeof tr->exe[0], err, errlen) < 0)
		goto fail;
	for (size_t i = 0; i < nsrv; i++)
		if (prepare(tr, lesson, srv[i], tr->exe[i + 1], sizeof tr->exe[i + 1], err, errlen) < 0)
			goto fail;
	snprintf(tr->learner, sizeof tr->learner, "%s.%s", lesson->program, tr->lang == 'c' ? "c" : "py");

	tr->err = open_memstream(&tr->errbuf, &tr->errlen);
	/* the programs' output line by line (it is read after each step):
	 * Python's by its switch, C's through stdbuf when it is there */
	setenv("PYTHONUNBUFFERED", "1", 1);
	tr->stdbuf = proc_on_path("stdbuf", NULL, 0);
	/* made by mkstemp, so nobody else's file (or link) stands at its name */
	const char *tmpdir = getenv("TMPDIR");
	snprintf(tr->out_path, sizeof tr->out_path, "%s/sockscope-lesson-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int ofd = mkstemp(tr->out_path);
	if (ofd < 0) {
		snprintf(err, errlen, "no file for the programs' output (%s): %s", tr->out_path, strerror(errno));
		tr->out_path[0] = '\0';
		goto fail;
	}
	close(ofd);
	tr->o = (struct trace_options){
		.timeout_s = TRACED_TIMEOUT_S, .capture = want, .lines = true, .family = lab->family,
		.output = tr->out_path, .keep_events = true,
	};
	uint16_t ports[LESSON_MAX_RUNS] = { 0 };
	/* the traced server first ({port} for the learner), the learner's
	 * program beside it or alone */
	if (make_argv(lab, nsrv ? srv[0] : lesson->program, tr->exe[nsrv ? 1 : 0], srv, 0, ports,
	              tr->argv, err, errlen) < 0)
		goto fail;
	tr->o.argv = tr->argv;
	int rc;
	/* trace_open may unshare into a namespace of its own: the untraced
	 * servers start after it, in there */
	tr->t = trace_open(&tr->o, NULL, tr->err, &rc);
	if (!tr->t) {
		fflush(tr->err);
		snprintf(err, errlen, "the tracer: %s", tr->errbuf ? tr->errbuf : "did not start");
		goto fail;
	}
	for (size_t i = 1; i < nsrv; i++) {
		char *av[MAX_WORDS + 4];
		if (make_argv(lab, srv[i], tr->exe[i + 1], srv, 0, ports, av, err, errlen) < 0)
			goto fail;
		pid_t pid = tr->nextra < MAX_EXTRA ? start_extra(av, &ports[i], err, errlen) : -1;
		for (char **w = av; *w; w++)
			free(*w);
		if (pid < 0)
			goto fail;
		tr->extra[tr->nextra++] = pid;
		if (lab->nports < 16)
			lab->ports[lab->nports++] = ports[i];
	}
	if (nsrv) {
		if (make_argv(lab, lesson->program, tr->exe[0], srv, nsrv, ports, tr->and_argv, err, errlen) < 0)
			goto fail;
		tr->o.and_argv = tr->and_argv;
	}
	/* --serve was read by trace_open: the learner's lab servers must be
	 * known before it (a lesson without servers of its own names them in
	 * the learner's own line, made above) */
	lab->linktype = trace_linktype(tr->t);
	tr->capturing = lab->linktype >= 0;
	learn_ports(lab);
	return lab;
fail:
	lab_close(lab);
	return NULL;
}

void lab_traced_free(struct lab *lab)
{
	struct lab_traced *tr = lab->tr;
	if (!tr)
		return;
	for (int i = 0; i < tr->nextra; i++) {
		kill(-tr->extra[i], SIGKILL);
		waitpid(tr->extra[i], NULL, 0);
	}
	if (tr->t)
		trace_close(tr->t);
	for (char **w = tr->argv; *w; w++)
		free(*w);
	for (char **w = tr->and_argv; *w; w++)
		free(*w);
	for (int i = 0; i < tr->o.nserve; i++)
		free((char *)tr->o.serve[i]);
	if (tr->err)
		fclose(tr->err);
	free(tr->errbuf);
	free(tr->pending.ev);
	free(tr->claimed);
	free(tr->carry.ev);
	if (tr->out_path[0])
		unlink(tr->out_path);
	free(tr);
	lab->tr = NULL;
}

/* errno's number from its name ("ECONNREFUSED"), 0 when unknown. */
static int errno_named(const char *name, size_t len)
{
	for (int e = 1; e < 200; e++) {
		const char *n = strerrorname_np(e);
		if (n && strlen(n) == len && strncmp(n, name, len) == 0)
			return e;
	}
	return 0;
}

/* A call event as the engine's outcome: "connect(...)" and "= 0", the
 * bytes a read returned after the count ("= 31: \"Welcome...\""), the
 * errno of a failure. */
static void outcome_of(const struct lab_traced *tr, const struct trace_event *ev, struct demo_outcome *o)
{
	memset(o, 0, sizeof *o);
	const char *base = strrchr(ev->path, '/') ? strrchr(ev->path, '/') + 1 : ev->path;
	o->role = strcmp(base, tr->learner) == 0 ? DEMO_ROLE_CLIENT : DEMO_ROLE_SERVER;
	const char *eq = NULL;
	for (const char *c = strstr(ev->text, ") = "); c; c = strstr(c + 1, ") = "))
		eq = c;
	size_t clen = eq ? (size_t)(eq - ev->text) + 1 : strlen(ev->text);
	snprintf(o->call, sizeof o->call, "%.*s", (int)clen, ev->text);
	const char *res = eq ? eq + 2 : "";
	snprintf(o->result, sizeof o->result, "%s", res);
	if (ev->is_error) {
		const char *name = strchr(res, 'E');
		if (name)
			o->err = errno_named(name, strcspn(name, " "));
		if (!o->err)
			o->err = EIO;
	} else if (ev->call && ev->ret > 0 && (strstr(ev->call, "recv") || strcmp(ev->call, "read") == 0)) {
		/* the bytes it read: the call's first quoted argument */
		const char *q = strchr(ev->text, '"');
		const char *e = q ? q + 1 : NULL;
		while (e && *e && *e != '"')
			e += (*e == '\\' && e[1]) ? 2 : 1;
		if (q && e && *e == '"')
			snprintf(o->result, sizeof o->result, "%s: %.*s", res, (int)(e - q + 1), q);
	}
}

/* A step's packets, gathered from its events and stored in capture order
 * (an event holds the packets of its call's window, and calls of two
 * programs return in another order than their packets came). */
struct pkset {
	const struct trace_packet **p;
	size_t n, cap;
};

static void take_packet(struct pkset *ps, const struct trace_packet *p)
{
	ps->p = vec_room(ps->p, ps->n, &ps->cap, sizeof *ps->p);
	ps->p[ps->n++] = p;
}

static bool claimed(const struct lab_traced *tr, const struct trace_packet *p)
{
	for (size_t i = 0; i < tr->nclaimed; i++)
		if (tr->claimed[i] == p)
			return true;
	return false;
}

static void take_packets(const struct lab_traced *tr, struct pkset *ps, const struct trace_event *ev)
{
	for (size_t i = 0; i < ev->npk; i++)
		if (ev->pk[i].data && !claimed(tr, &ev->pk[i]))
			take_packet(ps, &ev->pk[i]);
}

static int by_time(const void *a, const void *b)
{
	int64_t x = (*(const struct trace_packet *const *)a)->ns, y = (*(const struct trace_packet *const *)b)->ns;
	return x < y ? -1 : x > y;
}

static void store_packets(struct lab *lab, struct pkset *ps, int idx)
{
	if (ps->n)   /* qsort of NULL is undefined even for 0 elements */
		qsort(ps->p, ps->n, sizeof *ps->p, by_time);
	for (size_t i = 0; i < ps->n; i++) {
		const struct trace_packet *p = ps->p[i];
		struct timeval ts = { .tv_sec = p->ns / 1000000000, .tv_usec = p->ns % 1000000000 / 1000 };
		lab_store_frame(lab, &ts, p->caplen, p->wirelen, p->data, idx);
	}
	free(ps->p);
}

/* The kernel's TCP states of the servers' connections after a step, as
 * the engine's demo_tcp_states words them (what `expect: state` reads). */
static void tcp_states(struct lab *lab, struct lab_step_result *r)
{
	struct sockdiag_entry e[64];
	int n = sockdiag_tcp_ports(lab->family == 6 ? AF_INET6 : AF_INET, lab->ports, lab->nports, e, 64);
	const size_t max = sizeof r->states / sizeof r->states[0];
	const char *fmt = lab->family == 6 ? "%-6s [::1]:%u > [::1]:%u  %s%s" : "%-6s 127.0.0.1:%u > 127.0.0.1:%u  %s%s";
	r->nstates = 0;
	for (int i = 0; i < n && i < 64 && r->nstates < max; i++) {
		if (e[i].state == TCP_LISTEN || e[i].dport == 0)
			continue;
		bool lab_side = false;
		for (size_t p = 0; p < lab->nports; p++)
			lab_side |= e[i].sport == lab->ports[p];
		const char *note = e[i].inode || e[i].state == TCP_TIME_WAIT ? ""
		                 : e[i].state == TCP_ESTABLISHED ? " (in the accept queue)"
		                 : " (closed; the kernel is finishing)";
		snprintf(r->states[r->nstates++], sizeof r->states[0], fmt, lab_side ? "lab" : "client", e[i].sport,
		         e[i].dport, demo_tcp_state_name(e[i].state), note);
	}
}

/* ---- which step a call belongs to ----
 *
 * The step's own program (the actor) runs the step: its calls are the
 * step's.  The other program runs freely, so when its calls return says
 * nothing about steps (a server's greeting may come back before or after
 * the client begins its next line).  What does not vary is the
 * connection: the other side's calls on a connection go with the step
 * whose actor moved data on it last, when it did so in the step that
 * ends, else with the actor's next call that moves data or state on that
 * connection (not a poll or a
 * getsockopt: Python's connect() polls and asks SO_ERROR; the greeting
 * goes with the client's recv()
 * that takes it), or, once the actor has closed it, with the step that
 * runs (the server's own close after the client's).  Calls on no
 * connection (socket, bind, listen) go with the step that runs.
 *
 * At the end of a step that closed a connection the actor has begun the
 * next step's line; the other program is let finish its reaction (its
 * own close) while the actor's next events are kept for the next step:
 * the settle.  It ends once both FINs are among the step's packets and
 * the actor has made its next call, bounded by SETTLE_MS for a reaction
 * that does not come. */
#define SETTLE_MS 3000

/* The connection a call is about: its last "<TCP a->b>" (accept's is its
 * result), the two ends in order, or "" for none. */
static void conn_key(const struct trace_event *ev, char *key, size_t n)
{
	key[0] = '\0';
	for (const char *c = strchr(ev->text, '<'); c; c = strchr(c + 1, '<')) {
		const char *arrow = strstr(c, "->"), *close = strchr(c, '>');
		if (!arrow || close < arrow)
			continue;   /* "<TCP a:p LISTEN>": no peer (the '>' of "->" is the arrow's) */
		const char *end = strchr(arrow + 2, '>');
		if (!end)
			continue;
		const char *a = strchr(c, ' ');
		if (!a || a > arrow)
			continue;
		a++;
		int la = (int)(arrow - a), lb = (int)(end - arrow - 2);
		const char *b = arrow + 2;
		if (la < 0 || lb < 0)
			continue;
		bool swap = strncmp(a, b, (size_t)(la < lb ? la : lb)) > 0 || (strncmp(a, b, (size_t)(la < lb ? la : lb)) == 0 && la > lb);
		if (swap)
			snprintf(key, n, "%.*s|%.*s", lb, b, la, a);
		else
			snprintf(key, n, "%.*s|%.*s", la, a, lb, b);
	}
}

static bool key_in(char (*keys)[96], size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

static void key_add(char (*keys)[96], size_t *n, size_t max, const char *key)
{
	if (key[0] && !key_in(keys, *n, key) && *n < max)
		snprintf(keys[(*n)++], 96, "%s", key);
}

static void queue_push(struct evq *q, const struct trace_event *ev)
{
	q->ev = vec_room(q->ev, q->n, &q->cap, sizeof *q->ev);
	q->ev[q->n++] = ev;
}

static const char *base_of(const char *path)
{
	return strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
}

/* A call (or the end) taken into step r.  A call on a UNIX socket is the
 * C library's own (getservbyname() asking nscd), not the lesson's: it
 * puts nothing on the wire and is not among the step's calls. */
static void take(struct lab_traced *tr, const struct trace_event *ev, struct lab_step_result *r, struct pkset *ps)
{
	take_packets(tr, ps, ev);
	if (ev->kind == TRACE_EV_CALL && r->nout < LAB_MAX_OUTCOMES && !strstr(ev->text, "<UNIX") &&
	    !strstr(ev->text, "AF_UNIX"))
		outcome_of(tr, ev, &r->out[r->nout++]);
}

/* The other program's call: the step's now, or pending for its connection. */
static void take_other(struct lab_traced *tr, const struct trace_event *ev, struct lab_step_result *r,
                       struct pkset *ps)
{
	char key[96];
	conn_key(ev, key, sizeof key);
	if (ev->kind == TRACE_EV_CALL && key[0] && !key_in(tr->closed, tr->nclosed, key))
		queue_push(&tr->pending, ev);
	else
		take(tr, ev, r, ps);
}

/* Does the call move data or state on its connection (what makes the
 * other side's pending calls this step's)? */
static bool moves(const struct trace_event *ev)
{
	static const char *const names[] = { "recv", "send", "read", "write", "close", "shutdown", "connect", "accept" };
	for (size_t i = 0; ev->call && i < sizeof names / sizeof names[0]; i++)
		if (strncmp(ev->call, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

/* The actor's call: its connection's pending calls first, then it. */
static void take_actor(struct lab_traced *tr, const struct trace_event *ev, struct lab_step_result *r,
                       struct pkset *ps)
{
	char key[96], k2[96];
	conn_key(ev, key, sizeof key);
	if (!moves(ev))
		key[0] = '\0';
	size_t keep = 0;
	for (size_t i = 0; i < tr->pending.n; i++) {
		conn_key(tr->pending.ev[i], k2, sizeof k2);
		if (key[0] && strcmp(key, k2) == 0)
			take(tr, tr->pending.ev[i], r, ps);
		else
			tr->pending.ev[keep++] = tr->pending.ev[i];
	}
	tr->pending.n = keep;
	take(tr, ev, r, ps);
	key_add(tr->touched, &tr->ntouched, sizeof tr->touched / sizeof tr->touched[0], key);
	if (ev->kind == TRACE_EV_CALL && ev->call && strcmp(ev->call, "close") == 0)
		key_add(tr->closed, &tr->nclosed, sizeof tr->closed / sizeof tr->closed[0], key);
}

static void take_end(struct lab_traced *tr, const struct trace_event *ev, struct lab_step_result *r,
                     struct pkset *ps)
{
	for (size_t i = 0; i < tr->pending.n; i++)
		take(tr, tr->pending.ev[i], r, ps);
	tr->pending.n = 0;
	take_packets(tr, ps, ev);
	tr->ended = true;
	snprintf(tr->end_text, sizeof tr->end_text, "%s", ev->text);
	if (ev->exit != 0 && r->nout < LAB_MAX_OUTCOMES) {
		/* said where the faces look, as a failed call */
		struct demo_outcome *o = &r->out[r->nout++];
		memset(o, 0, sizeof *o);
		snprintf(o->call, sizeof o->call, "(the programs' end)");
		snprintf(o->result, sizeof o->result, "%s", ev->text);
		o->err = EIO;
	}
}

/* The next event: those kept for this step first. */
static const struct trace_event *next_event(struct lab_traced *tr)
{
	if (tr->carry_at < tr->carry.n)
		return tr->carry.ev[tr->carry_at++];
	tr->carry.n = tr->carry_at = 0;
	return trace_step(tr->t, TRACE_NEXT_LINE, 0);
}

/* A packet's connection, as conn_key names a call's. */
static void packet_key(const struct lab *lab, const struct trace_packet *p, char *key, size_t n)
{
	struct dissection d;
	char a[64], b[64];
	dissect_frame(lab->linktype, p->data, p->caplen, p->wirelen, &d);
	dissect_endpoint(&d.info, true, a, sizeof a);
	dissect_endpoint(&d.info, false, b, sizeof b);
	dissection_free(&d);
	bool swap = strcmp(a, b) > 0;
	snprintf(key, n, "%s|%s", swap ? b : a, swap ? a : b);
}

/* An event kept for the next step may hold packets of a connection the
 * actor closed in this one (the other side's FIN, when the windows of
 * two programs' calls overlapped: the tracer gives a packet to the latest
 * window open): those are this step's. */
static void claim_closing(struct lab *lab, const struct trace_event *ev, size_t closed_before, struct pkset *ps)
{
	struct lab_traced *tr = lab->tr;
	char key[96];
	for (size_t i = 0; i < ev->npk; i++) {
		const struct trace_packet *p = &ev->pk[i];
		if (!p->data || claimed(tr, p))
			continue;
		packet_key(lab, p, key, sizeof key);
		if (!key_in(tr->closed + closed_before, tr->nclosed - closed_before, key))
			continue;
		take_packet(ps, p);
		tr->claimed = vec_room(tr->claimed, tr->nclaimed, &tr->capclaimed, sizeof *tr->claimed);
		tr->claimed[tr->nclaimed++] = p;
	}
}

/* Is one end of connection key on port (":N")? */
static bool key_has_port(const char *key, const char *port)
{
	size_t pl = strlen(port), kl = strlen(key);
	const char *bar = strchr(key, '|');
	if (!pl || !bar)
		return false;
	return ((size_t)(bar - key) >= pl && strncmp(bar - pl, port, pl) == 0) ||
	       (kl >= pl && strcmp(key + kl - pl, port) == 0);
}

/* Has each connection the actor closed in this step (with a traced other
 * end) both FINs among the step's packets?  The other side's FIN may
 * ride in a window of the actor's next call (the tracer gives a packet to
 * the latest window open), so the packets are counted, not the calls. */
static bool others_closed(const struct lab *lab, char (*mine)[96], size_t nmine, const struct pkset *ps)
{
	for (size_t i = 0; i < nmine; i++) {
		if (!key_has_port(mine[i], lab->tr->traced_port))
			continue;
		unsigned fins = 0;
		char key[96];
		for (size_t k = 0; k < ps->n; k++) {
			struct dissection d;
			dissect_frame(lab->linktype, ps->p[k]->data, ps->p[k]->caplen, ps->p[k]->wirelen, &d);
			bool fin = d.info.tcp && (d.info.tcp_flags & TCPF_FIN);
			dissection_free(&d);
			if (fin) {
				packet_key(lab, ps->p[k], key, sizeof key);
				fins += strcmp(key, mine[i]) == 0;
			}
		}
		if (fins < 2)
			return false;
	}
	return true;
}

/* The settle (see above): the other program's calls are the step's, the
 * actor's (and what answers them) kept for the next. */
static void settle(struct lab *lab, const char *file, size_t closed_before, struct lab_step_result *r,
                   struct pkset *ps)
{
	struct lab_traced *tr = lab->tr;
	char carried[16][96];
	size_t ncarried = 0;
	bool actor_called = false;
	int64_t until = clock_ms() + SETTLE_MS;
	while (!(actor_called && others_closed(lab, tr->closed + closed_before, tr->nclosed - closed_before, ps)) &&
	       clock_ms() < until) {
		const struct trace_event *ev = trace_step(tr->t, TRACE_NEXT_LINE, 0);
		learn_ports(lab);
		if (ev->kind == TRACE_EV_WAITING)
			break;
		char key[96];
		conn_key(ev, key, sizeof key);
		bool actor = strcmp(base_of(ev->path), file) == 0;
		if (ev->kind == TRACE_EV_END || actor || (key[0] && key_in(carried, ncarried, key))) {
			queue_push(&tr->carry, ev);
			claim_closing(lab, ev, closed_before, ps);
			if (ev->kind == TRACE_EV_END)
				break;
			if (ev->kind == TRACE_EV_CALL) {
				actor_called |= actor;
				key_add(carried, &ncarried, 16, key);
			}
			continue;
		}
		take_other(tr, ev, r, ps);
	}
}

void lab_traced_step(struct lab *lab, int idx, struct lab_step_result *r)
{
	struct lab_traced *tr = lab->tr;
	const struct lesson *l = lab->lesson;
	const struct lesson_step *s = &l->steps[idx];
	r->attributed = true;
	r->quiet = true;
	if (tr->ended)
		return;
	char file[LESSON_PROGRAM_MAX + 4];
	snprintf(file, sizeof file, "%s.%s", s->lines.program[0] ? s->lines.program : l->program,
	         tr->lang == 'c' ? "c" : "py");
	int last = tr->lang == 'c' ? s->lines.c_last : s->lines.py_last;
	bool to_end = (size_t)idx + 1 == l->nsteps;
	size_t closed_before = tr->nclosed;
	struct pkset ps = { 0 };
	for (;;) {
		bool carried = tr->carry_at < tr->carry.n;
		const struct trace_event *ev = next_event(tr);
		learn_ports(lab);
		bool actor = strcmp(base_of(ev->path), file) == 0;
		if (ev->kind == TRACE_EV_END) {
			take_end(tr, ev, r, &ps);
			break;
		}
		if (!to_end && ev->kind == TRACE_EV_LINE && actor && ev->line > last) {
			queue_push(&tr->carry, ev);   /* the next step's first line */
			if (!carried && tr->nclosed > closed_before)
				settle(lab, file, closed_before, r, &ps);
			break;
		}
		if (ev->kind == TRACE_EV_WAITING)
			continue;   /* a call waits; the trace's own timeout bounds it */
		if (actor)
			take_actor(tr, ev, r, &ps);
		else
			take_other(tr, ev, r, &ps);
	}
	/* the other side's calls on a connection this step moved data on are
	 * its answers: this step's (the server's recv of what was sent) */
	size_t keep = 0;
	char k2[96];
	for (size_t i = 0; i < tr->pending.n; i++) {
		conn_key(tr->pending.ev[i], k2, sizeof k2);
		if (key_in(tr->touched, tr->ntouched, k2))
			take(tr, tr->pending.ev[i], r, &ps);
		else
			tr->pending.ev[keep++] = tr->pending.ev[i];
	}
	tr->pending.n = keep;
	tr->ntouched = 0;
	store_packets(lab, &ps, idx);
	tcp_states(lab, r);
	read_output(tr, r);
}

bool lab_step_source(const struct lab *lab, size_t step, char *path, size_t n, int *first, int *last)
{
	const struct lesson *l = lab->lesson;
	if (!lab->tr || step >= l->nsteps)
		return false;
	const struct lesson_step *s = &l->steps[step];
	program_file(l, s->lines.program[0] ? s->lines.program : l->program, lab->tr->lang, path, n);
	*first = lab->tr->lang == 'c' ? s->lines.c_first : s->lines.py_first;
	*last = lab->tr->lang == 'c' ? s->lines.c_last : s->lines.py_last;
	return true;
}
