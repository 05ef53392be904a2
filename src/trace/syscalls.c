/*
 * syscalls.c — the network calls sockscope trace stops at, and their text
 * as strace writes it: descriptors with what they are, socket addresses,
 * flags and option names, values and the first bytes of data.
 *
 * One table row per call (name, number, what kind it is, how its arguments
 * and results read).  The tracee's memory is read with process_vm_readv;
 * a pointer that cannot be read prints as its address, never as a guess.
 * What a descriptor is comes from /proc/PID/fd (its socket inode) and the
 * namespace's socket tables /proc/PID/net/{tcp,tcp6,udp,udp6,unix}, which
 * an unprivileged tracer may read and which hold closed-but-lingering
 * sockets too.
 */
#include "trace/trace_priv.h"

#include "common/text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* How many bytes of data a call shows, as strace's default -s 32. */
#define DATA_SHOWN 32


ssize_t trace_peek(pid_t pid, uint64_t addr, void *buf, size_t n)
{
	if (!addr || !n)
		return addr ? 0 : -1;
	struct iovec local = { buf, n }, remote = { (void *)(uintptr_t)addr, n };
	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/* ---- descriptors ---- */

bool trace_fd_is_socket(pid_t pid, int fd)
{
	char path[64], target[64];
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t k = readlink(path, target, sizeof target - 1);
	return k > 8 && memcmp(target, "socket:[", 8) == 0;
}

/* "0100007F:1F90" (the kernel's hex, address in network order as a host
 * int) into text; for IPv6 32 hex digits. */
static void proc_addr(const char *hex, bool v6, char *buf, size_t n, uint16_t *port, uint8_t raw[16])
{
	const char *colon = strchr(hex, ':');
	*port = colon ? (uint16_t)strtoul(colon + 1, NULL, 16) : 0;
	if (!v6) {
		struct in_addr a = { .s_addr = (uint32_t)strtoul(hex, NULL, 16) };
		memcpy(raw, &a, 4);
		inet_ntop(AF_INET, &a, buf, (socklen_t)n);
		return;
	}
	struct in6_addr a6;
	for (int w = 0; w < 4; w++) {
		char word[9];
		memcpy(word, hex + w * 8, 8);
		word[8] = '\0';
		uint32_t v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(&a6.s6_addr[w * 4], &v, 4);
	}
	memcpy(raw, &a6, 16);
	char t[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &a6, t, sizeof t);
	snprintf(buf, n, "[%s]", t);
}

/* /proc/PID/net/TABLE past its heading line, or NULL.  Reading it is
 * bounded by the table's size: one line per socket. */
static FILE *net_table(pid_t pid, const char *table)
{
	char path[64], heading[512];
	snprintf(path, sizeof path, "/proc/%d/net/%s", (int)pid, table);
	FILE *f = fopen(path, "re");
	if (f && !fgets(heading, sizeof heading, f)) {
		fclose(f);
		return NULL;
	}
	return f;
}

/* Find inode in one of /proc/PID/net/{tcp,udp}[6]. */
static bool find_inet(pid_t pid, const char *table, bool v6, uint32_t inode, struct trace_sock *s, char *text,
                      size_t n)
{
	FILE *f = net_table(pid, table);
	if (!f)
		return false;
	char line[512];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		char local[64], remote[64];
		unsigned st;
		unsigned long ino;
		if (sscanf(line, "%*d: %63s %63s %x %*s %*s %*s %*s %*s %lu", local, remote, &st, &ino) != 4 ||
		    ino != inode)
			continue;
		char la[64], ra[64];
		proc_addr(local, v6, la, sizeof la, &s->lport, s->laddr);
		proc_addr(remote, v6, ra, sizeof ra, &s->rport, s->raddr);
		s->tcp = table[0] == 't';
		s->family = v6 ? AF_INET6 : AF_INET;
		s->state = s->tcp ? (int)st : 0;
		snprintf(s->proto, sizeof s->proto, "%s%s", s->tcp ? "TCP" : "UDP", v6 ? "v6" : "");
		if (!s->lport)
			snprintf(text, n, "%s", s->proto);
		else if (!s->rport)
			snprintf(text, n, "%s %s:%u%s", s->proto, la, s->lport,
			         s->tcp && st == TCP_LISTEN ? " LISTEN" : "");
		else
			snprintf(text, n, "%s %s:%u->%s:%u", s->proto, la, s->lport, ra, s->rport);
		found = true;
	}
	fclose(f);
	return found;
}

static bool find_unix(pid_t pid, uint32_t inode, struct trace_sock *s, char *text, size_t n)
{
	FILE *f = net_table(pid, "unix");
	if (!f)
		return false;
	char line[512];
	bool found = false;
	while (!found && fgets(line, sizeof line, f)) {
		unsigned long ino;
		char name[256] = "";
		int k = sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %255s", &ino, name);
		if (k < 1 || ino != inode)
			continue;
		s->family = AF_UNIX;
		snprintf(s->proto, sizeof s->proto, "UNIX");
		snprintf(text, n, "UNIX%s%s", name[0] ? " " : "", name);
		found = true;
	}
	fclose(f);
	return found;
}

static void ap_inet(const struct sockaddr_storage *ss, char *buf, size_t n, uint16_t *port, uint8_t raw[16])
{
	char t[INET6_ADDRSTRLEN];
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
		memcpy(raw, &a->sin6_addr, 16);
		inet_ntop(AF_INET6, &a->sin6_addr, t, sizeof t);
		*port = ntohs(a->sin6_port);
		snprintf(buf, n, "[%s]:%u", t, *port);
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
		memcpy(raw, &a->sin_addr, 4);
		inet_ntop(AF_INET, &a->sin_addr, t, sizeof t);
		*port = ntohs(a->sin_port);
		snprintf(buf, n, "%s:%u", t, *port);
	}
}

/* Ask the socket itself: a duplicate of the tracee's descriptor
 * (pidfd_getfd, allowed to its tracer) answers getsockopt, getsockname
 * and getpeername, also before it is bound, when /proc/net lists it not. */
static bool describe_dup(pid_t pid, int fd, struct trace_sock *s, char *text, size_t n)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
	int pfd = (int)syscall(SYS_pidfd_open, pid, O_EXCL /* PIDFD_THREAD: pid may be a thread's */);
	if (pfd < 0)
		pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return false;
	int dup = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	close(pfd);
	if (dup < 0)
		return false;
	int domain = 0, type = 0, proto = 0;
	socklen_t l = sizeof domain;
	getsockopt(dup, SOL_SOCKET, SO_DOMAIN, &domain, &l);
	l = sizeof type;
	getsockopt(dup, SOL_SOCKET, SO_TYPE, &type, &l);
	l = sizeof proto;
	getsockopt(dup, SOL_SOCKET, SO_PROTOCOL, &proto, &l);
	bool ok = false;
	if (domain == AF_INET || domain == AF_INET6) {
		s->family = domain;
		s->tcp = type == SOCK_STREAM && proto == IPPROTO_TCP;
		const char *p = s->tcp ? "TCP" : type == SOCK_DGRAM && proto == IPPROTO_UDP ? "UDP"
		              : type == SOCK_RAW ? "RAW" : "INET";
		snprintf(s->proto, sizeof s->proto, "%s%s", p, domain == AF_INET6 ? "v6" : "");
		struct sockaddr_storage ls, rs;
		socklen_t ll = sizeof ls, rl = sizeof rs;
		char la[80] = "", ra[80] = "";
		if (getsockname(dup, (struct sockaddr *)&ls, &ll) == 0)
			ap_inet(&ls, la, sizeof la, &s->lport, s->laddr);
		bool connected = getpeername(dup, (struct sockaddr *)&rs, &rl) == 0;
		if (connected)
			ap_inet(&rs, ra, sizeof ra, &s->rport, s->raddr);
		if (s->tcp) {
			struct tcp_info ti;
			socklen_t tl = sizeof ti;
			if (getsockopt(dup, IPPROTO_TCP, TCP_INFO, &ti, &tl) == 0)
				s->state = ti.tcpi_state;
		}
		if (!s->lport)
			snprintf(text, n, "%s", s->proto);
		else if (!connected)
			snprintf(text, n, "%s %s%s", s->proto, la, s->state == TCP_LISTEN ? " LISTEN" : "");
		else
			snprintf(text, n, "%s %s->%s", s->proto, la, ra);
		ok = true;
	} else if (domain == AF_UNIX) {
		s->family = AF_UNIX;
		snprintf(s->proto, sizeof s->proto, "UNIX");
		snprintf(text, n, "UNIX%s", type == SOCK_DGRAM ? " DGRAM" : type == SOCK_SEQPACKET ? " SEQPACKET" : "");
		ok = true;
	}
	close(dup);
	return ok;
#else
	(void)pid; (void)fd; (void)s; (void)text; (void)n;
	return false;
#endif
}

void trace_fd_describe(pid_t pid, int fd, char *buf, size_t n, struct trace_sock *s)
{
	struct trace_sock local;
	if (!s)
		s = &local;
	memset(s, 0, sizeof *s);
	char path[64], target[PATH_MAX];
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
	ssize_t k = readlink(path, target, sizeof target - 1);
	if (k <= 0) {
		snprintf(buf, n, "%d", fd);
		return;
	}
	target[k] = '\0';
	unsigned long ino;
	if (sscanf(target, "socket:[%lu]", &ino) != 1) {
		snprintf(buf, n, "%d<%s>", fd, target);
		return;
	}
	s->is_socket = true;
	s->inode = (uint32_t)ino;
	char what[160];
	if (describe_dup(pid, fd, s, what, sizeof what))
		snprintf(buf, n, "%d<%s>", fd, what);
	else if (find_inet(pid, "tcp", false, s->inode, s, what, sizeof what) ||
	    find_inet(pid, "tcp6", true, s->inode, s, what, sizeof what) ||
	    find_inet(pid, "udp", false, s->inode, s, what, sizeof what) ||
	    find_inet(pid, "udp6", true, s->inode, s, what, sizeof what) ||
	    find_unix(pid, s->inode, s, what, sizeof what))
		snprintf(buf, n, "%d<%s>", fd, what);
	else
		snprintf(buf, n, "%d<socket:[%lu]>", fd, ino);
}

/* ---- pieces of arguments ---- */

struct name { long v; const char *s; };
#define N(x) { x, #x }

static const char *name_of(const struct name *t, size_t n, long v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].s;
	return NULL;
}
#define NAME(t, v) name_of(t, sizeof t / sizeof t[0], v)

static void ap_named(char *buf, size_t n, const struct name *t, size_t tn, long v)
{
	const char *s = name_of(t, tn, v);
	if (s)
		text_appendf(buf, n, "%s", s);
	else
		text_appendf(buf, n, "%ld", v);
}
#define AP_NAMED(buf, n, t, v) ap_named(buf, n, t, sizeof t / sizeof t[0], v)

/* Flags as "A|B|0x40"; "0" when none. */
static void ap_flags(char *buf, size_t n, const struct name *t, size_t tn, unsigned long v)
{
	if (!v) {
		text_appendf(buf, n, "0");
		return;
	}
	bool first = true;
	for (size_t i = 0; i < tn; i++) {
		if (t[i].v && (v & (unsigned long)t[i].v) == (unsigned long)t[i].v) {
			text_appendf(buf, n, "%s%s", first ? "" : "|", t[i].s);
			v &= ~(unsigned long)t[i].v;
			first = false;
		}
	}
	if (v)
		text_appendf(buf, n, "%s%#lx", first ? "" : "|", v);
}
#define AP_FLAGS(buf, n, t, v) ap_flags(buf, n, t, sizeof t / sizeof t[0], v)

static const struct name families[] = { N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6), N(AF_NETLINK),
	                                N(AF_PACKET) };
static const struct name socktypes[] = { N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_SEQPACKET) };
static const struct name typeflags[] = { N(SOCK_NONBLOCK), N(SOCK_CLOEXEC) };
static const struct name protos[] = { N(IPPROTO_IP), N(IPPROTO_TCP), N(IPPROTO_UDP), N(IPPROTO_ICMP),
	                              N(IPPROTO_ICMPV6) };
static const struct name msgflags[] = { N(MSG_OOB), N(MSG_PEEK), N(MSG_DONTROUTE), N(MSG_TRUNC),
	                                N(MSG_DONTWAIT), N(MSG_EOR), N(MSG_WAITALL), N(MSG_NOSIGNAL),
	                                N(MSG_MORE), N(MSG_CMSG_CLOEXEC) };
static const struct name hows[] = { N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR) };
static const struct name levels[] = { N(SOL_SOCKET), N(IPPROTO_IP), N(IPPROTO_IPV6), N(IPPROTO_TCP),
	                              N(IPPROTO_UDP) };
static const struct name sol_opts[] = { N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE),
	                                N(SO_BROADCAST), N(SO_SNDBUF), N(SO_RCVBUF), N(SO_KEEPALIVE),
	                                N(SO_OOBINLINE), N(SO_LINGER), N(SO_REUSEPORT), N(SO_RCVLOWAT),
	                                N(SO_SNDLOWAT), N(SO_RCVTIMEO), N(SO_SNDTIMEO), N(SO_BINDTODEVICE),
	                                N(SO_ACCEPTCONN), N(SO_PROTOCOL), N(SO_DOMAIN) };
static const struct name tcp_opts[] = { N(TCP_NODELAY), N(TCP_MAXSEG), N(TCP_CORK), N(TCP_KEEPIDLE),
	                                N(TCP_KEEPINTVL), N(TCP_KEEPCNT), N(TCP_LINGER2), N(TCP_DEFER_ACCEPT),
	                                N(TCP_INFO), N(TCP_QUICKACK), N(TCP_USER_TIMEOUT), N(TCP_FASTOPEN) };
static const struct name ip_opts[] = { N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_RECVERR), N(IP_MTU_DISCOVER),
	                               N(IP_MULTICAST_TTL), N(IP_MULTICAST_LOOP), N(IP_ADD_MEMBERSHIP) };
static const struct name ip6_opts[] = { N(IPV6_V6ONLY), N(IPV6_UNICAST_HOPS), N(IPV6_RECVERR),
	                                N(IPV6_MULTICAST_LOOP), N(IPV6_TCLASS) };
static const struct name fcntl_cmds[] = { N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL),
	                                  N(F_DUPFD_CLOEXEC) };
static const struct name oflags[] = { N(O_WRONLY), N(O_RDWR), N(O_APPEND), N(O_NONBLOCK), N(O_ASYNC),
	                              N(O_CLOEXEC) };
static const struct name pollev[] = { N(POLLIN), N(POLLPRI), N(POLLOUT), N(POLLERR), N(POLLHUP), N(POLLNVAL),
	                              N(POLLRDNORM), N(POLLRDBAND), N(POLLWRNORM), N(POLLWRBAND), N(POLLRDHUP) };
static const struct name epollev[] = { N(EPOLLIN), N(EPOLLPRI), N(EPOLLOUT), N(EPOLLERR), N(EPOLLHUP),
	                               N(EPOLLRDHUP), N(EPOLLET), N(EPOLLONESHOT) };
static const struct name epollops[] = { N(EPOLL_CTL_ADD), N(EPOLL_CTL_DEL), N(EPOLL_CTL_MOD) };

static void ap_fd(const struct trace_call *c, char *buf, size_t n)
{
	text_appendf(buf, n, "%s", c->fd0);
}

/* A C string literal of the first DATA_SHOWN of len bytes at addr. */
static void ap_data(pid_t pid, uint64_t addr, uint64_t len, char *buf, size_t n)
{
	uint8_t d[DATA_SHOWN];
	size_t want = len < DATA_SHOWN ? (size_t)len : DATA_SHOWN;
	ssize_t got = trace_peek(pid, addr, d, want);
	if (got < 0 || (size_t)got < want) {
		text_appendf(buf, n, "%#llx", (unsigned long long)addr);
		return;
	}
	text_appendf(buf, n, "\"");
	for (size_t i = 0; i < want; i++) {
		uint8_t ch = d[i];
		switch (ch) {
		case '\n': text_appendf(buf, n, "\\n"); break;
		case '\r': text_appendf(buf, n, "\\r"); break;
		case '\t': text_appendf(buf, n, "\\t"); break;
		case '"': text_appendf(buf, n, "\\\""); break;
		case '\\': text_appendf(buf, n, "\\\\"); break;
		default:
			if (ch >= 32 && ch < 127)
				text_appendf(buf, n, "%c", ch);
			else
				text_appendf(buf, n, "\\x%02x", ch);
		}
	}
	text_appendf(buf, n, "\"%s", len > want ? "..." : "");
}

static void ap_sockaddr(pid_t pid, uint64_t addr, uint64_t len, char *buf, size_t n)
{
	if (!addr) {
		text_appendf(buf, n, "NULL");
		return;
	}
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	size_t want = len < sizeof ss ? (size_t)len : sizeof ss;
	if (want < sizeof(sa_family_t) || trace_peek(pid, addr, &ss, want) != (ssize_t)want) {
		text_appendf(buf, n, "%#llx", (unsigned long long)addr);
		return;
	}
	char t[INET6_ADDRSTRLEN];
	if (ss.ss_family == AF_INET && want >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a->sin_addr, t, sizeof t);
		text_appendf(buf, n, "{AF_INET, %s:%u}", t, ntohs(a->sin_port));
	} else if (ss.ss_family == AF_INET6 && want >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a->sin6_addr, t, sizeof t);
		text_appendf(buf, n, "{AF_INET6, [%s]:%u}", t, ntohs(a->sin6_port));
	} else if (ss.ss_family == AF_UNIX) {
		struct sockaddr_un *u = (struct sockaddr_un *)&ss;
		size_t pl = want - offsetof(struct sockaddr_un, sun_path);
		if (pl && u->sun_path[0] == '\0')
			text_appendf(buf, n, "{AF_UNIX, @%.*s}", (int)(pl - 1), u->sun_path + 1);
		else
			text_appendf(buf, n, "{AF_UNIX, \"%.*s\"}", (int)strnlen(u->sun_path, pl), u->sun_path);
	} else {
		const char *f = NAME(families, ss.ss_family);
		if (f)
			text_appendf(buf, n, "{%s, ...}", f);
		else
			text_appendf(buf, n, "{sa_family=%u, ...}", ss.ss_family);
	}
}

/* An address the kernel wrote back, with its length pointer (accept,
 * getsockname, recvfrom). */
static void ap_sockaddr_out(const struct trace_call *c, uint64_t addr, uint64_t lenp, char *buf, size_t n)
{
	uint32_t len = 0;
	if (!addr) {
		text_appendf(buf, n, "NULL, NULL");
		return;
	}
	if (c->is_error || trace_peek(c->tid, lenp, &len, sizeof len) != sizeof len) {
		text_appendf(buf, n, "%#llx, %#llx", (unsigned long long)addr, (unsigned long long)lenp);
		return;
	}
	ap_sockaddr(c->tid, addr, len, buf, n);
	text_appendf(buf, n, ", [%u]", len);
}

/* ---- the calls ---- */

static void a_socket(const struct trace_call *c, char *b, size_t n)
{
	AP_NAMED(b, n, families, (long)c->args[0]);
	text_appendf(b, n, ", ");
	long type = (long)c->args[1];
	AP_NAMED(b, n, socktypes, type & 0xf);
	if (type & ~0xfL) {
		text_appendf(b, n, "|");
		AP_FLAGS(b, n, typeflags, (unsigned long)(type & ~0xfL));
	}
	text_appendf(b, n, ", ");
	AP_NAMED(b, n, protos, (long)c->args[2]);
}

static void a_socketpair(const struct trace_call *c, char *b, size_t n)
{
	a_socket(c, b, n);
	int sv[2];
	if (!c->is_error && trace_peek(c->tid, c->args[3], sv, sizeof sv) == sizeof sv)
		text_appendf(b, n, ", [%d, %d]", sv[0], sv[1]);
	else
		text_appendf(b, n, ", %#llx", (unsigned long long)c->args[3]);
}

static void a_addr_in(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	ap_sockaddr(c->tid, c->args[1], c->args[2], b, n);
	text_appendf(b, n, ", %llu", (unsigned long long)c->args[2]);
}

static void a_listen(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", %d", (int)c->args[1]);
}

static void a_accept(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	ap_sockaddr_out(c, c->args[1], c->args[2], b, n);
	if (c->sc->nr != SYS_accept) {
		text_appendf(b, n, ", ");
		AP_FLAGS(b, n, typeflags, (unsigned long)c->args[3]);
	}
}

static void a_name(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	ap_sockaddr_out(c, c->args[1], c->args[2], b, n);
}

/* send(fd, buf, len, flags) and sendto's address. */
static void a_sendto(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	ap_data(c->tid, c->args[1], c->args[2], b, n);
	text_appendf(b, n, ", %llu, ", (unsigned long long)c->args[2]);
	AP_FLAGS(b, n, msgflags, (unsigned long)c->args[3]);
	if (c->args[4]) {
		text_appendf(b, n, ", ");
		ap_sockaddr(c->tid, c->args[4], c->args[5], b, n);
		text_appendf(b, n, ", %llu", (unsigned long long)c->args[5]);
	} else {
		text_appendf(b, n, ", NULL, 0");
	}
}

static void a_recvfrom(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	if (c->is_error)
		text_appendf(b, n, "%#llx", (unsigned long long)c->args[1]);
	else
		ap_data(c->tid, c->args[1], (uint64_t)c->ret, b, n);
	text_appendf(b, n, ", %llu, ", (unsigned long long)c->args[2]);
	AP_FLAGS(b, n, msgflags, (unsigned long)c->args[3]);
	text_appendf(b, n, ", ");
	ap_sockaddr_out(c, c->args[4], c->args[5], b, n);
}

/* The data of an iovec array, up to `total` bytes (what the call moved). */
static void ap_iov(pid_t pid, uint64_t iovp, uint64_t iovcnt, uint64_t total, bool show, char *b, size_t n)
{
	struct iovec iov[8];
	size_t cnt = iovcnt < 8 ? (size_t)iovcnt : 8;
	if (!cnt || trace_peek(pid, iovp, iov, cnt * sizeof iov[0]) != (ssize_t)(cnt * sizeof iov[0])) {
		text_appendf(b, n, "%#llx", (unsigned long long)iovp);
		return;
	}
	text_appendf(b, n, "[");
	for (size_t i = 0; i < cnt; i++) {
		uint64_t len = iov[i].iov_len;
		uint64_t used = len < total ? len : total;
		total -= used;
		text_appendf(b, n, "%s{", i ? ", " : "");
		if (show)
			ap_data(pid, (uint64_t)(uintptr_t)iov[i].iov_base, used, b, n);
		else
			text_appendf(b, n, "%#llx", (unsigned long long)(uintptr_t)iov[i].iov_base);
		text_appendf(b, n, ", %llu}", (unsigned long long)len);
	}
	text_appendf(b, n, "%s]", iovcnt > cnt ? ", ..." : "");
}

static void a_rw(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	bool reads = c->sc->nr == SYS_read;
	if (c->is_error && reads)
		text_appendf(b, n, "%#llx", (unsigned long long)c->args[1]);
	else
		ap_data(c->tid, c->args[1], reads ? (uint64_t)c->ret : c->args[2], b, n);
	text_appendf(b, n, ", %llu", (unsigned long long)c->args[2]);
}

static void a_rwv(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	uint64_t moved = c->is_error ? 0 : (uint64_t)c->ret;
	ap_iov(c->tid, c->args[1], c->args[2], moved, !c->is_error, b, n);
	text_appendf(b, n, ", %llu", (unsigned long long)c->args[2]);
}

static void a_msg(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	struct msghdr m;
	if (trace_peek(c->tid, c->args[1], &m, sizeof m) != sizeof m) {
		text_appendf(b, n, "%#llx", (unsigned long long)c->args[1]);
	} else {
		text_appendf(b, n, "{msg_name=");
		ap_sockaddr(c->tid, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen, b, n);
		text_appendf(b, n, ", msg_iov=");
		uint64_t moved = c->is_error ? 0 : (uint64_t)c->ret;
		ap_iov(c->tid, (uint64_t)(uintptr_t)m.msg_iov, m.msg_iovlen, moved, !c->is_error, b, n);
		text_appendf(b, n, ", msg_controllen=%zu}", (size_t)m.msg_controllen);
	}
	text_appendf(b, n, ", ");
	AP_FLAGS(b, n, msgflags, (unsigned long)c->args[2]);
}

static void a_mmsg(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", %#llx, %u, ", (unsigned long long)c->args[1], (unsigned)c->args[2]);
	AP_FLAGS(b, n, msgflags, (unsigned long)c->args[3]);
}

static void a_shutdown(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	AP_NAMED(b, n, hows, (long)c->args[1]);
}

static void a_close(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
}

static void ap_optval(const struct trace_call *c, uint64_t addr, uint64_t len, char *b, size_t n)
{
	int level = (int)c->args[1], opt = (int)c->args[2];
	if (level == SOL_SOCKET && (opt == SO_RCVTIMEO || opt == SO_SNDTIMEO) && len >= sizeof(struct timeval)) {
		struct timeval tv;
		if (trace_peek(c->tid, addr, &tv, sizeof tv) == sizeof tv) {
			if (tv.tv_usec)
				text_appendf(b, n, "{%ld.%06ld s}", (long)tv.tv_sec, (long)tv.tv_usec);
			else
				text_appendf(b, n, "{%ld s}", (long)tv.tv_sec);
			return;
		}
	} else if (level == SOL_SOCKET && opt == SO_LINGER && len >= sizeof(struct linger)) {
		struct linger l;
		if (trace_peek(c->tid, addr, &l, sizeof l) == sizeof l) {
			text_appendf(b, n, "{onoff=%d, linger=%d}", l.l_onoff, l.l_linger);
			return;
		}
	} else if (len == sizeof(int)) {
		int v;
		if (trace_peek(c->tid, addr, &v, sizeof v) == sizeof v) {
			if (level == SOL_SOCKET && opt == SO_ERROR && v) {
				const char *e = strerrorname_np(v);
				text_appendf(b, n, "[%s]", e ? e : "?");
			} else {
				text_appendf(b, n, "[%d]", v);
			}
			return;
		}
	}
	text_appendf(b, n, "%#llx", (unsigned long long)addr);
}

static void ap_level_opt(const struct trace_call *c, char *b, size_t n)
{
	int level = (int)c->args[1];
	AP_NAMED(b, n, levels, level);
	text_appendf(b, n, ", ");
	long opt = (long)c->args[2];
	const char *s = level == SOL_SOCKET ? NAME(sol_opts, opt)
	              : level == IPPROTO_TCP ? NAME(tcp_opts, opt)
	              : level == IPPROTO_IP ? NAME(ip_opts, opt)
	              : level == IPPROTO_IPV6 ? NAME(ip6_opts, opt) : NULL;
	if (s)
		text_appendf(b, n, "%s", s);
	else
		text_appendf(b, n, "%ld", opt);
}

static void a_setsockopt(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	ap_level_opt(c, b, n);
	text_appendf(b, n, ", ");
	ap_optval(c, c->args[3], c->args[4], b, n);
	text_appendf(b, n, ", %llu", (unsigned long long)c->args[4]);
}

static void a_getsockopt(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	ap_level_opt(c, b, n);
	text_appendf(b, n, ", ");
	uint32_t len = 0;
	if (c->is_error || trace_peek(c->tid, c->args[4], &len, sizeof len) != sizeof len) {
		text_appendf(b, n, "%#llx, %#llx", (unsigned long long)c->args[3], (unsigned long long)c->args[4]);
		return;
	}
	ap_optval(c, c->args[3], len, b, n);
	text_appendf(b, n, ", [%u]", len);
}

static void a_fcntl(const struct trace_call *c, char *b, size_t n)
{
	ap_fd(c, b, n);
	text_appendf(b, n, ", ");
	long cmd = (long)c->args[1];
	AP_NAMED(b, n, fcntl_cmds, cmd);
	if (cmd == F_SETFL) {
		text_appendf(b, n, ", ");
		AP_FLAGS(b, n, oflags, (unsigned long)c->args[2]);
	} else if (cmd != F_GETFL && cmd != F_GETFD) {
		text_appendf(b, n, ", %llu", (unsigned long long)c->args[2]);
	}
}

static void r_fcntl(const struct trace_call *c, char *b, size_t n)
{
	if ((long)c->args[1] == F_GETFL && !c->is_error) {
		unsigned long fl = (unsigned long)c->ret;
		text_appendf(b, n, " (flags %s", (fl & O_ACCMODE) == O_RDWR ? "O_RDWR" : (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDONLY");
		if (fl & ~(unsigned long)O_ACCMODE) {
			text_appendf(b, n, "|");
			AP_FLAGS(b, n, oflags, fl & ~(unsigned long)O_ACCMODE);
		}
		text_appendf(b, n, ")");
	}
}

/* A struct timespec of the tracee's as "{2.000000000 s}" (NULL, or its address when unreadable). */
static void ap_timespec(pid_t pid, uint64_t addr, char *b, size_t n)
{
	struct timespec ts;
	if (!addr)
		text_appendf(b, n, "NULL");
	else if (trace_peek(pid, addr, &ts, sizeof ts) == sizeof ts)
		text_appendf(b, n, "{%ld.%09ld s}", (long)ts.tv_sec, ts.tv_nsec);
	else
		text_appendf(b, n, "%#llx", (unsigned long long)addr);
}

static void ap_pollfds(const struct trace_call *c, bool after, char *b, size_t n)
{
	struct pollfd p[16];
	size_t cnt = c->args[1] < 16 ? (size_t)c->args[1] : 16;
	if (cnt && trace_peek(c->tid, c->args[0], p, cnt * sizeof p[0]) != (ssize_t)(cnt * sizeof p[0])) {
		text_appendf(b, n, "%#llx", (unsigned long long)c->args[0]);
		return;
	}
	text_appendf(b, n, "[");
	bool first = true;
	for (size_t i = 0; i < cnt; i++) {
		if (after && !p[i].revents)
			continue;
		text_appendf(b, n, "%s{fd=%d, %s=", first ? "" : ", ", p[i].fd, after ? "revents" : "events");
		AP_FLAGS(b, n, pollev, (unsigned long)(unsigned short)(after ? p[i].revents : p[i].events));
		text_appendf(b, n, "}");
		first = false;
	}
	text_appendf(b, n, "%s]", c->args[1] > cnt ? ", ..." : "");
}

static void a_poll(const struct trace_call *c, char *b, size_t n)
{
	ap_pollfds(c, false, b, n);
	text_appendf(b, n, ", %llu, ", (unsigned long long)c->args[1]);
	if (c->sc->nr == SYS_ppoll) {
		ap_timespec(c->tid, c->args[2], b, n);
	} else {
		text_appendf(b, n, "%d", (int)c->args[2]);
	}
}

static void r_poll(const struct trace_call *c, char *b, size_t n)
{
	if (c->is_error)
		return;
	if (c->ret == 0) {
		text_appendf(b, n, " (Timeout)");
		return;
	}
	text_appendf(b, n, " (");
	ap_pollfds(c, true, b, n);
	text_appendf(b, n, ")");
}

static void a_select(const struct trace_call *c, char *b, size_t n)
{
	text_appendf(b, n, "%d, %#llx, %#llx, %#llx, %#llx", (int)c->args[0], (unsigned long long)c->args[1],
	   (unsigned long long)c->args[2], (unsigned long long)c->args[3], (unsigned long long)c->args[4]);
}

static void a_epoll_wait(const struct trace_call *c, char *b, size_t n)
{
	text_appendf(b, n, "%d, ", (int)c->args[0]);
	struct epoll_event ev[8];
	size_t cnt = !c->is_error && c->ret > 0 ? (size_t)c->ret : 0;
	if (cnt > 8)
		cnt = 8;
	if (cnt && trace_peek(c->tid, c->args[1], ev, cnt * sizeof ev[0]) == (ssize_t)(cnt * sizeof ev[0])) {
		text_appendf(b, n, "[");
		for (size_t i = 0; i < cnt; i++) {
			text_appendf(b, n, "%s{events=", i ? ", " : "");
			AP_FLAGS(b, n, epollev, ev[i].events);
			text_appendf(b, n, ", data=%#llx}", (unsigned long long)ev[i].data.u64);
		}
		text_appendf(b, n, "%s]", c->ret > (int64_t)cnt ? ", ..." : "");
	} else {
		text_appendf(b, n, "%#llx", (unsigned long long)c->args[1]);
	}
	text_appendf(b, n, ", %d, %d", (int)c->args[2], (int)c->args[3]);
}

static void a_epoll_ctl(const struct trace_call *c, char *b, size_t n)
{
	text_appendf(b, n, "%d, ", (int)c->args[0]);
	AP_NAMED(b, n, epollops, (long)c->args[1]);
	text_appendf(b, n, ", %d, ", (int)c->args[2]);
	struct epoll_event ev;
	if (c->args[3] && trace_peek(c->tid, c->args[3], &ev, sizeof ev) == sizeof ev) {
		text_appendf(b, n, "{events=");
		AP_FLAGS(b, n, epollev, ev.events);
		text_appendf(b, n, ", data=%#llx}", (unsigned long long)ev.data.u64);
	} else {
		text_appendf(b, n, "%#llx", (unsigned long long)c->args[3]);
	}
}

/* A sleep: not a network call, but what a program does instead of waiting
 * for an answer with a timeout (the challenges judge it). */
static void a_nanosleep(const struct trace_call *c, char *b, size_t n)
{
	ap_timespec(c->tid, c->args[0], b, n);
	text_appendf(b, n, ", %#llx", (unsigned long long)c->args[1]);
}

static void a_clock_nanosleep(const struct trace_call *c, char *b, size_t n)
{
	int clk = (int)c->args[0];
	text_appendf(b, n, "%s, %s, ", clk == CLOCK_REALTIME ? "CLOCK_REALTIME" : clk == CLOCK_MONOTONIC ?
	             "CLOCK_MONOTONIC" : "CLOCK_?", c->args[1] & TIMER_ABSTIME ? "TIMER_ABSTIME" : "0");
	ap_timespec(c->tid, c->args[2], b, n);
	text_appendf(b, n, ", %#llx", (unsigned long long)c->args[3]);
}

static const struct trace_sysc table[] = {
	{ "socket", SYS_socket, TS_NEWFD, a_socket, NULL },
	{ "socketpair", SYS_socketpair, 0, a_socketpair, NULL },
	{ "bind", SYS_bind, TS_FD0, a_addr_in, NULL },
	{ "listen", SYS_listen, TS_FD0, a_listen, NULL },
	{ "accept", SYS_accept, TS_FD0 | TS_WINDOW | TS_NEWFD, a_accept, NULL },
	{ "accept4", SYS_accept4, TS_FD0 | TS_WINDOW | TS_NEWFD, a_accept, NULL },
	{ "connect", SYS_connect, TS_FD0 | TS_WINDOW, a_addr_in, NULL },
	{ "sendto", SYS_sendto, TS_FD0 | TS_WINDOW, a_sendto, NULL },
	{ "sendmsg", SYS_sendmsg, TS_FD0 | TS_WINDOW, a_msg, NULL },
	{ "sendmmsg", SYS_sendmmsg, TS_FD0 | TS_WINDOW, a_mmsg, NULL },
	{ "recvfrom", SYS_recvfrom, TS_FD0 | TS_WINDOW, a_recvfrom, NULL },
	{ "recvmsg", SYS_recvmsg, TS_FD0 | TS_WINDOW, a_msg, NULL },
	{ "recvmmsg", SYS_recvmmsg, TS_FD0 | TS_WINDOW, a_mmsg, NULL },
	{ "read", SYS_read, TS_FD0 | TS_ONLY_SOCK | TS_WINDOW, a_rw, NULL },
	{ "write", SYS_write, TS_FD0 | TS_ONLY_SOCK | TS_WINDOW, a_rw, NULL },
	{ "readv", SYS_readv, TS_FD0 | TS_ONLY_SOCK | TS_WINDOW, a_rwv, NULL },
	{ "writev", SYS_writev, TS_FD0 | TS_ONLY_SOCK | TS_WINDOW, a_rwv, NULL },
	{ "shutdown", SYS_shutdown, TS_FD0 | TS_WINDOW, a_shutdown, NULL },
	{ "close", SYS_close, TS_FD0 | TS_ONLY_SOCK | TS_WINDOW, a_close, NULL },
	{ "setsockopt", SYS_setsockopt, TS_FD0, a_setsockopt, NULL },
	{ "getsockopt", SYS_getsockopt, TS_FD0, a_getsockopt, NULL },
	{ "getsockname", SYS_getsockname, TS_FD0, a_name, NULL },
	{ "getpeername", SYS_getpeername, TS_FD0, a_name, NULL },
	{ "fcntl", SYS_fcntl, TS_FD0 | TS_ONLY_SOCK, a_fcntl, r_fcntl },
#ifdef SYS_poll
	{ "poll", SYS_poll, TS_WAITS | TS_WINDOW, a_poll, r_poll },
#endif
	{ "ppoll", SYS_ppoll, TS_WAITS | TS_WINDOW, a_poll, r_poll },
#ifdef SYS_select
	{ "select", SYS_select, TS_WAITS | TS_WINDOW, a_select, NULL },
#endif
	{ "pselect6", SYS_pselect6, TS_WAITS | TS_WINDOW, a_select, NULL },
#ifdef SYS_epoll_wait
	{ "epoll_wait", SYS_epoll_wait, TS_WAITS | TS_WINDOW, a_epoll_wait, NULL },
#endif
	{ "epoll_pwait", SYS_epoll_pwait, TS_WAITS | TS_WINDOW, a_epoll_wait, NULL },
	{ "epoll_ctl", SYS_epoll_ctl, TS_WAITS, a_epoll_ctl, NULL },
	{ "nanosleep", SYS_nanosleep, TS_WAITS, a_nanosleep, NULL },
	{ "clock_nanosleep", SYS_clock_nanosleep, TS_WAITS, a_clock_nanosleep, NULL },
};

const struct trace_sysc *trace_sysc_find(long nr)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].nr == nr)
			return &table[i];
	return NULL;
}

size_t trace_sysc_numbers(long *out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0] && k < max; i++)
		out[k++] = table[i].nr;
	return k;
}

void trace_call_text(const struct trace_call *c, char *buf, size_t n)
{
	buf[0] = '\0';
	text_appendf(buf, n, "%s(", c->sc->name);
	c->sc->args(c, buf, n);
	text_appendf(buf, n, ") = ");
	if (c->unfinished) {
		text_appendf(buf, n, "? <still waiting after %.1f s when the trace ended>", (double)c->waited_ms / 1000);
		return;
	}
	if (c->is_error) {
		int e = (int)-c->ret;
		const char *name = strerrorname_np(e);
		text_appendf(buf, n, "-1 %s (%s)", name ? name : "?", strerror(e));
		return;
	}
	if (c->sc->flags & TS_NEWFD) {
		char d[192];
		trace_fd_describe(c->tid, (int)c->ret, d, sizeof d, NULL);
		text_appendf(buf, n, "%s", d);
	} else {
		text_appendf(buf, n, "%lld", (long long)c->ret);
	}
	if (c->sc->result)
		c->sc->result(c, buf, n);
}

uint16_t trace_call_dest_port(const struct trace_call *c)
{
	uint64_t addr = 0, len = 0;
	if (c->sc->nr == SYS_connect || c->sc->nr == SYS_bind) {
		addr = c->args[1];
		len = c->args[2];
	} else if (c->sc->nr == SYS_sendto) {
		addr = c->args[4];
		len = c->args[5];
	}
	struct sockaddr_in6 a;   /* the port sits at the same offset in sockaddr_in */
	if (!addr || len < sizeof(struct sockaddr_in) || trace_peek(c->tid, addr, &a, sizeof(struct sockaddr_in)) < 0)
		return 0;
	if (a.sin6_family != AF_INET && a.sin6_family != AF_INET6)
		return 0;
	return ntohs(a.sin6_port);
}
