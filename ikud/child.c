// SPDX-License-Identifier: GPL-2.0
/*
 * CHILD_SAs: traffic-selector narrowing (RFC 7296 §2.9) and installation of
 * the ESP SAs and their policies in the kernel (XFRM, tunnel mode, if_id).
 *
 * Policies are keyed by the kernel on (direction, selector, if_id), so two
 * tunnels of one peer identity (an old one and its INITIAL_CONTACT
 * replacement, possibly owned by different shards) may name the same
 * policy. A daemon-wide registry remembers which reqid owns each policy:
 * whoever installs last owns it, and only the owner removes it.
 */
#include "ikud.h"
#include "log.h"
#include "rri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- narrowing -------------------------------------------------------------- */

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
			if (!(r.start_port == 0 && r.end_port == 0xffff))
				r.end_port = r.start_port;
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

int child_narrow(const struct gw_rt *gw, const struct ike_ts_list *tsi,
		 const struct ike_ts_list *tsr, bool peer_is_initiator,
		 struct child_sa *c)
{
	const struct ike_ts_list *theirs = peer_is_initiator ? tsi : tsr;
	const struct ike_ts_list *ours = peer_is_initiator ? tsr : tsi;
	unsigned int i, j;
	bool pair = false;

	if (peer_is_initiator && gw->c->xfrm_if[0] &&
	    !claims_allowed(theirs, gw->c->remote_ts, gw->c->n_remote_ts))
		return -1;
	if (narrow_side(theirs, gw->c->remote_ts, gw->c->n_remote_ts, c->ts_remote,
			&c->n_remote) ||
	    narrow_side(ours, gw->c->local_ts, gw->c->n_local_ts, c->ts_local,
			&c->n_local))
		return -1;
	for (i = 0; i < c->n_local; i++)
		for (j = 0; j < c->n_remote; j++)
			if (c->ts_local[i].type == c->ts_remote[j].type)
				pair = true;
	return pair ? 0 : -1;
}

void ts_range_str(const struct ike_ts *t, char *buf, size_t len)
{
	int af = t->type == IKE_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
	xfrm_address_t s, e, pfx[1];
	uint8_t plen[1];
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	size_t alen = ike_ts_addr_len(t);
	int n;

	memset(&s, 0, sizeof(s));
	memset(&e, 0, sizeof(e));
	memcpy(&s, t->start_addr, alen);
	memcpy(&e, t->end_addr, alen);
	inet_ntop(af, t->start_addr, a, sizeof(a));
	if (xfrm_range_to_prefixes(af, &s, &e, pfx, plen, 1) == 1) {
		n = snprintf(buf, len, "%s/%u", a, plen[0]);
	} else {
		inet_ntop(af, t->end_addr, b, sizeof(b));
		n = snprintf(buf, len, "%s-%s", a, b);
	}
	if (n > 0 && (size_t)n < len && (t->ip_proto || t->start_port)) {
		if (t->start_port || t->end_port != 0xffff)
			snprintf(buf + n, len - n, "[%u/%u]", t->ip_proto, t->start_port);
		else
			snprintf(buf + n, len - n, "[%u]", t->ip_proto);
	}
}

void child_ts_str(const struct child_sa *c, char *buf, size_t len)
{
	size_t o = 0;
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < c->n_local && o < len; i++) {
		char t[96];

		ts_range_str(&c->ts_local[i], t, sizeof(t));
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", t);
	}
	if (o < len)
		o += snprintf(buf + o, len - o, " === ");
	for (i = 0; i < c->n_remote && o < len; i++) {
		char t[96];

		ts_range_str(&c->ts_remote[i], t, sizeof(t));
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", t);
	}
}

/* --- policy registry ------------------------------------------------------------ */

struct pol_owner {
	struct sgw_hnode node;
	struct xfrm_pol key;		/* dir, sel, if_id */
	uint32_t reqid;
	char gw[IKE_CONF_NAME_MAX];	/* whose tunnel it is */
	struct ike_id id;
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

/* The kernel's key of one of our ESP SAs: destination address and SPI. */
static void esp_key(struct xfrm_sa_key *key, const struct sockaddr_storage *dst,
		    uint32_t spi)
{
	int family;

	memset(key, 0, sizeof(*key));
	key->proto = IPPROTO_ESP;
	addr_to_xfrm(dst, &key->dst, &family);
	key->family = family;
	key->spi = spi;
}

bool child_received(struct child_sa *c)
{
	struct xfrm_sa_stats st;
	struct xfrm_sa_key key;

	if (!c->ike || !c->installed_in)
		return false;
	esp_key(&key, &c->ike->local, c->spi_in);
	if (xfrm_sa_get(c->ike->shard->xfrm, &key, &st) || st.packets == c->in_packets)
		return false;
	c->in_packets = st.packets;
	return true;
}

bool child_reqid_in_use(uint32_t reqid, void *unused)
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

static int pol_install(struct xfrm_handle *h, const struct xfrm_pol *p,
		       const struct ike_sa *sa)
{
	struct pol_owner *o;
	int ret;

	pthread_mutex_lock(&pol_lock);
	if ((!pol_tab.b && sgw_htab_init(&pol_tab, 1024)) ||
	    (!reqid_tab.b && sgw_htab_init(&reqid_tab, 1024))) {
		pthread_mutex_unlock(&pol_lock);
		return -ENOMEM;
	}
	ret = xfrm_policy_add(h, p, true);
	if (!ret) {
		o = pol_find(p);
		if (!o) {
			o = calloc(1, sizeof(*o));
			if (o) {
				o->key = *p;
				sgw_htab_add(&pol_tab, &o->node, pol_hash(p));
			}
		}
		if (o) {
			if (o->reqid != p->reqid) {
				if (o->reqid)
					reqid_drop(o->reqid);
				reqid_hold(p->reqid);
			}
			o->reqid = p->reqid;
			snprintf(o->gw, sizeof(o->gw), "%s", sa->gw_name);
			o->id = sa->peer_id;
		}
	}
	pthread_mutex_unlock(&pol_lock);
	return ret;
}

static void pol_remove(struct xfrm_handle *h, const struct xfrm_pol *p)
{
	struct pol_owner *o;

	pthread_mutex_lock(&pol_lock);
	o = pol_find(p);
	if (o && o->reqid == p->reqid) {
		xfrm_policy_del(h, p);
		reqid_drop(o->reqid);
		sgw_htab_del(&pol_tab, &o->node);
		free(o);
	}
	pthread_mutex_unlock(&pol_lock);
}

/* --- kernel state ---------------------------------------------------------------- */

struct pending_out {
	struct xfrm_sa sa;
	uint8_t enc[IKE_ENCR_MAX_KEY_LEN];
	uint8_t auth[IKE_INTEG_MAX_KEY_LEN];
};

static void free_pending(struct child_sa *c)
{
	if (!c->pending_out)
		return;
	explicit_bzero(c->pending_out, sizeof(*c->pending_out));
	free(c->pending_out);
	c->pending_out = NULL;
}

static int hold_out(struct child_sa *c, const struct xfrm_sa *out)
{
	struct pending_out *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	p->sa = *out;
	if (out->crypto.enc_key_len > sizeof(p->enc) ||
	    out->crypto.auth_key_len > sizeof(p->auth)) {
		free(p);
		return -1;
	}
	if (out->crypto.enc_key)
		memcpy(p->enc, out->crypto.enc_key, out->crypto.enc_key_len);
	if (out->crypto.auth_key)
		memcpy(p->auth, out->crypto.auth_key, out->crypto.auth_key_len);
	p->sa.crypto.enc_key = p->enc;
	p->sa.crypto.auth_key = out->crypto.auth_key ? p->auth : NULL;
	c->pending_out = p;
	return 0;
}

/* A redundant CHILD_SA (§2.8.1) never sends: forget its held outbound SA. */
void child_drop_pending(struct child_sa *c)
{
	free_pending(c);
}

void child_install_pending(struct ike_sa *sa, struct child_sa *c)
{
	struct xfrm_handle *h = sa->shard->xfrm;

	if (!c->pending_out)
		return;
	if (xfrm_sa_add(h, &c->pending_out->sa, false))
		sa_log(sa, LOG_ERR, "cannot install outbound SA 0x%08x: %s", c->spi_out,
		       xfrm_errmsg(h));
	else
		c->installed_out = true;
	free_pending(c);
}

static int child_policies(const struct ike_sa *sa, const struct child_sa *c,
			  struct xfrm_pol *out, int max);
#define MAX_POLICIES 192

/*
 * A selector pair another tunnel holds may not be taken over, or its
 * traffic would be diverted (the kernel keys policies by selector and
 * if_id): only the same identity of the same gateway may, when it comes
 * back (INITIAL_CONTACT or a restart). Rekeyed successors share the reqid.
 */
bool child_ts_taken(const struct ike_sa *sa, const struct child_sa *c)
{
	struct xfrm_pol *pols = calloc(MAX_POLICIES, sizeof(*pols));
	bool taken = false;
	int n, i;

	if (!pols)
		return true;
	n = child_policies(sa, c, pols, MAX_POLICIES);
	pthread_mutex_lock(&pol_lock);
	for (i = 0; i < n && !taken; i++) {
		const struct pol_owner *o;

		if (pols[i].dir != XFRM_POLICY_OUT)
			continue;
		o = pol_find(&pols[i]);
		if (o && o->reqid != c->reqid &&
		    (strcmp(o->gw, sa->gw_name) || !ike_id_equal(&o->id, &sa->peer_id)))
			taken = true;
	}
	pthread_mutex_unlock(&pol_lock);
	free(pols);
	return n < 0 || taken || rri_taken(sa, c);
}

int child_alloc_spi(struct ike_sa *sa, struct child_sa *c)
{
	xfrm_address_t src, dst;
	int family, ret;

	addr_to_xfrm(&sa->peer, &src, &family);
	addr_to_xfrm(&sa->local, &dst, &family);
	ret = xfrm_spi_alloc(sa->shard->xfrm, family, &src, &dst, c->reqid,
			     sa->gw->c->if_id, NULL, 0, 0, &c->spi_in);
	if (ret) {
		sa_log(sa, LOG_ERR, "cannot allocate an SPI: %s",
		       xfrm_errmsg(sa->shard->xfrm));
		return -1;
	}
	c->installed_in = true;		/* the larval SA exists: remove it on failure */
	return 0;
}

static void fill_lifetimes(const struct ike_conf_gateway *gw, struct xfrm_lifetimes *l)
{
	uint64_t margin = gw->rekey_margin, jitter = 0;

	ike_random((uint8_t *)&jitter, sizeof(jitter));
	jitter = margin ? jitter % (margin / 2 + 1) : 0;
	memset(l, 0, sizeof(*l));
	l->hard_add_seconds = gw->child_lifetime;
	l->soft_add_seconds = gw->child_lifetime - margin - jitter;
	if (gw->child_bytes) {
		l->hard_bytes = gw->child_bytes;
		l->soft_bytes = gw->child_bytes / 10 * 9;
	}
}

/* The selectors of a child as prefixes: every local x remote pair of one family. */
static int child_policies(const struct ike_sa *sa, const struct child_sa *c,
			  struct xfrm_pol *out, int max)
{
	int n = 0;
	unsigned int i, j;
	int family;
	xfrm_address_t lo, po;

	addr_to_xfrm(&sa->local, &lo, &family);
	addr_to_xfrm(&sa->peer, &po, &family);
	for (i = 0; i < c->n_local; i++)
		for (j = 0; j < c->n_remote; j++) {
			const struct ike_ts *l = &c->ts_local[i], *r = &c->ts_remote[j];
			int af = l->type == IKE_TS_IPV4_ADDR_RANGE ? AF_INET : AF_INET6;
			xfrm_address_t ls, le, rs, re, lp[8], rp[8];
			uint8_t ll[8], rl[8];
			int nl, nr, a, b;

			if (l->type != r->type)
				continue;
			memset(&ls, 0, sizeof(ls));
			memset(&le, 0, sizeof(le));
			memset(&rs, 0, sizeof(rs));
			memset(&re, 0, sizeof(re));
			memcpy(&ls, l->start_addr, ike_ts_addr_len(l));
			memcpy(&le, l->end_addr, ike_ts_addr_len(l));
			memcpy(&rs, r->start_addr, ike_ts_addr_len(r));
			memcpy(&re, r->end_addr, ike_ts_addr_len(r));
			nl = xfrm_range_to_prefixes(af, &ls, &le, lp, ll, 8);
			nr = xfrm_range_to_prefixes(af, &rs, &re, rp, rl, 8);
			if (nl < 0 || nr < 0)
				return -1;
			for (a = 0; a < nl; a++)
				for (b = 0; b < nr; b++) {
					static const uint8_t dirs[3] = {
						XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD
					};
					int d;

					for (d = 0; d < 3; d++) {
						struct xfrm_pol *p;
						bool out_dir = dirs[d] == XFRM_POLICY_OUT;

						if (n == max)
							return -1;
						p = &out[n++];
						memset(p, 0, sizeof(*p));
						p->dir = dirs[d];
						p->sel.family = af;
						p->sel.proto = l->ip_proto ? l->ip_proto : r->ip_proto;
						p->sel.src = out_dir ? lp[a] : rp[b];
						p->sel.src_len = out_dir ? ll[a] : rl[b];
						p->sel.dst = out_dir ? rp[b] : lp[a];
						p->sel.dst_len = out_dir ? rl[b] : ll[a];
						p->sel.sport = out_dir ? l->start_port : r->start_port;
						p->sel.dport = out_dir ? r->start_port : l->start_port;
						/* more specific selectors win */
						p->priority = 200000 - (uint32_t)(ll[a] + rl[b]) * 256;
						p->if_id = sa->gw->c->if_id;
						p->tmpl_family = family;
						p->tmpl_src = out_dir ? lo : po;
						p->tmpl_dst = out_dir ? po : lo;
						p->reqid = c->reqid;
					}
				}
		}
	return n;
}

int child_install(struct ike_sa *sa, struct child_sa *c, bool we_initiated,
		  const uint8_t *gir, size_t gir_len,
		  const uint8_t *ni, size_t ni_len,
		  const uint8_t *nr, size_t nr_len, bool policies)
{
	struct xfrm_handle *h = sa->shard->xfrm;
	const struct ike_conf_gateway *gw = sa->gw->c;
	struct ike_child_keys k;
	struct ike_esp_algs algs;
	struct xfrm_sa in, out;
	struct xfrm_pol *pols = NULL;
	int family, n, i, ret = -1;

	if (ike_esp_algs(&c->suite, &algs) ||
	    ike_derive_child_keys(&sa->keys, &c->suite, gir, gir_len, ni, ni_len,
				  nr, nr_len, &k)) {
		sa_log(sa, LOG_ERR, "cannot derive CHILD_SA keys");
		return -1;
	}
	memset(&in, 0, sizeof(in));
	in.proto = IPPROTO_ESP;
	in.reqid = c->reqid;
	in.replay_window = 64;
	in.esn = algs.esn;
	in.if_id = gw->if_id;
	in.crypto.aead = algs.aead ? algs.encr_name : NULL;
	in.crypto.encr = algs.aead ? NULL : algs.encr_name;
	in.crypto.auth = algs.aead ? NULL : algs.auth_name;
	in.crypto.icv_bits = algs.icv_bits;
	in.crypto.trunc_bits = algs.auth_trunc_bits;
	in.crypto.enc_key_len = k.encr_key_len;
	in.crypto.auth_key_len = k.integ_key_len;
	fill_lifetimes(gw, &in.lft);
	out = in;

	/* "i" keys protect what the exchange's initiator sends. */
	addr_to_xfrm(&sa->peer, &in.src, &family);
	addr_to_xfrm(&sa->local, &in.dst, &family);
	in.family = out.family = family;
	in.spi = c->spi_in;
	in.crypto.enc_key = we_initiated ? k.encr_r : k.encr_i;
	in.crypto.auth_key = we_initiated ? k.integ_r : k.integ_i;
	out.src = in.dst;
	out.dst = in.src;
	out.spi = c->spi_out;
	out.replay_window = 0;
	out.crypto.enc_key = we_initiated ? k.encr_i : k.encr_r;
	out.crypto.auth_key = we_initiated ? k.integ_i : k.integ_r;
	/* ESP goes in UDP only across a NAT (RFC 3948); IKE may use 4500 anyway. */
	if (sa->natt && (sa->nat_peer || sa->nat_local)) {
		in.natt = out.natt = true;
		in.natt_sport = addr_port(&sa->peer);
		in.natt_dport = addr_port(&sa->local);
		out.natt_sport = addr_port(&sa->local);
		out.natt_dport = addr_port(&sa->peer);
	}
	if (xfrm_sa_add(h, &in, true)) {
		sa_log(sa, LOG_ERR, "cannot install inbound SA 0x%08x: %s", c->spi_in,
		       xfrm_errmsg(h));
		goto out;
	}
	c->installed_in = true;
	if (c->defer_out) {
		if (hold_out(c, &out))
			goto out;
	} else if (xfrm_sa_add(h, &out, false)) {
		sa_log(sa, LOG_ERR, "cannot install outbound SA 0x%08x: %s", c->spi_out,
		       xfrm_errmsg(h));
		goto out;
	} else {
		c->installed_out = true;
	}
	if (policies) {
		pols = calloc(MAX_POLICIES, sizeof(*pols));
		if (!pols)
			goto out;
		n = child_policies(sa, c, pols, MAX_POLICIES);
		if (n < 0) {
			sa_log(sa, LOG_ERR, "traffic selectors need too many policies");
			goto out;
		}
		c->policies = true;
		for (i = 0; i < n; i++)
			if (pol_install(h, &pols[i], sa)) {
				sa_log(sa, LOG_ERR, "cannot install policy: %s", xfrm_errmsg(h));
				goto out;
			}
	}
	rri_child_up(sa, c);
	ret = 0;
out:
	free(pols);
	ike_child_keys_wipe(&k);
	explicit_bzero(&in.crypto, sizeof(in.crypto));
	explicit_bzero(&out.crypto, sizeof(out.crypto));
	return ret;
}

void child_uninstall(struct child_sa *c, bool keep_policies)
{
	struct ike_sa *sa = c->ike;
	struct xfrm_handle *h;
	struct xfrm_sa_key key;

	free_pending(c);
	rri_child_down(c);
	if (!sa)
		return;
	h = sa->shard->xfrm;
	if (c->installed_in) {
		esp_key(&key, &sa->local, c->spi_in);
		if (xfrm_sa_del(h, &key) && errno != ESRCH)
			log_debug("delete SA 0x%08x: %s", c->spi_in, xfrm_errmsg(h));
		c->installed_in = false;
	}
	if (c->installed_out) {
		esp_key(&key, &sa->peer, c->spi_out);
		xfrm_sa_del(h, &key);
		c->installed_out = false;
	}
	if (c->policies && !keep_policies) {
		struct xfrm_pol *pols = calloc(MAX_POLICIES, sizeof(*pols));
		int n, i;

		if (pols) {
			n = child_policies(sa, c, pols, MAX_POLICIES);
			for (i = 0; i < n; i++)
				pol_remove(h, &pols[i]);
			free(pols);
		}
	}
	c->policies = false;
}
