// SPDX-License-Identifier: GPL-2.0
/*
 * IKE_AUTH as initiator (RFC 7296 §1.2, §2.15): our identity (the pattern
 * with the tunnel's number), AUTH from the pre-shared key, INITIAL_CONTACT,
 * the CHILD_SA's proposals and selectors (TSi: the tunnel's inner address;
 * TSr: --remote-ts); then the responder's identity, AUTH and CHILD_SA,
 * and the sample tunnels' ESP SAs.
 */
#include "ikeload.h"

#include <stdio.h>
#include <string.h>

#include "base/sgw_byteorder.h"

/* The tunnel's inner address: the i-th of --inner, else its source address. */
static void inner_of(const struct tunnel *t, struct sgw_prefix *p)
{
	if (!ld->o.inner_set || addr_run_nth(&ld->o.inner, t->idx, p))
		sgw_sockaddr_to_prefix(&t->local, p);
}

static int our_id(const struct tunnel *t, struct ike_id *id)
{
	char s[512], err[128];

	if (pattern_format(ld->o.id_pattern, ld->o.first + t->idx, s, sizeof(s)))
		return -1;
	return ike_id_from_string(s, id, err, sizeof(err));
}

int auth_start(struct tunnel *t)
{
	const struct load_opts *o = &ld->o;
	struct setup *s = t->setup;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_ts tsi, tsr[LOAD_MAX_TS];
	struct sgw_prefix inner;
	struct ike_builder b;
	struct ike_id id;
	uint8_t idbody[4 + IKE_ID_MAX_LEN], auth[IKE_PRF_MAX_LEN], spi[4];
	size_t idlen, auth_len, n, nr;

	if (our_id(t, &id))
		return -1;
	idlen = ike_id_body(&id, idbody, sizeof(idbody));
	if (!idlen || ike_auth_psk(&t->keys, true, o->psk, o->psk_len, s->init_req,
				   s->init_req_len, s->nr, s->nr_len, idbody, idlen, auth,
				   sizeof(auth), &auth_len))
		return -1;
	t->child.reqid = t->sample ? esp_new_reqid() : 0;
	t->child.spi_in = esp_alloc_spi(t, t->child.reqid);
	if (!t->child.spi_in)
		return -1;
	sgw_put_be32(spi, t->child.spi_in);
	n = ike_proposals_with_spi(o->esp, o->n_esp, spi, 4, true, props);
	inner_of(t, &inner);
	ike_ts_from_prefix(&inner, &tsi);
	nr = ike_ts_from_prefixes(o->remote_ts, o->n_remote_ts, tsr, LOAD_MAX_TS);

	exchange_begin(t, &b, IKE_AUTH, false, t->send_mid);
	ike_build_id(&b, IKE_PL_IDI, &id);
	ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, auth, auth_len);
	explicit_bzero(auth, sizeof(auth));
	if (o->initial_contact)
		ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_build_sa(&b, props, n);
	ike_build_ts(&b, IKE_PL_TSI, &tsi, 1);
	ike_build_ts(&b, IKE_PL_TSR, tsr, nr);
	if (exchange_request(t, &b, REQ_AUTH))
		return -1;
	tunnel_set_state(t, T_AUTH_SENT);
	return 0;
}

/* The responder's selectors must lie inside ours. */
static bool ts_ok(const struct tunnel *t, const struct ike_msg *m)
{
	const struct load_opts *o = &ld->o;
	struct sgw_prefix inner;
	unsigned int i, j;

	if (!m->tsi.present || !m->tsr.present || !m->tsi.n || !m->tsr.n ||
	    m->tsi.n > LOAD_MAX_TS || m->tsr.n > LOAD_MAX_TS)
		return false;
	inner_of(t, &inner);
	for (i = 0; i < m->tsi.n; i++)
		if (!ike_ts_within(&m->tsi.ts[i], &inner))
			return false;
	for (i = 0; i < m->tsr.n; i++) {
		for (j = 0; j < o->n_remote_ts; j++)
			if (ike_ts_within(&m->tsr.ts[i], &o->remote_ts[j]))
				break;
		if (j == o->n_remote_ts)
			return false;
	}
	return true;
}

/* The IKE SA exists at the responder, the setup failed: tell it. */
static void fail_established(struct tunnel *t, enum fail_reason r, const char *why)
{
	info_delete_once(t);
	tunnel_fail(t, r, why);
}

static enum fail_reason child_reason(uint16_t notify)
{
	switch (notify) {
	case IKE_N_TS_UNACCEPTABLE:
		return FAIL_TS;
	case IKE_N_NO_PROPOSAL_CHOSEN:
		return FAIL_NO_PROPOSAL;
	default:
		return FAIL_NO_CHILD;
	}
}

void auth_on_response(struct tunnel *t, struct ike_msg *m)
{
	const struct load_opts *o = &ld->o;
	struct setup *s = t->setup;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	const struct ike_notify *n = ike_msg_first_error(m);
	struct child *c = &t->child;
	uint8_t spi[4];
	size_t np;

	exchange_done(t);
	if (!m->idr.present || !m->auth.present) {
		tunnel_fail(t, n && n->type == IKE_N_AUTHENTICATION_FAILED ? FAIL_AUTH
				: n && n->type == IKE_N_NO_PROPOSAL_CHOSEN ? FAIL_NO_PROPOSAL
				: n && n->type == IKE_N_TS_UNACCEPTABLE ? FAIL_TS : FAIL_PEER_ERROR,
			    n ? ike_notify_name(n->type) : "IDr or AUTH missing");
		return;
	}
	if (!ike_id_pattern_is_any(&o->remote_id) && !ike_id_match(&o->remote_id, &m->idr.id)) {
		fail_established(t, FAIL_AUTH, "the responder's identity is not --remote-id");
		return;
	}
	if (m->auth.method != IKE_AUTH_SHARED_KEY_MIC ||
	    !ike_auth_psk_verify(&t->keys, false, o->psk, o->psk_len, s->init_resp,
				 s->init_resp_len, s->ni, sizeof(s->ni), m->idr.body,
				 m->idr.body_len, m->auth.data, m->auth.len)) {
		fail_established(t, FAIL_AUTH, "the responder's AUTH does not verify");
		return;
	}
	if (n) {
		fail_established(t, child_reason(n->type), ike_notify_name(n->type));
		return;
	}
	sgw_put_be32(spi, c->spi_in);
	np = ike_proposals_with_spi(o->esp, o->n_esp, spi, 4, true, props);
	if (!m->sa.present || m->sa.n != 1 ||
	    !ike_proposal_check_reply(props, np, &m->sa.prop[0], IKE_SELECT_IGNORE_DH, &c->suite) ||
	    c->suite.spi_size != 4) {
		fail_established(t, FAIL_SYNTAX, "unacceptable CHILD_SA proposal");
		return;
	}
	if (!ts_ok(t, m)) {
		fail_established(t, FAIL_TS, "selectors outside ours");
		return;
	}
	c->spi_out = sgw_get_be32(c->suite.spi);
	memcpy(c->tsi, m->tsi.ts, m->tsi.n * sizeof(c->tsi[0]));
	memcpy(c->tsr, m->tsr.ts, m->tsr.n * sizeof(c->tsr[0]));
	c->n_tsi = m->tsi.n;
	c->n_tsr = m->tsr.n;
	if (esp_install(t, c, NULL, 0, s->ni, sizeof(s->ni), s->nr, s->nr_len)) {
		fail_established(t, FAIL_KERNEL, "the kernel refused the ESP SAs");
		return;
	}
	tunnel_up(t);
	info_dpd_arm(t);
	rekey_arm(t);
}
