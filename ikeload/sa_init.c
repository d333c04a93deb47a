// SPDX-License-Identifier: GPL-2.0
/*
 * IKE_SA_INIT as initiator (RFC 7296 §1.2, §2.6, §1.3): our proposals, KE
 * of the first group we offer, a nonce and the NAT detection notifies;
 * restarted with the group an INVALID_KE_PAYLOAD asks for (if we offer it)
 * and with the COOKIE a busy responder sends, at most LOAD_INIT_RESTARTS
 * times; then the keys, and IKE_AUTH.
 *
 * With --dh-cache every tunnel uses one key pair per group, made once: the
 * responder still does its own DH for every tunnel, we spend one
 * derivation instead of a key generation and a derivation. A real eNodeB
 * would not reuse its key pair across IKE SAs (RFC 7296 §2.12 allows it
 * only with care): the report says when the shortcut was taken.
 */
#include "ikeload.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

#define DH_CACHE_SLOTS (sizeof(ld->dh_cache) / sizeof(ld->dh_cache[0]))

static struct ike_dh *dh_get(uint16_t group, bool *shared)
{
	size_t i;

	*shared = ld->o.dh_cache;
	if (!ld->o.dh_cache)
		return ike_dh_new(group, true);
	for (i = 0; i < DH_CACHE_SLOTS; i++) {
		if (ld->dh_cache[i] && ld->dh_cache_group[i] == group)
			return ld->dh_cache[i];
		if (!ld->dh_cache[i]) {
			ld->dh_cache[i] = ike_dh_new(group, true);
			ld->dh_cache_group[i] = group;
			return ld->dh_cache[i];
		}
	}
	*shared = false;
	return ike_dh_new(group, true);
}

void sa_init_cache_free(void)
{
	size_t i;

	for (i = 0; i < DH_CACHE_SLOTS; i++) {
		ike_dh_free(ld->dh_cache[i]);
		ld->dh_cache[i] = NULL;
	}
}

static int send_init(struct tunnel *t, uint16_t group)
{
	const struct load_opts *o = &ld->o;
	struct setup *s = t->setup;
	struct ike_builder b;
	uint8_t pub[IKE_DH_MAX_LEN], *copy;
	size_t pub_len, n;
	struct ike_hdr h = {
		.spi_i = t->spi_i, .version = IKE_VERSION, .exchange = IKE_SA_INIT,
		.flags = IKE_FLAG_I,
	};

	if (!s->dh || s->group != group) {
		if (!s->dh_shared)
			ike_dh_free(s->dh);
		s->dh = dh_get(group, &s->dh_shared);
		s->group = group;
	}
	if (!s->dh || ike_dh_public(s->dh, pub, sizeof(pub), &pub_len))
		return -1;
	ike_build_init(&b, ld->tx, sizeof(ld->tx), &h);
	if (s->cookie_len)
		ike_build_notify(&b, 0, NULL, 0, IKE_N_COOKIE, s->cookie, s->cookie_len);
	ike_build_sa(&b, o->ike, o->n_ike);
	ike_build_ke(&b, group, pub, pub_len);
	ike_build_nonce(&b, s->ni, sizeof(s->ni));
	ike_natd_build(&b, IKE_N_NAT_DETECTION_SOURCE_IP, t->spi_i, 0, &t->local);
	ike_natd_build(&b, IKE_N_NAT_DETECTION_DESTINATION_IP, t->spi_i, 0, &ld->peer);
	n = ike_build_end(&b);
	if (!n)
		return -1;
	copy = realloc(s->init_req, n);
	if (!copy)
		return -1;
	memcpy(copy, ld->tx, n);
	s->init_req = copy;
	s->init_req_len = (uint16_t)n;
	return exchange_raw_request(t, ld->tx, n, REQ_INIT);
}

int sa_init_start(struct tunnel *t)
{
	struct phase *p = phase_cur();

	t->setup = calloc(1, sizeof(*t->setup));
	if (!t->setup || ike_random(t->setup->ni, sizeof(t->setup->ni)))
		return -1;
	if (p)
		p->started++;
	t->started_ms = sgw_now_ms();
	t->spi_i = tunnel_new_spi(t);
	t->spi_r = 0;
	t->send_mid = t->recv_mid = 0;
	tunnel_set_state(t, T_INIT_SENT);
	return send_init(t, ike_proposals_first_dh(ld->o.ike, ld->o.n_ike));
}

/* A restart with a new group or a cookie; false when it cannot be. */
static bool restart(struct tunnel *t, uint16_t group)
{
	exchange_done(t);
	if (send_init(t, group)) {
		tunnel_fail(t, FAIL_INTERNAL, "cannot restart IKE_SA_INIT");
		return false;
	}
	return true;
}

void sa_init_on_response(struct tunnel *t, struct ike_msg *m)
{
	const struct load_opts *o = &ld->o;
	struct setup *s = t->setup;
	struct phase *p = phase_cur();
	const struct ike_notify *n;
	struct ike_suite suite;
	uint8_t gir[IKE_DH_MAX_LEN];
	size_t gir_len;

	if (t->req != REQ_INIT || !s)
		return;
	n = ike_msg_find_notify(m, IKE_N_INVALID_KE_PAYLOAD);
	if (n) {
		uint16_t group = n->data_len == 2 ? sgw_get_be16(n->data) : 0;

		if (s->restarts++ >= LOAD_INIT_RESTARTS || group == s->group ||
		    !ike_proposals_have_dh(o->ike, o->n_ike, group) ||
		    !ike_dh_supported(group, true)) {
			tunnel_fail(t, FAIL_INVALID_KE, "the responder wants a group we do not offer");
			return;
		}
		if (p)
			p->invalid_ke++;
		restart(t, group);
		return;
	}
	n = ike_msg_find_notify(m, IKE_N_COOKIE);
	if (n) {
		if (s->restarts++ >= LOAD_INIT_RESTARTS || !n->data_len ||
		    n->data_len > sizeof(s->cookie)) {
			tunnel_fail(t, FAIL_COOKIE, "COOKIE restarts used up, or a bad COOKIE");
			return;
		}
		if (p)
			p->cookies++;
		if (t->req_tries > 1) {
			/*
			 * Our request went out more than once: a copy may still
			 * reach the responder once it is below its cookie
			 * threshold and get a real answer, which we could not tell
			 * from the answer to the retry with the cookie, and AUTH
			 * would cover the wrong message. Start afresh (new SPI,
			 * new nonce): answers to the old request find no tunnel.
			 */
			s->cookie_len = 0;
			t->spi_i = tunnel_new_spi(t);
			if (ike_random(s->ni, sizeof(s->ni))) {
				tunnel_fail(t, FAIL_INTERNAL, "no random bytes");
				return;
			}
		} else {
			memcpy(s->cookie, n->data, n->data_len);
			s->cookie_len = (uint8_t)n->data_len;
		}
		restart(t, s->group);
		return;
	}
	n = ike_msg_first_error(m);
	if (n) {
		tunnel_fail(t, n->type == IKE_N_NO_PROPOSAL_CHOSEN ? FAIL_NO_PROPOSAL
								  : FAIL_PEER_ERROR,
			    ike_notify_name(n->type));
		return;
	}
	if (!m->sa.present || m->sa.n != 1 || !m->ke.present || !m->nonce.present ||
	    !m->hdr.spi_r || !ike_proposal_check_reply(o->ike, o->n_ike, &m->sa.prop[0], 0, &suite) ||
	    suite.dh != s->group || m->ke.group != s->group) {
		tunnel_fail(t, FAIL_SYNTAX, "unacceptable IKE_SA_INIT response");
		return;
	}
	if (ike_dh_shared(s->dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
		tunnel_fail(t, FAIL_SYNTAX, "invalid KE payload");
		return;
	}
	t->spi_r = m->hdr.spi_r;
	t->suite = suite;
	s->nr_len = m->nonce.len;
	memcpy(s->nr, m->nonce.data, m->nonce.len);
	if (ike_derive_sa_keys(&suite, gir, gir_len, s->ni, sizeof(s->ni), s->nr, s->nr_len,
			       t->spi_i, t->spi_r, &t->keys)) {
		explicit_bzero(gir, sizeof(gir));
		tunnel_fail(t, FAIL_INTERNAL, "key derivation failed");
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	t->keys_ready = true;
	s->init_resp = malloc(m->raw_len);
	if (!s->init_resp) {
		tunnel_fail(t, FAIL_INTERNAL, "out of memory");
		return;
	}
	memcpy(s->init_resp, m->raw, m->raw_len);
	s->init_resp_len = (uint16_t)m->raw_len;
	if (!s->dh_shared)
		ike_dh_free(s->dh);
	s->dh = NULL;
	exchange_done(t);
	t->send_mid = 1;
	if (auth_start(t))
		tunnel_fail(t, FAIL_INTERNAL, "cannot send IKE_AUTH");
}
