/*
 * check.h — the checks the C unit tests share: each counts, and reports a
 * failure with file:line, the expression and both values; main returns
 * non-zero when `failures` is.  (Header-only: each test is one program.)
 */
#ifndef SOCKSCOPE_TEST_CHECK_H
#define SOCKSCOPE_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int failures, checks;

#define CHECK(cond) check_((cond), __FILE__, __LINE__, #cond)
#define EQ_INT(exp, act)                                                                        \
	do {                                                                                    \
		long long e_ = (long long)(exp), a_ = (long long)(act);                             \
		checks++;                                                                       \
		if (e_ != a_) {                                                                 \
			failures++;                                                             \
			fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, \
			        #act, e_, a_);                                                  \
		}                                                                               \
	} while (0)
#define EQ_STR(exp, act)                                                                        \
	do {                                                                                    \
		const char *e_ = (exp), *a_ = (act);                                            \
		checks++;                                                                       \
		if (!a_ || strcmp(e_, a_) != 0) {                                               \
			failures++;                                                             \
			fprintf(stderr, "%s:%d: %s:\n  expected \"%s\"\n  got      \"%s\"\n", __FILE__, \
			        __LINE__, #act, e_, a_ ? a_ : "(null)");                        \
		}                                                                               \
	} while (0)

static inline void check_(int ok, const char *file, int line, const char *what)
{
	checks++;
	if (!ok) {
		failures++;
		fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	}
}

#define HAS(hay, needle)                                                                        \
	do {                                                                                    \
		const char *h_ = (hay), *n_ = (needle);                                         \
		checks++;                                                                       \
		if (!h_ || !strstr(h_, n_)) {                                                   \
			failures++;                                                             \
			fprintf(stderr, "%s:%d: \"%s\" not in:\n%s\n", __FILE__, __LINE__, n_,      \
			        h_ ? h_ : "(null)");                                            \
		}                                                                               \
	} while (0)

#endif
