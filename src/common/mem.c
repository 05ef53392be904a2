/*
 * mem.c — allocation that cannot fail (the rule is in mem.h).
 */
#include "common/mem.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void (*_Atomic oom_hook)(void);

void mem_set_oom_hook(void (*hook)(void))
{
	atomic_store(&oom_hook, hook);
}

_Noreturn void mem_oom(void)
{
	/* exit() twice at once is undefined: a second thread out of memory
	 * waits for the first one's exit to end it. */
	static atomic_flag dying = ATOMIC_FLAG_INIT;
	if (atomic_flag_test_and_set(&dying))
		for (;;)
			pause();
	void (*hook)(void) = atomic_load(&oom_hook);
	if (hook)
		hook();
	/* write(2), not stdio: nothing here may need memory */
	static const char msg[] = "sockscope: out of memory\n";
	ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)w;
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		mem_oom();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		mem_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		mem_oom();
	return q;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		mem_oom();
	return xrealloc(p, count * size);
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		mem_oom();
	return d;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (!d)
		mem_oom();
	return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		mem_oom();   /* the only way it fails with the formats we pass */
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void mem_free_array(void *array, size_t n)
{
	/* Read through memcpy, not as void **: an object pointer has void *'s
	 * size and representation on every ABI sockscope builds for, and the
	 * copy keeps the compiler's aliasing rules out of it. */
	unsigned char *bytes = array;
	for (size_t i = 0; i < n; i++) {
		void *item;
		memcpy(&item, bytes + i * sizeof item, sizeof item);
		free(item);
	}
	free(array);
}
