/*
 * thread.c — starting a thread (see thread.h).
 */
#include "common/thread.h"

#include <stdio.h>
#include <string.h>

int thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *what, char *err, size_t errlen)
{
	int e = pthread_create(t, NULL, fn, arg);
	if (e) {
		snprintf(err, errlen, "cannot start %s: %s", what, strerror(e));
		return -1;
	}
	return 0;
}
