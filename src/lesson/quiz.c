/*
 * quiz.c — grading a check-yourself answer.
 *
 * A choice question takes the choice's letter; a short answer is compared
 * ignoring case, surrounding blanks and a trailing "()" — "connect",
 * "Connect()" and " connect " are the same answer.
 */
#include "lesson/lesson.h"

#include <ctype.h>
#include <string.h>

/* [s, s+len) without blanks around it and without a trailing "()". */
static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
	if (*len >= 2 && strncmp(*s + *len - 2, "()", 2) == 0)
		*len -= 2;
}

bool lesson_answer_ok(const struct lesson_question *q, const char *answer)
{
	const char *a = answer;
	size_t al = strlen(answer);
	trim(&a, &al);
	if (q->answer >= 0)
		return al == 1 && tolower((unsigned char)a[0]) == 'a' + q->answer;
	const char *w = q->answer_text;
	size_t wl = strlen(w);
	trim(&w, &wl);
	return al == wl && strncasecmp(a, w, al) == 0;
}
