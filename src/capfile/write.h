/*
 * write.h — writing capture files: classic pcap and pcapng.
 *
 * Role: the one writer of capture files.  Inspection saves packets with it
 * (`inspect FILE --write OUT`, the screen's save), a live capture writes
 * the growing file its capfile reads (inspect/live.c), the headless lesson
 * writes its packets (`lesson ID --headless --write OUT`) and a recording
 * is a pcapng file written through it (lab/record.c).  What a file means
 * (which comments a recording carries) is the caller's; the bytes of the
 * formats are here.  No curses.
 *
 * Formats (read back by capfile.c):
 *   - pcap (draft-ietf-opsawg-pcap): one link type, little-endian,
 *     microsecond magic or, with `nano`, the nanosecond one;
 *   - pcapng (draft-ietf-opsawg-pcapng): little-endian, one section (its
 *     header may carry opt_comment lines and shb_userappl), one interface
 *     (if_tsresol 9 when `nano`, else the default microseconds), enhanced
 *     packet blocks, each with an optional opt_comment.
 *
 * A file given by name is written to NAME.partial and renamed over NAME
 * only when complete, so a failed write never leaves half a file under the
 * name asked for.
 */
#ifndef SOCKSCOPE_CAPFILE_WRITE_H
#define SOCKSCOPE_CAPFILE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capfile/capfile.h"

struct capfile_writer;

struct capfile_write_opts {
	enum capfile_format format;    /* CAPFILE_PCAP or CAPFILE_PCAPNG */
	int linktype;                  /* LINKTYPE_ value */
	uint32_t snaplen;              /* 0: CAPFILE_SNAPLEN */
	bool nano;                     /* nanosecond timestamps, else microseconds */
	/* pcapng only (ignored for pcap): the section header's comments, in
	 * order, and its shb_userappl (NULL: none).  Borrowed for the call of
	 * capfile_writer_open; each is cut to 65535 bytes. */
	const char *const *comments;
	size_t ncomments;
	const char *userappl;
};

/* Start path (written as path.partial until capfile_writer_close).  NULL
 * with a message; the messages name path, never path.partial. */
struct capfile_writer *capfile_writer_open(const char *path, const struct capfile_write_opts *o, char *err,
                                           size_t errlen);
/* A writer on an open file descriptor (it owns fd from now on, also on
 * failure), for a file someone reads while it grows (inspect/live.c): no
 * .partial and no rename; name is for messages.  NULL with a message. */
struct capfile_writer *capfile_writer_fdopen(int fd, const char *name, const struct capfile_write_opts *o,
                                             char *err, size_t errlen);
/* Hand what is buffered to the file.  0, or -1 (capfile_writer_error says why). */
int capfile_writer_flush(struct capfile_writer *w);
/* Why writing failed (strerror text), or NULL while it has not. */
const char *capfile_writer_error(const struct capfile_writer *w);
/* A packet; ts_ns since 1970 (CAPFILE_NO_TIME or before 1970 is written as
 * 0).  comment: pcapng's opt_comment of the packet (NULL: none; ignored for
 * pcap).  0, or -1 (see capfile_writer_close). */
int capfile_writer_packet(struct capfile_writer *w, int64_t ts_ns, uint32_t caplen, uint32_t wirelen,
                          const uint8_t *data, const char *comment);
/* Finish: commit renames the file into place; otherwise (or on any write
 * error) it is removed.  0, or -1 with a message.  Frees w. */
int capfile_writer_close(struct capfile_writer *w, bool commit, char *err, size_t errlen);

#endif
