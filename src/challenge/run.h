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

#endif
