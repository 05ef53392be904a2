/*
 * thread.h — starting a thread, with the message a caller shows when it
 * cannot be started.
 *
 * Every long-lived thread of the core (the capture, the lab's servers, a
 * challenge's lab side, the capture-file index, the trace screen's tracer)
 * starts the same way; what differs is what it is called in the message.
 */
#ifndef SOCKSCOPE_THREAD_H
#define SOCKSCOPE_THREAD_H

#include <pthread.h>
#include <stddef.h>

/* Start fn(arg) in *t.  0, or -1 with "cannot start WHAT: reason" in err. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *what, char *err, size_t errlen);

#endif
