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
 * takes its routes over; any other tunnel claiming an overlapping prefix in
 * the same table is refused (rri_taken()). A prefix of length 0 never
 * becomes a route, whatever the configuration allows.
 *
 * The registry is a list: lookups are linear in the number of routes.
 */
#include "rri.h"
#include "log.h"
#include "rtnl_route.h"
#include "sgw_rtproto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RRI_MAX_PREFIXES	(IKUD_MAX_CHILD_TS * 8)

struct rri_pfx {
	int family;
	uint8_t addr[16];
	uint8_t plen;
};

struct rri_route {
	struct rri_route *next;
	struct rri_pfx p;
	uint32_t table;
	int oif;
	uint32_t metric;
	char gw[IKE_CONF_NAME_MAX];
	struct ike_id id;
	uint32_t reqid;
	unsigned int refs;		/* CHILD_SAs of the tunnel using it */
	bool in_kernel;
};

static pthread_mutex_t rri_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rtnl_handle *rri_h;	/* under rri_lock */
static struct rri_route *rri_routes;

static struct rtnl_handle *handle(void)
{
	if (!rri_h)
		rri_h = rtnl_open(-1);
	return rri_h;
}

/* --- prefixes ------------------------------------------------------------- */

static bool pfx_within(const struct rri_pfx *p, const struct rri_pfx *q)
{
	struct ike_conf_prefix a = { .family = p->family, .plen = p->plen };
	struct ike_conf_prefix b = { .family = q->family, .plen = q->plen };

	memcpy(a.addr, p->addr, 16);
	memcpy(b.addr, q->addr, 16);
	return p->family == q->family && ike_conf_prefix_within(&a, &b);
}

static bool pfx_overlap(const struct rri_pfx *a, const struct rri_pfx *b)
{
	return pfx_within(a, b) || pfx_within(b, a);
}

static bool pfx_allowed(const struct ike_conf_gateway *gw, const struct rri_pfx *p)
{
	size_t i;

	if (p->plen == 0)
		return false;
	for (i = 0; i < gw->n_remote_ts; i++) {
		struct rri_pfx q = { .family = gw->remote_ts[i].family,
				     .plen = gw->remote_ts[i].plen };

		memcpy(q.addr, gw->remote_ts[i].addr, 16);
		if (pfx_within(p, &q))
			return true;
	}
	return false;
}

/* The peer's narrowed selectors as prefixes, only those that may be routes. */
static int child_prefixes(const struct ike_sa *sa, const struct child_sa *c,
			  struct rri_pfx *out, int max)
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
			struct rri_pfx p = { .family = af, .plen = lens[k] };
			int j;
			bool dup = false;

			memcpy(p.addr, &pfx[k], alen);
			if (!pfx_allowed(sa->gw->c, &p))
				continue;
			for (j = 0; j < n; j++)
				if (out[j].plen == p.plen && !memcmp(out[j].addr, p.addr, 16))
					dup = true;
			if (!dup)
				out[n++] = p;
		}
	}
	return n;
}

static void pfx_str(const struct rri_pfx *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family, p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->plen);
}

static struct rri_route *find(const struct rri_pfx *p, uint32_t table)
{
	struct rri_route *r;

	for (r = rri_routes; r; r = r->next)
		if (r->table == table && r->p.family == p->family &&
		    r->p.plen == p->plen && !memcmp(r->p.addr, p->addr, 16))
			return r;
	return NULL;
}

static void to_rtnl(const struct rri_route *e, struct rtnl_route *r)
{
	memset(r, 0, sizeof(*r));
	r->family = e->p.family;
	memcpy(r->dst.bytes, e->p.addr, 16);
	r->dst_len = e->p.plen;
	r->table = e->table;
	r->oif = e->oif;
	r->protocol = SGW_RTPROT_IKUD;
	r->metric = e->metric;
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

static int check_all(const struct ike_conf *conf, bool flush, char *err, size_t errlen)
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
	for (i = 0; h && !ret && i < conf->n_gateways; i++) {
		const struct ike_conf_gateway *gw = &conf->gateways[i];
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

int rri_start(const struct ike_conf *conf, char *err, size_t errlen)
{
	return check_all(conf, true, err, errlen);
}

int rri_check(const struct ike_conf *conf, char *err, size_t errlen)
{
	return check_all(conf, false, err, errlen);
}

/* --- tunnels ---------------------------------------------------------------------- */

bool rri_taken(const struct ike_sa *sa, const struct child_sa *c)
{
	struct rri_pfx p[RRI_MAX_PREFIXES];
	struct rtnl_handle *h;
	const struct rri_route *r;
	char err[160];
	uint32_t table;
	int n, i, oif;
	bool taken = false;

	if (!sa->gw->c->xfrm_if[0])
		return false;
	n = child_prefixes(sa, c, p, RRI_MAX_PREFIXES);
	pthread_mutex_lock(&rri_lock);
	h = handle();
	if (!h || gw_target(h, sa->gw->c, &table, &oif, err, sizeof(err))) {
		pthread_mutex_unlock(&rri_lock);
		return false;	/* no route will be installed either */
	}
	for (r = rri_routes; r && !taken; r = r->next) {
		if (r->table != table || r->reqid == c->reqid)
			continue;
		for (i = 0; i < n && !taken; i++)
			if (pfx_overlap(&r->p, &p[i]) &&
			    (strcmp(r->gw, sa->gw_name) || !ike_id_equal(&r->id, &sa->peer_id))) {
				char a[64];

				pfx_str(&p[i], a, sizeof(a));
				sa_log(sa, LOG_NOTICE, "%s overlaps a route another tunnel holds", a);
				taken = true;
			}
	}
	pthread_mutex_unlock(&rri_lock);
	return taken;
}

void rri_child_up(const struct ike_sa *sa, struct child_sa *c)
{
	struct rri_pfx p[RRI_MAX_PREFIXES];
	struct rtnl_handle *h;
	char err[160];
	uint32_t table;
	int n, i, oif;

	if (c->routed || !sa->gw->c->xfrm_if[0])
		return;
	n = child_prefixes(sa, c, p, RRI_MAX_PREFIXES);
	pthread_mutex_lock(&rri_lock);
	h = handle();
	if (!h || gw_target(h, sa->gw->c, &table, &oif, err, sizeof(err))) {
		pthread_mutex_unlock(&rri_lock);
		sa_log(sa, LOG_ERR, "no route for the tunnel: %s",
		       h ? err : "rtnetlink unavailable");
		return;
	}
	for (i = 0; i < n; i++) {
		struct rri_route *r = find(&p[i], table);
		struct rtnl_route rt;
		char a[64];

		if (r && r->reqid == c->reqid) {
			r->refs++;		/* a rekey: the route stays as it is */
			continue;
		}
		if (!r) {
			r = calloc(1, sizeof(*r));
			if (!r)
				continue;
			r->p = p[i];
			r->table = table;
			r->next = rri_routes;
			rri_routes = r;
		}
		/* new, or taken over by the same identity coming back */
		r->oif = oif;
		r->metric = sa->gw->c->route_metric;
		snprintf(r->gw, sizeof(r->gw), "%s", sa->gw_name);
		r->id = sa->peer_id;
		r->reqid = c->reqid;
		r->refs = 1;
		to_rtnl(r, &rt);
		pfx_str(&p[i], a, sizeof(a));
		r->in_kernel = !rtnl_route_add(h, &rt, true);
		if (r->in_kernel)
			sa_log(sa, LOG_INFO, "route %s table %u dev %s added", a, table,
			       sa->gw->c->xfrm_if);
		else
			sa_log(sa, LOG_ERR, "cannot add route %s table %u: %s", a, table,
			       rtnl_errmsg(h));
	}
	pthread_mutex_unlock(&rri_lock);
	c->routed = true;
}

void rri_child_down(struct child_sa *c)
{
	struct rri_route **pp, *r;

	if (!c->routed)
		return;
	c->routed = false;
	pthread_mutex_lock(&rri_lock);
	for (pp = &rri_routes; (r = *pp);) {
		struct rtnl_route rt;
		char a[64];

		if (r->reqid != c->reqid || --r->refs) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		pfx_str(&r->p, a, sizeof(a));
		to_rtnl(r, &rt);
		if (r->in_kernel && handle() && rtnl_route_del(rri_h, &rt) && errno != ESRCH)
			log_warn("gateway %s: cannot delete route %s table %u: %s", r->gw, a,
				 r->table, rtnl_errmsg(rri_h));
		else if (r->in_kernel)
			log_info("gateway %s: route %s table %u removed", r->gw, a, r->table);
		free(r);
	}
	pthread_mutex_unlock(&rri_lock);
}

unsigned int rri_count(const char *gw_name)
{
	const struct rri_route *r;
	unsigned int n = 0;

	pthread_mutex_lock(&rri_lock);
	for (r = rri_routes; r; r = r->next)
		if (r->in_kernel && !strcmp(r->gw, gw_name))
			n++;
	pthread_mutex_unlock(&rri_lock);
	return n;
}

unsigned int rri_child_routes(const struct child_sa *c)
{
	const struct rri_route *r;
	unsigned int n = 0;

	if (!c->routed)
		return 0;
	pthread_mutex_lock(&rri_lock);
	for (r = rri_routes; r; r = r->next)
		if (r->in_kernel && r->reqid == c->reqid)
			n++;
	pthread_mutex_unlock(&rri_lock);
	return n;
}

void rri_stop(void)
{
	struct rri_route *r;

	pthread_mutex_lock(&rri_lock);
	while ((r = rri_routes)) {
		rri_routes = r->next;
		free(r);
	}
	if (rri_h)
		rtnl_close(rri_h);
	rri_h = NULL;
	pthread_mutex_unlock(&rri_lock);
}
