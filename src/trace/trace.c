/*
 * trace.c — the engine of sockscope trace: the tracer's loop, the
 * processes it follows, and the events a face steps through.
 *
 * trace_open gets everything ready (capture, servers, the program's argv)
 * without forking; the first trace_step forks (spawn.c), so the thread
 * that steps is the tracer.  trace_step waits for the program's stops
 * (waitpid) and hands each to calls.c (a call's entry and exit), linestep.c
 * (--lines' int3s) or on_event (fork, clone, exec) until an event of the
 * kind asked for has been made.  Each event is made where its headless
 * block is printed (text.c), from the same pieces, so a screen shows what
 * the text says.
 *
 * The waits are bounded by a timer that signals this thread only
 * (SIGEV_THREAD_ID), armed just around waitpid for the nearest of: the
 * --timeout, --and's grace, half a second (a call that waits is said about
 * once a second).  So a signal never lands in the middle of our own
 * writes, and trace_cancel from another thread (pthread_kill) ends a wait
 * at once.
 *
 * The end: when the program's first process exits (or --timeout, or our own
 * SIGINT/SIGTERM, or trace_cancel), every process it left is killed (each
 * traced one and its process group) and reaped, boundedly;
 * PTRACE_O_EXITKILL kills them too should sockscope itself die.
 */
#include "trace/trace_engine.h"
#include "common/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* --and: how long the first program may sit idle after the second ended. */
#define AND_GRACE_MS 1000
/* How long the end waits for killed processes to be reaped. */
#define REAP_MS 3000
/* The longest a wait goes unchecked: a call waiting is said about this often. */
#define TICK_MS 500

struct trace {
	struct tracer tr;
};

static volatile sig_atomic_t got_alarm, got_stop_signal;

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

struct tracee *tracee_find(struct tracer *tr, pid_t tid)
{
	for (int i = 0; i < MAX_TRACEES; i++)
		if (tr->t[i].state != T_FREE && tr->t[i].tid == tid)
			return &tr->t[i];
	return NULL;
}

pid_t tracee_tgid(pid_t tid)
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

struct tracee *tracee_add(struct tracer *tr, pid_t tid)
{
	struct tracee *e = tracee_find(tr, tid);
	if (e)
		return e;
	for (int i = 0; i < MAX_TRACEES; i++) {
		if (tr->t[i].state == T_FREE) {
			e = &tr->t[i];
			memset(e, 0, sizeof *e);
			e->tid = tid;
			e->tgid = tracee_tgid(tid);
			e->state = T_RUNNING;
			tr->ntracees++;
			return e;
		}
	}
	return NULL;
}

static void tracee_forget(struct tracer *tr, struct tracee *e)
{
	calls_forget(tr, e);
	e->state = T_FREE;
	tr->ntracees--;
}

void tracee_resume(pid_t tid, enum __ptrace_request how, int sig)
{
	ptrace(how, tid, NULL, (void *)(long)sig);
}

long trace_ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* SIGALRM to the tracer thread in ms (0: disarmed); every: again and again. */
static void arm(struct tracer *tr, long ms, bool every)
{
	if (!tr->have_timer)
		return;
	struct itimerspec it = { 0 };
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_nsec = ms % 1000 * 1000000;
	if (every)
		it.it_interval = it.it_value;
	timer_settime(tr->timer, 0, &it, NULL);
}

/* ---- events ---- */

static void event_free(struct trace_event *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->npk; i++) {
		free(ev->pk[i].line);
		free(ev->pk[i].data);
	}
	free(ev->pk);
	free(ev);
}

/* text.c hands over every packet it prints: the next event takes them. */
static void on_packet(void *ud, enum trace_pk_kind kind, const char *line, const struct attrib_frame *f)
{
	struct tracer *tr = ud;
	if (tr->nppk == tr->ppkcap) {
		tr->ppkcap = tr->ppkcap ? tr->ppkcap * 2 : 8;
		tr->ppk = xrealloc(tr->ppk, tr->ppkcap * sizeof *tr->ppk);
	}
	struct trace_packet *p = &tr->ppk[tr->nppk++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->line = xstrdup(line);
	if (f && tr->o->keep_events) {
		p->data = xmalloc(f->caplen ? f->caplen : 1);
		memcpy(p->data, f->data, f->caplen);
		p->caplen = f->caplen;
		p->wirelen = f->wirelen;
		p->ns = f->ns;
	}
}

static struct trace_event *event_new(enum trace_event_kind kind, pid_t pid)
{
	struct trace_event *ev = xcalloc(1, sizeof *ev);
	ev->kind = kind;
	ev->pid = pid;
	return ev;
}

/* Keep ev (with the packets printed since the last event) for trace_step. */
static void event_push(struct tracer *tr, struct trace_event *ev)
{
	ev->pk = tr->ppk;
	ev->npk = tr->nppk;
	tr->ppk = NULL;
	tr->nppk = tr->ppkcap = 0;
	pthread_mutex_lock(&tr->evmu);
	if (tr->nev == tr->evcap) {
		tr->evcap = tr->evcap ? tr->evcap * 2 : 64;
		tr->ev = xrealloc(tr->ev, tr->evcap * sizeof *tr->ev);
	}
	ev->no = tr->ev_base + tr->nev;
	ev->many = text_is_many(tr->text);
	tr->ev[tr->nev++] = ev;
	pthread_mutex_unlock(&tr->evmu);
}

/* Without keep_events: what trace_step returned or passed before is let go. */
static void events_drop_passed(struct tracer *tr)
{
	if (!tr->cursor)
		return;
	pthread_mutex_lock(&tr->evmu);
	for (size_t i = 0; i < tr->cursor; i++)
		event_free(tr->ev[i]);
	memmove(tr->ev, tr->ev + tr->cursor, (tr->nev - tr->cursor) * sizeof *tr->ev);
	tr->nev -= tr->cursor;
	tr->ev_base += tr->cursor;
	tr->cursor = 0;
	pthread_mutex_unlock(&tr->evmu);
}

void trace_emit_call(struct tracer *tr, struct tracee *e)
{
	struct trace_call *c = &e->call;
	struct trace_event *ev = event_new(TRACE_EV_CALL, c->tid);
	/* made once, while the program is stopped: its memory is what the call saw */
	trace_call_text(c, ev->text, sizeof ev->text);
	if (c->window) {
		attrib_end(tr->attrib, c->window);
		text_window(tr->text, c, ev->text, tr->attrib);
	} else {
		text_call(tr->text, c, ev->text);
	}
	snprintf(ev->where, sizeof ev->where, "%s", c->under_line ? e->ln.where : c->where);
	snprintf(ev->path, sizeof ev->path, "%s", e->call_path);
	ev->line = e->call_line;
	ev->call = c->sc->name;
	ev->ret = c->ret;
	ev->is_error = c->is_error;
	ev->unfinished = c->unfinished;
	ev->waited_ms = c->waited_ms;
	event_push(tr, ev);
}

void trace_emit_note(struct tracer *tr, pid_t pid, bool under, const char *fmt, ...)
{
	struct trace_event *ev = event_new(TRACE_EV_NOTE, pid);
	va_list va;
	va_start(va, fmt);
	vsnprintf(ev->text, sizeof ev->text, fmt, va);
	va_end(va);
	if (under) {
		struct tracee *e = tracee_find(tr, pid);
		text_under(tr->text, pid, "%s", ev->text);
		if (e) {
			snprintf(ev->where, sizeof ev->where, "%s", e->ln.where);
			snprintf(ev->path, sizeof ev->path, "%s", e->ln.path);
			ev->line = e->ln.line;
		}
	} else {
		text_note(tr->text, pid, "%s", ev->text);
	}
	event_push(tr, ev);
}

void trace_emit_line(struct tracer *tr, struct tracee *e, const char *src, const char *suffix)
{
	struct line_state *l = &e->ln;
	text_line(tr->text, e->tid, l->where, src, suffix);
	struct trace_event *ev = event_new(TRACE_EV_LINE, e->tid);
	snprintf(ev->where, sizeof ev->where, "%s", l->where);
	snprintf(ev->path, sizeof ev->path, "%s", l->path);
	ev->line = l->line;
	snprintf(ev->text, sizeof ev->text, "%s%s%s", src, suffix[0] && src[0] ? "  " : "", suffix);
	event_push(tr, ev);
}

/* ---- processes ---- */

static void on_event(struct tracer *tr, struct tracee *e, int event)
{
	unsigned long msg = 0;
	ptrace(PTRACE_GETEVENTMSG, e->tid, NULL, &msg);
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: {
		struct tracee *n = tracee_add(tr, (pid_t)msg);
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
			linestep_fork(tr, e->tgid, tracee_tgid((pid_t)msg));
			n->announced = true;
			if (n->held) {
				n->held = false;
				tracee_resume(n->tid, PTRACE_CONT, 0);
			}
		}
		text_many(tr->text);
		trace_emit_note(tr, e->tid, false, "%s() = %lu", event == PTRACE_EVENT_FORK ? "fork"
		                                                 : event == PTRACE_EVENT_VFORK ? "vfork" : "clone", msg);
		break;
	}
	case PTRACE_EVENT_EXEC: {
		pid_t former = (pid_t)msg;
		if (former != e->tid) {
			struct tracee *old = tracee_find(tr, former);
			if (old)
				tracee_forget(tr, old);
		}
		lines_forget(tr->lines, e->tgid);
		e->py = false;   /* a new program: the runner reports again if it runs one */
		e->pyline[0] = '\0';
		if (tr->step_lines) {
			linestep_close(tr, e);
			linestep_exec(tr, e);
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
			trace_emit_note(tr, e->tid, false, "execve(\"%s\") = 0", exe);
		}
		break;
	}
	default:
		break;
	}
	tracee_resume(e->tid, e->state == T_IN_CALL ? PTRACE_SYSCALL : PTRACE_CONT, 0);
}

static void handle(struct tracer *tr, pid_t tid, int status)
{
	struct tracee *e = tracee_find(tr, tid);
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (tid == tr->main_pid) {
			tr->main_done = true;
			tr->main_status = status;
		} else if (tr->and_pid && tid == tr->and_pid) {
			tr->and_done = true;
			tr->and_status = status;
		}
		if (e) {
			linestep_close(tr, e);
			linestep_flush_hidden(tr, e);
			if (e->tgid == tid) {
				lines_forget(tr->lines, tid);
				linestep_drop(tr, tid);
			}
			tracee_forget(tr, e);
		}
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (!e) {
		e = tracee_add(tr, tid);
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
		e->tgid = tracee_tgid(tid);
		/* a seized tracee's children begin with PTRACE_EVENT_STOP */
		if (event == PTRACE_EVENT_STOP || (sig == SIGSTOP && !event)) {
			/* --lines: a child seen before its parent's fork event is
			 * held until then, when it gets its copy of the int3 table
			 * (run on, it would die of the first one). */
			if (tr->step_lines && !e->announced && tid != tr->main_pid && tid != tr->and_pid) {
				e->held = true;
				return;
			}
			tracee_resume(tid, PTRACE_CONT, 0);   /* the stop a new tracee starts with */
			return;
		}
	}
	if (event == PTRACE_EVENT_STOP) {
		/* a group-stop (SIGSTOP, SIGTSTP: the program is traced, it runs
		 * on) or a PTRACE_INTERRUPT: going on as it was */
		tracee_resume(tid, e->state == T_IN_CALL ? PTRACE_SYSCALL : e->step_addr ? PTRACE_SINGLESTEP : PTRACE_CONT, 0);
	} else if (sig == (SIGTRAP | 0x80)) {
		calls_syscall_stop(tr, e);
	} else if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
		calls_seccomp_or_park(tr, e);
	} else if (sig == SIGTRAP && event) {
		on_event(tr, e, event);
	} else if (sig == SIGTRAP && tr->step_lines && linestep_trap(tr, e)) {
		/* a line began (or the step over its int3 ended) */
	} else {
		/* a signal for the program: deliver it; one that is a fault is
		 * said with the line it happened on */
		if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGABRT) {
			char where[320] = "", path[1024] = "";
			int line = 0;
			bool nodebug;
			if (e->ln.open) {
				snprintf(where, sizeof where, "%s", e->ln.where);
				snprintf(path, sizeof path, "%s", e->ln.path);
				line = e->ln.line;
			} else if (e->py) {
				snprintf(where, sizeof where, "%s", e->pyline);
				snprintf(path, sizeof path, "%s", e->pypath);
				line = e->pylineno;
			} else if (!tr->o->no_lines) {
				lines_locate(tr->lines, e->tgid, tid, where, sizeof where, path, sizeof path, &line, &nodebug);
			}
			char text[512];
			snprintf(text, sizeof text, "--- %s (%s)%s%s ---", spawn_signame(sig), strsignal(sig),
			         where[0] ? " at " : "", where);
			text_note(tr->text, tid, "%s", text);
			/* the event is whole before it is pushed: a face reads it at once */
			struct trace_event *ev = event_new(TRACE_EV_NOTE, tid);
			snprintf(ev->text, sizeof ev->text, "%s", text);
			snprintf(ev->where, sizeof ev->where, "%s", where);
			snprintf(ev->path, sizeof ev->path, "%s", path);
			ev->line = line;
			event_push(tr, ev);
		}
		/* a signal while stepping over an int3: the step goes on into
		 * the handler, where its trap puts the int3 back */
		tracee_resume(tid, e->state == T_IN_CALL ? PTRACE_SYSCALL : e->step_addr ? PTRACE_SINGLESTEP : PTRACE_CONT, sig);
	}
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
	arm(tr, 100, true);   /* each wait below ends within 100 ms */
	while (trace_ms_since(&t0) < REAP_MS) {
		int status;
		pid_t p = waitpid(-1, &status, __WALL);
		if (p < 0 && errno == ECHILD)
			break;
		if (p > 0)
			handle(tr, p, status);
	}
	arm(tr, 0, false);
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
	fprintf(err, "sockscope trace: the second program (--and) was killed by %s (%s)\n", spawn_signame(sig),
	        strsignal(sig));
	return 128 + sig;
}

/* --and: the second program, with {port} the first's listening port (0:
 * it names none).  Its calls are told apart by their "[pid N]". */
void trace_start_second(struct tracer *tr, uint16_t port)
{
	char why[512];
	tr->and_waiting = false;
	tr->and_argv = serve_expand(&tr->serve, tr->o->and_argv, port, why, sizeof why);
	if (!tr->and_argv) {
		fprintf(tr->err, "sockscope trace: --and: %s\n", why);
		return;
	}
	char found[4096];
	if (!spawn_findable(tr->and_argv[0], found, sizeof found, why, sizeof why)) {
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
	pid_t pid = spawn_program(tr, argv, &tr->report[1]);
	if (pid < 0)
		return;
	tr->and_pid = pid;
	text_many(tr->text);
	trace_emit_note(tr, tr->main_pid, false, "the first program: %s", tr->argv[0]);
	trace_emit_note(tr, pid, false, "the second program (--and): %s", tr->and_argv[0]);
	if (port)
		fprintf(tr->err, "sockscope trace: --and: the second program started once the first listened on port %u\n",
		        (unsigned)port);
}

/* ---- the run ---- */

enum how_ended { ENDED_NORMALLY, ENDED_TIMEOUT, ENDED_STOPPED, ENDED_GRACE, ENDED_LOST };

static void end_event(struct tracer *tr, int rc, const char *text)
{
	struct trace_event *ev = event_new(TRACE_EV_END, 0);
	snprintf(ev->text, sizeof ev->text, "%s", text);
	ev->exit = rc;
	ev->status = tr->own_status;
	event_push(tr, ev);
	tr->end_ev = ev;
	tr->finished = true;
}

/* The program's end: calls still waiting, the last packets, every process
 * ended and reaped, and the END event saying how. */
static void finish(struct tracer *tr, enum how_ended how)
{
	const struct trace_options *o = tr->o;
	FILE *err = tr->err;
	char why[512];
	arm(tr, 0, false);

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
			         e->call.where[0] ? " at " : "", e->call.where, (double)trace_ms_since(&e->call.entered) / 1000);
		e->call.unfinished = true;
		e->call.waited_ms = trace_ms_since(&e->call.entered);
		e->call.is_error = true;   /* their buffers hold nothing yet: shown as addresses */
		trace_emit_call(tr, e);
		e->state = T_RUNNING;
	}

	for (int i = 0; i < MAX_TRACEES; i++)
		if (tr->t[i].state != T_FREE) {
			linestep_close(tr, &tr->t[i]);
			linestep_flush_hidden(tr, &tr->t[i]);
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

	tr->own_status = tr->main_done ? tr->main_status : -1;
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

	int rc = 1;
	char said[1024] = "";
	if (fk == (ssize_t)sizeof failed) {
		snprintf(said, sizeof said, "%s '%s': %s", failed[1] == 3 ? "cannot run" : "cannot trace", tr->run_argv[0],
		         strerror(failed[0]));
		rc = failed[1] == 3 ? TRACE_EXIT_NOT_FOUND : 1;
	} else if (how == ENDED_TIMEOUT) {
		snprintf(said, sizeof said, "the program did not finish within %g s (--timeout): ended it%s%s", o->timeout_s,
		         left > 1 ? " and the processes it started" : "", waiting);
		rc = TRACE_EXIT_TIMEOUT;
	} else if (how == ENDED_STOPPED) {
		snprintf(said, sizeof said, "interrupted: ended the program");
		rc = 130;
	} else if (how == ENDED_GRACE) {
		/* the second ended; the first was ended after the grace */
		rc = and_exit(tr, err);
		snprintf(said, sizeof said, "the first program made no call for %d ms after the second ended: ended it",
		         AND_GRACE_MS);
	} else if (tr->main_done && tr->and_pid && WIFEXITED(tr->main_status) && WEXITSTATUS(tr->main_status) == 0) {
		rc = and_exit(tr, err);
		snprintf(said, sizeof said, "the first program exited with status 0");
	} else if (tr->main_done && WIFEXITED(tr->main_status)) {
		rc = WEXITSTATUS(tr->main_status);
		snprintf(said, sizeof said, "the program exited with status %d%s", rc,
		         left ? "; the processes it left were ended" : "");
	} else if (tr->main_done && WIFSIGNALED(tr->main_status)) {
		int sig = WTERMSIG(tr->main_status);
		snprintf(said, sizeof said, "the program was killed by %s (%s)%s", spawn_signame(sig), strsignal(sig),
		         WCOREDUMP(tr->main_status) ? ", core dumped" : "");
		rc = 128 + sig;
	}
	if (said[0])
		fprintf(err, "sockscope trace: %s\n", said);
	end_event(tr, rc, said[0] ? said : "the trace ended");
}

/* The first step: fork the program (and --and's), on this thread. */
static void start_run(struct tracer *tr)
{
	tr->tracer_thread = pthread_self();
	atomic_store(&tr->spawned, true);
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &alrm, NULL);
	struct sigevent sev = { 0 };
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	tr->have_timer = timer_create(CLOCK_MONOTONIC, &sev, &tr->timer) == 0;
	if (!tr->have_timer)
		fprintf(tr->err, "sockscope trace: no timer (%s): --timeout cannot end a program that waits\n",
		        strerror(errno));

	pid_t pid = spawn_program(tr, tr->run_argv, &tr->report[0]);
	if (pid == -2) {
		/* ptrace refused: the packets without the calls (untraced.c) */
		int rc = trace_untraced(tr->attrib, tr->text, tr->argv, tr->o->timeout_s, tr->mode == CAPTURE_HOST, tr->err);
		end_event(tr, rc, "ptrace is refused: the program ran untraced");
		return;
	}
	if (pid < 0) {
		end_event(tr, 1, "the program could not be traced");
		return;
	}
	tr->main_pid = pid;
	atomic_store(&tr->main_pid_pub, pid);
	if (tr->o->and_argv && !serve_wants_port(tr->o->and_argv))
		trace_start_second(tr, 0);
	else if (tr->o->and_argv)
		tr->and_waiting = true;
	clock_gettime(CLOCK_MONOTONIC, &tr->t_start);
}

static bool wanted(const struct trace_event *ev, enum trace_until until, int line)
{
	switch (until) {
	case TRACE_NEXT_CALL:
		return ev->kind == TRACE_EV_CALL || ev->kind == TRACE_EV_END;
	case TRACE_NEXT_LINE:
		return ev->kind == TRACE_EV_CALL || ev->kind == TRACE_EV_LINE || ev->kind == TRACE_EV_END;
	case TRACE_TO_LINE:
		return ((ev->kind == TRACE_EV_CALL || ev->kind == TRACE_EV_LINE) && ev->line == line) ||
		       ev->kind == TRACE_EV_END;
	case TRACE_TO_END:
		break;
	}
	return ev->kind == TRACE_EV_END;
}

/* The call waiting longest, once a whole second more than said. */
static bool waiting_due(struct tracer *tr)
{
	struct tracee *w = NULL;
	long most = 0;
	for (int i = 0; i < MAX_TRACEES; i++) {
		struct tracee *e = &tr->t[i];
		if (e->state != T_IN_CALL)
			continue;
		long ms = trace_ms_since(&e->call.entered);
		if (ms >= 1000 && ms / 1000 > e->waited_said && ms > most) {
			most = ms;
			w = e;
		}
	}
	if (!w)
		return false;
	w->waited_said = most / 1000;
	struct trace_event *ev = &tr->wait_ev;
	memset(ev, 0, sizeof *ev);
	ev->kind = TRACE_EV_WAITING;
	ev->no = tr->ev_base + tr->nev;
	ev->many = text_is_many(tr->text);
	ev->pid = w->tid;
	snprintf(ev->where, sizeof ev->where, "%s", w->call.under_line ? w->ln.where : w->call.where);
	snprintf(ev->path, sizeof ev->path, "%s", w->call_path);
	ev->line = w->call_line;
	ev->call = w->call.sc->name;
	ev->waited_ms = most;
	snprintf(ev->text, sizeof ev->text, "%s()%s%s: waiting %ld s", w->call.sc->name, ev->where[0] ? " at " : "",
	         ev->where, most / 1000);
	return true;
}

static void shift(struct timespec *t, long ms)
{
	long long ns = (long long)t->tv_nsec + ms % 1000 * 1000000LL;
	t->tv_sec += ms / 1000 + ns / 1000000000;
	t->tv_nsec = ns % 1000000000;
}

static const struct trace_event *step(struct tracer *tr, enum trace_until until, int line);

const struct trace_event *trace_step(struct trace *t, enum trace_until until, int line)
{
	struct tracer *tr = &t->tr;
	if (tr->finished && tr->cursor >= tr->nev)
		return tr->end_ev;
	if (!tr->o->keep_events)
		events_drop_passed(tr);
	if (!atomic_load(&tr->spawned)) {
		start_run(tr);
	} else if (tr->t_left.tv_sec) {
		/* a face that waited for its user between steps: that time is
		 * not the program's, neither for --timeout nor --and's grace */
		long paused = trace_ms_since(&tr->t_left);
		shift(&tr->t_start, paused);
		shift(&tr->t_grace, paused);
		for (int i = 0; i < MAX_TRACEES && tr->nparked; i++)
			if (tr->t[i].state != T_FREE && tr->t[i].parked)
				shift(&tr->t[i].parked_at, paused);
	}
	tr->want_line = until == TRACE_TO_LINE ? line : 0;
	const struct trace_event *ev = step(tr, until, line);
	tr->want_line = 0;
	clock_gettime(CLOCK_MONOTONIC, &tr->t_left);
	return ev;
}

static const struct trace_event *step(struct tracer *tr, enum trace_until until, int line)
{
	const long timeout_ms = (long)(tr->o->timeout_s * 1000) > 0 ? (long)(tr->o->timeout_s * 1000) : 1;
	for (;;) {
		while (tr->cursor < tr->nev) {
			const struct trace_event *ev = tr->ev[tr->cursor++];
			if (wanted(ev, until, line))
				return ev;
		}
		if (tr->finished)
			return tr->end_ev;
		/* With --and the trace lasts until both programs ended; once the
		 * second has, the first (a server serving for ever, often) is
		 * ended when it has made no call for AND_GRACE_MS (a traced server
		 * on a loaded machine may need longer than that to finish its
		 * last calls), and the --timeout still holds. */
		if (tr->main_done && (!tr->and_pid || tr->and_done)) {
			finish(tr, ENDED_NORMALLY);
			continue;
		}
		if (tr->grace && trace_ms_since(&tr->t_grace) >= AND_GRACE_MS) {
			finish(tr, ENDED_GRACE);
			continue;
		}
		long run_ms = trace_ms_since(&tr->t_start);
		if (run_ms >= timeout_ms) {
			finish(tr, ENDED_TIMEOUT);
			continue;
		}
		if (tr->and_done && !tr->main_done && !tr->grace) {
			tr->grace = true;
			clock_gettime(CLOCK_MONOTONIC, &tr->t_grace);
		}
		if (got_stop_signal || atomic_load(&tr->cancelled)) {
			finish(tr, ENDED_STOPPED);
			continue;
		}
		if (got_alarm) {
			got_alarm = 0;
			if (waiting_due(tr))
				return &tr->wait_ev;
		}
		/* tracees held at a call's entry: their turn when the call on
		 * the wire ends (its exit stop comes here) or falls asleep (it
		 * does not: looked at every millisecond meanwhile) */
		bool held = calls_unpark(tr);
		if (tr->cursor < tr->nev)
			continue;
		long next = timeout_ms - run_ms;
		if (tr->grace && AND_GRACE_MS - trace_ms_since(&tr->t_grace) < next)
			next = AND_GRACE_MS - trace_ms_since(&tr->t_grace);
		if (next > TICK_MS)
			next = TICK_MS;
		if (held)
			next = 1;
		arm(tr, next > 0 ? next : 1, false);
		int status;
		pid_t w = waitpid(-1, &status, __WALL);
		arm(tr, 0, false);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			finish(tr, ENDED_LOST);
			continue;
		}
		handle(tr, w, status);
		if (tr->grace)   /* it is still doing something: the grace counts from now */
			clock_gettime(CLOCK_MONOTONIC, &tr->t_grace);
	}
}

void trace_cancel(struct trace *t)
{
	struct tracer *tr = &t->tr;
	atomic_store(&tr->cancelled, true);
	if (atomic_load(&tr->spawned) && !pthread_equal(tr->tracer_thread, pthread_self()))
		pthread_kill(tr->tracer_thread, SIGALRM);   /* out of its waitpid now */
}

size_t trace_event_count(const struct trace *t)
{
	struct tracer *tr = (struct tracer *)&t->tr;
	pthread_mutex_lock(&tr->evmu);
	size_t n = tr->ev_base + tr->nev;
	pthread_mutex_unlock(&tr->evmu);
	return n;
}

const struct trace_event *trace_event_at(const struct trace *t, size_t i)
{
	struct tracer *tr = (struct tracer *)&t->tr;
	const struct trace_event *ev = NULL;
	pthread_mutex_lock(&tr->evmu);
	if (tr->o->keep_events && i >= tr->ev_base && i - tr->ev_base < tr->nev)
		ev = tr->ev[i - tr->ev_base];
	pthread_mutex_unlock(&tr->evmu);
	return ev;
}

int trace_linktype(const struct trace *t) { return attrib_linktype(t->tr.attrib); }

pid_t trace_pid(const struct trace *t) { return atomic_load(&t->tr.main_pid_pub); }

/* Does "NAME=value" name the variable of one of the strings of set? */
static bool env_named(const char *var, const char *const *set)
{
	size_t l = strcspn(var, "=");
	for (; set && *set; set++)
		if (!strncmp(*set, var, l) && (*set)[l] == '=')
			return true;
	return false;
}

/* The program's environment: ours, with the options' strings (and the
 * line runner's descriptor) in place of any of the same names; environ
 * itself when nothing is added. */
static char **make_env(struct tracer *tr, bool py)
{
	const char *const *add = tr->o->env;
	if (!py && (!add || !*add))
		return environ;
	const char *const line[] = { tr->line_env, NULL };
	size_t ne = 0, na = 0;
	while (environ[ne])
		ne++;
	while (add && add[na])
		na++;
	tr->envp = xcalloc(ne + na + 2, sizeof(char *));
	size_t k = 0;
	for (size_t i = 0; i < ne; i++)
		if (!env_named(environ[i], add) && !(py && env_named(environ[i], line)))
			tr->envp[k++] = environ[i];
	for (size_t i = 0; i < na; i++)
		tr->envp[k++] = (char *)add[i];
	if (py)
		tr->envp[k++] = tr->line_env;
	return tr->envp;
}

struct trace *trace_open(const struct trace_options *o, FILE *out, FILE *err, int *rc)
{
	char why[512];
	*rc = 1;
	if (!o->argv || !o->argv[0]) {
		fprintf(err, "sockscope trace: which program? (sockscope trace -- PROGRAM ARGS...)\n");
		*rc = 2;
		return NULL;
	}
	char found[4096];
	if (!spawn_findable(o->argv[0], found, sizeof found, why, sizeof why)) {
		fprintf(err, "sockscope trace: %s\n", why);
		*rc = TRACE_EXIT_NOT_FOUND;
		return NULL;
	}

	struct trace *t = xcalloc(1, sizeof *t);
	struct tracer *tr = &t->tr;
	tr->o = o;
	tr->err = err;
	tr->line_fd = -1;
	tr->own_status = -1;
	tr->report[0] = tr->report[1] = -1;
	pthread_mutex_init(&tr->evmu, NULL);
	/* Before any thread: the capture may unshare us into a namespace, and
	 * the program, forked after, runs in there with us. */
	tr->attrib = attrib_open(o->capture, &tr->mode, why, sizeof why);
	tr->text = text_new(out);
	text_sink(tr->text, on_packet, tr);
	if (o->keep_events)
		attrib_keep_frames(tr->attrib);
	if (tr->mode == CAPTURE_NONE)
		fprintf(err, "sockscope trace: no capture (%s): calls only, without their packets\n", why);
	else
		fprintf(err, "sockscope trace: capturing on %s\n", capture_mode_name(tr->mode));
	if (o->write && text_write_open(tr->text, tr->attrib, o->write, why, sizeof why) < 0) {
		fprintf(err, "sockscope trace: %s\n", why);
		*rc = 2;
		goto fail;
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
	if (o->nserve) {
		sigset_t all, was;
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &was);
		int sv = serve_start(&tr->serve, o->serve, o->nserve, o->family, why, sizeof why);
		pthread_sigmask(SIG_SETMASK, &was, NULL);
		if (sv < 0) {
			fprintf(err, "sockscope trace: %s\n", why);
			*rc = 2;
			goto fail;
		}
		uint16_t ports[TRACE_MAX_SERVE * 4];
		size_t np = serve_ports(&tr->serve, ports, sizeof ports / sizeof ports[0]);
		for (size_t i = 0; i < np; i++)
			attrib_learn_port(tr->attrib, ports[i]);
		for (int i = 0; i < tr->serve.n; i++)
			fprintf(err, "sockscope trace: the lab's %s server listens on %s port %u\n", tr->serve.proto[i],
			        o->family == 6 ? "::1" : "127.0.0.1", (unsigned)serve_port(&tr->serve, i));
	}
	char **argv = tr->argv = serve_expand(&tr->serve, o->argv, 0, why, sizeof why);
	if (!argv) {
		fprintf(err, "sockscope trace: %s\n", why);
		*rc = 2;
		goto fail;
	}

	/* A Python script runs under the line runner, which reports to a
	 * /dev/null descriptor of its own, named in its environment. */
	bool py = false;
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
			if (tr->line_fd < 0) {
				fprintf(err, "sockscope trace: Python's line runner cannot be given its descriptor: %s\n",
				        strerror(errno));
				goto fail;
			}
			snprintf(tr->line_env, sizeof tr->line_env, "%s=%d", PYRUN_ENV, tr->line_fd);
			py = true;
			argv = tr->pyargv;
		}
	}
	char **envp = make_env(tr, py);
	tr->run_argv = argv;
	tr->envp_run = envp;

	/* Orphans of the program (a daemon's first fork) become ours, so the
	 * end reaps them and leaves no zombie behind. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	/* The timer ends the wait in waitpid (no SA_RESTART); the capture
	 * thread, started now, blocks it and the stop signals, which are the
	 * tracer's (trace_run) or a screen's. */
	struct sigaction sa = { .sa_handler = on_alarm };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
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
	return t;
fail:
	trace_close(t);
	return NULL;
}

int trace_close(struct trace *t)
{
	if (!t)
		return 1;
	struct tracer *tr = &t->tr;
	if (atomic_load(&tr->spawned) && !tr->finished)
		finish(tr, ENDED_STOPPED);
	int rc = tr->end_ev ? tr->end_ev->exit : 1;
	if (tr->have_timer)
		timer_delete(tr->timer);
	serve_stop(&tr->serve);
	serve_free_argv(tr->argv);
	serve_free_argv(tr->and_argv);
	pyrun_free_argv(tr->and_pyargv);
	for (int i = 0; i < 2; i++)
		if (tr->report[i] >= 0)
			close(tr->report[i]);
	pyrun_free_argv(tr->pyargv);
	linestep_free(tr);
	free(tr->envp);
	if (tr->line_fd >= 0)
		close(tr->line_fd);
	lines_free(tr->lines);
	text_free(tr->text);
	attrib_close(tr->attrib);
	for (size_t i = 0; i < tr->nev; i++)
		event_free(tr->ev[i]);
	free(tr->ev);
	for (size_t i = 0; i < tr->nppk; i++) {
		free(tr->ppk[i].line);
		free(tr->ppk[i].data);
	}
	free(tr->ppk);
	pthread_mutex_destroy(&tr->evmu);
	free(t);
	return rc;
}

int trace_run(const struct trace_options *o, FILE *out, FILE *err)
{
	int rc;
	struct trace *t = trace_open(o, out, err, &rc);
	if (!t)
		return rc;
	/* A request to stop ends the wait in waitpid (no SA_RESTART). */
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (trace_step(t, TRACE_TO_END, 0)->kind != TRACE_EV_END)
		;   /* WAITING: nothing to show headless until the call returns */
	if (o->ladder && out) {
		struct trace_frames fr;
		trace_frames_get(t, &fr);
		ladder_print(fr.f, fr.n, 100, out);
		trace_frames_free(&fr);
	}
	return trace_close(t);
}
