/*
 * save.h — marked packets, and saving packets to a pcap file.
 *
 * Role: "mark this packet" and "save all / the filtered / the marked
 * packets" of the inspection screen and `sockscope inspect FILE --write
 * OUT [--marked LIST]`.
 *
 * The output is classic pcap, written by capfile/write.h: one link type
 * per file, microsecond timestamps unless a packet's interface records
 * finer ones (then the nanosecond magic).  It is written to OUT.partial
 * and renamed over OUT only when complete, so a failed save never leaves
 * half a file under the name asked for.
 */
#ifndef SOCKSCOPE_INSPECT_SAVE_H
#define SOCKSCOPE_INSPECT_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capfile/capfile.h"
#include "inspect/view.h"

/* ---- the marked set: a bitmap of packet numbers (0-based) ---- */
struct inspect_marks;
struct inspect_marks *inspect_marks_new(void);
void inspect_marks_free(struct inspect_marks *m);
/* Mark or unmark packet n. */
void inspect_marks_set(struct inspect_marks *m, uint64_t n, bool on);
void inspect_marks_toggle(struct inspect_marks *m, uint64_t n);
bool inspect_marks_test(const struct inspect_marks *m, uint64_t n);
uint64_t inspect_marks_count(const struct inspect_marks *m);
/* Mark the packets of a list of 1-based numbers and ranges: "1,3,5-7".
 * 0, or -1 with a message. */
int inspect_marks_parse(struct inspect_marks *m, const char *list, char *err, size_t errlen);

/* Save the packets that are rows of v (all indexed packets when v is NULL)
 * and marked in marks (no restriction when NULL).  All of them must share
 * one link type.  Returns how many were written, or -1 with a message. */
long long inspect_save(const struct capfile *cf, const struct inspect_view *v, const struct inspect_marks *marks,
                       const char *path, char *err, size_t errlen);

/* A path as a shell would expand its leading "~" or "~user" (the save
 * prompts take what a user types, with no shell in between).  0, or -1
 * when the home is unknown or out is too small (out then holds in). */
int inspect_expand_path(const char *in, char *out, size_t n);

#endif
