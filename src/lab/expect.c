/*
 * expect.c — check a lesson's claims ("expect: fin = 2") against its run.
 *
 * The lesson text says what each step puts on the wire; these checks make
 * the same claims executable, so `--check` and the test suite fail when a
 * lesson and the kernel disagree.
 */
#include "lab/lab.h"

#include <stdio.h>
#include <string.h>

bool lab_expect_applies(const struct lab *lab, const struct lesson_expect *e)
{
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

bool lab_expect_check(struct lab *lab, size_t step, const struct lesson_expect *e, char *seen, size_t n)
{
	const struct lab_step_result *r = lab_result(lab, step);
	seen[0] = '\0';
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
		for (size_t i = 0; i < r->nout; i++) {
			const char *name = r->out[i].err ? strerrorname_np(r->out[i].err) : NULL;
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
		for (size_t i = 0; i < r->nout; i++)
			if (memmem(r->out[i].result, strlen(r->out[i].result), e->text, e->textlen))
				return true;
		snprintf(seen, n, "no call's result has it");
		return false;
	case EXPECT_PAYLOAD:
		if (payload_has(lab, r, e->text, e->textlen))
			return true;
		snprintf(seen, n, "no packet of the step carries it");
		return false;
	case EXPECT_STATE:
		for (size_t i = 0; i < r->nstates; i++)
			if (strstr(r->states[i], e->text))
				return true;
		snprintf(seen, n, "no TCP socket of the demo is in it");
		return false;
	}
	return false;
}
