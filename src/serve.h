/*
 * serve.h — `sockscope serve PROTO [-4|-6] [--count N] [--seconds S]`:
 * run one of the lab's servers (src/servers) on loopback for real clients
 * such as curl and dig.
 */
#ifndef SOCKSCOPE_SERVE_H
#define SOCKSCOPE_SERVE_H

/* argv[0] is "serve"; returns the exit status (0, or 2 for a usage error
 * or a server that cannot start). */
int serve_main(int argc, char **argv);

#endif
