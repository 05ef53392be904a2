/*
 * ui_addr.c — the address explorer (key a): type any text and see, as you
 * type, whether inet_pton reads it as an IPv4 or IPv6 address, its bytes in
 * network order, its bits, the canonical text inet_ntop writes back, and its
 * class in the special-purpose registries (loopback, private, link-local...).
 * Text that is not an address says what is wrong, with a caret under the
 * character at fault.  All the knowledge is in common/ipaddr.h; this screen
 * only lays it out, as `sockscope addr` does on a plain terminal.
 */
#include "tui/ui.h"
#include "common/mem.h"
#include "common/ipaddr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct addr_screen {
	struct ui_size size;       /* first: ui_resize_size fills it */
	struct ui *ui;
	struct ui_input input;
	struct ui_lines lines;
};

static void *addr_create(struct ui *ui, const void *arg, char *err, size_t errlen)
{
	(void)arg;
	(void)err, (void)errlen;
	struct addr_screen *a = xcalloc(1, sizeof *a);
	a->ui = ui;
	return a;
}

static void addr_destroy(void *self)
{
	struct addr_screen *a = self;
	ui_lines_free(&a->lines);
	free(a);
}

/* "label      text", continuation lines under the text. */
static void add_row(struct ui_lines *l, const char *label, const char *text, int width, enum term_color c)
{
	char line[600];
	/* ui_lines_wrap keeps a line's leading indentation: wrap the text alone
	 * under an indent, then put the label into the first line. */
	size_t first = l->n;
	snprintf(line, sizeof line, "           %s", text);
	ui_lines_wrap(l, line, width, c);
	if (l->n > first)
		memcpy(l->v[first].text, label, strlen(label) < 11 ? strlen(label) : 11);
}

static void build(struct addr_screen *s, int width)
{
	struct ui_lines *l = &s->lines;
	const char *text = s->input.buf;
	char buf[400], bin[200];
	struct ipaddr a;
	ui_lines_clear(l);
	if (!s->input.len) {
		ui_lines_wrap(l, "Type an address: 127.0.0.1, 192.168.1.10, ::1, fe80::1, 2001:db8::1, "
		              "::ffff:10.0.0.1, 0177.0.0.1 ...  What you see changes as you type.", width, TC_DIM);
		return;
	}
	if (ipaddr_parse(text, &a) < 0) {
		snprintf(buf, sizeof buf, "not an address: %s", a.error);
		ui_lines_wrap(l, buf, width, TC_ERROR);
		return;
	}
	if (a.family == 4)
		add_row(l, "IPv4", "32 bits, written as four bytes in decimal (dotted decimal)", width, TC_BOLD);
	else
		add_row(l, "IPv6", "128 bits, written as eight 16-bit groups in hex", width, TC_BOLD);
	const char *why = ipaddr_canonical_note(&a, text);
	snprintf(buf, sizeof buf, "%s%s%s%s", a.canonical, why ? "   (" : "", why ? why : "", why ? ")" : "");
	add_row(l, "canonical", buf, width, TC_NORMAL);
	ipaddr_hex(&a, buf, sizeof buf);
	size_t o = strlen(buf);
	snprintf(buf + o, sizeof buf - o, "   (%zu bytes, network order: what goes in the packet)", a.nbytes);
	add_row(l, "bytes", buf, width, TC_NORMAL);
	ipaddr_binary(&a, bin, sizeof bin);
	if (a.family == 6 && strlen(bin) > 68) {   /* four groups a line: the bits line up */
		snprintf(buf, sizeof buf, "%.67s", bin);
		add_row(l, "binary", buf, width, TC_NORMAL);
		add_row(l, "", bin + 68, width, TC_NORMAL);
	} else {
		add_row(l, "binary", bin, width, TC_NORMAL);
	}
	snprintf(buf, sizeof buf, "%s  (%s, %s)", ipaddr_class_name(a.cls), a.range ? a.range : "",
	         a.source ? a.source : "");
	add_row(l, "class", buf, width, TC_OK);
	if (a.explain)
		add_row(l, "", a.explain, width, TC_NORMAL);
	if (a.note[0])
		add_row(l, "", a.note, width, TC_NORMAL);
}

static void addr_draw(void *self)
{
	struct addr_screen *s = self;
	ui_status_bar(0, s->size.w, "sockscope  -  address explorer", "? help");
	struct rect in = term_box((struct rect){ 1, 0, s->size.h - 2, s->size.w }, "Address explorer (a)", true);
	struct rect text = { in.y + 1, in.x + 2, in.h - 1, in.w - 4 };
	term_text(text.y, text.x, 10, "Address:", TC_BOLD, 0, false);
	int fw = text.w - 10 < 60 ? text.w - 10 : 60;
	ui_input_draw(&s->input, text.y, text.x + 10, fw);
	int y = text.y + 1;
	struct ipaddr a;
	int skip = (int)s->input.cur >= fw ? (int)s->input.cur - fw + 1 : 0;   /* as ui_input_draw scrolls */
	if (s->input.len && ipaddr_parse(s->input.buf, &a) < 0 && a.error_pos >= skip &&
	    (size_t)a.error_pos < s->input.len && a.error_pos - skip < fw)
		term_text(y, text.x + 10 + a.error_pos - skip, 1, "^", TC_ERROR, 0, false);
	y += 1;
	build(s, text.w);
	ui_lines_draw(&s->lines, (struct rect){ y, text.x, text.y + text.h - y, text.w }, 0, 0, false);
	ui_status_bar(s->size.h - 1, s->size.w, "inet_pton decides what is an address; the class comes from the IANA registries",
	              "Esc back");
}

enum { A_LEAVE = 1, A_HELP };

/* Everything else is typed into the address: '?' never is part of one. */
static const struct key_bind addr_binds[] = {
	{ { 0 }, 0, "the address, as you type it; Backspace and the arrows edit it", "typing" },
	{ { '?' }, A_HELP, "this help", NULL },
	{ { TK_ESC }, A_LEAVE, "back to the lesson", NULL },
};
static const struct key_table addr_table = KEY_TABLE("Address explorer (a in a lesson)", addr_binds);
static const struct key_table *const addr_help[] = { &addr_table, &ui_keys_anywhere, NULL };

static enum ui_result addr_key(void *self, int key)
{
	struct addr_screen *s = self;
	switch (keys_action(&addr_table, key)) {
	case A_LEAVE:
		return UI_LEAVE;
	case A_HELP:
		return UI_HELP;
	default:
		return ui_input_key(&s->input, key, false) ? UI_REDRAW : UI_HANDLED;
	}
}

const struct ui_screen ui_addr = {
	.name = "address explorer",
	.create = addr_create, .destroy = addr_destroy, .resize = ui_resize_size,
	.draw = addr_draw, .handle_key = addr_key, .help = addr_help,
};
