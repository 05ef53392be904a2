/*
 * kinds.c — the table of challenge kinds (one file each: kind_*.c).
 */
#include "challenge/challenge.h"

#include <stdio.h>
#include <string.h>

extern const struct chal_kind kind_tcp_hello;
extern const struct chal_kind kind_udp_send;
extern const struct chal_kind kind_tcp_timeout;
extern const struct chal_kind kind_http_get;
extern const struct chal_kind kind_echo_server;
extern const struct chal_kind kind_framing;
extern const struct chal_kind kind_concurrent;
extern const struct chal_kind kind_udp_echo;
extern const struct chal_kind kind_dns_query;
extern const struct chal_kind kind_upload;
extern const struct chal_kind kind_event_loop;

static const struct chal_kind *const kinds[] = {
	&kind_tcp_hello,
	&kind_udp_send,
	&kind_tcp_timeout,
	&kind_http_get,
	&kind_echo_server,
	&kind_framing,
	&kind_concurrent,
	&kind_udp_echo,
	&kind_dns_query,
	&kind_upload,
	&kind_event_loop,
};

const struct chal_kind *chal_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

const char *chal_kind_names(void)
{
	static char names[512];
	size_t k = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && k < sizeof names; i++)
		k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i ? " " : "", kinds[i]->name);
	return names;
}
