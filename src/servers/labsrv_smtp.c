/*
 * labsrv_smtp.c — a small SMTP receiver after RFC 5321, with the SIZE
 * (RFC 1870) and 8BITMIME (RFC 6152) extensions, the only ones advertised.
 *
 * The dialogue: 220 greeting; HELO/EHLO; MAIL FROM:<path> [SIZE= BODY=];
 * RCPT TO:<path> (LABSRV_MAIL_RCPT_MAX at most); DATA, 354, the message up
 * to "." alone on a line with dot-unstuffing (RFC 5321 4.5.2), 250; RSET,
 * NOOP, QUIT.  Nothing is relayed or stored on disk: the last accepted
 * message (sender, recipients, size, first bytes) is kept in memory for
 * labsrv_last_mail.
 *
 * Policy: recipients are accepted for domain sockscope.test (and its
 * subdomains) and localhost, and the bare <postmaster> RFC 5321 4.5.1
 * requires; any other domain gets 550, since this server relays nothing.
 *
 * Rejected: commands out of order 503; unknown commands 500; known but not
 * offered ones (STARTTLS, AUTH, VRFY, EXPN, HELP, BDAT, ...) 502; argument
 * syntax 501; unknown MAIL/RCPT parameters 555; lines over 512 octets
 * (commands) or 1000 (text, RFC 5321 4.5.3.1) 500; messages over MSG_MAX
 * 552; binary junk 500; too many commands or a silent client 421 and close.
 */
#include "servers/labsrv_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOSTNAME "sockscope.test"
#define CMD_MAX 512              /* RFC 5321 4.5.3.1.4, CRLF included */
#define TEXT_MAX 1000            /* RFC 5321 4.5.3.1.6, CRLF included */
#define MSG_MAX (64 * 1024)
#define DATA_READ_MAX (4 * MSG_MAX)   /* past this the client is cut off */
#define RCPT_MAX 16

enum state { S_START, S_READY, S_MAIL, S_RCPT };

struct smtp {
	struct labsrv_conn *c;
	enum state st;
	bool esmtp;              /* EHLO, so MAIL may carry parameters */
	struct labsrv_mail m;    /* the transaction being built */
	bool in_data;            /* after 354: message lines until "." */
	bool data_too_long;      /* a message line was over TEXT_MAX */
	size_t data_read;        /* bytes of the message so far, as sent */
};

struct smtp_cmd {
	const char *name;
	int (*run)(struct smtp *t, const char *arg);   /* 0, or an LS_ error to close */
};

static void reset_tx(struct smtp *t)
{
	memset(&t->m, 0, sizeof t->m);
	if (t->st > S_READY)
		t->st = S_READY;
}

/* "<addr>" at s (after FROM:/TO: and optional spaces): the address into
 * out, the rest (parameters) in *rest.  False on a syntax error. */
static bool parse_path(const char *s, char *out, size_t cap, const char **rest)
{
	while (*s == ' ')
		s++;
	if (*s != '<')
		return false;
	const char *end = strchr(s + 1, '>');
	if (!end)
		return false;
	size_t n = (size_t)(end - s - 1);
	if (n >= cap || n > LABSRV_MAIL_ADDR)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[1 + i] == ' ' || s[1 + i] == '<')
			return false;
	/* a source route "@a,@b:user@c" (RFC 5321 4.1.2) is accepted and ignored */
	const char *a = s + 1;
	const char *colon = n && a[0] == '@' ? memchr(a, ':', n) : NULL;
	if (colon) {
		n -= (size_t)(colon + 1 - a);
		a = colon + 1;
	}
	memcpy(out, a, n);
	out[n] = '\0';
	*rest = end + 1;
	return true;
}

static bool domain_ok(const char *d)
{
	size_t n = strlen(d), z = strlen(HOSTNAME);
	return strcasecmp(d, HOSTNAME) == 0 || strcasecmp(d, "localhost") == 0 ||
	       (n > z + 1 && d[n - z - 1] == '.' && strcasecmp(d + n - z, HOSTNAME) == 0);
}

/* ------------------------------------------------------------ commands */

/* HELO and EHLO start afresh alike (RFC 5321 4.1.4); EHLO also turns the
 * extensions on, so its reply lists them. */
static int greet(struct smtp *t, const char *arg, bool esmtp)
{
	if (!*arg)
		return labsrv_reply(t->c, "501 Syntax: %s hostname", esmtp ? "EHLO" : "HELO");
	reset_tx(t);
	t->st = S_READY;
	t->esmtp = esmtp;
	if (!esmtp)
		return labsrv_reply(t->c, "250 %s", HOSTNAME);
	return labsrv_reply(t->c, "250-%s greets %.64s\r\n250-SIZE %d\r\n250 8BITMIME", HOSTNAME, arg, MSG_MAX);
}

static int cmd_helo(struct smtp *t, const char *arg)
{
	return greet(t, arg, false);
}

static int cmd_ehlo(struct smtp *t, const char *arg)
{
	return greet(t, arg, true);
}

static int cmd_mail(struct smtp *t, const char *arg)
{
	if (t->st == S_START)
		return labsrv_reply(t->c, "503 Send HELO or EHLO first");
	if (t->st != S_READY)
		return labsrv_reply(t->c, "503 Nested MAIL command");
	const char *rest;
	if (strncasecmp(arg, "FROM:", 5) != 0 || !parse_path(arg + 5, t->m.from, sizeof t->m.from, &rest))
		return labsrv_reply(t->c, "501 Syntax: MAIL FROM:<address>");
	/* parameters: SIZE=n and BODY=7BIT|8BITMIME, with EHLO only */
	while (*rest) {
		while (*rest == ' ')
			rest++;
		if (!*rest)
			break;
		size_t n = strcspn(rest, " ");
		if (!t->esmtp)
			return labsrv_reply(t->c, "555 MAIL parameters need EHLO");
		if (n > 5 && strncasecmp(rest, "SIZE=", 5) == 0 && strspn(rest + 5, "0123456789") == n - 5) {
			if (n - 5 > 9 || strtol(rest + 5, NULL, 10) > MSG_MAX)
				return labsrv_reply(t->c, "552 Message size exceeds fixed maximum message size (%d)",
				                    MSG_MAX);
		} else if (!(n == 9 && strncasecmp(rest, "BODY=7BIT", 9) == 0) &&
		           !(n == 13 && strncasecmp(rest, "BODY=8BITMIME", 13) == 0)) {
			return labsrv_reply(t->c, "555 MAIL parameter not recognized or not supported");
		}
		rest += n;
	}
	t->st = S_MAIL;
	return labsrv_reply(t->c, "250 OK");
}

static int cmd_rcpt(struct smtp *t, const char *arg)
{
	if (t->st < S_MAIL)
		return labsrv_reply(t->c, "503 Need MAIL before RCPT");
	char addr[LABSRV_MAIL_ADDR + 1];
	const char *rest;
	if (strncasecmp(arg, "TO:", 3) != 0 || !parse_path(arg + 3, addr, sizeof addr, &rest) || !addr[0])
		return labsrv_reply(t->c, "501 Syntax: RCPT TO:<address>");
	while (*rest == ' ')
		rest++;
	if (*rest)
		return labsrv_reply(t->c, "555 RCPT parameters not recognized or not supported");
	const char *at = strrchr(addr, '@');
	if (!(at ? domain_ok(at + 1) : strcasecmp(addr, "postmaster") == 0))
		return labsrv_reply(t->c, "550 <%s>: this lab server takes mail for @%s and @localhost only", addr,
		                    HOSTNAME);
	if (t->m.nrcpt >= RCPT_MAX)
		return labsrv_reply(t->c, "452 Too many recipients");
	size_t used = strlen(t->m.rcpt);
	snprintf(t->m.rcpt + used, sizeof t->m.rcpt - used, "%s%s", used ? ", " : "", addr);
	t->m.nrcpt++;
	t->st = S_RCPT;
	return labsrv_reply(t->c, "250 OK");
}

static int cmd_data(struct smtp *t, const char *arg)
{
	if (*arg)
		return labsrv_reply(t->c, "501 Syntax: DATA");
	if (t->st != S_RCPT)
		return labsrv_reply(t->c, t->st == S_MAIL ? "503 Need RCPT before DATA"
		                                          : "503 Need MAIL and RCPT before DATA");
	t->in_data = true;
	t->data_too_long = false;
	t->data_read = 0;
	return labsrv_reply(t->c, "354 End data with <CR><LF>.<CR><LF>");
}

/* The message is complete ("." alone): accept it or say why not. */
static int data_done(struct smtp *t)
{
	int rc;
	t->in_data = false;
	t->m.body_len = t->m.size < LABSRV_MAIL_KEEP ? t->m.size : LABSRV_MAIL_KEEP;
	t->m.body[t->m.body_len] = '\0';
	if (t->data_too_long) {
		rc = labsrv_reply(t->c, "500 Line too long (at most %d octets)", TEXT_MAX);
	} else if (t->m.size > MSG_MAX) {
		rc = labsrv_reply(t->c, "552 Message size exceeds fixed maximum message size (%d)", MSG_MAX);
	} else {
		labsrv_set_mail(t->c->s, &t->m);
		labsrv_count(t->c->s);
		rc = labsrv_reply(t->c, "250 OK: queued as %u.%u", t->c->id, labsrv_served(t->c->s));
	}
	reset_tx(t);
	return rc;
}

/* One line of the message after DATA. */
static int data_line(struct smtp *t)
{
	char line[TEXT_MAX + 8];
	size_t len;
	int rc = labsrv_take_line(t->c, line, TEXT_MAX - 1, &len, true);
	if (rc == LS_ERR) {
		labsrv_reply(t->c, "500 Line too long (at most %d octets), closing connection", TEXT_MAX);
		labsrv_close(t->c);
		return LS_AGAIN;
	}
	if (rc < 0 || rc == LS_AGAIN)
		return rc;
	t->data_read += len + 2;
	if (t->data_read > DATA_READ_MAX) {
		labsrv_reply(t->c, "552 Too much mail data, closing connection");
		labsrv_close(t->c);
		return LS_AGAIN;
	}
	if (rc == LS_LONG) {
		t->data_too_long = true;
		return LS_OK;
	}
	if (len == 1 && line[0] == '.')
		return data_done(t) < 0 ? LS_ERR : LS_OK;
	const char *p = line;
	if (line[0] == '.') {   /* dot-unstuffing */
		p++;
		len--;
	}
	size_t keep = t->m.size < LABSRV_MAIL_KEEP ? LABSRV_MAIL_KEEP - t->m.size : 0;
	char crlf[] = "\r\n";
	for (size_t i = 0; i < len + 2 && i < keep; i++)
		t->m.body[t->m.size + i] = i < len ? p[i] : crlf[i - len];
	t->m.size += len + 2;
	return LS_OK;
}

static int cmd_rset(struct smtp *t, const char *arg)
{
	if (*arg)
		return labsrv_reply(t->c, "501 Syntax: RSET");
	reset_tx(t);
	return labsrv_reply(t->c, "250 OK");
}

static int cmd_noop(struct smtp *t, const char *arg)
{
	(void)arg;
	return labsrv_reply(t->c, "250 OK");
}

static int cmd_quit(struct smtp *t, const char *arg)
{
	(void)arg;
	labsrv_close(t->c);
	return labsrv_reply(t->c, "221 %s Service closing transmission channel", HOSTNAME);
}

static const struct smtp_cmd commands[] = {
	{ "HELO", cmd_helo }, { "EHLO", cmd_ehlo }, { "MAIL", cmd_mail }, { "RCPT", cmd_rcpt },
	{ "DATA", cmd_data }, { "RSET", cmd_rset }, { "NOOP", cmd_noop }, { "QUIT", cmd_quit },
};

/* Known to SMTP, not offered here. */
static const char *const not_offered[] = {
	"STARTTLS", "AUTH", "VRFY", "EXPN", "HELP", "BDAT", "TURN", "ETRN", "SEND", "SOML", "SAML",
};

static int smtp_run(void *ctx, const void *entry, const char *arg)
{
	const struct smtp_cmd *cmd = entry;
	while (*arg == ' ')
		arg++;
	return cmd->run(ctx, arg);
}

static const struct labsrv_cmdloop loop = {
	.cmds = commands, .ncmds = sizeof commands / sizeof commands[0], .stride = sizeof commands[0],
	.not_offered = not_offered, .nnot = sizeof not_offered / sizeof not_offered[0],
	.line_max = CMD_MAX,
	.too_many = "421 " HOSTNAME " Too many commands, closing connection",
	.timed_out = "421 " HOSTNAME " Timeout, closing connection",
	.run = smtp_run,
};

static void smtp_begin(struct labsrv_conn *c)
{
	struct smtp *t = c->state;
	t->c = c;
	if (labsrv_reply(t->c, "220 %s ESMTP sockscope-lab ready", HOSTNAME) < 0)
		labsrv_close(c);
}

static int smtp_feed(struct labsrv_conn *c)
{
	struct smtp *t = c->state;
	return t->in_data ? data_line(t) : labsrv_command_feed(c, &loop, t);
}

static void smtp_timeout(struct labsrv_conn *c)
{
	labsrv_command_timeout(c, &loop);
}

const struct labsrv_proto labsrv_proto_smtp = {
	.name = "smtp", .socks = LABSRV_TCP, .state_size = sizeof(struct smtp),
	.begin = smtp_begin, .feed = smtp_feed, .timeout = smtp_timeout,
};
