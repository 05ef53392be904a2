/*
 * keys.h — key tables: for every screen, which keys do what, in one place.
 *
 * A screen declares one `static const` table of {keys, action, help}: its
 * handle_key asks keys_action() which action a key is and switches on that,
 * and its help page (the ? overlay), `sockscope keys` and the man page's
 * KEYS section are printed from the same table.  So the help cannot name a
 * key the screen does not answer, nor miss one it does (sngrep's
 * keybinding table is the precedent).  Text typed into a prompt is not a
 * key binding and is handled by the prompt itself.
 *
 * A binding with action 0 only documents: keys term.c answers for every
 * screen (Ctrl-C, Ctrl-Z, Ctrl-L) or a note on the line above.
 *
 * No curses here: key codes are term.h's, the output is plain text.
 */
#ifndef SOCKSCOPE_KEYS_H
#define SOCKSCOPE_KEYS_H

#include <stddef.h>
#include <stdio.h>

enum { KEYS_PER_BIND = 8 };

struct key_bind {
	int keys[KEYS_PER_BIND];   /* term.h key codes; the unused slots 0 */
	int action;                /* the screen's own action number (> 0); 0: help text only */
	const char *help;          /* what it does, one sentence */
	const char *label;         /* how to name the keys when their names would not say it ("a-f"); NULL: the names */
};

struct key_table {
	const char *title;         /* a heading: "Lesson", "Moving in a list" */
	const struct key_bind *v;
	size_t n;
};

#define KEY_TABLE(title, binds) { (title), (binds), sizeof(binds) / sizeof((binds)[0]) }

/* The action of key in t, 0 when t does not bind it. */
int keys_action(const struct key_table *t, int key);

/* A key's name as the help writes it: "Ctrl-F", "PgDn", "Space", "q". */
const char *keys_name(int key, char *buf, size_t n);
/* A binding's keys as one label: its label, else the names two spaces apart. */
void keys_label(const struct key_bind *b, char *buf, size_t n);

/* The key column keys_help_lines uses for tables in width columns: the
 * longest label within a quarter of the width (at most 16), and two spaces. */
int keys_column(const struct key_table *const *tables, int width);

/* The lines of a help page for tables (a NULL-terminated list) in width
 * columns: for each table a heading, then each binding's label in a column
 * of keyw and its help wrapped beside it.  emit gets each line with its
 * kind; the text is valid only during the call. */
enum keys_line { KEYS_HEADING, KEYS_BINDING, KEYS_MORE, KEYS_BLANK };
void keys_help_lines(const struct key_table *const *tables, int width,
                     void (*emit)(void *ctx, enum keys_line kind, const char *keys, const char *text), void *ctx);

/* The tables as plain text (sockscope keys), or as man(7) source for the
 * man page's KEYS section: a subsection per table, a tagged paragraph per
 * binding. */
void keys_print_text(FILE *f, const struct key_table *const *tables);
void keys_print_man(FILE *f, const struct key_table *const *tables);

#endif
