/*
 * cmd_keys.c — `sockscope keys [--man]`: every screen's keys, printed from
 * the screens' own key tables (the ones that dispatch them), so this text,
 * the ? help and the man page's KEYS section cannot drift apart.
 */
#include "cmd/cmd.h"
#include "tui/tui.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int cmd_keys(int argc, char **argv)
{
	bool man = argc > 1 && strcmp(argv[1], "--man") == 0;
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: sockscope keys [--man]\n  every screen's keys; --man: as the man page's KEYS section\n");
		return 0;
	}
	if (argc > 1 + man) {
		fprintf(stderr, "sockscope: keys takes only --man\n");
		return 2;
	}
	tui_print_keys(stdout, man);
	return 0;
}
