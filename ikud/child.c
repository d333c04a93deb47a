// SPDX-License-Identifier: GPL-2.0
/*
 * CHILD_SAs: their objects in the worker's tables, and their ESP SAs and
 * policies in the kernel (XFRM, tunnel mode, if_id), with the routes of
 * reverse route injection (rri.c) and the policy registry (policy.c).
 */
#include "ikud.h"
#include "log.h"
#include "rri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- objects ------------------------------------------------------------------- */

/* --- CHILD SAs -------------------------------------------------------------- */

struct child_sa *child_find(struct shard *s, uint32_t spi_in)
{
	struct sgw_hnode *n = sgw_htab_first(&s->child_by_spi, spi_in);

	return n ? (struct child_sa *)((char *)n - offsetof(struct child_sa, by_spi)) : NULL;
}

struct child_sa *child_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	struct child_sa *c;

	for (c = sa->children; c; c = c->next)
		if (c->spi_out == spi_out)
			return c;
	return NULL;
}

void child_link(struct ike_sa *sa, struct child_sa *c)
{
	c->ike = sa;
	c->next = sa->children;
	sa->children = c;
	sgw_htab_add(&sa->shard->child_by_spi, &c->by_spi, c->spi_in);
	sa->shard->st.child_sas++;
}

/* Policies are shared by a CHILD_SA and its rekeyed successors (same
 * reqid): only the last one of a reqid takes them away. */
static bool reqid_still_used(const struct ike_sa *sa, const struct child_sa *c)
{
	const struct child_sa *o;

	for (o = sa->children; o; o = o->next)
		if (o != c && o->reqid == c->reqid)
			return true;
	return false;
}

void child_remove(struct child_sa *c, const char *why)
{
	struct ike_sa *sa = c->ike;
	struct child_sa **pp;
	char ts[256];

	child_ts_str(c, ts, sizeof(ts));
	log_sa(sa, LOG_INFO, "CHILD_SA removed spi_in 0x%08x spi_out 0x%08x %s: %s",
	       c->spi_in, c->spi_out, ts, why);
	if (!sa->tearing_down) {
		struct child_sa *o;

		/* the successor's outbound SA takes over before this one goes */
		for (o = sa->children; o; o = o->next)
			if (o != c && o->reqid == c->reqid && o->pending_out)
				child_install_pending(sa, o);
	}
	child_uninstall(c, reqid_still_used(sa, c));
	for (pp = &sa->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	sgw_htab_del(&sa->shard->child_by_spi, &c->by_spi);
	sa->shard->st.child_sas--;
	sa->shard->st.child_deleted++;
	if (sa->req_child == c)
		sa->req_child = NULL;
	if (sa->req_new_child == c)
		sa->req_new_child = NULL;
	if (sa->collide_child == c)
		sa->collide_child = NULL;
	free(c);
}

void child_remove_all(struct ike_sa *sa)
{
	while (sa->children)
		child_remove(sa->children, "IKE SA gone");
}

/* Link an installed CHILD_SA to its IKE SA, count and log it. */
void child_established(struct ike_sa *sa, struct child_sa *c, const char *how, bool rekey)
{
	char ts[256], suite[128];

	child_link(sa, c);
	if (rekey)
		sa->shard->st.child_rekeys++;
	else
		sa->shard->st.child_installed++;
	child_ts_str(c, ts, sizeof(ts));
	ike_suite_to_string(&c->suite, suite, sizeof(suite));
	log_sa(sa, LOG_NOTICE, "CHILD_SA %s spi_in 0x%08x spi_out 0x%08x %s (%s)", how,
	       c->spi_in, c->spi_out, ts, suite);
}

/* --- selectors as text ------------------------------------------------------------ */

void child_ts_range_str(const struct ike_ts *t, char *buf, size_t len)
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

		child_ts_range_str(&c->ts_local[i], t, sizeof(t));
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", t);
	}
	if (o < len)
		o += snprintf(buf + o, len - o, " === ");
	for (i = 0; i < c->n_remote && o < len; i++) {
		char t[96];

		child_ts_range_str(&c->ts_remote[i], t, sizeof(t));
		o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", t);
	}
}

/* The tunnel's claim on its selectors (rri_claim()), counted when refused. */
int child_claim(struct ike_sa *sa, struct child_sa *c, bool peer_chose, uint16_t *notify)
{
	if (!rri_claim(sa, c, peer_chose, notify))
		return 0;
	sa_fail(sa->shard, *notify == IKE_N_NO_ADDITIONAL_SAS ? FAIL_PEER_LIMIT : FAIL_TS);
	return -1;
}

/* --- kernel state ---------------------------------------------------------------- */

/* The kernel's key of one of our ESP SAs: destination address and SPI. */
static void esp_key(struct xfrm_sa_key *key, const struct sockaddr_storage *dst,
		    uint32_t spi)
{
	int family;

	memset(key, 0, sizeof(*key));
	key->proto = IPPROTO_ESP;
	xfrm_addr_from_sockaddr(dst, &key->dst, &family);
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
		log_sa(sa, LOG_ERR, "cannot install outbound SA 0x%08x: %s", c->spi_out,
		       xfrm_errmsg(h));
	else
		c->installed_out = true;
	free_pending(c);
}

int child_alloc_spi(struct ike_sa *sa, struct child_sa *c)
{
	xfrm_address_t src, dst;
	int family, ret;

	xfrm_addr_from_sockaddr(&sa->peer, &src, &family);
	xfrm_addr_from_sockaddr(&sa->local, &dst, &family);
	ret = xfrm_spi_alloc(sa->shard->xfrm, family, &src, &dst, c->reqid,
			     sa->gw->c->if_id, NULL, 0, 0, &c->spi_in);
	if (ret) {
		log_sa(sa, LOG_ERR, "cannot allocate an SPI: %s",
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
	int family, ret = -1;

	if (ike_esp_algs(&c->suite, &algs) ||
	    ike_derive_child_keys(&sa->keys, &c->suite, gir, gir_len, ni, ni_len,
				  nr, nr_len, &k)) {
		log_sa(sa, LOG_ERR, "cannot derive CHILD_SA keys");
		return -1;
	}
	ipsec_esp_pair(&algs, &k, we_initiated, c->reqid, &in, &out);
	in.replay_window = gw->replay_window;
	in.if_id = out.if_id = gw->if_id;
	fill_lifetimes(gw, &in.lft);
	out.lft = in.lft;
	xfrm_addr_from_sockaddr(&sa->peer, &in.src, &family);
	xfrm_addr_from_sockaddr(&sa->local, &in.dst, &family);
	in.family = out.family = family;
	in.spi = c->spi_in;
	out.src = in.dst;
	out.dst = in.src;
	out.spi = c->spi_out;
	/* ESP goes in UDP only across a NAT (RFC 3948); IKE may use 4500 anyway. */
	if (sa->natt && (sa->nat_peer || sa->nat_local)) {
		in.natt = out.natt = true;
		in.natt_sport = sgw_sockaddr_port(&sa->peer);
		in.natt_dport = sgw_sockaddr_port(&sa->local);
		out.natt_sport = sgw_sockaddr_port(&sa->local);
		out.natt_dport = sgw_sockaddr_port(&sa->peer);
	}
	if (xfrm_sa_add(h, &in, true)) {
		log_sa(sa, LOG_ERR, "cannot install inbound SA 0x%08x: %s", c->spi_in,
		       xfrm_errmsg(h));
		goto out;
	}
	c->installed_in = true;
	if (c->defer_out) {
		if (hold_out(c, &out))
			goto out;
	} else if (xfrm_sa_add(h, &out, false)) {
		log_sa(sa, LOG_ERR, "cannot install outbound SA 0x%08x: %s", c->spi_out,
		       xfrm_errmsg(h));
		goto out;
	} else {
		c->installed_out = true;
	}
	if (policies) {
		c->policies = true;
		if (policy_install(sa, c))
			goto out;
	}
	rri_child_up(sa, c);
	ret = 0;
out:
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
	if (c->policies && !keep_policies)
		policy_remove(sa, c);
	c->policies = false;
}
