/*
 * test_lesson_programs.c — the lessons' steps as lines of their real
 * programs (issue 16): every shipped lesson with steps names its programs,
 * every step maps to existing lines of both the C and the Python program,
 * and those lines make the calls the step's `expect: call` lines name; a
 * mapping past the file, to a callout that is not there or to a program
 * that does not exist is refused with the lesson's file:line.
 */
#include "lesson/lesson.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* Lines first..last of a file joined with '\n', or NULL when the file has
 * fewer lines (then *nlines says how many it has). */
static char *file_lines(const char *path, int first, int last, int *nlines)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap), line[4096];
	int n = 0;
	out[0] = '\0';
	while (fgets(line, sizeof line, f)) {
		n++;
		size_t l = strlen(line);
		if (n >= first && n <= last && len + l + 1 < cap) {
			memcpy(out + len, line, l + 1);
			len += l;
		}
	}
	fclose(f);
	*nlines = n;
	if (n < last) {
		free(out);
		return NULL;
	}
	return out;
}

/* Does code call `name`: "name(" with no identifier character before it
 * (C: "send(", Python: "sock.send(")?  recvfrom( is not from(. */
static bool calls(const char *code, const char *name)
{
	size_t len = strlen(name);
	for (const char *c = strstr(code, name); c; c = strstr(c + 1, name))
		if ((c == code || !(isalnum((unsigned char)c[-1]) || c[-1] == '_')) && c[len] == '(')
			return true;
	return false;
}

static void test_shipped(void)
{
	char err[512];
	struct lesson_catalog *c = lesson_catalog_load(SOCKSCOPE_SOURCE_DIR "/lessons", err, sizeof err);
	CHECK_MSG(c != NULL, "%s", err);
	if (!c)
		return;
	EQ_INT(0, (int)c->nerrors);
	for (size_t e = 0; e < c->nerrors; e++)
		fprintf(stderr, "  %s\n", c->errors[e]);
	size_t mapped = 0, ncalls = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct lesson *l = c->lessons[i];
		if (!l->nsteps)
			continue;
		CHECK_MSG(l->programs && l->program[0], "%s: the lesson names no programs ('program: NAME')", l->id);
		for (size_t k = 0; k < l->nsteps; k++) {
			const struct lesson_step *s = &l->steps[k];
			char cpath[PATH_MAX], pypath[PATH_MAX];
			if (!lesson_program_path(l, s, 'c', cpath, sizeof cpath) ||
			    !lesson_program_path(l, s, 'p', pypath, sizeof pypath)) {
				CHECK_MSG(false, "%s step %zu: no program", l->id, k + 1);
				continue;
			}
			const struct lesson_lines *m = &s->lines;
			CHECK_MSG(m->c_first >= 1 && m->c_first <= m->c_last, "%s step %zu: C lines %d-%d", l->id, k + 1,
			          m->c_first, m->c_last);
			CHECK_MSG(m->py_first >= 1 && m->py_first <= m->py_last, "%s step %zu: Python lines %d-%d", l->id,
			          k + 1, m->py_first, m->py_last);
			int nc = 0, np = 0;
			char *ccode = file_lines(cpath, m->c_first, m->c_last, &nc);
			char *pycode = file_lines(pypath, m->py_first, m->py_last, &np);
			CHECK_MSG(ccode != NULL, "%s step %zu: %s lines %d-%d, the file has %d", l->id, k + 1, cpath,
			          m->c_first, m->c_last, nc);
			CHECK_MSG(pycode != NULL, "%s step %zu: %s lines %d-%d, the file has %d", l->id, k + 1, pypath,
			          m->py_first, m->py_last, np);
			/* the step's first line is its callout's, in both languages */
			if (ccode && s->callout) {
				char tag[24];
				snprintf(tag, sizeof tag, "/* [%d] */", s->callout);
				const char *nl = strchr(ccode, '\n');
				CHECK_MSG(nl && memmem(ccode, (size_t)(nl - ccode), tag, strlen(tag)),
				          "%s step %zu: C line %d is not callout %s", l->id, k + 1, m->c_first, tag);
			}
			for (size_t x = 0; x < s->nexpects && ccode && pycode; x++) {
				const struct lesson_expect *e = &s->expects[x];
				if (e->kind != EXPECT_CALL)
					continue;
				ncalls++;
				/* expect[python]: a claim of one language's program only */
				bool for_c = !e->lang || (e->lang == 'c') != e->lang_neg;
				bool for_py = !e->lang || (e->lang == 'p') != e->lang_neg;
				CHECK_MSG(!for_c || calls(ccode, e->text), "%s step %zu: expect: call %s, not in %s lines %d-%d",
				          l->id, k + 1, e->text, cpath, m->c_first, m->c_last);
				CHECK_MSG(!for_py || calls(pycode, e->text), "%s step %zu: expect: call %s, not in %s lines %d-%d",
				          l->id, k + 1, e->text, pypath, m->py_first, m->py_last);
			}
			free(ccode);
			free(pycode);
			mapped++;
		}
	}
	/* not vacuous: the course's steps are mapped and claim calls */
	CHECK_MSG(mapped >= 80, "only %zu steps mapped", mapped);
	CHECK_MSG(ncalls >= 60, "only %zu expect: call lines", ncalls);
	lesson_catalog_free(c);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK_MSG(f != NULL, "cannot write %s", path);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A lesson of one step beside a programs folder, whose step lines are
 * `step`; returns the parse error ("" when it parsed) and frees the lesson. */
static const char *try_step(const char *dir, const char *head, const char *step, char *err, size_t n)
{
	char path[512], text[2048];
	snprintf(path, sizeof path, "%s/05-tiny.lesson", dir);
	snprintf(text, sizeof text,
	         "title: Tiny\n%s\nstep: Connect\nclient: socket stream\n%s\n"
	         "c: int fd = socket(AF_INET, SOCK_STREAM, 0);\npython: s = socket.socket()\nexplain: x\n",
	         head, step);
	put(path, text);
	err[0] = '\0';
	struct lesson *l = lesson_load(path, err, n);
	lesson_free(l);
	return err;
}

static void test_errors(void)
{
	char dir[] = "/tmp/test_lesson_programs.XXXXXX";
	CHECK_MSG(mkdtemp(dir) != NULL, "mkdtemp");
	char p[600], err[600];
	snprintf(p, sizeof p, "%s/programs", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/programs/05-tiny", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/programs/05-tiny/client.c", dir);
	put(p, "#include <sys/socket.h>\nint main(void)\n{\n\tint fd = socket(AF_INET, SOCK_STREAM, 0); /* [1] */\n"
	       "\t(void)fd;\n\n\treturn 0;\n}\n");
	snprintf(p, sizeof p, "%s/programs/05-tiny/client.py", dir);
	put(p, "import socket\ns = socket.socket()  # [1]\ns.close()\n");

	/* a good mapping: the callout's line to the line before main's '}',
	 * the blank line and the return kept (they are main's), Python to the end */
	char path[512];
	snprintf(path, sizeof path, "%s/05-tiny.lesson", dir);
	try_step(dir, "program: client", "callout: 1\nexpect: call socket", err, sizeof err);
	EQ_STR("", err);
	struct lesson *l = lesson_load(path, err, sizeof err);
	CHECK(l != NULL);
	if (l) {
		EQ_INT(4, l->steps[0].lines.c_first);
		EQ_INT(7, l->steps[0].lines.c_last);
		EQ_INT(2, l->steps[0].lines.py_first);
		EQ_INT(3, l->steps[0].lines.py_last);
		char cp[PATH_MAX];
		CHECK(lesson_program_path(l, &l->steps[0], 'c', cp, sizeof cp));
		CHECK(strstr(cp, "/programs/05-tiny/client.c") != NULL);
		lesson_free(l);
	}
	/* explicit lines win over nothing; both languages needed */
	try_step(dir, "program: client.c", "lines: 4-5\npython-lines: 2", err, sizeof err);
	EQ_STR("", err);
	try_step(dir, "program: client", "lines: 4-5", err, sizeof err);
	CHECK_MSG(strstr(err, "05-tiny.lesson:5: step 'Connect' names no lines of its program") != NULL, "%s", err);
	/* past the end of the file */
	try_step(dir, "program: client", "lines: 4-90\npython-lines: 2", err, sizeof err);
	CHECK_MSG(strstr(err, "05-tiny.lesson:6: step 'Connect': lines 4-90: client.c has 8 lines") != NULL, "%s", err);
	/* a range that is not one */
	try_step(dir, "program: client", "lines: 9-4", err, sizeof err);
	CHECK_MSG(strstr(err, "05-tiny.lesson:5: 'lines' takes the step's lines of the C program") != NULL, "%s", err);
	/* a callout the program does not have */
	try_step(dir, "program: client", "callout: 2", err, sizeof err);
	CHECK_MSG(strstr(err, "05-tiny.lesson:5: step 'Connect': callout 2: no line of client.c ends in /* [2] */") != NULL,
	          "%s", err);
	/* a program that is not there: the line naming it */
	try_step(dir, "program: server", "callout: 1", err, sizeof err);
	CHECK_MSG(strstr(err, "05-tiny.lesson:2: step 'Connect': its program ") != NULL &&
	          strstr(err, "programs/05-tiny/server.c: No such file or directory") != NULL, "%s", err);
	/* a step mapped while the lesson names no program */
	try_step(dir, "", "callout: 1", err, sizeof err);
	CHECK_MSG(strstr(err, "05-tiny.lesson:5: step 'Connect' names no program") != NULL, "%s", err);
	/* expect: call takes a name */
	try_step(dir, "program: client", "callout: 1\nexpect: call conn ect", err, sizeof err);
	CHECK_MSG(strstr(err, "05-tiny.lesson:6: 'expect' states") != NULL, "%s", err);

	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
}

int main(void)
{
	test_shipped();
	test_errors();
	return check_done("test_lesson_programs");
}
