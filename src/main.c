/*
 * main.c — the command line's first command word names a command in the
 * table of src/cmd/cmd.c; without one it is the lesson browser.  Options
 * may come before the word (sockscope --lessons=DIR lesson ID): the
 * command gets them after its name, as if written there.
 */
#include "cmd/cmd.h"
#include "common/mem.h"

#include <stdlib.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		const struct cmd_entry *e = cmd_find(argv[i]);
		if (!e)
			continue;       /* an option's value; else the browser names the unknown word */
		char **v = xcalloc((size_t)argc + 1, sizeof *v);
		int n = 0;
		v[n++] = argv[i];
		for (int k = 1; k < argc; k++)
			if (k != i)
				v[n++] = argv[k];
		v[n] = NULL;
		int rc = e->run(n, v);
		free(v);
		return rc;
	}
	return cmd_browser(argc, argv);
}
