/*
 * catalog.c — every lesson of a directory, and where that directory is.
 *
 * Lessons are shown in file-name order, so files carry a number prefix
 * ("02-tcp-basics.lesson").  A broken file is reported with its file:line
 * message and leaves the other lessons available.
 */
#include "lesson/lesson.h"
#include "common/dirlist.h"
#include "common/mem.h"
#include "common/proc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void push(void *arrp, size_t *n, void *item)
{
	void ***arr = arrp;
	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	(*arr)[(*n)++] = item;
}

struct lesson_catalog *lesson_catalog_load(const char *dir, char *err, size_t errlen)
{
	struct dirlist files;
	if (dirlist_load(dir, ".lesson", &files) < 0) {
		snprintf(err, errlen, "%s: cannot open the lesson directory: %s", dir, strerror(errno));
		return NULL;
	}
	struct lesson_catalog *c = xcalloc(1, sizeof *c);
	c->dir = xstrdup(dir);
	for (size_t i = 0; i < files.n; i++) {
		const char *path = files.paths[i];
		char msg[512];
		struct lesson *l = lesson_load(path, msg, sizeof msg);
		if (l && lesson_catalog_find(c, l->id)) {
			snprintf(msg, sizeof msg, "%s:1: another lesson already has the id '%s'", path, l->id);
			lesson_free(l);
			l = NULL;
		}
		if (l)
			push(&c->lessons, &c->n, l);
		else
			push(&c->errors, &c->nerrors, xstrdup(msg));
	}
	dirlist_free(&files);
	return c;
}

void lesson_catalog_free(struct lesson_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		lesson_free(c->lessons[i]);
	free(c->lessons);
	mem_free_array(c->errors, c->nerrors);
	free(c->dir);
	free(c);
}

const struct lesson *lesson_catalog_find(const struct lesson_catalog *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->lessons[i]->id, id) == 0)
			return c->lessons[i];
	return NULL;
}

/* Append to err the number and id of every lesson whose id starts with
 * prefix (all of them for NULL). */
static void list_ids(const struct lesson_catalog *c, const char *prefix, char *err, size_t errlen)
{
	size_t o = strlen(err);
	bool first = true;
	for (size_t i = 0; i < c->n && o + 1 < errlen; i++)
		if (!prefix || strncmp(c->lessons[i]->id, prefix, strlen(prefix)) == 0) {
			o += (size_t)snprintf(err + o, errlen - o, "%s%zu %s", first ? "" : ", ", i + 1, c->lessons[i]->id);
			first = false;
		}
}

const struct lesson *lesson_catalog_lookup(const struct lesson_catalog *c, const char *what, char *err,
                                           size_t errlen)
{
	const struct lesson *l = lesson_catalog_find(c, what);
	if (l)
		return l;
	char *end;
	errno = 0;
	unsigned long num = strtoul(what, &end, 10);
	if (*what >= '0' && *what <= '9' && !*end && !errno) {
		if (num >= 1 && num <= c->n)
			return c->lessons[num - 1];
		snprintf(err, errlen, "no lesson number %s: there are %zu (", what, c->n);
		list_ids(c, NULL, err, errlen);
		size_t o = strlen(err);
		snprintf(err + o, errlen - o, ")");
		return NULL;
	}
	size_t hits = 0, plen = strlen(what);
	for (size_t i = 0; i < c->n; i++)
		if (plen && strncmp(c->lessons[i]->id, what, plen) == 0) {
			l = c->lessons[i];
			hits++;
		}
	if (hits == 1)
		return l;
	if (hits > 1)
		snprintf(err, errlen, "'%s' could be any of: ", what);
	else
		snprintf(err, errlen, "no lesson '%s' in %s; the lessons are: ", what, c->dir);
	list_ids(c, hits ? what : NULL, err, errlen);
	return NULL;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *lesson_default_dir(void)
{
	static char found[PATH_MAX];
	const char *env = getenv("SOCKSCOPE_LESSONS");
	if (env && *env)
		return env;

	char exe[PATH_MAX];
	if (proc_exe_dir(exe, sizeof exe) == 0) {
		/* Run from the build tree: the lessons of the source tree it came from. */
		if (strcmp(exe, SOCKSCOPE_BUILD_DIR) == 0 && is_dir(SOCKSCOPE_SOURCE_LESSONS))
			return SOCKSCOPE_SOURCE_LESSONS;
		/* Installed anywhere (also a moved prefix): PREFIX/bin -> PREFIX/share. */
		snprintf(found, sizeof found, "%s/../share/sockscope/lessons", exe);
		if (is_dir(found))
			return found;
	}
	if (is_dir(SOCKSCOPE_INSTALLED_LESSONS))
		return SOCKSCOPE_INSTALLED_LESSONS;
	return SOCKSCOPE_SOURCE_LESSONS;
}
