/*
 * mem.h — allocation that cannot fail: the rule for out of memory.
 *
 * Running out of memory is not something the user got wrong and cannot be
 * fixed from a status line, and every code path that tried to carry it up
 * as a value was one more branch nobody ever ran.  So: xmalloc, xcalloc,
 * xrealloc and xstrdup either return the memory or end the program — the
 * hook runs first (the TUI puts the terminal back), then
 * "sockscope: out of memory" on stderr and exit status 1.  Errors the user
 * can act on (a file, a permission, a port) stay values.  (The x- names are
 * the idiom C programmers read as "never returns NULL".)
 */
#ifndef SOCKSCOPE_MEM_H
#define SOCKSCOPE_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
/* realloc(p, n); n of 0 is taken as 1, so NULL always means failure. */
void *xrealloc(void *p, size_t n);
/* realloc(p, count * size), failing on an overflowing product too. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A formatted string in memory of its own (vasprintf's, never NULL). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Frees each of the n pointers in array (NULL ones too, as free does),
 * then array itself: the arrays of strings or records a container owns.
 * array is void * so one helper serves char ** and struct x ** alike. */
void mem_free_array(void *array, size_t n);

/* Called once, on any thread, before the message when memory runs out; it
 * must be safe there (no locks, no allocation).  NULL: none.  tui/term.c
 * registers its terminal restore while it has the screen. */
void mem_set_oom_hook(void (*hook)(void));

/* What the x-functions do on failure, for an allocator they do not wrap
 * (open_memstream, asprintf).  Never returns. */
_Noreturn void mem_oom(void);

#endif
