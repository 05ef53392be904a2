/*
 * cmd.h — the commands: one table of {name, args, summary, run}, as tmux's
 * cmd_entry.  main() looks the first word up here; `sockscope help` and
 * the usage text are printed from the table, so a command cannot be
 * missing from them.  One file a command (cmd_NAME.c); each parses its own
 * options (getopt_long over its argv, argv[0] being its name), exits 0 on
 * success, 1 when what it checked failed, 2 on a usage error.
 */
#ifndef SOCKSCOPE_CMD_H
#define SOCKSCOPE_CMD_H

#include <stdio.h>

struct cmd_entry {
	const char *name;       /* the first word ("lesson"); "" for no command: the browser */
	const char *args;       /* what follows it in the usage ("ID [options]") */
	const char *summary;    /* one line, or two separated by '\n' */
	int (*run)(int argc, char **argv);
};

/* The entry for name ("" for no command), or NULL.  Static: never freed. */
const struct cmd_entry *cmd_find(const char *name);
/* Every command with its args and summary: the top of `sockscope --help`. */
void cmd_usage(FILE *f);

/* The commands (cmd_*.c). */
int cmd_browser(int argc, char **argv);
int cmd_lesson(int argc, char **argv);     /* also `present` */
int cmd_list(int argc, char **argv);
int cmd_check_lessons(int argc, char **argv);
int cmd_quiz(int argc, char **argv);
int cmd_progress(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_addr(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_challenge(int argc, char **argv);
int cmd_soak(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif
