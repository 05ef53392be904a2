/*
 * fuzz_dissect.c — a libFuzzer target for the whole packet decoder.
 *
 * Input: byte 0 picks the link type from the table below (every type
 * dissect.c knows, plus one it does not), byte 1 how many bytes the frame
 * had on the wire beyond those captured (0-255: a cut capture), the rest is
 * the captured frame, copied to a heap block of exactly its size so ASan
 * sees a read one byte past it.  Each input is decoded with and without
 * DISSECT_NO_TEXT, every field is checked to lie within the capture and the
 * tree to be pre-ordered, and the summary is written through a flow table
 * kept across inputs (renewed every 10000 so its memory stays bounded), so
 * TCP analysis state built by earlier inputs meets later ones; the analysis
 * fields flowtab_analyse appends are checked like the others.
 * Built by -DSOCKSCOPE_FUZZ=ON with clang; see docs/fuzzing.md.
 */
#include "dissect/dissect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[] = {
	LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_LOOP, LINK_LINUX_SLL,
	LINK_IPV4, LINK_IPV6, LINK_LINUX_SLL2, 147 /* not decoded */,
};

static struct flowtab *flows;
static unsigned uses;

static void check_tree(const struct dissection *d)
{
	int prev_depth = -1;
	for (size_t i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];
		if (f->off > d->caplen || f->len > d->caplen - f->off) {
			fprintf(stderr, "field %zu '%s' [%u+%u] outside capture %u\n", i, f->name, f->off,
			        f->len, d->caplen);
			abort();
		}
		if ((int)f->depth > prev_depth + 1 && i > 0) {
			fprintf(stderr, "field %zu '%s' depth %u after depth %d\n", i, f->name, f->depth,
			        prev_depth);
			abort();
		}
		prev_depth = f->depth;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 70000)
		return 0;
	int lt = links[data[0] % (sizeof links / sizeof links[0])];
	uint32_t caplen = (uint32_t)(size - 2);
	uint32_t wirelen = caplen + data[1];
	uint8_t *frame = malloc(caplen ? caplen : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 2, caplen);

	if (!flows || ++uses > 10000) {
		flowtab_free(flows);
		flows = flowtab_new();
		uses = 0;
	}
	struct dissection d;
	char sum[512], ep[80];
	dissect_frame(lt, frame, caplen, wirelen, &d);
	check_tree(&d);
	flowtab_analyse(flows, &d);   /* appends the TCP analysis layer */
	check_tree(&d);
	dissect_summary(&d, flows, sum, sizeof sum);
	dissect_summary(&d, NULL, sum, sizeof sum);
	uint32_t seq, ack;
	flowtab_relative(flows, &d, &seq, &ack);
	dissect_endpoint(&d.info, true, ep, sizeof ep);
	dissect_endpoint(&d.info, false, ep, sizeof ep);
	if (caplen)
		(void)dissect_field_at(&d, caplen - 1);
	if (strlen(sum) >= sizeof sum)
		abort();

	/* The list view's cheap mode must tell the same story. */
	struct dissection q;
	memset(&q, 0, sizeof q);
	dissect_frame_opt(lt, frame, caplen, wirelen, DISSECT_NO_TEXT | DISSECT_REUSE, &q);
	check_tree(&q);
	size_t analysis = d.info.tcp_analysis ? 1 + (size_t)__builtin_popcount(d.info.tcp_analysis) : 0;   /* its layer and fields */
	if (q.status != d.status || q.nfields + analysis != d.nfields) {
		fprintf(stderr, "NO_TEXT dissection differs: status %d/%d, %zu/%zu fields\n", q.status,
		        d.status, q.nfields, d.nfields);
		abort();
	}
	char sum2[512];
	dissect_summary(&q, NULL, sum2, sizeof sum2);
	dissection_free(&q);
	dissection_free(&d);
	free(frame);
	return 0;
}
