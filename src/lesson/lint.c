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
			        st->actions[i].role == ROLE_CLIENT ? "client" : "server", demo_action_name(&st->actions[i]),
			        missing, func, sock);
			bad++;
		}
	}
	return bad;
}
