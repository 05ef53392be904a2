/*
 * record.h — a lesson run recorded to a file, and read back for replay.
 *
 * Role: `sockscope lesson ID --record FILE` writes one; `--replay FILE`
 * (and, where nothing can be captured, the recordings shipped beside the
 * lessons) shows a lesson from one with the same screens and the same
 * headless output as the live run, saying that it is a recording.
 *
 * The format is pcapng (draft-ietf-opsawg-pcapng), so tshark, Wireshark and
 * `sockscope inspect` open a recording as an ordinary capture:
 *   - every packet carries a comment naming the step that caused it:
 *     "step 3" (1-based, as the screens count), "setup" or "between steps";
 *   - the section header's comments carry what the screens show besides
 *     packets, one fact each, tab-separated fields:
 *       sockscope recording 1
 *       lesson ID HASH        (FNV-1a 64 of the lesson file: a recording of
 *                              an older text is refused, not shown wrong)
 *       made DATE
 *       family 4|6
 *       toggles NAME...
 *       port NAME N           (each named port: {port:NAME} in the code)
 *       labport N             (ports of the lab's side: who sent a packet)
 *       step N run quiet|noisy attributed|unattributed
 *       step N call client|server ERRNO CALL RESULT
 *       step N state LINE     (the kernel's TCP states after the step)
 *       ran N of M            (N of the lesson's M steps ran: fewer when
 *                              the learner left the lesson early)
 *
 * No curses.
 */
#ifndef SOCKSCOPE_LAB_RECORD_H
#define SOCKSCOPE_LAB_RECORD_H

#include <stdint.h>

#include "lab/lab.h"

struct record_packet {
	struct timeval ts;
	uint32_t caplen, wirelen;
	uint8_t *data;
	int step;                       /* 0-based, or LAB_PKT_SETUP / LAB_PKT_BETWEEN */
};

struct recording {
	char made[64];
	int family;
	char toggles[128];
	struct lesson_vars vars;
	uint16_t labports[16];
	size_t nlabports;
	int linktype;
	struct lab_step_result *results;   /* lesson->nsteps of them */
	size_t nsteps;                  /* steps the recording ran */
	size_t of;                      /* steps the lesson had ("ran N of M"; 0 when not said) */
	struct record_packet *pkts;
	size_t npkts;
};

/* Write the run so far (every step it ran) to path.  0, or -1 with err. */
int record_write(struct lab *lab, const char *path, char *err, size_t errlen);
/* --record at the end of a run, headless or on screen: write it and say,
 * in msg, where and how much ("recorded 3 of 11 steps (the lesson was left
 * early), 12 packets to FILE"), or why nothing was written.  0, or -1 when
 * it was not written. */
int record_finish(struct lab *lab, const char *path, char *msg, size_t n);

/* Read a recording of lesson l.  Refused with a message when the file is
 * no recording, is of another lesson, or of another text of this one.
 * 0, or -1 with err. */
int record_load(const char *path, const struct lesson *l, struct recording *r, char *err, size_t errlen);
void record_free(struct recording *r);

/* FNV-1a 64 of the lesson's file: which text of it a recording (or the
 * other side of a two-terminal demo) was made from. */
uint64_t record_lesson_hash(const struct lesson *l);

/* The recording shipped for lesson l (its default run: the lesson's own
 * family, no toggles): DIR/recordings/ID.pcapng beside the lesson file. */
void record_shipped_path(const struct lesson *l, char *buf, size_t n);

#endif
