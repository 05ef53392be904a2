/* challenge_cmd.h — `sockscope challenge [NAME]` (src/challenge/). */
#ifndef SOCKSCOPE_CHALLENGE_CMD_H
#define SOCKSCOPE_CHALLENGE_CMD_H
int challenge_main(int argc, char **argv);
#endif
