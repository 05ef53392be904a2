/*
 * proto_ftp.c — FTP's control connection (RFC 959): commands and numbered
 * replies, one field per line, with the data connection's address decoded
 * from PASV's 227 reply and PORT (RFC 959 4.1.2), EPSV's 229 reply and EPRT
 * (RFC 2428); FEAT/OPTS after RFC 2389, SIZE/MDTM/MLSD/MLST after RFC 3659.
 *
 * The line syntax FTP shares with SMTP is decoded in app.c from the tables
 * here.  The data connection's port is left in info->ftp_data_port (and
 * its address in info->ftp_data_addr) so a caller can recognise the second
 * connection.  A 227/229 reply or PORT/EPRT command whose address cannot be
 * read, or whose numbers are out of range, is malformed.
 */
#include "dissect/dissect_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct dis_verb ftp_verbs[] = {
	{ "USER", VERB_ONLY, "User name", "Names the user to log in as; \"anonymous\" for public servers" },
	{ "PASS", VERB_ONLY | VERB_SECRET, "Password", "The password, sent as plain text" },
	{ "ACCT", VERB_ONLY, "Account", "Account information, when the server asks for it" },
	{ "CWD", VERB_ONLY, "Path name", "Changes the working directory" },
	{ "CDUP", VERB_ONLY, NULL, "Changes to the parent directory" },
	{ "SMNT", VERB_ONLY, "Path name", "Mounts a different file system structure" },
	{ "REIN", VERB_ONLY, NULL, "Reinitialises the session: logged out, connection kept" },
	{ "PORT", VERB_ONLY, "Host and port", "Active mode: the client listens at h1,h2,h3,h4,p1,p2 "
	                                      "and the server connects there" },
	{ "PASV", VERB_ONLY, NULL, "Passive mode: the server listens on a new port and says which "
	                           "in its 227 reply" },
	{ "EPRT", VERB_ONLY, "Address", "Active mode for IPv4 and IPv6: |protocol|address|port| "
	                                "(RFC 2428)" },
	{ "EPSV", VERB_ONLY, "Protocol", "Passive mode for IPv4 and IPv6: the 229 reply gives only "
	                                 "the port (RFC 2428)" },
	{ "TYPE", VERB_ONLY, "Type", "A (ASCII text, CRLF line ends) or I (image: bytes as they are)" },
	{ "STRU", VERB_ONLY, "Structure", "File structure; F (file) is the only one in use" },
	{ "MODE", VERB_ONLY, "Mode", "Transfer mode; S (stream) is the only one in use" },
	{ "RETR", VERB_ONLY, "Path name", "Retrieves a file over the data connection" },
	{ "STOR", VERB_ONLY, "Path name", "Stores a file sent over the data connection" },
	{ "STOU", VERB_ONLY, NULL, "Stores a file under a name the server chooses" },
	{ "APPE", VERB_ONLY, "Path name", "Appends to a file" },
	{ "ALLO", VERB_ONLY, "Size", "Reserves storage" },
	{ "REST", VERB_ONLY, "Marker", "Restarts the next transfer at this point" },
	{ "RNFR", VERB_ONLY, "Path name", "Rename from: the file to rename" },
	{ "RNTO", VERB_ONLY, "Path name", "Rename to: its new name" },
	{ "ABOR", VERB_ONLY, NULL, "Aborts the transfer in progress" },
	{ "DELE", VERB_ONLY, "Path name", "Deletes a file" },
	{ "RMD", VERB_ONLY, "Path name", "Removes a directory" },
	{ "MKD", VERB_ONLY, "Path name", "Makes a directory" },
	{ "PWD", VERB_ONLY, NULL, "Prints the working directory" },
	{ "LIST", VERB_ONLY, "Path name", "A directory listing, for people, over the data connection" },
	{ "NLST", VERB_ONLY, "Path name", "File names only, over the data connection" },
	{ "SITE", VERB_ONLY, "Command", "A server-specific command" },
	{ "SYST", VERB_ONLY, NULL, "Asks for the server's operating system type" },
	{ "STAT", VERB_ONLY, "Path name", "Status of the session, or of a file" },
	{ "FEAT", VERB_ONLY, NULL, "Lists the extensions the server has (RFC 2389)" },
	{ "OPTS", VERB_ONLY, "Options", "Sets options of a command (RFC 2389)" },
	{ "SIZE", VERB_ONLY, "Path name", "The size of a file as it would be transferred (RFC 3659)" },
	{ "MDTM", VERB_ONLY, "Path name", "A file's modification time (RFC 3659)" },
	{ "MLSD", VERB_ONLY, "Path name", "A machine-readable listing (RFC 3659)" },
	{ "MLST", VERB_ONLY, "Path name", "Machine-readable facts about one file (RFC 3659)" },
	{ "PBSZ", VERB_ONLY, "Size", "Protection buffer size, for TLS (RFC 2228)" },
	{ "PROT", VERB_ONLY, "Level", "Data channel protection, for TLS (RFC 2228)" },
	{ "AUTH", 0, "Mechanism", "Starts TLS or other security (RFC 2228; SMTP uses AUTH to log in)" },
	{ "HELP", 0, "Topic", "Asks for help text" },
	{ "NOOP", 0, NULL, "Does nothing; the server answers 200" },
	{ "QUIT", 0, NULL, "Logs out; the server answers 221 and closes" },
};

/* RFC 959 4.2.2; 229 and 522 from RFC 2428, 232/234 from RFC 2228. */
static const struct dis_name ftp_codes[] = {
	{ 110, "restart marker reply" },
	{ 120, "service ready in a few minutes" },
	{ 125, "data connection already open; transfer starting" },
	{ 150, "file status okay; about to open data connection" },
	{ 200, "command okay" },
	{ 202, "command superfluous at this site" },
	{ 211, "system status, or system help reply" },
	{ 212, "directory status" },
	{ 213, "file status" },
	{ 214, "help message" },
	{ 215, "system type" },
	{ 220, "service ready for new user" },
	{ 221, "service closing control connection" },
	{ 225, "data connection open; no transfer in progress" },
	{ 226, "closing data connection; transfer complete" },
	{ 227, "entering passive mode" },
	{ 228, "entering long passive mode" },
	{ 229, "entering extended passive mode" },
	{ 230, "user logged in" },
	{ 232, "user logged in, authorized by security data exchange" },
	{ 234, "security data exchange complete" },
	{ 250, "requested file action okay, completed" },
	{ 257, "path name created" },
	{ 331, "user name okay, need password" },
	{ 332, "need account for login" },
	{ 350, "requested file action pending further information" },
	{ 421, "service not available, closing control connection" },
	{ 425, "cannot open data connection" },
	{ 426, "connection closed; transfer aborted" },
	{ 450, "requested file action not taken: file unavailable" },
	{ 451, "requested action aborted: local error in processing" },
	{ 452, "requested action not taken: insufficient storage space" },
	{ 500, "syntax error, command unrecognized" },
	{ 501, "syntax error in parameters or arguments" },
	{ 502, "command not supported" },
	{ 503, "bad sequence of commands" },
	{ 504, "command not supported for that parameter" },
	{ 522, "network protocol not supported" },
	{ 530, "not logged in" },
	{ 532, "need account for storing files" },
	{ 550, "requested action not taken: file unavailable" },
	{ 551, "requested action aborted: page type unknown" },
	{ 552, "requested file action aborted: exceeded storage allocation" },
	{ 553, "requested action not taken: file name not allowed" },
};

/* Codes SMTP does not use. */
static const unsigned ftp_only[] = { 110, 120, 125, 150, 200, 202, 212, 213, 215, 225, 226, 227, 228,
	                             229, 230, 232, 234, 257, 331, 332, 350, 425, 426, 522, 532 };

/* Words in a reply's text FTP servers use by custom (RFC 959's examples). */
static const char *const ftp_hints[] = { "FTP", "passive", "data connection", "directory", "login",
	                                 "transfer", "^Goodbye" };

/* Read up to 5 digits at t[*k]; -1 when there is no digit. */
static long number(const char *t, size_t *k)
{
	long v = 0;
	size_t n = 0;
	while (isdigit((unsigned char)t[*k]) && n < 6) {
		v = v * 10 + (t[*k] - '0');
		(*k)++;
		n++;
	}
	return n ? v : -1;
}

/* "h1,h2,h3,h4,p1,p2" starting at the first digit of t (RFC 1123 4.1.2.6:
 * scan for it, the parentheses are not required).  1 and the span
 * [*start, *end) when all six are there and each is 0..255, -1 when one
 * is out of range, 0 when they are not there. */
static int six_numbers(const char *t, unsigned v[6], size_t *start, size_t *end)
{
	size_t k = 0;
	while (t[k] && !isdigit((unsigned char)t[k]))
		k++;
	*start = k;
	bool range = true;
	for (int n = 0; n < 6; n++) {
		long x = number(t, &k);
		if (x < 0)
			return 0;
		if (x > 255)
			range = false;
		v[n] = (unsigned)x;
		if (n < 5 && t[k++] != ',')
			return 0;
	}
	*end = k;
	return range ? 1 : -1;
}

static void data_conn(struct dctx *c, const char *addr, unsigned port)
{
	c->info->ftp_data_port = (uint16_t)port;
	snprintf(c->info->ftp_data_addr, sizeof c->info->ftp_data_addr, "%s", addr);
}

/* PASV's 227 reply or PORT's argument. */
static void host_port(struct dctx *c, uint32_t off, uint32_t len, const char *what, const char *help)
{
	char t[FIELD_VALUE_MAX];
	dis_text(&c->r, off, len, t, sizeof t);
	unsigned v[6];
	size_t a, b;
	int ok = six_numbers(t, v, &a, &b);
	if (ok <= 0) {
		dis_malformed(c, "FTP %s %s", what,
		              ok < 0 ? "has a number above 255" : "lacks the address h1,h2,h3,h4,p1,p2");
		return;
	}
	char addr[16];
	snprintf(addr, sizeof addr, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
	unsigned port = v[4] * 256 + v[5];
	dis_field(c, 2, off + (uint32_t)a, (uint32_t)(b - a), "Data connection", help, "%s port %u", addr, port);
	data_conn(c, addr, port);
}

static void ftp_reply(struct dctx *c, unsigned code, uint32_t off, uint32_t len)
{
	if (code == 227) {
		host_port(c, off, len, "227 reply",
		          "Where the client is to connect for the data: h1.h2.h3.h4, port p1 * 256 + p2");
		return;
	}
	if (code != 229)
		return;
	/* "(<d><d><d><port><d>)": the delimiter is any printable character,
	 * address and protocol are left empty (RFC 2428 section 3). */
	char t[FIELD_VALUE_MAX];
	dis_text(&c->r, off, len, t, sizeof t);
	const char *p = strchr(t, '(');
	size_t k = p ? (size_t)(p - t) + 1 : 0;
	size_t st = k ? k - 1 : 0;   /* the field covers "(|||port|)" */
	char d = p ? t[k] : 0;
	long port = -1;
	if (d > 32 && d < 127 && !isdigit((unsigned char)d) && t[k + 1] == d && t[k + 2] == d) {
		k += 3;
		port = number(t, &k);
		if (t[k] != d || t[k + 1] != ')')
			port = -1;
	}
	if (port <= 0 || port > 65535) {
		dis_malformed(c, "FTP 229 reply %s", port < 0 ? "lacks the port (|||port|)" : "has a port outside 1..65535");
		return;
	}
	dis_field(c, 2, off + (uint32_t)st, (uint32_t)(k + 2 - st), "Data connection",
	          "The port the client is to connect to for the data, on the address it already "
	          "talks to", "port %ld", port);
	data_conn(c, c->info->src, (unsigned)port);
}

static void ftp_command(struct dctx *c, const char *verb, uint32_t off, uint32_t len)
{
	if (strcmp(verb, "PORT") == 0) {
		host_port(c, off, len, "PORT command",
		          "Where the server is to connect for the data: h1.h2.h3.h4, port p1 * 256 + p2");
		return;
	}
	if (strcmp(verb, "EPRT") != 0)
		return;
	/* "<d><proto><d><address><d><port><d>", proto 1 (IPv4) or 2 (IPv6). */
	char t[FIELD_VALUE_MAX];
	dis_text(&c->r, off, len, t, sizeof t);
	char d = t[0], addr[48] = "";
	size_t k = 1, a = 0;
	long proto = d > 32 && d < 127 ? number(t, &k) : -1, port = -1;
	if ((proto == 1 || proto == 2) && t[k] == d) {
		for (k++; t[k] && t[k] != d && a + 1 < sizeof addr; k++)
			addr[a++] = isxdigit((unsigned char)t[k]) || t[k] == '.' || t[k] == ':' ? t[k] : '?';
		addr[a] = '\0';
		if (t[k] == d && a > 0 && !strchr(addr, '?')) {
			k++;
			port = number(t, &k);
			if (t[k] != d)
				port = -1;
		}
	}
	if (port <= 0 || port > 65535) {
		dis_malformed(c, "FTP EPRT argument is not |1 or 2|address|port 1..65535|");
		return;
	}
	dis_field(c, 2, off, (uint32_t)(k + 1), "Data connection",
	          "Where the server is to connect for the data (RFC 2428)", "%s port %ld", addr, port);
	data_conn(c, addr, (unsigned)port);
}

const struct dis_lineproto dis_ftp_proto = {
	.app = "FTP",
	.layer = "File Transfer Protocol (control)",
	.verbs = ftp_verbs,
	.nverbs = DIS_COUNT(ftp_verbs),
	.codes = ftp_codes,
	.ncodes = DIS_COUNT(ftp_codes),
	.only = ftp_only,
	.nonly = DIS_COUNT(ftp_only),
	.hints = ftp_hints,
	.nhints = DIS_COUNT(ftp_hints),
	.reply = ftp_reply,
	.command = ftp_command,
};
