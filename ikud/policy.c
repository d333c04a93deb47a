// SPDX-License-Identifier: GPL-2.0
/*
 * XFRM policies of the tunnels, and who owns them.
 *
 * Policies are keyed by the kernel on (direction, selector, if_id), so two
 * tunnels of one peer identity (an old one and its INITIAL_CONTACT
 * replacement, possibly owned by different workers) may name the same
 * policy. A daemon-wide registry remembers which reqid owns each policy:
 * whoever installs last owns it, and only the owner removes it. A tunnel's
 * reqid is in use as long as it owns a policy; reqids are allocated here.
 *
 * A trap (a peer started on traffic, trap.c) registers its policies too:
 * while no tunnel holds one, the kernel has the trap's version, which makes
 * it send an acquire; a tunnel that goes puts the trap's version back.
 */
#include "ikud.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pol_owner {
	struct sgw_hnode node;
	struct xfrm_pol key;		/* dir, sel, if_id */
	uint32_t reqid;			/* whose version the kernel has */
	bool tunnel;			/* a tunnel's, not (only) a trap's */
	char gw[IKE_CONF_NAME_MAX];	/* whose tunnel it is */
	struct ike_id id;
	struct xfrm_pol trap;		/* trap.reqid 0: no trap */
};

/* How many registry entries each reqid owns: a reqid is in use while it
 * owns one (the reqid allocator asks, past its wrap). */
struct reqid_use {
	struct sgw_hnode node;		/* key: the reqid */
	uint32_t policies;
};

static pthread_mutex_t pol_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgw_htab pol_tab;
static struct sgw_htab reqid_tab;

static struct reqid_use *reqid_find(uint32_t reqid)
{
	struct sgw_hnode *n;

	for (n = sgw_htab_first(&reqid_tab, reqid); n; n = sgw_htab_next(n))
		if (n->key == reqid)
			return (struct reqid_use *)n;
	return NULL;
}

/* Called with pol_lock held; an allocation failure only loses the hint. */
static void reqid_hold(uint32_t reqid)
{
	struct reqid_use *u = reqid_find(reqid);

	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return;
		sgw_htab_add(&reqid_tab, &u->node, reqid);
	}
	u->policies++;
}

static void reqid_drop(uint32_t reqid)
{
	struct reqid_use *u = reqid_find(reqid);

	if (u && !--u->policies) {
		sgw_htab_del(&reqid_tab, &u->node);
		free(u);
	}
}

bool policy_reqid_in_use(uint32_t reqid, void *unused)
{
	bool used;

	(void)unused;
	pthread_mutex_lock(&pol_lock);
	used = reqid_tab.b && reqid_find(reqid);
	pthread_mutex_unlock(&pol_lock);
	return used;
}

static uint64_t pol_hash(const struct xfrm_pol *p)
{
	uint64_t h = sgw_hash_bytes(&p->sel, sizeof(p->sel), p->dir);

	return sgw_hash_bytes(&p->if_id, sizeof(p->if_id), h);
}

static bool pol_same(const struct xfrm_pol *a, const struct xfrm_pol *b)
{
	return a->dir == b->dir && a->if_id == b->if_id &&
	       !memcmp(&a->sel, &b->sel, sizeof(a->sel));
}

static struct pol_owner *pol_find(const struct xfrm_pol *p)
{
	struct sgw_hnode *n;

	if (!pol_tab.b)
		return NULL;
	for (n = sgw_htab_first(&pol_tab, pol_hash(p)); n; n = sgw_htab_next(n)) {
		struct pol_owner *o = (struct pol_owner *)n;

		if (pol_same(&o->key, p))
			return o;
	}
	return NULL;
}

void policy_reqids_init(struct daemon *d)
{
	sgw_idalloc_init(&d->reqids, XFRM_OWNER_REQID_MIN + 1, XFRM_OWNER_REQID_MAX,
			 policy_reqid_in_use, NULL);
}

/*
 * A reqid no live tunnel holds: after 16.7M CHILD_SA setups the range
 * wraps, and a long-lived tunnel's reqid must not be handed out again.
 * 0 if every one is taken: outside our range, the kernel install fails.
 */
uint32_t policy_new_reqid(struct daemon *d)
{
	uint32_t reqid;

	if (sgw_idalloc_next(&d->reqids, &reqid)) {
		log_err("no free reqid: every one of the range is in use");
		return 0;
	}
	return reqid;
}

/* Selectors as prefixes: every local x remote pair of one family. */
int policy_build_ts(const struct policy_ends *e, const struct ike_ts *tl, unsigned int nl_ts,
		    const struct ike_ts *tr, unsigned int nr_ts, struct xfrm_pol *out, int max)
{
	struct xfrm_sel_range l[IKE_MAX_TS], r[IKE_MAX_TS];
	struct xfrm_tunnel_ends ends = { .if_id = e->if_id, .reqid = e->reqid };
	int n;

	if (nl_ts > IKE_MAX_TS || nr_ts > IKE_MAX_TS)
		return -1;
	xfrm_addr_from_sockaddr(e->local, &ends.local, &ends.family);
	xfrm_addr_from_sockaddr(e->peer, &ends.peer, &ends.family);
	n = xfrm_tunnel_policies(&ends, l, ipsec_sel_ranges(tl, nl_ts, l),
				 r, ipsec_sel_ranges(tr, nr_ts, r),
				 out, max);
	return n < 0 ? -1 : n;
}

int policy_build(const struct ike_sa *sa, const struct child_sa *c,
		 struct xfrm_pol *out, int max)
{
	struct policy_ends e = {
		.local = &sa->local, .peer = &sa->peer,
		.if_id = sa->gw->c->if_id, .reqid = c->reqid,
	};

	return policy_build_ts(&e, c->ts_local, c->n_local, c->ts_remote, c->n_remote,
			       out, max);
}

/* Called with pol_lock held: the entry of p, created if needed. */
static struct pol_owner *owner_get(const struct xfrm_pol *p)
{
	struct pol_owner *o;

	if ((!pol_tab.b && sgw_htab_init(&pol_tab, 1024)) ||
	    (!reqid_tab.b && sgw_htab_init(&reqid_tab, 1024)))
		return NULL;
	o = pol_find(p);
	if (!o) {
		o = calloc(1, sizeof(*o));
		if (!o)
			return NULL;
		o->key = *p;
		sgw_htab_add(&pol_tab, &o->node, pol_hash(p));
	}
	return o;
}

/* Called with pol_lock held, once the kernel has p. */
static void owner_set(struct pol_owner *o, const struct xfrm_pol *p)
{
	if (o->reqid != p->reqid) {
		if (o->reqid)
			reqid_drop(o->reqid);
		reqid_hold(p->reqid);
	}
	o->reqid = p->reqid;
}

static void owner_free(struct pol_owner *o)
{
	if (o->reqid)
		reqid_drop(o->reqid);
	sgw_htab_del(&pol_tab, &o->node);
	free(o);
}

static int install_one(struct xfrm_handle *h, const struct xfrm_pol *p,
		       const struct ike_sa *sa)
{
	struct pol_owner *o;
	int ret;

	pthread_mutex_lock(&pol_lock);
	o = owner_get(p);
	ret = o ? xfrm_policy_add(h, p, true) : -ENOMEM;
	if (!ret) {
		owner_set(o, p);
		o->tunnel = true;
		snprintf(o->gw, sizeof(o->gw), "%s", sa->gw_name);
		o->id = sa->peer_id;
	} else if (o && !o->reqid) {
		owner_free(o);
	}
	pthread_mutex_unlock(&pol_lock);
	return ret;
}

/* The tunnel that owns p goes: the trap's version comes back, if any. */
static void remove_one(struct xfrm_handle *h, const struct xfrm_pol *p)
{
	struct pol_owner *o;

	pthread_mutex_lock(&pol_lock);
	o = pol_find(p);
	if (o && o->reqid == p->reqid && o->tunnel) {
		o->tunnel = false;
		if (o->trap.reqid && !xfrm_policy_add(h, &o->trap, true)) {
			owner_set(o, &o->trap);
		} else {
			xfrm_policy_del(h, p);
			owner_free(o);
		}
	}
	pthread_mutex_unlock(&pol_lock);
}

int policy_trap_install(struct xfrm_handle *h, const struct xfrm_pol *pols, int n)
{
	int i, ret = 0;

	pthread_mutex_lock(&pol_lock);
	for (i = 0; i < n && !ret; i++) {
		struct pol_owner *o = owner_get(&pols[i]);

		if (!o) {
			ret = -ENOMEM;
			break;
		}
		/* a tunnel on the same selector keeps it until it goes */
		if (!o->tunnel) {
			ret = xfrm_policy_add(h, &pols[i], true);
			if (ret) {
				if (!o->reqid)
					owner_free(o);
				break;
			}
			owner_set(o, &pols[i]);
		}
		o->trap = pols[i];
	}
	pthread_mutex_unlock(&pol_lock);
	if (ret)
		policy_trap_remove(h, pols, i);
	return ret;
}

void policy_trap_remove(struct xfrm_handle *h, const struct xfrm_pol *pols, int n)
{
	int i;

	pthread_mutex_lock(&pol_lock);
	for (i = 0; i < n; i++) {
		struct pol_owner *o = pol_find(&pols[i]);

		if (!o || o->trap.reqid != pols[i].reqid)
			continue;
		o->trap.reqid = 0;
		if (!o->tunnel) {
			xfrm_policy_del(h, &pols[i]);
			owner_free(o);
		}
	}
	pthread_mutex_unlock(&pol_lock);
}

int policy_install(const struct ike_sa *sa, const struct child_sa *c)
{
	struct xfrm_handle *h = sa->shard->xfrm;
	struct xfrm_pol *pols = calloc(POLICY_MAX, sizeof(*pols));
	int n, i, ret = 0;

	if (!pols)
		return -1;
	n = policy_build(sa, c, pols, POLICY_MAX);
	if (n < 0) {
		log_sa(sa, LOG_ERR, "traffic selectors need too many policies");
		ret = -1;
	}
	for (i = 0; i < n && !ret; i++)
		if (install_one(h, &pols[i], sa)) {
			log_sa(sa, LOG_ERR, "cannot install policy: %s", xfrm_errmsg(h));
			ret = -1;
		}
	free(pols);
	return ret;
}

void policy_remove(const struct ike_sa *sa, const struct child_sa *c)
{
	struct xfrm_pol *pols = calloc(POLICY_MAX, sizeof(*pols));
	int n, i;

	if (!pols)
		return;
	n = policy_build(sa, c, pols, POLICY_MAX);
	for (i = 0; i < n; i++)
		remove_one(sa->shard->xfrm, &pols[i]);
	free(pols);
}
