/*
 * opt.h — the command line's values, parsed one way for every command: a
 * value that does not parse is a message naming the option, what it takes
 * and what was given, on stderr, and false (the command then exits 2).
 */
#ifndef SOCKSCOPE_CMD_OPT_H
#define SOCKSCOPE_CMD_OPT_H

#include <stdbool.h>

#include "capture/capture.h"

/* A whole decimal number from min to max ("--peer takes a number from 1 to
 * 65535, not 'x'").  name is the option as the user wrote it ("--peer"). */
bool opt_number(const char *name, const char *arg, long min, long max, long *out);
/* A decimal number of seconds, fractions allowed, from min to max. */
bool opt_seconds(const char *name, const char *arg, double min, double max, double *out);
/* --capture MODE; none_ok: whether "none" is one of the choices. */
bool opt_capture(const char *arg, bool none_ok, enum capture_want *out);
/* One of a NULL-ended list of words (--role server|client): its index. */
bool opt_choice(const char *name, const char *arg, const char *const *choices, int *out);

#endif
