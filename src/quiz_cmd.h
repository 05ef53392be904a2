/*
 * quiz_cmd.h — `sockscope quiz ID` (questions on the terminal, answers read
 * line by line from standard input, so a pipe can answer them too) and
 * `sockscope progress` (what has been done, per lesson).
 */
#ifndef SOCKSCOPE_QUIZ_CMD_H
#define SOCKSCOPE_QUIZ_CMD_H

#include <stdio.h>

#include "lesson/lesson.h"

int quiz_run(const struct lesson *l, FILE *in, FILE *out);
int progress_show(const struct lesson_catalog *c, FILE *out);
int progress_reset(FILE *out);

#endif
