/*
 * pane_packets.c — the captured packets, one textfmt line each (the same
 * text as the headless output, less the columns the width has no room
 * for: time and length go before the summary does).  The shown step's packets carry a '*' and a
 * colour, the others are dimmed; the cursor picks the packet of the detail
 * pane and follows new packets until the user moves it (End follows again).
 */
#include "tui/pane.h"
#include "render/textfmt.h"
#include "lab/lab_text.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>

struct packets {
	struct ui_lines rows;   /* only the visible ones, rebuilt on each draw */
	size_t top;
	struct rect list;   /* the rows, as last drawn (for clicks) */
	int skip, page;
};

static void packets_fini(void *self)
{
	struct packets *p = self;
	ui_lines_free(&p->rows);
}

static void packets_draw(void *self, struct lesson_view *v, struct rect outer, bool focus)
{
	struct packets *p = self;
	char title[128], line[1024];
	size_t n = v->npackets;
	const struct lab_step_result *r = lesson_view_result(v);
	if (r && !v->no_capture)
		snprintf(title, sizeof title, "Packets (%zu; step %zu put %zu on the wire)", n, v->view + 1, r->npackets);
	else
		snprintf(title, sizeof title, "Packets (%zu)", n);
	struct rect in = term_box(outer, title, focus);
	ui_lines_clear(&p->rows);
	if (v->no_capture) {
		ui_lines_wrap(&p->rows, "No packets are captured in this run:", in.w - 2, TC_ERROR);
		ui_lines_wrap(&p->rows, v->no_capture, in.w - 2, TC_NORMAL);
		ui_lines_draw(&p->rows, (struct rect){ in.y, in.x + 1, in.h, in.w - 2 }, 0, 0, false);
		return;
	}
	int head = in.h >= 3;   /* the column heading, when there is room for packets too */
	textfmt_packet_heading_fit(in.w - 2, line, sizeof line);   /* less the marker column */
	ui_lines_add(&p->rows, line, TC_HEADING, ' ');
	ui_lines_draw(&p->rows, (struct rect){ in.y, in.x, head, in.w }, 0, p->skip, true);
	struct rect list = { in.y + head, in.x, in.h - head, in.w };
	p->page = list.h;
	p->list = list;
	if (n == 0) {
		ui_lines_clear(&p->rows);
		ui_lines_add(&p->rows, v->done ? "(none yet)" : "(none yet: press Space to run the first step)", TC_DIM, ' ');
		ui_lines_draw(&p->rows, list, 0, 0, true);
		return;
	}
	size_t sel = v->sel_packet >= 0 ? (size_t)v->sel_packet : 0;
	p->top = ui_scroll_into_view(p->top, sel, sel, list.h, n);
	ui_lines_clear(&p->rows);
	struct lab_packet pk;
	for (size_t i = p->top; i < n && i < p->top + (size_t)list.h && lab_packet(v->lab, i, &pk); i++) {
		bool mine = pk.step >= 0 && (size_t)pk.step == v->view;
		lab_packet_line_fit(&pk, in.w - 2, line, sizeof line);
		ui_lines_add(&p->rows, line, (long)i == v->sel_packet ? TC_CURSOR : mine ? TC_STEP_PKT : TC_DIM,
		             mine ? '*' : ' ');
	}
	ui_lines_draw(&p->rows, list, 0, p->skip, true);
}

static enum ui_result packets_key(void *self, struct lesson_view *v, int key)
{
	struct packets *p = self;
	if (key == TK_CLICK) {   /* a click on a row selects its packet */
		int y, x;
		term_click(&y, &x);
		size_t i = p->top + (size_t)(y - p->list.y);
		if (!rect_has(p->list, y, x) || i >= v->npackets)
			return UI_HANDLED;
		v->sel_packet = (long)i;
		v->follow = false;
		return UI_REDRAW;
	}
	if (ui_hscroll_key(key, &p->skip))
		return UI_REDRAW;
	long to = ui_move(key, v->sel_packet, v->npackets, p->page);
	if (to < 0 || v->npackets == 0)
		return to < 0 ? UI_IGNORED : UI_HANDLED;
	v->sel_packet = to;
	v->follow = key == TK_END || key == 'G';
	return UI_REDRAW;
}

const struct pane pane_packets = {
	.name = "packets",
	.size = sizeof(struct packets), .fini = packets_fini, .draw = packets_draw, .key = packets_key,
};
