/*
 * challenge.c — challenge files, the list of them, verdicts and the small
 * helpers the kinds share (see challenge.h).
 */
#include "challenge/challenge.h"

#include "common/clock.h"
#include "common/text.h"
#include "common/dirlist.h"
#include "common/loopback.h"
#include "common/mem.h"
#include "lesson/lesson.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ the file */

/* Append a line to a text block. */
static void block_add(char **block, const char *line)
{
	size_t old = *block ? strlen(*block) : 0, add = strlen(line);
	char *b = xrealloc(*block, old + add + 2);
	if (old)
		b[old++] = '\n';
	memcpy(b + old, line, add + 1);
	*block = b;
}

void challenge_free(struct challenge *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->id);
	free(c->title);
	free(c->summary);
	free(c->kind);
	free(c->task);
	free(c->hint);
	free(c);
}

static const struct chal_param *kind_param(const struct chal_kind *k, const char *name)
{
	for (const struct chal_param *p = k->params; p && p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* A number in [p->min, p->max] written in full, or false. */
static bool param_number(const struct chal_param *p, const char *v, long *out)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (end == v || *end || errno || x < p->min || x > p->max)
		return false;
	*out = x;
	return true;
}

/* Every param line names one of the kind's parameters, numbers in range. */
static int check_params(const struct challenge *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->nparams; i++) {
		const char *name = c->params[i].name, *v = c->params[i].value;
		const struct chal_param *p = kind_param(c->k, name);
		long x;
		if (!p) {
			char known[256] = "";
			size_t k = 0;
			for (const struct chal_param *q = c->k->params; q && q->name && k < sizeof known; q++)
				k += (size_t)snprintf(known + k, sizeof known - k, "%s%s", k ? ", " : "", q->name);
			snprintf(err, errlen, "%s:%d: the kind %s takes no parameter '%s' (%s%s)", c->path, c->params[i].line,
			         c->kind, name, k ? "it takes: " : "it takes none", known);
			return -1;
		}
		if (p->unit && !param_number(p, v, &x)) {
			snprintf(err, errlen, "%s:%d: %s is a number from %ld to %ld (%s), not '%s'", c->path, c->params[i].line,
			         name, p->min, p->max, p->unit, v);
			return -1;
		}
	}
	return 0;
}

struct challenge *challenge_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct challenge *c = xcalloc(1, sizeof *c);
	c->path = xstrdup(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	base += strspn(base, "0123456789");
	if (*base == '-')
		base++;
	c->id = xstrdup(base);
	char *dot = strstr(c->id, ".challenge");
	if (dot)
		*dot = '\0';
	c->family = 4;
	c->seconds = 10;
	char line[1024], **block = NULL;
	int n = 0, kind_line = 0;
	while (fgets(line, sizeof line, f)) {
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t' || !line[0]) {
			if (block)
				block_add(block, !line[0] ? "" : strncmp(line, "    ", 4) == 0 ? line + 4 : line + strspn(line, " \t"));
			else if (line[0] && line[strspn(line, " \t")]) {
				snprintf(err, errlen, "%s:%d: an indented line outside a block (is a 'task:' or 'hint:' line missing above it?)",
				         path, n);
				goto fail;
			}
			continue;
		}
		block = NULL;
		char *colon = strchr(line, ':');
		if (!colon) {
			snprintf(err, errlen, "%s:%d: expected 'key: value'", path, n);
			goto fail;
		}
		*colon = '\0';
		char *val = colon + 1;
		val += strspn(val, " \t");
		if (!strcmp(line, "title") || !strcmp(line, "summary") || !strcmp(line, "kind")) {
			kind_line = !strcmp(line, "kind") ? n : kind_line;
			char **dst = !strcmp(line, "title") ? &c->title : !strcmp(line, "summary") ? &c->summary : &c->kind;
			if (*dst) {
				snprintf(err, errlen, "%s:%d: '%s' given twice", path, n, line);
				goto fail;
			}
			*dst = xstrdup(val);
		} else if (!strcmp(line, "family")) {
			if (strcmp(val, "4") && strcmp(val, "6")) {
				snprintf(err, errlen, "%s:%d: family is 4 or 6, not '%s'", path, n, val);
				goto fail;
			}
			c->family = atoi(val);
		} else if (!strcmp(line, "seconds")) {
			c->seconds = atoi(val);
			if (c->seconds < 1 || c->seconds > 300) {
				snprintf(err, errlen, "%s:%d: seconds is a number from 1 to 300", path, n);
				goto fail;
			}
		} else if (!strcmp(line, "param")) {
			size_t nl = strcspn(val, " \t");
			if (!nl || nl >= sizeof c->params[0].name || c->nparams >= CHAL_MAX_PARAMS) {
				snprintf(err, errlen, "%s:%d: 'param: NAME VALUE' (at most %d, names under 32 characters)", path, n,
				         CHAL_MAX_PARAMS);
				goto fail;
			}
			memcpy(c->params[c->nparams].name, val, nl);
			c->params[c->nparams].line = n;
			const char *v = val + nl + strspn(val + nl, " \t");
			/* \n in a value stands for a newline */
			char *o = c->params[c->nparams].value;
			size_t k = 0;
			for (; *v && k + 1 < sizeof c->params[0].value; v++)
				o[k++] = v[0] == '\\' && v[1] == 'n' ? (v++, '\n') : *v;
			o[k] = '\0';
			c->nparams++;
		} else if (!strcmp(line, "task") || !strcmp(line, "hint")) {
			block = !strcmp(line, "task") ? &c->task : &c->hint;
			if (*val)
				block_add(block, val);
		} else {
			snprintf(err, errlen, "%s:%d: unknown key '%s' (known: title, summary, kind, family, seconds, param, task, hint)",
			         path, n, line);
			goto fail;
		}
	}
	fclose(f);
	f = NULL;
	if (!c->title || !c->kind || !c->task) {
		snprintf(err, errlen, "%s:%d: a challenge needs title:, kind: and task:", path, n);
		goto fail;
	}
	if (!(c->k = chal_kind_find(c->kind))) {
		snprintf(err, errlen, "%s:%d: unknown kind '%s' (known: %s)", path, kind_line, c->kind, chal_kind_names());
		goto fail;
	}
	if (check_params(c, err, errlen) < 0)
		goto fail;
	/* trailing blank lines of blocks */
	for (char **b = &c->task; b; b = b == &c->task ? &c->hint : NULL)
		if (*b)
			for (size_t l = strlen(*b); l && (*b)[l - 1] == '\n'; l--)
				(*b)[l - 1] = '\0';
	return c;
fail:
	if (f)
		fclose(f);
	challenge_free(c);
	return NULL;
}

const char *challenge_text(const struct challenge *c, const char *name)
{
	for (size_t i = 0; i < c->nparams; i++)
		if (!strcmp(c->params[i].name, name))
			return c->params[i].value;
	const struct chal_param *p = kind_param(c->k, name);
	return p ? p->def : "";
}

long challenge_num(const struct challenge *c, const char *name)
{
	const struct chal_param *p = kind_param(c->k, name);
	long x = 0;
	if (p && !param_number(p, challenge_text(c, name), &x))
		param_number(p, p->def, &x);
	return x;
}

struct challenge_list *challenge_list_load(const char *dir, char *err, size_t errlen)
{
	struct dirlist files;
	if (dirlist_load(dir, ".challenge", &files) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	struct challenge_list *l = xcalloc(1, sizeof *l);
	l->c = xcalloc(files.n, sizeof *l->c);
	l->errors = xcalloc(files.n, sizeof *l->errors);
	for (size_t i = 0; i < files.n; i++) {
		char e[600];
		struct challenge *c = challenge_load(files.paths[i], e, sizeof e);
		if (c)
			l->c[l->n++] = c;
		else
			l->errors[l->nerrors++] = xstrdup(e);
	}
	dirlist_free(&files);
	return l;
}

void challenge_list_free(struct challenge_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		challenge_free(l->c[i]);
	free(l->c);
	mem_free_array(l->errors, l->nerrors);
	free(l);
}

const char *challenge_default_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("SOCKSCOPE_CHALLENGES");
	if (env && *env)
		return env;
	const char *lessons = lesson_default_dir();
	const char *slash = strrchr(lessons, '/');
	snprintf(dir, sizeof dir, "%.*s/challenges", slash ? (int)(slash - lessons) : 1, slash ? lessons : ".");
	return dir;
}

/* ------------------------------------------------------------ verdicts */

static void vadd(struct verdict *v, bool ok, bool note, const char *fmt, va_list ap)
{
	if (v->n >= VERDICT_MAX)
		return;
	vsnprintf(v->f[v->n].text, sizeof v->f[v->n].text, fmt, ap);
	v->f[v->n].note = note;
	v->f[v->n++].ok = ok;
}

void verdict_add(struct verdict *v, bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(v, ok, false, fmt, ap);
	va_end(ap);
}

void verdict_note(struct verdict *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(v, true, true, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ helpers */

int chal_bind(int family, int type, uint16_t *port, char *err, size_t errlen)
{
	return loopback_bind(family, type, *port, type == SOCK_STREAM ? 16 : 0, port, err, errlen);
}

size_t chal_learner_bytes(const struct chal_run *r, uint8_t *buf, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < r->npkts; i++) {
		const struct chal_packet *p = &r->pkts[i];
		if (!p->from_learner || !p->info.tcp || !p->payload)
			continue;
		size_t m = p->info.payload_caplen;
		if (m > n - k)
			m = n - k;
		memcpy(buf + k, p->payload, m);
		k += m;
	}
	return k;
}

unsigned chal_count_flag(const struct chal_run *r, bool learner, uint8_t flag)
{
	unsigned c = 0;
	for (size_t i = 0; i < r->npkts; i++)
		c += r->pkts[i].from_learner == learner && !r->pkts[i].by_stop && r->pkts[i].info.tcp &&
		     (r->pkts[i].info.tcp_flags & flag);
	return c;
}

bool chal_learner_port(const struct chal_run *r, uint16_t port)
{
	for (size_t i = 0; i < r->nlports; i++)
		if (r->lports[i] == port)
			return true;
	return false;
}

bool chal_by_stop(const struct chal_run *r, int64_t t)
{
	return r->stop_ms && t >= r->stop_ms;
}

const struct chal_packet *chal_lab_data(const struct chal_run *r, uint16_t lport, struct chal_segs *it, size_t *off)
{
	while (it->i < r->npkts) {
		const struct chal_packet *q = &r->pkts[it->i++];
		const struct pkt_info *p = &q->info;
		if (q->from_learner || !p->tcp || p->sport != lport)
			continue;
		if (p->tcp_flags & TCPF_SYN) {
			it->isn = p->seq;
			it->syn = true;
		} else if (it->syn && p->payload_len) {
			*off = (uint32_t)(p->seq - it->isn - 1);   /* modulo 2^32, as sequence numbers count */
			return q;
		}
	}
	return NULL;
}

bool chal_judge_gave_up(const struct chal_run *r, const char *what, int secs, struct verdict *v)
{
	if (!r->exited) {
		/* the traced call it was stopped in is the line to change */
		char in[200] = "";
		const struct chal_call *last = chal_last_call(r);
		if (last && last->unfinished) {
			char said[160];
			chal_call_said(last, said, sizeof said);
			snprintf(in, sizeof in, " (%s was still waiting, %.1f s, when it was stopped)", said,
			         (double)last->waited_ms / 1000);
		}
		verdict_add(v, false, "your program %s: it was still running after %.0f s and was stopped. Set a receive "
		            "timeout (SO_RCVTIMEO with setsockopt(), or settimeout(%d) in Python) and give up when it "
		            "expires%s", what, r->seconds, secs, in);
		return false;
	}
	if (!WIFEXITED(r->status)) {
		verdict_add(v, false, "it was killed by signal %d after %.2f s", WTERMSIG(r->status), r->seconds);
		return false;
	}
	return true;
}

bool chal_judge_connected(const struct chal_run *r, bool connected, struct verdict *v)
{
	if (connected)
		return true;
	verdict_add(v, false, "nothing connected to %s port %u: a client calls connect() to the lab's address and port "
	            "(with --run, also in $SOCKSCOPE_HOST and $SOCKSCOPE_PORT)", r->host, r->port);
	if (r->ran && !r->exited)
		verdict_add(v, false, "and your program was still running after %.0f s: it was stopped", r->seconds);
	return false;
}

unsigned chal_count_data(const struct chal_run *r, bool learner)
{
	unsigned c = 0;
	for (size_t i = 0; i < r->npkts; i++)
		c += r->pkts[i].from_learner == learner && !r->pkts[i].by_stop && r->pkts[i].info.payload_len > 0;
	return c;
}

enum chal_wait chal_wait(const struct chal_run *r, int fd, short events, int ms)
{
	struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = r->wake, .events = POLLIN } };
	int n = poll(p, 2, ms < 0 ? 0 : ms);
	if (n > 0 && p[1].revents)
		return CHAL_STOPPED;
	return n > 0 ? CHAL_READY : CHAL_TIMEOUT;
}

bool chal_readable(const struct chal_run *r, int fd, int64_t deadline)
{
	int64_t left = deadline - clock_ms();
	return left > 0 && chal_wait(r, fd, POLLIN, (int)left) == CHAL_READY;
}

void chal_quote(const uint8_t *b, size_t n, char *out, size_t outlen)
{
	text_quote(b, n, out, outlen);
}

/* ------------------------------------------------------------ the learner's calls */

void chal_call_said(const struct chal_call *c, char *out, size_t n)
{
	if (c->line && c->src[0])
		snprintf(out, n, "line %d `%s`", c->line, c->src);
	else if (c->line)
		snprintf(out, n, "line %d `%s()`", c->line, c->name);
	else
		snprintf(out, n, "`%.120s%s`", c->text, strlen(c->text) > 120 ? "..." : "");
}

bool chal_call_is(const struct chal_call *c, const char *names)
{
	size_t l = strlen(c->name);
	for (const char *p = names; (p = strstr(p, c->name)); p += l)
		if ((p == names || p[-1] == ' ') && (p[l] == ' ' || !p[l]))
			return true;
	return false;
}

const struct chal_call *chal_call_of_packet(const struct chal_run *r, size_t i)
{
	for (size_t k = 0; k < r->ncalls; k++)
		for (size_t j = 0; j < r->calls[k].npk; j++)
			if (r->calls[k].pk[j] == i)
				return &r->calls[k];
	return NULL;
}

void chal_sent_by(const struct chal_run *r, uint16_t lab_port, uint8_t flags, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < r->npkts; i++) {
		const struct chal_packet *p = &r->pkts[i];
		if (!p->from_learner || !p->info.tcp || p->info.dport != lab_port || !(p->info.tcp_flags & flags))
			continue;
		const struct chal_call *c = chal_call_of_packet(r, i);
		if (c) {
			char said[200];
			chal_call_said(c, said, sizeof said);
			snprintf(out, n, " (%s sent it: packet %zu)", said, i + 1);
		}
		return;
	}
}

const struct chal_call *chal_last_call(const struct chal_run *r)
{
	for (size_t k = r->ncalls; k-- > 0;)
		if (r->calls[k].pid == r->calls[0].pid)
			return &r->calls[k];
	return NULL;
}

const struct chal_call *chal_call_back(const struct chal_run *r, size_t before, const char *names, size_t *it)
{
	if (before >= r->ncalls || r->calls[before].fd < 0)
		return NULL;
	const struct chal_call *at = &r->calls[before];
	while (*it > 0) {
		const struct chal_call *c = &r->calls[--*it];
		if (c->pid != at->pid)
			continue;
		/* the descriptor was made here: nothing before is about this socket */
		bool made = !c->is_error && c->ret == at->fd && chal_call_is(c, "socket accept accept4");
		if (c->fd == at->fd && chal_call_is(c, "close") && !c->is_error) {
			*it = 0;
			return NULL;
		}
		if (made)
			*it = 0;
		if ((c->fd == at->fd || made) && chal_call_is(c, names))
			return c;
	}
	return NULL;
}
