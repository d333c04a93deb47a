// SPDX-License-Identifier: GPL-2.0
/*
 * IKE_AUTH (RFC 7296 §1.2, §2.15), both roles: the pre-shared key of the
 * peer's identity (one rule for identities: ike_id_match()) or its
 * certificate (certauth.c; the message waits, parked, while revocation
 * data is fetched), our AUTH, the
 * first CHILD_SA, and INITIAL_CONTACT (§2.4: the peer lost its state; its
 * older SAs go, on every worker, once the new CHILD_SA is installed).
 */
#include "ikud.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"
#include "ike/ike_cert.h"

/* An IKE SA just authenticated: bookkeeping, then its DPD and rekey timers. */
static void established(struct ike_sa *sa, const char *role)
{
	char suite[128];

	sa_established(sa);
	dpd_arm(sa);
	rekey_schedule(sa);
	ike_suite_to_string(&sa->suite, suite, sizeof(suite));
	log_sa(sa, LOG_NOTICE, "IKE SA established (%s, %s)", role, suite);
}

/* --- responder ----------------------------------------------------------- */

/* IKE_AUTH failed before a response with AUTH: answer, count, forget. */
static void auth_fail(struct ike_sa *sa, uint16_t notify, enum fail_reason r,
		      const char *why)
{
	exchange_respond_error(sa, IKE_AUTH, notify, NULL, 0);
	sa_fail(sa->shard, r);
	log_sa(sa, LOG_NOTICE, "IKE_AUTH failed: %s", why);
	sa_destroy(sa, why);
}

static void purge_everywhere(struct ike_sa *sa)
{
	struct daemon *d = sa->shard->d;
	unsigned int i;

	sa_purge_id(sa->shard, sa->gw_name, &sa->peer_id, sa->uid);
	for (i = 0; i < d->n_shards; i++) {
		struct inbox_msg *msg;

		if (i == sa->shard->idx)
			continue;
		msg = calloc(1, sizeof(*msg));
		if (!msg)
			continue;
		msg->kind = INBOX_PURGE_ID;
		snprintf(msg->gw_name, sizeof(msg->gw_name), "%s", sa->gw_name);
		msg->id = sa->peer_id;
		msg->keep_uid = sa->uid;
		inbox_post(d->shards[i], msg);
	}
}

/*
 * The CHILD_SA of IKE_AUTH (or of a CREATE_CHILD_SA request): select,
 * narrow, allocate and install. Returns the child or NULL with *notify set.
 */
static struct child_sa *negotiate_child(struct ike_sa *sa, struct ike_msg *m,
					uint16_t *notify)
{
	struct child_sa *c = calloc(1, sizeof(*c));
	const struct gw_rt *gw = sa->gw;

	*notify = IKE_N_TEMPORARY_FAILURE;
	if (!c)
		return NULL;
	c->ike = sa;
	c->created_ms = sgw_now_ms();
	if (!m->sa.present || !m->tsi.present || !m->tsr.present) {
		*notify = IKE_N_INVALID_SYNTAX;
		goto fail;
	}
	if (ike_proposal_select(gw->esp, gw->n_esp, m->sa.prop, m->sa.n,
				gw->select_flags | IKE_SELECT_IGNORE_DH, 0,
				&c->suite) != IKE_SELECT_OK ||
	    c->suite.proto != IKE_PROTO_ESP || c->suite.spi_size != 4) {
		*notify = IKE_N_NO_PROPOSAL_CHOSEN;
		sa_fail(sa->shard, FAIL_NO_PROPOSAL);
		goto fail;
	}
	c->spi_out = sgw_get_be32(c->suite.spi);
	c->reqid = policy_new_reqid(sa->shard->d);
	if (narrow_child(gw->c, &sa->peer_id, &m->tsi, &m->tsr, true, c)) {
		*notify = IKE_N_TS_UNACCEPTABLE;
		sa_fail(sa->shard, FAIL_TS);
		goto fail;
	}
	if (child_claim(sa, c, true, notify))
		goto fail;
	*notify = IKE_N_TEMPORARY_FAILURE;	/* what a failure below answers */
	if (child_alloc_spi(sa, c) ||
	    child_install(sa, c, false, NULL, 0, sa->ni, sa->ni_len, sa->nr,
			  sa->nr_len, true)) {
		child_uninstall(c, false);
		sa_fail(sa->shard, FAIL_KERNEL);
		goto fail;
	}
	return c;
fail:
	free(c);
	return NULL;
}

/* The peer's pre-shared key AUTH: 0, or -1 with why. */
static int psk_verify_peer(struct ike_sa *sa, const struct ike_msg *m, const char **why)
{
	const struct ike_conf_psk *psk;

	if (m->auth.method != IKE_AUTH_SHARED_KEY_MIC) {
		*why = "peer does not use a pre-shared key";
		return -1;
	}
	psk = ike_conf_find_psk(sa->gw->c, &m->idi.id);
	if (!psk) {
		*why = "no key for this identity";
		return -1;
	}
	if (!ike_auth_psk_verify(&sa->keys, true, psk->secret, psk->len,
				 sa->init_req, sa->init_req_len, sa->nr, sa->nr_len,
				 m->idi.body, m->idi.body_len, m->auth.data, m->auth.len)) {
		*why = "AUTH payload does not match (wrong pre-shared key?)";
		return -1;
	}
	return 0;
}

/* Our AUTH (the gateway's key or certificate) over our ID payload's body. */
static int our_auth(struct ike_sa *sa, const struct ike_conf_psk *psk, const uint8_t *idbody,
		    size_t idlen, uint8_t *method, uint8_t *auth, size_t cap, size_t *len)
{
	if (sa->gw->pki)
		return certauth_sign(sa, idbody, idlen, method, auth, cap, len);
	*method = IKE_AUTH_SHARED_KEY_MIC;
	if (!psk)
		return -1;
	return ike_auth_psk(&sa->keys, sa->initiator, psk->secret, psk->len,
			    sa->initiator ? sa->init_req : sa->init_resp,
			    sa->initiator ? sa->init_req_len : sa->init_resp_len,
			    sa->initiator ? sa->nr : sa->ni, sa->initiator ? sa->nr_len : sa->ni_len,
			    idbody, idlen, auth, cap, len);
}

void auth_respond(struct ike_sa *sa, struct ike_msg *m)
{
	const struct gw_rt *gw = sa->gw;
	struct child_sa *c;
	struct ike_builder b;
	uint8_t idbody[4 + IKE_ID_MAX_LEN], auth[IKE_AUTH_SIG_MAX], method;
	size_t idlen, auth_len;
	uint16_t notify = 0;
	const char *bad = NULL;
	char why[256];

	if (!m->idi.present || !m->auth.present) {
		auth_fail(sa, IKE_N_INVALID_SYNTAX, FAIL_SYNTAX, "IDi or AUTH missing");
		return;
	}
	sa->peer_id = m->idi.id;
	sa->peer_id_set = true;
	if (gw->pki) {
		switch (certauth_verify_peer(sa, m, &m->idi, why, sizeof(why))) {
		case CERTAUTH_PENDING:
			auth_park(sa, m);
			return;
		case CERTAUTH_FAIL:
			auth_fail(sa, IKE_N_AUTHENTICATION_FAILED, FAIL_AUTH, why);
			return;
		case CERTAUTH_OK:
			break;
		}
	} else if (psk_verify_peer(sa, m, &bad)) {
		auth_fail(sa, IKE_N_AUTHENTICATION_FAILED, FAIL_AUTH, bad);
		return;
	}
	idlen = ike_id_body(&gw->local_id, idbody, sizeof(idbody));
	if (!idlen || our_auth(sa, gw->pki ? NULL : ike_conf_find_psk(gw->c, &m->idi.id),
			       idbody, idlen, &method, auth, sizeof(auth), &auth_len)) {
		auth_fail(sa, IKE_N_AUTHENTICATION_FAILED, FAIL_AUTH, "cannot compute AUTH");
		return;
	}
	/*
	 * INITIAL_CONTACT: the old SAs of this identity go only after the new
	 * CHILD_SA is installed, so that its policies and routes take over
	 * from the old tunnel's (make before break): removed first, the old
	 * tunnel would withdraw a route the new one adds back moments later.
	 */
	c = negotiate_child(sa, m, &notify);
	if (ike_msg_find_notify(m, IKE_N_INITIAL_CONTACT))
		purge_everywhere(sa);

	exchange_begin(sa, &b, IKE_AUTH, true, sa->recv_mid);
	ike_build_id(&b, IKE_PL_IDR, &gw->local_id);
	certauth_build_certs(sa, &b);
	ike_build_auth(&b, method, auth, auth_len);
	explicit_bzero(auth, sizeof(auth));
	if (c) {
		struct ike_proposal p;
		uint8_t spi[4];

		sgw_put_be32(spi, c->spi_in);
		ike_suite_to_proposal(&c->suite, c->suite.prop_num, spi, 4, &p);
		ike_build_sa(&b, &p, 1);
		ike_build_ts(&b, IKE_PL_TSI, c->ts_remote, c->n_remote);
		ike_build_ts(&b, IKE_PL_TSR, c->ts_local, c->n_local);
	} else {
		ike_build_notify(&b, 0, NULL, 0, notify, NULL, 0);
	}
	if (exchange_send_response(sa, &b)) {
		if (c) {
			child_uninstall(c, false);
			free(c);
		}
		sa_destroy(sa, "cannot send IKE_AUTH response");
		return;
	}
	established(sa, "responder");
	if (c) {
		child_established(sa, c, "installed", false);
	} else {
		log_sa(sa, LOG_NOTICE, "no CHILD_SA: %s", ike_notify_name(notify));
	}
}

/* --- initiator ---------------------------------------------------------- */

/* The key for the responder: its configured identity's, else the wildcard. */
static const struct ike_conf_psk *psk_for(const struct gw_rt *gw, const struct ike_id *id)
{
	if (id)
		return ike_conf_find_psk(gw->c, id);
	if (!ike_id_pattern_is_any(&gw->c->initiate_remote_id))
		return ike_conf_find_psk(gw->c, &gw->c->initiate_remote_id.id);
	return ike_conf_find_psk(gw->c, NULL);
}

int auth_start(struct ike_sa *sa)
{
	const struct gw_rt *gw = sa->gw;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_ts tsi[IKUD_MAX_CHILD_TS], tsr[IKUD_MAX_CHILD_TS];
	struct ike_builder b;
	struct child_sa *c;
	uint8_t idbody[4 + IKE_ID_MAX_LEN], auth[IKE_AUTH_SIG_MAX], method, spi[4];
	size_t idlen, auth_len, n, ni, nr;

	idlen = ike_id_body(&gw->local_id, idbody, sizeof(idbody));
	if (!idlen || our_auth(sa, gw->pki ? NULL : psk_for(gw, NULL), idbody, idlen, &method,
			       auth, sizeof(auth), &auth_len))
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->ike = sa;
	/* a trap's tunnel takes the trap's reqid: its SA replaces the acquire */
	c->reqid = sa->trap_reqid ? sa->trap_reqid : policy_new_reqid(sa->shard->d);
	c->created_ms = sgw_now_ms();
	if (child_alloc_spi(sa, c)) {
		free(c);
		return -1;
	}
	sgw_put_be32(spi, c->spi_in);
	n = ike_proposals_with_spi(gw->esp, gw->n_esp, spi, 4, true, props);
	ni = ike_ts_from_prefixes(gw->c->local_ts, gw->c->n_local_ts, tsi, IKUD_MAX_CHILD_TS);
	nr = ike_ts_from_prefixes(gw->c->remote_ts, gw->c->n_remote_ts, tsr, IKUD_MAX_CHILD_TS);
	exchange_begin(sa, &b, IKE_AUTH, false, sa->send_mid);
	ike_build_id(&b, IKE_PL_IDI, &gw->local_id);
	certauth_build_certs(sa, &b);
	certauth_build_certreq(gw, &b);
	ike_build_auth(&b, method, auth, auth_len);
	explicit_bzero(auth, sizeof(auth));
	ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_build_sa(&b, props, n);
	ike_build_ts(&b, IKE_PL_TSI, tsi, ni);
	ike_build_ts(&b, IKE_PL_TSR, tsr, nr);
	if (exchange_send_request(sa, &b, REQ_AUTH, IKUD_RETRANS_BASE_MS, IKUD_RETRANS_TRIES)) {
		child_uninstall(c, true);
		free(c);
		return -1;
	}
	sa->req_new_child = c;
	sa->state = SA_AUTH_SENT;
	return 0;
}

/* The responder's identity and AUTH (psk or certificate). */
static enum certauth_verdict responder_ok(struct ike_sa *sa, const struct ike_msg *m, char *why,
					  size_t len)
{
	const struct gw_rt *gw = sa->gw;
	const struct ike_conf_psk *psk;

	snprintf(why, len, "responder's AUTH does not verify");
	if (!ike_id_match(&gw->c->initiate_remote_id, &m->idr.id)) {
		snprintf(why, len, "responder's identity is not remote-id");
		return CERTAUTH_FAIL;
	}
	if (gw->pki)
		return certauth_verify_peer(sa, m, &m->idr, why, len);
	psk = psk_for(gw, &m->idr.id);
	if (!psk || m->auth.method != IKE_AUTH_SHARED_KEY_MIC ||
	    !ike_auth_psk_verify(&sa->keys, false, psk->secret, psk->len, sa->init_resp,
				 sa->init_resp_len, sa->ni, sa->ni_len, m->idr.body,
				 m->idr.body_len, m->auth.data, m->auth.len))
		return CERTAUTH_FAIL;
	return CERTAUTH_OK;
}

void auth_on_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct gw_rt *gw = sa->gw;
	const struct ike_notify *n;
	struct child_sa *c = sa->req_new_child;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	enum certauth_verdict v = CERTAUTH_FAIL;
	uint8_t spi[4];
	uint16_t notify;
	char why[256];
	size_t np;

	if (m->idr.present && m->auth.present) {
		sa->peer_id = m->idr.id;
		sa->peer_id_set = true;
		v = responder_ok(sa, m, why, sizeof(why));
		if (v == CERTAUTH_PENDING) {
			auth_park(sa, m);	/* our request stays outstanding */
			return;
		}
	}
	sa->req_new_child = NULL;
	exchange_done(sa);
	if (!m->idr.present || !m->auth.present) {
		n = ike_msg_first_error(m);
		if (c) {
			child_uninstall(c, true);
			free(c);
		}
		sa_setup_failed(sa, n && n->type == IKE_N_AUTHENTICATION_FAILED ? FAIL_AUTH
									 : FAIL_PEER_ERROR,
			  n ? ike_notify_name(n->type) : "IDr or AUTH missing");
		return;
	}
	if (v != CERTAUTH_OK) {
		if (c) {
			child_uninstall(c, true);
			free(c);
		}
		sa_setup_failed(sa, FAIL_AUTH, why);
		return;
	}
	established(sa, "initiator");
	if (!c)
		return;
	sgw_put_be32(spi, c->spi_in);
	np = ike_proposals_with_spi(gw->esp, gw->n_esp, spi, 4, true, props);
	n = ike_msg_first_error(m);
	if (n || !m->sa.present || m->sa.n != 1 ||
	    !ike_proposal_check_reply(props, np, &m->sa.prop[0],
				      gw->select_flags | IKE_SELECT_IGNORE_DH, &c->suite) ||
	    c->suite.spi_size != 4 || narrow_child(gw->c, &sa->peer_id, &m->tsi, &m->tsr, false, c)) {
		log_sa(sa, LOG_NOTICE, "no CHILD_SA: %s",
		       n ? ike_notify_name(n->type) : "unacceptable response");
		if (n && n->type == IKE_N_TS_UNACCEPTABLE)
			sa_fail(sa->shard, FAIL_TS);
		else if (n && n->type == IKE_N_NO_PROPOSAL_CHOSEN)
			sa_fail(sa->shard, FAIL_NO_PROPOSAL);
		child_uninstall(c, true);
		free(c);
		return;
	}
	c->spi_out = sgw_get_be32(c->suite.spi);
	if (child_claim(sa, c, false, &notify)) {
		log_sa(sa, LOG_NOTICE, "no CHILD_SA: %s", ike_notify_name(notify));
		child_uninstall(c, true);
		free(c);
		return;
	}
	if (child_install(sa, c, true, NULL, 0, sa->ni, sa->ni_len, sa->nr, sa->nr_len, true)) {
		sa_fail(sa->shard, FAIL_KERNEL);
		child_uninstall(c, false);
		free(c);
		return;
	}
	child_established(sa, c, "installed", false);
}

/* --- waiting for revocation data -------------------------------------------------- */

void auth_park(struct ike_sa *sa, const struct ike_msg *m)
{
	struct shard *s = sa->shard;
	uint8_t *copy = malloc(s->plain_len ? s->plain_len : 1);

	if (!copy) {
		sa_setup_failed(sa, FAIL_AUTH, "out of memory");
		return;
	}
	memcpy(copy, s->plain, s->plain_len);
	free(sa->parked_plain);
	sa->parked_plain = copy;
	sa->parked_len = (uint32_t)s->plain_len;
	sa->parked_hdr = m->hdr;
	sa->parked_first = m->sk.first_inner;
	sa->parked = true;
	log_sa(sa, LOG_INFO, "IKE_AUTH waits for revocation data");
}

void auth_resume(struct ike_sa *sa)
{
	struct shard *s = sa->shard;
	struct ike_msg *m = &s->msg;
	struct ike_parse_err err;

	if (!sa->parked)
		return;
	sa->parked = false;
	memcpy(s->plain, sa->parked_plain, sa->parked_len);
	s->plain_len = sa->parked_len;
	free(sa->parked_plain);
	sa->parked_plain = NULL;
	memset(m, 0, sizeof(*m));
	m->hdr = sa->parked_hdr;
	m->sk.present = true;
	m->sk.first_inner = sa->parked_first;
	if (ike_msg_parse_inner(m, s->plain, s->plain_len, &err)) {
		sa_setup_failed(sa, FAIL_SYNTAX, "parked IKE_AUTH does not parse");
		return;
	}
	if (m->hdr.flags & IKE_FLAG_R)
		auth_on_response(sa, m);
	else
		auth_respond(sa, m);
}
