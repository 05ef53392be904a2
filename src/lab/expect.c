/*
 * expect.c — check a lesson's claims ("expect: fin = 2") against its run.
 *
 * The lesson text says what each step puts on the wire; these checks make
 * the same claims executable, so `--check` and the test suite fail when a
 * lesson and the kernel disagree.
 */
#include "lab/lab.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool lab_expect_applies(const struct lab *lab, const struct lesson_expect *e)
{
	if (e->lang && ((lab_lang(lab) ? lab_lang(lab) : 'e') == e->lang) == e->lang_neg)
		return false;
	return !e->cond[0] || demo_toggle_on(lab_toggles(lab), e->cond) != e->cond_neg;
}

static bool compare(long have, enum expect_op op, long want)
{
	switch (op) {
	case OP_EQ: return have == want;
	case OP_GE: return have >= want;
	case OP_LE: return have <= want;
	case OP_GT: return have > want;
	case OP_LT: return have < want;
	}
	return false;
}

static bool payload_has(struct lab *lab, const struct lab_step_result *r, const char *text, size_t len)
{
	struct lab_packet p;
	for (size_t i = 0; i < r->npackets; i++)
		if (lab_packet(lab, r->first_packet + i, &p) && p.payload_caplen >= len &&
		    memmem(p.data + p.payload_off, p.payload_caplen, text, len))
			return true;
	return false;
}

/* Does a call line ("fd = socket(AF_INET, ...)") call `name`?  The name
 * must stand whole before its '(' (recvfrom is not from). */
static bool names_call(const char *call, const char *name)
{
	size_t len = strlen(name);
	for (const char *c = strstr(call, name); c; c = strstr(c + 1, name)) {
		bool starts = c == call || !(isalnum((unsigned char)c[-1]) || c[-1] == '_');
		if (starts && c[len] == '(')
			return true;
	}
	return false;
}

bool lab_expect_check(struct lab *lab, size_t step, const struct lesson_expect *e, char *seen, size_t n)
{
	const struct lab_step_result *r = lab_result(lab, step);
	seen[0] = '\0';
	/* {port:ftp-data} and friends stand for this run's values.  Results are
	 * shown (and so compared) with control bytes escaped: a CR LF the
	 * lesson writes as \r\n is the four characters \ r \ n on screen. */
	char text[sizeof e->text * 4 + 8];
	size_t len;
	if (e->kind == EXPECT_RESULT) {
		char expanded[sizeof e->text * 2];
		lesson_expand(e->text, lab_vars(lab), expanded, sizeof expanded);
		len = 0;
		for (const char *c = expanded; *c && len + 5 < sizeof text; c++) {
			unsigned char b = (unsigned char)*c;
			if (b == '\r' || b == '\n' || b == '\t')
				len += (size_t)snprintf(text + len, sizeof text - len, "\\%c", b == '\r' ? 'r' : b == '\n' ? 'n' : 't');
			else if (b < 0x20 || b >= 0x7f)
				len += (size_t)snprintf(text + len, sizeof text - len, "\\x%02x", b);
			else
				text[len++] = (char)b;
		}
		text[len] = '\0';
	} else if (e->kind == EXPECT_PAYLOAD && !memchr(e->text, '\0', e->textlen)) {
		lesson_expand(e->text, lab_vars(lab), text, sizeof text);
		len = strlen(text);
	} else {
		memcpy(text, e->text, e->textlen);
		len = e->textlen;
		text[len] = '\0';
	}
	if (!r || !r->ran) {
		snprintf(seen, n, "the step did not run");
		return false;
	}
	switch (e->kind) {
	case EXPECT_COUNT: {
		unsigned have = lab_count(lab, step, e->count);
		snprintf(seen, n, "%s = %u", lesson_predict_name(e->count), have);
		return lab_capturing(lab) && compare(have, e->op, e->n);
	}
	case EXPECT_ERROR: case EXPECT_NO_ERROR: {
		const char *first = NULL;
		for (size_t k = 0; k < r->nout + r->npeer; k++) {   /* this side's calls, then the other's */
			const struct demo_outcome *o = k < r->nout ? &r->out[k] : &r->peer_out[k - r->nout];
			const char *name = o->err ? strerrorname_np(o->err) : NULL;
			if (name && !first)
				first = name;
			if (e->kind == EXPECT_ERROR && name && strcmp(name, e->text) == 0) {
				snprintf(seen, n, "error %s", name);
				return true;
			}
		}
		snprintf(seen, n, first ? "error %s" : "no error", first);
		return e->kind == EXPECT_NO_ERROR && !first;
	}
	case EXPECT_RESULT:
		for (size_t k = 0; k < r->nout + r->npeer; k++) {
			const struct demo_outcome *o = k < r->nout ? &r->out[k] : &r->peer_out[k - r->nout];
			if (memmem(o->result, strlen(o->result), text, len))
				return true;
		}
		if (memmem(r->output, strlen(r->output), text, len))
			return true;   /* a traced program printed it */
		snprintf(seen, n, "no call's result has it");
		return false;
	case EXPECT_PAYLOAD:
		if (payload_has(lab, r, text, len))
			return true;
		snprintf(seen, n, "no packet of the step carries it");
		return false;
	case EXPECT_CALL: {
		/* A traced program's calls are the kernel's: the C library's
		 * recv() and send() are recvfrom and sendto, accept() accept4 in
		 * Python (what strace shows too). */
		static const char *const alias[][2] = { { "recv", "recvfrom" }, { "send", "sendto" }, { "accept", "accept4" } };
		const char *also = NULL;
		for (size_t a = 0; a < sizeof alias / sizeof alias[0] && lab_lang(lab); a++)
			if (strcmp(text, alias[a][0]) == 0)
				also = alias[a][1];
		for (size_t k = 0; k < r->nout + r->npeer; k++) {
			const struct demo_outcome *o = k < r->nout ? &r->out[k] : &r->peer_out[k - r->nout];
			if (names_call(o->call, text) || (also && names_call(o->call, also)))
				return true;
		}
		snprintf(seen, n, "no call %s() in the step", text);
		return false;
	}
	case EXPECT_STATE:
		for (size_t i = 0; i < r->nstates; i++)
			if (strstr(r->states[i], text))
				return true;
		snprintf(seen, n, "no TCP socket of the demo is in it");
		return false;
	}
	return false;
}
