/*
 * soak.h — `sockscope soak ROUNDS`: every lesson's demos, over and over, in
 * one process, to show that nothing accumulates.
 *
 * Each round runs every lesson headless over IPv4 and over IPv6, with its
 * claims checked (as --check does).  After the first round and at the end
 * the process's open file descriptors, threads, child processes and heap
 * in use (glibc's mallinfo2) are measured; they must be the same at the end
 * (the heap within HEAP_SLACK, for the allocator's own bookkeeping).
 */
#ifndef SOCKSCOPE_SOAK_H
#define SOCKSCOPE_SOAK_H

#include <stdio.h>

#include "capture/capture.h"
#include "lab/lab.h"
#include "lesson/lesson.h"

/* Returns 0 when every round's claims held and nothing grew, else 1. */
int soak_run(const struct lesson_catalog *cat, struct capture *cap, enum capture_mode mode,
             const struct lab_options *base, unsigned rounds, FILE *out);

#endif
