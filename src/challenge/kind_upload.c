/*
 * kind_upload.c — "an upload against a slow reader": the learner's client
 * connects to the lab, sends a body of `size` bytes (byte i is i mod 251)
 * and closes the connection.  The lab reads slowly on purpose: its
 * listening socket has a small receive buffer and segment size (its
 * connection inherits both, so the window it offers stays small and the
 * client's send buffer is sized small too), and it stops reading for
 * PAUSE_MS after every PAUSE_EVERY bytes, PAUSES times.  So the client's
 * send() cannot take a large buffer at once: a blocking one waits, a
 * non-blocking one (or Python's send() on a socket with a timeout) returns
 * how much it took, and a program that ignores that count loses the rest.
 *
 * Judged from what the lab read, checked byte by byte as it came (and a
 * CRC-32 of it all, RFC 1952's, the one zlib.crc32 computes): every byte in
 * order (a hole is told with where it starts and how long it is), nothing
 * missing or extra, the client's close (FIN after the last byte; RST; or
 * none: still open when the lab stopped the program, or silent for IO_MS).
 *
 * Parameter: size (bytes, default 4 MiB).
 */
#include "challenge/challenge.h"
#include "common/clock.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PERIOD 251          /* the body's byte i is i mod PERIOD (a prime: a hole never lines up by chance) */
#define LAB_RCVBUF 4096
#define LAB_MSS 1024
#define PAUSE_EVERY 262144
#define PAUSE_MS 250
#define PAUSES 3
#define IO_MS 3000          /* silence the lab waits through */
#define LIFE_MS 600000
#define CAME 16             /* bytes kept from where the stream first went wrong */

enum up_end { UP_NONE, UP_FIN, UP_RESET, UP_STALL, UP_STOPPED };

struct upload {
	bool connected;
	uint16_t cport;         /* the client's port */
	size_t size;
	size_t got;             /* bytes that arrived right, in order */
	size_t total;           /* bytes that arrived */
	bool diff;              /* byte `got` came wrong */
	uint8_t came[CAME];
	size_t ncame;
	uint32_t crc;           /* of all that arrived */
	enum up_end end;
	int64_t end_ms;         /* when it ended (clock_ms) */
	unsigned pauses;
};

static uint32_t crc32_add(uint32_t crc, const uint8_t *b, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xEDB88320u & -(crc & 1));
	}
	return ~crc;
}

/* The body's CRC-32, as the client's program would compute it. */
static uint32_t body_crc(size_t size)
{
	uint8_t buf[PERIOD * 64];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i % PERIOD);
	uint32_t crc = 0;
	for (size_t off = 0; off < size; off += sizeof buf)
		crc = crc32_add(crc, buf, size - off < sizeof buf ? size - off : sizeof buf);
	return crc;
}

static void take(struct upload *u, const uint8_t *b, size_t n)
{
	u->crc = crc32_add(u->crc, b, n);
	u->total += n;
	for (size_t i = 0; i < n; i++) {
		if (u->diff) {
			if (u->ncame < CAME)
				u->came[u->ncame++] = b[i];
		} else if (u->got < u->size && b[i] == u->got % PERIOD) {
			u->got++;
		} else if (u->got < u->size) {
			u->diff = true;
			u->came[u->ncame++] = b[i];
		}
	}
}

static void lab(struct chal_run *r)
{
	struct upload *u = r->priv;
	int64_t end = clock_ms() + LIFE_MS;
	if (!chal_readable(r, r->lfd, end))
		return;
	struct sockaddr_storage peer;
	socklen_t pl = sizeof peer;
	int fd = accept4(r->lfd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	u->connected = true;
	u->cport = ntohs(peer.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&peer)->sin6_port
	                                            : ((struct sockaddr_in *)&peer)->sin_port);
	size_t mark = 0;
	uint8_t buf[LAB_RCVBUF];
	while (u->end == UP_NONE) {
		if (u->pauses < PAUSES && u->total - mark >= PAUSE_EVERY) {
			u->pauses++;
			mark = u->total;
			if (chal_stopped(r, PAUSE_MS))
				u->end = UP_STOPPED;
			continue;
		}
		enum chal_wait w = chal_wait(r, fd, POLLIN, IO_MS);
		if (w != CHAL_READY) {
			u->end = w == CHAL_STOPPED ? UP_STOPPED : UP_STALL;
			break;
		}
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n > 0)
			take(u, buf, (size_t)n);
		else if (n == 0)
			u->end = UP_FIN;
		else if (errno != EAGAIN && errno != EINTR)
			u->end = UP_RESET;
	}
	u->end_ms = clock_ms();
	close(fd);
}

static int setup(struct chal_run *r, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	struct upload *u = r->priv;
	u->size = (size_t)challenge_num(r->c, "size");
	/* the accepted connection inherits both; the SYN-ACK offers them */
	int rcv = LAB_RCVBUF, mss = LAB_MSS;
	setsockopt(r->lfd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	setsockopt(r->lfd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
	return 0;
}

/* ---- the judge ---- */

/* The learner's last segment that carried its FIN (or RST), as "packet N"; "" when none. */
static void end_packet(const struct chal_run *r, uint8_t flag, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = r->npkts; i-- > 0;)
		if (r->pkts[i].from_learner && r->pkts[i].info.tcp && (r->pkts[i].info.tcp_flags & flag)) {
			snprintf(out, n, "packet %zu", i + 1);
			return;
		}
}

/* How many bytes were skipped before byte u->got, if what came from there
 * on is the body from further on (a send() that took only part of its
 * buffer, the rest never sent); 0 when it is not.  Modulo PERIOD. */
static size_t hole(const struct upload *u)
{
	if (u->ncame < CAME)
		return 0;
	size_t d = (u->came[0] + PERIOD - u->got % PERIOD) % PERIOD;
	for (size_t k = 1; k < u->ncame; k++)
		if (u->came[k] != (u->got + d + k) % PERIOD)
			return 0;
	return d;
}

static void judge(struct chal_run *r, struct verdict *v)
{
	struct upload *u = r->priv;
	if (!chal_judge_connected(r, u->connected, v))
		return;
	char fin[32], rst[32];
	end_packet(r, TCPF_FIN, fin, sizeof fin);
	end_packet(r, TCPF_RST, rst, sizeof rst);
	const char *advice = "send() returns how many bytes it took, which may be fewer than you gave it (here "
	                     "the lab reads slowly): send the rest, in a loop until all is sent (sendall() in Python)";
	bool stopped = u->end == UP_STOPPED || (u->end == UP_FIN && chal_by_stop(r, u->end_ms));
	if (u->diff) {
		size_t d = hole(u);
		char q[80];
		chal_quote(u->came, u->ncame, q, sizeof q);
		if (d)
			verdict_add(v, false, "the first %zu bytes arrived right; then came the body's bytes from %zu on (or "
			            "from further on by a multiple of %d: the body repeats every %d bytes): %zu bytes, or that "
			            "and a multiple of %d, were never sent. %s", u->got, u->got + d, PERIOD, PERIOD, d, PERIOD,
			            advice);
		else
			verdict_add(v, false, "byte %zu came wrong: the body's byte %zu is 0x%02zx (byte i is i mod %d), and "
			            "from there came %s; the %zu bytes before were right", u->got, u->got, u->got % PERIOD,
			            PERIOD, q, u->got);
	} else if (u->got < u->size) {
		const char *how = u->end == UP_RESET ? "then it reset the connection" : stopped ? "then nothing more "
		                  "before the lab stopped your program" : u->end == UP_STALL ? "then nothing for 3 s" :
		                  "then it closed the connection";
		bool f = u->end == UP_FIN && !stopped && fin[0];
		verdict_add(v, false, "%zu of the %zu bytes arrived, all right, %s%s%s%s: the last %zu never came. %s",
		            u->got, u->size, how, f ? " (" : "", f ? fin : "", f ? ")" : "", u->size - u->got, advice);
	} else if (u->total > u->size) {
		verdict_add(v, false, "all %zu bytes of the body arrived, and then %zu more: send the body only",
		            u->size, u->total - u->size);
	} else {
		uint32_t want = body_crc(u->size);
		char segs[32] = "";
		if (r->captured)
			snprintf(segs, sizeof segs, " in %u segments", chal_count_data(r, true));
		verdict_add(v, u->crc == want, "all %zu bytes arrived in order%s (the lab read slowly, pausing %u "
		            "times): CRC-32 0x%08x, the body's %s0x%08x", u->size, segs, u->pauses, u->crc,
		            u->crc == want ? "" : "is ", want);
	}
	if (u->end == UP_RESET)
		verdict_add(v, false, "it reset the connection (RST%s%s) instead of closing it with FIN: close() after the "
		            "last send() (SO_LINGER {1, 0} makes close() reset, and may throw away what is not sent yet)",
		            rst[0] ? ", " : "", rst);
	else if (stopped)
		verdict_add(v, false, "it never closed the connection: it was still open when the lab stopped your "
		            "program. Close it when the body is sent: the lab knows the upload is over by the FIN");
	else if (u->end == UP_STALL)
		verdict_add(v, false, "it never closed the connection: nothing came for %d s after its last byte. Close "
		            "it when the body is sent: the lab knows the upload is over by the FIN", IO_MS / 1000);
	else if (u->end == UP_FIN)
		verdict_add(v, true, "it closed the connection with FIN%s%s%s after the last byte it sent", fin[0] ? " (" : "",
		            fin, fin[0] ? ")" : "");
	if (!r->ran)
		verdict_note(v, "run in another terminal, the lab cannot see how your program exited: it must exit with "
		             "status 0 (with --run \"CMD\" the lab checks it)");
}

static const struct chal_param params[] = {
	{ "size", "4194304", 1, 64 << 20, "bytes" },
	{ NULL },
};

const struct chal_kind kind_upload = {
	.name = "upload", .learner = "client",
	.params = params, .priv_size = sizeof(struct upload), .serves = SOCK_STREAM,
	.setup = setup, .lab = lab, .judge = judge,
};
