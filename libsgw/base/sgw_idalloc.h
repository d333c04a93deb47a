/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgw_idalloc: round-robin allocation of 32-bit identifiers from a range
 * (ikud's reqids), skipping values still in use once the counter wraps.
 *
 * Values come in order first..last and then again from first; the caller's
 * in_use callback says whether a value is still held (for ikud: a tunnel's
 * policies still name it). Thread-safe: the counter is atomic; in_use must
 * be safe to call from any thread.
 */
#ifndef SGW_IDALLOC_H
#define SGW_IDALLOC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct sgw_idalloc {
	atomic_uint_fast32_t next;	/* offset of the next candidate */
	uint32_t first, span;		/* values first .. first + span - 1 */
	bool (*in_use)(uint32_t value, void *arg);
	void *arg;
};

/* Values first..last (inclusive, last >= first, not the whole 32-bit space). */
void sgw_idalloc_init(struct sgw_idalloc *a, uint32_t first, uint32_t last,
		      bool (*in_use)(uint32_t value, void *arg), void *arg);
/*
 * The next free value: 0 with *value set, or -EBUSY when every value of
 * the range was tried and found in use (the range is full).
 */
int sgw_idalloc_next(struct sgw_idalloc *a, uint32_t *value);

#endif
