// SPDX-License-Identifier: GPL-2.0
/*
 * XFRM netlink messages without a socket: input checks, NEWSA/NEWPOLICY
 * builders, event parsing, address helpers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/udp.h>
#include <libmnl/libmnl.h>

#include "netlink/xfrm_client.h"
#include "base/sgw_prefix.h"
#include "base/sgw_sockaddr.h"
#include "netlink/xfrm_priv.h"

/* ---- addresses ------------------------------------------------------ */

void xfrm_addr_from_sockaddr(const struct sockaddr_storage *ss, xfrm_address_t *addr,
			     int *family)
{
	size_t len;
	const uint8_t *b = sgw_sockaddr_bytes(ss, &len);

	memset(addr, 0, sizeof(*addr));
	memcpy(addr, b, len);
	*family = ss->ss_family;
}


/* Clear the bits of @addr after the first @len. */
static void mask_prefix(xfrm_address_t *addr, size_t alen, unsigned int len)
{
	uint8_t *b = (uint8_t *)addr;
	size_t i;

	for (i = 0; i < alen; i++) {
		if (len >= 8 * (i + 1))
			continue;
		if (len > 8 * i)
			b[i] &= (uint8_t)(0xff << (8 - (len - 8 * i)));
		else
			b[i] = 0;
	}
}

/* Addresses and prefixes through the one parser (base/sgw_prefix.h). */
int xfrm_addr_parse(const char *text, xfrm_address_t *addr, int *family)
{
	struct sgw_prefix p;

	if (sgw_addr_parse(text, &p))
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, p.addr, sgw_addr_len(p.family));
	*family = p.family;
	return 0;
}

int xfrm_prefix_parse(const char *text, xfrm_address_t *addr, uint8_t *len,
		      int *family)
{
	struct sgw_prefix p;

	if (sgw_prefix_parse(text, SGW_PREFIX_MASK, &p, NULL))
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, p.addr, sgw_addr_len(p.family));
	*len = p.len;
	*family = p.family;
	return 0;
}

const char *xfrm_addr_str(int family, const xfrm_address_t *addr, char *buf,
			  size_t len)
{
	if (!inet_ntop(family, family == AF_INET ? (const void *)&addr->a4 :
			       (const void *)addr->a6, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* Address as a 128-bit number (IPv4 in the low 32 bits). */
static unsigned __int128 addr_to_u128(int family, const xfrm_address_t *a)
{
	const uint8_t *b = (const uint8_t *)a;
	unsigned __int128 v = 0;
	size_t i;

	for (i = 0; i < sgw_addr_len(family); i++)
		v = (v << 8) | b[i];
	return v;
}

static void u128_to_addr(int family, unsigned __int128 v, xfrm_address_t *a)
{
	size_t n = sgw_addr_len(family), i;
	uint8_t *b = (uint8_t *)a;

	memset(a, 0, sizeof(*a));
	for (i = n; i-- > 0;) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* The @n low bits set (n <= 128). */
static unsigned __int128 low_mask(unsigned int n)
{
	return n >= 128 ? ~(unsigned __int128)0 :
			  ((unsigned __int128)1 << n) - 1;
}

int xfrm_range_to_prefixes(int family, const xfrm_address_t *start,
			   const xfrm_address_t *end, xfrm_address_t *prefixes,
			   uint8_t *lens, int max)
{
	unsigned int bits = 8 * (unsigned int)sgw_addr_len(family);
	unsigned __int128 lo, hi, last;
	int n = 0;

	if (!bits)
		return -EINVAL;
	lo = addr_to_u128(family, start);
	hi = addr_to_u128(family, end);
	if (lo > hi)
		return -EINVAL;
	for (;;) {
		unsigned int k = 0;	/* this block holds 2^k addresses */

		/* Grow while lo stays aligned and the block ends by hi. */
		while (k < bits && !(lo & low_mask(k + 1)) &&
		       (lo | low_mask(k + 1)) <= hi)
			k++;
		if (n == max)
			return -ENOSPC;
		u128_to_addr(family, lo, &prefixes[n]);
		lens[n++] = (uint8_t)(bits - k);
		last = lo | low_mask(k);
		if (last >= hi)
			return n;
		lo = last + 1;
	}
}

/* ---- tunnel policies -------------------------------------------------- */

int xfrm_tunnel_policies(const struct xfrm_tunnel_ends *e,
			 const struct xfrm_sel_range *local, unsigned int n_local,
			 const struct xfrm_sel_range *remote, unsigned int n_remote,
			 struct xfrm_pol *out, int max)
{
	static const uint8_t dirs[3] = { XFRM_POLICY_OUT, XFRM_POLICY_IN, XFRM_POLICY_FWD };
	int n = 0;
	unsigned int i, j;

	for (i = 0; i < n_local; i++)
		for (j = 0; j < n_remote; j++) {
			const struct xfrm_sel_range *l = &local[i], *r = &remote[j];
			xfrm_address_t lp[8], rp[8];
			uint8_t ll[8], rl[8];
			int nl, nr, a, b, d;

			if (l->family != r->family)
				continue;
			nl = xfrm_range_to_prefixes(l->family, &l->start, &l->end, lp, ll, 8);
			nr = xfrm_range_to_prefixes(r->family, &r->start, &r->end, rp, rl, 8);
			if (nl < 0 || nr < 0)
				return -ENOSPC;
			for (a = 0; a < nl; a++)
				for (b = 0; b < nr; b++)
					for (d = 0; d < 3; d++) {
						bool o = dirs[d] == XFRM_POLICY_OUT;
						struct xfrm_pol *p;

						if (n == max)
							return -ENOSPC;
						p = &out[n++];
						memset(p, 0, sizeof(*p));
						p->dir = dirs[d];
						p->sel.family = l->family;
						p->sel.proto = l->proto ? l->proto : r->proto;
						p->sel.src = o ? lp[a] : rp[b];
						p->sel.src_len = o ? ll[a] : rl[b];
						p->sel.dst = o ? rp[b] : lp[a];
						p->sel.dst_len = o ? rl[b] : ll[a];
						p->sel.sport = o ? l->port : r->port;
						p->sel.dport = o ? r->port : l->port;
						/* more specific selectors win */
						p->priority = 200000 - (uint32_t)(ll[a] + rl[b]) * 256;
						p->if_id = e->if_id;
						p->tmpl_family = e->family;
						p->tmpl_src = o ? e->local : e->peer;
						p->tmpl_dst = o ? e->peer : e->local;
						p->reqid = e->reqid;
					}
		}
	return n;
}

/* ---- algorithms ------------------------------------------------------ */

struct alg_info {
	const char *name;
	unsigned int key_bytes[3];	/* accepted lengths, 0 = unused slot */
	unsigned int trunc_bits;	/* AUTH: RFC truncation */
};

static const struct alg_info aead_algs[] = {
	{ "rfc4106(gcm(aes))", { 20, 28, 36 }, 0 },
};

static const struct alg_info encr_algs[] = {
	{ "cbc(aes)", { 16, 24, 32 }, 0 },
};

static const struct alg_info auth_algs[] = {
	{ "hmac(sha1)", { 20 }, 96 },
	{ "hmac(sha256)", { 32 }, 128 },
	{ "hmac(sha384)", { 48 }, 192 },
	{ "hmac(sha512)", { 64 }, 256 },
};

static const struct alg_info *find_alg(const struct alg_info *tab, size_t n,
				       const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

static bool key_len_ok(const struct alg_info *a, size_t len)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (a->key_bytes[i] && a->key_bytes[i] == len)
			return true;
	return false;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static int fail(char *err, size_t errlen, int code, const char *msg,
		const char *arg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s%s%s", msg, arg ? ": " : "",
			 arg ? arg : "");
	return -code;
}

static int check_crypto(const struct xfrm_sa_crypto *c, char *err,
			size_t errlen)
{
	const struct alg_info *a;

	if (c->aead) {
		if (c->encr || c->auth)
			return fail(err, errlen, EINVAL,
				    "AEAD excludes separate encryption and integrity", NULL);
		a = find_alg(aead_algs, ARRAY_LEN(aead_algs), c->aead);
		if (!a)
			return fail(err, errlen, EINVAL, "unknown AEAD algorithm", c->aead);
		if (!c->enc_key || !key_len_ok(a, c->enc_key_len))
			return fail(err, errlen, EINVAL,
				    "bad AEAD key length (want AES key + 4-byte salt: 20, 28 or 36 bytes)",
				    c->aead);
		if (c->icv_bits && c->icv_bits != 64 && c->icv_bits != 96 &&
		    c->icv_bits != 128)
			return fail(err, errlen, EINVAL,
				    "bad AEAD ICV length (64, 96 or 128 bits)", NULL);
		return 0;
	}
	if (!c->encr || !c->auth)
		return fail(err, errlen, EINVAL,
			    "need an AEAD, or an encryption and an integrity algorithm", NULL);
	a = find_alg(encr_algs, ARRAY_LEN(encr_algs), c->encr);
	if (!a)
		return fail(err, errlen, EINVAL, "unknown encryption algorithm", c->encr);
	if (!c->enc_key || !key_len_ok(a, c->enc_key_len))
		return fail(err, errlen, EINVAL,
			    "bad encryption key length (16, 24 or 32 bytes)", c->encr);
	a = find_alg(auth_algs, ARRAY_LEN(auth_algs), c->auth);
	if (!a)
		return fail(err, errlen, EINVAL, "unknown integrity algorithm", c->auth);
	if (!c->auth_key || !key_len_ok(a, c->auth_key_len))
		return fail(err, errlen, EINVAL, "bad integrity key length", c->auth);
	if (c->trunc_bits && c->trunc_bits != a->trunc_bits)
		return fail(err, errlen, EINVAL, "bad integrity truncation length",
			    c->auth);
	return 0;
}

static unsigned int auth_trunc_bits(const struct xfrm_sa_crypto *c)
{
	const struct alg_info *a;

	if (c->trunc_bits)
		return c->trunc_bits;
	a = find_alg(auth_algs, ARRAY_LEN(auth_algs), c->auth);
	return a ? a->trunc_bits : 0;
}

/* ---- builders ---------------------------------------------------------- */

static uint64_t lft_limit(uint64_t v)
{
	return v ? v : XFRM_INF;
}

static void put_mark(struct nlmsghdr *nlh, const struct xfrm_mark *m)
{
	if (m->v || m->m)
		mnl_attr_put(nlh, XFRMA_MARK, sizeof(*m), m);
}

static void put_if_id(struct nlmsghdr *nlh, uint32_t if_id)
{
	if (if_id)
		mnl_attr_put_u32(nlh, XFRMA_IF_ID, if_id);
}

/* Variable-length algorithm attributes: struct + key, built on the stack. */
static void put_algs(struct nlmsghdr *nlh, const struct xfrm_sa_crypto *c)
{
	union {
		struct xfrm_algo_aead aead;
		struct xfrm_algo algo;
		struct xfrm_algo_auth auth;
		uint8_t raw[sizeof(struct xfrm_algo_auth) + 512];
	} u;

	if (c->aead) {
		memset(&u, 0, sizeof(u));
		snprintf(u.aead.alg_name, sizeof(u.aead.alg_name), "%s", c->aead);
		u.aead.alg_key_len = (unsigned int)c->enc_key_len * 8;
		u.aead.alg_icv_len = c->icv_bits ? c->icv_bits : 128;
		memcpy(u.aead.alg_key, c->enc_key, c->enc_key_len);
		mnl_attr_put(nlh, XFRMA_ALG_AEAD,
			     sizeof(u.aead) + c->enc_key_len, &u);
		return;
	}
	memset(&u, 0, sizeof(u));
	snprintf(u.algo.alg_name, sizeof(u.algo.alg_name), "%s", c->encr);
	u.algo.alg_key_len = (unsigned int)c->enc_key_len * 8;
	memcpy(u.algo.alg_key, c->enc_key, c->enc_key_len);
	mnl_attr_put(nlh, XFRMA_ALG_CRYPT, sizeof(u.algo) + c->enc_key_len, &u);

	memset(&u, 0, sizeof(u));
	snprintf(u.auth.alg_name, sizeof(u.auth.alg_name), "%s", c->auth);
	u.auth.alg_key_len = (unsigned int)c->auth_key_len * 8;
	u.auth.alg_trunc_len = auth_trunc_bits(c);
	memcpy(u.auth.alg_key, c->auth_key, c->auth_key_len);
	mnl_attr_put(nlh, XFRMA_ALG_AUTH_TRUNC,
		     sizeof(u.auth) + c->auth_key_len, &u);
	/* Keys are secrets: do not leave a copy on the stack. */
	explicit_bzero(&u, sizeof(u));
}

/*
 * Replay state: windows over 32 packets and ESN need the ESN attribute
 * (then the legacy replay_window field must be 0); an ESN SA needs a
 * non-zero window even outbound, where it is not used.
 */
static void put_replay(struct nlmsghdr *nlh, struct xfrm_usersa_info *p,
		       const struct xfrm_sa *sa)
{
	uint8_t buf[sizeof(struct xfrm_replay_state_esn) + 4096 / 8];
	struct xfrm_replay_state_esn *rs = (void *)buf;
	uint32_t win = sa->replay_window;

	if (!sa->esn && win <= 32) {
		p->replay_window = (uint8_t)win;
		return;
	}
	if (sa->esn && !win)
		win = 32;
	memset(buf, 0, sizeof(buf));
	rs->replay_window = win;
	rs->bmp_len = (win + 31) / 32;
	p->replay_window = 0;
	if (sa->esn)
		p->flags |= XFRM_STATE_ESN;
	mnl_attr_put(nlh, XFRMA_REPLAY_ESN_VAL,
		     sizeof(*rs) + rs->bmp_len * sizeof(uint32_t), rs);
}

static int check_sa(const struct xfrm_sa *sa, char *err, size_t errlen)
{
	if (!sgw_addr_len(sa->family))
		return fail(err, errlen, EAFNOSUPPORT, "SA family must be IPv4 or IPv6", NULL);
	if (sa->proto && sa->proto != IPPROTO_ESP)
		return fail(err, errlen, EPROTONOSUPPORT, "only ESP SAs are supported", NULL);
	if (!sa->spi)
		return fail(err, errlen, EINVAL, "SPI must not be 0", NULL);
	if (sa->replay_window > 4096)
		return fail(err, errlen, EINVAL, "replay window above 4096", NULL);
	if ((sa->lft.soft_bytes && sa->lft.hard_bytes && sa->lft.soft_bytes > sa->lft.hard_bytes) ||
	    (sa->lft.soft_packets && sa->lft.hard_packets && sa->lft.soft_packets > sa->lft.hard_packets) ||
	    (sa->lft.soft_add_seconds && sa->lft.hard_add_seconds &&
	     sa->lft.soft_add_seconds > sa->lft.hard_add_seconds) ||
	    (sa->lft.soft_use_seconds && sa->lft.hard_use_seconds &&
	     sa->lft.soft_use_seconds > sa->lft.hard_use_seconds))
		return fail(err, errlen, EINVAL, "soft lifetime above hard lifetime", NULL);
	return check_crypto(&sa->crypto, err, errlen);
}

int xfrm_build_sa(void *buf, size_t len, const struct xfrm_sa *sa,
		  bool update, char *err, size_t errlen)
{
	struct xfrm_usersa_info *p;
	struct nlmsghdr *nlh;
	int ret;

	if (len < XFRM_MSG_BUF)
		return fail(err, errlen, ENOSPC, "message buffer too small", NULL);
	ret = check_sa(sa, err, errlen);
	if (ret)
		return ret;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	p->id.daddr = sa->dst;
	p->id.spi = htonl(sa->spi);
	p->id.proto = IPPROTO_ESP;
	p->saddr = sa->src;
	p->family = (uint16_t)sa->family;
	p->mode = XFRM_MODE_TUNNEL;
	p->reqid = sa->reqid;
	p->flags = XFRM_STATE_AF_UNSPEC;
	p->lft.soft_byte_limit = lft_limit(sa->lft.soft_bytes);
	p->lft.hard_byte_limit = lft_limit(sa->lft.hard_bytes);
	p->lft.soft_packet_limit = lft_limit(sa->lft.soft_packets);
	p->lft.hard_packet_limit = lft_limit(sa->lft.hard_packets);
	p->lft.soft_add_expires_seconds = sa->lft.soft_add_seconds;
	p->lft.hard_add_expires_seconds = sa->lft.hard_add_seconds;
	p->lft.soft_use_expires_seconds = sa->lft.soft_use_seconds;
	p->lft.hard_use_expires_seconds = sa->lft.hard_use_seconds;

	put_algs(nlh, &sa->crypto);
	put_replay(nlh, p, sa);
	if (sa->natt) {
		struct xfrm_encap_tmpl enc = {
			.encap_type = UDP_ENCAP_ESPINUDP,
			.encap_sport = htons(sa->natt_sport ? sa->natt_sport : 4500),
			.encap_dport = htons(sa->natt_dport ? sa->natt_dport : 4500),
		};

		mnl_attr_put(nlh, XFRMA_ENCAP, sizeof(enc), &enc);
	}
	put_mark(nlh, &sa->mark);
	put_if_id(nlh, sa->if_id);
	return (int)nlh->nlmsg_len;
}

int xfrm_build_selector(struct xfrm_selector *s, const struct xfrm_ts *ts,
			char *err, size_t errlen)
{
	size_t alen = sgw_addr_len(ts->family);

	if (!alen)
		return fail(err, errlen, EAFNOSUPPORT, "selector family must be IPv4 or IPv6", NULL);
	if (ts->src_len > 8 * alen || ts->dst_len > 8 * alen)
		return fail(err, errlen, EINVAL, "selector prefix length too long", NULL);
	if ((ts->sport || ts->dport) && ts->proto != IPPROTO_TCP &&
	    ts->proto != IPPROTO_UDP && ts->proto != IPPROTO_SCTP)
		return fail(err, errlen, EINVAL, "ports need TCP, UDP or SCTP", NULL);
	memset(s, 0, sizeof(*s));
	s->family = (uint16_t)ts->family;
	s->saddr = ts->src;
	s->daddr = ts->dst;
	mask_prefix(&s->saddr, alen, ts->src_len);
	mask_prefix(&s->daddr, alen, ts->dst_len);
	s->prefixlen_s = ts->src_len;
	s->prefixlen_d = ts->dst_len;
	s->proto = ts->proto;
	if (ts->sport) {
		s->sport = htons(ts->sport);
		s->sport_mask = 0xffff;
	}
	if (ts->dport) {
		s->dport = htons(ts->dport);
		s->dport_mask = 0xffff;
	}
	return 0;
}

int xfrm_check_dir(uint8_t dir, char *err, size_t errlen)
{
	if (dir != XFRM_POLICY_IN && dir != XFRM_POLICY_OUT &&
	    dir != XFRM_POLICY_FWD)
		return fail(err, errlen, EINVAL, "policy direction must be in, out or fwd", NULL);
	return 0;
}

int xfrm_build_policy(void *buf, size_t len, const struct xfrm_pol *pol,
		      bool update, char *err, size_t errlen)
{
	struct xfrm_userpolicy_info *p;
	struct xfrm_user_tmpl t;
	struct nlmsghdr *nlh;
	int ret;

	if (len < XFRM_MSG_BUF)
		return fail(err, errlen, ENOSPC, "message buffer too small", NULL);
	ret = xfrm_check_dir(pol->dir, err, errlen);
	if (ret)
		return ret;
	if (!sgw_addr_len(pol->tmpl_family))
		return fail(err, errlen, EAFNOSUPPORT, "template family must be IPv4 or IPv6", NULL);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY;
	p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
	ret = xfrm_build_selector(&p->sel, &pol->sel, err, errlen);
	if (ret)
		return ret;
	p->lft.soft_byte_limit = XFRM_INF;
	p->lft.hard_byte_limit = XFRM_INF;
	p->lft.soft_packet_limit = XFRM_INF;
	p->lft.hard_packet_limit = XFRM_INF;
	p->priority = pol->priority;
	p->dir = pol->dir;
	p->action = XFRM_POLICY_ALLOW;
	p->share = XFRM_SHARE_ANY;

	memset(&t, 0, sizeof(t));
	t.id.daddr = pol->tmpl_dst;
	t.id.proto = IPPROTO_ESP;
	t.family = (uint16_t)pol->tmpl_family;
	t.saddr = pol->tmpl_src;
	t.reqid = pol->reqid;
	t.mode = XFRM_MODE_TUNNEL;
	t.aalgos = t.ealgos = t.calgos = ~0u;
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	put_mark(nlh, &pol->mark);
	put_if_id(nlh, pol->if_id);
	return (int)nlh->nlmsg_len;
}

/* ---- parsing ----------------------------------------------------------- */

struct attr_tb {
	const struct nlattr **tb;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attr_tb *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= XFRMA_MAX)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

int xfrm_parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
		     const struct nlattr **tb)
{
	struct attr_tb t = { tb };

	memset(tb, 0, sizeof(*tb) * (XFRMA_MAX + 1));
	if (nlh->nlmsg_len < mnl_nlmsg_size(hdrlen))
		return -EINVAL;
	if (mnl_attr_parse(nlh, (unsigned int)MNL_ALIGN(hdrlen), attr_cb, &t) < 0)
		return -EINVAL;
	return 0;
}

static bool attr_at_least(const struct nlattr *a, size_t len)
{
	return a && mnl_attr_get_payload_len(a) >= len;
}

static void parse_mark_if_id(const struct nlattr **tb, struct xfrm_event *e)
{
	if (attr_at_least(tb[XFRMA_MARK], sizeof(struct xfrm_mark)))
		memcpy(&e->mark, mnl_attr_get_payload(tb[XFRMA_MARK]),
		       sizeof(e->mark));
	if (attr_at_least(tb[XFRMA_IF_ID], sizeof(uint32_t)))
		e->if_id = mnl_attr_get_u32(tb[XFRMA_IF_ID]);
}

static void selector_to_ts(const struct xfrm_selector *s, struct xfrm_ts *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->family = s->family;
	ts->src = s->saddr;
	ts->dst = s->daddr;
	ts->src_len = s->prefixlen_s;
	ts->dst_len = s->prefixlen_d;
	ts->proto = s->proto;
	ts->sport = s->sport_mask ? ntohs(s->sport) : 0;
	ts->dport = s->dport_mask ? ntohs(s->dport) : 0;
}

static int parse_expire(const struct nlmsghdr *nlh, struct xfrm_event *e)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_user_expire ue_hdr;
	const struct xfrm_user_expire *ue = &ue_hdr;

	if (xfrm_parse_attrs(nlh, sizeof(*ue), tb))
		return -EINVAL;
	/* a copy: the kernel aligns messages to 4 bytes, these need 8 */
	memcpy(&ue_hdr, mnl_nlmsg_get_payload(nlh), sizeof(ue_hdr));
	e->type = XFRM_EV_SA_EXPIRE;
	e->hard = ue->hard != 0;
	e->family = ue->state.family;
	e->src = ue->state.saddr;
	e->dst = ue->state.id.daddr;
	e->spi = ntohl(ue->state.id.spi);
	e->proto = ue->state.id.proto;
	e->reqid = ue->state.reqid;
	parse_mark_if_id(tb, e);
	return 0;
}

static int parse_acquire(const struct nlmsghdr *nlh, struct xfrm_event *e)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_user_acquire ua_hdr;
	const struct xfrm_user_acquire *ua = &ua_hdr;

	if (xfrm_parse_attrs(nlh, sizeof(*ua), tb))
		return -EINVAL;
	/* a copy: the kernel aligns messages to 4 bytes, these need 8 */
	memcpy(&ua_hdr, mnl_nlmsg_get_payload(nlh), sizeof(ua_hdr));
	e->type = XFRM_EV_ACQUIRE;
	e->family = ua->policy.sel.family;
	e->src = ua->saddr;
	e->dst = ua->id.daddr;
	e->proto = ua->id.proto;
	selector_to_ts(&ua->sel, &e->sel);
	e->policy_index = ua->policy.index;
	e->policy_dir = ua->policy.dir;
	if (attr_at_least(tb[XFRMA_TMPL], sizeof(struct xfrm_user_tmpl))) {
		const struct xfrm_user_tmpl *t =
			mnl_attr_get_payload(tb[XFRMA_TMPL]);

		e->family = t->family;
		e->reqid = t->reqid;
	}
	parse_mark_if_id(tb, e);
	return 0;
}

static int parse_polexpire(const struct nlmsghdr *nlh, struct xfrm_event *e)
{
	const struct nlattr *tb[XFRMA_MAX + 1];
	struct xfrm_user_polexpire up_hdr;
	const struct xfrm_user_polexpire *up = &up_hdr;

	if (xfrm_parse_attrs(nlh, sizeof(*up), tb))
		return -EINVAL;
	/* a copy: the kernel aligns messages to 4 bytes, these need 8 */
	memcpy(&up_hdr, mnl_nlmsg_get_payload(nlh), sizeof(up_hdr));
	e->type = XFRM_EV_POLICY_EXPIRE;
	e->hard = up->hard != 0;
	e->family = up->pol.sel.family;
	selector_to_ts(&up->pol.sel, &e->sel);
	e->policy_index = up->pol.index;
	e->policy_dir = up->pol.dir;
	parse_mark_if_id(tb, e);
	return 0;
}

int xfrm_event_parse(const struct nlmsghdr *nlh, struct xfrm_event *e)
{
	memset(e, 0, sizeof(*e));
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_EXPIRE:
		return parse_expire(nlh, e);
	case XFRM_MSG_ACQUIRE:
		return parse_acquire(nlh, e);
	case XFRM_MSG_POLEXPIRE:
		return parse_polexpire(nlh, e);
	default:
		return -ENOENT;
	}
}
