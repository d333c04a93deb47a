// SPDX-License-Identifier: GPL-2.0
/*
 * IKE SA objects: allocation, the worker's lookup tables, establishment
 * bookkeeping, teardown. Everything here runs in the owning worker's thread.
 */
#include "ikud.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

const char *const fail_reason_names[FAIL_MAX] = {
	[FAIL_NO_PROPOSAL] = "no_proposal_chosen",
	[FAIL_INVALID_KE] = "invalid_ke_payload",
	[FAIL_AUTH] = "authentication_failed",
	[FAIL_TS] = "ts_unacceptable",
	[FAIL_SYNTAX] = "invalid_syntax",
	[FAIL_TIMEOUT] = "timeout",
	[FAIL_PEER_ERROR] = "peer_error",
	[FAIL_KERNEL] = "kernel",
	[FAIL_LIMIT] = "half_open_limit",
	[FAIL_SOURCE_LIMIT] = "half_open_source_limit",
	[FAIL_PEER_LIMIT] = "peer_limit",
	[FAIL_DPD] = "dead_peer",
};

const char *sa_state_name(enum ike_sa_state s)
{
	switch (s) {
	case SA_INIT_SENT: return "init-sent";
	case SA_HALF_OPEN: return "half-open";
	case SA_AUTH_SENT: return "auth-sent";
	case SA_ESTABLISHED: return "established";
	case SA_REKEYED: return "rekeyed";
	case SA_DELETING: return "deleting";
	}
	return "?";
}

/* --- identifiers ------------------------------------------------------------ */

uint64_t sa_new_spi(struct shard *s)
{
	uint64_t spi;

	do {
		if (ike_random((uint8_t *)&spi, sizeof(spi)))
			spi = sgw_now_ms() * 0x9e3779b97f4a7c15ULL;
		spi = (spi & ~(0xffULL << IKUD_SHARD_SHIFT)) |
		      ((uint64_t)s->idx << IKUD_SHARD_SHIFT);
	} while (!(spi & 0xffffffffffffffULL) || sa_find(s, spi));
	return spi;
}

/* --- IKE SAs -------------------------------------------------------------- */

/* Half-open SAs and established ones at their hard lifetime go. */
void sa_expire_timer(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;

	(void)t;
	if (sa->state == SA_HALF_OPEN || sa->state == SA_INIT_SENT ||
	    sa->state == SA_AUTH_SENT) {
		sa_fail(sa->shard, FAIL_TIMEOUT);
		sa_destroy(sa, "half-open SA expired");
	} else {
		sa_destroy(sa, "IKE SA lifetime expired");
	}
}

struct ike_sa *sa_new(struct shard *s, const struct gw_rt *gw, bool initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return NULL;
	sa->shard = s;
	sa->gw = gw;
	snprintf(sa->gw_name, sizeof(sa->gw_name), "%s", gw->c->name);
	sa->uid = atomic_fetch_add(&s->d->next_uid, 1) + 1;
	sa->initiator = initiator;
	sa->fd = -1;
	sa->created_ms = sgw_now_ms();
	sa->last_rx_ms = sa->created_ms;
	sgw_timer_init(&sa->t_retrans, NULL, sa);
	sgw_timer_init(&sa->t_expire, sa_expire_timer, sa);
	/* dpd.c and rekey.c set their callbacks when they arm them */
	sgw_timer_init(&sa->t_dpd, NULL, sa);
	sgw_timer_init(&sa->t_rekey, NULL, sa);
	sa->by_spi.key = sa->by_init.key = sa->by_id.key = 0;
	sa->next = s->sas;
	if (s->sas)
		s->sas->prev = sa;
	s->sas = sa;
	s->st.half_open++;
	atomic_fetch_add(&s->d->half_open, 1);
	return sa;
}

static uint64_t our_spi(const struct ike_sa *sa)
{
	return sa->initiator ? sa->spi_i : sa->spi_r;
}

void sa_set_our_spi(struct ike_sa *sa, uint64_t spi)
{
	if (sa->initiator)
		sa->spi_i = spi;
	else
		sa->spi_r = spi;
	sgw_htab_add(&sa->shard->ike_by_spi, &sa->by_spi, spi);
}

struct ike_sa *sa_find(struct shard *s, uint64_t spi)
{
	struct sgw_hnode *n = sgw_htab_first(&s->ike_by_spi, spi);

	return n ? (struct ike_sa *)((char *)n - offsetof(struct ike_sa, by_spi)) : NULL;
}

/* What identifies a peer's IKE_SA_INIT: its SPIi, address and port, under
 * the keyed hash (a peer chooses all three, not which bucket they fill). */
uint64_t sa_init_key(uint64_t spi_i, const struct sockaddr_storage *peer)
{
	size_t len;
	const uint8_t *a = sgw_sockaddr_bytes(peer, &len);
	uint8_t key[2 + 16];

	sgw_put_be16(key, sgw_sockaddr_port(peer));
	memcpy(key + 2, a, len);
	return sgw_hash_bytes(key, 2 + len, spi_i);
}

struct ike_sa *sa_find_half_open(struct shard *s, uint64_t spi_i,
				 const struct sockaddr_storage *peer)
{
	struct sgw_hnode *n;

	for (n = sgw_htab_first(&s->ike_by_init, sa_init_key(spi_i, peer)); n;
	     n = sgw_htab_next(n)) {
		struct ike_sa *sa = (struct ike_sa *)((char *)n - offsetof(struct ike_sa, by_init));

		if (sa->spi_i == spi_i && sgw_sockaddr_equal(&sa->peer, peer))
			return sa;
	}
	return NULL;
}

void sa_index_half_open(struct ike_sa *sa)
{
	sgw_htab_add(&sa->shard->ike_by_init, &sa->by_init,
		     sa_init_key(sa->spi_i, &sa->peer));
	sgw_timer_set(&sa->shard->timers, &sa->t_expire,
		      sgw_now_ms() + IKUD_HALF_OPEN_TTL_MS);
}

static uint64_t id_key(const char *gw, const struct ike_id *id)
{
	return ike_id_hash(id, sgw_hash_bytes(gw, strlen(gw), 0));
}

void sa_free_init_material(struct ike_sa *sa)
{
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->cookie);
	sa->init_req = sa->init_resp = sa->cookie = NULL;
	sa->init_req_len = sa->init_resp_len = sa->cookie_len = 0;
	ike_dh_free(sa->dh);
	sa->dh = NULL;
}

static void release_source(struct ike_sa *sa)
{
	if (sa->halfopen_counted)
		halfopen_release(&sa->halfopen_addr);
	sa->halfopen_counted = false;
}

static void count_setup(struct shard_stats *st)
{
	uint64_t sec = sgw_now_ms() / 1000;
	unsigned int slot = sec % SETUP_RING;

	if (st->setup_sec[slot] != sec) {
		st->setup_sec[slot] = sec;
		st->setups[slot] = 0;
	}
	st->setups[slot]++;
}

/* The peer is up while an established IKE SA holds its entry (peers.c). */
static void hold_peer(struct ike_sa *sa)
{
	struct ike_id id;

	if (!sa->peer_entry && peers_key_of(sa, &id))
		sa->peer_entry = peers_hold(sa->gw_name, &id);
}

/*
 * Bookkeeping of an IKE SA that just got established (IKE_AUTH done, or a
 * rekey's new SA): counters, indexes, the hard lifetime. Its DPD and rekey
 * timers are armed by the caller (dpd_arm(), rekey_schedule()).
 */
void sa_established(struct ike_sa *sa)
{
	struct shard *s = sa->shard;
	uint64_t lifetime = sa->gw->c->ike_lifetime * 1000ULL;

	if (sa->state == SA_HALF_OPEN)
		sgw_htab_del(&s->ike_by_init, &sa->by_init);
	release_source(sa);
	if (sa->state == SA_HALF_OPEN || sa->state == SA_AUTH_SENT ||
	    sa->state == SA_INIT_SENT) {
		s->st.half_open--;
		atomic_fetch_sub(&s->d->half_open, 1);
		s->st.ike_sas++;
		if (!sa->is_rekey) {
			s->st.ike_established++;
			count_setup(&s->st);
		}
	}
	sa->state = SA_ESTABLISHED;
	sa->established_ms = sgw_now_ms();
	sa_free_init_material(sa);
	if (sa->peer_id_set)
		sgw_htab_add(&s->ike_by_id, &sa->by_id, id_key(sa->gw_name, &sa->peer_id));
	hold_peer(sa);
	/* Hard limit: the IKE lifetime plus the margin; we rekey before. */
	sgw_timer_set(&s->timers, &sa->t_expire,
		      sa->established_ms + lifetime + sa->gw->c->rekey_margin * 1000ULL);
}

/* An SA we initiated could not be set up: count, log, remove. */
void sa_setup_failed(struct ike_sa *sa, enum fail_reason r, const char *why)
{
	sa_fail(sa->shard, r);
	log_sa(sa, LOG_NOTICE, "IKE SA setup failed: %s", why);
	sa_destroy(sa, why);
}

void sa_destroy(struct ike_sa *sa, const char *why)
{
	struct shard *s = sa->shard;

	log_sa(sa, sa->state == SA_ESTABLISHED || sa->state == SA_DELETING ?
	       LOG_NOTICE : LOG_INFO, "IKE SA removed: %s", why);
	sa->tearing_down = true;
	child_remove_all(sa);
	sgw_timer_cancel(&s->timers, &sa->t_retrans);
	sgw_timer_cancel(&s->timers, &sa->t_expire);
	sgw_timer_cancel(&s->timers, &sa->t_dpd);
	sgw_timer_cancel(&s->timers, &sa->t_rekey);
	if (our_spi(sa) && sa->by_spi.key == our_spi(sa) &&
	    sa_find(s, our_spi(sa)) == sa)
		sgw_htab_del(&s->ike_by_spi, &sa->by_spi);
	release_source(sa);
	peers_release(sa->peer_entry);
	sa->peer_entry = NULL;
	switch (sa->state) {
	case SA_HALF_OPEN:
		sgw_htab_del(&s->ike_by_init, &sa->by_init);
		/* fall through */
	case SA_INIT_SENT:
	case SA_AUTH_SENT:
		s->st.half_open--;
		atomic_fetch_sub(&s->d->half_open, 1);
		break;
	default:
		if (sa->peer_id_set && sa->by_id.key)
			sgw_htab_del(&s->ike_by_id, &sa->by_id);
		s->st.ike_sas--;
		break;
	}
	if (sa->prev)
		sa->prev->next = sa->next;
	else
		s->sas = sa->next;
	if (sa->next)
		sa->next->prev = sa->prev;
	if (sa->req_new_child) {
		child_uninstall(sa->req_new_child, true);
		free(sa->req_new_child);
		sa->req_new_child = NULL;
	}
	sa_free_init_material(sa);
	ike_dh_free(sa->req_dh);
	free(sa->resp_cache.buf);
	free(sa->req_msg.buf);
	free(sa->parked_plain);
	X509_free(sa->peer_cert);
	sk_X509_pop_free(sa->peer_chain, X509_free);
	if (sa->frag_rx)
		ike_frag_rx_reset(sa->frag_rx);
	free(sa->frag_rx);
	ike_sa_keys_wipe(&sa->keys);
	explicit_bzero(sa, sizeof(*sa));
	free(sa);
}

/* INITIAL_CONTACT (§2.4): the peer lost its state; drop its older SAs. */
void sa_purge_id(struct shard *s, const char *gw, const struct ike_id *id,
		 uint64_t keep_uid)
{
	struct sgw_hnode *n = sgw_htab_first(&s->ike_by_id, id_key(gw, id));

	while (n) {
		struct ike_sa *sa = (struct ike_sa *)((char *)n - offsetof(struct ike_sa, by_id));

		n = sgw_htab_next(n);
		if (sa->uid == keep_uid || strcmp(sa->gw_name, gw) ||
		    !ike_id_equal(&sa->peer_id, id))
			continue;
		sa_destroy(sa, "replaced (INITIAL_CONTACT)");
	}
}
