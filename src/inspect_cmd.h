/*
 * inspect_cmd.h — `sockscope inspect FILE ...`: a capture file as text.
 */
#ifndef SOCKSCOPE_INSPECT_CMD_H
#define SOCKSCOPE_INSPECT_CMD_H

/* argv[0] is "inspect".  Returns the exit status: 0; 1 when the file is
 * damaged (every packet before the damage was printed, the reason went to
 * stderr); 2 for a file that is no capture, a bad filter or bad usage. */
int inspect_main(int argc, char **argv);

#endif
