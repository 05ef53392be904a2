/*
 * run.h — running a challenge: capture, the lab's side, the learner's
 * program, the verdict (see challenge.h).
 */
#ifndef SOCKSCOPE_CHALLENGE_RUN_H
#define SOCKSCOPE_CHALLENGE_RUN_H

#include <stdio.h>

#include "capture/capture.h"
#include "challenge/challenge.h"

struct chal_opts {
	const char *run;          /* the learner's program (sh -c), {port} and {host} replaced; NULL: wait for it */
	int wait_seconds;         /* without run: how long to wait for the learner (default 120) */
	enum capture_want want;
	bool quiet;               /* no task text before the run */
};

/* Run challenge c and print the task, what the lab saw and the verdict to
 * out.  Must start single-threaded (the capture may unshare the process).
 * Returns 0 when passed, 1 when not, 2 when it could not run. */
int challenge_run(const struct challenge *c, const struct chal_opts *o, FILE *out);

/* The judges' tests: a run without a capture or a program.  The lab's side
 * runs for real on its thread while `run` plays the learner on the
 * caller's (real sockets to r->host port r->port, or nothing), and may hand
 * frames to chal_add_frame as what the capture saw; then the kind judges,
 * as if the learner's program had ended as said here. */
struct chal_learner {
	void (*run)(struct chal_run *r, void *arg);
	void *arg;
	bool ran, exited;      /* as chal_run's */
	int status;            /* a wait status (W_EXITCODE(0, 0): exited 0) */
	double seconds;
	const char *out;       /* what it printed, or NULL */
};
/* 0 with *v judged, -1 with err when the lab's side could not start. */
int challenge_judge_local(const struct challenge *c, const struct chal_learner *l, struct verdict *v, char *err,
                          size_t errlen);
/* An Ethernet frame the capture saw (during run): decoded and marked
 * you/lab as a real capture's would be.  frame must outlive the judging. */
void chal_add_frame(struct chal_run *r, const uint8_t *frame, size_t len, int64_t ts_ns);

#endif
