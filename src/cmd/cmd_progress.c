/*
 * cmd_progress.c — `sockscope progress`: what the learner has done (steps
 * reached, quiz scores, challenges); `--reset` forgets it.
 */
#include "cmd/cmd.h"
#include "cmd/lesson_args.h"
#include "lesson/progress.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int progress_show(const struct lesson_catalog *c, FILE *out)
{
	struct progress *p = progress_load(NULL);
	for (size_t i = 0; i < c->n; i++) {
		char what[96];
		progress_describe(progress_get(p, c->lessons[i]->id), what, sizeof what);
		fprintf(out, "%-22s %-22s %s\n", c->lessons[i]->id, what, c->lessons[i]->title);
	}
	fprintf(out, "(kept in %s)\n", p->path[0] ? p->path : "nowhere: no HOME");
	progress_free(p);
	return 0;
}

int progress_reset(FILE *out)
{
	char path[4096];
	if (!progress_default_path(path, sizeof path)) {
		fprintf(out, "no progress file: neither HOME nor XDG_DATA_HOME is set\n");
		return 0;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		fprintf(stderr, "sockscope: cannot remove %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(out, "progress reset (%s removed)\n", path);
	return 0;
}

static int show(const struct lesson_args *a, const struct lesson_catalog *cat)
{
	(void)a;
	return progress_show(cat, stdout);
}

int cmd_progress(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--reset"))
			return progress_reset(stdout);
	return lesson_cmd(argc, argv, show);
}
