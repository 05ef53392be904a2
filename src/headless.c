/*
 * headless.c — the lesson screen as plain text (see headless.h).
 */
#include "headless.h"
#include "dissect/dissect.h"
#include "lab/textfmt.h"
#include "common/text.h"

#include <string.h>
#include <unistd.h>

static void print_block(FILE *out, const char *label, const struct text_block *b, int family, unsigned port)
{
	char line[1024];
	fprintf(out, "%s:\n", label);
	for (size_t i = 0; i < b->n; i++) {
		lesson_expand(b->lines[i], family, port, line, sizeof line);
		fprintf(out, "  > %s\n", line);
	}
}

static void print_packet(struct lab *lab, const struct lab_packet *p, const struct headless_opts *o, FILE *out)
{
	char line[1024];
	textfmt_packet_line(p, line, sizeof line);
	fprintf(out, "  %s\n", line);

	struct dissection d;
	dissect_frame(lab_linktype(lab), p->data, p->caplen, p->wirelen, &d);
	if (d.info.payload_caplen > 0) {
		text_quote(p->data + d.info.payload_off, d.info.payload_caplen, line, 200);
		fprintf(out, "        data: %u bytes %s\n", d.info.payload_len, line);
	}
	if (o->fields)
		for (size_t i = 0; i < d.nfields; i++) {
			textfmt_field_line(&d.fields[i], line, sizeof line);
			fprintf(out, "        %s  [%u+%u]\n", line, d.fields[i].off, d.fields[i].len);
		}
	if (d.status != DIS_OK)
		fprintf(out, "        (%s)\n", d.problem);
	if (o->hex)
		for (uint32_t off = 0; off < p->caplen; off += TEXTFMT_HEX_PER_LINE) {
			textfmt_hex_line(p->data, p->caplen, off, line, sizeof line);
			fprintf(out, "        %s\n", line);
		}
	dissection_free(&d);
}

/* Packets from index *next on that no step caused (setup, kernel timers). */
static void print_untied(struct lab *lab, size_t *next, const struct headless_opts *o, FILE *out)
{
	struct lab_packet p;
	char label[64];
	while (lab_packet(lab, *next, &p) && p.step < 0) {
		textfmt_step_label(p.step, label, sizeof label);
		fprintf(out, "packet of %s:\n", label);
		print_packet(lab, &p, o, out);
		(*next)++;
	}
}

int headless_run(struct lab *lab, const char *capture_note, const struct headless_opts *o, FILE *out)
{
	const struct lesson *l = lab_lesson(lab);
	int fam = lab_family(lab);
	unsigned port = lab_port(lab);
	int rc = 0;
	char line[1024];

	fprintf(out, "lesson: %s (%s)\n", l->title, l->id);
	fprintf(out, "run over: IPv%d, lab server %s port %u\n", fam, fam == 6 ? "::1" : "127.0.0.1", port);
	fprintf(out, "capture: %s\n", capture_note);
	gid_t groups[64];
	int ng = getgroups(64, groups);
	fprintf(out, "running as: uid %u euid %u gid %u egid %u, %d supplementary groups\n", (unsigned)getuid(),
	        (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid(), ng < 0 ? 0 : ng);

	size_t next = 0;
	int idx;
	while ((idx = lab_step(lab)) >= 0) {
		const struct lesson_step *s = &l->steps[idx];
		const struct lab_step_result *r = lab_result(lab, (size_t)idx);
		fprintf(out, "\n== step %d/%zu: %s\n", idx + 1, l->nsteps, s->title);
		print_block(out, "code", lesson_step_code(s, fam), fam, port);
		if (o->python)
			print_block(out, "python", &s->py, fam, port);
		for (size_t i = 0; i < r->nout; i++)
			fprintf(out, "call: %s: %s %s\n", r->out[i].role == ROLE_CLIENT ? "client" : "lab server",
			        r->out[i].call, r->out[i].result);
		if (o->explain)
			for (size_t i = 0; i < s->explain.n; i++) {
				lesson_expand(s->explain.lines[i], fam, port, line, sizeof line);
				fprintf(out, "  | %s\n", line);
			}
		if (!lab_capturing(lab)) {
			fprintf(out, "packets: not captured\n");
			continue;
		}
		print_untied(lab, &next, o, out);
		if (!r->attributed) {
			fprintf(out, "packets: UNATTRIBUTED (the capture did not see the step's end marker)\n");
			rc = 1;
		}
		fprintf(out, "packets: %zu%s\n", r->npackets, r->quiet ? "" : " (the kernel still had data in flight)");
		struct lab_packet p;
		for (; lab_packet(lab, next, &p) && p.step == idx; next++)
			print_packet(lab, &p, o, out);
	}
	if (lab_capturing(lab)) {
		print_untied(lab, &next, o, out);
		lab_capture_status(lab, line, sizeof line);
		fprintf(out, "\n%s\n", line);
	}
	return rc;
}
