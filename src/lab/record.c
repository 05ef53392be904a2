/*
 * record.c — lesson runs as pcapng recordings (see record.h).
 *
 * What a recording says is decided here (the facts in the section
 * header's comments, a step name on every packet); the pcapng bytes are
 * written by capfile/write.c and read back by capfile/capfile.c, the one
 * bounds-checked reader of capture files, through its comment access.
 */
#include "lab/record.h"

#include "capfile/capfile.h"
#include "capfile/write.h"
#include "common/mem.h"
#include "common/text.h"
#include "common/vec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECORD_MAGIC "sockscope recording 1"

/* ------------------------------------------------------------ writing */

/* The section header's comments, collected before the file is opened (a
 * pcapng section header comes first and holds them all). */
struct facts {
	char **v;
	size_t n, cap;
};

/* A section header comment, printf-style; tabs separate fields, so none
 * may come from the text itself. */
static void fact(struct facts *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fact(struct facts *f, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	VEC_PUSH(f->v, f->n, f->cap, xstrdup(line));
}

static void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
}

static void untab(const char *in, char *out, size_t n)
{
	snprintf(out, n, "%s", in);
	for (char *p = out; *p; p++)
		if (*p == '\t' || *p == '\n')
			*p = ' ';
}

/* FNV-1a, 64 bits, of the lesson file: which text a recording was made of. */
uint64_t record_lesson_hash(const struct lesson *l)
{
	FILE *f = fopen(l->path, "rb");
	uint64_t h = TEXT_FNV1A_INIT;
	uint8_t buf[4096];
	size_t n;
	if (!f)
		return 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		h = text_fnv1a(h, buf, n);
	fclose(f);
	return h;
}

static void step_name(int step, char *buf, size_t n)
{
	if (step >= 0)
		snprintf(buf, n, "step %d", step + 1);
	else
		snprintf(buf, n, "%s", step == LAB_PKT_SETUP ? "setup" : "between steps");
}

int record_write(struct lab *lab, const char *path, char *err, size_t errlen)
{
	const struct lesson *l = lab_lesson(lab);
	struct facts f = { 0 };
	char a[300], b[300];

	fact(&f, "%s", RECORD_MAGIC);
	fact(&f, "lesson\t%s\t%016llx", l->id, (unsigned long long)record_lesson_hash(l));
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(a, sizeof a, "%Y-%m-%d %H:%M UTC", &tm);
	fact(&f, "made\t%s", a);
	fact(&f, "family\t%d", lab_family(lab));
	fact(&f, "toggles\t%s", lab_toggles(lab));
	const struct lesson_vars *v = lab_vars(lab);
	for (size_t i = 0; i < v->nnamed; i++)
		fact(&f, "port\t%s\t%u", v->named[i].name, v->named[i].port);
	uint16_t ports[16];
	size_t np = lab_lab_ports(lab, ports, 16);
	for (size_t i = 0; i < np; i++)
		fact(&f, "labport\t%u", ports[i]);
	for (size_t s = 0; s < lab_steps_done(lab); s++) {
		const struct lab_step_result *r = lab_result(lab, s);
		fact(&f, "step\t%zu\trun\t%s\t%s", s + 1, r->quiet ? "quiet" : "noisy",
		     r->attributed ? "attributed" : "unattributed");
		for (size_t i = 0; i < r->nout; i++) {
			untab(r->out[i].call, a, sizeof a);
			untab(r->out[i].result, b, sizeof b);
			fact(&f, "step\t%zu\tcall\t%s\t%d\t%s\t%s", s + 1,
			     r->out[i].role == DEMO_ROLE_CLIENT ? "client" : "server",
			     r->out[i].err, a, b);
		}
		for (size_t i = 0; i < r->nstates; i++) {
			untab(r->states[i], a, sizeof a);
			fact(&f, "step\t%zu\tstate\t%s", s + 1, a);
		}
	}
	fact(&f, "ran\t%zu\tof\t%zu", lab_steps_done(lab), l->nsteps);

	/* Microseconds, the pcapng default: the lab's packets carry a timeval. */
	struct capfile_write_opts o = {
		.format = CAPFILE_PCAPNG, .linktype = lab_linktype(lab), .snaplen = CAPFILE_SNAPLEN,
		.comments = (const char *const *)f.v, .ncomments = f.n, .userappl = "sockscope lesson recording",
	};
	struct capfile_writer *w = capfile_writer_open(path, &o, err, errlen);
	facts_free(&f);
	if (!w)
		return -1;
	struct lab_packet p;
	for (size_t i = 0; lab_packet(lab, i, &p); i++) {
		step_name(p.step, a, sizeof a);
		int64_t ns = (int64_t)p.ts.tv_sec * 1000000000 + (int64_t)p.ts.tv_usec * 1000;
		if (capfile_writer_packet(w, ns, p.caplen, p.wirelen, p.data, a) < 0)
			break;
	}
	return capfile_writer_close(w, true, err, errlen);
}

int record_finish(struct lab *lab, const char *path, char *msg, size_t n)
{
	char err[512];
	size_t done = lab_steps_done(lab), all = lab_lesson(lab)->nsteps;
	if (lab_replaying(lab)) {
		snprintf(msg, n, "%s was not written: the lesson was shown from a recording, nothing was run", path);
		return -1;
	}
	if (!lab_capturing(lab)) {
		snprintf(msg, n, "nothing was captured, so %s was not written", path);
		return -1;
	}
	if (record_write(lab, path, err, sizeof err) < 0) {
		snprintf(msg, n, "the recording was not written: %s", err);
		return -1;
	}
	if (done < all)
		snprintf(msg, n, "recorded %zu of %zu steps (the lesson was left early), %zu packets to %s", done, all,
		         lab_packet_count(lab), path);
	else
		snprintf(msg, n, "recorded %zu steps, %zu packets to %s", done, lab_packet_count(lab), path);
	return 0;
}

/* ------------------------------------------------------------ reading */

/* Split s at tabs into at most max fields (in place). */
static size_t fields(char *s, char **f, size_t max)
{
	size_t n = 0;
	while (n < max) {
		f[n++] = s;
		char *t = strchr(s, '\t');
		if (!t)
			break;
		*t = '\0';
		s = t + 1;
	}
	return n;
}

/* One section header comment: a fact about the run. */
static int read_fact(char *line, const struct lesson *l, struct recording *r, char *err, size_t errlen)
{
	char *f[8];
	size_t n = fields(line, f, 8);
	if (!strcmp(f[0], "lesson") && n == 3) {
		char hash[20];
		snprintf(hash, sizeof hash, "%016llx", (unsigned long long)record_lesson_hash(l));
		if (strcmp(f[1], l->id) != 0) {
			snprintf(err, errlen, "it records lesson '%s', not '%s'", f[1], l->id);
			return -1;
		}
		if (strcmp(f[2], hash) != 0) {
			snprintf(err, errlen, "it was made from another text of the lesson (the file changed since): "
			         "record it again (scripts/record-lessons.sh)");
			return -1;
		}
	} else if (!strcmp(f[0], "made") && n == 2) {
		snprintf(r->made, sizeof r->made, "%s", f[1]);
	} else if (!strcmp(f[0], "family") && n == 2) {
		r->family = atoi(f[1]) == 6 ? 6 : 4;
	} else if (!strcmp(f[0], "toggles") && n == 2) {
		snprintf(r->toggles, sizeof r->toggles, "%s", f[1]);
	} else if (!strcmp(f[0], "port") && n == 3 && r->vars.nnamed < 8) {
		snprintf(r->vars.named[r->vars.nnamed].name, DEMO_NAME_MAX, "%s", f[1]);
		r->vars.named[r->vars.nnamed++].port = (unsigned)atoi(f[2]);
	} else if (!strcmp(f[0], "labport") && n == 2 && r->nlabports < 16) {
		r->labports[r->nlabports++] = (uint16_t)atoi(f[1]);
	} else if (!strcmp(f[0], "ran") && n == 4) {
		r->of = (size_t)atol(f[3]);
	} else if (!strcmp(f[0], "step") && n >= 3) {
		long s = atol(f[1]) - 1;
		if (s < 0 || (size_t)s >= l->nsteps) {
			snprintf(err, errlen, "it names step %s; the lesson has %zu", f[1], l->nsteps);
			return -1;
		}
		struct lab_step_result *res = &r->results[s];
		if ((size_t)s + 1 > r->nsteps)
			r->nsteps = (size_t)s + 1;
		if (!strcmp(f[2], "run") && n == 5) {
			res->ran = true;
			res->quiet = !strcmp(f[3], "quiet");
			res->attributed = !strcmp(f[4], "attributed");
		} else if (!strcmp(f[2], "call") && n == 7 && res->nout < LAB_MAX_OUTCOMES) {
			struct demo_outcome *o = &res->out[res->nout++];
			o->role = !strcmp(f[3], "client") ? DEMO_ROLE_CLIENT : DEMO_ROLE_SERVER;
			o->err = atoi(f[4]);
			snprintf(o->call, sizeof o->call, "%s", f[5]);
			snprintf(o->result, sizeof o->result, "%s", f[6]);
		} else if (!strcmp(f[2], "state") && n == 4 && res->nstates < 16) {
			snprintf(res->states[res->nstates++], sizeof res->states[0], "%s", f[3]);
		}
	}
	return 0;   /* facts of a later version are skipped */
}

static int packet_step(const char *c)
{
	if (!strncmp(c, "step ", 5))
		return atoi(c + 5) - 1;
	return !strcmp(c, "setup") ? LAB_PKT_SETUP : LAB_PKT_BETWEEN;
}

int record_load(const char *path, const struct lesson *l, struct recording *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	char e[512], line[1024];
	struct capfile *cf = capfile_open(path, NULL, e, sizeof e);
	if (!cf) {
		snprintf(err, errlen, "%s", e);
		return -1;
	}
	while (capfile_index_step(cf, 65536) == CAPFILE_SCANNING)
		;
	int rc = -1;
	r->results = xcalloc(l->nsteps ? l->nsteps : 1, sizeof *r->results);
	if (!capfile_header_comment(cf, 0, line, sizeof line) || strcmp(line, RECORD_MAGIC) != 0) {
		snprintf(err, errlen, "%s: not a sockscope recording (a pcapng file whose header says \"%s\")", path,
		         RECORD_MAGIC);
		goto out;
	}
	r->family = 4;
	for (unsigned k = 1; capfile_header_comment(cf, k, line, sizeof line); k++)
		if (read_fact(line, l, r, e, sizeof e) < 0) {
			snprintf(err, errlen, "%s: %s", path, e);
			goto out;
		}
	r->vars.family = r->family;
	r->vars.port = r->vars.nnamed ? r->vars.named[0].port : 0;
	struct capfile_iface ifc;
	r->linktype = capfile_iface(cf, 0, &ifc) ? ifc.linktype : 1;
	uint64_t n = capfile_count(cf);
	r->pkts = xcalloc(n ? n : 1, sizeof *r->pkts);
	for (uint64_t i = 0; i < n; i++) {
		struct capfile_packet p;
		struct record_packet *q = &r->pkts[r->npkts];
		if (!capfile_packet(cf, i, &p))
			break;
		q->data = xmalloc(p.caplen ? p.caplen : 1);
		memcpy(q->data, p.data, p.caplen);
		q->caplen = p.caplen;
		q->wirelen = p.wirelen;
		q->ts.tv_sec = (time_t)(p.ts_ns / 1000000000);
		q->ts.tv_usec = (suseconds_t)(p.ts_ns % 1000000000 / 1000);
		q->step = capfile_packet_comment(cf, i, 0, line, sizeof line) ? packet_step(line) : LAB_PKT_BETWEEN;
		r->npkts++;
	}
	rc = 0;
	if (capfile_stop_reason(cf)[0]) {
		snprintf(err, errlen, "%s: %s", path, capfile_stop_reason(cf));
		rc = -1;
	}
out:
	capfile_close(cf);
	if (rc)
		record_free(r);
	return rc;
}

void record_free(struct recording *r)
{
	for (size_t i = 0; i < r->npkts; i++)
		free(r->pkts[i].data);
	free(r->pkts);
	free(r->results);
	memset(r, 0, sizeof *r);
}

void record_shipped_path(const struct lesson *l, char *buf, size_t n)
{
	const char *slash = strrchr(l->path, '/');
	int dirlen = slash ? (int)(slash - l->path) : 1;
	snprintf(buf, n, "%.*s/recordings/%s.pcapng", dirlen, slash ? l->path : ".", l->id);
}
