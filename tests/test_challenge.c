/*
 * test_challenge.c — the challenge judges on hand-made runs: the lab's side
 * of each kind runs for real in this process (challenge_judge_local), a
 * scripted learner talks to it over loopback sockets, and the packets the
 * judge reads are frames built here (no capture, no privilege needed).
 * Each case is a typical program, right or wrong, and the finding its
 * verdict must contain; the parameter checks of challenge_load too, and
 * the helpers the judges share (chal_lab_data, chal_judge_connected) on
 * packets made here.
 */
#include "challenge/challenge.h"
#include "challenge/run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "pktbuild.h"

#define DIR SOCKSCOPE_SOURCE_DIR "/challenges/"

static struct challenge *load(const char *file)
{
	char err[512];
	struct challenge *c = challenge_load(file, err, sizeof err);
	if (!c)
		fprintf(stderr, "%s\n", err);
	CHECK(c != NULL);
	return c;
}

/* The verdict as the runner prints it, one "ok"/"FAIL" line a finding,
 * then "result: PASS|FAIL". */
static const char *judged(const char *file, struct chal_learner *l)
{
	static char text[8192];
	struct challenge *c = load(file);
	text[0] = '\0';
	if (!c)
		return text;
	struct verdict v;
	char err[256];
	if (challenge_judge_local(c, l, &v, err, sizeof err) < 0) {
		snprintf(text, sizeof text, "could not run: %s", err);
		challenge_free(c);
		return text;
	}
	size_t k = 0;
	for (size_t i = 0; i < v.n && k < sizeof text; i++)
		k += (size_t)snprintf(text + k, sizeof text - k, "%s %s\n", v.f[i].note ? "note" : v.f[i].ok ? "ok  " : "FAIL", v.f[i].text);
	if (k < sizeof text)
		snprintf(text + k, sizeof text - k, "result: %s\n", v.pass ? "PASS" : "FAIL");
	challenge_free(c);
	return text;
}

/* ---- the learner's side: real sockets to the lab ---- */

static int connect_lab(const struct chal_run *r, uint16_t *lport)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	if (r->family == 6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(r->port);
		a->sin6_addr = in6addr_loopback;
		sl = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(r->port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof *a;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		CHECK(!"the learner could not connect to the lab");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct timeval tv = { .tv_sec = 3 };   /* a case that expects no answer must not hang the test */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	*lport = ntohs(((struct sockaddr_in *)&ss)->sin_port);   /* the port sits at the same offset in both */
	return fd;
}

/* Read up to a newline (or n-1 bytes, or the timeout) into buf. */
static size_t read_line(int fd, char *buf, size_t n)
{
	size_t k = 0;
	while (k + 1 < n) {
		ssize_t got = recv(fd, buf + k, n - 1 - k, 0);
		if (got <= 0)
			break;
		k += (size_t)got;
		if (memchr(buf, '\n', k))
			break;
	}
	buf[k] = '\0';
	return k;
}

/* Frames of the learner's TCP connection, as the capture would have them:
 * the handshake, data each way, and the learner's close (FIN or RST). */
struct conv {
	struct chal_run *r;
	uint16_t lport;
	uint32_t seq, ack;      /* the learner's next sequence number, and the lab's */
	struct pkt frames[16];
	int n;
	int64_t t;
};

static void frame(struct conv *c, bool from_learner, unsigned flags, const char *data)
{
	if (c->n >= 16)
		return;
	struct pkt *f = &c->frames[c->n++];
	unsigned sp = from_learner ? c->lport : c->r->port, dp = from_learner ? c->r->port : c->lport;
	uint32_t *my = from_learner ? &c->seq : &c->ack, *their = from_learner ? &c->ack : &c->seq;
	tcp_frame(f, c->r->family == 6, sp, dp, *my, *their, flags, 512, NULL, 0, data);
	*my += (uint32_t)strlen(data) + ((flags & (SYN | FIN)) ? 1 : 0);
	c->t += 1000000;
	chal_add_frame(c->r, f->b, f->n, c->t);
}

static void handshake(struct conv *c)
{
	c->seq = 1000;
	c->ack = 5000;
	frame(c, true, SYN, "");
	frame(c, false, SYN | ACK, "");
	frame(c, true, ACK, "");
}

/* ---- tcp-hello (challenge 1, tcp-client) ---- */

struct hello_case {
	const char *line;       /* what the learner sends */
	size_t len;             /* its length, when not strlen (a NUL in it) */
	bool read_reply;        /* it reads the reply before closing */
	bool rst;               /* its close is an RST on the wire */
	bool stopped;           /* it never closes: the lab stops it, and the kernel sends its FIN */
	bool early;             /* it closes before the reply comes: its kernel answers the reply with RST */
	char reply[256];        /* what it read */
};

static void hello_learner(struct chal_run *r, void *arg)
{
	struct hello_case *h = arg;
	struct conv c = { .r = r };
	int fd = connect_lab(r, &c.lport);
	if (fd < 0)
		return;
	handshake(&c);
	send(fd, h->line, h->len ? h->len : strlen(h->line), 0);
	frame(&c, true, PSH | ACK, h->line);
	if (h->early) {
		close(fd);
		frame(&c, true, FIN | ACK, "");
		frame(&c, false, PSH | ACK, "WELCOME ada\n");
		frame(&c, true, RST, "");
		return;
	}
	if (h->read_reply) {
		read_line(fd, h->reply, sizeof h->reply);
		frame(&c, false, PSH | ACK, h->reply);
	}
	if (h->stopped) {
		/* what run.c records before it signals the program, on the frames' clock too */
		r->stop_ms = clock_ms();
		r->stop_ns = c.t + 1;
	}
	if (h->rst) {
		struct linger lg = { 1, 0 };
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	}
	close(fd);
	frame(&c, true, h->rst ? RST | ACK : FIN | ACK, "");
}

static void test_tcp_hello(void)
{
	struct hello_case h = { .line = "HELLO ada\n", .read_reply = true };
	struct chal_learner l = { .run = hello_learner, .arg = &h, .ran = true, .exited = true, .seconds = 0.1,
	                          .status = 0, .out = "WELCOME ada\n" };
	const char *v = judged(DIR "01-tcp-client.challenge", &l);
	EQ_STR("WELCOME ada\n", h.reply);
	HAS(v, "ok   it connected to 127.0.0.1 port");
	HAS(v, ": SYN, SYN-ACK, ACK on the wire");
	HAS(v, "ok   it sent \"HELLO ada\\n\": one line the server can read");
	HAS(v, "ok   it closed gracefully: FIN, not RST (it had read the reply)");
	HAS(v, "ok   it printed the reply \"WELCOME ada\\n\"");
	HAS(v, "result: PASS");

	/* the line without its newline: the server is still waiting for the end of it */
	h = (struct hello_case){ .line = "HELLO ada" };
	l.out = "";
	v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "FAIL it sent \"HELLO ada\" without a newline");
	HAS(v, "result: FAIL");

	/* closed with the reply unread: RST */
	h = (struct hello_case){ .line = "HELLO ada\n", .rst = true };
	v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "FAIL your program closed with unread data, so the kernel sent RST instead of FIN");
	HAS(v, "result: FAIL");
	/* it read and printed the reply, then SO_LINGER {1, 0}: the same RST, not for unread data */
	h = (struct hello_case){ .line = "HELLO ada\n", .rst = true, .read_reply = true };
	l.out = "WELCOME ada\n";
	v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "FAIL it read and printed the reply, yet its close was an RST (packet 6), not FIN");
	HAS(v, "SO_LINGER set to {1, 0}");
	CHECK(!strstr(v, "unread data"));
	/* run elsewhere: which of the two the lab cannot see, and says both */
	l.ran = false;
	v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "FAIL its close was an RST (packet 6), not FIN: the kernel sends one when a program closes with data "
	       "unread (read the reply first), and close() sends one when SO_LINGER is set to {1, 0}");
	l.ran = true;
	/* closed before the reply came: the RST answered the reply */
	h = (struct hello_case){ .line = "HELLO ada\n", .early = true };
	l.out = "";
	v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "FAIL it closed the connection (FIN, packet 5) before the reply came (packet 6), so its kernel answered "
	       "the reply with RST (packet 7)");
	CHECK(!strstr(v, "unread data"));

	/* it printed the reply and never closed: the FIN came from the kernel when the
	 * lab stopped the program, so it is not the program's close (class 1) */
	h = (struct hello_case){ .line = "HELLO ada\n", .read_reply = true, .stopped = true };
	struct chal_learner stopped = l;
	stopped.exited = false;
	stopped.seconds = 10;
	stopped.out = "WELCOME ada\n";
	v = judged(DIR "01-tcp-client.challenge", &stopped);
	HAS(v, "FAIL it never closed the connection: it was still open when the lab stopped your program after 10 s "
	    "(the FIN that came then was the kernel's, for a stopped program)");
	CHECK(!strstr(v, "closed gracefully"));
	HAS(v, "result: FAIL");
	v = judged(DIR "06-ipv6-client.challenge", &stopped);
	HAS(v, "FAIL it never closed the connection: it was still open when the lab stopped your program");

	/* bytes after the line: sizeof "HELLO ada\n" sends its NUL too (class 2); a second line */
	h = (struct hello_case){ .line = "HELLO ada\n", .len = sizeof "HELLO ada\n", .read_reply = true };
	v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "ok   it sent \"HELLO ada\\n\": one line the server can read");
	HAS(v, "FAIL after the line came 1 more byte: \"\\x00\". Send exactly the line: a C string's size counts");
	HAS(v, "result: FAIL");
	h = (struct hello_case){ .line = "HELLO ada\nHELLO bob\n", .read_reply = true };
	v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "FAIL after the line came 10 more bytes: \"HELLO bob\\n\". Send exactly the line: the server reads one");

	/* it did all of it right and then crashed: how it ended is in the verdict */
	h = (struct hello_case){ .line = "HELLO ada\n", .read_reply = true };
	struct chal_learner crashed = l;
	crashed.status = 1 << 8;   /* W_EXITCODE(1, 0) */
	crashed.out = "WELCOME ada\n";
	v = judged(DIR "01-tcp-client.challenge", &crashed);
	HAS(v, "ok   it closed gracefully");
	HAS(v, "FAIL your program exited with status 1 after 0.10 s: it failed");
	HAS(v, "result: FAIL");
	crashed.status = 11;       /* killed by SIGSEGV */
	v = judged(DIR "01-tcp-client.challenge", &crashed);
	HAS(v, "FAIL your program was killed by signal 11 (");

	/* a greeting that is not the protocol's */
	h = (struct hello_case){ .line = "HI ada\n", .read_reply = true };
	v = judged(DIR "01-tcp-client.challenge", &l);
	EQ_STR("ERROR say HELLO <name>\n", h.reply);
	HAS(v, "FAIL it sent \"HI ada\\n\": the server expects \"HELLO <name>\\n\"");

}

static void nothing(struct chal_run *r, void *arg)
{
	(void)r, (void)arg;
}

static void test_nobody(void)
{
	struct chal_learner l = { .run = nothing, .ran = true, .exited = true, .seconds = 0.01 };
	const char *v = judged(DIR "01-tcp-client.challenge", &l);
	HAS(v, "FAIL nothing connected to 127.0.0.1 port");
	HAS(v, "result: FAIL");
	v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "FAIL nothing arrived at 127.0.0.1 port");
	v = judged(DIR "06-ipv6-client.challenge", &l);
	HAS(v, "FAIL nothing connected to ::1 port");
}

/* ---- udp-send (challenge 2, udp-sender) ---- */

struct udp_case {
	const char *first, *second;
	bool other_icmp;        /* another program's ICMP on lo during the run */
	int wait_ms;            /* then a recvfrom() with this receive timeout (0: none, it closes at once) */
};

/* What another program on the machine causes meanwhile: its datagram from
 * port 40001 to port 9 of 127.0.0.1, where nothing listens, and the
 * kernel's "port unreachable" quoting it.  Nothing of the run's. */
static void other_program_icmp(struct chal_run *r, int64_t ts)
{
	static struct pkt f[2];
	struct pkt u, ip = { 0 }, ic;
	udp(&u, 40001, 9, "status?");
	ipv4(&ip, 17, &u);
	ether(&f[0], 0x0800);
	ipv4(&f[0], 17, &u);
	chal_add_frame(r, f[0].b, f[0].n, ts);
	icmp(&ic, 3, 3, 0, ip.b, ip.n, 1);
	ether(&f[1], 0x0800);
	ipv4(&f[1], 1, &ic);
	chal_add_frame(r, f[1].b, f[1].n, ts + 1000);
}

static void nothing_but_others(struct chal_run *r, void *arg)
{
	(void)arg;
	other_program_icmp(r, 500000);
}

/* A learner whose datagram went to the port after the lab's: its socket's
 * port is known to the runner (r->lports, as run.c finds it in the
 * kernel's tables), and the kernel's ICMP quotes it; another program's
 * ICMP comes meanwhile. */
static void wrong_port_learner(struct chal_run *r, void *arg)
{
	(void)arg;
	static struct pkt f[2];
	struct pkt u, ip = { 0 }, ic;
	other_program_icmp(r, 200000);
	r->lports[r->nlports++] = 40123;
	udp(&u, 40123, (uint16_t)(r->port + 1), "ping");
	ipv4(&ip, 17, &u);
	ether(&f[0], 0x0800);
	ipv4(&f[0], 17, &u);
	icmp(&ic, 3, 3, 0, ip.b, ip.n, 1);
	ether(&f[1], 0x0800);
	ipv4(&f[1], 1, &ic);
	chal_add_frame(r, f[1].b, f[1].n, 1000000);
}

static void udp_learner(struct chal_run *r, void *arg)
{
	struct udp_case *u = arg;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in lab = { .sin_family = AF_INET, .sin_port = htons(r->port),
	                           .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t ml = sizeof me;
	bind(fd, (struct sockaddr *)&me, sizeof me);
	getsockname(fd, (struct sockaddr *)&me, &ml);
	static struct pkt f[2];
	const char *d[2] = { u->first, u->second };
	for (int i = 0; i < 2 && d[i]; i++) {
		sendto(fd, d[i], strlen(d[i]), 0, (struct sockaddr *)&lab, sizeof lab);
		struct pkt s;
		udp(&s, ntohs(me.sin_port), r->port, d[i]);
		ether(&f[i], 0x0800);
		ipv4(&f[i], 17, &s);
		chal_add_frame(r, f[i].b, f[i].n, (i + 1) * 1000000);
		if (u->other_icmp)
			other_program_icmp(r, (i + 1) * 1000000 + 500000);
	}
	if (u->wait_ms) {
		struct timeval tv = { u->wait_ms / 1000, (u->wait_ms % 1000) * 1000 };
		char b[16];
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		CHECK(recv(fd, b, sizeof b, 0) < 0);
	}
	close(fd);
}

static void test_udp_send(void)
{
	struct udp_case u = { .first = "ping", .second = "reply?" };
	/* it waited 2 s for the reply that never came, said so and exited 0 */
	struct chal_learner l = { .run = udp_learner, .arg = &u, .ran = true, .exited = true, .seconds = 2.0,
	                          .out = "no reply\n" };
	const char *v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "ok   its first datagram carried \"ping\", from port");
	HAS(v, "(packet 1: UDP length 12 = the 8-byte header + 4 bytes of data)");
	HAS(v, "ok   its second datagram carried \"reply?\"");
	/* the wait is the lab's clock from "reply?" plus the 2 s said here, less the
	 * moments between the lab's start and the send: under load 1.9, not 2. */
	HAS(v, "ok   it gave up by itself ");
	HAS(v, " s after sending \"reply?\" and exited with status 0");
	HAS(v, "ok   it printed \"no reply\"");
	HAS(v, "result: PASS");

	/* another program's datagram and its ICMP during the run change nothing */
	u = (struct udp_case){ .first = "ping", .second = "reply?", .other_icmp = true };
	const char *w = judged(DIR "02-udp-sender.challenge", &l);
	HAS(w, "(packet 1: UDP length 12 = the 8-byte header + 4 bytes of data)");
	HAS(w, "result: PASS");
	CHECK(!strstr(w, "unreachable"));
	struct chal_learner others = { .run = nothing_but_others, .ran = true, .exited = true, .seconds = 0.01 };
	w = judged(DIR "02-udp-sender.challenge", &others);
	HAS(w, "FAIL nothing arrived at 127.0.0.1 port");
	CHECK(!strstr(w, "unreachable"));
	CHECK(!strstr(w, "was that yours"));
	/* its own datagram to a wrong port: the ICMP quoting its port is shown, the other's not */
	struct chal_learner wrong = { .run = wrong_port_learner, .ran = true, .exited = true, .seconds = 2.0,
	                              .out = "no reply\n" };
	w = judged(DIR "02-udp-sender.challenge", &wrong);
	HAS(w, "FAIL nothing arrived at 127.0.0.1 port");
	HAS(w, "(packet 2: ICMP \"port unreachable\" for your program's datagram, from its port 40123 to 127.0.0.1 port ");
	CHECK(!strstr(w, "port 9,"));

	/* echo's newline */
	u = (struct udp_case){ .first = "ping\n", .second = "reply?" };
	v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "FAIL its first datagram carried \"ping\\n\" (packet 1: UDP length 13");
	HAS(v, "leave the newline out");

	/* no second datagram */
	u = (struct udp_case){ .first = "ping", .second = NULL };
	v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "FAIL it sent no second datagram \"reply?\"");

	/* it waited for ever: the lab stopped it */
	u = (struct udp_case){ .first = "ping", .second = "reply?" };
	l.exited = false;
	l.seconds = 5;
	v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "FAIL your program waited for a reply that never comes: it was still running after 5 s and was stopped");

	/* run from another terminal: the give-up is its socket's close in the
	 * kernel's tables; what it printed the lab cannot see: a note, no guess */
	u = (struct udp_case){ .first = "ping", .second = "reply?", .wait_ms = 600 };
	l = (struct chal_learner){ .run = udp_learner, .arg = &u };
	v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "ok   it gave up by itself ");
	HAS(v, " s after sending \"reply?\" (its socket, port ");
	HAS(v, "note run in another terminal, the lab cannot see what your program printed or how it exited");
	HAS(v, "result: PASS");
	/* closed at once: it did not wait, in this mode as with --run */
	u.wait_ms = 0;
	v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "FAIL it gave up only 0.");
	HAS(v, "it did not wait for the reply");
	HAS(v, "result: FAIL");

	/* an error exit instead of "no reply" */
	l = (struct chal_learner){ .run = udp_learner, .arg = &u, .ran = true, .exited = true, .seconds = 2.0,
	                           .status = 1 << 8 };
	v = judged(DIR "02-udp-sender.challenge", &l);
	HAS(v, "FAIL it exited with status 1 after 2.00 s");
	HAS(v, "FAIL it did not print \"no reply\"");
}

/* ---- http-get (challenge 8, http-client) ---- */

struct http_case {
	const char *request;
	bool read_all;          /* read the head, then Content-Length bytes */
	bool until_close;       /* read until the connection closes (the lab's, on a kept connection) */
	char body[8192];
	size_t nbody;
};

static void http_learner(struct chal_run *r, void *arg)
{
	struct http_case *h = arg;
	struct conv c = { .r = r };
	int fd = connect_lab(r, &c.lport);
	if (fd < 0)
		return;
	handshake(&c);
	char req[512];
	snprintf(req, sizeof req, h->request, r->port);
	send(fd, req, strlen(req), 0);
	frame(&c, true, PSH | ACK, req);
	static char buf[16384];
	size_t n = 0;
	char *end = NULL;
	while (!end && n + 1 < sizeof buf) {
		ssize_t k = recv(fd, buf + n, sizeof buf - 1 - n, 0);
		if (k <= 0)
			break;
		n += (size_t)k;
		buf[n] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	if (end && h->read_all) {
		const char *cl = strstr(buf, "Content-Length: ");
		size_t want = cl ? strtoul(cl + 16, NULL, 10) : 0;
		while (n - (size_t)(end + 4 - buf) < want && n + 1 < sizeof buf) {
			ssize_t k = recv(fd, buf + n, sizeof buf - 1 - n, 0);
			if (k <= 0)
				break;
			n += (size_t)k;
		}
		h->nbody = n - (size_t)(end + 4 - buf);
		memcpy(h->body, end + 4, h->nbody < sizeof h->body ? h->nbody : sizeof h->body - 1);
	}
	if (end && h->until_close) {
		struct timeval forever = { 0, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof forever);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		while (poll(&p, 1, 30000) == 1 && recv(fd, buf, sizeof buf, 0) > 0)
			;
	}
	close(fd);
	frame(&c, true, FIN | ACK, "");
}

static void test_http_get(void)
{
	static struct http_case h = { .request = "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n",
	                              .read_all = true };
	struct chal_learner l = { .run = http_learner, .arg = &h, .ran = true, .exited = true, .seconds = 0.3 };
	/* what it prints is what it read: filled in by the first run */
	const char *v = judged(DIR "08-http-client.challenge", &l);
	EQ_INT(2000, h.nbody);
	h.body[h.nbody] = '\0';
	l.out = h.body;
	v = judged(DIR "08-http-client.challenge", &l);
	HAS(v, "ok   its request line is \"GET /hello.txt HTTP/1.1\\r\\n\"");
	HAS(v, "ok   its Host header says \"127.0.0.1:");
	HAS(v, "ok   its lines end with \\r\\n, and an empty line ends the request");
	HAS(v, "ok   it printed the whole body: 2000 bytes");
	HAS(v, "result: PASS");

	/* run elsewhere: its close after the response is what the lab sees; the output a note */
	l.ran = l.exited = false;
	v = judged(DIR "08-http-client.challenge", &l);
	HAS(v, "ok   it closed the connection ");
	HAS(v, " s after the whole response had come: it read the body by its Content-Length");
	HAS(v, "note run in another terminal, the lab cannot see what your program printed");
	HAS(v, "result: PASS");
	/* reading until the end: the lab keeps it open for the program's seconds, then closes */
	h.until_close = true;
	v = judged(DIR "08-http-client.challenge", &l);
	HAS(v, "FAIL your program had not closed the connection 5 s after the lab had sent the whole response");
	HAS(v, "it waited for more. Reading until the connection closes waits for ever");
	HAS(v, "result: FAIL");
	/* it threw away the body bytes that came with the head, and waited for as many more */
	h.until_close = false;
	l = (struct chal_learner){ .run = http_learner, .arg = &h, .ran = true, .exited = false, .seconds = 5,
	                           .out = h.body + 1000 };
	v = judged(DIR "08-http-client.challenge", &l);
	HAS(v, "FAIL it printed the body from byte 1000 on: the 1000 bytes before came in the same segment as the header");
	HAS(v, "FAIL your program was still running after 5 s and was stopped: it waited for 1000 more body bytes");
	CHECK(!strstr(v, "Reading until the connection closes"));
	l = (struct chal_learner){ .run = http_learner, .arg = &h, .ran = true, .exited = true, .seconds = 0.3,
	                           .out = h.body };

	/* no Host header: HTTP/1.1 requires one (RFC 9112 3.2) */
	h = (struct http_case){ .request = "GET /hello.txt HTTP/1.1\r\n\r\n%.0u", .read_all = true };
	v = judged(DIR "08-http-client.challenge", &l);
	HAS(v, "FAIL it sent no Host header: HTTP/1.1 requires one");

	/* bare LF line ends */
	h = (struct http_case){ .request = "GET /hello.txt HTTP/1.1\nHost: 127.0.0.1:%u\n\n", .read_all = true };
	v = judged(DIR "08-http-client.challenge", &l);
	HAS(v, "its request line is \"GET /hello.txt HTTP/1.1\\n\"");
	HAS(v, "result: FAIL");

	/* printed only part of the body */
	h = (struct http_case){ .request = "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", .read_all = true };
	l.out = "line 0001 of the sockscope lab's page\n";
	v = judged(DIR "08-http-client.challenge", &l);
	HAS(v, "FAIL it printed only the first");
}

/* ---- tcp-timeout (challenge 7, timeouts) ---- */

/* It sends its request and waits in recv() with no timeout, run from
 * another terminal: only the lab's own close (after the program's seconds
 * and 2 more) ends its wait.  No frames: judged by the lab's clock. */
static void hang_learner(struct chal_run *r, void *arg)
{
	(void)arg;
	uint16_t lport;
	int fd = connect_lab(r, &lport);
	if (fd < 0)
		return;
	send(fd, "TIME\n", 5, 0);
	char b[64];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	CHECK(poll(&p, 1, 30000) == 1 && recv(fd, b, sizeof b, 0) == 0);
	close(fd);
}

static void test_tcp_timeout(void)
{
	struct chal_learner l = { .run = hang_learner };
	const char *v = judged(DIR "07-timeouts.challenge", &l);
	HAS(v, "ok   it sent its request \"TIME\\n\"");
	/* The lab closes 8 s after the request by its clock; a loaded machine
	 * adds a tenth or two before the learner's close is seen. */
	HAS(v, "FAIL your program hangs in recv() when the server never answers: it did not give up, it closed only "
	       "after the lab had closed its side, 8.");
	const char *at = strstr(v, "after the lab had closed its side, 8.");
	CHECK(at && strstr(at, " s after its request"));
	CHECK(!strstr(v, "ok   it gave up"));
	HAS(v, "result: FAIL");
}

/* ---- a server kind: the learner serves the lab's connections (echo) ---- */

/* A poll() echo server on r->port until it has been idle for idle_ms after
 * its last client left, at most 20 s. */
static void echo_learner(struct chal_run *r, void *arg)
{
	const bool *ignore_partial = arg;   /* non-blocking sockets, one send() a recv(), its return ignored */
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(r->port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 16) < 0) {
		CHECK(!"the learner's echo server could not listen");
		close(lfd);
		return;
	}
	struct pollfd p[17] = { { .fd = lfd, .events = POLLIN } };
	int n = 1, served = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int rounds = 0; rounds < 20000; rounds++) {
		int k = poll(p, (nfds_t)n, 1000);
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 20 || (k == 0 && served && n == 1))
			break;
		if (p[0].revents && n < 17) {
			p[n++] = (struct pollfd){ .fd = accept4(lfd, NULL, NULL, ignore_partial && *ignore_partial ?
			                                            SOCK_NONBLOCK : 0), .events = POLLIN };
			served++;
		}
		for (int i = 1; i < n; i++) {
			if (!p[i].revents)
				continue;
			char buf[65536];
			ssize_t got = recv(p[i].fd, buf, sizeof buf, 0);
			if (got < 0 && errno == EAGAIN)
				continue;
			if (ignore_partial && *ignore_partial && got > 0) {
				send(p[i].fd, buf, (size_t)got, MSG_NOSIGNAL);
				continue;
			}
			for (ssize_t off = 0; got > 0 && off < got;) {   /* all of it: send() may take less */
				ssize_t w = send(p[i].fd, buf + off, (size_t)(got - off), MSG_NOSIGNAL);
				if (w <= 0)
					break;
				off += w;
			}
			if (got <= 0) {
				close(p[i].fd);
				p[i--] = p[--n];
			}
		}
	}
	for (int i = 0; i < n; i++)
		close(p[i].fd);
}

static void test_echo_server(void)
{
	struct chal_learner l = { .run = echo_learner, .ran = true, .exited = false, .seconds = 3 };
	const char *v = judged(DIR "03-echo-server.challenge", &l);
	HAS(v, "ok   your server listened on 127.0.0.1 port");
	HAS(v, "result: PASS");

	/* it ignores send()'s return on non-blocking sockets: the lab's slow reading
	 * (a small receive window, pauses) makes a send take less, and the rest is lost */
	bool ignore = true;
	struct chal_learner partial = { .run = echo_learner, .arg = &ignore, .ran = true, .exited = false, .seconds = 3 };
	v = judged(DIR "03-echo-server.challenge", &partial);
	HAS(v, "send() returns how many bytes it took; send the rest");
	HAS(v, "result: FAIL");

	/* nobody listening: the lab says so, and how the program ended */
	struct chal_learner gone = { .run = nothing, .ran = true, .exited = true, .seconds = 0.01 };
	v = judged(DIR "03-echo-server.challenge", &gone);
	HAS(v, "FAIL nothing listens on 127.0.0.1 port");
	HAS(v, "result: FAIL");
}

/* ---- framing (challenge 4): a server that answers message 1, then ends ---- */

/* It answers message 1 and closes: with FIN (its answer reaches the lab's
 * socket), or with an RST that, as the lab's socket sees it, came before
 * the answer (the kernel throws away what was not read when an RST comes):
 * the real socket sends no answer then, only the frames show it. */
struct once_case {
	bool rst;
	const char *answer;     /* instead of "OK 5\n", and then it waits for the lab's close */
};

static void framing_once_learner(struct chal_run *r, void *arg)
{
	const struct once_case *oc = arg;
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(r->port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 4) < 0 || poll(&p, 1, 5000) != 1) {
		CHECK(!"the learner's framing server got no connection");
		close(lfd);
		return;
	}
	struct sockaddr_in peer;
	socklen_t pl = sizeof peer;
	int fd = accept(lfd, (struct sockaddr *)&peer, &pl);
	char msg[9];
	size_t got = 0;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (got < sizeof msg && poll(&p, 1, 5000) == 1) {
		ssize_t k = recv(fd, msg + got, sizeof msg - got, 0);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	CHECK(got == sizeof msg);
	const char *answer = oc->answer ? oc->answer : "OK 5\n";
	if (oc->rst) {
		struct linger lg = { 1, 0 };
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	} else {
		send(fd, answer, strlen(answer), MSG_NOSIGNAL);
	}
	/* a wrong answer: the lab closes when it has judged it */
	while (oc->answer && poll(&p, 1, 5000) == 1 && recv(fd, msg, sizeof msg, 0) > 0)
		;
	close(fd);
	close(lfd);
	/* the frames: the lab's handshake and message 1 (its 9 bytes' length is
	 * what counts here), the answer acknowledging all 9, the close */
	static struct pkt f[6];
	unsigned lp = ntohs(peer.sin_port), sp = r->port;
	tcp_frame(&f[0], 0, lp, sp, 5000, 0, SYN, 512, NULL, 0, "");
	tcp_frame(&f[1], 0, sp, lp, 1000, 5001, SYN | ACK, 512, NULL, 0, "");
	tcp_frame(&f[2], 0, lp, sp, 5001, 1001, ACK, 512, NULL, 0, "");
	tcp_frame(&f[3], 0, lp, sp, 5001, 1001, ACK, 512, NULL, 0, "....hello");
	tcp_frame(&f[4], 0, sp, lp, 1001, 5010, ACK, 512, NULL, 0, answer);
	tcp_frame(&f[5], 0, sp, lp, 1001 + (uint32_t)strlen(answer), 5010, oc->rst ? RST | ACK : FIN | ACK, 512,
	          NULL, 0, "");
	for (int i = 0; i < (oc->answer ? 5 : 6); i++)
		chal_add_frame(r, f[i].b, f[i].n, (i + 1) * 1000000);
}

static void test_framing(void)
{
	struct once_case oc = { .rst = false };
	struct chal_learner l = { .run = framing_once_learner, .arg = &oc, .ran = true, .exited = false, .seconds = 1 };
	const char *v = judged(DIR "04-framing.challenge", &l);
	HAS(v, "ok   message 1 (5 bytes) came with its length in one segment (packet 4, 9 bytes): your server answered "
	       "\"OK 5\\n\"");
	HAS(v, "FAIL your server closed the connection (FIN, packet 6) after its answer to message 1, \"OK 5\\n\": "
	       "messages 2 to 5 got none. One connection carries many messages");
	CHECK(!strstr(v, "without answering"));
	CHECK(!strstr(v, "one recv() can return more than one message"));
	HAS(v, "result: FAIL");

	/* the answer is in the packets though the lab's socket lost it to the RST */
	oc.rst = true;
	v = judged(DIR "04-framing.challenge", &l);
	HAS(v, "ok   message 1 (5 bytes) came with its length in one segment (packet 4, 9 bytes): your server answered");
	HAS(v, "FAIL your server reset the connection (RST, packet 6) after its answer to message 1");
	CHECK(!strstr(v, "without answering"));
	HAS(v, "result: FAIL");

	/* a line ending wrong is said alone: nothing about lengths or byte order */
	oc = (struct once_case){ .answer = "OK 5\r\n" };
	v = judged(DIR "04-framing.challenge", &l);
	HAS(v, "FAIL message 1 (5 bytes; packet 4, 9 bytes): your server answered \"OK 5\\r\\n\": the answer is "
	       "\"OK 5\\n\", a line that ends in \"\\n\" alone, not \"\\r\\n\"");
	CHECK(!strstr(v, "big-endian") && !strstr(v, "length (") && !strstr(v, "ntohl"));
	oc = (struct once_case){ .answer = "OK 5" };
	v = judged(DIR "04-framing.challenge", &l);
	HAS(v, "FAIL message 1 (5 bytes; packet 4, 9 bytes): your server sent \"OK 5\" without a newline");
	HAS(v, "end it with \"\\n\"");
	CHECK(!strstr(v, "big-endian") && !strstr(v, "little") && !strstr(v, "ntohl"));
	HAS(v, "result: FAIL");
}

/* ---- parameters: declared by each kind, checked on load ---- */

static void test_params(void)
{
	char path[] = "/tmp/sockscope-test-challenge-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	static const struct { const char *text, *err; } cases[] = {
		{ "title: t\nkind: udp-send\ntask: x\nparam: timeout 31\n",
		  ":4: timeout is a number from 1 to 30 (seconds), not '31'" },
		{ "title: t\nkind: udp-send\nparam: timeout 2s\ntask: x\n", ":3: timeout is a number from 1 to 30" },
		{ "title: t\nkind: http-get\ntask: x\nparam: length 0\n", ":4: length is a number from 1 to 6000 (bytes)" },
		{ "title: t\nkind: framing\ntask: x\nparam: size 9\n", ":4: the kind framing takes no parameter 'size' "
		  "(it takes: long)" },
		{ "title: t\n\nkind: nosuch\ntask: x\n", ":3: unknown kind 'nosuch' (known: tcp-hello" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FILE *f = fopen(path, "w");
		fputs(cases[i].text, f);
		fclose(f);
		char err[512] = "";
		struct challenge *c = challenge_load(path, err, sizeof err);
		CHECK(c == NULL);
		HAS(err, cases[i].err);
		challenge_free(c);
	}
	/* defaults come from the kind's table, values from the file */
	FILE *f = fopen(path, "w");
	fputs("title: t\nkind: echo-server\ntask: x\nparam: big 1234\n", f);
	fclose(f);
	char err[512];
	struct challenge *c = challenge_load(path, err, sizeof err);
	CHECK(c != NULL);
	if (c) {
		EQ_INT(1234, challenge_num(c, "big"));
		EQ_INT(3, challenge_num(c, "connections"));
		challenge_free(c);
	}
	close(fd);
	unlink(path);
}

/* ---- helpers the judges share, on packets made here ---- */

static struct chal_packet seg(bool learner, uint16_t sport, uint8_t flags, uint32_t seq, uint32_t len)
{
	struct chal_packet p = { .from_learner = learner };
	p.info.tcp = true;
	p.info.sport = sport;
	p.info.tcp_flags = flags;
	p.info.seq = seq;
	p.info.payload_len = len;
	return p;
}

static void test_lab_data(void)
{
	/* the lab's connection from port 5000: data before its SYN has no offset;
	 * a retransmission keeps the offset it had; the learner's segments and
	 * another port's are not the lab's; sequence numbers wrap modulo 2^32 */
	struct chal_packet pk[] = {
		seg(false, 5000, 0x18, 7, 4),                  /* before the SYN: passed over */
		seg(false, 5000, 0x02, 0xfffffffeu, 0),        /* SYN: the stream starts at 0xffffffff */
		seg(true, 8080, 0x12, 100, 0),
		seg(false, 5000, 0x18, 0xffffffffu, 5),        /* offset 0 */
		seg(true, 8080, 0x18, 101, 9),                 /* the learner's */
		seg(false, 5001, 0x18, 0xffffffffu, 5),        /* another port */
		seg(false, 5000, 0x10, 4, 0),                  /* a bare ACK */
		seg(false, 5000, 0x18, 4, 3),                  /* offset 5, past the wrap */
		seg(false, 5000, 0x18, 0xffffffffu, 5),        /* a retransmission: offset 0 again */
	};
	struct chal_run r = { .pkts = pk, .npkts = sizeof pk / sizeof pk[0] };
	struct chal_segs it = { 0 };
	size_t off = 99, offs[8], at[8], n = 0;
	const struct chal_packet *q;
	while (n < 8 && (q = chal_lab_data(&r, 5000, &it, &off))) {
		CHECK(q == &pk[it.i - 1]);
		offs[n] = off;
		at[n++] = it.i;
	}
	EQ_INT(3, (int)n);
	EQ_INT(0, (int)offs[0]);
	EQ_INT(4, (int)at[0]);
	EQ_INT(5, (int)offs[1]);
	EQ_INT(8, (int)at[1]);
	EQ_INT(0, (int)offs[2]);
	EQ_INT(9, (int)at[2]);
	CHECK(chal_lab_data(&r, 5000, &it, &off) == NULL);   /* and stays at the end */
	it = (struct chal_segs){ 0 };
	CHECK(chal_lab_data(&r, 6000, &it, &off) == NULL);
}

static void test_judge_connected(void)
{
	struct chal_run r = { .port = 4242, .host = "127.0.0.1", .ran = true, .exited = false, .seconds = 5 };
	struct verdict v = { 0 };
	CHECK(chal_judge_connected(&r, true, &v));
	EQ_INT(0, (int)v.n);
	CHECK(!chal_judge_connected(&r, false, &v));
	EQ_INT(2, (int)v.n);
	CHECK(!v.f[0].ok && !v.f[1].ok);
	HAS(v.f[0].text, "nothing connected to 127.0.0.1 port 4242");
	HAS(v.f[1].text, "still running after 5 s: it was stopped");
	/* a program that ended by itself was not stopped: one finding */
	r.exited = true;
	v = (struct verdict){ 0 };
	CHECK(!chal_judge_connected(&r, false, &v));
	EQ_INT(1, (int)v.n);
}

int main(void)
{
	test_lab_data();
	test_judge_connected();
	test_params();
	test_tcp_hello();
	test_nobody();
	test_udp_send();
	test_http_get();
	test_tcp_timeout();
	test_echo_server();
	test_framing();
	return check_done("test_challenge");
}
