/*
 * print.h — the packet list of a capture file as text (`inspect --print`),
 * on one thread or several.
 *
 * Role: the headless list's lines, written in packet order, the same bytes
 * whatever the number of threads.  With more than one, slices of packets
 * are dissected and formatted in parallel while the caller's thread feeds
 * the view's flow table in capture order (see print.c for why that is
 * exact).  The view ends as a one-thread walk leaves it: its rows, its
 * flow table and its walk, so --conversations and --write after --print
 * see the same view.
 */
#ifndef SOCKSCOPE_INSPECT_PRINT_H
#define SOCKSCOPE_INSPECT_PRINT_H

#include <stddef.h>
#include <stdio.h>

#include "capfile/capfile.h"
#include "dissect/dissect.h"
#include "inspect/view.h"

/* A list line is cut at INSPECT_LINE_MAX - 1 bytes (as the line buffer of
 * old cut it). */
enum { INSPECT_LINE_MAX = 1024 };

/* Write row's line and '\n' at `at` (room for INSPECT_LINE_MAX bytes);
 * returns the bytes written.  prev_ts: the previous row's time (delta). */
size_t inspect_print_line(char *at, const struct capfile *cf, const struct capfile_packet *p,
                          const struct dissection *d, const char *summary, enum inspect_time mode,
                          int64_t prev_ts);

/* The list's lines, gathered and written in large pieces: the one-thread
 * list and the live list (cmd_inspect.c).  inspect_lines_row is an
 * inspect_view_update callback; inspect_lines_free writes what is left. */
struct inspect_lines {
	const struct capfile *cf;
	enum inspect_time mode;
	int64_t prev;               /* the previous row's time (--time delta) */
	FILE *out;
	char *buf;                  /* owned */
	size_t len;
};
void inspect_lines_init(struct inspect_lines *c, const struct capfile *cf, enum inspect_time mode, FILE *out);
void inspect_lines_row(void *ud, size_t row, const struct capfile_packet *p, const struct dissection *d,
                       const char *summary);
void inspect_lines_flush(struct inspect_lines *c);
void inspect_lines_free(struct inspect_lines *c);

/* Threads for `inspect --print -j 0` (automatic): the CPUs this process
 * may run on, at most 8, when the file has more than 100,000 packets
 * (the first 100,001 are indexed to know), else 1. */
unsigned inspect_print_auto_jobs(struct capfile *cf);

/* Index cf and print every row of v (a view of cf no walk has begun) to
 * out, with `jobs` threads besides the caller's (1: the caller's only; when
 * no thread can be started, the caller's only too).  A filter and a
 * search are the view's. */
void inspect_print(struct capfile *cf, struct inspect_view *v, enum inspect_time mode, unsigned jobs, FILE *out);

#endif
