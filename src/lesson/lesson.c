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

#include <ctype.h>
#include <errno.h>
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

static char *xstrdup(struct parser *p, const char *s)
{
	char *d = strdup(s);
	if (!d)
		fail(p, "out of memory");
	return d;
}

static void block_add(struct parser *p, struct text_block *b, const char *text)
{
	char **lines = realloc(b->lines, (b->n + 1) * sizeof *lines);
	if (!lines) {
		fail(p, "out of memory");
		return;
	}
	b->lines = lines;
	if ((b->lines[b->n] = xstrdup(p, text)))
		b->n++;
}

static void block_free(struct text_block *b)
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
		block_free(&s->c);
		block_free(&s->c6);
		block_free(&s->py);
		block_free(&s->explain);
	}
	free(l->steps);
	block_free(&l->c_head);
	block_free(&l->c_tail);
	block_free(&l->py_head);
	block_free(&l->py_tail);
	free(l->path);
	free(l->id);
	free(l->title);
	free(l->summary);
	free(l);
}

/* ---- keys ---- */

enum scope { LESSON_KEY, STEP_KEY };
enum kind { SCALAR, BLOCK, ACTION };

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
	{ "family",      LESSON_KEY, SCALAR, 0, 0 },
	{ "lab",         LESSON_KEY, SCALAR, 0, 0 },
	{ "c-head",      LESSON_KEY, BLOCK,  LK(c_head), 0 },
	{ "c-tail",      LESSON_KEY, BLOCK,  LK(c_tail), 0 },
	{ "python-head", LESSON_KEY, BLOCK,  LK(py_head), 0 },
	{ "python-tail", LESSON_KEY, BLOCK,  LK(py_tail), 0 },
	{ "step",        LESSON_KEY, SCALAR, 0, 0 },
	{ "client",      STEP_KEY,   ACTION, 0, ROLE_CLIENT },
	{ "server",      STEP_KEY,   ACTION, 0, ROLE_SERVER },
	{ "c",           STEP_KEY,   BLOCK,  SK(c), 0 },
	{ "c6",          STEP_KEY,   BLOCK,  SK(c6), 0 },
	{ "python",      STEP_KEY,   BLOCK,  SK(py), 0 },
	{ "explain",     STEP_KEY,   BLOCK,  SK(explain), 0 },
};
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
	struct lesson_step *steps = realloc(l->steps, (l->nsteps + 1) * sizeof *steps);
	if (!steps) {
		fail(p, "out of memory");
		return;
	}
	l->steps = steps;
	p->step = &l->steps[l->nsteps++];
	memset(p->step, 0, sizeof *p->step);
	p->step->line = p->line;
	p->step->title = xstrdup(p, title);
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

static void handle_key(struct parser *p, const struct key *k, const char *value)
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
		if (strcmp(value, "tcp-server") == 0)
			l->lab_tcp_server = 1;
		else if (strcmp(value, "none") != 0)
			fail(p, "'lab' must be tcp-server or none, found '%s'", value);
	} else if (k->kind == SCALAR) {
		char **slot = (char **)((char *)base + k->offset);
		if (*slot)
			fail(p, "'%s' is given twice", k->name);
		else if (!*value)
			fail(p, "'%s' needs a value on the same line", k->name);
		else
			*slot = xstrdup(p, value);
	} else if (k->kind == BLOCK) {
		struct text_block *b = (struct text_block *)((char *)base + k->offset);
		if (b->n) {
			fail(p, "'%s' is given twice in this %s", k->name, p->step ? "step" : "lesson");
			return;
		}
		p->block = b;
		p->block_inline = *value != '\0';
		if (*value)
			block_add(p, b, value);
	} else { /* ACTION */
		struct lesson_step *s = p->step;
		char why[256];
		if (k->role == ROLE_SERVER && !l->lab_tcp_server) {
			fail(p, "server actions need the lab's server: add 'lab: tcp-server' above the first step");
			return;
		}
		if (s->nactions == LESSON_MAX_ACTIONS) {
			fail(p, "a step may run at most %d actions", LESSON_MAX_ACTIONS);
			return;
		}
		if (demo_action_parse((enum demo_role)k->role, value, &s->actions[s->nactions], why, sizeof why) < 0)
			fail(p, "%s", why);
		else
			s->nactions++;
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
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, line) == 0) {
			handle_key(p, &keys[i], value);
			return;
		}
	char known[400];
	size_t o = 0;
	for (size_t i = 0; i < NKEYS && o < sizeof known; i++)
		o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", i ? ", " : "", keys[i].name);
	fail(p, "unknown key '%s' (known keys: %s)", line, known);
}

static char *id_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	/* "01-tcp-basics.lesson" -> "tcp-basics" */
	const char *s = base;
	while (isdigit((unsigned char)*s))
		s++;
	if (s != base && (*s == '-' || *s == '_'))
		base = s + 1;
	size_t n = strlen(base);
	if (n > 7 && strcmp(base + n - 7, ".lesson") == 0)
		n -= 7;
	return strndup(base, n);
}

struct lesson *lesson_parse(const char *name, const char *text, char *err, size_t errlen)
{
	struct parser p = { .name = name, .err = err, .errlen = errlen };
	p.l = calloc(1, sizeof *p.l);
	char *copy = strdup(text);
	if (!p.l || !copy) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(copy);
		free(p.l);
		return NULL;
	}
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
		else if (p.l->nsteps == 0)
			fail(&p, "no steps: a lesson needs at least one 'step: Title' section");
		else
			check_step(&p, p.step);
	}
	if (!p.failed) {
		p.l->path = strdup(name);
		p.l->id = id_from_path(name);
		if (!p.l->path || !p.l->id)
			fail(&p, "out of memory");
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
	char *buf = malloc(MAX_LESSON_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MAX_LESSON_BYTES + 1, f) : 0;
	int rerr = ferror(f);
	fclose(f);
	if (!buf || rerr) {
		snprintf(err, errlen, "%s: cannot read: %s", path, buf ? strerror(EIO) : "out of memory");
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

void lesson_expand(const char *line, int family, unsigned port, char *buf, size_t n)
{
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
				o += (size_t)snprintf(buf + o, n - o, "%u", port);
				line += 6;
				done = true;
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
