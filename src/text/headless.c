/*
 * headless.c — the lesson screen as plain text (see headless.h).
 */
#include "text/headless.h"
#include "lab/record.h"
#include "dissect/dissect.h"
#include "capfile/write.h"
#include "render/ladder.h"
#include "render/textfmt.h"
#include "lab/lab_text.h"
#include "common/text.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_block(FILE *out, const char *label, const struct text_block *b, const struct lesson_vars *v)
{
	char line[1024];
	fprintf(out, "%s:\n", label);
	for (size_t i = 0; i < b->n; i++) {
		lesson_expand(b->lines[i], v, line, sizeof line);
		fprintf(out, "  > %s\n", line);
	}
}

/* A traced lab's step: the lines of the real program that ran, numbered
 * as in the file ("program: client.c:56-57" and each line). */
static void print_source(FILE *out, const struct lab *lab, size_t step)
{
	char path[4096];
	int first, last;
	if (!lab_step_source(lab, step, path, sizeof path, &first, &last))
		return;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	fprintf(out, "program: %s:%d-%d\n", base, first, last);
	FILE *f = fopen(path, "r");
	char line[1024];
	for (int n = 1; f && fgets(line, sizeof line, f) && n <= last; n++)
		if (n >= first)
			fprintf(out, "  %4d| %s%s", n, line, strchr(line, '\n') ? "" : "\n");
	if (f)
		fclose(f);
}

static void print_packet(struct lab *lab, const struct lab_packet *p, const struct headless_opts *o, FILE *out)
{
	char line[1024];
	lab_packet_line(p, line, sizeof line);
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
		lab_step_label(p.step, label, sizeof label);
		fprintf(out, "packet of %s:\n", label);
		print_packet(lab, &p, o, out);
		(*next)++;
	}
}

/* The guess for step (1-based) in "3:2,6:3", or -1. */
static long guess_for(const char *guesses, int step)
{
	for (const char *g = guesses; g && *g;) {
		char *end;
		long st = strtol(g, &end, 10);
		if (*end != ':')
			break;
		long v = strtol(end + 1, &end, 10);
		if (st == step)
			return v;
		g = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return -1;
}

/* Predict, then capture: the key is what the capture counted. */
static void print_prediction(struct lab *lab, int idx, const struct lesson_step *s, const char *guesses, FILE *out)
{
	unsigned seen = lab_count(lab, (size_t)idx, s->predict);
	fprintf(out, "predict (%s): %s\n", lesson_predict_name(s->predict), s->predict_q);
	long g = guess_for(guesses, idx + 1);
	if (g >= 0)
		fprintf(out, "predict: you said %ld; the capture shows %u: %s\n", g, seen,
		        (unsigned long)g == seen ? "right" : "not this time");
	else
		fprintf(out, "predict: the capture shows %u\n", seen);
}

/* The lesson's claims about this step, checked; returns how many failed. */
static int print_expects(struct lab *lab, int idx, const struct lesson_step *s, FILE *out)
{
	int failed = 0;
	for (size_t i = 0; i < s->nexpects; i++) {
		const struct lesson_expect *e = &s->expects[i];
		if (!lab_expect_applies(lab, e))
			continue;
		char want[200], seen[160];
		lesson_expect_text(e, want, sizeof want);
		bool ok = lab_expect_check(lab, (size_t)idx, e, seen, sizeof seen);
		failed += !ok;
		if (ok)
			fprintf(out, "expect: %s: ok\n", want);
		else
			fprintf(out, "expect: %s: FAILED (%s; %s:%d)\n", want, seen, lab_lesson(lab)->path, e->line);
	}
	return failed;
}

/* Every TCP connection of the run as a ladder diagram, 100 columns wide,
 * each arrow tagged with the step that caused it and the step's call. */
static void print_ladders(struct lab *lab, FILE *out)
{
	struct lab_frames fr;
	lab_frames_get(lab, &fr);
	ladder_print(fr.f, fr.n, 100, out);
	lab_frames_free(&fr);
}

/* The lab's packets as a pcap file, for `sockscope inspect` and other tools. */
static int write_packets(struct lab *lab, const char *path, FILE *out)
{
	char err[512];
	struct capfile_write_opts wo = { .format = CAPFILE_PCAP, .linktype = lab_linktype(lab), .snaplen = CAPFILE_SNAPLEN };
	struct capfile_writer *w = capfile_writer_open(path, &wo, err, sizeof err);
	if (!w) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	struct lab_packet p;
	size_t i = 0;
	for (; lab_packet(lab, i, &p); i++)
		capfile_writer_packet(w, (int64_t)p.ts.tv_sec * 1000000000 + (int64_t)p.ts.tv_usec * 1000, p.caplen,
		                      p.wirelen, p.data, NULL);
	if (capfile_writer_close(w, true, err, sizeof err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	fprintf(out, "wrote %zu packets to %s\n", i, path);
	return 0;
}

int headless_run(struct lab *lab, const char *capture_note, const struct headless_opts *o, FILE *out)
{
	const struct lesson *l = lab_lesson(lab);
	int fam = lab_family(lab);
	unsigned port = lab_port(lab);
	int rc = 0;
	char line[1024];

	fprintf(out, "lesson: %s (%s)\n", l->title, l->id);
	if (lab_lang(lab))
		fprintf(out, "run over: IPv%d, the lesson's %s programs on %s (%s)\n", fam,
		        lab_lang(lab) == 'c' ? "C" : "Python", fam == 6 ? "::1" : "127.0.0.1", l->programs);
	else
		fprintf(out, "run over: IPv%d, lab server %s port %u\n", fam, fam == 6 ? "::1" : "127.0.0.1", port);
	fprintf(out, "capture: %s\n", capture_note);
	gid_t groups[64];
	int ng = getgroups(64, groups);
	fprintf(out, "running as: uid %u euid %u gid %u egid %u, %d supplementary groups\n", (unsigned)getuid(),
	        (unsigned)geteuid(), (unsigned)getgid(), (unsigned)getegid(), ng < 0 ? 0 : ng);
	if (lab_side(lab) != DEMO_SIDE_BOTH) {
		lab_peer_note(lab, line, sizeof line);
		fprintf(out, "%s\n", line + 2);   /* without "; " */
		fflush(out);   /* the server side's line says what to run in the other terminal: now */
	}

	size_t next = 0;
	int idx;
	if (o->from > 1 && o->from <= l->nsteps)
		fprintf(out, "\n(steps 1-%u run first, not shown: --from %u)\n", o->from - 1, o->from);
	while ((idx = lab_step(lab)) >= 0) {
		const struct lesson_step *s = &l->steps[idx];
		const struct lab_step_result *r = lab_result(lab, (size_t)idx);
		if ((unsigned)idx + 1 < o->from) {   /* run, not shown: step over its packets too */
			struct lab_packet p;
			while (lab_packet(lab, next, &p) && p.step <= idx)
				next++;
			continue;
		}
		fprintf(out, "\n== step %d/%zu: %s\n", idx + 1, l->nsteps, s->title);
		if (lab_lang(lab))
			print_source(out, lab, (size_t)idx);
		else
			print_block(out, "code", lesson_step_code(s, fam), lab_vars(lab));
		if (o->python && !lab_lang(lab))
			print_block(out, "python", &s->py, lab_vars(lab));
		for (size_t i = 0; i < r->nout; i++)
			fprintf(out, "call: %s: %s %s\n", r->out[i].role == DEMO_ROLE_CLIENT ? "client" : "lab server",
			        r->out[i].call, r->out[i].result);
		for (size_t i = 0; i < r->npeer; i++)
			fprintf(out, "other terminal's call: %s: %s %s\n", r->peer_out[i].role == DEMO_ROLE_CLIENT ? "client" : "lab server",
			        r->peer_out[i].call, r->peer_out[i].result);
		for (const char *c = r->output; *c;) {   /* a traced program's own lines */
			size_t k = strcspn(c, "\n");
			fprintf(out, "output: %.*s\n", (int)k, c);
			c += k + (c[k] == '\n');
		}
		for (size_t i = 0; i < r->nstates; i++)
			fprintf(out, "tcp state: %s\n", r->states[i]);
		for (size_t i = 0; i < s->norigins; i++) {
			lab_origin_text(s, &s->origins[i], lab_vars(lab), lab_family(lab), line, sizeof line);
			fprintf(out, "origin: %s <- %s\n", s->origins[i].field, line);
		}
		if (s->predict && lab_capturing(lab))
			print_prediction(lab, idx, s, o->guesses, out);
		if (o->explain)
			for (size_t i = 0; i < s->explain.n; i++) {
				lesson_expand(s->explain.lines[i], lab_vars(lab), line, sizeof line);
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
		if (r->kernel_drops)
			fprintf(out, "packets: %s\n", lab_drops_text(r, line, sizeof line));
		struct lab_packet p;
		for (; lab_packet(lab, next, &p) && p.step == idx; next++)
			print_packet(lab, &p, o, out);
		if (print_expects(lab, idx, s, out) && o->check)
			rc = 1;
	}
	if (lab_capturing(lab)) {
		print_untied(lab, &next, o, out);
		lab_capture_status(lab, line, sizeof line);
		fprintf(out, "\n%s\n", line);
		if (o->ladder)
			print_ladders(lab, out);
		if (o->write_path && write_packets(lab, o->write_path, out))
			rc = 1;
	} else if (o->write_path) {
		fprintf(stderr, "sockscope: nothing was captured, so %s was not written\n", o->write_path);
		rc = 1;
	}
	if (o->record_path) {
		char msg[1024];
		if (record_finish(lab, o->record_path, msg, sizeof msg) < 0) {
			fprintf(stderr, "sockscope: %s\n", msg);
			rc = 1;
		} else {
			fprintf(out, "%s\n", msg);
		}
	}
	return rc;
}

void headless_compare(struct lab *a, struct lab *b, const char *toggle, FILE *out)
{
	const struct lesson *l = lab_lesson(a);
	struct lab *labs[2] = { a, b };
	fprintf(out, "compare: %s, without and with toggle '%s'\n", l->title, toggle);
	for (size_t st = 0; st < l->nsteps; st++) {
		const struct lab_step_result *r[2] = { lab_result(a, st), lab_result(b, st) };
		size_t rows = r[0]->npackets > r[1]->npackets ? r[0]->npackets : r[1]->npackets;
		fprintf(out, "\n== step %zu/%zu: %s\n", st + 1, l->nsteps, l->steps[st].title);
		char head[64];
		snprintf(head, sizeof head, "without %s (%zu packets)", toggle, r[0]->npackets);
		fprintf(out, "   %-44s | with %s (%zu packets)\n", head, toggle, r[1]->npackets);
		fprintf(out, "packets: %zu without, %zu with%s\n", r[0]->npackets, r[1]->npackets,
		        r[0]->npackets != r[1]->npackets ? "  ! different" : "");
		for (size_t i = 0; i < rows; i++) {
			char shape[2][96] = { "", "" };
			for (int k = 0; k < 2; k++) {
				struct lab_packet p;
				if (i < r[k]->npackets && lab_packet(labs[k], r[k]->first_packet + i, &p))
					lab_packet_shape(&p, shape[k], sizeof shape[k]);
			}
			fprintf(out, " %c %-44s | %s\n", strcmp(shape[0], shape[1]) ? '!' : ' ', shape[0], shape[1]);
		}
	}
}
