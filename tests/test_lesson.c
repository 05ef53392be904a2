/*
 * test_lesson.c — the lesson parser: a valid lesson reads back exactly, and
 * every kind of mistake gives the right "file:line: message".
 */
#include "lesson/lesson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			failures++;                                        \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
		}                                                          \
	} while (0)

static const char *valid =
	"# a comment\n"
	"title: A tiny lesson\n"
	"summary: Connect and close.\n"
	"lab: tcp-server\n"
	"c-head:\n"
	"    int main(void)\n"
	"    {\n"
	"c-tail:\n"
	"    }\n"
	"\n"
	"step: Make a socket\n"
	"client: socket stream\n"
	"c: int fd = socket({af}, SOCK_STREAM, 0);\n"
	"python: sock = socket.socket({pyaf}, socket.SOCK_STREAM)\n"
	"explain:\n"
	"    First paragraph,\n"
	"    second line.\n"
	"\n"
	"    Second paragraph.\n"
	"\n"
	"step: Connect\n"
	"client: connect\n"
	"server: accept\n"
	"server: send \"hi\\r\\n\\x00!\"\n"
	"c:\n"
	"    connect(fd, addr, len);\n"
	"\tif (x)\n"
	"\t    y();\n"
	"c6:\n"
	"    connect6(fd);\n"
	"python:\n"
	"    sock.connect((\"{host}\", {port}))\n"
	"explain:\n"
	"    The handshake.\n";

static void test_valid(void)
{
	char err[512] = "";
	struct lesson *l = lesson_parse("lessons/07-tiny.lesson", valid, err, sizeof err);
	CHECK(l != NULL, "parse failed: %s", err);
	if (!l)
		return;
	CHECK(strcmp(l->id, "tiny") == 0, "id '%s'", l->id);
	CHECK(strcmp(l->title, "A tiny lesson") == 0, "title '%s'", l->title);
	CHECK(l->family == 4 && l->lab_tcp_server, "family %d lab %d", l->family, l->lab_tcp_server);
	CHECK(l->c_head.n == 2 && strcmp(l->c_head.lines[1], "{") == 0, "c_head");
	CHECK(l->nsteps == 2, "nsteps %zu", l->nsteps);
	if (l->nsteps == 2) {
		const struct lesson_step *s0 = &l->steps[0], *s1 = &l->steps[1];
		CHECK(s0->line == 11, "step line %d", s0->line);
		CHECK(s0->c.n == 1 && strcmp(s0->c.lines[0], "int fd = socket({af}, SOCK_STREAM, 0);") == 0, "inline c");
		/* blank line inside a block kept, trailing blank dropped */
		CHECK(s0->explain.n == 4 && s0->explain.lines[2][0] == '\0', "explain lines %zu", s0->explain.n);
		CHECK(s0->nactions == 1 && strcmp(demo_action_name(&s0->actions[0]), "socket") == 0, "action");
		CHECK(s1->nactions == 3, "actions %zu", s1->nactions);
		CHECK(s1->actions[1].role == ROLE_SERVER, "role");
		CHECK(s1->actions[2].arglen == 6 && memcmp(s1->actions[2].arg, "hi\r\n\0!", 6) == 0, "escapes");
		/* one level of indentation removed, deeper kept (tab then spaces) */
		CHECK(s1->c.n == 3 && strcmp(s1->c.lines[2], "    y();") == 0, "indent '%s'", s1->c.n == 3 ? s1->c.lines[2] : "");
		CHECK(lesson_step_code(s1, 6) == &s1->c6 && lesson_step_code(s1, 4) == &s1->c, "c6");
		CHECK(lesson_step_code(s0, 6) == &s0->c, "c6 fallback");

		char buf[128];
		lesson_expand(s1->py.lines[0], 6, 40123, buf, sizeof buf);
		CHECK(strcmp(buf, "sock.connect((\"::1\", 40123))") == 0, "expand '%s'", buf);
		lesson_expand(s0->c.lines[0], 4, 1, buf, sizeof buf);
		CHECK(strcmp(buf, "int fd = socket(AF_INET, SOCK_STREAM, 0);") == 0, "expand '%s'", buf);
		lesson_expand("{port}{port}{nope}", 4, 65535, buf, 12);
		CHECK(strcmp(buf, "6553565535{") == 0, "expand truncates safely '%s'", buf);
	}
	lesson_free(l);
}

/* Each broken lesson must fail with exactly this message. */
static const struct {
	const char *text;
	const char *message;
} broken[] = {
	{ "title: T\nstep: S\nclient: conect\n",
	  "x.lesson:3: unknown action 'conect' for the client (known: socket rcvtimeo connect send recv shutdown close)" },
	{ "title: T\nstep: S\nclient: recv lots\n",
	  "x.lesson:3: 'recv' needs a number from 0 to 1048576, found 'lots'" },
	{ "title: T\nlab: tcp-server\nstep: S\nserver: send \"oops\n",
	  "x.lesson:4: text has no closing quote" },
	{ "title: T\nlab: tcp-server\nstep: S\nserver: send \"a\\q\"\n",
	  "x.lesson:4: unknown escape '\\q' in text (use \\r \\n \\t \\\\ \\\" \\0 \\xHH)" },
	{ "title: T\nstep: S\nserver: accept\n",
	  "x.lesson:3: server actions need the lab's server: add 'lab: tcp-server' above the first step" },
	{ "title: T\nstep: S\nclient: connect now\n",
	  "x.lesson:3: 'connect' takes no argument, found 'now'" },
	{ "title: T\nstep: S\nclient: socket raw\n",
	  "x.lesson:3: 'socket' needs one of stream|dgram, found 'raw'" },
	{ "title: T\ntitel: U\n",
	  "x.lesson:2: unknown key 'titel' (known keys: title, summary, family, lab, c-head, c-tail, python-head, python-tail, step, client, server, c, c6, python, explain)" },
	{ "title: T\nclient: connect\n",
	  "x.lesson:2: 'client' belongs inside a step: put a 'step: Title' line above it" },
	{ "title: T\nstep: S\nc: x\npython: y\nexplain: z\nsummary: late\n",
	  "x.lesson:6: 'summary' describes the whole lesson: move it above the first 'step:'" },
	{ "title: T\n    stray\n",
	  "x.lesson:2: indented line outside a block (is a 'c:', 'python:' or 'explain:' line missing above it?)" },
	{ "title: T\nstep: S\nc: x\n    more\n",
	  "x.lesson:4: this block already has its text on the key's line; put all of it in the indented lines" },
	{ "title: T\nstep: S\nc:\n  two spaces\n",
	  "x.lesson:4: indent block lines by four spaces or one tab" },
	{ "title: T\ntitle: U\n", "x.lesson:2: 'title' is given twice" },
	{ "title: T\nfamily: 5\n", "x.lesson:2: 'family' must be 4 or 6, found '5'" },
	{ "title: T\nlab: udp\n", "x.lesson:2: 'lab' must be tcp-server or none, found 'udp'" },
	{ "title: T\njust words\n", "x.lesson:2: expected 'key: value', found 'just words'" },
	{ "summary: s\n", "x.lesson:1: no 'title:' line: every lesson needs a title" },
	{ "title: T\n", "x.lesson:1: no steps: a lesson needs at least one 'step: Title' section" },
	{ "title: T\nstep:\n", "x.lesson:2: 'step:' needs a title, e.g. 'step: Connect to the server'" },
	{ "title: T\n\nstep: A\npython: p\nexplain: e\nstep: B\nc: x\npython: p\nexplain: e\n",
	  "x.lesson:3: step 'A' has no C code (add a 'c:' block)" },
	{ "title: T\nstep: A\nc: x\nexplain: e\n", "x.lesson:2: step 'A' has no Python code (add a 'python:' block)" },
	{ "title: T\nstep: A\nc: x\npython: p\n", "x.lesson:2: step 'A' has no explanation (add an 'explain:' block)" },
	{ "title: T\nstep: A\nc: x\nc: y\n", "x.lesson:4: 'c' is given twice in this step" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		char err[512] = "";
		struct lesson *l = lesson_parse("x.lesson", broken[i].text, err, sizeof err);
		CHECK(l == NULL, "case %zu parsed but should not", i);
		CHECK(strcmp(err, broken[i].message) == 0, "case %zu:\n   got: %s\n  want: %s", i, err, broken[i].message);
		lesson_free(l);
	}
}

static void test_files(void)
{
	char err[512] = "";
	struct lesson *l = lesson_load("/nonexistent/x.lesson", err, sizeof err);
	CHECK(!l && strstr(err, "/nonexistent/x.lesson: cannot open: ") == err, "missing file: %s", err);

	/* a directory with one good and one broken lesson: the good one stays */
	char dir[] = "/tmp/sockscope-lessons-XXXXXX";
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	char path[256];
	snprintf(path, sizeof path, "%s/02-broken.lesson", dir);
	FILE *f = fopen(path, "w");
	fputs("title: Broken\nstep: S\nclient: fly\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/01-good.lesson", dir);
	f = fopen(path, "w");
	fputs(valid, f);
	fclose(f);
	snprintf(path, sizeof path, "%s/03-nul.lesson", dir);
	f = fopen(path, "w");
	fputs("title: T\n\nx", f);
	fputc(0, f);
	fclose(f);

	struct lesson_catalog *c = lesson_catalog_load(dir, err, sizeof err);
	CHECK(c != NULL, "catalog: %s", err);
	if (c) {
		CHECK(c->n == 1 && strcmp(c->lessons[0]->id, "good") == 0, "good lesson kept");
		CHECK(c->nerrors == 2, "errors %zu", c->nerrors);
		if (c->nerrors == 2) {
			CHECK(strstr(c->errors[0], "/02-broken.lesson:3: unknown action 'fly'") != NULL, "%s", c->errors[0]);
			CHECK(strstr(c->errors[1], "/03-nul.lesson:3: contains a NUL byte") != NULL, "%s", c->errors[1]);
		}
		CHECK(lesson_catalog_find(c, "good") != NULL && lesson_catalog_find(c, "broken") == NULL, "find");
	}
	lesson_catalog_free(c);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0, "cleanup");
}

/* Every lesson shipped with sockscope must parse. */
static void test_shipped(void)
{
	char err[512] = "";
	struct lesson_catalog *c = lesson_catalog_load(SOCKSCOPE_SOURCE_DIR "/lessons", err, sizeof err);
	CHECK(c != NULL, "%s", err);
	if (!c)
		return;
	CHECK(c->n >= 1, "no lessons shipped");
	for (size_t i = 0; i < c->nerrors; i++)
		CHECK(0, "shipped lesson broken: %s", c->errors[i]);
	const struct lesson *l = lesson_catalog_find(c, "tcp-basics");
	CHECK(l && strcmp(l->title, "TCP from socket() to close()") == 0, "tcp-basics");
	lesson_catalog_free(c);
}

int main(void)
{
	test_valid();
	test_errors();
	test_files();
	test_shipped();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	else
		printf("test_lesson: all checks passed\n");
	return failures ? 1 : 0;
}
