// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE_CHILD_SA (RFC 7296 §1.3, §2.8): with --rekey, each tunnel rekeys
 * its CHILD_SA (PFS when the ESP proposal has a group), installs the
 * successor (sample tunnels) and deletes the old one; with --rekey-ike,
 * its IKE SA, and the tunnel moves to the new one at once. The first of
 * each is due after the interval, spread by ±10%, then every interval.
 *
 * The responder's own CREATE_CHILD_SA requests are refused with
 * NO_ADDITIONAL_SAS and counted: a load generator drives the rekeys
 * itself (the responder's lifetimes are longer than a run).
 */
#include "ikeload.h"

#include <stdlib.h>
#include <string.h>

#include "base/sgw_byteorder.h"

static void child_timer(struct sgw_timer *tm, void *arg);
static void ike_timer(struct sgw_timer *tm, void *arg);

static uint64_t jittered(unsigned int secs)
{
	uint64_t ms = secs * 1000ULL;
	uint16_t r = 0;

	ike_random((uint8_t *)&r, sizeof(r));
	return ms * 9 / 10 + (ms / 5) * r / 65536;
}

void rekey_arm(struct tunnel *t)
{
	uint64_t now = sgw_now_ms();

	if (ld->o.rekey_secs) {
		t->t_rekey.fn = child_timer;
		sgw_timer_set(&ld->timers, &t->t_rekey, now + jittered(ld->o.rekey_secs));
	}
	if (ld->o.rekey_ike_secs) {
		t->t_rekey_ike.fn = ike_timer;
		sgw_timer_set(&ld->timers, &t->t_rekey_ike, now + jittered(ld->o.rekey_ike_secs));
	}
}

/* Busy: try again in a second. */
static bool busy(struct tunnel *t, struct sgw_timer *tm)
{
	if (t->state != T_UP)
		return true;
	if (t->req == REQ_NONE)
		return false;
	sgw_timer_set(&ld->timers, tm, sgw_now_ms() + 1000);
	return true;
}

static int new_rekey(struct tunnel *t, uint16_t group, uint8_t *pub, size_t *pub_len)
{
	t->rk = calloc(1, sizeof(*t->rk));
	if (!t->rk || ike_random(t->rk->ni, sizeof(t->rk->ni)))
		return -1;
	*pub_len = 0;
	if (!group)
		return 0;
	t->rk->dh = ike_dh_new(group, true);
	if (!t->rk->dh || ike_dh_public(t->rk->dh, pub, IKE_DH_MAX_LEN, pub_len))
		return -1;
	return 0;
}

static void child_timer(struct sgw_timer *tm, void *arg)
{
	struct tunnel *t = arg;
	const struct load_opts *o = &ld->o;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_builder b;
	uint8_t pub[IKE_DH_MAX_LEN], spi[4], old[4];
	uint16_t group = ike_proposals_first_dh(o->esp, o->n_esp);
	size_t pub_len, n;

	if (busy(t, tm) || !t->child.spi_in || t->old_child.spi_in)
		return;
	if (new_rekey(t, group, pub, &pub_len))
		goto fail;
	t->rk->spi_in = esp_alloc_spi(t, t->child.reqid);
	if (!t->rk->spi_in)
		goto fail;
	sgw_put_be32(spi, t->rk->spi_in);
	sgw_put_be32(old, t->child.spi_in);
	n = ike_proposals_with_spi(o->esp, o->n_esp, spi, 4, false, props);
	exchange_begin(t, &b, IKE_CREATE_CHILD_SA, false, t->send_mid);
	ike_build_notify(&b, IKE_PROTO_ESP, old, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_build_sa(&b, props, n);
	ike_build_nonce(&b, t->rk->ni, sizeof(t->rk->ni));
	if (group)
		ike_build_ke(&b, group, pub, pub_len);
	ike_build_ts(&b, IKE_PL_TSI, t->child.tsi, t->child.n_tsi);
	ike_build_ts(&b, IKE_PL_TSR, t->child.tsr, t->child.n_tsr);
	if (exchange_request(t, &b, REQ_REKEY_CHILD))
		goto fail;
	return;
fail:
	cnt.rekeys_failed++;
	tunnel_rekey_free(t);
	sgw_timer_set(&ld->timers, tm, sgw_now_ms() + jittered(o->rekey_secs));
}

static void ike_timer(struct sgw_timer *tm, void *arg)
{
	struct tunnel *t = arg;
	const struct load_opts *o = &ld->o;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_builder b;
	uint8_t pub[IKE_DH_MAX_LEN], spi[8];
	size_t pub_len, n;

	if (busy(t, tm))
		return;
	if (new_rekey(t, t->suite.dh, pub, &pub_len))
		goto fail;
	t->rk->new_spi = tunnel_new_spi(t);
	sgw_put_be64(spi, t->rk->new_spi);
	n = ike_proposals_with_spi(o->ike, o->n_ike, spi, 8, false, props);
	exchange_begin(t, &b, IKE_CREATE_CHILD_SA, false, t->send_mid);
	ike_build_sa(&b, props, n);
	ike_build_nonce(&b, t->rk->ni, sizeof(t->rk->ni));
	ike_build_ke(&b, t->suite.dh, pub, pub_len);
	if (exchange_request(t, &b, REQ_REKEY_IKE))
		goto fail;
	return;
fail:
	cnt.rekeys_failed++;
	tunnel_rekey_free(t);
	sgw_timer_set(&ld->timers, tm, sgw_now_ms() + jittered(o->rekey_ike_secs));
}

/* Selectors of a response, if it has usable ones. */
static bool take_ts(const struct ike_ts_list *l, struct ike_ts *out, uint8_t *n)
{
	if (!l->present || !l->n || l->n > LOAD_MAX_TS)
		return false;
	memcpy(out, l->ts, l->n * sizeof(*out));
	*n = l->n;
	return true;
}

static void child_response(struct tunnel *t, struct ike_msg *m)
{
	const struct load_opts *o = &ld->o;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct child c = t->child;
	uint8_t gir[IKE_DH_MAX_LEN], spi[4], old[4];
	size_t gir_len = 0, n;
	struct ike_builder b;

	sgw_put_be32(spi, t->rk->spi_in);
	n = ike_proposals_with_spi(o->esp, o->n_esp, spi, 4, false, props);
	if (ike_msg_first_error(m) || !m->sa.present || m->sa.n != 1 || !m->nonce.present ||
	    !ike_proposal_check_reply(props, n, &m->sa.prop[0], 0, &c.suite) ||
	    c.suite.spi_size != 4)
		goto fail;
	if (c.suite.dh && (!t->rk->dh || !m->ke.present || m->ke.group != c.suite.dh ||
			   ike_dh_shared(t->rk->dh, m->ke.data, m->ke.len, gir, sizeof(gir),
					 &gir_len)))
		goto fail;
	c.spi_in = t->rk->spi_in;
	c.spi_out = sgw_get_be32(c.suite.spi);
	c.in_kernel = false;
	/* the same selectors and reqid: the policies stay, the successor's */
	if (!take_ts(&m->tsi, c.tsi, &c.n_tsi) || !take_ts(&m->tsr, c.tsr, &c.n_tsr)) {
		memcpy(c.tsi, t->child.tsi, sizeof(c.tsi));
		memcpy(c.tsr, t->child.tsr, sizeof(c.tsr));
	}
	if (esp_install(t, &c, c.suite.dh ? gir : NULL, gir_len, t->rk->ni, sizeof(t->rk->ni),
			m->nonce.data, m->nonce.len)) {
		explicit_bzero(gir, sizeof(gir));
		esp_remove(t, &c, true);
		goto fail;
	}
	explicit_bzero(gir, sizeof(gir));
	t->old_child = t->child;
	t->old_child.policies = false;
	t->child = c;
	cnt.child_rekeys++;
	tunnel_rekey_free(t);
	/* the old CHILD_SA goes: its inbound SPI, as the responder knows it */
	sgw_put_be32(old, t->old_child.spi_in);
	exchange_begin(t, &b, IKE_INFORMATIONAL, false, t->send_mid);
	ike_build_delete(&b, IKE_PROTO_ESP, 4, old, 1);
	if (exchange_request(t, &b, REQ_DELETE_CHILD)) {
		esp_remove(t, &t->old_child, true);
		memset(&t->old_child, 0, sizeof(t->old_child));
	}
	sgw_timer_set(&ld->timers, &t->t_rekey, sgw_now_ms() + jittered(o->rekey_secs));
	return;
fail:
	cnt.rekeys_failed++;
	if (t->sample) {
		struct child larval = { .spi_in = t->rk->spi_in, .reqid = t->child.reqid };

		esp_remove(t, &larval, true);
	}
	tunnel_rekey_free(t);
	sgw_timer_set(&ld->timers, &t->t_rekey, sgw_now_ms() + jittered(o->rekey_secs));
}

static void ike_response(struct tunnel *t, struct ike_msg *m)
{
	const struct load_opts *o = &ld->o;
	struct ike_proposal props[IKE_MAX_PROPOSALS];
	struct ike_suite suite;
	struct ike_sa_keys keys;
	struct ike_builder b;
	uint8_t gir[IKE_DH_MAX_LEN], spi[8];
	size_t gir_len, n;

	sgw_put_be64(spi, t->rk->new_spi);
	n = ike_proposals_with_spi(o->ike, o->n_ike, spi, 8, false, props);
	if (ike_msg_first_error(m) || !m->sa.present || m->sa.n != 1 || !m->nonce.present ||
	    !m->ke.present ||
	    !ike_proposal_check_reply(props, n, &m->sa.prop[0], 0, &suite) ||
	    suite.spi_size != 8 || suite.dh != m->ke.group || !t->rk->dh ||
	    ike_dh_group(t->rk->dh) != suite.dh ||
	    ike_dh_shared(t->rk->dh, m->ke.data, m->ke.len, gir, sizeof(gir), &gir_len))
		goto fail;
	if (ike_derive_rekeyed_sa_keys(&t->keys, &suite, gir, gir_len, t->rk->ni,
				       sizeof(t->rk->ni), m->nonce.data, m->nonce.len,
				       t->rk->new_spi, sgw_get_be64(suite.spi), &keys)) {
		explicit_bzero(gir, sizeof(gir));
		goto fail;
	}
	explicit_bzero(gir, sizeof(gir));
	/* the old IKE SA goes; its answer will find no tunnel, which is fine */
	exchange_begin(t, &b, IKE_INFORMATIONAL, false, t->send_mid);
	ike_build_delete(&b, IKE_PROTO_IKE, 0, NULL, 0);
	exchange_send_once(t, &b);
	t->spi_i = t->rk->new_spi;
	t->spi_r = sgw_get_be64(suite.spi);
	t->suite = suite;
	t->keys = keys;
	explicit_bzero(&keys, sizeof(keys));
	t->send_mid = t->recv_mid = 0;
	free(t->resp);
	t->resp = NULL;
	t->resp_len = 0;
	cnt.ike_rekeys++;
	tunnel_rekey_free(t);
	sgw_timer_set(&ld->timers, &t->t_rekey_ike, sgw_now_ms() + jittered(o->rekey_ike_secs));
	return;
fail:
	cnt.rekeys_failed++;
	tunnel_rekey_free(t);
	sgw_timer_set(&ld->timers, &t->t_rekey_ike, sgw_now_ms() + jittered(o->rekey_ike_secs));
}

void rekey_on_response(struct tunnel *t, struct ike_msg *m)
{
	enum req_kind k = t->req;

	exchange_done(t);
	if (!t->rk)
		return;
	if (k == REQ_REKEY_CHILD)
		child_response(t, m);
	else if (k == REQ_REKEY_IKE)
		ike_response(t, m);
}

void rekey_on_request(struct tunnel *t, struct ike_msg *m)
{
	(void)m;
	cnt.peer_rekeys_refused++;
	exchange_respond_error(t, IKE_CREATE_CHILD_SA, IKE_N_NO_ADDITIONAL_SAS);
}
