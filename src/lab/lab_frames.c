/*
 * lab_frames.c — a lab's packets as ladder frames, each tagged with the call
 * of its step that put it on the wire.
 *
 * A step may hold several calls (recvfrom() then close()); the tag follows
 * what the packet is: a SYN comes from connect(), a FIN or RST from close()
 * or shutdown(), data from a send call, a datagram from sendto(), the
 * lab's data beside the recv() that reads it.  When the
 * step's code has no such call, the step's first call that can put anything
 * on the wire is named (ladder_step_tag).  An ACK, or the lab's answer,
 * takes the tag of the step's packet before it: it answers that one.
 */
#include "lab/lab.h"
#include "render/ladder.h"
#include "dissect/dissect.h"
#include "common/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first of `names` called ("name(") in the code, or NULL. */
static const char *called(const struct text_block *code, const char *const *names)
{
	for (; *names; names++)
		for (size_t i = 0; i < code->n; i++) {
			const char *hit = strstr(code->lines[i], *names);
			size_t l = strlen(*names);
			if (hit && hit[l] == '(' && (hit == code->lines[i] || !(hit[-1] == '_' || (hit[-1] >= 'a' && hit[-1] <= 'z'))))
				return *names;
		}
	return NULL;
}

/* `prev`: the tag of the step's previous packet, or NULL.  An ACK or the
 * lab's answer belongs to what it answers: the previous packet's call. */
static void tag_packet(const struct lab_packet *p, const struct text_block *code, int step, const char *prev,
                       char *buf, size_t n)
{
	static const char *const syn[] = { "connect", "accept", NULL };
	static const char *const fin[] = { "close", "shutdown", NULL };
	static const char *const data[] = { "send", "sendto", "sendall", "write", NULL };
	static const char *const dgram[] = { "sendto", "send", NULL };
	static const char *const reply[] = { "recv", "recvfrom", "read", NULL };
	const char *const *want = NULL;
	if (p->tcp && (p->tcp_flags & TCPF_SYN))
		want = syn;
	else if (p->tcp && (p->tcp_flags & (TCPF_FIN | TCPF_RST)))
		want = fin;
	else if (p->payload_len && !p->from_lab)
		want = p->tcp ? data : dgram;
	else if (p->payload_len)
		want = reply;   /* the lab's data: shown beside the call that reads it */
	const char *name = want ? called(code, want) : NULL;
	if (name)
		snprintf(buf, n, "step %d %s()", step, name);
	else if (!want && prev)
		snprintf(buf, n, "%s", prev);
	else
		ladder_step_tag(step, code->lines, code->n, buf, n);
}

void lab_frames_get(struct lab *lab, struct lab_frames *out)
{
	const struct lesson *l = lab_lesson(lab);
	size_t n = lab_packet_count(lab);
	memset(out, 0, sizeof *out);
	out->f = xcalloc(n, sizeof *out->f);
	out->tags = xcalloc(n, sizeof *out->tags);
	out->step = xcalloc(n, sizeof *out->step);
	struct lab_packet p;
	for (size_t i = 0; i < n && lab_packet(lab, i, &p); i++) {
		const char *prev = i && out->step[i - 1] == p.step ? out->tags[i - 1] : NULL;
		if (p.step >= 0 && (size_t)p.step < l->nsteps)
			tag_packet(&p, lesson_step_code(&l->steps[p.step], lab_family(lab)), p.step + 1, prev,
			           out->tags[i], sizeof out->tags[i]);
		else
			snprintf(out->tags[i], sizeof out->tags[i], "%s", p.step == LAB_PKT_SETUP ? "setup" : "kernel timer");
		out->f[i] = (struct ladder_frame){ lab_linktype(lab), p.data, p.caplen, p.wirelen, p.index + 1, out->tags[i] };
		out->step[i] = p.step;
		out->n = i + 1;
	}
}

void lab_frames_free(struct lab_frames *fr)
{
	free(fr->f);
	free(fr->tags);
	free(fr->step);
	memset(fr, 0, sizeof *fr);
}
