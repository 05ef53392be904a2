/*
 * fuzz_lesson.c — a libFuzzer target for the lesson-file parser
 * (src/lesson/lesson.c, with the action parser of src/demo/actions.c and
 * the text quoting of src/common/text.c it calls).
 *
 * Input: the text of a lesson file.  It is copied to a heap block of exactly
 * its size plus the terminating NUL and parsed with lesson_parse (as
 * "fuzz.lesson"); the parse stops at a NUL byte in the input, as a C string
 * does.  Then:
 *   - on failure the message is "fuzz.lesson:LINE: text", LINE between 1 and
 *     the number of lines the parser saw (newlines before the end + 1);
 *   - on success every part of the lesson is walked: the required parts are
 *     there (a title; steps with C code, Python and an explanation; questions
 *     with an answer and, for choice questions, 2 to 6 choices), counts stay
 *     within their limits, line numbers within the file, a block never ends
 *     in a blank line, conditions name declared toggles; every line is
 *     expanded (lesson_expand, over IPv4 and IPv6, into a large and a tiny
 *     buffer), every claim written out (lesson_expect_text), every question
 *     graded with its own answer (which must be right) and a wrong one;
 *   - on one input in eight the parse is repeated with a tiny error buffer
 *     (1 to 40 bytes, a heap block of exactly that size): same outcome, the
 *     message a prefix of the full one;
 *   - on one in four, and on every input holding a NUL byte, the input is
 *     also written to a file and read with lesson_load: without a NUL it
 *     must agree with lesson_parse; with one it must fail with "PATH:LINE:
 *     contains a NUL byte", LINE the line of the first NUL.
 * Everything is freed (LeakSanitizer checks).  Built by -DSOCKSCOPE_FUZZ=ON
 * with clang; see docs/fuzzing.md.
 */
#include "lesson/lesson.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAIL(...)                                                   \
	do {                                                        \
		fprintf(stderr, "fuzz_lesson: " __VA_ARGS__);       \
		fputc('\n', stderr);                                \
		abort();                                            \
	} while (0)

static const char NAME[] = "fuzz.lesson";

/* "NAME:LINE: text": returns LINE, or aborts. */
static long check_message(const char *err, const char *name, long lines)
{
	size_t nl = strlen(name);
	if (strncmp(err, name, nl) != 0 || err[nl] != ':')
		FAIL("message does not start with '%s:': %s", name, err);
	char *end;
	const char *num = err + nl + 1;
	long line = strtol(num, &end, 10);
	if (end == num || *num == '-' || *num == '+' || *num == ' ')
		FAIL("message without a line number: %s", err);
	if (end[0] != ':' || end[1] != ' ' || !end[2])
		FAIL("message not 'file:line: text': %s", err);
	if (line < 1 || line > lines)
		FAIL("line %ld of a text of %ld lines: %s", line, lines, err);
	return line;
}

static void check_block(const struct text_block *b, const char *what)
{
	if (b->n && !b->lines)
		FAIL("%s: %zu lines and no array", what, b->n);
	for (size_t i = 0; i < b->n; i++)
		if (!b->lines[i])
			FAIL("%s: line %zu is NULL", what, i);
	if (b->n) {
		const char *last = b->lines[b->n - 1];
		if (!last[strspn(last, " \t")])
			FAIL("%s ends in a blank line", what);
	}
	static const struct lesson_vars v4 = { .family = 4, .port = 40000,
	                                       .named = { { "http", 8080 }, { "dns", 5353 } }, .nnamed = 2 };
	static const struct lesson_vars v6 = { .family = 6, .port = 65535, .named = { { "ftp-data", 1 } }, .nnamed = 1 };
	for (size_t i = 0; i < b->n; i++) {
		char big[512], tiny[16];
		lesson_expand(b->lines[i], &v4, big, sizeof big);
		if (strlen(big) >= sizeof big)
			FAIL("lesson_expand overran");
		lesson_expand(b->lines[i], &v6, big, sizeof big);
		size_t n = 1 + i % sizeof tiny;
		lesson_expand(b->lines[i], i & 1 ? NULL : &v6, tiny, n);
		if (strlen(tiny) >= n)
			FAIL("lesson_expand overran a %zu-byte buffer", n);
	}
}

static void check_cond(const struct lesson *l, const char *cond, const char *what)
{
	if (!*cond)
		return;
	for (size_t i = 0; i < l->ntoggles; i++)
		if (strcmp(l->toggles[i].name, cond) == 0)
			return;
	FAIL("%s depends on toggle '%s', which is not declared", what, cond);
}

static void walk(const struct lesson *l, const char *name, long lines)
{
	if (!l->title || !*l->title)
		FAIL("a lesson without a title");
	if (!l->path || strcmp(l->path, name) || !l->id)
		FAIL("path '%s', id '%s'", l->path ? l->path : "(null)", l->id ? l->id : "(null)");
	if (l->family != 4 && l->family != 6)
		FAIL("family %d", l->family);
	if (!l->nsteps && !l->nquestions)
		FAIL("a lesson without steps or questions");
	if (l->ntoggles > LESSON_MAX_TOGGLES || l->nservices > DEMO_MAX_SERVICES)
		FAIL("%zu toggles, %zu services", l->ntoggles, l->nservices);
	for (size_t i = 0; i < l->ntoggles; i++) {
		const struct lesson_toggle *t = &l->toggles[i];
		if (!*t->name || strpbrk(t->name, " \t") || !t->label || !*t->label)
			FAIL("toggle %zu: name '%s'", i, t->name);
	}
	for (size_t i = 0; i < l->nservices; i++)
		if (!*l->services[i])
			FAIL("service %zu has no name", i);
	check_block(&l->c_head, "c-head");
	check_block(&l->c_tail, "c-tail");
	check_block(&l->py_head, "python-head");
	check_block(&l->py_tail, "python-tail");
	check_block(&l->recap, "recap");
	check_block(&l->try_it, "try");
	(void)(l->summary && strlen(l->summary));

	for (size_t i = 0; i < l->nsteps; i++) {
		const struct lesson_step *s = &l->steps[i];
		if (!s->title || !*s->title || s->line < 1 || s->line > lines)
			FAIL("step %zu: title '%s', line %d of %ld", i, s->title ? s->title : "(null)", s->line, lines);
		if (!s->c.n || !s->py.n || !s->explain.n)
			FAIL("step %zu without C (%zu), Python (%zu) or explanation (%zu)", i, s->c.n, s->py.n,
			     s->explain.n);
		check_block(&s->c, "c");
		check_block(&s->c6, "c6");
		check_block(&s->py, "python");
		check_block(&s->explain, "explain");
		if (lesson_step_code(s, 4) != &s->c || lesson_step_code(s, 6) != (s->c6.n ? &s->c6 : &s->c))
			FAIL("lesson_step_code");
		if (s->nactions > LESSON_MAX_ACTIONS || s->norigins > LESSON_MAX_ORIGINS ||
		    s->nexpects > LESSON_MAX_EXPECTS)
			FAIL("step %zu: %zu actions, %zu origins, %zu expectations", i, s->nactions, s->norigins,
			     s->nexpects);
		for (size_t k = 0; k < s->nactions; k++) {
			const struct demo_action *a = &s->actions[k];
			const char *verb = demo_action_name(a);
			if (!verb || !*verb)
				FAIL("step %zu action %zu has no verb", i, k);
			if (a->role == DEMO_ROLE_SERVER && !l->lab_tcp_server && !l->lab_udp_server)
				FAIL("step %zu: a server action without the lab's server", i);
			if (a->arglen > sizeof a->arg || strnlen(a->sock, sizeof a->sock) == sizeof a->sock ||
			    strnlen(a->target, sizeof a->target) == sizeof a->target ||
			    strnlen(a->cond, sizeof a->cond) == sizeof a->cond)
				FAIL("step %zu action %zu: an unterminated name or %zu bytes of argument", i, k, a->arglen);
			check_cond(l, a->cond, "an action");
			(void)demo_action_enabled(a, "ipv6 nodelay");
		}
		if ((s->predict == PREDICT_NONE) != (s->predict_q == NULL) || (unsigned)s->predict > PREDICT_WINDOW0)
			FAIL("step %zu: predict %d with question %p", i, s->predict, (void *)s->predict_q);
		if (s->predict && !*lesson_predict_name(s->predict))
			FAIL("step %zu: a prediction without a name", i);
		for (size_t k = 0; k < s->norigins; k++)
			if (!s->origins[k].expr || !*s->origins[k].field ||
			    strnlen(s->origins[k].field, sizeof s->origins[k].field) == sizeof s->origins[k].field)
				FAIL("step %zu origin %zu", i, k);
		for (size_t k = 0; k < s->nexpects; k++) {
			const struct lesson_expect *e = &s->expects[k];
			if (e->line < s->line || e->line > lines)
				FAIL("step %zu (line %d): claim on line %d of %ld", i, s->line, e->line, lines);
			if ((unsigned)e->kind > EXPECT_STATE || (unsigned)e->op > OP_LT || e->textlen > sizeof e->text)
				FAIL("step %zu claim %zu: kind %d op %d textlen %zu", i, k, e->kind, e->op, e->textlen);
			if (e->kind == EXPECT_COUNT && ((unsigned)e->count > PREDICT_WINDOW0 || !e->count || e->n < 0))
				FAIL("step %zu claim %zu: count %d n %ld", i, k, e->count, e->n);
			check_cond(l, e->cond, "a claim");
			char buf[400], tiny[8];
			lesson_expect_text(e, buf, sizeof buf);
			lesson_expect_text(e, tiny, sizeof tiny);
			if (strlen(buf) >= sizeof buf || strlen(tiny) >= sizeof tiny)
				FAIL("lesson_expect_text overran");
		}
	}

	for (size_t i = 0; i < l->nquestions; i++) {
		const struct lesson_question *q = &l->questions[i];
		if (!q->text || q->line < 1 || q->line > lines || q->nchoices > LESSON_MAX_CHOICES)
			FAIL("question %zu: line %d, %zu choices", i, q->line, q->nchoices);
		for (size_t k = 0; k < q->nchoices; k++)
			if (!q->choices[k])
				FAIL("question %zu: choice %zu is NULL", i, k);
		if (q->answer == -1) {
			if (!q->answer_text)
				FAIL("question %zu: a short answer without its text", i);
			if (!lesson_answer_ok(q, q->answer_text))
				FAIL("question %zu: its own answer '%s' is wrong", i, q->answer_text);
		} else if (q->answer >= 0 && (size_t)q->answer < q->nchoices && q->nchoices >= 2) {
			char right[3] = { (char)('a' + q->answer), 0 }, wrong[2] = { (char)('a' + (q->answer + 1) % 6), 0 };
			char upper[8] = { ' ', (char)('A' + q->answer), ' ', 0 };
			if (!lesson_answer_ok(q, right) || !lesson_answer_ok(q, upper) || lesson_answer_ok(q, wrong) ||
			    lesson_answer_ok(q, ""))
				FAIL("question %zu: grading of choice %c is wrong", i, right[0]);
		} else {
			FAIL("question %zu: answer %d with %zu choices", i, q->answer, q->nchoices);
		}
		(void)lesson_answer_ok(q, q->text);
	}
}

static int memfd = -1;
static char path[64];

static void write_file(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("fuzz_lesson", MFD_CLOEXEC);
		if (memfd < 0)
			FAIL("memfd_create failed");
		snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) < 0)
		FAIL("ftruncate failed");
	for (size_t done = 0; done < size;) {
		ssize_t w = pwrite(memfd, data + done, size - done, (off_t)done);
		if (w <= 0)
			FAIL("pwrite failed");
		done += (size_t)w;
	}
}

static uint64_t fnv(const uint8_t *d, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20) - 1)
		return 0;
	uint64_t h = fnv(data, size);
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	size_t tlen = strlen(text);   /* the parse ends at a NUL byte */
	long lines = 1;
	for (size_t i = 0; i < tlen; i++)
		lines += text[i] == '\n';

	static char err[8192];   /* room for any message: lesson_load's is compared with it */
	memset(err, 0x55, sizeof err);
	struct lesson *l = lesson_parse(NAME, text, err, sizeof err);
	if (l)
		walk(l, NAME, lines);
	else if (strnlen(err, sizeof err) == sizeof err)
		FAIL("the error message is not terminated");
	else
		check_message(err, NAME, lines);

	if ((h & 7) == 0) {   /* the same with a tiny error buffer of exactly its size */
		size_t n = 1 + (size_t)(h >> 3) % 40;
		char *small = malloc(n);
		if (small) {
			memset(small, 0x55, n);
			struct lesson *l2 = lesson_parse(NAME, text, small, n);
			if (!l2 != !l)
				FAIL("a %zu-byte error buffer changes the outcome", n);
			if (!l2 && (strnlen(small, n) == n || strncmp(small, err, strlen(small))))
				FAIL("with a %zu-byte buffer the message is '%.*s', not a prefix of '%s'", n, (int)n, small, err);
			lesson_free(l2);
			free(small);
		}
	}

	bool nul = tlen < size;
	if (nul || ((h >> 8) & 3) == 0) {
		write_file(data, size);
		static char err2[8192];
		struct lesson *l3 = lesson_load(path, err2, sizeof err2);
		if (nul) {
			if (l3)
				FAIL("a file with a NUL byte loads");
			long line = check_message(err2, path, lines);
			if (line != lines || !strstr(err2, ": contains a NUL byte"))
				FAIL("NUL byte on line %ld reported as: %s", lines, err2);
		} else if (!l3 != !l) {
			FAIL("lesson_load and lesson_parse disagree: %s / %s", l3 ? "loads" : err2, l ? "parses" : err);
		} else if (!l3) {
			size_t pl = strlen(path), nl = strlen(NAME);
			if (strncmp(err2, path, pl) || strcmp(err2 + pl, err + nl))
				FAIL("lesson_load says '%s', lesson_parse '%s'", err2, err);
		} else {
			walk(l3, path, lines);
			if (l3->nsteps != l->nsteps || l3->nquestions != l->nquestions || strcmp(l3->title, l->title))
				FAIL("lesson_load and lesson_parse read different lessons");
		}
		lesson_free(l3);
	}
	lesson_free(l);
	free(text);
	return 0;
}
