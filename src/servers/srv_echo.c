/*
 * srv_echo.c — TCP and UDP echo, after RFC 862 (Echo Protocol): whatever
 * arrives is sent back unchanged.
 *
 * Bounds: a TCP connection echoes at most max_requests reads of up to
 * LABSRV_CONN_BUF bytes, each waited for at most io_timeout_ms; a UDP
 * datagram is echoed up to the 2048 bytes labsrv.c reads of it.
 */
#include "servers/labsrv_priv.h"

#include <string.h>

static void echo_session(struct labsrv_conn *c)
{
	uint8_t buf[LABSRV_CONN_BUF];
	for (int i = 0; i < c->s->lim.max_requests; i++) {
		ssize_t n = labsrv_read_some(c, buf, sizeof buf);
		if (n <= 0 || labsrv_send(c->s, c->fd, buf, (size_t)n) < 0)
			break;
	}
	labsrv_count(c->s);
}

static ssize_t echo_datagram(struct labsrv *s, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	if (n > cap)
		n = cap;
	memcpy(out, in, n);
	labsrv_count(s);
	return (ssize_t)n;
}

const struct labsrv_proto labsrv_proto_echo_tcp = {
	.name = "echo-tcp", .socks = LABSRV_TCP, .session = echo_session,
};

const struct labsrv_proto labsrv_proto_echo_udp = {
	.name = "echo-udp", .socks = LABSRV_UDP, .datagram = echo_datagram,
};
