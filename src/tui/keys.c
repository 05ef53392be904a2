/*
 * keys.c — looking keys up in a screen's table, and the table as help:
 * the ? page, `sockscope keys` and the man page all come from here, so
 * they say the same thing the dispatch does.
 */
#include "tui/keys.h"
#include "tui/term.h"

#include <stdbool.h>
#include <string.h>

int keys_action(const struct key_table *t, int key)
{
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; k < KEYS_PER_BIND && t->v[i].keys[k]; k++)
			if (t->v[i].keys[k] == key)
				return t->v[i].action;
	return 0;
}

const char *keys_name(int key, char *buf, size_t n)
{
	static const struct { int key; const char *name; } names[] = {
		{ TK_UP, "Up" }, { TK_DOWN, "Down" }, { TK_LEFT, "Left" }, { TK_RIGHT, "Right" },
		{ TK_PGUP, "PgUp" }, { TK_PGDN, "PgDn" }, { TK_HOME, "Home" }, { TK_END, "End" },
		{ TK_ENTER, "Enter" }, { TK_TAB, "Tab" }, { TK_BTAB, "Shift-Tab" }, { TK_ESC, "Esc" },
		{ TK_BACKSPACE, "Backspace" }, { TK_CLICK, "click" }, { TK_WHEEL_UP, "wheel" },
		{ TK_WHEEL_DOWN, "wheel" }, { ' ', "Space" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == key) {
			snprintf(buf, n, "%s", names[i].name);
			return buf;
		}
	if (key >= 1 && key <= 26)
		snprintf(buf, n, "Ctrl-%c", 'A' + key - 1);
	else if (key > ' ' && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "?");
	return buf;
}

void keys_label(const struct key_bind *b, char *buf, size_t n)
{
	if (b->label) {
		snprintf(buf, n, "%s", b->label);
		return;
	}
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < KEYS_PER_BIND && b->keys[k] && len < n; k++) {
		char name[32];
		keys_name(b->keys[k], name, sizeof name);
		/* The wheel's two directions are one thing to say. */
		if (b->keys[k] == TK_WHEEL_DOWN && k > 0 && b->keys[k - 1] == TK_WHEEL_UP)
			continue;
		len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "  " : "", name);
	}
}

int keys_column(const struct key_table *const *tables, int width)
{
	/* A clicker's five keys would push every description far right: a label
	 * longer than the cap has a line of its own instead. */
	int cap = width / 4 < 16 ? width / 4 : 16, w = 0;
	for (size_t t = 0; tables[t]; t++)
		for (size_t i = 0; i < tables[t]->n; i++) {
			char l[128];
			keys_label(&tables[t]->v[i], l, sizeof l);
			if ((int)strlen(l) > w && (int)strlen(l) <= cap)
				w = (int)strlen(l);
		}
	return w + 2;
}

void keys_help_lines(const struct key_table *const *tables, int width,
                     void (*emit)(void *ctx, enum keys_line kind, const char *keys, const char *text), void *ctx)
{
	int keyw = keys_column(tables, width);
	int textw = width - keyw > 20 ? width - keyw : 20;
	if (textw > 200)   /* within the line buffer below, so every word makes progress */
		textw = 200;
	for (size_t t = 0; tables[t]; t++) {
		if (t)
			emit(ctx, KEYS_BLANK, "", "");
		emit(ctx, KEYS_HEADING, "", tables[t]->title);
		for (size_t i = 0; i < tables[t]->n; i++) {
			const struct key_bind *b = &tables[t]->v[i];
			char label[128];
			keys_label(b, label, sizeof label);
			bool first = true;
			if ((int)strlen(label) + 2 > keyw) {   /* a long label has a line of its own */
				emit(ctx, KEYS_BINDING, label, "");
				first = false;
			}
			/* Word-wrap the help into textw columns. */
			const char *p = b->help;
			do {
				char line[256];
				size_t len = 0;
				while (*p == ' ')
					p++;
				while (*p) {
					size_t wl = strcspn(p, " ");
					if (len && len + 1 + wl > (size_t)textw)
						break;
					if (!len && wl > (size_t)textw)   /* a word longer than the line: cut it */
						wl = (size_t)textw;
					if (len + 1 + wl >= sizeof line)
						break;
					if (len)
						line[len++] = ' ';
					memcpy(line + len, p, wl);
					len += wl;
					p += wl;
					while (*p == ' ')
						p++;
				}
				line[len] = '\0';
				emit(ctx, first ? KEYS_BINDING : KEYS_MORE, first ? label : "", line);
				first = false;
			} while (*p);
		}
	}
}

struct text_out {
	FILE *f;
	int keyw;
};

static void text_line(void *ctx, enum keys_line kind, const char *keys, const char *text)
{
	struct text_out *o = ctx;
	if (kind == KEYS_HEADING)
		fprintf(o->f, "%s\n", text);
	else if (kind == KEYS_BLANK)
		fputc('\n', o->f);
	else if (!*text)
		fprintf(o->f, "  %s\n", keys);
	else
		fprintf(o->f, "  %-*s%s\n", o->keyw, keys, text);
}

void keys_print_text(FILE *f, const struct key_table *const *tables)
{
	struct text_out o = { f, keys_column(tables, 76) };
	keys_help_lines(tables, 76, text_line, &o);
}

/* Text for roff: a backslash doubled, a leading dot or quote kept from
 * being read as a request, hyphens as \- where they are options or keys. */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

void keys_print_man(FILE *f, const struct key_table *const *tables)
{
	for (size_t t = 0; tables[t]; t++) {
		fputs(".SS ", f);
		roff(f, tables[t]->title);
		fputc('\n', f);
		for (size_t i = 0; i < tables[t]->n; i++) {
			const struct key_bind *b = &tables[t]->v[i];
			fputs(".TP\n", f);
			if (b->label) {
				fputs("\\fI", f);
				roff(f, b->label);
				fputs("\\fR\n", f);
			} else {   /* each key in bold, "a, b" as the man pages around it write them */
				size_t shown = 0;
				for (size_t k = 0; k < KEYS_PER_BIND && b->keys[k]; k++) {
					char name[32];
					if (b->keys[k] == TK_WHEEL_DOWN && k > 0 && b->keys[k - 1] == TK_WHEEL_UP)
						continue;
					fputs(shown++ ? "\\fR, \\fB" : "\\fB", f);
					roff(f, keys_name(b->keys[k], name, sizeof name));
				}
				fputs(shown ? "\\fR\n" : "\\&\n", f);
			}
			roff(f, b->help);
			fputc('\n', f);
		}
	}
}
