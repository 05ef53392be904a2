/*
 * ui_quiz.c — check yourself (key Q after the last step; a lesson with no
 * steps opens straight into it): the lesson's questions one at a time,
 * each answer graded by lesson_answer_ok and explained, the score at the
 * end, kept with progress_quiz; then what to remember (recap) and what to
 * try on one's own machine (try_it).
 *
 * A choice question is answered by moving the cursor (Up/Down) or pressing
 * a choice's letter, then Enter; a short answer is typed into a field.
 * Leaving before the end (Esc) keeps no score: a half-taken quiz says
 * nothing about what was learnt.
 */
#include "tui/ui.h"
#include "common/mem.h"
#include "lesson/progress.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum phase { ASK, ANSWERED, END };

struct quiz {
	struct ui_size size;       /* first: ui_resize_size fills it */
	struct ui *ui;
	const struct lesson *l;
	enum phase phase;
	size_t q;                  /* the question asked */
	size_t choice;             /* the choice under the cursor */
	struct ui_input input;     /* a short answer */
	bool right;                /* the last answer */
	unsigned nright, asked;
	char saved[300];           /* what became of the score */
	char msg[120];             /* a key that is no answer, until the next key */
	struct ui_lines lines;
	size_t top;
	int page;
};

static void *quiz_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct quiz *z = xcalloc(1, sizeof *z);
	z->ui = ui;
	z->l = arg;
	z->phase = z->l->nquestions ? ASK : END;   /* no questions: straight to the recap */
	return z;
}

static void quiz_destroy(void *self)
{
	struct quiz *z = self;
	ui_lines_free(&z->lines);
	free(z);
}

static void save_score(struct quiz *z)
{
	char err[256];
	if (progress_update_quiz(z->l->id, z->nright, z->asked, err, sizeof err) < 0)
		snprintf(z->saved, sizeof z->saved, "(score not kept: %s)", err);
	else
		snprintf(z->saved, sizeof z->saved, "(kept: `sockscope progress` lists it)");
}

static void add_block(struct ui_lines *l, const char *heading, const struct text_block *b, int width)
{
	if (!b->n)
		return;
	ui_lines_add(l, "", TC_NORMAL, ' ');
	ui_lines_add(l, heading, TC_HEADING, ' ');
	for (size_t i = 0; i < b->n; i++) {
		char line[1100];
		snprintf(line, sizeof line, "  %s", b->lines[i]);
		ui_lines_wrap(l, line, width, TC_NORMAL);
	}
}

/* The page as lines; *field is the line where the answer field goes (-1 none). */
static void build(struct quiz *z, int width, long *field)
{
	struct ui_lines *l = &z->lines;
	char buf[1200];
	*field = -1;
	ui_lines_clear(l);
	if (z->phase == END) {
		if (z->asked) {
			snprintf(buf, sizeof buf, "score: %u of %u", z->nright, z->asked);
			ui_lines_add(l, buf, z->nright == z->asked ? TC_OK : TC_BOLD, ' ');
			ui_lines_wrap(l, z->saved, width, TC_DIM);
		} else {
			ui_lines_add(l, "This lesson has no questions.", TC_DIM, ' ');
		}
		add_block(l, "What to remember", &z->l->recap, width);
		add_block(l, "Try it yourself", &z->l->try_it, width);
		ui_lines_add(l, "", TC_NORMAL, ' ');
		ui_lines_add(l, "Enter or Esc: back", TC_DIM, ' ');
		return;
	}
	const struct lesson_question *q = &z->l->questions[z->q];
	ui_lines_wrap(l, q->text, width, TC_BOLD);
	ui_lines_add(l, "", TC_NORMAL, ' ');
	for (size_t k = 0; k < q->nchoices; k++) {
		snprintf(buf, sizeof buf, "  %c) %s", (int)('a' + k), q->choices[k]);
		bool cur = k == z->choice;
		bool key = z->phase == ANSWERED && (int)k == q->answer;
		size_t first = l->n;
		ui_lines_wrap(l, buf, width, cur ? TC_CURSOR : key ? TC_OK : TC_NORMAL);
		if (cur)
			l->v[first].mark = '>';
	}
	if (!q->nchoices) {
		*field = (long)l->n;
		ui_lines_add(l, "Your answer: ", TC_NORMAL, ' ');
	}
	ui_lines_add(l, "", TC_NORMAL, ' ');
	if (z->phase == ASK) {
		ui_lines_add(l, q->nchoices ? "Up/Down or a letter, then Enter" : "type it, then Enter", TC_DIM, ' ');
		return;
	}
	if (z->right)
		snprintf(buf, sizeof buf, "Right.");
	else if (q->answer >= 0)
		snprintf(buf, sizeof buf, "Not quite: the answer is %c) %s.", 'a' + q->answer, q->choices[q->answer]);
	else
		snprintf(buf, sizeof buf, "Not quite: the answer is \"%s\".", q->answer_text);
	ui_lines_wrap(l, buf, width, z->right ? TC_OK : TC_ERROR);
	if (q->why)
		ui_lines_wrap(l, q->why, width, TC_NORMAL);
	ui_lines_add(l, "", TC_NORMAL, ' ');
	ui_lines_add(l, z->q + 1 < z->l->nquestions ? "Enter: next question" : "Enter: your score", TC_DIM, ' ');
}

static void quiz_draw(void *self)
{
	struct quiz *z = self;
	char buf[512];
	snprintf(buf, sizeof buf, "sockscope  -  %s  -  check yourself", z->l->title);
	ui_status_bar(0, z->size.w, buf, "? help");
	if (z->phase == END)
		snprintf(buf, sizeof buf, "%s", z->asked ? "Your score, and what to take away" : "What to take away");
	else
		snprintf(buf, sizeof buf, "Question %zu of %zu", z->q + 1, z->l->nquestions);
	struct rect in = term_box((struct rect){ 1, 0, z->size.h - 2, z->size.w }, buf, true);
	struct rect text = { in.y + 1, in.x + 2, in.h - 1, in.w - 4 };
	long field;
	build(z, text.w - 2, &field);
	z->page = text.h;
	if (field >= 0)   /* the field must be in view while typing */
		z->top = ui_scroll_into_view(z->top, (size_t)field, (size_t)field, text.h, z->lines.n);
	else if (z->top + (size_t)text.h > z->lines.n)
		z->top = z->lines.n > (size_t)text.h ? z->lines.n - (size_t)text.h : 0;
	ui_lines_draw(&z->lines, text, z->top, 0, true);
	if (field >= 0 && (size_t)field >= z->top && (size_t)field < z->top + (size_t)text.h) {
		int y = text.y + (int)((size_t)field - z->top), x = text.x + 2 + 13;
		if (z->phase == ASK)
			ui_input_draw(&z->input, y, x, text.w - 15 < 40 ? text.w - 15 : 40);
		else
			term_text(y, x, text.w - 15, z->input.buf, TC_BOLD, 0, false);
	}
	if (z->msg[0])
		snprintf(buf, sizeof buf, "%s", z->msg);
	else if (z->phase == END)
		snprintf(buf, sizeof buf, "%u right of %u", z->nright, z->asked);
	else
		snprintf(buf, sizeof buf, "%u right so far", z->nright);
	ui_status_bar(z->size.h - 1, z->size.w, buf, "Enter answer/next  Esc leave");
}

static void submit(struct quiz *z)
{
	const struct lesson_question *q = &z->l->questions[z->q];
	char letter[2] = { (char)('a' + z->choice), '\0' };
	z->right = lesson_answer_ok(q, q->nchoices ? letter : z->input.buf);
	z->nright += z->right;
	z->asked++;
	z->phase = ANSWERED;
}

enum { Q_LEAVE = 1, Q_ENTER, Q_NEXT, Q_CHOOSE, Q_HELP };

static const struct key_bind quiz_binds[] = {
	{ { 'a', 'b', 'c', 'd', 'e', 'f' }, Q_CHOOSE, "choose that answer (or move to it with Up/Down)", "a-f" },
	{ { TK_ENTER }, Q_ENTER, "submit the answer; once graded, the next question", NULL },
	{ { ' ' }, Q_NEXT, "once graded, the next question", NULL },
	{ { 0 }, 0, "a short answer is typed; Backspace and the arrows edit it, Enter submits", "typing" },
	{ { '?' }, Q_HELP, "this help (not while typing an answer)", NULL },
	{ { 'q', TK_ESC }, Q_LEAVE, "leave (a quiz left unfinished keeps no score)", NULL },
};
static const struct key_table quiz_table = KEY_TABLE("Quiz", quiz_binds);
static const struct key_table *const quiz_help[] = { &quiz_table, &ui_keys_move, &ui_keys_anywhere, NULL };

static enum ui_result quiz_key(void *self, int key)
{
	struct quiz *z = self;
	const struct lesson_question *q = z->phase == END ? NULL : &z->l->questions[z->q];
	bool typing = z->phase == ASK && !q->nchoices;
	bool said = z->msg[0] != '\0';
	z->msg[0] = '\0';
	int a = keys_action(&quiz_table, key >= 'A' && key <= 'F' ? key - 'A' + 'a' : key);
	if (typing && a != Q_LEAVE && a != Q_ENTER)   /* the field takes every other key */
		return ui_input_key(&z->input, key, false) ? UI_REDRAW : UI_HANDLED;
	if (a == Q_LEAVE)
		return UI_LEAVE;
	if (a == Q_HELP)
		return UI_HELP;
	if (z->phase == END) {
		if (a == Q_ENTER)
			return UI_LEAVE;
		return ui_scroll_key(key, &z->top, z->lines.n, z->page) ? UI_REDRAW : UI_HANDLED;
	}
	if (z->phase == ANSWERED) {
		if (a != Q_ENTER && a != Q_NEXT)
			return ui_scroll_key(key, &z->top, z->lines.n, z->page) ? UI_REDRAW : UI_HANDLED;
		z->phase = ASK;
		z->top = 0;
		z->choice = 0;
		z->input = (struct ui_input){ 0 };
		if (++z->q >= z->l->nquestions) {
			z->phase = END;
			save_score(z);
		}
		return UI_REDRAW;
	}
	if (a == Q_ENTER) {
		if (q->nchoices || z->input.len)
			submit(z);
		return UI_REDRAW;
	}
	size_t k = a == Q_CHOOSE ? (size_t)(tolower(key) - 'a') : q->nchoices;
	if (k < q->nchoices) {
		z->choice = k;
		return UI_REDRAW;
	}
	if (a != Q_CHOOSE && ui_move_key(key, &z->choice, q->nchoices, 1))
		return UI_REDRAW;
	if (isalpha(key)) {   /* a mistyped letter is no answer, right or wrong: say so */
		snprintf(z->msg, sizeof z->msg, "%c is not one of the answers: a to %c, then Enter", key,
		         'a' + (int)q->nchoices - 1);
		return UI_REDRAW;
	}
	return said ? UI_REDRAW : UI_HANDLED;
}

const struct ui_screen ui_quiz = {
	.name = "quiz",
	.create = quiz_create, .destroy = quiz_destroy, .resize = ui_resize_size,
	.draw = quiz_draw, .handle_key = quiz_key, .help = quiz_help,
};
