// SPDX-License-Identifier: GPL-2.0
/*
 * Half-open responder IKE SAs per source address, daemon-wide (a source's
 * requests reach every worker: SO_REUSEPORT hashes the port too). A new
 * IKE_SA_INIT is admitted while its address holds fewer than
 * half-open-per-source and the daemon fewer than half-open-limit; the
 * caller checks the cookie first, so an address counted here is one that
 * receives what we send.
 */
#include "ikud.h"

#include <stdlib.h>
#include <string.h>

struct halfopen_src {
	struct sgw_hnode node;		/* key: keyed hash of the address */
	uint8_t family;
	uint8_t addr[16];
	unsigned int count;
};

static pthread_mutex_t halfopen_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgw_htab halfopen_tab;

static uint64_t src_key(const uint8_t *a, size_t len)
{
	return sgw_hash_bytes(a, len, 0x68616c666f70656eULL);
}

/* Under halfopen_lock. */
static struct halfopen_src *src_find(const struct sockaddr_storage *peer, bool create)
{
	size_t len;
	const uint8_t *a = sgw_sockaddr_bytes(peer, &len);
	uint64_t key = src_key(a, len);
	struct sgw_hnode *n;
	struct halfopen_src *h;

	if (!halfopen_tab.b && sgw_htab_init(&halfopen_tab, 1024))
		return NULL;
	for (n = sgw_htab_first(&halfopen_tab, key); n; n = sgw_htab_next(n)) {
		h = (struct halfopen_src *)n;
		if (h->family == peer->ss_family && !memcmp(h->addr, a, len))
			return h;
	}
	if (!create || !(h = calloc(1, sizeof(*h))))
		return NULL;
	h->family = (uint8_t)peer->ss_family;
	memcpy(h->addr, a, len);
	sgw_htab_add(&halfopen_tab, &h->node, key);
	return h;
}

enum halfopen_verdict halfopen_admit(struct daemon *d, const struct ike_conf *c,
				     const struct sockaddr_storage *peer)
{
	struct halfopen_src *h;
	enum halfopen_verdict v = HALFOPEN_OK;

	pthread_mutex_lock(&halfopen_lock);
	h = src_find(peer, true);
	if (!h)
		v = HALFOPEN_GLOBAL;	/* out of memory: refuse, count nothing */
	else if (c->half_open_per_source && h->count >= c->half_open_per_source)
		v = HALFOPEN_SOURCE;
	else if ((uint32_t)atomic_load(&d->half_open) >= c->half_open_max)
		v = HALFOPEN_GLOBAL;
	else
		h->count++;
	if (h && !h->count) {
		sgw_htab_del(&halfopen_tab, &h->node);
		free(h);
	}
	pthread_mutex_unlock(&halfopen_lock);
	return v;
}

void halfopen_release(const struct sockaddr_storage *peer)
{
	struct halfopen_src *h;

	pthread_mutex_lock(&halfopen_lock);
	h = src_find(peer, false);
	if (h && !--h->count) {
		sgw_htab_del(&halfopen_tab, &h->node);
		free(h);
	}
	pthread_mutex_unlock(&halfopen_lock);
}

unsigned int halfopen_of(const struct sockaddr_storage *peer)
{
	struct halfopen_src *h;
	unsigned int n;

	pthread_mutex_lock(&halfopen_lock);
	h = src_find(peer, false);
	n = h ? h->count : 0;
	pthread_mutex_unlock(&halfopen_lock);
	return n;
}
