/*
 * test_challenge_kinds.c — the judges of challenges 9-12 (udp-echo,
 * dns-query, upload, event-loop) on hand-made runs: the lab's side runs for
 * real in this process (challenge_judge_local) while a learner written
 * here, right or with one typical mistake, talks to it over loopback
 * sockets; no capture, so each verdict rests on what the lab's side saw.
 * The end-to-end tests (e2e_challenge_*.sh) run real programs with a
 * capture.
 */
#include "challenge/challenge.h"
#include "challenge/run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

#define DIR SOCKSCOPE_SOURCE_DIR "/challenges/"

/* The verdict, one "ok  "/"FAIL"/"note" line a finding, then the result. */
static const char *judged(const char *file, struct chal_learner *l)
{
	static char text[8192];
	char err[512];
	text[0] = '\0';
	struct challenge *c = challenge_load(file, err, sizeof err);
	CHECK_MSG(c != NULL, "%s", err);
	if (!c)
		return text;
	struct verdict v;
	if (challenge_judge_local(c, l, &v, err, sizeof err) < 0) {
		snprintf(text, sizeof text, "could not run: %s", err);
	} else {
		size_t k = 0;
		for (size_t i = 0; i < v.n && k < sizeof text; i++)
			k += (size_t)snprintf(text + k, sizeof text - k, "%s %s\n", v.f[i].note ? "note" : v.f[i].ok ? "ok  " :
			                      "FAIL", v.f[i].text);
		if (k < sizeof text)
			snprintf(text + k, sizeof text - k, "result: %s\n", v.pass ? "PASS" : "FAIL");
	}
	challenge_free(c);
	return text;
}

static struct sockaddr_in lab_addr(const struct chal_run *r)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(r->port),
	                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
}

static int bound(int type, const struct chal_run *r)
{
	int fd = socket(AF_INET, type, 0), one = 1;
	struct sockaddr_in a = lab_addr(r);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		CHECK(!"the learner's server could not bind the lab's port");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- udp-echo (challenge 9): a UDP server, right or with one mistake ---- */

enum udp_mode { UDP_OK, UDP_SMALL, UDP_FIXED, UDP_TWICE, UDP_CONNECT };

/* It serves until the lab's last datagram came, or none for 2.5 s (the
 * lab waits 1 s for each echo, so a socket that hears nothing from two of
 * them waits that long). */
static void udp_server(struct chal_run *r, void *arg)
{
	enum udp_mode mode = *(enum udp_mode *)arg;
	int fd = bound(SOCK_DGRAM, r);
	struct sockaddr_in first = { 0 };
	for (int n = 0; fd >= 0 && n < 20; n++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 2500) != 1)
			break;
		char buf[65535];
		struct sockaddr_in peer;
		socklen_t pl = sizeof peer;
		ssize_t got = recvfrom(fd, buf, mode == UDP_SMALL ? 512 : sizeof buf, 0, (struct sockaddr *)&peer, &pl);
		if (got < 0)
			continue;
		if (!n)
			first = peer;
		if (!n && mode == UDP_CONNECT)
			connect(fd, (struct sockaddr *)&peer, pl);
		const struct sockaddr_in *to = mode == UDP_FIXED || mode == UDP_CONNECT ? &first : &peer;
		for (int k = 0; k < (mode == UDP_TWICE ? 2 : 1); k++)
			sendto(fd, buf, (size_t)got, 0, (const struct sockaddr *)to, sizeof *to);
		if (got >= 11 && !memcmp(buf, "datagram 5,", 11))
			break;          /* the lab's last one */
	}
	if (fd >= 0)
		close(fd);
}

static void test_udp_echo(void)
{
	const char *file = DIR "09-udp-echo-server.challenge";
	enum udp_mode m = UDP_OK;
	struct chal_learner l = { .run = udp_server, .arg = &m, .ran = true, .seconds = 3 };
	const char *v = judged(file, &l);
	HAS(v, "ok   datagram 3 (3000 bytes, every value, zero bytes too, from port");
	HAS(v, "ok   datagram 4 (0 bytes: an empty one, from port");
	HAS(v, "ok   it answered 5 datagrams from 3 ports");
	HAS(v, "result: PASS");
	m = UDP_SMALL;
	v = judged(file, &l);
	HAS(v, "FAIL datagram 3 (3000 bytes) came back as its first 512 bytes");
	HAS(v, "ok   datagram 2 (29 bytes");
	HAS(v, "result: FAIL");
	m = UDP_FIXED;
	v = judged(file, &l);
	HAS(v, "FAIL datagram 2 came from port");
	HAS(v, "where datagram 1 came from: reply to the address recvfrom() returned");
	m = UDP_TWICE;
	v = judged(file, &l);
	HAS(v, "FAIL datagram 1 came back 2 times: one datagram in, one echo out");
	HAS(v, "FAIL datagram 5 came back 2 times\n");
	/* without a capture there is no ICMP to quote: the missing echoes are said */
	m = UDP_CONNECT;
	v = judged(file, &l);
	HAS(v, "ok   datagram 4 (0 bytes");
	HAS(v, "FAIL datagram 2 (29 bytes, from port");
	HAS(v, "got no echo within 1 s");
}

/* ---- dns-query (challenge 10): queries made here, byte by byte ---- */

struct dns_case {
	const uint8_t *q;
	size_t n;
	const char *printed;    /* what the program "printed"; NULL: the first reply's A records */
	char out[256];
	uint16_t first_id, second_id;
};

/* Appends the A records of a reply to out, as a program would print them. */
static void print_a(const uint8_t *m, size_t n, char *out, size_t len)
{
	size_t i = 12, an = n >= 12 ? (size_t)(m[6] << 8 | m[7]) : 0;
	while (i < n && m[i])      /* the question: labels */
		i += 1 + m[i];
	i += 5;
	for (size_t k = 0; k < an && i + 10 <= n; k++) {
		while (i < n && m[i] && m[i] < 0xc0)
			i += 1 + m[i];
		i += i < n && m[i] >= 0xc0 ? 2 : 1;
		if (i + 10 > n)
			break;
		size_t type = (size_t)(m[i] << 8 | m[i + 1]), rl = (size_t)(m[i + 8] << 8 | m[i + 9]);
		i += 10;
		if (type == 1 && rl == 4 && i + 4 <= n)
			snprintf(out + strlen(out), len - strlen(out), "%u.%u.%u.%u\n", m[i], m[i + 1], m[i + 2], m[i + 3]);
		i += rl;
	}
}

static void dns_client(struct chal_run *r, void *arg)
{
	struct dns_case *dc = arg;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = lab_addr(r);
	struct timeval tv = { .tv_sec = 1 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	dc->out[0] = '\0';
	if (sendto(fd, dc->q, dc->n, 0, (struct sockaddr *)&a, sizeof a) < 0)
		CHECK(!"the query could not be sent");
	uint8_t m[2048];
	for (int k = 0; k < 2; k++) {
		ssize_t got = recv(fd, m, sizeof m, 0);
		if (got < 12)
			break;
		*(k ? &dc->second_id : &dc->first_id) = (uint16_t)(m[0] << 8 | m[1]);
		if (!k && !dc->printed)
			print_a(m, (size_t)got, dc->out, sizeof dc->out);
		if (!(m[6] | m[7]))
			break;          /* no answer records: no decoy came before it */
	}
	if (dc->printed)
		snprintf(dc->out, sizeof dc->out, "%s", dc->printed);
	close(fd);
}

static const char *dns_judged(const uint8_t *q, size_t n, const char *printed, struct dns_case *dc)
{
	*dc = (struct dns_case){ .q = q, .n = n, .printed = printed };
	struct chal_learner l = { .run = dns_client, .arg = dc, .ran = true, .exited = true, .seconds = 0.1,
	                          .out = dc->out };
	return judged(DIR "10-dns-client.challenge", &l);
}

#define QNAME "\x06mirror\x09sockscope\x04test\x00"

static void test_dns_query(void)
{
	struct dns_case dc;
	static const uint8_t ok[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" QNAME "\x00\x01\x00\x01";
	const char *v = dns_judged(ok, sizeof ok - 1, "127.0.0.2\n127.0.0.3\n127.0.0.4\n", &dc);
	HAS(v, "ok   its query (39 bytes) is right: ID 0x1234, flags 0x0100");
	HAS(v, "ok   it printed the answer's 3 addresses, 127.0.0.2, 127.0.0.3 and 127.0.0.4");
	HAS(v, "result: PASS");
	/* the decoy came first, with another ID, then the answer with the query's */
	CHECK(dc.first_id != 0x1234);
	EQ_INT(0x1234, dc.second_id);
	/* a program that takes the first reply prints the decoy's addresses */
	v = dns_judged(ok, sizeof ok - 1, NULL, &dc);
	HAS(v, "FAIL it printed 127.0.0.99, 127.0.0.100 and 127.0.0.101: the decoy's addresses");
	/* a parse that went wrong: an address the answer does not hold */
	v = dns_judged(ok, sizeof ok - 1, "127.0.0.2\n112.111.111.108\n", &dc);
	HAS(v, "of which 1 is not in the answer");
	v = dns_judged(ok, sizeof ok - 1, "127.0.0.3\n", &dc);
	HAS(v, "FAIL it printed 127.0.0.3: the answer holds 3 A records");
	/* run in another terminal: what it printed is a note */
	struct chal_learner away = { .run = dns_client, .arg = &dc, .ran = false };
	dc = (struct dns_case){ .q = ok, .n = sizeof ok - 1, .printed = "" };
	v = judged(DIR "10-dns-client.challenge", &away);
	HAS(v, "note run in another terminal, the lab cannot see what your program printed: it must print 127.0.0.2");
	HAS(v, "result: PASS");

	static const uint8_t nord[] = "\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00" QNAME "\x00\x01\x00\x01";
	v = dns_judged(nord, sizeof nord - 1, "127.0.0.2\n127.0.0.3\n127.0.0.4\n", &dc);
	HAS(v, "FAIL it does not set RD (recursion desired, 0x0100 in the flags; its flags are 0x0000)");
	static const uint8_t le[] = "\x12\x34\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00" QNAME "\x01\x00\x01\x00";
	v = dns_judged(le, sizeof le - 1, "", &dc);
	HAS(v, "FAIL its QDCOUNT is 256 (the bytes 01 00: 1 in little-endian)");
	HAS(v, "FAIL its QTYPE is 256 (the bytes 01 00: 1 in little-endian)");
	HAS(v, "FAIL its QCLASS is 256");
	static const uint8_t dotted[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x15mirror.sockscope.test\x00"
	                                "\x00\x01\x00\x01";
	v = dns_judged(dotted, sizeof dotted - 1, "", &dc);
	HAS(v, "FAIL its question's name (QNAME) is the dotted string \"mirror.sockscope.test\" behind a length byte");
	HAS(v, "is 6 mirror 9 sockscope 4 test 0");
	/* to the server that is one label of 21 bytes: a name outside its zone */
	HAS(v, "FAIL so the lab's server answered REFUSED (5)");
	static const uint8_t other[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03lab\x09sockscope\x04test\x00"
	                               "\x00\x01\x00\x01";
	v = dns_judged(other, sizeof other - 1, "127.0.0.1\n", &dc);
	HAS(v, "FAIL it asks for \"lab.sockscope.test\": the task's name is \"mirror.sockscope.test\"");
	static const uint8_t cut[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x06mirr";
	v = dns_judged(cut, sizeof cut - 1, "", &dc);
	HAS(v, "FAIL its question's name (QNAME) is cut off");
	v = dns_judged(ok, 5, "", &dc);
	HAS(v, "FAIL its datagram (5 bytes) is shorter than a DNS header");
}

/* ---- upload (challenge 11): a body with a hole, cut short, or whole ---- */

struct up_case {
	size_t hole_at, hole;   /* bytes left out of the body (hole 0: none) */
	size_t stop_at;         /* close after this many bytes of the body (0: all) */
};

static void uploader(struct chal_run *r, void *arg)
{
	const struct up_case *uc = arg;
	size_t size = (size_t)challenge_num(r->c, "size"), end = uc->stop_at ? uc->stop_at : size;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = lab_addr(r);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		CHECK(!"the uploader could not connect");
		close(fd);
		return;
	}
	uint8_t buf[65536];
	for (size_t off = 0; off < end;) {
		if (uc->hole && off == uc->hole_at)
			off += uc->hole;
		size_t n = 0, stop = uc->hole && off < uc->hole_at ? uc->hole_at : end;
		while (n < sizeof buf && off + n < stop) {
			buf[n] = (uint8_t)((off + n) % 251);
			n++;
		}
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
}

static void test_upload(void)
{
	const char *file = DIR "11-upload-client.challenge";
	struct up_case uc = { 0 };
	struct chal_learner l = { .run = uploader, .arg = &uc, .ran = true, .exited = true, .seconds = 1 };
	const char *v = judged(file, &l);
	HAS(v, "ok   all 4194304 bytes arrived in order (the lab read slowly, pausing 3 times): "
	    "CRC-32 0xa1304fd3, the body's 0xa1304fd3");
	HAS(v, "ok   it closed the connection with FIN after the last byte it sent");
	HAS(v, "result: PASS");
	/* 59464 bytes left out after the first 6072: 228 and 236 times 251 */
	uc = (struct up_case){ .hole_at = 6072, .hole = 59464 };
	v = judged(file, &l);
	HAS(v, "FAIL the first 6072 bytes arrived right; then came the body's bytes from 6300 on");
	HAS(v, "228 bytes, or that and a multiple of 251, were never sent. send() returns how many bytes it took");
	uc = (struct up_case){ .stop_at = 100000 };
	v = judged(file, &l);
	HAS(v, "FAIL 100000 of the 4194304 bytes arrived, all right, then it closed the connection: the last 4094304 "
	    "never came");
}

/* ---- event-loop (challenge 12): poll() here, or one client at a time ---- */

/* An echo server on this thread: poll() over everything (serial: one
 * client at a time), until its 50 clients have gone or nothing happened for
 * 4 s (longer than the lab waits for an echo). */
static void echo_loop(struct chal_run *r, void *arg)
{
	bool serial = *(bool *)arg;
	int ls = bound(SOCK_STREAM, r);
	struct pollfd p[64] = { { .fd = ls, .events = POLLIN } };
	int n = 1, served = 0;
	while (ls >= 0 && !(served == 50 && n == 1) && poll(p, (nfds_t)n, 4000) > 0) {
		for (int i = n - 1; i >= 1; i--) {
			if (!p[i].revents)
				continue;
			char buf[512];
			ssize_t got = recv(p[i].fd, buf, sizeof buf, 0);
			if (got > 0 && send(p[i].fd, buf, (size_t)got, MSG_NOSIGNAL) == got)
				continue;
			close(p[i].fd);
			p[i] = p[--n];
		}
		/* serial: the next client only once the one before has gone */
		if ((p[0].revents & POLLIN) && n < 64 && (!serial || n == 1)) {
			int c = accept(ls, NULL, NULL);
			if (c >= 0)
				p[n++] = (struct pollfd){ .fd = c, .events = POLLIN };
			served += c >= 0;
		}
		p[0].events = !serial || n == 1 ? POLLIN : 0;
	}
	for (int i = 0; i < n; i++)
		close(p[i].fd);
}

static void test_event_loop(void)
{
	const char *file = DIR "12-event-loop.challenge";
	bool serial = false;
	struct chal_learner l = { .run = echo_loop, .arg = &serial, .ran = true, .seconds = 2 };
	const char *v = judged(file, &l);
	HAS(v, "ok   all 50 connections were answered, each while the ones before it were held open");
	HAS(v, "ok   the second round, each message in two halves");
	HAS(v, "ok   it closed each of the 50 connections after the lab's FIN");
	/* the server is this very process, which the lab does not count as the learner's */
	HAS(v, "note the lab could not see which process holds your server's sockets");
	serial = true;
	v = judged(file, &l);
	HAS(v, "FAIL connection 2 got no echo in 3 s while connection 1 was open");
	HAS(v, "your server serves one client at a time");
}

int main(void)
{
	test_udp_echo();
	test_dns_query();
	test_upload();
	test_event_loop();
	return check_done("test_challenge_kinds");
}
