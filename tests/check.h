/*
 * check.h — the checks every C unit test uses (the one harness): each
 * counts, and reports a failure with file:line, the expression and both
 * values; main ends with `return check_done("test_x")`.  (Header-only:
 * each test is one program.)
 */
#ifndef SOCKSCOPE_TEST_CHECK_H
#define SOCKSCOPE_TEST_CHECK_H

#include <stdarg.h>
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
#define EQ_STR(exp, act) eq_str_((exp), (act), __FILE__, __LINE__, #act)
/* CHECK with a printf-style explanation of what was found. */
#define CHECK_MSG(cond, ...) check_msg_((cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

/* The functions behind the macros, for helpers that check on behalf of
 * their caller's line (expect_rows(..., __LINE__) and the like). */
static inline void check_(int ok, const char *file, int line, const char *what)
{
	checks++;
	if (!ok) {
		failures++;
		fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	}
}

static inline void eq_str_(const char *exp, const char *act, const char *file, int line, const char *what)
{
	checks++;
	if (!act || strcmp(exp, act) != 0) {
		failures++;
		fprintf(stderr, "%s:%d: %s:\n  expected \"%s\"\n  got      \"%s\"\n", file, line, what, exp,
		        act ? act : "(null)");
	}
}

__attribute__((format(printf, 5, 6)))
static inline void check_msg_(int ok, const char *file, int line, const char *what, const char *fmt, ...)
{
	checks++;
	if (ok)
		return;
	failures++;
	fprintf(stderr, "%s:%d: check failed: %s: ", file, line, what);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Fail on behalf of a helper's own comparison (a check it already counted). */
__attribute__((format(printf, 3, 4)))
static inline void check_fail_(const char *file, int line, const char *fmt, ...)
{
	failures++;
	fprintf(stderr, "%s:%d: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The last line of every test program: the count, and main's status. */
static inline int check_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, checks, failures);
	return failures != 0;
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
