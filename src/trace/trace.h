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
#include <stdio.h>

#include "capture/capture.h"

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
};

/* Run the program to its end (or the timeout), printing every call and its
 * packets to out and notes (capture mode, the program's end) to err.
 * Must be called while the process has a single thread (the capture may
 * move it into a namespace of its own).  Returns what sockscope should
 * exit with: the program's exit status, 128 + the signal that killed it,
 * TRACE_EXIT_NOT_FOUND, TRACE_EXIT_TIMEOUT, or 1 when tracing failed. */
int trace_run(const struct trace_options *o, FILE *out, FILE *err);

#endif
