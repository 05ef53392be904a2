/*
 * headless.h — run a lesson without a terminal and print what the screens
 * would show: per step the code lines, the calls' outcomes and the packets
 * attributed to the step.  Tests are built on this output.
 */
#ifndef SOCKSCOPE_HEADLESS_H
#define SOCKSCOPE_HEADLESS_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/lab.h"

struct headless_opts {
	bool fields;     /* print each packet's field tree */
	bool hex;        /* and its hex dump */
	bool explain;    /* print the steps' explanations */
	bool python;     /* print the Python lines too */
	bool ladder;     /* after the steps, a ladder diagram of each TCP connection */
	const char *guesses;   /* predictions to grade: "3:2,6:3" = step 3 guessed 2, step 6 guessed 3 */
	bool check;      /* a failed "expect:" of the lesson makes the run fail */
	const char *write_path;   /* save the lab's packets (markers excluded) as pcap here, or NULL */
	const char *record_path;  /* record the run (lab/record.h) here, or NULL */
	unsigned from;   /* 1-based: the steps before it run (the demo needs them) but are not printed; 0 = all */
};

/* Run every step of the lab and print; returns 0, or 1 if a step's packets
 * could not be attributed (the capture missed its end marker) or, with
 * `check`, if one of the lesson's expectations did not hold, or if the
 * packets could not be written to `write_path`. */
int headless_run(struct lab *lab, const char *capture_note, const struct headless_opts *o, FILE *out);

/* Toggle and compare: `a` and `b` ran the same lesson (all steps, see
 * lab_step) without and with `toggle`; print each step's packets side by
 * side, marking with '!' the rows whose direction, flags or length differ. */
void headless_compare(struct lab *a, struct lab *b, const char *toggle, FILE *out);

#endif
