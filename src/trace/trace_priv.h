/*
 * trace_priv.h — what the pieces of src/trace/ share: one stopped call, the
 * table of calls it knows how to decode, what a tracee's descriptor is, the
 * capture with its markers, source lines, and the text of a block.
 *
 * Ownership: everything here is owned by the engine (trace.c) for the
 * length of one trace_run; nothing is shared with another thread except
 * through attrib.c, which locks.
 */
#ifndef SOCKSCOPE_TRACE_PRIV_H
#define SOCKSCOPE_TRACE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "capture/capture.h"
#include "trace/trace.h"

/* ---- what a descriptor of the tracee is (syscalls.c) ---- */

struct trace_sock {
	bool is_socket;
	uint32_t inode;
	char proto[8];      /* "TCP", "UDP", "TCPv6", "UNIX", "" when not found */
	int family;         /* AF_INET, AF_INET6, AF_UNIX, 0 */
	bool tcp;
	uint16_t lport, rport;
	uint8_t laddr[16], raddr[16];  /* network order: 4 bytes for AF_INET, 16 for AF_INET6 */
	int state;          /* TCP state from /proc/net/tcp, 0 if none */
};

/* Describe fd of process pid: "3<TCP 127.0.0.1:40312->127.0.0.1:8080>",
 * "3<UDP 127.0.0.1:5353>", "3</dev/null>"; fills *s (may be NULL). */
void trace_fd_describe(pid_t pid, int fd, char *buf, size_t n, struct trace_sock *s);
/* Is fd of pid a socket?  (cheaper than a description: one readlink) */
bool trace_fd_is_socket(pid_t pid, int fd);

/* Read up to n bytes at addr of pid; the count read, -1 on failure. */
ssize_t trace_peek(pid_t pid, uint64_t addr, void *buf, size_t n);

/* ---- one call (syscalls.c decodes, trace.c runs) ---- */

struct trace_sysc;

struct trace_call {
	pid_t tid;
	const struct trace_sysc *sc;
	uint64_t args[6];
	int64_t ret;
	bool is_error;
	char fd0[192];          /* the first argument's descriptor, described at entry */
	struct trace_sock sock0;
	uint32_t window;        /* marker id of its packet window, 0 when it has none */
	char where[320];        /* "client.c:23" (lines.c) or "" */
	int restarting;         /* interrupted by a signal: 1 waiting for its restart */
	bool unfinished;        /* still waiting when the trace ended */
	struct timespec entered;
	long waited_ms;         /* how long an unfinished call had waited */
	bool under_line;        /* --lines: printed under its line's heading, indented */
};

enum {
	TS_FD0 = 1,        /* the first argument is a descriptor */
	TS_ONLY_SOCK = 2,  /* shown only when that descriptor is a socket (read, close...) */
	TS_WINDOW = 4,     /* may put packets on the wire or wait for them: bracketed by markers */
	TS_WAITS = 8,      /* poll, select, epoll: shown once the program has a socket */
	TS_NEWFD = 16,     /* returns a new descriptor (socket, accept) */
};

struct trace_sysc {
	const char *name;
	long nr;
	unsigned flags;
	/* Append the arguments (without the name and parentheses) at exit. */
	void (*args)(const struct trace_call *c, char *buf, size_t n);
	/* Append what the call returned beyond its value ("[3, 4]", data read). */
	void (*result)(const struct trace_call *c, char *buf, size_t n);
};

const struct trace_sysc *trace_sysc_find(long nr);
/* The numbers of every call in the table (for the seccomp filter). */
size_t trace_sysc_numbers(long *out, size_t max);
/* "connect(3<TCP>, {AF_INET, 127.0.0.1:8080}, 16) = 0" */
void trace_call_text(const struct trace_call *c, char *buf, size_t n);
/* The destination a call names before it runs (connect, sendto, bind), for
 * the ports to watch: its port or 0. */
uint16_t trace_call_dest_port(const struct trace_call *c);

/* ---- the capture and its markers (attrib.c) ---- */

struct trace_attrib;

/* Open the capture (single-threaded: may unshare into a namespace) and the
 * marker socket.  Never NULL; *mode says what was
 * obtained and why holds the reason when there is no capture. */
struct trace_attrib *attrib_open(enum capture_want want, enum capture_mode *mode, char *why, size_t whylen);
/* Start the capture thread.  -1 with err. */
int attrib_start(struct trace_attrib *a, char *err, size_t errlen);
bool attrib_capturing(const struct trace_attrib *a);
/* Watch a port (TCP or UDP) and a socket of the program. */
void attrib_learn(struct trace_attrib *a, const struct trace_sock *s);
void attrib_learn_port(struct trace_attrib *a, uint16_t port);
/* Open a call's window: the START marker.  Returns its id.  _on names the
 * socket the call is on (NULL: none), so that an ACK it sends is told from
 * the delayed-ACK timer's. */
uint32_t attrib_begin(struct trace_attrib *a);
uint32_t attrib_begin_on(struct trace_attrib *a, const struct trace_sock *s);
/* Packets labelled ATTRIB_DELACK so far. */
unsigned long attrib_delayed_acks(struct trace_attrib *a);
/* Close it: wait (bounded) until nothing of the program's TCP sockets is in
 * flight and send the END marker (the capture reads it meanwhile: see
 * attrib_wait_end).  False when a bound was hit (what follows may be
 * attributed late). */
bool attrib_end(struct trace_attrib *a, uint32_t id);

/* A packet's window: the call's marker id, ATTRIB_BETWEEN, or
 * ATTRIB_DELACK (between calls too: an ACK the delayed-ACK timer sent for
 * data of a call already shown). */
#define ATTRIB_BETWEEN 0u
#define ATTRIB_DELACK 0xffffffffu
/* A packet's bytes, when frames are kept (attrib_keep_frames). */
struct attrib_frame {
	const uint8_t *data;
	uint32_t caplen, wirelen;
	int64_t ns;
};
/* line and f (NULL unless frames are kept) are valid during the call only. */
typedef void (*attrib_packet_cb)(void *ud, uint32_t window, const char *line, const struct attrib_frame *f);
/* Keep each packet's bytes until it is handed over (--write); the link
 * type they are in (-1: no capture). */
void attrib_keep_frames(struct trace_attrib *a);
int attrib_linktype(const struct trace_attrib *a);
/* Hand over every packet read up to the last END marker (all of them when
 * everything is true), in capture order; each is handed once.  The line
 * is valid during the callback only. */
void attrib_drain(struct trace_attrib *a, bool everything, attrib_packet_cb cb, void *ud);
/* The ordinal of the last END marker sent (0: none yet); a block printed
 * later is printed once the capture has read its END: */
unsigned long attrib_ends_sent(struct trace_attrib *a);
/* Has the capture read END marker `no`?  block: wait for it (bounded). */
bool attrib_wait_end(struct trace_attrib *a, unsigned long no, bool block);
/* Hand over the packets read before END marker `no`, except those of a
 * window whose block comes after it. */
void attrib_drain_to(struct trace_attrib *a, unsigned long no, attrib_packet_cb cb, void *ud);
/* Packets the kernel dropped for lack of buffer space (the capture too far
 * behind): what they were is not known, so say it. */
unsigned attrib_dropped(struct trace_attrib *a);
/* Stop the capture; frames read are kept for a last attrib_drain. */
void attrib_stop(struct trace_attrib *a);
void attrib_close(struct trace_attrib *a);

/* ---- source lines (lines.c) ---- */

struct trace_lines;
/* NULL when built without libdw (*why says so). */
struct trace_lines *lines_new(char *why, size_t whylen);
/* The program's own file:line that made the call tid is stopped in, or ""
 * (no debug info there: *nodebug set once per process image). */
void lines_where(struct trace_lines *l, pid_t tgid, pid_t tid, char *buf, size_t n, bool *nodebug);
/* The same, with the file's full path (path may be NULL) and its line (0: none). */
void lines_locate(struct trace_lines *l, pid_t tgid, pid_t tid, char *buf, size_t n, char *path, size_t pathlen,
                  int *line, bool *nodebug);
/* A process image is gone (exec, exit): forget what was read of it. */
void lines_forget(struct trace_lines *l, pid_t tgid);
void lines_free(struct trace_lines *l);

/* --lines: the breakpoints of one process image, one on every line-table
 * row of the program's own code that begins a statement. */
struct trace_bps;
/* Read the line table of tgid's own modules (stopped at its exec, through
 * tid) and put an int3 on each row: NULL when there is none (no debug
 * info, a system program); *why says when only a part got one. */
struct trace_bps *lines_bps_new(struct trace_lines *l, pid_t tgid, pid_t tid, char *why, size_t whylen);
/* A forked child's copy of its parent's (its memory holds the same int3s). */
struct trace_bps *lines_bps_fork(struct trace_bps *b);
void lines_bps_free(struct trace_bps *b);
size_t lines_bps_count(const struct trace_bps *b);
/* Is addr one of the breakpoints?  Then its source file (full path, valid
 * while b lives) and line. */
bool lines_bps_hit(struct trace_bps *b, uint64_t addr, const char **path, int *line);
/* Put back the byte at addr (to step over it), or the int3 again. */
int lines_bps_lift(struct trace_bps *b, pid_t tid, uint64_t addr);
int lines_bps_put(struct trace_bps *b, pid_t tid, uint64_t addr);

/* ---- Python lines (pyrun.c) ---- */

/* The environment variable that names the runner's report descriptor. */
#define PYRUN_ENV "SOCKSCOPE_TRACE_LINE_FD"
/* Where the line runner (assets/trace/pylines.py) is, or NULL. */
const char *pyrun_runner(void);
/* When argv runs a Python script (python3 [OPTIONS] SCRIPT | -m MODULE, or
 * a file whose #! names python; found: argv[0] as PATH resolves it), the
 * same command run by the line runner: a new NULL-ended array to free with
 * pyrun_free_argv.  Else NULL.  *note gets what to tell the user ("" when
 * it is no Python at all). */
char **pyrun_argv(char **argv, const char *found, char *note, size_t n);
void pyrun_free_argv(char **argv);
/* Is this file name a Python interpreter's (python3, python3.12, pypy3)? */
bool pyrun_is_python(const char *path);
/* Is this write's data (n bytes) a report of the runner?  Then *path is
 * the script's file (absolute), *line its line, and *resumed says the
 * line goes on after a function of the script's returned into it. */
bool pyrun_parse(const char *buf, size_t n, char *path, size_t pathlen, int *line, bool *resumed);

/* ---- the lab's servers as the other end (serve.c) ---- */

struct labsrv;
struct trace_serve {
	struct labsrv *srv[TRACE_MAX_SERVE];
	const char *proto[TRACE_MAX_SERVE];   /* borrowed from the options */
	int n;
	int family;                           /* 4 or 6 */
};
/* Start a server for each protocol (after the capture is open, so that a
 * namespace of ours holds them).  -1 with err, none left running. */
int serve_start(struct trace_serve *s, const char *const *protos, int n, int family, char *err, size_t errlen);
void serve_stop(struct trace_serve *s);
/* The port server i listens on. */
uint16_t serve_port(const struct trace_serve *s, int i);
/* Every port the servers listen on or may use. */
size_t serve_ports(const struct trace_serve *s, uint16_t *out, size_t max);
/* argv with {host}, {port} and {port:PROTO} replaced: a new NULL-ended
 * array the caller frees with serve_free_argv; NULL with err when a word
 * names a server that was not asked for.  Other braces are left alone.
 * listen_port, when not 0, is what {port} means (--and: the port the
 * first program listens on), before any --serve's. */
char **serve_expand(const struct trace_serve *s, char **argv, uint16_t listen_port, char *err, size_t errlen);
/* Does argv name {port} (the word --and's second program gets the first's
 * listening port for)? */
bool serve_wants_port(char **argv);
void serve_free_argv(char **argv);

/* ---- the headless text (text.c) ---- */

struct trace_text;
/* out NULL: nothing is printed (the packets still go to the sink). */
struct trace_text *text_new(FILE *out);
/* Every packet printed is also handed to cb, with where it was shown
 * (line and f valid during the call only; f NULL unless frames are kept). */
typedef void (*text_packet_cb)(void *ud, enum trace_pk_kind kind, const char *line, const struct attrib_frame *f);
void text_sink(struct trace_text *t, text_packet_cb cb, void *ud);
void text_free(struct trace_text *t);
/* More than one process: lines get "[pid N]". */
void text_many(struct trace_text *t);
/* Has text_many been said (events are labelled with their pid)? */
bool text_is_many(const struct trace_text *t);
/* A call that has no window: its line at once (text: trace_call_text's). */
void text_call(struct trace_text *t, const struct trace_call *c, const char *text);
/* A windowed call that ended: the packets read meanwhile (those between
 * calls first, labelled so), then the call and its own packets. */
void text_window(struct trace_text *t, const struct trace_call *c, const char *text, struct trace_attrib *a);
/* Something about a process: "[pid 12] fork() = 13", "exited with 0". */
void text_note(struct trace_text *t, pid_t pid, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The end: packets after the last call, those of the window `last` (the
 * program's end) under their own heading. */
void text_tail(struct trace_text *t, struct trace_attrib *a, uint32_t last);
/* --lines: a line's heading ("client.c:14  connect(fd, ...);"), and a
 * note under it, indented ("(nothing on the wire)"). */
void text_line(struct trace_text *t, pid_t tid, const char *where, const char *source, const char *suffix);
void text_under(struct trace_text *t, pid_t tid, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* --write: also keep every packet shown in a pcapng file, each with a
 * comment naming its call and line ("client.c:14 connect(3<TCP>, ...) = 0",
 * "between calls ...").  0, or -1 with a message (no capture, a path that
 * cannot be written).  text_write_close finishes it (-1 with a message). */
int text_write_open(struct trace_text *t, struct trace_attrib *a, const char *path, char *err, size_t errlen);
int text_write_close(struct trace_text *t, char *err, size_t errlen);

/* ---- ptrace refused (untraced.c) ---- */

/* Which setting refuses ptrace (err: PTRACE_SEIZE's errno), as a
 * sentence: Yama's ptrace_scope, a seccomp filter on us, or none known. */
void trace_ptrace_refusal(int err, char *buf, size_t n);
/* Run argv untraced in the capture (bounded by timeout_s), then print all
 * its packets in one block, not told apart by call.  host_lo: the capture
 * is the host's lo (other programs' packets too: said).  Returns the exit
 * status as trace_run does. */
int trace_untraced(struct trace_attrib *a, struct trace_text *t, char **argv, double timeout_s, bool host_lo,
                   FILE *err);
/* Keep every packet of the capture but the markers (nothing is known of
 * the program's ports: its calls are not seen). */
void attrib_keep_all(struct trace_attrib *a);
/* The packets of an untraced run, under one heading. */
void text_untraced(struct trace_text *t, struct trace_attrib *a);

#endif
