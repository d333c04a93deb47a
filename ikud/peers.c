// SPDX-License-Identifier: GPL-2.0
/*
 * The peers the metrics follow, up or down, so that a tunnel that goes
 * down stays visible as down instead of vanishing with its SAs.
 *
 * A peer is a gateway and an identity; it is up while it has at least one
 * established IKE SA (its count, held by the SAs themselves through
 * peers_hold() and peers_release()), and the entry keeps the time of its
 * last change. Entries come from two places:
 *   - the configuration (peers_configure(), at start and reload): every
 *     exact identity of a `peer` rule, and every `initiate` peer (its
 *     `remote-id` when that is one exact identity, else its address as an
 *     address identity); these stay, up or down, while configured;
 *   - the SAs: an identity that establishes an IKE SA gets an entry if it
 *     has none.
 * An entry that is neither configured nor up is forgettable: those wait in
 * a list, the one down longest first, and beyond `peer-history` of them
 * the first is forgotten (counted). Memory is thus one entry per
 * configured peer, per identity with an IKE SA (each of which costs the
 * SA far more), and per remembered down peer, at most peer-history.
 *
 * One lock, shared by the workers (at establishment and removal of IKE
 * SAs, an O(1) hash lookup) and the control thread (walks).
 */
#include "ikud.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct peer_entry {
	struct sgw_hnode node;		/* in peers_table: hash of gateway and identity */
	struct peer_entry *prev, *next;	/* every entry, for walks */
	struct peer_entry *fprev, *fnext;	/* forgettable ones, the oldest first */
	char gw[IKE_CONF_NAME_MAX];
	struct ike_id id;
	unsigned int ike_sas;		/* established IKE SAs holding it */
	bool configured;
	bool forgettable;		/* in the forgettable list */
	int64_t changed;		/* wall clock (s) of the last up/down change */
};

static pthread_mutex_t peers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgw_htab peers_table;
static struct peer_entry *peers_all;
static struct peer_entry *peers_fhead, *peers_ftail;
static size_t peers_n, peers_nforgettable;
static uint32_t peers_history = IKE_CONF_PEER_HISTORY_DEFAULT;
static uint64_t peers_forgotten;

static uint64_t peers_key(const char *gw, const struct ike_id *id)
{
	return ike_id_hash(id, sgw_hash_bytes(gw, strlen(gw), 0x70656572));
}

static int64_t peers_now(void)
{
	return (int64_t)time(NULL);
}

static struct peer_entry *peers_find(const char *gw, const struct ike_id *id)
{
	struct sgw_hnode *n;

	if (!peers_table.b)
		return NULL;
	for (n = sgw_htab_first(&peers_table, peers_key(gw, id)); n; n = sgw_htab_next(n)) {
		struct peer_entry *e = (struct peer_entry *)((char *)n -
							     offsetof(struct peer_entry, node));

		if (!strcmp(e->gw, gw) && ike_id_equal(&e->id, id))
			return e;
	}
	return NULL;
}

static struct peer_entry *peers_add(const char *gw, const struct ike_id *id)
{
	struct peer_entry *e;

	if (!peers_table.b && sgw_htab_init(&peers_table, 64))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	snprintf(e->gw, sizeof(e->gw), "%s", gw);
	e->id = *id;
	e->changed = peers_now();
	sgw_htab_add(&peers_table, &e->node, peers_key(gw, id));
	e->next = peers_all;
	if (peers_all)
		peers_all->prev = e;
	peers_all = e;
	peers_n++;
	return e;
}

static struct peer_entry *peers_get(const char *gw, const struct ike_id *id)
{
	struct peer_entry *e = peers_find(gw, id);

	return e ? e : peers_add(gw, id);
}

static void peers_unforget(struct peer_entry *e)
{
	if (!e->forgettable)
		return;
	if (e->fprev)
		e->fprev->fnext = e->fnext;
	else
		peers_fhead = e->fnext;
	if (e->fnext)
		e->fnext->fprev = e->fprev;
	else
		peers_ftail = e->fprev;
	e->fprev = e->fnext = NULL;
	e->forgettable = false;
	peers_nforgettable--;
}

static void peers_free(struct peer_entry *e)
{
	peers_unforget(e);
	sgw_htab_del(&peers_table, &e->node);
	if (e->prev)
		e->prev->next = e->next;
	else
		peers_all = e->next;
	if (e->next)
		e->next->prev = e->prev;
	peers_n--;
	free(e);
}

/* Beyond peer-history forgettable entries, the oldest go. */
static void peers_trim(void)
{
	while (peers_nforgettable > peers_history) {
		peers_free(peers_fhead);
		peers_forgotten++;
	}
}

/* An entry neither configured nor up joins the end of the list. */
static void peers_may_forget(struct peer_entry *e)
{
	if (e->configured || e->ike_sas || e->forgettable)
		return;
	e->forgettable = true;
	e->fprev = peers_ftail;
	if (peers_ftail)
		peers_ftail->fnext = e;
	else
		peers_fhead = e;
	peers_ftail = e;
	peers_nforgettable++;
}

static void peers_set_configured(const char *gw, const struct ike_id *id)
{
	struct peer_entry *e = peers_get(gw, id);

	if (!e)
		return;
	e->configured = true;
	peers_unforget(e);
}

/* An initiate peer's identity: remote-id when it names one, else the address. */
static void peers_initiate_id(const struct ike_conf_gateway *gw, const struct sgw_prefix *addr,
			      struct ike_id *id)
{
	if (!ike_id_pattern_is_any(&gw->initiate_remote_id) && !gw->initiate_remote_id.wildcard) {
		*id = gw->initiate_remote_id.id;
		return;
	}
	memset(id, 0, sizeof(*id));
	id->type = addr->family == AF_INET ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR;
	id->len = (uint16_t)sgw_addr_len(addr->family);
	memcpy(id->data, addr->addr, id->len);
}

void peers_configure(const struct ike_conf *c)
{
	struct peer_entry *e, *next;
	size_t g, k;

	pthread_mutex_lock(&peers_lock);
	for (e = peers_all; e; e = e->next)
		e->configured = false;
	for (g = 0; g < c->n_gateways; g++) {
		const struct ike_conf_gateway *gw = &c->gateways[g];

		for (k = 0; k < gw->n_peers; k++)
			if (!gw->peers[k].id.wildcard && !ike_id_pattern_is_any(&gw->peers[k].id))
				peers_set_configured(gw->name, &gw->peers[k].id.id);
		for (k = 0; k < gw->n_initiate; k++) {
			struct ike_id id;

			peers_initiate_id(gw, &gw->initiate[k], &id);
			peers_set_configured(gw->name, &id);
		}
	}
	for (e = peers_all; e; e = next) {
		next = e->next;
		if (e->configured || e->ike_sas)
			continue;
		if (!ike_conf_gateway_by_name(c, e->gw))
			peers_free(e);		/* its gateway is gone: so are its SAs */
		else
			peers_may_forget(e);
	}
	peers_history = c->peer_history;
	peers_trim();
	pthread_mutex_unlock(&peers_lock);
}

bool peers_key_of(const struct ike_sa *sa, struct ike_id *id)
{
	const struct ike_conf_gateway *gw = sa->gw->c;
	size_t k;

	if (ike_id_pattern_is_any(&gw->initiate_remote_id) || gw->initiate_remote_id.wildcard) {
		for (k = 0; k < gw->n_initiate; k++) {
			struct sockaddr_storage a;

			sgw_sockaddr_from_prefix(&gw->initiate[k], sgw_sockaddr_port(&sa->peer), &a);
			if (sgw_sockaddr_equal(&a, &sa->peer)) {
				peers_initiate_id(gw, &gw->initiate[k], id);
				return true;
			}
		}
	}
	*id = sa->peer_id;
	return sa->peer_id_set;
}

struct peer_entry *peers_hold(const char *gw, const struct ike_id *id)
{
	struct peer_entry *e;

	pthread_mutex_lock(&peers_lock);
	e = peers_get(gw, id);
	if (e) {
		if (!e->ike_sas++)
			e->changed = peers_now();
		peers_unforget(e);
	}
	pthread_mutex_unlock(&peers_lock);
	return e;
}

void peers_release(struct peer_entry *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&peers_lock);
	if (e->ike_sas && !--e->ike_sas) {
		e->changed = peers_now();
		peers_may_forget(e);
		peers_trim();		/* e itself with peer-history 0 */
	}
	pthread_mutex_unlock(&peers_lock);
}

void peers_walk(peers_walk_fn fn, void *arg)
{
	const struct peer_entry *e;

	pthread_mutex_lock(&peers_lock);
	for (e = peers_all; e; e = e->next) {
		struct peers_view v = {
			.gateway = e->gw, .id = &e->id, .configured = e->configured,
			.ike_sas = e->ike_sas, .changed = e->changed,
		};

		fn(&v, arg);
	}
	pthread_mutex_unlock(&peers_lock);
}

void peers_get_stats(struct peers_stats *st)
{
	pthread_mutex_lock(&peers_lock);
	st->entries = peers_n;
	st->forgettable = peers_nforgettable;
	st->history = peers_history;
	st->forgotten = peers_forgotten;
	pthread_mutex_unlock(&peers_lock);
}

void peers_clear(void)
{
	pthread_mutex_lock(&peers_lock);
	while (peers_all)
		peers_free(peers_all);
	sgw_htab_free(&peers_table);
	memset(&peers_table, 0, sizeof(peers_table));
	peers_forgotten = 0;
	peers_history = IKE_CONF_PEER_HISTORY_DEFAULT;
	pthread_mutex_unlock(&peers_lock);
}
