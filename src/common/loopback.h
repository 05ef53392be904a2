/*
 * loopback.h — the loopback addresses and the one way the lab binds a socket.
 *
 * Every socket sockscope binds for itself (a lesson's lab servers and
 * markers, `sockscope serve`, a challenge's lab side) is on 127.0.0.1 or
 * ::1 and, unless a port is asked for, on a port the kernel picks: nothing
 * another machine can reach, and no clash with what already runs.
 * Families are 4 and 6, as on the command line.
 */
#ifndef SOCKSCOPE_LOOPBACK_H
#define SOCKSCOPE_LOOPBACK_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

/* 127.0.0.1 (family 4) or ::1 (6) with port into *ss; returns its length. */
socklen_t loopback_addr(int family, uint16_t port, struct sockaddr_storage *ss);

/* A socket of type (SOCK_STREAM, SOCK_DGRAM; close-on-exec) bound to the
 * loopback of family on port want (0: the kernel picks), listening with
 * backlog when backlog > 0.  Returns the fd and *port the port bound, or
 * -1 with a message in err ("binding a TCP socket on ::1 port 80: ..."). */
int loopback_bind(int family, int type, uint16_t want, int backlog, uint16_t *port, char *err, size_t errlen);

#endif
