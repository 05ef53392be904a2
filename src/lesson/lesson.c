/*
 * lesson.c — the lesson file parser (format: docs/lesson-format.md).
 *
 * One pass over the lines.  A key at the start of a line either carries its
 * value on the same line or opens an indented block below it.  Every error
 * names the file and line and says what was expected; the first error ends
 * the parse (a teacher fixes one thing at a time, and later messages after
 * a structural error would mostly be noise).
 */
#include "lesson/lesson.h"
#include "common/mem.h"
#include "common/text.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LESSON_BYTES (1 << 20)

struct parser {
	const char *name;
	int line;
	char *err;
	size_t errlen;
	struct lesson *l;
	struct lesson_step *step;     /* current step, or NULL before the first */
	struct text_block *block;     /* block receiving indented lines, or NULL */
	bool block_inline;            /* the block got its text on the key's line */
	int pending_blank;            /* blank lines seen inside the block, not yet kept */
	bool failed;
};

static void fail(struct parser *p, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	int o = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);
	if (o < 0 || (size_t)o >= p->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err + o, p->errlen - (size_t)o, fmt, ap);
	va_end(ap);
}

static void block_add(struct parser *p, struct text_block *b, const char *text)
{
	(void)p;
	b->lines = xreallocarray(b->lines, b->n + 1, sizeof *b->lines);
	b->lines[b->n++] = xstrdup(text);
}

void text_block_free(struct text_block *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->lines[i]);
	free(b->lines);
	b->lines = NULL;
	b->n = 0;
}

void lesson_free(struct lesson *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nsteps; i++) {
		struct lesson_step *s = &l->steps[i];
		free(s->title);
		text_block_free(&s->c);
		text_block_free(&s->c6);
		text_block_free(&s->py);
		text_block_free(&s->explain);
		text_block_free(&s->teacher);
		free(s->predict_q);
		for (size_t k = 0; k < s->norigins; k++)
			free(s->origins[k].expr);
	}
	free(l->steps);
	for (size_t i = 0; i < l->nruns; i++)
		free(l->runs[i].args);
	for (size_t i = 0; i < l->ntoggles; i++)
		free(l->toggles[i].label);
	for (size_t i = 0; i < l->nquestions; i++) {
		struct lesson_question *q = &l->questions[i];
		free(q->text);
		for (size_t k = 0; k < q->nchoices; k++)
			free(q->choices[k]);
		free(q->answer_text);
		free(q->why);
	}
	free(l->questions);
	text_block_free(&l->recap);
	text_block_free(&l->try_it);
	text_block_free(&l->c_head);
	text_block_free(&l->c_tail);
	text_block_free(&l->py_head);
	text_block_free(&l->py_tail);
	free(l->programs);
	free(l->path);
	free(l->id);
	free(l->title);
	free(l->summary);
	free(l);
}

/* ---- keys ---- */

enum scope { LESSON_KEY, STEP_KEY, ANYWHERE };
enum kind { SCALAR, BLOCK, ACTION, SPECIAL };

struct key {
	const char *name;
	enum scope scope;
	enum kind kind;
	size_t offset;     /* of the char* or text_block in struct lesson / lesson_step */
	int role;          /* ACTION keys */
};

#define LK(f) offsetof(struct lesson, f)
#define SK(f) offsetof(struct lesson_step, f)
static const struct key keys[] = {
	{ "title",       LESSON_KEY, SCALAR, LK(title), 0 },
	{ "summary",     LESSON_KEY, SCALAR, LK(summary), 0 },
	{ "family",      LESSON_KEY, SPECIAL, 0, 0 },
	{ "lab",         LESSON_KEY, SPECIAL, 0, 0 },
	{ "toggle",      LESSON_KEY, SPECIAL, 0, 0 },
	{ "c-head",      LESSON_KEY, BLOCK,  LK(c_head), 0 },
	{ "c-tail",      LESSON_KEY, BLOCK,  LK(c_tail), 0 },
	{ "python-head", LESSON_KEY, BLOCK,  LK(py_head), 0 },
	{ "python-tail", LESSON_KEY, BLOCK,  LK(py_tail), 0 },
	{ "step",        LESSON_KEY, SPECIAL, 0, 0 },
	{ "client",      STEP_KEY,   ACTION, 0, DEMO_ROLE_CLIENT },
	{ "server",      STEP_KEY,   ACTION, 0, DEMO_ROLE_SERVER },
	{ "c",           STEP_KEY,   BLOCK,  SK(c), 0 },
	{ "c6",          STEP_KEY,   BLOCK,  SK(c6), 0 },
	{ "python",      STEP_KEY,   BLOCK,  SK(py), 0 },
	{ "explain",     STEP_KEY,   BLOCK,  SK(explain), 0 },
	{ "teacher",     STEP_KEY,   BLOCK,  SK(teacher), 0 },
	{ "predict",     STEP_KEY,   SPECIAL, 0, 0 },
	{ "origin",      STEP_KEY,   SPECIAL, 0, 0 },
	{ "expect",      STEP_KEY,   SPECIAL, 0, 0 },
	{ "callout",     STEP_KEY,   SPECIAL, 0, 0 },
	{ "lines",       STEP_KEY,   SPECIAL, 0, 0 },
	{ "python-lines", STEP_KEY,  SPECIAL, 0, 0 },
	{ "program",     ANYWHERE,   SPECIAL, 0, 0 },
	{ "run",         LESSON_KEY, SPECIAL, 0, 0 },
	{ "recap",       ANYWHERE,   BLOCK,  LK(recap), 0 },
	{ "try",         ANYWHERE,   BLOCK,  LK(try_it), 0 },
	{ "question",    ANYWHERE,   SPECIAL, 0, 0 },
	{ "choice",      ANYWHERE,   SPECIAL, 0, 0 },
	{ "answer",      ANYWHERE,   SPECIAL, 0, 0 },
	{ "why",         ANYWHERE,   SPECIAL, 0, 0 },
};

static const char *const predict_names[] = {
	[PREDICT_NONE] = "", [PREDICT_PACKETS] = "packets", [PREDICT_CLIENT_PACKETS] = "client-packets",
	[PREDICT_SERVER_PACKETS] = "server-packets", [PREDICT_DATA_PACKETS] = "data-packets",
	[PREDICT_SYN] = "syn", [PREDICT_FIN] = "fin", [PREDICT_RST] = "rst",
	[PREDICT_UDP] = "udp", [PREDICT_ICMP] = "icmp", [PREDICT_WINDOW0] = "window0",
};
static const char *const op_names[] = { [OP_EQ] = "=", [OP_GE] = ">=", [OP_LE] = "<=", [OP_GT] = ">", [OP_LT] = "<" };
static const char *const expect_words[] = {
	[EXPECT_COUNT] = "", [EXPECT_ERROR] = "error", [EXPECT_NO_ERROR] = "no-error",
	[EXPECT_RESULT] = "result", [EXPECT_PAYLOAD] = "payload", [EXPECT_STATE] = "state",
	[EXPECT_CALL] = "call",
};

void lesson_expect_text(const struct lesson_expect *e, char *buf, size_t n)
{
	char q[160];
	switch (e->kind) {
	case EXPECT_COUNT:
		snprintf(buf, n, "%s %s %ld", predict_names[e->count], op_names[e->op], e->n);
		return;
	case EXPECT_RESULT: case EXPECT_PAYLOAD:
		text_quote((const uint8_t *)e->text, e->textlen, q, sizeof q);
		snprintf(buf, n, "%s %s", expect_words[e->kind], q);
		return;
	default:
		snprintf(buf, n, "%s%s%s", expect_words[e->kind], e->text[0] ? " " : "", e->text);
	}
}

const char *lesson_predict_name(enum predict_kind k)
{
	return (size_t)k < sizeof predict_names / sizeof predict_names[0] ? predict_names[k] : "";
}
#define NKEYS (sizeof keys / sizeof keys[0])

static void end_block(struct parser *p)
{
	p->block = NULL;
	p->pending_blank = 0;
}

static void new_step(struct parser *p, const char *title)
{
	struct lesson *l = p->l;
	if (!*title) {
		fail(p, "'step:' needs a title, e.g. 'step: Connect to the server'");
		return;
	}
	l->steps = xreallocarray(l->steps, l->nsteps + 1, sizeof *l->steps);
	p->step = &l->steps[l->nsteps++];
	memset(p->step, 0, sizeof *p->step);
	p->step->line = p->line;
	p->step->title = xstrdup(title);
}

/* Checks a finished step (called at the next step and at the end). */
static void check_step(struct parser *p, const struct lesson_step *s)
{
	int saved = p->line;
	p->line = s->line;
	if (s->c.n == 0)
		fail(p, "step '%s' has no C code (add a 'c:' block)", s->title);
	else if (s->py.n == 0)
		fail(p, "step '%s' has no Python code (add a 'python:' block)", s->title);
	else if (s->explain.n == 0)
		fail(p, "step '%s' has no explanation (add an 'explain:' block)", s->title);
	p->line = saved;
}

/* "lab: tcp-server http dns": the lab's sockets and servers. */
static void key_lab(struct parser *p, const char *value)
{
	struct lesson *l = p->l;
	char word[DEMO_NAME_MAX + 1];
	const char *kinds = demo_lab_kinds();
	for (const char *v = value; *v;) {
		size_t wl = strcspn(v, " \t");
		if (wl >= sizeof word) {
			fail(p, "'lab' names one of: none %s; found '%.*s'", kinds, (int)wl, v);
			return;
		}
		memcpy(word, v, wl);
		word[wl] = '\0';
		bool known = false;
		for (const char *k = kinds; *k && !known;) {
			size_t kl = strcspn(k, " ");
			known = kl == wl && strncmp(k, word, wl) == 0;
			k += kl + (k[kl] == ' ');
		}
		if (strcmp(word, "none") == 0) {
		} else if (!known) {
			fail(p, "'lab' names one of: none %s; found '%s'", kinds, word);
			return;
		} else if (strcmp(word, "tcp-server") == 0) {
			l->lab_tcp_server = 1;
		} else if (strcmp(word, "udp-server") == 0) {
			l->lab_udp_server = 1;
		} else if (l->nservices == DEMO_MAX_SERVICES) {
			fail(p, "a lesson may start at most %d lab servers", DEMO_MAX_SERVICES);
			return;
		} else {
			snprintf(l->services[l->nservices++], DEMO_NAME_MAX, "%s", word);
		}
		v += wl;
		v += strspn(v, " \t");
	}
}

static void key_toggle(struct parser *p, const char *value)
{
	struct lesson *l = p->l;
	size_t wl = strcspn(value, " \t");
	const char *label = value + wl + strspn(value + wl, " \t");
	if (!wl || wl >= DEMO_NAME_MAX || !*label) {
		fail(p, "'toggle' needs a name and a label, e.g. 'toggle: nodelay TCP_NODELAY on'");
	} else if (l->ntoggles == LESSON_MAX_TOGGLES) {
		fail(p, "a lesson may have at most %d toggles", LESSON_MAX_TOGGLES);
	} else {
		struct lesson_toggle *t = &l->toggles[l->ntoggles++];
		memcpy(t->name, value, wl);
		t->name[wl] = '\0';
		t->label = xstrdup(label);
	}
}

static bool toggle_known(const struct lesson *l, const char *name)
{
	for (size_t i = 0; i < l->ntoggles; i++)
		if (strcmp(l->toggles[i].name, name) == 0)
			return true;
	return false;
}

static bool has_service(const struct lesson *l, const char *name)
{
	for (size_t i = 0; i < l->nservices; i++) {
		size_t n = strlen(l->services[i]);
		/* "ftp-data" is served by "ftp" */
		if (strncmp(name, l->services[i], n) == 0 && (!name[n] || strcmp(name + n, "-data") == 0))
			return true;
	}
	return false;
}

/* An action line: "client: ...", "server[!nodelay]: ...". */
/* A line's "[toggle]" or "[!toggle]" (cond NULL: none, the line always
 * counts), as an action and an expectation both keep it. */
static void set_cond(const char *cond, char out[DEMO_NAME_MAX], bool *neg)
{
	if (!cond)
		return;
	*neg = *cond == '!';
	snprintf(out, DEMO_NAME_MAX, "%s", cond + *neg);
}

static void key_action(struct parser *p, const struct key *k, const char *cond, const char *value)
{
	struct lesson *l = p->l;
	struct lesson_step *s = p->step;
	char why[512];
	if (k->role == DEMO_ROLE_SERVER && !l->lab_tcp_server && !l->lab_udp_server) {
		fail(p, "server actions need the lab's server: add 'lab: tcp-server' above the first step");
		return;
	}
	if (s->nactions == LESSON_MAX_ACTIONS) {
		fail(p, "a step may run at most %d actions", LESSON_MAX_ACTIONS);
		return;
	}
	struct demo_action *a = &s->actions[s->nactions];
	if (demo_action_parse((enum demo_role)k->role, value, a, why, sizeof why) < 0) {
		fail(p, "%s", why);
		return;
	}
	const char *t = a->target;
	if ((strcmp(t, "lab") == 0 && !l->lab_tcp_server) || (strcmp(t, "udp") == 0 && !l->lab_udp_server) ||
	    (*t && strcmp(t, "lab") && strcmp(t, "udp") && strcmp(t, "closed") && strcmp(t, "loopback") &&
	     strcmp(t, "any") && strncmp(t, "local:", 6) && !has_service(l, t))) {
		fail(p, "'%s' aims at '%s', which this lesson does not start: add it to a 'lab:' line", value, t);
		return;
	}
	set_cond(cond, a->cond, &a->cond_neg);
	s->nactions++;
}

static void key_predict(struct parser *p, const char *value)
{
	size_t wl = strcspn(value, " \t");
	const char *q = value + wl + strspn(value + wl, " \t");
	for (size_t i = 1; i < sizeof predict_names / sizeof predict_names[0]; i++)
		if (strlen(predict_names[i]) == wl && strncmp(predict_names[i], value, wl) == 0 && *q) {
			p->step->predict = (enum predict_kind)i;
			p->step->predict_q = xstrdup(q);
			return;
		}
	fail(p, "'predict' needs what is counted (packets, client-packets, server-packets, data-packets, syn, fin, "
	        "rst, udp, icmp, window0) and the question, e.g. 'predict: fin How many FINs will close() cause?'");
}

static void key_origin(struct parser *p, const char *value)
{
	struct lesson_step *s = p->step;
	const char *eq = strstr(value, " = ");
	if (!eq || eq == value || (size_t)(eq - value) >= sizeof s->origins[0].field || !eq[3]) {
		fail(p, "'origin' needs 'Field name = code', e.g. 'origin: Destination port = htons({port})'");
		return;
	}
	if (s->norigins == LESSON_MAX_ORIGINS) {
		fail(p, "a step may name at most %d origins", LESSON_MAX_ORIGINS);
		return;
	}
	struct lesson_origin *o = &s->origins[s->norigins++];
	snprintf(o->field, sizeof o->field, "%.*s", (int)(eq - value), value);
	o->expr = xstrdup(eq + 3);
}

/* A call's name as C and Python write it: letters, digits, '_'. */
static bool call_name(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static const char expect_usage[] =
	"'expect' states what the step must show: a count ('fin = 2', 'packets >= 3': packets, client-packets, "
	"server-packets, data-packets, syn, fin, rst, udp, icmp, window0 with = >= <= > <), 'error ECONNREFUSED', "
	"'no-error', 'result \"text\"', 'payload \"text\"', 'state TIME_WAIT' or 'call connect'";

static void key_expect(struct parser *p, const char *cond, const char *value)
{
	struct lesson_step *s = p->step;
	if (s->nexpects == LESSON_MAX_EXPECTS) {
		fail(p, "a step may state at most %d expectations", LESSON_MAX_EXPECTS);
		return;
	}
	struct lesson_expect *e = &s->expects[s->nexpects];
	memset(e, 0, sizeof *e);
	e->line = p->line;
	size_t wl = strcspn(value, " \t");
	const char *rest = value + wl + strspn(value + wl, " \t");
	bool ok = false;
	for (size_t i = 1; i < sizeof predict_names / sizeof predict_names[0] && !ok; i++)
		if (strlen(predict_names[i]) == wl && strncmp(predict_names[i], value, wl) == 0) {
			e->kind = EXPECT_COUNT;
			e->count = (enum predict_kind)i;
			size_t ol = strcspn(rest, " \t");
			for (size_t k = 0; k < sizeof op_names / sizeof op_names[0]; k++)
				if (strlen(op_names[k]) == ol && strncmp(op_names[k], rest, ol) == 0) {
					char *end;
					const char *num = rest + ol + strspn(rest + ol, " \t");
					e->n = strtol(num, &end, 10);
					e->op = (enum expect_op)k;
					ok = end != num && !*end && e->n >= 0;
				}
		}
	for (size_t k = EXPECT_ERROR; k < sizeof expect_words / sizeof expect_words[0] && !ok; k++) {
		if (strlen(expect_words[k]) != wl || strncmp(expect_words[k], value, wl) != 0)
			continue;
		e->kind = (enum expect_kind)k;
		char why[160];
		if (k == EXPECT_NO_ERROR)
			ok = !*rest;
		else if (k == EXPECT_RESULT || k == EXPECT_PAYLOAD)
			ok = *rest && text_unquote(rest, e->text, sizeof e->text, &e->textlen, why, sizeof why) == 0;
		else if (k == EXPECT_CALL && !call_name(rest))
			ok = false;
		else if (*rest && !strpbrk(rest, " \t") && strlen(rest) < sizeof e->text) {
			snprintf(e->text, sizeof e->text, "%s", rest);
			e->textlen = strlen(rest);
			ok = true;
		}
	}
	if (!ok) {
		fail(p, "%s; found '%s'", expect_usage, value);
		return;
	}
	set_cond(cond, e->cond, &e->cond_neg);
	s->nexpects++;
}

/* "program: client" names client.c and client.py of the lesson's programs
 * folder: above the first step for the whole lesson, inside a step for
 * that step alone (a step only the other side acts in). */
/* Are the first n bytes of name a program's name (letters, digits, _ -)? */
static bool program_name_ok(const char *name, size_t n)
{
	bool ok = n > 0 && n < LESSON_PROGRAM_MAX;
	for (size_t i = 0; i < n && ok; i++)
		ok = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '-';
	return ok;
}

static void key_program(struct parser *p, const char *value)
{
	size_t n = strlen(value);
	if (n > 2 && (strcmp(value + n - 2, ".c") == 0))
		n -= 2;
	else if (n > 3 && strcmp(value + n - 3, ".py") == 0)
		n -= 3;
	if (!program_name_ok(value, n)) {
		fail(p, "'program' names one program of the lesson's folder, e.g. 'program: client' (client.c and "
		        "client.py); found '%s'", value);
		return;
	}
	char *dst = p->step ? p->step->lines.program : p->l->program;
	if (*dst) {
		fail(p, "'program' is given twice in this %s", p->step ? "step" : "lesson");
		return;
	}
	snprintf(dst, LESSON_PROGRAM_MAX, "%.*s", (int)n, value);
	if (p->step)
		p->step->lines.line = p->line;
	else
		p->l->program_line = p->line;
}

/* "run: NAME ARGS...": NAME one program of the lesson's folder. */
static void key_run(struct parser *p, const char *cond, const char *value)
{
	struct lesson *l = p->l;
	size_t n = strcspn(value, " \t");
	if (!program_name_ok(value, n)) {
		fail(p, "'run' names a program of the lesson's folder and its arguments, e.g. 'run: client {host} "
		        "{port:server}'; found '%s'", value);
		return;
	}
	if (l->nruns >= LESSON_MAX_RUNS) {
		fail(p, "at most %d 'run' lines", LESSON_MAX_RUNS);
		return;
	}
	struct lesson_run *r = &l->runs[l->nruns++];
	snprintf(r->program, sizeof r->program, "%.*s", (int)n, value);
	value += n;
	value += strspn(value, " \t");
	r->args = xstrdup(value);
	r->line = p->line;
	set_cond(cond, r->cond, &r->cond_neg);
}

/* "12-18" or "12": a range of lines; false when it is not one. */
static bool parse_range(const char *v, int *first, int *last)
{
	char *end;
	long a = strtol(v, &end, 10), b = a;
	if (end == v || a < 1 || a > 100000)
		return false;
	if (*end == '-') {
		const char *w = end + 1;
		b = strtol(w, &end, 10);
		if (end == w || b < a || b > 100000)
			return false;
	}
	if (*end)
		return false;
	*first = (int)a;
	*last = (int)b;
	return true;
}

static void key_lines(struct parser *p, const char *key, const char *value)
{
	struct lesson_step *s = p->step;
	if (strcmp(key, "callout") == 0) {
		char *end;
		long n = strtol(value, &end, 10);
		if (end == value || *end || n < 1 || n > 999) {
			fail(p, "'callout' takes the number N of the program's line ending in /* [N] */ (C) and # [N] "
			        "(Python), e.g. 'callout: 3'; found '%s'", value);
			return;
		}
		s->callout = (int)n;
	} else {
		bool py = key[0] == 'p';
		int *first = py ? &s->lines.py_first : &s->lines.c_first;
		int *last = py ? &s->lines.py_last : &s->lines.c_last;
		if (!parse_range(value, first, last)) {
			fail(p, "'%s' takes the step's lines of the %s program, FIRST-LAST or one line, e.g. '%s: 12-18'; "
			        "found '%s'", key, py ? "Python" : "C", key, value);
			return;
		}
	}
	s->lines.line = p->line;
}

/* question / choice / answer / why: the check-yourself questions. */
static void key_quiz(struct parser *p, const char *key, const char *value)
{
	struct lesson *l = p->l;
	if (!*value) {
		fail(p, "'%s' needs its text on the same line", key);
		return;
	}
	if (strcmp(key, "question") == 0) {
		l->questions = xreallocarray(l->questions, l->nquestions + 1, sizeof *l->questions);
		struct lesson_question *q = &l->questions[l->nquestions++];
		memset(q, 0, sizeof *q);
		q->line = p->line;
		q->answer = -2;   /* not given yet */
		q->text = xstrdup(value);
		return;
	}
	if (!l->nquestions) {
		fail(p, "'%s' belongs to a question: put a 'question:' line above it", key);
		return;
	}
	struct lesson_question *q = &l->questions[l->nquestions - 1];
	if (strcmp(key, "choice") == 0) {
		if (q->nchoices == LESSON_MAX_CHOICES)
			fail(p, "a question may have at most %d choices", LESSON_MAX_CHOICES);
		else
			q->choices[q->nchoices++] = xstrdup(value);
	} else if (strcmp(key, "why") == 0) {
		free(q->why);
		q->why = xstrdup(value);
	} else if (q->answer != -2) {
		fail(p, "this question already has an answer");
	} else if (value[0] == '=') {
		q->answer = -1;
		q->answer_text = xstrdup(value + 1 + strspn(value + 1, " "));
	} else if (value[0] >= 'a' && value[0] < 'a' + (int)q->nchoices && !value[1]) {
		q->answer = value[0] - 'a';
	} else {
		fail(p, "'answer' is a choice letter (a to %c) given after the choices, or '= text' for a short answer",
		     q->nchoices ? 'a' + (int)q->nchoices - 1 : 'a');
	}
}

static void handle_key(struct parser *p, const struct key *k, const char *cond, const char *value)
{
	struct lesson *l = p->l;
	if (k->scope == STEP_KEY && !p->step) {
		fail(p, "'%s' belongs inside a step: put a 'step: Title' line above it", k->name);
		return;
	}
	if (k->scope == LESSON_KEY && p->step && strcmp(k->name, "step") != 0) {
		fail(p, "'%s' describes the whole lesson: move it above the first 'step:'", k->name);
		return;
	}
	if (cond && k->kind != ACTION && strcmp(k->name, "expect") != 0 && strcmp(k->name, "run") != 0) {
		fail(p, "only 'client', 'server', 'expect' and 'run' lines take a [toggle] condition");
		return;
	}
	/* expect[python], expect[silent&!python], expect[engine]: a claim of
	 * one language's programs (lab/lab_traced.c) or of the lab's engine */
	char lang = 0;
	bool lang_neg = false;
	char cbuf[2 * DEMO_NAME_MAX + 16];
	if (cond && strcmp(k->name, "expect") == 0) {
		snprintf(cbuf, sizeof cbuf, "%s", cond);
		cond = cbuf;
		char *amp = strchr(cbuf, '&');
		char *word = amp ? amp + 1 : cbuf;
		bool neg = *word == '!';
		if (strcmp(word + neg, "python") == 0 || strcmp(word + neg, "c") == 0 || strcmp(word + neg, "engine") == 0) {
			lang = word[neg];   /* 'c', 'p', 'e' */
			lang_neg = neg;
			if (amp)
				*amp = '\0';
			else
				cond = NULL;
		} else if (amp) {
			fail(p, "a condition is one toggle, a language (c, python, engine), or both: "
			        "'expect[silent&python]:'");
			return;
		}
	}
	if (cond && !toggle_known(p->l, cond + (*cond == '!'))) {
		fail(p, "no toggle named '%s': declare it with 'toggle: %s Label' above the first step",
		     cond + (*cond == '!'), cond + (*cond == '!'));
		return;
	}
	void *base = k->scope == STEP_KEY ? (void *)p->step : (void *)l;

	if (strcmp(k->name, "step") == 0) {
		if (p->step)
			check_step(p, p->step);
		new_step(p, value);
	} else if (strcmp(k->name, "family") == 0) {
		if (strcmp(value, "4") == 0 || strcmp(value, "6") == 0)
			l->family = value[0] - '0';
		else
			fail(p, "'family' must be 4 or 6, found '%s'", value);
	} else if (strcmp(k->name, "lab") == 0) {
		key_lab(p, value);
	} else if (strcmp(k->name, "toggle") == 0) {
		key_toggle(p, value);
	} else if (strcmp(k->name, "predict") == 0) {
		if (p->step->predict)
			fail(p, "a step asks at most one prediction");
		else
			key_predict(p, value);
	} else if (strcmp(k->name, "origin") == 0) {
		key_origin(p, value);
	} else if (strcmp(k->name, "expect") == 0) {
		key_expect(p, cond, value);
		if (lang && p->step->nexpects) {
			p->step->expects[p->step->nexpects - 1].lang = lang;
			p->step->expects[p->step->nexpects - 1].lang_neg = lang_neg;
		}
	} else if (strcmp(k->name, "program") == 0) {
		key_program(p, value);
	} else if (strcmp(k->name, "run") == 0) {
		key_run(p, cond, value);
	} else if (strcmp(k->name, "callout") == 0 || strcmp(k->name, "lines") == 0 ||
	           strcmp(k->name, "python-lines") == 0) {
		key_lines(p, k->name, value);
	} else if (k->kind == SPECIAL) {
		key_quiz(p, k->name, value);
	} else if (k->kind == SCALAR) {
		char **slot = (char **)((char *)base + k->offset);
		if (*slot)
			fail(p, "'%s' is given twice", k->name);
		else if (!*value)
			fail(p, "'%s' needs a value on the same line", k->name);
		else
			*slot = xstrdup(value);
	} else if (k->kind == BLOCK) {
		struct text_block *b = (struct text_block *)((char *)base + k->offset);
		if (b->n) {
			fail(p, "'%s' is given twice in this %s", k->name, k->scope == STEP_KEY ? "step" : "lesson");
			return;
		}
		p->block = b;
		p->block_inline = *value != '\0';
		if (*value)
			block_add(p, b, value);
	} else {
		key_action(p, k, cond, value);
	}
}

/* Strip one level of indentation: a tab or four spaces. NULL when the line
 * is not indented. */
static const char *unindent(const char *line)
{
	if (line[0] == '\t')
		return line + 1;
	if (strncmp(line, "    ", 4) == 0)
		return line + 4;
	return NULL;
}

static bool blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

static void parse_line(struct parser *p, char *line)
{
	size_t len = strlen(line);
	while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';

	if (blank(line)) {
		if (p->block)
			p->pending_blank++;
		return;
	}
	if (line[0] == ' ' || line[0] == '\t') {
		const char *text = unindent(line);
		if (!p->block) {
			fail(p, "indented line outside a block (is a 'c:', 'python:' or 'explain:' line missing above it?)");
		} else if (p->block_inline) {
			fail(p, "this block already has its text on the key's line; put all of it in the indented lines");
		} else if (!text) {
			fail(p, "indent block lines by four spaces or one tab");
		} else {
			for (; p->pending_blank > 0; p->pending_blank--)
				block_add(p, p->block, "");
			block_add(p, p->block, text);
		}
		return;
	}
	end_block(p);
	if (line[0] == '#')
		return;

	char *colon = strchr(line, ':');
	if (!colon) {
		fail(p, "expected 'key: value', found '%s'", line);
		return;
	}
	*colon = '\0';
	const char *value = colon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	/* "client[nodelay]": an action that runs only under a toggle */
	char *cond = strchr(line, '[');
	if (cond) {
		size_t cl = strlen(cond);
		if (cl < 3 || cond[cl - 1] != ']') {
			fail(p, "a condition is written 'client[toggle]:' or 'client[!toggle]:'");
			return;
		}
		*cond++ = '\0';
		cond[cl - 2] = '\0';
	}
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, line) == 0) {
			handle_key(p, &keys[i], cond, value);
			return;
		}
	char known[600];
	size_t o = 0;
	for (size_t i = 0; i < NKEYS && o < sizeof known; i++)
		o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", i ? ", " : "", keys[i].name);
	fail(p, "unknown key '%s' (known keys: %s)", line, known);
}

static char *id_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* "02-tcp-basics.lesson" -> "tcp-basics" */
	const char *s = base;
	while (isdigit((unsigned char)*s))
		s++;
	if (s != base && (*s == '-' || *s == '_'))
		base = s + 1;
	size_t n = strlen(base);
	if (n > 7 && strcmp(base + n - 7, ".lesson") == 0)
		n -= 7;
	return xstrndup(base, n);
}

/* ---- the steps' lines in the lesson's programs ---- */

int lesson_program_text(const char *path, struct text_block *t)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char buf[4096];
	t->lines = NULL;
	t->n = 0;
	while (fgets(buf, sizeof buf, f) && t->n < 100000) {
		size_t len = strlen(buf);
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
			buf[--len] = '\0';
		t->lines = xreallocarray(t->lines, t->n + 1, sizeof *t->lines);
		t->lines[t->n++] = xstrdup(buf);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		text_block_free(t);
		errno = EIO;
		return -1;
	}
	return 0;
}

/* The callout number N a line ends in, or 0: C closes the line with a
 * comment holding "[N]", Python with "# [N]". */
static int callout_of(const char *line, bool py)
{
	size_t n = strlen(line);
	const char *tail = py ? "]" : "] */";
	size_t tl = strlen(tail);
	if (n < tl + 3 || strcmp(line + n - tl, tail) != 0)
		return 0;
	const char *d = line + n - tl;
	while (d > line && isdigit((unsigned char)d[-1]))
		d--;
	if (d == line + n - tl || d == line || d[-1] != '[')
		return 0;
	const char *open = py ? "# [" : "/* [";
	size_t ol = strlen(open);
	if ((size_t)(d - line) < ol || strncmp(d - ol, open, ol) != 0)
		return 0;
	return atoi(d);
}

/* The step's range from its callout: its line to the line before the
 * program's next callout, or to the end of the function it is in (C: the
 * '}' that closes main) or of the file (Python); blank lines at the end
 * belong to no step. */
static bool callout_range(const struct text_block *t, int callout, bool py, int *first, int *last)
{
	int at = -1, n = (int)t->n;
	for (int i = 0; i < n && at < 0; i++)
		if (callout_of(t->lines[i], py) == callout)
			at = i;
	if (at < 0)
		return false;
	int end = n;
	for (int i = at + 1; i < n && end == n; i++)
		if (callout_of(t->lines[i], py) || (!py && strcmp(t->lines[i], "}") == 0))
			end = i;
	while (end - 1 > at && blank(t->lines[end - 1]))
		end--;
	*first = at + 1;
	*last = end;
	return true;
}

/* The folder of a lesson's programs: lessons/programs/ beside the lesson
 * file, named as the file without ".lesson" ("02-tcp-basics"). */
static char *programs_dir(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t dl = base ? (size_t)(base - name) + 1 : 0;
	base = base ? base + 1 : name;
	size_t bl = strlen(base);
	if (bl > 7 && strcmp(base + bl - 7, ".lesson") == 0)
		bl -= 7;
	size_t n = dl + sizeof "programs/" + bl;
	char *d = xmalloc(n);
	snprintf(d, n, "%.*sprograms/%.*s", (int)dl, name, (int)bl, base);
	return d;
}

bool lesson_program_path(const struct lesson *l, const struct lesson_step *s, char lang, char *buf, size_t n)
{
	const char *prog = s && s->lines.program[0] ? s->lines.program : l->program;
	if (!l->programs || !prog[0])
		return false;
	snprintf(buf, n, "%s/%s.%s", l->programs, prog, lang == 'p' ? "py" : "c");
	return true;
}

/* Every step of a lesson that names programs gets its lines in both, and
 * the lines must exist: a lesson pointing past its program is an error at
 * the line that says so, not a blank code pane at run time. */
static void resolve_lines(struct parser *p)
{
	struct lesson *l = p->l;
	bool any = l->program[0];
	for (size_t i = 0; i < l->nsteps && !any; i++)
		any = l->steps[i].lines.program[0] || l->steps[i].callout || l->steps[i].lines.c_first ||
		      l->steps[i].lines.py_first;
	if (!any)
		return;
	l->programs = programs_dir(p->name);
	for (size_t i = 0; i < l->nsteps && !p->failed; i++) {
		struct lesson_step *s = &l->steps[i];
		struct lesson_lines *m = &s->lines;
		p->line = m->line ? m->line : s->line;
		if (!m->program[0] && !l->program[0]) {
			fail(p, "step '%s' names no program: add 'program: NAME' above the first step (NAME.c and NAME.py "
			        "in %s/)", s->title, l->programs);
			break;
		}
		if (!s->callout && (!m->c_first || !m->py_first)) {
			fail(p, "step '%s' names no lines of its program: add 'callout: N' (the lines from the one ending in "
			        "/* [N] */ or # [N]) or both 'lines: FIRST-LAST' (C) and 'python-lines: FIRST-LAST'", s->title);
			break;
		}
		for (int lang = 0; lang < 2 && !p->failed; lang++) {
			bool py = lang == 1;
			char path[PATH_MAX];
			lesson_program_path(l, s, py ? 'p' : 'c', path, sizeof path);
			struct text_block t;
			if (lesson_program_text(path, &t) < 0) {
				if (!m->program[0])
					p->line = l->program_line;
				fail(p, "step '%s': its program %s: %s", s->title, path, strerror(errno));
				break;
			}
			int *first = py ? &m->py_first : &m->c_first, *last = py ? &m->py_last : &m->c_last;
			const char *file = strrchr(path, '/') + 1;
			if (!*first && !callout_range(&t, s->callout, py, first, last))
				fail(p, "step '%s': callout %d: no line of %s ends in %s%d%s", s->title, s->callout, file,
				     py ? "# [" : "/* [", s->callout, py ? "]" : "] */");
			else if (*last > (int)t.n)
				fail(p, "step '%s': %slines %d-%d: %s has %zu lines", s->title, py ? "python-" : "", *first,
				     *last, file, t.n);
			text_block_free(&t);
		}
	}
}

struct lesson *lesson_parse(const char *name, const char *text, char *err, size_t errlen)
{
	struct parser p = { .name = name, .err = err, .errlen = errlen };
	p.l = xcalloc(1, sizeof *p.l);
	char *copy = xstrdup(text);
	p.l->family = 4;
	/* strtok would merge empty lines; walk by hand to count every line. */
	char *line = copy;
	while (line && !p.failed) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		p.line++;
		if (strlen(line) > 4000)
			fail(&p, "line longer than 4000 characters");
		else
			parse_line(&p, line);
		line = nl ? nl + 1 : NULL;
	}
	free(copy);
	if (!p.failed) {
		p.line = 1;
		if (!p.l->title)
			fail(&p, "no 'title:' line: every lesson needs a title");
		else if (p.l->nsteps == 0 && p.l->nquestions == 0)
			fail(&p, "no steps: a lesson needs at least one 'step: Title' section (or, for a quiz, questions)");
		else if (p.step)
			check_step(&p, p.step);
		for (size_t i = 0; i < p.l->nquestions && !p.failed; i++) {
			const struct lesson_question *q = &p.l->questions[i];
			p.line = q->line;
			if (q->answer == -2)
				fail(&p, "question '%s' has no 'answer:' line", q->text);
			else if (q->answer >= 0 && q->nchoices < 2)
				fail(&p, "question '%s' needs at least two 'choice:' lines", q->text);
		}
		if (!p.failed)
			resolve_lines(&p);
	}
	if (!p.failed) {
		p.l->path = xstrdup(name);
		p.l->id = id_from_path(name);
	}
	if (p.failed) {
		lesson_free(p.l);
		return NULL;
	}
	return p.l;
}

struct lesson *lesson_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = xmalloc(MAX_LESSON_BYTES + 1);
	size_t n = fread(buf, 1, MAX_LESSON_BYTES + 1, f);
	int rerr = ferror(f);
	fclose(f);
	if (rerr) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(EIO));
		free(buf);
		return NULL;
	}
	if (n > MAX_LESSON_BYTES) {
		snprintf(err, errlen, "%s: larger than %d bytes: is this a lesson file?", path, MAX_LESSON_BYTES);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	const char *nul = memchr(buf, '\0', n);
	if (nul) {
		int line = 1;
		for (const char *c = buf; c < nul; c++)
			line += *c == '\n';
		snprintf(err, errlen, "%s:%d: contains a NUL byte: lesson files are plain text", path, line);
		free(buf);
		return NULL;
	}
	struct lesson *l = lesson_parse(path, buf, err, errlen);
	free(buf);
	return l;
}

const struct text_block *lesson_step_code(const struct lesson_step *s, int family)
{
	return family == 6 && s->c6.n ? &s->c6 : &s->c;
}

void lesson_expand(const char *line, const struct lesson_vars *v, char *buf, size_t n)
{
	static const struct lesson_vars none = { .family = 4 };
	if (!v)
		v = &none;
	int family = v->family;
	static const struct { const char *token, *v4, *v6; } subst[] = {
		{ "{host}", "127.0.0.1", "::1" },
		{ "{af}", "AF_INET", "AF_INET6" },
		{ "{pyaf}", "socket.AF_INET", "socket.AF_INET6" },
	};
	size_t o = 0;
	if (!n)
		return;
	while (*line && o + 1 < n) {
		bool done = false;
		if (*line == '{') {
			if (strncmp(line, "{port}", 6) == 0) {
				o += (size_t)snprintf(buf + o, n - o, "%u", v->port);
				line += 6;
				done = true;
			}
			for (size_t i = 0; !done && strncmp(line, "{port:", 6) == 0 && i < v->nnamed; i++) {
				size_t nl = strlen(v->named[i].name);
				if (strncmp(line + 6, v->named[i].name, nl) == 0 && line[6 + nl] == '}') {
					o += (size_t)snprintf(buf + o, n - o, "%u", v->named[i].port);
					line += 7 + nl;
					done = true;
				}
			}
			for (size_t i = 0; !done && i < sizeof subst / sizeof subst[0]; i++) {
				size_t tl = strlen(subst[i].token);
				if (strncmp(line, subst[i].token, tl) == 0) {
					o += (size_t)snprintf(buf + o, n - o, "%s", family == 6 ? subst[i].v6 : subst[i].v4);
					line += tl;
					done = true;
				}
			}
		}
		if (!done)
			buf[o++] = *line++;
		if (o >= n)
			o = n - 1;
	}
	buf[o] = '\0';
}
