/*
 * handout_cmd.c — the command-line face of lab/handout.c (see handout_cmd.h).
 */
#include "handout_cmd.h"
#include "lab/handout.h"

#include <stdio.h>

#ifndef SOCKSCOPE_VERSION
#define SOCKSCOPE_VERSION "?"
#endif

int handout_cmd(const struct lesson *l, struct capture *cap, enum capture_mode mode, const struct lab_options *opt,
                const char *replay, const char *why, const char *path, bool python)
{
	char err[1024];
	struct lab *lab = lab_open_or_replay(l, cap, mode, opt, replay, err, sizeof err);
	if (!lab) {
		fprintf(stderr, "sockscope: %s\n", err);
		return 1;
	}
	char note[1024] = "";
	if (lab_replaying(lab) && replay)
		snprintf(note, sizeof note, "the recording %s", replay);
	else if (lab_replaying(lab))
		snprintf(note, sizeof note, "nothing could be captured (%s), so the recording shipped with the lesson "
		         "was used", why);
	else if (!cap)
		snprintf(note, sizeof note, "nothing was captured: %s", why);
	struct handout_opts ho = {
		.python = python,
		.generator = "sockscope " SOCKSCOPE_VERSION,
		.source_note = note[0] ? note : NULL,
	};
	int rc = 0;
	if (handout_write_file(lab, path, &ho, err, sizeof err) < 0) {
		fprintf(stderr, "sockscope: %s\n", err);
		rc = 1;
	} else {
		size_t steps = lab_steps_done(lab), packets = lab_capturing(lab) ? lab_packet_count(lab) : 0;
		printf("wrote handout %s (%zu step%s, %zu packet%s)\n", path, steps, steps == 1 ? "" : "s", packets,
		       packets == 1 ? "" : "s");
	}
	lab_close(lab);
	return rc;
}
