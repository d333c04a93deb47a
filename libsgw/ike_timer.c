// SPDX-License-Identifier: GPL-2.0
/* ike_timer: binary min-heap of timers (see ike_timer.h). */
#include "ike_timer.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

uint64_t ike_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void ike_timer_init(struct ike_timer *t, ike_timer_fn fn, void *arg)
{
	t->when = 0;
	t->slot = IKE_TIMER_IDLE;
	t->fn = fn;
	t->arg = arg;
}

static void place(struct ike_timer_heap *h, size_t i, struct ike_timer *t)
{
	h->v[i] = t;
	t->slot = i;
}

static void sift_up(struct ike_timer_heap *h, size_t i)
{
	struct ike_timer *t = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (h->v[parent]->when <= t->when)
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct ike_timer_heap *h, size_t i)
{
	struct ike_timer *t = h->v[i];

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

int ike_timer_set(struct ike_timer_heap *h, struct ike_timer *t, uint64_t when)
{
	if (ike_timer_armed(t)) {
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
		struct ike_timer **v = realloc(h->v, cap * sizeof(*v));

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

void ike_timer_cancel(struct ike_timer_heap *h, struct ike_timer *t)
{
	size_t i = t->slot;

	if (!ike_timer_armed(t))
		return;
	t->slot = IKE_TIMER_IDLE;
	h->n--;
	if (i == h->n)
		return;
	place(h, i, h->v[h->n]);
	if (i > 0 && h->v[i]->when < h->v[(i - 1) / 2]->when)
		sift_up(h, i);
	else
		sift_down(h, i);
}

int ike_timer_next(const struct ike_timer_heap *h, uint64_t now)
{
	uint64_t d;

	if (!h->n)
		return -1;
	if (h->v[0]->when <= now)
		return 0;
	d = h->v[0]->when - now;
	return d > 3600000 ? 3600000 : (int)d;
}

unsigned int ike_timer_run(struct ike_timer_heap *h, uint64_t now)
{
	unsigned int fired = 0;

	while (h->n && h->v[0]->when <= now) {
		struct ike_timer *t = h->v[0];

		ike_timer_cancel(h, t);
		t->fn(t, t->arg);
		fired++;
	}
	return fired;
}

void ike_timer_heap_free(struct ike_timer_heap *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		h->v[i]->slot = IKE_TIMER_IDLE;
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
