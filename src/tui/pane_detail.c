/*
 * pane_detail.c — the selected packet: its field tree (layers foldable)
 * above its bytes in hex and ASCII, where the selected field's bytes are
 * highlighted.  The packet is dissected once when the selection changes.
 */
#include "tui/pane.h"
#include "lab/textfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct detail {
	long pkt;                 /* the packet dissected, -1 none */
	struct lab_packet p;
	struct dissection d;
	bool *folded;             /* per field */
	size_t *vis, nvis;        /* fields shown (children of folded ones hidden) */
	size_t sel, top, hex_top; /* sel indexes vis */
	/* Folded layers, by name, once the user folded or unfolded one; until
	 * then every layer but the innermost (TCP, UDP...) starts folded. */
	bool user_folds;
	char fold_names[8][FIELD_NAME_MAX];
	size_t nfold_names;
	int page;
	struct ui_lines lines;
};

static void *detail_create(void)
{
	struct detail *d = calloc(1, sizeof *d);
	if (d)
		d->pkt = -1;
	return d;
}

static void forget(struct detail *d)
{
	if (d->pkt >= 0)
		dissection_free(&d->d);
	free(d->folded);
	free(d->vis);
	d->folded = NULL;
	d->vis = NULL;
	d->nvis = d->sel = d->top = d->hex_top = 0;
	d->pkt = -1;
}

static void detail_destroy(void *self)
{
	struct detail *d = self;
	forget(d);
	ui_lines_free(&d->lines);
	free(d);
}

static bool has_children(const struct dissection *d, size_t i)
{
	return i + 1 < d->nfields && d->fields[i + 1].depth > d->fields[i].depth;
}

static void compute_visible(struct detail *d)
{
	d->nvis = 0;
	for (size_t i = 0; i < d->d.nfields; i++) {
		d->vis[d->nvis++] = i;
		if (d->folded[i])
			while (i + 1 < d->d.nfields && d->d.fields[i + 1].depth > d->d.fields[i].depth)
				i++;
	}
	if (d->sel >= d->nvis)
		d->sel = d->nvis ? d->nvis - 1 : 0;
}

/* Dissect the selected packet if it is not the one shown. */
static void sync(struct detail *d, struct lesson_view *v)
{
	if (v->sel_packet == d->pkt)
		return;
	forget(d);
	if (v->sel_packet < 0 || !lab_packet(v->lab, (size_t)v->sel_packet, &d->p))
		return;
	dissect_frame(lab_linktype(v->lab), d->p.data, d->p.caplen, d->p.wirelen, &d->d);
	d->pkt = v->sel_packet;
	size_t n = d->d.nfields ? d->d.nfields : 1;
	d->folded = calloc(n, sizeof *d->folded);
	d->vis = calloc(n, sizeof *d->vis);
	if (!d->folded || !d->vis) {
		forget(d);
		return;
	}
	size_t inner = 0;   /* the innermost layer that has fields of its own */
	for (size_t i = 0; i < d->d.nfields; i++)
		if (d->d.fields[i].depth == 0 && has_children(&d->d, i))
			inner = i;
	for (size_t i = 0; i < d->d.nfields; i++) {
		if (d->d.fields[i].depth != 0 || !has_children(&d->d, i))
			continue;
		d->folded[i] = !d->user_folds && i != inner;
		for (size_t k = 0; d->user_folds && k < d->nfold_names; k++)
			d->folded[i] |= strcmp(d->fold_names[k], d->d.fields[i].name) == 0;
	}
	compute_visible(d);
	for (size_t k = 0; k < d->nvis; k++)   /* start on the innermost layer */
		if (d->vis[k] == inner)
			d->sel = d->top = k;
}

/* Tell the lesson screen which field is selected (bytes back to code). */
static void publish(const struct detail *d, struct lesson_view *v)
{
	v->sel_field[0] = '\0';
	v->sel_field_step = PKT_SETUP;
	if (d->pkt < 0 || d->nvis == 0)
		return;
	snprintf(v->sel_field, sizeof v->sel_field, "%s", d->d.fields[d->vis[d->sel]].name);
	v->sel_field_step = d->p.step;
}

/* Remember which layers are folded, for the next packets. */
static void remember_folds(struct detail *d)
{
	d->user_folds = true;
	d->nfold_names = 0;
	for (size_t i = 0; i < d->d.nfields && d->nfold_names < 8; i++)
		if (d->d.fields[i].depth == 0 && d->folded[i])
			snprintf(d->fold_names[d->nfold_names++], FIELD_NAME_MAX, "%s", d->d.fields[i].name);
}

static enum ui_result detail_move(struct detail *d, int key);

static void draw_hex(struct detail *d, struct rect r)
{
	const struct field *f = d->nvis ? &d->d.fields[d->vis[d->sel]] : NULL;
	uint32_t lo = f ? f->off : 0, hi = f ? f->off + f->len : 0;   /* highlighted: [lo, hi) */
	size_t nlines = (d->p.caplen + TEXTFMT_HEX_PER_LINE - 1) / TEXTFMT_HEX_PER_LINE;
	if (hi > lo)
		d->hex_top = ui_scroll_into_view(d->hex_top, lo / TEXTFMT_HEX_PER_LINE,
		                                 (hi - 1) / TEXTFMT_HEX_PER_LINE, r.h, nlines);
	char line[256];
	for (int row = 0; row < r.h && d->hex_top + (size_t)row < nlines; row++) {
		uint32_t off = (uint32_t)(d->hex_top + (size_t)row) * TEXTFMT_HEX_PER_LINE;
		textfmt_hex_line(d->p.data, d->p.caplen, off, line, sizeof line);
		term_text(r.y + row, r.x, r.w, line, TC_NORMAL, 0, true);
		for (int i = 0; i < TEXTFMT_HEX_PER_LINE && off + (uint32_t)i < d->p.caplen; i++) {
			uint32_t b = off + (uint32_t)i;
			if (b < lo || b >= hi)
				continue;
			/* The gap to the next highlighted byte is lit too: one bar per field. */
			int hc = textfmt_hex_col(i), len = b + 1 < hi && i + 1 < TEXTFMT_HEX_PER_LINE ?
			                                   textfmt_hex_col(i + 1) - hc : 2;
			if (hc + len <= r.w)
				term_text(r.y + row, r.x + hc, len, line + hc, TC_HEX_HL, 0, false);
			int ac = textfmt_ascii_col(i);
			if (ac < r.w)
				term_text(r.y + row, r.x + ac, 1, line + ac, TC_HEX_HL, 0, false);
		}
	}
}

static void detail_draw(void *self, struct lesson_view *v, struct rect outer, bool focus)
{
	struct detail *d = self;
	sync(d, v);
	publish(d, v);
	char title[128], line[512], label[64];
	if (d->pkt < 0) {
		struct rect in = term_box(outer, "Packet detail", focus);
		term_text(in.y, in.x + 1, in.w - 2, v->no_capture ? "No packets in this run." : v->npackets ?
		          "Select a packet in the packet list." : "No packets yet.", TC_DIM, 0, false);
		return;
	}
	textfmt_step_label(d->p.step, label, sizeof label);
	snprintf(title, sizeof title, "Packet %ld (%s): fields and bytes", d->pkt + 1, label);
	struct rect in = term_box(outer, title, focus);
	/* A wide pane puts the bytes beside the tree; otherwise they take what
	 * they need below it, up to half the pane. */
	int nhex = (int)((d->p.caplen + TEXTFMT_HEX_PER_LINE - 1) / TEXTFMT_HEX_PER_LINE);
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
	if (tree.h > 4) {   /* the packet's whole line: the list may have cut it */
		snprintf(line, sizeof line, "%s > %s  %s", d->p.src, d->p.dst, d->p.summary);
		ui_lines_clear(&d->lines);
		ui_lines_wrap(&d->lines, line, tree.w - 1, TC_STEP_PKT);
		int nl = (int)d->lines.n < tree.h / 3 ? (int)d->lines.n : tree.h / 3;
		ui_lines_draw(&d->lines, (struct rect){ tree.y, tree.x, nl, tree.w - 1 }, 0, 0, false);
		tree.y += nl;
		tree.h -= nl;
	}
	if (d->d.status != DIS_OK && tree.h > 0) {
		term_text(tree.y, tree.x, tree.w, d->d.problem, TC_ERROR, 0, true);
		tree.y++;
		tree.h--;
	}
	ui_lines_clear(&d->lines);
	for (size_t k = 0; k < d->nvis; k++) {
		size_t i = d->vis[k];
		textfmt_field_line(&d->d.fields[i], line, sizeof line);
		/* The fold sign goes between the indentation and the name. */
		int ind = (int)strspn(line, " ");
		char shown[600];
		snprintf(shown, sizeof shown, "%.*s%s%s", ind, line,
		         has_children(&d->d, i) ? (d->folded[i] ? "+ " : "- ") : "  ", line + ind);
		enum term_color c = k == d->sel ? TC_CURSOR : d->d.fields[i].depth == 0 ? TC_BOLD : TC_NORMAL;
		ui_lines_add(&d->lines, shown, c, ' ');
	}
	d->page = tree.h;
	d->top = ui_scroll_into_view(d->top, d->sel, d->sel, tree.h, d->nvis);
	ui_lines_draw(&d->lines, tree, d->top, 0, false);
	if (caption)
		term_text(hex.y - 1, hex.x, hex.w, "bytes (the selected field's highlighted):", TC_HEADING, 0, false);
	if (hexh > 0)
		draw_hex(d, hex);
}

static enum ui_result detail_key(void *self, struct lesson_view *v, int key)
{
	struct detail *d = self;
	enum ui_result r = detail_move(d, key);
	publish(d, v);
	return r;
}

static enum ui_result detail_move(struct detail *d, int key)
{
	if (d->pkt < 0 || d->nvis == 0)
		return UI_IGNORED;
	size_t i = d->vis[d->sel];
	bool parent = has_children(&d->d, i);
	if ((key == TK_ENTER && parent) || ((key == TK_LEFT || key == 'h') && parent && !d->folded[i]) ||
	    ((key == TK_RIGHT || key == 'l') && parent && d->folded[i])) {
		d->folded[i] = !d->folded[i];
		remember_folds(d);
		compute_visible(d);
		return UI_REDRAW;
	}
	if (key == TK_LEFT || key == 'h') {   /* on a leaf or a folded layer: go to the parent */
		while (d->sel > 0 && d->d.fields[d->vis[d->sel]].depth >= d->d.fields[i].depth && d->d.fields[i].depth)
			d->sel--;
		return UI_REDRAW;
	}
	if (key == TK_ENTER || key == TK_RIGHT || key == 'l')
		return UI_HANDLED;
	long to = ui_move(key, (long)d->sel, d->nvis, d->page);
	if (to < 0)
		return UI_IGNORED;
	d->sel = (size_t)to;
	return UI_REDRAW;
}

const struct pane pane_detail = {
	.name = "detail",
	.create = detail_create, .destroy = detail_destroy, .draw = detail_draw, .key = detail_key,
};
