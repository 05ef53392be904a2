/*
 * proto_ipip.c — IP in IP: IPv4 in IPv4 or IPv6 (IP protocol 4, RFC 2003)
 * and IPv6 in IPv4 or IPv6 (IP protocol 41: 6in4, RFC 4213), and the one
 * bound on nested tunnels that every encapsulation goes through.
 *
 * The inner packet is a whole IP packet right after the outer header; its
 * addresses become the packet's (the list shows the inner conversation,
 * as Wireshark does), and the outer header stays first in the tree.
 */
#include "dissect/dissect_priv.h"

#include <stdio.h>
#include <string.h>

bool dis_tunnel_enter(struct dctx *c, const char *what)
{
	if (c->quoted)
		return false;   /* an ICMP error's quote: its outer header is what it is about */
	if (c->tunnels >= DIS_MAX_TUNNELS) {
		dis_data(c, "Tunnel payload", c->r.off, rd_left(&c->r));
		dis_unsupported(c, "more than %d tunnels inside each other are not decoded", DIS_MAX_TUNNELS);
		return false;
	}
	c->tunnels++;
	/* The outer packet is written down in the prefix; the inner one
	 * starts from nothing, so that no outer port or protocol leaks into
	 * what the list says about it. */
	struct pkt_info *i = c->info;
	char prefix[sizeof i->tunnel];
	if (i->ip_version)
		snprintf(prefix, sizeof prefix, "%s%s%s > %s %s", i->tunnel, i->tunnel[0] ? ": " : "", i->src, i->dst,
		         what);
	else
		snprintf(prefix, sizeof prefix, "%s%s%s", i->tunnel, i->tunnel[0] ? ": " : "", what);
	uint64_t hash = i->frame_hash;
	memset(i, 0, sizeof *i);
	i->frame_hash = hash;
	memcpy(i->tunnel, prefix, sizeof prefix);
	return true;
}

void dis_ipip(struct dctx *c, uint32_t len)
{
	(void)len;
	if (dis_tunnel_enter(c, "IP in IP"))
		dis_ipv4(c);
}

void dis_ip6ip(struct dctx *c, uint32_t len)
{
	(void)len;
	if (dis_tunnel_enter(c, "IPv6 in IP"))
		dis_ipv6(c);
}
