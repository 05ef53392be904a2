/*
 * trace.c — the engine of sockscope trace: run a program under ptrace and
 * stop it at its network calls.
 *
 * How a call is stopped: the child asks to be traced (PTRACE_TRACEME),
 * stops itself so the tracer can set its options (EXITKILL, follow fork,
 * vfork, clone and exec, seccomp events), installs a seccomp filter that
 * returns SECCOMP_RET_TRACE for the calls of syscalls.c's table and
 * SECCOMP_RET_ALLOW for every other, and execs the program.  So the
 * program runs at full speed except at those calls: at each the tracer
 * gets a PTRACE_EVENT_SECCOMP stop at entry (PTRACE_GET_SYSCALL_INFO gives
 * the number and arguments on any architecture), resumes it with
 * PTRACE_SYSCALL to get the exit stop, and resumes it with PTRACE_CONT.
 * The seccomp filter is inherited by every child and survives exec.
 *
 * While a call is stopped at entry the tracer learns the ports it names and
 * opens its packet window (attrib.c); at exit it reads what the call
 * returned, waits for its packets and prints the block (text.c), all
 * before the program runs on.
 *
 * The end: when the program's first process exits (or --timeout, or our own
 * SIGINT/SIGTERM), every process it left is killed (each traced one and its
 * process group) and reaped, boundedly; PTRACE_O_EXITKILL kills them too
 * should sockscope itself die.
 */
#include "trace/trace.h"
#include "trace/trace_priv.h"
#include "common/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/socket.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define TRACE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TRACE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "sockscope trace knows the seccomp architecture of x86_64 and aarch64 only"
#endif

/* The kernel's internal "restart me" values a syscall exit may show when a
 * signal interrupted it (include/linux/errno.h, not exported to users). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

#define MAX_TRACEES 1024
/* --and: how long the first program may sit idle after the second ended. */
#define AND_GRACE_MS 1000
/* How long the end waits for killed processes to be reaped. */
#define REAP_MS 3000

enum tstate { T_FREE = 0, T_RUNNING, T_IN_CALL };

struct tracee {
	pid_t tid;
	pid_t tgid;
	enum tstate state;
	bool started;            /* its first stop was seen */
	struct trace_call call;
	/* Python's line runner reports this thread's lines (pyrun.c): its
	 * calls are shown at pyline, never unwound into the interpreter. */
	bool py;
	char pyline[320];
	/* --lines */
	bool announced;          /* its fork/clone event was seen (or it is the first) */
	bool held;               /* stopped at its first stop until then */
	uint64_t step_addr;      /* stepping over the int3 at this address, 0 */
	struct line_state {
		bool open;           /* a line began and no other since */
		bool shown;          /* its heading was printed */
		bool cont;           /* back in it after a return (Python's R) */
		int calls;
		unsigned runs;       /* the how-manieth time it runs */
		int line;
		char where[320];     /* "client.c:14" */
		char path[1024];
		/* lines run since the last heading and not shown */
		unsigned hidden;
		int hidden_lines[8];
		int nhidden_lines;
	} ln;
};

struct tracer {
	const struct trace_options *o;
	FILE *err;
	struct tracee t[MAX_TRACEES];
	pid_t main_pid;
	int main_status;
	bool main_done;
	bool exec_seen;
	int ntracees;
	bool seen_socket;
	struct trace_attrib *attrib;
	struct trace_lines *lines;
	struct trace_text *text;
	bool nodebug_said;
	pid_t pids_seen;
	struct trace_serve serve;   /* --serve's servers (n == 0: none) */
	char **argv;                /* the program's, {port} and {host} replaced */
	char **envp_run;            /* the environment both programs get */
	int report[2];              /* each program's exec-failure pipe, -1 */
	/* --and */
	pid_t and_pid;              /* 0 until it started */
	int and_status;
	bool and_done, and_waiting, and_exec_seen;
	char **and_argv, **and_pyargv;
	char **pyargv;              /* argv run by Python's line runner, or NULL */
	int line_fd;                /* the runner's report descriptor (/dev/null), -1 */
	char **envp;                /* environ and line_env, for the runner (pointers borrowed) */
	char line_env[64];
	/* --lines: each process image's breakpoints, by tgid (threads share it) */
	struct { pid_t tgid; struct trace_bps *b; } img[64];
	bool step_lines;            /* --lines, and it can be done here */
	bool lines_said;
	/* how often each line ran ("client.c:14" hashed), to collapse loops */
	struct { uint64_t key; unsigned runs; } runs[4096];
	/* source files read for the headings */
	struct { char *path; char *data; size_t len; } src[8];
	int src_next;
};

/* A line runs with its heading printed this many times; after, only when
 * it makes a call (a loop of a million turns prints a few blocks). */
#define LINE_SHOWN_RUNS 3

static volatile sig_atomic_t got_alarm, got_stop_signal;
static void start_second(struct tracer *tr, uint16_t port);

static void on_alarm(int sig)
{
	(void)sig;
	got_alarm = 1;
}

static void on_stop_signal(int sig)
{
	(void)sig;
	got_stop_signal = 1;
}

static struct tracee *find(struct tracer *tr, pid_t tid)
{
	for (int i = 0; i < MAX_TRACEES; i++)
		if (tr->t[i].state != T_FREE && tr->t[i].tid == tid)
			return &tr->t[i];
	return NULL;
}

static pid_t tgid_of(pid_t tid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	pid_t tgid = tid;
	if (!f)
		return tid;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

static struct tracee *add(struct tracer *tr, pid_t tid)
{
	struct tracee *e = find(tr, tid);
	if (e)
		return e;
	for (int i = 0; i < MAX_TRACEES; i++) {
		if (tr->t[i].state == T_FREE) {
			e = &tr->t[i];
			memset(e, 0, sizeof *e);
			e->tid = tid;
			e->tgid = tgid_of(tid);
			e->state = T_RUNNING;
			tr->ntracees++;
			return e;
		}
	}
	return NULL;
}

static void forget(struct tracer *tr, struct tracee *e)
{
	e->state = T_FREE;
	tr->ntracees--;
}

/* ---- the child ---- */

static int install_filter(void)
{
	long nrs[64];
	size_t n = trace_sysc_numbers(nrs, 64);
	struct sock_filter f[3 + 2 * 64 + 2];
	size_t k = 0;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	/* another architecture's calls (a 32-bit int 0x80) are let through */
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRACE_AUDIT_ARCH, 1, 0);
	size_t allow_from_arch = k++;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[i], 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	}
	f[allow_from_arch] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = (unsigned short)k, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	/* prctl, not seccomp(2): the same filter, and valgrind, which does not
	 * emulate seccomp(2), lets prctl through (tests/e2e_trace_valgrind.sh) */
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* In the child: never returns.  Failures go to the parent through the
 * close-on-exec pipe as an errno and a stage. */
static void child(char **argv, char **envp, int line_fd, int report)
{
	setpgid(0, 0);
	if (line_fd >= 0)
		fcntl(line_fd, F_SETFD, 0);   /* the runner's, across exec */
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		int e[2] = { errno, 1 };
		if (write(report, e, sizeof e) < 0)
			_exit(126);
		_exit(126);
	}
	raise(SIGSTOP);   /* the tracer sets its options now */
	if (install_filter() < 0) {
		int e[2] = { errno, 2 };
		if (write(report, e, sizeof e) < 0)
			_exit(126);
		_exit(126);
	}
	execvpe(argv[0], argv, envp);
	int e[2] = { errno, 3 };
	if (write(report, e, sizeof e) < 0)
		_exit(TRACE_EXIT_NOT_FOUND);
	_exit(TRACE_EXIT_NOT_FOUND);
}

/* Is the program there and runnable?  As execvp looks it up, so that "not
 * found" is said before anything starts. */
static bool findable(const char *prog, char *found, size_t foundn, char *why, size_t n)
{
	snprintf(found, foundn, "%s", prog);
	if (strchr(prog, '/')) {
		if (access(prog, X_OK) == 0)
			return true;
		snprintf(why, n, "cannot run '%s': %s", prog, strerror(errno));
		return false;
	}
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");
		char full[4096];
		snprintf(full, sizeof full, "%.*s%s%s", (int)len, p, len ? "/" : "", prog);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) {
			snprintf(found, foundn, "%s", full);
			return true;
		}
		p += len;
		if (*p == ':')
			p++;
	}
	snprintf(why, n, "'%s' was not found in PATH", prog);
	return false;
}

/* ---- calls ---- */

static void resume(pid_t tid, enum __ptrace_request how, int sig)
{
	ptrace(how, tid, NULL, (void *)(long)sig);
}

static void learn_fd(struct tracer *tr, pid_t tid, int fd)
{
	struct trace_sock s;
	char d[192];
	trace_fd_describe(tid, fd, d, sizeof d, &s);
	if (s.is_socket) {
		tr->seen_socket = true;
		attrib_learn(tr->attrib, &s);
	}
}

/* ---- --lines: one block per line run ---- */

static struct trace_bps **image_slot(struct tracer *tr, pid_t tgid, bool make)
{
	for (size_t i = 0; i < sizeof tr->img / sizeof tr->img[0]; i++)
		if (tr->img[i].b && tr->img[i].tgid == tgid)
			return &tr->img[i].b;
	if (!make)
		return NULL;
	for (size_t i = 0; i < sizeof tr->img / sizeof tr->img[0]; i++)
		if (!tr->img[i].b) {
			tr->img[i].tgid = tgid;
			return &tr->img[i].b;
		}
	return NULL;
}

static struct trace_bps *image_of(struct tracer *tr, pid_t tgid)
{
	struct trace_bps **b = image_slot(tr, tgid, false);
	return b ? *b : NULL;
}

static void image_drop(struct tracer *tr, pid_t tgid)
{
	struct trace_bps **b = image_slot(tr, tgid, false);
	if (b) {
		lines_bps_free(*b);
		*b = NULL;
	}
}

/* Line n of a source file, its indentation dropped, "" when unreadable. */
static void source_line(struct tracer *tr, const char *path, int n, char *buf, size_t len)
{
	buf[0] = '\0';
	int k = -1;
	for (int i = 0; i < 8; i++)
		if (tr->src[i].path && !strcmp(tr->src[i].path, path))
			k = i;
	if (k < 0) {
		k = tr->src_next;
		tr->src_next = (tr->src_next + 1) % 8;
		free(tr->src[k].path);
		free(tr->src[k].data);
		memset(&tr->src[k], 0, sizeof tr->src[k]);
		tr->src[k].path = xstrdup(path);
		FILE *f = fopen(path, "re");
		struct stat st;
		if (f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
			/* a source file, not a log: its first 4 MB */
			size_t want = st.st_size < (4 << 20) ? (size_t)st.st_size : (size_t)4 << 20;
			tr->src[k].data = xmalloc(want ? want : 1);
			if (tr->src[k].data)
				tr->src[k].len = fread(tr->src[k].data, 1, want, f);
		}
		if (f)
			fclose(f);
	}
	const char *p = tr->src[k].data, *end = p + tr->src[k].len;
	if (!p)
		return;
	for (int i = 1; i < n && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	size_t m = 0;
	while (p + m < end && p[m] != '\n' && p[m] != '\r')
		m++;
	if (m > 160)
		snprintf(buf, len, "%.157s...", p);
	else
		snprintf(buf, len, "%.*s", (int)m, p);
}

static unsigned count_run(struct tracer *tr, const char *path, int line)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = path; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	h = (h ^ (uint64_t)line) * 1099511628211ull;
	h |= 1;   /* 0 is a free slot */
	size_t n = sizeof tr->runs / sizeof tr->runs[0];
	for (size_t i = 0, j = h % n; i < n; i++, j = (j + 1) % n) {
		if (tr->runs[j].key == h)
			return ++tr->runs[j].runs;
		if (!tr->runs[j].key) {
			tr->runs[j].key = h;
			return tr->runs[j].runs = 1;
		}
	}
	return LINE_SHOWN_RUNS + 1;   /* a program of more lines than this: collapsed */
}

/* The lines that ran unshown since the last heading, said once. */
static void line_flush_hidden(struct tracer *tr, struct tracee *e)
{
	struct line_state *l = &e->ln;
	if (!l->hidden)
		return;
	char list[128] = "";
	for (int i = 0; i < l->nhidden_lines; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", i ? ", " : "", l->hidden_lines[i]);
	text_under(tr->text, e->tid, "(%u more run%s of line%s %s%s, each shown %d times already: nothing on the wire)",
	           l->hidden, l->hidden == 1 ? "" : "s", l->nhidden_lines == 1 ? "" : "s", list,
	           l->nhidden_lines == (int)(sizeof l->hidden_lines / sizeof l->hidden_lines[0]) ? ", ..." : "",
	           LINE_SHOWN_RUNS);
	l->hidden = 0;
	l->nhidden_lines = 0;
}

static void line_show(struct tracer *tr, struct tracee *e)
{
	struct line_state *l = &e->ln;
	line_flush_hidden(tr, e);
	char src[192], suffix[64] = "";
	source_line(tr, l->path, l->line, src, sizeof src);
	if (l->cont)
		snprintf(suffix, sizeof suffix, "(back in it after a return)");
	else if (l->runs > LINE_SHOWN_RUNS)
		snprintf(suffix, sizeof suffix, "(run %u)", l->runs);
	text_line(tr->text, e->tid, l->where, src, suffix);
	l->shown = true;
}

/* The thread's line is over (another begins, or the thread ends). */
static void line_close(struct tracer *tr, struct tracee *e)
{
	struct line_state *l = &e->ln;
	if (!l->open)
		return;
	l->open = false;
	if (l->shown && !l->calls) {
		text_under(tr->text, e->tid, "(nothing on the wire)");
	} else if (!l->shown && !l->cont) {
		l->hidden++;
		bool known = false;
		for (int i = 0; i < l->nhidden_lines; i++)
			known |= l->hidden_lines[i] == l->line;
		if (!known && l->nhidden_lines < (int)(sizeof l->hidden_lines / sizeof l->hidden_lines[0]))
			l->hidden_lines[l->nhidden_lines++] = l->line;
	}
}

/* A line of the program's own begins on thread e (a breakpoint, or the
 * Python runner's report). */
static void line_begin(struct tracer *tr, struct tracee *e, const char *path, int line, bool cont)
{
	struct line_state *l = &e->ln;
	/* One statement may have several rows (its call, then the test of
	 * what it returned): the same line again at once is the same run, as
	 * a debugger's "next" sees it. */
	if (l->open && l->line == line && !strcmp(l->path, path))
		return;
	line_close(tr, e);
	const char *base = strrchr(path, '/');
	snprintf(l->where, sizeof l->where, "%s:%d", base ? base + 1 : path, line);
	snprintf(l->path, sizeof l->path, "%s", path);
	l->line = line;
	l->calls = 0;
	l->cont = cont;
	l->open = true;
	l->shown = false;
	/* back after a return: shown only if a call follows there */
	l->runs = cont ? 0 : count_run(tr, path, line);
	if (!cont && l->runs <= LINE_SHOWN_RUNS)
		line_show(tr, e);
}

/* A call on thread e: under its line's heading, printed first if the
 * line was collapsed. */
static void line_call(struct tracer *tr, struct tracee *e, struct trace_call *c)
{
	if (!tr->step_lines || !e->ln.open)
		return;
	if (!e->ln.shown)
		line_show(tr, e);
	e->ln.calls++;
	c->under_line = true;
}

/* A SIGTRAP: one of the int3s of --lines (or the single step over one)? */
static bool on_trap(struct tracer *tr, struct tracee *e)
{
#if defined(__x86_64__)
	struct trace_bps *b = image_of(tr, e->tgid);
	if (!b)
		return false;
	siginfo_t si;
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETSIGINFO, e->tid, NULL, &si) < 0 || ptrace(PTRACE_GETREGS, e->tid, NULL, &r) < 0)
		return false;
	if (e->step_addr && si.si_code == TRAP_TRACE) {
		lines_bps_put(b, e->tid, e->step_addr);
		e->step_addr = 0;
		resume(e->tid, PTRACE_CONT, 0);
		return true;
	}
	const char *path;
	int line;
	uint64_t at = r.rip - 1;   /* after an int3 the PC is past it */
	if (si.si_code != SI_KERNEL || !lines_bps_hit(b, at, &path, &line))
		return false;
	r.rip = at;
	if (ptrace(PTRACE_SETREGS, e->tid, NULL, &r) < 0 || lines_bps_lift(b, e->tid, at) < 0)
		return false;
	/* Other threads of the process run on meanwhile and may pass this
	 * one line unseen while its byte is back: a line missed, never a
	 * wrong one. */
	e->step_addr = at;
	line_begin(tr, e, path, line, false);
	resume(e->tid, PTRACE_SINGLESTEP, 0);
	return true;
#else
	(void)tr;
	(void)e;
	return false;
#endif
}

/* A program image starts (exec): its breakpoints, before it runs. */
static void lines_at_exec(struct tracer *tr, struct tracee *e)
{
	image_drop(tr, e->tgid);
	e->step_addr = 0;
	char why[256], exe[4096] = "?", path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)e->tid);
	ssize_t k = readlink(path, exe, sizeof exe - 1);
	exe[k > 0 ? k : 1] = '\0';
	/* An interpreter's own C is not the program's lines: the script's
	 * are (Python's runner reports them). */
	if (pyrun_is_python(exe))
		return;
	struct trace_bps *b = lines_bps_new(tr->lines, e->tgid, e->tid, why, sizeof why);
	struct trace_bps **slot = b ? image_slot(tr, e->tgid, true) : NULL;
	if (b && !slot) {
		lines_bps_free(b);
		b = NULL;
	}
	if (slot)
		*slot = b;
	if (b) {
		fprintf(tr->err, "sockscope trace: --lines: %zu line-table rows of %s's own code are stepped%s%s\n",
		        lines_bps_count(b), exe, why[0] ? "; " : "", why);
		tr->lines_said = true;
	}
}

/* Skip the call the thread is stopped at (seccomp entry), as if it had
 * returned ret. */
static bool skip_call(pid_t tid, long ret)
{
#if defined(__x86_64__)
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &r) < 0)
		return false;
	r.orig_rax = (unsigned long long)-1;   /* no call: the kernel leaves rax as set here */
	r.rax = (unsigned long long)ret;
	return ptrace(PTRACE_SETREGS, tid, NULL, &r) == 0;
#else
	/* Not done here: the report goes on to /dev/null, which is as harmless. */
	(void)tid;
	(void)ret;
	return false;
#endif
}

/* Is this write the line runner's report (pyrun.c)?  Then it is the
 * thread's line from now on, and the write is skipped. */
static bool line_report(struct tracer *tr, struct tracee *e, const struct __ptrace_syscall_info *si)
{
	if (tr->line_fd < 0 || (long)si->seccomp.nr != SYS_write || si->seccomp.args[0] != (uint64_t)tr->line_fd)
		return false;
	char buf[4096 + 64];
	size_t n = si->seccomp.args[2];
	if (n > sizeof buf)
		return false;
	ssize_t got = trace_peek(e->tid, si->seccomp.args[1], buf, n);
	bool resumed;
	char path[1024];
	int line;
	if (got != (ssize_t)n || !pyrun_parse(buf, n, path, sizeof path, &line, &resumed))
		return false;
	const char *base = strrchr(path, '/');
	snprintf(e->pyline, sizeof e->pyline, "%s:%d", base ? base + 1 : path, line);
	e->py = true;
	if (tr->step_lines)
		line_begin(tr, e, path, line, resumed);
	skip_call(e->tid, (long)n);
	resume(e->tid, PTRACE_CONT, 0);
	return true;
}

static void on_entry(struct tracer *tr, struct tracee *e, const struct __ptrace_syscall_info *si)
{
	if (line_report(tr, e, si))
		return;
	const struct trace_sysc *sc = trace_sysc_find((long)si->seccomp.nr);
	if (!sc || ((sc->flags & TS_WAITS) && !tr->seen_socket)) {
		resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	struct trace_call *c = &e->call;
	memset(c, 0, sizeof *c);
	c->tid = e->tid;
	c->sc = sc;
	memcpy(c->args, si->seccomp.args, sizeof c->args);
	if (sc->flags & TS_FD0) {
		trace_fd_describe(e->tid, (int)c->args[0], c->fd0, sizeof c->fd0, &c->sock0);
		if ((sc->flags & TS_ONLY_SOCK) && !c->sock0.is_socket) {
			resume(e->tid, PTRACE_CONT, 0);
			return;
		}
		if (c->sock0.is_socket) {
			tr->seen_socket = true;
			attrib_learn(tr->attrib, &c->sock0);
		}
	}
	/* The port a call is about to use is watched before it is used. */
	uint16_t port = trace_call_dest_port(c);
	if (port)
		attrib_learn_port(tr->attrib, port);
	line_call(tr, e, c);
	if (c->under_line) {
		/* its line's heading says where */
	} else if (e->py) {
		snprintf(c->where, sizeof c->where, "%s", e->pyline);
	} else if (!tr->o->no_lines) {
		bool nodebug = false;
		lines_where(tr->lines, e->tgid, e->tid, c->where, sizeof c->where, &nodebug);
		if (nodebug && !tr->nodebug_said) {
			tr->nodebug_said = true;
			fprintf(tr->err, "sockscope trace: no debug info in the program's own code (build it with -g for "
			                 "source lines): calls are shown one by one, without lines\n");
		}
	}
	/* Only an IP socket (or a wait on many) can put packets on the loopback. */
	bool ip = !(sc->flags & TS_FD0) || c->sock0.family == AF_INET || c->sock0.family == AF_INET6;
	if ((sc->flags & TS_WINDOW) && ip)
		c->window = attrib_begin_on(tr->attrib, c->sock0.is_socket ? &c->sock0 : NULL);
	clock_gettime(CLOCK_MONOTONIC, &c->entered);
	e->state = T_IN_CALL;
	resume(e->tid, PTRACE_SYSCALL, 0);
}

static void on_exit_stop(struct tracer *tr, struct tracee *e, const struct __ptrace_syscall_info *si)
{
	struct trace_call *c = &e->call;
	int64_t rv = si->exit.rval;
	if (si->exit.is_error &&
	    (rv == -ERESTARTSYS || rv == -ERESTARTNOINTR || rv == -ERESTARTNOHAND || rv == -ERESTART_RESTARTBLOCK)) {
		/* A signal came; the call restarts (or fails with EINTR) after it. */
		c->restarting = 1;
		resume(e->tid, PTRACE_SYSCALL, 0);
		return;
	}
	c->ret = rv;
	c->is_error = si->exit.is_error;
	if (!c->is_error) {
		if (c->sc->flags & TS_NEWFD)
			learn_fd(tr, e->tid, (int)c->ret);
		else if ((c->sc->flags & TS_FD0) && c->sc->nr != SYS_close &&
		         !(c->sock0.lport && c->sock0.rport && c->sc->nr != SYS_connect && c->sc->nr != SYS_bind))
			learn_fd(tr, e->tid, (int)c->args[0]);   /* its ports now (after bind, connect) */
		/* (a socket connected at entry keeps its ports unless the call is a
		 * connect: no second description, ~10 syscalls a send or recv) */
	}
	if (c->window) {
		attrib_end(tr->attrib, c->window);
		text_window(tr->text, c, tr->attrib);
	} else {
		text_call(tr->text, c);
	}
	e->state = T_RUNNING;
	/* --and: the first program listens; the second may start, told where. */
	if (tr->and_waiting && c->sc->nr == SYS_listen && !c->is_error) {
		struct trace_sock so;
		char d[192];
		trace_fd_describe(e->tid, (int)c->args[0], d, sizeof d, &so);
		if (so.lport)
			start_second(tr, so.lport);
	}
	resume(e->tid, PTRACE_CONT, 0);
}

/* A syscall stop (entry or exit) while a call is open. */
static void on_syscall_stop(struct tracer *tr, struct tracee *e)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, e->tid, (void *)sizeof si, &si) <= 0) {
		resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	if (e->state != T_IN_CALL) {
		resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	if (si.op == PTRACE_SYSCALL_INFO_EXIT) {
		on_exit_stop(tr, e, &si);
		return;
	}
	if (si.op == PTRACE_SYSCALL_INFO_ENTRY && e->call.restarting && (long)si.entry.nr != e->call.sc->nr &&
	    (long)si.entry.nr != SYS_restart_syscall) {
		/* The interrupted call was not restarted: it failed with EINTR. */
		e->call.ret = -EINTR;
		e->call.is_error = true;
		if (e->call.window) {
			attrib_end(tr->attrib, e->call.window);
			text_window(tr->text, &e->call, tr->attrib);
		} else {
			text_call(tr->text, &e->call);
		}
		e->state = T_RUNNING;
		resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	resume(e->tid, PTRACE_SYSCALL, 0);
}

static void on_seccomp(struct tracer *tr, struct tracee *e)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, e->tid, (void *)sizeof si, &si) <= 0 ||
	    si.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	if (e->state == T_IN_CALL) {
		/* the restart of an interrupted call: the same call goes on */
		resume(e->tid, PTRACE_SYSCALL, 0);
		return;
	}
	on_entry(tr, e, &si);
}

/* ---- processes ---- */

static const char *signame(int sig)
{
	const char *s = sigabbrev_np(sig);
	static _Thread_local char buf[32];
	snprintf(buf, sizeof buf, "SIG%s", s ? s : "?");
	return buf;
}

static void on_event(struct tracer *tr, struct tracee *e, int event)
{
	unsigned long msg = 0;
	ptrace(PTRACE_GETEVENTMSG, e->tid, NULL, &msg);
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: {
		struct tracee *n = add(tr, (pid_t)msg);
		if (n && event == PTRACE_EVENT_CLONE)
			n->tgid = e->tgid;   /* a thread, unless CLONE_THREAD was off: re-read at its first stop */
		if (n) {
			/* A forked Python goes on at the line that forked; a new
			 * thread has no line of its own until it runs one. */
			n->py = e->py;
			if (event != PTRACE_EVENT_CLONE)
				memcpy(n->pyline, e->pyline, sizeof n->pyline);
			/* --lines: a new process has the parent's int3s in its memory,
			 * so it gets a copy of the table; a thread shares the table. */
			struct trace_bps *pb = image_of(tr, e->tgid);
			pid_t ctgid = tgid_of((pid_t)msg);
			if (pb && ctgid != e->tgid && !image_of(tr, ctgid)) {
				struct trace_bps **slot = image_slot(tr, ctgid, true);
				if (slot)
					*slot = lines_bps_fork(pb);
			}
			n->announced = true;
			if (n->held) {
				n->held = false;
				resume(n->tid, PTRACE_CONT, 0);
			}
		}
		text_many(tr->text);
		text_note(tr->text, e->tid, "%s() = %lu", event == PTRACE_EVENT_FORK ? "fork"
		                                         : event == PTRACE_EVENT_VFORK ? "vfork" : "clone", msg);
		break;
	}
	case PTRACE_EVENT_EXEC: {
		pid_t former = (pid_t)msg;
		if (former != e->tid) {
			struct tracee *old = find(tr, former);
			if (old)
				forget(tr, old);
		}
		lines_forget(tr->lines, e->tgid);
		e->py = false;   /* a new program: the runner reports again if it runs one */
		e->pyline[0] = '\0';
		if (tr->step_lines) {
			line_close(tr, e);
			lines_at_exec(tr, e);
		}
		if (!tr->exec_seen && e->tid == tr->main_pid) {
			tr->exec_seen = true;
		} else if (!tr->and_exec_seen && tr->and_pid && e->tid == tr->and_pid) {
			tr->and_exec_seen = true;
		} else {
			char exe[4096] = "?", path[64];
			snprintf(path, sizeof path, "/proc/%d/exe", (int)e->tid);
			ssize_t k = readlink(path, exe, sizeof exe - 1);
			exe[k > 0 ? k : 1] = '\0';
			text_note(tr->text, e->tid, "execve(\"%s\") = 0", exe);
		}
		break;
	}
	default:
		break;
	}
	resume(e->tid, e->state == T_IN_CALL ? PTRACE_SYSCALL : PTRACE_CONT, 0);
}

static const char *signame(int sig);
static long ms_since(const struct timespec *t0);

static void handle(struct tracer *tr, pid_t tid, int status)
{
	struct tracee *e = find(tr, tid);
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (tid == tr->main_pid) {
			tr->main_done = true;
			tr->main_status = status;
		} else if (tr->and_pid && tid == tr->and_pid) {
			tr->and_done = true;
			tr->and_status = status;
		}
		if (e) {
			line_close(tr, e);
			line_flush_hidden(tr, e);
			if (e->tgid == tid) {
				lines_forget(tr->lines, tid);
				image_drop(tr, tid);
			}
			forget(tr, e);
		}
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (!e) {
		e = add(tr, tid);
		if (!e) {
			/* more processes than we can follow: let it go untraced */
			ptrace(PTRACE_DETACH, tid, NULL, NULL);
			return;
		}
	}
	int sig = WSTOPSIG(status);
	int event = status >> 16;
	if (!e->started) {
		e->started = true;
		e->tgid = tgid_of(tid);
		if (sig == SIGSTOP && !event) {
			/* --lines: a child seen before its parent's fork event is
			 * held until then, when it gets its copy of the int3 table
			 * (run on, it would die of the first one). */
			if (tr->step_lines && !e->announced && tid != tr->main_pid && tid != tr->and_pid) {
				e->held = true;
				return;
			}
			resume(tid, PTRACE_CONT, 0);   /* the stop a new tracee starts with */
			return;
		}
	}
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(tr, e);
	} else if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
		on_seccomp(tr, e);
	} else if (sig == SIGTRAP && event) {
		on_event(tr, e, event);
	} else if (sig == SIGTRAP && tr->step_lines && on_trap(tr, e)) {
		/* a line began (or the step over its int3 ended) */
	} else {
		/* a signal for the program: deliver it; one that is a fault is
		 * said with the line it happened on */
		if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT) {
			char where[320] = "";
			bool nodebug;
			if (e->ln.open)
				snprintf(where, sizeof where, "%s", e->ln.where);
			else if (e->py)
				snprintf(where, sizeof where, "%s", e->pyline);
			else if (!tr->o->no_lines)
				lines_where(tr->lines, e->tgid, tid, where, sizeof where, &nodebug);
			text_note(tr->text, tid, "--- %s (%s)%s%s ---", signame(sig), strsignal(sig), where[0] ? " at " : "",
			          where);
		}
		/* a signal while stepping over an int3: the step goes on into
		 * the handler, where its trap puts the int3 back */
		resume(tid, e->state == T_IN_CALL ? PTRACE_SYSCALL : e->step_addr ? PTRACE_SINGLESTEP : PTRACE_CONT, sig);
	}
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Kill whatever the program left (its traced processes and its process
 * group) and reap them; bounded. */
static int end_all(struct tracer *tr)
{
	int left = 0;
	for (int i = 0; i < MAX_TRACEES; i++)
		if (tr->t[i].state != T_FREE && tr->t[i].tid == tr->t[i].tgid) {
			kill(tr->t[i].tid, SIGKILL);
			left++;
		}
	kill(-tr->main_pid, SIGKILL);
	if (tr->and_pid)
		kill(-tr->and_pid, SIGKILL);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct itimerval it = { .it_value = { 0, 100000 }, .it_interval = { 0, 100000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	while (ms_since(&t0) < REAP_MS) {
		int status;
		pid_t p = waitpid(-1, &status, __WALL);
		if (p < 0 && errno == ECHILD)
			break;
		if (p > 0)
			handle(tr, p, status);
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	return left;
}

/* The second program's end, said; what sockscope exits with for it. */
static int and_exit(struct tracer *tr, FILE *err)
{
	if (WIFEXITED(tr->and_status)) {
		fprintf(err, "sockscope trace: the second program (--and) exited with status %d\n",
		        WEXITSTATUS(tr->and_status));
		return WEXITSTATUS(tr->and_status);
	}
	int sig = WTERMSIG(tr->and_status);
	fprintf(err, "sockscope trace: the second program (--and) was killed by %s (%s)\n", signame(sig),
	        strsignal(sig));
	return 128 + sig;
}

/* Fork argv under the tracer: the child stops itself, gets its options
 * and runs on to its exec.  The pid, or -1 having said why; *report is
 * the close-on-exec pipe the child writes an exec failure to. */
static pid_t spawn(struct tracer *tr, char **argv, int *report)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fprintf(tr->err, "sockscope trace: %s\n", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(tr->err, "sockscope trace: cannot fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child(argv, tr->envp_run, tr->line_fd, pipefd[1]);
	}
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);   /* read once at the end, whatever became of the child */
	*report = pipefd[0];
	setpgid(pid, pid);   /* also here, so that killing the group cannot miss it */

	/* The child's first stop: set the options, let it go on. */
	int status;
	pid_t w;
	do
		w = waitpid(pid, &status, __WALL);
	while (w < 0 && errno == EINTR);
	if (w != pid || !WIFSTOPPED(status)) {
		int e[2] = { 0, 0 };
		ssize_t k = read(pipefd[0], e, sizeof e);
		if (k == sizeof e && e[1] == 1) {
			/* PTRACE_TRACEME refused: which setting does it (untraced.c) */
			char why[512];
			trace_ptrace_refusal(e[0], why, sizeof why);
			fprintf(tr->err, "sockscope trace: the program cannot be traced: %s\n", why);
			return -2;
		}
		fprintf(tr->err, "sockscope trace: the program could not be traced: it ended before its first stop\n");
		return -1;
	}
	long opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
	            PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts) < 0) {
		fprintf(tr->err, "sockscope trace: ptrace refused its options: %s\n", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, &status, __WALL);
		return -1;
	}
	struct tracee *first = add(tr, pid);
	if (first)
		first->started = true;
	resume(pid, PTRACE_CONT, 0);
	return pid;
}

/* --and: the second program, with {port} the first's listening port (0:
 * it names none).  Its calls are told apart by their "[pid N]". */
static void start_second(struct tracer *tr, uint16_t port)
{
	char why[512];
	tr->and_waiting = false;
	tr->and_argv = serve_expand(&tr->serve, tr->o->and_argv, port, why, sizeof why);
	if (!tr->and_argv) {
		fprintf(tr->err, "sockscope trace: --and: %s\n", why);
		return;
	}
	char found[4096];
	if (!findable(tr->and_argv[0], found, sizeof found, why, sizeof why)) {
		fprintf(tr->err, "sockscope trace: --and: %s\n", why);
		return;
	}
	char **argv = tr->and_argv;
	if (!tr->o->no_lines && tr->line_fd >= 0) {
		char note[4096 + 512];
		tr->and_pyargv = pyrun_argv(tr->and_argv, found, note, sizeof note);
		if (note[0])
			fprintf(tr->err, "sockscope trace: --and: %s\n", note);
		if (tr->and_pyargv)
			argv = tr->and_pyargv;
	}
	pid_t pid = spawn(tr, argv, &tr->report[1]);
	if (pid < 0)
		return;
	tr->and_pid = pid;
	text_many(tr->text);
	text_note(tr->text, tr->main_pid, "the first program: %s", tr->argv[0]);
	text_note(tr->text, pid, "the second program (--and): %s", tr->and_argv[0]);
	if (port)
		fprintf(tr->err, "sockscope trace: --and: the second program started once the first listened on port %u\n",
		        (unsigned)port);
}

int trace_run(const struct trace_options *o, FILE *out, FILE *err)
{
	char why[512];
	if (!o->argv || !o->argv[0]) {
		fprintf(err, "sockscope trace: which program? (sockscope trace -- PROGRAM ARGS...)\n");
		return 2;
	}
	char found[4096];
	if (!findable(o->argv[0], found, sizeof found, why, sizeof why)) {
		fprintf(err, "sockscope trace: %s\n", why);
		return TRACE_EXIT_NOT_FOUND;
	}

	struct tracer *tr = xcalloc(1, sizeof *tr);
	tr->o = o;
	tr->err = err;
	tr->line_fd = -1;
	tr->report[0] = tr->report[1] = -1;
	int rc = 1;
	enum capture_mode mode;
	/* Before any thread: the capture may unshare us into a namespace, and
	 * the program, forked after, runs in there with us. */
	tr->attrib = attrib_open(o->capture, &mode, why, sizeof why);
	tr->text = text_new(out);
	if (mode == CAPTURE_NONE)
		fprintf(err, "sockscope trace: no capture (%s): calls only, without their packets\n", why);
	else
		fprintf(err, "sockscope trace: capturing on %s\n", capture_mode_name(mode));
	if (o->write && text_write_open(tr->text, tr->attrib, o->write, why, sizeof why) < 0) {
		fprintf(err, "sockscope trace: %s\n", why);
		rc = 2;
		goto done;
	}
	if (!o->no_lines) {
		tr->lines = lines_new(why, sizeof why);
		if (!tr->lines)
			fprintf(err, "sockscope trace: %s\n", why);
	}
	if (o->lines) {
#if defined(__x86_64__)
		tr->step_lines = true;
#else
		fprintf(err, "sockscope trace: --lines steps x86_64 programs only (its int3): calls are shown one by one\n");
#endif
		if (!tr->lines && !o->no_lines)
			fprintf(err, "sockscope trace: --lines reads C's line tables with libdw: a Python script's lines only\n");
	}

	/* --serve: the lab's servers, in the capture's namespace, on threads
	 * that leave our signals to this one; then {port} and {host}. */
	char **argv = o->argv;
	if (o->nserve) {
		sigset_t all, was;
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &was);
		int sv = serve_start(&tr->serve, o->serve, o->nserve, o->family, why, sizeof why);
		pthread_sigmask(SIG_SETMASK, &was, NULL);
		if (sv < 0) {
			fprintf(err, "sockscope trace: %s\n", why);
			rc = 2;
			goto done;
		}
		uint16_t ports[TRACE_MAX_SERVE * 4];
		size_t np = serve_ports(&tr->serve, ports, sizeof ports / sizeof ports[0]);
		for (size_t i = 0; i < np; i++)
			attrib_learn_port(tr->attrib, ports[i]);
		for (int i = 0; i < tr->serve.n; i++)
			fprintf(err, "sockscope trace: the lab's %s server listens on %s port %u\n", tr->serve.proto[i],
			        o->family == 6 ? "::1" : "127.0.0.1", (unsigned)serve_port(&tr->serve, i));
	}
	argv = tr->argv = serve_expand(&tr->serve, o->argv, 0, why, sizeof why);
	if (!argv) {
		fprintf(err, "sockscope trace: %s\n", why);
		rc = 2;
		goto done;
	}

	/* A Python script runs under the line runner, which reports to a
	 * /dev/null descriptor of its own, named in its environment. */
	char **envp = environ;
	if (!o->no_lines) {
		char note[4096 + 512];
		tr->pyargv = pyrun_argv(argv, found, note, sizeof note);
		if (note[0])
			fprintf(err, "sockscope trace: %s\n", note);
		if (tr->pyargv) {
			tr->line_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (tr->line_fd >= 0) {
				/* high, where a program's own descriptors seldom go */
				int high = fcntl(tr->line_fd, F_DUPFD_CLOEXEC, 200);
				if (high >= 0) {
					close(tr->line_fd);
					tr->line_fd = high;
				}
			}
			size_t ne = 0;
			while (environ[ne])
				ne++;
			tr->envp = xcalloc(ne + 2, sizeof(char *));
			if (tr->line_fd < 0 || !tr->envp) {
				fprintf(err, "sockscope trace: Python's line runner cannot be given its descriptor: %s\n",
				        strerror(errno));
				goto done;
			}
			size_t k = 0;
			for (size_t i = 0; i < ne; i++)
				if (strncmp(environ[i], PYRUN_ENV "=", sizeof PYRUN_ENV))
					tr->envp[k++] = environ[i];
			snprintf(tr->line_env, sizeof tr->line_env, "%s=%d", PYRUN_ENV, tr->line_fd);
			tr->envp[k] = tr->line_env;
			envp = tr->envp;
			argv = tr->pyargv;
		}
	}

	/* Orphans of the program (a daemon's first fork) become ours, so the
	 * end reaps them and leaves no zombie behind. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	/* Our own signals: the timer and a request to stop end the wait in
	 * waitpid (no SA_RESTART); the capture thread, started after, blocks them. */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	char cerr[256] = "";
	int started = attrib_start(tr->attrib, cerr, sizeof cerr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started < 0)
		fprintf(err, "sockscope trace: the capture did not start (%s): calls only\n", cerr);

	tr->envp_run = envp;
	pid_t pid = spawn(tr, argv, &tr->report[0]);
	if (pid == -2) {
		/* ptrace refused: the packets without the calls (untraced.c) */
		rc = trace_untraced(tr->attrib, tr->text, tr->argv, o->timeout_s, mode == CAPTURE_HOST, err);
		goto done;
	}
	if (pid < 0)
		goto done;
	tr->main_pid = pid;
	if (o->and_argv && !serve_wants_port(o->and_argv))
		start_second(tr, 0);
	else if (o->and_argv)
		tr->and_waiting = true;

	struct itimerval it = { .it_value = { (time_t)o->timeout_s,
	                                      (suseconds_t)((o->timeout_s - (double)(time_t)o->timeout_s) * 1e6) } };
	if (!it.it_value.tv_sec && !it.it_value.tv_usec)
		it.it_value.tv_usec = 1000;
	setitimer(ITIMER_REAL, &it, NULL);
	int status;
	pid_t w;
	bool timed_out = false, stopped = false, grace = false, grace_ended = false;
	struct timespec t_start;
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	/* Bounded by the timer: every wait ends by an event or SIGALRM.  With
	 * --and the trace lasts until both programs ended; once the second
	 * has, the first (a server serving for ever, often) is ended when it
	 * has made no call for AND_GRACE_MS (a traced server on a loaded
	 * machine may need longer than that to finish its last calls), and
	 * the --timeout still holds. */
	const struct itimerval g = { .it_value = { AND_GRACE_MS / 1000, AND_GRACE_MS % 1000 * 1000 } };
	while (!tr->main_done || (tr->and_pid && !tr->and_done)) {
		if (got_alarm && grace) {
			grace_ended = true;   /* the first program is ended below, idle */
			break;
		}
		if (got_alarm) {
			timed_out = true;
			break;
		}
		if (tr->and_done && !tr->main_done && !grace) {
			grace = true;
			setitimer(ITIMER_REAL, &g, NULL);
		}
		if (got_stop_signal) {
			stopped = true;
			break;
		}
		w = waitpid(-1, &status, __WALL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		handle(tr, w, status);
		if (grace) {
			/* it is still doing something (an alarm that came while this
			 * event was handled counts from it) */
			if (ms_since(&t_start) > (long)(o->timeout_s * 1000)) {
				timed_out = true;
				break;
			}
			got_alarm = 0;
			setitimer(ITIMER_REAL, &g, NULL);
		}
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);

	/* Calls still waiting (a recv nobody answers): shown as such, with
	 * what they caught meanwhile, before their processes are ended.  The
	 * first is named again in the end's note: it is why the program
	 * never finished (recv before send against a server that waits for
	 * the request). */
	char waiting[512] = "";
	for (int i = 0; i < MAX_TRACEES; i++) {
		struct tracee *e = &tr->t[i];
		if (e->state != T_IN_CALL)
			continue;
		if (!waiting[0])
			snprintf(waiting, sizeof waiting, "; %s()%s%s had waited %.1f s for what never came", e->call.sc->name,
			         e->call.where[0] ? " at " : "", e->call.where, (double)ms_since(&e->call.entered) / 1000);
		e->call.unfinished = true;
		e->call.waited_ms = ms_since(&e->call.entered);
		e->call.is_error = true;   /* their buffers hold nothing yet: shown as addresses */
		if (e->call.window) {
			attrib_end(tr->attrib, e->call.window);
			text_window(tr->text, &e->call, tr->attrib);
		} else {
			text_call(tr->text, &e->call);
		}
	}

	for (int i = 0; i < MAX_TRACEES; i++)
		if (tr->t[i].state != T_FREE) {
			line_close(tr, &tr->t[i]);
			line_flush_hidden(tr, &tr->t[i]);
		}
	if (tr->step_lines && !tr->lines_said && !tr->pyargv)
		fprintf(err, "sockscope trace: --lines: no line table of the program's own code (build it with -g -O0): "
		             "calls are shown one by one\n");

	if (tr->and_waiting)
		fprintf(err, "sockscope trace: --and: the second program was not started: it waits for {port}, and the "
		             "first program never listened\n");
	int failed[2] = { 0, 0 };
	ssize_t fk = read(tr->report[0], failed, sizeof failed);
	int failed2[2] = { 0, 0 };
	if (tr->report[1] >= 0 && read(tr->report[1], failed2, sizeof failed2) == (ssize_t)sizeof failed2)
		fprintf(err, "sockscope trace: --and: %s '%s': %s\n", failed2[1] == 3 ? "cannot run" : "cannot trace",
		        tr->and_argv[0], strerror(failed2[0]));

	/* What the kernel sends for the sockets the program left open (its
	 * end closes them): one last window, opened before anything is killed. */
	uint32_t last = attrib_begin(tr->attrib);
	int left = end_all(tr);
	serve_stop(&tr->serve);
	attrib_end(tr->attrib, last);
	text_tail(tr->text, tr->attrib, last);
	attrib_stop(tr->attrib);
	text_tail(tr->text, tr->attrib, last);
	if (text_write_close(tr->text, why, sizeof why) < 0)
		fprintf(err, "sockscope trace: --write: %s\n", why);
	else if (o->write)
		fprintf(err, "sockscope trace: the packets are in %s\n", o->write);

	if (fk == (ssize_t)sizeof failed) {
		fprintf(err, "sockscope trace: %s '%s': %s\n", failed[1] == 3 ? "cannot run" : "cannot trace",
		        argv[0], strerror(failed[0]));
		rc = failed[1] == 3 ? TRACE_EXIT_NOT_FOUND : 1;
	} else if (timed_out) {
		fprintf(err, "sockscope trace: the program did not finish within %g s (--timeout): ended it%s%s\n",
		        o->timeout_s, left > 1 ? " and the processes it started" : "", waiting);
		rc = TRACE_EXIT_TIMEOUT;
	} else if (stopped) {
		fprintf(err, "sockscope trace: interrupted: ended the program\n");
		rc = 130;
	} else if (grace_ended) {
		/* the second ended; the first was ended after the grace */
		rc = and_exit(tr, err);
		fprintf(err, "sockscope trace: the first program made no call for %d ms after the second ended: ended it\n",
		        AND_GRACE_MS);
	} else if (tr->main_done && tr->and_pid && WIFEXITED(tr->main_status) && WEXITSTATUS(tr->main_status) == 0) {
		rc = and_exit(tr, err);
		fprintf(err, "sockscope trace: the first program exited with status 0\n");
	} else if (tr->main_done && WIFEXITED(tr->main_status)) {
		rc = WEXITSTATUS(tr->main_status);
		fprintf(err, "sockscope trace: the program exited with status %d%s\n", rc,
		        left ? "; the processes it left were ended" : "");
	} else if (tr->main_done && WIFSIGNALED(tr->main_status)) {
		int sig = WTERMSIG(tr->main_status);
		fprintf(err, "sockscope trace: the program was killed by %s (%s)%s\n", signame(sig), strsignal(sig),
		        WCOREDUMP(tr->main_status) ? ", core dumped" : "");
		rc = 128 + sig;
	}
done:
	serve_stop(&tr->serve);
	serve_free_argv(tr->argv);
	serve_free_argv(tr->and_argv);
	pyrun_free_argv(tr->and_pyargv);
	for (int i = 0; i < 2; i++)
		if (tr->report[i] >= 0)
			close(tr->report[i]);
	pyrun_free_argv(tr->pyargv);
	for (size_t i = 0; i < sizeof tr->img / sizeof tr->img[0]; i++)
		lines_bps_free(tr->img[i].b);
	for (int i = 0; i < 8; i++) {
		free(tr->src[i].path);
		free(tr->src[i].data);
	}
	free(tr->envp);
	if (tr->line_fd >= 0)
		close(tr->line_fd);
	lines_free(tr->lines);
	text_free(tr->text);
	attrib_close(tr->attrib);
	free(tr);
	return rc;
}
