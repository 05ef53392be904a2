/*
 * loopback.c — loopback addresses and binds (see loopback.h).
 */
#include "common/loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

socklen_t loopback_addr(int family, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(port);
		return sizeof *s6;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s4->sin_port = htons(port);
	return sizeof *s4;
}

int loopback_bind(int family, int type, uint16_t want, int backlog, uint16_t *port, char *err, size_t errlen)
{
	int fd = socket(family == 6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	if (family == 6)   /* ::1 only, never an IPv4-mapped twin */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	/* A port asked for by number is wanted again right after the last run,
	 * while that run's connections still sit in TIME_WAIT on it; a port the
	 * kernel picks is free anyway. */
	if (want && type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_storage ss;
	socklen_t len = loopback_addr(family, want, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    (backlog > 0 && listen(fd, backlog) < 0)) {
		int e = errno;
		char where[32] = "";
		if (want)
			snprintf(where, sizeof where, " port %u", want);
		snprintf(err, errlen, "binding a %s socket on %s%s: %s%s", type == SOCK_STREAM ? "TCP" : "UDP",
		         family == 6 ? "::1" : "127.0.0.1", where, strerror(e),
		         e == EADDRINUSE ? " (another program has that port)" : "");
		close(fd);
		return -1;
	}
	*port = ntohs(family == 6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}
