/*
 * fieldview.h — one packet's field tree (layers foldable) and its bytes in
 * hex and ASCII, the selected field's bytes highlighted: what the lesson's
 * detail pane and the inspection screen both draw.
 *
 * The packet is dissected once, when it is set.  The tree has a cursor (the
 * selected field); in hex mode the cursor is a byte instead, and the field
 * selected is the deepest one that owns that byte (dissect_field_at), its
 * layer unfolded so it shows.
 *
 * Memory: the view owns its dissection; it borrows the packet's bytes,
 * which must stay valid until the next fieldview_set or fieldview_clear.
 */
#ifndef SOCKSCOPE_FIELDVIEW_H
#define SOCKSCOPE_FIELDVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dissect/dissect.h"
#include "tui/ui.h"

enum { FIELDVIEW_FOLDS = 8 };

struct fieldview {
	bool have;                /* a packet is set */
	const uint8_t *data;      /* borrowed */
	uint32_t caplen;
	struct dissection d;
	bool *folded;             /* per field */
	size_t *vis, nvis;        /* fields shown (children of folded ones hidden) */
	size_t sel, top, hex_top; /* sel indexes vis */
	bool hex;                 /* the cursor is in the bytes */
	uint32_t cur;             /* the byte under it, in hex mode */
	/* Folded layers, by name, once the user folded or unfolded one; until
	 * then every layer but the innermost (TCP, UDP...) starts folded. */
	bool user_folds;
	char fold_names[FIELDVIEW_FOLDS][FIELD_NAME_MAX];
	size_t nfold_names;
	int page, hex_page;
	struct ui_lines lines;
};

/* Dissect a packet and show it (the fold choices of earlier packets kept). */
void fieldview_set(struct fieldview *f, int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* Forget the packet (nothing shown). */
void fieldview_clear(struct fieldview *f);
/* fieldview_clear and free the rest; the struct itself is the caller's. */
void fieldview_free(struct fieldview *f);

/* The selected field, or NULL. */
const struct field *fieldview_selected(const struct fieldview *f);
/* Put the cursor into the bytes (at the selected field's first byte) or
 * back into the tree. */
void fieldview_hex_mode(struct fieldview *f, bool on);

/* Draw inside r: `headline` (the packet's whole line, wrapped, may be
 * NULL) over the tree, the bytes below it or beside it when r is wide. */
void fieldview_draw(struct fieldview *f, struct rect r, const char *headline, enum term_color headcolor);
/* Movement, folding, and in hex mode moving by byte.  UI_IGNORED when the
 * key is not the view's. */
enum ui_result fieldview_key(struct fieldview *f, int key);
/* Its keys, for the help of the screens that show one. */
extern const struct key_table fieldview_keys;

#endif
