// SPDX-License-Identifier: GPL-2.0
/* Round-robin identifiers that skip values still in use (sgw_idalloc.h). */
#include "base/sgw_idalloc.h"

#include <errno.h>

void sgw_idalloc_init(struct sgw_idalloc *a, uint32_t first, uint32_t last,
		      bool (*in_use)(uint32_t value, void *arg), void *arg)
{
	atomic_init(&a->next, 0);
	a->first = first;
	a->span = last - first + 1;
	a->in_use = in_use;
	a->arg = arg;
}

int sgw_idalloc_next(struct sgw_idalloc *a, uint32_t *value)
{
	uint32_t tries;

	/* Round robin keeps a freed value unused for as long as possible (a
	 * late kernel event naming it finds nothing); past a wrap, values a
	 * long-lived holder keeps are skipped. */
	for (tries = 0; tries < a->span; tries++) {
		uint32_t n = (uint32_t)atomic_fetch_add(&a->next, 1) % a->span;
		uint32_t v = a->first + n;

		if (!a->in_use || !a->in_use(v, a->arg)) {
			*value = v;
			return 0;
		}
	}
	return -EBUSY;
}
