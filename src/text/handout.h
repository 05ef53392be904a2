/*
 * handout.h — a lesson run written down for a student to read later.
 *
 * Role: `sockscope lesson ID --handout FILE` runs a lesson (live, or from a
 * recording) and writes what the screens showed step by step into one
 * file: the lesson's title and summary; per step its C code (and Python)
 * with the run's real address and ports, the explanation, the calls and
 * what they returned, the kernel's TCP states, the packets it put on the
 * wire (one line each, as the headless output prints them), the lesson's
 * claims about it checked against the capture; then each TCP connection as
 * a ladder diagram, the lesson's real programs whole, the recap, the things to try, the
 * questions, and a footer saying when and from what it was made.
 *
 * Two formats, the same content:
 *   - Markdown: code in ```c fences, packets and ladders in text fences
 *     (a fence longer than any run of backticks inside it, so a payload
 *     cannot end it), prose escaped so that a '<' or '*' of a lesson stays
 *     a character;
 *   - HTML: one self-contained page (inline CSS, no script, no external
 *     resource, UTF-8), every text escaped (&<>"'), packets in a table,
 *     code and ladders in <pre>, a @media print rule; nothing is said by
 *     colour alone (a failed claim says FAILED).
 *
 * The text of packets, ladders and claims comes from the same functions the
 * screens and the headless output use (textfmt, ladder, lab_expect_check),
 * so a handout says what a learner saw.  No curses.
 */
#ifndef SOCKSCOPE_LAB_HANDOUT_H
#define SOCKSCOPE_LAB_HANDOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lab/lab.h"

enum handout_format {
	HANDOUT_MARKDOWN,
	HANDOUT_HTML,
};

struct handout_opts {
	bool python;               /* the Python code too, beside the C */
	const char *generator;     /* "sockscope 0.1.0" for the footer; NULL: "sockscope" */
	const char *source_note;   /* how the run was made, for the footer ("a recording:
	                              FILE", or why nothing could be captured); may be NULL */
};

/* The format a file name asks for: ".md" / ".markdown" or ".html" / ".htm"
 * (any case).  False for anything else. */
bool handout_format_for_path(const char *path, enum handout_format *fmt);

/* Run every step of the lab that has not run yet (lab_step), then write the
 * handout of all the steps it ran to `out`.  `o` may be NULL.  Returns 0, or
 * -1 with a message in err when writing failed.  Claims
 * that do not hold are written as such, not an error. */
int handout_write(struct lab *lab, enum handout_format fmt, const struct handout_opts *o, FILE *out, char *err,
                  size_t errlen);

/* handout_write into `path`, the format from its name: written to
 * PATH.partial and renamed over PATH only when complete, so PATH is never a
 * half-written handout.  Returns 0, or -1 with a message in err (a name of
 * another format, a directory that cannot be written...). */
int handout_write_file(struct lab *lab, const char *path, const struct handout_opts *o, char *err, size_t errlen);

#endif
