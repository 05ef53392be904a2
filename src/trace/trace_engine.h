/*
 * trace_engine.h — what the engine's own files share (trace.c: the loop,
 * processes and events; calls.c: a call's stops; linestep.c: --lines and
 * Python's line blocks; spawn.c: forking a program under the tracer).
 *
 * Ownership: one struct tracer is the whole of a trace (struct trace is
 * its public name), owned by trace_open's caller until trace_close, and
 * touched by the tracer thread only, except what `evmu` guards (the events
 * a face reads from another thread) and `cancelled`.
 */
#ifndef SOCKSCOPE_TRACE_ENGINE_H
#define SOCKSCOPE_TRACE_ENGINE_H

#include "trace/trace.h"
#include "trace/trace_priv.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/ptrace.h>
#include <time.h>

#define MAX_TRACEES 1024
/* A line runs with its heading printed this many times; after, only when
 * it makes a call (a loop of a million turns prints a few blocks). */
#define LINE_SHOWN_RUNS 3

enum tstate { T_FREE = 0, T_RUNNING, T_IN_CALL };

struct tracee {
	pid_t tid;
	pid_t tgid;
	enum tstate state;
	bool started;            /* its first stop was seen */
	struct trace_call call;
	char call_path[1024];    /* the call's source file, full path, "" */
	int call_line;
	long waited_said;        /* the last whole second a WAITING event said */
	/* held at a call's entry while another tracee's call is on the wire
	 * (calls.c); let go in the order they came */
	bool parked;
	unsigned long park_no;
	struct timespec parked_at;
	/* Python's line runner reports this thread's lines (pyrun.c): its
	 * calls are shown at pyline, never unwound into the interpreter. */
	bool py;
	char pyline[320];
	char pypath[1024];
	int pylineno;
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
	atomic_int main_pid_pub;    /* main_pid for other threads (trace_pid), 0 until forked */
	int main_status;
	bool main_done;
	int own_status;             /* its wait status if it ended by itself (before finish's kill), -1 */
	bool exec_seen;
	int ntracees;
	int nparked;
	unsigned long parks;        /* park_no of the latest */
	bool seen_socket;
	struct trace_attrib *attrib;
	enum capture_mode mode;
	struct trace_lines *lines;
	struct trace_text *text;
	bool nodebug_said;
	struct trace_serve serve;   /* --serve's servers (n == 0: none) */
	char **argv;                /* the program's, {port} and {host} replaced */
	char **run_argv;            /* what is exec'd: argv, or Python's runner with it */
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
	int want_line;              /* TRACE_TO_LINE's line while it runs, 0: its runs are all shown */
	bool lines_said;
	/* how often each line ran ("client.c:14" hashed), to collapse loops */
	struct { uint64_t key; unsigned runs; } runs[4096];
	/* source files read for the headings */
	struct { char *path; char *data; size_t len; } src[8];
	int src_next;

	/* the run: trace_step's state */
	atomic_bool spawned;        /* stored after tracer_thread: trace_cancel reads both */
	bool finished;
	pthread_t tracer_thread;
	timer_t timer;              /* SIGALRM to the tracer thread only */
	bool have_timer;
	struct timespec t_start, t_grace;
	struct timespec t_left;     /* when trace_step last returned */
	bool grace;
	atomic_bool cancelled;
	int untraced_rc;            /* ptrace refused: the untraced run's status, -1 */

	/* events: every one made so far (keep_events), else those not yet
	 * passed; `evmu` guards the array for a face on another thread */
	pthread_mutex_t evmu;
	struct trace_event **ev;
	size_t nev, evcap;
	size_t ev_base;             /* the `no` of ev[0] (events dropped before it) */
	size_t cursor;              /* the next event trace_step has not passed */
	struct trace_event wait_ev; /* the last WAITING (never kept) */
	struct trace_event *end_ev;
	/* packets printed since the last event that took them */
	struct trace_packet *ppk;
	size_t nppk, ppkcap;
};

/* trace.c */
struct tracee *tracee_find(struct tracer *tr, pid_t tid);
struct tracee *tracee_add(struct tracer *tr, pid_t tid);
pid_t tracee_tgid(pid_t tid);
void tracee_resume(pid_t tid, enum __ptrace_request how, int sig);
long trace_ms_since(const struct timespec *t0);
/* A call's block is printed (windowed or not) and is an event. */
void trace_emit_call(struct tracer *tr, struct tracee *e);
/* A note (text_note's) or a note under a line (text_under's), an event. */
void trace_emit_note(struct tracer *tr, pid_t pid, bool under, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* --and: start the second program, {port} being port (0: it names none). */
void trace_start_second(struct tracer *tr, uint16_t port);
/* A line's heading (text_line's), an event. */
void trace_emit_line(struct tracer *tr, struct tracee *e, const char *src, const char *suffix);

/* calls.c: a seccomp stop (a call's entry) and a syscall stop (its exit) */
void calls_seccomp(struct tracer *tr, struct tracee *e);
void calls_syscall_stop(struct tracer *tr, struct tracee *e);
/* A seccomp stop: handled, or held (parked) while another tracee's call is
 * on the wire. */
void calls_seccomp_or_park(struct tracer *tr, struct tracee *e);
/* Let go the parked tracees whose turn it is; true while some stay held
 * (the loop then looks again within a millisecond). */
bool calls_unpark(struct tracer *tr);
/* A tracee that ends while parked is no longer held. */
void calls_forget(struct tracer *tr, struct tracee *e);

/* linestep.c */
void linestep_begin(struct tracer *tr, struct tracee *e, const char *path, int line, bool cont);
void linestep_close(struct tracer *tr, struct tracee *e);
void linestep_flush_hidden(struct tracer *tr, struct tracee *e);
/* A call on e: under its line's heading (c->under_line set) when one is open. */
void linestep_call(struct tracer *tr, struct tracee *e, struct trace_call *c);
/* A SIGTRAP: one of --lines' int3s (or the step over one)?  Handled then. */
bool linestep_trap(struct tracer *tr, struct tracee *e);
/* A process image starts (exec): its breakpoints, before it runs. */
void linestep_exec(struct tracer *tr, struct tracee *e);
/* A forked child (ctgid) of parent gets a copy of its breakpoints. */
void linestep_fork(struct tracer *tr, pid_t parent_tgid, pid_t ctgid);
bool linestep_has_image(struct tracer *tr, pid_t tgid);
void linestep_drop(struct tracer *tr, pid_t tgid);
void linestep_free(struct tracer *tr);
/* Line n of a source file, its indentation dropped, "" when unreadable. */
void linestep_source(struct tracer *tr, const char *path, int n, char *buf, size_t len);

/* spawn.c */
/* Is the program there and runnable?  As execvp looks it up (found: the path). */
bool spawn_findable(const char *prog, char *found, size_t foundn, char *why, size_t n);
/* Fork argv under the tracer: the pid; -1 having said why; -2 when ptrace
 * is refused (said).  *report: the child's exec-failure pipe. */
pid_t spawn_program(struct tracer *tr, char **argv, int *report);
const char *spawn_signame(int sig);

#endif
