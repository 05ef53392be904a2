/*
 * lesson_args.h — the options every lesson command takes (the browser,
 * lesson, present, list, check-lessons, quiz, progress, soak): parsed once
 * here, in cmd_lesson.c, so each accepts the same ones.
 */
#ifndef SOCKSCOPE_CMD_LESSON_ARGS_H
#define SOCKSCOPE_CMD_LESSON_ARGS_H

#include <stdbool.h>

#include "capture/capture.h"
#include "lab/lab.h"
#include "lesson/lesson.h"
#include "text/headless.h"

struct lesson_args {
	struct headless_opts hopts;
	struct lab_options lopts;
	enum capture_want want;
	const char *dir;                /* --lessons, else the default */
	const char *compare, *replay, *handout, *theme;
	bool headless, reset_progress;
	char lang;                      /* --lang: 'c', 'p' (python), 'e' (the engine's verbs); 0 the default */
	const char *name;               /* the command ("lesson", "present", ...: argv[0]) */
	char **pos;                     /* the arguments after the options (argv's) */
	int npos;
};

/* Parse argv (argv[0]: the command's name).  -1: go on; else the exit
 * status to return at once (--help, --version: 0; a bad option: 2, said). */
int lesson_args_parse(int argc, char **argv, struct lesson_args *a);
/* A lesson command: parse argv, honour --reset-progress, load the lessons,
 * then run(a, cat); its status (2 when the options or lessons were bad). */
int lesson_cmd(int argc, char **argv, int (*run)(const struct lesson_args *a, const struct lesson_catalog *cat));
/* The capture for a lesson run (a->want), SIGPIPE ignored; call it before
 * any thread exists (the no-root path unshares the process).  NULL with
 * why when there is none; capture_close it. */
struct capture *lesson_capture(const struct lesson_args *a, enum capture_mode *mode, char *why, size_t n);
/* pos[i] as a lesson (number, id or unique prefix); NULL after saying why. */
const struct lesson *lesson_args_lesson(const struct lesson_args *a, const struct lesson_catalog *cat, int i);

/* The runs behind the commands (cmd_soak.c, cmd_quiz.c, cmd_progress.c). */
int soak_run(const struct lesson_catalog *cat, struct capture *cap, enum capture_mode mode,
             const struct lab_options *base, unsigned rounds, FILE *out);
int quiz_run(const struct lesson *l, FILE *in, FILE *out);
int progress_show(const struct lesson_catalog *c, FILE *out);
int progress_reset(FILE *out);

#endif
