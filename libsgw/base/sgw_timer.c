// SPDX-License-Identifier: GPL-2.0
/* sgw_timer: binary min-heap of timers (see sgw_timer.h). */
#include "base/sgw_timer.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

uint64_t sgw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void sgw_timer_init(struct sgw_timer *t, sgw_timer_fn fn, void *arg)
{
	t->when = 0;
	t->slot = SGW_TIMER_IDLE;
	t->fn = fn;
	t->arg = arg;
}

static void place(struct sgw_timer_heap *h, size_t i, struct sgw_timer *t)
{
	h->v[i] = t;
	t->slot = i;
}

static void sift_up(struct sgw_timer_heap *h, size_t i)
{
	struct sgw_timer *t = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (h->v[parent]->when <= t->when)
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct sgw_timer_heap *h, size_t i)
{
	struct sgw_timer *t = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->when < h->v[c]->when)
			c++;
		if (t->when <= h->v[c]->when)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, t);
}

int sgw_timer_set(struct sgw_timer_heap *h, struct sgw_timer *t, uint64_t when)
{
	if (sgw_timer_armed(t)) {
		uint64_t old = t->when;

		t->when = when;
		if (when < old)
			sift_up(h, t->slot);
		else
			sift_down(h, t->slot);
		return 0;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		struct sgw_timer **v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	t->when = when;
	place(h, h->n++, t);
	sift_up(h, t->slot);
	return 0;
}

void sgw_timer_cancel(struct sgw_timer_heap *h, struct sgw_timer *t)
{
	size_t i = t->slot;

	if (!sgw_timer_armed(t))
		return;
	t->slot = SGW_TIMER_IDLE;
	h->n--;
	if (i == h->n)
		return;
	place(h, i, h->v[h->n]);
	if (i > 0 && h->v[i]->when < h->v[(i - 1) / 2]->when)
		sift_up(h, i);
	else
		sift_down(h, i);
}

int sgw_timer_next(const struct sgw_timer_heap *h, uint64_t now)
{
	uint64_t d;

	if (!h->n)
		return -1;
	if (h->v[0]->when <= now)
		return 0;
	d = h->v[0]->when - now;
	return d > 3600000 ? 3600000 : (int)d;
}

unsigned int sgw_timer_run(struct sgw_timer_heap *h, uint64_t now)
{
	unsigned int fired = 0;

	while (h->n && h->v[0]->when <= now) {
		struct sgw_timer *t = h->v[0];

		sgw_timer_cancel(h, t);
		t->fn(t, t->arg);
		fired++;
	}
	return fired;
}

void sgw_timer_heap_free(struct sgw_timer_heap *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		h->v[i]->slot = SGW_TIMER_IDLE;
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
