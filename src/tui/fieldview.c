/*
 * fieldview.c — a packet's field tree above (or beside) its bytes, the
 * selected field's bytes highlighted; in hex mode a byte cursor that
 * selects the field owning the byte.  Shared by the lesson's detail pane
 * and the inspection screen.
 */
#include "tui/fieldview.h"
#include "render/textfmt.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fieldview_clear(struct fieldview *f)
{
	if (f->have)
		dissection_free(&f->d);
	free(f->folded);
	free(f->vis);
	f->folded = NULL;
	f->vis = NULL;
	f->nvis = f->sel = f->top = f->hex_top = 0;
	f->cur = 0;
	f->have = false;
	f->data = NULL;
	f->caplen = 0;
}

void fieldview_free(struct fieldview *f)
{
	fieldview_clear(f);
	ui_lines_free(&f->lines);
}

static bool has_children(const struct dissection *d, size_t i)
{
	return i + 1 < d->nfields && d->fields[i + 1].depth > d->fields[i].depth;
}

static void compute_visible(struct fieldview *f)
{
	f->nvis = 0;
	for (size_t i = 0; i < f->d.nfields; i++) {
		f->vis[f->nvis++] = i;
		/* Compared with the folded field's depth, not the last one skipped:
		 * siblings under it share a depth and must go too. */
		unsigned depth = f->d.fields[i].depth;
		if (f->folded[i])
			while (i + 1 < f->d.nfields && f->d.fields[i + 1].depth > depth)
				i++;
	}
	if (f->sel >= f->nvis)
		f->sel = f->nvis ? f->nvis - 1 : 0;
}

void fieldview_set(struct fieldview *f, int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	bool hex = f->hex;
	fieldview_clear(f);
	dissect_frame(linktype, data, caplen, wirelen, &f->d);
	f->have = true;
	f->data = data;
	f->caplen = caplen;
	f->folded = xcalloc(f->d.nfields, sizeof *f->folded);
	f->vis = xcalloc(f->d.nfields, sizeof *f->vis);
	size_t inner = 0;   /* the innermost layer that has fields of its own */
	for (size_t i = 0; i < f->d.nfields; i++)
		if (f->d.fields[i].depth == 0 && has_children(&f->d, i))
			inner = i;
	for (size_t i = 0; i < f->d.nfields; i++) {
		if (f->d.fields[i].depth != 0 || !has_children(&f->d, i))
			continue;
		f->folded[i] = !f->user_folds && i != inner;
		for (size_t k = 0; f->user_folds && k < f->nfold_names; k++)
			f->folded[i] |= strcmp(f->fold_names[k], f->d.fields[i].name) == 0;
	}
	compute_visible(f);
	for (size_t k = 0; k < f->nvis; k++)   /* start on the innermost layer */
		if (f->vis[k] == inner)
			f->sel = f->top = k;
	fieldview_hex_mode(f, hex);
}

const struct field *fieldview_selected(const struct fieldview *f)
{
	return f->have && f->nvis ? &f->d.fields[f->vis[f->sel]] : NULL;
}

void fieldview_hex_mode(struct fieldview *f, bool on)
{
	f->hex = on;
	const struct field *s = fieldview_selected(f);
	f->cur = s && s->off < f->caplen ? s->off : 0;
}

/* Remember which layers are folded, for the next packets. */
static void remember_folds(struct fieldview *f)
{
	f->user_folds = true;
	f->nfold_names = 0;
	for (size_t i = 0; i < f->d.nfields && f->nfold_names < FIELDVIEW_FOLDS; i++)
		if (f->d.fields[i].depth == 0 && f->folded[i])
			snprintf(f->fold_names[f->nfold_names++], FIELD_NAME_MAX, "%s", f->d.fields[i].name);
}

/* Select field i, unfolding the layers above it so that it shows. */
static void select_field(struct fieldview *f, size_t i)
{
	unsigned depth = f->d.fields[i].depth;
	for (size_t j = i; j-- > 0 && depth > 0;)
		if (f->d.fields[j].depth < depth) {
			f->folded[j] = false;
			depth = f->d.fields[j].depth;
		}
	compute_visible(f);
	for (size_t k = 0; k < f->nvis; k++)
		if (f->vis[k] == i)
			f->sel = k;
}

static void draw_hex(struct fieldview *f, struct rect r)
{
	const struct field *s = fieldview_selected(f);
	uint32_t lo = s ? s->off : 0, hi = s ? s->off + s->len : 0;   /* highlighted: [lo, hi) */
	size_t nlines = (f->caplen + TEXTFMT_HEX_PER_LINE - 1) / TEXTFMT_HEX_PER_LINE;
	f->hex_page = r.h;
	if (f->hex)
		f->hex_top = ui_scroll_into_view(f->hex_top, f->cur / TEXTFMT_HEX_PER_LINE, f->cur / TEXTFMT_HEX_PER_LINE,
		                                 r.h, nlines);
	else if (hi > lo)
		f->hex_top = ui_scroll_into_view(f->hex_top, lo / TEXTFMT_HEX_PER_LINE,
		                                 (hi - 1) / TEXTFMT_HEX_PER_LINE, r.h, nlines);
	char line[256];
	for (int row = 0; row < r.h && f->hex_top + (size_t)row < nlines; row++) {
		uint32_t off = (uint32_t)(f->hex_top + (size_t)row) * TEXTFMT_HEX_PER_LINE;
		textfmt_hex_line(f->data, f->caplen, off, line, sizeof line);
		term_text(r.y + row, r.x, r.w, line, TC_NORMAL, 0, true);
		for (int i = 0; i < TEXTFMT_HEX_PER_LINE && off + (uint32_t)i < f->caplen; i++) {
			uint32_t b = off + (uint32_t)i;
			bool cursor = f->hex && b == f->cur;
			if (!cursor && (b < lo || b >= hi))
				continue;
			/* The gap to the next highlighted byte is lit too: one bar per field. */
			int hc = textfmt_hex_col(i), len = !cursor && b + 1 < hi && i + 1 < TEXTFMT_HEX_PER_LINE ?
			                                   textfmt_hex_col(i + 1) - hc : 2;
			enum term_color c = cursor ? TC_CURSOR : TC_HEX_HL;
			if (hc + len <= r.w)
				term_text(r.y + row, r.x + hc, len, line + hc, c, 0, false);
			int ac = textfmt_ascii_col(i);
			if (ac < r.w)
				term_text(r.y + row, r.x + ac, 1, line + ac, c, 0, false);
		}
	}
}

void fieldview_draw(struct fieldview *f, struct rect in, const char *headline, enum term_color headcolor)
{
	char line[512];
	if (!f->have)
		return;
	/* A wide area puts the bytes beside the tree; otherwise they take what
	 * they need below it, up to half the area. */
	int nhex = (int)((f->caplen + TEXTFMT_HEX_PER_LINE - 1) / TEXTFMT_HEX_PER_LINE);
	int hexw = textfmt_ascii_col(TEXTFMT_HEX_PER_LINE) + 1;
	bool side = in.w >= hexw + 40;
	int room = side ? in.h : in.h / 2;
	int hexh = nhex < room ? nhex : room;
	int caption = hexh > 0 && (side ? hexh < in.h : in.h >= 8);   /* names the bytes when there is room */
	struct rect hex = { in.y + in.h - hexh, in.x + 1, hexh, in.w - 1 };
	struct rect tree = { in.y, in.x + 1, in.h - hexh - caption, in.w - 1 };
	if (side) {
		hex = (struct rect){ in.y + caption, in.x + in.w - hexw, hexh, hexw };
		tree = (struct rect){ in.y, in.x + 1, in.h, in.w - hexw - 2 };
	}
	if (headline && tree.h > 4) {   /* the packet's whole line: the list may have cut it */
		ui_lines_clear(&f->lines);
		ui_lines_wrap(&f->lines, headline, tree.w - 1, headcolor);
		int nl = (int)f->lines.n < tree.h / 3 ? (int)f->lines.n : tree.h / 3;
		ui_lines_draw(&f->lines, (struct rect){ tree.y, tree.x, nl, tree.w - 1 }, 0, 0, false);
		tree.y += nl;
		tree.h -= nl;
	}
	if (f->d.status != DIS_OK && tree.h > 0) {
		term_text(tree.y, tree.x, tree.w, f->d.problem, TC_ERROR, 0, true);
		tree.y++;
		tree.h--;
	}
	ui_lines_clear(&f->lines);
	for (size_t k = 0; k < f->nvis; k++) {
		size_t i = f->vis[k];
		textfmt_field_line(&f->d.fields[i], line, sizeof line);
		/* The fold sign goes between the indentation and the name. */
		int ind = (int)strspn(line, " ");
		char shown[600];
		snprintf(shown, sizeof shown, "%.*s%s%s", ind, line,
		         has_children(&f->d, i) ? (f->folded[i] ? "+ " : "- ") : "  ", line + ind);
		enum term_color c = k == f->sel ? (f->hex ? TC_HEX_HL : TC_CURSOR) :
		                    f->d.fields[i].depth == 0 ? TC_BOLD : TC_NORMAL;
		ui_lines_add(&f->lines, shown, c, ' ');
	}
	f->page = tree.h;
	f->top = ui_scroll_into_view(f->top, f->sel, f->sel, tree.h, f->nvis);
	/* Beside the bytes, the tree's rows below them take the whole width:
	 * a wide screen's space under a short packet's dump is not left empty
	 * while long field lines are cut beside it. */
	int below = side ? hex.y + hexh : in.y + in.h;
	for (int row = 0; row < tree.h && f->top + (size_t)row < f->lines.n; row++) {
		const struct ui_line *ln = &f->lines.v[f->top + (size_t)row];
		int y = tree.y + row, w = side && y >= below ? in.w - 1 : tree.w;
		term_text(y, tree.x, w, ln->text, ln->color, 0, true);
	}
	if (caption)
		term_text(hex.y - 1, hex.x, hex.w,
		          f->hex ? "bytes (the cursor's field highlighted):" : "bytes (the selected field's highlighted):",
		          TC_HEADING, 0, false);
	if (hexh > 0)
		draw_hex(f, hex);
}

/* The byte cursor: a row is TEXTFMT_HEX_PER_LINE bytes. */
static enum ui_result hex_key(struct fieldview *f, int key)
{
	static const struct { int key; int dir; } moves[] = {
		{ TK_LEFT, -1 }, { 'h', -1 }, { TK_RIGHT, 1 }, { 'l', 1 },
		{ TK_UP, -TEXTFMT_HEX_PER_LINE }, { 'k', -TEXTFMT_HEX_PER_LINE },
		{ TK_DOWN, TEXTFMT_HEX_PER_LINE }, { 'j', TEXTFMT_HEX_PER_LINE },
		{ TK_PGUP, -2 }, { TK_PGDN, 2 }, { TK_HOME, -3 }, { 'g', -3 }, { TK_END, 3 }, { 'G', 3 },
		/* the rest of ui_keys_move: Ctrl-B/F (and Ctrl-U/D) a page, the wheel 3 rows */
		{ 2, -2 }, { 6, 2 }, { 21, -2 }, { 4, 2 },
		{ TK_WHEEL_UP, -3 * TEXTFMT_HEX_PER_LINE }, { TK_WHEEL_DOWN, 3 * TEXTFMT_HEX_PER_LINE },
	};
	if (f->caplen == 0)
		return UI_IGNORED;
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		if (moves[i].key != key)
			continue;
		long d = moves[i].dir, page = (f->hex_page > 1 ? f->hex_page - 1 : 1) * TEXTFMT_HEX_PER_LINE;
		long to = d == -3 ? 0 : d == 3 ? (long)f->caplen - 1 : (long)f->cur + (d == 2 ? page : d == -2 ? -page : d);
		if (to < 0)
			to = 0;
		if (to >= (long)f->caplen)
			to = (long)f->caplen - 1;
		f->cur = (uint32_t)to;
		int fi = dissect_field_at(&f->d, f->cur);
		if (fi >= 0)
			select_field(f, (size_t)fi);
		return UI_REDRAW;
	}
	return UI_IGNORED;
}

enum { FV_ENTER = 1, FV_LEFT, FV_RIGHT };

static const struct key_bind fieldview_binds[] = {
	{ { TK_ENTER }, FV_ENTER, "fold or unfold the layer under the cursor", NULL },
	{ { TK_LEFT, 'h' }, FV_LEFT, "fold the layer; on a field or a folded layer: go to its layer", NULL },
	{ { TK_RIGHT, 'l' }, FV_RIGHT, "unfold the layer", NULL },
	{ { 0 }, 0, "the selected field's bytes are lit in the hex dump; in the bytes (Tab, in inspect) the arrows "
	  "move a byte cursor and the field owning the byte is selected", "bytes" },
};
const struct key_table fieldview_keys = KEY_TABLE("The field tree (detail pane, inspect)", fieldview_binds);

enum ui_result fieldview_key(struct fieldview *f, int key)
{
	if (!f->have || f->nvis == 0)
		return UI_IGNORED;
	if (f->hex)
		return hex_key(f, key);
	size_t i = f->vis[f->sel];
	bool parent = has_children(&f->d, i);
	int a = keys_action(&fieldview_keys, key);
	if ((a == FV_ENTER && parent) || (a == FV_LEFT && parent && !f->folded[i]) ||
	    (a == FV_RIGHT && parent && f->folded[i])) {
		f->folded[i] = !f->folded[i];
		remember_folds(f);
		compute_visible(f);
		return UI_REDRAW;
	}
	if (a == FV_LEFT) {   /* on a leaf or a folded layer: go to the parent */
		while (f->sel > 0 && f->d.fields[f->vis[f->sel]].depth >= f->d.fields[i].depth && f->d.fields[i].depth)
			f->sel--;
		return UI_REDRAW;
	}
	if (a == FV_ENTER || a == FV_RIGHT)
		return UI_HANDLED;
	long to = ui_move(key, (long)f->sel, f->nvis, f->page);
	if (to < 0)
		return UI_IGNORED;
	f->sel = (size_t)to;
	return UI_REDRAW;
}
