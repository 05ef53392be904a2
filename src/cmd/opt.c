/*
 * opt.c — the command line's values (see opt.h).
 */
#include "cmd/opt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool opt_number(const char *name, const char *arg, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = arg && *arg ? strtol(arg, &end, 10) : 0;
	if (!arg || !*arg || *end || errno || v < min || v > max) {
		fprintf(stderr, "sockscope: %s takes a number from %ld to %ld, not '%s'\n", name, min, max,
		        arg ? arg : "");
		return false;
	}
	*out = v;
	return true;
}

bool opt_seconds(const char *name, const char *arg, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = arg && *arg ? strtod(arg, &end) : 0;
	if (!arg || !*arg || *end || errno || !(v >= min && v <= max)) {
		fprintf(stderr, "sockscope: %s takes seconds from %g to %g, not '%s'\n", name, min, max, arg ? arg : "");
		return false;
	}
	*out = v;
	return true;
}

bool opt_capture(const char *arg, bool none_ok, enum capture_want *out)
{
	enum capture_want w;
	if (!capture_want_parse(arg, &w) || (!none_ok && w == CAPTURE_WANT_NONE)) {
		fprintf(stderr, "sockscope: --capture takes auto, host%s namespace%s, not '%s'\n", none_ok ? "," : " or",
		        none_ok ? " or none" : "", arg);
		return false;
	}
	*out = w;
	return true;
}

bool opt_choice(const char *name, const char *arg, const char *const *choices, int *out)
{
	for (int i = 0; choices[i]; i++)
		if (!strcmp(arg, choices[i])) {
			*out = i;
			return true;
		}
	fprintf(stderr, "sockscope: %s takes ", name);
	for (int i = 0; choices[i]; i++)
		fprintf(stderr, "%s%s", i ? (choices[i + 1] ? ", " : " or ") : "", choices[i]);
	fprintf(stderr, ", not '%s'\n", arg);
	return false;
}
