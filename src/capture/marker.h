/*
 * marker.h — waiting for a marker datagram to come back through the capture.
 *
 * The lab's steps and the trace's calls are bracketed by small UDP marker
 * datagrams sent on the loopback the capture reads: once the capture
 * thread has read a marker, every packet sent before it has been read too.
 * A marker can be lost before the capture sees it: under a flood of
 * another program's traffic, lo's backlog drops datagrams (a START that
 * never arrived left a lesson step's packets with the step before: "syn =
 * 0" for a step of two connects).  So a marker is waited for, and sent
 * again every CAPTURE_MARKER_RESEND_MS while it is not seen; a marker seen
 * twice means the same thing twice, which each reader allows for.
 *
 * Used by src/lab/lab.c (a step's START and END) and src/trace/attrib.c (a
 * call's START, and its END when a face waits for it).
 */
#ifndef SOCKSCOPE_CAPTURE_MARKER_H
#define SOCKSCOPE_CAPTURE_MARKER_H

#include <pthread.h>
#include <stdbool.h>

#define CAPTURE_MARKER_RESEND_MS 200

/* send(ud) sends the marker (called without mu); seen(ud), called with mu
 * held, says whether the capture has read it (the capture thread
 * broadcasts cv, under mu, when it reads a marker).  Sends, then waits on
 * cv, sending again every CAPTURE_MARKER_RESEND_MS, for at most wait_ms in
 * all.  True once seen; false: the capture never saw it in time. */
bool capture_marker_await(pthread_mutex_t *mu, pthread_cond_t *cv, void (*send)(void *ud), bool (*seen)(void *ud),
                          void *ud, int wait_ms);

#endif
