/*
 * pane_ladder.c — the packet pane's other face (key L): the lesson's TCP
 * connection as a ladder diagram, from render/ladder.h, the very rows the
 * headless --ladder output prints.
 *
 * It shares the packet selection with the packet list: the cursor is the
 * arrow of the selected packet, moving it selects that packet in the detail
 * pane, and End follows new packets again.  The endpoint heading stays put
 * while the arrows scroll under it.  When a lesson opens more than one
 * connection, c shows the next one.  The diagram is rebuilt only when
 * packets arrive, the pane's width changes or another connection is chosen.
 */
#include "tui/pane.h"
#include "render/ladder.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>

struct ladder_pane {
	struct ladder *lad;
	int *step;              /* per packet of the build: the step that caused it */
	size_t built_n;         /* packets the ladder was built from */
	int built_w;
	size_t conn, nconn;     /* the connection shown, of nconn */
	size_t head;            /* rows of the endpoint heading (fixed at the top) */
	size_t top;             /* first arrow row shown, counted after the heading */
	int skip, page;
	struct ui_lines lines;
};

static void forget(struct ladder_pane *p)
{
	ladder_free(p->lad);
	free(p->step);
	p->lad = NULL;
	p->step = NULL;
}

static void ladder_fini(void *self)
{
	struct ladder_pane *p = self;
	forget(p);
	ui_lines_free(&p->lines);
}

/* The lab's packets as ladder frames, tagged like the headless output. */
static void build(struct ladder_pane *p, struct lesson_view *v, int width)
{
	forget(p);
	struct lab_frames fr;
	struct ladder_conn *c = NULL;
	lab_frames_get(v->lab, &fr);
	p->step = fr.step;   /* kept: the pane owns it from here */
	fr.step = NULL;
	p->nconn = ladder_connections(fr.f, fr.n, &c);
	if (p->conn >= p->nconn)
		p->conn = 0;
	p->lad = ladder_build(fr.f, fr.n, p->nconn ? &c[p->conn] : NULL, width);
	p->head = 0;
	while (p->lad && p->head < p->lad->nrows && p->lad->rows[p->head].frame < 0)
		p->head++;
	free(c);
	lab_frames_free(&fr);
	p->built_n = v->npackets;
	p->built_w = width;
}

/* The arrow row of the selected packet; when that packet is not in the
 * ladder (another connection, UDP), the last arrow before it. */
static long cursor_row(const struct ladder_pane *p, const struct lesson_view *v)
{
	long best = -1;
	for (size_t r = 0; p->lad && r < p->lad->nrows; r++) {
		long fr = p->lad->rows[r].frame;
		if (fr >= 0 && (best < 0 || fr <= v->sel_packet))
			best = (long)r;
		if (fr >= 0 && fr >= v->sel_packet)
			break;
	}
	return best;
}

static void ladder_draw(void *self, struct lesson_view *v, struct rect outer, bool focus)
{
	struct ladder_pane *p = self;
	char title[256] = "Ladder", a[64], b[64];
	int width = outer.w - 4;   /* inside the box, less the marker column */
	if (!v->no_capture && (!p->lad || p->built_n != v->npackets || p->built_w != width))
		build(p, v, width);
	bool found = p->lad && p->lad->found;
	if (found) {
		ladder_endpoint(&p->lad->conn, true, a, sizeof a);
		ladder_endpoint(&p->lad->conn, false, b, sizeof b);
		if (p->nconn > 1)
			snprintf(title, sizeof title, "Ladder: %s <-> %s (connection %zu of %zu, ] next [ previous; L list)", a, b,
			         p->conn + 1, p->nconn);
		else
			snprintf(title, sizeof title, "Ladder: %s <-> %s (L packet list)", a, b);
	}
	struct rect in = term_box(outer, title, focus);
	ui_lines_clear(&p->lines);
	if (v->no_capture || !found) {
		const char *why = v->no_capture ? "No packets are captured in this run." :
		                  v->npackets ? "No TCP connection among the packets yet." :
		                  "No packets yet: press Space to run the next step.";
		ui_lines_wrap(&p->lines, why, in.w - 2, v->no_capture ? TC_ERROR : TC_DIM);
		ui_lines_wrap(&p->lines, "L shows the packet list again.", in.w - 2, TC_DIM);
		ui_lines_draw(&p->lines, (struct rect){ in.y, in.x + 1, in.h, in.w - 2 }, 0, 0, false);
		return;
	}
	const struct ladder *l = p->lad;
	int head = (int)p->head < in.h - 1 ? (int)p->head : 0;   /* the heading, when arrows fit too */
	for (size_t r = 0; r < (size_t)head; r++)
		ui_lines_add(&p->lines, l->rows[r].text, TC_HEADING, ' ');
	ui_lines_draw(&p->lines, (struct rect){ in.y, in.x, head, in.w }, 0, p->skip, true);

	struct rect list = { in.y + head, in.x, in.h - head, in.w };
	size_t n = l->nrows - (size_t)head;
	p->page = list.h;
	long cur = cursor_row(p, v);
	bool exact = cur >= 0 && l->rows[cur].frame == v->sel_packet;
	if (v->follow)
		p->top = ui_scroll_into_view(p->top, n - 1, n - 1, list.h, n);
	else if (cur >= head)
		p->top = ui_scroll_into_view(p->top, (size_t)(cur - head), (size_t)(cur - head), list.h, n);
	ui_lines_clear(&p->lines);
	for (size_t r = (size_t)head; r < l->nrows; r++) {
		long fr = l->rows[r].frame;
		bool mine = fr >= 0 && (size_t)fr < p->built_n && p->step[fr] >= 0 && (size_t)p->step[fr] == v->view;
		enum term_color c = exact && (long)r == cur ? TC_CURSOR : mine ? TC_STEP_PKT : TC_NORMAL;
		ui_lines_add(&p->lines, l->rows[r].text, c, mine ? '*' : ' ');
	}
	ui_lines_draw(&p->lines, list, p->top, p->skip, true);
}

enum { LK_NEXT = 1, LK_PREV };

static const struct key_bind ladder_binds[] = {
	{ { ']' }, LK_NEXT, "the next TCP connection, when there are several", NULL },
	{ { '[' }, LK_PREV, "the previous TCP connection", NULL },
	{ { 0 }, 0, "moving along the arrows selects their packets in the detail pane", "arrows" },
};
const struct key_table pane_ladder_keys = KEY_TABLE("The ladder (L in a lesson)", ladder_binds);

static enum ui_result ladder_key(void *self, struct lesson_view *v, int key)
{
	struct ladder_pane *p = self;
	if (ui_hscroll_key(key, &p->skip))
		return UI_REDRAW;
	int a = keys_action(&pane_ladder_keys, key);
	if (a && p->nconn > 1) {
		p->conn = (p->conn + (a == LK_NEXT ? 1 : p->nconn - 1)) % p->nconn;
		p->top = 0;
		p->built_w = -1;   /* rebuild on the next draw */
		return UI_REDRAW;
	}
	if (!p->lad)
		return UI_IGNORED;
	/* Move among the arrows only: the heading and spacers draw no packet. */
	long *arrows = xcalloc(p->lad->nrows, sizeof *arrows);
	size_t na = 0;
	long cur = cursor_row(p, v), at = 0;
	for (size_t r = 0; r < p->lad->nrows; r++)
		if (p->lad->rows[r].frame >= 0) {
			if ((long)r == cur)
				at = (long)na;
			arrows[na++] = p->lad->rows[r].frame;
		}
	long to = ui_move(key, at, na, p->page);
	enum ui_result res = to < 0 ? UI_IGNORED : UI_HANDLED;
	if (to >= 0 && na) {
		v->sel_packet = arrows[to];
		v->follow = key == TK_END || key == 'G';
		res = UI_REDRAW;
	}
	free(arrows);
	return res;
}

const struct pane pane_ladder = {
	.name = "ladder",
	.size = sizeof(struct ladder_pane), .fini = ladder_fini, .draw = ladder_draw, .key = ladder_key,
};
