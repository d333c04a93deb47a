// SPDX-License-Identifier: GPL-2.0
/*
 * The peers a gateway lists with `initiate`: started at once (`start now`),
 * or on traffic (`start on-traffic`, RFC 4301's acquire as strongSwan's
 * start_action=trap does it).
 *
 * A trap is the gateway's local-ts x remote-ts as XFRM policies whose
 * template leads to the peer, with a reqid and no SA: the first packet
 * makes the kernel hold an acquire state and send XFRM_MSG_ACQUIRE; ikud
 * then starts an IKE SA whose first CHILD_SA takes the trap's reqid, so its
 * outbound SA replaces the acquire state. When the tunnel goes, its policies
 * fall back to the trap's (policy.c) and the next packet starts it again.
 *
 * Traps live on worker 0 only: it starts the peers, is the one subscribed
 * to acquires, and applies reloads to them.
 */
#include "ikud.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trap {
	struct trap *next;
	char gw[IKE_CONF_NAME_MAX];
	struct sgw_prefix peer;
	uint32_t reqid;
	struct xfrm_pol *pols;
	int n_pols;
};

static struct trap *traps;

/* The trap's policies for a gateway's configuration; -1 if none fit. */
static int trap_build(const struct gw_rt *gw, const struct sgw_prefix *peer,
		      uint32_t reqid, struct xfrm_pol **out)
{
	struct ike_ts tl[IKUD_MAX_CHILD_TS], tr[IKUD_MAX_CHILD_TS];
	struct sockaddr_storage local, remote;
	struct policy_ends e = {
		.local = &local, .peer = &remote, .if_id = gw->c->if_id, .reqid = reqid,
	};
	size_t nl, nr;
	int n;

	*out = calloc(POLICY_MAX, sizeof(**out));
	if (!*out)
		return -1;
	sock_gateway_addr(gw->c, gw->c->port, &local);
	sgw_sockaddr_from_prefix(peer, 500, &remote);
	nl = ike_ts_from_prefixes(gw->c->local_ts, gw->c->n_local_ts, tl, IKUD_MAX_CHILD_TS);
	nr = ike_ts_from_prefixes(gw->c->remote_ts, gw->c->n_remote_ts, tr, IKUD_MAX_CHILD_TS);
	n = policy_build_ts(&e, tl, (unsigned int)nl, tr, (unsigned int)nr, *out, POLICY_MAX);
	if (n <= 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return n;
}

static void trap_add(struct shard *s, const struct gw_rt *gw, const struct sgw_prefix *peer)
{
	struct trap *t = calloc(1, sizeof(*t));
	char a[SGW_PREFIX_STRLEN];

	sgw_addr_format(peer, a, sizeof(a));
	if (!t)
		goto fail;
	snprintf(t->gw, sizeof(t->gw), "%s", gw->c->name);
	t->peer = *peer;
	t->reqid = policy_new_reqid(s->d);
	t->n_pols = t->reqid ? trap_build(gw, peer, t->reqid, &t->pols) : -1;
	if (t->n_pols < 0) {
		log_err("gateway %s: no trap for %s: local-ts and remote-ts share no "
			"address family with it", gw->c->name, a);
		free(t);
		return;
	}
	if (policy_trap_install(s->xfrm, t->pols, t->n_pols)) {
		log_err("gateway %s: cannot install the trap for %s: %s", gw->c->name, a,
			xfrm_errmsg(s->xfrm));
		goto fail;
	}
	t->next = traps;
	traps = t;
	log_info("gateway %s: %s starts on traffic (%d policies, reqid %u)", gw->c->name, a,
		 t->n_pols, t->reqid);
	return;
fail:
	if (t)
		free(t->pols);
	free(t);
}

static void trap_free(struct shard *s, struct trap *t)
{
	policy_trap_remove(s->xfrm, t->pols, t->n_pols);
	free(t->pols);
	free(t);
}

void trap_start_peers(struct shard *s)
{
	const struct ikud_conf *conf = s->conf;
	size_t i, j;

	for (i = 0; i < conf->c.n_gateways; i++) {
		const struct gw_rt *gw = &conf->gws[i];

		for (j = 0; j < gw->c->n_initiate; j++) {
			if (gw->c->start_on_traffic)
				trap_add(s, gw, &gw->c->initiate[j]);
			else
				sa_init_start(s, gw, &gw->c->initiate[j]);
		}
	}
}

/* An IKE SA of the trap's: being set up, or holding its CHILD_SA. */
static struct ike_sa *trap_sa(struct shard *s, uint32_t reqid, bool *has_child)
{
	struct ike_sa *sa;

	for (sa = s->sas; sa; sa = sa->next) {
		const struct child_sa *c;

		for (c = sa->children; c; c = c->next)
			if (c->reqid == reqid) {
				*has_child = true;
				return sa;
			}
		if (sa->trap_reqid == reqid &&
		    sa->state != SA_REKEYED && sa->state != SA_DELETING) {
			*has_child = false;
			return sa;
		}
	}
	return NULL;
}

void trap_on_acquire(struct shard *s, const struct xfrm_event *e)
{
	const struct gw_rt *gw;
	struct ike_sa *sa;
	struct trap *t;
	bool has_child = false;

	for (t = traps; t && t->reqid != e->reqid; t = t->next)
		;
	if (!t)
		return;		/* not ours, or a trap removed since */
	gw = config_gw(s->conf, t->gw);
	if (!gw)
		return;
	sa = trap_sa(s, t->reqid, &has_child);
	if (sa && (has_child || sa->state != SA_ESTABLISHED))
		return;		/* the exchange is under way */
	if (sa) {
		/* its CHILD_SA failed or was deleted: start over */
		delete_send_ike(sa);
		sa_destroy(sa, "traffic for a tunnel it no longer holds");
	}
	sa = sa_init_start(s, gw, &t->peer);
	if (sa) {
		sa->trap_reqid = t->reqid;
		log_sa(sa, LOG_INFO, "traffic for the tunnel (reqid %u)", t->reqid);
	}
}

/* Does the reloaded configuration still want this trap, unchanged? */
static bool trap_current(struct shard *s, const struct trap *t)
{
	const struct gw_rt *gw = config_gw(s->conf, t->gw);
	struct xfrm_pol *pols;
	bool same;
	int n;

	if (!gw || !gw->c->start_on_traffic || gw->c->n_initiate != 1 ||
	    memcmp(&gw->c->initiate[0], &t->peer, sizeof(t->peer)))
		return false;
	n = trap_build(gw, &t->peer, t->reqid, &pols);
	same = n == t->n_pols && !memcmp(pols, t->pols, (size_t)n * sizeof(*pols));
	free(pols);
	return same;
}

static bool trapped(const char *gw)
{
	const struct trap *t;

	for (t = traps; t; t = t->next)
		if (!strcmp(t->gw, gw))
			return true;
	return false;
}

/* A peer moved to `start now` starts, unless its tunnel is up already. */
static void start_if_idle(struct shard *s, const struct trap *t)
{
	const struct gw_rt *gw = config_gw(s->conf, t->gw);
	bool has_child;
	size_t i;

	if (!gw || gw->c->start_on_traffic || trap_sa(s, t->reqid, &has_child))
		return;
	for (i = 0; i < gw->c->n_initiate; i++)
		if (!memcmp(&gw->c->initiate[i], &t->peer, sizeof(t->peer)))
			sa_init_start(s, gw, &t->peer);
}

void trap_reload(struct shard *s)
{
	const struct ikud_conf *conf = s->conf;
	struct trap **pp = &traps;
	size_t i;

	while (*pp) {
		struct trap *t = *pp;

		if (trap_current(s, t)) {
			pp = &t->next;
			continue;
		}
		*pp = t->next;
		log_info("gateway %s: trap removed", t->gw);
		start_if_idle(s, t);
		trap_free(s, t);
	}
	for (i = 0; i < conf->c.n_gateways; i++) {
		const struct gw_rt *gw = &conf->gws[i];

		if (gw->c->start_on_traffic && !trapped(gw->c->name))
			trap_add(s, gw, &gw->c->initiate[0]);
	}
}

void trap_remove_all(struct shard *s)
{
	while (traps) {
		struct trap *t = traps;

		traps = t->next;
		trap_free(s, t);
	}
}
