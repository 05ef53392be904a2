/*
 * test_lesson.c — the lesson parser: a valid lesson reads back exactly, and
 * every kind of mistake gives the right "file:line: message".
 */
#include "lesson/lesson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

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
	CHECK_MSG(l != NULL, "parse failed: %s", err);
	if (!l)
		return;
	CHECK_MSG(strcmp(l->id, "tiny") == 0, "id '%s'", l->id);
	CHECK_MSG(strcmp(l->title, "A tiny lesson") == 0, "title '%s'", l->title);
	CHECK_MSG(l->family == 4 && l->lab_tcp_server, "family %d lab %d", l->family, l->lab_tcp_server);
	CHECK_MSG(l->c_head.n == 2 && strcmp(l->c_head.lines[1], "{") == 0, "c_head");
	CHECK_MSG(l->nsteps == 2, "nsteps %zu", l->nsteps);
	if (l->nsteps == 2) {
		const struct lesson_step *s0 = &l->steps[0], *s1 = &l->steps[1];
		CHECK_MSG(s0->line == 11, "step line %d", s0->line);
		CHECK_MSG(s0->c.n == 1 && strcmp(s0->c.lines[0], "int fd = socket({af}, SOCK_STREAM, 0);") == 0, "inline c");
		/* blank line inside a block kept, trailing blank dropped */
		CHECK_MSG(s0->explain.n == 4 && s0->explain.lines[2][0] == '\0', "explain lines %zu", s0->explain.n);
		CHECK_MSG(s0->nactions == 1 && strcmp(demo_action_name(&s0->actions[0]), "socket") == 0, "action");
		CHECK_MSG(s1->nactions == 3, "actions %zu", s1->nactions);
		CHECK_MSG(s1->actions[1].role == DEMO_ROLE_SERVER, "role");
		CHECK_MSG(s1->actions[2].arglen == 6 && memcmp(s1->actions[2].arg, "hi\r\n\0!", 6) == 0, "escapes");
		/* one level of indentation removed, deeper kept (tab then spaces) */
		CHECK_MSG(s1->c.n == 3 && strcmp(s1->c.lines[2], "    y();") == 0, "indent '%s'", s1->c.n == 3 ? s1->c.lines[2] : "");
		CHECK_MSG(lesson_step_code(s1, 6) == &s1->c6 && lesson_step_code(s1, 4) == &s1->c, "c6");
		CHECK_MSG(lesson_step_code(s0, 6) == &s0->c, "c6 fallback");

		char buf[128];
		struct lesson_vars v6 = { .family = 6, .port = 40123 }, v4 = { .family = 4, .port = 65535 };
		snprintf(v4.named[0].name, sizeof v4.named[0].name, "http");
		v4.named[0].port = 8080;
		v4.nnamed = 1;
		lesson_expand(s1->py.lines[0], &v6, buf, sizeof buf);
		CHECK_MSG(strcmp(buf, "sock.connect((\"::1\", 40123))") == 0, "expand '%s'", buf);
		lesson_expand(s0->c.lines[0], &v4, buf, sizeof buf);
		CHECK_MSG(strcmp(buf, "int fd = socket(AF_INET, SOCK_STREAM, 0);") == 0, "expand '%s'", buf);
		lesson_expand("{port:http} {port:dns} {host}", &v4, buf, sizeof buf);
		CHECK_MSG(strcmp(buf, "8080 {port:dns} 127.0.0.1") == 0, "named ports '%s'", buf);
		lesson_expand("{port}{port}{nope}", &v4, buf, 12);
		CHECK_MSG(strcmp(buf, "6553565535{") == 0, "expand truncates safely '%s'", buf);
	}
	lesson_free(l);
}

/* The features of the curriculum: toggles, conditions, predictions,
 * origins, questions, recap and try-it-yourself, several lab servers. */
static const char *valid2 =
	"title: Features\n"
	"lab: tcp-server udp-server\n"
	"lab: http dns\n"
	"toggle: nodelay TCP_NODELAY on\n"
	"step: Write\n"
	"client: socket stream\n"
	"client[nodelay]: setsockopt TCP_NODELAY 1\n"
	"client[!nodelay]: @b sendn 20 \"x\"\n"
	"client: connect http\n"
	"predict: client-packets How many segments will the client send?\n"
	"origin: Destination port = htons({port:http})\n"
	"c: x\n"
	"python: y\n"
	"explain: z\n"
	"question: What is a port?\n"
	"choice: a 16-bit number\n"
	"choice: a process\n"
	"answer: a\n"
	"why: RFC 9293 gives it 16 bits.\n"
	"question: Which call sends SYN?\n"
	"answer: = connect\n"
	"recap:\n"
	"    remember this\n"
	"try:\n"
	"    nc -v 127.0.0.1 8080\n";

static void test_valid2(void)
{
	char err[512] = "";
	struct lesson *l = lesson_parse("f.lesson", valid2, err, sizeof err);
	CHECK_MSG(l != NULL, "parse failed: %s", err);
	if (!l)
		return;
	CHECK_MSG(l->lab_tcp_server && l->lab_udp_server && l->nservices == 2, "lab kinds");
	CHECK_MSG(l->nservices == 2 && strcmp(l->services[1], "dns") == 0, "services");
	CHECK_MSG(l->ntoggles == 1 && strcmp(l->toggles[0].name, "nodelay") == 0 &&
	      strcmp(l->toggles[0].label, "TCP_NODELAY on") == 0, "toggle");
	const struct lesson_step *st = &l->steps[0];
	CHECK_MSG(st->nactions == 4, "actions %zu", st->nactions);
	if (st->nactions == 4) {
		CHECK_MSG(strcmp(st->actions[1].cond, "nodelay") == 0 && !st->actions[1].cond_neg, "cond");
		CHECK_MSG(st->actions[2].cond_neg && strcmp(st->actions[2].sock, "b") == 0 && st->actions[2].num == 20, "neg cond, @b");
		CHECK_MSG(strcmp(st->actions[3].target, "http") == 0, "target");
		CHECK_MSG(demo_action_enabled(&st->actions[1], "ipv6 nodelay") && !demo_action_enabled(&st->actions[1], "nodelayx"),
		      "enabled with toggle on");
		CHECK_MSG(!demo_action_enabled(&st->actions[2], "nodelay") && demo_action_enabled(&st->actions[2], ""),
		      "negated condition");
	}
	CHECK_MSG(st->predict == PREDICT_CLIENT_PACKETS && strcmp(st->predict_q, "How many segments will the client send?") == 0,
	      "predict");
	CHECK_MSG(st->norigins == 1 && strcmp(st->origins[0].field, "Destination port") == 0 &&
	      strcmp(st->origins[0].expr, "htons({port:http})") == 0, "origin");
	CHECK_MSG(l->nquestions == 2, "questions %zu", l->nquestions);
	if (l->nquestions == 2) {
		CHECK_MSG(l->questions[0].nchoices == 2 && l->questions[0].answer == 0 && l->questions[0].why, "choice question");
		CHECK_MSG(l->questions[1].answer == -1 && strcmp(l->questions[1].answer_text, "connect") == 0, "short answer");
	}
	CHECK_MSG(l->recap.n == 1 && l->try_it.n == 1 && strcmp(l->try_it.lines[0], "nc -v 127.0.0.1 8080") == 0, "recap/try");
	lesson_free(l);
}

/* Verbs and claims of the performance, UDP and ports lessons: local:NAME
 * targets, MSG_MORE, throughput's optional write size, window0 counts. */
static const char *valid3 =
	"title: More\n"
	"lab: tcp-server\n"
	"step: S\n"
	"client: socket stream\n"
	"client: @t bind local:fd\n"
	"client: sendmore \"GET \"\n"
	"client: throughput 8 64\n"
	"client: throughput 16\n"
	"server: @listen setsockopt SO_RCVBUF 4096\n"
	"expect: window0 >= 1\n"
	"c: x\n"
	"python: y\n"
	"explain: z\n";

static void test_valid3(void)
{
	char err[512] = "";
	struct lesson *l = lesson_parse("g.lesson", valid3, err, sizeof err);
	CHECK_MSG(l != NULL, "parse failed: %s", err);
	if (!l)
		return;
	const struct lesson_step *st = &l->steps[0];
	CHECK_MSG(st->nactions == 6, "actions %zu", st->nactions);
	if (st->nactions == 6) {
		CHECK_MSG(strcmp(st->actions[1].target, "local:fd") == 0 && strcmp(st->actions[1].sock, "t") == 0, "local: target");
		CHECK_MSG(strcmp(demo_action_name(&st->actions[2]), "sendmore") == 0 && st->actions[2].arglen == 4, "sendmore");
		CHECK_MSG(st->actions[3].num == 8 && st->actions[3].num2 == 64, "throughput MiB and write size");
		CHECK_MSG(st->actions[4].num == 16 && st->actions[4].num2 == 0, "throughput default write size");
	}
	CHECK_MSG(st->nexpects == 1 && st->expects[0].kind == EXPECT_COUNT && st->expects[0].count == PREDICT_WINDOW0 &&
	      st->expects[0].op == OP_GE && st->expects[0].n == 1, "window0 claim");
	lesson_free(l);
	struct demo_action a;
	CHECK_MSG(demo_action_parse(DEMO_ROLE_CLIENT, "throughput 0", &a, err, sizeof err) < 0, "throughput 0 MiB refused");
	CHECK_MSG(demo_action_parse(DEMO_ROLE_CLIENT, "connect local:", &a, err, sizeof err) < 0, "local: needs a name");
}

/* Each broken lesson must fail with exactly this message. */
static const struct {
	const char *text;
	const char *message;
} broken[] = {
	{ "title: T\nstep: S\nclient: conect\n",
	  "x.lesson:3: unknown action 'conect' for the client (known: socket bind listen connect send sendmore sendn sendto recv recvall recvfrom setsockopt getsockopt shutdown close tcpinfo getsockname wait pton getservbyname ephemeral dnsquery throughput)" },
	{ "title: T\nstep: S\nclient: recv lots\n",
	  "x.lesson:3: 'recv' needs a number from 0 to 1048576, found 'lots'" },
	{ "title: T\nlab: tcp-server\nstep: S\nserver: send \"oops\n",
	  "x.lesson:4: text has no closing quote" },
	{ "title: T\nlab: tcp-server\nstep: S\nserver: send \"a\\q\"\n",
	  "x.lesson:4: unknown escape '\\q' in text (use \\r \\n \\t \\\\ \\\" \\0 \\xHH)" },
	{ "title: T\nstep: S\nserver: accept\n",
	  "x.lesson:3: server actions need the lab's server: add 'lab: tcp-server' above the first step" },
	{ "title: T\nstep: S\nclient: connect now\n",
	  "x.lesson:3: 'connect' needs nothing or one of: lab udp closed loopback http smtp ftp ftp-data dns echo-tcp echo-udp echo-iterative echo-threads echo-fork echo-poll local:NAME; found 'now'" },
	{ "title: T\nstep: S\nclient: close now\n",
	  "x.lesson:3: 'close' takes no argument, found 'now'" },
	{ "title: T\nstep: S\nclient: connect http\n",
	  "x.lesson:3: 'connect http' aims at 'http', which this lesson does not start: add it to a 'lab:' line" },
	{ "title: T\nlab: tcp-server gopher\n",
	  "x.lesson:2: 'lab' names one of: none tcp-server udp-server http smtp ftp dns echo-tcp echo-udp echo-iterative echo-threads echo-fork echo-poll; found 'gopher'" },
	{ "title: T\nstep: S\nclient[fast]: close\n",
	  "x.lesson:3: no toggle named 'fast': declare it with 'toggle: fast Label' above the first step" },
	{ "title: T\nstep: S\nc[x]: y\n", "x.lesson:3: only 'client', 'server', 'expect' and 'run' lines take a [toggle] condition" },
	{ "title: T\nrun: ../client {host}\n",
	  "x.lesson:2: 'run' names a program of the lesson's folder and its arguments, e.g. 'run: client {host} {port:server}'; found '../client {host}'" },
	{ "title: T\nstep: S\nrun: client\n", "x.lesson:3: 'run' describes the whole lesson: move it above the first 'step:'" },
	{ "title: T\nstep: S\nexpect[fast&python]: packets = 0\n",
	  "x.lesson:3: no toggle named 'fast': declare it with 'toggle: fast Label' above the first step" },
	{ "title: T\nstep: S\nclient: setsockopt SO_FAST 1\n",
	  "x.lesson:3: 'setsockopt' needs an option name, one of: SO_RCVTIMEO SO_SNDTIMEO SO_REUSEADDR SO_RCVBUF SO_SNDBUF SO_KEEPALIVE SO_LINGER TCP_NODELAY TCP_CORK O_NONBLOCK IP_RECVERR" },
	{ "title: T\nstep: S\npredict: bytes How many?\n",
	  "x.lesson:3: 'predict' needs what is counted (packets, client-packets, server-packets, data-packets, syn, fin, rst, udp, icmp, window0) and the question, e.g. 'predict: fin How many FINs will close() cause?'" },
	{ "title: T\nstep: S\norigin: Port\n",
	  "x.lesson:3: 'origin' needs 'Field name = code', e.g. 'origin: Destination port = htons({port})'" },
	{ "title: T\nchoice: a\n", "x.lesson:2: 'choice' belongs to a question: put a 'question:' line above it" },
	{ "title: T\nstep: A\nc: x\npython: p\nexplain: e\nquestion: Q?\nchoice: one\nchoice: two\nanswer: c\n",
	  "x.lesson:9: 'answer' is a choice letter (a to b) given after the choices, or '= text' for a short answer" },
	{ "title: T\nstep: A\nc: x\npython: p\nexplain: e\nquestion: Q?\nchoice: one\n",
	  "x.lesson:6: question 'Q?' has no 'answer:' line" },
	{ "title: T\nstep: S\nclient: socket raw\n",
	  "x.lesson:3: 'socket' needs one of stream|dgram, found 'raw'" },
	{ "title: T\ntitel: U\n",
	  "x.lesson:2: unknown key 'titel' (known keys: title, summary, family, lab, toggle, c-head, c-tail, python-head, python-tail, step, client, server, c, c6, python, explain, teacher, predict, origin, expect, callout, lines, python-lines, program, run, recap, try, question, choice, answer, why)" },
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
	{ "title: T\njust words\n", "x.lesson:2: expected 'key: value', found 'just words'" },
	{ "summary: s\n", "x.lesson:1: no 'title:' line: every lesson needs a title" },
	{ "title: T\n", "x.lesson:1: no steps: a lesson needs at least one 'step: Title' section (or, for a quiz, questions)" },
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
		CHECK_MSG(l == NULL, "case %zu parsed but should not", i);
		CHECK_MSG(strcmp(err, broken[i].message) == 0, "case %zu:\n   got: %s\n  want: %s", i, err, broken[i].message);
		lesson_free(l);
	}
}

static void test_files(void)
{
	char err[512] = "";
	struct lesson *l = lesson_load("/nonexistent/x.lesson", err, sizeof err);
	CHECK_MSG(!l && strstr(err, "/nonexistent/x.lesson: cannot open: ") == err, "missing file: %s", err);

	/* a directory with one good and one broken lesson: the good one stays */
	char dir[] = "/tmp/sockscope-lessons-XXXXXX";
	CHECK_MSG(mkdtemp(dir) != NULL, "mkdtemp");
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
	CHECK_MSG(c != NULL, "catalog: %s", err);
	if (c) {
		CHECK_MSG(c->n == 1 && strcmp(c->lessons[0]->id, "good") == 0, "good lesson kept");
		CHECK_MSG(c->nerrors == 2, "errors %zu", c->nerrors);
		if (c->nerrors == 2) {
			CHECK_MSG(strstr(c->errors[0], "/02-broken.lesson:3: unknown action 'fly'") != NULL, "%s", c->errors[0]);
			CHECK_MSG(strstr(c->errors[1], "/03-nul.lesson:3: contains a NUL byte") != NULL, "%s", c->errors[1]);
		}
		CHECK_MSG(lesson_catalog_find(c, "good") != NULL && lesson_catalog_find(c, "broken") == NULL, "find");
	}
	lesson_catalog_free(c);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_MSG(system(cmd) == 0, "cleanup");
}

/* Every lesson shipped with sockscope must parse. */
static void test_shipped(void)
{
	char err[512] = "";
	struct lesson_catalog *c = lesson_catalog_load(SOCKSCOPE_SOURCE_DIR "/lessons", err, sizeof err);
	CHECK_MSG(c != NULL, "%s", err);
	if (!c)
		return;
	CHECK_MSG(c->n >= 1, "no lessons shipped");
	for (size_t i = 0; i < c->nerrors; i++)
		CHECK_MSG(0, "shipped lesson broken: %s", c->errors[i]);
	const struct lesson *l = lesson_catalog_find(c, "tcp-basics");
	CHECK_MSG(l && strcmp(l->title, "TCP from socket() to close()") == 0, "tcp-basics");
	lesson_catalog_free(c);
}

/* run: lines, and claims of one language (lab/lab_traced.c) */
static void test_runs(void)
{
	char err[512] = "";
	struct lesson *l = lesson_parse("r.lesson",
	                                "title: T\ntoggle: silent Quiet\nrun: server {host} 0\nrun[silent]: server --silent\n"
	                                "run: client {host} {port:server}\nstep: S\nexpect[silent&!python]: error EAGAIN\n"
	                                "expect[engine]: packets = 0\nexpect[c]: call recv\nc: x\npython: x\nexplain: x\n",
	                                err, sizeof err);
	CHECK_MSG(l != NULL, "%s", err);
	if (!l)
		return;
	EQ_INT(3, l->nruns);
	EQ_STR("server", l->runs[0].program);
	EQ_STR("{host} 0", l->runs[0].args);
	EQ_STR("silent", l->runs[1].cond);
	EQ_STR("--silent", l->runs[1].args);
	EQ_STR("{host} {port:server}", l->runs[2].args);
	const struct lesson_expect *e = l->steps[0].expects;
	EQ_INT('p', e[0].lang);
	CHECK(e[0].lang_neg);
	EQ_STR("silent", e[0].cond);
	EQ_INT('e', e[1].lang);
	CHECK(!e[1].cond[0]);
	EQ_INT('c', e[2].lang);
	CHECK(!e[2].lang_neg);
	lesson_free(l);
}

int main(void)
{
	test_runs();
	test_valid();
	test_valid2();
	test_valid3();
	test_errors();
	test_files();
	test_shipped();
	return check_done("test_lesson");
}
