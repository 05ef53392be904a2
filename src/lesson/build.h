/*
 * build.h — compile a lesson's C program into the user's cache, once.
 *
 * Role: the traced lessons (lab/lab_traced.c) run the real programs under
 * lessons/programs/; their C needs a compiler at run time.  Each C file
 * states its build line at its top ("Build: cc -std=c11 ... -Werror"); the
 * program is built with exactly that line plus -g -O0 (the tracer needs
 * the line table, and -O0 keeps every line where the source has it).
 *
 * The binary goes to $XDG_CACHE_HOME/sockscope/programs/ (else
 * ~/.cache/sockscope/programs/), named by a key of the source's bytes and
 * the whole compiler line, so an unchanged program is not compiled again
 * and a changed one (an edit, a new flag) never runs a stale binary.
 * No compiler on PATH is a value of its own: the caller runs the Python
 * program instead and says so.
 */
#ifndef SOCKSCOPE_LESSON_BUILD_H
#define SOCKSCOPE_LESSON_BUILD_H

#include <stdbool.h>
#include <stddef.h>

enum lesson_build_status {
	LESSON_BUILD_OK,         /* exe is the program, built now or found in the cache */
	LESSON_BUILD_NO_CC,      /* no `cc` on PATH: fall back to Python */
	LESSON_BUILD_FAILED,     /* the compiler refused it: errors holds what it said */
	LESSON_BUILD_ERROR,      /* anything else (no build line, no cache dir): errors says what */
};

struct lesson_build {
	enum lesson_build_status status;
	char exe[4096];          /* OK: the binary's path */
	bool cached;             /* OK: found, not compiled this time */
	char command[1024];      /* the compiler line used (without -o and the paths) */
	char *errors;            /* FAILED, ERROR: the text to show, the compiler's own
	                            "file:line:col: error: ..." lines; owned, NULL when OK */
	char first_error[4200];  /* FAILED: the first "file:line" the compiler named, "" if none */
};

/* Build the C file `src` (or find it built).  Always fills *b; returns
 * b->status.  Free b->errors with lesson_build_free. */
enum lesson_build_status lesson_build_c(const char *src, struct lesson_build *b);
void lesson_build_free(struct lesson_build *b);

/* Is `cc` on PATH? */
bool lesson_build_have_cc(void);

/* The cache directory ($XDG_CACHE_HOME/sockscope, else ~/.cache/sockscope)
 * into buf; false when neither is set. */
bool lesson_build_cache_dir(char *buf, size_t n);

#endif
