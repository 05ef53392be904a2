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
};

/* Run every step of the lab and print; returns 0, or 1 if a step's packets
 * could not be attributed (the capture missed its end marker). */
int headless_run(struct lab *lab, const char *capture_note, const struct headless_opts *o, FILE *out);

#endif
