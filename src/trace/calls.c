/*
 * calls.c — one call's stops: its seccomp stop at entry, its syscall stop
 * at exit.
 *
 * At a call the tracer gets a PTRACE_EVENT_SECCOMP stop at entry
 * (PTRACE_GET_SYSCALL_INFO gives the number and arguments on any
 * architecture), resumes it with PTRACE_SYSCALL to get the exit stop, and
 * resumes it with PTRACE_CONT.  While a call is stopped at entry the
 * tracer learns the ports it names and opens its packet window
 * (attrib.c); at exit it reads what the call returned, waits for its
 * packets and makes its block and event (trace.c), all before the program
 * runs on.  A call interrupted by a signal stays open across it: it
 * restarts, or a different call begins and it is reported as EINTR.
 *
 * One call on the wire at a time.  Two tracees (threads, a forked child,
 * --and's two programs) whose calls ran at once would put their packets
 * between overlapping markers, and a packet would go to the latest window
 * open, right or not.  So a tracee stopping at a call's entry while
 * another tracee's call is in its window (entered, and its END not yet
 * read) and running is held there, stopped, until that END: its START
 * goes after it.  A call asleep in the kernel (state S in /proc: a recv
 * with nothing to read, an accept, a poll) holds nobody: what it waits
 * for is another call, whose window opens later and so takes the packets.
 * The exit of a call (its quiet wait and END) is made by this thread
 * before it looks at any other stop, so nothing new starts meanwhile
 * either: every program's code is stopped or runs code that sends
 * nothing (the filter stops every call that could).
 */
#include "trace/trace_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/user.h>

/* A call held back this long is let go whatever holds it (a call running
 * in the kernel this long is not a socket's; never a hang). */
#define PARK_MAX_MS 2000

/* The kernel's internal "restart me" values a syscall exit may show when a
 * signal interrupted it (include/linux/errno.h, not exported to users). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

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
	snprintf(e->pypath, sizeof e->pypath, "%s", path);
	e->pylineno = line;
	e->py = true;
	if (tr->step_lines)
		linestep_begin(tr, e, path, line, resumed);
	skip_call(e->tid, (long)n);
	tracee_resume(e->tid, PTRACE_CONT, 0);
	return true;
}

static void on_entry(struct tracer *tr, struct tracee *e, const struct __ptrace_syscall_info *si)
{
	if (line_report(tr, e, si))
		return;
	const struct trace_sysc *sc = trace_sysc_find((long)si->seccomp.nr);
	if (!sc || ((sc->flags & TS_WAITS) && !tr->seen_socket)) {
		tracee_resume(e->tid, PTRACE_CONT, 0);
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
			tracee_resume(e->tid, PTRACE_CONT, 0);
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
	linestep_call(tr, e, c);
	e->call_path[0] = '\0';
	e->call_line = 0;
	if (c->under_line) {
		/* its line's heading says where */
		snprintf(e->call_path, sizeof e->call_path, "%s", e->ln.path);
		e->call_line = e->ln.line;
	} else if (e->py) {
		snprintf(c->where, sizeof c->where, "%s", e->pyline);
		snprintf(e->call_path, sizeof e->call_path, "%s", e->pypath);
		e->call_line = e->pylineno;
	} else if (!tr->o->no_lines) {
		bool nodebug = false;
		lines_locate(tr->lines, e->tgid, e->tid, c->where, sizeof c->where, e->call_path, sizeof e->call_path,
		             &e->call_line, &nodebug);
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
	tracee_resume(e->tid, PTRACE_SYSCALL, 0);
}

static void on_exit_stop(struct tracer *tr, struct tracee *e, const struct __ptrace_syscall_info *si)
{
	struct trace_call *c = &e->call;
	int64_t rv = si->exit.rval;
	if (si->exit.is_error &&
	    (rv == -ERESTARTSYS || rv == -ERESTARTNOINTR || rv == -ERESTARTNOHAND || rv == -ERESTART_RESTARTBLOCK)) {
		/* A signal came; the call restarts (or fails with EINTR) after it. */
		c->restarting = 1;
		tracee_resume(e->tid, PTRACE_SYSCALL, 0);
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
	trace_emit_call(tr, e);
	e->state = T_RUNNING;
	/* --and: the first program listens; the second may start, told where. */
	if (tr->and_waiting && c->sc->nr == SYS_listen && !c->is_error) {
		struct trace_sock so;
		char d[192];
		trace_fd_describe(e->tid, (int)c->args[0], d, sizeof d, &so);
		if (so.lport)
			trace_start_second(tr, so.lport);
	}
	tracee_resume(e->tid, PTRACE_CONT, 0);
}

/* A syscall stop (entry or exit) while a call is open. */
void calls_syscall_stop(struct tracer *tr, struct tracee *e)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, e->tid, (void *)sizeof si, &si) <= 0) {
		tracee_resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	if (e->state != T_IN_CALL) {
		tracee_resume(e->tid, PTRACE_CONT, 0);
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
		trace_emit_call(tr, e);
		e->state = T_RUNNING;
		tracee_resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	tracee_resume(e->tid, PTRACE_SYSCALL, 0);
}

void calls_seccomp(struct tracer *tr, struct tracee *e)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, e->tid, (void *)sizeof si, &si) <= 0 ||
	    si.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		tracee_resume(e->tid, PTRACE_CONT, 0);
		return;
	}
	if (e->state == T_IN_CALL) {
		/* the restart of an interrupted call: the same call goes on */
		tracee_resume(e->tid, PTRACE_SYSCALL, 0);
		return;
	}
	on_entry(tr, e, &si);
}

/* The state letter of a thread (/proc/TID/stat: R, S, D, t...), 0 when
 * it is gone. */
static char thread_state(pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t k = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (k <= 0)
		return 0;
	buf[k] = '\0';
	const char *p = strrchr(buf, ')');   /* the name may hold anything */
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Is a call of a tracee other than self on the wire: in its window and
 * not asleep waiting for something?  (Stopped at its exit counts: its
 * END is still to come.) */
static bool other_on_wire(struct tracer *tr, const struct tracee *self)
{
	for (int i = 0; i < MAX_TRACEES; i++) {
		const struct tracee *o = &tr->t[i];
		if (o == self || o->state != T_IN_CALL || !o->call.window)
			continue;
		char st = thread_state(o->tid);
		if (st && st != 'S' && st != 'Z' && st != 'X')
			return true;
	}
	return false;
}

void calls_seccomp_or_park(struct tracer *tr, struct tracee *e)
{
	/* a restart of its own open call is not a new one */
	if (e->state != T_IN_CALL && attrib_capturing(tr->attrib) && other_on_wire(tr, e)) {
		e->parked = true;
		e->park_no = ++tr->parks;
		clock_gettime(CLOCK_MONOTONIC, &e->parked_at);
		tr->nparked++;
		return;
	}
	calls_seccomp(tr, e);
}

bool calls_unpark(struct tracer *tr)
{
	while (tr->nparked > 0) {
		struct tracee *first = NULL;
		for (int i = 0; i < MAX_TRACEES; i++) {
			struct tracee *o = &tr->t[i];
			if (o->state != T_FREE && o->parked && (!first || o->park_no < first->park_no))
				first = o;
		}
		if (!first) {
			tr->nparked = 0;
			break;
		}
		if (trace_ms_since(&first->parked_at) < PARK_MAX_MS && other_on_wire(tr, first))
			return true;
		first->parked = false;
		tr->nparked--;
		calls_seccomp(tr, first);
	}
	return false;
}

void calls_forget(struct tracer *tr, struct tracee *e)
{
	if (e->parked) {
		e->parked = false;
		tr->nparked--;
	}
}
