// SPDX-License-Identifier: GPL-2.0
/*
 * Reverse route injection (RRI): the inner prefixes of every tunnel become
 * routes in its gateway VRF's table through the gateway's xfrm interface,
 * with ikud's route protocol (SGW_RTPROT_IKUD) so that zebra learns them
 * and a restart can find and flush what a previous run left.
 *
 * A daemon-wide registry (one lock, shared by the shards) maps each route
 * to the tunnel that holds it (gateway, peer identity, reqid) and counts
 * the CHILD_SAs of that tunnel using it: a rekey adds the successor before
 * the old CHILD_SA goes, so the count never drops to zero and the route
 * never flaps. A peer identity that comes back (INITIAL_CONTACT, restart)
 * hands its routes to the new tunnel, which installs before the old one is
 * removed; a route the kernel already has as the new tunnel wants it is
 * not touched (no RTM_DELROUTE, no BGP withdraw). Any other tunnel claiming
 * an overlapping prefix in the same table is refused (rri_claim(), which
 * checks and takes in one step). Gateways without an xfrm interface claim
 * the same way in their policies' if_id, without routes. A prefix of
 * length 0 is never claimed, whatever the configuration allows.
 *
 * The registry scales with the number of tunnels: a prefix trie per
 * routing table and address family (exact lookups and both overlap checks
 * follow one path of at most 33 or 129 nodes), a hash table of the routes
 * by reqid, and a route counter per gateway.
 */
#include "rri.h"
#include "log.h"
#include "netlink/rtnl_route.h"
#include "base/sgw_ptrie.h"
#include "base/sgw_rtproto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RRI_MAX_PREFIXES	(IKUD_MAX_CHILD_TS * 8)

/* Routes of a gateway that are in the kernel (sgwctl ike stats). */
struct rri_gw_count {
	struct rri_gw_count *next;
	char gw[IKE_CONF_NAME_MAX];
	unsigned int routes;
};

/*
 * One claim space and address family: the prefixes tunnels hold there. A
 * gateway with an xfrm interface claims in its VRF's routing table (the
 * routes must not overlap), one without in its policies' if_id.
 */
struct rri_table {
	struct rri_table *next;
	uint64_t space;			/* table, or RRI_POLICY_SPACE | if_id */
	uint32_t table;			/* the kernel's, when routes go there */
	struct sgw_ptrie trie;		/* prefix -> struct rri_route */
};

#define RRI_POLICY_SPACE (1ULL << 32)

/* What one identity of one gateway holds, for its limits. */
struct rri_peer {
	struct sgw_hnode node;		/* in rri_peers: hash of gateway and identity */
	char gw[IKE_CONF_NAME_MAX];
	struct ike_id id;
	struct rri_route *claims;	/* through peer_next */
	unsigned int n_claims;
};

struct rri_route {
	struct sgw_hnode by_reqid;	/* in rri_by_reqid */
	struct sgw_prefix p;
	struct rri_table *tab;
	int oif;			/* what the kernel has (when in_kernel) */
	uint32_t metric;
	uint32_t mtu;			/* the gateway's tunnel-mtu when added */
	struct rri_gw_count *gw;
	struct ike_id id;
	struct rri_peer *peer;		/* the identity holding it */
	struct rri_route *peer_next;
	uint32_t reqid;
	unsigned int refs;		/* CHILD_SAs of the tunnel using it */
	bool in_kernel;
};

static pthread_mutex_t rri_lock = PTHREAD_MUTEX_INITIALIZER;
/* everything below is under rri_lock */
static struct rtnl_handle *rri_h;
static struct rri_table *rri_tables;
static struct sgw_htab rri_by_reqid;
static struct sgw_htab rri_peers;
static struct rri_gw_count *rri_gws;

static struct rtnl_handle *handle(void)
{
	if (!rri_h)
		rri_h = rtnl_open(-1);
	return rri_h;
}

/* --- prefixes ------------------------------------------------------------- */

static bool pfx_allowed(const struct ike_conf_gateway *gw, const struct sgw_prefix *p)
{
	size_t i;

	if (p->len == 0)
		return false;
	for (i = 0; i < gw->n_remote_ts; i++)
		if (sgw_prefix_within(p, &gw->remote_ts[i]))
			return true;
	return false;
}

/* The peer's narrowed selectors as prefixes, only those that may be routes. */
static int child_prefixes(const struct ike_sa *sa, const struct child_sa *c,
			  struct sgw_prefix *out, int max)
{
	unsigned int i;
	int n = 0, k, m;

	for (i = 0; i < c->n_remote; i++) {
		const struct ike_ts *t = &c->ts_remote[i];
		int af = t->type == IKE_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
		size_t alen = af == AF_INET ? 4 : 16;
		xfrm_address_t s, e, pfx[8];
		uint8_t lens[8];

		memset(&s, 0, sizeof(s));
		memset(&e, 0, sizeof(e));
		memcpy(&s, t->start_addr, alen);
		memcpy(&e, t->end_addr, alen);
		m = xfrm_range_to_prefixes(af, &s, &e, pfx, lens, 8);
		for (k = 0; k < m && n < max; k++) {
			struct sgw_prefix p = { .family = (uint8_t)af, .len = lens[k] };
			int j;
			bool dup = false;

			memcpy(p.addr, &pfx[k], alen);
			if (!pfx_allowed(sa->gw->c, &p))
				continue;
			for (j = 0; j < n; j++)
				if (sgw_prefix_equal(&out[j], &p))
					dup = true;
			if (!dup)
				out[n++] = p;
		}
	}
	return n;
}


/* --- the gateway's table and interface ---------------------------------------- */

/* Table and xfrm ifindex of a gateway; 0, or -1 with err filled. */
static int gw_target(struct rtnl_handle *h, const struct ike_conf_gateway *gw,
		     uint32_t *table, int *oif, char *err, size_t errlen)
{
	int idx, master, vrf_idx = 0;

	*table = RT_TABLE_MAIN;
	if (gw->vrf[0]) {
		vrf_idx = rtnl_link_index(h, gw->vrf);
		if (vrf_idx < 0 || rtnl_vrf_table(h, gw->vrf, table)) {
			snprintf(err, errlen, "gateway %s: vrf %s: not a VRF device",
				 gw->name, gw->vrf);
			return -1;
		}
	}
	idx = rtnl_link_index(h, gw->xfrm_if);
	if (idx < 0) {
		snprintf(err, errlen, "gateway %s: xfrm interface %s does not exist",
			 gw->name, gw->xfrm_if);
		return -1;
	}
	master = rtnl_link_master(h, idx);
	if (master < 0 || (gw->vrf[0] && master != vrf_idx)) {
		snprintf(err, errlen, "gateway %s: xfrm interface %s is not in vrf %s",
			 gw->name, gw->xfrm_if, gw->vrf);
		return -1;
	}
	/* IKE in the default VRF, tunnels in another: the routes follow the
	 * interface into its VRF's table. */
	if (!gw->vrf[0] && master > 0) {
		char name[IF_NAMESIZE];

		if (!if_indextoname((unsigned int)master, name) ||
		    rtnl_vrf_table(h, name, table)) {
			snprintf(err, errlen, "gateway %s: xfrm interface %s: no VRF table",
				 gw->name, gw->xfrm_if);
			return -1;
		}
	}
	*oif = idx;
	return 0;
}

/*
 * Check every gateway's VRF and xfrm interface, and record in its gw_rt
 * the routing table and the interface its routes use (derived once here,
 * not per CHILD_SA; a reload derives them again).
 */
static int check_all(struct ikud_conf *conf, bool flush, char *err, size_t errlen)
{
	struct rtnl_handle *h;
	size_t i;
	int ret = 0;

	pthread_mutex_lock(&rri_lock);
	h = handle();
	if (!h) {
		snprintf(err, errlen, "rtnetlink: %s", strerror(errno));
		ret = -1;
	}
	for (i = 0; h && !ret && i < conf->c.n_gateways; i++) {
		const struct ike_conf_gateway *gw = &conf->c.gateways[i];
		struct gw_rt *rt = &conf->gws[i];
		uint32_t table;
		int oif, n;

		if (gw->vrf[0] && !gw->xfrm_if[0]) {
			uint32_t t;

			if (rtnl_vrf_table(h, gw->vrf, &t)) {
				snprintf(err, errlen, "gateway %s: vrf %s: not a VRF device",
					 gw->name, gw->vrf);
				ret = -1;
			}
			continue;
		}
		if (!gw->xfrm_if[0])
			continue;
		if (gw_target(h, gw, &table, &oif, err, errlen)) {
			ret = -1;
			break;
		}
		rt->rri_table = table;
		rt->rri_oif = oif;
		if (!flush)
			continue;
		n = rtnl_route_flush_proto(h, AF_UNSPEC, table, SGW_RTPROT_IKUD);
		if (n > 0)
			log_notice("gateway %s: removed %d routes left by a previous run",
				   gw->name, n);
		else if (n < 0)
			log_warn("gateway %s: cannot flush table %u: %s", gw->name, table,
				 rtnl_errmsg(h));
	}
	pthread_mutex_unlock(&rri_lock);
	return ret;
}

int rri_start(struct ikud_conf *conf, char *err, size_t errlen)
{
	return check_all(conf, true, err, errlen);
}

int rri_check(struct ikud_conf *conf, char *err, size_t errlen)
{
	return check_all(conf, false, err, errlen);
}

/* --- the registry (under rri_lock) ------------------------------------------- */

static uint64_t space_of(const struct gw_rt *gw)
{
	return gw->c->xfrm_if[0] ? gw->rri_table : RRI_POLICY_SPACE | gw->c->if_id;
}

static struct rri_table *table_get(const struct gw_rt *gw, int family, bool create)
{
	struct rri_table *t;
	int max_len = family == AF_INET ? 32 : 128;
	uint64_t space = space_of(gw);

	for (t = rri_tables; t; t = t->next)
		if (t->space == space && t->trie.max_len == max_len)
			return t;
	if (!create)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (sgw_ptrie_init(&t->trie, family)) {
		free(t);
		return NULL;
	}
	t->space = space;
	t->table = gw->rri_table;
	t->next = rri_tables;
	rri_tables = t;
	return t;
}

static uint64_t peer_key(const char *gw, const struct ike_id *id)
{
	return ike_id_hash(id, sgw_hash_bytes(gw, strlen(gw), 0));
}

static struct rri_peer *peer_get(const char *gw, const struct ike_id *id, bool create)
{
	uint64_t key = peer_key(gw, id);
	struct sgw_hnode *n;
	struct rri_peer *p;

	for (n = sgw_htab_first(&rri_peers, key); n; n = sgw_htab_next(n)) {
		p = (struct rri_peer *)n;
		if (!strcmp(p->gw, gw) && ike_id_equal(&p->id, id))
			return p;
	}
	if (!create || !(p = calloc(1, sizeof(*p))))
		return NULL;
	snprintf(p->gw, sizeof(p->gw), "%s", gw);
	p->id = *id;
	sgw_htab_add(&rri_peers, &p->node, key);
	return p;
}

static void peer_unlink(struct rri_route *r)
{
	struct rri_peer *p = r->peer;
	struct rri_route **pp;

	if (!p)
		return;
	for (pp = &p->claims; *pp; pp = &(*pp)->peer_next)
		if (*pp == r) {
			*pp = r->peer_next;
			p->n_claims--;
			break;
		}
	r->peer = NULL;
	if (!p->claims) {
		sgw_htab_del(&rri_peers, &p->node);
		free(p);
	}
}

static void peer_link(struct rri_route *r, struct rri_peer *p)
{
	if (r->peer == p)
		return;
	peer_unlink(r);
	r->peer = p;
	r->peer_next = p->claims;
	p->claims = r;
	p->n_claims++;
}

/* Tunnels (reqids) of a peer, counting reqid as one of them. */
static unsigned int peer_tunnels(const struct rri_peer *p, uint32_t reqid)
{
	const struct rri_route *r, *o;
	unsigned int n = 1;

	for (r = p->claims; r; r = r->peer_next) {
		if (r->reqid == reqid)
			continue;
		for (o = p->claims; o != r && o->reqid != r->reqid; o = o->peer_next)
			;
		n += o == r;		/* first claim of its reqid */
	}
	return n;
}

static struct rri_gw_count *gw_count(const char *gw, bool create)
{
	struct rri_gw_count *g;

	for (g = rri_gws; g; g = g->next)
		if (!strcmp(g->gw, gw))
			return g;
	if (!create)
		return NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	snprintf(g->gw, sizeof(g->gw), "%s", gw);
	g->next = rri_gws;
	rri_gws = g;
	return g;
}

static void set_in_kernel(struct rri_route *r, bool in)
{
	if (r->in_kernel != in && r->gw) {
		if (in)
			r->gw->routes++;
		else
			r->gw->routes--;
	}
	r->in_kernel = in;
}

/* The tunnel a route belongs to: its gateway, identity, reqid. */
static void set_owner(struct rri_route *r, const struct ike_sa *sa, uint32_t reqid,
		      struct rri_gw_count *gw, struct rri_peer *peer)
{
	bool in = r->in_kernel;

	set_in_kernel(r, false);	/* keep the per-gateway counts right */
	r->gw = gw;
	set_in_kernel(r, in);
	r->id = sa->peer_id;
	peer_link(r, peer);
	if (r->reqid)		/* 0 (never one of ours): not registered yet */
		sgw_htab_del(&rri_by_reqid, &r->by_reqid);
	r->reqid = reqid;
	sgw_htab_add(&rri_by_reqid, &r->by_reqid, reqid);
	r->refs = 1;
}

static void to_rtnl(const struct rri_route *e, int oif, uint32_t metric, struct rtnl_route *r)
{
	memset(r, 0, sizeof(*r));
	r->family = e->p.family;
	memcpy(r->dst.bytes, e->p.addr, 16);
	r->dst_len = e->p.len;
	r->table = e->tab->table;
	r->oif = oif;
	r->protocol = SGW_RTPROT_IKUD;
	r->metric = metric;
	r->mtu = e->mtu;
}

static void kernel_del(struct rtnl_handle *h, const struct rri_route *r, int oif,
		       uint32_t metric)
{
	struct rtnl_route rt;
	char a[64];

	sgw_prefix_format(&r->p, a, sizeof(a));
	to_rtnl(r, oif, metric, &rt);
	if (rtnl_route_del(h, &rt) && errno != ESRCH)
		log_warn("gateway %s: cannot delete route %s table %u: %s", r->gw->gw, a,
			 r->tab->table, rtnl_errmsg(h));
	else
		log_info("gateway %s: route %s table %u metric %u removed", r->gw->gw, a,
			 r->tab->table, metric);
}

/*
 * Add a route; one already there with the same key (prefix, table, metric)
 * is replaced only when it is ours (our protocol: left by a previous run or
 * lost track of). An operator's route is never overwritten.
 */
static int add_route(struct rtnl_handle *h, const struct rtnl_route *rt)
{
	int ret = rtnl_route_add(h, rt, false);

	if (ret != -EEXIST)
		return ret;
	ret = rtnl_route_exists_proto(h, rt);
	if (ret == 1)
		return rtnl_route_add(h, rt, true);
	return ret == 0 ? -EEXIST : ret;
}

/*
 * Put r in the kernel through oif with metric. A route already there as
 * wanted is left alone; one with another device is replaced in place. The
 * metric is part of the kernel's key, so a new metric adds a second route
 * and the old one is deleted after it (make before break). On failure the
 * kernel keeps what it had.
 */
static void kernel_put(struct rtnl_handle *h, const struct ike_sa *sa, struct rri_route *r,
		       int oif, uint32_t metric)
{
	struct rtnl_route rt;
	char a[64];
	int ret;

	if (r->in_kernel && r->oif == oif && r->metric == metric &&
	    r->mtu == sa->gw->c->tunnel_mtu)
		return;
	r->mtu = sa->gw->c->tunnel_mtu;
	sgw_prefix_format(&r->p, a, sizeof(a));
	to_rtnl(r, oif, metric, &rt);
	ret = add_route(h, &rt);
	if (ret == -EEXIST) {
		log_sa(sa, LOG_WARNING, "route %s table %u metric %u: a route that is not "
		       "ikud's has that place; left alone, no route for the tunnel", a,
		       r->tab->table, metric);
		return;
	}
	if (ret) {
		log_sa(sa, LOG_ERR, "cannot add route %s table %u metric %u: %s", a,
		       r->tab->table, metric, rtnl_errmsg(h));
		return;
	}
	log_sa(sa, LOG_INFO, "route %s table %u dev %s metric %u added", a, r->tab->table,
	       sa->gw->c->xfrm_if, metric);
	if (r->in_kernel && r->metric != metric)
		kernel_del(h, r, r->oif, r->metric);
	r->oif = oif;
	r->metric = metric;
	set_in_kernel(r, true);
}

static struct rri_route *route_new(struct rri_table *tab, const struct sgw_prefix *p)
{
	struct rri_route *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->p = *p;
	r->tab = tab;
	if (sgw_ptrie_insert(&tab->trie, p->addr, p->len, r)) {
		free(r);
		return NULL;
	}
	return r;
}

static void route_free(struct rri_route *r)
{
	set_in_kernel(r, false);
	peer_unlink(r);
	sgw_ptrie_remove(&r->tab->trie, r->p.addr, r->p.len);
	sgw_htab_del(&rri_by_reqid, &r->by_reqid);
	free(r);
}

static bool registry_ready(void)
{
	return (rri_by_reqid.b || !sgw_htab_init(&rri_by_reqid, 1024)) &&
	       (rri_peers.b || !sgw_htab_init(&rri_peers, 1024));
}

/* --- tunnels ---------------------------------------------------------------------- */

struct claim {
	const struct ike_sa *sa;
	const struct child_sa *c;
};

/* A route of another tunnel that is not the same identity coming back. */
static int foreign(const uint8_t *addr, unsigned int len, void *value, void *arg)
{
	const struct rri_route *r = value;
	const struct claim *cl = arg;

	(void)addr;
	(void)len;
	return r->reqid != cl->c->reqid &&
	       (strcmp(r->gw->gw, cl->sa->gw_name) || !ike_id_equal(&r->id, &cl->sa->peer_id));
}

/* Is p a claim c's peer may not make, whoever else holds what? */
static bool too_wide(const struct ike_sa *sa, const struct sgw_prefix *p, bool peer_chose)
{
	const struct ike_conf_gateway *gw = sa->gw->c;

	if (!peer_chose || ike_conf_find_peer(gw, &sa->peer_id))
		return false;	/* ours to choose, or the operator bound it */
	return p->len < gw->max_claim[p->family == AF_INET6];
}

/* Under rri_lock: may c's tunnel hold p? 0, or the notify that refuses it. */
static uint16_t check_prefix(const struct ike_sa *sa, const struct child_sa *c,
			     const struct sgw_prefix *p, bool peer_chose)
{
	struct rri_table *tab = table_get(sa->gw, p->family, false);
	struct claim cl = { .sa = sa, .c = c };
	char a[SGW_PREFIX_STRLEN];

	sgw_prefix_format(p, a, sizeof(a));
	if (too_wide(sa, p, peer_chose)) {
		log_sa(sa, LOG_NOTICE, "claim %s is wider than max-claim", a);
		return IKE_N_TS_UNACCEPTABLE;
	}
	/* equal, covering (shorter) or covered (longer) */
	if (tab && (sgw_ptrie_walk_covering(&tab->trie, p->addr, p->len, foreign, &cl) ||
		    sgw_ptrie_walk_covered(&tab->trie, p->addr, p->len, foreign, &cl))) {
		log_sa(sa, LOG_NOTICE, "%s overlaps a prefix another tunnel holds", a);
		return IKE_N_TS_UNACCEPTABLE;
	}
	return 0;
}

/* Under rri_lock: the peer's limits, counting what c adds. */
static uint16_t check_limits(const struct ike_sa *sa, const struct child_sa *c,
			     const struct sgw_prefix *p, int n)
{
	const struct ike_conf_gateway *gw = sa->gw->c;
	struct rri_peer *peer = peer_get(sa->gw_name, &sa->peer_id, false);
	unsigned int held = peer ? peer->n_claims : 0, added = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct rri_table *tab = table_get(sa->gw, p[i].family, false);
		struct rri_route *r = tab ? sgw_ptrie_find(&tab->trie, p[i].addr, p[i].len) : NULL;

		added += !r || r->peer != peer;
	}
	if (peer && peer_tunnels(peer, c->reqid) > gw->peer_tunnels_max) {
		log_sa(sa, LOG_NOTICE, "peer-limit: more than %u tunnels", gw->peer_tunnels_max);
		return IKE_N_NO_ADDITIONAL_SAS;
	}
	if (held + added > gw->peer_prefixes_max) {
		log_sa(sa, LOG_NOTICE, "peer-limit: more than %u prefixes", gw->peer_prefixes_max);
		return IKE_N_NO_ADDITIONAL_SAS;
	}
	return 0;
}

/* Under rri_lock: c's tunnel holds p (a rekey's, a new one, or a take-over). */
static int hold_prefix(const struct ike_sa *sa, const struct child_sa *c,
		       const struct sgw_prefix *p)
{
	struct rri_table *tab = table_get(sa->gw, p->family, true);
	struct rri_gw_count *gw = gw_count(sa->gw_name, true);
	struct rri_peer *peer = peer_get(sa->gw_name, &sa->peer_id, true);
	struct rri_route *r;
	char a[SGW_PREFIX_STRLEN];

	if (!tab || !gw || !peer)
		return -1;
	r = sgw_ptrie_find(&tab->trie, p->addr, p->len);
	if (r && r->reqid == c->reqid) {
		r->refs++;		/* a rekey: the prefix stays as it is */
		return 0;
	}
	if (r) {
		/* the same identity coming back: the old tunnel leaves it alone */
		sgw_prefix_format(p, a, sizeof(a));
		log_sa(sa, LOG_INFO, "%s taken over from reqid %u", a, r->reqid);
	} else if (!(r = route_new(tab, p))) {
		return -1;
	}
	set_owner(r, sa, c->reqid, gw, peer);
	return 0;
}

/* Under rri_lock: undo hold_prefix() (no route is in the kernel yet). */
static void unhold_prefix(const struct ike_sa *sa, const struct child_sa *c,
			  const struct sgw_prefix *p)
{
	struct rri_table *tab = table_get(sa->gw, p->family, false);
	struct rri_route *r = tab ? sgw_ptrie_find(&tab->trie, p->addr, p->len) : NULL;

	if (r && r->reqid == c->reqid && !--r->refs)
		route_free(r);
}

int rri_claim(const struct ike_sa *sa, struct child_sa *c, bool peer_chose, uint16_t *notify)
{
	struct sgw_prefix p[RRI_MAX_PREFIXES];
	int n, i;

	*notify = IKE_N_TS_UNACCEPTABLE;
	if (c->routed)
		return 0;
	n = child_prefixes(sa, c, p, RRI_MAX_PREFIXES);
	pthread_mutex_lock(&rri_lock);
	if (!registry_ready()) {
		pthread_mutex_unlock(&rri_lock);
		*notify = IKE_N_TEMPORARY_FAILURE;
		return -1;
	}
	/* every check, then every hold, under one lock: two workers cannot
	 * both find a prefix free and both take it */
	for (i = 0; i < n; i++)
		if ((*notify = check_prefix(sa, c, &p[i], peer_chose)))
			break;
	if (!*notify)
		*notify = check_limits(sa, c, p, n);
	for (i = 0; !*notify && i < n; i++)
		if (hold_prefix(sa, c, &p[i])) {
			log_sa(sa, LOG_ERR, "out of memory for the tunnel's prefixes");
			*notify = IKE_N_TEMPORARY_FAILURE;
			while (i-- > 0)
				unhold_prefix(sa, c, &p[i]);
			break;
		}
	c->routed = !*notify;
	pthread_mutex_unlock(&rri_lock);
	return *notify ? -1 : 0;
}

/* The kernel routes of c's tunnel (after its SAs and policies). */
void rri_child_up(const struct ike_sa *sa, struct child_sa *c)
{
	struct sgw_hnode *n;
	struct rtnl_handle *h;

	if (!c->routed || !sa->gw->c->xfrm_if[0])
		return;
	pthread_mutex_lock(&rri_lock);
	h = handle();
	if (!h)
		log_sa(sa, LOG_ERR, "no route for the tunnel: rtnetlink unavailable");
	for (n = h ? sgw_htab_first(&rri_by_reqid, c->reqid) : NULL; n; n = sgw_htab_next(n))
		kernel_put(h, sa, (struct rri_route *)n, sa->gw->rri_oif, sa->gw->c->route_metric);
	pthread_mutex_unlock(&rri_lock);
}

void rri_child_down(struct child_sa *c)
{
	struct sgw_hnode *n, *next;

	if (!c->routed)
		return;
	c->routed = false;
	pthread_mutex_lock(&rri_lock);
	for (n = rri_by_reqid.b ? sgw_htab_first(&rri_by_reqid, c->reqid) : NULL; n; n = next) {
		struct rri_route *r = (struct rri_route *)n;

		next = sgw_htab_next(n);
		if (--r->refs)
			continue;
		if (r->in_kernel && handle())
			kernel_del(rri_h, r, r->oif, r->metric);
		route_free(r);
	}
	pthread_mutex_unlock(&rri_lock);
}

unsigned int rri_count(const char *gw_name)
{
	const struct rri_gw_count *g;
	unsigned int n;

	pthread_mutex_lock(&rri_lock);
	g = gw_count(gw_name, false);
	n = g ? g->routes : 0;
	pthread_mutex_unlock(&rri_lock);
	return n;
}

unsigned int rri_child_routes(const struct child_sa *c)
{
	const struct sgw_hnode *n;
	unsigned int count = 0;

	if (!c->routed)
		return 0;
	pthread_mutex_lock(&rri_lock);
	for (n = rri_by_reqid.b ? sgw_htab_first(&rri_by_reqid, c->reqid) : NULL; n;
	     n = sgw_htab_next(n))
		if (((const struct rri_route *)n)->in_kernel)
			count++;
	pthread_mutex_unlock(&rri_lock);
	return count;
}

void rri_stop(void)
{
	struct rri_table *t;
	struct rri_gw_count *g;

	pthread_mutex_lock(&rri_lock);
	while ((t = rri_tables)) {
		rri_tables = t->next;
		sgw_ptrie_destroy(&t->trie, free);
		free(t);
	}
	while ((g = rri_gws)) {
		rri_gws = g->next;
		free(g);
	}
	sgw_htab_free(&rri_by_reqid);
	if (rri_h)
		rtnl_close(rri_h);
	rri_h = NULL;
	pthread_mutex_unlock(&rri_lock);
}
