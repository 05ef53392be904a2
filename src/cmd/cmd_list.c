/*
 * cmd_list.c — `sockscope list` (the lessons, numbered) and `sockscope
 * check-lessons [DIR]` (every lesson file parsed, errors with file:line).
 */
#include "cmd/cmd.h"
#include "cmd/lesson_args.h"

#include <stdio.h>

static int list(const struct lesson_args *a, const struct lesson_catalog *cat)
{
	(void)a;
	for (size_t i = 0; i < cat->n; i++)
		printf("%2zu  %-20s %s\n", i + 1, cat->lessons[i]->id, cat->lessons[i]->title);
	for (size_t i = 0; i < cat->nerrors; i++)
		fprintf(stderr, "sockscope: %s\n", cat->errors[i]);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	return lesson_cmd(argc, argv, list);
}

static int check_lessons(const char *dir)
{
	char err[512];
	struct lesson_catalog *c = lesson_catalog_load(dir, err, sizeof err);
	if (!c) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 2;
	}
	size_t flagged = 0, warned = 0;
	for (size_t i = 0; i < c->n; i++) {
		warned += lesson_lint_predictions(c->lessons[i], stdout);
		size_t bad = lesson_lint_calls(c->lessons[i], stdout);
		if (!bad)
			printf("ok      %s (%zu steps): %s\n", c->lessons[i]->id, c->lessons[i]->nsteps, c->lessons[i]->path);
		flagged += bad != 0;
	}
	for (size_t i = 0; i < c->nerrors; i++)
		printf("ERROR   %s\n", c->errors[i]);
	printf("%zu lessons ok, %zu with errors", c->n - flagged, c->nerrors + flagged);
	printf(warned ? ", %zu warning%s\n" : "\n", warned, warned == 1 ? "" : "s");
	int rc = c->nerrors || flagged ? 1 : 0;
	lesson_catalog_free(c);
	return rc;
}

int cmd_check_lessons(int argc, char **argv)
{
	struct lesson_args a;
	int rc = lesson_args_parse(argc, argv, &a);
	if (rc >= 0)
		return rc;
	return check_lessons(a.npos ? a.pos[0] : a.dir);
}
