/*
 * sockdiag.c — a NETLINK_SOCK_DIAG dump of TCP sockets (see sockdiag.h).
 *
 * One SOCK_DIAG_BY_FAMILY request per call, asking for every state and the
 * INET_DIAG_INFO attribute (struct tcp_info).  A dump walks every bucket of
 * the kernel's connection hash whatever it is asked to filter, so ports
 * are filtered here; who knows a socket's four-tuple asks for it alone
 * (sockdiag_tcp_lookup), which the kernel answers from the hash.
 */
#include "demo/sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>   /* its tcp_info has the byte counters glibc's lacks */
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel's TCP states (the numbering netinet/tcp.h names, which cannot
 * be included beside linux/tcp.h). */
enum {
	ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1, ST_FIN_WAIT2, ST_TIME_WAIT,
	ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK, ST_LISTEN, ST_CLOSING,
};

int sockdiag_tcp(int family, uint16_t port, struct sockdiag_entry *out, size_t max)
{
	return sockdiag_tcp_ports(family, &port, 1, out, max);
}

static bool port_in(uint16_t p, const uint16_t *ports, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ports[i] == p)
			return true;
	return false;
}

/* One inet_diag_msg (and its tcp_info) as an entry. */
static void entry_of(const struct nlmsghdr *h, struct sockdiag_entry *e)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	*e = (struct sockdiag_entry){ .family = m->idiag_family, .state = m->idiag_state,
	                              .sport = ntohs(m->id.idiag_sport), .dport = ntohs(m->id.idiag_dport),
	                              .inode = m->idiag_inode, .rqueue = m->idiag_rqueue };
	int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
	for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type != INET_DIAG_INFO ||
		    RTA_PAYLOAD(a) < offsetof(struct tcp_info, tcpi_unacked) + sizeof(uint32_t))
			continue;
		struct tcp_info ti;
		memset(&ti, 0, sizeof ti);
		memcpy(&ti, RTA_DATA(a), RTA_PAYLOAD(a) < sizeof ti ? RTA_PAYLOAD(a) : sizeof ti);
		e->unacked = ti.tcpi_unacked;
		/* tcpi_bytes_sent and tcpi_bytes_retrans came last (Linux 4.19) */
		e->has_bytes = RTA_PAYLOAD(a) >= offsetof(struct tcp_info, tcpi_bytes_retrans) + sizeof(uint64_t);
		e->bytes_sent = ti.tcpi_bytes_sent;
		e->bytes_retrans = ti.tcpi_bytes_retrans;
		e->bytes_received = ti.tcpi_bytes_received;
		e->notsent = ti.tcpi_notsent_bytes;
	}
}

/* The request both the dump and the lookup send: TCP of `family`, every
 * state, with tcp_info. */
struct diag_req {
	struct nlmsghdr nh;
	struct inet_diag_req_v2 req;
};

static void req_init(struct diag_req *msg, int family, uint16_t flags)
{
	memset(msg, 0, sizeof *msg);
	msg->nh.nlmsg_len = sizeof *msg;
	msg->nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg->nh.nlmsg_flags = flags;
	msg->req.sdiag_family = (uint8_t)family;
	msg->req.sdiag_protocol = IPPROTO_TCP;
	msg->req.idiag_states = ~0u;
	msg->req.idiag_ext = 1 << (INET_DIAG_INFO - 1);
}

int sockdiag_tcp_ports(int family, const uint16_t *ports, size_t nports, struct sockdiag_entry *out, size_t max)
{
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (s < 0)
		return -1;
	struct diag_req msg;
	req_init(&msg, family, NLM_F_REQUEST | NLM_F_DUMP);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	if (sendto(s, &msg, sizeof msg, 0, (struct sockaddr *)&nl, sizeof nl) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}

	int count = 0;
	/* aligned for nlmsghdr */
	static _Thread_local long buf[8192 / sizeof(long)];
	for (;;) {
		ssize_t n = recv(s, buf, sizeof buf, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(s);
			errno = e;
			return -1;
		}
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				close(s);
				return count;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				close(s);
				errno = e->error ? -e->error : EPROTO;
				return -1;
			}
			struct sockdiag_entry e;
			entry_of(h, &e);
			if (!port_in(e.sport, ports, nports) && !port_in(e.dport, ports, nports))
				continue;
			if ((size_t)count < max)
				out[count] = e;
			count++;
		}
	}
}

int sockdiag_open(void)
{
	return socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
}

int sockdiag_tcp_lookup(int nl, int family, const uint8_t *la, uint16_t lport, const uint8_t *ra, uint16_t rport,
                        struct sockdiag_entry *out)
{
	struct diag_req msg;
	req_init(&msg, family, NLM_F_REQUEST);
	msg.nh.nlmsg_seq = 1;
	size_t alen = family == AF_INET6 ? 16 : 4;
	memcpy(msg.req.id.idiag_src, la, alen);
	memcpy(msg.req.id.idiag_dst, ra, alen);
	msg.req.id.idiag_sport = htons(lport);
	msg.req.id.idiag_dport = htons(rport);
	msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	struct sockaddr_nl nla = { .nl_family = AF_NETLINK };
	if (sendto(nl, &msg, sizeof msg, 0, (struct sockaddr *)&nla, sizeof nla) < 0)
		return -1;
	/* aligned for nlmsghdr; one answer: the socket, or an error */
	static _Thread_local long buf[4096 / sizeof(long)];
	for (int tries = 0; tries < 16; tries++) {
		ssize_t n = recv(nl, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		if (!NLMSG_OK(h, (size_t)n)) {
			errno = EPROTO;
			return -1;
		}
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (e->error == -ENOENT)
				return 0;
			errno = e->error ? -e->error : EPROTO;
			return -1;
		}
		if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			entry_of(h, out);
			return 1;
		}
		/* anything else (a late answer of another request) is skipped; the
		 * socket is blocking and each request gets exactly one answer */
	}
	errno = EPROTO;
	return -1;
}

bool sockdiag_in_flight(const struct sockdiag_entry *e)
{
	switch (e->state) {
	case ST_SYN_SENT: case ST_SYN_RECV: case ST_FIN_WAIT1:
	case ST_CLOSING: case ST_LAST_ACK:
		return true;
	case ST_LISTEN: case ST_TIME_WAIT: case ST_CLOSE:
		return false;
	default:
		return e->unacked > 0;
	}
}
