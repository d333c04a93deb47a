// SPDX-License-Identifier: GPL-2.0
/*
 * The initiator's side of IKE_SA_INIT and IKE_AUTH: ikud connecting to the
 * peers a gateway lists with `initiate`. Handles INVALID_KE_PAYLOAD (retry
 * with the group the responder wants, if we allow it) and COOKIE (retry
 * with the cookie), moves to port 4500 when a NAT is detected, and checks
 * the responder's AUTH with the key configured for its identity.
 */
#include "ikud.h"
#include "log.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

#define INIT_MAX_RESTARTS 3

/* Configured prefixes as IKE traffic selectors (any protocol and port). */
static size_t prefixes_to_ts(const struct sgw_prefix *p, size_t n,
			     struct ike_ts *out, size_t max)
{
	size_t i;

	for (i = 0; i < n && i < max; i++)
		ike_ts_from_prefix(&p[i], &out[i]);
	return i;
}

/* IKE_AUTH carries no key exchange: leave the DH transforms out (§1.2). */
static size_t esp_props_no_dh(const struct gw_rt *gw, uint32_t spi,
			      struct ike_proposal *out)
{
	size_t i;

	for (i = 0; i < gw->n_esp; i++) {
		const struct ike_proposal *p = &gw->esp[i];
		unsigned int t, k = 0;

		out[i] = *p;
		for (t = 0; t < p->n_transforms; t++)
			if (p->t[t].type != IKE_TRANS_DH)
				out[i].t[k++] = p->t[t];
		out[i].n_transforms = (uint8_t)k;
		out[i].spi_size = 4;
		sgw_put_be32(out[i].spi, spi);
	}
	return gw->n_esp;
}

static int send_init(struct ike_sa *sa, uint16_t group)
{
	struct shard *s = sa->shard;
	struct ike_builder b;
	uint8_t pub[IKE_DH_MAX_LEN];
	size_t pub_len, n;
	struct ike_hdr h = {
		.spi_i = sa->spi_i, .spi_r = 0, .version = IKE_VERSION,
		.exchange = IKE_SA_INIT, .flags = IKE_FLAG_I, .msg_id = 0,
	};

	ike_dh_free(sa->dh);
	sa->dh = ike_dh_new(group, sa->gw->select_flags & IKE_SELECT_ALLOW_LEGACY);
	if (!sa->dh || ike_dh_public(sa->dh, pub, sizeof(pub), &pub_len))
		return -1;
	sa->dh_group = group;
	sa->ni_len = IKUD_NONCE_LEN;
	ike_random(sa->ni, sa->ni_len);
	ike_build_init(&b, s->tx, sizeof(s->tx), &h);
	if (sa->cookie)
		ike_build_notify(&b, 0, NULL, 0, IKE_N_COOKIE, sa->cookie, sa->cookie_len);
	ike_build_sa(&b, sa->gw->ike, sa->gw->n_ike);
	ike_build_ke(&b, group, pub, pub_len);
	ike_build_nonce(&b, sa->ni, sa->ni_len);
	build_nat_d(&b, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, 0, &sa->local);
	build_nat_d(&b, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, 0, &sa->peer);
	n = ike_build_end(&b);
	if (!n)
		return -1;
	free(sa->init_req);
	sa->init_req = malloc(n);
	if (!sa->init_req)
		return -1;
	memcpy(sa->init_req, s->tx, n);
	sa->init_req_len = (uint16_t)n;
	sgw_timer_cancel(&s->timers, &sa->t_retrans);
	return ex_send_raw_request(sa, s->tx, n, REQ_INIT, 0, IKUD_RETRANS_BASE_MS,
				   IKUD_RETRANS_TRIES);
}

int init_start(struct shard *s, const struct gw_rt *gw, const struct sgw_prefix *peer)
{
	struct gw_socks *gs = shard_gw_socks(s, gw->c->name);
	struct ike_sa *sa;

	if (!gs || gs->fd[0] < 0)
		return -1;
	sa = sa_new(s, gw, true);
	if (!sa)
		return -1;
	memset(&sa->peer, 0, sizeof(sa->peer));
	memset(&sa->local, 0, sizeof(sa->local));
	if (peer->family == AF_INET) {
		struct sockaddr_in *p = (struct sockaddr_in *)&sa->peer;
		struct sockaddr_in *l = (struct sockaddr_in *)&sa->local;

		p->sin_family = l->sin_family = AF_INET;
		memcpy(&p->sin_addr, peer->addr, 4);
		memcpy(&l->sin_addr, gw->c->local.addr, 4);
	} else {
		struct sockaddr_in6 *p = (struct sockaddr_in6 *)&sa->peer;
		struct sockaddr_in6 *l = (struct sockaddr_in6 *)&sa->local;

		p->sin6_family = l->sin6_family = AF_INET6;
		memcpy(&p->sin6_addr, peer->addr, 16);
		memcpy(&l->sin6_addr, gw->c->local.addr, 16);
	}
	if (peer->family != gw->c->local.family) {
		sa_destroy(sa, "peer and local address families differ");
		return -1;
	}
	addr_set_port(&sa->peer, 500);
	addr_set_port(&sa->local, gw->c->port);
	sa->fd = gs->fd[0];
	sa->state = SA_INIT_SENT;
	sa_set_our_spi(sa, sa_new_spi(s));
	sgw_timer_set(&s->timers, &sa->t_expire, sgw_now_ms() + IKUD_HALF_OPEN_TTL_MS);
	if (send_init(sa, ike_proposals_first_dh(gw->ike, gw->n_ike))) {
		sa_destroy(sa, "cannot send IKE_SA_INIT");
		return -1;
	}
	sa_log(sa, LOG_INFO, "initiating");
	return 0;
}

void init_start_all(struct shard *s)
{
	const struct ikud_conf *conf = s->conf;
	size_t i, j;

	for (i = 0; i < conf->c.n_gateways; i++)
		for (j = 0; j < conf->gws[i].c->n_initiate; j++)
			init_start(s, &conf->gws[i], &conf->gws[i].c->initiate[j]);
}

static void init_fail(struct ike_sa *sa, enum fail_reason r, const char *why)
{
	sa_fail(sa->shard, r);
	sa_log(sa, LOG_NOTICE, "IKE SA setup failed: %s", why);
	sa_destroy(sa, why);
}

/* The key for the responder: its configured identity's, else the wildcard. */
static const struct ike_conf_psk *psk_for(const struct gw_rt *gw, const struct ike_id *id)
{
	if (id)
		return ike_conf_find_psk(gw->c, id);
	if (!ike_id_pattern_is_any(&gw->c->initiate_remote_id))
		return ike_conf_find_psk(gw->c, &gw->c->initiate_remote_id.id);
	return ike_conf_find_psk(gw->c, NULL);
}

static int send_auth(struct ike_sa *sa)
{
	const struct gw_rt *gw = sa->gw;
	const struct ike_conf_psk *psk = psk_for(gw, NULL);
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_ts tsi[IKUD_MAX_CHILD_TS], tsr[IKUD_MAX_CHILD_TS];
	struct ike_builder b;
	struct child_sa *c;
	uint8_t idbody[4 + IKE_ID_MAX_LEN], auth[IKE_PRF_MAX_LEN];
	size_t idlen, auth_len, n, ni, nr;

	if (!psk)
		return -1;
	idlen = ike_id_body(&gw->local_id, idbody, sizeof(idbody));
	if (!idlen || ike_auth_psk(&sa->keys, true, psk->secret, psk->len, sa->init_req,
				   sa->init_req_len, sa->nr, sa->nr_len, idbody, idlen,
				   auth, sizeof(auth), &auth_len))
		return -1;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->ike = sa;
	c->reqid = ikud_new_reqid(sa->shard->d);
	c->created_ms = sgw_now_ms();
	if (child_alloc_spi(sa, c)) {
		free(c);
		return -1;
	}
	n = esp_props_no_dh(gw, c->spi_in, props);
	ni = prefixes_to_ts(gw->c->local_ts, gw->c->n_local_ts, tsi, IKUD_MAX_CHILD_TS);
	nr = prefixes_to_ts(gw->c->remote_ts, gw->c->n_remote_ts, tsr, IKUD_MAX_CHILD_TS);
	ex_begin(sa, &b, IKE_AUTH, false, sa->send_mid);
	ike_build_id(&b, IKE_PL_IDI, &gw->local_id);
	ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, auth, auth_len);
	explicit_bzero(auth, sizeof(auth));
	ike_build_notify(&b, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_build_sa(&b, props, n);
	ike_build_ts(&b, IKE_PL_TSI, tsi, ni);
	ike_build_ts(&b, IKE_PL_TSR, tsr, nr);
	if (ex_send_request(sa, &b, REQ_AUTH, IKUD_RETRANS_BASE_MS, IKUD_RETRANS_TRIES)) {
		child_uninstall(c, true);
		free(c);
		return -1;
	}
	sa->req_new_child = c;
	sa->state = SA_AUTH_SENT;
	return 0;
}

void init_on_sa_init_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct gw_rt *gw = sa->gw;
	const struct ike_notify *n;
	struct ike_suite suite;
	uint8_t gir[IKE_DH_MAX_LEN];
	size_t gir_len;
	int nat;

	if (sa->req != REQ_INIT)
		return;
	n = ike_msg_find_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	if (n) {
		uint16_t group = n->data_len == 2 ? sgw_get_be16(n->data) : 0;

		if (sa->init_tries++ >= INIT_MAX_RESTARTS || group == sa->dh_group ||
		    !ike_proposals_have_dh(gw->ike, gw->n_ike, group) ||
		    !ike_dh_supported(group, gw->select_flags & IKE_SELECT_ALLOW_LEGACY)) {
			init_fail(sa, FAIL_INVALID_KE, "peer wants a DH group we do not allow");
			return;
		}
		sa_log(sa, LOG_INFO, "peer asks for DH group %u", group);
		ex_request_done(sa);
		if (send_init(sa, group))
			init_fail(sa, FAIL_INVALID_KE, "cannot restart IKE_SA_INIT");
		return;
	}
	n = ike_msg_find_notify(m, IKE_N_COOKIE);
	if (n) {
		if (sa->init_tries++ >= INIT_MAX_RESTARTS || !n->data_len || n->data_len > 64) {
			init_fail(sa, FAIL_PEER_ERROR, "bad COOKIE");
			return;
		}
		free(sa->cookie);
		sa->cookie = malloc(n->data_len);
		if (!sa->cookie) {
			init_fail(sa, FAIL_PEER_ERROR, "out of memory");
			return;
		}
		memcpy(sa->cookie, n->data, n->data_len);
		sa->cookie_len = n->data_len;
		ex_request_done(sa);
		if (send_init(sa, sa->dh_group))
			init_fail(sa, FAIL_PEER_ERROR, "cannot restart IKE_SA_INIT");
		return;
	}
	n = ike_msg_first_error(m);
	if (n) {
		init_fail(sa, n->type == IKE_N_NO_PROPOSAL_CHOSEN ? FAIL_NO_PROPOSAL
								  : FAIL_PEER_ERROR,
			  ike_notify_name(n->type));
		return;
	}
	if (!m->sa.present || m->sa.n != 1 || !m->ke.present || !m->nonce.present ||
	    !m->hdr.spi_r ||
	    !ike_proposal_check_reply(gw->ike, gw->n_ike, &m->sa.prop[0], gw->select_flags,
				      &suite) ||
	    suite.dh != sa->dh_group || m->ke.group != sa->dh_group) {
		init_fail(sa, FAIL_SYNTAX, "unacceptable IKE_SA_INIT response");
		return;
	}
	if (ike_dh_shared(sa->dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
		init_fail(sa, FAIL_SYNTAX, "invalid KE payload");
		return;
	}
	sa->spi_r = m->hdr.spi_r;
	sa->suite = suite;
	sa->nr_len = m->nonce.len;
	memcpy(sa->nr, m->nonce.data, m->nonce.len);
	if (ike_derive_sa_keys(&suite, gir, gir_len, sa->ni, sa->ni_len, sa->nr, sa->nr_len,
			       sa->spi_i, sa->spi_r, &sa->keys)) {
		explicit_bzero(gir, sizeof(gir));
		init_fail(sa, FAIL_SYNTAX, "key derivation failed");
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	sa->keys_ready = true;
	free(sa->init_resp);
	sa->init_resp = malloc(m->raw_len);
	if (!sa->init_resp) {
		init_fail(sa, FAIL_SYNTAX, "out of memory");
		return;
	}
	memcpy(sa->init_resp, m->raw, m->raw_len);
	sa->init_resp_len = (uint16_t)m->raw_len;
	/* NAT between us: continue on port 4500 (§2.23). */
	nat = nat_d_matches(m, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, sa->spi_r, &sa->peer);
	sa->nat_peer = nat == 0;
	nat = nat_d_matches(m, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, sa->spi_r,
			    &sa->local);
	sa->nat_local = nat == 0;
	ex_request_done(sa);
	sa->send_mid = 1;
	if (sa->nat_peer || sa->nat_local) {
		struct gw_socks *gs = shard_gw_socks(sa->shard, sa->gw_name);

		if (gs && gs->fd[1] >= 0) {
			sa->natt = true;
			sa->fd = gs->fd[1];
			addr_set_port(&sa->peer, IKUD_NATT_PORT);
			addr_set_port(&sa->local, IKUD_NATT_PORT);
		}
	}
	if (send_auth(sa))
		init_fail(sa, FAIL_AUTH, "cannot send IKE_AUTH (no key?)");
}

void init_on_auth_response(struct ike_sa *sa, struct ike_msg *m)
{
	const struct gw_rt *gw = sa->gw;
	const struct ike_conf_psk *psk;
	const struct ike_notify *n;
	struct child_sa *c = sa->req_new_child;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	char suite[128], ts[256];
	size_t np;

	sa->req_new_child = NULL;
	ex_request_done(sa);
	if (!m->idr.present || !m->auth.present) {
		n = ike_msg_first_error(m);
		if (c) {
			child_uninstall(c, true);
			free(c);
		}
		init_fail(sa, n && n->type == IKE_N_AUTHENTICATION_FAILED ? FAIL_AUTH
									 : FAIL_PEER_ERROR,
			  n ? ike_notify_name(n->type) : "IDr or AUTH missing");
		return;
	}
	sa->peer_id = m->idr.id;
	sa->peer_id_set = true;
	psk = psk_for(gw, &m->idr.id);
	if (!ike_id_match(&gw->c->initiate_remote_id, &m->idr.id) ||
	    !psk || m->auth.method != IKE_AUTH_SHARED_KEY_MIC ||
	    !ike_auth_psk_verify(&sa->keys, false, psk->secret, psk->len, sa->init_resp,
				 sa->init_resp_len, sa->ni, sa->ni_len, m->idr.body,
				 m->idr.body_len, m->auth.data, m->auth.len)) {
		if (c) {
			child_uninstall(c, true);
			free(c);
		}
		init_fail(sa, FAIL_AUTH, "responder's AUTH does not verify");
		return;
	}
	sa_established(sa);
	ike_suite_to_string(&sa->suite, suite, sizeof(suite));
	sa_log(sa, LOG_NOTICE, "IKE SA established (initiator, %s)", suite);
	if (!c)
		return;
	np = esp_props_no_dh(gw, c->spi_in, props);
	n = ike_msg_first_error(m);
	if (n || !m->sa.present || m->sa.n != 1 ||
	    !ike_proposal_check_reply(props, np, &m->sa.prop[0],
				      gw->select_flags | IKE_SELECT_IGNORE_DH, &c->suite) ||
	    c->suite.spi_size != 4 || child_narrow(gw, &m->tsi, &m->tsr, false, c)) {
		sa_log(sa, LOG_NOTICE, "no CHILD_SA: %s",
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
	if (child_install(sa, c, true, NULL, 0, sa->ni, sa->ni_len, sa->nr, sa->nr_len, true)) {
		sa_fail(sa->shard, FAIL_KERNEL);
		child_uninstall(c, false);
		free(c);
		return;
	}
	child_link(sa, c);
	sa->shard->st.child_installed++;
	child_ts_str(c, ts, sizeof(ts));
	ike_suite_to_string(&c->suite, suite, sizeof(suite));
	sa_log(sa, LOG_NOTICE, "CHILD_SA installed spi_in 0x%08x spi_out 0x%08x %s (%s)",
	       c->spi_in, c->spi_out, ts, suite);
}
