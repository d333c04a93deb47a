// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic-selector narrowing (RFC 7296 §2.9): what a peer proposes, cut to
 * what its gateway allows that identity to claim (its `peer` rule's
 * prefixes, else remote-ts), never touching prefixes bound to another
 * identity. Pure functions of the configuration, the identity and the
 * proposal (unit-tested in selftests/unit/test_narrow.c).
 */
#include "ikud.h"

#include <string.h>

/*
 * XFRM selectors take one port or any (port 0): a range narrows to its
 * first port, but never to 0, which XFRM would read as any port: a range
 * from 0 starts at 1 instead, and 0 alone cannot be expressed (-1).
 */
static int narrow_ports(struct ike_ts *t)
{
	if (t->start_port == 0 && t->end_port == 0xffff)
		return 0;
	if (t->start_port == 0) {
		if (t->end_port == 0)
			return -1;
		t->start_port = 1;
	}
	t->end_port = t->start_port;
	return 0;
}

/* Intersect the peer's selectors with the configured prefixes. */
static int narrow_side(const struct ike_ts_list *peer, const struct sgw_prefix *cfg,
		       size_t n_cfg, struct ike_ts *out, uint8_t *n_out)
{
	size_t i, j;

	*n_out = 0;
	for (i = 0; i < peer->n; i++) {
		const struct ike_ts *t = &peer->ts[i];
		size_t alen = ike_ts_addr_len(t);

		if (t->start_port > t->end_port || memcmp(t->start_addr, t->end_addr, alen) > 0)
			continue;
		for (j = 0; j < n_cfg && *n_out < IKUD_MAX_CHILD_TS; j++) {
			uint8_t cs[16], ce[16];
			struct ike_ts r = *t;

			if ((cfg[j].family == AF_INET) != (t->type == IKE_TS_IPV4_ADDR_RANGE))
				continue;
			ike_ts_prefix_range(&cfg[j], cs, ce);
			if (memcmp(cs, r.start_addr, alen) > 0)
				memcpy(r.start_addr, cs, alen);
			if (memcmp(ce, r.end_addr, alen) < 0)
				memcpy(r.end_addr, ce, alen);
			if (memcmp(r.start_addr, r.end_addr, alen) > 0)
				continue;
			/* XFRM selectors take one port or any: narrow a range to its first port. */
			if (narrow_ports(&r))
				continue;
			out[(*n_out)++] = r;
		}
	}
	return *n_out ? 0 : -1;
}

/*
 * With RRI (an xfrm interface), what a peer claims becomes routes: every
 * selector it proposes must lie inside the allowed prefixes as it is, so a
 * claim of 0.0.0.0/0 (or of anything wider) is refused, not narrowed.
 */
static bool claims_allowed(const struct ike_ts_list *peer, const struct sgw_prefix *cfg,
			   size_t n_cfg)
{
	size_t i, j;

	for (i = 0; i < peer->n; i++) {
		bool inside = false;

		for (j = 0; j < n_cfg && !inside; j++)
			inside = ike_ts_within(&peer->ts[i], &cfg[j]);
		if (!inside)
			return false;
	}
	return true;
}

/*
 * Prefixes bound to other identities are theirs even while they are away:
 * no narrowed selector of this peer may touch one.
 */
static bool touches_reserved(const struct ike_conf_gateway *gw, const struct ike_id *id,
			     const struct ike_ts *ts, unsigned int n)
{
	size_t r, k;
	unsigned int i;

	for (r = 0; r < gw->n_peers; r++) {
		const struct ike_conf_peer *rule = &gw->peers[r];

		if (id && ike_id_match(&rule->id, id))
			continue;
		for (k = 0; k < rule->n_ts; k++)
			for (i = 0; i < n; i++)
				if (ike_ts_overlaps(&ts[i], &rule->ts[k]))
					return true;
	}
	return false;
}

int narrow_child(const struct ike_conf_gateway *gw, const struct ike_id *peer,
		 const struct ike_ts_list *tsi, const struct ike_ts_list *tsr,
		 bool peer_is_initiator, struct child_sa *c)
{
	const struct ike_ts_list *theirs = peer_is_initiator ? tsi : tsr;
	const struct ike_ts_list *ours = peer_is_initiator ? tsr : tsi;
	const struct sgw_prefix *allowed;
	size_t n_allowed;
	unsigned int i, j;
	bool pair = false;

	allowed = ike_conf_claimable(gw, peer, &n_allowed);
	if (!n_allowed)
		return -1;
	if (peer_is_initiator && gw->xfrm_if[0] && !claims_allowed(theirs, allowed, n_allowed))
		return -1;
	if (narrow_side(theirs, allowed, n_allowed, c->ts_remote, &c->n_remote) ||
	    narrow_side(ours, gw->local_ts, gw->n_local_ts, c->ts_local,
			&c->n_local) ||
	    touches_reserved(gw, peer, c->ts_remote, c->n_remote))
		return -1;
	for (i = 0; i < c->n_local; i++)
		for (j = 0; j < c->n_remote; j++)
			if (c->ts_local[i].type == c->ts_remote[j].type)
				pair = true;
	return pair ? 0 : -1;
}
