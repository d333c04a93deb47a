// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 proposals: configuration strings, and the selection of one
 * transform per type from two proposal lists (RFC 7296 §2.7, §3.3.6).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/sgw_byteorder.h"
#include "ike/ike_crypto.h"
#include "ike/ike_msg.h"
#include "ike/ike_proposal.h"

/* --- keywords ------------------------------------------------------------------ */

struct keyword {
	const char *name;
	uint8_t type;
	uint16_t id;
	uint16_t key_len;
};

/* The first keyword of a (type, id, key_len) is the one printed back. */
static const struct keyword keywords[] = {
	{ "aes128", IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 128 },
	{ "aes192", IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 192 },
	{ "aes256", IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 256 },
	{ "aes", IKE_TRANS_ENCR, IKE_ENCR_AES_CBC, 128 },
	{ "aes128gcm16", IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 128 },
	{ "aes192gcm16", IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 192 },
	{ "aes256gcm16", IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	{ "aes128gcm128", IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 128 },
	{ "aes192gcm128", IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 192 },
	{ "aes256gcm128", IKE_TRANS_ENCR, IKE_ENCR_AES_GCM_16, 256 },
	{ "sha1", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA1_96, 0 },
	{ "sha", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA1_96, 0 },
	{ "sha1_96", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA1_96, 0 },
	{ "sha256", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0 },
	{ "sha2_256", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0 },
	{ "sha384", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0 },
	{ "sha2_384", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0 },
	{ "sha512", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0 },
	{ "sha2_512", IKE_TRANS_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0 },
	{ "prfsha1", IKE_TRANS_PRF, IKE_PRF_HMAC_SHA1, 0 },
	{ "prfsha256", IKE_TRANS_PRF, IKE_PRF_HMAC_SHA2_256, 0 },
	{ "prfsha384", IKE_TRANS_PRF, IKE_PRF_HMAC_SHA2_384, 0 },
	{ "prfsha512", IKE_TRANS_PRF, IKE_PRF_HMAC_SHA2_512, 0 },
	{ "modp1024", IKE_TRANS_DH, IKE_DH_MODP1024, 0 },
	{ "modp2048", IKE_TRANS_DH, IKE_DH_MODP2048, 0 },
	{ "ecp256", IKE_TRANS_DH, IKE_DH_ECP256, 0 },
	{ "ecp384", IKE_TRANS_DH, IKE_DH_ECP384, 0 },
	{ "curve25519", IKE_TRANS_DH, IKE_DH_CURVE25519, 0 },
	{ "x25519", IKE_TRANS_DH, IKE_DH_CURVE25519, 0 },
	{ "esn", IKE_TRANS_ESN, IKE_ESN_YES, 0 },
	{ "noesn", IKE_TRANS_ESN, IKE_ESN_NO, 0 },
};

#define N_KEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

static const struct keyword *keyword_by_name(const char *s, size_t len)
{
	for (size_t i = 0; i < N_KEYWORDS; i++)
		if (strlen(keywords[i].name) == len &&
		    !strncasecmp(keywords[i].name, s, len))
			return &keywords[i];
	return NULL;
}

static const struct keyword *keyword_by_value(uint8_t type, uint16_t id,
					      uint16_t key_len)
{
	for (size_t i = 0; i < N_KEYWORDS; i++)
		if (keywords[i].type == type && keywords[i].id == id &&
		    keywords[i].key_len == key_len)
			return &keywords[i];
	return NULL;
}

/* PRF of the same hash as an integrity algorithm (strongSwan's rule). */
static uint16_t prf_of_integ(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA1_96:
		return IKE_PRF_HMAC_SHA1;
	case IKE_INTEG_HMAC_SHA2_256_128:
		return IKE_PRF_HMAC_SHA2_256;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return IKE_PRF_HMAC_SHA2_384;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return IKE_PRF_HMAC_SHA2_512;
	default:
		return 0;
	}
}

static bool is_aead(uint16_t encr)
{
	return encr == IKE_ENCR_AES_GCM_8 || encr == IKE_ENCR_AES_GCM_12 ||
	       encr == IKE_ENCR_AES_GCM_16 ||
	       encr == IKE_ENCR_CHACHA20_POLY1305;
}

/* --- configuration strings -------------------------------------------------------- */

static bool has_transform(const struct ike_proposal *p,
			  const struct ike_transform *t)
{
	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->t[i].type == t->type && p->t[i].id == t->id &&
		    p->t[i].key_len == t->key_len)
			return true;
	return false;
}

static unsigned int count_type(const struct ike_proposal *p, uint8_t type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < p->n_transforms; i++)
		n += p->t[i].type == type;
	return n;
}

static int add_transform(struct ike_proposal *p, uint8_t type, uint16_t id,
			 uint16_t key_len)
{
	struct ike_transform t = { .type = type, .id = id, .key_len = key_len };

	if (has_transform(p, &t))
		return 0;
	if (p->n_transforms >= IKE_MAX_TRANSFORMS)
		return -1;
	p->t[p->n_transforms++] = t;
	return 0;
}

/* "<msg> '<arg>'" into err */
static int perr(char *err, size_t err_len, const char *msg, const char *arg,
		size_t arg_len)
{
	if (err && err_len)
		snprintf(err, err_len, "%s '%.*s'", msg, (int)arg_len, arg);
	return -1;
}

/* Groups transforms by type in the order strongSwan prints them (ENCR,
 * INTEG, PRF, DH, ESN), keeping the configured order within a type. */
static void sort_by_type(struct ike_proposal *p)
{
	static const uint8_t order[] = {
		IKE_TRANS_ENCR, IKE_TRANS_INTEG, IKE_TRANS_PRF, IKE_TRANS_DH,
		IKE_TRANS_ESN,
	};
	struct ike_transform t[IKE_MAX_TRANSFORMS];
	unsigned int n = 0;

	for (size_t k = 0; k < sizeof(order); k++)
		for (unsigned int i = 0; i < p->n_transforms; i++)
			if (p->t[i].type == order[k])
				t[n++] = p->t[i];
	memcpy(p->t, t, n * sizeof(t[0]));
}

static int check_proposal(struct ike_proposal *p, const char *s, size_t len,
			  char *err, size_t err_len)
{
	unsigned int n_aead = 0, n_encr = count_type(p, IKE_TRANS_ENCR);
	unsigned int n_integ = count_type(p, IKE_TRANS_INTEG);

	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->t[i].type == IKE_TRANS_ENCR && is_aead(p->t[i].id))
			n_aead++;
	if (!n_encr)
		return perr(err, err_len, "no encryption algorithm in",
			    s, len);
	if (n_aead && n_aead != n_encr)
		return perr(err, err_len,
			    "AEAD and non-AEAD ciphers mixed in", s, len);
	if (n_aead && n_integ)
		return perr(err, err_len,
			    "integrity algorithm with an AEAD cipher in",
			    s, len);
	if (!n_aead && !n_integ)
		return perr(err, err_len, "no integrity algorithm in",
			    s, len);
	if (p->proto == IKE_PROTO_IKE) {
		if (!count_type(p, IKE_TRANS_PRF)) {
			if (n_aead)
				return perr(err, err_len,
					    "AEAD proposal needs a prf in",
					    s, len);
			for (unsigned int i = 0; i < p->n_transforms; i++)
				if (p->t[i].type == IKE_TRANS_INTEG &&
				    add_transform(p, IKE_TRANS_PRF,
						  prf_of_integ(p->t[i].id), 0))
					return perr(err, err_len,
						    "too many algorithms in",
						    s, len);
		}
		if (!count_type(p, IKE_TRANS_DH))
			return perr(err, err_len, "no DH group in", s,
				    len);
		if (count_type(p, IKE_TRANS_ESN))
			return perr(err, err_len, "esn is for ESP, in", s,
				    len);
	} else {
		if (count_type(p, IKE_TRANS_PRF))
			return perr(err, err_len, "prf is for IKE, in", s,
				    len);
		if (!count_type(p, IKE_TRANS_ESN) &&
		    add_transform(p, IKE_TRANS_ESN, IKE_ESN_NO, 0))
			return perr(err, err_len,
				    "too many algorithms in", s, len);
	}
	sort_by_type(p);
	return 0;
}

static int parse_one(const char *s, size_t len, uint8_t proto,
		     struct ike_proposal *p, char *err, size_t err_len)
{
	size_t off = 0;

	memset(p, 0, sizeof(*p));
	p->proto = proto;
	if (s[len - 1] == '-')
		return perr(err, err_len, "unknown algorithm", "", 0);
	while (off < len) {
		const char *tok = s + off;
		size_t tlen = 0;
		const struct keyword *kw;

		while (off + tlen < len && tok[tlen] != '-')
			tlen++;
		kw = keyword_by_name(tok, tlen);
		if (!kw)
			return perr(err, err_len, "unknown algorithm",
				    tok, tlen);
		if (add_transform(p, kw->type, kw->id, kw->key_len))
			return perr(err, err_len,
				    "too many algorithms in", s, len);
		off += tlen + 1;
	}
	return check_proposal(p, s, len, err, err_len);
}

int ike_proposals_parse(const char *str, uint8_t proto,
			struct ike_proposal *out, size_t cap,
			char *err, size_t err_len)
{
	size_t n = 0, off = 0, len;

	if (!str || (proto != IKE_PROTO_IKE && proto != IKE_PROTO_ESP))
		return perr(err, err_len, "bad proposal protocol or string", "", 0);
	len = strlen(str);
	while (off <= len) {
		const char *s = str + off;
		size_t plen = strcspn(s, ",");

		while (plen && (*s == ' ' || *s == '\t'))
			s++, plen--, off++;
		while (plen && (s[plen - 1] == ' ' || s[plen - 1] == '\t'))
			plen--;
		if (!plen)
			return perr(err, err_len, "empty proposal in",
				    str, len);
		if (n >= cap || n >= 255)
			return perr(err, err_len, "too many proposals in",
				    str, len);
		if (parse_one(s, plen, proto, &out[n], err, err_len))
			return -1;
		out[n].num = (uint8_t)(n + 1);
		n++;
		off += strcspn(str + off, ",") + 1;
	}
	return (int)n;
}

/* --- printing ------------------------------------------------------------------- */

static int append(char *buf, size_t len, int n, const char *s)
{
	size_t at = (size_t)n < len ? (size_t)n : len;

	return n + snprintf(buf + at, len - at, "%s%s", n ? "-" : "", s);
}

static int append_transform(char *buf, size_t len, int n, uint8_t type,
			    uint16_t id, uint16_t key_len)
{
	const struct keyword *kw = keyword_by_value(type, id, key_len);
	char tmp[32];

	if (kw)
		return append(buf, len, n, kw->name);
	if (key_len)
		snprintf(tmp, sizeof(tmp), "%u:%u/%u", type, id, key_len);
	else
		snprintf(tmp, sizeof(tmp), "%u:%u", type, id);
	return append(buf, len, n, tmp);
}

int ike_proposal_to_string(const struct ike_proposal *p, char *buf,
			   size_t len)
{
	int n = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned int i = 0; i < p->n_transforms; i++)
		n = append_transform(buf, len, n, p->t[i].type, p->t[i].id,
				     p->t[i].key_len);
	return n;
}

int ike_suite_to_string(const struct ike_suite *s, char *buf, size_t len)
{
	int n = 0;

	if (len)
		buf[0] = '\0';
	n = append_transform(buf, len, n, IKE_TRANS_ENCR, s->encr,
			     s->encr_key_len);
	if (s->integ)
		n = append_transform(buf, len, n, IKE_TRANS_INTEG, s->integ, 0);
	if (s->prf)
		n = append_transform(buf, len, n, IKE_TRANS_PRF, s->prf, 0);
	if (s->dh)
		n = append_transform(buf, len, n, IKE_TRANS_DH, s->dh, 0);
	if (s->proto != IKE_PROTO_IKE && s->esn == IKE_ESN_YES)
		n = append(buf, len, n, "esn");
	return n;
}

void ike_suite_to_proposal(const struct ike_suite *s, uint8_t num,
			   const uint8_t *spi, uint8_t spi_size,
			   struct ike_proposal *out)
{
	memset(out, 0, sizeof(*out));
	out->num = num;
	out->proto = s->proto;
	if (spi && spi_size <= sizeof(out->spi)) {
		out->spi_size = spi_size;
		memcpy(out->spi, spi, spi_size);
	}
	add_transform(out, IKE_TRANS_ENCR, s->encr, s->encr_key_len);
	if (s->integ)
		add_transform(out, IKE_TRANS_INTEG, s->integ, 0);
	if (s->proto == IKE_PROTO_IKE)
		add_transform(out, IKE_TRANS_PRF, s->prf, 0);
	if (s->dh)
		add_transform(out, IKE_TRANS_DH, s->dh, 0);
	if (s->proto != IKE_PROTO_IKE)
		add_transform(out, IKE_TRANS_ESN, s->esn, 0);
}

/* --- selection ------------------------------------------------------------------ */

bool ike_transform_supported(const struct ike_transform *t,
			     bool allow_legacy)
{
	struct ike_encr_info ei;
	struct ike_integ_info ii;

	switch (t->type) {
	case IKE_TRANS_ENCR:
		return ike_encr_info(t->id, t->key_len, &ei) == 0;
	case IKE_TRANS_PRF:
		return !t->key_len && ike_prf_len(t->id) != 0;
	case IKE_TRANS_INTEG:
		return !t->key_len && (t->id == IKE_INTEG_NONE ||
				       ike_integ_info(t->id, &ii) == 0);
	case IKE_TRANS_DH:
		return !t->key_len && (t->id == IKE_DH_NONE ||
				       ike_dh_supported(t->id, allow_legacy));
	case IKE_TRANS_ESN:
		return !t->key_len &&
		       (t->id == IKE_ESN_NO || t->id == IKE_ESN_YES);
	default:
		return false;
	}
}

/* The transforms of one type, with the implicit value of an absent type. */
struct tset {
	unsigned int n;
	struct ike_transform t[IKE_MAX_TRANSFORMS];
};

static void tset_of(const struct ike_proposal *p, uint8_t type,
		    struct tset *s)
{
	s->n = 0;
	for (unsigned int i = 0; i < p->n_transforms; i++)
		if (p->t[i].type == type)
			s->t[s->n++] = p->t[i];
	if (s->n)
		return;
	/* absent DH = NONE; absent ESN (ESP/AH) = no ESN; absent INTEG =
	 * NONE (acceptable only with an AEAD cipher, checked later) */
	if (type == IKE_TRANS_DH || type == IKE_TRANS_INTEG ||
	    (type == IKE_TRANS_ESN && p->proto != IKE_PROTO_IKE)) {
		s->t[0] = (struct ike_transform){ .type = type };
		s->n = 1;
	}
}

static bool tset_has(const struct tset *s, const struct ike_transform *t)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->t[i].id == t->id && s->t[i].key_len == t->key_len)
			return true;
	return false;
}

/* Common, supported transforms of one type in the preferred side's order. */
static void tset_common(const struct ike_proposal *ours,
			const struct ike_proposal *theirs, uint8_t type,
			unsigned int flags, struct tset *out)
{
	bool legacy = flags & IKE_SELECT_ALLOW_LEGACY;
	struct tset a, b;
	const struct tset *first = &a, *second = &b;

	tset_of(ours, type, &a);
	tset_of(theirs, type, &b);
	if (flags & IKE_SELECT_PREFER_PEER) {
		first = &b;
		second = &a;
	}
	out->n = 0;
	for (unsigned int i = 0; i < first->n; i++)
		if (tset_has(second, &first->t[i]) &&
		    ike_transform_supported(&first->t[i], legacy))
			out->t[out->n++] = first->t[i];
}

enum pair_result { PAIR_NO, PAIR_OK, PAIR_KE_MISMATCH };

static enum pair_result match_dh(const struct ike_proposal *ours,
				 const struct ike_proposal *theirs,
				 unsigned int flags, uint16_t ke_group,
				 struct ike_suite *s)
{
	struct ike_transform want = { .type = IKE_TRANS_DH, .id = ke_group };
	struct ike_transform none = { .type = IKE_TRANS_DH };
	struct tset c;

	if (flags & IKE_SELECT_IGNORE_DH) {
		s->dh = IKE_DH_NONE;
		return PAIR_OK;
	}
	tset_common(ours, theirs, IKE_TRANS_DH, flags, &c);
	if (ours->proto == IKE_PROTO_IKE) {
		/* an IKE SA always runs a key exchange */
		for (unsigned int i = 0; i < c.n; i++)
			if (c.t[i].id == IKE_DH_NONE)
				c.t[i--] = c.t[--c.n];
	}
	if (!c.n)
		return PAIR_NO;
	if (ke_group == IKE_DH_NONE) {
		s->dh = IKE_DH_NONE;
		return tset_has(&c, &none) ? PAIR_OK : PAIR_NO;
	}
	if (tset_has(&c, &want)) {
		s->dh = ke_group;
		return PAIR_OK;
	}
	/* the KE payload is ignored when no PFS is agreed (NONE common) */
	if (tset_has(&c, &none) && ours->proto != IKE_PROTO_IKE) {
		s->dh = IKE_DH_NONE;
		return PAIR_OK;
	}
	s->dh = c.t[0].id;
	return PAIR_KE_MISMATCH;
}

static enum pair_result match_pair(const struct ike_proposal *ours,
				   const struct ike_proposal *theirs,
				   unsigned int flags, uint16_t ke_group,
				   struct ike_suite *s)
{
	struct tset c;
	bool aead;

	if (ours->unusable || theirs->unusable || ours->proto != theirs->proto)
		return PAIR_NO;
	memset(s, 0, sizeof(*s));
	s->proto = theirs->proto;
	s->prop_num = theirs->num;
	s->spi_size = theirs->spi_size;
	memcpy(s->spi, theirs->spi, sizeof(s->spi));

	tset_common(ours, theirs, IKE_TRANS_ENCR, flags, &c);
	if (!c.n)
		return PAIR_NO;
	s->encr = c.t[0].id;
	s->encr_key_len = c.t[0].key_len;
	aead = is_aead(s->encr);

	tset_common(ours, theirs, IKE_TRANS_INTEG, flags, &c);
	s->integ = IKE_INTEG_NONE;
	for (unsigned int i = 0; i < c.n; i++) {
		if ((c.t[i].id == IKE_INTEG_NONE) == aead) {
			s->integ = c.t[i].id;
			break;
		}
	}
	if (!aead && s->integ == IKE_INTEG_NONE)
		return PAIR_NO;
	if (aead) {
		struct ike_transform none = { .type = IKE_TRANS_INTEG };

		if (!tset_has(&c, &none))
			return PAIR_NO;
	}

	tset_common(ours, theirs, IKE_TRANS_PRF, flags, &c);
	if (s->proto == IKE_PROTO_IKE) {
		if (!c.n)
			return PAIR_NO;
		s->prf = c.t[0].id;
	} else if (count_type(ours, IKE_TRANS_PRF) ||
		   count_type(theirs, IKE_TRANS_PRF)) {
		return PAIR_NO;
	}

	if (s->proto != IKE_PROTO_IKE) {
		tset_common(ours, theirs, IKE_TRANS_ESN, flags, &c);
		if (!c.n)
			return PAIR_NO;
		s->esn = c.t[0].id;
	} else if (count_type(theirs, IKE_TRANS_ESN)) {
		return PAIR_NO;
	}
	return match_dh(ours, theirs, flags, ke_group, s);
}

enum ike_select_result ike_proposal_select(const struct ike_proposal *ours,
					   size_t n_ours,
					   const struct ike_proposal *theirs,
					   size_t n_theirs,
					   unsigned int flags,
					   uint16_t peer_ke_group,
					   struct ike_suite *out)
{
	bool peer_first = flags & IKE_SELECT_PREFER_PEER;
	size_t n_outer = peer_first ? n_theirs : n_ours;
	size_t n_inner = peer_first ? n_ours : n_theirs;
	struct ike_suite s, fallback;
	bool have_fallback = false;

	for (size_t i = 0; i < n_outer; i++) {
		for (size_t j = 0; j < n_inner; j++) {
			const struct ike_proposal *o = &ours[peer_first ? j : i];
			const struct ike_proposal *t = &theirs[peer_first ? i : j];

			switch (match_pair(o, t, flags, peer_ke_group, &s)) {
			case PAIR_OK:
				*out = s;
				return IKE_SELECT_OK;
			case PAIR_KE_MISMATCH:
				if (!have_fallback) {
					fallback = s;
					have_fallback = true;
				}
				break;
			case PAIR_NO:
				break;
			}
		}
	}
	if (have_fallback) {
		*out = fallback;
		return IKE_SELECT_INVALID_KE;
	}
	memset(out, 0, sizeof(*out));
	return IKE_SELECT_NO_PROPOSAL;
}

bool ike_proposal_check_reply(const struct ike_proposal *ours, size_t n_ours,
			      const struct ike_proposal *reply,
			      unsigned int flags, struct ike_suite *out)
{
	struct tset dh;

	if (reply->unusable)
		return false;
	for (uint8_t type = 1; type <= IKE_TRANS_TYPE_MAX; type++)
		if (count_type(reply, type) > 1)
			return false;
	tset_of(reply, IKE_TRANS_DH, &dh);
	flags &= ~(unsigned int)IKE_SELECT_PREFER_PEER;
	for (size_t i = 0; i < n_ours; i++) {
		struct ike_suite s;

		if (match_pair(&ours[i], reply, flags, dh.t[0].id, &s) !=
		    PAIR_OK)
			continue;
		/* everything the responder chose must have been offered */
		for (unsigned int j = 0; j < reply->n_transforms; j++) {
			const struct ike_transform *t = &reply->t[j];

			if (t->type == IKE_TRANS_DH &&
			    (flags & IKE_SELECT_IGNORE_DH))
				continue;
			if (!has_transform(&ours[i], t) &&
			    !(t->id == 0 && (t->type == IKE_TRANS_DH ||
					     t->type == IKE_TRANS_ESN ||
					     t->type == IKE_TRANS_INTEG)))
				goto next;
		}
		*out = s;
		return true;
next:
		;
	}
	return false;
}

size_t ike_proposals_with_spi(const struct ike_proposal *src, size_t n,
			      const uint8_t *spi, uint8_t spi_size, bool without_dh,
			      struct ike_proposal *out)
{
	size_t i;

	if (spi_size > sizeof(out->spi))
		spi_size = sizeof(out->spi);
	for (i = 0; i < n; i++) {
		unsigned int t, k = 0;

		out[i] = src[i];
		if (without_dh) {
			for (t = 0; t < src[i].n_transforms; t++)
				if (src[i].t[t].type != IKE_TRANS_DH)
					out[i].t[k++] = src[i].t[t];
			out[i].n_transforms = (uint8_t)k;
		}
		out[i].spi_size = spi_size;
		memcpy(out[i].spi, spi, spi_size);
	}
	return n;
}

uint16_t ike_proposals_first_dh(const struct ike_proposal *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned int j = 0; j < p[i].n_transforms; j++)
			if (p[i].t[j].type == IKE_TRANS_DH && p[i].t[j].id)
				return p[i].t[j].id;
	return 0;
}

bool ike_proposals_have_dh(const struct ike_proposal *p, size_t n,
			   uint16_t group)
{
	for (size_t i = 0; i < n; i++)
		for (unsigned int j = 0; j < p[i].n_transforms; j++)
			if (p[i].t[j].type == IKE_TRANS_DH &&
			    p[i].t[j].id == group)
				return true;
	return false;
}

uint16_t ike_select_refusal(enum ike_select_result r, const struct ike_suite *selected,
			    uint8_t data[2], size_t *len)
{
	*len = 0;
	if (r == IKE_SELECT_OK)
		return 0;
	if (r == IKE_SELECT_INVALID_KE) {
		sgw_put_be16(data, selected->dh);
		*len = 2;
		return IKE_N_INVALID_KE_PAYLOAD;
	}
	return IKE_N_NO_PROPOSAL_CHOSEN;
}
