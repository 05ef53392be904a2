/*
 * dirlist.h — the files of a directory that end in a suffix, in name order.
 *
 * The lesson and challenge directories are read the same way: every
 * "*.lesson" (or "*.challenge") file, sorted so that the numbered names
 * give the order, hidden ones (an editor's .#lock files) left out.
 */
#ifndef SOCKSCOPE_DIRLIST_H
#define SOCKSCOPE_DIRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct dirlist {
	char **paths;   /* "dir/name", owned, sorted by name */
	size_t n;
};

/* Fill *out with dir's files ending in suffix (and longer than it).  0, or
 * -1 with errno when dir cannot be opened (*out is then empty). */
int dirlist_load(const char *dir, const char *suffix, struct dirlist *out);
void dirlist_free(struct dirlist *l);

/* A per-user path of the XDG base directories: "$VAR/LEAF" when VAR
 * ("XDG_CACHE_HOME", "XDG_DATA_HOME") is an absolute path, else
 * "$HOME/HOME_REL/LEAF" (".cache", ".local/share"); false without either. */
bool xdg_path(const char *var, const char *home_rel, const char *leaf, char *buf, size_t n);

#endif
