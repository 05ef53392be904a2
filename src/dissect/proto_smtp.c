/*
 * proto_smtp.c — SMTP (RFC 5321): the client's commands and the server's
 * numbered replies, one field per line; AUTH after RFC 4954, BDAT after
 * RFC 3030, STARTTLS after RFC 3207.
 *
 * The line syntax SMTP shares with FTP is decoded in app.c from the tables
 * here.  After DATA the client sends the message itself; a packet alone
 * cannot tell that apart from commands, so a line that is no command is
 * taken for message content, up to the "." line that ends it.  Nothing in
 * a text line is impossible, so SMTP is never malformed; a line cut by the
 * capture is marked so, and the payload reported truncated.
 */
#include "dissect/dissect_priv.h"

static const struct dis_verb smtp_verbs[] = {
	{ "EHLO", VERB_ONLY, "Domain", "Extended hello: the client names itself and asks for the "
	                               "server's extensions (one per reply line)" },
	{ "HELO", VERB_ONLY, "Domain", "Hello: the client names itself (the original greeting, "
	                               "without extensions)" },
	{ "MAIL", VERB_ONLY, "Reverse path", "Starts a mail transaction: FROM:<sender>, where "
	                                     "bounces go" },
	{ "RCPT", VERB_ONLY, "Forward path", "Names one recipient: TO:<address>; repeated per "
	                                     "recipient" },
	{ "DATA", VERB_ONLY, NULL, "The message follows, after the server's 354, up to a line "
	                           "holding only a dot" },
	{ "BDAT", VERB_ONLY, "Chunk", "A chunk of the message of the given size (RFC 3030)" },
	{ "RSET", VERB_ONLY, NULL, "Abandons the current mail transaction" },
	{ "VRFY", VERB_ONLY, "String", "Asks whether a user or mailbox exists" },
	{ "EXPN", VERB_ONLY, "String", "Asks for the members of a mailing list" },
	{ "STARTTLS", VERB_ONLY, NULL, "Switches the connection to TLS (RFC 3207)" },
	{ "AUTH", 0, "Mechanism", "Authenticates the client (RFC 4954; FTP uses AUTH for TLS)" },
	{ "HELP", 0, "Topic", "Asks for help text" },
	{ "NOOP", 0, NULL, "Does nothing; the server answers 250" },
	{ "QUIT", 0, NULL, "Ends the session; the server answers 221 and closes" },
};

/* RFC 5321 4.2.2 and 4.2.3; 235, 334, 432, 454, 500 ... 535 from RFC 4954. */
static const struct dis_name smtp_codes[] = {
	{ 211, "system status" },
	{ 214, "help message" },
	{ 220, "service ready" },
	{ 221, "service closing transmission channel" },
	{ 235, "authentication succeeded" },
	{ 250, "requested mail action okay, completed" },
	{ 251, "user not local; will forward" },
	{ 252, "cannot verify the user, but will accept the message" },
	{ 334, "authentication challenge" },
	{ 354, "start mail input; end with <CRLF>.<CRLF>" },
	{ 421, "service not available, closing transmission channel" },
	{ 432, "a password transition is needed" },
	{ 450, "mailbox unavailable" },
	{ 451, "local error in processing" },
	{ 452, "insufficient system storage" },
	{ 454, "temporary authentication failure" },
	{ 455, "server unable to accommodate parameters" },
	{ 500, "syntax error, command unrecognized" },
	{ 501, "syntax error in parameters or arguments" },
	{ 502, "command not supported" },
	{ 503, "bad sequence of commands" },
	{ 504, "command parameter not supported" },
	{ 530, "authentication required" },
	{ 534, "authentication mechanism is too weak" },
	{ 535, "authentication credentials invalid" },
	{ 550, "mailbox unavailable" },
	{ 551, "user not local" },
	{ 552, "exceeded storage allocation" },
	{ 553, "mailbox name not allowed" },
	{ 554, "transaction failed" },
	{ 555, "MAIL FROM/RCPT TO parameters not recognized or not supported" },
};

/* Codes FTP does not use (RFC 959 4.2.2 has the others too). */
static const unsigned smtp_only[] = { 235, 251, 252, 334, 354, 432, 454, 455, 534, 535, 554, 555 };

/* Words in a reply's text that only SMTP servers use by custom: "ESMTP" in
 * the greeting (RFC 5321 4.3.1), 221's and 421's standard text, "250 OK"
 * (the examples of RFC 5321 D.1), "queued as", and the extensions an EHLO
 * reply lists (RFC 6152, 2920, 3207, 2034, 3030).  '^' anchors at the start. */
static const char *const smtp_hints[] = { "SMTP", "transmission channel", "queued", "^OK",
	                                  "^8BITMIME", "^PIPELINING", "^STARTTLS",
	                                  "^ENHANCEDSTATUSCODES", "^CHUNKING" };

const struct dis_lineproto dis_smtp_proto = {
	.app = "SMTP",
	.layer = "Simple Mail Transfer Protocol",
	.verbs = smtp_verbs,
	.nverbs = DIS_COUNT(smtp_verbs),
	.codes = smtp_codes,
	.ncodes = DIS_COUNT(smtp_codes),
	.only = smtp_only,
	.nonly = DIS_COUNT(smtp_only),
	.hints = smtp_hints,
	.nhints = DIS_COUNT(smtp_hints),
	.message_data = true,
};
