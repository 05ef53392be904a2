/*
 * progress.h — what a learner has done, kept between runs.
 *
 * One small text file per user, $XDG_DATA_HOME/sockscope/progress
 * (~/.local/share/sockscope/progress by default; $SOCKSCOPE_PROGRESS
 * overrides the path), one line per lesson:
 *
 *     tcp-basics steps=4 of=8 quiz=1 of=2
 *
 * Steps reached only ever grow; a quiz records the last attempt.  Saving
 * writes a temporary file and renames it over the old one, so a crash never
 * leaves half a file.  A line that cannot be read is skipped, not fatal.
 */
#ifndef SOCKSCOPE_PROGRESS_H
#define SOCKSCOPE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress_entry {
	char id[64];
	unsigned steps, nsteps;       /* steps reached of how many */
	unsigned right, asked;        /* last quiz attempt: right answers of questions asked */
};

struct progress {
	char path[4096];
	struct progress_entry *e;     /* owned */
	size_t n;
};

/* The file's path (see above) into buf; false when no home is known. */
bool progress_default_path(char *buf, size_t n);

/* Load (a missing file is an empty progress).  NULL path = the default.
 * Never fails (a bad line is skipped); never NULL. */
struct progress *progress_load(const char *path);
void progress_free(struct progress *p);

const struct progress_entry *progress_get(const struct progress *p, const char *id);
void progress_steps(struct progress *p, const char *id, unsigned steps, unsigned nsteps);
void progress_quiz(struct progress *p, const char *id, unsigned right, unsigned asked);

/* Write it (creating the directory); 0, or -1 with the reason in err. */
int progress_save(const struct progress *p, char *err, size_t errlen);

/* The one way a result is kept: load the default file, let fn change it,
 * save it.  0, or -1 with the reason in err (the change is then lost, the
 * file as it was). */
int progress_update(void (*fn)(struct progress *p, void *arg), void *arg, char *err, size_t errlen);
/* progress_update with progress_steps or progress_quiz. */
int progress_update_steps(const char *id, unsigned steps, unsigned nsteps, char *err, size_t errlen);
int progress_update_quiz(const char *id, unsigned right, unsigned asked, char *err, size_t errlen);

/* "not started", "3/8 steps", "done, quiz 2/3" */
void progress_describe(const struct progress_entry *e, char *buf, size_t n);

#endif
