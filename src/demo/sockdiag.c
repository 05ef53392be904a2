/*
 * sockdiag.c — a NETLINK_SOCK_DIAG dump of TCP sockets (see sockdiag.h).
 *
 * One SOCK_DIAG_BY_FAMILY request per call, asking for every state and the
 * INET_DIAG_INFO attribute (struct tcp_info); the kernel filters nothing by
 * port here, we do, since the demo's sockets are few and loopback is quiet.
 */
#include "demo/sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

int sockdiag_tcp_ports(int family, const uint16_t *ports, size_t nports, struct sockdiag_entry *out, size_t max)
{
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (s < 0)
		return -1;
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} msg;
	memset(&msg, 0, sizeof msg);
	msg.nh.nlmsg_len = sizeof msg;
	msg.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = (uint8_t)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0u;
	msg.req.idiag_ext = 1 << (INET_DIAG_INFO - 1);
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
			struct inet_diag_msg *m = NLMSG_DATA(h);
			uint16_t sp = ntohs(m->id.idiag_sport), dp = ntohs(m->id.idiag_dport);
			if (!port_in(sp, ports, nports) && !port_in(dp, ports, nports))
				continue;
			struct sockdiag_entry e = { .family = m->idiag_family, .state = m->idiag_state,
			                            .sport = sp, .dport = dp, .inode = m->idiag_inode,
			                            .rqueue = m->idiag_rqueue };
			int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof *m));
			for (struct rtattr *a = (struct rtattr *)(m + 1); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type == INET_DIAG_INFO &&
				    RTA_PAYLOAD(a) >= offsetof(struct tcp_info, tcpi_unacked) + sizeof(uint32_t)) {
					struct tcp_info ti;
					memset(&ti, 0, sizeof ti);
					memcpy(&ti, RTA_DATA(a), RTA_PAYLOAD(a) < sizeof ti ? RTA_PAYLOAD(a) : sizeof ti);
					e.unacked = ti.tcpi_unacked;
				}
			}
			if ((size_t)count < max)
				out[count] = e;
			count++;
		}
	}
}

bool sockdiag_in_flight(const struct sockdiag_entry *e)
{
	switch (e->state) {
	case TCP_SYN_SENT: case TCP_SYN_RECV: case TCP_FIN_WAIT1:
	case TCP_CLOSING: case TCP_LAST_ACK:
		return true;
	case TCP_LISTEN: case TCP_TIME_WAIT: case TCP_CLOSE:
		return false;
	default:
		return e->unacked > 0;
	}
}
