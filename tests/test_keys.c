/*
 * test_keys.c — the key tables' helpers (src/tui/keys.c), without a
 * terminal: a key finds its action and only its own, keys are named as the
 * help writes them, a help page never runs past its width and keeps every
 * word, and the man page's source escapes what roff would read as its own.
 * keys.c includes no curses, so this links against the core alone.
 */
#include "tui/keys.h"
#include "tui/term.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

enum { A_ONE = 1, A_TWO, A_WHEEL };

static const struct key_bind binds[] = {
	{ { 'q', TK_ESC }, A_ONE, "leave", NULL },
	{ { 6, TK_PGDN }, A_TWO, "a page down, which is a longer sentence than the width of the column it is in, "
	  "so that it has to be wrapped over several lines", NULL },
	{ { TK_WHEEL_UP, TK_WHEEL_DOWN }, A_WHEEL, ".starts with a dot - and a \\backslash", NULL },
	{ { 0 }, 0, "a note", "typing" },
};
static const struct key_table table = KEY_TABLE("Test", binds);
static const struct key_table *const tables[] = { &table, NULL };

static void test_lookup(void)
{
	EQ_INT(A_ONE, keys_action(&table, 'q'));
	EQ_INT(A_ONE, keys_action(&table, TK_ESC));
	EQ_INT(A_TWO, keys_action(&table, 6));
	EQ_INT(A_WHEEL, keys_action(&table, TK_WHEEL_DOWN));
	EQ_INT(0, keys_action(&table, 'x'));
	EQ_INT(0, keys_action(&table, 0));   /* the unused slots never match */
}

static void test_names(void)
{
	char b[32], l[128];
	EQ_STR("Ctrl-F", keys_name(6, b, sizeof b));
	EQ_STR("Ctrl-D", keys_name(4, b, sizeof b));
	EQ_STR("Space", keys_name(' ', b, sizeof b));
	EQ_STR("PgDn", keys_name(TK_PGDN, b, sizeof b));
	EQ_STR("Shift-Tab", keys_name(TK_BTAB, b, sizeof b));
	EQ_STR("]", keys_name(']', b, sizeof b));
	keys_label(&binds[0], l, sizeof l);
	EQ_STR("q  Esc", l);
	keys_label(&binds[2], l, sizeof l);
	EQ_STR("wheel", l);   /* both directions, one name */
	keys_label(&binds[3], l, sizeof l);
	EQ_STR("typing", l);
}

struct page {
	int width, lines, words;
	bool over;
	int keyw;
};

static int count_words(const char *s)
{
	int n = 0;
	for (const char *p = s; *p; p++)
		n += *p != ' ' && (p == s || p[-1] == ' ');
	return n;
}

static void emit(void *ctx, enum keys_line kind, const char *keys, const char *text)
{
	struct page *p = ctx;
	p->lines++;
	if (kind == KEYS_BINDING || kind == KEYS_MORE) {
		if (p->keyw + (int)strlen(text) > p->width)
			p->over = true;
		p->words += count_words(text);
	}
	(void)keys;
}

static void test_help_lines(void)
{
	int want = 0;
	for (size_t i = 0; i < table.n; i++)
		want += count_words(table.v[i].help);
	for (int width = 30; width <= 120; width += 15) {
		struct page p = { .width = width, .keyw = keys_column(tables, width) };
		keys_help_lines(tables, width, emit, &p);
		CHECK_MSG(!p.over, "a help line is wider than %d columns", width);
		CHECK_MSG(p.words == want, "%d words of %d at width %d", p.words, want, width);
		CHECK_MSG(p.lines >= 1 + (int)table.n, "%d lines at width %d", p.lines, width);
	}
	struct page huge = { .width = 1000, .keyw = keys_column(tables, 1000) };
	keys_help_lines(tables, 1000, emit, &huge);   /* wider than any line buffer: still ends, every word kept */
	CHECK_MSG(huge.words == want, "%d words of %d at width 1000", huge.words, want);
	struct page narrow = { .width = 30, .keyw = keys_column(tables, 30) };
	struct page wide = { .width = 120, .keyw = keys_column(tables, 120) };
	keys_help_lines(tables, 30, emit, &narrow);
	keys_help_lines(tables, 120, emit, &wide);
	CHECK_MSG(narrow.lines > wide.lines, "the page does not wrap to its width (%d lines at 30, %d at 120)",
	          narrow.lines, wide.lines);
}

static void test_man(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	keys_print_man(f, tables);
	fclose(f);
	CHECK(strstr(buf, ".SS Test\n") != NULL);
	CHECK(strstr(buf, "\\fBq\\fR, \\fBEsc\\fR\n") != NULL);
	CHECK(strstr(buf, "\\fBCtrl\\-F\\fR, \\fBPgDn\\fR\n") != NULL);
	CHECK(strstr(buf, "\n\\&.starts with a dot \\- and a \\ebackslash\n") != NULL);   /* not a roff request */
	CHECK(strstr(buf, "\\fItyping\\fR\n") != NULL);
	free(buf);
}

int main(void)
{
	test_lookup();
	test_names();
	test_help_lines();
	test_man();
	return check_done("test_keys");
}
