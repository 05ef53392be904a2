/*
 * trace.h — `sockscope trace`: run any program under ptrace inside the
 * lab's capture and show each of its network calls with the packets that
 * call put on the wire (see docs/trace.md).
 *
 * Role: the engine behind the command (src/cmd/cmd_trace.c).  It forks the
 * program, stops it at its network calls only (a seccomp filter returning
 * SECCOMP_RET_TRACE for them), decodes each call as strace does, brackets
 * the calls that can put packets on the wire between two marker datagrams
 * (src/trace/attrib.c) and prints one block per call (src/trace/text.c).
 * No curses here: the headless text is what a screen will show later.
 */
#ifndef SOCKSCOPE_TRACE_H
#define SOCKSCOPE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "capture/capture.h"
#include "render/ladder.h"

/* What sockscope trace returns when it could not run the program at all
 * (as a shell does), and when --timeout ended it (as timeout(1) does). */
#define TRACE_EXIT_NOT_FOUND 127
#define TRACE_EXIT_TIMEOUT 124

/* How many --serve servers one trace may start. */
#define TRACE_MAX_SERVE 4

struct trace_options {
	char **argv;                /* PROGRAM ARGS..., NULL-ended; borrowed */
	double timeout_s;           /* end the program after this long (> 0) */
	enum capture_want capture;  /* where to capture (auto: host, else namespace) */
	bool no_lines;              /* do not unwind calls to source lines */
	bool lines;                 /* --lines: every line of the program's own code, its calls under it */
	const char *serve[TRACE_MAX_SERVE]; /* --serve PROTO: lab servers as the other end; borrowed */
	int nserve;
	int family;                 /* 4 or 6: where --serve listens and what {host} is */
	char **and_argv;            /* --and: a second program, NULL-ended; borrowed; NULL for none.
	                               Started once the first program listens when it has {port}
	                               (that port), else with the first */
	const char *write;          /* --write FILE.pcapng: the packets, each commented with its call; borrowed */
	const char *output;         /* NULL: the program's stdio is sockscope's; else its stdin is
	                               /dev/null and its stdout and stderr go to this file (a screen) */
	bool keep_events;           /* keep every event (and its packets' frames) until trace_close, for a
	                               face that looks back; else an event lives until the next step */
	int out_fd;                 /* > 0 (and output NULL): the program's stdout goes to this descriptor
	                               and its stdin is /dev/null (a caller that keeps what it printed) */
	const char *const *env;     /* "NAME=value" strings added to the program's environment
	                               (NULL-ended, or NULL); borrowed */
	bool ladder;                /* trace_run: after the end, each TCP connection as a ladder
	                               diagram (needs keep_events) */
};

/*
 * The steppable engine (for the TUI, the lessons and headless alike):
 *
 *   struct trace *tr = trace_open(&o, out, err, &rc);    NULL: rc says why
 *   const struct trace_event *ev;
 *   while ((ev = trace_step(tr, TRACE_NEXT_CALL, 0))->kind != TRACE_EV_END)
 *           ... ev->where, ev->text, ev->pk[i] ...
 *   rc = trace_close(tr);
 *
 * trace_open checks the program, opens the capture (possibly a namespace
 * of sockscope's own: call it while the process has a single thread),
 * starts --serve's servers and the capture thread; it does not fork yet.
 * The first trace_step forks the program (and --and's), so the thread that
 * calls trace_step is the tracer: every ptrace request is the forking
 * thread's (the kernel's rule), so trace_step and trace_close must all be
 * called from that one thread.  trace_cancel and trace_event_count/at (for
 * events already returned) may be called from any thread.
 *
 * Every event is also printed as headless text to out (NULL: printed
 * nowhere), so what a face shows is the text tests assert on.
 */
struct trace;

enum trace_until {
	TRACE_NEXT_CALL,   /* the next call that returned (or the end) */
	TRACE_NEXT_LINE,   /* the next line begun or call returned (--lines, Python) */
	TRACE_TO_END,      /* run to the program's end */
	TRACE_TO_LINE,     /* until line n (of any of the program's files) begins or makes a call */
};

enum trace_event_kind {
	TRACE_EV_CALL,     /* a call returned (or was interrupted, or was still waiting at the end) */
	TRACE_EV_LINE,     /* --lines: a line of the program's own code begins */
	TRACE_EV_NOTE,     /* fork, exec, a fatal signal and its line, a line's "nothing on the wire" */
	TRACE_EV_WAITING,  /* a call has been waiting waited_ms (returned about once a second) */
	TRACE_EV_END,      /* the program's end: text says how; exit is what sockscope exits with */
};

/* Where a packet came, relative to the event that holds it. */
enum trace_pk_kind {
	TRACE_PK_CALL,     /* in the call's window: the call caused it */
	TRACE_PK_BETWEEN,  /* between calls: the kernel's timers or another program */
	TRACE_PK_DELACK,   /* between calls: the kernel's delayed ACK */
	TRACE_PK_END,      /* after the program's end (the kernel closing what it left) */
};

struct trace_packet {
	enum trace_pk_kind kind;
	char *line;                 /* the `inspect --print` line */
	uint8_t *data;              /* the frame (NULL unless the options keep frames) */
	uint32_t caplen, wirelen;
	int64_t ns;                 /* capture time, ns since the epoch */
};

struct trace_event {
	enum trace_event_kind kind;
	size_t no;                  /* its index among the events kept (trace_event_at) */
	pid_t pid;                  /* the thread it is about; 0 at the end */
	bool many;                  /* more than one process traced by then: it is labelled "[pid N]" */
	char where[320];            /* "client.c:20", "" when no line is known */
	char path[1024];            /* the source file's full path, "" when unknown */
	int line;                   /* its line, 0 */
	char text[2048];            /* CALL: "connect(3<TCP>, {AF_INET, ...}, 16) = 0"; LINE: the source line;
	                               NOTE, WAITING, END: the sentence */
	const char *call;           /* CALL, WAITING: the call's name ("connect"); NULL else */
	int64_t ret;                /* CALL: what it returned */
	bool is_error;
	bool unfinished;            /* CALL: still waiting when the trace ended */
	long waited_ms;             /* WAITING, and an unfinished CALL */
	struct trace_packet *pk;    /* the packets shown with it, in capture order (those between
	                               calls before it first, by their kind) */
	size_t npk;
	int exit;                   /* END: what sockscope exits with (as trace_run) */
	int status;                 /* END: the first program's wait status when it ended by itself, else -1 */
};

/* Ready to run the program: NULL with *rc what sockscope should exit with
 * (2: bad options, TRACE_EXIT_NOT_FOUND) having said why on err.  out may
 * be NULL (no headless text); err gets the notes.  The options are
 * borrowed until trace_close. */
struct trace *trace_open(const struct trace_options *o, FILE *out, FILE *err, int *rc);
/* Run until the point `until` names (line: TRACE_TO_LINE's line) and
 * return that event; a call that waits returns a TRACE_EV_WAITING event
 * about once a second, so the caller is never blocked for long.  After
 * TRACE_EV_END every call returns the END event again.  Valid until
 * trace_close when the options keep events, else until the next step. */
const struct trace_event *trace_step(struct trace *tr, enum trace_until until, int line);
/* Any thread: the next (or current) trace_step returns soon with the END
 * event, the program ended as by --timeout's "interrupted". */
void trace_cancel(struct trace *tr);
/* The events returned or passed so far (kept ones only; see keep_events):
 * any thread, for events already returned by trace_step. */
size_t trace_event_count(const struct trace *tr);
const struct trace_event *trace_event_at(const struct trace *tr, size_t i);
/* End the program and every descendant (nothing is left stopped or
 * orphaned), finish --write, free everything.  Returns what sockscope
 * should exit with (the END event's exit). */
int trace_close(struct trace *tr);

/* The first program's pid, which is also its process group (0 before the
 * first trace_step forked it): any thread. */
pid_t trace_pid(const struct trace *tr);

/* May this process trace its children?  A probe (a child asks
 * PTRACE_TRACEME and exits): true, or false with which setting refuses it
 * in why. */
bool trace_allowed(char *why, size_t n);

/* The link type of the events' frames (-1: no capture). */
int trace_linktype(const struct trace *tr);

/* ---- the words a face shows (text.c), so headless can print the same ---- */

/* An event as one line of a list of calls: "http_client.c:20  connect(...) = 0",
 * "http_client.c:18  (line) inet_pton(...);", "--- SIGSEGV ... ---"; with
 * "[pid N] " first when several processes are traced (as the text has it). */
void trace_text_event(const struct trace_event *ev, char *buf, size_t n);
/* A packet as one line of a call's packets: its `inspect --print` line,
 * after "between calls: " (or the like) when the call did not cause it;
 * fitted to `width` columns as the lesson's packet list fits its lines
 * (time and length go first, the summary stays), 0: the whole line. */
void trace_text_packet(const struct trace_packet *p, int width, char *buf, size_t n);
/* What a program without source lines gets: "call granularity: curl has no source lines". */
void trace_text_no_source(const char *prog, char *buf, size_t n);
/* The state of a trace as a status line: "call 3 of 5", "waiting 2 s in
 * recvfrom() at recv_first.c:29", "the end: the program exited with status 0". */
void trace_text_state(const struct trace_event *last, const struct trace_event *waiting, size_t sel, size_t n,
                      char *buf, size_t len);
/* The kept events' packets as ladder frames (render/ladder.h), in capture
 * order, each tagged with what caused it: "client.c:14 connect()" (the
 * call's line and name, as the call list shows them), "between calls",
 * "delayed ACK" or "the program's end".  Frame i is packet pk[i] of event
 * ev[i] (trace_event_at).  Only packets whose frame is kept (keep_events)
 * are in it; none without a capture.  Everything is owned by `fr` and
 * valid until trace_frames_free and while the trace is open. */
struct trace_frames {
	struct ladder_frame *f;
	char **tag;
	size_t *ev, *pk;
	size_t n;
};
void trace_frames_get(const struct trace *t, struct trace_frames *fr);
void trace_frames_free(struct trace_frames *fr);

/* A source file's text, for a code pane: a new NUL-ended buffer (at most
 * 1 MB) the caller frees, or NULL when it cannot be read. */
char *trace_text_source(const char *path, size_t *len);

/* Run the program to its end (or the timeout), printing every call and its
 * packets to out and notes (capture mode, the program's end) to err: a
 * loop over trace_step.  Must be called while the process has a single
 * thread.  Returns what sockscope should exit with: the program's exit
 * status, 128 + the signal that killed it, TRACE_EXIT_NOT_FOUND,
 * TRACE_EXIT_TIMEOUT, or 1 when tracing failed. */
int trace_run(const struct trace_options *o, FILE *out, FILE *err);

#endif
