/*
 * dirlist.c — a directory's files by suffix, sorted (see dirlist.h).
 */
#include "common/dirlist.h"

#include "common/mem.h"
#include "common/vec.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dirlist_load(const char *dir, const char *suffix, struct dirlist *out)
{
	*out = (struct dirlist){ 0 };
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	size_t cap = 0, sl = strlen(suffix);
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len > sl && !strcmp(e->d_name + len - sl, suffix) && e->d_name[0] != '.')
			VEC_PUSH(out->paths, out->n, cap, xasprintf("%s/%s", dir, e->d_name));
	}
	closedir(d);
	/* the same directory prefix on every path: sorting paths sorts names */
	if (out->n)
		qsort(out->paths, out->n, sizeof *out->paths, by_name);
	return 0;
}

void dirlist_free(struct dirlist *l)
{
	mem_free_array(l->paths, l->n);
	*l = (struct dirlist){ 0 };
}

bool xdg_path(const char *var, const char *home_rel, const char *leaf, char *buf, size_t n)
{
	const char *xdg = getenv(var), *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(buf, n, "%s/%s", xdg, leaf);
	else if (home && *home)
		snprintf(buf, n, "%s/%s/%s", home, home_rel, leaf);
	else
		return false;
	return true;
}
