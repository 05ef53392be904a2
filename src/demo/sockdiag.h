/*
 * sockdiag.h — ask the kernel about TCP sockets, also ones we no longer hold.
 *
 * After close() a socket lives on in the kernel (FIN_WAIT, LAST_ACK,
 * TIME_WAIT) without a file descriptor, so getsockopt(TCP_INFO) cannot see
 * it.  The sock_diag netlink interface (the one `ss` uses, see sock_diag(7))
 * lists them all, with their state and tcp_info, without privileges.
 */
#ifndef SOCKSCOPE_SOCKDIAG_H
#define SOCKSCOPE_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockdiag_entry {
	int family;            /* AF_INET or AF_INET6 */
	uint8_t state;         /* TCP_ESTABLISHED ... (netinet/tcp.h numbering) */
	uint16_t sport, dport; /* host byte order */
	uint32_t unacked;      /* segments sent and not yet acknowledged (0 if unknown) */
	uint32_t rqueue;       /* bytes not yet read; for a listener, connections not yet accepted */
	uint32_t inode;        /* 0 once no descriptor refers to the socket */
};

/* List the TCP sockets of `family` whose local or remote port is `port`.
 * Writes at most max entries; returns how many there are (may exceed max),
 * or -1 with errno set when the kernel cannot be asked. */
int sockdiag_tcp(int family, uint16_t port, struct sockdiag_entry *out, size_t max);
/* The same for any of nports ports, in one dump: each dump walks the
 * kernel's whole connection table (about 1.7 ms on a machine of 24 GiB),
 * so asking once for all the ports of a program is what keeps a traced
 * call fast (sockscope trace). */
int sockdiag_tcp_ports(int family, const uint16_t *ports, size_t nports, struct sockdiag_entry *out, size_t max);

/* Has the kernel still something to do on this socket before it is quiet:
 * a handshake or close in flight, or data sent and not yet acknowledged?
 * (A listener, TIME_WAIT and CLOSE are quiet.)  Shared by the lab's step
 * boundaries and sockscope trace's call boundaries. */
bool sockdiag_in_flight(const struct sockdiag_entry *e);

#endif
