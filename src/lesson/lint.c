/*
 * lint.c — checks of a lesson's text against what its steps run, beyond
 * what parsing can tell (sockscope check-lessons).
 *
 * The code pane and the call trace sit side by side: when the trace says
 * recv(conn, ...) and the code says recv(fd, ...), the learner is taught
 * two things at once.  So every call a step's actions make on a socket of
 * the lesson (the function the trace names, and the socket) must stand on
 * one line of the step's C code, over IPv4 and, where the step has its
 * own, IPv6.  Toggle-dependent actions count too: the code shows what any
 * run may do. A helper standing for several calls
 * would hide one of them, so the code spells each call out.
 */
#include "lesson/lesson.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* `word` in `line` as a whole identifier; with `call`, followed by '('. */
static bool has_word(const char *line, const char *word, bool call)
{
	size_t wl = strlen(word);
	for (const char *p = line; wl && (p = strstr(p, word)); p++) {
		const char *end = p + wl;
		if ((p > line && ident_char(p[-1])) || ident_char(*end))
			continue;
		while (call && (*end == ' ' || *end == '\t'))
			end++;
		if (!call || *end == '(')
			return true;
	}
	return false;
}

static bool code_has(const struct text_block *b, const char *func, const char *sock)
{
	for (size_t i = 0; i < b->n; i++)
		if (has_word(b->lines[i], func, true) && has_word(b->lines[i], sock, false))
			return true;
	return false;
}

size_t lesson_lint_calls(const struct lesson *l, FILE *out)
{
	size_t bad = 0;
	for (size_t s = 0; s < l->nsteps; s++) {
		const struct lesson_step *st = &l->steps[s];
		for (size_t i = 0; i < st->nactions; i++) {
			const char *func, *sock;
			if (!demo_action_call(&st->actions[i], &func, &sock))
				continue;
			bool twice = false;   /* the same call made again: said once */
			for (size_t k = 0; k < i && !twice; k++) {
				const char *f2, *s2;
				twice = demo_action_call(&st->actions[k], &f2, &s2) && !strcmp(f2, func) && !strcmp(s2, sock);
			}
			if (twice)
				continue;
			const char *missing = !code_has(&st->c, func, sock) ? "C" :
			                      st->c6.n && !code_has(&st->c6, func, sock) ? "C (IPv6)" : NULL;
			if (!missing)
				continue;
			bool made = !strcmp(func, "socket") || !strcmp(func, "accept");   /* the socket they return */
			fprintf(out, "ERROR   %s:%d: step %zu: the trace shows %s%s%s(%s) (%s: %s); the step's %s code "
			        "does not (a line with %s() and %s)\n", l->path, st->line, s + 1, made ? sock : "",
			        made ? " = " : "", func, made ? "..." : sock,
			        st->actions[i].role == DEMO_ROLE_CLIENT ? "client" : "server", demo_action_name(&st->actions[i]),
			        missing, func, sock);
			bad++;
		}
	}
	return bad;
}

/* Predict, then capture: a title that states the answer spoils the
 * question (the screen hides it until the answer, but the browser, the
 * handouts and headless runs show it).  The answer is the step's own
 * `expect: KIND = N` for the predicted kind; a title gives it away with
 * the number (digits or a word), with a word for none when it is 0, or
 * by naming what is counted when there is some (a title "... sends RST"
 * for "how many RSTs"). */
static bool has_phrase(const char *title, const char *phrase)
{
	size_t pl = strlen(phrase);
	for (const char *p = title; *p; p++)
		if (strncasecmp(p, phrase, pl) == 0 && (p == title || !ident_char(p[-1])) && !ident_char(p[pl]))
			return true;
	return false;
}

static const char *giveaway(const char *title, enum predict_kind k, long n, bool exact)
{
	static const char *const numbers[] = { "zero", "one", "two", "three", "four", "five", "six", "seven",
	                                        "eight", "nine", "ten", "eleven", "twelve" };
	static const char *const none[] = { "nothing", "none", "no", "never", "without", "same connection", NULL };
	static const char *const named[][4] = {
		[PREDICT_SYN] = { "SYN", "handshake", NULL }, [PREDICT_FIN] = { "FIN", NULL },
		[PREDICT_RST] = { "RST", "reset", NULL }, [PREDICT_ICMP] = { "ICMP", "port unreachable", NULL },
		[PREDICT_WINDOW0] = { "zero window", "window of 0", NULL },
	};
	static char digits[24];
	if (exact) {
		snprintf(digits, sizeof digits, "%ld", n);
		if (has_phrase(title, digits))
			return digits;
		if (n >= 0 && (size_t)n < sizeof numbers / sizeof numbers[0] && has_phrase(title, numbers[n]))
			return numbers[n];
	}
	if (exact && n == 0)
		for (size_t i = 0; none[i]; i++)
			if (has_phrase(title, none[i]))
				return none[i];
	if (n > 0 && (size_t)k < sizeof named / sizeof named[0])
		for (size_t i = 0; i < 4 && named[k][i]; i++)
			if (has_phrase(title, named[k][i]))
				return named[k][i];
	return NULL;
}

size_t lesson_lint_predictions(const struct lesson *l, FILE *out)
{
	size_t warned = 0;
	for (size_t s = 0; s < l->nsteps; s++) {
		const struct lesson_step *st = &l->steps[s];
		for (size_t i = 0; st->predict && i < st->nexpects; i++) {
			const struct lesson_expect *e = &st->expects[i];
			if (e->kind != EXPECT_COUNT || e->count != st->predict || e->cond[0] ||
			    (e->op != OP_EQ && e->op != OP_GE && e->op != OP_GT))
				continue;
			long least = e->op == OP_GT ? e->n + 1 : e->n;
			const char *w = giveaway(st->title, st->predict, least, e->op == OP_EQ);
			if (!w)
				continue;
			fprintf(out, "WARNING %s:%d: step %zu: the title \"%s\" gives its prediction's answer away "
			        "(\"%s\"; the answer is %s %s %ld): name what the step does, not what it shows\n", l->path,
			        st->line, s + 1, st->title, w, lesson_predict_name(e->count), e->op == OP_EQ ? "=" : ">=",
			        least);
			warned++;
			break;
		}
	}
	return warned;
}
