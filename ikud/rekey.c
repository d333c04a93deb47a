// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE_CHILD_SA (RFC 7296 §1.3): new and rekeyed CHILD_SAs and rekeyed
 * IKE SAs, from either side.
 *
 * CHILD_SA rekeying is driven by the kernel: the inbound SA carries a soft
 * lifetime (lifetime - margin - jitter); its soft-expire event starts our
 * CREATE_CHILD_SA. The successor keeps the reqid, so the policies stay and
 * the traffic moves without a gap (make before break); the exchange's
 * initiator deletes the old SA afterwards. As responder we hold the new
 * outbound SA back until the old CHILD_SA goes: the initiator installs its
 * new inbound SA only when our response arrives. Simultaneous rekeys of the same
 * SA are resolved as §2.8.1 says: the redundant SA created with the lowest
 * nonce is deleted by the side that created it.
 *
 * IKE SA rekeying is driven by the IKE SA's rekey timer; the CHILD_SAs move
 * to the new IKE SA and the old one is deleted by the exchange's initiator.
 * When both sides rekey the same IKE SA at once (§2.8.2), both requests are
 * answered; of the two new IKE SAs, the one whose exchange had the lowest of
 * the four nonces is redundant and deleted by its initiator, the CHILD_SAs
 * end on the other one, and that one's initiator deletes the old IKE SA.
 * A replaced or redundant IKE SA the peer does not delete in time is deleted
 * by us (with a DELETE, so that a peer that missed the collision converges).
 */
#include "ikud.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

/* Nonces compare as big numbers of their bytes (§2.8.1 "lowest nonce"). */
static int nonce_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int r = memcmp(a, b, n);

	if (r)
		return r;
	return al < bl ? -1 : al > bl;
}

static void min_nonce(const uint8_t *a, size_t al, const uint8_t *b, size_t bl,
		      const uint8_t **out, size_t *outl)
{
	if (nonce_cmp(a, al, b, bl) <= 0) {
		*out = a;
		*outl = al;
	} else {
		*out = b;
		*outl = bl;
	}
}

/*
 * A nonce of ours for a CREATE_CHILD_SA exchange; initiator: of that
 * exchange. With the collision test aid, BIAS_WIN puts our Ni high and our
 * Nr low, so the lowest of the four nonces is ours in the peer's exchange;
 * BIAS_LOSE the reverse.
 */
static int rekey_nonce(const struct ike_sa *sa, uint8_t *n, size_t len, bool initiator)
{
	int bias = atomic_load(&sa->shard->d->collision_bias);

	if (ike_random(n, len))
		return -1;	/* no nonce without the random generator */
	if (bias != BIAS_NONE && len >= 4)
		memset(n, (bias == BIAS_WIN) == initiator ? 0xff : 0x00, 4);
	return 0;
}

/* --- responder --------------------------------------------------------------- */

/*
 * The IKE SA n, just keyed by a rekey of sa (either side's), takes over the
 * peer, its identity and the CHILD_SAs, and is established. A rekey
 * collision counts once (count false for its second new SA).
 */
static void ike_sa_take_over(struct ike_sa *n, struct ike_sa *sa,
			     const struct ike_suite *suite, bool count)
{
	n->suite = *suite;
	n->peer = sa->peer;
	n->local = sa->local;
	n->fd = sa->fd;
	n->natt = sa->natt;
	n->nat_peer = sa->nat_peer;
	n->nat_local = sa->nat_local;
	n->peer_id = sa->peer_id;
	n->peer_id_set = sa->peer_id_set;
	n->children = sa->children;
	sa->children = NULL;
	for (struct child_sa *c = n->children; c; c = c->next)
		c->ike = n;
	sa_established(n);
	dpd_arm(n);
	rekey_schedule(n);
	if (count)
		sa->shard->st.ike_rekeys++;
}

/*
 * A replaced IKE SA the peer did not delete in time: tell the peer, as one
 * that missed a rekey collision (§2.8.2) may still hold it as established.
 */
static void retired_expired(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;

	(void)t;
	delete_send_ike(sa);
	sa_destroy(sa, "rekeyed SA not deleted by the peer: deleted");
}

/* A replaced IKE SA waits (bounded) for the DELETE of whoever owns it. */
static void ike_sa_retire(struct ike_sa *sa, struct ike_sa *successor, uint32_t wait_ms)
{
	struct shard *s = sa->shard;

	sa->state = SA_REKEYED;
	sa->rekeyed_to = successor;
	sgw_timer_cancel(&s->timers, &sa->t_dpd);
	sgw_timer_cancel(&s->timers, &sa->t_rekey);
	sa->t_expire.fn = retired_expired;
	sgw_timer_set(&s->timers, &sa->t_expire, sgw_now_ms() + wait_ms);
}

/* A retired IKE SA that no successor replaced after all is in use again. */
static void ike_sa_unretire(struct ike_sa *sa)
{
	struct shard *s = sa->shard;
	const struct ike_conf_gateway *c = sa->gw->c;

	sa->state = SA_ESTABLISHED;
	sa->rekeyed_to = NULL;
	sa->t_expire.fn = sa_expire_timer;
	sgw_timer_set(&s->timers, &sa->t_expire,
		      sa->established_ms + (c->ike_lifetime + c->rekey_margin) * 1000ULL);
	rekey_retry(sa, 10000);
	dpd_arm(sa);
}

static void respond_rekey_ike(struct ike_sa *sa, struct ike_msg *m)
{
	struct shard *s = sa->shard;
	const struct gw_rt *gw = sa->gw;
	struct ike_suite suite;
	struct ike_sa *n;
	struct ike_dh *dh;
	struct ike_builder b;
	struct ike_proposal p;
	uint8_t pub[IKE_DH_MAX_LEN], gir[IKE_DH_MAX_LEN], nr[IKUD_NONCE_LEN], spi[8], grp[2];
	size_t pub_len, gir_len, grp_len;
	uint16_t notify;
	bool collide = sa->req == REQ_REKEY_IKE;

	if (sa->req == REQ_DELETE_IKE) {
		/* §2.25.2: we are closing it ourselves */
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	if (!m->ke.present || !m->nonce.present) {
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	notify = config_select_ike(gw, m, &suite, grp, &grp_len);
	if (notify) {
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, notify, grp, grp_len);
		return;
	}
	if (suite.spi_size != 8) {
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	dh = ike_dh_new(suite.dh, gw->select_flags & IKE_SELECT_ALLOW_LEGACY);
	if (!dh || ike_dh_public(dh, pub, sizeof(pub), &pub_len) ||
	    ike_dh_shared(dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
		ike_dh_free(dh);
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	ike_dh_free(dh);
	n = sa_new(s, gw, false);
	if (!n) {
		explicit_bzero(gir, sizeof(gir));
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	n->is_rekey = true;
	n->rekey_of = sa->initiator ? sa->spi_i : sa->spi_r;
	n->state = SA_AUTH_SENT;	/* not yet established: counted half-open */
	n->spi_i = sgw_get_be64(suite.spi);
	sa_set_our_spi(n, sa_new_spi(s));
	if (rekey_nonce(sa, nr, sizeof(nr), false) ||
	    ike_derive_rekeyed_sa_keys(&sa->keys, &suite, gir, gir_len, m->nonce.data,
				       m->nonce.len, nr, sizeof(nr), n->spi_i, n->spi_r,
				       &n->keys)) {
		explicit_bzero(gir, sizeof(gir));
		sa_destroy(n, "key derivation failed");
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	n->keys_ready = true;
	sgw_put_be64(spi, n->spi_r);
	exchange_begin(sa, &b, IKE_CREATE_CHILD_SA, true, sa->recv_mid);
	ike_suite_to_proposal(&suite, suite.prop_num, spi, 8, &p);
	ike_build_sa(&b, &p, 1);
	ike_build_nonce(&b, nr, sizeof(nr));
	ike_build_ke(&b, suite.dh, pub, pub_len);
	if (exchange_send_response(sa, &b)) {
		sa_destroy(n, "cannot answer");
		return;
	}
	/* The new SA takes over the peer, its identity and the CHILD_SAs. */
	ike_sa_take_over(n, sa, &suite, true);
	ike_sa_retire(sa, n, 60000);
	if (collide) {
		/* §2.8.2: our own rekey of sa is pending; its response decides */
		const uint8_t *mn;
		size_t ml;

		min_nonce(m->nonce.data, m->nonce.len, nr, sizeof(nr), &mn, &ml);
		memcpy(sa->collide_nonce, mn, ml);
		sa->collide_nonce_len = (uint16_t)ml;
		sa->collide_ike_spi = n->spi_r;
		log_sa(sa, LOG_INFO, "IKE SA rekey collision: answered the peer's rekey");
	}
	{
		char str[128];

		ike_suite_to_string(&suite, str, sizeof(str));
		log_sa(n, LOG_NOTICE, "IKE SA rekeyed by the peer (%s), old %016llx_i %016llx_r",
		       str, (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r);
	}
}

static void respond_child(struct ike_sa *sa, struct ike_msg *m,
			  const struct ike_notify *rekey)
{
	struct shard *s = sa->shard;
	const struct gw_rt *gw = sa->gw;
	struct child_sa *old = NULL, *c;
	struct ike_builder b;
	struct ike_proposal p;
	struct ike_dh *dh = NULL;
	uint8_t pub[IKE_DH_MAX_LEN], gir[IKE_DH_MAX_LEN], nr[IKUD_NONCE_LEN], spi[4];
	size_t pub_len = 0, gir_len = 0;
	uint16_t notify = 0;
	enum ike_select_result r;

	if (rekey) {
		if (rekey->proto != IKE_PROTO_ESP || rekey->spi_size != 4 ||
		    !(old = child_find_out(sa, sgw_get_be32(rekey->spi)))) {
			exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_CHILD_SA_NOT_FOUND,
					 NULL, 0);
			return;
		}
		if (sa->req == REQ_DELETE_CHILD && sa->req_child == old) {
			/* §2.25.1: we are closing it */
			exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_TEMPORARY_FAILURE,
					 NULL, 0);
			return;
		}
	}
	if (!m->nonce.present || !m->sa.present || !m->tsi.present || !m->tsr.present) {
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_INVALID_SYNTAX, NULL, 0);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, IKE_N_TEMPORARY_FAILURE, NULL, 0);
		return;
	}
	c->ike = sa;
	c->created_ms = sgw_now_ms();
	r = ike_proposal_select(gw->esp, gw->n_esp, m->sa.prop, m->sa.n, gw->select_flags,
				m->ke.present ? m->ke.group : 0, &c->suite);
	if (r == IKE_SELECT_INVALID_KE) {
		uint8_t grp[2];
		size_t grp_len;

		notify = ike_select_refusal(r, &c->suite, grp, &grp_len);
		free(c);
		exchange_respond_error(sa, IKE_CREATE_CHILD_SA, notify, grp, grp_len);
		return;
	}
	if (r != IKE_SELECT_OK || c->suite.spi_size != 4) {
		notify = IKE_N_NO_PROPOSAL_CHOSEN;
		goto fail;
	}
	c->spi_out = sgw_get_be32(c->suite.spi);
	c->reqid = old ? old->reqid : policy_new_reqid(s->d);
	if (narrow_child(gw->c, &sa->peer_id, &m->tsi, &m->tsr, true, c)) {
		notify = IKE_N_TS_UNACCEPTABLE;
		goto fail;
	}
	/* a new tunnel is the peer's choice; a rekey keeps what it holds */
	if (child_claim(sa, c, !old, &notify))
		goto fail_counted;
	if (c->suite.dh) {
		dh = ike_dh_new(c->suite.dh, gw->select_flags & IKE_SELECT_ALLOW_LEGACY);
		if (!dh || ike_dh_public(dh, pub, sizeof(pub), &pub_len) ||
		    ike_dh_shared(dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
			notify = IKE_N_INVALID_SYNTAX;
			goto fail;
		}
	}
	if (rekey_nonce(sa, nr, sizeof(nr), false)) {
		notify = IKE_N_TEMPORARY_FAILURE;
		goto fail;
	}
	c->defer_out = old != NULL;
	if (child_alloc_spi(sa, c) ||
	    child_install(sa, c, false, c->suite.dh ? gir : NULL, gir_len, m->nonce.data,
			  m->nonce.len, nr, sizeof(nr), true)) {
		child_uninstall(c, old != NULL);
		notify = IKE_N_TEMPORARY_FAILURE;
		sa_fail(s, FAIL_KERNEL);
		goto fail;
	}
	explicit_bzero(gir, sizeof(gir));
	sgw_put_be32(spi, c->spi_in);
	exchange_begin(sa, &b, IKE_CREATE_CHILD_SA, true, sa->recv_mid);
	ike_suite_to_proposal(&c->suite, c->suite.prop_num, spi, 4, &p);
	ike_build_sa(&b, &p, 1);
	ike_build_nonce(&b, nr, sizeof(nr));
	if (dh)
		ike_build_ke(&b, c->suite.dh, pub, pub_len);
	ike_build_ts(&b, IKE_PL_TSI, c->ts_remote, c->n_remote);
	ike_build_ts(&b, IKE_PL_TSR, c->ts_local, c->n_local);
	ike_dh_free(dh);
	exchange_send_response(sa, &b);
	child_established(sa, c, old ? "rekeyed by the peer" : "installed", old != NULL);
	if (old) {
		old->rekeyed = true;
		if (sa->req == REQ_REKEY_CHILD && sa->req_child == old) {
			/* collision: remember the lower nonce of the peer's exchange */
			const uint8_t *mn;
			size_t ml;

			min_nonce(m->nonce.data, m->nonce.len, nr, sizeof(nr), &mn, &ml);
			sa->collide_child = c;
			memcpy(sa->collide_nonce, mn, ml);
			sa->collide_nonce_len = (uint16_t)ml;
		}
	}
	return;
fail:
	if (notify == IKE_N_NO_PROPOSAL_CHOSEN)
		sa_fail(s, FAIL_NO_PROPOSAL);
	else if (notify == IKE_N_TS_UNACCEPTABLE)
		sa_fail(s, FAIL_TS);
fail_counted:
	ike_dh_free(dh);
	explicit_bzero(gir, sizeof(gir));
	child_uninstall(c, true);	/* the claim, if it was taken */
	free(c);
	exchange_respond_error(sa, IKE_CREATE_CHILD_SA, notify, NULL, 0);
}

void rekey_on_request(struct ike_sa *sa, struct ike_msg *m)
{
	const struct ike_notify *rekey = ike_msg_find_notify(m, IKE_N_REKEY_SA);

	if (m->sa.present && m->sa.n && m->sa.prop[0].proto == IKE_PROTO_IKE && !rekey &&
	    !m->tsi.present) {
		respond_rekey_ike(sa, m);
		return;
	}
	respond_child(sa, m, rekey);
}

/* --- initiator --------------------------------------------------------------- */

int rekey_child_start(struct ike_sa *sa, struct child_sa *old)
{
	const struct gw_rt *gw = sa->gw;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct child_sa *c;
	struct ike_builder b;
	uint8_t spi[4], old_spi[4], pub[IKE_DH_MAX_LEN];
	size_t pub_len = 0, n;
	uint16_t group;

	if (sa->req != REQ_NONE || sa->state != SA_ESTABLISHED || old->rekeyed)
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->ike = sa;
	c->reqid = old->reqid;
	c->created_ms = sgw_now_ms();
	if (child_alloc_spi(sa, c)) {
		free(c);
		return -1;
	}
	group = ike_proposals_first_dh(gw->esp, gw->n_esp);
	if (group) {
		sa->req_dh = ike_dh_new(group, gw->select_flags & IKE_SELECT_ALLOW_LEGACY);
		if (!sa->req_dh || ike_dh_public(sa->req_dh, pub, sizeof(pub), &pub_len))
			goto fail;
	}
	if (rekey_nonce(sa, sa->req_nonce, sizeof(sa->req_nonce), true))
		goto fail;
	sgw_put_be32(spi, c->spi_in);
	sgw_put_be32(old_spi, old->spi_in);
	n = ike_proposals_with_spi(gw->esp, gw->n_esp, spi, 4, false, props);
	exchange_begin(sa, &b, IKE_CREATE_CHILD_SA, false, sa->send_mid);
	ike_build_notify(&b, IKE_PROTO_ESP, old_spi, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_build_sa(&b, props, n);
	ike_build_nonce(&b, sa->req_nonce, sizeof(sa->req_nonce));
	if (group)
		ike_build_ke(&b, group, pub, pub_len);
	ike_build_ts(&b, IKE_PL_TSI, old->ts_local, old->n_local);
	ike_build_ts(&b, IKE_PL_TSR, old->ts_remote, old->n_remote);
	if (exchange_send_request(sa, &b, REQ_REKEY_CHILD, IKUD_RETRANS_BASE_MS, IKUD_RETRANS_TRIES))
		goto fail;
	sa->req_child = old;
	sa->req_new_child = c;
	old->rekeying = true;
	sa->collide_child = NULL;
	log_sa(sa, LOG_INFO, "rekeying CHILD_SA spi_in 0x%08x", old->spi_in);
	return 0;
fail:
	ike_dh_free(sa->req_dh);
	sa->req_dh = NULL;
	child_uninstall(c, true);
	free(c);
	return -1;
}

static void abandon_child_rekey(struct ike_sa *sa, const char *why)
{
	struct child_sa *c = sa->req_new_child, *old = sa->req_child;

	log_sa(sa, LOG_NOTICE, "CHILD_SA rekey failed: %s", why);
	if (old)
		old->rekeying = false;
	if (c) {
		child_uninstall(c, true);
		free(c);
	}
	sa->req_new_child = NULL;
	exchange_done(sa);
}

static void child_rekey_response(struct ike_sa *sa, struct ike_msg *m)
{
	struct shard *s = sa->shard;
	const struct gw_rt *gw = sa->gw;
	struct child_sa *c = sa->req_new_child, *old = sa->req_child, *loser;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	const struct ike_notify *err = ike_msg_first_error(m);
	uint8_t gir[IKE_DH_MAX_LEN], spi[4];
	size_t gir_len = 0, n;
	const uint8_t *mn;
	uint16_t notify;
	size_t ml;

	if (!c) {
		exchange_done(sa);
		return;
	}
	if (err) {
		abandon_child_rekey(sa, ike_notify_name(err->type));
		return;
	}
	sgw_put_be32(spi, c->spi_in);
	n = ike_proposals_with_spi(gw->esp, gw->n_esp, spi, 4, false, props);
	if (!m->sa.present || m->sa.n != 1 || !m->nonce.present ||
	    !ike_proposal_check_reply(props, n, &m->sa.prop[0], gw->select_flags, &c->suite) ||
	    c->suite.spi_size != 4 ||
	    narrow_child(gw->c, &sa->peer_id, &m->tsi, &m->tsr, false, c)) {
		abandon_child_rekey(sa, "unacceptable response");
		return;
	}
	c->spi_out = sgw_get_be32(c->suite.spi);
	if (c->suite.dh) {
		if (!sa->req_dh || !m->ke.present || m->ke.group != c->suite.dh ||
		    ike_dh_shared(sa->req_dh, m->ke.data, m->ke.len, gir, sizeof(gir),
				  &gir_len)) {
			abandon_child_rekey(sa, "bad KE in response");
			return;
		}
	}
	if (child_claim(sa, c, false, &notify)) {
		explicit_bzero(gir, sizeof(gir));
		abandon_child_rekey(sa, ike_notify_name(notify));
		return;
	}
	if (child_install(sa, c, true, c->suite.dh ? gir : NULL, gir_len, sa->req_nonce,
			  sizeof(sa->req_nonce), m->nonce.data, m->nonce.len, true)) {
		explicit_bzero(gir, sizeof(gir));
		sa_fail(s, FAIL_KERNEL);
		abandon_child_rekey(sa, "kernel refused the new SAs");
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	sa->req_new_child = NULL;
	child_established(sa, c, "rekeyed", true);
	min_nonce(sa->req_nonce, sizeof(sa->req_nonce), m->nonce.data, m->nonce.len, &mn, &ml);
	exchange_done(sa);
	if (sa->collide_child) {
		/* §2.8.1: both sides rekeyed; the lowest nonce's SA is redundant */
		if (nonce_cmp(mn, ml, sa->collide_nonce, sa->collide_nonce_len) < 0) {
			loser = c;	/* ours: we delete it, the peer deletes old */
			sa->collide_child = NULL;
			log_sa(sa, LOG_INFO, "rekey collision: ours is redundant");
			delete_send_child(sa, loser);
			return;
		}
		/* the peer deletes its own; it never carries our traffic, so its
		 * held outbound SA must not take over when old goes */
		child_drop_pending(sa->collide_child);
		sa->collide_child->rekeyed = true;
		sa->collide_child = NULL;
		log_sa(sa, LOG_INFO, "rekey collision: the peer's is redundant");
	}
	if (old) {
		old->rekeyed = true;
		delete_send_child(sa, old);
	}
}

int rekey_ike_start(struct ike_sa *sa)
{
	const struct gw_rt *gw = sa->gw;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_builder b;
	uint8_t spi[8], pub[IKE_DH_MAX_LEN];
	size_t pub_len, n;
	uint16_t group = sa->suite.dh;

	if (sa->req != REQ_NONE || sa->state != SA_ESTABLISHED)
		return -1;
	if (!ike_proposals_have_dh(gw->ike, gw->n_ike, group))
		group = ike_proposals_first_dh(gw->ike, gw->n_ike);
	sa->req_dh = ike_dh_new(group, gw->select_flags & IKE_SELECT_ALLOW_LEGACY);
	if (!sa->req_dh || ike_dh_public(sa->req_dh, pub, sizeof(pub), &pub_len)) {
		ike_dh_free(sa->req_dh);
		sa->req_dh = NULL;
		return -1;
	}
	sa->req_new_spi = sa_new_spi(sa->shard);
	sgw_put_be64(spi, sa->req_new_spi);
	if (rekey_nonce(sa, sa->req_nonce, sizeof(sa->req_nonce), true)) {
		ike_dh_free(sa->req_dh);
		sa->req_dh = NULL;
		return -1;
	}
	n = ike_proposals_with_spi(gw->ike, gw->n_ike, spi, 8, false, props);
	exchange_begin(sa, &b, IKE_CREATE_CHILD_SA, false, sa->send_mid);
	ike_build_sa(&b, props, n);
	ike_build_nonce(&b, sa->req_nonce, sizeof(sa->req_nonce));
	ike_build_ke(&b, group, pub, pub_len);
	if (exchange_send_request(sa, &b, REQ_REKEY_IKE, IKUD_RETRANS_BASE_MS, IKUD_RETRANS_TRIES)) {
		ike_dh_free(sa->req_dh);
		sa->req_dh = NULL;
		return -1;
	}
	log_sa(sa, LOG_INFO, "rekeying IKE SA");
	return 0;
}

/*
 * §2.8.2: our rekey exchange of sa (its response m) wins the collision when
 * its lower nonce is above the lower nonce of the peer's exchange.
 */
static bool ike_collision_won(const struct ike_sa *sa, const struct ike_msg *m)
{
	const uint8_t *mn;
	size_t ml;

	min_nonce(sa->req_nonce, sizeof(sa->req_nonce), m->nonce.data, m->nonce.len,
		  &mn, &ml);
	return nonce_cmp(mn, ml, sa->collide_nonce, sa->collide_nonce_len) > 0;
}

/* Our new IKE SA n lost a rekey collision: established without CHILD_SAs,
 * then deleted by us, its initiator. */
static void ike_delete_redundant(struct ike_sa *n, struct ike_sa *sa,
				 const struct ike_suite *suite)
{
	struct shard *s = n->shard;

	ike_sa_take_over(n, sa, suite, false);	/* sa has no CHILD_SA left */
	sgw_timer_cancel(&s->timers, &n->t_dpd);
	sgw_timer_cancel(&s->timers, &n->t_rekey);
	n->state = SA_DELETING;
	log_sa(n, LOG_NOTICE, "IKE SA rekey collision: our new SA is redundant, deleting it");
	if (delete_request_ike(n))
		sa_destroy(n, "redundant after a rekey collision");
}

static void ike_rekey_response(struct ike_sa *sa, struct ike_msg *m)
{
	struct shard *s = sa->shard;
	const struct gw_rt *gw = sa->gw;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	const struct ike_notify *err = ike_msg_first_error(m);
	struct ike_suite suite;
	struct ike_sa *n, *peer_sa;
	uint8_t spi[8], gir[IKE_DH_MAX_LEN];
	size_t gir_len, np;

	if (err) {
		log_sa(sa, LOG_NOTICE, "IKE SA rekey refused: %s", ike_notify_name(err->type));
		exchange_done(sa);
		if (sa->state == SA_REKEYED && sa->children) {
			/* the peer dropped its colliding SA too: this one stays */
			log_sa(sa, LOG_NOTICE, "IKE SA rekey collision: no new SA left, keeping this one");
			ike_sa_unretire(sa);
			return;
		}
		if (sa->state == SA_REKEYED) {
			/* the peer's rekey of it, answered meanwhile, stands */
			sa->collide_ike_spi = 0;
			return;
		}
		/* try again later (TEMPORARY_FAILURE: collision; the peer's may win) */
		rekey_retry(sa, 10000);
		return;
	}
	sgw_put_be64(spi, sa->req_new_spi);
	np = ike_proposals_with_spi(gw->ike, gw->n_ike, spi, 8, false, props);
	if (!m->sa.present || m->sa.n != 1 || !m->nonce.present || !m->ke.present ||
	    !ike_proposal_check_reply(props, np, &m->sa.prop[0], gw->select_flags, &suite) ||
	    suite.spi_size != 8 || suite.dh != ike_dh_group(sa->req_dh) ||
	    ike_dh_shared(sa->req_dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
		log_sa(sa, LOG_NOTICE, "IKE SA rekey: unacceptable response");
		sa->collide_ike_spi = 0;
		exchange_done(sa);
		return;
	}
	n = sa_new(s, gw, true);
	if (!n) {
		explicit_bzero(gir, sizeof(gir));
		sa->collide_ike_spi = 0;
		exchange_done(sa);
		return;
	}
	n->is_rekey = true;
	n->state = SA_AUTH_SENT;
	sa_set_our_spi(n, sa->req_new_spi);
	n->spi_r = sgw_get_be64(suite.spi);
	if (ike_derive_rekeyed_sa_keys(&sa->keys, &suite, gir, gir_len, sa->req_nonce,
				       sizeof(sa->req_nonce), m->nonce.data, m->nonce.len,
				       n->spi_i, n->spi_r, &n->keys)) {
		explicit_bzero(gir, sizeof(gir));
		sa_destroy(n, "key derivation failed");
		sa->collide_ike_spi = 0;
		exchange_done(sa);
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	n->keys_ready = true;
	peer_sa = sa->collide_ike_spi ? sa_find(s, sa->collide_ike_spi) : NULL;
	sa->collide_ike_spi = 0;
	if (peer_sa && peer_sa->state == SA_ESTABLISHED) {
		if (!ike_collision_won(sa, m)) {
			exchange_done(sa);
			ike_delete_redundant(n, sa, &suite);
			return;	/* the peer deletes the old SA */
		}
		/* the peer's new SA is redundant (the peer deletes it): ours
		 * takes the CHILD_SAs over from it */
		ike_sa_take_over(n, peer_sa, &suite, false);
		ike_sa_retire(peer_sa, n, 30000);
		log_sa(n, LOG_NOTICE, "IKE SA rekey collision: the peer's new SA is redundant");
	} else {
		ike_sa_take_over(n, sa, &suite, true);
	}
	log_sa(n, LOG_NOTICE, "IKE SA rekeyed, old %016llx_i %016llx_r",
	       (unsigned long long)sa->spi_i, (unsigned long long)sa->spi_r);
	exchange_done(sa);
	/* the old SA goes: we initiated the (surviving) rekey, so we delete it */
	sa->state = SA_REKEYED;
	sgw_timer_cancel(&s->timers, &sa->t_dpd);
	sgw_timer_cancel(&s->timers, &sa->t_rekey);
	if (delete_request_ike(sa))
		sa_destroy(sa, "rekeyed");
}

/*
 * The peer deletes sa. If sa is the new IKE SA of the peer's rekey that
 * collided with ours, and our response has not come yet, the peer found sa
 * redundant first (§2.8.2): ours survives and must inherit the CHILD_SAs,
 * so they go back to the old SA until our response moves them on.
 */
void rekey_on_peer_delete(struct ike_sa *sa)
{
	uint64_t ours = sa->initiator ? sa->spi_i : sa->spi_r;
	struct ike_sa *old = sa->rekey_of ? sa_find(sa->shard, sa->rekey_of) : NULL;
	struct child_sa *c;

	if (!old || old->req != REQ_REKEY_IKE || old->collide_ike_spi != ours)
		return;
	old->children = sa->children;
	sa->children = NULL;
	for (c = old->children; c; c = c->next)
		c->ike = old;
	old->collide_ike_spi = 0;
	sa->shard->st.ike_rekeys--;	/* counted again when ours completes */
	log_sa(old, LOG_NOTICE, "IKE SA rekey collision: the peer deleted its new SA first, ours will survive");
}

void rekey_on_response(struct ike_sa *sa, struct ike_msg *m)
{
	if (sa->req == REQ_REKEY_CHILD)
		child_rekey_response(sa, m);
	else if (sa->req == REQ_REKEY_IKE)
		ike_rekey_response(sa, m);
}

static void rekey_ike_timer(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;

	(void)t;
	if (sa->state != SA_ESTABLISHED)
		return;
	if (rekey_ike_start(sa))
		rekey_retry(sa, 5000);
}

/* Rekey the IKE SA again in ms (its last attempt could not start or failed). */
void rekey_retry(struct ike_sa *sa, uint32_t ms)
{
	sa->t_rekey.fn = rekey_ike_timer;
	sgw_timer_set(&sa->shard->timers, &sa->t_rekey, sgw_now_ms() + ms);
}

/* An established IKE SA is rekeyed before its lifetime ends, by either side
 * (§2.8); jitter keeps both sides from starting at once. */
void rekey_schedule(struct ike_sa *sa)
{
	const struct ike_conf_gateway *c = sa->gw->c;
	uint64_t jitter = 0, margin = c->rekey_margin * 1000ULL;

	ike_random((uint8_t *)&jitter, sizeof(jitter));
	jitter = margin ? jitter % (margin / 2 + 1) : 0;
	sa->t_rekey.fn = rekey_ike_timer;
	sgw_timer_set(&sa->shard->timers, &sa->t_rekey,
		      sa->established_ms + c->ike_lifetime * 1000ULL - margin - jitter);
}
/* Kernel lifetime events: soft starts a rekey, hard means the SA is gone. */
void rekey_on_expire(struct shard *s, const struct xfrm_event *e)
{
	struct child_sa *c = child_find(s, e->spi);
	struct ike_sa *sa;

	if (!c || !c->ike || !xfrm_reqid_is_ours(s->xfrm, e->reqid))
		return;
	sa = c->ike;
	if (e->hard) {
		c->installed_in = false;	/* the kernel removed it */
		if (sa->state == SA_ESTABLISHED)
			delete_send_child(sa, c);
		else
			child_remove(c, "hard lifetime expired");
		return;
	}
	if (c->rekeyed || c->rekeying)
		return;
	if (rekey_child_start(sa, c)) {
		c->rekey_due = true;
		log_sa(sa, LOG_INFO, "CHILD_SA 0x%08x: rekey postponed (exchange busy)",
		       c->spi_in);
	}
}

static bool rekey_pending(struct ike_sa *sa)
{
	struct child_sa *c;

	for (c = sa->children; c; c = c->next)
		if (c->rekey_due && !c->rekeyed && !c->rekeying) {
			c->rekey_due = false;
			return rekey_child_start(sa, c) == 0;
		}
	return false;
}

/* Work that waited for the exchange slot (window size 1). */
static void pending_timer(struct sgw_timer *t, void *arg)
{
	struct ike_sa *sa = arg;

	(void)t;
	if (sa->req == REQ_NONE && sa->state == SA_ESTABLISHED)
		rekey_pending(sa);
}

/* The exchange slot of sa is free: a CHILD_SA rekey that had to wait
 * starts shortly (the slot timer is free while no request is out). */
void rekey_kick(struct ike_sa *sa)
{
	struct child_sa *c;

	for (c = sa->children; c; c = c->next)
		if (c->rekey_due) {
			sa->t_retrans.fn = pending_timer;
			sgw_timer_set(&sa->shard->timers, &sa->t_retrans, sgw_now_ms() + 50);
			return;
		}
}
