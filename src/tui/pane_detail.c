/*
 * pane_detail.c — the selected packet: its field tree (layers foldable)
 * above its bytes in hex and ASCII, where the selected field's bytes are
 * highlighted (fieldview.h draws both; the inspection screen shares it).
 * The packet is dissected once when the selection changes.
 */
#include "tui/pane.h"
#include "common/mem.h"
#include "tui/fieldview.h"
#include "lab/lab_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct detail {
	long pkt;                 /* the packet dissected, -1 none */
	struct lab_packet p;
	struct fieldview fv;
};

static void detail_init(void *self)
{
	struct detail *d = self;
	d->pkt = -1;
}

static void detail_fini(void *self)
{
	struct detail *d = self;
	fieldview_free(&d->fv);
}

/* Dissect the selected packet if it is not the one shown. */
static void sync(struct detail *d, struct lesson_view *v)
{
	if (v->sel_packet == d->pkt)
		return;
	fieldview_clear(&d->fv);
	d->pkt = -1;
	if (v->sel_packet < 0 || !lab_packet(v->lab, (size_t)v->sel_packet, &d->p))
		return;
	fieldview_set(&d->fv, lab_linktype(v->lab), d->p.data, d->p.caplen, d->p.wirelen);
	if (d->fv.have)
		d->pkt = v->sel_packet;
}

/* Tell the lesson screen which field is selected (bytes back to code). */
static void publish(const struct detail *d, struct lesson_view *v)
{
	const struct field *f = fieldview_selected(&d->fv);
	v->sel_field[0] = '\0';
	v->sel_field_step = LAB_PKT_SETUP;
	if (d->pkt < 0 || !f)
		return;
	snprintf(v->sel_field, sizeof v->sel_field, "%s", f->name);
	v->sel_field_step = d->p.step;
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
	lab_step_label(d->p.step, label, sizeof label);
	snprintf(title, sizeof title, "Packet %ld (%s): fields and bytes", d->pkt + 1, label);
	struct rect in = term_box(outer, title, focus);
	snprintf(line, sizeof line, "%s > %s  %s", d->p.src, d->p.dst, d->p.summary);
	fieldview_draw(&d->fv, in, line, TC_STEP_PKT);
}

static enum ui_result detail_key(void *self, struct lesson_view *v, int key)
{
	struct detail *d = self;
	if (d->pkt < 0)
		return UI_IGNORED;
	enum ui_result r = fieldview_key(&d->fv, key);
	publish(d, v);
	return r;
}

const struct pane pane_detail = {
	.name = "detail",
	.size = sizeof(struct detail), .init = detail_init, .fini = detail_fini, .draw = detail_draw, .key = detail_key,
};
