// SPDX-License-Identifier: GPL-2.0
/*
 * IKEv2 identities (text <-> struct ike_id), names of protocol numbers for
 * logs, and the NAT detection hash.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/sgw_htab.h"
#include "ike/ike_msg.h"

/* --- identities ------------------------------------------------------------- */

static int id_err(char *err, size_t err_len, const char *msg, const char *s)
{
	if (err && err_len)
		snprintf(err, err_len, "%s '%s'", msg, s);
	return -1;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int id_set(struct ike_id *id, uint8_t type, const void *data,
		  size_t len)
{
	if (!len || len > IKE_ID_MAX_LEN)
		return -1;
	id->type = type;
	id->len = (uint16_t)len;
	memcpy(id->data, data, len);
	return 0;
}

static int id_hex(struct ike_id *id, const char *hex)
{
	size_t n = strlen(hex);

	if (!n || n % 2 || n / 2 > IKE_ID_MAX_LEN)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		id->data[i] = (uint8_t)(hi << 4 | lo);
	}
	id->type = IKE_ID_KEY_ID;
	id->len = (uint16_t)(n / 2);
	return 0;
}

static bool has_prefix(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncasecmp(s, prefix, n))
		return false;
	*rest = s + n;
	return true;
}

/* An address identity through the one address parser. */
static int id_addr(struct ike_id *id, const char *s, int family)
{
	struct sgw_prefix a;

	if (sgw_addr_parse(s, &a) || (family && a.family != family))
		return -1;
	return id_set(id, a.family == AF_INET ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR,
		      a.addr, sgw_addr_len(a.family));
}

int ike_id_from_string(const char *s, struct ike_id *id, char *err,
		       size_t err_len)
{
	struct sgw_prefix a;
	const char *v;
	int ret;

	memset(id, 0, sizeof(*id));
	if (!s || !*s)
		return id_err(err, err_len, "empty identity", "");
	if (has_prefix(s, "ipv4:", &v))
		ret = id_addr(id, v, AF_INET);
	else if (has_prefix(s, "ipv6:", &v))
		ret = id_addr(id, v, AF_INET6);
	else if (has_prefix(s, "fqdn:", &v))
		ret = id_set(id, IKE_ID_FQDN, v, strlen(v));
	else if (has_prefix(s, "rfc822:", &v) || has_prefix(s, "email:", &v))
		ret = id_set(id, IKE_ID_RFC822_ADDR, v, strlen(v));
	else if (has_prefix(s, "keyid:#", &v) || has_prefix(s, "keyid:0x", &v) ||
		 has_prefix(s, "@#", &v))
		ret = id_hex(id, v);
	else if (has_prefix(s, "keyid:", &v))
		ret = id_set(id, IKE_ID_KEY_ID, v, strlen(v));
	else if (!sgw_addr_parse(s, &a))
		ret = id_addr(id, s, 0);
	else if (s[0] == '@')
		ret = id_set(id, IKE_ID_FQDN, s + 1, strlen(s + 1));
	else if (strchr(s, '@'))
		ret = id_set(id, IKE_ID_RFC822_ADDR, s, strlen(s));
	else
		ret = id_set(id, IKE_ID_FQDN, s, strlen(s));
	if (ret)
		return id_err(err, err_len, "invalid identity", s);
	return 0;
}

/* Text with non-printable bytes escaped as \xNN. */
static int print_text(const struct ike_id *id, const char *prefix, char *buf,
		      size_t len)
{
	int n = snprintf(buf, len, "%s", prefix);

	for (size_t i = 0; i < id->len; i++) {
		uint8_t c = id->data[i];
		size_t at = (size_t)n < len ? (size_t)n : len;

		if (c >= 0x20 && c < 0x7f && c != '\\')
			n += snprintf(buf + at, len - at, "%c", c);
		else
			n += snprintf(buf + at, len - at, "\\x%02x", c);
	}
	return n;
}

static int print_hex(const struct ike_id *id, const char *prefix, char *buf,
		     size_t len)
{
	int n = snprintf(buf, len, "%s", prefix);

	for (size_t i = 0; i < id->len; i++) {
		size_t at = (size_t)n < len ? (size_t)n : len;

		n += snprintf(buf + at, len - at, "%02x", id->data[i]);
	}
	return n;
}

int ike_id_to_string(const struct ike_id *id, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	switch (id->type) {
	case IKE_ID_IPV4_ADDR:
		if (id->len == 4 && inet_ntop(AF_INET, id->data, addr,
					      sizeof(addr)))
			return snprintf(buf, len, "ipv4:%s", addr);
		break;
	case IKE_ID_IPV6_ADDR:
		if (id->len == 16 && inet_ntop(AF_INET6, id->data, addr,
					       sizeof(addr)))
			return snprintf(buf, len, "ipv6:%s", addr);
		break;
	case IKE_ID_FQDN:
		return print_text(id, "fqdn:", buf, len);
	case IKE_ID_RFC822_ADDR:
		return print_text(id, "rfc822:", buf, len);
	case IKE_ID_KEY_ID:
		return print_hex(id, "keyid:#", buf, len);
	default:
		break;
	}
	{
		char prefix[16];

		snprintf(prefix, sizeof(prefix), "type%u:#", id->type);
		return print_hex(id, prefix, buf, len);
	}
}

/*
 * The one rule by which identities compare, wherever ikud decides who a peer
 * is (its key, its routes, its policies, INITIAL_CONTACT, the operator's
 * selectors): DNS names and mail addresses ignore ASCII letter case (RFC 4343,
 * RFC 5321's domain part; a mailbox's local part is case-folded too, as
 * strongSwan and iked do), distinguished names compare in OpenSSL's
 * canonical form (RFC 5280 7.1: case and spaces folded), every other type
 * byte for byte. Two rules would let a peer authenticate as one identity and
 * own another's.
 */
static bool id_folds_case(uint8_t type)
{
	return type == IKE_ID_FQDN || type == IKE_ID_RFC822_ADDR;
}

static uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static X509_NAME *dn_decode(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509_NAME *n = d2i_X509_NAME(NULL, &p, (long)len);

	if (n && p != der + len) {	/* trailing bytes: not one DN */
		X509_NAME_free(n);
		n = NULL;
	}
	return n;
}

/* Equal DNs; a DN that does not decode equals only its own bytes. */
static bool dn_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	X509_NAME *x = dn_decode(a, alen), *y = dn_decode(b, blen);
	bool eq;

	if (x && y)
		eq = X509_NAME_cmp(x, y) == 0;
	else
		eq = !x && !y && alen == blen && !memcmp(a, b, alen);
	X509_NAME_free(x);
	X509_NAME_free(y);
	return eq;
}

bool ike_id_data_equal(uint8_t type, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen)
{
	if (type == IKE_ID_DER_ASN1_DN)
		return dn_equal(a, alen, b, blen);
	if (alen != blen)
		return false;
	if (!id_folds_case(type))
		return memcmp(a, b, alen) == 0;
	for (size_t i = 0; i < alen; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

bool ike_id_equal(const struct ike_id *a, const struct ike_id *b)
{
	return a->type == b->type && a->len <= IKE_ID_MAX_LEN &&
	       ike_id_data_equal(a->type, a->data, a->len, b->data, b->len);
}

uint64_t ike_id_hash(const struct ike_id *id, uint64_t seed)
{
	uint8_t canon[IKE_ID_MAX_LEN];
	size_t len = id->len <= IKE_ID_MAX_LEN ? id->len : IKE_ID_MAX_LEN;

	if (id->type == IKE_ID_DER_ASN1_DN) {
		X509_NAME *n = dn_decode(id->data, len);
		int ok = 0;
		unsigned long h = n ? X509_NAME_hash_ex(n, NULL, NULL, &ok) : 0;

		X509_NAME_free(n);
		if (ok)
			return sgw_hash_bytes(&h, sizeof(h), seed ^ id->type);
	}
	for (size_t i = 0; i < len; i++)
		canon[i] = id_folds_case(id->type) ? ascii_lower(id->data[i]) : id->data[i];
	return sgw_hash_bytes(canon, len, seed ^ id->type);
}

/* --- patterns --------------------------------------------------------------- */

int ike_id_pattern_parse(const char *s, struct ike_id_pattern *p, char *err,
			 size_t err_len)
{
	memset(p, 0, sizeof(*p));
	if (s && (!strcmp(s, "*") || !strcmp(s, "any") || !strcmp(s, "%any")))
		return 0;
	if (ike_id_from_string(s, &p->id, err, err_len))
		return -1;
	if (id_folds_case(p->id.type))
		p->wildcard = memchr(p->id.data, '*', p->id.len) || memchr(p->id.data, '?', p->id.len);
	if (p->wildcard && memchr(p->id.data, 0, p->id.len))
		return id_err(err, err_len, "invalid identity pattern", s);
	return 0;
}

/* fnmatch(3) on NUL-terminated copies: names with a NUL byte never match. */
static bool wildcard_match(const struct ike_id_pattern *p, const struct ike_id *id)
{
	char pat[IKE_ID_MAX_LEN + 1], name[IKE_ID_MAX_LEN + 1];

	if (id->len > IKE_ID_MAX_LEN || memchr(id->data, 0, id->len))
		return false;
	memcpy(pat, p->id.data, p->id.len);
	pat[p->id.len] = 0;
	memcpy(name, id->data, id->len);
	name[id->len] = 0;
	/* the same letter-case rule as ike_id_data_equal() */
	return fnmatch(pat, name, FNM_CASEFOLD) == 0;
}

bool ike_id_match(const struct ike_id_pattern *p, const struct ike_id *id)
{
	if (ike_id_pattern_is_any(p))
		return true;
	if (p->id.type != id->type)
		return false;
	return p->wildcard ? wildcard_match(p, id) : ike_id_equal(&p->id, id);
}

bool ike_id_pattern_equal(const struct ike_id_pattern *a, const struct ike_id_pattern *b)
{
	if (ike_id_pattern_is_any(a) || ike_id_pattern_is_any(b))
		return ike_id_pattern_is_any(a) && ike_id_pattern_is_any(b);
	return a->wildcard == b->wildcard && ike_id_equal(&a->id, &b->id);
}

/* --- names ------------------------------------------------------------------ */

struct name {
	uint16_t v;
	const char *s;
};

#define LOOKUP(tab, val)						\
	do {								\
		for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) \
			if (tab[i].v == (val))				\
				return tab[i].s;			\
		return "UNKNOWN";					\
	} while (0)

static const struct name notify_names[] = {
	{ IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD" },
	{ IKE_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
	{ IKE_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
	{ IKE_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
	{ IKE_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
	{ IKE_N_INVALID_SPI, "INVALID_SPI" },
	{ IKE_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
	{ IKE_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
	{ IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
	{ IKE_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
	{ IKE_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
	{ IKE_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE" },
	{ IKE_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
	{ IKE_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
	{ IKE_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
	{ IKE_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
	{ IKE_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
	{ IKE_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
	{ IKE_N_SET_WINDOW_SIZE, "SET_WINDOW_SIZE" },
	{ IKE_N_ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE" },
	{ IKE_N_IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED" },
	{ IKE_N_NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP" },
	{ IKE_N_NAT_DETECTION_DESTINATION_IP, "NAT_DETECTION_DESTINATION_IP" },
	{ IKE_N_COOKIE, "COOKIE" },
	{ IKE_N_USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE" },
	{ IKE_N_HTTP_CERT_LOOKUP_SUPPORTED, "HTTP_CERT_LOOKUP_SUPPORTED" },
	{ IKE_N_REKEY_SA, "REKEY_SA" },
	{ IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PADDING_NOT_SUPPORTED" },
	{ IKE_N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO" },
	{ IKE_N_MOBIKE_SUPPORTED, "MOBIKE_SUPPORTED" },
	{ IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, "IKEV2_FRAGMENTATION_SUPPORTED" },
	{ IKE_N_SIGNATURE_HASH_ALGORITHMS, "SIGNATURE_HASH_ALGORITHMS" },
};

static const struct name payload_names[] = {
	{ IKE_PL_NONE, "NONE" }, { IKE_PL_SA, "SA" }, { IKE_PL_KE, "KE" },
	{ IKE_PL_IDI, "IDi" }, { IKE_PL_IDR, "IDr" }, { IKE_PL_CERT, "CERT" },
	{ IKE_PL_CERTREQ, "CERTREQ" }, { IKE_PL_AUTH, "AUTH" },
	{ IKE_PL_NONCE, "No" }, { IKE_PL_NOTIFY, "N" }, { IKE_PL_DELETE, "D" },
	{ IKE_PL_VENDOR, "V" }, { IKE_PL_TSI, "TSi" }, { IKE_PL_TSR, "TSr" },
	{ IKE_PL_SK, "SK" }, { IKE_PL_CP, "CP" }, { IKE_PL_EAP, "EAP" },
	{ IKE_PL_SKF, "SKF" },
};

static const struct name exchange_names[] = {
	{ IKE_SA_INIT, "IKE_SA_INIT" }, { IKE_AUTH, "IKE_AUTH" },
	{ IKE_CREATE_CHILD_SA, "CREATE_CHILD_SA" },
	{ IKE_INFORMATIONAL, "INFORMATIONAL" },
};

const char *ike_notify_name(uint16_t type)
{
	LOOKUP(notify_names, type);
}

const char *ike_payload_name(uint8_t type)
{
	LOOKUP(payload_names, type);
}

const char *ike_exchange_name(uint8_t exchange)
{
	LOOKUP(exchange_names, exchange);
}
