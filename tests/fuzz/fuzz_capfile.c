/*
 * fuzz_capfile.c — a libFuzzer target for the capture-file reader
 * (src/capfile/capfile.c) and what inspection does with its packets.
 *
 * Input: the whole file.  It is written to a memfd made once (truncated
 * and rewritten per input) and opened by its /proc/self/fd path, as
 * `sockscope inspect FILE` opens a file.  The reader maps the file; this
 * target's link wraps mmap/munmap/madvise/mremap (-Wl,--wrap) so a mapping
 * of that memfd becomes a heap block of exactly the file's size: a read one
 * byte past the end of the file is an AddressSanitizer error, where a real
 * mapping would give zeros up to the end of the page.
 *
 * Each input is opened, indexed fully with capfile_index_step (slices of 1,
 * 2, 17 or a million packets, picked by a hash of the input), and then:
 *   - every packet is read with capfile_packet and every byte of it summed;
 *     its data lies inside the file, after the file and record headers,
 *     after the previous packet's data (classic pcap: exactly one record
 *     header after it; complete: the last record ends the file), its
 *     interface exists and gives its link type, timestamps are absent only
 *     for simple packet blocks, which keep no more than snaplen and wirelen;
 *   - the state is final, the progress agrees with it, the stop reason is
 *     "" when complete and else a printable message whose "packet N",
 *     "(after packet N)" and "at byte offset X" name the next packet, the
 *     last one indexed and where the scan stopped; one more step changes
 *     nothing;
 *   - interfaces: names terminated and printable, 0-9 digits of time,
 *     sections in order;
 *   - every packet is copied to a heap block of exactly its captured size
 *     and dissected (dissect_frame), every field inside the capture;
 *   - pcapng comments (capfile_header_comment, capfile_packet_comment), each
 *     into buffers of 300, 7 and 1 bytes: the same answer, cut and
 *     terminated; none in classic pcap;
 *   - a file whose first bytes are a capture magic opens; one that is refused
 *     is refused as "not a capture file", never as an I/O error.
 * By a hash of the input, one input in four is also opened a second time and
 * indexed on the background thread (capfile_index_start / capfile_index_wait)
 * while this thread reads the published prefix; one in eight is also written
 * a second time as a live capture would (capfile_open_live on a memfd that
 * grows by pieces of random size, indexed after each, capfile_live_end at the
 * end; the bytes not yet written are poisoned in the fake mapping); both must
 * find exactly what the file at once gave, packet for packet.  One in eight
 * only starts a background scan and closes the file at once (the cancel
 * path).
 * Built by -DSOCKSCOPE_FUZZ=ON with clang; see docs/fuzzing.md.
 */
#include "dissect/dissect.h"
#include "capfile/capfile.h"

#include <fcntl.h>
#include <sanitizer/asan_interface.h>   /* poisoning the bytes a live file has not written yet */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* pcapng comments: called when the reader has them (weak, so the target
 * still links against a capfile.c without). */
bool capfile_packet_comment(const struct capfile *cf, uint64_t n, unsigned k, char *buf, size_t len);
bool capfile_header_comment(const struct capfile *cf, unsigned k, char *buf, size_t len);
#pragma weak capfile_packet_comment
#pragma weak capfile_header_comment

#define FAIL(...)                                                   \
	do {                                                        \
		fprintf(stderr, "fuzz_capfile: " __VA_ARGS__);      \
		fputc('\n', stderr);                                \
		abort();                                            \
	} while (0)

/* ------------------------------------------------ the file and its "mapping" */

static int memfd = -1;
static dev_t memfd_dev;
static ino_t memfd_ino;
static char path[64];

/* The live file: a second memfd that grows as the target writes the input
 * into it piece by piece.  Its "mapping" is a heap block of the input's
 * final size whose bytes not yet written are poisoned (ASan), so reading
 * them is an error as reading past the end of the file is. */
static int live_fd = -1;
static dev_t live_dev;
static ino_t live_ino;
static char live_path[64];
static const uint8_t *live_data;   /* the whole input */
static size_t live_size, live_written;

/* Mappings of the memfds handed out as heap blocks (a few at a time). */
static struct fake_map {
	uint8_t *p;
	size_t len;       /* bytes of the block */
	size_t req;       /* length mmap was asked for (munmap must give it back) */
	bool live;
} fakes[8];

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
int __real_madvise(void *addr, size_t len, int advice);
void *__real_mremap(void *old, size_t old_len, size_t new_len, int flags, ...);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __wrap_munmap(void *addr, size_t len);
int __wrap_madvise(void *addr, size_t len, int advice);
void *__wrap_mremap(void *old, size_t old_len, size_t new_len, int flags, ...);

/* 1: the memfd of the whole input, 2: the live one, 0: another file. */
static int which_memfd(int fd)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0;
	if (memfd >= 0 && st.st_dev == memfd_dev && st.st_ino == memfd_ino)
		return 1;
	if (live_fd >= 0 && st.st_dev == live_dev && st.st_ino == live_ino)
		return 2;
	return 0;
}

static struct fake_map *fake_of(const void *p)
{
	for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++)
		if (fakes[i].p && (const uint8_t *)p >= fakes[i].p && (const uint8_t *)p <= fakes[i].p + fakes[i].len)
			return &fakes[i];
	return NULL;
}

/* A copy of [0, len) of the file in a heap block of exactly len bytes. */
static void *fake_map(int fd, size_t len)
{
	struct fake_map *f = NULL;
	for (size_t i = 0; i < sizeof fakes / sizeof fakes[0] && !f; i++)
		if (!fakes[i].p)
			f = &fakes[i];
	uint8_t *p = f ? malloc(len ? len : 1) : NULL;
	if (!p)
		FAIL("no room for a fake mapping of %zu bytes", len);
	size_t got = 0;
	while (got < len) {
		ssize_t r = pread(fd, p + got, len - got, (off_t)got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < len) {   /* a real mapping past the end of the file faults */
		free(p);
		return MAP_FAILED;
	}
	f->p = p;
	f->len = f->req = len;
	f->live = false;
	return p;
}

/* The live file's mapping (asked for with room to grow): the input's final
 * size, the part not written yet poisoned. */
static void *fake_map_live(size_t req)
{
	struct fake_map *f = NULL;
	for (size_t i = 0; i < sizeof fakes / sizeof fakes[0] && !f; i++)
		if (!fakes[i].p)
			f = &fakes[i];
	uint8_t *p = f ? malloc(live_size ? live_size : 1) : NULL;
	if (!p)
		FAIL("no room for a fake live mapping of %zu bytes", live_size);
	memcpy(p, live_data, live_written);
	__asan_poison_memory_region(p + live_written, live_size - live_written);
	f->p = p;
	f->len = live_size;
	f->req = req;
	f->live = true;
	return p;
}

/* The writer appends n more bytes: first to the "mapping", then to the file. */
static void live_append(size_t n)
{
	for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++)
		if (fakes[i].p && fakes[i].live) {
			__asan_unpoison_memory_region(fakes[i].p + live_written, n);
			memcpy(fakes[i].p + live_written, live_data + live_written, n);
		}
	for (size_t done = 0; done < n;) {
		ssize_t w = pwrite(live_fd, live_data + live_written + done, n - done, (off_t)(live_written + done));
		if (w <= 0)
			FAIL("pwrite failed");
		done += (size_t)w;
	}
	live_written += n;
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	int which = !(prot & PROT_WRITE) && off == 0 ? which_memfd(fd) : 0;
	if (which == 1)
		return fake_map(fd, len);
	if (which == 2)
		return fake_map_live(len);
	return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t len)
{
	struct fake_map *f = fake_of(addr);
	if (f) {
		if (addr != f->p || len != f->req)
			FAIL("munmap(%p, %zu) of a mapping made at %p with %zu bytes", addr, len, (void *)f->p, f->req);
		__asan_unpoison_memory_region(f->p, f->len);
		free(f->p);
		f->p = NULL;
		return 0;
	}
	return __real_munmap(addr, len);
}

int __wrap_madvise(void *addr, size_t len, int advice)
{
	struct fake_map *f = fake_of(addr);
	if (f) {
		if ((uint8_t *)addr + len > f->p + ((f->len + 4095) & ~(size_t)4095))
			FAIL("madvise(%p, %zu) beyond the mapping %p + %zu", addr, len, (void *)f->p, f->len);
		return 0;   /* the heap copy stays as it is */
	}
	return __real_madvise(addr, len, advice);
}

void *__wrap_mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	struct fake_map *f = fake_of(old);
	if (f) {
		if (old != f->p || old_len != f->req)
			FAIL("mremap(%p, %zu) of a mapping made at %p with %zu bytes", old, old_len, (void *)f->p, f->req);
		if (!(flags & MREMAP_MAYMOVE) || f->live)
			return MAP_FAILED;
		void *n = fake_map(memfd, new_len);
		if (n != MAP_FAILED) {
			__asan_unpoison_memory_region(f->p, f->len);
			free(f->p);
			f->p = NULL;
		}
		return n;
	}
	if (flags & MREMAP_FIXED) {
		__builtin_va_list ap;
		__builtin_va_start(ap, flags);
		void *to = __builtin_va_arg(ap, void *);
		__builtin_va_end(ap);
		return __real_mremap(old, old_len, new_len, flags, to);
	}
	return __real_mremap(old, old_len, new_len, flags);
}

/* free(NULL) does nothing, but ASan records a stack trace for it first; a
 * live file's chunk directory has room for 1 TiB (a million slots, nearly
 * all NULL, each freed by capfile_close), which made every live input cost
 * 30 ms.  So free is wrapped too. */
void __real_free(void *p);
void __wrap_free(void *p);
void __wrap_free(void *p)
{
	if (p)
		__real_free(p);
}

static void write_input(const uint8_t *data, size_t size)
{
	if (memfd < 0) {
		memfd = memfd_create("fuzz_capfile", MFD_CLOEXEC);
		struct stat st;
		if (memfd < 0 || fstat(memfd, &st) < 0)
			FAIL("memfd_create failed");
		memfd_dev = st.st_dev;
		memfd_ino = st.st_ino;
		snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	}
	if (ftruncate(memfd, 0) < 0)
		FAIL("ftruncate failed");
	size_t done = 0;
	while (done < size) {
		ssize_t w = pwrite(memfd, data + done, size - done, (off_t)done);
		if (w <= 0)
			FAIL("pwrite failed");
		done += (size_t)w;
	}
}

/* ------------------------------------------------------------- the checks */

static volatile uint64_t sink;

static void check_fields(const struct dissection *d)
{
	int prev_depth = -1;
	for (size_t i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];
		if (f->off > d->caplen || f->len > d->caplen - f->off)
			FAIL("field %zu '%s' [%u+%u] outside capture %u", i, f->name, f->off, f->len, d->caplen);
		if (i > 0 && (int)f->depth > prev_depth + 1)
			FAIL("field %zu '%s' depth %u after depth %d", i, f->name, f->depth, prev_depth);
		prev_depth = f->depth;
	}
}

/* Which magic the file starts with: 0 none, else its record header size
 * (16, or 24 for the modified format) for pcap, 1 for pcapng. */
static unsigned magic_of(const uint8_t *d, size_t n)
{
	static const struct { uint8_t b[4]; unsigned what; } m[] = {
		{ { 0xd4, 0xc3, 0xb2, 0xa1 }, 16 }, { { 0xa1, 0xb2, 0xc3, 0xd4 }, 16 },
		{ { 0x4d, 0x3c, 0xb2, 0xa1 }, 16 }, { { 0xa1, 0xb2, 0x3c, 0x4d }, 16 },
		{ { 0x34, 0xcd, 0xb2, 0xa1 }, 24 }, { { 0xa1, 0xb2, 0xcd, 0x34 }, 24 },
		{ { 0x0a, 0x0d, 0x0d, 0x0a }, 1 },
	};
	if (n < 4)
		return 0;
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		if (!memcmp(d, m[i].b, 4))
			return m[i].what;
	return 0;
}

static void check_reason(const struct capfile *cf, const struct capfile_progress *pr, size_t size)
{
	const char *why = capfile_stop_reason(cf);
	size_t len = strlen(why);
	if (pr->state == CAPFILE_COMPLETE) {
		if (len)
			FAIL("complete, yet a stop reason: %s", why);
		if (pr->bytes_done != size)
			FAIL("complete after %llu of %zu bytes", (unsigned long long)pr->bytes_done, size);
		return;
	}
	if (pr->state != CAPFILE_DAMAGED)
		FAIL("state %d after the scan", pr->state);
	if (!len || len >= 256)
		FAIL("damaged with a stop reason of %zu characters", len);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] > 0x7e)
			FAIL("unprintable byte 0x%02x in the stop reason: %s", (unsigned char)why[i], why);
	if (pr->bytes_done > size)
		FAIL("scanned %llu of %zu bytes", (unsigned long long)pr->bytes_done, size);
	/* "packet N at byte offset X: ...", "block type 0x... (after packet N-1) at
	 * byte offset X: ...": N is the packet the scan could not index, X where
	 * it stopped. */
	unsigned long long n, off;
	if (sscanf(why, "packet %llu ", &n) == 1 && n != pr->packets + 1)
		FAIL("stop reason names packet %llu after %llu packets: %s", n, (unsigned long long)pr->packets, why);
	const char *s = strstr(why, "(after packet ");
	if (s && sscanf(s, "(after packet %llu)", &n) == 1 && n != pr->packets)
		FAIL("stop reason says after packet %llu, %llu were indexed: %s", n, (unsigned long long)pr->packets, why);
	s = strstr(why, "at byte offset ");
	if (s && sscanf(s, "at byte offset %llu", &off) == 1 && (off != pr->bytes_done || off > size))
		FAIL("stop reason's offset %llu, scan stopped at %llu of %zu: %s", off, (unsigned long long)pr->bytes_done,
		     size, why);
}

/* Everything about packet n that must hold; returns it in *p. */
static void check_packet(const struct capfile *cf, uint64_t n, const struct capfile_packet *prev,
                         unsigned magic, size_t size, struct capfile_packet *p)
{
	if (!capfile_packet(cf, n, p))
		FAIL("packet %llu of %llu cannot be read", (unsigned long long)n, (unsigned long long)capfile_count(cf));
	if (p->number != n)
		FAIL("packet %llu says it is number %llu", (unsigned long long)n, (unsigned long long)p->number);
	if (p->offset > size || p->caplen > size - p->offset)
		FAIL("packet %llu: %u bytes at offset %llu outside the file of %zu bytes", (unsigned long long)n, p->caplen,
		     (unsigned long long)p->offset, size);
	if (p->data != (const uint8_t *)0 && p->caplen && !fake_of(p->data))
		FAIL("packet %llu's data is not in the file's mapping", (unsigned long long)n);
	if (magic == 1) {   /* pcapng: SHB (28) + IDB (20) + a packet block's header (>= 12) before it */
		if (p->offset < 60)
			FAIL("pcapng packet %llu at offset %llu", (unsigned long long)n, (unsigned long long)p->offset);
		if (prev && p->offset < prev->offset + prev->caplen + 16)
			FAIL("pcapng packet %llu at offset %llu, the previous one's %u bytes at %llu", (unsigned long long)n,
			     (unsigned long long)p->offset, prev->caplen, (unsigned long long)prev->offset);
		if (p->offset + p->caplen + 4 > size)
			FAIL("pcapng packet %llu's data leaves no room for its block's trailer", (unsigned long long)n);
	} else {
		uint64_t want = prev ? prev->offset + prev->caplen + magic : 24 + magic;
		if (p->offset != want)
			FAIL("pcap packet %llu at offset %llu, not %llu", (unsigned long long)n, (unsigned long long)p->offset,
			     (unsigned long long)want);
		if (p->iface != 0 || p->ts_ns < 0)
			FAIL("pcap packet %llu: interface %u, time %lld", (unsigned long long)n, p->iface, (long long)p->ts_ns);
	}
	struct capfile_iface f;
	if (!capfile_iface(cf, p->iface, &f))
		FAIL("packet %llu names interface %u of %u", (unsigned long long)n, p->iface, capfile_iface_count(cf));
	if (f.linktype != p->linktype)
		FAIL("packet %llu: link type %d, its interface's %d", (unsigned long long)n, p->linktype, f.linktype);
	if (p->ts_ns == CAPFILE_NO_TIME && magic != 1)
		FAIL("pcap packet %llu without a time", (unsigned long long)n);
	if (p->ts_ns == CAPFILE_NO_TIME && f.snaplen && p->caplen > f.snaplen)
		FAIL("simple packet block %llu keeps %u bytes, snaplen %u", (unsigned long long)n, p->caplen, f.snaplen);
	if (p->ts_ns == CAPFILE_NO_TIME && p->caplen > p->wirelen)
		FAIL("simple packet block %llu keeps %u of %u bytes", (unsigned long long)n, p->caplen, p->wirelen);
	if (prev) {
		struct capfile_iface pf;
		capfile_iface(cf, prev->iface, &pf);
		if (f.section < pf.section)
			FAIL("packet %llu in section %u after one in section %u", (unsigned long long)n, f.section, pf.section);
	}
	/* every byte is there */
	uint64_t sum = 0;
	for (uint32_t i = 0; i < p->caplen; i++)
		sum = sum * 31 + p->data[i];
	sink += sum;
}

static void check_ifaces(const struct capfile *cf, unsigned magic, size_t size)
{
	unsigned n = capfile_iface_count(cf), prev_section = 0;
	if (magic != 1 && n != (size >= 24))   /* none when the file header is cut off */
		FAIL("a pcap file of %zu bytes with %u interfaces", size, n);
	for (unsigned i = 0; i < n; i++) {
		struct capfile_iface f;
		if (!capfile_iface(cf, i, &f))
			FAIL("interface %u of %u cannot be read", i, n);
		size_t l = strnlen(f.name, sizeof f.name);
		if (l == sizeof f.name)
			FAIL("interface %u's name is not terminated", i);
		for (size_t k = 0; k < l; k++)
			if ((unsigned char)f.name[k] < 0x20 || (unsigned char)f.name[k] > 0x7e)
				FAIL("interface %u's name has byte 0x%02x", i, (unsigned char)f.name[k]);
		if (f.ts_digits < 0 || f.ts_digits > 9)
			FAIL("interface %u shows %d digits of time", i, f.ts_digits);
		if (f.section < prev_section)
			FAIL("interface %u in section %u after section %u", i, f.section, prev_section);
		if (f.linktype < 0 || f.linktype > 0xffff)
			FAIL("interface %u: link type %d", i, f.linktype);
		prev_section = f.section;
	}
	struct capfile_iface f;
	if (capfile_iface(cf, n, &f))
		FAIL("interface %u of %u can be read", n, n);
}

/* The k-th comment, into buffers of 1, 7 and 300 bytes (heap blocks of
 * exactly that size): the same answer, cut and terminated.  Returns whether
 * there is one. */
static bool check_comment(const struct capfile *cf, int64_t n, unsigned k, unsigned magic)
{
	static const size_t sizes[] = { 300, 7, 1 };
	char *full = NULL;
	bool found = false;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t len = sizes[i];
		char *buf = malloc(len);
		if (!buf)
			FAIL("out of memory");
		memset(buf, 0x55, len);
		bool got = n < 0 ? capfile_header_comment(cf, k, buf, len) : capfile_packet_comment(cf, (uint64_t)n, k, buf, len);
		if (i == 0)
			found = got;
		else if (got != found)
			FAIL("comment %u of %s %lld: %s with %zu bytes of room, %s with %zu", k, n < 0 ? "the header" : "packet",
			     (long long)n, found ? "found" : "none", sizes[0], got ? "found" : "none", len);
		if (got) {
			if (magic != 1)
				FAIL("a comment in a classic pcap file");
			if (strnlen(buf, len) == len)
				FAIL("comment %u of %lld not terminated in %zu bytes", k, (long long)n, len);
			if (i == 0)
				full = strdup(buf);
			else if (full && strncmp(full, buf, strlen(buf)))
				FAIL("comment %u of %lld cut to %zu bytes is '%s', not a prefix of '%s'", k, (long long)n, len,
				     buf, full);
		}
		free(buf);
	}
	free(full);
	return found;
}

static void check_comments(const struct capfile *cf, unsigned magic)
{
	if (!capfile_packet_comment || !capfile_header_comment)
		return;
	for (unsigned k = 0; k < 4 && check_comment(cf, -1, k, magic); k++)
		;
	uint64_t count = capfile_count(cf);
	for (uint64_t n = 0; n <= count; n++)   /* (n == count: no such packet) */
		for (unsigned k = 0; k < 4 && check_comment(cf, (int64_t)n, k, magic); k++)
			if (n == count)
				FAIL("a comment of packet %llu of %llu", (unsigned long long)n, (unsigned long long)count);
	char one[1];
	if (capfile_header_comment(cf, 0, one, 0) || (count && capfile_packet_comment(cf, 0, 0, one, 0)))
		FAIL("a comment in no room");
}

static void dissect_all(const struct capfile *cf)
{
	uint64_t count = capfile_count(cf);
	for (uint64_t n = 0; n < count; n++) {
		struct capfile_packet p;
		capfile_packet(cf, n, &p);
		uint8_t *copy = malloc(p.caplen ? p.caplen : 1);
		if (!copy)
			return;
		memcpy(copy, p.data, p.caplen);
		struct dissection d;
		dissect_frame(p.linktype, copy, p.caplen, p.wirelen, &d);
		check_fields(&d);
		char sum[256];
		dissect_summary(&d, NULL, sum, sizeof sum);
		dissection_free(&d);
		free(copy);
	}
}

/* Two scans of the same bytes found the same: state, stop reason,
 * interfaces, every packet. */
static void same_result(const struct capfile *ref, const struct capfile *cf, const char *how)
{
	struct capfile_progress a, b;
	capfile_progress(ref, &a);
	capfile_progress(cf, &b);
	/* (a live file damaged early need not have looked at its size again) */
	if (a.state != b.state || a.packets != b.packets || a.bytes_done != b.bytes_done ||
	    (a.state == CAPFILE_COMPLETE && a.bytes_total != b.bytes_total))
		FAIL("the file at once: state %d, %llu packets, %llu of %llu bytes; %s: state %d, %llu packets, %llu of %llu "
		     "bytes", a.state, (unsigned long long)a.packets, (unsigned long long)a.bytes_done,
		     (unsigned long long)a.bytes_total, how, b.state, (unsigned long long)b.packets,
		     (unsigned long long)b.bytes_done, (unsigned long long)b.bytes_total);
	if (strcmp(capfile_stop_reason(ref), capfile_stop_reason(cf)))
		FAIL("the file at once stopped with '%s', %s with '%s'", capfile_stop_reason(ref), how,
		     capfile_stop_reason(cf));
	if (capfile_iface_count(ref) != capfile_iface_count(cf))
		FAIL("interfaces: %u in the file at once, %u %s", capfile_iface_count(ref), capfile_iface_count(cf), how);
	for (unsigned i = 0; i < capfile_iface_count(ref); i++) {
		struct capfile_iface x, y;
		capfile_iface(ref, i, &x);
		capfile_iface(cf, i, &y);
		if (memcmp(&x, &y, sizeof x))
			FAIL("interface %u differs between the file at once and %s", i, how);
	}
	for (uint64_t n = 0; n < a.packets; n++) {
		struct capfile_packet p, q;
		capfile_packet(ref, n, &p);
		capfile_packet(cf, n, &q);
		if (p.offset != q.offset || p.caplen != q.caplen || p.wirelen != q.wirelen || p.ts_ns != q.ts_ns ||
		    p.iface != q.iface || p.linktype != q.linktype || memcmp(p.data, q.data, p.caplen))
			FAIL("packet %llu differs between the file at once and %s", (unsigned long long)n, how);
	}
}

/* The background indexer must find exactly what the stepped scan found. */
static void compare_thread(const struct capfile *ref, size_t size)
{
	char err[256];
	enum capfile_error why;
	struct capfile *cf = capfile_open(path, &why, err, sizeof err);
	if (!cf)
		FAIL("the second open failed: %s", err);
	if (capfile_index_start(cf, err, sizeof err) < 0)
		FAIL("%s", err);
	struct capfile_progress pr;
	do {   /* readers may look while it runs */
		capfile_progress(cf, &pr);
		uint64_t c = capfile_count(cf);
		struct capfile_packet p;
		if (c && (!capfile_packet(cf, c - 1, &p) || p.offset + p.caplen > size))
			FAIL("packet %llu of the published prefix is wrong", (unsigned long long)c - 1);
		sched_yield();
	} while (pr.state == CAPFILE_SCANNING);
	capfile_index_wait(cf);
	same_result(ref, cf, "the thread");
	struct capfile_progress b;
	capfile_progress(cf, &b);
	/* stepping after the thread ended changes nothing */
	if (capfile_index_step(cf, 5) != b.state || capfile_count(cf) != b.packets)
		FAIL("a step after the thread's scan changed the state or the count");
	capfile_close(cf);
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A live capture writing the same bytes: the header first, then the rest in
 * pieces of random size, indexed after each; the scan waits at a record the
 * end cuts ("not yet"), never completes before the writer ends, and after
 * capfile_live_end must have found what the file at once gave. */
static void compare_live(const struct capfile *ref, const uint8_t *data, size_t size, unsigned magic, uint64_t h)
{
	if (live_fd < 0) {
		live_fd = memfd_create("fuzz_capfile_live", MFD_CLOEXEC);
		struct stat st;
		if (live_fd < 0 || fstat(live_fd, &st) < 0)
			FAIL("memfd_create failed");
		live_dev = st.st_dev;
		live_ino = st.st_ino;
		snprintf(live_path, sizeof live_path, "/proc/self/fd/%d", live_fd);
	}
	if (ftruncate(live_fd, 0) < 0)
		FAIL("ftruncate failed");
	live_data = data;
	live_size = size;
	live_written = 0;
	size_t head = magic == 1 ? 12 : 24;   /* what capfile_open_live needs to recognise the file */
	live_append(head < size ? head : size);
	int fd = open(live_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		FAIL("cannot open %s", live_path);
	char err[256];
	struct capfile *cf = capfile_open_live(fd, "live", err, sizeof err);
	if (!cf)
		FAIL("capfile_open_live failed: %s", err);
	if (!capfile_live(cf))
		FAIL("a live file is not live");

	static const size_t slices[] = { 1, 3, 1000000 };
	size_t slice = slices[(h >> 5) % 3];
	uint64_t x = h | 1;
	size_t pieces = 1 + (size_t)(rnd(&x) % 48);
	enum capfile_state st = CAPFILE_SCANNING;
	uint64_t total = capfile_count(ref);
	for (;;) {
		uint64_t c0;
		do {   /* index what is there until the scan waits for more */
			c0 = capfile_count(cf);
			st = capfile_index_step(cf, slice);
		} while (st == CAPFILE_SCANNING && capfile_count(cf) != c0);
		if (st == CAPFILE_COMPLETE)
			FAIL("a live file completed after %zu of %zu bytes, before its writer ended", live_written, size);
		if (capfile_count(cf) > total)
			FAIL("%llu packets in a live file after %zu of %zu bytes, %llu in the whole file",
			     (unsigned long long)capfile_count(cf), live_written, size, (unsigned long long)total);
		if (st == CAPFILE_DAMAGED || live_written == size)
			break;
		size_t n = 1 + (size_t)(rnd(&x) % (2 * (size / pieces) + 1));
		live_append(n < size - live_written ? n : size - live_written);
	}
	if (st == CAPFILE_SCANNING && capfile_index_step(cf, slice) != CAPFILE_SCANNING)
		FAIL("a live file's scan ended with nothing new");
	capfile_live_end(cf);
	size_t steps = 0;
	while ((st = capfile_index_step(cf, slice)) == CAPFILE_SCANNING)
		if (++steps > size / 12 + 2)
			FAIL("the live scan does not end after its writer did");
	same_result(ref, cf, "the live file");
	capfile_close(cf);
}

static uint64_t fnv(const uint8_t *d, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	write_input(data, size);
	uint64_t h = fnv(data, size);
	unsigned magic = magic_of(data, size);

	char err[256] = "";
	enum capfile_error why = 0;
	struct capfile *cf = capfile_open(path, &why, err, sizeof err);
	if (!cf) {
		if (why != CAPFILE_ERR_NOT_CAPTURE)
			FAIL("open failed with error %d: %s", why, err);
		if (magic)
			FAIL("a file starting with a capture magic is refused: %s", err);
		if (!strstr(err, "not a capture file"))
			FAIL("refused with '%s'", err);
		return 0;
	}
	if (!magic)
		FAIL("a file without a capture magic opens (%zu bytes)", size);
	if (capfile_format(cf) != (magic == 1 ? CAPFILE_PCAPNG : CAPFILE_PCAP) || capfile_size(cf) != size ||
	    strcmp(capfile_path(cf), path))
		FAIL("format %d, size %llu, path %s", capfile_format(cf), (unsigned long long)capfile_size(cf),
		     capfile_path(cf));

	unsigned mode = h & 7;   /* 1: cancel; 2, 6: and the thread; 3: and a live file; else plain */
	if (mode == 1) {   /* close while the background scan runs */
		if (capfile_index_start(cf, err, sizeof err) < 0)
			FAIL("%s", err);
		capfile_close(cf);
		return 0;
	}

	static const size_t slices[] = { 1, 2, 17, 1000000 };
	size_t slice = slices[(h >> 2) & 3];
	size_t steps = 0;
	enum capfile_state st;
	while ((st = capfile_index_step(cf, slice)) == CAPFILE_SCANNING)
		if (++steps > size / 12 + 2)
			FAIL("the scan does not end: %zu steps of %zu packets, %llu packets", steps, slice,
			     (unsigned long long)capfile_count(cf));

	struct capfile_progress pr;
	capfile_progress(cf, &pr);
	if (pr.state != st || pr.packets != capfile_count(cf) || pr.bytes_total != size)
		FAIL("progress: state %d (step said %d), %llu packets (count %llu), total %llu", pr.state, st,
		     (unsigned long long)pr.packets, (unsigned long long)capfile_count(cf),
		     (unsigned long long)pr.bytes_total);
	check_reason(cf, &pr, size);
	check_ifaces(cf, magic, size);

	struct capfile_packet p, prev;
	for (uint64_t n = 0; n < pr.packets; n++) {
		check_packet(cf, n, n ? &prev : NULL, magic, size, &p);
		prev = p;
	}
	if (capfile_packet(cf, pr.packets, &p))
		FAIL("packet %llu of %llu can be read", (unsigned long long)pr.packets, (unsigned long long)pr.packets);
	if (pr.state == CAPFILE_COMPLETE && magic != 1) {
		uint64_t end = pr.packets ? prev.offset + prev.caplen : 24;
		if (end != size)
			FAIL("complete pcap file of %zu bytes whose last record ends at %llu", size, (unsigned long long)end);
	}
	if (capfile_index_step(cf, 3) != st || capfile_count(cf) != pr.packets)
		FAIL("a step after the end changed the state or the count");

	dissect_all(cf);
	check_comments(cf, magic);
	capfile_forget(cf, 0, pr.packets ? pr.packets - 1 : 0);
	if (mode == 2 || mode == 6)
		compare_thread(cf, size);
	if (mode == 3)   /* (a live file costs 5 ms: an 8 MiB chunk directory, for 1 TiB) */
		compare_live(cf, data, size, magic, h);
	capfile_close(cf);
	return 0;
}
