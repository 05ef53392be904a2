/*
 * test_progress.c — the learner's progress file through progress_update:
 * steps and quiz scores kept across loads, a custom change, and a file
 * that cannot be written (an error with its path, the old file intact).
 */
#include "lesson/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void bump_other(struct progress *p, void *arg)
{
	const char *id = arg;
	progress_steps(p, id, 2, 3);
}

int main(void)
{
	char dir[] = "/tmp/test_progress.XXXXXX", path[256], err[512];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/sub/progress", dir);
	setenv("SOCKSCOPE_PROGRESS", path, 1);

	/* the directory is made; steps only grow; a quiz keeps its last try */
	EQ_INT(0, progress_update_steps("tcp", 3, 8, err, sizeof err));
	EQ_INT(0, progress_update_steps("tcp", 2, 8, err, sizeof err));
	EQ_INT(0, progress_update_quiz("tcp", 1, 2, err, sizeof err));
	EQ_INT(0, progress_update(bump_other, "udp", err, sizeof err));
	struct progress *p = progress_load(NULL);
	const struct progress_entry *e = progress_get(p, "tcp");
	CHECK(e && e->steps == 3 && e->nsteps == 8 && e->right == 1 && e->asked == 2);
	e = progress_get(p, "udp");
	CHECK(e && e->steps == 2 && e->nsteps == 3);
	progress_free(p);

	/* a file that cannot be written: -1, its path in the message, nothing lost */
	char ro[300];
	snprintf(ro, sizeof ro, "%s/sub", dir);
	CHECK(chmod(ro, 0500) == 0);
	if (access(ro, W_OK) == 0) {
		printf("test_progress: running as root, the unwritable case is skipped\n");
	} else {
		CHECK(progress_update_steps("tcp", 8, 8, err, sizeof err) < 0);
		CHECK_MSG(strstr(err, path) != NULL, "message: %s", err);
		p = progress_load(NULL);
		e = progress_get(p, "tcp");
		CHECK(e && e->steps == 3);
		progress_free(p);
	}
	chmod(ro, 0700);
	unlink(path);
	rmdir(ro);
	rmdir(dir);
	return check_done("test_progress");
}
