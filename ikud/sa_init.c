// SPDX-License-Identifier: GPL-2.0
/*
 * IKE_SA_INIT (RFC 7296 §1.2), both roles.
 *
 * Responder: a half-open SA costs one struct ike_sa plus the two
 * IKE_SA_INIT messages (at most IKUD_INIT_MAX bytes each) until IKE_AUTH;
 * it expires after IKUD_HALF_OPEN_TTL_MS. Above the cookie threshold,
 * IKE_SA_INIT is answered statelessly with a COOKIE (§2.6) until the peer
 * returns it.
 *
 * Initiator: ikud connecting to the peers a gateway lists with `initiate`.
 * INVALID_KE_PAYLOAD restarts with the group the responder wants (if we
 * allow it), COOKIE restarts with the cookie; a NAT moves us to port 4500
 * before IKE_AUTH (auth.c).
 */
#include "ikud.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

#define INIT_MAX_RESTARTS 3

static void log_peer(const char *gw, const struct sockaddr_storage *peer,
		     const char *what)
{
	char ip[INET6_ADDRSTRLEN];

	sgw_sockaddr_format_ip(peer, ip, sizeof(ip));
	log_info("gw %s: peer %s:%u: IKE_SA_INIT refused: %s", gw, ip,
		 sgw_sockaddr_port(peer), what);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len);

	if (d)
		memcpy(d, p, len);
	return d;
}

void sa_init_respond(struct shard *s, struct gw_socks *gs, bool natt,
		  const uint8_t *pkt, size_t len,
		  const struct sockaddr_storage *peer,
		  const struct sockaddr_storage *local)
{
	const struct gw_rt *gw = gs->gw;
	const struct ike_conf *gc = &s->conf->c;
	struct ike_msg *m = &s->msg;
	struct ike_parse_err err;
	struct ike_suite suite;
	struct ike_sa *sa;
	struct ike_builder b;
	struct ike_proposal reply;
	uint8_t pub[IKE_DH_MAX_LEN], gir[IKE_DH_MAX_LEN], grp[2];
	size_t pub_len, gir_len, grp_len, n;
	int fd = gs->fd[natt];
	enum halfopen_verdict admit;
	uint16_t notify;
	int nat;

	if (ike_msg_parse(pkt, len, m, &err)) {
		s->st.rx_invalid++;
		if (err.notify) {
			exchange_reply_init_notify(s, fd, natt, peer, &m->hdr, err.notify,
					     err.data, err.data_len);
			sa_fail(s, FAIL_SYNTAX);
		}
		return;
	}
	sa = sa_find_half_open(s, m->hdr.spi_i, peer);
	if (sa) {
		/* A retransmission: answer from what we sent (§2.1). */
		if (sa->state == SA_HALF_OPEN && sa->init_req_len == len &&
		    !memcmp(sa->init_req, pkt, len) && sa->init_resp) {
			s->st.cached_replies++;
			sock_send(sa, sa->init_resp, sa->init_resp_len);
		} else {
			s->st.rx_dropped++;
		}
		return;
	}
	if (len > IKUD_INIT_MAX) {
		s->st.rx_dropped++;
		return;
	}
	if (!m->sa.present || !m->ke.present || !m->nonce.present) {
		exchange_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_INVALID_SYNTAX, NULL, 0);
		sa_fail(s, FAIL_SYNTAX);
		log_peer(gw->c->name, peer, "SA, KE or Nonce missing");
		return;
	}
	if (gc->cookie_threshold &&
	    (uint32_t)(atomic_load(&s->d->half_open) + atomic_load(&s->d->init_waiting)) >=
	    gc->cookie_threshold &&
	    !cookie_valid(m, peer)) {
		uint8_t cookie[IKE_COOKIE_LEN];

		if (!cookie_make(m, peer, cookie)) {
			exchange_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_COOKIE,
					     cookie, sizeof(cookie));
			s->st.cookies_sent++;
		}
		return;
	}
	notify = config_select_ike(gw, m, &suite, grp, &grp_len);
	if (notify) {
		exchange_reply_init_notify(s, fd, natt, peer, &m->hdr, notify, grp, grp_len);
		if (notify == IKE_N_INVALID_KE_PAYLOAD) {
			sa_fail(s, FAIL_INVALID_KE);
			log_debug("gw %s: asking for DH group %u instead of %u", gw->c->name,
				  suite.dh, m->ke.group);
		} else {
			sa_fail(s, FAIL_NO_PROPOSAL);
			log_peer(gw->c->name, peer, "no proposal chosen");
		}
		return;
	}
	/* after the cookie: what counts here are addresses that get our answers */
	admit = halfopen_admit(s->d, gc, peer);
	if (admit != HALFOPEN_OK) {
		sa_fail(s, admit == HALFOPEN_SOURCE ? FAIL_SOURCE_LIMIT : FAIL_LIMIT);
		return;
	}
	sa = sa_new(s, gw, false);
	if (!sa) {
		halfopen_release(peer);
		return;
	}
	sa->halfopen_counted = true;
	sa->halfopen_addr = *peer;
	sa->spi_i = m->hdr.spi_i;
	sa->peer = *peer;
	sa->local = *local;
	sa->fd = fd;
	sa->natt = natt;
	sa->suite = suite;
	sa->state = SA_HALF_OPEN;
	sa_set_our_spi(sa, sa_new_spi(s));
	sa_index_half_open(sa);

	sa->dh = ike_dh_new(suite.dh, gw->select_flags & IKE_SELECT_ALLOW_LEGACY);
	if (!sa->dh || ike_dh_public(sa->dh, pub, sizeof(pub), &pub_len)) {
		log_sa(sa, LOG_ERR, "DH group %u unavailable", suite.dh);
		sa_destroy(sa, "internal error");
		return;
	}
	if (ike_dh_shared(sa->dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
		exchange_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_INVALID_SYNTAX, NULL, 0);
		sa_fail(s, FAIL_SYNTAX);
		sa_destroy(sa, "invalid KE payload");
		return;
	}
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	sa->ni_len = m->nonce.len;
	memcpy(sa->ni, m->nonce.data, m->nonce.len);
	sa->nr_len = IKUD_NONCE_LEN;
	if (ike_random(sa->nr, sa->nr_len) ||
	    ike_derive_sa_keys(&suite, gir, gir_len, sa->ni, sa->ni_len, sa->nr,
			       sa->nr_len, sa->spi_i, sa->spi_r, &sa->keys)) {
		explicit_bzero(gir, sizeof(gir));
		sa_destroy(sa, "key derivation failed");
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	sa->keys_ready = true;

	certauth_on_init(sa, m);
	sa->frag_ok = gw->c->fragmentation &&
		      ike_msg_find_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED);

	/* NAT detection: hashes in the request use SPIr = 0. */
	nat = ike_natd_match(m, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, 0, peer);
	sa->nat_peer = nat == 0;
	nat = ike_natd_match(m, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, 0, local);
	sa->nat_local = nat == 0;

	{
		struct ike_hdr h = {
			.spi_i = sa->spi_i, .spi_r = sa->spi_r, .version = IKE_VERSION,
			.exchange = IKE_SA_INIT, .flags = IKE_FLAG_R, .msg_id = 0,
		};

		ike_build_init(&b, s->tx, sizeof(s->tx), &h);
	}
	ike_suite_to_proposal(&suite, suite.prop_num, NULL, 0, &reply);
	ike_build_sa(&b, &reply, 1);
	ike_build_ke(&b, suite.dh, pub, pub_len);
	ike_build_nonce(&b, sa->nr, sa->nr_len);
	if (nat >= 0) {
		ike_natd_build(&b, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, sa->spi_r, local);
		ike_natd_build(&b, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, sa->spi_r, peer);
	}
	if (sa->frag_ok)
		ike_build_notify(&b, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	certauth_build_init(gw, &b, true);
	n = ike_build_end(&b);
	if (!n) {
		sa_destroy(sa, "cannot build IKE_SA_INIT response");
		return;
	}
	sa->init_req = dup_bytes(pkt, len);
	sa->init_resp = dup_bytes(s->tx, n);
	if (!sa->init_req || !sa->init_resp) {
		sa_destroy(sa, "out of memory");
		return;
	}
	sa->init_req_len = (uint16_t)len;
	sa->init_resp_len = (uint16_t)n;
	sa->recv_mid = 1;
	sock_send(sa, sa->init_resp, sa->init_resp_len);
	if (log_enabled(LOG_DEBUG)) {
		char str[128];

		ike_suite_to_string(&suite, str, sizeof(str));
		log_sa(sa, LOG_DEBUG, "IKE_SA_INIT answered: %s%s%s", str,
		       sa->nat_peer ? ", peer behind NAT" : "",
		       sa->nat_local ? ", we are behind NAT" : "");
	}
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
	if (ike_random(sa->ni, sa->ni_len))
		return -1;
	ike_build_init(&b, s->tx, sizeof(s->tx), &h);
	if (sa->cookie)
		ike_build_notify(&b, 0, NULL, 0, IKE_N_COOKIE, sa->cookie, sa->cookie_len);
	ike_build_sa(&b, sa->gw->ike, sa->gw->n_ike);
	ike_build_ke(&b, group, pub, pub_len);
	ike_build_nonce(&b, sa->ni, sa->ni_len);
	ike_natd_build(&b, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, 0, &sa->local);
	ike_natd_build(&b, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, 0, &sa->peer);
	if (sa->gw->c->fragmentation)
		ike_build_notify(&b, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	certauth_build_init(sa->gw, &b, false);
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
	return exchange_send_raw_request(sa, s->tx, n, REQ_INIT, 0, IKUD_RETRANS_BASE_MS,
				   IKUD_RETRANS_TRIES);
}

struct ike_sa *sa_init_start(struct shard *s, const struct gw_rt *gw,
			     const struct sgw_prefix *peer)
{
	struct gw_socks *gs = sock_find(s, gw->c->name);
	struct ike_sa *sa;

	if (!gs || gs->fd[0] < 0)
		return NULL;
	sa = sa_new(s, gw, true);
	if (!sa)
		return NULL;
	sgw_sockaddr_from_prefix(peer, 500, &sa->peer);
	sock_gateway_addr(gw->c, gw->c->port, &sa->local);
	if (peer->family != gw->c->local.family) {
		sa_destroy(sa, "peer and local address families differ");
		return NULL;
	}
	sa->fd = gs->fd[0];
	sa->state = SA_INIT_SENT;
	sa_set_our_spi(sa, sa_new_spi(s));
	sgw_timer_set(&s->timers, &sa->t_expire, sgw_now_ms() + IKUD_HALF_OPEN_TTL_MS);
	if (send_init(sa, ike_proposals_first_dh(gw->ike, gw->n_ike))) {
		sa_destroy(sa, "cannot send IKE_SA_INIT");
		return NULL;
	}
	log_sa(sa, LOG_INFO, "initiating");
	return sa;
}

void sa_init_on_response(struct ike_sa *sa, struct ike_msg *m)
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
			sa_setup_failed(sa, FAIL_INVALID_KE, "peer wants a DH group we do not allow");
			return;
		}
		log_sa(sa, LOG_INFO, "peer asks for DH group %u", group);
		exchange_done(sa);
		if (send_init(sa, group))
			sa_setup_failed(sa, FAIL_INVALID_KE, "cannot restart IKE_SA_INIT");
		return;
	}
	n = ike_msg_find_notify(m, IKE_N_COOKIE);
	if (n) {
		if (sa->init_tries++ >= INIT_MAX_RESTARTS || !n->data_len || n->data_len > 64) {
			sa_setup_failed(sa, FAIL_PEER_ERROR, "bad COOKIE");
			return;
		}
		free(sa->cookie);
		sa->cookie = malloc(n->data_len);
		if (!sa->cookie) {
			sa_setup_failed(sa, FAIL_PEER_ERROR, "out of memory");
			return;
		}
		memcpy(sa->cookie, n->data, n->data_len);
		sa->cookie_len = n->data_len;
		exchange_done(sa);
		if (send_init(sa, sa->dh_group))
			sa_setup_failed(sa, FAIL_PEER_ERROR, "cannot restart IKE_SA_INIT");
		return;
	}
	n = ike_msg_first_error(m);
	if (n) {
		sa_setup_failed(sa, n->type == IKE_N_NO_PROPOSAL_CHOSEN ? FAIL_NO_PROPOSAL
								  : FAIL_PEER_ERROR,
			  ike_notify_name(n->type));
		return;
	}
	if (!m->sa.present || m->sa.n != 1 || !m->ke.present || !m->nonce.present ||
	    !m->hdr.spi_r ||
	    !ike_proposal_check_reply(gw->ike, gw->n_ike, &m->sa.prop[0], gw->select_flags,
				      &suite) ||
	    suite.dh != sa->dh_group || m->ke.group != sa->dh_group) {
		sa_setup_failed(sa, FAIL_SYNTAX, "unacceptable IKE_SA_INIT response");
		return;
	}
	if (ike_dh_shared(sa->dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
		sa_setup_failed(sa, FAIL_SYNTAX, "invalid KE payload");
		return;
	}
	sa->spi_r = m->hdr.spi_r;
	sa->suite = suite;
	sa->nr_len = m->nonce.len;
	memcpy(sa->nr, m->nonce.data, m->nonce.len);
	if (ike_derive_sa_keys(&suite, gir, gir_len, sa->ni, sa->ni_len, sa->nr, sa->nr_len,
			       sa->spi_i, sa->spi_r, &sa->keys)) {
		explicit_bzero(gir, sizeof(gir));
		sa_setup_failed(sa, FAIL_SYNTAX, "key derivation failed");
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	sa->keys_ready = true;
	certauth_on_init(sa, m);
	sa->frag_ok = gw->c->fragmentation &&
		      ike_msg_find_notify(m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED);
	free(sa->init_resp);
	sa->init_resp = malloc(m->raw_len);
	if (!sa->init_resp) {
		sa_setup_failed(sa, FAIL_SYNTAX, "out of memory");
		return;
	}
	memcpy(sa->init_resp, m->raw, m->raw_len);
	sa->init_resp_len = (uint16_t)m->raw_len;
	/* NAT between us: continue on port 4500 (§2.23). */
	nat = ike_natd_match(m, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, sa->spi_r, &sa->peer);
	sa->nat_peer = nat == 0;
	nat = ike_natd_match(m, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, sa->spi_r,
			    &sa->local);
	sa->nat_local = nat == 0;
	exchange_done(sa);
	sa->send_mid = 1;
	if (sa->nat_peer || sa->nat_local) {
		struct gw_socks *gs = sock_find(sa->shard, sa->gw_name);

		if (gs && gs->fd[1] >= 0) {
			sa->natt = true;
			sa->fd = gs->fd[1];
			sgw_sockaddr_set_port(&sa->peer, IKUD_NATT_PORT);
			sgw_sockaddr_set_port(&sa->local, IKUD_NATT_PORT);
		}
	}
	if (auth_start(sa))
		sa_setup_failed(sa, FAIL_AUTH, "cannot send IKE_AUTH (no key?)");
}
