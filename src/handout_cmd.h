/*
 * handout_cmd.h — `sockscope lesson ID --handout FILE`: run a lesson without
 * a screen (or show it from a recording) and write it down as a Markdown or
 * HTML handout (lab/handout.h).
 */
#ifndef SOCKSCOPE_HANDOUT_CMD_H
#define SOCKSCOPE_HANDOUT_CMD_H

#include <stdbool.h>

#include "capture/capture.h"
#include "lab/lab.h"

/* Open the lab as the headless run does (lab_open_or_replay: `replay`, else
 * the shipped recording when `cap` is NULL, else live), run every step and
 * write the handout to `path`; `why` says why there is no capture.  Prints
 * "wrote handout PATH (N steps, M packets)".  0, or 1 with a message on
 * stderr. */
int handout_cmd(const struct lesson *l, struct capture *cap, enum capture_mode mode, const struct lab_options *opt,
                const char *replay, const char *why, const char *path, bool python);

#endif
