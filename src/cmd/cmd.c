/*
 * cmd.c — the table of commands (see cmd.h) and the usage it prints.
 */
#include "cmd/cmd.h"

#include <string.h>

static const struct cmd_entry table[] = {
	{ "", "[options]", "open the lesson browser", cmd_browser },
	{ "lesson", "ID [options]", "open one lesson (sockscope lesson --help lists its options)", cmd_lesson },
	{ "present", "ID [options]", "the lesson for a room: large, high contrast,\nclicker keys, teacher's notes (n)",
	  cmd_lesson },
	{ "list", "", "list the lessons, numbered", cmd_list },
	{ "check-lessons", "[DIR]", "check every lesson file", cmd_check_lessons },
	{ "quiz", "ID", "answer a lesson's questions", cmd_quiz },
	{ "progress", "[--reset]", "what you have done so far (--reset: forget it)", cmd_progress },
	{ "serve", "PROTO [options]", "run one lab server (http, smtp, ftp, dns...)", cmd_serve },
	{ "addr", "TEXT...", "explain IP addresses (bytes, bits, class)", cmd_addr },
	{ "inspect", "FILE [options]", "a pcap/pcapng file (-i IFACE: a live capture):\npackets, streams, conversations",
	  cmd_inspect },
	{ "challenge", "[NAME] [options]", "write a client or server; the lab checks it on the wire", cmd_challenge },
	{ "trace", "[options] -- PROGRAM [ARGS...]", "run any program: its network calls, each with\nthe packets it caused and its source line", cmd_trace },
	{ "keys", "[--man]", "every screen's keys (--man: the man page's KEYS)", cmd_keys },
	{ "soak", "ROUNDS", "every lesson ROUNDS times in one process; checks\nthat fds, threads, children and heap do not grow",
	  cmd_soak },
	{ "help", "[COMMAND]", "this list, or one command's options", cmd_help },
};

const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

void cmd_usage(FILE *f)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct cmd_entry *e = &table[i];
		char head[64];
		snprintf(head, sizeof head, "sockscope%s%s%s%s", e->name[0] ? " " : "", e->name, e->args[0] ? " " : "",
		         e->args);
		const char *s = e->summary;
		size_t n = strcspn(s, "\n");
		fprintf(f, "%s %-40s %.*s\n", i ? "      " : "usage:", head, (int)n, s);
		for (s += n; *s == '\n'; s += n) {
			s++;
			n = strcspn(s, "\n");
			fprintf(f, "       %-40s %.*s\n", "", (int)n, s);
		}
	}
	fprintf(f, "\nID is a lesson's id, its number in sockscope list, or the start of one id (tcp)\n");
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		cmd_usage(stdout);
		return 0;
	}
	const struct cmd_entry *e = cmd_find(argv[1]);
	if (!e || !e->name[0]) {
		fprintf(stderr, "sockscope: no command '%s'\n", argv[1]);
		cmd_usage(stderr);
		return 2;
	}
	char *help[] = { argv[1], "--help", NULL };
	return e->run(2, help);
}
