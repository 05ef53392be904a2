/*
 * labsrv_echo.c — TCP and UDP echo, after RFC 862 (Echo Protocol): whatever
 * arrives is sent back unchanged.
 *
 * Bounds: a TCP connection echoes at most max_requests reads of up to
 * LABSRV_READ_MAX bytes and is closed after io_timeout_ms of silence; a
 * UDP datagram is echoed up to the 2048 bytes labsrv.c reads of it.
 */
#include "servers/labsrv_priv.h"

#include <string.h>

/* Whatever the loop read (at most LABSRV_READ_MAX at a time) goes back in
 * one send, so the echo's segments follow the client's. */
static int echo_feed(struct labsrv_conn *c)
{
	uint8_t buf[LABSRV_CONN_BUF];
	size_t n = labsrv_take(c, buf, sizeof buf);
	if (n == 0)
		return c->eof ? LS_EOF : LS_AGAIN;
	if (labsrv_out(c, buf, n) < 0)
		return LS_ERR;
	if (++c->requests >= c->s->lim.max_requests)
		labsrv_close(c);
	return LS_OK;
}

/* Served to its end: counted when the connection closes, for any reason. */
static void echo_finish(struct labsrv_conn *c)
{
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
	.name = "echo-tcp", .socks = LABSRV_TCP, .feed = echo_feed, .finish = echo_finish,
};

const struct labsrv_proto labsrv_proto_echo_udp = {
	.name = "echo-udp", .socks = LABSRV_UDP, .datagram = echo_datagram,
};
