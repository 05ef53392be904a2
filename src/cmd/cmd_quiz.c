/*
 * cmd_quiz.c — `sockscope quiz ID`: a lesson's check-yourself questions on
 * a plain terminal, the score kept as progress.
 */
#include "cmd/cmd.h"
#include "cmd/lesson_args.h"
#include "lesson/progress.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

static void save_quiz(const char *id, unsigned right, unsigned asked, FILE *out)
{
	char err[512];
	if (progress_update_quiz(id, right, asked, err, sizeof err) < 0)
		fprintf(out, "(progress not saved: %s)\n", err);
}

/* Is line an answer to q at all: one of its letters, or for a short answer
 * some text?  A mistyped letter ("z" for a-c) or an empty line is asked
 * again rather than graded wrong. */
static bool answerable(const struct lesson_question *q, const char *line)
{
	const char *p = line + strspn(line, " \t");
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (!q->nchoices)
		return n > 0;
	int c = n == 1 ? tolower((unsigned char)p[0]) : 0;
	return c >= 'a' && c < 'a' + (int)q->nchoices;
}

int quiz_run(const struct lesson *l, FILE *in, FILE *out)
{
	if (!l->nquestions) {
		fprintf(out, "%s has no questions.\n", l->title);
		return 0;
	}
	unsigned right = 0, asked = 0;
	fprintf(out, "Check yourself: %s\n", l->title);
	for (size_t i = 0; i < l->nquestions; i++) {
		const struct lesson_question *q = &l->questions[i];
		fprintf(out, "\n%zu. %s\n", i + 1, q->text);
		for (size_t k = 0; k < q->nchoices; k++)
			fprintf(out, "   %c) %s\n", (int)('a' + k), q->choices[k]);
		char line[256];
		bool got = false;
		for (;;) {   /* each round reads a line: the input bounds it */
			fprintf(out, "%s ", q->nchoices ? "your choice:" : "your answer:");
			fflush(out);
			if (!fgets(line, sizeof line, in))
				break;
			line[strcspn(line, "\n")] = '\0';
			if ((got = answerable(q, line)))
				break;
			if (q->nchoices)
				fprintf(out, "(not one of the choices: answer with a letter, a to %c)\n", 'a' + (int)q->nchoices - 1);
			else
				fprintf(out, "(type an answer, then Enter)\n");
		}
		if (!got)
			break;
		asked++;
		if (lesson_answer_ok(q, line)) {
			right++;
			fprintf(out, "right.");
		} else if (q->answer >= 0) {
			fprintf(out, "not quite: the answer is %c) %s.", 'a' + q->answer, q->choices[q->answer]);
		} else {
			fprintf(out, "not quite: the answer is \"%s\".", q->answer_text);
		}
		fprintf(out, "%s%s\n", q->why ? " " : "", q->why ? q->why : "");
	}
	fprintf(out, "\nscore: %u of %u\n", right, asked);
	save_quiz(l->id, right, asked, out);
	return 0;
}

static int quiz(const struct lesson_args *a, const struct lesson_catalog *cat)
{
	if (!a->npos) {
		fprintf(stderr, "sockscope: quiz needs a lesson id or number (sockscope list shows them)\n");
		return 2;
	}
	const struct lesson *l = lesson_args_lesson(a, cat, 0);
	return l ? quiz_run(l, stdin, stdout) : 2;
}

int cmd_quiz(int argc, char **argv)
{
	return lesson_cmd(argc, argv, quiz);
}
