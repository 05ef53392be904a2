/*
 * lesson.h — lesson files: a teacher's plain text, parsed at start.
 *
 * The format is documented in docs/lesson-format.md.  In short: "key: value"
 * lines at the start of a line; a key ending in ':' alone opens a block
 * whose lines are indented (four spaces or a tab, removed on reading);
 * "step: Title" starts a step.  Lines starting with '#' are comments.
 *
 * Ownership: a struct lesson owns every string and array in it;
 * lesson_free releases all of it.  A lesson_catalog owns its lessons.
 */
#ifndef SOCKSCOPE_LESSON_H
#define SOCKSCOPE_LESSON_H

#include <stddef.h>
#include <stdio.h>

#include "demo/demo.h"

/* A block of text lines (code or prose). */
struct text_block {
	char **lines;
	size_t n;
};
void text_block_free(struct text_block *b);   /* its lines; the block is then empty */

#define LESSON_MAX_ACTIONS 16
#define LESSON_MAX_ORIGINS 4
#define LESSON_MAX_TOGGLES 4
#define LESSON_MAX_CHOICES 6

/* "origin: Destination port = htons({port})": a header field the step's code
 * set, and the expression that set it (bytes back to code). */
struct lesson_origin {
	char field[40];
	char *expr;
};

/* What a prediction is graded against: counted in the step's own capture. */
enum predict_kind {
	PREDICT_NONE = 0,
	PREDICT_PACKETS,          /* packets the step put on the wire */
	PREDICT_CLIENT_PACKETS,   /* ... sent by the client */
	PREDICT_SERVER_PACKETS,   /* ... sent by the lab */
	PREDICT_DATA_PACKETS,     /* ... carrying payload bytes */
	PREDICT_SYN, PREDICT_FIN, PREDICT_RST,   /* segments with that flag */
	PREDICT_UDP, PREDICT_ICMP,                /* datagrams; ICMP/ICMPv6 messages */
	PREDICT_WINDOW0,          /* TCP segments advertising a zero window (RSTs excepted) */
};

/* "expect: fin = 2": a claim of the lesson text about what the step puts
 * on the wire (or what its calls return), checked against the real run by
 * `sockscope lesson ID --headless --check` and the test suite. */
enum expect_kind {
	EXPECT_COUNT,     /* count (a predict_kind) op n */
	EXPECT_ERROR,     /* a call of the step failed with errno `text` */
	EXPECT_NO_ERROR,  /* no call of the step failed */
	EXPECT_RESULT,    /* some call's result contains `text` */
	EXPECT_PAYLOAD,   /* some packet's payload contains `text` */
	EXPECT_STATE,     /* some TCP state line contains `text` */
	EXPECT_CALL,      /* the step makes the call named `text` ("connect") */
};
enum expect_op { OP_EQ, OP_GE, OP_LE, OP_GT, OP_LT };

struct lesson_expect {
	enum expect_kind kind;
	enum predict_kind count;
	enum expect_op op;
	long n;
	char text[128];
	size_t textlen;
	char cond[DEMO_NAME_MAX];       /* only when this toggle is on / off */
	bool cond_neg;
	char lang;                      /* 'c', 'p': only (lang_neg: except) when the lesson's programs
	                                   in that language run (lab_open_traced); 'e' the lab's engine
	                                   (or its recording); 0 for any run */
	bool lang_neg;
	int line;
};
#define LESSON_MAX_EXPECTS 12

/* Where a step stands in the lesson's real programs (lessons/programs/,
 * docs/lesson-programs.md): a range of lines of NAME.c and of NAME.py,
 * 1-based and inclusive, checked against the files when the lesson is
 * read.  `program` is "" when the lesson names no programs. */
#define LESSON_PROGRAM_MAX 32
struct lesson_lines {
	char program[LESSON_PROGRAM_MAX];   /* "client": client.c and client.py */
	int c_first, c_last;
	int py_first, py_last;
	int line;                           /* the lesson file's line that named it */
};

struct lesson_step {
	char *title;
	int line;                       /* where "step:" stands, for messages */
	struct text_block c, c6;        /* C code; c6 replaces it when run over IPv6 */
	struct text_block py;           /* the Python equivalent */
	struct text_block explain;      /* prose; an empty line separates paragraphs */
	struct text_block teacher;      /* notes for whoever presents the step (presenter mode), or empty */
	struct demo_action actions[LESSON_MAX_ACTIONS];
	size_t nactions;
	enum predict_kind predict;      /* ask before running, grade on the capture */
	char *predict_q;
	struct lesson_origin origins[LESSON_MAX_ORIGINS];
	size_t norigins;
	struct lesson_expect expects[LESSON_MAX_EXPECTS];
	size_t nexpects;
	struct lesson_lines lines;      /* its lines in the programs (lesson->programs) */
	int callout;                    /* "callout: N", or 0 */
};

/* A switch the learner may flip; actions may depend on it ("client[nodelay]:").
 * Flipping re-runs the lesson with it and compares the captures. */
struct lesson_toggle {
	char name[DEMO_NAME_MAX];       /* "ipv6" switches the family */
	char *label;
};

/* A check-yourself question: multiple choice (answer = index) or short
 * answer (answer_text, compared case-insensitively). */
struct lesson_question {
	char *text;
	int line;
	char *choices[LESSON_MAX_CHOICES];
	size_t nchoices;
	int answer;                     /* 0-based choice, -1 for short answer */
	char *answer_text;
	char *why;
};

/* "run: server {host} 0", "run[silent]: client --timeout 1": how the
 * traced lab (lab/lab_traced.c) starts the lesson's programs.  The first
 * unconditional line of a program gives its arguments, later lines whose
 * toggle condition holds add theirs.  {host} is the run's address,
 * {port:NAME} the port program NAME (a server of the lesson, started
 * first, in the order of these lines) or the lab's server NAME listens
 * on.  The lesson's own `program` is the one whose steps run. */
#define LESSON_MAX_RUNS 12
struct lesson_run {
	char program[LESSON_PROGRAM_MAX];
	char *args;                     /* the words after the program's name, owned */
	char cond[DEMO_NAME_MAX];       /* only when this toggle is on / off */
	bool cond_neg;
	int line;
};

struct lesson {
	char *path;                     /* the file it was read from */
	char *id;                       /* file name without number prefix and ".lesson" */
	char *title;
	char *summary;
	int family;                     /* 4 or 6: what it runs over by default */
	int lab_tcp_server;             /* "lab: tcp-server" */
	int lab_udp_server;             /* "lab: udp-server" */
	char services[DEMO_MAX_SERVICES][DEMO_NAME_MAX];   /* "lab: http dns" */
	size_t nservices;
	struct text_block c_head, c_tail, py_head, py_tail;
	struct lesson_step *steps;
	size_t nsteps;
	struct lesson_toggle toggles[LESSON_MAX_TOGGLES];
	size_t ntoggles;
	struct lesson_question *questions;
	size_t nquestions;
	char *programs;                 /* the folder of its programs, or NULL when it names none */
	char program[LESSON_PROGRAM_MAX];   /* "program: client": the steps' program unless a step names another */
	int program_line;
	struct lesson_run runs[LESSON_MAX_RUNS];   /* "run:" lines, in the file's order */
	size_t nruns;
	struct text_block recap;        /* what to remember, shown at the end */
	struct text_block try_it;       /* commands to try on one's own machine */
};

/* Is `answer` right?  A letter for choice questions; short answers ignore
 * case, surrounding blanks and a trailing "()". */
bool lesson_answer_ok(const struct lesson_question *q, const char *answer);

/* "packets", "syn"... as written after "predict:" and "expect:". */
const char *lesson_predict_name(enum predict_kind k);
/* "fin = 2", "error ECONNREFUSED"... for messages. */
void lesson_expect_text(const struct lesson_expect *e, char *buf, size_t n);

/* Parse a lesson file.  Returns NULL and writes "file:line: what is wrong"
 * into err when the file is malformed. */
struct lesson *lesson_load(const char *path, char *err, size_t errlen);
/* The same from text in memory (tests); `name` stands for the file name. */
struct lesson *lesson_parse(const char *name, const char *text, char *err, size_t errlen);
void lesson_free(struct lesson *l);

/* The path of a step's program in a language ('c' or 'p' for Python) into
 * buf; false when the lesson names no programs. */
bool lesson_program_path(const struct lesson *l, const struct lesson_step *s, char lang, char *buf, size_t n);
/* A program's lines, read whole (small files a teacher wrote), without
 * their line ends (nor trailing blanks).  0, or -1 with errno; free the
 * block's lines with text_block_free. */
int lesson_program_text(const char *path, struct text_block *t);

/* The step's C code for a family (c6 when family is 6 and the step has it). */
const struct text_block *lesson_step_code(const struct lesson_step *s, int family);

/* The values of a run that lesson text may name. */
struct lesson_vars {
	int family;                     /* 4 or 6 */
	unsigned port;                  /* {port}: the lab's main server */
	struct { char name[DEMO_NAME_MAX]; unsigned port; } named[8];   /* {port:http} ... */
	size_t nnamed;
};

/* Copy `line` into buf replacing {host} {port} {port:NAME} {af} {pyaf} with
 * the run's values: the code on screen shows the address and port really
 * used. */
void lesson_expand(const char *line, const struct lesson_vars *v, char *buf, size_t n);

/* check-lessons: every call a step makes on a socket (the function and
 * the socket its trace line names) must stand on one line of the step's C
 * code.  Prints "ERROR   file:line: ..." to out for each that does not;
 * returns how many. */
size_t lesson_lint_calls(const struct lesson *l, FILE *out);
/* Steps whose title gives away the answer of their prediction (the number,
 * "nothing" for 0, or the thing counted).  Prints "WARNING   file:line:
 * ..." to out for each; returns how many.  A warning, not an error: the
 * lesson still runs. */
size_t lesson_lint_predictions(const struct lesson *l, FILE *out);

/* ---- the catalog: every lesson file of a directory, in file-name order ---- */
struct lesson_catalog {
	char *dir;
	struct lesson **lessons;        /* the ones that parsed */
	size_t n;
	char **errors;                  /* one "file:line: message" per broken file */
	size_t nerrors;
};

/* Read every *.lesson file in dir.  Broken files are listed in errors and
 * do not stop the others.  NULL only when the directory cannot be read
 * (message in err). */
struct lesson_catalog *lesson_catalog_load(const char *dir, char *err, size_t errlen);
void lesson_catalog_free(struct lesson_catalog *c);
const struct lesson *lesson_catalog_find(const struct lesson_catalog *c, const char *id);
/* What a learner types for a lesson: its id, its number as the browser and
 * `sockscope list` show it (1-based, in file-name order), or a prefix of
 * one id only.  NULL with a message in err that helps: the candidates of
 * an ambiguous prefix, or the lessons there are. */
const struct lesson *lesson_catalog_lookup(const struct lesson_catalog *c, const char *what, char *err,
                                           size_t errlen);

/* Where the lessons are: $SOCKSCOPE_LESSONS, else beside an installed
 * binary (../share/sockscope/lessons), else the source tree when run from
 * the build tree, else the install prefix.  `argv0_dir` is the directory
 * of the running binary (from /proc/self/exe). */
/* A static buffer, the same for the whole run: never freed. */
const char *lesson_default_dir(void);

#endif
