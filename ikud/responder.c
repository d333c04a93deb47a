// SPDX-License-Identifier: GPL-2.0
/*
 * The responder's side of IKE_SA_INIT and IKE_AUTH (RFC 7296 §1.2, §2.15).
 *
 * A half-open SA costs one struct ike_sa plus the two IKE_SA_INIT messages
 * (at most IKUD_INIT_MAX bytes each) until IKE_AUTH; it expires after
 * IKUD_HALF_OPEN_TTL_MS. Above the cookie threshold, IKE_SA_INIT is
 * answered statelessly with a COOKIE (§2.6) until the peer returns it.
 */
#include "ikud.h"
#include "log.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern uint8_t ikud_cookie_secret[32];
uint8_t ikud_cookie_secret[32];

/* Cookie = 0x00 | HMAC-SHA256(secret, Ni | IPi | SPIi)[0..15] (§2.6). */
static void make_cookie(const struct ike_msg *m, const struct sockaddr_storage *peer,
			uint8_t out[17])
{
	size_t alen;
	const uint8_t *a = addr_bytes(peer, &alen);
	uint8_t spi[8], mac[IKE_PRF_MAX_LEN];
	struct ike_chunk in[3] = {
		{ m->nonce.data, m->nonce.len }, { a, alen }, { spi, 8 },
	};

	sgw_put_be64(spi, m->hdr.spi_i);
	memset(mac, 0, sizeof(mac));
	ike_prf(IKE_PRF_HMAC_SHA2_256, ikud_cookie_secret, sizeof(ikud_cookie_secret),
		in, 3, mac);
	out[0] = 0;
	memcpy(out + 1, mac, 16);
}

static bool cookie_ok(const struct ike_msg *m, const struct sockaddr_storage *peer)
{
	const struct ike_notify *n = ike_msg_find_notify(m, IKE_N_COOKIE);
	uint8_t want[17];

	if (!n || n->data_len != sizeof(want))
		return false;
	make_cookie(m, peer, want);
	return !memcmp(n->data, want, sizeof(want));
}

/* NAT_DETECTION_*_IP (§2.23): does any of the notifies match addr:port? */
int nat_d_matches(const struct ike_msg *m, uint16_t type, uint64_t spi_i,
			 uint64_t spi_r, const struct sockaddr_storage *ss)
{
	size_t alen, i;
	const uint8_t *a = addr_bytes(ss, &alen);
	uint8_t want[20];
	bool present = false;

	if (ike_nat_detection_hash(spi_i, spi_r, a, alen, addr_port(ss), want))
		return -1;
	for (i = 0; i < m->n_notify; i++) {
		const struct ike_notify *n = &m->notify[i];

		if (n->type != type)
			continue;
		present = true;
		if (n->data_len == 20 && !memcmp(n->data, want, 20))
			return 1;
	}
	return present ? 0 : -1;	/* -1: the peer does not do NAT-T */
}

void build_nat_d(struct ike_builder *b, uint16_t type, uint64_t spi_i,
			uint64_t spi_r, const struct sockaddr_storage *ss)
{
	size_t alen;
	const uint8_t *a = addr_bytes(ss, &alen);
	uint8_t h[20];

	if (!ike_nat_detection_hash(spi_i, spi_r, a, alen, addr_port(ss), h))
		ike_build_notify(b, 0, NULL, 0, type, h, sizeof(h));
}

static void log_peer(const char *gw, const struct sockaddr_storage *peer,
		     const char *what)
{
	char ip[INET6_ADDRSTRLEN];
	size_t alen;

	inet_ntop(peer->ss_family, addr_bytes(peer, &alen), ip, sizeof(ip));
	log_info("gw %s: peer %s:%u: IKE_SA_INIT refused: %s", gw, ip,
		 addr_port(peer), what);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len);

	if (d)
		memcpy(d, p, len);
	return d;
}

void resp_sa_init(struct shard *s, struct gw_socks *gs, bool natt,
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
	uint8_t pub[IKE_DH_MAX_LEN], gir[IKE_DH_MAX_LEN];
	size_t pub_len, gir_len, n;
	int fd = gs->fd[natt];
	int nat;

	if (ike_msg_parse(pkt, len, m, &err)) {
		s->st.rx_invalid++;
		if (err.notify) {
			ex_reply_init_notify(s, fd, natt, peer, &m->hdr, err.notify,
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
			ikud_send(sa, sa->init_resp, sa->init_resp_len);
		} else {
			s->st.rx_dropped++;
		}
		return;
	}
	if (len > IKUD_INIT_MAX) {
		s->st.rx_dropped++;
		return;
	}
	if ((uint32_t)atomic_load(&s->d->half_open) >= gc->half_open_max) {
		sa_fail(s, FAIL_LIMIT);
		return;
	}
	if (!m->sa.present || !m->ke.present || !m->nonce.present) {
		ex_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_INVALID_SYNTAX, NULL, 0);
		sa_fail(s, FAIL_SYNTAX);
		log_peer(gw->c->name, peer, "SA, KE or Nonce missing");
		return;
	}
	if (gc->cookie_threshold &&
	    (uint32_t)atomic_load(&s->d->half_open) >= gc->cookie_threshold &&
	    !cookie_ok(m, peer)) {
		uint8_t cookie[17];

		make_cookie(m, peer, cookie);
		ex_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_COOKIE,
				     cookie, sizeof(cookie));
		return;
	}
	switch (ike_proposal_select(gw->ike, gw->n_ike, m->sa.prop, m->sa.n,
				    gw->select_flags, m->ke.group, &suite)) {
	case IKE_SELECT_OK:
		break;
	case IKE_SELECT_INVALID_KE: {
		uint8_t grp[2] = { (uint8_t)(suite.dh >> 8), (uint8_t)suite.dh };

		ex_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_INVALID_KE_PAYLOAD,
				     grp, sizeof(grp));
		sa_fail(s, FAIL_INVALID_KE);
		log_debug("gw %s: asking for DH group %u instead of %u", gw->c->name,
			  suite.dh, m->ke.group);
		return;
	}
	default:
		ex_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_NO_PROPOSAL_CHOSEN,
				     NULL, 0);
		sa_fail(s, FAIL_NO_PROPOSAL);
		log_peer(gw->c->name, peer, "no proposal chosen");
		return;
	}

	sa = sa_new(s, gw, false);
	if (!sa)
		return;
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
		sa_log(sa, LOG_ERR, "DH group %u unavailable", suite.dh);
		sa_destroy(sa, "internal error");
		return;
	}
	if (ike_dh_shared(sa->dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len)) {
		ex_reply_init_notify(s, fd, natt, peer, &m->hdr, IKE_N_INVALID_SYNTAX, NULL, 0);
		sa_fail(s, FAIL_SYNTAX);
		sa_destroy(sa, "invalid KE payload");
		return;
	}
	ike_dh_free(sa->dh);
	sa->dh = NULL;
	sa->ni_len = m->nonce.len;
	memcpy(sa->ni, m->nonce.data, m->nonce.len);
	sa->nr_len = IKUD_NONCE_LEN;
	ike_random(sa->nr, sa->nr_len);
	if (ike_derive_sa_keys(&suite, gir, gir_len, sa->ni, sa->ni_len, sa->nr,
			       sa->nr_len, sa->spi_i, sa->spi_r, &sa->keys)) {
		explicit_bzero(gir, sizeof(gir));
		sa_destroy(sa, "key derivation failed");
		return;
	}
	explicit_bzero(gir, sizeof(gir));
	sa->keys_ready = true;

	/* NAT detection: hashes in the request use SPIr = 0. */
	nat = nat_d_matches(m, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, 0, peer);
	sa->nat_peer = nat == 0;
	nat = nat_d_matches(m, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, 0, local);
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
		build_nat_d(&b, IKE_N_NAT_DETECTION_SOURCE_IP, sa->spi_i, sa->spi_r, local);
		build_nat_d(&b, IKE_N_NAT_DETECTION_DESTINATION_IP, sa->spi_i, sa->spi_r, peer);
	}
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
	ikud_send(sa, sa->init_resp, sa->init_resp_len);
	if (log_enabled(LOG_DEBUG)) {
		char str[128];

		ike_suite_to_string(&suite, str, sizeof(str));
		sa_log(sa, LOG_DEBUG, "IKE_SA_INIT answered: %s%s%s", str,
		       sa->nat_peer ? ", peer behind NAT" : "",
		       sa->nat_local ? ", we are behind NAT" : "");
	}
}

/* IKE_AUTH failed before a response with AUTH: answer, count, forget. */
static void auth_fail(struct ike_sa *sa, uint16_t notify, enum fail_reason r,
		      const char *why)
{
	ex_respond_error(sa, IKE_AUTH, notify, NULL, 0);
	sa_fail(sa->shard, r);
	sa_log(sa, LOG_NOTICE, "IKE_AUTH failed: %s", why);
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
		shard_post(d->shards[i], msg);
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
	c->reqid = ikud_new_reqid(sa->shard->d);
	if (child_narrow(gw, &m->tsi, &m->tsr, true, c) || child_ts_taken(sa, c)) {
		*notify = IKE_N_TS_UNACCEPTABLE;
		sa_fail(sa->shard, FAIL_TS);
		goto fail;
	}
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

void resp_ike_auth(struct ike_sa *sa, struct ike_msg *m)
{
	const struct gw_rt *gw = sa->gw;
	const struct ike_conf_psk *psk;
	struct child_sa *c;
	struct ike_builder b;
	uint8_t idbody[4 + IKE_ID_MAX_LEN], auth[IKE_PRF_MAX_LEN];
	size_t idlen, auth_len;
	uint16_t notify = 0;
	char suite[128], ts[256];

	if (!m->idi.present || !m->auth.present) {
		auth_fail(sa, IKE_N_INVALID_SYNTAX, FAIL_SYNTAX, "IDi or AUTH missing");
		return;
	}
	sa->peer_id = m->idi.id;
	sa->peer_id_set = true;
	if (m->auth.method != IKE_AUTH_SHARED_KEY_MIC) {
		auth_fail(sa, IKE_N_AUTHENTICATION_FAILED, FAIL_AUTH,
			  "peer does not use a pre-shared key");
		return;
	}
	psk = ike_conf_find_psk(gw->c, &m->idi.id);
	if (!psk) {
		auth_fail(sa, IKE_N_AUTHENTICATION_FAILED, FAIL_AUTH,
			  "no key for this identity");
		return;
	}
	if (!ike_auth_psk_verify(&sa->keys, true, psk->secret, psk->len,
				 sa->init_req, sa->init_req_len, sa->nr, sa->nr_len,
				 m->idi.body, m->idi.body_len, m->auth.data, m->auth.len)) {
		auth_fail(sa, IKE_N_AUTHENTICATION_FAILED, FAIL_AUTH,
			  "AUTH payload does not match (wrong pre-shared key?)");
		return;
	}
	idlen = ike_id_body(&gw->local_id, idbody, sizeof(idbody));
	if (!idlen || ike_auth_psk(&sa->keys, false, psk->secret, psk->len,
				   sa->init_resp, sa->init_resp_len, sa->ni, sa->ni_len,
				   idbody, idlen, auth, sizeof(auth), &auth_len)) {
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

	ex_begin(sa, &b, IKE_AUTH, true, sa->recv_mid);
	ike_build_id(&b, IKE_PL_IDR, &gw->local_id);
	ike_build_auth(&b, IKE_AUTH_SHARED_KEY_MIC, auth, auth_len);
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
	if (ex_send_response(sa, &b)) {
		if (c) {
			child_uninstall(c, false);
			free(c);
		}
		sa_destroy(sa, "cannot send IKE_AUTH response");
		return;
	}
	sa_established(sa);
	ike_suite_to_string(&sa->suite, suite, sizeof(suite));
	sa_log(sa, LOG_NOTICE, "IKE SA established (responder, %s)", suite);
	if (c) {
		child_link(sa, c);
		sa->shard->st.child_installed++;
		child_ts_str(c, ts, sizeof(ts));
		ike_suite_to_string(&c->suite, suite, sizeof(suite));
		sa_log(sa, LOG_NOTICE, "CHILD_SA installed spi_in 0x%08x spi_out 0x%08x %s (%s)",
		       c->spi_in, c->spi_out, ts, suite);
	} else {
		sa_log(sa, LOG_NOTICE, "no CHILD_SA: %s", ike_notify_name(notify));
	}
}
