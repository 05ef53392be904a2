/*
 * test_dissect_app.c — the application decoders (HTTP, SMTP, FTP, DNS) on
 * hand-built frames: exact fields, byte ranges and summaries; recognition
 * by port and by content; what must be malformed (DNS pointer loops, bad
 * FTP addresses, HTTP header lines without a colon); every truncation
 * length and random byte flips of each frame (see pktbuild.h).
 *
 * Expectations follow the RFCs and were checked against tshark on real
 * curl, dig and SMTP/FTP traffic with the lab's servers.
 */
#include "pktbuild.h"

#define DIS_COUNT_T(a) (sizeof(a) / sizeof((a)[0]))
#define CPORT 40000   /* the client's port */
#define SPORT 43210   /* a server port the kernel chose: recognition by content */

/* Ethernet + IPv4 + TCP (20-byte header): the payload starts at 54. */
enum { TCP_DATA = 54, UDP_DATA = 42 };

static void tcp_text(struct pkt *f, unsigned sport, unsigned dport, const char *text)
{
	tcp_frame(f, 0, sport, dport, 1000, 2000, 0x18, 512, NULL, 0, text);
}

/* Ethernet + IPv4 + UDP around payload bytes (which may hold zeros). */
static void udp_bytes(struct pkt *f, unsigned sport, unsigned dport, const struct pkt *payload)
{
	struct pkt u;
	u.n = 0;
	p16(&u, sport);
	p16(&u, dport);
	p16(&u, 8 + payload->n);
	p16(&u, 0x1234);
	pmem(&u, payload->b, payload->n);
	ether(f, 0x0800);
	ipv4(f, 17, &u);
}

static void tcp_bytes(struct pkt *f, unsigned sport, unsigned dport, const struct pkt *payload)
{
	struct pkt s;
	tcp(&s, sport, dport, 1000, 2000, 0x18, 512, NULL, 0, NULL);
	pmem(&s, payload->b, payload->n);
	ether(f, 0x0800);
	ipv4(f, 6, &s);
}

/* The n-th (0-based) field called name. */
static const struct field *nth(const struct dissection *d, const char *name, int n)
{
	int i = -1;
	for (int k = 0; k <= n; k++) {
		i = find(d, i + 1, name);
		if (i < 0)
			return fld(d, "(missing)");
	}
	return &d->fields[i];
}

#define EQ_NTH(d_, name_, n_, off_, len_, value_)                     \
	do {                                                          \
		const struct field *g_ = nth((d_), (name_), (n_));    \
		EQ_INT((off_), g_->off);                              \
		EQ_INT((len_), g_->len);                              \
		EQ_STR((value_), g_->value);                          \
	} while (0)

#define EQ_HTTP(d_, name_, off_, len_, value_)                        \
	do {                                                          \
		const struct field *g_ = fld_in((d_), "Hypertext Transfer Protocol", (name_)); \
		EQ_INT((off_), g_->off);                              \
		EQ_INT((len_), g_->len);                              \
		EQ_STR((value_), g_->value);                          \
	} while (0)

#define EQ_DNS(d_, name_, off_, len_, value_)                         \
	do {                                                          \
		const struct field *g_ = fld_in((d_), "Domain Name System", (name_)); \
		EQ_INT((off_), g_->off);                              \
		EQ_INT((len_), g_->len);                              \
		EQ_STR((value_), g_->value);                          \
	} while (0)

static void expect_problem(const char *what, int lt, const struct pkt *f, enum dis_status st,
                           const char *problem)
{
	struct dissection d;
	enum dis_status got = dis(lt, f, &d);
	if (got != st)
		fprintf(stderr, "%s: status %d, problem \"%s\"\n", what, got, d.problem);
	EQ_INT(st, got);
	EQ_STR(problem, d.problem);
	CHECK(tree_ok(&d, f->n));
	dissection_free(&d);
	mutate(what, lt, f);
}

/* ------------------------------------------------------------------ HTTP */

static void test_http(void)
{
	struct pkt f;
	struct dissection d;
	const char *req = "GET /hello HTTP/1.1\r\nHost: lab.sockscope.test\r\nAccept: */*\r\n\r\n";
	tcp_text(&f, CPORT, SPORT, req);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("HTTP", d.info.proto);
	EQ_STR("HTTP", d.info.app);
	EQ_INT(-1, find(&d, 0, "Payload"));
	EQ_INT(TCP_DATA, d.info.payload_off);
	EQ_INT(strlen(req), d.info.payload_len);
	EQ_FIELD(&d, "Hypertext Transfer Protocol", 54, 62, "GET /hello HTTP/1.1");
	EQ_INT(0, fld(&d, "Hypertext Transfer Protocol")->depth);
	EQ_FIELD(&d, "Request line", 54, 21, "GET /hello HTTP/1.1");
	EQ_FIELD(&d, "Method", 54, 3, "GET");
	EQ_INT(2, fld(&d, "Method")->depth);
	EQ_FIELD(&d, "Request target", 58, 6, "/hello");
	EQ_HTTP(&d, "Version", 65, 8, "HTTP/1.1");
	EQ_FIELD(&d, "Header fields", 75, 39, "2 fields");
	EQ_FIELD(&d, "Host", 75, 26, "lab.sockscope.test");
	EQ_INT(2, fld(&d, "Host")->depth);
	CHECK(fld(&d, "Host")->help != NULL);
	EQ_FIELD(&d, "Accept", 101, 13, "*/*");
	EQ_FIELD(&d, "End of header section", 114, 2, "empty line (CRLF)");
	EQ_FIELD(&d, "Body length", 116, 0, "none: a request without Content-Length has no body");
	EQ_INT(-1, find(&d, 0, "Body"));
	EQ_INT(find(&d, 0, "Host"), dissect_field_at(&d, 80));
	EQ_STR("Flags [P.], seq 1000:1062, ack 2000, win 512, length 62: HTTP: GET /hello HTTP/1.1",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("HTTP GET", LINK_ETHERNET, &f);

	/* The same on port 80, and cut inside the header section. */
	tcp_text(&f, CPORT, 80, req);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Request target", 58, 6, "/hello");
	dissection_free(&d);
	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, f.b, 90, f.n, &d));
	EQ_STR("truncated: TCP payload 62 bytes, 36 captured", d.problem);
	EQ_FIELD(&d, "Host", 75, 15, "lab.socks (cut by the capture)");
	EQ_INT(-1, find(&d, 0, "End of header section"));
	EQ_STR("Flags [P.], seq 1000:1062, ack 2000, win 512, length 62: HTTP: GET /hello HTTP/1.1 [truncated]",
	       summary(&d, NULL));
	dissection_free(&d);

	/* A response with a body. */
	const char *rsp = "HTTP/1.1 200 OK\r\nContent-Length: 29\r\n\r\nHello from the sockscope lab\n";
	tcp_text(&f, SPORT, CPORT, rsp);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Status line", 54, 17, "HTTP/1.1 200 OK");
	EQ_HTTP(&d, "Version", 54, 8, "HTTP/1.1");
	EQ_FIELD(&d, "Status code", 63, 3, "200 (successful)");
	EQ_FIELD(&d, "Reason phrase", 67, 2, "OK");
	EQ_FIELD(&d, "Content-Length", 71, 20, "29");
	EQ_FIELD(&d, "End of header section", 91, 2, "empty line (CRLF)");
	EQ_FIELD(&d, "Body length", 93, 0, "29 bytes (Content-Length)");
	EQ_FIELD(&d, "Body", 93, 29, "29 bytes: \"Hello from the sockscope lab.\"");
	EQ_STR("Flags [P.], seq 1000:1068, ack 2000, win 512, length 68: HTTP: HTTP/1.1 200 OK",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("HTTP 200", LINK_ETHERNET, &f);

	/* The body goes on in the next segment; that one on port 80 is a
	 * continuation, on a random port just payload. */
	tcp_text(&f, SPORT, CPORT, "HTTP/1.0 404 Not Found\r\nContent-Length: 100\r\n\r\nNo such");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Status code", 63, 3, "404 (client error)");
	EQ_FIELD(&d, "Body", 101, 7, "7 of 100 bytes: \"No such\"");
	dissection_free(&d);
	tcp_text(&f, 80, CPORT, " page here\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Hypertext Transfer Protocol", 54, 12, "continuation, 12 bytes");
	EQ_FIELD(&d, "Continuation data", 54, 12, "12 bytes: \" page here..\"");
	EQ_STR("Flags [P.], seq 1000:1012, ack 2000, win 512, length 12: HTTP: continuation, 12 bytes",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("HTTP continuation", LINK_ETHERNET, &f);
	tcp_text(&f, SPORT, CPORT, " page here\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("TCP", d.info.proto);
	CHECK(d.info.app == NULL);
	EQ_FIELD(&d, "Payload", 54, 12, "12 bytes: \" page here..\"");
	dissection_free(&d);
	/* Looks like a start line but is not one: not taken by content. */
	tcp_text(&f, CPORT, SPORT, "GET /x HTTP/2\r\n\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	CHECK(d.info.app == NULL);
	dissection_free(&d);
	tcp_text(&f, CPORT, SPORT, "get / HTTP/1.1\r\n\r\n");   /* methods are case-sensitive */
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	CHECK(d.info.app == NULL);
	dissection_free(&d);

	/* Two pipelined requests, a POST with its body first. */
	tcp_text(&f, CPORT, SPORT, "POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcHEAD / HTTP/1.0\r\n\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_NTH(&d, "Hypertext Transfer Protocol", 0, 54, 45, "POST /echo HTTP/1.1");
	EQ_NTH(&d, "Hypertext Transfer Protocol", 1, 99, 19, "HEAD / HTTP/1.0");
	EQ_NTH(&d, "Body", 0, 96, 3, "3 bytes: \"abc\"");
	EQ_NTH(&d, "Method", 1, 99, 4, "HEAD");
	CHECK(strstr(summary(&d, NULL), ": HTTP: POST /echo HTTP/1.1") != NULL);
	dissection_free(&d);
	valid("HTTP pipelined", LINK_ETHERNET, &f);

	/* 204 has no body; a response without Content-Length runs to the close. */
	tcp_text(&f, SPORT, CPORT, "HTTP/1.1 204 No Content\r\n\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_FIELD(&d, "Body length", 81, 0, "none: 1xx, 204 and 304 responses have no body");
	dissection_free(&d);
	tcp_text(&f, SPORT, CPORT, "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it");
	dis(LINK_ETHERNET, &f, &d);
	EQ_FIELD(&d, "Body length", 84, 0, "until the connection closes (no Content-Length)");
	EQ_FIELD(&d, "Body", 84, 9, "9 bytes: \"all of it\"");
	dissection_free(&d);

	/* Impossible header lines. */
	tcp_text(&f, CPORT, SPORT, "GET / HTTP/1.1\r\nHost lab\r\n\r\n");
	expect_problem("HTTP no colon", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: HTTP header line \"Host lab\" has no colon");
	tcp_text(&f, CPORT, SPORT, "GET / HTTP/1.1\r\nHost : lab\r\n\r\n");
	expect_problem("HTTP space before colon", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: HTTP header field name \"Host \" is empty or has white space");
	tcp_text(&f, SPORT, CPORT, "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n");
	expect_problem("HTTP bad length", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: HTTP Content-Length \"1x\" is not a number");
	/* A header section that goes on in the next segment is not a problem. */
	tcp_text(&f, CPORT, SPORT, "GET / HTTP/1.1\r\nHost: la");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Host", 70, 8, "la (continues in the next segment)");
	dissection_free(&d);
}

/* ------------------------------------------------------------------ SMTP */

static void test_smtp(void)
{
	struct pkt f;
	struct dissection d;
	tcp_text(&f, CPORT, SPORT, "EHLO client.sockscope.test\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("SMTP", d.info.proto);
	EQ_FIELD(&d, "Simple Mail Transfer Protocol", 54, 28, "EHLO client.sockscope.test");
	EQ_FIELD(&d, "Command", 54, 28, "EHLO client.sockscope.test");
	EQ_FIELD(&d, "Verb", 54, 4, "EHLO");
	CHECK(fld(&d, "Verb")->help != NULL);
	EQ_FIELD(&d, "Domain", 59, 21, "client.sockscope.test");
	EQ_STR("Flags [P.], seq 1000:1028, ack 2000, win 512, length 28: SMTP: EHLO client.sockscope.test",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("SMTP EHLO", LINK_ETHERNET, &f);

	/* A multi-line reply: SMTP by an extension it lists. */
	const char *ehlo = "250-sockscope.test\r\n250-SIZE 65536\r\n250 8BITMIME\r\n";
	tcp_text(&f, SPORT, CPORT, ehlo);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("SMTP", d.info.proto);
	EQ_NTH(&d, "Reply", 0, 54, 20, "250-sockscope.test");
	EQ_NTH(&d, "Reply code", 0, 54, 3, "250 (requested mail action okay, completed)");
	EQ_NTH(&d, "Continuation", 0, 57, 1, "-");
	EQ_NTH(&d, "Text", 0, 58, 14, "sockscope.test");
	EQ_NTH(&d, "Reply", 1, 74, 16, "250-SIZE 65536");
	EQ_NTH(&d, "Reply", 2, 90, 14, "250 8BITMIME");
	EQ_INT(-1, find(&d, find(&d, 0, "Reply") + 1 + 8, "Continuation"));
	EQ_STR("Flags [P.], seq 1000:1050, ack 2000, win 512, length 50: SMTP: 250-sockscope.test",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("SMTP 250 multi-line", LINK_ETHERNET, &f);

	tcp_text(&f, CPORT, SPORT, "MAIL FROM:<learner@sockscope.test>\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_FIELD(&d, "Reverse path", 59, 29, "FROM:<learner@sockscope.test>");
	dissection_free(&d);
	tcp_text(&f, CPORT, SPORT, "rcpt TO:<lab@sockscope.test>\r\n");   /* verbs in any case */
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("SMTP", d.info.proto);
	EQ_FIELD(&d, "Forward path", 59, 23, "TO:<lab@sockscope.test>");
	dissection_free(&d);
	tcp_text(&f, SPORT, CPORT, "354 End data with <CR><LF>.<CR><LF>\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("SMTP", d.info.proto);
	EQ_FIELD(&d, "Reply code", 54, 3, "354 (start mail input; end with <CRLF>.<CRLF>)");
	dissection_free(&d);

	/* Message content ending with the dot line: by content too. */
	const char *msg = "Subject: hi\r\n\r\nHello\r\n.\r\nQUIT\r\n";
	tcp_text(&f, CPORT, 25, msg);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_NTH(&d, "Message data", 0, 54, 13, "Subject: hi");
	EQ_NTH(&d, "Message data", 1, 67, 2, "");
	EQ_NTH(&d, "Message data", 2, 69, 7, "Hello");
	EQ_FIELD(&d, "End of message data", 76, 3, ".");
	EQ_FIELD(&d, "Command", 79, 6, "QUIT");
	EQ_STR("Flags [P.], seq 1000:1031, ack 2000, win 512, length 31: SMTP: message data, 31 bytes",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("SMTP data", LINK_ETHERNET, &f);
	tcp_text(&f, CPORT, SPORT, "Subject: hi\r\n\r\nHello\r\n.\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("SMTP", d.info.proto);
	EQ_FIELD(&d, "End of message data", 76, 3, ".");
	dissection_free(&d);
	tcp_text(&f, CPORT, SPORT, "Subject: hi\r\n\r\nHello\r\n");   /* nothing tells */
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("TCP", d.info.proto);
	dissection_free(&d);

	/* A line both could send. */
	tcp_text(&f, CPORT, SPORT, "QUIT\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("SMTP/FTP", d.info.proto);
	EQ_FIELD(&d, "SMTP or FTP", 54, 6, "QUIT");
	EQ_STR("Flags [P.], seq 1000:1006, ack 2000, win 512, length 6: SMTP/FTP: QUIT", summary(&d, NULL));
	dissection_free(&d);
	tcp_text(&f, 25, CPORT, "221 Bye\r\n");   /* ... the port decides */
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("SMTP", d.info.proto);
	dissection_free(&d);
	tcp_text(&f, SPORT, CPORT, "220 sockscope.test ESMTP ready\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("SMTP", d.info.proto);
	EQ_FIELD(&d, "Reply code", 54, 3, "220 (service ready)");
	dissection_free(&d);

	/* Not a command or reply: left alone. */
	static const char *const not_smtp[] = { "Hello, World!", "HELOX there\r\n", "999 no\r\n", "25\r\n", "EHLO" };
	for (size_t k = 0; k < DIS_COUNT_T(not_smtp); k++) {
		tcp_text(&f, CPORT, SPORT, not_smtp[k]);
		dis(LINK_ETHERNET, &f, &d);
		EQ_STR("TCP", d.info.proto);
		dissection_free(&d);
	}
}

/* ------------------------------------------------------------------- FTP */

static void test_ftp(void)
{
	struct pkt f;
	struct dissection d;
	tcp_text(&f, CPORT, SPORT, "USER anonymous\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("FTP", d.info.proto);
	EQ_FIELD(&d, "File Transfer Protocol (control)", 54, 16, "USER anonymous");
	EQ_FIELD(&d, "User name", 59, 9, "anonymous");
	EQ_STR("Flags [P.], seq 1000:1016, ack 2000, win 512, length 16: FTP: USER anonymous", summary(&d, NULL));
	dissection_free(&d);
	valid("FTP USER", LINK_ETHERNET, &f);

	tcp_text(&f, CPORT, SPORT, "PASS learner@sockscope.test\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_FIELD(&d, "Password", 59, 22, "learner@sockscope.test (sent in plain text)");
	EQ_FIELD(&d, "Warning", 59, 22, "password sent in plain text");
	dissection_free(&d);

	const char *pasv = "227 Entering Passive Mode (127,0,0,1,170,47).\r\n";
	tcp_text(&f, SPORT, CPORT, pasv);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("FTP", d.info.proto);
	EQ_FIELD(&d, "Reply code", 54, 3, "227 (entering passive mode)");
	EQ_FIELD(&d, "Text", 58, 41, "Entering Passive Mode (127,0,0,1,170,47).");
	EQ_FIELD(&d, "Data connection", 81, 16, "127.0.0.1 port 43567");
	EQ_INT(43567, d.info.ftp_data_port);
	EQ_STR("127.0.0.1", d.info.ftp_data_addr);
	EQ_STR("Flags [P.], seq 1000:1047, ack 2000, win 512, length 47: FTP: 227 Entering Passive Mode (127,0,0,1,170,47).",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("FTP 227", LINK_ETHERNET, &f);

	tcp_text(&f, SPORT, CPORT, "229 Entering Extended Passive Mode (|||43567|)\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Data connection", 89, 11, "port 43567");
	EQ_INT(43567, d.info.ftp_data_port);
	EQ_STR("127.0.0.1", d.info.ftp_data_addr);   /* the reply's source */
	dissection_free(&d);
	valid("FTP 229", LINK_ETHERNET, &f);

	tcp_text(&f, CPORT, SPORT, "PORT 127,0,0,1,4,1\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_FIELD(&d, "Data connection", 59, 13, "127.0.0.1 port 1025");
	EQ_INT(1025, d.info.ftp_data_port);
	dissection_free(&d);
	tcp_text(&f, CPORT, SPORT, "EPRT |2|::1|5282|\r\n");
	dis(LINK_ETHERNET, &f, &d);
	EQ_FIELD(&d, "Data connection", 59, 12, "::1 port 5282");
	EQ_STR("::1", d.info.ftp_data_addr);
	dissection_free(&d);

	/* A multi-line reply with text lines between (RFC 959 4.2), on port 21. */
	tcp_text(&f, 21, CPORT, "211-Features:\r\n EPSV\r\n SIZE\r\n211 End\r\n");
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_NTH(&d, "Reply text", 0, 69, 7, " EPSV");
	EQ_NTH(&d, "Reply text", 1, 76, 7, " SIZE");
	EQ_NTH(&d, "Reply", 1, 83, 9, "211 End");
	EQ_STR("FTP", d.info.proto);
	dissection_free(&d);

	/* Impossible addresses. */
	tcp_text(&f, SPORT, CPORT, "227 Entering Passive Mode (127,0,0,1,300,47)\r\n");
	expect_problem("FTP 227 300", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: FTP 227 reply has a number above 255");
	tcp_text(&f, SPORT, CPORT, "227 Entering Passive Mode\r\n");
	expect_problem("FTP 227 none", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: FTP 227 reply lacks the address h1,h2,h3,h4,p1,p2");
	tcp_text(&f, SPORT, CPORT, "229 Entering Extended Passive Mode (|||70000|)\r\n");
	expect_problem("FTP 229 big", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: FTP 229 reply has a port outside 1..65535");
	tcp_text(&f, SPORT, CPORT, "229 Entering Extended Passive Mode (||43567|)\r\n");
	expect_problem("FTP 229 form", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: FTP 229 reply lacks the port (|||port|)");
	/* Cut by the capture inside the numbers: truncated, not malformed. */
	tcp_text(&f, SPORT, CPORT, pasv);
	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, f.b, 90, f.n, &d));
	EQ_INT(0, d.info.ftp_data_port);
	dissection_free(&d);

	/* The data connection EPSV announced is recognised by its port, later,
	 * through the flow table (the one packet alone could not tell). */
	struct flowtab *t = flowtab_new();
	tcp_text(&f, SPORT, CPORT, "229 Entering Extended Passive Mode (|||43567|)\r\n");
	dis(LINK_ETHERNET, &f, &d);
	summary(&d, t);
	dissection_free(&d);
	tcp_text(&f, 43567, CPORT + 1, "Hello over FTP's data connection\r\n");
	dis(LINK_ETHERNET, &f, &d);
	CHECK(strstr(summary(&d, t), ": FTP data, 34 bytes") != NULL);
	dissection_free(&d);
	tcp_text(&f, 43568, CPORT + 1, "Hello over FTP's data connection\r\n");
	dis(LINK_ETHERNET, &f, &d);
	CHECK(strstr(summary(&d, t), "FTP data") == NULL);   /* another port: not announced */
	dissection_free(&d);
	flowtab_free(t);
}

/* ------------------------------------------------------------------- DNS */

static void name(struct pkt *p, const char *dotted)
{
	while (*dotted) {
		size_t n = strcspn(dotted, ".");
		p8(p, (unsigned)n);
		pmem(p, dotted, n);
		dotted += n + (dotted[n] == '.');
	}
	p8(p, 0);
}

static void dns_header(struct pkt *p, unsigned id, unsigned flags, unsigned qd, unsigned an,
                       unsigned ns, unsigned ar)
{
	p->n = 0;
	p16(p, id);
	p16(p, flags);
	p16(p, qd);
	p16(p, an);
	p16(p, ns);
	p16(p, ar);
}

static void rr_head(struct pkt *p, unsigned type, uint32_t ttl, unsigned rdlen)
{
	p16(p, type);
	p16(p, 1);
	p32(p, ttl);
	p16(p, rdlen);
}

static void test_dns(void)
{
	struct pkt m, f;
	struct dissection d;

	/* The query: lab.sockscope.test A. */
	dns_header(&m, 0x5c00, 0x0100, 1, 0, 0, 0);
	name(&m, "lab.sockscope.test");
	p16(&m, 1);
	p16(&m, 1);
	udp_bytes(&f, CPORT, SPORT, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_STR("DNS", d.info.proto);
	EQ_FIELD(&d, "Domain Name System", 42, 36, "query 0x5c00 A lab.sockscope.test");
	EQ_FIELD(&d, "Transaction ID", 42, 2, "0x5c00");
	EQ_DNS(&d, "Flags", 44, 2, "0x0100 (query)");
	EQ_FIELD(&d, "Response", 44, 1, "0 (query)");
	EQ_FIELD(&d, "Opcode", 44, 1, "0 (QUERY: standard query)");
	EQ_STR("set", val(&d, "Recursion desired"));
	EQ_FIELD(&d, "Reply code", 45, 1, "0 (NOERROR: no error)");
	EQ_FIELD(&d, "Questions", 46, 2, "1");
	EQ_FIELD(&d, "Additional RRs", 52, 2, "0");
	EQ_FIELD(&d, "Queries", 54, 24, "1");
	EQ_FIELD(&d, "Question", 54, 24, "lab.sockscope.test: type A, class IN");
	EQ_FIELD(&d, "Name", 54, 20, "lab.sockscope.test");
	EQ_INT(3, fld(&d, "Name")->depth);
	EQ_NTH(&d, "Label", 0, 54, 4, "3 \"lab\"");
	EQ_NTH(&d, "Label", 1, 58, 10, "9 \"sockscope\"");
	EQ_NTH(&d, "Label", 2, 68, 5, "4 \"test\"");
	EQ_INT(4, nth(&d, "Label", 2)->depth);
	EQ_FIELD(&d, "Root label", 73, 1, "0");
	EQ_DNS(&d, "Type", 74, 2, "1 (A)");
	EQ_FIELD(&d, "Class", 76, 2, "1 (IN)");
	EQ_INT(find(&d, 0, "Label") + 1, dissect_field_at(&d, 60));
	EQ_STR("DNS query 0x5c00 A lab.sockscope.test", summary(&d, NULL));
	dissection_free(&d);
	valid("DNS query", LINK_ETHERNET, &f);

	/* Its answer, the name compressed to a pointer at the question (0xc00c). */
	dns_header(&m, 0x5c00, 0x8580, 1, 1, 0, 0);
	name(&m, "lab.sockscope.test");
	p16(&m, 1);
	p16(&m, 1);
	p16(&m, 0xc00c);
	rr_head(&m, 1, 60, 4);
	pmem(&m, LO4, 4);
	udp_bytes(&f, SPORT, CPORT, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_DNS(&d, "Flags", 44, 2, "0x8580 (response, NOERROR)");
	EQ_STR("set", val(&d, "Authoritative"));
	EQ_STR("set", val(&d, "Recursion available"));
	EQ_FIELD(&d, "Answers", 78, 16, "1");
	EQ_FIELD(&d, "Answer", 78, 16, "lab.sockscope.test: type A, class IN, 127.0.0.1");
	EQ_NTH(&d, "Name", 1, 78, 2, "lab.sockscope.test");
	EQ_FIELD(&d, "Pointer", 78, 2, "0xc00c: the rest is at offset 12 (lab.sockscope.test)");
	EQ_DNS(&d, "Time to live", 84, 4, "60");
	EQ_FIELD(&d, "Data length", 88, 2, "4");
	EQ_FIELD(&d, "Address", 90, 4, "127.0.0.1");
	EQ_STR("DNS response 0x5c00 A lab.sockscope.test: A 127.0.0.1", summary(&d, NULL));
	dissection_free(&d);
	valid("DNS answer", LINK_ETHERNET, &f);
	struct pkt answer = m;

	/* A CNAME chain: www -> lab (a label then a pointer), then its address. */
	dns_header(&m, 0x0001, 0x8400, 1, 2, 0, 0);
	name(&m, "www.lab.sockscope.test");   /* 12: www, 16: lab, 20: sockscope */
	p16(&m, 1);
	p16(&m, 1);
	p16(&m, 0xc00c);
	rr_head(&m, 5, 300, 2);
	p16(&m, 0xc010);
	p16(&m, 0xc010);
	rr_head(&m, 1, 300, 4);
	pmem(&m, LO4, 4);
	udp_bytes(&f, 53, CPORT, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_NTH(&d, "Answer", 0, 82, 14, "www.lab.sockscope.test: type CNAME, class IN, lab.sockscope.test");
	EQ_FIELD(&d, "Canonical name", 94, 2, "lab.sockscope.test");
	EQ_NTH(&d, "Pointer", 1, 94, 2, "0xc010: the rest is at offset 16 (lab.sockscope.test)");
	EQ_STR("DNS response 0x0001 A www.lab.sockscope.test: CNAME lab.sockscope.test, A 127.0.0.1",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("DNS CNAME", LINK_ETHERNET, &f);

	/* NXDOMAIN with the zone's SOA, two names in its data, MX and TXT after. */
	dns_header(&m, 0xbeef, 0x8583, 1, 0, 1, 0);
	name(&m, "nx.sockscope.test");        /* 12: nx, 15: sockscope */
	p16(&m, 1);
	p16(&m, 1);
	p16(&m, 0xc00f);
	rr_head(&m, 6, 60, 3 + 2 + 11 + 2 + 20);
	p8(&m, 2);
	pmem(&m, "ns", 2);
	p16(&m, 0xc00f);
	p8(&m, 10);
	pmem(&m, "hostmaster", 10);
	p16(&m, 0xc00f);
	for (uint32_t v = 1; v <= 5; v++)
		p32(&m, v * 100);
	udp_bytes(&f, 53, CPORT, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Reply code", 45, 1, "3 (NXDOMAIN: the name does not exist)");
	EQ_FIELD(&d, "Authority record", 77, 50,
	         "sockscope.test: type SOA, class IN, ns.sockscope.test hostmaster.sockscope.test 100");
	EQ_FIELD(&d, "Primary name server", 89, 5, "ns.sockscope.test");
	EQ_FIELD(&d, "Responsible mailbox", 94, 13, "hostmaster.sockscope.test");
	EQ_FIELD(&d, "Minimum TTL", 123, 4, "500");
	EQ_STR("DNS response 0xbeef A nx.sockscope.test: NXDOMAIN", summary(&d, NULL));
	dissection_free(&d);
	valid("DNS NXDOMAIN", LINK_ETHERNET, &f);

	dns_header(&m, 7, 0x8000, 1, 2, 0, 0);
	name(&m, "sockscope.test");
	p16(&m, 15);
	p16(&m, 1);
	p16(&m, 0xc00c);
	rr_head(&m, 15, 60, 4);
	p16(&m, 10);
	p16(&m, 0xc00c);
	p16(&m, 0xc00c);
	rr_head(&m, 16, 60, 9);
	p8(&m, 3);
	pmem(&m, "a=b", 3);
	p8(&m, 4);
	pmem(&m, "c.d!", 4);
	udp_bytes(&f, 53, CPORT, &m);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Preference", 86, 2, "10");
	EQ_FIELD(&d, "Mail exchange", 88, 2, "sockscope.test");
	EQ_NTH(&d, "Text", 0, 102, 4, "\"a=b\"");
	EQ_NTH(&d, "Text", 1, 106, 5, "\"c.d!\"");
	EQ_STR("DNS response 0x0007 MX sockscope.test: MX 10 sockscope.test, TXT \"a=b\"", summary(&d, NULL));
	dissection_free(&d);
	valid("DNS MX TXT", LINK_ETHERNET, &f);

	/* Over TCP, with the length prefix. */
	struct pkt t;
	t.n = 0;
	p16(&t, answer.n);
	pmem(&t, answer.b, answer.n);
	tcp_bytes(&f, SPORT, CPORT, &t);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Domain Name System", 54, 54, "response 0x5c00 A lab.sockscope.test: A 127.0.0.1");
	EQ_FIELD(&d, "Length", 54, 2, "52");
	EQ_FIELD(&d, "Transaction ID", 56, 2, "0x5c00");
	EQ_STR("Flags [P.], seq 1000:1054, ack 2000, win 512, length 54: DNS: response 0x5c00 A lab.sockscope.test: A 127.0.0.1",
	       summary(&d, NULL));
	dissection_free(&d);
	valid("DNS over TCP", LINK_ETHERNET, &f);
	/* ... the message going on in the next segment, on port 53. */
	t.n = 30;
	tcp_bytes(&f, 53, CPORT, &t);
	EQ_INT(DIS_OK, dis(LINK_ETHERNET, &f, &d));
	EQ_FIELD(&d, "Continues", 82, 0, "in the next segment");   /* the name of the question */
	dissection_free(&d);

	/* What must not spin: each bad pointer is malformed, promptly.  The
	 * question "a.bc.test" takes offsets 12..26; the answer's name starts
	 * at 27.  The last case is a backward pointer that would still loop
	 * (a label, then a pointer back to that label). */
	static const struct {
		const char *what;
		bool label;
		uint16_t ptr;
		const char *problem;
	} loops[] = {
		{ "pointer to itself", false, 0xc000 | 27,
		  "malformed: DNS compression pointer at offset 27 points to itself (to offset 27)" },
		{ "forward pointer", false, 0xc000 | 40,
		  "malformed: DNS compression pointer at offset 27 points forward (to offset 40)" },
		{ "pointer into the header", false, 0xc000 | 2,
		  "malformed: DNS compression pointer at offset 27 points into the header (to offset 2)" },
		{ "pointer loop", true, 0xc000 | 27,
		  "malformed: DNS compression pointer at offset 29 points into the labels it continues (to offset 27)" },
	};
	for (size_t k = 0; k < DIS_COUNT_T(loops); k++) {
		dns_header(&m, 1, 0x8000, 1, 1, 0, 0);
		name(&m, "a.bc.test");
		p16(&m, 1);
		p16(&m, 1);
		if (loops[k].label) {
			p8(&m, 1);
			p8(&m, 'z');
		}
		p16(&m, loops[k].ptr);
		rr_head(&m, 1, 1, 4);
		pmem(&m, LO4, 4);
		udp_bytes(&f, 53, CPORT, &m);
		expect_problem(loops[k].what, LINK_ETHERNET, &f, DIS_MALFORMED, loops[k].problem);
	}

	/* A name over 255 bytes, a reserved label type, counts past the end. */
	dns_header(&m, 1, 0x8000, 1, 0, 0, 0);
	for (int k = 0; k < 5; k++) {
		p8(&m, 60);
		for (int j = 0; j < 60; j++)
			p8(&m, 'a');
	}
	p8(&m, 0);
	p32(&m, 0x00010001);
	udp_bytes(&f, 53, CPORT, &m);
	expect_problem("DNS long name", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: DNS name at offset 12 is longer than 255 bytes");
	dns_header(&m, 1, 0x8000, 1, 0, 0, 0);
	p8(&m, 0x41);
	p8(&m, 0);
	p32(&m, 0x00010001);
	udp_bytes(&f, 53, CPORT, &m);
	expect_problem("DNS label type", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: DNS label type 0x40 at offset 12 is reserved");
	m = answer;
	pset16(&m, 6, 2);   /* two answers, one there */
	udp_bytes(&f, 53, CPORT, &m);
	expect_problem("DNS count", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: DNS name runs past the end of the message");
	m = answer;
	pset16(&m, 46, 5);  /* A record data length 5 */
	p8(&m, 0);
	udp_bytes(&f, 53, CPORT, &m);
	expect_problem("DNS A length", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: DNS A record data length 5, expected 4");
	m = answer;
	pset16(&m, 46, 9);  /* data length past the end */
	udp_bytes(&f, 53, CPORT, &m);
	expect_problem("DNS rdata past end", LINK_ETHERNET, &f, DIS_MALFORMED,
	               "malformed: DNS record data runs past the end of the message");

	/* The same message cut by the capture: truncated, not malformed. */
	udp_bytes(&f, 53, CPORT, &answer);
	EQ_INT(DIS_TRUNCATED, dissect_frame(LINK_ETHERNET, f.b, 80, f.n, &d));
	EQ_STR("truncated: DNS resource record needs 10 bytes, 0 captured", d.problem);
	EQ_STR("DNS response 0x5c00 A lab.sockscope.test [truncated]", summary(&d, NULL));
	dissection_free(&d);

	/* Not DNS by content: too short, two questions, a bad opcode. */
	dns_header(&m, 1, 0x0100, 2, 0, 0, 0);
	name(&m, "a");
	p32(&m, 0x00010001);
	udp_bytes(&f, CPORT, SPORT, &m);
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("UDP", d.info.proto);
	EQ_STR("UDP, length 19", summary(&d, NULL));
	dissection_free(&d);
	pset16(&m, 4, 1);
	pset16(&m, 2, 0x7800);   /* opcode 15 */
	udp_bytes(&f, CPORT, SPORT, &m);
	dis(LINK_ETHERNET, &f, &d);
	EQ_STR("UDP", d.info.proto);
	dissection_free(&d);
}

/* Random bytes after plausible starts, on every port: in bounds, no hang. */
static void test_fuzz(void)
{
	static const char *const starts[] = { "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\nContent-Length: ",
	                                      "250-", "227 (", "229 (|||", "EHLO ", "PORT 1,2,", "" };
	static const unsigned ports[] = { 80, 25, 21, 53, SPORT };
	for (int round = 0; round < 3000; round++) {
		struct pkt p, f;
		p.n = 0;
		const char *s = starts[round % DIS_COUNT_T(starts)];
		pmem(&p, s, strlen(s));
		uint32_t extra = xorshift() % 80;
		for (uint32_t k = 0; k < extra; k++) {
			uint32_t r = xorshift();
			p8(&p, r % 4 == 0 ? (unsigned char)"\r\n:.,|0123456789 "[r / 4 % 17] : r % 4 == 1 ? 0xc0 | (r >> 8) % 64 : r >> 8);
		}
		unsigned port = ports[round / 8 % DIS_COUNT_T(ports)];
		if (round % 2)
			tcp_bytes(&f, CPORT, port, &p);
		else
			udp_bytes(&f, CPORT, port, &p);
		struct dissection d;
		dissect_frame(LINK_ETHERNET, f.b, f.n, f.n, &d);
		char buf[512];
		dissect_summary(&d, NULL, buf, sizeof buf);
		checks++;
		if (!tree_ok(&d, f.n)) {
			failures++;
			fprintf(stderr, "%s:%d: fuzz round %d: bad tree\n", __FILE__, __LINE__, round);
		}
		dissection_free(&d);
	}
}

int main(void)
{
	test_http();
	test_smtp();
	test_ftp();
	test_dns();
	test_fuzz();
	return check_done("test_dissect_app");
}
