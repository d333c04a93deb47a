// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnels: an array, one entry per tunnel, whose index is the low half
 * of our IKE SPI (the high half random, new for every IKE SA), so a
 * datagram finds its tunnel without a hash table. A tunnel's state
 * changes here and is counted per state; setups that end (established,
 * failed) and tunnels that go (deleted, dead, dropped by an outage) free
 * what they held. The start queue lists tunnels waiting for pace.c.
 */
#include "ikeload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tunnel_set_state(struct tunnel *t, enum tun_state s)
{
	ld->n_state[t->state]--;
	ld->n_state[s]++;
	t->state = s;
}

int tunnel_init_all(void)
{
	const struct load_opts *o = &ld->o;
	uint32_t i;

	ld->t = calloc(o->n, sizeof(*ld->t));
	ld->queue = calloc(o->n, sizeof(*ld->queue));
	if (!ld->t || !ld->queue)
		return -1;
	ld->n_state[T_IDLE] = o->n;
	for (i = 0; i < o->n; i++) {
		struct tunnel *t = &ld->t[i];
		struct sgw_prefix a;

		t->idx = i;
		t->state = T_IDLE;
		t->sock = (uint8_t)(i % o->ports);
		if (addr_run_nth(&o->source, i / o->ports, &a))
			return -1;
		sgw_sockaddr_from_prefix(&a, (uint16_t)(o->source_port + i % o->ports), &t->local);
		/* --install N: N tunnels spread over all of them */
		t->sample = o->install &&
			    (uint64_t)i * o->install / o->n != (uint64_t)(i + 1) * o->install / o->n;
		sgw_timer_init(&t->t_retrans, NULL, t);
		sgw_timer_init(&t->t_dpd, NULL, t);
		sgw_timer_init(&t->t_rekey, NULL, t);
		sgw_timer_init(&t->t_rekey_ike, NULL, t);
	}
	return 0;
}

/* Everything a tunnel holds, given back; it keeps its place and address. */
static void reset(struct tunnel *t)
{
	sgw_timer_cancel(&ld->timers, &t->t_retrans);
	sgw_timer_cancel(&ld->timers, &t->t_dpd);
	sgw_timer_cancel(&ld->timers, &t->t_rekey);
	sgw_timer_cancel(&ld->timers, &t->t_rekey_ike);
	tunnel_setup_free(t);
	tunnel_rekey_free(t);
	esp_remove(t, &t->old_child, true);
	esp_remove(t, &t->child, false);
	memset(&t->child, 0, sizeof(t->child));
	memset(&t->old_child, 0, sizeof(t->old_child));
	free(t->req_buf);
	t->req_buf = NULL;
	t->req_len = 0;
	t->req = REQ_NONE;
	free(t->resp);
	t->resp = NULL;
	t->resp_len = 0;
	ike_sa_keys_wipe(&t->keys);
	t->keys_ready = false;
	t->spi_i = t->spi_r = 0;
	t->send_mid = t->recv_mid = 0;
}

void tunnel_free_all(void)
{
	uint32_t i;

	if (!ld->t)
		return;
	for (i = 0; i < ld->o.n; i++)
		reset(&ld->t[i]);
	free(ld->t);
	free(ld->queue);
	ld->t = NULL;
	ld->queue = NULL;
}

struct tunnel *tunnel_by_spi(uint64_t our_spi)
{
	uint32_t idx = (uint32_t)our_spi;
	struct tunnel *t;

	if (idx >= ld->o.n)
		return NULL;
	t = &ld->t[idx];
	return our_spi && t->spi_i == our_spi ? t : NULL;
}

uint64_t tunnel_new_spi(const struct tunnel *t)
{
	uint32_t hi = 0;

	while (!hi)
		if (ike_random((uint8_t *)&hi, sizeof(hi)))
			hi = (uint32_t)sgw_now_ms() | 1;
	return (uint64_t)hi << 32 | t->idx;
}

void tunnel_setup_free(struct tunnel *t)
{
	struct setup *s = t->setup;

	if (!s)
		return;
	if (!s->dh_shared)
		ike_dh_free(s->dh);
	free(s->init_req);
	free(s->init_resp);
	explicit_bzero(s, sizeof(*s));
	free(s);
	t->setup = NULL;
}

void tunnel_rekey_free(struct tunnel *t)
{
	struct rekey *r = t->rk;

	if (!r)
		return;
	ike_dh_free(r->dh);
	explicit_bzero(r, sizeof(*r));
	free(r);
	t->rk = NULL;
}

void tunnel_up(struct tunnel *t)
{
	uint64_t now = sgw_now_ms();

	tunnel_set_state(t, T_UP);
	phase_up(phase_cur(), now, (uint32_t)(now - t->started_ms));
	tunnel_setup_free(t);
}

void tunnel_fail(struct tunnel *t, enum fail_reason r, const char *why)
{
	struct phase *p = phase_cur();

	if (p)
		p->failed[r]++;
	log_tunnel(t, "setup failed: %s", why);
	reset(t);
	t->remake = false;
	tunnel_set_state(t, T_FAILED);
}

void tunnel_down(struct tunnel *t, const char *why)
{
	log_tunnel(t, "down: %s", why);
	reset(t);
	tunnel_set_state(t, T_IDLE);
	if (t->remake) {
		t->remake = false;
		tunnel_queue(t);
	}
}

void tunnel_drop(struct tunnel *t)
{
	if (t->state == T_UP)
		cnt.outages++;
	reset(t);
	t->remake = false;
	if (t->state != T_IDLE)
		tunnel_set_state(t, T_IDLE);
}

void tunnel_queue(struct tunnel *t)
{
	if ((t->state != T_IDLE && t->state != T_FAILED) || ld->q_len == ld->o.n)
		return;
	tunnel_set_state(t, T_QUEUED);
	ld->queue[(ld->q_head + ld->q_len++) % ld->o.n] = t->idx;
}
