/*
 * labsrv_ftp.c — a read-only FTP server after RFC 959, with EPSV from
 * RFC 2428 and SIZE/FEAT from RFC 3659 and RFC 2389, over a two-file
 * virtual directory ("/": hello.txt and README, the `files` table).
 *
 * Logins: "anonymous" or "ftp" with any password, or "lab"/"lab"; any
 * other pair gets 530.  Data connections are passive only: the data
 * listener is bound when the server starts (loopback, port 0) so its port
 * is known in advance (labsrv_ports' second port), and every PASV/EPSV
 * hands out that same port.  Active mode (PORT/EPRT) is refused with 502:
 * the lab's server never connects out.  Over IPv6 only EPSV works; PASV,
 * which can only carry an IPv4 address, gets 522.  One passive transfer at
 * a time: a session's PASV takes the data port over from any other.
 *
 * Rejected: commands before login 530; unknown commands 500; known but
 * not offered ones (STOR, DELE, PORT, ...) 502; bad arguments 501/504;
 * missing files 550; RETR/LIST without PASV/EPSV 425; lines over 512
 * octets and binary junk 500; too many commands or a silent client 421.
 */
#include "servers/labsrv_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINE_MAX_FTP 512

static const struct vfile {
	const char *name;
	const char *content;
} files[] = {
	{ "hello.txt", "Hello over FTP's data connection\n" },
	{ "README", "This is the sockscope lab's FTP server.\n"
	            "It is read-only and holds two files: hello.txt and README.\n" },
};

struct ftp {
	struct labsrv_conn *c;
	int user;                /* 0 none, 1 anonymous, 2 lab, 3 someone else */
	bool logged_in;
	bool ascii;              /* TYPE A (the RFC 959 default) or I */
	bool armed;              /* PASV/EPSV done, the next transfer may connect */
	bool epsv_all;
	/* a transfer between its 150 and the client's data connection */
	char data[1024];
	size_t data_len;
};

struct ftp_cmd {
	const char *name;
	bool needs_login;
	int (*run)(struct ftp *f, const char *arg);   /* 0, or an LS_ error to close */
	const char *fixed;   /* instead of run: the one reply, whatever the argument */
};

/* "hello.txt", "/hello.txt", "./README": the file, or NULL.  *dir is set
 * for the directory itself ("", "/", "."). */
static const struct vfile *resolve(const char *arg, bool *dir)
{
	while (*arg == '/')
		arg++;
	if (strncmp(arg, "./", 2) == 0)
		arg += 2;
	*dir = !*arg || strcmp(arg, ".") == 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (strcmp(files[i].name, arg) == 0)
			return &files[i];
	return NULL;
}

/* Bytes as sent in the current type: in ASCII, every LF becomes CRLF
 * (RFC 959 3.1.1.1).  Returns the length; out may be NULL to measure. */
static size_t as_sent(const struct ftp *f, const char *text, char *out)
{
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && f->ascii) {
			if (out)
				out[n] = '\r';
			n++;
		}
		if (out)
			out[n] = *p;
		n++;
	}
	return n;
}

/* ------------------------------------------------------------ data connection */

/* "150", then wait (in the event loop, c->waits_extra) for the client's
 * data connection; ftp_extra sends the bytes and "226". */
static int transfer(struct ftp *f, const char *what, const char *data, size_t n)
{
	if (!f->armed)
		return labsrv_reply(f->c, "425 Use PASV or EPSV first");
	f->armed = false;
	if (n > sizeof f->data)
		return labsrv_reply(f->c, "451 Local error");
	memcpy(f->data, data, n);
	f->data_len = n;
	f->c->waits_extra = true;
	return labsrv_reply(f->c, "150 Opening %s mode data connection for %s (%zu bytes)",
	                    f->ascii ? "ASCII" : "BINARY", what, n);
}

/* The data listener is readable while this connection waits for its data
 * connection.  The port is shared: a session that armed it later has it. */
static void ftp_extra(struct labsrv_conn *c)
{
	struct ftp *f = c->state;
	struct labsrv *s = c->s;
	if (atomic_load(&s->xowner) != c->id) {
		c->waits_extra = false;
		labsrv_reply(f->c, "425 Can't open data connection");
		return;
	}
	int fd = accept4(s->xfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;   /* gone again (ECONNABORTED): keep waiting, the deadline still holds */
	c->waits_extra = false;
	/* At most sizeof f->data bytes to a fresh socket: the kernel's send
	 * buffer takes them whole, so a short write means a broken peer. */
	ssize_t w = send(fd, f->data, f->data_len, MSG_NOSIGNAL | MSG_DONTWAIT);
	shutdown(fd, SHUT_WR);
	close(fd);
	if (w < 0 || (size_t)w != f->data_len) {
		labsrv_reply(f->c, "426 Connection closed; transfer aborted");
		return;
	}
	labsrv_count(s);
	labsrv_reply(f->c, "226 Transfer complete");
}

/* Arm the shared data port for this session.  Connections left queued on
 * it (a client that never transferred) are dropped first, so the next
 * accept is this client's. */
static void arm(struct ftp *f)
{
	struct labsrv *s = f->c->s;
	for (int i = 0; i < 8; i++) {
		int fd = accept4(s->xfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			break;
		close(fd);
	}
	atomic_store(&s->xowner, f->c->id);
	f->armed = true;
}

/* ------------------------------------------------------------ commands */

static int cmd_user(struct ftp *f, const char *arg)
{
	if (!*arg)
		return labsrv_reply(f->c, "501 Syntax: USER name");
	f->logged_in = false;
	f->armed = false;
	if (strcasecmp(arg, "anonymous") == 0 || strcasecmp(arg, "ftp") == 0) {
		f->user = 1;
		return labsrv_reply(f->c, "331 Anonymous login ok, send your e-mail address as password");
	}
	/* the same answer for every other name: which users exist is not told */
	f->user = strcmp(arg, "lab") == 0 ? 2 : 3;
	return labsrv_reply(f->c, "331 Password required for %.64s", arg);
}

static int cmd_pass(struct ftp *f, const char *arg)
{
	if (f->logged_in)
		return labsrv_reply(f->c, "503 Already logged in");
	if (f->user == 0)
		return labsrv_reply(f->c, "503 Login with USER first");
	bool ok = f->user == 1 || (f->user == 2 && strcmp(arg, "lab") == 0);
	f->user = 0;
	if (!ok)
		return labsrv_reply(f->c, "530 Login incorrect");
	f->logged_in = true;
	return labsrv_reply(f->c, "230 Login successful");
}

static int cmd_quit(struct ftp *f, const char *arg)
{
	(void)arg;
	labsrv_close(f->c);
	return labsrv_reply(f->c, "221 Goodbye");
}

static int cmd_cwd(struct ftp *f, const char *arg)
{
	bool dir;
	resolve(arg, &dir);
	if (!dir)
		return labsrv_reply(f->c, "550 %.64s: No such directory", arg);
	return labsrv_reply(f->c, "250 Directory changed to /");
}

static int cmd_type(struct ftp *f, const char *arg)
{
	if (strcasecmp(arg, "A") == 0 || strcasecmp(arg, "A N") == 0) {
		f->ascii = true;
		return labsrv_reply(f->c, "200 Type set to A");
	}
	if (strcasecmp(arg, "I") == 0 || strcasecmp(arg, "L 8") == 0) {
		f->ascii = false;
		return labsrv_reply(f->c, "200 Type set to I");
	}
	return labsrv_reply(f->c, *arg ? "504 Type not supported for that parameter" : "501 Syntax: TYPE A|I");
}

static int cmd_mode(struct ftp *f, const char *arg)
{
	return labsrv_reply(f->c, strcasecmp(arg, "S") == 0 ? "200 Mode set to S" : "504 Only mode S is implemented");
}

static int cmd_stru(struct ftp *f, const char *arg)
{
	return labsrv_reply(f->c, strcasecmp(arg, "F") == 0 ? "200 Structure set to F"
	                                                    : "504 Only structure F is implemented");
}

static int cmd_pasv(struct ftp *f, const char *arg)
{
	(void)arg;
	if (f->c->s->family == 6)
		return labsrv_reply(f->c, "522 PASV carries IPv4 addresses only; use EPSV (RFC 2428)");
	if (f->epsv_all)
		return labsrv_reply(f->c, "503 EPSV ALL in effect, use EPSV");
	arm(f);
	uint16_t p = f->c->s->ports[1];
	return labsrv_reply(f->c, "227 Entering Passive Mode (127,0,0,1,%u,%u).", p >> 8, p & 0xff);
}

static int cmd_epsv(struct ftp *f, const char *arg)
{
	int fam = f->c->s->family == 6 ? 2 : 1;   /* RFC 2428's protocol numbers */
	if (strcasecmp(arg, "ALL") == 0) {
		f->epsv_all = true;
		return labsrv_reply(f->c, "200 EPSV ALL ok");
	}
	if (*arg && !(arg[0] == '0' + fam && !arg[1])) {
		if ((arg[0] == '1' || arg[0] == '2') && !arg[1])
			return labsrv_reply(f->c, "522 Network protocol not supported, use (%d)", fam);
		return labsrv_reply(f->c, "501 Syntax: EPSV [1|2|ALL]");
	}
	arm(f);
	return labsrv_reply(f->c, "229 Entering Extended Passive Mode (|||%u|)", f->c->s->ports[1]);
}

static int cmd_size(struct ftp *f, const char *arg)
{
	bool dir;
	const struct vfile *v = resolve(arg, &dir);
	if (!v)
		return labsrv_reply(f->c, "550 %.64s: No such file", arg);
	return labsrv_reply(f->c, "213 %zu", as_sent(f, v->content, NULL));
}

static int cmd_retr(struct ftp *f, const char *arg)
{
	bool dir;
	const struct vfile *v = resolve(arg, &dir);
	if (!v)
		return labsrv_reply(f->c, "550 %.64s: No such file", arg);
	char buf[512];
	size_t n = as_sent(f, v->content, NULL);
	if (n > sizeof buf)
		return labsrv_reply(f->c, "451 Local error");
	as_sent(f, v->content, buf);
	return transfer(f, v->name, buf, n);
}

/* LIST (ls -l lines) and NLST (names): always CRLF-ended text. */
static int list(struct ftp *f, const char *arg, bool names_only)
{
	while (*arg == '-') {   /* "LIST -la": options some clients send */
		arg += strcspn(arg, " ");
		while (*arg == ' ')
			arg++;
	}
	bool dir;
	const struct vfile *only = resolve(arg, &dir);
	if (!only && !dir)
		return labsrv_reply(f->c, "550 %.64s: No such file or directory", arg);
	char buf[1024];
	size_t n = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (only && only != &files[i])
			continue;
		int w = names_only ? snprintf(buf + n, sizeof buf - n, "%s\r\n", files[i].name)
		                   : snprintf(buf + n, sizeof buf - n, "-r--r--r--    1 lab      lab      %8zu Jan  1  2024 %s\r\n",
		                              strlen(files[i].content), files[i].name);
		if (w < 0 || (size_t)w >= sizeof buf - n)
			break;
		n += (size_t)w;
	}
	return transfer(f, "the directory listing", buf, n);
}

static int cmd_list(struct ftp *f, const char *arg)
{
	return list(f, arg, false);
}

static int cmd_nlst(struct ftp *f, const char *arg)
{
	return list(f, arg, true);
}

#define PWD_REPLY "257 \"/\" is the current directory"
static const struct ftp_cmd commands[] = {
	{ "USER", false, cmd_user, NULL }, { "PASS", false, cmd_pass, NULL }, { "QUIT", false, cmd_quit, NULL },
	{ "SYST", false, NULL, "215 UNIX Type: L8" }, { "NOOP", false, NULL, "200 NOOP ok" },
	{ "FEAT", false, NULL, "211-Features:\r\n EPSV\r\n SIZE\r\n211 End" },
	{ "PWD", true, NULL, PWD_REPLY }, { "XPWD", true, NULL, PWD_REPLY }, { "CWD", true, cmd_cwd, NULL },
	{ "CDUP", true, NULL, "250 Directory changed to /" }, { "TYPE", true, cmd_type, NULL },
	{ "MODE", true, cmd_mode, NULL }, { "STRU", true, cmd_stru, NULL }, { "PASV", true, cmd_pasv, NULL },
	{ "EPSV", true, cmd_epsv, NULL }, { "SIZE", true, cmd_size, NULL }, { "RETR", true, cmd_retr, NULL },
	{ "LIST", true, cmd_list, NULL }, { "NLST", true, cmd_nlst, NULL },
};

/* Known to FTP, not offered by a read-only passive-only server. */
static const char *const not_offered[] = {
	"PORT", "EPRT", "STOR", "STOU", "APPE", "DELE", "RMD", "MKD", "RNFR", "RNTO", "REST", "ABOR",
	"ACCT", "SMNT", "REIN", "SITE", "ALLO", "MDTM", "MLSD", "MLST", "OPTS", "STAT", "HELP", "AUTH",
};

static int ftp_run(void *ctx, const void *entry, const char *arg)
{
	struct ftp *f = ctx;
	const struct ftp_cmd *cmd = entry;
	if (*arg == ' ')
		arg++;
	if (cmd->needs_login && !f->logged_in)
		return labsrv_reply(f->c, "530 Please login with USER and PASS");
	return cmd->fixed ? labsrv_reply(f->c, "%s", cmd->fixed) : cmd->run(f, arg);
}

static const struct labsrv_cmdloop loop = {
	.cmds = commands, .ncmds = sizeof commands / sizeof commands[0], .stride = sizeof commands[0],
	.not_offered = not_offered, .nnot = sizeof not_offered / sizeof not_offered[0],
	.line_max = LINE_MAX_FTP,
	.too_many = "421 Too many commands, closing control connection",
	.timed_out = "421 Timeout, closing control connection",
	.run = ftp_run,
};

static void ftp_begin(struct labsrv_conn *c)
{
	struct ftp *f = c->state;
	f->c = c;
	f->ascii = true;
	if (labsrv_reply(f->c, "220 sockscope-lab FTP server ready") < 0)
		labsrv_close(c);
}

/* Commands sent during a transfer wait until it is over, as they did
 * when a session waited for its data connection before reading on. */
static int ftp_feed(struct labsrv_conn *c)
{
	return c->waits_extra ? LS_AGAIN : labsrv_command_feed(c, &loop, c->state);
}

static void ftp_timeout(struct labsrv_conn *c)
{
	if (c->waits_extra) {
		c->waits_extra = false;
		labsrv_reply(c, "425 Can't open data connection");
		return;
	}
	labsrv_command_timeout(c, &loop);
}

/* The data listener, bound now so its port is known before any PASV. */
static int ftp_open(struct labsrv *s, char *err, size_t errlen)
{
	uint16_t port;
	s->xfd = labsrv_bind(s->family, SOCK_STREAM, 0, &port, err, errlen);
	if (s->xfd < 0)
		return -1;
	int fl = fcntl(s->xfd, F_GETFL);
	if (fl < 0 || fcntl(s->xfd, F_SETFL, fl | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "fcntl: %s", strerror(errno));
		return -1;
	}
	s->ports[s->nports++] = port;
	return 0;
}

const struct labsrv_proto labsrv_proto_ftp = {
	.name = "ftp", .socks = LABSRV_TCP, .open = ftp_open, .state_size = sizeof(struct ftp),
	.begin = ftp_begin, .feed = ftp_feed, .timeout = ftp_timeout, .extra = ftp_extra,
};
