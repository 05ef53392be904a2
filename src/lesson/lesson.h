/*
 * lesson.h — lesson files: a teacher's plain text, parsed at start.
 *
 * The format is documented in docs/lesson-format.md.  In short: "key: value"
 * lines at the start of a line; a key ending in ':' alone opens a block
 * whose lines are indented (four spaces or a tab, removed on reading);
 * "step: Title" starts a step.  Lines starting with '#' are comments.
 *
 * Ownership: a struct lesson owns every string and array in it;
 * lesson_free releases all of it.  A lesson_catalog owns its lessons.
 */
#ifndef SOCKSCOPE_LESSON_H
#define SOCKSCOPE_LESSON_H

#include <stddef.h>

#include "demo/demo.h"

/* A block of text lines (code or prose). */
struct text_block {
	char **lines;
	size_t n;
};

#define LESSON_MAX_ACTIONS 8

struct lesson_step {
	char *title;
	int line;                       /* where "step:" stands, for messages */
	struct text_block c, c6;        /* C code; c6 replaces it when run over IPv6 */
	struct text_block py;           /* the Python equivalent */
	struct text_block explain;      /* prose; an empty line separates paragraphs */
	struct demo_action actions[LESSON_MAX_ACTIONS];
	size_t nactions;
};

struct lesson {
	char *path;                     /* the file it was read from */
	char *id;                       /* file name without number prefix and ".lesson" */
	char *title;
	char *summary;
	int family;                     /* 4 or 6: what it runs over by default */
	int lab_tcp_server;             /* "lab: tcp-server" */
	struct text_block c_head, c_tail, py_head, py_tail;
	struct lesson_step *steps;
	size_t nsteps;
};

/* Parse a lesson file.  Returns NULL and writes "file:line: what is wrong"
 * into err when the file is malformed. */
struct lesson *lesson_load(const char *path, char *err, size_t errlen);
/* The same from text in memory (tests); `name` stands for the file name. */
struct lesson *lesson_parse(const char *name, const char *text, char *err, size_t errlen);
void lesson_free(struct lesson *l);

/* The step's C code for a family (c6 when family is 6 and the step has it). */
const struct text_block *lesson_step_code(const struct lesson_step *s, int family);

/* Copy `line` into buf replacing {host} {port} {af} {pyaf} with the run's
 * values: the code on screen shows the address and port really used. */
void lesson_expand(const char *line, int family, unsigned port, char *buf, size_t n);

/* ---- the catalog: every lesson file of a directory, in file-name order ---- */
struct lesson_catalog {
	char *dir;
	struct lesson **lessons;        /* the ones that parsed */
	size_t n;
	char **errors;                  /* one "file:line: message" per broken file */
	size_t nerrors;
};

/* Read every *.lesson file in dir.  Broken files are listed in errors and
 * do not stop the others.  NULL only when the directory cannot be read
 * (message in err). */
struct lesson_catalog *lesson_catalog_load(const char *dir, char *err, size_t errlen);
void lesson_catalog_free(struct lesson_catalog *c);
const struct lesson *lesson_catalog_find(const struct lesson_catalog *c, const char *id);

/* Where the lessons are: $SOCKSCOPE_LESSONS, else beside an installed
 * binary (../share/sockscope/lessons), else the source tree when run from
 * the build tree, else the install prefix.  `argv0_dir` is the directory
 * of the running binary (from /proc/self/exe). */
const char *lesson_default_dir(void);

#endif
