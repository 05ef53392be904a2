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
	/* From tcp_info when the kernel gives them (has_bytes): data bytes
	 * sent (retransmissions included), retransmitted, received in order,
	 * and written but not sent yet (Nagle, the peer's window). */
	bool has_bytes;
	uint64_t bytes_sent, bytes_retrans, bytes_received;
	uint32_t notsent;
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

/* One socket, asked for by its exact address and ports (a hash lookup in
 * the kernel: about 1.5 us here, against 2 ms for a dump that walks the
 * whole table, with or without a port filter in bytecode).  la/ra are 4
 * (AF_INET) or 16 bytes in network order, ports host order.  1 found
 * (*out filled), 0 no such socket, -1 with errno when the kernel cannot be
 * asked.  nl is a socket of sockdiag_open, kept across lookups. */
int sockdiag_open(void);
int sockdiag_tcp_lookup(int nl, int family, const uint8_t *la, uint16_t lport, const uint8_t *ra, uint16_t rport,
                        struct sockdiag_entry *out);

/* Has the kernel still something to do on this socket before it is quiet:
 * a handshake or close in flight, or data sent and not yet acknowledged?
 * (A listener, TIME_WAIT and CLOSE are quiet.)  Shared by the lab's step
 * boundaries and sockscope trace's call boundaries. */
bool sockdiag_in_flight(const struct sockdiag_entry *e);

#endif
